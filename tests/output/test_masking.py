"""Masking keeps enough to recognise a value and hides the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.masking import mask, mask_spans


@pytest.mark.parametrize("value, kind, expected", [
    ("520221198003154517", "id_card", "520221********4517"),
    ("13885811234", "mobile", "138****1234"),
    ("6222021234567890123", "bank_card", "6222***********0123"),
    ("zhangsan@example.com", "email", "z***@example.com"),
    ("王德贵", "person_name", "王**"),
    ("欧阳娜娜", "person_name", "欧***"),
    ("0858-8123456", "landline", "0858-*****56"),
])
def test_masked_forms(value, kind, expected):
    assert mask(value, kind) == expected


@given(st.text(min_size=1, max_size=40), st.sampled_from(["id_card", "mobile", "landline", "bank_card", "email",
                                                          "person_name", "address", "passport", "license_plate",
                                                          "health_info", "other"]))
def test_masking_never_returns_the_value_and_keeps_length(value, kind):
    masked = mask(value, kind)
    if kind != "email":
        assert len(masked) == len(value)
    if len(value) >= 2 and kind != "email":
        assert "*" in masked


def test_mask_spans_masks_each_span_in_place():
    text = "户主王德贵，身份证号520221198003154517。"
    spans = [(2, 5, "person_name"), (10, 28, "id_card")]
    assert mask_spans(text, spans) == "户主王**，身份证号520221********4517。"


def test_excerpts_never_cut_a_value_so_it_is_masked_the_same_everywhere(check_text):
    """A window edge inside a phone number would mask a fragment differently from the finding."""
    report = check_text("各村于2025年3月20日前将复核结果报镇农业服务中心，申请人：李明，家庭电话：0858-8123456。")
    from gongkai.masking import shown_text
    from gongkai.output.render import shown_excerpt

    phones = {shown_text(f, False) for f in report.findings if f.kind == "landline"}
    assert phones
    for f in report.findings:
        excerpt = shown_excerpt(f, False) or ""
        assert "8123456" not in excerpt
        if "0858" in excerpt:
            assert any(p in excerpt for p in phones), excerpt


def _masker(values, many: bool):
    from types import SimpleNamespace

    from gongkai import masking

    found = [SimpleNamespace(sensitive=True, text=v, kind="person_name") for v in values]
    saved = masking.MANY_VALUES
    masking.MANY_VALUES = -1 if many else 10**9
    try:
        return masking.Masker(found)
    finally:
        masking.MANY_VALUES = saved


@given(st.lists(st.text(alphabet="张三丰王芳12", min_size=2, max_size=4), min_size=1, max_size=6),
       st.text(alphabet="张三丰王芳12，。", max_size=30))
def test_masker_finds_values_the_same_way_however_many_there_are(values, text):
    # the str.find path (few values) and the alternation (many) mask identically
    assert _masker(values, many=False)(text) == _masker(values, many=True)(text)


def test_masker_prefers_the_longest_value_at_a_position():
    m = _masker(["张三", "张三丰"], many=False)
    assert m("申请人张三丰、张三") == "申请人张**、张*"
