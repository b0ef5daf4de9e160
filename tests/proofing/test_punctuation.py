"""Punctuation rules (P1xx): what they flag, what they leave alone, and that fix = check."""

from __future__ import annotations

import pytest

from gongkai.proofing import numbers, punctuation
from gongkai.proofing.correction import CorrectionRule, autocorrect, protected_spans

CORRECTIONS = [r for r in (*punctuation.RULES, *numbers.RULES) if isinstance(r, CorrectionRule)]


def codes(check_text, text):
    return sorted({f.rule for f in check_text(text).findings if f.rule[0] in "PN"})


@pytest.mark.parametrize("text, fixed", [
    ("各村,各股室要高度重视。", "各村，各股室要高度重视。"),
    ("联系方式如下:", "联系方式如下："),
    ("会议时间:10:30", "会议时间：10:30"),
    ("是否同意?请批示。", "是否同意？请批示。"),
    ("请各单位认真落实.", "请各单位认真落实。"),
    ('坚持"放管服"改革。', "坚持“放管服”改革。"),
    ("各村，，各股室", "各村，各股室"),
    ("根据<水城区政府信息公开规定>执行。", "根据《水城区政府信息公开规定》执行。"),
    ("按照“关于加强政务公开工作的通知”要求", "按照《关于加强政务公开工作的通知》要求"),
    ("道路、桥梁...等设施", "道路、桥梁……等设施"),
    ("道路、桥梁。。。等设施", "道路、桥梁……等设施"),
    ("主要任务--推进改革", "主要任务——推进改革"),
    ("各村(社区)要高度重视。", "各村（社区）要高度重视。"),
    ("各村（社区)要高度重视。", "各村（社区）要高度重视。"),
])
def test_autocorrect_gives_the_corrected_text(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text", [
    "增长3.5%，比例尺1:1000，时间10:30。",
    "详见www.shuicheng.gov.cn/zwgk/index.html，或发送邮件至office@example.gov.cn。",
    "Hello, world. See f(x); it works!",
    "命令 `ls -la --all` 的输出",
    "共计1,000元，占比12.5%。",
    "1.总体要求",
    "学习《关于〈政府信息公开条例〉的解读》。",
    "2019—2020年度",
])
def test_number_english_and_url_contexts_stay_silent(check_text, text):
    assert codes(check_text, text) == []


def test_url_is_protected_even_inside_chinese():
    text = "网址:http://www.gov.cn/a,b.htm,请查阅"
    spans = protected_spans(text)
    assert spans and text[spans[0][0]:spans[0][1]].startswith("http://www.gov.cn/a,b.htm")
    assert autocorrect(text) == "网址：http://www.gov.cn/a,b.htm，请查阅"


@pytest.mark.parametrize("rule, example", [
    pytest.param(r, e, id=f"{r.code}-{i}") for r in CORRECTIONS for i, e in enumerate(r.fires) if isinstance(e, str)
])
def test_fix_silences_what_the_check_reported(rule, example):
    """Check and fix share one function: after the certain fixes only manual findings remain."""
    fixed = rule.fix(example)
    left = rule.fixes(fixed)
    assert all(f.replacement is None for f in left), (fixed, left)
    if any(f.replacement is not None for f in rule.fixes(example)):
        assert fixed != example


def test_suggestion_is_the_corrected_span(check_text):
    report = check_text("各村(社区)要高度重视,确保落实。")
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["P107"].text == "(社区)" and by_rule["P107"].suggestion == "（社区）"
    assert by_rule["P101"].text == "," and by_rule["P101"].suggestion == "，"


def test_unpaired_marks_have_no_certain_fix(check_text):
    f = next(f for f in check_text("根据《水城区政府信息公开规定的要求执行。").findings if f.rule == "P103")
    assert f.suggestion is None and f.text == "《"


def test_quotation_over_several_paragraphs_is_not_unpaired(check_text):
    text = "“第一条 为了规范管理，\n“第二条 本办法自发布之日起施行。”"
    assert "P103" not in codes(check_text, text)


def test_title_wrapped_over_two_lines_is_paired(check_text):
    assert "P103" not in codes(check_text, "关于印发《政府网站集约化\n试点工作方案》的通知")
    assert "P103" in codes(check_text, "关于印发《政府网站集约化\n试点工作方案的通知")


def test_mixed_marks_are_flagged_without_a_guess(check_text):
    f = next(f for f in check_text("经研究，。现通知如下").findings if f.rule == "P104")
    assert f.text == "，。" and f.suggestion is None


def test_comments_are_not_proofread(docx_builder):
    from gongkai import check_document
    from gongkai.formats import read_bytes

    b = docx_builder()
    p = b.paragraph("各村要高度重视。")
    b.comment(p, "这里要改,再看看.")
    doc = read_bytes(b.to_bytes(), "c.docx")
    assert not [f for f in check_document(doc).findings if f.rule.startswith("P")]


def test_autocorrect_is_stable_and_rules_never_break_on_odd_text():
    """Random mixes of the marks and numerals the rules look at: no rule error, no oscillating fix."""
    import random

    from gongkai import Config, check_document
    from gongkai.models import Document

    alphabet = list("一二三四五六七八九十百千万零〇年月日号（）()《》<>〈〉“”\"，。.;；:：?？!、…—-－～0123456789 附件村a%\n")
    rnd = random.Random(7)
    cfg = Config(select=("P", "N", "F"))
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 80)))
        assert not check_document(Document.from_text(text), cfg).warnings, text
        for line in text.splitlines():
            once = autocorrect(line)
            assert autocorrect(once) == once, line


@pytest.mark.parametrize("text, fires", [
    ("方案中明确补偿依据、补偿面积，补偿额度；", True),
    ("需说明免征条件，免征面积、免征额度。", True),
    ("方案中明确补偿依据、补偿面积、补偿额度；", False),
    ("二、排查基础数据，优化设施", False),                # the 、 of a heading's ordinal
    ("该项工作涉及面广，难度大、任务重。", False),        # clauses, not items of one list
])
def test_comma_among_list_items(check_text, text, fires):
    assert ("P108" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fires", [
    ("请各村认真贯彻执行。\n特此通知", True),
    ("经研究，同意你村的请示。此复 2025年3月5日", True),   # a page without line breaks
    ("请各村认真贯彻执行。\n特此通知。", False),
    ("此致\n敬礼", False),
])
def test_closing_formula_takes_a_full_stop(check_text, text, fires):
    assert ("P109" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fires", [
    ("区农业农村局《关于报请区政府批转\n某某镇农村公路养护办法\n的请示》收悉。", False),   # a title broken over short lines
    ("区农业农村局《关于报请区政府批转某某办法的请示收悉。\n请各村执行。\n特此通知。", True),
])
def test_title_marks_wrapped_over_lines(check_text, text, fires):
    assert ("P103" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fixed", [
    ("举报电话：某某乡24370000,24370001", "举报电话：某某乡24370000、24370001"),
    ("共计12,500,000元。", "共计12,500,000元。"),                                 # thousands separators stay
    ("构建“规划-建设-管理”全链条", "构建“规划—建设—管理”全链条"),
    ("型号A-1", "型号A-1"),
    ("由各镇负责实施。（具体名单见附件）", "由各镇负责实施（具体名单见附件）。"),
    ("由各镇负责实施。（具体名单见附件。）", "由各镇负责实施。（具体名单见附件。）"),   # a note on the whole sentence
])
def test_number_lists_hyphens_and_notes(text, fixed):
    from gongkai.proofing.correction import autocorrect

    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fixed", [
    ("依据《甲镇补助办法》（甲府发〔2024〕2号）《乙镇实施细则》（乙府办〔2024〕9号）办理。",
     "依据《甲镇补助办法》（甲府发〔2024〕2号）、《乙镇实施细则》（乙府办〔2024〕9号）办理。"),
    ("依据《甲镇补助办法》（试行）《乙镇实施细则》办理。", "依据《甲镇补助办法》（试行）、《乙镇实施细则》办理。"),
    ("依据《甲镇补助办法》（甲府发〔2024〕2号）、《乙镇实施细则》办理。",
     "依据《甲镇补助办法》（甲府发〔2024〕2号）、《乙镇实施细则》办理。"),              # the 顿号 is there
    ("学习《甲镇补助办法》《乙镇实施细则》。", "学习《甲镇补助办法》《乙镇实施细则》。"),  # no note: no 顿号
    ("（二）《甲镇补助办法》的要点", "（二）《甲镇补助办法》的要点"),                    # an ordinal, not a note
])
def test_note_between_titles_takes_a_pause_mark(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fixed", [
    ("为摸清底数，根据县里的统一部署要求。经研究，决定开展清查。", "为摸清底数，根据县里的统一部署要求，经研究，决定开展清查。"),
    ("依照《某某办法》（某发〔2020〕1号）规定。需对规划作局部调整。", "依照《某某办法》（某发〔2020〕1号）规定，需对规划作局部调整。"),
    ("应控制连廊的宽度。并满足消防要求。", "应控制连廊的宽度，并满足消防要求。"),
    ("各村要按照有关规定。请于月底前上报。", "各村要按照有关规定。请于月底前上报。"),   # the clause has its own subject
    ("根据县里的统一部署要求。 二、工作步骤", "根据县里的统一部署要求。 二、工作步骤"),   # the next line of a flattened page
    ("会议已结束。并非所有村都已上报。", "会议已结束。并非所有村都已上报。"),
    ("申报是否准确。并由企业填报自查表。", "申报是否准确。并由企业填报自查表。"),     # 并由 opens a clause of its own
])
def test_full_stop_that_splits_a_sentence(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fixed", [
    ("制定了《甲制度》《乙制度》等两项制度、现印发给你们，请认真执行。", "制定了《甲制度》《乙制度》等两项制度，现印发给你们，请认真执行。"),
    ("你镇的请示收悉、经研究，同意。", "你镇的请示收悉，经研究，同意。"),
    ("做好发现、现场处置、报告等工作。", "做好发现、现场处置、报告等工作。"),
    ("申请、审核、公示", "申请、审核、公示"),
])
def test_pause_mark_before_a_clause(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fixed", [
    ("《关于转发<某某办法>的通知》", "《关于转发〈某某办法〉的通知》"),                 # nested: 〈〉, not 《》
    ("区农业局《关于报请区政府批转<", "区农业局《关于报请区政府批转〈"),               # the rest is on the next line
    ("根据某某县民政局关于《某某补助办法》的通知要求", "根据《某某县民政局关于〈某某补助办法〉的通知》要求"),
    ("根据《甲条例》和某某市水务局关于《做好汛期工作的通知》的要求",
     "根据《甲条例》和《某某市水务局关于做好汛期工作的通知》的要求"),
    ("某某县民政局关于《某某补助办法》的补充通知", "某某县民政局关于《某某补助办法》的补充通知"),  # its own title
    ("x<5且y>3", "x<5且y>3"),
])
def test_titles_nested_and_cited_whole(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fixed", [
    ("做好入户调查，登记等工作。", "做好入户调查、登记等工作。"),
    ("做好入户调查、登记等工作。", "做好入户调查、登记等工作。"),
    ("为此，宣传等部门要加强配合。", "为此，宣传等部门要加强配合。"),       # a connector, no item
    ("各村要高度重视，确保登记等工作落实。", "各村要高度重视，确保登记等工作落实。"),  # a clause of its own
])
def test_list_closed_by_etc_takes_pause_marks(text, fixed):
    assert autocorrect(text) == fixed
