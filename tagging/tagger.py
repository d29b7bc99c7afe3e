"""The Tagger: loads the library, indexes and ranking model once, then recalls and ranks many videos fast."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from gnn import embed as E
from gnn import inductive as I
from graph.cypher import schema as SQ
from tagging import channels as C
from tagging import label_channel as LC
from tagging import media_channels as MC
from tagging import rank as R
from tagging import store
from tagging.candidates import Merged, merge
from tagging.features import CONTEXT, FEATURES, INDEX, context, features, recall_score
from tagging.library import TagLibrary, build_library
from tagging.thresholds import Thresholds, assign_core, served
from tagging.vectors import TagIndex, VisualPrototypes, faiss_threads, index_file
from video.encode import encoder
from video.record import VideoRecord, VisualError, from_row
from video.vectors import short_text_vectors, text_vectors, visual_matrix

K_CROSSMODAL = 20      # nearest tags in the GNN space
K_SIMILAR = 10         # similar videos whose tags are shared
K_VISUAL = 10          # nearest visual prototypes
K_QUERY_EMBED = 3      # nearest tags per clicked query
RECALL_ONLY = "recall-only"
RECALL_THRESHOLDS = Thresholds(keep=0.3, core=0.6, max_core=2)   # before any ranker: hand-set on the demo


def rank_dir(settings) -> Path:
    return Path(settings.data_dir) / "models" / "rank"


def latest_rank_version(settings) -> str | None:
    f = rank_dir(settings) / "LATEST"
    return f.read_text().strip() if f.exists() else None


@dataclass
class RecallBatch:
    """Candidates of a batch of videos: merged provenance per video plus flat pair arrays for the ranker."""

    ids: list[str]
    merged: list[list[Merged]]        # per video, candidate order = pair order
    video: np.ndarray                 # (n_pairs,) index into ids
    tag: np.ndarray                   # (n_pairs,) library rows
    x: np.ndarray                     # (n_pairs, F) features, cosines filled
    vectors: dict[str, np.ndarray]    # 'text' (n, 512), 'gnn' (n, d), 'visual' (n, dv)
    has_visual: np.ndarray            # (n,) bool


class Tagger:
    """Everything tagging needs in memory; `recall` then `rank` a batch of video payloads."""

    def __init__(self, lib: TagLibrary, settings, retriever=None, video_tags: dict | None = None,
                 rank_version: str | None = None, progress: bool = False):
        faiss_threads(1)
        # one video is a few dozen pairs: intra-op threads cost more in hand-offs than they save (17 ms -> 5 ms)
        torch.set_num_threads(1)
        self.lib, self.settings, self.retriever = lib, settings, retriever
        self.enc = encoder(settings)
        names = lib.names
        self.tag_text = short_text_vectors(self.enc, names, progress, "encode tags")          # (n_tags, 512)
        self.tag_text_index = TagIndex(self.tag_text, cache=index_file(self.enc.dir, names))
        self.class_tags = MC.ClassTags(lambda names: short_text_vectors(self.enc, names), self.tag_text_index)
        self.name_len = np.array([len(n) for n in names], np.float32)
        # tags absent from the GNN index fall back to their text vector (a copy only when the GNN fills it in:
        # a million tags' vectors are 2 GB)
        self.tag_gnn = self.tag_text if retriever is None else self.tag_text.copy()
        self.gnn_to_row = np.zeros(0, np.int64)
        if retriever is not None:
            ids = retriever.ids["tag"]
            self.gnn_to_row = np.array([lib.row.get(t, -1) for t in ids], np.int64)
            vecs = np.load(retriever.folder / "tag-vecs.npy", mmap_mode="r")
            ok = self.gnn_to_row >= 0
            self.tag_gnn[self.gnn_to_row[ok]] = vecs[np.flatnonzero(ok)]
        self.inductive = I.Inductive.load(retriever.folder) if retriever is not None else None
        self.video_tags = {v: [(lib.row[t], w) for t, w in tags if t in lib.row] for v, tags in (video_tags or {}).items()}
        self.prior = np.zeros(len(lib), np.float32)
        self.labels = None             # the label channel's LabelModel, saved with the ranker
        self.visual: VisualPrototypes | None = None
        self.visual_dim = 0            # the ranker's visual input size; 0 = take it from the payloads
        # True for a ranker whose labelled videos had no visual vector (no prototypes): its visual input is a
        # placeholder, so ingested videos' media vectors must not reach it (they would not even fit its size)
        self.visual_off = False
        self.model, self.cfg, self.thresholds, self.version = None, None, RECALL_THRESHOLDS, RECALL_ONLY
        if rank_version:
            self.load_ranker(rank_version)
        self.lock = threading.Lock()   # the encoder cache is not thread-safe

    @classmethod
    def from_graph(cls, graph, settings, prefix: str = "", rank_version: str | None = "latest",
                   progress: bool = False) -> "Tagger":
        """Library and lendable video tags from Neo4j, GNN indexes of models/LATEST, the given ranker version."""
        lib = build_library(store.read_library(graph, prefix), progress=progress)
        try:
            retriever = E.load_retriever(settings)
        except FileNotFoundError:
            retriever = None
        version = latest_rank_version(settings) if rank_version == "latest" else rank_version
        return cls(lib, settings, retriever, store.read_video_tags(graph, prefix), version, progress)

    def load_ranker(self, version: str) -> None:
        """Rank model, thresholds, tag prior and visual prototypes of one saved version."""
        folder = rank_dir(self.settings) / version
        self.model, self.cfg, ckpt = R.load(folder, len(FEATURES))
        self.thresholds = Thresholds(**ckpt["thresholds"])
        self.prior = np.zeros(len(self.lib), np.float32)
        for t, p in ckpt["prior"].items():
            if t in self.lib.row:
                self.prior[self.lib.row[t]] = p
        self.visual_dim = ckpt["dims"]["v_visual"]
        self.labels = LC.load(folder)
        protos = VisualPrototypes.load(folder)
        if protos is not None:
            tag_ids = ckpt["prototype_tags"]
            sums = np.zeros((len(self.lib), protos.sums.shape[1]), np.float32)
            counts = np.zeros(len(self.lib), np.int64)
            rows = np.array([self.lib.row.get(t, -1) for t in tag_ids])
            ok = rows >= 0
            sums[rows[ok]], counts[rows[ok]] = protos.sums[ok], protos.counts[ok]
            protos = VisualPrototypes(sums, counts)
        self.visual = protos
        self.visual_off = protos is None
        self.version = version

    # --- recall ------------------------------------------------------------------------------------
    def recall(self, videos: list[dict], gnn_override: np.ndarray | None = None,
               extra: list[list[int]] | None = None, own: set[tuple[int, int]] | None = None,
               as_new: bool = False, label_preds: LC.Predictions | None = None) -> RecallBatch:
        """Run every channel on a batch of payloads {id, title, summary, asr, ocr, visual, products, queries}.

        gnn_override (n, d) replaces the videos' GNN vectors (training uses label-blind ones); extra adds
        candidate rows per video (random negatives); own holds (video index, tag row) pairs whose
        visual prototype must leave the video out; label_preds (per video, None = predict) replaces the label
        channel's predictions (training videos are scored out of fold); as_new treats the videos as not stored (their GNN
        vector is embedded inductively, as for ad-hoc payloads) while the id still keeps a video from being its
        own similar video."""
        lib = self.lib
        n = len(videos)
        videos = [v if isinstance(v, VideoRecord) else from_row(v) for v in videos]
        with self.lock:
            text = text_vectors(self.enc, videos)                                         # (n, 512)
            qtexts = sorted({q for v in videos for q, _ in v.queries})
            qvecs = self.enc.encode(qtexts) if qtexts else np.zeros((0, text.shape[1]), np.float32)
            class_tags = self.class_tags.of(sorted({c for v in videos for c in MC.class_names(v.keyframes)}))
        q_hits = dict(zip(qtexts, self.tag_text_index.search(qvecs, K_QUERY_EMBED)))
        if self.labels is not None:
            label_preds = list(label_preds or [None] * n)
            todo = [i for i, p in enumerate(label_preds) if p is None]
            if todo:
                for i, p in zip(todo, LC.predict(self.labels, [videos[i].text() for i in todo], text[todo])):
                    label_preds[i] = p
        gnn = gnn_override if gnn_override is not None else self._gnn_vectors(videos, text, as_new)
        cross = self._search("tag", gnn, K_CROSSMODAL)
        similar = self._search("video", gnn, K_SIMILAR + 1)
        for v in videos:
            if self.visual_dim and not self.visual_off and v.visual is not None and len(v.visual) != self.visual_dim:
                raise VisualError(f"video {v.id or ''} visual: {len(v.visual)} values, but ranker {self.version} "
                                  f"was trained on {self.visual_dim}-d visual vectors")
        visual, has_visual = (None, np.zeros(n, bool)) if self.visual_off else visual_matrix(videos, self.visual_dim or None)
        if visual is None:
            visual = np.zeros((n, self.visual_dim or 1), np.float32)
        vis_hits = [[] for _ in range(n)]
        if self.visual is not None and has_visual.any():
            for i, hits in zip(np.flatnonzero(has_visual), self.visual.search(visual[has_visual], K_VISUAL)):
                vis_hits[i] = hits
        merged_all, vid_idx, rows = [], [], []
        for i, v in enumerate(videos):
            cands = C.content_text(lib, v)
            cands += C.products(lib, v.products)
            cands += C.queries(lib, v.queries, q_hits)
            cands += C.nearest("crossmodal", [(int(self.gnn_to_row[j]), s) for j, s in cross[i]
                                              if self.gnn_to_row[j] >= 0])
            neighbours = [(vid, s) for vid, s in similar[i] if vid != v.id][:K_SIMILAR]
            cands += C.similar_videos(neighbours, self.video_tags)
            cands += C.nearest("visual", vis_hits[i])
            if label_preds is not None:
                cands += LC.candidates(label_preds[i], lib.row)
            cands += MC.zeroshot(v.keyframes, class_tags)
            cands += MC.near_duplicates(v.near_duplicates, self.video_tags)
            MC.attach_ocr_lines(cands, v.keyframes)
            m = merge(cands)
            for r in (extra[i] if extra else ()):
                m.setdefault(r, Merged(r))
            merged_all.append(list(m.values()))
            vid_idx.extend([i] * len(m))
            rows.extend(m)
        video, tag = np.asarray(vid_idx, np.int64), np.asarray(rows, np.int64)
        x = features([m for ms in merged_all for m in ms], lib.is_phrase, self.name_len, self.prior)
        ctx = np.array([context(v) for v in videos], np.float32).reshape(n, len(CONTEXT))
        x[:, [INDEX[f] for f in CONTEXT]] = ctx[video]
        x[:, INDEX["cos_text"]] = (text[video] * self.tag_text[tag]).sum(1)
        x[:, INDEX["cos_gnn"]] = (gnn[video] * self.tag_gnn[tag]).sum(1)
        if self.visual is not None and len(tag):
            own_mask = np.array([(a, b) in own for a, b in zip(video, tag)]) if own else None
            cos = self.visual.cosine(visual[video], tag, own_mask)
            x[:, INDEX["cos_visual"]] = np.where(has_visual[video] & (self.visual.counts[tag] > 0), cos, 0)
        x[:, INDEX["has_visual"]] = has_visual[video]
        return RecallBatch([v.id for v in videos], merged_all, video, tag, x,
                           {"text": text, "gnn": gnn, "visual": visual}, has_visual)

    def _gnn_vectors(self, videos: list[VideoRecord], text: np.ndarray, as_new: bool = False) -> np.ndarray:
        """(n, d) GNN vectors: a stored video's index vector; a video the index has not seen (every video with
        as_new) is embedded inductively from its input and its stored text neighbours, its own stored copy left
        out (gnn/inductive.py); a model folder without that embedder leaves the text vector (the towers' skip)."""
        out = text.copy()
        if self.retriever is None:
            return out
        rows = np.array([self.retriever.video_row.get(v.id, -1) if v.id else -1 for v in videos], np.int64)
        new = np.ones(len(videos), bool) if as_new else rows < 0
        for i in np.flatnonzero(~new):
            out[i] = self.retriever.video_vecs[rows[i]]
        if new.any() and self.inductive is not None:
            idx = np.flatnonzero(new)
            out[idx] = self.inductive.embed_videos([videos[i] for i in idx], text[idx], rows[idx])
        return out

    def _search(self, name: str, x: np.ndarray, k: int) -> list[list[tuple]]:
        """Batched FAISS search of the GNN index `name`: tag hits as (index position, cos), videos as (id, cos)."""
        if self.retriever is None:
            return [[] for _ in range(len(x))]
        index = self.retriever.index[name]
        score, idx = index.search(np.ascontiguousarray(x, np.float32), min(k, index.ntotal))
        ids = self.retriever.ids[name]
        return [[(j if name == "tag" else ids[j], float(s)) for j, s in zip(ii, ss) if j >= 0]
                for ii, ss in zip(idx, score)]

    # --- rank ----------------------------------------------------------------------------------------
    def scores(self, rb: RecallBatch) -> tuple[np.ndarray, np.ndarray]:
        """(relevance, core probability) per pair: the model's, or the recall-only blend without a model."""
        if self.model is None:
            rel = recall_score(rb.x)
            return rel, rel
        tables = R.Tables(rb.vectors, rb.has_visual, {"text": self.tag_text, "gnn": self.tag_gnn})
        n = len(rb.tag)
        pairs = R.Pairs(rb.video, rb.tag, rb.x, *(np.zeros(n, np.float32) for _ in range(4)))
        return R.predict(self.model, tables, pairs)

    def rank(self, rb: RecallBatch, top_k: int = 0, min_score: float | None = None) -> list[dict]:
        """Per video: kept candidates sorted by relevance, split into core and related by the thresholds; with
        top_k also `ranked`, the best top_k of every recalled candidate (kept or not) scoring >= min_score."""
        rel, core_p = self.scores(rb)
        th = self.thresholds
        kept = served(rb.video, rel, th.keep, th.rescue, th.max_kept)
        is_core = assign_core(rb.video, rel, core_p, kept, th.core, th.max_core)
        flat = [m for ms in rb.merged for m in ms]
        out = [{"video": vid, "model": self.version, "core": [], "related": []} for vid in rb.ids]
        if top_k:
            for r in out:
                r["ranked"] = []
        for j in np.lexsort((-rel, rb.video)):
            m = flat[j]
            ranked = out[rb.video[j]].get("ranked")
            if ranked is not None and len(ranked) < top_k and (min_score is None or rel[j] >= min_score):
                ranked.append({"tag": self.lib.ids[m.row], "name": self.lib.names[m.row],
                               "score": round(float(rel[j]), 4), "kept": bool(kept[j]), "channels": m.channels})
            if not kept[j]:
                continue
            out[rb.video[j]]["core" if is_core[j] else "related"].append({
                "tag": self.lib.ids[m.row], "name": self.lib.names[m.row], "score": round(float(rel[j]), 4),
                "core_score": round(float(core_p[j]), 4), "channels": m.channels,
                "evidence": {c: {"score": round(m.scores[c], 4), "items": m.evidence[c]} for c in m.channels}})
        return out

    def tag(self, videos: list[dict], top_k: int = 0, min_score: float | None = None) -> list[dict]:
        """Recall and rank a batch of payloads (top_k, min_score: see rank)."""
        return self.rank(self.recall(videos), top_k, min_score)


_cache: dict[tuple, tuple[tuple, Tagger]] = {}   # (data dir, prefix) -> (versions it was built for, tagger)
_cache_lock = threading.Lock()


def get_tagger(graph, settings, prefix: str = "", rank_version: str | None = "latest", reload: bool = False) -> Tagger:
    """The process-wide Tagger for these settings: rebuilt when the ranker, the GNN or the library version
    (graph.cypher.schema.LIBRARY_VERSION: curator changes, tag and label loads) moved since it was built."""
    version = latest_rank_version(settings) if rank_version == "latest" else rank_version
    library = graph.query(SQ.LIBRARY_VERSION)[0]["version"]
    place, versions = (str(settings.data_dir), prefix), (version, E.latest_version(settings), library)
    with _cache_lock:
        built = _cache.get(place)
        if reload or built is None or built[0] != versions:
            _cache[place] = (versions, Tagger.from_graph(graph, settings, prefix, version))
        return _cache[place][1]


def tag_stored(graph, settings, video_ids: list[str], persist: bool = True, tagger: Tagger | None = None,
               top_k: int = 0, min_score: float | None = None) -> list[dict]:
    """Tag stored videos by id (unknown ids are skipped); persist writes HAS_TAG edges with the model version."""
    tagger = tagger or get_tagger(graph, settings)
    results = tagger.tag(store.read_videos(graph, video_ids), top_k, min_score)
    if persist and results:
        store.write_tags(graph, results, tagger.version)
    return results


def tag_payloads(graph, settings, payloads: list[dict], tagger: Tagger | None = None, top_k: int = 0,
                 min_score: float | None = None) -> list[dict]:
    """Tag videos that are not stored: {id?, title, summary, asr, ocr, visual?, products?, queries?}
    (video.record.from_row reads every field, queries as {query, count} or (text, count))."""
    tagger = tagger or get_tagger(graph, settings)
    return tagger.tag(payloads, top_k, min_score)


def tag_file(graph, settings, path: Path, top_k: int = 0, min_score: float | None = None) -> list[dict]:
    """`tagkg tag --file F`: JSONL payloads (the videos load format plus optional products and queries)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tag_payloads(graph, settings, [json.loads(line) for line in lines if line.strip()], top_k=top_k,
                        min_score=min_score)


def tag_all(graph, settings, batch: int = 256, persist: bool = True, prefix: str = "", progress: bool = True) -> dict:
    """Tag every stored video in batches (one UNWIND read and one write per batch)."""
    tagger = get_tagger(graph, settings, prefix)
    with tqdm(desc="tag-all", unit="video", disable=not progress) as bar:
        done, edges = tag_pages(graph, tagger, store.iter_video_ids(graph, prefix, page=batch), persist, bar.update)
    return {"videos": done, "has_tag_written": edges, "model": tagger.version}


def tag_pages(graph, tagger: Tagger, pages, persist: bool = True, on_page=None) -> tuple[int, int]:
    """Tag pages of stored video ids; with persist each page's HAS_TAG edges are replaced in one transaction, so
    a page redone after a crash ends as if it had run once. Returns (videos tagged, edges written)."""
    done = edges = 0
    for page in pages:
        results = tagger.tag(store.read_videos(graph, page))
        if persist:
            edges += store.write_tags(graph, results, tagger.version)
        done += len(results)
        if on_page:
            on_page(len(results))
    return done, edges
