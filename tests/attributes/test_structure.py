"""parse_structure: the parts of a 公文 in GB/T 9704 order, web layouts and rough drafts."""

from __future__ import annotations

import sys
from functools import cache

import pytest
import regex

from gongkai.attributes.structure import doc_type_of, parse_structure
from gongkai.models import Document

FULL = """000123
秘密★1年
特急
勺米镇人民政府文件
勺府发〔2025〕12号
勺米镇人民政府关于做好
2025年春季森林防火工作的通知
各村（社区），镇属各单位：
为切实做好春季森林防火工作，现将有关事项通知如下。
一、严格野外火源管控。
附件：1.森林防火责任人名单
2.森林防火值班表
勺米镇人民政府
2025年3月5日
（此件不予公开）
抄送：云岭区人民政府办公室。
勺米镇党政办公室          2025年3月5日印发"""


def _s(text: str):
    return parse_structure(Document.from_text(text))


def test_every_part_of_a_full_document_in_gbt9704_order():
    s = _s(FULL)
    assert s.copy_number.text == "000123"
    assert s.secret.text == "秘密★1年"
    assert s.urgency.text == "特急"
    assert s.banner.text == "勺米镇人民政府文件"
    assert s.doc_number.text == "勺府发〔2025〕12号"
    assert s.title.text == "勺米镇人民政府关于做好2025年春季森林防火工作的通知"
    assert s.doc_type == "通知"
    assert s.recipients.text == "各村（社区），镇属各单位："
    assert s.attachments == ["森林防火责任人名单", "森林防火值班表"]
    assert s.issuer.text == "勺米镇人民政府" and s.issuer_source == "signature"
    assert s.date.text == "2025年3月5日"
    assert s.note.text == "（此件不予公开）"
    assert s.label.value == "不予公开"
    assert s.copy_to.text.startswith("抄送")
    assert s.printed is not None
    assert s.direction == "下行"


def test_web_copy_with_the_title_before_the_doc_number():
    s = _s("国务院关于棉粮、糖粮挂钩奖售粮\n几 个 问 题 的 通 知\n国发〔1981〕88号\n各省、市、自治区人民政府：\n"
           "现将几个具体问题通知如下：\n一、关于奖售基数问题。\n国务院\n一九八一年五月十二日")
    assert s.title.text == "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知"
    assert s.doc_number.text == "国发〔1981〕88号"
    assert s.recipients.text == "各省、市、自治区人民政府："
    assert s.date.text == "一九八一年五月十二日"
    assert s.issuer.text == "国务院"


def test_title_continues_over_a_line_ending_in_a_doc_type_word():
    s = _s("国务院办公厅关于全面推行\n行政执法公示制度执法全过程记录制度\n重大执法决定法制审核制度的指导意见\n"
           "国办发〔2018〕118号\n各省人民政府：\n正文。")
    assert s.title.text.endswith("法制审核制度的指导意见")
    assert s.doc_type == "意见"


def test_rough_draft_without_number_recipients_or_signature():
    s = _s("关于开展秸秆禁烧工作的通知\n秋收时节将至，请各村严禁焚烧秸秆。\n2025年9月1日")
    assert s.title.text == "关于开展秸秆禁烧工作的通知"
    assert s.doc_number is None and s.recipients is None and s.issuer is None
    assert s.date.text == "2025年9月1日"
    assert s.label is None


def test_issuer_from_the_title_when_unsigned():
    s = _s("勺米镇人民政府关于调整低保标准的决定\n各村：\n决定调整低保标准。")
    assert s.issuer.text == "勺米镇人民政府" and s.issuer_source == "title"


@pytest.mark.parametrize("title, doc_type", [
    ("勺米镇人民政府森林防火命令", "命令"), ("中华人民共和国国务院令", "令"),
    ("关于表彰先进集体的决定", "决定"), ("关于集体土地征收的公告", "公告"), ("关于禁止燃放烟花爆竹的通告", "通告"),
    ("关于推进乡村振兴的实施意见", "意见"), ("关于做好防汛工作的通知", "通知"), ("关于森林火灾情况的通报", "通报"),
    ("关于受灾情况的报告", "报告"), ("关于申请资金的请示", "请示"), ("关于同意实施项目的批复", "批复"),
    ("关于提请审议预算草案的议案", "议案"), ("关于商请协助的函", "函"), ("关于征求意见的复函", "函"),
    ("党政联席会议纪要", "纪要"), ("森林防火工作方案", "方案"), ("村级财务管理办法", "办法"),
    ("公务用车管理规定", "规定"), ("低保对象公示", "公示"), ("集镇停车管理办法（征求意见稿）", "办法"),
    ("关于印发《集镇管理办法》的通知", "通知"),
    # Brackets are cut only when the title ends with one (spaces after it count as its end).
    ("集镇停车管理办法（试行）（征求意见稿） ", "办法"), ("集镇停车管理办法(试行)\u3000", "办法"),
    ("关于同意（暂缓）实施", None), ("集镇停车管理（办法）说明", None),
])
def test_doc_type_from_the_title(title, doc_type):
    assert doc_type_of(title) == doc_type


def test_yinfa_notice_carries_the_type_of_what_it_issues():
    s = _s("关于印发《勺米镇村级财务管理办法》的通知\n各村：\n现印发给你们，请遵照执行。\n勺米镇人民政府\n2025年3月1日\n"
           "勺米镇村级财务管理办法\n第一条 为规范村级财务管理，制定本办法。")
    assert (s.doc_type, s.carried_type, s.carried_title) == ("通知", "办法", "勺米镇村级财务管理办法")
    assert s.forwarded is None
    assert s.attachment_start is not None  # the 办法 after the date, without a 附件 heading


FORWARDED = """勺米镇人民政府关于转发《云岭区人民政府关于做好安全生产工作的通知》（云府发〔2025〕8号）的通知
各村（社区）：
现将该文件转发给你们，请遵照执行。
勺米镇人民政府
2025年3月5日
{own}
附件
云岭区人民政府关于做好安全生产工作的通知
各乡镇：
请做好安全生产工作。
云岭区人民政府
2025年3月1日
{theirs}"""


def test_forwarded_document_title_number_and_both_labels():
    s = _s(FORWARDED.format(own="（此件公开发布）", theirs="（此件不予公开）"))
    assert s.forwarded == {"title": "云岭区人民政府关于做好安全生产工作的通知", "doc_number": "云府发〔2025〕8号",
                           "label": "不予公开"}
    assert s.label.value == "主动公开"
    assert s.forwarded_label.value == "不予公开"


def test_forwarded_label_is_not_taken_for_the_documents_own():
    s = _s(FORWARDED.format(own="", theirs="（此件公开发布）"))
    assert s.label is None
    assert s.forwarded_label.value == "主动公开"


@pytest.mark.parametrize("text, direction", [
    ("关于申请防汛经费的请示\n区人民政府：\n妥否，请批示。", "上行"),
    ("关于上半年工作情况的报告\n区人民政府：\n现将有关情况报告如下。", "上行"),
    ("关于商请协助的函\n区供电局：\n请予支持为盼。", "平行"),
    ("关于做好防汛工作的通知\n各村（社区）：\n请做好防汛工作。", "下行"),
    ("关于同意实施项目的批复\n红岩村村民委员会：\n你村请示收悉。", "下行"),
    ("关于加快产业发展的意见\n云岭区人民政府：\n我镇对产业发展提出如下建议。", "上行"),
    ("关于加快产业发展的意见\n各村（社区）：\n现提出如下意见。", "下行"),
    ("关于茶叶产业发展情况\n区农业农村局：\n现将情况报告如下：", "上行"),
])
def test_direction_from_doc_type_recipients_and_wording(text, direction):
    assert _s(text).direction == direction


def test_upward_wording_is_read_from_the_main_document_only():
    s = _s("关于转发《区政府关于防汛的通知》的通知\n各村：\n现转发给你们。\n勺米镇人民政府\n2025年6月1日\n附件\n"
           "红岩村关于申请防汛物资的请示\n勺米镇人民政府：\n妥否，请批示。")
    assert s.direction == "下行"


def test_forwarded_title_and_number_from_the_attachment_when_the_title_is_generic():
    s = _s("关于转发区政府文件的通知\n各村：\n现将区政府文件转发给你们，请遵照执行。\n勺米镇人民政府\n2025年3月5日\n附件\n"
           "云岭区人民政府文件\n云府发〔2025〕9号\n云岭区人民政府关于做好春耕生产的通知\n各乡镇：\n请做好春耕。\n（此件公开发布）")
    assert s.forwarded == {"title": "云岭区人民政府关于做好春耕生产的通知", "doc_number": "云府发〔2025〕9号",
                           "label": "主动公开"}


@pytest.mark.parametrize("first_line", ["为保障群众安全，现就有关事项通告如下：", "现将有关事项通知如下：",
                                        "根据区政府安排，现将工作要求明确如下："])
def test_an_opening_sentence_ending_in_a_colon_is_not_the_recipient(first_line):
    s = _s(f"关于禁止燃放烟花爆竹的通告\n{first_line}\n一、集镇区域禁止燃放。")
    assert s.recipients is None


def test_recipients_with_commas_are_kept():
    assert _s("关于做好防汛工作的通知\n各村（社区），镇属各单位：\n请做好防汛工作。").recipients.text == "各村（社区），镇属各单位："


@pytest.mark.parametrize("sentence, direction, words", [
    # direction_with_reason searches the body only when it holds a word every match of
    # UPWARD_WORDS / PEER_WORDS holds: each form must still be found.
    ("妥否，请批示。", "上行", "妥否，请批示"), ("以上意见请予审批。", "上行", "请予审批"),
    ("请审阅。", "上行", "请审阅"),
    ("特此请示。", "上行", "特此请示"), ("特此报告。", "上行", "特此报告"), ("请审定。", "上行", "请审定"),
    ("请予批准。", "上行", "请予批准"), ("请予审定。", "上行", "请予审定"), ("请审批。", "上行", "请审批"),
    ("恳请区人民政府给予资金支持。", "上行", "恳请区人民政府给予资金支持"),
    ("现将今年防汛工作情况报告如下。", "上行", "现将今年防汛工作情况报告如下"),
    ("特此函告。", "平行", "特此函告"), ("请予以支持为盼。", "平行", "请予以支持为盼"),
    ("请研究提出意见。", "平行", "请研究提出"), ("请于6月1日前反馈。", "平行", "请于6月1日前反馈"),
    ("盼函复。", "平行", "函复"), ("请予以复函。", "平行", "予以复函"),
    ("请各村做好村道修缮工作。", None, None),
])
def test_direction_from_the_wording_of_the_body(sentence, direction, words):
    s = _s(f"关于村道修缮有关事项\n为做好村道修缮工作，{sentence}")
    assert s.doc_type is None and s.recipients is None
    assert s.direction == direction
    assert s.direction_reason == (f"正文“{words}”" if words else None)


@cache
def _every_character() -> str:
    return "".join(map(chr, range(sys.maxunicode + 1)))


def test_every_character_spaces_match_is_the_space_or_unprintable():
    # _has_space, which lets _clean and _tight skip their substitution, rests on this.
    spaces = regex.findall(r"\s", _every_character())
    assert "\u3000" in spaces and all(c == " " or not c.isprintable() for c in spaces)


def test_no_digit_a_heading_may_open_with_is_a_letter():
    # _is_heading skips HEADING for a line opening with a letter other than 一…十/第, on this.
    digits = regex.findall(r"\d", _every_character())
    assert "１" in digits and not any(c.isalpha() for c in digits)


def test_a_heading_numbered_with_a_full_width_digit_ends_the_title():
    assert _s("关于做好防汛工作\n１、加强值班\n各村要做好值班。").title.text == "关于做好防汛工作"
    assert _s("关于做好防汛工作\n加强值班\n各村要做好值班。").title.text == "关于做好防汛工作加强值班"


def test_a_date_spaced_with_ideographic_spaces_and_tabs_is_the_date():
    s = _s("关于做好防汛工作的通知\n各村：\n请做好防汛。\n勺米镇人民政府\n2025\u3000年 3 月\t5 日")
    assert s.date.text == "2025\u3000年 3 月\t5 日" and s.issuer.text == "勺米镇人民政府"


# -- document_label: the label without the whole analysis where it is certain ------------------

_POOL = [
    "勺米镇人民政府关于做好春耕工作的通知", "勺米镇人民政府关于印发《春耕工作方案》的通知", "关于转发区政府文件的通知",
    "勺米镇人民政府关于发布森林防火命令的通知", "勺府发〔2025〕3号", "各村（社区）：", "现将有关事项通知如下。",
    "请各村认真贯彻落实。", "附件", "附件1", "附件：春耕工作方案", "1.春耕工作方案", "勺米镇人民政府", "2025年3月5日",
    "二〇二五年三月五日", "（此件公开发布）", "（此件依申请公开）", "（此件不予公开）", "公开属性：主动公开",
    "公开方式：依申请公开", "春耕工作方案", "一、总体要求", "抄送：区政府办公室。", "勺米镇党政办公室 2025年3月5日印发",
    "请在文末标注“（此件公开发布）”字样，并于3月10日前报送镇党政办，逾期不报的予以通报批评。", "（联系人：王明，电话：0858-8123456）",
]


def _random_documents(n: int, seed: int = 20261127):
    import random

    rng = random.Random(seed)
    for i in range(n):
        lines = [rng.choice(_POOL) for _ in range(rng.randint(1, 14))]
        doc = Document.from_text("\n".join(lines), path=f"r{i}")
        if rng.random() < 0.2:
            from gongkai.models import Block

            doc.add_block(Block(text=rng.choice(["（此件公开发布）", "公开属性：依申请公开", "第1页"]), part="footer"))
        if rng.random() < 0.1:
            doc.custom_properties["公开属性"] = rng.choice(["主动公开", "不予公开"])
        if rng.random() < 0.1:
            doc.core_properties["title"] = rng.choice(["关于印发方案的通知", "关于春耕的通知"])
        yield doc


def test_document_label_is_parse_structures_label(monkeypatch):
    """On random layouts (labels before and after 附件 headings and 成文日期, 印发 notices, footers,
    properties) the cheap path and the full analysis agree, and both paths are taken."""
    from gongkai.attributes import structure as S

    def key(label):
        return label and (label.value, label.block, label.start, label.source)

    full = 0
    real = S.parse_structure

    def counting(doc, ctx=None):
        nonlocal full
        full += 1
        return real(doc, ctx)

    docs = list(_random_documents(600))
    expected = [key(real(d).label) for d in docs]
    monkeypatch.setattr(S, "parse_structure", counting)
    got = [key(S.document_label(d)) for d in docs]
    assert got == expected
    assert 50 < full < 550  # the cheap path decided most, the full analysis the rest
    assert sum(1 for k in expected if k) > 300 and sum(1 for k in expected if not k) > 20


def test_document_label_uses_the_analysis_a_context_has():
    from gongkai.attributes.structure import document_label
    from gongkai.engine import Context

    doc = Document.from_text(FULL)
    ctx = Context(doc)
    s = ctx.fact(parse_structure)
    assert ctx.known(parse_structure)
    assert document_label(doc, ctx) is s.label and s.label.value == "不予公开"


@pytest.mark.parametrize("marks", ["机密★1年\n特急\n", "内部资料 注意保存\n", "000123\n秘密★6个月\n特急\n", ""])
def test_marks_above_the_masthead_are_not_the_title(marks):
    text = (marks + "勺米镇人民政府文件\n勺府发〔2025〕3号\n勺米镇人民政府关于申请追加防汛经费的请示\n区人民政府：\n"
            "今年汛期雨量偏多。\n妥否，请批示。\n勺米镇人民政府\n2025年6月1日")
    s = parse_structure(Document.from_text(text))
    assert s.title.text == "勺米镇人民政府关于申请追加防汛经费的请示" and s.doc_type == "请示"


def test_an_internal_mark_in_a_sentence_is_no_masthead_mark():
    text = "关于内部资料管理的通知\n各股室：\n内部资料注意保存，不得外传。\n勺米镇人民政府\n2025年6月1日"
    assert parse_structure(Document.from_text(text)).title.text == "关于内部资料管理的通知"
