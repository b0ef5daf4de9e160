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
