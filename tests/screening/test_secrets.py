"""Secret and internal content: markings fire wherever they stand, ordinary prose does not."""

from __future__ import annotations

import pytest

from gongkai import Config, check
from gongkai.formats.compose import DocxBuilder


def _codes(report, prefix="S"):
    return {f.rule for f in report.findings if f.rule.startswith(prefix)}


@pytest.mark.parametrize("text", [
    "秘密★1年\n关于某事项的通知",
    "机密★",
    "绝密★长期",
    "秘密\n勺米镇人民政府关于开展专项行动的通知",
    "关于某事项的请示\n密级：机密",
    "保密期限：5年",
])
def test_classification_marks_fire(check_text, text):
    report = check_text(text)
    assert "S101" in _codes(report)
    assert report.attribute.suggested == "不予公开"


@pytest.mark.parametrize("text", [
    "我宣誓：拥护中国共产党的纲领，遵守党的章程，履行党员义务，执行党的决定，严守党的纪律，保守党的秘密。",
    "工作人员应当保守秘密，不得泄露国家秘密。",
    "只要不属于国家秘密和工作秘密的事项，均向社会公开。",
    "工作组秘密走访了三个村。",
    "密级的标注方法：如“秘密★1年”。",
])
def test_secret_words_in_prose_stay_silent(check_text, text):
    assert "S101" not in _codes(check_text(text))


def test_level_deep_in_the_body_is_prose_not_a_mark(check_text):
    body = "\n".join(["关于开展专项行动的通知", "各村（社区）："] + [f"第{i}项工作已完成。" for i in range(12)] + ["秘密"])
    assert "S101" not in _codes(check_text(body))


def test_classification_mark_in_header_is_found(tmp_path):
    b = DocxBuilder()
    b.paragraph("关于某事项的通知")
    b.paragraph("现将有关事项通知如下。")
    b.header("机密★3年")
    path = b.save(tmp_path / "a.docx")
    report = check(path, Config())
    hits = [f for f in report.findings if f.rule == "S101"]
    assert hits and hits[0].location.part == "header"
    assert report.attribute.suggested == "不予公开"


def test_classification_mark_in_textbox_is_found(tmp_path):
    b = DocxBuilder()
    b.textbox("秘密★1年")
    b.paragraph("关于某事项的通知")
    report = check(b.save(tmp_path / "t.docx"), Config())
    assert any(f.rule == "S101" and f.location.part == "textbox" for f in report.findings)


def test_level_in_a_form_cell_after_its_label(tmp_path):
    b = DocxBuilder()
    b.paragraph("文件处理笺")
    b.table([["密级", "秘密"], ["来文单位", "区政府办"]])
    report = check(b.save(tmp_path / "form.docx"), Config())
    assert any(f.rule == "S101" and f.location.part == "table" for f in report.findings)


@pytest.mark.parametrize("text", [
    "内部资料 注意保存",
    "（内部资料，不得外传）",
    "工作秘密",
    "此件不得翻印。",
    "本材料系内部资料，请妥善保管。",
    "现将内部明电转发给你们。",
])
def test_internal_markings_fire(check_text, text):
    assert "S102" in _codes(check_text(text))


@pytest.mark.parametrize("text", [
    "属单位内部管理事务的公文、内部资料、商业秘密和个人隐私等，应确定为“依申请公开”。",
    "只要不属于国家秘密和工作秘密的事项和属于本镇职责范围内的工作均向社会公开。",
    "编印内部资料须办理准印手续，严禁擅自印制。",
    "对人民群众要求保密的诉求事项不得泄露。",
])
def test_internal_words_in_prose_stay_silent(check_text, text):
    assert "S102" not in _codes(check_text(text))


def test_internal_marking_in_footer(tmp_path):
    b = DocxBuilder()
    b.paragraph("2025年重点项目推进情况")
    b.footer("内部资料 注意保存")
    report = check(b.save(tmp_path / "f.docx"), Config())
    assert any(f.rule == "S102" and f.location.part == "footer" for f in report.findings)


def test_work_secret_pushes_attribute_to_withheld(check_text):
    report = check_text("工作秘密\n关于某项工作的通报\n各股室：\n现将情况通报如下。")
    assert report.attribute.suggested == "不予公开"


@pytest.mark.parametrize("text, fires", [
    ("贵州某某建筑有限公司投标报价为356.8万元。", True),
    ("供应商报价明细：钢材4200元/吨，水泥380元/吨。", True),
    ("某某食品厂工艺配方：辣椒60%、菜籽油30%。", True),
    ("中标人：贵州某某建筑有限公司，中标价：356.8万元。", False),
    ("投标报价应包含完成本项目所需的全部费用。", False),
    ("本项目招标控制价为360万元。", False),
    ("依法保护企业的工艺配方等商业秘密。", False),
    ("涉及商业秘密的信息不予公开。", False),
])
def test_trade_secrets_need_a_company_and_a_value(check_text, text, fires):
    assert ("S103" in _codes(check_text(text))) is fires


@pytest.mark.parametrize("text", [
    "关于加强农村人居环境整治的实施方案\n（讨论稿）",
    "勺米镇集镇管理办法（征求意见稿）",
    "勺米镇村规民约修订方案（送审稿）",
    "党政联席会议讨论记录",
    "现将《勺米镇村规民约修订方案（征求意见稿）》印发给你们，请各股室于3月10日前反馈意见。",
])
def test_process_drafts_fire(check_text, text):
    assert "S104" in _codes(check_text(text))


PUBLIC_CALL = (
    "关于公开征求《勺米镇集镇管理办法（征求意见稿）》意见的公告\n"
    "为广泛听取社会各界意见，现将《勺米镇集镇管理办法（征求意见稿）》全文公布，向社会公开征求意见。\n"
    "一、征求意见时间：2025年3月1日至3月10日。\n"
    "二、公众可通过电子邮箱shaomi@example.cn或信函提交意见。\n"
    "三、联系部门：党政办，联系电话：0858-1234567。"
)


def test_public_consultation_draft_is_legitimately_public(check_text):
    report = check_text(PUBLIC_CALL)
    assert "S104" not in _codes(report)
    assert report.attribute.suggested == "主动公开"


def test_consultation_among_departments_is_still_a_process_draft(check_text):
    text = PUBLIC_CALL.replace("向社会公开征求意见", "请各股室提出修改意见").replace("为广泛听取社会各界意见，", "")
    text = text.replace("关于公开征求", "关于征求")
    assert "S104" in _codes(check_text(text))


def test_discussion_in_prose_is_not_a_draft(check_text):
    assert "S104" not in _codes(check_text("会议讨论了2025年重点工作，形成如下意见。"))


def test_title_of_a_request_about_a_draft_is_not_a_draft(check_text):
    text = "根据《关于报送城市群发展规划（送审稿）的请示》（发改规划〔2017〕12号），现将有关事项通知如下。"
    assert "S104" not in _codes(check_text(text))


def test_short_table_cells_are_not_markings(tmp_path):
    b = DocxBuilder()
    b.paragraph("资料管理台账")
    b.table([["类别", "保管期限"], ["内部资料", "长期"], ["讨论稿", "一年"]])
    report = check(b.save(tmp_path / "ledger.docx"), Config())
    assert not [f for f in report.findings if f.rule in ("S102", "S104")]


def test_short_line_naming_a_request_about_a_draft_is_not_a_draft(check_text):
    assert "S104" not in _codes(check_text("关于报送城市群发展规划（送审稿）的请示"))
