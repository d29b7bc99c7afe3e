"""FAISS indexes and Neo4j vector properties of the model's embeddings; video->tags and video->videos retrieval."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from graph.cypher import gnn as GQ, schema as SQ
from tagkg.files import atomic_write, write_text

EXACT_MAX = 20_000  # up to this many vectors an exact (flat) index; above it HNSW (a flat search of 100k
#                     512-d vectors costs several ms per query, too slow for one-video tagging latency)
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128
WRITE_BATCH = 2000
NEO4J_CANDIDATES = 50  # nodes asked of Neo4j's vector index per query, of which the top k are kept


def models_dir(settings) -> Path:
    return Path(settings.data_dir) / "models"


def build_index(vecs: np.ndarray, exact_max: int = EXACT_MAX) -> faiss.Index:
    """Inner-product index over unit vectors (= cosine): exact below exact_max, HNSW above it."""
    vecs = np.ascontiguousarray(vecs, np.float32)
    if len(vecs) <= exact_max:
        index = faiss.IndexFlatIP(vecs.shape[1])
    else:
        index = faiss.IndexHNSWFlat(vecs.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vecs)
    return index


def save_indexes(out_dir: Path, video_ids: list[str], video_vecs: np.ndarray, tag_ids: list[str],
                 tag_vecs: np.ndarray, version: str, blind_vecs: np.ndarray | None = None) -> dict:
    """video.faiss / tag.faiss + ids and vectors beside the checkpoint; tag index holds approved tags only.
    blind_vecs (n_videos, d), rows as video_ids: label-blind video vectors, handed to rank-train."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, ids, vecs in (("video", video_ids, video_vecs), ("tag", tag_ids, tag_vecs)):
        index = build_index(vecs)
        atomic_write(out_dir / f"{name}.faiss", lambda tmp: faiss.write_index(index, str(tmp)))
        atomic_write(out_dir / f"{name}-vecs.npy", lambda tmp: np.save(tmp, vecs.astype(np.float32)))
        write_text(out_dir / f"{name}-ids.json", json.dumps(ids))
    if blind_vecs is not None:
        atomic_write(out_dir / "video-blind-vecs.npy", lambda tmp: np.save(tmp, blind_vecs.astype(np.float32)))
    meta = {"version": version, "videos": len(video_ids), "tags": len(tag_ids), "dim": int(video_vecs.shape[1])}
    write_text(out_dir / "index.json", json.dumps(meta, indent=1))
    return meta


def write_neo4j(graph, label: str, ids: list[str], vecs: np.ndarray, version: str, progress: bool = True) -> None:
    """Store vectors as `embedding` properties and make sure the cosine vector index exists and is online."""
    from graph.schema import ensure_vector_index

    ensure_vector_index(graph, label, vecs.shape[1])
    for lo in tqdm(range(0, len(ids), WRITE_BATCH), desc=f"{label}.embedding", disable=not progress):
        rows = [{"id": i, "vec": v.tolist()} for i, v in zip(ids[lo:lo + WRITE_BATCH], vecs[lo:lo + WRITE_BATCH])]
        graph.execute(GQ.GNN_SET_EMBEDDINGS[label], rows=rows, version=version)
    graph.execute(SQ.AWAIT_INDEXES, timeout_s=600)


def set_latest(settings, version: str) -> None:
    d = models_dir(settings)
    d.mkdir(parents=True, exist_ok=True)
    write_text(d / "LATEST", version + "\n")   # a process reading LATEST meanwhile sees the old or the new name


def latest_version(settings) -> str | None:
    """The version named in models/LATEST, or None before the first `tagkg index`."""
    f = models_dir(settings) / "LATEST"
    return f.read_text().strip() if f.exists() else None


class Retriever:
    """Loaded indexes of one model version: cross-modal (video -> tags) and similar-video retrieval."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.meta = json.loads((self.folder / "index.json").read_text())
        self.version = self.meta["version"]
        self.index = {n: faiss.read_index(str(self.folder / f"{n}.faiss")) for n in ("video", "tag")}
        self.ids = {n: json.loads((self.folder / f"{n}-ids.json").read_text()) for n in ("video", "tag")}
        self.video_row = {v: i for i, v in enumerate(self.ids["video"])}
        self.video_vecs = np.load(self.folder / "video-vecs.npy", mmap_mode="r")   # (n_videos, d)
        blind = self.folder / "video-blind-vecs.npy"
        self.blind_vecs = np.load(blind, mmap_mode="r") if blind.exists() else None  # (n_videos, d) or None

    def video_vector(self, video_id: str) -> np.ndarray | None:
        """The video's (d,) embedding, None when the video was not in the graph at indexing time."""
        row = self.video_row.get(video_id)
        return None if row is None else np.asarray(self.video_vecs[row], np.float32)

    def blind_vector(self, video_id: str) -> np.ndarray | None:
        """The video's vector inferred without any of its tag edges (how a held-out video is embedded)."""
        row = self.video_row.get(video_id)
        return None if row is None or self.blind_vecs is None else np.asarray(self.blind_vecs[row], np.float32)

    def search(self, name: str, vec: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(id, cosine) of the k nearest `name` ('video'|'tag') vectors to vec."""
        score, idx = self.index[name].search(np.asarray(vec, np.float32).reshape(1, -1), k)
        return [(self.ids[name][i], float(s)) for i, s in zip(idx[0], score[0]) if i >= 0]

    def video_to_tags(self, video_id: str, k: int = 20) -> list[tuple[str, float]]:
        """Cross-modal retrieval: the k approved tags nearest to the video, best first."""
        vec = self.video_vector(video_id)
        return [] if vec is None else self.search("tag", vec, k)

    def similar_videos(self, video_id: str, k: int = 10) -> list[tuple[str, float]]:
        """Similar-video retrieval: the k nearest other videos, best first."""
        vec = self.video_vector(video_id)
        if vec is None:
            return []
        return [(v, s) for v, s in self.search("video", vec, k + 1) if v != video_id][:k]


@lru_cache(maxsize=4)
def _retriever(folder: str, version: str) -> Retriever:
    return Retriever(Path(folder))


def load_retriever(settings, version: str | None = None) -> Retriever:
    """The Retriever of `version` (default: models/LATEST); cached per process."""
    version = version or latest_version(settings)
    if version is None:
        raise FileNotFoundError(f"no model indexed yet under {models_dir(settings)}: run `tagkg train`")
    return _retriever(str(models_dir(settings) / version), version)


def video_to_tags(settings, video_id: str, k: int = 20) -> list[tuple[str, float]]:
    """Cross-modal retrieval with the latest model: [(tag_id, cosine)], best first."""
    return load_retriever(settings).video_to_tags(video_id, k)


def similar_videos(settings, video_id: str, k: int = 10) -> list[tuple[str, float]]:
    """Similar-video retrieval with the latest model: [(video_id, cosine)], best first."""
    return load_retriever(settings).similar_videos(video_id, k)


def video_to_tags_neo4j(graph, video_id: str, k: int = 20) -> list[tuple[str, float]]:
    """The same retrieval through Neo4j's tag_embedding vector index (cosine score mapped to [-1, 1])."""
    # Neo4j's HNSW search explores about as many nodes as it is asked for; asking for
    # NEO4J_CANDIDATES and keeping the top k finds far more of the true top k (bench/vector_latency).
    rows = graph.query(GQ.GNN_VECTOR_TAGS, id=video_id, k=k, candidates=max(k, NEO4J_CANDIDATES))
    # Neo4j reports cosine as (1 + cos) / 2; map it back so scores match FAISS
    return [(r["id"], 2 * r["score"] - 1) for r in rows]
