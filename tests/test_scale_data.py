"""The scale corpus (`tagkg demo-data --tags N`) and the on-disk caches that let a big tagger restart fast."""
from __future__ import annotations

import json

import numpy as np
import pytest

from demo.corpus import generate
from demo.themes import theme_names
from tagkg.cli import main

N_TAGS, N_VIDEOS = 2000, 500
FILES = ("tags.jsonl", "videos.jsonl", "products.jsonl", "clicks.jsonl")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale") / "corpus"
    generate(out, N_VIDEOS, seed=3, progress=False, n_tags=N_TAGS)
    return out


def _rows(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_scale_corpus_has_the_asked_size_and_is_deterministic(corpus, tmp_path):
    tags = _rows(corpus / "tags.jsonl")
    assert N_TAGS - len(theme_names()) <= len(tags) <= N_TAGS
    assert len({t["id"] for t in tags}) == len(tags)
    assert all(t["category"] for t in tags if t["kind"] == "atomic")
    assert all(t["components"] for t in tags if t["kind"] == "phrase")
    assert sum(t["kind"] == "phrase" for t in tags) > len(tags) // 2
    again = tmp_path / "again"
    generate(again, N_VIDEOS, seed=3, progress=False, n_tags=N_TAGS)
    for name in FILES:
        assert (again / name).read_bytes() == (corpus / name).read_bytes(), name


def test_scale_library_keeps_the_demo_library_when_no_size_is_asked():
    from demo.library import build_library

    assert len(build_library(1000, 0).names) < 6000 < len(build_library(1000, 0, 6000).names) + len(theme_names())


def _prefixed(corpus, ns, folder):
    """The corpus with every id under the test's prefix (the ns fixture deletes it afterwards)."""
    folder.mkdir()
    fix = {"tags.jsonl": lambda r: {**r, "id": ns + r["id"], "components": [ns + c for c in r["components"]]},
           "videos.jsonl": lambda r: {**r, "id": ns + r["id"]},
           "products.jsonl": lambda r: {**r, "id": ns + r["id"], "video_ids": [ns + v for v in r["video_ids"]]},
           "clicks.jsonl": lambda r: {**r, "video_id": ns + r["video_id"],
                                      **({"tag_id": ns + r["tag_id"]} if r.get("tag_id") else {})}}
    for name, f in fix.items():
        with open(folder / name, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(f(r), ensure_ascii=False) + "\n" for r in _rows(corpus / name))
    return folder


def test_scale_corpus_loads_without_rejects_and_the_tagger_restarts_from_its_caches(
        corpus, runner, graph, ns, settings, tmp_path):
    from tagging.tagger import Tagger

    folder = _prefixed(corpus, ns, tmp_path / "corpus")
    for name in FILES:
        result = runner.invoke(main, ["load", name.split(".")[0], str(folder / name), "--no-progress"])
        assert result.exit_code == 0, result.output
        assert " 0 rejected" in result.output, result.output
    tags = _rows(corpus / "tags.jsonl")
    counts = graph.query("MATCH (t:Tag) WHERE t.id STARTS WITH $ns "
                         "RETURN count(t) AS n, sum(count { (t)-[:COMPOSED_OF]->() }) AS parts", ns=ns)[0]
    assert (counts["n"], counts["parts"]) == (len(tags), sum(len(t["components"]) for t in tags))

    local = settings.with_(data_dir=tmp_path / "data")
    first = Tagger.from_graph(graph, local, prefix=ns, rank_version=None)
    assert first.enc._model is not None and len(first.enc) >= len(first.lib)
    cached = len(first.enc)
    restart = Tagger.from_graph(graph, local, prefix=ns, rank_version=None)
    assert restart.enc._model is None        # nothing encoded: every tag name came from the cache
    assert len(restart.enc) == cached
    assert all(isinstance(p, np.memmap) for p in restart.enc._parts)
    np.testing.assert_allclose(restart.tag_text, first.tag_text)


def test_encoder_cache_segments_are_memory_mapped_and_read_back(tmp_path, monkeypatch):
    from video import encode

    monkeypatch.setattr(encode, "BATCH", 4)
    monkeypatch.setattr(encode, "SAVE_EVERY", 2)        # a segment per 8 texts
    texts = [f"第{i}个短句" for i in range(20)]
    enc = encode.TextEncoder(tmp_path)
    vecs = enc.encode(texts)
    assert [n for n, _, _ in encode.segments(tmp_path)] == [1, 2, 3]
    again = encode.TextEncoder(tmp_path)
    np.testing.assert_allclose(again.encode(texts[::-1]), vecs[::-1], atol=1e-6)
    assert again._model is None
    more = again.encode(["新的一句"] + texts[:2])      # a new text goes to a new segment; old ones stay
    assert again._model is not None and len(encode.segments(tmp_path)) == 4
    np.testing.assert_allclose(more[1:], vecs[:2], atol=1e-6)


def test_encoder_reads_a_cache_of_one_pair(tmp_path):
    """A cache written before segments (use-keys.npy / use-vecs.npy) is the first segment."""
    from video import encode

    key = encode._key("旧缓存")
    np.save(tmp_path / "use-keys.npy", np.frombuffer(key, np.uint8).reshape(1, -1))
    np.save(tmp_path / "use-vecs.npy", np.full((1, encode.DIM), 0.5, np.float16))
    enc = encode.TextEncoder(tmp_path)
    np.testing.assert_allclose(enc.encode(["旧缓存"])[0], np.full(encode.DIM, 1 / np.sqrt(encode.DIM)), rtol=1e-3)
    assert enc._model is None


def test_cached_vectors_reads_every_segment(tmp_path):
    """The benchmarks' reader of a graph's cache (bench/faiss_ann --real, bench/pool10m --centres) sees the old pair
    and every later segment, as unit vectors."""
    from video import encode

    np.save(tmp_path / "use-keys.npy", np.frombuffer(encode._key("旧缓存"), np.uint8).reshape(1, -1))
    np.save(tmp_path / "use-vecs.npy", np.full((1, encode.DIM), 0.5, np.float16))
    enc = encode.TextEncoder(tmp_path)
    enc._save([encode._key("新一"), encode._key("新二")], np.full((2, encode.DIM), 2.0, np.float16))
    x = encode.cached_vectors(tmp_path)
    assert x.shape == (3, encode.DIM) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1, rtol=1e-5)
    assert encode.cached_vectors(tmp_path / "absent").shape == (0, encode.DIM)


def test_tag_text_index_is_built_once_and_read_from_its_file(tmp_path, monkeypatch):
    from gnn.embed import EXACT_MAX
    from tagging import vectors as V

    vecs = np.random.default_rng(0).standard_normal((EXACT_MAX + 1, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    names = [f"t{i}" for i in range(len(vecs))]
    path = V.index_file(tmp_path, names)
    stale = tmp_path / f"{V.INDEX_PREFIX}old.faiss"
    stale.write_bytes(b"")
    built = V.TagIndex(vecs, cache=path)
    assert path.exists() and not stale.exists()      # an older library's index is removed
    monkeypatch.setattr(V, "build_index", lambda *a, **k: pytest.fail("rebuilt"))
    read = V.TagIndex(vecs, cache=path)
    assert read.search(vecs[:3], 1) == built.search(vecs[:3], 1)
    assert V.index_file(tmp_path, names[::-1]) != path


def test_pool_lists_sized_once_equal_index_add_and_the_disk_copy_restores_exact_order(tmp_path):
    """bench/pool10m fills IVF lists sized from a counting pass (index.add would double them): the same index as
    index.add, and its candidates re-scored from the float16 disk copy find the exact neighbours the codes miss."""
    import faiss

    from bench import pool10m as P
    from bench.faiss_ann import recall

    mix = P.Mixture(P.clustered(50, 32, 5, np.random.default_rng(0)), seed=1, subspace=4)
    n, chunk = 6000, 2500                                   # a ragged last chunk
    q = mix.draw(50, [3])

    def trained():
        index = faiss.index_factory(32, "IVF16,SQ4", faiss.METRIC_INNER_PRODUCT)
        index.train(mix.draw(2000, [2]))
        index.nprobe = 4
        return index

    added = trained()
    for c in range(0, n, chunk):
        added.add(mix.chunk(c // chunk, min(chunk, n - c)))
    filled, store = trained(), tmp_path / "vectors.f16"
    lists, truth, _ = P.first_pass(mix, filled, q, n, chunk, store)
    P.fill_lists(mix, filled, lists, chunk)
    assert filled.ntotal == n and store.stat().st_size == n * 32 * 2
    d_add, i_add = added.search(q, P.K)
    d_fill, i_fill = filled.search(q, P.K)
    np.testing.assert_array_equal(i_fill, i_add)
    np.testing.assert_array_equal(d_fill, d_add)
    exact = np.argsort(-(q @ np.concatenate([mix.chunk(i, min(chunk, n - i * chunk)) for i in range(3)]).T), 1)
    np.testing.assert_array_equal(np.sort(truth, 1), np.sort(exact[:, :P.K], 1))
    refiner = P.Refiner(store, 32)
    refined = np.stack([refiner.top(v, filled.search(v[None], 50)[1][0]) for v in q])
    assert recall(refined, truth) > recall(i_fill, truth) and recall(refined, truth) >= 0.98
