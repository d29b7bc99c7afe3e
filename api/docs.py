"""The OpenAPI document and its interactive docs page (Swagger UI, vendored in static/vendor)."""
from flask import Blueprint, current_app, jsonify

from api.spec import openapi

bp = Blueprint("docs", __name__, url_prefix="/v1")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tagkg API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/static/vendor/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/v1/openapi.json", dom_id: "#ui", deepLinking: true, tryItOutEnabled: true});</script>
</body></html>"""


@bp.get("/openapi.json")
def document():
    # Built once per app: the routes do not change after start-up.
    if "tagkg.openapi" not in current_app.extensions:
        current_app.extensions["tagkg.openapi"] = openapi(current_app)
    return jsonify(current_app.extensions["tagkg.openapi"])


@bp.get("/docs")
def page():
    return PAGE
