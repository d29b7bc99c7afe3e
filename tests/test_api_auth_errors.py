"""Auth (keys, roles, open reads), the single error shape, validation, size limits, request ids, logs."""
import json
import logging

import pytest

from api import create_app
from api.auth import KeyRing

KEYS = (("rita", "reader", "reader-key-0123456789"), ("tom", "tagger", "tagger-key-0123456789"),
        ("cora", "curator", "curator-key-0123456789"), ("ada", "admin", "admin-key-0123456789"))


def keyed(settings, **changes):
    return create_app(settings.with_(api_keys=KEYS, **changes), {"TESTING": True}).test_client()


@pytest.fixture
def api(settings, graph):
    return keyed(settings)


def hdr(role):
    return {"X-API-Key": {k[1]: k[2] for k in KEYS}[role]}


def assert_error(r, status, code):
    assert r.status_code == status, r.get_data(as_text=True)
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_writes_need_a_key_of_the_right_role(api, graph, ns):
    graph.execute("CREATE (:Tag {id: $id, name: $id, kind: 'atomic', status: 'candidate', aliases: []})", id=f"{ns}c")
    r = api.post(f"/v1/tags/{ns}c/approve", json={})
    assert_error(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(api.post(f"/v1/tags/{ns}c/approve", json={}, headers={"X-API-Key": "wrong-key-0123456789"}), 401, "unauthorized")
    err = assert_error(api.post(f"/v1/tags/{ns}c/approve", json={}, headers=hdr("reader")), 403, "forbidden")
    assert err["details"] == {"role": "reader", "needed": "curator"}
    assert_error(api.post(f"/v1/tags/{ns}c/approve", json={}, headers=hdr("tagger")), 403, "forbidden")
    # a higher role may do what a lower one may; Bearer works like X-API-Key
    ok = api.post(f"/v1/tags/{ns}c/approve", json={}, headers={"Authorization": "Bearer " + hdr("admin")["X-API-Key"]})
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    assert_error(api.put(f"/v1/videos/{ns}v", json={"title": "x"}, headers=hdr("reader")), 403, "forbidden")
    assert api.put(f"/v1/videos/{ns}v", json={"title": "x"}, headers=hdr("tagger")).status_code == 200


def test_open_reads_and_closed_reads(settings, graph):
    open_api = keyed(settings)
    assert open_api.get("/v1/taxonomy").status_code == 200
    assert open_api.get("/v1/whoami").get_json() == {"name": "anonymous", "role": "anonymous", "open_reads": True}
    assert_error(open_api.post("/v1/cypher", json={"query": "RETURN 1"}), 401, "unauthorized")  # never open
    closed = keyed(settings, open_reads=False)
    assert_error(closed.get("/v1/taxonomy"), 401, "unauthorized")
    assert closed.get("/v1/taxonomy", headers=hdr("reader")).status_code == 200
    assert closed.get("/v1/whoami", headers=hdr("curator")).get_json()["name"] == "cora"
    # a wrong key is refused even where no key is needed
    assert_error(open_api.get("/v1/taxonomy", headers={"X-API-Key": "nope-nope-nope-nope"}), 401, "unauthorized")


def test_keys_are_never_logged_and_not_in_settings_repr(settings, graph, ns, caplog):
    from api.ops import JsonLines

    api = keyed(settings)
    with caplog.at_level(logging.INFO, logger="tagkg.api"):
        api.get("/v1/whoami", headers=hdr("curator"))
        api.get("/v1/whoami", headers={"X-API-Key": "some-unknown-key-123456"})
    logged = caplog.text + "".join(JsonLines().format(r) for r in caplog.records)
    assert "curator-key-0123456789" not in logged and "some-unknown-key-123456" not in logged
    assert "curator-key" not in repr(settings.with_(api_keys=KEYS))


def test_keyring_matches_only_exact_keys():
    ring = KeyRing(KEYS)
    assert ring.lookup("curator-key-0123456789").name == "cora"
    assert ring.lookup("curator-key-012345678") is None and ring.lookup("") is None


def test_api_keys_from_env_and_file(tmp_path):
    from tagkg.config import Settings

    f = tmp_path / "keys"
    f.write_text("# curators\ncora:curator:curator-key-0123456789\n")
    s = Settings.from_env({"TAGKG_API_KEYS": "rita:reader:reader-key-0123456789", "TAGKG_API_KEYS_FILE": str(f),
                           "TAGKG_OPEN_READS": "false"}, dotenv=tmp_path / "none")
    assert [k[:2] for k in s.api_keys] == [("rita", "reader"), ("cora", "curator")] and not s.open_reads
    with pytest.raises(ValueError, match="bad API key entry 'x'"):
        Settings.from_env({"TAGKG_API_KEYS": "x:superuser:0123456789abcdef0"}, dotenv=tmp_path / "none")


def test_every_failure_has_the_error_shape(api, ns):
    assert_error(api.get("/v1/no/such/route"), 404, "not_found")
    assert_error(api.get(f"/v1/tags/{ns}missing"), 404, "not_found")
    assert_error(api.delete("/v1/taxonomy"), 405, "method_not_allowed")
    err = assert_error(api.get("/v1/tags?q=x&limit=0"), 422, "invalid")
    assert err["details"]["errors"][0]["loc"] == ["limit"]
    assert_error(api.get("/v1/tags?q=x&bogus=1"), 422, "invalid")  # unknown parameters are errors
    assert_error(api.get("/v1/tags/" + "x" * 200), 422, "invalid")  # path ids are validated too
    assert_error(api.post("/v1/cypher", data="{not json", headers={**hdr("reader"), "Content-Type": "application/json"}),
                 400, "bad_request")
    assert_error(api.post("/v1/cypher", json=["a list"], headers=hdr("reader")), 422, "invalid")
    big = json.dumps({"query": "RETURN 1", "params": {"x": "y" * 2_000_000}})
    assert_error(api.post("/v1/cypher", data=big, headers={**hdr("reader"), "Content-Type": "application/json"}),
                 413, "too_large")
    assert_error(api.post(f"/v1/tags/{ns}missing/approve", json={}, headers=hdr("curator")), 404, "not_found")
    assert_error(api.post(f"/v1/tags/{ns}x/merge", json={"into": f"{ns}x"}, headers=hdr("curator")), 422, "invalid")


def test_request_ids_are_echoed_or_made(api):
    r = api.get("/v1/whoami", headers={"X-Request-Id": "abc-123"})
    assert r.headers["X-Request-Id"] == "abc-123"
    made = api.get("/v1/whoami", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert len(made) == 32 and " " not in made


def test_structured_access_log(api, caplog):
    from api.ops import JsonLines

    with caplog.at_level(logging.INFO, logger="tagkg.api"):
        api.get("/v1/whoami", headers={"X-Request-Id": "log-test-1", **hdr("reader")})
    lines = [json.loads(JsonLines().format(r)) for r in caplog.records]
    rec = next(r for r in lines if r.get("request_id") == "log-test-1")
    assert rec["msg"] == "request" and rec["status"] == 200 and rec["endpoint"] == "ops.whoami"
    assert rec["principal"] == "rita" and rec["method"] == "GET" and isinstance(rec["ms"], float)
