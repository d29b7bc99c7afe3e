"""Surface-variant evidence: is an n-gram a homophone typo or a truncation of a tag or of a commoner n-gram?

User text repeats the same slips (香菜 typed 湘菜, OCR cutting 洋桔梗养护 to 洋桔梗养); such variants are
frequent, complete-looking and fit the same patterns as real tags, so both pipelines need to see them.
(pypinyin comes with jionlp/harvesttext; only its character table is read.)
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
from pypinyin.pinyin_dict import pinyin_dict

MAX_CUT = 2  # characters an OCR or a hasty typist drops from the end


@lru_cache(maxsize=65536)
def _sound(ch: str) -> str:
    """Toneless first reading of a Han character; any other character stands for itself."""
    reading = pinyin_dict.get(ord(ch))
    if not reading:
        return ch
    return "".join(c for c in unicodedata.normalize("NFD", reading.split(",")[0]) if not unicodedata.combining(c))


def sound_key(text: str) -> str:
    return " ".join(_sound(ch) for ch in text)


def variant_features(texts: list[str], counts: np.ndarray, known: frozenset[str] | set[str]) -> np.ndarray:
    """(m, 4): [sounds like a known tag and is rarer, max count of a same-sounding n-gram / own count,
    is a known tag cut short by <= MAX_CUT chars, max count of an n-gram it cuts short / own count].

    `texts` are keys (see normalize.tag_key) with their corpus `counts`; `known` are tag keys.
    """
    known_sound = {sound_key(k): k for k in known}
    known_cut = {k[:-c] for k in known for c in range(1, MAX_CUT + 1) if len(k) - c >= 2}
    sounds = [sound_key(t) for t in texts]
    loudest: dict[str, tuple[int, str]] = {}
    longer: dict[str, int] = {}
    for t, s, c in zip(texts, sounds, counts.tolist()):
        if c > loudest.get(s, (0, ""))[0]:
            loudest[s] = (c, t)
        for cut in range(1, MAX_CUT + 1):
            if len(t) - cut >= 2:
                longer[t[:-cut]] = max(longer.get(t[:-cut], 0), c)
    seen = dict(zip(texts, counts.tolist()))
    out = np.zeros((len(texts), 4))
    for r, (t, s, c) in enumerate(zip(texts, sounds, counts.tolist())):
        if len(t) >= 2:  # one character shares its sound with dozens (水, 谁): no evidence of a slip
            other = known_sound.get(s)
            # a slip is rarer than what it is a slip of (when the corpus shows that one at all)
            out[r, 0] = other is not None and other != t and seen.get(other, c + 1) > c
            top, top_text = loudest[s]
            out[r, 1] = top / c if top_text != t else 0.0
        out[r, 2] = t in known_cut
        out[r, 3] = longer.get(t, 0) / c
    return out
