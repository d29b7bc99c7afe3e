"""Phrase-tag patterns and content domains of the demo corpus (data only).

A pattern builds a phrase tag from atomic tags: each slot is a taxonomy leaf, a group of leaves
(``@name``), a named subset of one leaf (``~name``) or one fixed atomic tag (``=word``); the
phrase name is prefix + component names + suffix, so 白色 + 连衣裙 -> 白色连衣裙 and
如何 + 挑选 + 口红 -> 如何挑选口红. A domain says which leaves give a video about it its details
(related tags), its products and its atomic core tags.
"""
from __future__ import annotations

from typing import NamedTuple

GROUPS: dict[str, tuple[str, ...]] = {
    "clothing": ("object.clothing.dress", "object.clothing.top", "object.clothing.bottom",
                 "object.clothing.shoes", "object.clothing.accessory.hat",
                 "object.clothing.accessory.bag", "object.clothing.accessory.jewelry"),
    "garment": ("object.clothing.dress", "object.clothing.top", "object.clothing.bottom",
                "object.clothing.shoes"),
    "cosmetics": ("object.cosmetics.makeup", "object.cosmetics.skincare"),
    "ready_food": ("object.food.dish", "object.food.snack", "object.food.drink"),
    "screen_ip": ("ip.film", "ip.tv", "ip.anime", "ip.game"),
}

SUBSETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cook_method": ("event.cooking", ("红烧", "清蒸", "爆炒", "凉拌", "油炸", "干煸", "香煎", "清炖",
                                      "焖烧", "炭烤", "酱爆", "水煮", "白灼", "糖醋", "麻辣", "酸辣",
                                      "蒜蓉", "葱油", "椒盐", "黄焖", "手撕", "铁板")),
    "trip": ("event.travel", ("旅行", "旅游", "自驾游", "自由行", "周边游", "亲子游", "毕业旅行",
                              "穷游", "特种兵旅游", "citywalk", "露营")),
    "days": ("number.quantity", ("3天", "5天", "7天", "10天", "30天", "一天", "两天", "三天",
                                 "一周", "两周", "3周", "7周")),
    "buy": ("event.howto", ("挑选", "选购", "选")),
    "care": ("event.howto", ("清洗", "保养", "收纳", "整理")),
    "raise": ("event.howto", ("训练", "喂养", "养", "挑选")),
    "grow": ("event.howto", ("养护", "种植", "修剪", "养")),
    "beauty_act": ("event.beauty", ("护肤", "化妆", "卸妆", "底妆", "眼妆", "美白", "补水", "防晒",
                                    "祛痘", "抗老", "美甲", "编发")),
    "festival": ("time.festival", ("春节", "中秋节", "端午节", "元宵节", "七夕", "情人节", "圣诞节",
                                   "国庆节", "元旦", "跨年", "除夕", "母亲节", "儿童节", "万圣节",
                                   "双十一", "618", "520", "毕业季", "开学季")),
    "season4": ("time.season", ("春天", "夏天", "秋天", "冬天", "春季", "夏季", "秋季", "冬季", "初秋",
                                "盛夏", "初夏", "早春", "深秋", "换季", "三伏天", "立秋", "立冬")),
    "room": ("place.venue", ("卧室", "客厅", "厨房", "阳台", "卫生间", "衣帽间", "出租屋", "宿舍",
                             "办公室", "书店", "咖啡馆", "菜园", "校园")),
    "adult_age": ("number.age", ("18岁", "20岁", "25岁", "28岁", "30岁", "35岁", "40岁", "45岁",
                                 "50岁", "00后", "90后", "95后", "80后", "05后")),
    "buyer": ("being.person.role", ("学生党", "上班族", "宝妈", "打工人", "大学生", "新手小白",
                                    "职场新人", "高中生", "独居女生", "租房党", "情侣")),
    "workout": ("event.fitness", ("健身", "瑜伽", "跑步", "减脂", "增肌", "普拉提", "跳绳", "拉伸",
                                  "跳操", "塑形", "瘦腿", "瘦腰", "深蹲", "腰腹训练", "体态矫正")),
}


class Pattern(NamedTuple):
    domain: str
    slots: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""
    weight: float = 1.0


PATTERNS: tuple[Pattern, ...] = (
    # fashion
    Pattern("fashion", ("object.attribute.color", "@clothing"), weight=6),
    Pattern("fashion", ("object.attribute.style", "=穿搭"), weight=3),
    Pattern("fashion", ("~season4", "=穿搭"), weight=2),
    Pattern("fashion", ("object.attribute.style", "@clothing"), weight=4),
    Pattern("fashion", ("object.attribute.material", "@garment"), weight=3),
    Pattern("fashion", ("object.attribute.style", "object.attribute.color", "@garment"), weight=2),
    Pattern("fashion", ("being.person.role", "=穿搭"), weight=2),
    Pattern("fashion", ("number.size", "=穿搭"), weight=1),
    Pattern("fashion", ("~adult_age", "=穿搭"), weight=1),
    Pattern("fashion", ("org.brand.fashion", "@clothing"), weight=3),
    Pattern("fashion", ("@clothing", "=搭配"), weight=2),
    Pattern("fashion", ("~buy", "@clothing"), prefix="如何", weight=1),
    Pattern("fashion", ("@clothing",), suffix="怎么搭", weight=1),
    Pattern("fashion", ("being.person.celebrity", "=同款"), weight=1),
    Pattern("fashion", ("~festival", "=穿搭"), weight=1),
    # beauty
    Pattern("beauty", ("org.brand.beauty", "@cosmetics"), weight=4),
    Pattern("beauty", ("object.attribute.style", "=妆容"), weight=2),
    Pattern("beauty", ("~buy", "@cosmetics"), prefix="如何", weight=2),
    Pattern("beauty", ("number.price", "@cosmetics"), weight=2),
    Pattern("beauty", ("time.daypart", "~beauty_act"), weight=1),
    Pattern("beauty", ("~adult_age", "~beauty_act"), weight=2),
    Pattern("beauty", ("@cosmetics", "=测评"), weight=2),
    Pattern("beauty", ("object.attribute.color", "object.cosmetics.makeup"), weight=3),
    Pattern("beauty", ("@screen_ip", "=仿妆"), weight=1),
    Pattern("beauty", ("~festival", "=妆容"), weight=1),
    Pattern("beauty", ("~buyer", "~beauty_act"), weight=1),
    Pattern("beauty", ("@cosmetics",), suffix="哪个好用", weight=1),
    # food
    Pattern("food", ("object.food.dish", "=做法"), weight=4),
    Pattern("food", ("object.food.dish",), suffix="怎么做", weight=2),
    Pattern("food", ("~cook_method", "object.food.ingredient"), weight=5),
    Pattern("food", ("~festival", "=美食"), weight=1),
    Pattern("food", ("~festival", "@ready_food"), weight=2),
    Pattern("food", ("place.city", "=美食"), weight=3),
    Pattern("food", ("place.city", "object.food.dish"), weight=2),
    Pattern("food", ("place.city", "=探店"), weight=2),
    Pattern("food", ("org.brand.food", "object.food.drink"), weight=2),
    Pattern("food", ("object.food.snack", "=测评"), weight=1),
    Pattern("food", ("~season4", "object.food.drink"), weight=1),
    Pattern("food", ("~days", "=减脂餐"), weight=1),
    # travel
    Pattern("travel", ("place.city", "place.scenic", "~trip", "=vlog"), weight=2),
    Pattern("travel", ("place.city", "~trip"), weight=4),
    Pattern("travel", ("place.province", "~trip"), weight=2),
    Pattern("travel", ("place.country", "~trip"), weight=2),
    Pattern("travel", ("place.scenic", "=攻略"), weight=3),
    Pattern("travel", ("place.city", "=攻略"), weight=2),
    Pattern("travel", ("~days", "place.city", "=攻略"), weight=1),
    Pattern("travel", ("~season4", "place.city", "~trip"), weight=1),
    Pattern("travel", ("~festival", "~trip"), weight=1),
    Pattern("travel", ("place.scenic", "=打卡"), weight=1),
    # digital
    Pattern("digital", ("org.brand.digital", "object.digital"), weight=4),
    Pattern("digital", ("object.digital", "=测评"), weight=3),
    Pattern("digital", ("object.digital", "=开箱"), weight=2),
    Pattern("digital", ("number.price", "object.digital"), weight=2),
    Pattern("digital", ("~buy", "object.digital"), prefix="如何", weight=1),
    Pattern("digital", ("~buyer", "object.digital"), weight=1),
    Pattern("digital", ("object.digital",), suffix="哪个好", weight=1),
    # home
    Pattern("home", ("object.attribute.style", "=装修"), weight=3),
    Pattern("home", ("object.home", "~care"), weight=2),
    Pattern("home", ("number.price", "object.home"), weight=1),
    Pattern("home", ("~room", "=改造"), weight=2),
    Pattern("home", ("org.brand.digital", "object.home"), weight=1),
    Pattern("home", ("object.home", "=测评"), weight=1),
    Pattern("home", ("object.attribute.style", "object.home"), weight=2),
    # pets and animals
    Pattern("pet", ("being.animal.pet", "=日常"), weight=4),
    Pattern("pet", ("being.animal.pet", "=vlog"), weight=1),
    Pattern("pet", ("~raise", "being.animal.pet"), prefix="如何", weight=2),
    Pattern("pet", ("being.animal.wild", "=科普"), weight=2),
    Pattern("pet", ("being.animal.pet", "=搞笑"), weight=1),
    # fitness
    Pattern("fitness", ("~days", "~workout"), weight=2),
    Pattern("fitness", ("~workout", "=教程"), weight=3),
    Pattern("fitness", ("~buyer", "~workout"), weight=2),
    Pattern("fitness", ("time.daypart", "~workout"), weight=1),
    Pattern("fitness", ("=居家", "~workout"), weight=2),
    Pattern("fitness", ("event.fitness", "=入门"), weight=1),
    Pattern("fitness", ("~workout", "=穿搭"), weight=1),
    # IP and culture
    Pattern("culture", ("ip.game", "=攻略"), weight=3),
    Pattern("culture", ("ip.film", "=解说"), weight=2),
    Pattern("culture", ("ip.tv", "=名场面"), weight=2),
    Pattern("culture", ("@screen_ip", "=周边"), weight=1),
    Pattern("culture", ("ip.literature", "=解说"), weight=1),
    Pattern("culture", ("being.person.celebrity", "=翻唱"), weight=1),
    Pattern("culture", ("org.school", "=vlog"), weight=1),
    # plants
    Pattern("plant", ("being.plant", "=养护"), weight=3),
    Pattern("plant", ("~grow", "being.plant"), prefix="如何", weight=1),
    Pattern("plant", ("place.city", "being.plant"), weight=1),
    Pattern("plant", ("~season4", "being.plant"), weight=1),
)


class Domain(NamedTuple):
    zh: str
    related: tuple[str, ...]   # leaves that give related (detail) tags
    products: tuple[str, ...]  # leaves of the products attached to its videos
    core_atomic: tuple[str, ...]  # leaves whose atomic tags can be a core tag on their own
    hooks: tuple[str, ...]     # title hooks
    durations: tuple[int, int]


C = GROUPS["clothing"]
DOMAINS: dict[str, Domain] = {
    "fashion": Domain(
        "穿搭", (*C, "object.attribute.color", "object.attribute.style", "object.attribute.material",
                "time.season", "number.size", "being.person.role", "org.brand.fashion", "event.fashion",
                "place.city"),
        C, ("event.fashion", "object.attribute.style"),
        ("显瘦又显高", "小个子必看", "谁穿谁好看", "温柔到骨子里", "一周不重样", "氛围感拉满", "绝美"),
        (15, 120)),
    "beauty": Domain(
        "美妆", ("object.cosmetics.makeup", "object.cosmetics.skincare", "event.beauty",
                 "object.attribute.style", "object.attribute.color", "number.age", "being.person.role",
                 "org.brand.beauty", "time.daypart", "number.price"),
        GROUPS["cosmetics"], ("event.beauty",),
        ("新手也能学会", "手残党必看", "持妆一整天", "素颜感拉满", "伪素颜", "干皮亲妈", "黄黑皮必看"),
        (20, 300)),
    "food": Domain(
        "美食", ("object.food.dish", "object.food.snack", "object.food.drink", "object.food.ingredient",
                 "event.cooking", "place.city", "time.festival", "time.season", "org.brand.food",
                 "time.daypart", "object.home"),
        ("object.food.snack", "object.food.drink", "object.food.ingredient", "object.home"),
        ("event.cooking", "object.food.dish"),
        ("超级下饭", "零失败", "好吃到舔盘", "懒人版", "一学就会", "巨巨巨好吃", "家常味道"),
        (30, 600)),
    "travel": Domain(
        "旅行", ("place.city", "place.province", "place.country", "place.scenic", "place.venue",
                 "event.travel", "time.season", "time.festival", "time.daypart", "object.food.dish",
                 "object.food.snack", "number.quantity", "object.clothing.accessory.bag"),
        ("object.clothing.accessory.bag", "object.cosmetics.skincare", "object.digital",
         "object.clothing.shoes"),
        ("event.travel", "place.scenic"),
        ("人少景美", "保姆级攻略", "本地人推荐", "一个人也能玩", "美哭了", "出片率超高", "人均500"),
        (30, 900)),
    "digital": Domain(
        "数码", ("object.digital", "org.brand.digital", "number.price", "event.howto", "event.vlog",
                 "being.person.role", "being.person.occupation"),
        ("object.digital",), ("object.digital",),
        ("真实体验", "用了一个月", "值不值得买", "避坑指南", "性价比之王", "一镜到底", "深度体验"),
        (60, 900)),
    "home": Domain(
        "家居", ("object.home", "object.attribute.style", "object.attribute.color", "event.howto",
                 "event.vlog", "number.price", "place.venue", "org.brand.digital", "being.person.role"),
        ("object.home",), ("object.home",),
        ("小户型必看", "低成本改造", "幸福感爆棚", "租房也能", "住进ins风", "治愈感", "一看就会"),
        (30, 600)),
    "pet": Domain(
        "萌宠", ("being.animal.pet", "being.animal.wild", "event.vlog", "event.howto",
                 "time.daypart", "being.person.role", "place.venue", "object.home"),
        ("object.home", "object.food.snack"), ("being.animal.pet", "being.animal.wild"),
        ("太可爱了", "笑死我了", "治愈系", "主子的一天", "萌化了", "狗生赢家", "猫生百态"),
        (10, 180)),
    "fitness": Domain(
        "健身", ("event.fitness", "number.quantity", "time.daypart", "being.person.role",
                 "place.venue", "object.clothing.top", "object.clothing.bottom", "object.clothing.shoes",
                 "object.food.dish", "number.size"),
        ("object.clothing.top", "object.clothing.bottom", "object.clothing.shoes", "object.digital"),
        ("event.fitness",),
        ("跟练", "坚持打卡", "暴汗", "在家就能练", "亲测有效", "零基础", "告别小肚子"),
        (60, 1200)),
    "culture": Domain(
        "影视文娱", ("ip.film", "ip.tv", "ip.game", "ip.anime", "ip.literature", "being.person.celebrity",
                     "event.vlog", "being.person.role", "org.school", "time.year"),
        ("object.digital", "object.home"), ("ip.film", "ip.tv", "ip.game", "ip.anime"),
        ("名场面", "细节拉满", "爷青回", "二刷发现", "神还原", "高能预警", "一口气看完"),
        (30, 1200)),
    "plant": Domain(
        "绿植", ("being.plant", "event.howto", "object.home", "time.season", "place.venue",
                 "place.city"),
        ("object.home",), ("being.plant",),
        ("新手友好", "爆盆", "养不死", "阳台花园", "春日限定", "治愈感", "一看就会"),
        (20, 300)),
}

# Words shops put in product titles around the object; the second set only suits things people wear.
MARKETING = ("新款", "包邮", "正品", "官方旗舰店", "爆款", "同款", "高级感", "2026新款", "网红",
             "限时特价", "买一送一", "现货", "学生", "小众设计", "原创", "ins", "日常", "送礼", "热卖",
             "家用", "大容量", "便携")
MARKETING_WEAR = ("显瘦", "百搭", "ins风", "2026春季", "2026夏季", "秋冬", "加厚", "大码", "女", "男",
                  "韩版", "宽松", "修身", "法式", "气质")

# Words users add to search queries around a tag.
QUERY_MODIFIERS = ("显瘦", "推荐", "教程", "平价", "2026", "新款", "攻略", "怎么选", "好看", "女",
                   "小个子", "学生党", "测评", "同款", "便宜", "高级感", "夏天", "冬天", "简单", "视频")
