"""Inductive embedding: a video that is not in the graph gets its GNN vector from its own input and its
text-kNN neighbours among the stored videos, through the trained model's own layers.

The model folder keeps what a new node needs: every layer's input states of the stored videos (computed
on the full stored graph, as their index vectors are, so a training neighbour's states carry its label
edges) and the kNN index over their text vectors that built the video–video SIMILAR_TO edges. A new video
is linked to its neighbours by the sim_vv relation only: it has no clicks, no labels, and in the training
graph a video's only text-similarity relation is video–video.

One new video has at most knn_video neighbours, so each layer's HeteroGraphConv(SAGE mean) is computed
here in plain torch, the same sums without DGL's per-call block and graph overhead (tests compare the
two): every relation into videos adds fc_self(h) + bias, a relation without neighbours adds nothing more
(mean over no messages = 0, fc_neigh has no bias), and sim_vv adds fc_neigh(mean of neighbour states).
"""
from __future__ import annotations

from pathlib import Path

import dgl
import faiss
import numpy as np
import torch

from gnn.build_graph import CLICK_ETYPES, SIMILAR_ETYPES
from gnn.model import TagGNN
from gnn.train import TrainConfig, load_checkpoint
from tagkg.files import atomic_write
from video.record import VideoRecord
from video.vectors import node_input, visual_matrix

STATES = "video-states.npy"        # (n_layers, n_videos, hidden) float16, rows as video-ids.json
TEXT_INDEX = "video-text.faiss"   # the stored videos' text vectors, rows as video-ids.json
SIM_VV = SIMILAR_ETYPES[1]
HNSW_M, HNSW_EF_SEARCH = 32, 64   # as build_graph.knn_index's HNSW
FEW_QUERIES = 64                  # below this many videos per call, faiss searches on one thread


@torch.no_grad()
def video_states(model: TagGNN, g: dgl.DGLHeteroGraph) -> np.ndarray:
    """(n_layers, n_videos, hidden): each layer's input states of every video, full neighbourhoods."""
    model.eval()
    states: list[dict] = []
    model.forward([g] * len(model.layers), {nt: g.nodes[nt].data["x"] for nt in g.ntypes}, states)
    hidden = model.proj["video"].out_features
    return np.stack([s["video"].numpy() for s in states]) if states else np.zeros((0, g.num_nodes("video"), hidden))


def save(folder: Path, model: TagGNN, g: dgl.DGLHeteroGraph, video_text: np.ndarray) -> None:
    """Write the stored videos' layer states and their text kNN index beside the checkpoint."""
    states = video_states(model, g).astype(np.float16)   # half precision: 100k videos x 2 layers = 51 MB
    atomic_write(folder / STATES, lambda tmp: np.save(tmp, states))
    index = text_index(video_text)
    atomic_write(folder / TEXT_INDEX, lambda tmp: faiss.write_index(index, str(tmp)))


def text_index(video_text: np.ndarray) -> faiss.Index:
    """HNSW inner-product index over the stored videos' (n, 512) unit text vectors, whatever n: one new video's
    exact scan of 20k such vectors alone took 8-11 ms p50 on the busy 2-core machine (the whole budget is
    10 ms), HNSW a fraction of a millisecond, and its neighbours are those of the exact kNN almost always
    (bench/gnn.py measures the stored/ad-hoc gap with it)."""
    index = faiss.IndexHNSWFlat(video_text.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(np.ascontiguousarray(video_text, np.float32))
    return index


def _search(index: faiss.Index, x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """index.search on one OpenMP thread for a few queries: they gain nothing from more, and on a busy
    machine wait for them (one-video embedding: 284 ms p50 with 2 threads, 24 ms with 1, under load 12)."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1 if len(x) < FEW_QUERIES else threads)
    try:
        return index.search(x, k)
    finally:
        faiss.omp_set_num_threads(threads)


class Inductive:
    """A trained model plus the stored videos' states: embeds videos that are not in the graph."""

    def __init__(self, model: TagGNN, cfg: TrainConfig, states: np.ndarray, text_index: faiss.Index):
        self.model, self.cfg, self.states, self.text_index = model.eval(), cfg, states, text_index
        names = set(model.layers[0].mods.keys()) if len(model.layers) else set()
        # only relations into videos shape a new video's vector
        self.etypes = [et for et in CLICK_ETYPES + SIMILAR_ETYPES if et[1] in names and et[2] == "video"]
        self.link = SIM_VV in self.etypes      # a model trained without similarity edges gets no neighbours
        self._fold = [self._folded(i) for i in range(len(model.layers))] if self.etypes else []

    @classmethod
    def load(cls, folder: Path) -> "Inductive | None":
        """The folder's inductive embedder; None for a model folder written before it had one."""
        folder = Path(folder)
        if not (folder / STATES).exists():
            return None
        model, cfg, _ = load_checkpoint(folder / "model.pt")
        return cls(model, cfg, np.load(folder / STATES, mmap_mode="r"), faiss.read_index(str(folder / TEXT_INDEX)))

    def neighbours(self, text: np.ndarray, own: np.ndarray | None = None) -> list[np.ndarray]:
        """Per video, the stored rows of its text-kNN neighbours (cfg.knn_video, cosine >= cfg.knn_min_score),
        as the training graph's kNN finds them; own (n,) stored rows (-1 none) are left out."""
        if not self.link:
            return [np.zeros(0, np.int64) for _ in range(len(text))]
        k = self.cfg.knn_video
        score, nbr = _search(self.text_index, np.ascontiguousarray(text, np.float32), k + 1)   # (n, k+1)
        own = np.full(len(text), -1) if own is None else np.asarray(own)
        return [row[(row >= 0) & (row != o) & (s >= self.cfg.knn_min_score)][:k]
                for row, s, o in zip(nbr, score, own)]

    @torch.no_grad()
    def _folded(self, i: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Layer i's relations into videos as one linear map: summed fc_self weight (hidden, hidden) and bias
        (hidden,), and sim_vv's fc_neigh weight (hidden, hidden) (None without similarity edges)."""
        mods = self.model.layers[i].mods
        convs = [mods[et[1]] for et in self.etypes]
        weight = torch.stack([c.fc_self.weight for c in convs]).sum(0)
        bias = torch.stack([c.fc_self.bias for c in convs]).sum(0)
        return weight, bias, (mods[SIM_VV[1]].fc_neigh.weight if self.link else None)

    @torch.no_grad()
    def embed(self, x: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """(n, out) unit GNN vectors of new videos from their node inputs x (n, in_dim) (video.vectors.node_input);
        own (n,) stored rows to leave out of their neighbours (-1 none): a stored video re-embedded as new."""
        x = np.ascontiguousarray(x, np.float32)
        xv = torch.from_numpy(x)
        h = self.model.inputs({"video": xv})["video"]                                   # (n, hidden)
        if self.etypes:           # without, the two towers of no graph
            nbrs = self.neighbours(x[:, :self.model.out], own)
            uniq, inv = np.unique(np.concatenate(nbrs + [np.zeros(0, np.int64)]), return_inverse=True)
            dst = torch.from_numpy(np.repeat(np.arange(len(x)), [len(r) for r in nbrs]))            # (E,)
            # (n, 1) 1/degree, 0 without neighbours: the mean of no messages is zero, as in DGL's fn.mean
            inv_deg = 1 / torch.bincount(dst, minlength=len(x)).clamp(min=1).unsqueeze(1).float()
            for i, (weight, bias, neigh) in enumerate(self._fold):
                msg = h @ weight.T + bias                                               # (n, hidden)
                if neigh is not None and len(uniq):
                    src = torch.from_numpy(np.asarray(self.states[i][uniq], np.float32))  # (U, hidden)
                    mean = torch.zeros_like(h).index_add_(0, dst, src[torch.from_numpy(inv)]) * inv_deg
                    msg = msg + mean @ neigh.T
                h = self.model.update(i, {"video": h}, {"video": msg})["video"]
        return self.model.towers({"video": h}, {"video": xv[:, :self.model.out]})[0].numpy()

    def embed_videos(self, records: list[VideoRecord], text: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """(n, out) GNN vectors of video records with their (n, 512) text vectors (video.vectors.text_vectors);
        a model trained with visual inputs gets each record's visual vector (zeros where it has none)."""
        visual_dim = self.model.proj["video"].in_features - self.model.out
        visual = visual_matrix(records, visual_dim)[0] if visual_dim else None
        return self.embed(node_input(text, visual), own)
