"""scripts/neo4j.sh: a full start/stop cycle in its own home, and clear errors."""
import os
import shutil
import socket
import stat
import subprocess
import urllib.request

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from tagkg.config import ROOT

SCRIPT = str(ROOT / "scripts" / "neo4j.sh")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(action, home, bolt, http, **env):
    e = {**os.environ, "TAGKG_NEO4J_HOME": str(home), "TAGKG_BOLT_PORT": str(bolt), "TAGKG_HTTP_PORT": str(http),
         "TAGKG_NEO4J_HEAP": "512m", "TAGKG_NEO4J_PAGECACHE": "128m", **env}
    return subprocess.run(["bash", SCRIPT, action], env=e, capture_output=True, text=True, timeout=240)


def slow_java(tmp_path) -> str:
    """A java that is another process for 3 s before it becomes the real one, as on a loaded machine."""
    real = os.environ.get("TAGKG_JAVA") or (os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                                            if os.environ.get("JAVA_HOME") else shutil.which("java"))
    wrapper = tmp_path / "slow-java"
    # the waiting process must not carry the server's arguments, as the start-up shell doesn't
    wrapper.write_text(f"""#!/bin/bash
[ "$1" = -version ] && exec "{real}" "$@"
printf '%s\n' "$*" >> {tmp_path}/java-calls
export ARGS_FILE={tmp_path}/java-args
printf '%s\\0' "$@" > "$ARGS_FILE"
exec bash -c 'sleep 3; mapfile -d "" a < "$ARGS_FILE"; exec "{real}" "${{a[@]}}"'
""")
    wrapper.chmod(0o755)
    return str(wrapper)


def test_start_status_auth_loopback_and_clean_stop(tmp_path):
    home, bolt, http = tmp_path / "neo4j", free_port(), free_port()
    # a server slow to become java is waited for, not reported as exited during start-up
    started = run("start", home, bolt, http, TAGKG_JAVA=slow_java(tmp_path))
    try:
        assert started.returncode == 0, started.stderr
        assert "running" in run("status", home, bolt, http).stdout
        pw_file = home / "password"
        assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
        # secrets: the password hash and the store are private, and the password was never an argument
        assert stat.S_IMODE((home / "data" / "dbms" / "auth.ini").stat().st_mode) == 0o600
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert not [f for f in (home / "data").rglob("*") if f.stat().st_mode & stat.S_IROTH]
        calls = (tmp_path / "java-calls").read_text()
        assert "set-initial-password @" in calls and pw_file.read_text().strip() not in calls
        conf = (home / "conf" / "neo4j.conf").read_text()
        assert f"server.bolt.listen_address=127.0.0.1:{bolt}" in conf
        assert "dbms.security.auth_enabled=true" in conf
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", pw_file.read_text().strip())) as d:
            assert d.execute_query("RETURN 1 AS x", database_="neo4j").records[0]["x"] == 1
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", "neo4j")) as d:
            with pytest.raises(AuthError):
                d.verify_connectivity()
        # Neo4j Browser is served from the neo4j-browser jar
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/browser/", timeout=10) as page:
            assert page.status == 200 and b"Neo4j Browser" in page.read()
        # a second start is a no-op on the running server
        assert run("start", home, bolt, http).returncode == 0
    finally:
        stopped = run("stop", home, bolt, http)
    assert stopped.returncode == 0 and "stopped" in stopped.stderr
    status = run("status", home, bolt, http)
    assert status.returncode == 3 and "stopped" in status.stdout
    assert "Stopped." in (home / "logs" / "neo4j.log").read_text()  # SIGTERM gave a clean shutdown


def test_port_taken_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        result = run("start", tmp_path / "neo4j", taken, free_port())
    assert result.returncode == 1
    assert f"port 127.0.0.1:{taken} is already taken" in result.stderr


def test_missing_or_old_java_is_a_clear_error(tmp_path):
    result = run("start", tmp_path / "neo4j", free_port(), free_port(), TAGKG_JAVA=str(tmp_path / "no-java"))
    assert result.returncode == 1 and "Java 17 is required" in result.stderr
    old = tmp_path / "java"
    old.write_text('#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n')
    old.chmod(0o755)
    result = run("start", tmp_path / "neo4j", free_port(), free_port(), TAGKG_JAVA=str(old))
    assert result.returncode == 1 and "Java 17+ is required, found version '11'" in result.stderr
