"""One settings object, read from the environment and an optional .env file."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Connection, path and service settings; env vars win over .env, which wins over defaults."""

    # Neo4j: when neo4j_uri is None tagkg starts and uses its own local server (scripts/neo4j.sh).
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    neo4j_home: Path = ROOT / ".neo4j"
    bolt_port: int = 7687
    http_port: int = 7474
    # Loading
    batch_size: int = 2000
    max_line_bytes: int = 1_000_000
    # Where demo data, models and indexes go
    data_dir: Path = ROOT / "data"
    # API: loopback only unless configured otherwise
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # API keys as (name, role, key); repr=False keeps keys out of any logged settings.
    api_keys: tuple = field(default=(), repr=False)
    # GET endpoints need no key when true; every write always needs a key of the right role.
    open_reads: bool = True
    api_max_body_bytes: int = 1_048_576
    api_max_import_bytes: int = 64 * 1_048_576
    api_max_upload_bytes: int = 512 * 1_048_576     # POST /v1/videos: one media file, streamed to disk
    api_query_timeout_s: float = 10.0
    cypher_timeout_s: float = 5.0
    cypher_max_rows: int = 1000
    # /v1/cypher answers stop at this many bytes of rows; a key runs at most max_per_key queries at once,
    # and all keys together max_concurrent: fewer than the server's threads and, on the 2-core machine
    # Neo4j and the API share, than its cores (with 4 at once tag lookups' p99 passed 200 ms).
    cypher_max_bytes: int = 4 * 1_048_576
    cypher_max_per_key: int = 1
    cypher_max_concurrent: int = 2

    @classmethod
    def from_env(cls, env: dict | None = None, dotenv: Path | None = None) -> "Settings":
        """Build settings from `env` (default os.environ) layered over a .env file."""
        values = dict(dotenv_values(dotenv or os.environ.get("TAGKG_DOTENV") or ROOT / ".env"))
        values.update(os.environ if env is None else env)
        get = values.get
        return cls(
            neo4j_uri=get("NEO4J_URI") or None,
            neo4j_user=get("NEO4J_USER") or "neo4j",
            neo4j_password=get("NEO4J_PASSWORD") or None,
            neo4j_database=get("NEO4J_DATABASE") or "neo4j",
            neo4j_home=_path(get("TAGKG_NEO4J_HOME"), ROOT / ".neo4j"),
            bolt_port=int(get("TAGKG_BOLT_PORT") or 7687),
            http_port=int(get("TAGKG_HTTP_PORT") or 7474),
            batch_size=int(get("TAGKG_BATCH_SIZE") or 2000),
            max_line_bytes=int(get("TAGKG_MAX_LINE_BYTES") or 1_000_000),
            data_dir=_path(get("TAGKG_DATA_DIR"), ROOT / "data"),
            api_host=get("TAGKG_API_HOST") or "127.0.0.1",
            api_port=int(get("TAGKG_API_PORT") or 8000),
            api_keys=_api_keys(get("TAGKG_API_KEYS"), get("TAGKG_API_KEYS_FILE")),
            open_reads=(get("TAGKG_OPEN_READS") or "true").strip().lower() not in ("0", "false", "no", "off"),
            api_max_body_bytes=int(get("TAGKG_API_MAX_BODY_BYTES") or 1_048_576),
            api_max_import_bytes=int(get("TAGKG_API_MAX_IMPORT_BYTES") or 64 * 1_048_576),
            api_max_upload_bytes=int(get("TAGKG_API_MAX_UPLOAD_BYTES") or 512 * 1_048_576),
            api_query_timeout_s=float(get("TAGKG_API_QUERY_TIMEOUT_S") or 10.0),
            cypher_timeout_s=float(get("TAGKG_CYPHER_TIMEOUT_S") or 5.0),
            cypher_max_rows=int(get("TAGKG_CYPHER_MAX_ROWS") or 1000),
            cypher_max_bytes=int(get("TAGKG_CYPHER_MAX_BYTES") or 4 * 1_048_576),
            cypher_max_per_key=int(get("TAGKG_CYPHER_MAX_PER_KEY") or 1),
            cypher_max_concurrent=int(get("TAGKG_CYPHER_MAX_CONCURRENT") or 2),
        )

    @property
    def uses_local_server(self) -> bool:
        return self.neo4j_uri is None

    @property
    def uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"

    def password(self) -> str:
        """The configured password, or the one generated for the local server."""
        if self.neo4j_password:
            return self.neo4j_password
        pw_file = self.neo4j_home / "password"
        if not pw_file.exists():
            raise RuntimeError(f"no NEO4J_PASSWORD set and {pw_file} does not exist: start the local server first")
        return pw_file.read_text().strip()

    def server_env(self) -> dict:
        """Environment for scripts/neo4j.sh so it uses these ports and home."""
        return {
            **os.environ,
            "TAGKG_NEO4J_HOME": str(self.neo4j_home),
            "TAGKG_BOLT_PORT": str(self.bolt_port),
            "TAGKG_HTTP_PORT": str(self.http_port),
        }

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def _path(value: str | None, default: Path) -> Path:
    if not value:
        return default
    p = Path(value)
    return p if p.is_absolute() else ROOT / p


API_ROLES = ("reader", "tagger", "curator", "admin")


def _api_keys(inline: str | None, file: str | None) -> tuple:
    """Parse 'name:role:key' entries (comma- or newline-separated) from the variable and the file."""
    text = ",".join(t for t in (inline, _path(file, ROOT).read_text() if file else None) if t)
    keys = []
    for entry in (e.strip() for e in text.replace("\n", ",").split(",")):
        if not entry or entry.startswith("#"):
            continue
        name, role, key = (entry.split(":", 2) + ["", ""])[:3]
        if role not in API_ROLES or not name or len(key) < 16:
            # The key itself is never echoed, only the entry's name.
            raise ValueError(f"bad API key entry {name!r}: want name:role:key, role one of {API_ROLES}, key >= 16 chars")
        keys.append((name, role, key))
    return tuple(keys)
