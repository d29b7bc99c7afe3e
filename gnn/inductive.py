"""Inductive embedding: a video that is not in the graph gets its GNN vector from its own input and its
text-kNN neighbours among the stored videos, through the trained model's own layers.

The model folder keeps what a new node needs: every layer's input states of the stored videos (computed
on the full stored graph, as their index vectors are) and the kNN index over their text vectors that
built the video–video SIMILAR_TO edges. A new video's block has one destination per new video and, as
sources, the new videos themselves and their neighbours, linked by the sim_vv relation only: it has no
clicks, no labels, and in the training graph a video's only text-similarity relation is video–video.
"""
from __future__ import annotations

from pathlib import Path

import dgl
import faiss
import numpy as np
import torch

from gnn.build_graph import CLICK_ETYPES, SIMILAR_ETYPES, knn_index
from gnn.model import TagGNN
from gnn.train import TrainConfig, load_checkpoint
from tagkg.files import atomic_write
from video.record import VideoRecord
from video.vectors import node_input, visual_matrix

STATES = "video-states.npy"        # (n_layers, n_videos, hidden) float16, rows as video-ids.json
TEXT_INDEX = "video-text.faiss"   # the stored videos' text vectors, rows as video-ids.json
SIM_VV = SIMILAR_ETYPES[1]


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
    index = knn_index(video_text)
    atomic_write(folder / TEXT_INDEX, lambda tmp: faiss.write_index(index, str(tmp)))


class Inductive:
    """A trained model plus the stored videos' states: embeds videos that are not in the graph."""

    def __init__(self, model: TagGNN, cfg: TrainConfig, states: np.ndarray, text_index: faiss.Index):
        self.model, self.cfg, self.states, self.text_index = model.eval(), cfg, states, text_index
        names = set(model.layers[0].mods.keys()) if len(model.layers) else set()
        # only relations into videos shape a new video's vector; each relation costs a SAGEConv call
        self.etypes = [et for et in CLICK_ETYPES + SIMILAR_ETYPES if et[1] in names and et[2] == "video"]
        self.link = SIM_VV in self.etypes      # a model trained without similarity edges gets no neighbours
        self.hidden = model.proj["video"].out_features

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
        score, nbr = self.text_index.search(np.ascontiguousarray(text, np.float32), k + 1)   # (n, k+1)
        own = np.full(len(text), -1) if own is None else np.asarray(own)
        return [row[(row >= 0) & (row != o) & (s >= self.cfg.knn_min_score)][:k]
                for row, s, o in zip(nbr, score, own)]

    @torch.no_grad()
    def embed(self, x: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """(n, out) unit GNN vectors of new videos from their node inputs x (n, in_dim) (video.vectors.node_input);
        own (n,) stored rows to leave out of their neighbours (-1 none): a stored video re-embedded as new."""
        x = np.ascontiguousarray(x, np.float32)
        xv = torch.from_numpy(x)
        h = self.model.inputs({"video": xv})["video"]                                   # (n, hidden)
        if not self.etypes:       # the two towers without a graph
            return self.model.towers({"video": h}, {"video": xv[:, :self.model.out]})[0].numpy()
        nbrs = self.neighbours(x[:, :self.model.out], own)
        n = len(x)
        uniq, inv = np.unique(np.concatenate(nbrs + [np.zeros(0, np.int64)]), return_inverse=True)
        dst = np.repeat(np.arange(n), [len(r) for r in nbrs])
        edges = {et: (torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64)) for et in self.etypes}
        if self.link:
            # sources: the n new videos first (a block's destinations lead its sources), then the neighbours
            edges[SIM_VV] = (torch.from_numpy(n + inv), torch.from_numpy(dst))
        types = {nt for et in self.etypes for nt in (et[0], et[2])} | {"video"}
        block = dgl.create_block(edges, num_src_nodes={nt: n + len(uniq) if nt == "video" else 0 for nt in types},
                                 num_dst_nodes={nt: n if nt == "video" else 0 for nt in types})
        empty = {nt: torch.zeros(0, self.hidden) for nt in types if nt != "video"}
        for i in range(len(self.model.layers)):
            src = torch.cat([h, torch.from_numpy(np.asarray(self.states[i][uniq], np.float32))])
            h = self.model.layer(i, block, {"video": src, **empty}, {"video": h})["video"]
        return self.model.towers({"video": h}, {"video": xv[:, :self.model.out]})[0].numpy()

    def embed_videos(self, records: list[VideoRecord], text: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """(n, out) GNN vectors of video records with their (n, 512) text vectors (video.vectors.text_vectors);
        a model trained with visual inputs gets each record's visual vector (zeros where it has none)."""
        visual_dim = self.model.proj["video"].in_features - self.model.out
        visual = visual_matrix(records, visual_dim)[0] if visual_dim else None
        return self.embed(node_input(text, visual), own)
