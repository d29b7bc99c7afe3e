// The curator page: a hash-routed single page over the JSON API (/v1); no build step.
"use strict";

const RELATION_COLORS = {
  cooccurrence: "#1f77b4", similar: "#9467bd", shared_component: "#ff7f0e", component: "#2ca02c",
  used_in: "#17becf", broader: "#d62728", narrower: "#8c564b",
};
const main = document.getElementById("main");

// --- helpers ----------------------------------------------------------------------------------------

// Builds DOM nodes; text always goes in as text nodes, so tag names can never inject markup.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function apiKey() { return localStorage.getItem("tagkg.key") || ""; }

async function api(path, options = {}) {
  const headers = { "Accept": "application/json", ...(options.headers || {}) };
  if (apiKey()) headers["X-API-Key"] = apiKey();
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error((data.error && data.error.message) || res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

function toast(text, isError) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = "show" + (isError ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ""; }, 4000);
}

function tagLink(tag) {
  return el("a", { href: "#/tag/" + encodeURIComponent(tag.id), class: "tag-link", dataset: { id: tag.id } }, tag.name || tag.id);
}

function statusPill(status) { return el("span", { class: "pill status-" + status }, status); }

function show(...nodes) { main.replaceChildren(...nodes); }

function params(query) { return new URLSearchParams(query || ""); }

// --- views ---------------------------------------------------------------------------------------

async function home() {
  const stats = await api("/v1/stats");
  show(el("h1", {}, "Tag library"),
    el("div", { class: "card" }, Object.entries(stats).map(([k, v]) => el("span", { class: "pill" }, `${k}: ${v}`))),
    el("p", {}, "Search a tag above, walk the ", el("a", { href: "#/taxonomy" }, "taxonomy"),
      ", or work the ", el("a", { href: "#/queue" }, "review queue"), "."));
}

async function searchView(q) {
  document.getElementById("search").value = q;
  const page = await api("/v1/tags?" + params({ q, limit: 50 }));
  show(el("h1", {}, `Tags matching “${q}”`),
    page.items.length ? el("ul", { id: "results" }, page.items.map(t =>
      el("li", { class: "result" }, tagLink(t), " ", el("span", { class: "muted" }, t.kind), " ", statusPill(t.status),
        t.aliases && t.aliases.length ? el("span", { class: "muted" }, " aka " + t.aliases.join(", ")) : null)))
      : el("p", { class: "muted" }, "no tag matches"));
}

async function tagView(id) {
  const [tag, related, videos, history] = await Promise.all([
    api(`/v1/tags/${encodeURIComponent(id)}`),
    api(`/v1/tags/${encodeURIComponent(id)}/related?limit=8`),
    api(`/v1/tags/${encodeURIComponent(id)}/videos?limit=10`),
    api(`/v1/tags/${encodeURIComponent(id)}/history?limit=20`),
  ]);
  const dims = Object.entries(tag.dimensions || {});
  show(
    el("h1", {}, el("span", { id: "tag-name" }, tag.name), " ", statusPill(tag.status), " ",
      el("span", { class: "muted" }, `${tag.kind} · ${tag.id}`)),
    el("div", { class: "grid" },
      el("div", { class: "card" },
        el("div", {}, "Taxonomy: ", tag.taxonomy.length
          ? tag.taxonomy.map((c, i) => [i ? " › " : "", el("a", { href: "#/category/" + encodeURIComponent(c.id) }, c.zh || c.id)])
          : el("span", { class: "muted" }, "none")),
        el("div", {}, "Components: ", tag.components.length ? tag.components.map(c => [tagLink(c), " "]) : el("span", { class: "muted" }, "none")),
        tag.head ? el("div", {}, "Head: ", tagLink(tag.head)) : null,
        el("div", {}, "Aliases: ", tag.aliases.length ? tag.aliases.join(", ") : el("span", { class: "muted" }, "none")),
        dims.length ? el("div", {}, "Dimensions: ", dims.map(([k, v]) => el("span", { class: "pill" }, `${k}: ${v}`))) : null,
        tag.merged_into ? el("div", {}, "Merged into ", tagLink(tag.merged_into)) : null,
        el("div", { class: "muted" }, `${tag.tagged_videos} tagged videos · ${tag.clicked_videos} clicked videos`)),
      el("div", { class: "card" }, el("h2", {}, "Curate"), curateForm(tag))),
    el("h2", {}, "Neighbourhood"),
    el("div", { class: "legend" }, Object.entries(RELATION_COLORS).map(([r, c]) => el("span", {}, el("i", { style: "background:" + c }), r))),
    el("div", { id: "graph" }),
    el("div", { class: "grid" },
      el("div", {}, el("h2", {}, "Top videos"), videos.items.length ? el("table", {}, el("tr", {}, el("th", {}, "video"), el("th", {}, "role"), el("th", {}, "score"), el("th", {}, "clicks")),
        videos.items.map(v => el("tr", {}, el("td", {}, el("a", { href: "#/video/" + encodeURIComponent(v.video.id) }, v.video.title || v.video.id)),
          el("td", {}, v.role || ""), el("td", {}, v.score === null ? "" : v.score.toFixed(3)), el("td", {}, v.clicks))))
        : el("p", { class: "muted" }, "no videos yet")),
      el("div", {}, el("h2", {}, "History"), history.items.length ? el("ul", { id: "history" }, history.items.map(h =>
        el("li", {}, `${h.at.slice(0, 19)} ${h.who} ${h.action}${h.undone ? " (undone)" : ""}${h.reason ? " — " + h.reason : ""}`)))
        : el("p", { class: "muted" }, "no changes"))));
  drawGraph(tag, related);
}

function curateForm(tag) {
  const reason = el("input", { placeholder: "reason", id: "reason" });
  const into = el("input", { placeholder: "merge into tag id", id: "merge-into" });
  const act = (action, body) => async () => {
    try {
      await api(`/v1/tags/${encodeURIComponent(tag.id)}/${action}`, { method: "POST", body });
      toast(`${action}: done`);
      route();
    } catch (e) { toast(`${action} refused: ${e.message}`, true); }
  };
  return el("div", {},
    el("div", { class: "filters" }, reason,
      el("button", { class: "approve", onclick: () => act("approve", { reason: reason.value || null })() }, "Approve"),
      el("button", { class: "reject", onclick: () => act("reject", { reason: reason.value })() }, "Reject")),
    el("div", { class: "filters" }, into,
      el("button", { onclick: () => act("merge", { into: into.value.trim(), reason: reason.value || null })() }, "Merge"),
      tag.status === "merged" ? el("button", { onclick: () => act("unmerge", {})() }, "Unmerge") : null));
}

function drawGraph(tag, related) {
  const nodes = new Map([[tag.id, { data: { id: tag.id, label: tag.name, center: 1 } }]]);
  const edges = [];
  for (const [relation, page] of Object.entries(related.relations)) {
    for (const item of page.items) {
      if (!nodes.has(item.tag.id)) nodes.set(item.tag.id, { data: { id: item.tag.id, label: item.tag.name || item.tag.id } });
      edges.push({ data: { id: `${relation}:${item.tag.id}`, source: tag.id, target: item.tag.id, relation,
        color: RELATION_COLORS[relation] || "#999" } });
    }
  }
  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements: [...nodes.values(), ...edges],
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#8aa4c8", width: 14, height: 14 } },
      { selector: "node[center]", style: { "background-color": "#d62728", width: 24, height: 24, "font-weight": "bold" } },
      { selector: "edge", style: { "line-color": "data(color)", width: 2, "curve-style": "bezier" } },
    ],
    layout: { name: nodes.size > 2 ? "concentric" : "grid", concentric: n => (n.data("center") ? 2 : 1), levelWidth: () => 1, animate: false },
  });
  cy.on("tap", "node", evt => { if (evt.target.id() !== tag.id) location.hash = "#/tag/" + encodeURIComponent(evt.target.id()); });
  window.tagkgGraph = cy;
}

async function queueView(query) {
  const q = params(query);
  const filters = { status: q.get("status") || "candidate", kind: q.get("kind") || "", q: q.get("q") || "",
    sort: q.get("sort") || "score", offset: q.get("offset") || "0" };
  const request = params({ status: filters.status, sort: filters.sort, offset: filters.offset, limit: 25 });
  if (filters.kind) request.set("kind", filters.kind);
  if (filters.q) request.set("q", filters.q);
  const page = await api("/v1/candidates?" + request);
  const select = (name, options) => el("select", { name }, options.map(o => el("option", { value: o, selected: o === filters[name] }, o || "any")));
  const form = el("form", { class: "filters", id: "queue-filters" },
    select("status", ["candidate", "approved", "rejected", "merged"]), select("kind", ["", "atomic", "phrase"]),
    el("input", { name: "q", placeholder: "name contains", value: filters.q }),
    select("sort", ["score", "recent", "name"]), el("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", e => {
    e.preventDefault();
    const data = params(new FormData(form));
    for (const [k, v] of [...data]) if (!v) data.delete(k);
    location.hash = "#/queue?" + data;
  });
  const rowActions = t => {
    const reason = el("input", { placeholder: "reason / merge target", class: "row-input" });
    const act = (action, body) => async () => {
      try {
        await api(`/v1/tags/${encodeURIComponent(t.id)}/${action}`, { method: "POST", body: body() });
        toast(`${t.name}: ${action} done`);
        route();
      } catch (e) { toast(`${action} refused: ${e.message}`, true); }
    };
    return el("td", {}, reason, " ",
      el("button", { class: "approve", onclick: act("approve", () => ({ reason: reason.value || null })) }, "Approve"), " ",
      el("button", { class: "reject", onclick: act("reject", () => ({ reason: reason.value })) }, "Reject"), " ",
      el("button", { class: "merge", onclick: act("merge", () => ({ into: reason.value.trim() })) }, "Merge into"));
  };
  const next = page.next_offset === null ? null : params({ ...Object.fromEntries(q), offset: page.next_offset });
  const prevOffset = Math.max(0, Number(filters.offset) - 25);
  show(el("h1", {}, "Review queue"), form,
    el("table", { id: "queue" }, el("tr", {}, el("th", {}, "tag"), el("th", {}, "kind"), el("th", {}, "score"), el("th", {}, "pipelines"), el("th", {}, "action")),
      page.items.map(t => el("tr", { dataset: { id: t.id } }, el("td", {}, tagLink(t), " ", statusPill(t.status)), el("td", {}, t.kind),
        el("td", {}, t.score === null || t.score === undefined ? "" : Number(t.score).toFixed(3)),
        el("td", {}, (t.pipelines || []).join(", ")), rowActions(t)))),
    page.items.length ? null : el("p", { class: "muted" }, "nothing to review"),
    el("p", {}, Number(filters.offset) > 0 ? el("a", { href: "#/queue?" + params({ ...Object.fromEntries(q), offset: prevOffset }) }, "‹ previous") : null,
      " ", next ? el("a", { href: "#/queue?" + next, id: "next-page" }, "next ›") : null));
}

async function taxonomyView() {
  const tree = await api("/v1/taxonomy");
  const branch = n => el("li", {}, n.children.length
    ? el("details", { open: n.level === 1 }, el("summary", {}, classLabel(n)), el("ul", {}, n.children.map(branch)))
    : classLabel(n));
  show(el("h1", {}, "Taxonomy"), el("p", { class: "muted" }, "Counts are tags in the class / in its subtree; red marks thin branches."),
    el("div", { class: "tree card" }, el("ul", {}, tree.children.map(branch))));
}

function classLabel(n) {
  return el("span", {}, el("a", { href: "#/category/" + encodeURIComponent(n.id) }, `${n.zh} (${n.en})`), " ",
    el("span", { class: n.total < 5 ? "thin" : "muted" }, `${n.tags} / ${n.total}`));
}

async function categoryView(id, query) {
  const offset = Number(params(query).get("offset") || 0);
  const c = await api(`/v1/taxonomy/${encodeURIComponent(id)}/tags?` + params({ limit: 50, offset }));
  show(el("h1", {}, `${c.zh} `, el("span", { class: "muted" }, c.id)),
    c.parent ? el("p", {}, "Parent: ", el("a", { href: "#/category/" + encodeURIComponent(c.parent) }, c.parent)) : null,
    c.children.length ? el("p", {}, "Subclasses: ", c.children.map(k => [el("a", { href: "#/category/" + encodeURIComponent(k) }, k), " "])) : null,
    el("ul", {}, c.items.map(t => el("li", {}, tagLink(t), " ", statusPill(t.status), el("span", { class: "muted" }, " " + t.category)))),
    el("p", {}, offset > 0 ? el("a", { href: `#/category/${encodeURIComponent(id)}?offset=${Math.max(0, offset - 50)}` }, "‹ previous") : null, " ",
      c.next_offset !== null ? el("a", { href: `#/category/${encodeURIComponent(id)}?offset=${c.next_offset}` }, "next ›") : null));
}

async function videoView(id) {
  const input = el("input", { id: "video-id", placeholder: "video id, e.g. v0000001", value: id || "" });
  const form = el("form", { class: "filters" }, input, el("button", { type: "submit" }, "Open"));
  form.addEventListener("submit", e => { e.preventDefault(); location.hash = "#/video/" + encodeURIComponent(input.value.trim()); });
  if (!id) return show(el("h1", {}, "Video"), form);
  const [video, tags, media] = await Promise.all([api(`/v1/videos/${encodeURIComponent(id)}`),
    api(`/v1/videos/${encodeURIComponent(id)}/tags?limit=100`), api(`/v1/videos/${encodeURIComponent(id)}/keyframes`)]);
  const evidence = el("div", { id: "evidence" });
  const why = t => async () => {
    const w = await api(`/v1/videos/${encodeURIComponent(id)}/tags/${encodeURIComponent(t.id)}/why`);
    evidence.replaceChildren(el("div", { class: "card" }, el("h2", {}, `Why “${t.name}”`), el("p", {}, w.explanation),
      el("pre", {}, JSON.stringify({ has_tag: w.has_tag, ...w.evidence }, null, 1))));
  };
  // curator labels: PUT sets a tag with a role, DELETE takes it off (the tagger will not put it back)
  const label = (tagId, method, body) => async () => {
    try {
      await api(`/v1/videos/${encodeURIComponent(id)}/tags/${encodeURIComponent(tagId)}`, { method, body });
      toast(`${tagId}: ${method === "PUT" ? "set as " + body.role : "removed"}`);
      route();
    } catch (e) { toast(`${method === "PUT" ? "set" : "remove"} refused: ${e.message}`, true); }
  };
  const addTag = el("input", { id: "add-tag-id", placeholder: "tag id" });
  const addRole = el("select", { id: "add-tag-role" }, ["core", "related"].map(r => el("option", { value: r }, r)));
  const addForm = el("form", { class: "filters", id: "add-tag" }, addTag, addRole, el("button", { type: "submit" }, "Set tag"));
  addForm.addEventListener("submit", e => { e.preventDefault(); label(addTag.value.trim(), "PUT", { role: addRole.value })(); });
  show(el("h1", {}, video.title || video.id), form,
    el("div", { class: "card" }, el("div", { class: "muted" }, video.id), video.summary ? el("p", {}, video.summary) : null,
      video.products.length ? el("div", {}, "Products: ", video.products.map(p => el("span", { class: "pill" }, p.title))) : null),
    el("h2", {}, "Tags"),
    tags.items.length ? el("table", { id: "video-tags" }, el("tr", {}, el("th", {}, "tag"), el("th", {}, "role"), el("th", {}, "source"), el("th", {}, "score"), el("th", {}, "channels"), el("th", {}, "")),
      tags.items.map(t => el("tr", { dataset: { id: t.tag.id, source: t.source || "" } }, el("td", {}, tagLink(t.tag)), el("td", { class: "role" }, t.role || ""),
        el("td", {}, t.source || ""), el("td", {}, t.score === null ? "" : Number(t.score).toFixed(3)), el("td", {}, (t.channels || []).join(", ")),
        el("td", {}, el("button", { onclick: why(t.tag) }, "why?"), " ",
          el("button", { class: "set-core", onclick: label(t.tag.id, "PUT", { role: "core" }) }, "core"), " ",
          el("button", { class: "set-related", onclick: label(t.tag.id, "PUT", { role: "related" }) }, "related"), " ",
          el("button", { class: "remove reject", onclick: label(t.tag.id, "DELETE") }, "remove")))))
      : el("p", { class: "muted" }, "no tags yet"),
    addForm, evidence, keyframesCard(media));
}

// Keyframes of an ingested video: thumbnail, time, OCR lines read on it, top ImageNet classes.
function keyframesCard(media) {
  if (!media.keyframes.length) return null;
  return el("div", {}, el("h2", {}, "Keyframes"),
    el("div", { id: "keyframes", class: "frames" }, media.keyframes.map(k => el("figure", { class: "frame" },
      k.thumb ? el("img", { src: k.thumb, alt: `frame ${k.index}` }) : null,
      el("figcaption", {}, el("div", { class: "muted" }, `#${k.index} · ${Number(k.t).toFixed(1)} s${k.cover ? " · cover" : ""}`),
        k.ocr.map(l => el("div", { class: "ocr-line" }, l.text, el("span", { class: "muted" }, ` ${Number(l.conf).toFixed(2)}`))),
        el("div", { class: "muted" }, k.classes.slice(0, 2).map(c => `${c[0]} ${Number(c[1]).toFixed(2)}`).join(" · ")))))),
    media.near_duplicates.length ? el("p", {}, "Near duplicates: ", media.near_duplicates.map(d =>
      [el("a", { href: "#/video/" + encodeURIComponent(d.id) }, d.title || d.id), el("span", { class: "muted" }, ` (${d.distance} bits) `)])) : null);
}

// --- routing ---------------------------------------------------------------------------------------

async function route() {
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "search") await searchView(parts.slice(1).join("/"));
    else if (parts[0] === "tag") await tagView(parts.slice(1).join("/"));
    else if (parts[0] === "queue") await queueView(query);
    else if (parts[0] === "taxonomy") await taxonomyView();
    else if (parts[0] === "category") await categoryView(parts.slice(1).join("/"), query);
    else if (parts[0] === "video") await videoView(parts.slice(1).join("/"));
    else await home();
  } catch (e) {
    show(el("p", { class: "error" }, `${e.status || ""} ${e.message}`));
  }
}

async function showWho() {
  try {
    const me = await api("/v1/whoami");
    document.getElementById("who").textContent = `${me.name} (${me.role})`;
  } catch (e) {
    document.getElementById("who").textContent = e.status === 401 ? "key refused" : "";
  }
}

document.getElementById("search-form").addEventListener("submit", e => {
  e.preventDefault();
  const q = document.getElementById("search").value.trim();
  if (q) location.hash = "#/search/" + encodeURIComponent(q);
});
document.getElementById("key-form").addEventListener("submit", e => {
  e.preventDefault();
  localStorage.setItem("tagkg.key", document.getElementById("api-key").value.trim());
  document.getElementById("api-key").value = "";
  showWho();
  route();
});
window.addEventListener("hashchange", route);
showWho();
route();
