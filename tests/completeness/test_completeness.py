"""Required contents: what a 办事指南, 征求意见公告, 预公开, 解读方案 and 公开目录 must contain."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai import Config, check_document
from gongkai.completeness import periods as P
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.models import Document

C = Config(select=("C",))


def findings(text_or_doc, code=None):
    doc = text_or_doc if isinstance(text_or_doc, Document) else Document.from_text(text_or_doc)
    report = check_document(doc, C)
    return [f for f in report.findings if code is None or f.rule == code]


GUIDE = [
    "勺米镇残疾人两项补贴申请服务指南",
    "一、设定依据：《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
    "二、申请条件：具有本镇户籍的困难残疾人",
    "三、办理流程：本人申请、村级初审、镇级审核、区级审批",
    "四、申请材料：申请表、残疾人证复印件",
    "五、办理时限：15个工作日",
    "六、收费标准：不收取任何费用",
    "七、咨询电话：0858-8123000；投诉电话：0858-8123001",
]


def test_complete_guide_is_silent():
    assert findings("\n".join(GUIDE)) == []


def test_guide_missing_two_elements_names_both():
    text = "\n".join(line for line in GUIDE if not line.startswith(("四、", "六、")))
    got = findings(text, "C101")
    assert sorted(f.message for f in got) == ["办事指南缺少“收费标准及收费依据”", "办事指南缺少“申报材料”"]
    assert all(f.basis == "《勺米镇办事公开制度》第二条" for f in got)
    assert "不收费" in next(f.suggestion for f in got if "收费" in f.message)


def test_guide_laid_out_as_a_table_is_read_from_its_cells():
    b = DocxBuilder()
    b.paragraph("勺米镇建房审批办事指南")
    b.table([["项目", "内容"], ["设定依据", "《土地管理法》"], ["办理条件", "本镇村民"], ["办理流程", "申请—审核—审批"],
             ["申请材料", "申请书"], ["承诺时限", "20个工作日"], ["收费标准及依据", "不收费"], ["咨询电话", "0858-8123000"]])
    doc = read_bytes(b.to_bytes(), "guide.docx")
    assert findings(doc, "C101") == []


def test_guide_missing_the_complaint_phone_cites_article_seven():
    (f,) = findings("\n".join(GUIDE[:-1]), "C101")
    assert "咨询/投诉电话" in f.message and f.basis == "《勺米镇办事公开制度》第七条"


def test_an_ordinary_notice_is_not_a_guide():
    assert findings("关于做好春耕工作的通知\n各村（社区）：\n请按办理条件做好申报材料收集。") == []


CONSULTATION = [
    "勺米镇人民政府关于公开征求《勺米镇养犬管理规定（征求意见稿）》意见的公告",
    "为规范养犬行为，现将征求意见稿全文及起草说明公布。",
    "{period}",
    "公众可通过电子邮件或信函提交意见。",
    "联系部门：镇综合行政执法队，联系电话：0858-8123456。",
    "勺米镇人民政府",
    "2025年3月5日",
]


def consultation(period: str) -> str:
    return "\n".join(CONSULTATION).replace("{period}", period)


def test_consultation_with_all_elements_is_silent():
    assert findings(consultation("征求意见时间：2025年3月5日至2025年4月4日。")) == []


def test_consultation_with_no_dates_lacks_the_period():
    (f,) = findings(consultation("欢迎社会各界积极参与。"), "C102")
    assert f.message == "征求意见公告缺少“征求意见的起止时间”"
    assert f.basis == "《勺米镇政务公开公众参与制度》第四条"


def test_consultation_with_a_start_but_no_end_date():
    (f,) = findings(consultation("征求意见自2025年3月5日起开始。"), "C102")
    assert "起止时间" in f.message


def test_short_consultation_period_is_a_warning_with_the_configured_minimum():
    text = consultation("征求意见时间：2025年3月5日至3月8日。")
    (f,) = findings(text, "C102")
    assert f.severity.label == "warning" and "3 天" in f.message and "7 天" in f.message
    cfg = Config(select=("C",), sections={"completeness": {"consultation_min_days": 2}})
    assert [x for x in check_document(Document.from_text(text), cfg).findings] == []


def test_consultation_end_date_written_as_deadline():
    assert findings(consultation("请于2025年4月4日前提交意见。")) == []


def test_letter_asking_departments_for_comments_is_not_a_public_consultation():
    assert findings("关于征求《勺米镇2025年工作要点》意见的函\n各股室：\n请于3月10日前反馈意见。") == []


PRE = [
    "关于勺米镇集镇农贸市场搬迁方案的预公开公告",
    "拟定方案：将农贸市场搬迁至集镇新区。",
    "理由：现址狭小，存在安全隐患。",
    "{period}",
    "意见请通过电子邮件反馈。",
    "勺米镇人民政府",
    "2025年9月25日",
]


def test_pre_disclosure_of_15_working_days_across_national_day():
    # After 25 Sep 2025 (not counted): 26 Sep, 28 Sep (make-up Sunday), 29, 30 Sep — 4; 1–8 Oct holiday;
    # 9, 10, 11 (make-up Saturday), 13, 14, 15, 16, 17, 20, 21, 22 Oct — 11 more: 15 working days.
    text = "\n".join(PRE).replace("{period}", "预公开时间：2025年9月25日至2025年10月22日。")
    (f,) = findings(text, "C103")
    assert "共 15 个工作日" in f.message and "超过 10 个工作日" in f.message
    # The latest lawful end: 10 working days after 25 Sep is 15 Oct.
    assert f.suggestion == "截止日期不晚于 2025年10月15日"


def test_pre_disclosure_of_exactly_10_working_days_is_silent():
    text = "\n".join(PRE).replace("{period}", "预公开时间：2025年9月25日至10月15日。")
    assert findings(text, "C103") == []


def test_pre_disclosure_without_a_period():
    text = "\n".join(PRE).replace("{period}", "欢迎提出意见。")
    (f,) = findings(text, "C103")
    assert "预公开期限" in f.message


def test_interpretation_plan_elements():
    text = "《勺米镇农村宅基地管理办法》解读方案\n一、解读提纲：出台背景、主要内容。\n二、解读途径：镇政府门户网站。"
    got = sorted(f.message for f in findings(text, "C104"))
    assert got == ["解读方案缺少“解读形式”", "解读方案缺少“解读时间”"]


def catalogue(rows):
    b = DocxBuilder()
    b.paragraph("勺米镇政务公开事项标准目录")
    b.table(rows)
    return read_bytes(b.to_bytes(), "c.docx")


HEADER = ["序号", "公开事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开栏目", "公开方式", "咨询/投诉电话"]
ROW = ["1", "农村低保", "保障对象、标准", "《社会救助暂行办法》", "20个工作日内", "民政办", "政府网站", "社会救助", "主动公开", "0858-8123000"]


def test_catalogue_table_with_one_incomplete_row():
    incomplete = ["2", "临时救助", "救助标准", "", "", "民政办", "政府网站", "社会救助", "主动公开", "0858-8123000"]
    (f,) = findings(catalogue([HEADER, ROW, incomplete]), "C105")
    assert f.message == "公开事项“临时救助”缺少：公开依据、公开时限"
    assert (f.location.table, f.location.row) == (0, 2)


def test_catalogue_table_missing_a_column():
    header = [h for h in HEADER if h != "公开栏目"]
    row = [c for h, c in zip(HEADER, ROW) if h != "公开栏目"]
    (f,) = findings(catalogue([header, row]), "C105")
    assert f.message == "公开事项目录缺少“公开栏目”栏"


def test_an_ordinary_table_is_not_a_catalogue():
    assert findings(catalogue([["姓名", "面积"], ["王某", "5亩"]])) == []


@pytest.mark.parametrize("text, start, end, days", [
    ("征求意见时间为2025年3月5日至2025年4月4日", dt.date(2025, 3, 5), dt.date(2025, 4, 4), None),
    ("自2025年3月5日起至4月4日止", dt.date(2025, 3, 5), dt.date(2025, 4, 4), None),
    ("二〇二五年三月五日至三月二十日", dt.date(2025, 3, 5), dt.date(2025, 3, 20), None),
    ("截止时间：2025年4月4日", dt.date(2025, 3, 1), dt.date(2025, 4, 4), None),
    ("为期15天", dt.date(2025, 3, 1), None, 15),
])
def test_find_period(text, start, end, days):
    p = P.find_period(text, issued=dt.date(2025, 3, 1))
    assert (p.start, p.end, p.days) == (start, end, days)


def test_working_days_follow_the_official_calendar():
    # 2025 Spring Festival: 28 Jan – 4 Feb off, 26 Jan (Sunday) and 8 Feb (Saturday) worked.
    # After Friday 24 Jan: 26 (make-up Sunday), 27 Jan; 5, 6, 7 Feb; 8 Feb (make-up Saturday).
    assert P.working_days(dt.date(2025, 1, 24), dt.date(2025, 2, 8)) == 6
    assert P.working_days(dt.date(2025, 3, 3), dt.date(2025, 3, 7)) == 4  # Monday not counted
    assert P.add_working_days(dt.date(2025, 9, 25), 10) == dt.date(2025, 10, 15)


def test_check_and_rules_commands_speak_chinese(cli, tmp_path):
    path = tmp_path / "guide.txt"
    path.write_text("\n".join(line for line in GUIDE if not line.startswith("四、")), "utf-8")
    out = cli("check", path, "--select", "C").output
    assert "办事指南缺少“申报材料”" in out and "《勺米镇办事公开制度》第二条" in out
    doc = cli("rules", "C103").output
    assert "10个工作日" in doc and "会报告" in doc


REPORT = "勺米镇人民政府关于2025年禁毒工作情况的报告\n区人民政府：\n现将今年禁毒工作情况报告如下。\n{closing}\n勺米镇人民政府\n2025年11月3日"
ASKING = "勺米镇人民政府关于{what}的请示\n区人民政府：\n今年雨量偏多，需要资金。\n{closing}\n勺米镇人民政府\n2025年6月1日"
LETTER = "勺米镇人民政府关于商请支持道路建设的函\n县交通运输局：\n我镇拟建设通村道路。\n{closing}\n勺米镇人民政府\n2025年6月1日"


@pytest.mark.parametrize("text, fires", [
    (REPORT.format(closing="当否，请批示。"), True),           # a 报告 may not carry a request
    (REPORT.format(closing="特此报告。"), False),
    (ASKING.format(what="申请维修村道", closing="以上请示，请审阅。"), True),
    (ASKING.format(what="申请维修村道", closing="妥否，请批示。"), False),
    (LETTER.format(closing="妥否，请批示。"), True),            # a 函 asks no 批示 of a body not its superior
    (LETTER.format(closing="请予函复。"), False),
])
def test_closing_formula_of_another_document_type(check_text, text, fires):
    assert ("C106" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("what, fires", [
    ("申请追加春耕经费和调整项目资金用途", True),
    ("申请追加春耕经费", False),
    ("申请村道维修和养护经费", False),                        # one request, two objects
])
def test_a_request_asks_one_matter(check_text, what, fires):
    text = ASKING.format(what=what, closing="妥否，请批示。")
    assert ("C107" in {f.rule for f in check_text(text).findings}) is fires


RULES_TEXT = ("{title}\n第一条 为规范宅基地审批，制定本办法。\n第二条 设定依据：《土地管理法》。\n第三条 申请条件：本村村民。\n"
              "第四条 办理程序：申请、审核、审批。\n第五条 申请材料：申请书、户口簿。\n第六条 本办法自印发之日起施行。")


@pytest.mark.parametrize("title, fires", [
    ("勺米镇农村宅基地审批管理办法", False),                   # a 办法 is not a 办事指南
    ("关于印发勺米镇农村宅基地审批管理规定的通知", False),
    ("勺米镇农村宅基地审批办事指南", True),
    ("勺米镇农村宅基地审批须知事项", True),                     # no title of its own kind: the elements decide
])
def test_a_regulation_is_not_a_service_guide(check_text, title, fires):
    assert ("C101" in {f.rule for f in check_text(RULES_TEXT.format(title=title)).findings}) is fires
