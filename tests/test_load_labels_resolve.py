"""Label rows resolved to tags in memory: name tiers, aliases, merge chains (no services)."""
from loaders.labels import TagDirectory, resolve
from loaders.models import LabelRow

LIBRARY = [
    {"id": "a1", "name": "连衣裙", "aliases": ["长裙"], "status": "approved"},
    {"id": "c1", "name": "连衣裙", "aliases": [], "status": "candidate"},        # loses to the approved name
    {"id": "m1", "name": "裙子", "aliases": [], "status": "merged", "merged_into": "m2"},
    {"id": "m2", "name": "半裙", "aliases": [], "status": "merged", "merged_into": "a1"},   # a chain m1 -> m2 -> a1
    {"id": "a2", "name": "长裙", "aliases": [], "status": "candidate"},         # a name beats a1's alias
    {"id": "x1", "name": "旧标签", "aliases": [], "status": "merged"},           # merged, redirect gone
    {"id": "r1", "name": "白色", "aliases": [], "status": "rejected"},
    {"id": "p1", "name": "SK-II", "aliases": ["神仙水"], "status": "approved"},
    {"id": "p2", "name": "精华", "aliases": ["神仙水"], "status": "approved"},   # two aliases: ambiguous
]
D = TagDirectory.from_rows(LIBRARY)


def by_name(name):
    return resolve(LabelRow(video_id="v", tag_name=name), D)


def test_name_tiers_and_normalised_names():
    assert by_name("连衣裙").tag_id == "a1" and by_name("连衣裙").note is None
    assert by_name("长裙").tag_id == "a2"            # a candidate's own name before an approved alias
    assert by_name("sk ii").tag_id == "p1"           # compared by tag_key: case, spaces, joiners
    res = by_name("神仙水")
    assert res.tag_id is None and res.field == "tag_name" and "p1, p2" in res.reason
    assert by_name("白色").tag_id is None and "unknown tag name" in by_name("白色").reason


def test_merge_chains_are_followed_and_noted():
    res = resolve(LabelRow(video_id="v", tag_id="m1"), D)
    assert res.tag_id == "a1" and "m1" in res.note and "merged into a1" in res.note
    assert by_name("裙子").tag_id == "a1" and by_name("裙子").note
    assert D.survivor("a1") == "a1"


def test_rejected_and_dangling_merged_tags_cannot_be_labelled():
    for tag_id in ("r1", "x1"):
        res = resolve(LabelRow(video_id="v", tag_id=tag_id), D)
        assert res.tag_id is None and res.field == "tag_id" and "cannot be labelled" in res.reason
    assert resolve(LabelRow(video_id="v", tag_id="nope"), D).reason == "unknown tag id: nope"
