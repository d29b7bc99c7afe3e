"""Streamed segmentation of documents into one compact token-id array that both pipelines share."""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
from array import array
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Iterable, Iterator

import jieba
import numpy as np
from tqdm import tqdm

from text.normalize import normalize

jieba.setLogLevel(logging.WARNING)

# Set before the worker pool forks, so workers inherit the tokenizer with its user words.
_TOKENIZER: jieba.Tokenizer | None = None


@dataclass
class Corpus:
    """All documents as one token-id array, with where each starts, its date and its id."""

    vocab: list[str]           # token id -> token text
    is_word: np.ndarray        # token id -> content token (not punctuation or space)
    tokens: np.ndarray         # int32 token ids of all documents, -1 between documents
    doc_starts: np.ndarray     # int64 position of each document's first token
    doc_days: np.ndarray       # int32 date ordinal of each document, -1 if unknown
    doc_ids: list[str]

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        """Document index of each token position."""
        return np.searchsorted(self.doc_starts, positions, side="right") - 1

    def text(self, pos: int, n: int) -> str:
        """The n tokens from `pos`, joined."""
        return "".join(self.vocab[t] for t in self.tokens[pos:pos + n])

    def context(self, pos: int, n: int, width: int = 8) -> str:
        """The n tokens at `pos` in brackets, with up to `width` tokens of the same document each side."""
        toks = self.tokens
        lo = pos
        while lo > 0 and pos - lo < width and toks[lo - 1] >= 0:
            lo -= 1
        hi = pos + n
        while hi < len(toks) and hi - pos - n < width and toks[hi] >= 0:
            hi += 1
        return (self.text(lo, pos - lo) + "【" + self.text(pos, n) + "】" + self.text(pos + n, hi - pos - n)).strip()


def make_tokenizer(user_words: Iterable[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer that keeps every trusted atomic tag whole (the global one is left alone)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in user_words:
        tok.add_word(word)
    return tok


def build_corpus(docs: Iterable[dict], tokenizer: jieba.Tokenizer, *, workers: int | None = None,
                 batch: int = 256, progress: bool = True) -> Corpus:
    """Normalise and segment `docs` ({"id", "text", "date"}) in a stream; only token ids are kept."""
    global _TOKENIZER
    _TOKENIZER = tokenizer
    workers = workers or min(2, os.cpu_count() or 1)
    vocab: dict[str, int] = {}
    tokens, starts, days, ids = array("i"), array("q"), array("i"), []
    bar = tqdm(desc="segment", unit="doc", disable=not progress)
    for chunk, segmented in _segmented(_batches(docs, batch), workers):
        for doc, toks in zip(chunk, segmented):
            starts.append(len(tokens))
            tokens.extend(vocab.setdefault(t, len(vocab)) for t in toks)
            tokens.append(-1)
            days.append(day_ordinal(doc.get("date")))
            ids.append(doc.get("id"))
        bar.update(len(chunk))
    bar.close()
    words = list(vocab)
    return Corpus(words, np.array([any(ch.isalnum() for ch in w) for w in words], dtype=bool),
                  np.frombuffer(tokens, dtype=np.int32).copy(), np.frombuffer(starts, dtype=np.int64).copy(),
                  np.frombuffer(days, dtype=np.int32).copy(), ids)


def _batches(docs: Iterable[dict], size: int) -> Iterator[list[dict]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def _segmented(batches: Iterator[list[dict]], workers: int) -> Iterator[tuple[list[dict], list[list[str]]]]:
    """(batch, its token lists); a fork pool fed a few batches at a time so input stays streamed."""
    if workers <= 1:
        for chunk in batches:
            yield chunk, _cut([d.get("text") or "" for d in chunk])
        return
    with mp.get_context("fork").Pool(workers) as pool:
        while group := list(islice(batches, workers * 4)):
            texts = [[d.get("text") or "" for d in chunk] for chunk in group]
            yield from zip(group, pool.imap(_cut, texts))


def _cut(texts: list[str]) -> list[list[str]]:
    return [list(_TOKENIZER.cut(normalize(t))) for t in texts]


def day_ordinal(value) -> int:
    """Date ordinal of an ISO date/datetime string, date or datetime; -1 when missing or unparsable."""
    if isinstance(value, datetime):
        return value.date().toordinal()
    if isinstance(value, date):
        return value.toordinal()
    try:
        return date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return -1
