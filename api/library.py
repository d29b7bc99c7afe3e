"""Bulk export and import of the tag library: JSON Lines, JSON, CSV (import: JSON Lines, CSV), SKOS Turtle."""
from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request, stream_with_context

from api.db import get_graph
from api.schemas import ExportQuery, ImportQuery, LoadOut, TagRows
from api.spec import endpoint
from graph.cypher import reads as Q
from loaders.load import load_file

bp = Blueprint("library", __name__, url_prefix="/v1")

PAGE = 2000
FIELDS = ("id", "name", "kind", "status", "aliases", "category", "components", "source")
MEDIA = {"jsonl": "application/x-ndjson", "json": "application/json", "csv": "text/csv", "ttl": "text/turtle"}
MAX_REJECTS_SHOWN = 100


def _rows(graph, status):
    """Every tag, atomic before phrase so a re-import finds each phrase's components; keyset pages."""
    for kind in ("atomic", "phrase"):
        after = ""
        while rows := graph.query(Q.EXPORT_TAGS_PAGE, kind=kind, after=after, status=status, limit=PAGE):
            yield from rows
            after = rows[-1]["id"]


def _loadable(row: dict) -> dict:
    """A row in the loader's `tags` format (fields it would reject as unknown or empty are left out)."""
    return {k: row[k] for k in FIELDS if row.get(k) not in (None, "")}


def _jsonl(rows):
    for r in rows:
        yield json.dumps(_loadable(r), ensure_ascii=False) + "\n"


def _json(rows):
    yield "["
    for i, r in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps(_loadable(r), ensure_ascii=False)
    yield "\n]\n"


def _csv(rows):
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(FIELDS)
    for r in rows:
        r = _loadable(r)
        # The loader reads '|'-separated lists from CSV cells.
        out.writerow(["|".join(r[k]) if isinstance(r.get(k), list) else r.get(k, "") for k in FIELDS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _iri(kind: str, ident: str) -> str:
    return f"<urn:tagkg:{kind}:{quote(ident, safe='')}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"@zh'


def _turtle(graph, rows):
    yield ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
           "@prefix tagkg: <urn:tagkg:vocab:> .\n\n"
           "<urn:tagkg:library> a skos:ConceptScheme .\n\n")
    for c in graph.query(Q.TAXONOMY):
        parent = f" ;\n  skos:broader {_iri('category', c['parent'])}" if c["parent"] else \
            " ;\n  skos:topConceptOf <urn:tagkg:library>"
        yield (f"{_iri('category', c['id'])} a skos:Concept ;\n  skos:inScheme <urn:tagkg:library> ;\n"
               f"  skos:prefLabel {_lit(c['zh'] or c['id'])}{parent} .\n\n")
    for r in rows:
        lines = [f"{_iri('tag', r['id'])} a skos:Concept", "skos:inScheme <urn:tagkg:library>",
                 f"skos:prefLabel {_lit(r['name'])}", f'tagkg:kind "{r["kind"]}"', f'tagkg:status "{r["status"]}"']
        lines += [f"skos:altLabel {_lit(a)}" for a in r["aliases"]]
        if r["category"]:
            lines.append(f"skos:broader {_iri('category', r['category'])}")
        lines += [f"skos:broader {_iri('tag', b)}" for b in r["broader"]]
        lines += [f"tagkg:component {_iri('tag', c)}" for c in r["components"]]
        yield " ;\n  ".join(lines) + " .\n\n"


@endpoint(bp, "/library/export", summary="Export the tag library (jsonl, json, csv or SKOS Turtle)",
          query=ExportQuery, response=TagRows, produces=tuple(MEDIA.values()))
def export(query: ExportQuery):
    """Streamed in keyset pages; jsonl and csv are in the format `tagkg load tags` and the import read."""
    graph = get_graph()
    rows = _rows(graph, query.status)
    body = _turtle(graph, rows) if query.format == "ttl" else {"jsonl": _jsonl, "json": _json, "csv": _csv}[query.format](rows)
    return Response(stream_with_context(body), mimetype=MEDIA[query.format],
                    headers={"Content-Disposition": f'attachment; filename="tags.{query.format}"'})


@endpoint(bp, "/library/import", "POST", summary="Import tags (jsonl or csv) through the validating loader",
          role="curator", query=ImportQuery, raw_body=("application/x-ndjson", "text/csv"), response=LoadOut)
def import_(query: ImportQuery):
    """Rows are validated one by one; good rows are stored, rejected rows come back with line, field and reason."""
    settings = current_app.config["SETTINGS"]
    request.max_content_length = settings.api_max_import_bytes
    with tempfile.TemporaryDirectory(prefix="tagkg-import-") as tmp:
        path = Path(tmp) / f"tags.{query.format}"
        with path.open("wb") as f:
            while chunk := request.stream.read(1 << 16):
                f.write(chunk)
        rejects = Path(tmp) / "rejects.jsonl"
        report = load_file(get_graph(), "tags", path, fmt=query.format, batch_size=settings.batch_size,
                           rejects_path=rejects, progress=False, max_line_bytes=settings.max_line_bytes)
        shown = []
        if rejects.exists():
            with rejects.open(encoding="utf-8") as f:
                shown = [json.loads(line) for _, line in zip(range(MAX_REJECTS_SHOWN), f)]
    return {"ok": report.ok, "rows": report.rows, "stored": report.stored, "rejected": report.rejected,
            "rejects": shown}
