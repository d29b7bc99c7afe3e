"""Metric-learning training of the video/tag towers over neighbour-sampled blocks; versioned checkpoints."""
from __future__ import annotations

import copy
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
from gnn.export import GraphData
from labelmodel.split import side_of, unit_hash
from gnn.model import TagGNN
from tagkg.files import atomic_write


@dataclass
class TrainConfig:
    """Every knob of a run; saved inside each checkpoint so a model can be rebuilt and compared."""

    seed: int = 0
    # graph
    # SIMILAR_TO kNN edges (tag-tag, video-video, query-query) as message-passing edges. Off: bench/gnn.py found
    # them no better than the same graph without them, with label edges or without, at every click coverage
    # it measured (docs/BENCHMARKS.md); the kNN pairs still give the hard negatives and the tags' SIMILAR_TO.
    similar_edges: bool = False
    # HAS_TAG edges of training videos as message-passing edges (test and validation videos never have them;
    # a training batch's own are excluded while sampling): a tag's vector then gathers its training videos.
    # Off: on the 20k demo corpus at 10% click coverage they were within noise of none (bench/gnn.py,
    # docs/BENCHMARKS.md), and on the 400-video test corpus they lower held-out R@5 (too few videos per tag).
    label_edges: bool = False
    # Share of videos (train and held-out alike) that keep their click edges (query and tag clicks), drawn
    # at random with the seed: the sparse-click regime the similarity edges are for (bench/gnn.py).
    click_coverage: float = 1.0
    knn_tag: int = 10
    knn_video: int = 5
    knn_query: int = 5
    knn_min_score: float = 0.5
    holdout: int = 1000           # test videos (labelmodel.split) whose metrics are reported each epoch
    validation: int = 500         # validation videos (labelmodel.split) that pick the best epoch
    # model
    hidden: int = 128
    out_dim: int = 512            # = sentence-vector size: towers add to the text vector (see model.Tower)
    n_layers: int = 2             # 0 = two towers on text features only, no graph
    fanouts: tuple[int, ...] = (6, 3)  # sampled neighbours per edge type, per layer (input side first)
    dropout: float = 0.1
    # optimisation
    epochs: int = 6
    batch_videos: int = 512
    lr: float = 3e-3
    weight_decay: float = 1e-5
    temperature: float = 0.07     # InfoNCE softmax temperature
    hard_negatives: int = 4       # per video: text-nearest neighbours of its gold tags that are not gold
    random_negatives: int = 256   # per batch: uniformly drawn tags
    logq: bool = True             # sampled-softmax correction for popular tags being in-batch negatives more often
    time_budget_s: float | None = None  # stop after the epoch that crosses it
    infer: str = "full"           # "sampled": embed with the training fanouts instead of every neighbour
    device: str = "cpu"           # "auto" = CUDA when torch sees one (needs a CUDA build of DGL)
    version_note: str = ""

    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]


@dataclass
class Split:
    """Gold pairs split by video: train pairs supervise the loss (and with cfg.label_edges become graph edges),
    validation pairs pick the epoch, test pairs only reach the metrics."""

    heldout: np.ndarray            # (n_held,) test video rows
    validation: np.ndarray         # (n_val,) validation video rows
    train_pairs: np.ndarray        # (n, 3) video row, tag row, is_core
    test_pairs: np.ndarray         # (m, 3)
    valid_pairs: np.ndarray        # (k, 3)
    candidates: np.ndarray = field(default=None)  # approved tag rows ranked at evaluation

    @property
    def hidden(self) -> np.ndarray:
        """Videos whose tags the graph must not show: test and validation."""
        return np.union1d(self.heldout, self.validation)


def split(data: GraphData, cfg: TrainConfig) -> Split:
    """Labelled videos by labelmodel.split (the one split every stage uses): test and validation videos' labels
    never reach the graph or the loss. Metrics read the first cfg.holdout test and cfg.validation validation
    videos in hash order, which bounds their cost on a large corpus."""
    truth = data.labels
    labelled = np.unique(truth[:, 0])
    sides = {s: labelled[[side_of(data.video_ids[v]) == s for v in labelled]] for s in ("test", "validation")}
    held, val = sides["test"], sides["validation"]
    role = np.zeros(len(data.video_ids), np.int8)     # 0 train, 1 test, 2 validation
    role[held], role[val] = 1, 2
    measured = np.zeros(len(data.video_ids), bool)
    for rows, n in ((held, cfg.holdout), (val, cfg.validation)):
        measured[sorted(rows, key=lambda v: unit_hash(data.video_ids[v]))[:n]] = True
    r, m = role[truth[:, 0]], measured[truth[:, 0]]
    return Split(held, val, truth[r == 0], truth[(r == 1) & m], truth[(r == 2) & m], np.flatnonzero(data.tag_approved))


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
def infer(model: TagGNN, g: dgl.DGLHeteroGraph, device: torch.device | None = None,
          fanouts: tuple[int, ...] | None = None, seed: int = 0, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """(video, tag) embeddings of every node: (n_videos, out), (n_tags, out).

    With fanouts, neighbours are sampled as in training (seeded, so repeatable); without, the full
    neighbourhood is used."""
    model.eval()
    device = device or torch.device("cpu")
    if not fanouts or not len(model.layers):
        gd = g.to(device) if device.type != "cpu" else g
        x = {nt: gd.nodes[nt].data["x"] for nt in gd.ntypes}
        video, tag = model.embed([gd] * len(model.layers), x)
        return video.cpu().numpy(), tag.cpu().numpy()
    dgl.seed(seed)
    sampler = dgl.dataloading.NeighborSampler(list(fanouts[:len(model.layers)]))
    out = {}
    for nt in ("video", "tag"):
        parts = []
        for lo in range(0, g.num_nodes(nt), chunk):
            seeds = {nt: torch.arange(lo, min(lo + chunk, g.num_nodes(nt)))}
            input_nodes, _, blocks = sampler.sample(g, seeds)
            x = {t: g.nodes[t].data["x"][ids].to(device) for t, ids in input_nodes.items()}
            blocks = [b.to(device) for b in blocks] if device.type != "cpu" else blocks
            parts.append(model.embed(blocks, x)[0 if nt == "video" else 1].cpu())
        out[nt] = torch.cat(parts).numpy()
    return out["video"], out["tag"]


def embed_all(model: TagGNN, cfg: TrainConfig, g: dgl.DGLHeteroGraph,
              device: torch.device | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every video and tag embedded the way cfg says (full or sampled neighbourhoods)."""
    return infer(model, g, device, cfg.fanouts if cfg.infer == "sampled" else None, cfg.seed)


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
    logq = _log_inclusion(sp.train_pairs[:, 1], n_tags, len(sp.train_pairs) * cfg.batch_videos / len(train_videos),
                          cfg.random_negatives).to(device) if cfg.logq else None
    steps = (len(train_videos) + cfg.batch_videos - 1) // cfg.batch_videos
    total = max(4, steps * cfg.epochs)
    # 10% warm-up, at least 2 steps (OneCycleLR divides by the warm-up length minus one)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=total, pct_start=max(0.1, 2.5 / total))
    history, started, best = [], time.perf_counter(), None
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
            loss = _step_loss(model, g, sampler, vids, tags, rows, cols, cfg, device, logq)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        video_vecs, tag_vecs = embed_all(model, cfg, g, device)
        valid = rank_metrics(video_vecs, tag_vecs, sp.valid_pairs, sp.candidates) if len(sp.valid_pairs) else {}
        history.append({"epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4),
                        "seconds": round(time.perf_counter() - started, 1),
                        **rank_metrics(video_vecs, tag_vecs, sp.test_pairs, sp.candidates),
                        "valid": {k: valid[k] for k in ("R@1", "R@5", "R@20", "MR") if k in valid}})
        score = selection_score(valid)
        if best is None or score > best[0]:
            best = (score, epoch, copy.deepcopy(model.state_dict()))
        if progress:
            tqdm.write(json.dumps(history[-1]))
        if on_epoch:
            on_epoch(history[-1])
        if cfg.time_budget_s and time.perf_counter() - started > cfg.time_budget_s:
            break
    # the epoch that did best on validation videos: later epochs can fit the training videos' graph too well
    model.load_state_dict(best[2])
    for h in history:
        h["selected"] = h["epoch"] == best[1] + 1
    return model, history


def selection_score(metrics: dict) -> float:
    """Validation score that picks the epoch: mean of Recall@1, @5 and @20 (0 without validation videos)."""
    return float(np.mean([metrics[k] for k in ("R@1", "R@5", "R@20")])) if metrics else 0.0


def selected(history: list[dict]) -> dict:
    """The history entry of the epoch whose weights the model kept."""
    return next((h for h in history if h.get("selected")), history[-1])


def _log_inclusion(pair_tags: np.ndarray, n_tags: int, pairs_per_batch: float, n_random: int) -> torch.Tensor:
    """(n_tags,) log-probability that a tag is among a batch's columns (as some gold, or a random draw).

    In-batch negatives are drawn in proportion to tag popularity, which teaches the model to push popular
    tags down; subtracting log q from the logits (logQ correction) removes that bias.
    """
    freq = np.bincount(pair_tags, minlength=n_tags) / max(1, len(pair_tags))
    expected = pairs_per_batch * freq + n_random / n_tags
    return torch.from_numpy(np.log(-np.expm1(-expected)).astype(np.float32))


def _step_loss(model, g, sampler, vids, tags, rows, cols, cfg, device, logq=None) -> torch.Tensor:
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
    if logq is not None:
        logits = logits - logq[torch.from_numpy(tags).to(device)]
    rows_t, cols_t = torch.from_numpy(rows).to(device), torch.from_numpy(cols).to(device)
    gold = torch.zeros_like(logits, dtype=torch.bool)
    gold[rows_t, cols_t] = True
    mask = gold[rows_t]                                                  # (P, T): the row's golds...
    mask[torch.arange(len(rows_t), device=device), cols_t] = False      # ...except the pair's own tag
    return F.cross_entropy(logits[rows_t].masked_fill(mask, float("-inf")), cols_t)


def clicked_videos(n_videos: int, cfg: TrainConfig) -> np.ndarray | None:
    """(n_videos,) bool: the videos that keep their clicks under cfg.click_coverage (None: all of them)."""
    if cfg.click_coverage >= 1:
        return None
    keep = np.zeros(n_videos, bool)
    keep[np.random.default_rng(cfg.seed).permutation(n_videos)[:round(cfg.click_coverage * n_videos)]] = True
    return keep


def graph_for(data: GraphData, feats: Features, label_pairs: np.ndarray, hidden: np.ndarray, sim: SimilarEdges,
              cfg: TrainConfig) -> dgl.DGLHeteroGraph:
    """The heterograph the way cfg builds it (label edges, similarity edges, click coverage): training,
    `tagkg index` and the label-blind vectors (hidden = every video) all build it here."""
    return build(data, feats, label_pairs if cfg.label_edges else None, hidden, sim if cfg.similar_edges else None,
                 clicked_videos(len(data.video_ids), cfg))


def prepare_graph(data: GraphData, feats: Features, sp: Split, cfg: TrainConfig,
                  sim: SimilarEdges | None = None) -> tuple[dgl.DGLHeteroGraph, SimilarEdges]:
    """kNN edges (always needed for hard negatives) and the heterograph for this config."""
    sim = sim or similar_edges(feats, cfg.knn_tag, cfg.knn_video, cfg.knn_query, cfg.knn_min_score)
    return graph_for(data, feats, sp.train_pairs, sp.hidden, sim, cfg), sim


def new_version(cfg: TrainConfig) -> str:
    """Sortable version name: UTC time plus the config hash."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + cfg.key()


def save_checkpoint(out_dir: Path, model: TagGNN, cfg: TrainConfig, history: list[dict], extra: dict) -> Path:
    """model.pt (config, weights, history) and history.png in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    in_dims = {nt: p.in_features for nt, p in model.proj.items()}
    etypes = list(model.layers[0].mods.keys()) if len(model.layers) else []
    checkpoint = {"config": asdict(cfg), "in_dims": in_dims, "etypes": etypes,
                  "state_dict": model.state_dict(), "history": history, **extra}
    atomic_write(out_dir / "model.pt", lambda tmp: torch.save(checkpoint, tmp))
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
