"""Text normalisation (the one normaliser): width, case, spaces, traditional -> simplified; and the dedupe key."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_SPACES = re.compile(r"\s+")
# Characters that never decide identity of a tag: 'SK-II' == 'sk ii' == 'SKII', '奈雪·的茶' == '奈雪的茶'.
_KEY_DROP = re.compile(r"[\s\-_·・]+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern:
    """Characters whose presence can make t2s change a text; texts without any skip the slow converter.

    Sound because every t2s rewrite needs its dictionary key in the text, and every key that rewrites
    contains at least one character that differs from its output at the same place.
    """
    cc = _t2s()
    cc.convert("")  # loads the dictionaries
    trigger: set[str] = set()
    for _, _, table in (d for chain in cc._dict_chain_data for d in chain):
        for key, value in table.items():
            out = value.split()[0]
            if out == key:
                continue
            if len(out) == len(key):
                trigger.update(k for k, v in zip(key, out) if k != v)
            else:
                trigger.update(key)
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(trigger)) + "]")


def normalize(text: str) -> str:
    """NFKC (full width -> half width), latin lowercased, spaces collapsed, traditional -> simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _SPACES.sub(" ", text).strip()
    if _traditional_re().search(text):
        text = _t2s().convert(text)
    return text


def tag_key(name: str) -> str:
    """Identity of a tag name for dedupe: normalised, without spaces and joiner punctuation."""
    return _KEY_DROP.sub("", normalize(name))
