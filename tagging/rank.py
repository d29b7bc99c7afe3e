"""Cross-modal relevance model over (video, candidate tag) pairs: late (MLP) or attention fusion, triplet
loss with hard negatives, optional adversarial modality loss; versioned checkpoints with their config."""
from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from tagkg.files import atomic_write

VIDEO_MODALITIES = ("text", "gnn", "visual")
TAG_MODALITIES = ("text", "gnn")


@dataclass
class RankConfig:
    """Every knob of a ranker run; saved in the checkpoint."""

    seed: int = 0
    fusion: str = "attention"      # 'late' (concatenate + MLP) | 'attention' (tag tokens attend over video tokens)
    adversarial: bool = True       # modality discriminator behind a gradient-reversal layer
    clicks: bool = True            # tag clicks as extra (weighted) positives
    hidden: int = 64
    heads: int = 4
    dropout: float = 0.1
    epochs: int = 10
    batch_videos: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-4
    margin: float = 1.0            # triplet margin on logits
    triplet_weight: float = 1.0
    adv_weight: float = 0.1
    click_weight: float = 0.5      # a click-only video's pairs count this much of a labelled video's
    label_fraction: float = 1.0    # share of train-side labelled videos the ranker sees (ablations lower it)
    label_channel: bool = True     # recall and rank with Omikuji + kNN over the labelled videos (label_channel.py)
    random_negatives: int = 5      # random approved tags added to each training video's candidates
    sparse_fraction: float = 0.3   # labelled videos also trained on as sparse ad-hoc payloads (see train.sparse_copy)
    max_core: int = 3
    version_note: str = ""

    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]


@dataclass
class Pairs:
    """Training/evaluation pairs as index arrays into shared vector tables (no per-pair vector copies)."""

    video: np.ndarray      # (n,) row into the video tables
    tag: np.ndarray        # (n,) row into the tag tables (library rows)
    x: np.ndarray          # (n, F) recall features
    y: np.ndarray          # (n,) 1 = relevant (gold or clicked)
    core: np.ndarray       # (n,) 1 = gold core
    w: np.ndarray          # (n,) weight of the relevance loss
    w_core: np.ndarray     # (n,) weight of the core loss (0 where core is unknown: click-only videos)

    def take(self, idx: np.ndarray) -> "Pairs":
        return Pairs(*(a[idx] for a in (self.video, self.tag, self.x, self.y, self.core, self.w, self.w_core)))


@dataclass
class Tables:
    """Per-video and per-tag vectors the model reads; rows are indexed by Pairs.video / Pairs.tag."""

    video: dict[str, np.ndarray]    # modality -> (n_videos, d); 'visual' zeros where absent
    has_visual: np.ndarray          # (n_videos,) bool
    tag: dict[str, np.ndarray]      # modality -> (n_tags, d)

    def batch(self, p: Pairs) -> dict[str, torch.Tensor]:
        """Vectors of the batch's unique videos and tags plus per-pair indexes: each is projected once."""
        uv, vi = np.unique(p.video, return_inverse=True)
        ut, ti = np.unique(p.tag, return_inverse=True)
        b = {f"v_{m}": torch.from_numpy(self.video[m][uv]) for m in VIDEO_MODALITIES}
        b.update({f"t_{m}": torch.from_numpy(np.ascontiguousarray(self.tag[m][ut], np.float32)) for m in TAG_MODALITIES})
        b["vi"], b["ti"] = torch.from_numpy(vi), torch.from_numpy(ti)
        b["has_visual"] = torch.from_numpy(self.has_visual[p.video])
        b["x"] = torch.from_numpy(p.x)
        return b


class _Reverse(torch.autograd.Function):
    """Gradient reversal: identity forward, negated gradient backward (the encoder fools the discriminator)."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -g


class RankModel(nn.Module):
    """Projects each modality to `hidden`, fuses video and tag sides with the recall features, outputs 2 logits:
    relevance (any gold) and core."""

    def __init__(self, dims: dict[str, int], n_features: int, cfg: RankConfig):
        super().__init__()
        h = cfg.hidden
        self.fusion = cfg.fusion
        self.video = nn.ModuleDict({m: nn.Linear(dims[f"v_{m}"], h) for m in VIDEO_MODALITIES})
        self.tag = nn.ModuleDict({m: nn.Linear(dims[f"t_{m}"], h) for m in TAG_MODALITIES})
        self.feat = nn.Sequential(nn.Linear(n_features, h), nn.GELU())
        if cfg.fusion == "attention":
            self.modality = nn.Parameter(torch.zeros(len(VIDEO_MODALITIES), h))
            self.attn = nn.MultiheadAttention(h, cfg.heads, dropout=cfg.dropout, batch_first=True)
            self.norm = nn.LayerNorm(h)
            fused = 3 * h + 2 * h          # attended tag tokens (text, gnn, features) + their products with the tag
        elif cfg.fusion == "late":
            fused = 8 * h                  # 5 modality vectors, 2 same-modality products, features
        else:
            raise ValueError(f"unknown fusion {cfg.fusion!r}")
        self.head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(fused, h), nn.GELU(), nn.Linear(h, 2))
        self.discriminator = nn.Sequential(nn.Linear(h, h), nn.GELU(), nn.Linear(h, len(VIDEO_MODALITIES)))

    def encode(self, b: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Video tokens (n, 3, h), tag tokens (n, 2, h), feature token (n, h); projections per unique video/tag."""
        v = torch.stack([F.gelu(self.video[m](b[f"v_{m}"])) for m in VIDEO_MODALITIES], 1)[b["vi"]]
        t = torch.stack([F.gelu(self.tag[m](b[f"t_{m}"])) for m in TAG_MODALITIES], 1)[b["ti"]]
        return v, t, self.feat(b["x"])

    def forward(self, b: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits (n, 2), video tokens (n, 3, h) for the adversarial loss)."""
        v, t, f = self.encode(b)
        if self.fusion == "late":
            vis = v[:, 2] * b["has_visual"][:, None]
            z = torch.cat([v[:, 0], v[:, 1], vis, t[:, 0], t[:, 1], v[:, 0] * t[:, 0], v[:, 1] * t[:, 1], f], 1)
        else:
            q = torch.cat([t, f[:, None]], 1)                                 # (n, 3, h) queries
            keys = v + self.modality                                          # (n, 3, h)
            missing = torch.zeros(v.shape[:2], dtype=torch.bool)
            missing[:, 2] = ~b["has_visual"]                                  # no visual vector: mask its token
            a, _ = self.attn(q, keys, keys, key_padding_mask=missing, need_weights=False)
            a = self.norm(q + a)                                              # (n, 3, h)
            z = torch.cat([a.flatten(1), a[:, 0] * t[:, 0], a[:, 1] * t[:, 1]], 1)
        return self.head(z), v


def adversarial_loss(model: RankModel, v: torch.Tensor, has_visual: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of guessing each video token's modality through gradient reversal: pushes modalities together."""
    tokens = _Reverse.apply(v)                                                # (n, 3, h)
    labels = torch.arange(len(VIDEO_MODALITIES)).expand(len(v), -1)           # (n, 3)
    keep = torch.ones_like(labels, dtype=torch.bool)
    keep[:, 2] = has_visual
    return F.cross_entropy(model.discriminator(tokens[keep]), labels[keep])


def triplet_loss(score: torch.Tensor, y: torch.Tensor, w: torch.Tensor, video: torch.Tensor,
                 margin: float) -> torch.Tensor:
    """Per positive, hinge against the hardest (highest-scoring) negative of the same video."""
    _, vi = torch.unique(video, return_inverse=True)
    neg_score = torch.where(y < 0.5, score, torch.full_like(score, -1e9))
    hardest = torch.full((int(vi.max()) + 1,), -1e9, dtype=score.dtype).scatter_reduce(
        0, vi, neg_score, reduce="amax")[vi]                                  # (n,) per pair: its video's hardest
    pos = (y > 0.5) & (hardest > -1e8)
    if not pos.any():
        return score.sum() * 0
    loss = F.relu(margin - score[pos] + hardest[pos])
    return (loss * w[pos]).sum() / w[pos].sum().clamp(min=1e-6)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fit(tables: Tables, train: Pairs, cfg: RankConfig, heldout: Pairs | None = None,
        progress: bool = True) -> tuple[RankModel, list[dict]]:
    """Train on video-grouped batches (triplets need a video's candidates together); AUC on `heldout` per epoch."""
    seed_everything(cfg.seed)
    torch.set_num_threads(2)
    dims = {f"v_{m}": tables.video[m].shape[1] for m in VIDEO_MODALITIES}
    dims.update({f"t_{m}": tables.tag[m].shape[1] for m in TAG_MODALITIES})
    model = RankModel(dims, train.x.shape[1], cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    videos = np.unique(train.video)
    order_idx = np.argsort(train.video, kind="stable")
    starts = np.searchsorted(train.video[order_idx], videos)
    ends = np.append(starts[1:], len(order_idx))
    rng = np.random.default_rng(cfg.seed)
    history, t0 = [], time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        perm = rng.permutation(len(videos))
        losses = []
        for lo in tqdm(range(0, len(perm), cfg.batch_videos), desc=f"rank epoch {epoch + 1}/{cfg.epochs}",
                       disable=not progress, unit="batch", leave=False):
            sel = perm[lo:lo + cfg.batch_videos]
            idx = np.concatenate([order_idx[starts[i]:ends[i]] for i in sel])
            p = train.take(idx)
            b = tables.batch(p)
            logits, v = model(b)
            y, core = torch.from_numpy(p.y), torch.from_numpy(p.core)
            w, w_core = torch.from_numpy(p.w), torch.from_numpy(p.w_core)
            loss = (F.binary_cross_entropy_with_logits(logits[:, 0], y, weight=w, reduction="sum") / w.sum()
                    + F.binary_cross_entropy_with_logits(logits[:, 1], core, weight=w_core, reduction="sum")
                    / w_core.sum().clamp(min=1e-6)
                    + cfg.triplet_weight * triplet_loss(logits[:, 0], y, w, torch.from_numpy(p.video), cfg.margin))
            if cfg.adversarial:
                loss = loss + cfg.adv_weight * adversarial_loss(model, v, b["has_visual"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        entry = {"epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4),
                 "seconds": round(time.perf_counter() - t0, 1)}
        if heldout is not None:
            entry.update(evaluate(model, tables, heldout))
        history.append(entry)
        if progress:
            tqdm.write(json.dumps(entry))
    return model.eval(), history


@torch.no_grad()
@torch.inference_mode()
def predict(model: RankModel, tables: Tables, p: Pairs, batch: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """(relevance, core) probabilities of every pair, (n,) each; no autograd graph is built."""
    model.eval()
    rel, core = [], []
    for lo in range(0, len(p.video), batch):
        logits, _ = model(tables.batch(p.take(np.arange(lo, min(lo + batch, len(p.video))))))
        prob = torch.sigmoid(logits).numpy()
        rel.append(prob[:, 0])
        core.append(prob[:, 1])
    if not rel:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    return np.concatenate(rel), np.concatenate(core)


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """ROC AUC, None when only one class is present."""
    return round(float(roc_auc_score(y, score)), 4) if 0 < y.sum() < len(y) else None


def evaluate(model: RankModel, tables: Tables, p: Pairs) -> dict:
    """AUC of relevance (any gold) and of core among the held-out candidates."""
    rel, core = predict(model, tables, p)
    return {"auc": auc(p.y, rel), "auc_core": auc(p.core, core)}


def new_version(cfg: RankConfig) -> str:
    """Sortable version name: UTC time plus the config hash."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + cfg.key()


def save(folder: Path, model: RankModel, cfg: RankConfig, dims: dict, extra: dict) -> Path:
    """model.pt with config, input sizes and weights; `extra` (thresholds, prior, metrics) beside it as JSON too."""
    folder.mkdir(parents=True, exist_ok=True)
    n_features = model.feat[0].in_features
    checkpoint = {"config": asdict(cfg), "dims": dims, "n_features": n_features, "state_dict": model.state_dict(),
                  **extra}
    atomic_write(folder / "model.pt", lambda tmp: torch.save(checkpoint, tmp))
    return folder / "model.pt"


def load(folder: Path, n_features: int | None = None) -> tuple[RankModel, RankConfig, dict]:
    """(model in eval mode, config, raw checkpoint); n_features, when given, must match the checkpoint's."""
    ckpt = torch.load(Path(folder) / "model.pt", map_location="cpu")
    if n_features is not None and ckpt["n_features"] != n_features:
        # a version saved before the recall features changed would fail later on a matrix-shape mismatch
        raise ValueError(f"ranking model {Path(folder).name} was trained on {ckpt['n_features']} recall features "
                         f"but this code computes {n_features}: train a new version with `tagkg rank-train`")
    cfg = RankConfig(**ckpt["config"])
    model = RankModel(ckpt["dims"], ckpt["n_features"], cfg)
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), cfg, ckpt
