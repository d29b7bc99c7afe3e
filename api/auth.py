"""API keys with roles: reader < tagger < curator < admin. Keys are compared in constant time and never logged."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import Flask, current_app, g, request

from api.errors import ApiError
from tagkg.config import API_ROLES

RANK = {role: i for i, role in enumerate(API_ROLES)}


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


ANONYMOUS = Principal("anonymous", "anonymous")


class KeyRing:
    """The configured keys, held as SHA-256 digests so comparisons see fixed-length values."""

    def __init__(self, keys: tuple):
        self._entries = [(hashlib.sha256(key.encode()).digest(), Principal(name, role)) for name, role, key in keys]

    def lookup(self, presented: str) -> Principal | None:
        digest = hashlib.sha256(presented.encode()).digest()
        found = None
        # Every entry is compared, match or not, so timing does not tell which key was close.
        for stored, principal in self._entries:
            if hmac.compare_digest(stored, digest):
                found = principal
        return found


def presented_key() -> str | None:
    """The key from `X-API-Key` or `Authorization: Bearer ...`."""
    key = request.headers.get("X-API-Key")
    if key is None:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else None
    return key or None


def authorize(role: str, read: bool) -> Principal:
    """The caller, if allowed `role`; reads pass without a key when open reads are configured."""
    key = presented_key()
    if key is None:
        if read and current_app.config["SETTINGS"].open_reads:
            g.principal = ANONYMOUS
            return ANONYMOUS
        raise ApiError(401, "unauthorized", f"this endpoint needs an API key with role {role} or above",
                       headers={"WWW-Authenticate": 'Bearer realm="tagkg"'})
    principal = current_app.extensions["tagkg.keys"].lookup(key)
    if principal is None:
        raise ApiError(401, "unauthorized", "unknown API key", headers={"WWW-Authenticate": 'Bearer realm="tagkg"'})
    g.principal = principal
    if RANK[principal.role] < RANK[role]:
        raise ApiError(403, "forbidden", f"role {principal.role} may not do this; it needs {role} or above",
                       {"role": principal.role, "needed": role})
    return principal


def known_caller() -> bool:
    """Whether the request carries a configured key (of any role)."""
    key = presented_key()
    return key is not None and current_app.extensions["tagkg.keys"].lookup(key) is not None


def install(app: Flask) -> None:
    """With open reads off, everything but /healthz needs a key: the OpenAPI document, /metrics, the docs and
    curator pages (and their static files) too. Endpoints made by api.spec.endpoint check their own role."""

    @app.before_request
    def close_unlisted():
        if app.config["SETTINGS"].open_reads or request.endpoint == "ops.healthz":
            return
        if getattr(app.view_functions.get(request.endpoint), "openapi", None) is None:
            authorize("reader", read=True)
