"""Theme, genre and occasion tags: what human labels add beyond the things a video names.

A labeller who watches a video about 杭州探店 also tags it 美食探店; one who hears 离家好多年了 and
妈妈做的味道 tags it 思乡. Such tags are implied by the content and never written in it. Each demo
video gets them from the words the generator chose for it, never at random:
- a genre, from the fixed words of its gold tags' names (探店 -> 美食探店, 做法 -> 美食教程; the
  domain's default genre otherwise): every video has one;
- an occasion, 节日氛围, when one of its gold tags has a festival component (春节, 中秋节...);
- moods (思乡, 烟火气, 怀旧...), each chosen for a few videos of its domains; the generator then writes
  one of the mood's cue sentences (the words around it) into the summary or the ASR.
Theme tags are approved atomic tags of the library (leaf event.vlog: content forms and themes) but no
template, lexicon pick or mention mode ever writes them, and a video whose text names one by chance
does not get it as an implied label (`unnamed`).
"""
from __future__ import annotations

from typing import NamedTuple

from text.normalize import tag_key

LEAF = "event.vlog"
OCCASION_LEAF, OCCASION = "time.festival", "节日氛围"
MOOD_RATE = 0.14   # chance per mood of its domains that a video is about it

# domain -> ((genre, words in a gold tag's name that make it that genre), ...) first match wins; the last
# entry, with no words, is the domain's default
GENRES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "food": (("美食探店", ("探店",)), ("美食教程", ("做法", "怎么做")), ("好物测评", ("测评",)),
             ("健康饮食", ("减脂餐",)), ("吃货日常", ())),
    "fashion": (("明星同款穿搭", ("同款",)), ("搭配技巧", ("搭配", "怎么搭", "如何")), ("穿搭灵感", ())),
    "beauty": (("好物测评", ("测评", "哪个好用")), ("美妆教程", ("如何", "化妆", "底妆", "眼妆")),
               ("创意妆容", ("仿妆",)), ("变美日常", ())),
    "travel": (("旅行攻略", ("攻略",)), ("旅行记录", ())),
    "digital": (("好物测评", ("测评", "哪个好")), ("开箱体验", ("开箱",)), ("选购指南", ("如何",)),
                ("数码科技", ())),
    "home": (("装修灵感", ("装修", "改造")), ("好物测评", ("测评",)),
             ("生活技巧", ("清洗", "保养", "收纳", "整理")), ("居家生活", ())),
    "pet": (("动物百科", ("科普",)), ("养宠经验", ("如何", "训练", "喂养")), ("萌宠日常", ())),
    "fitness": (("健身干货", ("教程", "入门")), ("自律生活", ())),
    "culture": (("游戏技巧", ("攻略",)), ("剧情解读", ("解说", "名场面")), ("文娱热点", ())),
    "plant": (("园艺生活", ()),),
}


class Mood(NamedTuple):
    name: str
    domains: tuple[str, ...]
    cues: tuple[str, ...]   # sentences that imply the mood without naming it


MOODS: tuple[Mood, ...] = (
    Mood("思乡", ("food", "travel", "culture"),
         ("离家好多年了，", "在外地总会想起小时候，", "每次回老家都要吃上一口。", "还是妈妈做的味道最好。",
          "一个人在外漂着，", "好想回家看看。")),
    Mood("烟火气", ("food", "travel", "home"),
         ("街边小摊热气腾腾，", "夜市里人挤人，", "楼下早点铺天不亮就开门了。", "锅里滋滋作响，")),
    Mood("怀旧", ("culture", "food", "fashion"),
         ("小时候最爱这一口，", "满满都是回忆。", "那时候我们都还小，", "一下子回到了十年前。")),
    Mood("仪式感", ("home", "food", "beauty", "fashion"),
         ("认真对待生活里的每一天，", "给平淡的日子加点甜。", "点上蜡烛铺好桌布，", "再忙也要好好吃饭。")),
    Mood("独居生活", ("home", "food", "pet"),
         ("一个人住的第三年，", "自己一个人也要过得好好的。", "下班回到小小的出租屋，")),
    Mood("解压", ("pet", "culture", "home", "plant"),
         ("看完心情都变好了。", "烦的时候就来看看，", "整个人都放松下来了。", "上班累了看一眼就好。")),
    Mood("约会", ("fashion", "beauty", "food"),
         ("周末和男朋友出去，", "第一次见面穿什么，", "和对象一起去吃的，")),
    Mood("省钱", ("fashion", "beauty", "digital", "home"),
         ("不到一百块搞定，", "钱要花在刀刃上。", "这个价格真的很香，", "月底吃土也能买。")),
)


def theme_names() -> list[str]:
    """Every theme tag name, in a fixed order (library ids follow it)."""
    names = [g for genres in GENRES.values() for g, _ in genres] + [OCCASION] + [m.name for m in MOODS]
    return list(dict.fromkeys(names))


def theme_ids(lib) -> dict[str, int]:
    """Theme name -> library index: new approved atomic tags (leaf LEAF), or the existing tag of that name.

    New theme tags stay out of lib.by_leaf, so no related-tag, distractor or product pick ever names them."""
    out = {}
    for name in theme_names():
        if name in lib.by_name or tag_key(name) in lib.keys:
            out[name] = next(i for i, n in enumerate(lib.names) if tag_key(n) == tag_key(name))
            continue
        i = len(lib.names)
        lib.names.append(name)
        lib.leaf.append(LEAF)
        lib.comps.append(())
        lib.domain.append(None)
        lib.affix.append(("", ""))
        lib.aliases.append(())
        lib.typo.append(None)
        lib.by_name[name] = i
        lib.keys.add(tag_key(name))
        out[name] = i
    return out


def pick(lib, themes: dict[str, int], rand, domain: str, gold: list[int]) -> tuple[list[int], list[str]]:
    """(theme tags, cue sentences to write) of one video, from its domain and its gold tags (core first)."""
    names = [lib.names[t] for t in gold]
    genre = next(g for g, words in GENRES[domain] if not words or any(w in n for n in names for w in words))
    out = [themes[genre]]
    if any(lib.leaf[c] == OCCASION_LEAF for t in gold for c in (lib.comps[t] or (t,))):
        out.append(themes[OCCASION])
    cues = []
    for mood in MOODS:
        if domain in mood.domains and rand() < MOOD_RATE:
            out.append(themes[mood.name])
            cues.append(mood.cues[int(rand() * len(mood.cues))])
    return list(dict.fromkeys(t for t in out if t not in gold)), cues


def unnamed(lib, tags: list[int], texts: tuple[str, ...]) -> list[int]:
    """The tags none of whose surface forms (name, aliases) occurs in any of the texts."""
    return [t for t in tags
            if not any(f and f in text for f in (lib.names[t], *lib.aliases[t]) for text in texts)]
