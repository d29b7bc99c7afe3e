"""Request limits checked before a body is parsed: JSON nesting depth (the size cap is MAX_CONTENT_LENGTH)."""
from __future__ import annotations

import re

import numpy as np
from flask import Flask, request

from api.errors import ApiError

# Deeper JSON than this is refused before parsing: Python's parser, pydantic and the Neo4j driver all
# recurse, and 100,000 levels raised RecursionError (a 500). No tagkg body needs more than a few levels.
MAX_JSON_DEPTH = 64
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')   # a JSON string: its brackets do not nest


def json_depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (0 for a scalar), counted without parsing."""
    codes = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int32) - np.isin(codes, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max(initial=0))


def install(app: Flask) -> None:
    """Refuse JSON bodies nested deeper than MAX_JSON_DEPTH with 400, for every endpoint that parses one."""

    @app.before_request
    def limit_json_depth():
        spec = getattr(app.view_functions.get(request.endpoint), "openapi", None)
        if spec is None or spec["body"] is None:
            return  # no JSON body here (the library import streams its file to the loader)
        depth = json_depth(request.get_data(cache=True))   # over MAX_CONTENT_LENGTH this is a 413
        if depth > MAX_JSON_DEPTH:
            raise ApiError(400, "bad_request", f"the JSON body nests {depth} levels deep; at most {MAX_JSON_DEPTH} are allowed",
                           {"max_depth": MAX_JSON_DEPTH})
