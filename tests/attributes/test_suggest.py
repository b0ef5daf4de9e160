"""The decision table: exceptions, evidence quoted from the body, findings of other rules."""

from __future__ import annotations

import pytest
import yaml

from gongkai.attributes.structure import parse_structure
from gongkai.attributes.suggest import _build, features, load_table, suggest_attribute, walk
from gongkai.engine import Context
from gongkai.models import Document, Finding, Location, Severity


def suggest(text: str, findings=()):
    doc = Document.from_text(text)
    if not findings:
        return suggest_attribute(doc)
    ctx = Context(doc)
    ctx.findings = list(findings)
    return suggest_attribute(doc, ctx)


def finding(kind: str, category: str = "secret", rule: str = "S101") -> Finding:
    return Finding(rule, category, kind, Severity.ERROR, "x", Location("body", 2, block=2))


def test_every_step_cites_a_clause_and_the_table_ends_with_the_default():
    steps = load_table()
    assert all(s.basis.startswith("《") and s.reason for s in steps)
    assert steps[-1].id == "default" and not steps[-1].when


@pytest.mark.parametrize("raw, message", [
    ({"steps": [{"id": "x", "attribute": "主动公开", "confidence": 1, "reason": "r", "basis": "b",
                 "when": {"colour": "red"}}]}, "unknown condition"),
    ({"steps": [{"id": "x", "attribute": "主动公开", "confidence": 1, "reason": "r", "basis": "b",
                 "when": {"title_any": ["a"]}}]}, "last step"),
    ({"steps": [{"id": "x", "attribute": "公开", "confidence": 1, "reason": "r", "basis": "b", "when": {}}]},
     "bad attribute"),
    ({"steps": [{"id": "x", "attribute": "主动公开", "confidence": 1, "reason": "r", "basis": "b",
                 "when": {"text_any": ["(unclosed"]}}, {"id": "d", "attribute": "主动公开", "confidence": 1,
                 "reason": "r", "basis": "b"}]}, "bad pattern"),
])
def test_a_broken_table_fails_loudly(raw, message):
    with pytest.raises(ValueError, match=message):
        _build(raw, "t.yaml")


def test_request_to_a_superior_is_withheld():
    a = suggest("关于申请追加防汛经费的请示\n区人民政府：\n因防汛任务重，申请追加经费。\n妥否，请批示。")
    assert a.suggested == "不予公开" and a.confidence >= 0.75
    assert "第三条（一）" in a.reasons[0].basis


def test_annual_disclosure_report_is_published_although_a_report():
    a = suggest("勺米镇人民政府2024年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息426条。\n"
                "二、存在的主要问题\n特此报告。")
    assert a.suggested == "主动公开"
    assert "第四十九条" in a.reasons[0].basis


def test_citizen_facing_reply_is_published():
    a = suggest("关于同意红岩村实施一事一议通组路硬化项目的批复\n红岩村村民委员会：\n你村《关于实施项目的请示》收悉。\n"
                "同意实施通组路硬化项目，村民筹资筹劳8万元，筹资筹劳情况须张榜公布。")
    assert a.suggested == "主动公开"


def test_internal_reply_is_on_request():
    a = suggest("关于同意党政办购置办公用品的批复\n党政办：\n同意购置办公用品，经费从办公经费列支。")
    assert a.suggested == "依申请公开"


def test_public_list_with_id_numbers_stays_public_and_asks_for_redaction(check_text):
    report = check_text("红岩村2025年临时救助对象公示\n经村民代表评议，拟对以下对象给予临时救助，现予公示：\n"
                        "王某明，身份证号11010519491231002X，救助金额3000元。\n公示期为7天。")
    assert report.attribute.suggested == "主动公开"
    assert "区分处理" in report.attribute.reasons[0].text


def test_reason_quotes_the_body_sentence_not_the_title():
    a = suggest("关于做好今年有关工作的通知\n各村（社区）：\n符合条件的农户可申请耕地地力保护补贴，每亩92.5元。\n请抓好落实。")
    assert a.suggested == "主动公开"
    text = a.reasons[0].text
    assert "正文“符合条件的农户可申请耕地地力保护补贴，每亩92.5元。”" in text
    assert "标题" not in text


def test_reason_names_the_title_when_the_title_decided():
    a = suggest("关于严肃机关考勤纪律的通知\n各股室：\n请遵守纪律。")
    assert a.suggested == "依申请公开"
    assert "标题“关于严肃机关考勤纪律的通知”含“考勤”" in a.reasons[0].text


def test_secret_mark_in_the_head_withholds():
    a = suggest("秘密★1年\n关于做好重点人员稳控工作的通知\n各村：\n请落实稳控责任。")
    assert a.suggested == "不予公开"
    assert "秘密★1年" in a.reasons[0].text and "第十四条" in a.reasons[0].basis


@pytest.mark.parametrize("kind, attribute", [
    ("classification_mark", "不予公开"),
    ("process_draft", "不予公开"),
    ("internal_marking", "依申请公开"),
    ("trade_secret", "依申请公开"),
])
def test_findings_of_the_secret_rules_feed_the_table(kind, attribute):
    text = "关于有关事项的通知\n各单位：\n请按要求办理。"
    assert suggest(text).suggested == "主动公开"
    a = suggest(text, [finding(kind)])
    assert a.suggested == attribute
    assert a.reasons[0].rules == ("S101",)


def test_public_consultation_draft_is_not_treated_as_a_process_draft():
    a = suggest("集镇停车管理办法（征求意见稿）\n现向社会公开征求意见，公众可通过信函提出意见。\n第一条 主干道限时停车。",
                [finding("process_draft")])
    assert a.suggested == "主动公开"


FORWARD = ("关于转发《区人民政府关于开展明察暗访的通知》的通知\n各村：\n现转发给你们，请遵照执行。\n勺米镇人民政府\n"
           "2025年5月8日\n附件\n区人民政府关于开展明察暗访的通知\n各乡镇：\n请做好迎检准备。\n{label}")


def test_forwarded_document_passes_on_its_label():
    a = suggest(FORWARD.format(label="（此件不予公开）"))
    assert a.suggested == "不予公开"
    assert "第三条（二）" in a.reasons[0].basis
    assert "（此件不予公开）" in a.reasons[0].text


def test_unlabelled_forwarded_document_is_decided_afresh():
    a = suggest(FORWARD.format(label="").replace("请做好迎检准备。", "自1月起农村低保标准提高到每人每年5880元。"))
    assert a.suggested == "主动公开"
    assert "第三条（二）" not in a.reasons[0].basis


def test_nothing_found_falls_back_to_publication_as_the_rule():
    a = suggest("关于有关事项的通知\n各单位：\n请按要求办理。")
    assert (a.suggested, a.confidence) == ("主动公开", 0.55)
    assert "第五条" in a.reasons[0].basis


def test_a_contrary_sign_lowers_the_confidence_once():
    plain = suggest("关于申请经费的请示\n区人民政府：\n妥否，请批示。")
    mixed = suggest("关于申请防汛经费和救助资金的请示\n区人民政府：\n为做好防汛和救助工作，申请经费。\n妥否，请批示。")
    assert plain.suggested == mixed.suggested == "不予公开"
    assert mixed.confidence == pytest.approx(plain.confidence - 0.06)


def test_walk_reads_a_custom_table():
    table = _build(yaml.safe_load("""
steps:
  - {id: tea, attribute: 依申请公开, confidence: 0.9, reason: 茶, basis: 《测试》第一条, when: {text_any: [茶叶]}}
  - {id: default, attribute: 主动公开, confidence: 0.5, reason: 默认, basis: 《测试》第二条}
"""), "t")
    doc = Document.from_text("关于茶叶的通知\n各村：\n做好茶叶采摘。")
    a = walk(table, features(doc, parse_structure(doc)))
    assert a.suggested == "依申请公开" and "正文“做好茶叶采摘。”" in a.reasons[0].text


@pytest.mark.parametrize("label", ["（此件不予公开）", "公开方式：不予公开", "此件不予公开", "【此件不予公开】"])
def test_the_label_itself_is_no_evidence(label):
    doc = Document.from_text(f"关于有关事项的通知\n各单位：\n请按要求办理。\n{label}")
    assert features(doc, parse_structure(doc)).body == ["请按要求办理。"]
