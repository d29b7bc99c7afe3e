"""One error shape for every failure: {"error": {"code", "message", "details"}} with its HTTP status."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from neo4j.exceptions import (ClientError, DatabaseError, DatabaseUnavailable, ServiceUnavailable, SessionExpired,
                              TransientError)
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from curation.ops import CurationError
from graph.db import Neo4jServerError

log = logging.getLogger("tagkg.api")

RETRY_AFTER_S = 5
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
              415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests"}
CURATION_STATUS = {"not_found": 404, "conflict": 409, "invalid": 422}
# Neo4j unreachable, restarting or failing over: the client should retry, not give up.
UNAVAILABLE = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, Neo4jServerError)


class ApiError(Exception):
    """An error the API reports as is."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details or {}, headers or {}


def found(value, what: str):
    """The read model's answer, or a 404 naming what is missing (the read model returns None for unknown ids)."""
    if value is None:
        raise ApiError(404, "not_found", f"no {what}")
    return value


def error_response(status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None):
    return jsonify(error={"code": code, "message": message, "details": details or {}}), status, headers or {}


def validation_details(exc: ValidationError) -> dict:
    return {"errors": exc.errors(include_url=False, include_context=False, include_input=False)}


def register(app: Flask) -> None:
    """Install the handlers that turn every exception into the error shape."""

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        return error_response(e.status, e.code, e.message, e.details, e.headers)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        headers = dict(e.get_headers())
        headers.pop("Content-Type", None)
        return error_response(e.code or 500, HTTP_CODES.get(e.code, "http_error"), e.description or e.name,
                              headers=headers)

    @app.errorhandler(ValidationError)
    def invalid(e: ValidationError):
        return error_response(422, "invalid", "the request did not validate", validation_details(e))

    @app.errorhandler(CurationError)
    def curation_error(e: CurationError):
        return error_response(CURATION_STATUS.get(e.code, 400), e.code, e.message, e.details)

    def unavailable(e):
        g.neo4j_unavailable = True
        log.warning("neo4j unavailable: %s", str(e)[:200])
        return error_response(503, "unavailable", "the graph database is unavailable; retry later",
                              headers={"Retry-After": str(RETRY_AFTER_S)})

    for exc_type in UNAVAILABLE:
        app.register_error_handler(exc_type, unavailable)

    @app.errorhandler(TransientError)
    def transient(e: TransientError):
        return error_response(503, "busy", "the graph database is busy; retry later",
                              {"neo4j": e.code}, {"Retry-After": "1"})

    @app.errorhandler(ClientError)
    def neo4j_client_error(e: ClientError):
        # Our own statements are fixed, so a client error here is a query that ran out of time.
        if "TransactionTimedOut" in (e.code or "") or "Terminated" in (e.code or ""):
            return error_response(503, "timeout", "the query took too long; retry later or narrow it",
                                  {"neo4j": e.code}, {"Retry-After": str(RETRY_AFTER_S)})
        log.exception("neo4j client error")
        return error_response(500, "internal", "internal error", {"request_id": g.get("request_id")})

    @app.errorhandler(DatabaseError)
    def database_error(e: DatabaseError):
        log.exception("neo4j database error")
        return error_response(503, "database_error", "the graph database failed to answer; retry later",
                              {"neo4j": e.code}, {"Retry-After": str(RETRY_AFTER_S)})

    @app.errorhandler(RecursionError)
    def too_deep(e: RecursionError):
        # api.limits refuses deep JSON before parsing; this catches any other input nested past Python's stack
        return error_response(400, "bad_request", "the input is nested too deeply")

    @app.errorhandler(Exception)
    def internal(e: Exception):
        log.exception("unhandled error")
        return error_response(500, "internal", "internal error", {"request_id": g.get("request_id")})
