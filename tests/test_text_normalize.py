"""Normalisation and the dedupe key."""
from text.normalize import normalize, tag_key


def test_full_width_to_half_width_and_lowercase():
    assert normalize("全角ＡＢＣ１２３") == "全角abc123"
    assert normalize("ＶＬＯＧ日常") == "vlog日常"


def test_traditional_to_simplified():
    assert normalize("臺灣") == "台湾"
    assert normalize("頭髮護理") == "头发护理"
    assert normalize("一目瞭然") == "一目了然"  # a phrase-level rewrite whose characters are mostly simplified


def test_spaces_collapsed_and_stripped():
    assert normalize("  红色 \t  卫衣\n") == "红色 卫衣"
    assert normalize("\u3000红色\u3000") == "红色"  # ideographic space


def test_simplified_text_is_unchanged():
    text = "今天给大家分享一下红色卫衣的穿搭"
    assert normalize(text) == text


def test_tag_key_ignores_spaces_case_width_script_and_joiners():
    assert tag_key("红色 卫衣") == tag_key("紅色卫衣") == "红色卫衣"
    assert tag_key("SK-II") == tag_key("sk ii") == tag_key("ＳＫ·ＩＩ") == "skii"
    assert tag_key("9.9元") != tag_key("99元")  # the decimal point is kept
