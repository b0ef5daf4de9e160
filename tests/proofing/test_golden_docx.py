"""A .docx with one deliberate error of every kind, and the same 公文 written correctly.

Both are built in code with DocxBuilder. The broken one must raise exactly the listed
punctuation, number and format findings, at the listed places; the clean one none at all.
"""

from __future__ import annotations

from gongkai import Config, check_document
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.proofing.format_rules import set_line_grid

TITLE = ("方正小标宋简体", 22)
BODY = ("仿宋_GB2312", 16)
H1 = ("黑体", 16)
H2 = ("楷体_GB2312", 16)

# (text, font, align) per paragraph; a list of (text, font) pieces for mixed runs.
BROKEN = [
    ("勺府发[2025]03号", BODY, "center"),                                     # 0 F101
    ("勺米镇人民政府关于做好防汛工作的通知", ("宋体", 18), "center"),          # 1 F108
    ("各村、各股室", BODY, None),                                             # 2 F104
    ("为做好今年防汛工作,现将有关事项通知如下。", BODY, None),                 # 3 P101
    ("一、总体要求", BODY, None),                                             # 4 F110 (仿宋, not 黑体)
    ([("（一）、明确责任。", H2), ("各村要落实防汛责任。", BODY)], None, None),  # 5 F103
    ('坚持"人民至上"，落实镇-村两级<水城区防汛应急预案>。（详见附件）', BODY, None),  # 6 P102 P105 P110 P111
    ("三、工作措施", H1, None),                                               # 7 F102
    ("请于3月15号前完成排查，，并报送（社区)名单。", BODY, None),              # 8 N101 P104 P107
    ("每户补助五千元，补助标准为3～5万元，办理时限为3-5个工作日。", BODY, None),  # 9 N106 N108 N109
    ("截至2025.3.1，共排查隐患3，000处。", BODY, None),                         # 10 N104 N107
    ("排查范围包括道路、桥梁...等设施--重点是山洪沟、山塘，山坡。", BODY, None),  # 11 P106 P106 P108
    ("详见《防汛责任清单（2025年版）。", BODY, None),                           # 12 P103
    ("请于25年4月01日前报送二〇二四年度总结。", BODY, None),                   # 13 N102 N103 N111
    ("各村要高度重视，第２批名单另行通知。特此通知", ("宋体", 16), None),       # 14 F109 N110 P109
    ("依据《值班办法》（勺府发〔2024〕2号）《巡查细则》（勺府办〔2024〕9号）执行。", BODY, None),  # 15 P112
    ("按照区里的部署要求。经研究，成立防汛值守组。", BODY, None),              # 16 P113
    ("制定了值班、巡查等两项制度、现印发给你们，请做好值守，巡查等工作。", BODY, None),  # 17 P114 P115
    ("值班电话：1390000000，堤坝加高50CM。", BODY, None),                      # 18 N112 N113
    ("依照《中华人民共和国防洪法》第22条规定执行。", BODY, None),               # 19 N114
    ("各村务必于2024年5月1日前上报。", BODY, None),                             # 20 N115
    ("共收到报告12件，办结10件，在办数2。", BODY, None),                        # 21 N116
    ("根据勺府发〔2024〕5号（《勺米镇防汛应急预案》）执行。", BODY, None),       # 22 F114
    ("附件：防汛责任清单。", BODY, None),                                      # 23 F105
    ("勺米镇人民政府", BODY, "right"),                                         # 24
    ("二〇二五年三月五日", BODY, None),                                        # 25 N105 F113
    ("此件公开发布", BODY, None),                                              # 26 F106
    ("抄送：区应急局、区水务局", BODY, None),                                   # 27 F107
    ("勺米镇党政办公室　2025年3月5日印发", BODY, None),                         # 28
]

CLEAN = [
    ("勺府发〔2025〕3号", BODY, "center"),
    ("勺米镇人民政府关于做好防汛工作的通知", TITLE, "center"),
    ("各村、各股室：", BODY, None),
    ("为做好今年防汛工作，现将有关事项通知如下。", BODY, None),
    ("一、总体要求", H1, None),
    ([("（一）明确责任。", H2), ("各村要落实防汛责任。", BODY)], None, None),
    ("坚持“人民至上”，落实镇—村两级《水城区防汛应急预案》（详见附件）。", BODY, None),
    ("二、工作措施", H1, None),
    ("请于3月15日前完成排查，并报送（社区）名单。", BODY, None),
    ("每户补助5000元，补助标准为3万～5万元，办理时限为3～5个工作日。", BODY, None),
    ("截至2025年3月1日，共排查隐患3,000处。", BODY, None),
    ("排查范围包括道路、桥梁……等设施——重点是山洪沟、山塘、山坡。", BODY, None),
    ("详见《防汛责任清单（2025年版）》。", BODY, None),
    ("请于2025年4月1日前报送2024年度总结。", BODY, None),
    ("各村要高度重视，第2批名单另行通知。特此通知。", BODY, None),
    ("依据《值班办法》（勺府发〔2024〕2号）、《巡查细则》（勺府办〔2024〕9号）执行。", BODY, None),
    ("按照区里的部署要求，经研究，成立防汛值守组。", BODY, None),
    ("制定了值班、巡查等两项制度，现印发给你们，请做好值守、巡查等工作。", BODY, None),
    ("值班电话：13900000000，堤坝加高50cm。", BODY, None),
    ("依照《中华人民共和国防洪法》第二十二条规定执行。", BODY, None),
    ("各村务必于2025年5月1日前上报。", BODY, None),
    ("共收到报告12件，办结10件，在办数2件。", BODY, None),
    ("根据《勺米镇防汛应急预案》（勺府发〔2024〕5号）执行。", BODY, None),
    ("附件：防汛责任清单", BODY, None),
    ("勺米镇人民政府", BODY, "right"),
    ("2025年3月5日", BODY, "right"),
    ("（此件公开发布）", BODY, None),
    ("抄送：区应急局，区水务局。", BODY, None),
    ("勺米镇党政办公室　2025年3月5日印发", BODY, None),
]

EXPECTED = [
    ("F101", 0, "勺府发[2025]03号"),
    ("F108", 1, "勺米镇人民政府关于做好防汛工作的通知"),
    ("F108", 1, "勺米镇人民政府关于做好防汛工作的通知"),
    ("F104", 2, "各村、各股室"),
    ("P101", 3, ","),
    ("F110", 4, "一、总体要求"),
    ("F103", 5, "（一）、"),
    ("P102", 6, '"人民至上"'),
    ("P105", 6, "<水城区防汛应急预案>"),
    ("F102", 7, "三"),
    ("N101", 8, "3月15号"),
    ("P104", 8, "，，"),
    ("P107", 8, "（社区)"),
    ("N106", 9, "五千元"),
    ("N108", 9, "3～5万"),
    ("N109", 9, "3-5"),
    ("N104", 10, "2025.3.1"),
    ("N107", 10, "3，000"),
    ("P106", 11, "..."),
    ("P106", 11, "--"),
    ("P103", 12, "《"),
    ("N102", 13, "25年"),
    ("N103", 13, "4月01日"),
    ("F109", 14, "各村要高度重视，第２批名单另行通知。特此通知"),
    ("P109", 14, "特此通知"),
    ("P110", 6, "-"),
    ("P111", 6, "。（详见附件）"),
    ("P108", 11, "，"),
    ("N111", 13, "二〇二四年"),
    ("N110", 14, "２"),
    ("F105", 23, "附件：防汛责任清单。"),
    ("N105", 25, "二〇二五年三月五日"),
    ("F113", 25, "二〇二五年三月五日"),
    ("F106", 26, "此件公开发布"),
    ("F107", 27, "区应急局、区水务局"),
    ("P112", 15, "）"),
    ("P113", 16, "。"),
    ("P114", 17, "、"),
    ("P115", 17, "，"),
    ("N112", 18, "1390000000"),
    ("N113", 18, "CM"),
    ("N114", 19, "第22条"),
    ("N115", 20, "2024年5月1日"),
    ("N116", 21, "2"),
    ("F114", 22, "勺府发〔2024〕5号（《勺米镇防汛应急预案》）"),
    ("F111", 0, ""),
    ("F112", 0, ""),
]


def build(paragraphs, *, page=None, grid_lines=22):
    b = DocxBuilder()
    b.page(**(page or {}))
    set_line_grid(b, grid_lines)
    for text, font, align in paragraphs:
        if isinstance(text, list):
            b.paragraph(runs=[(t, {"font": f[0], "size": f[1]}) for t, f in text], align=align)
        else:
            b.paragraph(text, font=font[0], size=font[1], align=align)
    return read_bytes(b.to_bytes(), "golden.docx")


def mine(report):
    return [f for f in report.findings if f.rule[0] in "PNF"]


def test_every_deliberate_error_is_found_where_it_was_made():
    doc = build(BROKEN, page={"top": 25.4, "bottom": 25.4, "left": 31.8, "right": 31.8}, grid_lines=20)
    found = sorted((f.rule, f.location.block, f.text) for f in mine(check_document(doc, Config())))
    assert found == sorted(EXPECTED)


def test_every_rule_of_the_stage_is_exercised():
    from gongkai.engine import default_registry

    codes = {r.code for r in default_registry() if r.code[0] in "PNF"}
    assert codes == {code for code, _, _ in EXPECTED}


def test_the_same_document_written_correctly_raises_nothing():
    doc = build(CLEAN)
    assert mine(check_document(doc, Config())) == []


def test_suggestions_of_the_broken_document_are_the_clean_text():
    doc = build(BROKEN)
    report = check_document(doc, Config())
    by = {(f.rule, f.location.block): f.suggestion for f in mine(report)}
    assert by[("F101", 0)] == "勺府发〔2025〕3号"
    assert by[("F104", 2)] == "各村、各股室："
    assert by[("N105", 25)] == "2025年3月5日"
    assert by[("F106", 26)] == "（此件公开发布）"
    assert by[("F107", 27)] == "区应急局，区水务局。"
    assert by[("F105", 23)] == "附件：防汛责任清单"


def test_old_documents_are_exempted_from_format_by_config():
    doc = build(BROKEN, page={"top": 25.4, "bottom": 25.4, "left": 31.8, "right": 31.8})
    doc.blocks[25].text = "二〇〇四年三月五日"
    found = {f.rule for f in mine(check_document(doc, Config(exempt_before_year=2012)))}
    # 发文字号 and heading numbers were ruled the same way before 2012 (GB/T 9704-1999), and a cited
    # document's title came before its 文号 already under the 2000 公文处理办法 (F114)
    assert {c for c in found if c[0] == "F"} == {"F101", "F102", "F103", "F114"} and "N105" not in found
    assert "P101" in found  # language rules still apply
