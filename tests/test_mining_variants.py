"""Typo and truncation evidence."""
import numpy as np

from mining.variants import sound_key, variant_features


def test_homophones_share_a_sound_key():
    assert sound_key("凉拌香菜") == sound_key("凉拌湘菜") != sound_key("凉拌白菜")
    assert sound_key("vlog") == "v l o g"


def test_variant_features():
    known = {"凉拌香菜", "洋桔梗养护"}
    texts = ["凉拌湘菜", "凉拌香菜", "洋桔梗养", "红色卫衣", "红色卫依", "红色卫", "蓝色卫衣"]
    counts = np.array([50, 400, 30, 200, 10, 5, 40])
    f = variant_features(texts, counts, known)
    assert f[0].tolist() == [1, 400 / 50, 0, 0]  # sounds like a known tag, and a commoner n-gram sounds the same
    assert f[1].tolist() == [0, 0, 0, 0]  # the known tag itself
    assert f[2, 2] == 1  # a known tag cut short
    assert f[3].tolist() == [0, 0, 0, 0]  # an unknown phrase with no commoner look-alike
    assert f[4, 0] == 0 and f[4, 1] == 200 / 10  # typo of a commoner n-gram
    assert f[5, 3] == 200 / 5  # 红色卫衣 cut short
    assert f[6].tolist() == [0, 0, 0, 0]


def test_one_character_and_commoner_look_alikes_are_no_slips():
    # 水 sounds like the tag 谁 but one character shares its sound with dozens; 黄河 is commoner than
    # the known 黄荷, so it is no slip of it (a slip is rarer than what it is a slip of) ...
    f = variant_features(["水", "黄河", "黄荷"], np.array([500, 300, 4]), {"谁", "黄荷"})
    assert f[0].tolist() == [0, 0, 0, 0]
    assert f[1].tolist() == [0, 0, 0, 0]
    assert f[2, 0] == 0 and f[2, 1] == 300 / 4  # ... while the rare 黄荷 looks like a slip of 黄河
