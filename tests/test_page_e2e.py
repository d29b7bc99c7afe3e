"""The curator page in headless Chromium (Playwright): search, open a tag, approve a candidate, see it in Neo4j."""
import json
import shutil
import socket
import threading

import pytest
from playwright import sync_api
from waitress.server import create_server

from api import create_app
from loaders.load import load_file

# Debian's chromium (apt-get install chromium); Playwright drives it, no browser download.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY = "curator-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(settings, graph):
    """The app under waitress on a free loopback port, in a thread."""
    app = create_app(settings.with_(api_keys=(("cora", "curator", KEY),)))
    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(5)


@pytest.fixture
def browser_page(tmp_path):
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                       headless=True, args=CHROMIUM_ARGS)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def test_search_open_tag_approve_candidate(served, browser_page, graph, ns, write_file):
    rows = [{"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
            {"id": f"{ns}white", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"},
            {"id": f"{ns}wd", "name": f"{ns}白色连衣裙", "kind": "phrase", "status": "candidate",
             "components": [f"{ns}white", f"{ns}dress"]}]
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)), progress=False).ok
    page = browser_page
    page.goto(served + "/curator/")
    page.fill("#api-key", KEY)
    page.click("#key-form button")
    page.wait_for_function("document.getElementById('who').textContent.includes('cora')")

    # search, open the tag, see its neighbourhood graph drawn by cytoscape
    page.fill("#search", f"{ns}白色")
    page.press("#search", "Enter")
    page.click(f"#results a[data-id='{ns}wd']")
    page.wait_for_selector("#tag-name")
    assert page.inner_text("#tag-name") == f"{ns}白色连衣裙"
    page.wait_for_function("window.tagkgGraph && window.tagkgGraph.nodes().length === 3")
    assert page.evaluate("window.tagkgGraph.edges().map(e => e.data('relation')).sort()") == ["component", "component"]

    # the review queue, filtered to our candidates: approve from the row
    page.goto(served + f"/curator/#/queue?q={ns}")
    row = page.locator(f"#queue tr[data-id='{ns}wd']")
    row.locator("button.approve").click()
    page.wait_for_selector(f"#queue tr[data-id='{ns}wd']", state="detached")
    assert "approve done" in page.inner_text("#toast")
    assert graph.query("MATCH (t:Tag {id: $id}) RETURN t.status AS s", id=f"{ns}wd") == [{"s": "approved"}]
    assert graph.query("MATCH (c:Change {tag_id: $id}) RETURN c.who AS who, c.action AS a", id=f"{ns}wd") == [
        {"who": "cora", "a": "approve"}]

    # the taxonomy tree renders with counts
    page.goto(served + "/curator/#/taxonomy")
    page.wait_for_selector(".tree summary")
    assert "物品" in page.inner_text(".tree")


def test_video_view_sets_and_removes_tags(served, browser_page, graph, ns, write_file):
    rows = [{"id": f"{ns}dress", "name": f"{ns}连衣裙", "kind": "atomic", "category": "object.clothing.dress"},
            {"id": f"{ns}white", "name": f"{ns}白色", "kind": "atomic", "category": "object.attribute.color"}]
    assert load_file(graph, "tags", write_file("t.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)), progress=False).ok
    assert load_file(graph, "videos", write_file("v.csv", f"id,title\n{ns}v1,白色连衣裙穿搭\n"), progress=False).ok
    assert load_file(graph, "labels", write_file("l.jsonl", json.dumps({"video_id": f"{ns}v1", "tag_id": f"{ns}white"})),
                     progress=False).ok
    page = browser_page
    page.goto(served + "/curator/")
    page.fill("#api-key", KEY)
    page.click("#key-form button")
    page.wait_for_function("document.getElementById('who').textContent.includes('cora')")
    page.goto(served + f"/curator/#/video/{ns}v1")
    page.wait_for_selector(f"#video-tags tr[data-id='{ns}white']")

    def edges():
        return graph.query("MATCH (:Video {id: $v})-[h:HAS_TAG]->(t:Tag) RETURN t.id AS tag, h.role AS role, "
                           "h.source AS source ORDER BY tag", v=f"{ns}v1")

    # set a tag by id with a role: a curator label, shown in the table
    page.fill("#add-tag-id", f"{ns}dress")
    page.select_option("#add-tag-role", "related")
    page.click("#add-tag button")
    page.wait_for_selector(f"#video-tags tr[data-id='{ns}dress'][data-source='curator']")
    assert page.inner_text(f"#video-tags tr[data-id='{ns}dress'] td.role") == "related"
    # change its role with the row's button, then take the loaded label off
    page.click(f"#video-tags tr[data-id='{ns}dress'] button.set-core")
    page.wait_for_function(f"document.querySelector(\"#video-tags tr[data-id='{ns}dress'] td.role\")?.textContent === 'core'")
    page.click(f"#video-tags tr[data-id='{ns}white'] button.remove")
    page.wait_for_selector(f"#video-tags tr[data-id='{ns}white']", state="detached")
    assert "removed" in page.inner_text("#toast")
    assert edges() == [{"tag": f"{ns}dress", "role": "core", "source": "curator"}]
    assert graph.query("MATCH (v:Video {id: $v}) RETURN v.removed_tags AS r", v=f"{ns}v1") == [{"r": [f"{ns}white"]}]
    # a refused change says why: an unknown tag
    page.fill("#add-tag-id", f"{ns}nope")
    page.click("#add-tag button")
    page.wait_for_function("document.getElementById('toast').textContent.includes('set refused')")
    assert [c["a"] for c in graph.query("MATCH (c:Change) WHERE c.tag_id STARTS WITH $ns RETURN c.action AS a "
                                        "ORDER BY c.at", ns=ns)] == ["set-video-tag", "set-video-tag", "remove-video-tag"]
