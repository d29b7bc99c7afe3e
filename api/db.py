"""The app's Graph: one driver per process, shared by every request."""
from flask import current_app

from graph.db import Graph, connect


def get_graph() -> Graph:
    return connect(current_app.config["SETTINGS"])
