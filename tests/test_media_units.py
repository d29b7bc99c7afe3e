"""The media path on real files made here (PyAV-encoded clips of rendered frames): scene cuts, subtitles,
OCR accuracy on rendered Chinese subtitles, EfficientNet-Lite0 on scikit-image's cat, near duplicates."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from demo.clips import char_accuracy
from media import hashes, ocr, subtitles, visual
from media.asr import describe, load_plugin
from media.extract import extract
from media.keyframes import choose_scan, extract_keyframes, key_times, resolve_scan
from media.limits import Limits, MediaError
from media_clips import SMALL, audio_only, scenes_clip

LIMITS = Limits()


def test_keyframes_at_scene_cuts(tmp_path):
    clip = scenes_clip(tmp_path / "cuts.mp4", photos=("chelsea", "rocket", "coffee", "astronaut"), seconds=2.0)
    kfs = extract_keyframes(str(clip), 8.0, LIMITS)
    assert kfs[0].cover and kfs[0].t == 0
    cuts = [k.t for k in kfs if k.cut > 0]
    # each cut found within one comparison step (1 / scene_fps) after it, and nothing else
    assert len(cuts) == 3 and all(0 <= t - c <= 1 / LIMITS.scene_fps + 1e-6 for t, c in zip(cuts, (2.0, 4.0, 6.0)))
    # the cap keeps the strongest cuts
    capped = extract_keyframes(str(clip), 8.0, replace(LIMITS, max_keyframes=2))
    assert len(capped) == 2 and capped[0].cover and capped[1].cut == max(k.cut for k in kfs)


def test_choose_scan_trusts_only_dense_key_frames():
    assert choose_scan([0.0, 1.0, 2.0, 3.0], 4.0, LIMITS) == "keyframes"           # a 1 s GOP
    assert choose_scan([0.0, 2.0, 4.0], 6.5, LIMITS) == "all"                      # the end is 2.5 s after the last
    assert choose_scan([0.0, 3.7, 7.5, 10.0, 11.2], 12.0, LIMITS) == "all"         # uneven, but far apart
    assert choose_scan([0.0], 1.5, LIMITS) == "all"                                # one key frame shows nothing


def test_a_file_without_video_is_a_decode_error(tmp_path):
    """Both scans open files the same way: a reason a user can act on, never an IndexError."""
    import pytest

    clip = str(audio_only(tmp_path / "audio.mp4"))
    for scan in (lambda: key_times(clip), lambda: extract_keyframes(clip, 1.0, LIMITS, scan="all")):
        with pytest.raises(MediaError, match="no video stream"):
            scan()


def test_auto_scan_on_real_streams(tmp_path):
    """A 1 s GOP: auto takes the key-frame scan, each cut seen within a second at most. x264's own key frames (it left
    the cut at 2 s unmarked in this clip) and a fixed 4 s GOP: the full scan, which finds all three cuts."""
    photos, lines = ("chelsea", "rocket", "coffee", "astronaut"), ("今天带大家去杭州西湖", "断桥残雪真的太美了", "红烧肉", "连衣裙")
    dense = scenes_clip(tmp_path / "dense.mp4", photos=photos, seconds=2.5,
                        options={"x264-params": "scenecut=0:keyint=10:min-keyint=10"})
    assert key_times(str(dense)) == [float(t) for t in range(10)]
    assert resolve_scan(str(dense), 10.0, LIMITS, "auto") == "keyframes"
    found = [k.t for k in extract_keyframes(str(dense), 10.0, LIMITS, "auto") if k.cut > 0]
    # every cut seen at the next key frame (a pan compared over a whole second may add a frame, never loses one)
    assert all(any(0 <= t - c <= 1.0 for t in found) for c in (2.5, 5.0, 7.5)) and len(found) <= 4
    for name, options, keys in (("x264.mp4", None, [0.0, 4.0, 6.0]),
                                ("fixed.mp4", {"x264-params": "scenecut=0:keyint=40:min-keyint=40"}, [0.0, 4.0])):
        clip = scenes_clip(tmp_path / name, photos=photos, seconds=2.0, lines=lines, title="周末旅行vlog",
                           size=(640, 360), options=options)
        assert key_times(str(clip)) == keys and resolve_scan(str(clip), 8.0, LIMITS, "auto") == "all"
        found = [k.t for k in extract_keyframes(str(clip), 8.0, LIMITS, "auto") if k.cut > 0]
        assert len(found) == 3 and all(0 <= t - c <= 1 / LIMITS.scene_fps + 1e-6 for t, c in zip(found, (2.0, 4.0, 6.0)))
        missed = [k.t for k in extract_keyframes(str(clip), 8.0, LIMITS, "keyframes") if k.cut > 0]
        assert missed == [k for k in keys if k > 0]      # the key-frame scan sees cuts at key frames only
        assert extract(clip, LIMITS, use_ocr=False).scan == "all"


def test_keyframes_evenly_spread_without_cuts(tmp_path):
    clip = scenes_clip(tmp_path / "one.mp4", photos=("astronaut",), seconds=8.0)
    kfs = extract_keyframes(str(clip), 8.0, LIMITS)
    times = [k.t for k in kfs]
    assert len(kfs) == LIMITS.max_keyframes and all(k.cut == 0 for k in kfs)
    assert times == sorted(times) and max(np.diff(times)) <= 1.6 and times[-1] >= 6.0


def test_subtitle_parsing_and_line_merging():
    srt = "1\n00:00:01,000 --> 00:00:02,500\n<i>今天去西湖</i>\n\n2\n00:00:02,500 --> 00:00:04,000\n今天去西湖\n\n" \
          "3\n00:00:04,000 --> 00:00:05,000\n断桥残雪\n"
    vtt = "WEBVTT\n\nNOTE a comment\n\n00:01.000 --> 00:02.000 align:middle\n{\\an8}你好\n\n00:02.000 --> 00:03.000\n世界\n"
    cues = subtitles.parse_cues(srt)
    assert [(c.start, c.text) for c in cues] == [(1.0, "今天去西湖"), (2.5, "今天去西湖"), (4.0, "断桥残雪")]
    assert subtitles.cues_text(cues, 100) == "今天去西湖 断桥残雪"
    assert [c.text for c in subtitles.parse_cues(vtt)] == ["你好", "世界"]
    line = lambda text, conf=0.9: ocr.OcrLine(text, [[0, 0]] * 4, conf)
    merged = ocr.merge_lines([(0.0, [line("杭州西湖旅行"), line("今天带大家去西湖")]),
                              (2.0, [line("杭州西湖旅行"), line("今天带大家去西湖", 0.95)]),
                              (4.0, [line("杭州西湖旅行"), line("断桥看雪")])])
    assert [(m.text, m.frames) for m in merged] == [("杭州西湖旅行", [0, 1, 2]), ("今天带大家去西湖", [0, 1]), ("断桥看雪", [2])]
    assert ocr.ocr_text(merged) == "杭州西湖旅行\n今天带大家去西湖\n断桥看雪"


def test_subtitle_track_and_sidecar_become_asr(tmp_path):
    lines = ("今天带大家去西湖", "断桥看雪")
    track = scenes_clip(tmp_path / "track.mkv", photos=("coffee", "rocket"), lines=lines, subtitle_track=True, burn=False)
    rec = extract(track, LIMITS, use_ocr=False)
    assert rec.asr == "今天带大家去西湖 断桥看雪" and rec.asr_source == "subtitle-stream"
    plain = scenes_clip(tmp_path / "side.mp4", photos=("coffee", "rocket"), burn=False)
    (tmp_path / "side.zh.vtt").write_text("WEBVTT\n\n00:00.500 --> 00:01.500\n旁白一句\n", encoding="utf-8")
    rec = extract(plain, LIMITS, use_ocr=False)
    assert rec.asr == "旁白一句" and rec.asr_source == "sidecar:side.zh.vtt"
    assert rec.codec == "h264" and (rec.width, rec.height) == SMALL and rec.duration_s == 4.0
    assert len(rec.visual) == visual.DIM and abs(np.linalg.norm(rec.visual) - 1) < 1e-3


def test_ocr_reads_rendered_chinese_subtitles(tmp_path):
    lines = ("今天带大家去杭州西湖", "断桥残雪真的太美了", "红烧肉的家常做法", "夏天的白色连衣裙")
    clip = scenes_clip(tmp_path / "subs.mp4", photos=("chelsea", "rocket", "coffee", "astronaut"), lines=lines,
                       title="周末旅行vlog", size=(640, 360))
    rec = extract(clip, LIMITS)
    assert len(rec.frames) == 4
    read = [max(f.ocr, key=lambda line: line.box[0][1]).text if f.ocr else "" for f in rec.frames]  # lowest line
    acc = char_accuracy("".join(read), "".join(lines))
    assert acc >= 0.9, (acc, read)
    # boxes in frame pixels, confidences, the title merged into one line across the four frames
    assert all(0 <= p[0] <= 640 and 0 <= p[1] <= 360 for f in rec.frames for line in f.ocr for p in line.box)
    assert all(line.conf >= ocr.MIN_CONF for f in rec.frames for line in f.ocr)
    titles = [m for m in rec.ocr_lines if char_accuracy(m.text, "周末旅行vlog") >= 0.8]
    assert len(titles) == 1 and len(titles[0].frames) == 4 and rec.ocr_text.count("旅行") == 1


def test_efficientnet_sees_the_cat():
    from skimage import data

    feats, probs = visual.embed([data.chelsea(), data.rocket()])
    cat = [name for name, _ in visual.top_classes(probs)[0]]
    assert feats.shape == (2, visual.DIM) and abs(probs.sum(1) - 1).max() < 1e-4
    assert any(n in ("tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat") for n in cat), cat
    assert not any("cat" in n for n, _ in visual.top_classes(probs)[1][:1])


def test_reencoded_clip_is_a_near_duplicate(tmp_path):
    photos = ("chelsea", "rocket", "coffee")
    a = scenes_clip(tmp_path / "a.mp4", photos=photos, bitrate=2_000_000)
    b = scenes_clip(tmp_path / "b.mp4", photos=photos, bitrate=120_000)
    c = scenes_clip(tmp_path / "c.mp4", photos=("astronaut", "moon", "brick"))
    assert a.stat().st_size > 2 * b.stat().st_size        # really another encoding
    bits = {k: hashes.to_bits([hashes.phash(f.rgb) for f in extract_keyframes(str(p), 6.0, LIMITS)])
            for k, p in (("a", a), ("b", b), ("c", c))}
    same, other = hashes.video_distance(bits["a"], bits["b"]), hashes.video_distance(bits["a"], bits["c"])
    assert same <= hashes.NEAR_DUPLICATE_BITS < other, (same, other)
    index = hashes.HashIndex()
    index.add("a", [hashes.phash(f.rgb) for f in extract_keyframes(str(a), 6.0, LIMITS)])
    index.add("c", [hashes.phash(f.rgb) for f in extract_keyframes(str(c), 6.0, LIMITS)])
    near = index.near([hashes.phash(f.rgb) for f in extract_keyframes(str(b), 6.0, LIMITS)])
    assert [v for v, _ in near] == ["a"]


def test_speech_recognition_is_off_by_default(monkeypatch):
    monkeypatch.delenv("TAGKG_ASR_PLUGIN", raising=False)
    assert load_plugin() is None and describe(None).startswith("off")
