"""GB/T 9704 format rules (F1xx): headings, 公文 elements, fonts and page layout."""

from __future__ import annotations

import pytest

from gongkai import Config, check_document
from gongkai.config import from_mapping
from gongkai.models import Document
from gongkai.proofing.format_rules import cn_numeral, heading_of, sample_document

HEAD = "关于做好防汛工作的通知\n各村：\n"


def rules_of(report, prefix="F"):
    return [f for f in report.findings if f.rule.startswith(prefix)]


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (25, "二十五")])
def test_chinese_heading_numbers(n, text):
    assert cn_numeral(n) == text


@pytest.mark.parametrize("text, level, n", [
    ("一、总体要求", 1, 1), ("（二十五）实施差异化监管", 2, 25), ("3.明确责任", 3, 3), ("（4）加强领导", 4, 4),
    ("1.5亿元资金", None, None), ("十分重要", None, None), ("2019年起", None, None),
])
def test_heading_levels(text, level, n):
    h = heading_of(text)
    assert (h[0], h[1]) == (level, n) if level else h is None


def test_skipped_heading_number_names_the_expected_one(check_text):
    f = rules_of(check_text(HEAD + "一、总体要求\n内容。\n三、工作措施\n内容。"), "F102")[0]
    assert f.text == "三" and f.suggestion == "二"


def test_second_level_may_continue_or_restart_under_a_new_first_level(check_text):
    cont = HEAD + "一、总体要求\n（一）目标。\n（二）任务。\n二、措施\n（三）措施。"
    restart = HEAD + "一、总体要求\n（一）目标。\n（二）任务。\n二、措施\n（一）措施。"
    assert not rules_of(check_text(cont), "F102")
    assert not rules_of(check_text(restart), "F102")


def test_numbering_of_attachments_is_not_counted_with_the_main_text(check_text):
    text = (HEAD + "一、总体要求\n内容。\n附件：1.防汛责任表\n2.物资清单\n勺米镇人民政府\n2025年3月5日\n附件1\n"
            "防汛责任表\n一、责任\n三、分工")
    assert not rules_of(check_text(text), "F102")


@pytest.mark.parametrize("text, suggestion", [
    ("一.总体要求", "一、"), ("（一）、工作目标", "（一）"), ("1、明确责任", "1."), ("（1）.加强领导", "（1）"),
])
def test_heading_marker_fixes(check_text, text, suggestion):
    f = rules_of(check_text(text), "F103")[0]
    assert f.suggestion == suggestion


def test_plain_text_drafts_get_no_font_or_layout_findings():
    text = "\n".join(b.text for b in sample_document(body=("宋体", 12), title=("宋体", 12)).blocks)
    report = check_document(Document.from_text(text), Config())
    assert not [f for f in report.findings if f.kind in ("font", "page_layout")]


def test_the_well_formatted_sample_raises_no_format_finding():
    assert rules_of(check_document(sample_document(), Config())) == []


def test_same_font_problem_is_reported_once_with_a_count():
    report = check_document(sample_document(body=("宋体", 16)), Config())
    body = rules_of(report, "F109")
    assert len(body) == 1
    assert "宋体" in body[0].message and "共" in body[0].message
    assert len(body[0].explanation["paragraphs"]) >= 2


def test_local_font_conventions_come_from_config():
    doc = sample_document(body=("宋体", 16))
    cfg = from_mapping({"format": {"body_fonts": ["仿宋", "宋体"]}})
    assert not rules_of(check_document(doc, cfg), "F109")


def test_heading_fonts_are_read_only_up_to_the_first_full_stop():
    doc = sample_document()  # （一）明确责任。 in 楷体, the rest of the paragraph in 仿宋
    assert not rules_of(check_document(doc, Config()), "F110")
    assert rules_of(check_document(sample_document(h2=("黑体", 16)), Config()), "F110")


def test_page_margins_name_every_deviation():
    doc = sample_document(page={"top": 30, "left": 28, "right": 26, "bottom": 35})
    f = rules_of(check_document(doc, Config()), "F111")[0]
    assert "天头" in f.message and "版心高" in f.message and "订口" not in f.message


def test_margin_tolerance_is_configurable():
    doc = sample_document(page={"top": 35, "left": 28, "right": 26, "bottom": 37})
    assert rules_of(check_document(doc, Config()), "F111")
    assert not rules_of(check_document(doc, from_mapping({"format": {"tolerance_mm": 2.5}})), "F111")


def test_lines_per_page_are_checked_only_with_a_line_grid():
    assert rules_of(check_document(sample_document(grid_lines=20), Config()), "F112")
    assert not rules_of(check_document(sample_document(grid_lines=None), Config()), "F112")


def test_recipients_without_colon_get_one(check_text):
    f = rules_of(check_text("关于做好防汛工作的通知\n各村（社区），各股室\n请做好防汛工作。"), "F104")[0]
    assert f.suggestion == "各村（社区），各股室："


def test_published_style_annotation_is_silent(check_text):
    text = HEAD + "请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）"
    assert not rules_of(check_text(text))


def test_a_landscape_section_for_a_wide_table_keeps_only_the_paper_size():
    doc = sample_document()
    from gongkai.models import PageLayout

    doc.layouts.append(PageLayout(width_mm=297, height_mm=210, top_mm=28, bottom_mm=26, left_mm=37, right_mm=35))
    assert not rules_of(check_document(doc, Config()), "F111")
    doc.layouts.append(PageLayout(width_mm=279.4, height_mm=215.9, top_mm=28, bottom_mm=26, left_mm=37, right_mm=35))
    assert rules_of(check_document(doc, Config()), "F111")


def test_a_sentence_ending_in_印发_inside_an_attachment_is_not_the_imprint(check_text):
    text = (HEAD + "请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n附件\n防汛工作方案\n本方案经镇党委会议研究同意后印发\n"
            "一、目标\n确保安全。\n抄送：区应急局。\n勺米镇党政办公室　2025年3月5日印发")
    assert not rules_of(check_text(text), "F107")


def test_a_converted_word_document_keeps_its_format_checks_and_a_text_reading_does_not():
    converted = sample_document(body=("宋体", 16))
    converted.source_format = "wps"  # LibreOffice converted it to .docx: the runs are real
    assert rules_of(check_document(converted, Config()), "F109")
    as_text = Document.from_text("\n".join(b.text for b in converted.blocks), source_format="doc")  # antiword
    assert not [f for f in check_document(as_text, Config()).findings if f.kind in ("font", "page_layout")]


@pytest.mark.parametrize("imprint, fires", [
    # a 版记 table converted from .doc: both rows in one paragraph, the 抄送 list itself correct
    ("抄送：区应急局，区水务局。勺米镇党政办公室2025年3月5日印发", False),
    ("抄送：区应急局，区水务局。勺米镇党政办公室　　二〇二五年三月五日印发", False),
    # the same merge with a real fault in the 抄送 list is still reported, on the list alone
    ("抄送：区应急局、区水务局。勺米镇党政办公室2025年3月5日印发", True),
])
def test_imprint_table_merged_by_conversion(check_text, imprint, fires):
    text = HEAD + "请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n" + imprint
    found = rules_of(check_text(text), "F107")
    assert bool(found) is fires
    for f in found:
        assert f.text == "区应急局、区水务局。" and "印发" not in f.suggestion


@pytest.mark.parametrize("text, fires", [
    ("依据《关于职工退休的通知》（劳人字〔85〕第3号）办理。", False),      # issued under older rules: quoted as issued
    ("依据《关于加强管理的通知》（水府发[2024]12号）办理。", True),
    ("勺府发〔25〕3号", True),                                              # the document's own number
    ("根据《关于报请审批的请示》（某建交[2024]55\n号）执行。", True),        # a number broken before its 号
])
def test_cited_document_numbers(check_text, text, fires):
    assert ("F101" in {f.rule for f in check_text(text).findings}) is fires


def test_enclosed_numerals_become_bracketed_numbers(check_text):
    found = [f for f in check_text("其中：⑴城关村；⑵东门村。").findings if f.rule == "F103"]
    assert [f.suggestion for f in found] == ["（1）", "（2）"]
    assert "F103" not in {f.rule for f in check_text("其中：（1）城关村；（2）东门村。").findings}


def test_an_item_starting_with_a_year_is_still_numbered(check_text):
    text = ("关于做好申报工作的通知\n各企业：\n一、申报条件\n1、2024年安全考评合格的企业。\n2、车辆规模在30辆以上的企业。\n"
            "勺米镇人民政府\n2025年3月5日")
    found = check_text(text).findings
    assert "F102" not in {f.rule for f in found}
    assert [f.text for f in found if f.rule == "F103"] == ["1、", "2、"]


@pytest.mark.parametrize("text, fixed", [
    ("注：1、面积按实测填写；2、备注填写来源。", "注：1.面积按实测填写；2.备注填写来源。"),
    ("说明：1、本表由各村填写。", "说明：1.本表由各村填写。"),
    ("注：本表共3、4两栏。", "注：本表共3、4两栏。"),                      # no enumeration
    ("根据某委宣〔2024〕19号（《关于做好推荐工作的通知》）精神", "根据《关于做好推荐工作的通知》（某委宣〔2024〕19号）精神"),
    ("根据某委宣[2024]19号(《关于做好推荐工作的通知》)精神", "根据《关于做好推荐工作的通知》（某委宣[2024]19号）精神"),
    ("根据《关于做好推荐工作的通知》（某委宣〔2024〕19号）精神", "根据《关于做好推荐工作的通知》（某委宣〔2024〕19号）精神"),
])
def test_note_numbering_and_cited_title_first(text, fixed):
    from gongkai.proofing import format_rules

    for rule in (format_rules.HEADING_MARKS, format_rules.NUMBER_THEN_TITLE):
        text = rule.fix(text)
    assert text == fixed


@pytest.mark.parametrize("text, flagged", [
    # the title and the body name one 领导小组 two ways; the form written twice is the suggestion
    ("关于成立某某镇河道保洁工作领导小组的通知\n各村：\n经研究，成立某某镇河道保洁领导小组。\n"
     "某某镇河道保洁工作领导小组负责统筹。", ["某某镇河道保洁领导小组"]),
    ("关于开展整治违规占道经营专项行动的通知\n各单位：\n整治违规占道经营专项行动自5月开始。", []),
    ("关于开展城关社区违规占道经营专项行动的通知\n各单位：\n城关社区违法占道经营专项行动自5月开始。",
     ["城关社区违规占道经营专项行动", "城关社区违法占道经营专项行动"]),             # a tie: both are shown
    ("关于成立某某镇防汛抗旱指挥部的通知\n各村：\n经研究，成立防汛抗旱指挥部。", []),  # shortened at its start
    ("由县防汛工作指挥部提请市防汛工作指挥部处理。", []),                               # two bodies
    ("成立2024年度招商工作领导小组。2025年度招商工作领导小组另行通知。", []),          # the years differ
])
def test_one_name_written_two_ways(text, flagged):
    report = check_document(Document.from_text(text), Config())
    assert sorted(f.text for f in report.findings if f.rule == "T108") == sorted(flagged)
