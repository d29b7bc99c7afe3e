"""Phrase-tag dimensions, each from its own evidence: product vs content, trending vs long-term,
audience-interest vs video-content, question vs statement.

Evidence is gathered once over the corpus (`Evidence.add_video` / `add_click`) and scored by small
pure functions; bench/classify.py measures each against the demo generator's truth.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from mining.trend import burst, hot
from text.normalize import normalize

# --- question vs statement ----------------------------------------------------------------------------
INTERROGATIVES = ("怎么", "如何", "什么", "哪", "吗", "？", "?", "怎样", "为什么", "多少", "几个", "是否", "能不能")
_QUESTION_RE = re.compile("|".join(re.escape(w) for w in INTERROGATIVES))


def question_rule(name: str) -> bool:
    """An interrogative word or a question mark anywhere in the name."""
    return bool(_QUESTION_RE.search(normalize(name)))


class QuestionClassifier:
    """Character 1-3-gram logistic regression: catches question forms the word list lacks (好用吗 is
    listed, 求推荐 is not) once it has labelled examples."""

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=1, sublinear_tf=True)
        self.model = LogisticRegression(max_iter=1000, class_weight="balanced")

    def fit(self, names: list[str], labels: list[bool]) -> "QuestionClassifier":
        self.model.fit(self.vec.fit_transform([normalize(n) for n in names]), np.asarray(labels, dtype=int))
        return self

    def proba(self, names: list[str]) -> np.ndarray:
        return self.model.predict_proba(self.vec.transform([normalize(n) for n in names]))[:, 1]


def question_scores(names: list[str], model: QuestionClassifier | None = None) -> np.ndarray:
    """1.0 where the rule fires, else the classifier's probability (0 without a classifier)."""
    rule = np.asarray([question_rule(n) for n in names], dtype=float)
    if model is None or not names:
        return rule
    return np.maximum(rule, model.proba(names))


# --- trending vs long-term: a burst over a sliding window ----------------------------------------------
# The burst detector is mining/trend.py's (the same test as the miner's trending flag); only the window
# and the thresholds differ, because these series are daily video mentions, not weekly term counts.
def burst_score(series: np.ndarray, window: int = 7) -> tuple[float, float, int]:
    """(Poisson z, rate ratio, start day) of the busiest `window`-day span against the rest of the series."""
    x = np.asarray(series, dtype=float)
    if len(x) <= window:
        return 0.0, 1.0, 0
    sums = np.convolve(x, np.ones(window), mode="valid")
    start = int(np.argmax(sums))
    ratio, z = burst(sums[start], x.sum() - sums[start], window, len(x) - window)
    return float(z), float(ratio), start


def is_trending(mentions: np.ndarray, clicks: np.ndarray, window: int = 7, *, min_z: float = 8.0,
                min_ratio: float = 4.0, min_videos: float = 10) -> tuple[bool, float, float]:
    """(trending, mention z, click z): more of its videos in one window than its usual rate predicts,
    by a wide, significant margin, with enough videos to matter, and its clicks burst too.

    Clicks alone are bursty for every tag (a video's clicks come in its first days), so the mention
    series decides and the click series must agree.
    """
    z, ratio, start = burst_score(mentions, window)
    zc, _, _ = burst_score(clicks, window)
    inside = float(np.asarray(mentions)[start:start + window].sum())
    flag = bool(hot(inside, ratio, z, min_recent=min_videos, min_ratio=min_ratio, min_z=min_z)) and zc >= min_z
    return flag, z, zc


# --- audience interest vs video content ----------------------------------------------------------------
def audience_score(search_videos: int, text_videos: int) -> float:
    """Share of a tag's videos reached through search rather than named in their text (smoothed)."""
    return (search_videos + 0.5) / (search_videos + text_videos + 1)


# --- product vs content ---------------------------------------------------------------------------------
# Leaves whose tags are goods one can buy; attributes (白色) and services are not.
GOODS_PREFIXES = ("object.clothing", "object.cosmetics", "object.digital", "object.home", "object.food")


def product_score(head_leaf: str | None, question: bool, product_videos: int, with_products: int) -> float:
    """Product lexicon (the head is goods) averaged with attached-product evidence: of the tag's videos
    that carry products, the share whose product names the head. Questions are content."""
    if question:
        return 0.0
    lexicon = 1.0 if head_leaf and head_leaf.startswith(GOODS_PREFIXES) else 0.0
    if with_products == 0:
        return lexicon
    return 0.5 * lexicon + 0.5 * min(1.0, product_videos / with_products / 0.5)


# --- evidence over a corpus -----------------------------------------------------------------------------
class MentionIndex:
    """Finds which of many names occur in a text: a dict from each name's first two characters."""

    def __init__(self, surfaces: dict[str, str]):
        """`surfaces`: normalised surface form (name, alias) -> tag id."""
        self.by_start: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, tid in surfaces.items():
            s = s.replace(" ", "")
            if len(s) >= 2:
                self.by_start[s[:2]].append((s, tid))

    def find(self, text: str) -> set[str]:
        text = normalize(text).replace(" ", "")
        found = set()
        for i in range(len(text) - 1):
            for s, tid in self.by_start.get(text[i:i + 2], ()):
                if text.startswith(s, i):
                    found.add(tid)
        return found


@dataclass
class Evidence:
    """Per-phrase counts and daily series gathered from videos, clicks and products.

    A phrase is named in a text by its name or an alias, or by all its components (白色的连衣裙).
    """

    index: MentionIndex
    heads: dict[str, str]                   # phrase id -> head name, for product titles
    components: dict[str, tuple[str, ...]]  # phrase id -> component names (2 or more)
    start: date
    n_days: int
    text_videos: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    search_videos: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    clicks: dict[str, np.ndarray] = field(default_factory=dict)   # phrase id -> daily click counts
    video_day: dict[str, int] = field(default_factory=dict)
    products: dict[str, list[str]] = field(default_factory=dict)  # video id -> product titles

    def __post_init__(self):
        parts = {c: c for cs in self.components.values() for c in cs if len(c) >= 2}
        self._parts = MentionIndex(parts)
        uses = Counter(c for cs in self.components.values() for c in cs)
        self._by_part: dict[str, list[str]] = defaultdict(list)
        for pid, cs in self.components.items():
            # its rarest findable part finds it (not 穿搭, shared by hundreds); the rest are checked
            findable = [c for c in cs if len(c) >= 2] or list(cs)
            self._by_part[min(findable, key=lambda c: (uses[c], -len(c)))].append(pid)

    def named(self, text: str) -> set[str]:
        """Phrase ids named in a text, whole or by all their components."""
        found = self.index.find(text)
        flat = normalize(text).replace(" ", "")
        for part in self._parts.find(flat):
            for pid in self._by_part.get(part, ()):
                if pid not in found and all(c in flat for c in self.components[pid]):
                    found.add(pid)
        return found

    def _day(self, day: str | None) -> int | None:
        if not day:
            return None
        d = (date.fromisoformat(day[:10]) - self.start).days
        return d if 0 <= d < self.n_days else None

    def add_video(self, vid: str, text: str, day: str | None, product_titles: list[str]) -> None:
        """A video (all videos before any click): its joined text fields, publishing day and products."""
        d = self._day(day)
        if d is not None:
            self.video_day[vid] = d
        if product_titles:
            self.products[vid] = [normalize(t) for t in product_titles]
        for tid in self.named(text):
            self.text_videos[tid].add(vid)

    def add_click(self, vid: str, day: str, count: float, *, tag_id: str | None = None,
                  query: str | None = None) -> None:
        """One daily click row: a tag click, or a search query (credited to every phrase it names)."""
        tids = {tag_id} if tag_id else self.named(query or "")
        d = self._day(day)
        for tid in tids:
            if tid in self.heads:
                self.search_videos[tid].add(vid)
                if d is not None:
                    if tid not in self.clicks:
                        self.clicks[tid] = np.zeros(self.n_days)
                    self.clicks[tid][d] += count

    def mentions(self, tid: str) -> np.ndarray:
        """Daily count of the phrase's videos (named in text or reached by search) by publishing day."""
        s = np.zeros(self.n_days)
        for vid in self.text_videos.get(tid, set()) | self.search_videos.get(tid, set()):
            if vid in self.video_day:
                s[self.video_day[vid]] += 1
        return s

    def product_counts(self, tid: str) -> tuple[int, int]:
        """(videos whose product names the head, videos with any product) among the phrase's videos."""
        head = normalize(self.heads.get(tid) or "")
        vids = self.text_videos.get(tid, set()) | self.search_videos.get(tid, set())
        with_products = [v for v in vids if v in self.products]
        hits = sum(1 for v in with_products if head and any(head in t for t in self.products[v]))
        return hits, len(with_products)


def score_phrases(ev: Evidence, names: dict[str, str], head_leaves: dict[str, str | None],
                  question_model: QuestionClassifier | None = None, window: int = 7) -> dict[str, dict]:
    """Every dimension for each phrase id in `names`, as the properties stored on the tag."""
    ids = list(names)
    q = question_scores([names[i] for i in ids], question_model)
    out = {}
    for tid, qs in zip(ids, q):
        trending, z, zc = is_trending(ev.mentions(tid), ev.clicks.get(tid, np.zeros(ev.n_days)), window)
        s, t = len(ev.search_videos.get(tid, ())), len(ev.text_videos.get(tid, ()))
        hits, with_products = ev.product_counts(tid)
        ps = product_score(head_leaves.get(tid), qs >= 0.5, hits, with_products)
        aud = audience_score(s, t)
        out[tid] = {"dim_question": bool(qs >= 0.5), "dim_question_score": round(float(qs), 4),
                    "dim_product": ps >= 0.5, "dim_product_score": round(ps, 4),
                    "dim_trending": trending, "dim_burst": round(z, 3), "dim_click_burst": round(zc, 3),
                    "dim_audience": aud > 0.5, "dim_audience_score": round(aud, 4)}
    return out
