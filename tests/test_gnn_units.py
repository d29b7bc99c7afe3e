"""GNN pieces without Neo4j: ranking metrics, hold-out split, kNN, encoder cache, index choice."""
from __future__ import annotations

import numpy as np

from gnn.build_graph import knn
from video.vectors import clauses
from gnn.embed import build_index
from gnn.evaluate import rank_metrics
from gnn.export import GraphData
from gnn.train import TrainConfig, split
from labelmodel.split import side_of


def test_rank_metrics_filtered_and_raw():
    tags = np.eye(4, dtype=np.float32)                       # 4 orthogonal tags
    videos = np.array([[0.9, 0.8, 0.1, 0.0]], np.float32)    # tag0 > tag1 > tag2 > tag3
    pairs = np.array([[0, 1, 1], [0, 2, 0]])                 # golds: tag1 (raw rank 2), tag2 (raw rank 3)
    m = rank_metrics(videos, tags, pairs, np.arange(4))
    # filtered: tag2 does not count tag1 (another gold) above it -> ranks 2 and 2
    assert m["MR"] == 2.0 and m["raw_MR"] == 2.5 and m["R@1"] == 0.0 and m["R@5"] == 1.0
    # candidates restrict the ranking: without tag0, tag1 is first
    m = rank_metrics(videos, tags, pairs, np.array([1, 2, 3]))
    assert m["R@1"] == 1.0 and m["MR"] == 1.0


def test_split_hides_the_labels_test_and_validation_sides():
    ids = [f"v{i:05d}" for i in range(1000)]
    labels = np.array([(v, v % 7, v % 2) for v in range(1000)], np.int64)     # one label per video
    z = np.zeros((0, 2), np.int64)
    data = GraphData(ids, [], None, [f"t{i}" for i in range(7)], ["x"] * 7, np.ones(7, bool), [], query_video=z,
                     tag_video=z, has_tag=z, labels=labels, composed_of=z)
    sp = split(data, TrainConfig(holdout=40, validation=30))
    assert {ids[v] for v in sp.heldout} == {v for v in ids if side_of(v) == "test"}
    assert {ids[v] for v in sp.validation} == {v for v in ids if side_of(v) == "validation"}
    assert not set(sp.train_pairs[:, 0]) & set(sp.hidden)
    assert len(sp.test_pairs) == 40 and len(sp.valid_pairs) == 30          # measured: the first by hash
    assert len(sp.train_pairs) == 1000 - len(sp.heldout) - len(sp.validation)

def test_knn_excludes_self_and_low_scores():
    x = np.array([[1, 0], [0.99, 0.141], [0, 1]], np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    src, dst, score = knn(x, 1, 0.5)
    assert sorted(zip(src.tolist(), dst.tolist())) == [(0, 1), (1, 0)] and (score > 0.9).all()


def test_clauses_split_punctuation():
    assert clauses("白色连衣裙｜可爱发箍。好看！ #vintage") == ["白色连衣裙", "可爱发箍", "好看", "vintage"]


def test_index_exact_below_threshold_hnsw_above():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    assert build_index(x).__class__.__name__ == "IndexFlatIP"
    approx = build_index(x, exact_max=100)
    assert "HNSW" in approx.__class__.__name__
    _, exact_nn = build_index(x).search(x[:20], 5)
    _, approx_nn = approx.search(x[:20], 5)
    assert np.mean([len(set(a) & set(e)) / 5 for a, e in zip(approx_nn, exact_nn)]) > 0.9


def test_encoder_cache_reuses_vectors(tmp_path):
    from video.encode import TextEncoder

    enc = TextEncoder(tmp_path)
    a = enc.encode(["白色连衣裙", "可爱发箍", "白色连衣裙"])
    assert a.shape == (3, 512) and np.allclose(a[0], a[2])
    again = TextEncoder(tmp_path)                     # a new process: vectors come from disk
    b = again.encode(["可爱发箍"])
    assert again._model is None and np.allclose(b[0], a[1], atol=1e-3)


def _dgl_inductive(emb, x, own):
    """The reference: each layer through DGL's HeteroGraphConv over one block (the new videos first among its
    sources, then their stored neighbours' saved states), as the model's own `layer` computes it."""
    import dgl
    import torch

    from gnn.inductive import SIM_VV

    xv = torch.from_numpy(x)
    h = emb.model.inputs({"video": xv})["video"]
    nbrs = emb.neighbours(x[:, :emb.model.out], own)
    n = len(x)
    uniq, inv = np.unique(np.concatenate(nbrs), return_inverse=True)
    edges = {et: (torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64)) for et in emb.etypes}
    edges[SIM_VV] = (torch.from_numpy(n + inv), torch.from_numpy(np.repeat(np.arange(n), [len(r) for r in nbrs])))
    types = {nt for et in emb.etypes for nt in (et[0], et[2])}
    block = dgl.create_block(edges, num_src_nodes={nt: n + len(uniq) if nt == "video" else 0 for nt in types},
                             num_dst_nodes={nt: n if nt == "video" else 0 for nt in types})
    empty = {nt: torch.zeros(0, h.shape[1]) for nt in types if nt != "video"}
    with torch.no_grad():
        for i in range(len(emb.model.layers)):
            src = torch.cat([h, torch.from_numpy(np.asarray(emb.states[i][uniq], np.float32))])
            h = emb.model.layer(i, block, {"video": src, **empty}, {"video": h})["video"]
        return emb.model.towers({"video": h}, {"video": xv[:, :emb.model.out]})[0].numpy()


def test_inductive_torch_path_equals_dgl_sage_mean():
    import torch

    from gnn.build_graph import CLICK_ETYPES, SIMILAR_ETYPES, knn_index
    from gnn.inductive import Inductive
    from gnn.model import TagGNN

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    d, hidden, n_stored = 16, 8, 40
    etypes = [et[1] for et in CLICK_ETYPES + SIMILAR_ETYPES]
    model = TagGNN({"video": d, "tag": d, "query": d}, etypes, hidden, d, 2, 0.0).eval()
    for p in model.parameters():          # the towers start at zero: random weights make every term count
        torch.nn.init.normal_(p, std=0.3)
    text = rng.normal(size=(n_stored, d)).astype(np.float32)
    text /= np.linalg.norm(text, axis=1, keepdims=True)
    states = rng.normal(size=(2, n_stored, hidden)).astype(np.float32)             # (layers, videos, hidden)
    emb = Inductive(model, TrainConfig(knn_video=5, knn_min_score=-1.0), states, knn_index(text))
    x = text[:6] + 0.1 * rng.normal(size=(6, d)).astype(np.float32)
    own = np.array([0, 1, -1, 3, -1, 5])
    assert all(len(r) == 5 for r in emb.neighbours(x, own))
    fast = emb.embed(x, own)
    assert np.allclose(fast, _dgl_inductive(emb, x, own), atol=1e-5)
    # the neighbours matter: without them the vectors differ
    emb.cfg = TrainConfig(knn_video=5, knn_min_score=2.0)
    assert not np.allclose(fast, emb.embed(x, own), atol=1e-3)


def test_label_edges_never_reach_hidden_videos():
    from gnn.build_graph import Features, build

    z = np.zeros((0, 2), np.int64)
    has_tag = np.array([[v, v % 3] for v in range(6)])                       # stored labels, video 0..5
    data = GraphData([f"v{i}" for i in range(6)], [], None, ["t0", "t1", "t2"], ["a", "b", "c"], np.ones(3, bool), [],
                     query_video=z, tag_video=np.array([[0, 1], [1, 4]]), has_tag=has_tag,
                     labels=np.c_[has_tag, np.ones(6, np.int64)], composed_of=z)
    feats = Features(np.eye(6, 4, dtype=np.float32), np.eye(3, 4, dtype=np.float32), np.zeros((0, 4), np.float32), None)
    train = np.c_[has_tag[[0, 1, 2, 5]], np.ones(4, np.int64)]
    g = build(data, feats, train, np.array([3, 4]), None)
    assert sorted(g.edges(etype="has_tag")[0].tolist()) == [0, 1, 2, 5]      # test/validation 3 and 4: none
    assert sorted(g.edges(etype="tagged")[1].tolist()) == [0, 1, 2, 5]
    assert g.edges(etype="tv")[1].tolist() == [1]                            # 4's tag click is a label too
    # the label-blind graph hides every video: not even the training pairs become edges
    blind = build(data, feats, train, np.arange(6), None)
    assert blind.num_edges("has_tag") == blind.num_edges("tagged") == 0
