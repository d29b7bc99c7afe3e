"""Shared benchmark plumbing: a private Neo4j server, machine facts, JSON results."""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

import psutil

from tagkg.config import ROOT, Settings

RESULTS = ROOT / "bench" / "results"
TMP = ROOT / "bench" / "tmp"


def bench_settings(fresh: bool) -> Settings:
    """Settings for the benchmark's own Neo4j (own home and ports; TAGKG_BENCH_NEO4J_HOME/_BOLT_PORT/_HTTP_PORT
    move them, so two benchmarks can run side by side); `fresh` wipes it first."""
    from graph.db import server

    env = {**os.environ, "TAGKG_NEO4J_HOME": os.environ.get("TAGKG_BENCH_NEO4J_HOME", str(ROOT / ".neo4j-bench")),
           "TAGKG_BOLT_PORT": os.environ.get("TAGKG_BENCH_BOLT_PORT", "27687"),
           "TAGKG_HTTP_PORT": os.environ.get("TAGKG_BENCH_HTTP_PORT", "27474")}
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(key, None)
    os.environ.update({k: env[k] for k in ("TAGKG_NEO4J_HOME", "TAGKG_BOLT_PORT", "TAGKG_HTTP_PORT")})
    settings = Settings.from_env(env, dotenv=Path("/dev/null"))
    if fresh:
        server(settings, "stop", check=False)
        shutil.rmtree(settings.neo4j_home, ignore_errors=True)
    server(settings, "start")
    return settings


def machine() -> dict:
    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    result = {"benchmark": name, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "git": _git_rev(), "machine": machine(), **result}
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return path


def _git_rev() -> str:
    """Short commit id, with -dirty when the tree differs from it: a changed tracked file or an untracked one that
    git does not ignore (a new module is imported as surely as a changed one); results and docs don't count."""
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    rev = out.stdout.strip() or "unknown"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", ".", ":!bench/results",
                             ":!docs"], cwd=ROOT, capture_output=True, text=True)
    return rev + "-dirty" if status.returncode or status.stdout.strip() else rev
