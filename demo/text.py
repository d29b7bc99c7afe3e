"""Noisy video text (title, summary, ASR, OCR) that mentions a video's hidden tags, or does not.

Each gold tag gets one mention mode per video: verbatim, an alias, a homophone typo, split into
its components (phrases: 白色的连衣裙, 连衣裙 白色), or omitted (then at most implied by its
category word). Distractor tags are named verbatim in contrast clauses (不是XX而是YY).
"""
from __future__ import annotations

from demo.library import Library
from demo.patterns import DOMAINS

# Cumulative mode thresholds: verbatim < alias < typo < split (phrases only) < omitted.
CORE_MODES = (0.47, 0.57, 0.65, 0.86)
RELATED_MODES = (0.43, 0.53, 0.61, 0.74)

_GLUE = ("的", " ", "·", "，", "+", "和")
_PREFIX_SAY = {"如何": ("怎么", "怎样", "教你", "手把手教你")}
_SUFFIX_SAY = {"怎么做": ("的做法", "教程", "这样做"), "怎么搭": ("的搭配", "这样搭", "搭什么"),
               "哪个好": ("推荐", "选哪个", "怎么选"), "哪个好用": ("好用吗", "推荐", "红黑榜")}

TITLES = ("{c}｜{h}", "{h}！{c}", "{c}分享，{r1}真的绝了", "{c} {r1}", "#{c} #{r1} #{dz}",
          "{c}来啦～{h}", "{r1}+{r2}，{c}", "被问爆的{c}", "{c}（附{r1}）", "我的{c}日记",
          "{h}的{dz}", "{c}合集第{n}弹", "第{n}期｜{c}", "{c}，{h}", "谁懂啊，{c}也太绝了",
          "{dz}｜{h}", "{c}｜{r1}｜{r2}", "终于找到了！{c}", "一条视频讲清楚{c}", "{h}…")
OPENERS = ("今天给大家分享{c}。", "这期视频来聊聊{c}。", "记录一下{c}。", "最近很多人问我{c}，",
           "{c}来了！", "", "被催更很久的{c}终于来啦。", "周末在家拍了{c}，")
RELATED_SAYS = ("用到了{r}。", "{r}是重点。", "搭配{r}，", "还有{r}～", "{r}也一定要试试。",
                "顺便说一下{r}，", "重点是{r}！", "{r}真的很加分。", "{r}链接在评论区。")
IMPLIED = ("这个{cat}也很关键。", "{cat}选对了就成功一半。", "换个{cat}感觉完全不一样。")
CLOSERS = ("喜欢记得点赞收藏～", "有问题评论区见", "", "下期见！", "关注我，每天更新{dz}。",
           "你们还想看什么？", "")
CONTRAST = ("不是{d}而是{g}。", "本来想选{d}，最后还是{g}。", "{d}真的不如{g}。", "别再只知道{d}了，",
            "有人说是{d}，其实不是。", "评论区问的{d}下次再说。", "之前拍过{d}，这次换个思路。")
ASR_OPEN = ("嗯大家好", "哈喽大家好", "hello 宝子们", "嗨", "那个大家好啊", "好我们开始", "")
ASR_CORE = ("今天就是想跟大家聊一下{c}", "这期视频主要是{c}", "然后今天要弄的是{c}", "很多人问我{c}",
            "就是{c}嘛", "我们今天来看{c}")
ASR_RELATED = ("然后这个{r}呢", "{r}的话", "我用的是{r}", "再加上{r}", "还有{r}我觉得也挺好的",
               "就是那个{r}", "{r}这个真的", "对{r}")
ASR_FILLERS = ("嗯", "那个", "就是", "然后", "对", "啊", "哈哈", "其实", "反正", "怎么说呢", "你看")
ASR_CLOSE = ("好了今天就到这里", "喜欢的话记得点赞关注", "拜拜", "我们下期见", "好那就这样", "")
OCR_EXTRA = ("第{n}步", "到手价{p}", "建议收藏", "{n}分钟搞定", "关注我", "完整版", "NO.{n}", "必看",
             "{n}/10", "干货")
PRICES = ("99", "59.9", "129", "39", "199", "9.9", "299")
FALLBACK_CORE = ("今日分享", "记录一下", "碎碎念", "好物分享", "日常碎片", "新的一期")
OPENERS_BARE = ("今天更新一期{dz}。", "随手记录。", "", "周末的快乐时光。", "又是元气满满的一天！")
ASR_BARE = ("今天随便拍拍", "今天跟大家唠唠", "我们直接开始吧", "先给大家看一下")


class Renderer:
    """Renders the four text fields of a video; holds only read-only lookups from the library."""

    def __init__(self, lib: Library, category_zh: dict[str, str]):
        self.lib = lib
        # only product-like leaves read well in 这个{cat}也很关键 (颜色, 鞋靴, 品牌...)
        self.cat_zh = {leaf: zh for leaf, zh in category_zh.items()
                       if leaf.startswith(("object.", "org.brand")) and leaf != "object.attribute.material"}

    def mention(self, i: int, modes: tuple[float, ...], rand) -> str | None:
        """How tag i shows up in this video's text, or None when it is not named at all."""
        lib = self.lib
        u = rand()
        if u < modes[0]:
            return lib.names[i]
        if u < modes[1]:
            if lib.aliases[i]:
                options = lib.aliases[i]
                return options[int(rand() * len(options))]
            u = modes[2]  # no alias: say it the way a split or an omission would
        elif u < modes[2] and lib.typo[i]:
            return lib.typo[i]
        if u < modes[3] and lib.comps[i]:
            return self.split(i, rand)
        return None

    def split(self, i: int, rand) -> str:
        """A phrase told through its components: other glue, other order, other function words."""
        lib = self.lib
        parts = [lib.names[c] for c in lib.comps[i]]
        prefix, suffix = lib.affix[i]
        if len(parts) > 1 and rand() < 0.4:
            parts.reverse()
        body = _GLUE[int(rand() * len(_GLUE))].join(parts)
        if prefix:
            say = _PREFIX_SAY.get(prefix, (prefix,))
            body = say[int(rand() * len(say))] + body
        if suffix:
            say = _SUFFIX_SAY.get(suffix, (suffix,))
            body += say[int(rand() * len(say))]
        return body

    def render(self, rand, domain: str, core: list[int], related: list[int],
               distractors: list[int], cues: list[str] = ()) -> tuple[str, str, str, str]:
        """(title, summary, asr, ocr) for a video with these hidden tags; each cue sentence (the words around
        a mood, demo/themes.py) goes into the summary or the ASR."""
        lib, pick = self.lib, _picker(rand)
        dom = DOMAINS[domain]
        core_says = [self.mention(i, CORE_MODES, rand) for i in core]
        rel_says = [self.mention(i, RELATED_MODES, rand) for i in related]
        said = [s for s in rel_says if s]
        hook = pick(dom.hooks)
        said_core = [s for s in core_says if s]
        c = said_core[0] if said_core else pick(FALLBACK_CORE)
        c_more = said_core[1:]
        r1 = said[0] if said else hook
        r2 = said[1] if len(said) > 1 else (c_more[0] if c_more else dom.zh)
        n = 1 + int(rand() * 9)
        fields = {"c": c, "h": hook, "r1": r1, "r2": r2, "dz": dom.zh, "n": n}
        title = pick(TITLES).format(**fields)

        contrast = [self._contrast(d, core + related, core_says + rel_says, pick) for d in distractors]
        summary = [pick(OPENERS).format(c=c) if said_core else pick(OPENERS_BARE).format(dz=dom.zh)]
        summary += [pick(RELATED_SAYS).format(r=s) for s in c_more + said]
        for i, s in zip(related, rel_says):
            if s is None and lib.leaf[i] in self.cat_zh and rand() < 0.4:
                summary.append(pick(IMPLIED).format(cat=self.cat_zh[lib.leaf[i]]))
        summary += contrast
        to_asr = []
        for cue in cues:
            (summary if rand() < 0.65 else to_asr).append(cue)
        summary.append(pick(CLOSERS).format(dz=dom.zh))
        if rand() < 0.3:
            summary.append(" #" + c + (" #" + r1 if said else ""))

        asr = [pick(ASR_OPEN), pick(ASR_CORE).format(c=c) if said_core else pick(ASR_BARE)]
        for s in said:
            asr.append(pick(ASR_RELATED).format(r=s))
            if rand() < 0.6:
                asr.append(pick(ASR_FILLERS))
        asr += contrast[:1]
        asr += to_asr
        asr.append(pick(ASR_CLOSE))

        ocr = [c[:max(2, len(c) - int(rand() * 3))] if rand() < 0.5 else c] if said_core else []
        if said and rand() < 0.5:
            ocr.append(pick(said))
        if rand() < 0.6:
            ocr.append(pick(OCR_EXTRA).format(n=n, p=pick(PRICES)))
        return title, "".join(summary), " ".join(a for a in asr if a), " ".join(ocr)

    def _contrast(self, d: int, gold: list[int], says: list[str | None], pick) -> str:
        """A clause naming distractor d, set against a gold sibling when there is one."""
        lib = self.lib
        sibling = next((s for g, s in zip(gold, says) if s and lib.leaf[g] == lib.leaf[d]), None)
        return pick(CONTRAST).format(d=lib.names[d], g=sibling or "这个")


def _picker(rand):
    """choice() on the caller's stream, without random.choice's overhead."""
    return lambda seq: seq[int(rand() * len(seq))]
