"""Audit findings A101–A104 through the whole pipeline."""

from __future__ import annotations

import pytest

NOTICE = "关于做好春耕备耕工作的通知\n各村（社区）：\n请做好种粮补贴申报工作。\n勺米镇人民政府\n2025年3月5日\n{label}"


def codes(report):
    return [f.rule for f in report.findings if f.category == "attribute"]


def test_missing_label_is_sent_back_with_a_suggestion(check_text):
    report = check_text(NOTICE.format(label=""))
    [f] = [f for f in report.findings if f.rule == "A101"]
    assert f.kind == "label_missing" and f.severity.label == "error"
    assert "退回起草单位" in f.message
    assert "（此件主动公开）" in f.suggestion and "补贴" in f.suggestion
    assert "第四条" in f.basis


def test_matching_label_raises_nothing(check_text):
    assert codes(check_text(NOTICE.format(label="（此件公开发布）"))) == []


def test_conflict_says_why(check_text):
    report = check_text("关于申请追加防汛经费的请示\n区人民政府：\n妥否，请批示。\n勺米镇人民政府\n2025年6月1日\n（此件公开发布）")
    [f] = [f for f in report.findings if f.rule == "A102"]
    assert "“主动公开”" in f.message and "“不予公开”" in f.message
    assert "报上级机关的请示" in f.message
    assert f.explanation["suggested"] == "不予公开"


def test_weak_suggestion_does_not_raise_a_conflict(check_text):
    # Nothing in the text speaks for or against publication: the default is not confident enough.
    report = check_text("关于有关事项的通知\n各单位：\n请按要求办理。\n（此件依申请公开）")
    assert "A102" not in codes(report)


def test_public_document_with_an_id_number_is_restricted_content(check_text):
    report = check_text(NOTICE.format(label="（此件公开发布）").replace(
        "请做好种粮补贴申报工作。", "申请人王某明，身份证号11010519491231002X。"))
    [f] = [f for f in report.findings if f.rule == "A103"]
    assert "公民身份号码 1 处" in f.message
    assert "11010519491231002X" not in f.message + (f.suggestion or "")
    assert "区分处理" in f.suggestion


def test_on_request_document_with_an_id_number_is_not_restricted_content(check_text):
    report = check_text("关于王某明同志家庭情况的证明函\n区人社局：\n王某明，身份证号11010519491231002X。\n（此件依申请公开）")
    assert "A103" not in codes(report)


def test_secret_mark_in_a_public_document(check_text):
    report = check_text("秘密★1年\n关于稳控工作的通知\n各村：\n请落实责任。\n（此件公开发布）")
    assert {"A102", "A103"} <= set(codes(report))


FORWARD = ("关于转发《区人民政府关于开展明察暗访的通知》的通知\n各村：\n现转发给你们。\n勺米镇人民政府\n2025年5月8日\n"
           "{own}\n附件\n区人民政府关于开展明察暗访的通知\n各乡镇：\n请做好迎检准备。\n（此件不予公开）")


def test_forwarded_label_differs(check_text):
    report = check_text(FORWARD.format(own="（此件公开发布）"))
    [f] = [f for f in report.findings if f.rule == "A104"]
    assert "“主动公开”" in f.message and "“不予公开”" in f.message
    assert "A102" not in codes(report)  # one finding for one cause


def test_forwarded_label_inherited(check_text):
    assert codes(check_text(FORWARD.format(own="（此件不予公开）"))) == []


def test_two_contradicting_labels_of_the_document(check_text):
    report = check_text(NOTICE.format(label="（此件公开发布）\n公开方式：不予公开"))
    [f] = [f for f in report.findings if f.rule == "A102"]
    assert "自相矛盾" in f.message


ISSUING = """勺米镇人民政府关于印发《勺米镇农村人居环境整治办法》的通知
各村（社区）：
现将《勺米镇农村人居环境整治办法》印发给你们，请认真贯彻执行。
勺米镇人民政府
2025年3月5日
勺米镇农村人居环境整治办法
第一条 为改善农村人居环境，制定本办法。
第二条 本办法自印发之日起施行。
{label}抄送：县农业农村局。
勺米镇党政办公室 2025年3月5日印发"""


@pytest.mark.parametrize("text, missing", [
    (ISSUING.format(label="公开方式：主动公开\n"), False),   # the 版记 after the enclosed 办法 is the notice's
    (ISSUING.format(label=""), True),
    ("关于开展检查的函\n索引号\n001/2025-0001\n公开类别\n主动公开\n各村：\n请做好检查。\n勺米镇人民政府\n2025年3月5日", False),
    ("关于开展检查的通知 各村：请做好检查工作，按时报送材料，确保各项工作落到实处。 勺米镇人民政府 2025年3月5日 "
     "信息公开选项: 主动公开 勺米镇党政办 2025年3月5日印发", False),   # a page without line breaks
    ("关于规范公开属性标注的通知 各村：今后发文请在附注处注明“公开方式：主动公开”等字样，确保各项工作落到实处。"
     " 勺米镇人民政府 2025年3月5日", True),                            # quoted as an example, not stated
])
def test_label_in_banji_page_block_or_flattened_text(check_text, text, missing):
    assert ("A101" in {f.rule for f in check_text(text).findings}) is missing
