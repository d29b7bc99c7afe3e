"""Files several tagkg processes may share (caches, models, LATEST pointers): written whole or not at all."""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable


def atomic_write(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call write(tmp) on a temp file beside `path`, then rename it over `path` in one step.

    The temp name is unique to this process and thread, so two API processes on one data folder never
    write the same temp file (a shared name let one rename the other's half-written file away); it
    keeps `path`'s suffix, so np.save and friends add none of their own. Readers see the old file or
    the new one, never a torn one; a failed write leaves no temp file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(path: Path | str, text: str) -> Path:
    """atomic_write of UTF-8 text."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@contextmanager
def locked(path: Path | str, shared: bool = False):
    """Hold an advisory lock on `path`.lock: for files that must change together (a cache's keys and
    vectors), writers lock exclusively and readers shared, across processes."""
    lock = Path(f"{path}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
