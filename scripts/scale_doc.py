"""Generate docs/SCALE.md from bench/results: measured cost per tag, video and click row, and what they say about
10M videos, 5M tags and 100k new videos a day. Every number is read or computed from the JSON; nothing by hand.

usage: python scripts/scale_doc.py
Inputs: scale.json (library, load, store, matcher, tagger start), load.json (100k-video load), tagging.json (one
stored video, tag-all), api_load.json (API under 16 clients), tag_ray.json (Ray workers), pool10m.json (compressed
similar-video pool). Extrapolations are linear in the measured unit costs and say so; a figure no benchmark has
measured is named as missing, never filled in.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "docs" / "SCALE.md"
# the size the issue plans for
TARGET = {"videos": 10_000_000, "tags": 5_000_000, "new_videos_per_day": 100_000}
SOURCES = ("scale", "load", "tagging", "api_load", "tag_ray", "pool10m")


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def _size(run: dict) -> tuple[int, int]:
    return run["size"]["tags"], run["size"]["videos"]


def _loaded(scale: dict) -> list[dict]:
    """The runs of scale.json with a load stage, smallest first."""
    return sorted((r for r in scale["runs"].values() if "load" in r), key=_size)


def _runs(scale: dict) -> tuple[dict, dict]:
    """(the largest run with a tagger stage, the largest run with a load stage) of scale.json."""
    return (max((r for r in scale["runs"].values() if "tagger" in r), key=_size), _loaded(scale)[-1])


def unit_costs(res: dict) -> dict:
    """Per-row costs of each measured stage: {name: {"value", "unit", "at", "source"}}."""
    small, big = _runs(res["scale"])
    out = {}
    for run in _loaded(res["scale"]):
        at = f"{run['size']['tags']:,} tags / {run['size']['videos']:,} videos"
        for kind, m in run["load"]["runs"].items():
            out.setdefault(f"load_{kind}", []).append(
                {"value": 1000 * m["seconds"] / m["rows"], "unit": "ms a row", "at": at, "source": "scale.json",
                 "peak_mb": m["peak_rss_mb"]})
        inputs = sum(f["mb"] for f in run["generate"]["files"].values())
        out.setdefault("store_per_input_mb", []).append(
            {"value": run["store"]["store_mb"] / inputs, "unit": "store MB per MB of input JSONL", "at": at,
             "source": "scale.json"})
    tg = small["tagger"]["starts"]
    at = f"{tg['first']['tags']:,} tags"
    out["tagger_encode"] = [{"value": 1000 * tg["first"]["vectors_and_index_s"] / tg["first"]["encoded"],
                             "unit": "ms a tag (first start: encode + index)", "at": at, "source": "scale.json"}]
    out["tagger_restart"] = [{"value": 1000 * tg["restart"]["start_s"] / tg["restart"]["tags"],
                              "unit": "ms a tag (restart from the on-disk cache)", "at": at, "source": "scale.json"}]
    out["tagger_memory"] = [{"value": 1024 * tg["restart"]["peak_rss_mb"] / tg["restart"]["tags"],
                             "unit": "KB a tag (peak RSS / tags: an upper bound, the fixed part is not separated)",
                             "at": at, "source": "scale.json"}]
    m = big["matcher"]
    out["matcher_memory"] = [{"value": 1024 * m["peak_rss_mb"] / m["tags"], "unit": "KB a tag (text matcher alone, upper bound)",
                              "at": f"{m['tags']:,} tags", "source": "scale.json"}]
    t = res["tagging"]
    out["tag_all"] = [{"value": t["batch"]["videos_per_s"], "unit": "videos/s, one process",
                       "at": f"{t['videos_in_graph']:,} videos, {t['library']['tags']:,} tags", "source": "tagging.json"}]
    r = res["tag_ray"]
    out["tag_ray"] = [{"value": r[k]["videos_per_s"], "unit": f"videos/s, {k.replace('_', ' ')}",
                       "at": f"{r['videos']:,} videos", "source": "tag_ray.json"}
                      for k in ("single_process", "ray_1_worker", "ray_2_workers")]
    p = res["pool10m"]
    out["pool"] = [{"value": p["bytes_per_vector"], "unit": f"bytes a vector ({p['index']})",
                    "at": f"{p['vectors']:,} vectors", "source": "pool10m.json"},
                   {"value": p["add_vectors_per_s"], "unit": "vectors/s added, one thread", "at": f"{p['vectors']:,} vectors",
                    "source": "pool10m.json"}]
    return out


def extrapolate(res: dict) -> dict:
    """The target size from the largest measured run's unit costs (linear), and the point where each limit breaks."""
    small, big = _runs(res["scale"])
    ld, gen = big["load"]["runs"], big["generate"]["files"]
    videos = big["size"]["videos"]
    per_video = {"products": ld["products"]["rows"] / videos, "clicks": ld["clicks"]["rows"] / videos}
    rows = {"tags": TARGET["tags"], "videos": TARGET["videos"],
            "products": per_video["products"] * TARGET["videos"], "clicks": per_video["clicks"] * TARGET["videos"]}
    load_h = {k: rows[k] * ld[k]["seconds"] / ld[k]["rows"] / 3600 for k in rows}
    daily = TARGET["new_videos_per_day"]
    daily_rows = {"videos": daily, "products": per_video["products"] * daily, "clicks": per_video["clicks"] * daily}
    daily_min = {k: daily_rows[k] * ld[k]["seconds"] / ld[k]["rows"] / 60 for k in daily_rows}
    # input bytes per row of each kind, then the measured store/input ratio
    mb_row = {k.split(".")[0]: gen[k]["mb"] / gen[k]["rows"] for k in gen}
    input_mb = sum(rows[k] * mb_row[k] for k in rows)
    ratio = big["store"]["store_mb"] / sum(f["mb"] for f in gen.values())
    store_gb = input_mb * ratio / 1024
    tg = small["tagger"]["starts"]
    restart_ms = 1000 * tg["restart"]["start_s"] / tg["restart"]["tags"]
    encode_ms = 1000 * tg["first"]["vectors_and_index_s"] / tg["first"]["encoded"]
    mem_kb = 1024 * tg["restart"]["peak_rss_mb"] / tg["restart"]["tags"]
    target = small["tagger"]["target"]
    t, r, p = res["tagging"], res["tag_ray"], res["pool10m"]
    machine_gb = res["scale"]["machine"]["memory_gb"]
    backfill_h = TARGET["videos"] / t["batch"]["videos_per_s"] / 3600
    pool_gb = TARGET["videos"] * p["bytes_per_vector"] / 2**30
    # each limit as the share of the target size where it is crossed (linear in the measured cost), first first
    breaks = sorted([
        {"what": f"tagger restart > {target['start_s']} s", "share": target["start_s"] * 1000 / restart_ms / TARGET["tags"],
         "at_target": f"{TARGET['tags'] * restart_ms / 1000:,.0f} s"},
        {"what": f"tagger memory > {target['memory_gb']} GB (upper bound)",
         "share": target["memory_gb"] * 2**20 / mem_kb / TARGET["tags"], "at_target": f"{TARGET['tags'] * mem_kb / 2**20:,.1f} GB"},
        {"what": f"Neo4j page cache holding the store > this machine's {machine_gb} GiB", "share": machine_gb / store_gb,
         "at_target": f"{store_gb:,.1f} GB"},
    ] + pool_breaks(p), key=lambda b: b["share"])
    return {"rows": rows, "load_hours": load_h, "daily_rows": daily_rows, "daily_minutes": daily_min,
            "store_gb": store_gb, "store_ratio": ratio, "tagger_first_start_h": TARGET["tags"] * encode_ms / 3.6e6,
            "tagger_restart_s": TARGET["tags"] * restart_ms / 1000, "tagger_memory_gb": TARGET["tags"] * mem_kb / 2**20,
            "backfill_hours_one_process": backfill_h, "daily_tagging_minutes": daily / t["batch"]["videos_per_s"] / 60,
            "ray_speedup_2_vs_1": r["speedup_2_vs_1"], "pool_codes_gb": pool_gb,
            "pool_disk_gb": TARGET["videos"] * p["dim"] * 2 / 2**30,
            "pool_add_minutes": TARGET["videos"] / p["add_vectors_per_s"] / 60, "breaks": breaks}


def pool_breaks(p: dict) -> list[dict]:
    """The similar-video pool's limits that its run at p['vectors'] vectors already crossed."""
    out = []
    if p["best"]["recall@10"] < p["target"]["recall@10"]:
        out.append({"what": f"similar-video pool recall@10 < {p['target']['recall@10']} (already at the measured "
                            f"{p['vectors']:,} vectors: {p['best']['recall@10']})"})
    if p["peak_rss_gb"] > p["target"]["peak_rss_gb"]:
        out.append({"what": f"similar-video pool memory > {p['target']['peak_rss_gb']} GB (already at the measured "
                            f"{p['vectors']:,} vectors: {p['peak_rss_gb']} GB)"})
    share = p["vectors"] / TARGET["videos"]
    return [{**b, "share": share, "at_target": "not measured", "at_most": True} for b in out]


def render(res: dict, fresh: dict, head: str) -> str:
    u, x = unit_costs(res), extrapolate(res)
    small, big = _runs(res["scale"])
    lines = ["# Scale", "",
             "Generated by `scripts/scale_doc.py` from `bench/results/*.json`: costs measured on this 2-core machine, "
             f"extrapolated linearly to {TARGET['videos']:,} videos, {TARGET['tags']:,} tags and "
             f"{TARGET['new_videos_per_day']:,} new videos a day. Checked against commit {head}.", "",
             "| source | run | commit | fresh at " + head + " |", "|---|---|---|---|"]
    for name in SOURCES:
        f = fresh[name]
        lines.append(f"| `{name}.json` | {res[name]['at']} | {f['git']} | "
                     + ("yes" if f["fresh"] else f"**no**: {len(f['changed'])} files on its code path changed") + " |")
    lines += ["", "## Measured unit costs", "", "| cost | value | unit | measured at | source |", "|---|---:|---|---|---|"]
    for name, entries in u.items():
        for e in entries:
            lines.append(f"| {name.replace('_', ' ')} | {e['value']:,.3g} | {e['unit']} | {e['at']} | {e['source']} |")
    lines += ["", "The loaders' peak memory stays flat as the files grow: "
              + ", ".join(k.removeprefix("load_") + " " + " / ".join(f"{e['peak_mb']:,.0f} MB" for e in v)
                          for k, v in u.items() if k.startswith("load_")) + " (at the sizes above, smallest first)."]
    lines += ["", "## Tagger start by library size", "",
              f"Targets: restart <= {small['tagger']['target']['start_s']} s, memory <= "
              f"{small['tagger']['target']['memory_gb']} GB.", "",
              "| tags | first start (encode + index) | restart | restart peak memory | restart re-encoded | targets |",
              "|---:|---:|---:|---:|---:|---|"]
    for run in sorted((r for r in res["scale"]["runs"].values() if "tagger" in r), key=_size):
        t = run["tagger"]
        first, again = t["starts"]["first"], t["starts"]["restart"]
        met = ", ".join(f"{k} {_met(v)}" for k, v in t["met"].items())
        lines.append(f"| {again['tags']:,} | {first['start_s']:,.0f} s | {again['start_s']:,.1f} s | "
                     f"{again['peak_rss_mb'] / 1024:,.1f} GB | {again['encoded']:,} | {met} |")
    lines += ["", f"## At {TARGET['videos']:,} videos and {TARGET['tags']:,} tags", "",
              f"Rows: products and click rows per video as in the largest loaded run ({big['size']['videos']:,} videos; "
              "a day's click rows are taken as the new videos' share, clicks on older videos not modelled): "
              + ", ".join(f"{k} {v:,.0f}" for k, v in x["rows"].items()) + ".", "",
              "| job | estimate |", "|---|---:|"]
    for k, h in x["load_hours"].items():
        lines.append(f"| first load of the {k} | {h:,.1f} h |")
    for k, m in x["daily_minutes"].items():
        lines.append(f"| daily load of {x['daily_rows'][k]:,.0f} new {k} | {m:,.1f} min |")
    lines += [f"| Neo4j store (store/input ratio {x['store_ratio']:.2f} of the largest run) | {x['store_gb']:,.1f} GB |",
              f"| tagger first start (encode every tag once; cached on disk afterwards) | {x['tagger_first_start_h']:,.1f} h |",
              f"| tagger restart from the cache | {x['tagger_restart_s']:,.0f} s |",
              f"| tagger memory (upper bound) | {x['tagger_memory_gb']:,.1f} GB |",
              f"| tag-all backfill of every video, one process | {x['backfill_hours_one_process']:,.1f} h |",
              f"| tag-all of a day's new videos, one process | {x['daily_tagging_minutes']:,.1f} min |",
              f"| similar-video pool codes (memory) | {x['pool_codes_gb']:,.2f} GB |",
              f"| similar-video pool float16 copy (disk) | {x['pool_disk_gb']:,.1f} GB |",
              f"| similar-video pool build (add, one thread) | {x['pool_add_minutes']:,.0f} min |"]
    p, r = res["pool10m"], res["tag_ray"]
    lines += ["", "## What that means", "",
              f"- **Ray workers.** A day's {TARGET['new_videos_per_day']:,} new videos take {x['daily_tagging_minutes']:,.1f} "
              f"minutes on one process, so the daily job needs no cluster; the {TARGET['videos']:,}-video backfill takes "
              f"{x['backfill_hours_one_process']:,.1f} h on one. Ray's measured gain on this machine is "
              f"{x['ray_speedup_2_vs_1']}x for 2 workers over 1 (target {r['target']['speedup_2_vs_1']}x: "
              f"{'met' if r['met'] else 'missed'}; Neo4j, the workers and the driver share 2 cores), so worker counts for "
              "the backfill cannot be read off this machine: measure on the cluster (`tagkg tag-all --ray ADDRESS`).",
              f"- **Neo4j memory.** Keeping the store in the page cache needs about {x['store_gb']:,.0f} GB at the target "
              f"size; the largest run's store ({big['store']['store_mb']:,.0f} MB) loaded with heap "
              f"{big['load']['neo4j_heap']} and page cache {big['load']['neo4j_pagecache']}.",
              f"- **Index settings.** Similar-video pool: `{p['index']}` in memory ({p['bytes_per_vector']} bytes a vector, "
              f"{x['pool_codes_gb']:,.2f} GB at {TARGET['videos']:,}), its top {p['refine']['candidates']} candidates "
              f"re-scored from a float16 copy on disk ({x['pool_disk_gb']:,.1f} GB at {TARGET['videos']:,}). Measured at "
              f"{p['vectors']:,} vectors: recall@10 {p['best']['recall@10']} (the codes alone "
              f"{p['best']['codes_only']['recall@10']}), p50 {p['best']['p50_ms']:.1f} ms at nprobe {p['best']['nprobe']} "
              f"with the copy as the OS page cache held it, {p['cold']['p50_ms']:.1f} ms right after dropping it from "
              f"the page cache; peak memory {p['peak_rss_gb']} GB. Targets: recall@10 >= {p['target']['recall@10']} "
              f"{_met(p['best']['recall@10'] >= p['target']['recall@10'])}, p50 <= {p['target']['p50_ms']} ms "
              f"{_met(p['best']['p50_ms'] <= p['target']['p50_ms'])}, memory <= {p['target']['peak_rss_gb']} GB "
              f"{_met(p['peak_rss_gb'] <= p['target']['peak_rss_gb'])}. Reads of the copy go through the OS page "
              "cache, memory outside the process that this machine does not keep for 10 GB: most reads wait on the disk.",
              "", "## What breaks first", "", "| limit | crossed at (share of the target size) | at the target size |", "|---|---|---:|"]
    for b in x["breaks"]:
        lines.append(f"| {b['what']} | {'at most ' if b.get('at_most') else ''}{b['share']:.0%} | {b['at_target']} |")
    missing = ([] if _size(big)[1] >= 1_000_000 else ["loading the 1M-video / 10M-click corpus"]) + \
        ([] if _size(small)[0] >= 1_000_000 else ["the tagger's start at 1M tags"]) + ["latency at 1M tags beside 100k"]
    lines += ["", f"Not measured yet (issue 16): {', '.join(missing)}; each estimate above is linear in a cost "
              "measured at a smaller size."]
    return "\n".join(lines) + "\n"


def main() -> None:
    from bench.freshness import head as current_head, report

    res = {name: json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8")) for name in SOURCES}
    head = current_head(ROOT)
    OUT.write_text(render(res, report(ROOT), head), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
