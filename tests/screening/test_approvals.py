"""Approval reminders: fire on clear evidence only (precision first)."""

from __future__ import annotations

import pytest


def _codes(report):
    return [f.rule for f in report.findings if f.rule.startswith("G")]


@pytest.mark.parametrize("text", [
    "3月5日凌晨，某村一民房发生火灾，造成1人死亡。",
    "某建筑工地发生一起坍塌事故。",
    "经镇纪委研究，决定给予王某政务记过处分。",
    "对工作不力的2名干部严肃问责。",
    "相关视频在网络传播，引发网络舆情。",
])
def test_negative_information_fires(check_text, text):
    assert _codes(check_text(text)) == ["G101"]


@pytest.mark.parametrize("text", [
    "各村要加强安全生产，坚决防范和遏制重特大事故发生。",
    "开展火灾隐患排查整治，组织消防应急演练。",
    "对违反本制度的行为，按有关规定予以问责。",
    "科宣中心负责舆情监测收集和回应工作。",
    "如发生火灾，应立即拨打119。",
])
def test_prevention_and_rules_are_not_negative_information(check_text, text):
    assert "G101" not in _codes(check_text(text))


def test_negative_information_is_reported_once_per_document(check_text):
    report = check_text("某村发生交通事故，造成2人受伤。\n另一村发生火灾。\n给予李某警告处分。")
    hits = [f for f in report.findings if f.rule == "G101"]
    assert len(hits) == 1
    assert hits[0].location.paragraph == 0
    assert {place[0] for place in hits[0].explanation["places"]} == {0, 1, 2}


def test_major_decision_without_pre_disclosure_is_a_reminder(check_text):
    report = check_text("勺米镇人民政府关于调整集镇区自来水收费标准的决定\n各村（社区）：\n经研究，决定调整收费标准。")
    hits = [f for f in report.findings if f.rule == "G102"]
    assert hits and hits[0].severity.label == "info"


@pytest.mark.parametrize("text", [
    "勺米镇人民政府关于调整集镇区自来水收费标准的决定\n各村（社区）：\n该标准已于3月1日至3月10日进行预公开。",
    "勺米镇人民政府关于调整集镇区自来水收费标准的决定\n各村（社区）：\n经召开价格听证会，决定调整收费标准。",
    "关于做好春耕备耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。",
    "关于征收工作进展情况的报告\n区人民政府：\n现将征收工作进展报告如下。",
])
def test_major_decision_stays_silent(check_text, text):
    assert "G102" not in _codes(check_text(text))


NORMATIVE = "勺米镇集镇环境卫生管理办法\n第一条 为加强集镇环境卫生管理，制定本办法。\n第十八条 本办法自2025年6月1日起施行。"


def test_normative_document_without_interpretation(check_text):
    assert "G103" in _codes(check_text(NORMATIVE))


def test_normative_document_with_interpretation_is_silent(check_text):
    assert "G103" not in _codes(check_text(NORMATIVE + "\n附件：《勺米镇集镇环境卫生管理办法》解读"))


def test_ordinary_notice_needs_no_interpretation(check_text):
    assert "G103" not in _codes(check_text("关于开展环境卫生整治的通知\n各村（社区）：\n本通知自印发之日起执行。"))


@pytest.mark.parametrize("text", [
    "在公共场所有不当行为，造成不良影响的，给予警告或者严重警告处分。",
    "发生农药使用事故，农药使用者应当立即采取措施，防止事故扩大。",
])
def test_rules_about_discipline_and_accidents_are_not_events(check_text, text):
    assert "G101" not in _codes(check_text(text))


def test_what_a_government_may_do_after_an_accident_is_a_rule(check_text):
    assert "G101" not in _codes(check_text("发生生产安全事故后，有关人民政府认为有必要的，可以组织调查。"))


@pytest.mark.parametrize("text, fires", [
    ("关于开展燃气安全专项整治的通知\n各村：\n2024年5月1日，某某省某某市一餐馆因燃气泄漏引发爆炸，造成3人死亡。"
     "请各村立即开展排查。\n勺米镇人民政府\n2025年3月5日", False),   # an accident elsewhere, cited as background
    ("关于开展燃气安全专项整治的通知\n各村：\n近年来，全国多地餐馆发生燃气爆炸事故。请各村立即开展排查。"
     "\n勺米镇人民政府\n2025年3月5日", False),
    ("关于一起燃气爆炸事故的通报\n各村：\n3月1日，勺米镇某村一餐馆发生燃气爆炸事故，造成2人受伤。"
     "\n勺米镇人民政府\n2025年3月5日", True),                          # the body's own place
    ("对推进不力、未完成目标的，严格予以问责。", False),                 # a hypothetical clause
    ("下立交地势低，极易发生车辆抛锚而引发次生事故。", False),           # a risk, not an event
    ("3月5日，某村发生一起道路交通事故，造成2人受伤。", True),
])
def test_negative_information_is_an_event_of_ones_own(check_text, text, fires):
    assert ("G101" in {f.rule for f in check_text(text).findings}) is fires
