"""Stream rows from JSONL or CSV with their line numbers; undecodable rows come back as errors."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass
class RawRow:
    """One input row: its 1-based line number and either the parsed dict or why it is unreadable."""

    line: int
    data: dict | None
    raw: str
    error: tuple[str, str] | None = None  # (field, reason)


UTF8_BOM = b"\xef\xbb\xbf"


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise ValueError(f"{path}: unknown file type {suffix!r}; use .jsonl or .csv")


def read_rows(path: Path, fmt: str | None = None, max_line_bytes: int = 1_000_000) -> Iterator[RawRow]:
    """Yield every row of `path` lazily: memory stays flat whatever the file size."""
    fmt = fmt or detect_format(path)
    return _jsonl(path, max_line_bytes) if fmt == "jsonl" else _csv(path, max_line_bytes)


def _jsonl(path: Path, max_line_bytes: int) -> Iterator[RawRow]:
    with open(path, "rb") as f:
        for n, line in enumerate(f, start=1):
            if n == 1:
                line = line.removeprefix(UTF8_BOM)  # editors on Windows start files with it; JSON does not allow it
            if not line.strip():
                continue
            if len(line) > max_line_bytes:
                yield RawRow(n, None, _preview(line), ("<row>", f"line is {len(line)} bytes, over the {max_line_bytes}-byte limit"))
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as e:
                yield RawRow(n, None, _preview(line), ("<row>", f"broken UTF-8 at byte {e.start}"))
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                yield RawRow(n, None, _preview(line), ("<row>", f"invalid JSON: {e.msg} at column {e.colno}"))
                continue
            except RecursionError:
                yield RawRow(n, None, _preview(line), ("<row>", "invalid JSON: nested too deeply"))
                continue
            if not isinstance(data, dict):
                yield RawRow(n, None, _preview(line), ("<row>", f"expected a JSON object, got {type(data).__name__}"))
                continue
            yield RawRow(n, data, "")


def _csv(path: Path, max_line_bytes: int) -> Iterator[RawRow]:
    # surrogateescape keeps undecodable bytes visible so one bad row doesn't stop the file.
    with open(path, "r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip().lstrip(UTF8_BOM.decode()) for h in header]
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield RawRow(start, None, "", ("<row>", f"malformed CSV: {e}"))
                continue
            if not any(c.strip() for c in cells):
                continue
            raw = ",".join(cells)
            if len(raw.encode("utf-8", "surrogateescape")) > max_line_bytes:
                yield RawRow(start, None, _preview(raw), ("<row>", f"row is over the {max_line_bytes}-byte limit"))
                continue
            if len(cells) != len(header):
                yield RawRow(start, None, _preview(raw), ("<row>", f"expected {len(header)} columns, got {len(cells)}"))
                continue
            bad = next((h for h, c in zip(header, cells) if _has_surrogates(c)), None)
            if bad is not None:
                yield RawRow(start, None, _preview(raw), (bad, "broken UTF-8"))
                continue
            # Empty cells mean 'not given', so optional fields take their defaults.
            yield RawRow(start, {h: c for h, c in zip(header, cells) if c != ""}, "")


def _has_surrogates(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


def _preview(raw: bytes | str, limit: int = 300) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw.encode("utf-8", "replace").decode()
    return text[:limit].rstrip("\n")
