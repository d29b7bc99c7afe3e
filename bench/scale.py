"""Scale benchmark (issue 16): a library at the source system's size, made and loaded by tagkg's own commands.

Stages, each run in a child process so its time and peak memory are its own, each kept in the work folder
(bench/tmp/scale-T-V-seedS/stage-NAME.json) so a long run can be resumed stage by stage:
- generate: `tagkg demo-data --tags T --videos V` (tags, videos, products, daily click rows);
- load: `tagkg load tags|videos|products|clicks` on a fresh server: seconds, rows/s, loader peak memory;
- store: the Neo4j store on disk by file kind, the page cache that holds all of it;
- matcher: the text matcher (tagging.library: keys and Aho-Corasick automaton) over every tag of tags.jsonl,
  without Neo4j, so it is measured at sizes whose tagger start does not fit in a run;
- tagger: the tagger started twice on the loaded graph (library, tag text vectors, tag text index): the
  first start encodes the tag names and builds the index, the restart must find both on disk.

usage: python -m bench.scale [--tags 1000000] [--videos 1000000] [--seed 0] [--stages generate,load,store,matcher,tagger]
       [--redo STAGE,...]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import RESULTS, TMP, _git_rev, bench_settings, write_result
from tagkg.config import ROOT

STAGES = ("generate", "load", "store", "matcher", "tagger")
LOAD_ORDER = ("tags", "videos", "products", "clicks")   # dependency order, as `tagkg load-demo`
START_TARGET_S, MEMORY_TARGET_GB = 60, 8


def run_child(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd to the end; its wall seconds, peak RSS (the child's own, from wait4) and stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True,
                            env={**os.environ, **(env or {})})
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-4000:]}")
    return {"wall_s": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "stdout": out}


def tagkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "tagkg.cli", *args]


def file_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


# --- stages ----------------------------------------------------------------------------------------------
def generate(args, work: Path) -> dict:
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    run = run_child(tagkg("demo-data", "--tags", str(args.tags), "--videos", str(args.videos), "--seed",
                          str(args.seed), "--out", str(corpus)))
    stats = json.loads(run["stdout"])
    files = {name: {"rows": stats["files"][name], "mb": round((corpus / name).stat().st_size / 2**20, 1)}
             for name in ("tags.jsonl", "videos.jsonl", "products.jsonl", "clicks.jsonl")}
    return {"wall_s": run["wall_s"], "peak_rss_mb": run["peak_rss_mb"], "files": files,
            "n_tags": stats["n_tags"], "n_atomic": stats["n_atomic"], "n_phrase": stats["n_phrase"],
            "n_tags_with_aliases": stats["n_tags_with_aliases"]}


def load(args, work: Path) -> dict:
    """Every kind through `tagkg load`, on a fresh server; rows/s by the loader's own clock."""
    settings = bench_settings(fresh=True)
    run_child(tagkg("init-db"))
    runs = {}
    for kind in LOAD_ORDER:
        path = work / "corpus" / f"{kind}.jsonl"
        run = run_child(tagkg("load", kind, str(path), "--no-progress"))
        found = re.search(r"(\d+) rows read, (\d+) stored, (\d+) rejected in ([\d.]+)s", run["stdout"])
        rows, stored, rejected, seconds = (int(found.group(1)), int(found.group(2)), int(found.group(3)),
                                           float(found.group(4)))
        runs[kind] = {"rows": rows, "stored": stored, "rejected": rejected, "seconds": seconds,
                      "wall_s": run["wall_s"], "rows_per_s": round(rows / seconds, 1),
                      "file_mb": round(path.stat().st_size / 2**20, 1), "peak_rss_mb": run["peak_rss_mb"]}
        print(kind, json.dumps(runs[kind]), flush=True)
    from graph.db import connect

    counts = connect(settings).query("""
        CALL () { MATCH (t:Tag) RETURN count(t) AS tags }
        CALL () { MATCH (:Tag)-[c:COMPOSED_OF]->() RETURN count(c) AS composed_of }
        CALL () { MATCH (:Tag)-[c:IN_CATEGORY]->() RETURN count(c) AS in_category }
        CALL () { MATCH (v:Video) RETURN count(v) AS videos }
        CALL () { MATCH (p:Product) RETURN count(p) AS products }
        CALL () { MATCH ()-[c:CLICKED]->() RETURN count(c) AS click_edges }
        RETURN tags, composed_of, in_category, videos, products, click_edges""")[0]
    # scripts/neo4j.sh reads the server's memory from these, with its defaults
    return {"runs": runs, "graph": counts, "neo4j_heap": os.environ.get("TAGKG_NEO4J_HEAP", "2g"),
            "neo4j_pagecache": os.environ.get("TAGKG_NEO4J_PAGECACHE", "2g")}


def store(args, work: Path) -> dict:
    """Store files by kind; the page cache that holds the whole store is its size (Neo4j's own sizing rule)."""
    from graph.db import close_all, server

    settings = bench_settings(fresh=False)
    # a load's writes sit in the transaction log and the page cache until a checkpoint flushes them to the store;
    # Community has no db.checkpoint(), a clean shutdown checkpoints (the next stage starts the server again)
    close_all()
    server(settings, "stop")
    db = Path(settings.neo4j_home) / "data" / "databases" / "neo4j"
    by_kind: dict[str, int] = {}
    for f in db.rglob("*"):
        if f.is_file():
            kind = "indexes" if "schema" in f.parts else re.sub(r"^neostore\.?|\.db.*$|\.id$", "", f.name) or "meta"
            by_kind[kind] = by_kind.get(kind, 0) + f.stat().st_size
    tx = Path(settings.neo4j_home) / "data" / "transactions" / "neo4j"
    total = sum(by_kind.values())
    return {"store_mb": round(total / 2**20, 1),
            "by_kind_mb": {k: round(v / 2**20, 1) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
            "transaction_logs_mb": round(sum(f.stat().st_size for f in tx.rglob("*") if f.is_file()) / 2**20, 1),
            "pagecache_need_mb": round(total / 2**20, 1)}


def matcher(args, work: Path) -> dict:
    run = run_child([sys.executable, "-m", "bench.scale", "--matcher-child", str(work / "corpus" / "tags.jsonl")])
    return {**json.loads(run["stdout"].strip().splitlines()[-1]), "wall_s": run["wall_s"],
            "peak_rss_mb": run["peak_rss_mb"]}


def matcher_child(path: str) -> None:
    """Build the tag library's matcher from a tags file; time it and match a few texts naming tags."""
    from tagging.library import build_library
    from text.normalize import normalize

    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    t1 = time.perf_counter()
    lib = build_library(rows)
    t2 = time.perf_counter()
    step = max(1, len(rows) // 1000)
    texts = [normalize(f"今天分享{rows[i]['name']}和{rows[-1 - i]['name']}") for i in range(0, len(rows), step)]
    found = sum(any(m.row == i for m in lib.match(text)) for i, text in zip(range(0, len(rows), step), texts))
    t3 = time.perf_counter()
    print(json.dumps({"tags": len(lib), "keys": len(lib.keys), "read_s": round(t1 - t0, 2),
                      "build_s": round(t2 - t1, 2), "probe_texts": len(texts), "probe_found": found,
                      "match_ms_per_text": round((t3 - t2) / len(texts) * 1000, 3)}))


def tagger(args, work: Path) -> dict:
    """Two starts of the tagger in fresh processes on the same data folder: first, then restart."""
    bench_settings(fresh=False)
    env = {"TAGKG_DATA_DIR": str(work / "data")}
    starts = {}
    for name in ("first", "restart"):
        run = run_child([sys.executable, "-m", "bench.scale", "--tagger-child"], env)
        starts[name] = {**json.loads(run["stdout"].strip().splitlines()[-1]), "wall_s": run["wall_s"],
                        "peak_rss_mb": run["peak_rss_mb"]}
        print(name, json.dumps(starts[name]), flush=True)
    restart = starts["restart"]
    return {"starts": starts, "target": {"start_s": START_TARGET_S, "memory_gb": MEMORY_TARGET_GB},
            "met": {"start_s": restart["start_s"] <= START_TARGET_S,
                    "memory_gb": restart["peak_rss_mb"] / 1024 <= MEMORY_TARGET_GB,
                    "no_reencode": restart["encoded"] == 0}}


def tagger_child() -> None:
    """One tagger start, timed by phase (the steps of Tagger.from_graph); prints one JSON line."""
    from graph.db import connect
    from tagging import store as S
    from tagging.library import build_library
    from tagging.tagger import Tagger
    from tagkg.config import Settings
    from video.encode import encoder

    settings = Settings.from_env()
    t0 = time.perf_counter()
    graph = connect(settings, start=False)
    rows = S.read_library(graph)
    t1 = time.perf_counter()
    lib = build_library(rows)
    del rows
    t2 = time.perf_counter()
    cached = len(encoder(settings))
    t = Tagger(lib, settings, None, S.read_video_tags(graph), None, progress=True)
    t3 = time.perf_counter()
    encoded = len(t.enc) - cached
    probe = t.tag([{"id": "probe", "title": lib.names[0] + "和" + lib.names[-1]}])[0]
    print(json.dumps({"tags": len(lib), "read_library_s": round(t1 - t0, 2), "build_library_s": round(t2 - t1, 2),
                      "vectors_and_index_s": round(t3 - t2, 2), "start_s": round(t3 - t0, 2),
                      "cached_before": cached, "encoded": encoded,
                      "probe_tags": len(probe["core"]) + len(probe["related"])}))


STAGE_FUNCS = {"generate": generate, "load": load, "store": store, "matcher": matcher, "tagger": tagger}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tags", type=int, default=1_000_000)
    ap.add_argument("--videos", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--redo", default="", help="stages to run again even when their result is kept")
    ap.add_argument("--tagger-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--matcher-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.tagger_child:
        return tagger_child()
    if args.matcher_child:
        return matcher_child(args.matcher_child)
    os.environ["TAGKG_DOTENV"] = "/dev/null"
    rev = _git_rev()   # the code that runs: later commits during a long run do not count
    work = TMP / f"scale-{args.tags}-{args.videos}-seed{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    redo = set(filter(None, args.redo.split(",")))
    key = f"tags={args.tags} videos={args.videos} seed={args.seed}"
    for stage in filter(None, args.stages.split(",")):
        kept = work / f"stage-{stage}.json"
        if stage in redo or not kept.exists():
            print(f"== {stage}", flush=True)
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            kept.write_text(json.dumps({"at": at, "git": rev, **STAGE_FUNCS[stage](args, work)},
                                       ensure_ascii=False, indent=1) + "\n")
    done = {s: json.loads((work / f"stage-{s}.json").read_text()) for s in STAGES if (work / f"stage-{s}.json").exists()}
    # read late: another size may have written meanwhile
    runs = json.loads((RESULTS / "scale.json").read_text()).get("runs", {}) if (RESULTS / "scale.json").exists() else {}
    before = runs.get(key, {})
    # stages kept from before stages were stamped (the first runs of this benchmark) take the entry's first commit
    first = before.get("git", rev).split(",")[0]
    stage_git = {s: d.get("git") or before.get("stage_git", {}).get(s) or first for s, d in done.items()}
    runs[key] = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "stage_git": stage_git,
                 "git": ",".join(sorted(set(stage_git.values()))),
                 "size": {"tags": args.tags, "videos": args.videos, "seed": args.seed}, "stages_run": sorted(done), **done}
    # one file for every size, each run with its own time and commit
    path = write_result("scale", {"runs": dict(sorted(runs.items()))})
    print(json.dumps(runs[key], ensure_ascii=False, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
