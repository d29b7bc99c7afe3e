"""A load killed half-way and rerun ends with exactly the graph of one clean load."""
import json
import os
import signal
import subprocess
import sys
import time

from tagkg.config import ROOT

COUNT = "MATCH (v:Video) WHERE v.id STARTS WITH $ns RETURN count(v) AS n, sum(size(v.title)) AS chars"


def test_killed_load_then_rerun_gives_the_exact_graph(graph, ns, tmp_path):
    n = 20_000
    path = tmp_path / "videos.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"{ns}v{i:06d}", "title": f"视频{i}", "asr": "嗯 " * 50}, ensure_ascii=False) + "\n")
    cmd = [sys.executable, "-m", "tagkg.cli", "load", "videos", str(path), "--batch-size", "200", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while graph.query(COUNT, ns=ns)[0]["n"] < 1000:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.time() < deadline, "load made no progress"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = graph.query(COUNT, ns=ns)[0]["n"]
    assert 0 < partial < n, "the kill should land half-way"
    # batches are whole transactions: no video is half-written
    assert graph.query("MATCH (v:Video) WHERE v.id STARTS WITH $ns AND v.asr IS NULL RETURN count(v) AS n", ns=ns)[0]["n"] == 0

    rerun = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    expected_chars = sum(len(f"视频{i}") for i in range(n))
    assert graph.query(COUNT, ns=ns)[0] == {"n": n, "chars": expected_chars}
