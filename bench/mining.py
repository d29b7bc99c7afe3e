"""Mining benchmark: hide 20% of the demo library's phrase tags and 20% of its atomic tags, mine the corpus,
find them again, beside the frequency and PMI baselines a user would write first.

Gold: the hidden tags (name and aliases). N = number hidden; precision@N counts top-N candidates
whose key is a gold key; recall counts hidden tags with any key among the candidates (all of them,
or the top N), overall and per kind (atomic, phrase). Reported for each pipeline alone (its own candidates,
by its own score), merged, and for the baselines of bench/mining_real.py on the same documents: jieba word
frequency, character n-gram frequency and n-gram NPMI (keys already in the given library dropped).
The hidden tags reach no model: they are simply absent from the library given to mining. The corpus's text is
generated from the library's own phrase patterns, so these figures are optimistic (bench/mining_real.py is the
real-text check).

usage: python -m bench.mining [--videos 100000] [--seed 0] [--hide 0.2]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import threading
import time
from datetime import date, timedelta

import psutil

from bench.common import write_result
from bench.load import corpus
from demo.corpus import iter_jsonl
from text.normalize import tag_key
from mining.pipeline import PIPELINES, mine
from taxonomy.tree import load_taxonomy

TARGETS = {"precision_at_n": 0.80, "seconds": 600, "peak_memory_gb": 4.0}


def docs(folder, seen: dict):
    """Videos (title, summary, ASR, OCR joined) then search-query click rows, as mining documents;
    `seen["last"]` ends up as the latest date (mining's default `now`)."""
    last = ""
    for v in iter_jsonl(folder / "videos.jsonl"):
        last = max(last, v["created_at"][:10])
        yield {"id": v["id"], "text": "\n".join(v.get(k) or "" for k in ("title", "summary", "asr", "ocr")),
               "date": v["created_at"]}
    for c in iter_jsonl(folder / "clicks.jsonl"):
        if c["kind"] == "query":
            last = max(last, c["day"])
            yield {"id": f"q:{c['video_id']}:{c['day']}", "text": c["query"], "date": c["day"]}
    seen["last"] = date.fromisoformat(last)


def split_library(tags: list[dict], share: float, seed: int) -> tuple[list[dict], list[dict]]:
    """(library given to mining, hidden tags): a seeded random `share` of the phrase tags and, under its own
    seed, the same share of the atomic tags."""
    hidden: set[str] = set()
    for kind, salt in (("phrase", "mining-hide"), ("atomic", "mining-hide-atomic")):
        ids = sorted(t["id"] for t in tags if t["kind"] == kind)
        hidden |= set(random.Random(f"{seed}:{salt}").sample(ids, round(share * len(ids))))
    return [t for t in tags if t["id"] not in hidden], [t for t in tags if t["id"] in hidden]


def keys_of(tag: dict) -> set[str]:
    return {tag_key(s) for s in [tag["name"], *tag.get("aliases", [])]} - {""}


def evaluate(ranked: list[dict], hidden: list[dict], gold: set[str]) -> dict:
    """precision@N, recall in the top N and in the full list (overall and per kind of hidden tag), for
    candidates ranked best first."""
    n = len(hidden)
    top = {c["key"] for c in ranked[:n]}
    every = {c["key"] for c in ranked}
    found = lambda tags, keys: round(sum(bool(keys_of(t) & keys) for t in tags) / len(tags), 4) if tags else None  # noqa: E731
    by_kind = {kind: [t for t in hidden if t["kind"] == kind] for kind in ("atomic", "phrase")}
    return {"candidates": len(ranked), "n": n,
            "precision_at_n": round(sum(c["key"] in gold for c in ranked[:n]) / n, 4) if n else None,
            "recall_at_n": found(hidden, top), "recall": found(hidden, every),
            "by_kind": {kind: {"hidden": len(ts), "recall_at_n": found(ts, top), "recall": found(ts, every)}
                        for kind, ts in by_kind.items()}}


def baselines(texts: list[str], given_keys: set[str], hidden: list[dict], gold: set[str]) -> tuple[dict, dict]:
    """({baseline: evaluate(...)}, {baseline: seconds}): bench/mining_real.py's frequency and PMI lists over the
    same documents, keys of the given library dropped."""
    from bench.mining_real import char_ngrams, jieba_frequency, ngram_frequency, ngram_npmi, ranked_keys

    out, seconds = {}, {}
    t = time.perf_counter()
    out["jieba_frequency"] = ranked_keys(jieba_frequency(texts), given_keys)
    seconds["jieba_frequency"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    counts, chars = char_ngrams(texts)
    out["ngram_frequency"] = ranked_keys(ngram_frequency(counts), given_keys)
    out["ngram_npmi"] = ranked_keys(ngram_npmi(counts, chars), given_keys)
    seconds["ngrams_frequency_and_npmi"] = round(time.perf_counter() - t, 1)
    del counts
    return {k: evaluate([{"key": key} for key in keys], hidden, gold) for k, keys in out.items()}, seconds


def trending_recall(folder, hidden: list[dict], cands: list[dict], now: date) -> dict:
    """Of the hidden tags the generator made trend for 1-3 weeks: how many were proposed, how many are
    hot now, and for how many the strongest burst in their weekly series overlaps the true burst
    weeks and would have been flagged hot then."""
    info = json.loads((folder / "trending.json").read_text())
    start = date.fromisoformat(info["span_start"])
    weeks = {t["tag_id"]: t["weeks"] for t in info["tags"]}
    by_key = {c["key"]: c for c in cands}
    out = {"hidden_trending": 0, "proposed": 0, "hot_now": 0, "burst_found": 0,
           "hot_candidates": sum(bool(c["evidence"].get("hot")) for c in cands)}
    for tag in (t for t in hidden if t["id"] in weeks):
        out["hidden_trending"] += 1
        cand = next((by_key[k] for k in keys_of(tag) if k in by_key), None)
        if cand is None:
            continue
        ev = cand["evidence"]
        out["proposed"] += 1
        out["hot_now"] += ev["hot"]
        peak_end = now - timedelta(weeks=ev["peak"]["weeks_ago"])
        peak_start = peak_end - timedelta(weeks=4) + timedelta(days=1)
        overlap = any(peak_start <= start + timedelta(weeks=w, days=6) and start + timedelta(weeks=w) <= peak_end
                      for w in weeks[tag["id"]])
        out["burst_found"] += overlap and ev["peak"]["hot"]
    return out


class PeakRss:
    """Samples the RSS of this process plus its children (the segmentation workers) in a thread."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.peak = max(self.peak, rss)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--videos", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hide", type=float, default=0.2)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)

    folder = corpus(args.videos, args.seed)
    tags = list(iter_jsonl(folder / "tags.jsonl"))
    given, hidden = split_library(tags, args.hide, args.seed)
    given_keys = set().union(*(keys_of(t) for t in given))
    # Gold: every real tag key mining was not given (the hidden tags; their aliases included).
    gold = set().union(*(keys_of(t) for t in tags)) - given_keys

    t0 = time.perf_counter()
    with PeakRss() as rss:
        seen: dict = {}
        cands = mine(docs(folder, seen), given, load_taxonomy(), workers=args.workers, progress=not args.no_progress,
                     seed=args.seed)
    seconds = time.perf_counter() - t0
    peak_gb = rss.peak / 2**30
    maxrss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

    results = {"merged": evaluate(cands, hidden, gold)}
    for p in PIPELINES:
        own = sorted((c for c in cands if p in c["pipelines"]), key=lambda c: (-c["scores"][p], c["key"]))
        results[p] = evaluate(own, hidden, gold)
    both = sum(len(c["pipelines"]) > 1 for c in cands)
    base, base_s = baselines([d["text"] for d in docs(folder, {})], given_keys, hidden, gold)
    report = {
        "corpus": {"videos": args.videos, "seed": args.seed, "tags": len(tags), "phrase_tags":
                   sum(t["kind"] == "phrase" for t in tags), "hidden": len(hidden),
                   "hidden_atomic": sum(t["kind"] == "atomic" for t in hidden)},
        "results": results, "baselines": base, "baseline_seconds": base_s, "found_by_both": both, "trending": trending_recall(folder, hidden, cands, seen["last"]),
        "seconds": round(seconds, 1), "peak_memory_gb": round(peak_gb, 3), "ru_maxrss_main_gb": round(maxrss_gb, 3),
        "targets": TARGETS,
        "met": {"precision_at_n": results["merged"]["precision_at_n"] >= TARGETS["precision_at_n"],
                "seconds": seconds < TARGETS["seconds"], "peak_memory_gb": peak_gb < TARGETS["peak_memory_gb"]},
        "top_examples": [{k: c[k] for k in ("name", "kind", "score", "pipelines")} | {"gold": c["key"] in gold}
                         for c in cands[:20]],
    }
    path = write_result("mining" if args.videos == 100_000 else f"mining-{args.videos}", report)
    print(f"{path}\n" + "\n".join(f"{p:>16}: {r}" for p, r in {**results, **base}.items())
          + f"\ntime {seconds:.1f}s, peak {peak_gb:.2f} GB, trending {report['trending']}")


if __name__ == "__main__":
    main()
