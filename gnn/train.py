"""Metric-learning training of the video/tag towers over neighbour-sampled blocks; versioned checkpoints."""
from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dgl
import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from gnn.build_graph import LEAKY, Features, SimilarEdges, build, similar_edges
from gnn.evaluate import rank_metrics
from gnn.export import GraphData, holdout_videos, load_truth
from gnn.model import TagGNN


@dataclass
class TrainConfig:
    """Every knob of a run; saved inside each checkpoint so a model can be rebuilt and compared."""

    seed: int = 0
    # graph
    similar_edges: bool = True    # add SIMILAR_TO kNN edges (tag-tag, video-video, query-query)
    knn_tag: int = 10
    knn_video: int = 5
    knn_query: int = 5
    knn_min_score: float = 0.5
    holdout: int = 1000           # held-out videos (capped at a fifth of the corpus)
    # model
    hidden: int = 128
    out_dim: int = 512            # = sentence-vector size: towers add to the text vector (see model.Tower)
    n_layers: int = 2             # 0 = two towers on text features only, no graph
    fanouts: tuple[int, ...] = (8, 4)  # sampled neighbours per edge type, per layer
    dropout: float = 0.1
    # optimisation
    epochs: int = 6
    batch_videos: int = 256
    lr: float = 3e-3
    weight_decay: float = 1e-5
    temperature: float = 0.07     # InfoNCE softmax temperature
    hard_negatives: int = 4       # per video: text-nearest neighbours of its gold tags that are not gold
    random_negatives: int = 256   # per batch: uniformly drawn tags
    time_budget_s: float | None = None  # stop after the epoch that crosses it
    device: str = "cpu"           # "auto" = CUDA when torch sees one (needs a CUDA build of DGL)
    version_note: str = ""

    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]


@dataclass
class Split:
    """Gold pairs split by held-out video: train pairs go into the graph, test pairs only into metrics."""

    heldout: np.ndarray            # (n_held,) video rows
    train_pairs: np.ndarray        # (n, 3) video row, tag row, is_core
    test_pairs: np.ndarray         # (m, 3)
    candidates: np.ndarray = field(default=None)  # approved tag rows ranked at evaluation


def split(data: GraphData, truth_path: Path, cfg: TrainConfig) -> Split:
    """Hold out cfg.holdout videos by seeded hash; their gold pairs never reach the graph."""
    truth = load_truth(truth_path, data)
    n_held = min(cfg.holdout, len(data.video_ids) // 5)
    held = holdout_videos(data.video_ids, n_held, cfg.seed)
    is_held = np.zeros(len(data.video_ids), bool)
    is_held[held] = True
    test = truth[is_held[truth[:, 0]]]
    return Split(held, truth[~is_held[truth[:, 0]]], test, np.flatnonzero(data.tag_approved))


def seed_everything(seed: int) -> None:
    """Seed every RNG; DGL samples on one thread because its multithreaded sampler is not reproducible."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    dgl.seed(seed)
    dgl.utils.set_num_threads(1)


def _device(cfg: TrainConfig) -> torch.device:
    return torch.device("cuda" if cfg.device == "auto" and torch.cuda.is_available() else
                        ("cpu" if cfg.device == "auto" else cfg.device))


@torch.no_grad()
def infer(model: TagGNN, g: dgl.DGLHeteroGraph, device: torch.device | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Full-neighbourhood (video, tag) embeddings of every node: (n_videos, out), (n_tags, out)."""
    model.eval()
    device = device or torch.device("cpu")
    gd = g.to(device) if device.type != "cpu" else g
    x = {nt: gd.nodes[nt].data["x"] for nt in gd.ntypes}
    video, tag = model.embed([gd] * len(model.layers), x)
    return video.cpu().numpy(), tag.cpu().numpy()


class HardNegatives:
    """For each tag, its text-nearest tags (the SIMILAR_TO kNN): confusable, hence hard, negatives."""

    def __init__(self, n_tags: int, sim: SimilarEdges):
        src, dst, _ = sim.tag
        order = np.argsort(src, kind="stable")
        self.dst = dst[order]
        self.ptr = np.searchsorted(src[order], np.arange(n_tags + 1))

    def sample(self, tags: np.ndarray, gold: set, n: int, rng: np.random.Generator) -> list[int]:
        pool = np.concatenate([self.dst[self.ptr[t]:self.ptr[t + 1]] for t in tags])
        pool = [t for t in pool.tolist() if t not in gold]
        return rng.choice(pool, size=min(n, len(pool)), replace=False).tolist() if pool else []


def fit(g: dgl.DGLHeteroGraph, sp: Split, sim: SimilarEdges, cfg: TrainConfig, progress: bool = True,
        on_epoch=None) -> tuple[TagGNN, list[dict]]:
    """Train with multi-positive InfoNCE over in-batch + hard + random negatives; evaluate each epoch."""
    seed_everything(cfg.seed)
    device = _device(cfg)
    in_dims = {nt: g.nodes[nt].data["x"].shape[1] for nt in g.ntypes}
    model = TagGNN(in_dims, list(g.etypes), cfg.hidden, cfg.out_dim, cfg.n_layers, cfg.dropout).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sampler = dgl.dataloading.NeighborSampler(list(cfg.fanouts[:cfg.n_layers]))
    hard = HardNegatives(g.num_nodes("tag"), sim)
    rng = np.random.default_rng(cfg.seed)
    gold_of: dict[int, list[int]] = {}
    for v, t, _ in sp.train_pairs:
        gold_of.setdefault(int(v), []).append(int(t))
    train_videos = np.array(sorted(gold_of))
    n_tags = g.num_nodes("tag")
    steps = (len(train_videos) + cfg.batch_videos - 1) // cfg.batch_videos
    total = max(4, steps * cfg.epochs)
    # 10% warm-up, at least 2 steps (OneCycleLR divides by the warm-up length minus one)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=total, pct_start=max(0.1, 2.5 / total))
    history, started = [], time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        order = rng.permutation(train_videos)
        losses = []
        bar = tqdm(range(steps), desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=not progress, unit="batch")
        for step in bar:
            vids = order[step * cfg.batch_videos:(step + 1) * cfg.batch_videos]
            rows = np.concatenate([[i] * len(gold_of[v]) for i, v in enumerate(vids)])          # (P,)
            pos = np.concatenate([gold_of[v] for v in vids])                                     # (P,)
            negs = [t for v in vids for t in hard.sample(np.array(gold_of[v]), set(gold_of[v]), cfg.hard_negatives, rng)]
            negs += rng.integers(0, n_tags, cfg.random_negatives).tolist()
            tags = np.unique(np.concatenate([pos, np.asarray(negs, np.int64)]))                  # (T,) sorted
            cols = np.searchsorted(tags, pos)
            loss = _step_loss(model, g, sampler, vids, tags, rows, cols, cfg, device)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        video_vecs, tag_vecs = infer(model, g, device)
        metrics = rank_metrics(video_vecs, tag_vecs, sp.test_pairs, sp.candidates)
        history.append({"epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4),
                        "seconds": round(time.perf_counter() - started, 1), **metrics})
        if progress:
            tqdm.write(json.dumps(history[-1]))
        if on_epoch:
            on_epoch(history[-1])
        if cfg.time_budget_s and time.perf_counter() - started > cfg.time_budget_s:
            break
    return model, history


def _step_loss(model, g, sampler, vids, tags, rows, cols, cfg, device) -> torch.Tensor:
    """InfoNCE of each gold (video, tag) pair against the batch's tags, the video's other golds masked."""
    seeds = {"video": torch.from_numpy(vids), "tag": torch.from_numpy(tags)}
    if cfg.n_layers:
        # a batch video must not see its own gold tags through the graph: held-out videos never do
        vid_t = seeds["video"]
        exclude = {"has_tag": g.out_edges(vid_t, form="eid", etype="has_tag"),
                   "tagged": g.in_edges(vid_t, form="eid", etype="tagged"),
                   "tv": g.in_edges(vid_t, form="eid", etype="tv"),
                   "vt": g.out_edges(vid_t, form="eid", etype="vt")}
        assert set(exclude) == set(LEAKY)
        input_nodes, _, blocks = sampler.sample(g, seeds, exclude_eids=exclude)
        x = {nt: g.nodes[nt].data["x"][input_nodes[nt]].to(device) for nt in input_nodes}
        blocks = [b.to(device) for b in blocks] if device.type != "cpu" else blocks
    else:
        x = {nt: g.nodes[nt].data["x"][ids].to(device) for nt, ids in seeds.items()}
        blocks = []
    video, tag = model.embed(blocks, x)                                  # (B, d), (T, d)
    logits = video @ tag.T / cfg.temperature                             # (B, T)
    rows_t, cols_t = torch.from_numpy(rows).to(device), torch.from_numpy(cols).to(device)
    gold = torch.zeros_like(logits, dtype=torch.bool)
    gold[rows_t, cols_t] = True
    mask = gold[rows_t]                                                  # (P, T): the row's golds...
    mask[torch.arange(len(rows_t), device=device), cols_t] = False      # ...except the pair's own tag
    return F.cross_entropy(logits[rows_t].masked_fill(mask, float("-inf")), cols_t)


def prepare_graph(data: GraphData, feats: Features, sp: Split, cfg: TrainConfig,
                  sim: SimilarEdges | None = None) -> tuple[dgl.DGLHeteroGraph, SimilarEdges]:
    """kNN edges (always needed for hard negatives) and the heterograph for this config."""
    sim = sim or similar_edges(feats, cfg.knn_tag, cfg.knn_video, cfg.knn_query, cfg.knn_min_score)
    g = build(data, feats, sp.train_pairs, sp.heldout, sim if cfg.similar_edges else None)
    return g, sim


def new_version(cfg: TrainConfig) -> str:
    """Sortable version name: UTC time plus the config hash."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + cfg.key()


def save_checkpoint(out_dir: Path, model: TagGNN, cfg: TrainConfig, history: list[dict], extra: dict) -> Path:
    """model.pt (config, weights, history) and history.png in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    in_dims = {nt: p.in_features for nt, p in model.proj.items()}
    etypes = list(model.layers[0].mods.keys()) if len(model.layers) else []
    torch.save({"config": asdict(cfg), "in_dims": in_dims, "etypes": etypes,
                "state_dict": model.state_dict(), "history": history, **extra}, out_dir / "model.pt")
    plot_history(history, out_dir / "history.png")
    return out_dir / "model.pt"


def load_checkpoint(path: Path) -> tuple[TagGNN, TrainConfig, dict]:
    """Rebuild the model from a checkpoint; returns (model in eval mode, config, raw checkpoint)."""
    ckpt = torch.load(path, map_location="cpu")
    cfg_dict = dict(ckpt["config"])
    cfg_dict["fanouts"] = tuple(cfg_dict["fanouts"])
    cfg = TrainConfig(**cfg_dict)
    model = TagGNN(ckpt["in_dims"], ckpt["etypes"], cfg.hidden, cfg.out_dim, cfg.n_layers, cfg.dropout)
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), cfg, ckpt


def plot_history(history: list[dict], path: Path) -> None:
    """Loss and held-out Recall@k per epoch, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(epochs, [h["loss"] for h in history], marker="o")
    a.set(xlabel="epoch", ylabel="InfoNCE loss", title="training loss")
    for k in ("R@1", "R@5", "R@20"):
        b.plot(epochs, [h[k] for h in history], marker="o", label=k)
    b.set(xlabel="epoch", ylabel="recall", title="held-out Recall@k", ylim=(0, 1))
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
