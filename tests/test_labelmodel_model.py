"""The label channel on a corpus whose labels are implied by words but never named (no services).

Each video is about one or two themes; its text draws words from those themes' vocabularies plus
shared filler, and never contains a theme's name. Omikuji and both kNNs must beat popularity on the
held-out split in the same run, and a saved model must predict what it predicted before saving.
"""
import json

import numpy as np
import pytest

from labelmodel.metrics import evaluate, literal_slice
from labelmodel.model import FORMAT, LabelModel, LabelModelConfig
from labelmodel.oof import out_of_fold
from labelmodel.popularity import popularity
from labelmodel.split import split_ids

THEMES = {
    "美食探店": "红烧肉 小笼包 招牌菜 老板 排队 店里 好吃 人均".split(),
    "思乡": "老家 妈妈 故乡 回不去 小时候 村口 想念 车票".split(),
    "健身": "深蹲 卧推 蛋白粉 增肌 有氧 教练 燃脂 哑铃".split(),
    "萌宠": "猫咪 狗狗 铲屎官 撒娇 猫粮 遛狗 毛孩子 喵".split(),
    "通勤穿搭": "西装 衬衫 高跟鞋 上班 职场 外套 搭配 显瘦".split(),
    "亲子": "宝宝 幼儿园 绘本 辅食 哄睡 早教 奶粉 宝妈".split(),
    "露营": "帐篷 天幕 篝火 营地 睡袋 星空 炉子 露水".split(),
    "数码测评": "续航 屏幕 芯片 跑分 充电 镜头 手感 参数".split(),
}
FILLER = "今天 我们 一起 来看 真的 非常 大家 这个 视频 分享 一下 记得".split()


def corpus(n: int, seed: int = 0):
    """(ids, texts, label sets): theme popularity is skewed so that popularity is a fair baseline."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    weights = np.linspace(2.0, 1.0, len(names))
    weights /= weights.sum()
    ids, texts, labels = [], [], []
    for i in range(n):
        themes = set(rng.choice(names, size=rng.integers(1, 3), replace=False, p=weights))
        words = [w for t in themes for w in rng.choice(THEMES[t], size=3, replace=False)]
        words += list(rng.choice(FILLER, size=4))
        rng.shuffle(words)
        ids.append(f"v{i:05d}")
        texts.append("".join(words))
        labels.append(themes)
    return ids, texts, labels


def word_vectors(texts, dim: int = 32):
    """A stand-in sentence encoder: the mean of fixed random vectors of the words the text contains."""
    vocab = sorted({w for ws in THEMES.values() for w in ws} | set(FILLER))
    table = np.random.default_rng(1).normal(size=(len(vocab), dim)).astype(np.float32)
    out = np.zeros((len(texts), dim), np.float32)
    for i, text in enumerate(texts):
        hits = [j for j, w in enumerate(vocab) if w in text]
        out[i] = table[hits].mean(axis=0)
    return out


@pytest.fixture(scope="module")
def data():
    ids, texts, labels = corpus(900)
    sides = split_ids(ids)
    pos = {v: i for i, v in enumerate(ids)}
    train = [pos[v] for v in sides["train"]]
    test = [pos[v] for v in sides["test"]]
    vectors = word_vectors(texts)
    model = LabelModel.fit([texts[i] for i in train], [labels[i] for i in train], vectors[train],
                           LabelModelConfig())
    return ids, texts, labels, vectors, train, test, model


def test_every_channel_beats_popularity_on_held_out_videos(data):
    ids, texts, labels, vectors, train, test, model = data
    assert not any(name in text for text in texts for name in THEMES)   # labels are never written
    gold = {ids[i]: labels[i] for i in test}
    preds = model.predict([texts[i] for i in test], vectors[test], top_k=len(THEMES))
    pop = [t for t, _ in popularity([labels[i] for i in train], len(THEMES))]
    results = {"popularity": evaluate(gold, {ids[i]: pop for i in test}, len(THEMES))["overall"]}
    for channel, rows in preds.items():
        ranked = {ids[i]: [t for t, _ in row] for i, row in zip(test, rows)}
        results[channel] = evaluate(gold, ranked, len(THEMES))["overall"]
    assert set(results) == {"popularity", "omikuji", "knn_text", "knn_vector"}
    base = results["popularity"]
    assert results["popularity"]["videos"] == len(test) >= 60
    for channel in ("omikuji", "knn_text", "knn_vector"):
        m = results[channel]
        assert m["recall@1"] > base["recall@1"] + 0.3, (channel, m, base)
        assert m["ndcg@5"] > base["ndcg@5"] + 0.2, (channel, m, base)
        assert m["mean_rank"] < base["mean_rank"], (channel, m, base)
    # every gold pair here is implied: the literal slice is empty, the implied slice is all of it
    sliced = evaluate(gold, {ids[i]: pop for i in test}, len(THEMES),
                      slices={"literal": literal_slice({ids[i]: texts[i] for i in test}, {t: [t] for t in THEMES})})
    assert set(sliced["literal"]) == {"implied"}


def test_texts_without_labels_are_left_out_of_the_neighbourhoods():
    texts_ = ["独一无二的句子", "独一无二的句子", "另一个 毫不相干"]
    model = LabelModel.fit(texts_, [set(), {"甲"}, {"乙"}], cfg=LabelModelConfig(knn_k=1, min_df=1))
    assert model.knn_text.items.shape[0] == 2
    assert model.predict(texts_[:1])["knn_text"][0][0] == ("甲", pytest.approx(1.0))


def test_training_fingerprint_names_the_data_not_its_order():
    from labelmodel.model import training_fingerprint

    a = training_fingerprint(["甲文", "乙文", "丙文"], [{"x", "y"}, {"z"}, set()])
    assert a == training_fingerprint(["乙文", "甲文"], [{"z"}, {"y", "x"}])      # order; unlabelled rows don't count
    assert a != training_fingerprint(["甲文", "乙文"], [{"x"}, {"z"}])


def test_save_load_roundtrip_predicts_the_same(data, tmp_path):
    ids, texts, labels, vectors, train, test, model = data
    queries, qvec = [texts[i] for i in test], vectors[test]
    before = model.predict(queries, qvec, top_k=5)
    model.save(tmp_path / "m")
    model.save(tmp_path / "m")   # saving again replaces: Omikuji alone would add its trees to the old ones
    assert len(list((tmp_path / "m" / "omikuji").glob("tree*.cbor"))) == model.cfg.trees.n_trees
    loaded = LabelModel.load(tmp_path / "m")
    assert (loaded.version, loaded.cfg, loaded.tags, loaded.fingerprint) == (model.version, model.cfg, model.tags,
                                                                             model.fingerprint)
    # channels asked for by name: the text channels need no sentence vectors
    assert loaded.predict(queries, top_k=5, channels=("omikuji",)).keys() == {"omikuji"}
    after = loaded.predict(queries, qvec, top_k=5)
    assert after["knn_text"] == before["knn_text"] and after["knn_vector"] == before["knn_vector"]
    # Omikuji reloads its trees in no fixed order: same tags in the same order, scores to float32 precision
    for b, a in zip(before["omikuji"], after["omikuji"]):
        assert [t for t, _ in a] == [t for t, _ in b]
        assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=1e-6)
    with pytest.raises(ValueError, match="sentence vectors"):
        loaded.predict(queries)
    meta = json.loads((tmp_path / "m" / "config.json").read_text())
    (tmp_path / "m" / "config.json").write_text(json.dumps({**meta, "format": FORMAT + 1}))
    with pytest.raises(ValueError, match="retrain"):
        LabelModel.load(tmp_path / "m")


def test_out_of_fold_scores_come_from_models_that_did_not_see_the_text(data):
    ids, texts, labels, vectors, train, test, model = data
    tr_ids, tr_texts = [ids[i] for i in train], [texts[i] for i in train]
    tr_labels = [set(labels[i]) for i in train]
    tr_labels[0] = tr_labels[0] | {"独有"}   # a tag only this training text carries
    oof = out_of_fold(tr_ids, tr_texts, tr_labels, vectors[train], folds=3, top_k=len(THEMES) + 1)
    assert set(oof) == set(model.channels) and all(len(rows) == len(train) for rows in oof.values())
    assert all("独有" not in [t for t, _ in oof[c][0]] for c in oof)
    gold = {v: s for v, s in zip(tr_ids, tr_labels)}
    pop = [t for t, _ in popularity(tr_labels, len(THEMES))]
    base = evaluate(gold, {v: pop for v in tr_ids}, len(THEMES) + 1)["overall"]
    for channel, rows in oof.items():   # out of fold, the channels still find the implied themes
        m = evaluate(gold, {v: [t for t, _ in row] for v, row in zip(tr_ids, rows)}, len(THEMES) + 1)["overall"]
        assert m["recall@1"] > base["recall@1"] + 0.3, (channel, m, base)
