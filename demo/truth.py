"""Per-tag truth of the demo's phrase tags along the four phrase dimensions, written as tag_truth.jsonl.

What the generator knows and a reader of the corpus does not:
- product: the phrase names a good its domain sells (its head, the last component, is in one of the
  domain's product leaves) and has no question affix (白色连衣裙 yes; 连衣裙搭配, 如何挑选口红 no);
- question: its pattern has a question prefix or suffix (如何..., ...怎么搭, ...哪个好);
- trending: it is one of trending.json's bursting tags;
- audience: among the videos it truly belongs to (core or related), more are reached through a search
  click on it (a tag click, or a query naming it, an alias, its typo or all its components) than name it
  in their text (same forms). Observable from clicks and text, but from gold videos only, so a reader
  who cannot tell gold from distractor mentions sees it through noise.
"""
from __future__ import annotations

import json

from demo.library import Library
from demo.patterns import DOMAINS


class TruthTally:
    """Counts, per phrase tag, its gold videos reached by text and by search; writes tag_truth.jsonl."""

    def __init__(self, lib: Library):
        self.lib = lib
        n = len(lib.names)
        self.gold = [0] * n
        self.text = [0] * n
        self.search = [0] * n
        self.forms = [self._forms(i) for i in range(n)]

    def _forms(self, i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(surface forms, component names) by which tag i can be recognised."""
        lib = self.lib
        forms = (lib.names[i], *lib.aliases[i], *((lib.typo[i],) if lib.typo[i] else ()))
        return tuple(f.replace(" ", "") for f in forms), tuple(lib.names[c] for c in lib.comps[i])

    def _named(self, i: int, text: str) -> bool:
        forms, comps = self.forms[i]
        return any(f in text for f in forms) or (len(comps) > 1 and all(c in text for c in comps))

    def observe(self, core: list[int], related: list[int], text: str, click_lines: list[str]) -> None:
        """Add one video: its gold tags, its four text fields joined, its click lines."""
        phrases = [t for t in core + related if self.lib.is_phrase(t)]
        if not phrases:
            return
        clicks = [json.loads(line) for line in click_lines]
        tag_clicks = {c["tag_id"] for c in clicks if c["kind"] == "tag"}
        queries = "\n".join(c["query"].replace(" ", "") for c in clicks if c["kind"] == "query")
        for t in phrases:
            self.gold[t] += 1
            self.text[t] += self._named(t, text)
            self.search[t] += self.lib.tag_id(t) in tag_clicks or any(
                self._named(t, q) for q in queries.split("\n") if q)

    def write(self, path, trending: dict[int, set[int]]) -> int:
        """Write one line per phrase tag; returns the number of lines."""
        lib = self.lib
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            for i in range(len(lib.names)):
                if not lib.is_phrase(i):
                    continue
                prefix, suffix = lib.affix[i]
                head_leaf = lib.leaf[lib.comps[i][-1]]
                question = bool(prefix or suffix)
                f.write(json.dumps({
                    "tag_id": lib.tag_id(i),
                    "product": not question and head_leaf in DOMAINS[lib.domain[i]].products,
                    "question": question, "trending": i in trending,
                    "audience": self.search[i] > self.text[i],
                    "gold_videos": self.gold[i], "text_videos": self.text[i],
                    "search_videos": self.search[i]}) + "\n")
                n += 1
        return n
