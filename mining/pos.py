"""Coarse part of speech of a word, from jieba's dictionary: a corpus-independent feature of tokens."""
from __future__ import annotations

from jieba.posseg import dt as _posseg

# Coarse POS classes of jieba's dictionary tags; proper-noun kinds stay apart (a person, place or
# organisation name is tag-like in any genre, a common noun much less so).
POS_CLASSES = ("n", "nr", "ns", "nt", "nz", "vn", "v", "a", "d", "r", "p", "c", "u", "m", "t", "i", "other",
               "eng", "unk")
_POS_OF_TAG = {"n": "n", "v": "v", "a": "a", "d": "d", "r": "r", "p": "p", "c": "c", "u": "u", "y": "u",
               "e": "u", "o": "u", "k": "u", "h": "u", "m": "m", "q": "m", "t": "t", "f": "t", "s": "t",
               "i": "i", "l": "i", "j": "i"}


def pos_class(word: str) -> str:
    """Coarse class of jieba's dictionary POS of a word (eng/unk when it has none)."""
    tag = _posseg.word_tag_tab.get(word)
    if not tag:
        return "eng" if word.isascii() else "unk"
    if tag[:2] in POS_CLASSES:
        return tag[:2]
    return _POS_OF_TAG.get(tag[0], "other")
