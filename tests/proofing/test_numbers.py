"""Number and date rules (N1xx) after GB/T 15835 and GB/T 9704."""

from __future__ import annotations

import pytest

from gongkai import Config, check_document
from gongkai.models import Document
from gongkai.proofing.correction import autocorrect
from gongkai.proofing.numbers import cn_to_int


@pytest.mark.parametrize("text, value", [
    ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("三万五千", 35000),
    ("五千万", 50_000_000), ("一亿五千万", 150_000_000), ("二〇二五", 2025), ("两千", 2000), ("公", None),
])
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text, fixed", [
    ("请于3月15号前报送。", "请于3月15日前报送。"),
    ("25年3月起执行", "2025年3月起执行"),
    ("2025年03月05日", "2025年3月5日"),
    ("会议定于2025.3.5召开。", "会议定于2025年3月5日召开。"),
    ("截至2025-03-05，共受理", "截至2025年3月5日，共受理"),
    ("每户补助五千元。", "每户补助5000元。"),
    ("总投资五千万元", "总投资5000万元"),
    ("共发放补贴3，000元。", "共发放补贴3,000元。"),
    ("补助标准为3～5万元", "补助标准为3万～5万元"),
    ("增长15～30%", "增长15%～30%"),
    ("办理时限为3-5个工作日", "办理时限为3～5个工作日"),
    ("2019-2020年度", "2019—2020年度"),
    ("２０２５年０３月０５日", "2025年3月5日"),
])
def test_number_fixes(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text", [
    "勺府发〔2025〕3号", "3号楼住户", "改革开放40年来", "联系电话0858-8123456。", "见表3-1。",
    "依据GB/T 9704-2012执行。", "相距三五公里", "十几万元", "一米阳光", "第三万元", "共3000元",
    "2025年3月5日", "分别为1，2，3",
])
def test_numbers_that_are_right_stay_silent(check_text, text):
    assert not [f for f in check_text(text).findings if f.rule.startswith("N")]


def test_two_digit_year_far_from_now_is_flagged_without_a_guess(check_text):
    f = next(f for f in check_text("自98年3月以来").findings if f.rule == "N102")
    assert f.suggestion is None


SIGNED = "关于开展安全检查的通知\n各村：\n请做好安全检查工作。\n勺米镇人民政府\n{date}"


def test_signing_date_in_chinese_numerals_is_flagged(check_text):
    f = next(f for f in check_text(SIGNED.format(date="二〇二五年三月五日")).findings if f.rule == "N105")
    assert f.suggestion == "2025年3月5日"


def test_old_documents_may_be_exempted():
    doc = Document.from_text(SIGNED.format(date="二〇〇四年八月十二日"))
    assert "N105" in {f.rule for f in check_document(doc, Config()).findings}
    doc = Document.from_text(SIGNED.format(date="二〇〇四年八月十二日"))
    assert "N105" not in {f.rule for f in check_document(doc, Config(exempt_before_year=2012)).findings}
    doc = Document.from_text(SIGNED.format(date="二〇二五年三月五日"))
    assert "N105" in {f.rule for f in check_document(doc, Config(exempt_before_year=2012)).findings}


def test_chinese_date_inside_the_body_is_not_a_signing_date(check_text):
    text = "关于开展安全检查的通知\n各村：\n会议回顾了二〇二五年三月五日的讨论。\n勺米镇人民政府\n2025年3月6日"
    assert "N105" not in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text", [
    "索引号：X01-2025-00001 主题分类：无 成文日期：2025-03-05 发布日期：2025-03-06",
    "序号 案件编号 立案日期 罚没金额 1 A2025001 2025-03-05 1.25 2 A2025002 2025-03-07 0.30",
    "先后破获“2024.5.12”系列盗窃案、“2024.6.1”故意伤害案。",
])
def test_iso_dates_of_page_fields_tables_and_case_names_stay_silent(check_text, text):
    assert "N104" not in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text", [
    "请于2025-03-05前报送材料。",
    "成文日期：2025-03-05，请各村遵照执行。",       # no 信息索引 around it: the document's own text
])
def test_iso_dates_in_sentences_still_fire(check_text, text):
    assert "N104" in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text", [
    "经营场所：某某县某某镇前村10-70号",
    "住所：某某县西航路南段B区71-151 张某",
    "某某城8-9楼一层",
])
def test_house_numbers_are_not_ranges(check_text, text):
    assert "N109" not in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text, fixed", [
    ("试用期月薪1800元-2000元", "试用期月薪1800元～2000元"),
    ("全区3-5个工作日办结", "全区3～5个工作日办结"),
    ("整治时间为3月-5月", "整治时间为3月—5月"),
])
def test_hyphen_ranges_are_fixed(text, fixed):
    assert autocorrect(text) == fixed


def test_signing_date_before_the_printed_line_is_called_a_signing_date(check_text):
    text = "关于开展安全检查的通知\n各村：\n请做好安全检查工作。特此通知。 二〇二五年三月五日 某某镇党政办 2025年3月5日印发"
    msgs = [f.message for f in check_text(text).findings if f.rule == "N105"]
    assert msgs and all("成文日期" in m for m in msgs)


@pytest.mark.parametrize("text, fixed", [
    ("各村于二〇二六年三月底前完成自查。", "2026年3月"),
    ("二0一九年度的项目已经结算。", "2019年"),
    ("会议于二〇二五年三月五日召开。", "2025年3月5日"),
])
def test_years_in_chinese_numerals_in_the_body_fire(check_text, text, fixed):
    found = [f for f in check_text(text).findings if f.rule == "N111"]
    assert [f.suggestion for f in found] == [fixed]


@pytest.mark.parametrize("text", [
    "各村于2026年3月底前完成自查。",
    "根据《二〇二五年度工作要点》安排",   # a quoted title is cited as issued
    "工作三年来成效明显",
    "农历正月初一",
    SIGNED.format(date="二〇二五年三月五日"),  # the 成文日期 is N105's
])
def test_years_in_chinese_numerals_stay_silent(check_text, text):
    assert "N111" not in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text, fixed", [
    ("公示期为5月21日-8月30日。", "公示期为5月21日—8月30日。"),
    ("报名时间为3月1日－15日。", "报名时间为3月1日—15日。"),
    ("公示期为5月21 日-－8月30日。", "公示期为5月21 日—8月30日。"),
])
def test_date_ranges_with_hyphens(text, fixed):
    assert autocorrect(text) == fixed


@pytest.mark.parametrize("text, fires", [
    ("咨询电话：东镇1390000000，西镇13900000001。", True),      # ten digits
    ("咨询电话：东镇139000000012。", True),                      # twelve digits
    ("咨询电话：东镇13900000000，西镇13900000001。", False),
    ("某项目总投资1390000000元，咨询电话0851-1234567", False),   # an amount
    ("编号1390000000", False),                                  # no telephone in sight
])
def test_telephone_number_with_a_digit_too_few_or_too_many(check_text, text, fires):
    assert ("N112" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fixed", [
    ("身高165CM以上。", "身高165cm以上。"),
    ("每袋净重50 KG。", "每袋净重50 kg。"),
    ("装机容量12KW。", "装机容量12kW。"),
    ("型号XK-KM200。", "型号XK-KM200。"),
    ("根据《中华人民共和国某某法》第39条规定", "根据《中华人民共和国某某法》第三十九条规定"),
    ("依照《某某条例》第110条第2款", "依照《某某条例》第一百一十条第二款"),
    ("按照《某某工作方案》第3条", "按照《某某工作方案》第3条"),       # a plan is no law
])
def test_unit_symbols_and_article_numbers(text, fixed):
    from gongkai.proofing.correction import autocorrect

    assert autocorrect(text) == fixed


def test_chinese_article_numbers():
    from gongkai.proofing.numbers import int_to_cn

    assert [int_to_cn(n) for n in (3, 10, 16, 39, 100, 105, 110, 999)] == [
        "三", "十", "十六", "三十九", "一百", "一百零五", "一百一十", "九百九十九"]


@pytest.mark.parametrize("text, fires", [
    ("每村推荐超过两名以上代表。", True),
    ("不宜引入超过三家及以上企业。", True),
    ("申请人须具有不少于3年以上工作经历。", True),
    ("每户面积最多60平方米以下。", True),
    ("现场约200人左右。", True),
    ("收费标准为2元/每次。", True),
    ("每村推荐两名以上代表。", False),
    ("超过3个月的，以上人员重新登记。", False),     # 以上 opens the next clause
    ("共节约50万元左右。", False),                  # 节约 is no estimate
    ("超过60岁以上述标准执行。", False),
    ("收费标准为2元/次。", False),
])
def test_quantity_bounded_twice(check_text, text, fires):
    assert ("T107" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fires", [
    ("关于做好统计工作的通知\n各村：\n各村务必于2019年6月30日前报送报表。\n某某镇人民政府\n2020年3月2日", True),
    ("关于做好统计工作的通知 各村： 请于2019年6月前报送报表。 某某镇人民政府 2020年3月2日", True),  # no line breaks
    ("关于做好统计工作的通知\n各村：\n各村务必于2020年6月30日前报送报表。\n某某镇人民政府\n2020年3月2日", False),
    ("关于做好统计工作的通知\n各村：\n各村已于2019年6月30日前报送报表。\n某某镇人民政府\n2020年3月2日", False),
    ("各村务必于2019年6月30日前报送报表。", False),                                            # no date of its own
])
def test_deadline_before_the_document_date(check_text, text, fires):
    assert ("N115" in {f.rule for f in check_text(text).findings}) is fires


@pytest.mark.parametrize("text, fixed", [
    ("全年受理申请40件，其中办结37件，转办数3。", "全年受理申请40件，其中办结37件，转办数3件。"),
    ("全年受理申请40件，其中办结37件，转办3件。", "全年受理申请40件，其中办结37件，转办3件。"),
    ("全年受理申请40件。转办数3。", "全年受理申请40件。转办数3。"),                 # one counted neighbour only
    ("接待群众40人，受理申请37件，转办数3。", "接待群众40人，受理申请37件，转办数3。"),   # the units differ
])
def test_count_without_its_measure_word(text, fixed):
    from gongkai.proofing.correction import autocorrect

    assert autocorrect(text) == fixed
