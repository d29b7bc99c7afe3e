"""Neo4j killed under traffic: the API answers 503 with Retry-After, then recovers by itself."""
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter

from api import create_app
from tagkg.config import ROOT, Settings

SCRIPT = str(ROOT / "scripts" / "neo4j.sh")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_api_survives_neo4j_kill_and_restart(tmp_path):
    home, bolt, http = tmp_path / "neo4j", free_port(), free_port()
    env = {**os.environ, "TAGKG_NEO4J_HOME": str(home), "TAGKG_BOLT_PORT": str(bolt), "TAGKG_HTTP_PORT": str(http),
           "TAGKG_NEO4J_HEAP": "512m", "TAGKG_NEO4J_PAGECACHE": "128m"}

    def server(action):
        out = subprocess.run(["bash", SCRIPT, action], env=env, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr

    server("start")
    try:
        settings = Settings(neo4j_home=home, bolt_port=bolt, http_port=http)
        client = create_app(settings, {"TESTING": True}).test_client()
        seen: list[tuple[float, int, str | None]] = []
        stop = threading.Event()

        def traffic():
            while not stop.is_set():
                r = client.get("/v1/taxonomy")
                seen.append((time.monotonic(), r.status_code, r.headers.get("Retry-After")))
                time.sleep(0.05)

        thread = threading.Thread(target=traffic, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30  # a fresh server may need a moment before its database opens
        while time.monotonic() < deadline and not (seen and seen[-1][1] == 200):
            time.sleep(0.2)
        assert seen and seen[-1][1] == 200, Counter(s for _, s, _ in seen)
        os.kill(int((home / "run" / "neo4j.pid").read_text()), signal.SIGKILL)
        killed_at = time.monotonic()
        deadline = killed_at + 20
        while time.monotonic() < deadline and not any(t > killed_at and s == 503 for t, s, _ in seen):
            time.sleep(0.2)
        down = [(s, ra) for t, s, ra in seen if t > killed_at]
        assert (503, "5") in down, Counter(down)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.headers["Retry-After"]

        server("start")  # same home, same password; the app is not restarted
        restarted_at = time.monotonic()
        deadline = restarted_at + 30
        while time.monotonic() < deadline and not any(t > restarted_at and s == 200 for t, s, _ in seen):
            time.sleep(0.2)
        stop.set()
        thread.join(10)
        after = [s for t, s, _ in seen if t > restarted_at]
        assert 200 in after, Counter(after)
        # (the private server has no schema, so only the Neo4j check of /healthz can pass)
        assert client.get("/healthz").get_json()["checks"]["neo4j"]["ok"]
        # every answer was a 200 or a clean 503, never a 500
        assert {s for _, s, _ in seen} <= {200, 503}
    finally:
        subprocess.run(["bash", SCRIPT, "stop"], env=env, capture_output=True, timeout=120)
