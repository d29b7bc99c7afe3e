"""`tagkg tag-all --ray` on a local Ray cluster the test starts: a worker killed mid-job loses nothing, and a
rerun by single-process tag-all finds the same HAS_TAG edges."""
from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import psutil
import pytest

from demo_graph import model_settings, write_tags_and_videos

N_VIDEOS = 120
RANGE = 6            # 20 ranges, so the job is still running when the worker dies

TAGGER_EDGES = """
MATCH (v:Video)-[h:HAS_TAG {source: 'tagger'}]->(t:Tag) WHERE v.id STARTS WITH $ns
RETURN v.id AS video, t.id AS tag, h.role AS role, h.score AS score
"""
TAGGED_VIDEOS = """
MATCH (v:Video)-[:HAS_TAG {source: 'tagger'}]->() WHERE v.id STARTS WITH $ns RETURN count(DISTINCT v) AS n
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from demo.corpus import generate

    out = tmp_path_factory.mktemp("distributed-corpus")
    generate(out, N_VIDEOS, seed=11, progress=False)
    return out


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray cluster with its own temp folder (random ports), stopped afterwards; yields its address_info
    (gcs_address, session_dir, ...)."""
    import ray

    temp = f"/tmp/tagkg-ray-{uuid.uuid4().hex[:8]}"
    context = ray.init(num_cpus=2, object_store_memory=128 * 2 ** 20, include_dashboard=False,
                       log_to_driver=False, _temp_dir=temp)
    yield context.address_info
    ray.shutdown()


def edges(graph, ns) -> dict:
    return {(r["video"], r["tag"]): (r["role"], round(r["score"], 3)) for r in graph.query(TAGGER_EDGES, ns=ns)}


def tag_workers() -> list[psutil.Process]:
    """This machine's Ray worker processes running the TagRanges actor (Ray names them after it)."""
    out = []
    for p in psutil.process_iter(["cmdline"]):
        if p.info["cmdline"] and any("TagRanges" in part for part in p.info["cmdline"]):
            out.append(p)
    return out


def test_a_killed_worker_loses_nothing_and_reruns_are_idempotent(graph, ns, corpus, settings, tmp_path,
                                                                 ray_cluster):
    from tagging.distributed import tag_all_ray
    from tagging.tagger import tag_all

    tag_settings = model_settings(settings, tmp_path)
    write_tags_and_videos(graph, ns, corpus)
    result, killed = {}, {}

    def job():
        result.update(tag_all_ray(graph, tag_settings, workers=1, range_size=RANGE, batch=4, prefix=ns,
                                  progress=False))

    runner = threading.Thread(target=job)
    runner.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not killed:
        n = graph.query(TAGGED_VIDEOS, ns=ns)[0]["n"]
        workers = tag_workers()
        if n and workers:          # the first ranges are written: kill the worker mid-job
            for p in workers:
                os.kill(p.pid, signal.SIGKILL)
            killed = {"tagged_before": n, "pids": [p.pid for p in workers]}
        time.sleep(0.02)
    runner.join(120)
    after_kill = edges(graph, ns)
    tagged = graph.query(TAGGED_VIDEOS, ns=ns)[0]["n"]     # a video whose every candidate scores low has none
    assert killed and killed["tagged_before"] < tagged, killed
    assert result["videos"] == N_VIDEOS and result["ranges"] == N_VIDEOS // RANGE
    assert after_kill and not any(psutil.pid_exists(pid) and "TagRanges" in " ".join(psutil.Process(pid).cmdline())
                                  for pid in killed["pids"])

    # the single-process job run over it again: the same edges (nothing lost, nothing doubled)
    single = tag_all(graph, tag_settings, prefix=ns, progress=False)
    assert single["videos"] == N_VIDEOS and single["has_tag_written"] == len(after_kill)
    assert edges(graph, ns) == after_kill


def test_the_cli_joins_a_running_cluster_at_its_address(graph, ns, corpus, settings, tmp_path, ray_cluster):
    """`tagkg tag-all --ray ADDRESS` in its own process, as a user points it at a cluster: the job's actors run on
    that cluster (their logs land in its session folder, not in a new local Ray's), and the edges it writes are
    those single-process tag-all writes."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tagging.tagger import tag_all

    tag_settings = model_settings(settings, tmp_path)
    write_tags_and_videos(graph, ns, corpus)
    logs = Path(ray_cluster["session_dir"]) / "logs"
    before = set(logs.glob("worker-*"))
    env = {**os.environ, "TAGKG_DATA_DIR": str(tag_settings.data_dir)}
    cli = [sys.executable, "-m", "tagkg.cli", "tag-all", "--ray", ray_cluster["gcs_address"], "--workers", "2",
           "--range-size", "30", "--prefix", ns, "--no-progress"]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["videos"] == N_VIDEOS and result["ranges"] == N_VIDEOS // 30 and result["workers"] == 2
    assert any("TagRanges" in p.read_text(errors="replace") for p in set(logs.glob("worker-*")) - before)
    by_cli = edges(graph, ns)
    assert by_cli
    single = tag_all(graph, tag_settings, prefix=ns, progress=False)
    assert single["has_tag_written"] == len(by_cli) and edges(graph, ns) == by_cli
