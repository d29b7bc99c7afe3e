"""Heterogeneous GraphSAGE over sampled blocks, with video and tag projection towers into one space."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
from dgl.nn import HeteroGraphConv, SAGEConv


class Tower(nn.Module):
    """Two-layer MLP into the shared space, added to the node's own sentence vector, L2-normalised.

    The skip makes an untrained model exactly the text-only baseline (last layer starts at zero),
    so training only has to learn what text cosine misses; dot product = cosine.
    """

    def __init__(self, hidden: int, out: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, out))
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        return F.normalize(text + self.net(h), dim=-1)


class TagGNN(nn.Module):
    """Per-type input projection -> n_layers HeteroGraphConv(SAGE mean) with residuals -> two towers."""

    def __init__(self, in_dims: dict[str, int], etypes: list[str], hidden: int, out: int, n_layers: int,
                 dropout: float):
        """out = the sentence-vector size: the first `out` input columns of video and tag are that vector."""
        super().__init__()
        self.out = out
        self.proj = nn.ModuleDict({nt: nn.Linear(d, hidden) for nt, d in in_dims.items()})
        self.layers = nn.ModuleList(
            HeteroGraphConv({et: SAGEConv(hidden, hidden, "mean") for et in etypes}, aggregate="sum")
            for _ in range(n_layers))
        self.norms = nn.ModuleList(nn.ModuleDict({nt: nn.LayerNorm(hidden) for nt in in_dims})
                                   for _ in range(n_layers))
        self.drop = nn.Dropout(dropout)
        self.video_tower = Tower(hidden, out, dropout)
        self.tag_tower = Tower(hidden, out, dropout)

    def inputs(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Layer-0 hidden states (n, hidden) per type from the node inputs."""
        return {nt: self.drop(F.gelu(self.proj[nt](v))) for nt, v in x.items()}

    def layer(self, i: int, block, h: dict[str, torch.Tensor], h_dst: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Layer i: messages from block's sources h into its destinations h_dst (n_dst, hidden) per type.

        The one message-passing step of training and full inference; the inductive embedding of a new video
        (gnn/inductive.py) computes the same messages without DGL and shares `update`."""
        return self.update(i, h_dst, self.layers[i](block, (h, h_dst)))

    def update(self, i: int, h_dst: dict[str, torch.Tensor], msg: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Layer i's new states from the destinations' states and their summed relation outputs msg (n_dst, hidden);
        gnn/inductive.py computes msg without DGL and shares this step."""
        # residual: a node without neighbours of some type still keeps its own text
        return {nt: h_dst[nt] + (self.drop(F.gelu(self.norms[i][nt](msg[nt]))) if nt in msg else 0)
                for nt in h_dst}

    def forward(self, blocks: list, x: dict[str, torch.Tensor], states: list | None = None) -> dict[str, torch.Tensor]:
        """Hidden states (n_dst, hidden) of the last block's destination nodes; blocks=[] is the no-graph model.
        states, when given, receives each layer's input states (layer 0 first), as inductive embedding needs."""
        h = self.inputs(x)
        for i, block in enumerate(blocks):
            if states is not None:
                states.append(h)
            h = self.layer(i, block, h, {nt: v[:block.num_dst_nodes(nt)] for nt, v in h.items()})
        return h

    def towers(self, h: dict[str, torch.Tensor], text: dict[str, torch.Tensor]) -> tuple:
        """(video, tag) unit embeddings from final hidden states and the nodes' own (n, out) text vectors."""
        video = self.video_tower(h["video"], text["video"]) if "video" in h else None
        tag = self.tag_tower(h["tag"], text["tag"]) if "tag" in h else None
        return video, tag

    def embed(self, blocks: list, x: dict[str, torch.Tensor]) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """(video, tag) unit embeddings of the destination nodes, (n, out) each; None for an absent type."""
        h = self.forward(blocks, x)
        n_dst = (lambda nt: blocks[-1].num_dst_nodes(nt)) if blocks else (lambda nt: len(x[nt]))
        text = {nt: x[nt][:n_dst(nt), :self.out] for nt in ("video", "tag") if nt in h}   # (n_dst, out)
        return self.towers(h, text)
