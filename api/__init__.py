"""The Flask application factory."""
from __future__ import annotations

from flask import Flask, jsonify

from tagkg.config import Settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Build the app; the Neo4j connection is opened lazily by api.db."""
    app = Flask(__name__)
    app.config["SETTINGS"] = settings or Settings.from_env()
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.json.ensure_ascii = False
    if test_config:
        app.config.update(test_config)

    from api import health, videos, tags

    app.register_blueprint(health.bp)
    app.register_blueprint(videos.bp)
    app.register_blueprint(tags.bp)

    @app.errorhandler(404)
    def not_found(e):
        return jsonify(error={"code": "not_found", "message": str(e.description), "details": {}}), 404

    return app
