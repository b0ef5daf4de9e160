"""Personal data in context: what is a leak, what is published on purpose, what is a code."""

from __future__ import annotations

import pytest

from gongkai import Config, check_document
from gongkai.models import Document, Severity

# Synthetic, checksum-valid fakes (stdnum.cn.ric.calc_check_digit), never real people.
ID_A = "520221199003072372"
ID_B = "520203198506124413"
ID_LUHN = "520221199003071206"  # a valid ID number that also passes Luhn
CARD = "6228480012345671"


def kinds(check_text, text):
    return {f.kind for f in check_text(text).findings if f.category == "personal_data"}


@pytest.mark.parametrize("text, expected", [
    (f"申请人身份证号：{ID_A}。", {"id_card"}),
    (f"公民身份号码 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}", {"id_card"}),
    ("身份证号：１１０１０５１９４９１２３１００２Ｘ", {"id_card"}),               # full-width digits
    ("身份证号：520221900307237", {"id_card"}),                              # 15-digit legacy form
    ("注册号：520221900307237", set()),                                       # 15 digits, not an ID
    ("身份证号：5202**********2372", set()),                                  # already masked
    ("统一社会信用代码：91520221MA6DX4KQ1K", set()),
    ("项目编码：520221202500123456", set()),
    ("35010219920230001X", set()),                                             # 2月30日 is no birth date
    ("勺府发〔2025〕3号", set()),
    ("下达资金12345678.00元，时间2025年3月1日。", set()),
])
def test_id_card_numbers(check_text, text, expected):
    assert kinds(check_text, text) == expected


def test_id_number_that_passes_luhn_is_reported_once_as_id(check_text):
    found = [f for f in check_text(f"户主身份证号{ID_LUHN}").findings if f.category == "personal_data"]
    assert [f.kind for f in found] == ["id_card"]


@pytest.mark.parametrize("text, expected", [
    ("联系电话：13885811234", {"mobile"}),
    ("来信人王五，联系电话：13885811234。", {"person_name", "mobile"}),
    ("户主手机 +86 138 8581 1234", {"mobile"}),
    ("监督电话：13885811234", set()),                         # an office hotline is meant to be public
    ("投诉举报电话：0858-8123456", set()),
    ("值班电话：0858-8123456（24小时）", set()),
    ("监督电话：0858-8123456", set()),
    ("镇党政办联系电话：0858-8123456。", set()),                # an office's landline
    ("来信人张三，家庭电话0858-8123456。", {"person_name", "landline"}),
    ("申请人李四（住宅电话：(0858)8123456转12）", {"person_name", "landline"}),
    ("联系电话：138****1234", set()),
    ("项目总投资12345678元。", set()),
])
def test_phone_numbers_in_context(check_text, text, expected):
    assert kinds(check_text, text) == expected


@pytest.mark.parametrize("text, expected", [
    (f"补贴发放至户主银行卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}。", {"bank_card"}),
    (f"开户账号：{CARD}", {"bank_card"}),
    ("卡号：6228480012345670", set()),                         # fails Luhn
    ("合同编号6228480012345671", set()),                        # a code, not a card
    ("卡号：6228 **** **** 5671", set()),
])
def test_bank_cards(check_text, text, expected):
    assert kinds(check_text, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("来信人邮箱：zhangsan1990@qq.com", {"email"}),
    ("举报邮箱：jubao@126.com", set()),
    ("电子邮箱：smzdzb@shaomi.gov.cn", set()),
    ("申请人护照号码：E12345678", {"passport"}),
    ("产品型号E12345678", set()),
    ("当事人驾驶贵B·12345号小型轿车。", {"license_plate"}),
    ("车主车牌号：贵AD12345", {"license_plate"}),               # new-energy plate
    ("公务用车贵A12345已按规定处置。", set()),
    ("贵州省乡村振兴局", set()),
])
def test_other_identifiers(check_text, text, expected):
    assert kinds(check_text, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("来信人王小明反映道路破损。", {"person_name"}),
    ("申请人：陈建国", {"person_name"}),
    ("当事人欧阳娜娜到场。", {"person_name"}),
    ("户主李四海家住新华村", {"person_name"}),
    ("村民张三丰、李四海反映用水困难。", {"person_name"}),
    ("镇长杨明主持会议。", set()),                             # an official named in capacity
    ("杨明同志任勺米镇党委委员。", set()),
    ("申请人张某某提交了申请。", set()),                        # already masked
    ("申请人张*提交了申请。", set()),
    ("申请人于本月提交材料。", set()),
    ("高度重视黄金周安全工作。", set()),
])
def test_person_names(check_text, text, expected):
    assert kinds(check_text, text) == expected


def test_enumerated_names_are_each_found(check_text):
    found = [f.text for f in check_text("村民张三丰、李四海反映用水困难。").findings if f.kind == "person_name"]
    assert found == ["张三丰", "李四海"]


@pytest.mark.parametrize("text, expected", [
    ("来信人家住勺米镇新华村3组12号。", {"address"}),
    ("住址：贵州省六盘水市钟山区大河镇周家村", {"address"}),
    ("办公地址：勺米镇人民政府大楼三楼", set()),
    ("新华村3组道路硬化工程已完工。", set()),
    ("地址：勺米镇新华村村委会", set()),
])
def test_addresses(check_text, text, expected):
    assert kinds(check_text, text) == expected


@pytest.mark.parametrize("text, value", [
    ("联系电话13812341234，住址勺米镇某村一组。", "勺米镇某村一组"),  # 住 cannot start an address: the match began at 址
    ("申请人王五，家庭住址勺米镇新华村3组。", "勺米镇新华村3组"),
    ("来信人现住址勺米镇新华村二组。", "勺米镇新华村二组"),
    ("住址：勺米镇新华村一组", "勺米镇新华村一组"),
])
def test_an_address_starts_after_its_label(check_text, text, value):
    assert [f.text for f in check_text(text).findings if f.kind == "address"] == [value]


@pytest.mark.parametrize("text, expected", [
    ("户主王小明患尿毒症，长期透析。", {"person_name", "health_info"}),
    ("申请人李四海，肢体残疾二级。", {"person_name", "health_info"}),
    ("对患重大疾病的困难群众给予临时救助。", set()),
])
def test_health_information(check_text, text, expected):
    assert kinds(check_text, text) == expected


def _table_doc(rows, paragraphs=()):
    from gongkai.models import Block

    doc = Document(path="<t>")
    for i, p in enumerate(paragraphs):
        doc.add_block(Block(text=p, part="body", paragraph=i))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            doc.add_block(Block(text=cell, part="table", table=0, row=r, col=c))
    return doc


def test_table_header_makes_cells_personal():
    doc = _table_doc([["序号", "姓名", "身份证号", "联系电话", "住址"],
                      ["1", "陈建国", ID_B, "0858-8123456", "新华村3组"]])
    found = {(f.location.col, f.kind) for f in check_document(doc, Config()).findings if f.sensitive}
    assert found == {(1, "person_name"), (2, "id_card"), (3, "landline"), (4, "address")}


@pytest.mark.parametrize("rows, expected", [
    # a heading that names no personal data right of one that does: a header row, not a form row
    ([["序号", "姓  名", "身份证号", "救助金额"], ["1", "陈建国", "350128196503121528", "2000"]],
     {(1, "person_name"), (2, "id_card")}),  # the number fails its checksum: the column makes it one
    ([["名字", "性别", "年龄"], ["陈建国", "男", "45"]], {(0, "person_name")}),
    ([["被救助人", "救助原因"], ["陈建国", "因病"]], {(0, "person_name")}),
    # a super-heading above the header row is no data (户主情况 is no name)
    ([["序号", "户主情况", "户主情况", "保障金额"], ["", "姓名", "身份证号", ""], ["1", "陈建国", ID_B, "650"]],
     {(1, "person_name"), (2, "id_card")}),
    # a form row stays a form row: a value right of each label
    ([["姓名", "陈建国", "性别", "男"], ["身份证号", ID_B, "救助金额", "2000"]], {(1, "person_name"), (1, "id_card")}),
])
def test_header_rows_with_plain_headings(rows, expected):
    found = {(f.location.col, f.kind) for f in check_document(_table_doc(rows), Config()).findings if f.sensitive}
    assert found == expected


def test_a_name_column_holds_names_not_its_totals_and_notes():
    doc = _table_doc([["序号", "姓名", "金额（元）"], ["1", "陈建国", "2000"], ["2", "王小明（户主）", "1500"],
                      ["3", "阿卜杜·热合曼", "800"], ["", "合计", "4300"], ["", "小计：3人", ""],
                      ["备注", "以上人员均已核实", ""], ["4", "仉海涛、暂缺", "600"]])
    found = sorted(f.text for f in check_document(doc, Config()).findings if f.kind == "person_name")
    assert found == sorted(["陈建国", "王小明", "阿卜杜·热合曼", "仉海涛"])


def test_office_contact_table_is_public():
    doc = _table_doc([["单位", "联系电话", "地址"], ["镇民政办", "0858-8123456", "勺米镇人民政府二楼"]])
    assert not [f for f in check_document(doc, Config()).findings if f.sensitive]


def test_form_layout_label_cells():
    doc = _table_doc([["姓名", "王小明", "身份证号", ID_A], ["家庭住址", "新华村2组", "联系电话", "13885811234"]])
    found = {f.kind for f in check_document(doc, Config()).findings if f.sensitive}
    assert found == {"person_name", "id_card", "address", "mobile"}


@pytest.mark.parametrize("label, severity", [
    ("主动公开", Severity.ERROR), ("依申请公开", Severity.WARNING), ("不予公开", Severity.INFO),
])
def test_severity_follows_disclosure_label(check_text, label, severity):
    report = check_text(f"关于王小明申请低保的复函\n（此件{label}）\n申请人身份证号：{ID_A}。")
    ids = [f for f in report.findings if f.kind == "id_card"]
    assert [f.severity for f in ids] == [severity]


def test_every_finding_explains_itself(check_text):
    report = check_text(f"申请人身份证号：{ID_A}。来信人王小明，联系电话：13885811234。")
    for f in (f for f in report.findings if f.sensitive):
        assert {"pattern", "validation", "confidence"} <= set(f.explanation)
        assert f.text not in str(f.explanation) and f.text not in f.message
    by_kind = {f.kind: f.explanation for f in report.findings if f.sensitive}
    assert by_kind["id_card"]["context"] == "身份证"
    assert by_kind["mobile"]["role"] in ("来信人", "联系人")


def test_personal_data_in_every_part(docx_builder, tmp_path):
    from gongkai import check

    b = docx_builder()
    p = b.paragraph(f"申请人身份证号：{ID_A}。")
    b.table([["姓名", "联系电话"], ["陈建国", "13885811234"]])
    b.header("来信人邮箱：zhangsan1990@qq.com")
    b.footer("户主李四海家住勺米镇新华村3组12号")
    b.footnote(p, f"当事人身份证号{ID_B}")
    b.comment(p, "来信人王小明，电话13912345678")
    b.textbox("车主车牌号：贵AD12345")
    path = b.save(tmp_path / "all.docx")
    report = check(path)
    parts = {(f.location.part, f.kind) for f in report.findings if f.sensitive}
    assert {("body", "id_card"), ("table", "person_name"), ("table", "mobile"), ("header", "email"),
            ("footer", "address"), ("footnote", "id_card"), ("comment", "mobile"),
            ("textbox", "license_plate")} <= parts


def test_spacy_pipeline_is_built_once():
    from gongkai.screening import names

    first = names.pipeline()
    assert names.pipeline() is first
    assert names.LOAD_SECONDS is not None


def test_staff_contact_of_an_office_is_published_on_purpose(check_text):
    # issue #16: an office's 联系人 and its landline are published on purpose (never an error);
    # a mobile number after the name is the person's own and is still reported, as a warning.
    report = check_text("各村将结果报镇农业服务中心，联系人：李明，联系电话：0858-8123456。")
    assert [f for f in report.findings if f.sensitive] == []
    report = check_text("（联系人：周晓岚；联系电话：13885811234）")
    assert {f.kind: f.severity for f in report.findings if f.sensitive} == {"mobile": Severity.WARNING}


def test_applicant_contact_is_an_error(check_text):
    report = check_text("申请人李明，联系电话：13885811234。")
    assert {f.severity for f in report.findings if f.sensitive} == {Severity.ERROR}


def test_spacy_is_loaded_only_when_a_paragraph_needs_names():
    import subprocess
    import sys

    code = (
        "import sys; from gongkai import check_text; "
        "check_text('各村要加强统筹协调，监督电话：0858-8123456。'); print('spacy' in sys.modules); "
        "check_text('来信人王小明反映道路破损。'); print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_id_number_with_a_typo_after_id_words_is_still_reported(check_text):
    bad = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    found = [f for f in check_text(f"申请人身份证号：{bad}").findings if f.kind == "id_card"]
    assert len(found) == 1 and "校验位不符" in found[0].message
    assert not [f for f in check_text(f"批次{bad}").findings if f.kind == "id_card"]


def test_role_word_counts_across_a_long_parenthesis(check_text):
    report = check_text(f"申请人：张三（身份证号：{ID_A}，电话：13885811234，住址：勺米镇新华村3组）")
    mobile = [f for f in report.findings if f.kind == "mobile"]
    assert [(f.severity, f.explanation.get("role")) for f in mobile] == [(Severity.ERROR, "申请人")]


@pytest.mark.parametrize("text, expected", [
    ("关于王小明申请临时救助的复函", {"person_name"}),          # an applicant named in a reply's title
    ("关于张家界申请国家级旅游度假区的批复", set()),              # a place, not a person
    ("关于镇长杨明同志任职的通知", set()),
])
def test_names_before_an_application(check_text, text, expected):
    assert kinds(check_text, text) == expected


def _fours(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def test_id_number_written_in_groups_of_four_is_reported(check_text):
    # 5202 2119 9003 0723 72: typed like a card number, still a person's ID (issue #17's hiding places)
    found = [f for f in check_text(f"申请人身份证号{_fours(ID_A)}。").findings if f.rule == "D101"]
    assert [f.text for f in found] == [_fours(ID_A)]


def test_an_eighteen_digit_number_in_groups_of_four_that_is_no_id_stays_out_of_d101(check_text):
    # an account number grouped by four whose check digit is not an ID's: no D101 (a card rule may judge it)
    number = ID_A[:-1] + ("1" if ID_A[-1] != "1" else "3")
    assert not [f for f in check_text(f"账号{_fours(number)}。").findings if f.rule == "D101"]
