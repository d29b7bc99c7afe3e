"""Alias candidates from shortened names: forms of an approved tag's name that the corpus uses on their own
(洞庭 for 洞庭湖, 西溪 for 西溪湿地), proposed to curators as aliases of that tag.

A form is the tag's normalised name with a generic head dropped (湖, 山, 市, 公司, 大学 ... HEADS) or with its
first or last word dropped (jieba's words of the name, when each has two characters or more: 西溪湿地 -> 西溪,
杭州西湖 -> 西湖), at least MIN_LEN characters long, of Han characters only, and neither a name nor an alias of
any tag of any status. Cuts inside a word are not forms: on the demo corpus they were OCR-style slips that
co-occur with the full name (追觅个人 of 追觅个人电脑), not names anyone uses. One pass over the documents with
one Aho-Corasick automaton of the forms and every known surface gives, per form and tag:
  support  documents that use the form on its own: an occurrence inside a longer known surface (洞庭 inside
           洞庭湖, or inside another tag's name) does not count
  shared   of those, the documents that belong to the tag: they name it (name or alias, anywhere in the text)
           or carry it (the document's `tags`: its HAS_TAG edges of any source)
  share    shared / support, and lift: share over the tag's share of all documents
A form is proposed when support >= min_support, shared >= min_shared and share >= min_share, and ranked by
score = share * log1p(shared): a form that mostly appears where its tag is (洞庭 beside 洞庭湖 videos) is a
name of it, one that appears everywhere (移动 of 中国移动) is not. A form several tags shorten to is proposed
for each that passes, with the others named in its evidence.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from typing import Iterable

import ahocorasick
from tqdm import tqdm

from mining.corpus import make_tokenizer
from text.normalize import normalize, tag_key

# Generic heads a name is often said without: places, water and mountains, organisations, venues.
HEADS = ("特别行政区", "自治区", "自治州", "自治县", "股份有限公司", "有限责任公司", "有限公司", "集团", "公司",
         "大学", "学院", "中学", "小学", "医院", "银行", "博物馆", "纪念馆", "美术馆", "图书馆", "体育馆",
         "风景区", "景区", "公园", "湿地", "古镇", "广场", "商场", "酒店", "饭店", "餐厅", "机场", "火车站", "高铁站",
         "省", "市", "县", "区", "镇", "乡", "村", "湖", "山", "江", "河", "岛", "寺", "庙", "街", "路")
MIN_LEN = 2      # a one-character form names nothing on its own
CONTEXT = 8      # characters of context each side in the evidence
EXAMPLES = 3     # example documents per form
_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_UNTRUSTED = {"rejected", "candidate", "merged"}


def candidate_id(tag_id: str, alias: str) -> str:
    """The id of the alias candidate `alias` of tag `tag_id` (its node in the graph)."""
    return f"{tag_id}|{normalize(alias)}"


def shortened_forms(name: str, words: list[str] | None = None) -> dict[str, str]:
    """{form: how it was made ('head:湖', 'prefix': the last word dropped, 'suffix': the first)} of one tag name;
    `words`: the normalised name's segmentation (None: generic heads only)."""
    name = normalize(name)
    if not _HAN.match(name):
        return {}
    out: dict[str, str] = {}
    clean = bool(words) and all(len(w) >= 2 for w in words) and "".join(words) == name
    for head in sorted(HEADS, key=len, reverse=True):
        if name.endswith(head) and len(name) - len(head) >= MIN_LEN:
            # a head is the last word, or ends a longer one (洞庭湖); 西湖 of 杭州西湖 keeps its 湖
            last = words[-1] if clean else name
            if head == last or len(last) - len(head) >= MIN_LEN:
                out.setdefault(name[:-len(head)], "head:" + head)
            break
    if clean and len(words) >= 2:
        for form, how in (("".join(words[:-1]), "prefix"), ("".join(words[1:]), "suffix")):
            if len(form) >= MIN_LEN:
                out.setdefault(form, how)
    return out


def alias_candidates(tags: list[dict], docs: Iterable[dict], *, min_support: int = 3, min_shared: int = 2,
                     min_share: float = 0.3, progress: bool = False) -> list[dict]:
    """Alias candidates best first: {tag_id, tag_name, alias, how, support, shared, share, lift, score, evidence}.

    tags: the library ({id, name, aliases, status}; approved or status-less tags get forms, every tag's names
    block forms); docs: {id, text, tags (optional: tag ids the document carries)}, read once as a stream."""
    known_keys = {tag_key(s) for t in tags for s in (t["name"], *(t.get("aliases") or []))}
    surface_tags: dict[str, set[str]] = defaultdict(set)   # normalised known surface -> tag ids
    for t in tags:
        for s in (t["name"], *(t.get("aliases") or [])):
            if len(normalize(s)) >= MIN_LEN:
                surface_tags[normalize(s)].add(t["id"])
    tokenizer = make_tokenizer(())      # jieba's own dictionary: how the name is built, not the library's words
    parents: dict[str, dict[str, str]] = defaultdict(dict)   # form -> {tag id: how}
    names = {}
    for t in tags:
        if t.get("status") in _UNTRUSTED:
            continue
        names[t["id"]] = t["name"]
        for form, how in shortened_forms(t["name"], tokenizer.lcut(normalize(t["name"]))).items():
            if tag_key(form) not in known_keys and form not in surface_tags:
                parents[form][t["id"]] = how
    if not parents:
        return []
    shortened = {t for ts in parents.values() for t in ts}
    auto = ahocorasick.Automaton()
    for s in set(surface_tags) | set(parents):
        auto.add_word(s, s)
    auto.make_automaton()

    support, shared, tag_docs = Counter(), Counter(), Counter()
    examples: dict[str, list[dict]] = defaultdict(list)
    n_docs = 0
    for doc in tqdm(docs, desc="alias forms", unit="doc", disable=not progress):
        n_docs += 1
        text = normalize(doc.get("text") or "")
        known, forms = [], []
        for end, s in auto.iter(text):
            (forms if s in parents else known).append((end - len(s) + 1, end, s))
        carried = set(doc.get("tags") or ())
        named = carried.union(*(surface_tags[s] for _, _, s in known)) if known else carried
        tag_docs.update(named & shortened)
        if not forms:
            continue
        known.sort()
        starts = [k[0] for k in known]
        reach, best = [], -1            # reach[i]: the furthest end of the known spans among the first i+1
        for _, end, _ in known:
            best = max(best, end)
            reach.append(best)
        alone = {}
        for start, end, form in forms:
            i = bisect_right(starts, start) - 1
            if (i < 0 or reach[i] < end) and form not in alone:   # not inside a longer known surface
                alone[form] = (start, end)
        for form, (start, end) in alone.items():
            support[form] += 1
            for t in parents[form]:
                shared[(form, t)] += t in named
            if len(examples[form]) < EXAMPLES:
                context = (text[max(0, start - CONTEXT):start] + "【" + form + "】"
                           + text[end + 1:end + 1 + CONTEXT])
                examples[form].append({"doc": doc.get("id"), "context": context})
    out = []
    for (form, t), n_shared in shared.items():
        n = support[form]
        share = n_shared / n
        if n < min_support or n_shared < min_shared or share < min_share:
            continue
        base = tag_docs[t] / max(n_docs, 1)
        out.append({"tag_id": t, "tag_name": names[t], "alias": form, "how": parents[form][t], "support": n,
                    "shared": n_shared, "share": round(share, 4), "lift": round(share / base, 2) if base else None,
                    "score": round(share * math.log1p(n_shared), 4),
                    "evidence": {"examples": examples[form],
                                 "also_shortens": sorted(o for o in parents[form] if o != t)}})
    out.sort(key=lambda c: (-c["score"], c["tag_id"], c["alias"]))
    return out
