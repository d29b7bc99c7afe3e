"""API load: 16 concurrent keep-alive clients (wrk) for 60 s per endpoint against `tagkg serve` on loopback.

Runs against the benchmark graph that bench/graph.sh builds (the main job's steps at 100k demo videos, in
its own Neo4j home and ports; export the variables it prints first). Reports req/s, p50/p90/p99 latency and
2xx/4xx/5xx counts per endpoint to bench/results/api_load.json.

    bash bench/graph.sh && export ...  # as printed
    .venv/bin/python -m bench.api_load [--duration 60] [--connections 16]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import TMP, write_result
from graph.db import connect
from tagkg.config import ROOT, Settings

ENDPOINTS = {  # endpoint -> (method, path template, request body, req/s target on this 2-core machine or None)
    "tag_detail": ("GET", "/v1/tags/{tag}", None, 300),
    "related_tags": ("GET", "/v1/tags/{tag}/related", None, None),
    # recall + rank of a stored video, not persisted: the tagging call engineers make
    "compute_tags": ("POST", "/v1/videos/{video}/tags/compute", '{"persist": false}', 100),
}
BENCH_KEY = "bench-load-key-" + os.urandom(8).hex()   # a tagger key for this run only

# wrk counts statuses per thread; done() sums them and prints one JSON line.
LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
local paths = %s
local method, body = %s, %s
local headers = {["X-API-Key"] = %s, ["Content-Type"] = "application/json"}
local i = 0
function init(args) s2 = 0; s4 = 0; s5 = 0; other = 0; i = math.random(#paths) end
function request() i = i %% #paths + 1; return wrk.format(method, paths[i], headers, body) end
function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1
  elseif status >= 200 and status < 300 then s2 = s2 + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c2, c4, c5, co = 0, 0, 0, 0
  for _, t in ipairs(threads) do c2 = c2 + t:get("s2"); c4 = c4 + t:get("s4"); c5 = c5 + t:get("s5"); co = co + t:get("other") end
  io.write(string.format('JSON {"requests": %%d, "duration_us": %%d, "p50_ms": %%.2f, "p90_ms": %%.2f, "p99_ms": %%.2f, ' ..
    '"max_ms": %%.2f, "s2xx": %%d, "s4xx": %%d, "s5xx": %%d, "other": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, c2, c4, c5, co,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def api_settings() -> Settings:
    """The benchmark graph of bench/graph.sh (TAGKG_* variables); started if it is stopped."""
    from graph.db import server

    settings = Settings.from_env()
    if os.environ.get("NEO4J_URI") is None:
        server(settings, "start")
    if connect(settings).query("MATCH (v:Video) RETURN count(v) AS n")[0]["n"] == 0:
        sys.exit("the benchmark graph is empty: run bash bench/graph.sh and export the variables it prints")
    return settings


def sample_tags(settings: Settings, n: int = 500) -> list[str]:
    """Approved tags that videos were clicked from: the ones operators look at."""
    rows = connect(settings).query("""
        MATCH (t:Tag {status: 'approved'}) WHERE EXISTS { (t)-[:CLICKED|HAS_TAG]-(:Video) }
        RETURN t.id AS id ORDER BY t.id LIMIT $n""", n=n)
    return [r["id"] for r in rows]


def sample_videos(settings: Settings, n: int = 500) -> list[str]:
    """Stored videos spread over the id range."""
    rows = connect(settings).query("MATCH (v:Video) RETURN v.id AS id ORDER BY v.id")
    step = max(1, len(rows) // n)
    return [r["id"] for r in rows[::step]][:n]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_api(port: int, threads: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "TAGKG_API_KEYS": f"bench:tagger:{BENCH_KEY}"}
    env.pop("TAGKG_API_KEYS_FILE", None)
    proc = subprocess.Popen([sys.executable, "-m", "tagkg.cli", "serve", "--port", str(port), "--threads", str(threads)],
                            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 180   # the tagger loads its library and indexes before /healthz answers
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"the API did not come up; see {log}")


def call(url: str, method: str, body: str | None) -> None:
    """One request as wrk sends it; raises on any non-2xx answer."""
    req = urllib.request.Request(url, method=method, data=body.encode() if body else None,
                                 headers={"X-API-Key": BENCH_KEY, "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=120).read()


def run_wrk(url: str, method: str, paths: list[str], body: str | None, duration: int, connections: int,
            work: Path) -> dict:
    script = work / "paths.lua"
    script.write_text(LUA % ("{" + ",".join(json.dumps(p) for p in paths) + "}", json.dumps(method),
                             json.dumps(body) if body else "nil", json.dumps(BENCH_KEY)))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url],
                         capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("JSON "))
    stats = json.loads(line[5:])
    stats["req_per_s"] = round(stats["requests"] / (stats["duration_us"] / 1e6), 1)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=60, help="seconds per endpoint")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=16, help="waitress worker threads")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install -y wrk")
    settings = api_settings()
    ids = {"tag": sample_tags(settings), "video": sample_videos(settings)}
    work = TMP / "api_load"
    work.mkdir(parents=True, exist_ok=True)
    graph_size = connect(settings).query(
        "MATCH (v:Video) WITH count(v) AS videos MATCH (t:Tag) RETURN videos, count(t) AS tags")[0]
    port = free_port()
    api = start_api(port, args.threads, work / "api.log")
    results = {}
    try:
        for name, (method, template, body, target) in ENDPOINTS.items():
            kind = "video" if "{video}" in template else "tag"
            paths = [template.format(**{kind: x}) for x in ids[kind]]
            for p in paths[:20]:  # warm the query plans, the page cache and the tagger
                call(f"http://127.0.0.1:{port}{p}", method, body)
            stats = run_wrk(f"http://127.0.0.1:{port}", method, paths, body, args.duration, args.connections, work)
            stats["target_req_per_s"] = target
            stats["met"] = None if target is None else (stats["req_per_s"] >= target and stats["s5xx"] == 0)
            results[name] = stats
            print(name, json.dumps(stats), flush=True)
    finally:
        api.terminate()
        api.wait(30)
    path = write_result("api_load", {
        "setup": {"server": "waitress (tagkg serve)", "waitress_threads": args.threads, "clients": args.connections,
                  "client": "wrk -t2 (keep-alive)", "duration_s": args.duration, "corpus_videos": graph_size["videos"],
                  "graph_tags": graph_size["tags"], "distinct_tags": len(ids["tag"]),
                  "distinct_videos": len(ids["video"]), "neo4j_home": str(settings.neo4j_home)},
        "endpoints": results,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
