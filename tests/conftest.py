"""Shared fixtures: the real test Neo4j (started if needed), a namespace per test, the Flask app."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tagkg.config import ROOT, Settings

# Tests load and delete demo ids, so even outside scripts/test.sh they never use the shell's TAGKG_*
# server or data folder (that would wipe a demo graph): always the test home, ports and data folder,
# which TAGKG_TEST_* may move (as in scripts/test.sh). A configured remote server is ignored too.
for _name, _default in (("NEO4J_HOME", ROOT / ".neo4j-test"), ("BOLT_PORT", 17687), ("HTTP_PORT", 17474),
                        ("NEO4J_HEAP", "1g"), ("NEO4J_PAGECACHE", "1g"), ("DATA_DIR", ROOT / "data-test")):
    os.environ[f"TAGKG_{_name}"] = os.environ.get(f"TAGKG_TEST_{_name}", str(_default))
for _name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
    os.environ.pop(_name, None)
os.environ["TAGKG_DOTENV"] = "/dev/null"

CLEANUP = """
CALL () { MATCH (n) WHERE (n:Video OR n:Tag OR n:Product OR n:AliasCandidate) AND n.id STARTS WITH $ns DETACH DELETE n }
CALL () { MATCH (q:Query) WHERE q.text STARTS WITH $ns DETACH DELETE q }
"""


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def graph(settings):
    from graph.db import connect
    from graph.schema import init_db
    from taxonomy.tree import load_taxonomy

    g = connect(settings)  # starts the local test server when it is not running
    init_db(g, load_taxonomy())
    return g


@pytest.fixture
def ns(graph) -> str:
    """A unique id prefix; everything a test writes under it is deleted afterwards."""
    prefix = f"test{uuid.uuid4().hex[:8]}_"
    yield prefix
    graph.execute(CLEANUP, ns=prefix)


@pytest.fixture
def write_file(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""
    def write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return p
    return write


@pytest.fixture
def app(settings, graph):
    from api import create_app

    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()
