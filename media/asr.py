"""Speech recognition plug-in: off by default, because no Chinese speech model ships in any package.

A user who has a model (vosk, sherpa-onnx, ...) sets TAGKG_ASR_PLUGIN=module:factory and
TAGKG_ASR_MODEL_DIR=/path/to/model; factory(model_dir) returns an object with
`name` and `transcribe(path) -> str`. It runs only for videos without subtitles (subtitles are exact)."""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Protocol

from media.limits import MediaError


class AsrPlugin(Protocol):
    name: str

    def transcribe(self, path: Path) -> str: ...


def load_plugin(spec: str | None = None, model_dir: str | None = None) -> AsrPlugin | None:
    """The configured plug-in, or None (ASR off) when TAGKG_ASR_PLUGIN is not set."""
    spec = spec if spec is not None else os.environ.get("TAGKG_ASR_PLUGIN", "")
    if not spec:
        return None
    model_dir = model_dir if model_dir is not None else os.environ.get("TAGKG_ASR_MODEL_DIR", "")
    if not model_dir or not Path(model_dir).is_dir():
        raise MediaError("asr", f"TAGKG_ASR_PLUGIN={spec} needs TAGKG_ASR_MODEL_DIR, a model folder ({model_dir!r} is not one)")
    module, _, factory = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), factory or "plugin")(Path(model_dir))
    except (ImportError, AttributeError) as e:
        raise MediaError("asr", f"cannot load ASR plug-in {spec!r}: {e}") from None


def describe(plugin: AsrPlugin | None) -> str:
    return f"on ({plugin.name})" if plugin else "off (no speech model configured: TAGKG_ASR_PLUGIN)"
