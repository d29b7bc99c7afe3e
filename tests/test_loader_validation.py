"""Row models and the streaming reader, without services."""
import json

import pytest
from pydantic import ValidationError

from loaders.models import ClickRow, ProductRow, TagRow, VideoRow
from loaders.reader import read_rows


def test_video_row_rejects_wrong_types_and_oversized_fields():
    with pytest.raises(ValidationError, match="valid string"):
        VideoRow(id=12, title="x")
    with pytest.raises(ValidationError, match="at most 500"):
        VideoRow(id="v1", title="长" * 501)
    with pytest.raises(ValidationError, match="Extra inputs"):
        VideoRow(id="v1", title="x", titel="typo")
    with pytest.raises(ValidationError):
        VideoRow(id="has space", title="x")


def test_csv_lists_and_naive_dates():
    v = VideoRow(id="v1", title="t", visual="0.5|0.25", created_at="2026-01-02T03:04:05")
    assert v.visual == [0.5, 0.25]
    assert v.props()["created_at"] == "2026-01-02T03:04:05+00:00"
    assert ProductRow(id="p1", title="裙子", video_ids="v1| v2 |").video_ids == ["v1", "v2"]


def test_click_and_tag_rules():
    with pytest.raises(ValidationError, match="needs the field 'query'"):
        ClickRow(kind="query", video_id="v1", day="2026-01-01")
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        ClickRow(kind="tag", tag_id="t1", video_id="v1", day="2026-01-01", count=0)
    with pytest.raises(ValidationError, match="atomic tag cannot have components"):
        TagRow(id="t1", name="白色", kind="atomic", components=["a", "b"])
    assert TagRow(id="t2", name="白色连衣裙", kind="phrase", components="t1|t3").components == ["t1", "t3"]


def test_jsonl_reader_reports_each_broken_line(write_file):
    good = json.dumps({"id": "v1", "title": "好"}, ensure_ascii=False).encode()
    path = write_file("v.jsonl", good + b"\n{not json\n" + b'{"id": "v2", "title": "\xff\xfe"}\n' + b"[1,2]\n\n" + good + b"\n")
    rows = list(read_rows(path, max_line_bytes=10_000))
    assert [r.line for r in rows] == [1, 2, 3, 4, 6]
    assert rows[0].data == {"id": "v1", "title": "好"}
    assert "invalid JSON" in rows[1].error[1]
    assert "broken UTF-8" in rows[2].error[1]
    assert "expected a JSON object" in rows[3].error[1]
    big = write_file("big.jsonl", b'{"id": "v1", "title": "' + b"a" * 200 + b'"}\n')
    assert "over the 100-byte limit" in next(read_rows(big, max_line_bytes=100)).error[1]


def test_csv_reader_line_numbers_columns_and_bad_bytes(write_file):
    path = write_file("v.csv", b'id,title,summary\nv1,"multi\nline",s\nv2,only-two\nv3,\xff,x\nv4,t,\n')
    rows = list(read_rows(path))
    assert rows[0].line == 2 and rows[0].data == {"id": "v1", "title": "multi\nline", "summary": "s"}
    assert rows[1].line == 4 and "expected 3 columns" in rows[1].error[1]
    assert rows[2].error == ("title", "broken UTF-8")
    assert rows[3].data == {"id": "v4", "title": "t"}  # empty cell = not given


def test_unknown_suffix_is_a_clear_error(write_file):
    with pytest.raises(ValueError, match="use .jsonl or .csv"):
        read_rows(write_file("x.txt", "id\n"))
