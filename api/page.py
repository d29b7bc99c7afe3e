"""The curator page: static HTML, JS and vendored libraries served by the API itself (no build step)."""
from flask import Blueprint, redirect, send_from_directory

bp = Blueprint("page", __name__, static_folder="static/curator", static_url_path="/curator/static")


@bp.get("/")
def home():
    return redirect("/curator/")


@bp.get("/curator/")
def curator():
    return send_from_directory(bp.static_folder, "index.html")
