"""Deterministic synthetic short-video corpus with hidden gold tags, streamed to JSONL files.

`generate` writes tags.jsonl, videos.jsonl, products.jsonl, clicks.jsonl, ground_truth.jsonl,
trending.json, stats.json and tag_truth.jsonl (per-phrase truth of the four phrase dimensions, see
demo/truth.py) into one folder. Each video has a hidden topic (1-2 core tags,
2-6 related tags, maybe distractors) and the theme, genre and occasion tags
a human labeller would add (demo/themes.py: implied by its content, never written); its text mentions
the topic's tags with noise and its clicks follow Zipf
popularity with trending bursts. Videos carry no visual vector: one made from the gold tags would be
an answer in disguise (real ones come from media files, `tagkg ingest`). The same seed gives the same
bytes.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from demo import themes
from demo.clicks import BURST_FACTOR, ClickMaker
from demo.library import Library, build_library, write_tags
from demo.patterns import DOMAINS
from demo.products import ProductMaker
from demo.text import Renderer
from demo.truth import TruthTally
from taxonomy import flatten, load_taxonomy, top_class

START = date(2026, 1, 5)  # a Monday; the corpus spans N_WEEKS weeks from here
START_TIME = datetime.combine(START, datetime.min.time(), timezone.utc)
DOMAIN_ORDER = sorted(DOMAINS)
N_WEEKS = 26
CHUNK = 2000              # videos per batch of written rows
TREND_RATE = 0.03         # chance per active trending tag that a video of its week is about it...
TREND_MIN_VIDEOS = 6      # ...raised so that a burst week has about this many such videos
FILES = ("tags.jsonl", "videos.jsonl", "products.jsonl", "clicks.jsonl", "ground_truth.jsonl", "labels.jsonl",
         "trending.json", "stats.json", "tag_truth.jsonl")


def generate(out_dir, n_videos: int, seed: int = 0, progress: bool = True, n_tags: int | None = None) -> dict:
    """Write the demo corpus into out_dir and return its stats (plus elapsed_s and videos_per_s); n_tags fixes
    the library's size (demo.library.build_library), by default it follows n_videos."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lib = build_library(n_videos, seed, n_tags)
    write_tags(lib, out / "tags.jsonl")
    trending = _pick_trending(lib, seed)
    trend_rate = min(0.2, max(TREND_RATE, TREND_MIN_VIDEOS * N_WEEKS / max(n_videos, 1)))
    (out / "trending.json").write_text(_trending_json(lib, trending, trend_rate), encoding="utf-8")
    truth = TruthTally(lib)
    stats = _write_videos(out, lib, trending, trend_rate, n_videos, seed, progress, truth)
    truth.write(out / "tag_truth.jsonl", trending)
    stats.update(_library_stats(lib))
    stats["files"]["tags.jsonl"] = stats["n_tags"]
    stats["files"] = dict(sorted(stats["files"].items()))
    stats.update({"seed": seed, "n_trending": len(trending), "span_start": START.isoformat(), "n_weeks": N_WEEKS})
    stats = dict(sorted(stats.items()))
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")
    elapsed = time.perf_counter() - started
    return {**stats, "elapsed_s": round(elapsed, 3), "videos_per_s": round(n_videos / elapsed, 1)}


def iter_jsonl(path) -> Iterator[dict]:
    """Records of a JSONL file, one per line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def week_starts() -> list[str]:
    """ISO date of the Monday that starts each week of the corpus span."""
    return [(START + timedelta(weeks=w)).isoformat() for w in range(N_WEEKS)]


# --- videos -----------------------------------------------------------------------------------------
def _write_videos(out: Path, lib: Library, trending: dict[int, set[int]], trend_rate: float,
                  n_videos: int, seed: int, progress: bool,
                  truth: TruthTally) -> dict:
    """Stream videos, ground truth, products and clicks to their files; returns the video stats."""
    rng = random.Random(f"{seed}:videos")
    rand = rng.random
    nodes = {n["id"]: n for n in flatten(load_taxonomy())}
    renderer = Renderer(lib, {leaf: nodes[leaf]["zh"] for leaf in lib.by_leaf})
    n_days = N_WEEKS * 7
    days = [(START + timedelta(days=d)).isoformat() for d in range(n_days)]
    by_week = [[t for t, weeks in trending.items() if w in weeks] for w in range(N_WEEKS)]
    clicker = ClickMaker(lib, days, trending)
    authors_per_domain = max(2, n_videos // (25 * len(DOMAIN_ORDER)))
    width = max(7, len(str(n_videos)))
    tally = Counter()

    files = {name: open(out / name, "w", encoding="utf-8", buffering=1 << 20)
             for name in ("videos.jsonl", "clicks.jsonl", "ground_truth.jsonl", "labels.jsonl", "products.jsonl")}
    products = ProductMaker(lib, _category_paths(nodes), files["products.jsonl"], max(6, width - 1))
    bar = tqdm(total=n_videos, disable=not progress, unit="video", desc="demo corpus")
    try:
        for lo in range(0, n_videos, CHUNK):
            rows = []
            for vidx in range(lo, min(lo + CHUNK, n_videos)):
                vid = f"v{vidx + 1:0{width}d}"
                day = int(rand() * n_days)
                core, related, distractors, domain = _topic(lib, rand, by_week[day // 7], trend_rate)
                implied, cues = themes.pick(lib, lib.themes, rand, domain, core + related)
                texts = renderer.render(rand, domain, core, related, distractors, cues)
                implied = themes.unnamed(lib, implied, texts)
                rows.append(_video_row(vid, day, domain, texts, rand, authors_per_domain))
                # implied tags are labels like the others (role related); products and clicks come from
                # the named content only
                gold_related = related + implied
                files["ground_truth.jsonl"].write(_truth_line(lib, vid, core, gold_related, distractors))
                files["labels.jsonl"].writelines(_label_lines(lib, vid, core, gold_related))
                tally["label_rows"] += len(core) + len(gold_related)
                tally["theme_pairs"] += len(implied)
                n_products = products.attach(rand, vidx, vid, domain, core + related)
                clicks = clicker.lines(rand, vid, day, core, related, distractors)
                files["clicks.jsonl"].writelines(clicks)
                truth.observe(core, related, "".join(texts), clicks)
                _tally(tally, lib, texts, domain, core, gold_related, distractors, n_products,
                       len(clicks))
            files["videos.jsonl"].writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            bar.update(len(rows))
        products.flush()
    finally:
        bar.close()
        for f in files.values():
            f.close()
    return _video_stats(tally, n_videos, products.count)


def _video_row(vid: str, day: int, domain: str, texts: tuple[str, str, str, str], rand,
               authors_per_domain: int) -> dict:
    """The public record of a video, without its visual vector."""
    title, summary, asr, ocr = texts
    created = START_TIME + timedelta(days=day, seconds=int(rand() * 86400))
    # authors stick to one domain, and a few authors post most of its videos
    author = DOMAIN_ORDER.index(domain) + len(DOMAIN_ORDER) * int(rand() ** 2 * authors_per_domain)
    low, high = DOMAINS[domain].durations
    return {"id": vid, "title": title, "summary": summary, "asr": asr, "ocr": ocr,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "author": f"u{author}",
            "duration_s": low + int(rand() * (high - low))}


def _truth_line(lib: Library, vid: str, core: list[int], related: list[int],
                distractors: list[int]) -> str:
    """One ground_truth.jsonl line."""
    ids = lib.tag_id
    return json.dumps({"video_id": vid, "core": [ids(t) for t in core],
                       "related": [ids(t) for t in related],
                       "distractors": [ids(t) for t in distractors]}) + "\n"


def _label_lines(lib: Library, vid: str, core: list[int], related: list[int]) -> list[str]:
    """The video's gold as `tagkg load labels` rows: the demo's labels enter the graph like a user's."""
    return [json.dumps({"video_id": vid, "tag_id": lib.tag_id(t), "role": role, "source": "demo"}) + "\n"
            for role, tags in (("core", core), ("related", related)) for t in tags]


def _topic(lib: Library, rand, hot: list[int], trend_rate: float
           ) -> tuple[list[int], list[int], list[int], str]:
    """Hidden truth of one video: (core, related, distractors, domain)."""
    if hot and rand() < trend_rate * len(hot):
        first = hot[int(rand() * len(hot))]
    else:
        first = lib.popular_core(rand())
    domain = lib.domain[first]
    dom = DOMAINS[domain]
    if rand() < 0.12:  # an atomic core tag such as 露营 or 柯基
        first = _skewed(lib.by_leaf[dom.core_atomic[int(rand() * len(dom.core_atomic))]], rand)
    core = [first]
    if rand() < 0.3:
        other = _skewed(lib.phrases_by_domain[domain], rand)
        if other != first:
            core.append(other)
    taken = set(core)
    related = []
    for c in core:  # details the core implies: often its components
        for comp in lib.comps[c]:
            if comp not in taken and rand() < 0.45:
                related.append(comp)
                taken.add(comp)
    want = 2 + int(rand() * 5)
    for _ in range(want * 3):
        if len(related) >= want:
            break
        if rand() < 0.15:
            tag = _skewed(lib.phrases_by_domain[domain], rand)
        else:
            tag = _skewed(lib.by_leaf[dom.related[int(rand() * len(dom.related))]], rand)
        if tag not in taken:
            related.append(tag)
            taken.add(tag)
    return core, related, _distractors(lib, rand, core, related, taken), domain


def _distractors(lib: Library, rand, core: list[int], related: list[int], taken: set[int]) -> list[int]:
    """0-2 atomic tags named in the text but not true: siblings (same leaf) of gold atoms."""
    u = rand()
    n = 0 if u < 0.45 else 1 if u < 0.85 else 2
    atoms = [a for t in core + related for a in (lib.comps[t] or (t,))]
    taken = taken | set(atoms)
    out = []
    for _ in range(n * 3):
        if len(out) == n:
            break
        siblings = lib.by_leaf[lib.leaf[atoms[int(rand() * len(atoms))]]]
        tag = _skewed(siblings, rand)
        if tag not in taken:
            out.append(tag)
            taken.add(tag)
    return out


def _skewed(tags: list[int], rand) -> int:
    """A tag from a best-first list, strongly favouring the front (Zipf-like)."""
    return tags[int(len(tags) * rand() ** 3)]


# --- trending ---------------------------------------------------------------------------------------
def _pick_trending(lib: Library, seed: int) -> dict[int, set[int]]:
    """A few mid-popularity phrase tags, each bursting for 1-3 consecutive weeks."""
    rng = random.Random(f"{seed}:trending")
    n = max(4, min(40, len(lib.cores) // 250))
    lo, hi = len(lib.cores) * 3 // 10, len(lib.cores) * 9 // 10
    tags = rng.sample(lib.cores[lo:hi], n)
    out = {}
    for tag in tags:
        start = rng.randint(2, N_WEEKS - 4)
        out[tag] = set(range(start, start + rng.randint(1, 3)))
    return out


def _trending_json(lib: Library, trending: dict[int, set[int]], trend_rate: float) -> str:
    """trending.json: the ground truth for trend detection."""
    starts = week_starts()
    tags = [{"tag_id": lib.tag_id(t), "name": lib.names[t], "weeks": sorted(w),
             "week_starts": [starts[x] for x in sorted(w)], "burst_factor": BURST_FACTOR}
            for t, w in sorted(trending.items())]
    return json.dumps({"span_start": START.isoformat(), "n_weeks": N_WEEKS, "week_starts": starts,
                       "trend_rate": round(trend_rate, 4), "tags": tags},
                      ensure_ascii=False, indent=1) + "\n"


# --- stats ------------------------------------------------------------------------------------------
def _tally(tally: Counter, lib: Library, texts: tuple[str, ...], domain: str, core: list[int],
           related: list[int], distractors: list[int], n_products: int, n_clicks: int) -> None:
    """Add one video to the running counts, including which tag names its text has verbatim and which gold
    tags it does not name at all (neither name nor alias: implied)."""
    text = "".join(texts)
    for role, tags in (("core", core), ("related", related), ("distractor", distractors)):
        tally[role + "_pairs"] += len(tags)
        tally[role + "_verbatim"] += sum(lib.names[t] in text for t in tags)
    tally["implied_pairs"] += len(themes.unnamed(lib, core + related, texts))
    tally["videos_with_products"] += n_products > 0
    tally["click_rows"] += n_clicks
    tally["domain:" + domain] += 1


def _share(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def _video_stats(tally: Counter, n_videos: int, n_products: int) -> dict:
    """Counts and shares over the written videos, for stats.json."""
    pairs = tally["core_pairs"] + tally["related_pairs"]
    share = _share
    return {
        "n_videos": n_videos, "n_products": n_products, "n_click_rows": tally["click_rows"],
        "n_ground_truth": n_videos,
        "files": {"videos.jsonl": n_videos, "products.jsonl": n_products,
                  "clicks.jsonl": tally["click_rows"], "ground_truth.jsonl": n_videos,
                  "labels.jsonl": tally["label_rows"]},
        "videos_with_products_share": share(tally["videos_with_products"], n_videos),
        "avg_core": share(tally["core_pairs"], n_videos),
        "avg_related": share(tally["related_pairs"], n_videos),
        "avg_distractors": share(tally["distractor_pairs"], n_videos),
        "click_rows_per_video": share(tally["click_rows"], n_videos),
        "gold_verbatim_share": share(tally["core_verbatim"] + tally["related_verbatim"], pairs),
        "gold_verbatim_share_core": share(tally["core_verbatim"], tally["core_pairs"]),
        "gold_verbatim_share_related": share(tally["related_verbatim"], tally["related_pairs"]),
        "distractor_verbatim_share": share(tally["distractor_verbatim"], tally["distractor_pairs"]),
        # gold pairs whose tag the text names neither by name nor by alias, and the theme tags among them
        "gold_implied_share": share(tally["implied_pairs"], pairs),
        "gold_theme_share": share(tally["theme_pairs"], pairs),
        "avg_themes": share(tally["theme_pairs"], n_videos),
        "videos_by_domain": {k[7:]: v for k, v in sorted(tally.items()) if k.startswith("domain:")},
    }


def _library_stats(lib: Library) -> dict:
    """Tag counts per kind, top class and domain, for stats.json."""
    atomic = Counter(top_class(leaf) for leaf in lib.leaf if leaf)
    # a phrase's class is its head's: the last component (连衣裙 in 白色连衣裙)
    phrase = Counter(top_class(lib.leaf[c[-1]]) for c in lib.comps if c)
    n_atomic = sum(atomic.values())
    return {"n_tags": len(lib.names), "n_atomic": n_atomic, "n_phrase": len(lib.names) - n_atomic,
            "n_tags_with_aliases": sum(1 for a in lib.aliases if a),
            "atomic_by_top_class": dict(sorted(atomic.items())),
            "phrase_by_top_class": dict(sorted(phrase.items())),
            "phrase_by_domain": dict(sorted(Counter(d for d in lib.domain if d).items()))}


def _category_paths(nodes: dict) -> dict[str, str]:
    """Leaf id -> shop category path of zh names below the top class (服饰>裙装)."""
    def path(cid: str) -> list[str]:
        node = nodes[cid]
        return [] if node["parent"] is None else path(node["parent"]) + [node["zh"]]
    return {cid: ">".join(path(cid)) for cid in nodes}
