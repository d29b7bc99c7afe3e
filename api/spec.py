"""One decorator per endpoint: checks the role, validates path, query and body with pydantic, and
describes the operation for the OpenAPI document, so the document cannot drift from the code."""
from __future__ import annotations

import functools
import re

from flask import Blueprint, Flask, Response, jsonify, request
from pydantic import BaseModel, TypeAdapter

from api.auth import authorize
from api.errors import ApiError
from loaders.models import Id

_ID = TypeAdapter(Id)
PATH_PARAM = {"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[^\s\x00-\x1f]+$"}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}},
}


def endpoint(bp: Blueprint, rule: str, method: str = "GET", *, summary: str, role: str = "reader",
             query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
             response: type[BaseModel] | None = None, status: int = 200, raw_body: tuple[str, ...] = (),
             produces: tuple[str, ...] = ("application/json",), open_read: bool | None = None):
    """Register `rule` on `bp`; the view gets path values plus `query=` and `body=` models as keywords.

    GET endpoints are reads that open_reads may open to callers without a key; open_read overrides it."""
    read = method == "GET" if open_read is None else open_read

    def decorate(fn):
        @functools.wraps(fn)
        def view(**path):
            authorize(role, read)
            for name, value in path.items():
                path[name] = _ID.validate_python(value)
            kwargs = {}
            if query is not None:
                kwargs["query"] = query.model_validate(request.args.to_dict())
            if body is not None:
                kwargs["body"] = body.model_validate(_json_body())
            out = fn(**path, **kwargs)
            if isinstance(out, Response):
                return out
            return jsonify(out), status

        view.openapi = {"method": method.lower(), "summary": summary, "doc": (fn.__doc__ or "").strip(),
                        "role": role, "read": read, "query": query, "body": body, "response": response,
                        "status": status, "raw_body": raw_body, "produces": produces, "tag": bp.name}
        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        return view

    return decorate


def _json_body():
    """The JSON body; an empty body means {} so actions without options need none."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise ApiError(400, "bad_request", "the body is not valid JSON")
    return data


# --- the OpenAPI 3.1 document ---------------------------------------------------------------------

def _schema(model: type[BaseModel], components: dict, mode: str) -> dict:
    """A $ref to `model`, its schema and nested definitions hoisted into components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _not_null(schema: dict) -> dict:
    """Query parameters cannot be null: keep the non-null branch of Optional fields."""
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**options[0], **rest}
    return schema


def openapi(app: Flask) -> dict:
    """Build the document from the registered endpoints."""
    settings = app.config["SETTINGS"]
    components: dict = {"Error": ERROR_SCHEMA}
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        spec = getattr(app.view_functions.get(rule.endpoint), "openapi", None)
        if spec is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        params = [{"name": a, "in": "path", "required": True, "schema": PATH_PARAM} for a in rule.arguments]
        if spec["query"] is not None:
            qs = spec["query"].model_json_schema(mode="validation")
            required = set(qs.get("required", []))
            params += [{"name": name, "in": "query", "required": name in required, "schema": _not_null(s)}
                       for name, s in qs["properties"].items()]
        responses = {"default": {"description": "an error", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        ok_content = {}
        for ctype in spec["produces"]:
            if ctype == "application/json" and spec["response"] is not None:
                ok_content[ctype] = {"schema": _schema(spec["response"], components, "serialization")}
            else:
                ok_content[ctype] = {"schema": {"type": "object"} if ctype == "application/json" else {"type": "string"}}
        responses[str(spec["status"])] = {"description": "success", "content": ok_content}
        op = {"operationId": rule.endpoint.replace(".", "_"), "summary": spec["summary"], "tags": [spec["tag"]],
              "parameters": params, "responses": responses}
        if spec["doc"] and spec["doc"] != spec["summary"]:
            op["description"] = spec["doc"]
        keyed = [{"ApiKey": []}, {"Bearer": []}]
        op["security"] = [{}, *keyed] if spec["read"] and settings.open_reads else keyed
        op["x-role"] = spec["role"]
        if spec["body"] is not None:
            op["requestBody"] = {"required": False, "content": {
                "application/json": {"schema": _schema(spec["body"], components, "validation")}}}
        elif spec["raw_body"]:
            op["requestBody"] = {"required": True, "content": {c: {"schema": {"type": "string"}} for c in spec["raw_body"]}}
        paths.setdefault(path, {})[spec["method"]] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "tagkg API", "version": "1",
                 "description": "Tag knowledge graph for short videos: tags, reasoning queries, curation, Cypher."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "Bearer": {"type": "http", "scheme": "bearer"}}},
    }
