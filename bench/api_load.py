"""API load: 16 concurrent keep-alive clients (wrk) for 60 s per endpoint against waitress on loopback.

Runs against its own Neo4j (home .neo4j-api, ports 47687/47474) holding the 20k-video demo corpus,
loading it first when absent. Reports req/s, p50/p90/p99 latency and 2xx/4xx/5xx counts per endpoint
to bench/results/api_load.json.

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
from tagkg.config import ROOT, Settings

CORPUS = TMP / "corpus-20000-seed0"
TARGETS = {  # endpoint -> (path template, req/s target on this 2-core machine or None)
    "tag_detail": ("/v1/tags/{tag}", 300),
    "related_tags": ("/v1/tags/{tag}/related", None),
}
MISSING = {"compute_tags": "not measured: the tagging pipeline (compute-tags endpoint) is not built yet; target 100 req/s"}

# wrk counts statuses per thread; done() sums them and prints one JSON line.
LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
local paths = %s
local i = 0
function init(args) s2 = 0; s4 = 0; s5 = 0; other = 0; i = math.random(#paths) end
function request() i = i %% #paths + 1; return wrk.format("GET", paths[i]) end
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
    """The bench API's own Neo4j; started, and loaded with the demo corpus when empty."""
    from graph.db import connect, server

    env = {**os.environ, "TAGKG_NEO4J_HOME": str(ROOT / ".neo4j-api"), "TAGKG_BOLT_PORT": "47687",
           "TAGKG_HTTP_PORT": "47474", "TAGKG_DOTENV": "/dev/null"}
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(key, None)
    os.environ.update(env)
    settings = Settings.from_env(env)
    server(settings, "start")
    if connect(settings).query("MATCH (v:Video) RETURN count(v) AS n")[0]["n"] < 20_000:
        tagkg = str(Path(sys.executable).parent / "tagkg")
        if not (CORPUS / "videos.jsonl").exists():
            subprocess.run([tagkg, "demo-data", "--videos", "20000", "--seed", "0", "--out", str(CORPUS)], env=env, check=True)
        subprocess.run([tagkg, "init-db"], env=env, check=True)
        subprocess.run([tagkg, "load-demo", "--dir", str(CORPUS), "--no-progress"], env=env, check=True)
    return settings


def sample_tags(settings: Settings, n: int = 500) -> list[str]:
    """Approved tags that videos were clicked from: the ones operators look at."""
    from graph.db import connect

    rows = connect(settings).query("""
        MATCH (t:Tag {status: 'approved'}) WHERE EXISTS { (t)-[:CLICKED|HAS_TAG]-(:Video) }
        RETURN t.id AS id ORDER BY t.id LIMIT $n""", n=n)
    return [r["id"] for r in rows]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_api(port: int, threads: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "tagkg.cli", "serve", "--port", str(port), "--threads", str(threads)],
                            cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"the API did not come up; see {log}")


def run_wrk(url: str, paths: list[str], duration: int, connections: int, work: Path) -> dict:
    script = work / "paths.lua"
    script.write_text(LUA % ("{" + ",".join(json.dumps(p) for p in paths) + "}"))
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
    tags = sample_tags(settings)
    work = TMP / "api_load"
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api = start_api(port, args.threads, work / "api.log")
    results = {}
    try:
        for name, (template, target) in TARGETS.items():
            paths = [template.format(tag=t) for t in tags]
            for p in paths[:20]:  # warm the query plans and the page cache
                urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=30).read()
            stats = run_wrk(f"http://127.0.0.1:{port}", paths, args.duration, args.connections, work)
            stats["target_req_per_s"] = target
            stats["met"] = None if target is None else (stats["req_per_s"] >= target and stats["s5xx"] == 0)
            results[name] = stats
            print(name, json.dumps(stats), flush=True)
    finally:
        api.terminate()
        api.wait(30)
    path = write_result("api_load", {
        "setup": {"server": "waitress (tagkg serve)", "waitress_threads": args.threads, "clients": args.connections,
                  "client": "wrk -t2 (keep-alive)", "duration_s": args.duration, "corpus_videos": 20_000,
                  "distinct_tags": len(tags), "neo4j_home": ".neo4j-api"},
        "endpoints": results, "missing": MISSING,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
