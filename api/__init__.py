"""The Flask application factory: JSON under /v1, one blueprint per resource, the curator page at /curator/."""
from __future__ import annotations

from flask import Flask

from tagkg.config import Settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Build the app; Neo4j is connected lazily on the first request that needs it (api.db)."""
    from api import (auth, curation, cypher, db, docs, errors, feedback, library, limits, ops, page, tagging, tags,
                     taxonomy, videos)
    from api.auth import KeyRing
    from api.encode import JSONProvider

    app = Flask(__name__)
    app.json_provider_class = JSONProvider
    app.json = JSONProvider(app)
    settings = settings or Settings.from_env()
    app.config["SETTINGS"] = settings
    # Bodies above this get 413; the library import raises its own limit for itself.
    app.config["MAX_CONTENT_LENGTH"] = settings.api_max_body_bytes
    if test_config:
        app.config.update(test_config)
    app.extensions["tagkg.keys"] = KeyRing(settings.api_keys)
    # name -> callable() -> (ok, detail); the tagging issue registers its model check here.
    app.extensions["tagkg.health"] = {}

    db.init_app(app)
    errors.register(app)
    ops.install(app)
    auth.install(app)     # with open reads off, only /healthz answers without a key
    limits.install(app)   # JSON nesting depth, checked before a body is parsed
    for module in (ops, docs, page, tags, taxonomy, videos, tagging, curation, library, feedback, cypher):
        app.register_blueprint(module.bp)
    return app
