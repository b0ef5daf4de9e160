"""Locations a clerk can find: counted as a reader sees the draft, with text to search for."""

from __future__ import annotations

import json

from gongkai import check
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder

ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person


def draft() -> bytes:
    b = DocxBuilder()
    b.paragraph("关于做好春耕工作的通知")
    b.paragraph("")  # empty paragraphs are not counted by a reader
    b.paragraph("")
    b.paragraph("各村（社区）：")
    b.table([["序号", "姓名", "身份证号"], ["1", "王德贵", ID]])
    b.paragraph("")
    p = b.paragraph("各村要把工作布署到位。")
    b.footnote(p, "申请人：李德明，手机号码：13885811234。")
    b.header("勺米镇人民政府")
    return b.to_bytes()


def findings(**where):
    report = check(read_bytes(draft(), "草稿.docx"))
    return [f for f in report.findings if all(getattr(f, k) == v for k, v in where.items())], report


def test_body_paragraphs_counted_as_a_reader_sees_them():
    (typo,), _ = findings(rule="T101")
    # Word's ordinal (from 0) counts the empty paragraphs and the six table cells: 11, "第12段".
    assert typo.location.paragraph == 11
    assert typo.location.label == "第3段"
    assert typo.location.quote and "布署" in typo.location.quote
    assert typo.location.describe() == f"第3段“{typo.location.quote}”"


def test_table_cells_by_table_row_and_column():
    (id_card,), _ = findings(rule="D101")
    assert id_card.location.label == "表1第2行第3列"
    assert id_card.location.quote is None  # the cell holds nothing but the number


def test_personal_data_is_found_by_the_words_beside_it_never_quoted():
    found, _ = findings(kind="mobile")
    (mobile,) = found
    assert mobile.location.label == "脚注1"
    quote = mobile.location.quote
    assert quote and quote in "申请人：李德明，手机号码：13885811234。"
    assert "13885811234" not in quote and "885811" not in quote
    assert "李德明" not in quote  # the name beside it is personal data too


def test_json_keeps_paragraph_and_adds_label_and_quote(cli, tmp_path):
    path = tmp_path / "草稿.docx"
    path.write_bytes(draft())
    report = json.loads(cli("check", path, "--format", "json").stdout)
    loc = next(f["location"] for f in report["findings"] if f["rule"] == "T101")
    assert (loc["part"], loc["paragraph"], loc["label"]) == ("body", 11, "第3段")
    assert "布署" in loc["quote"]


def test_text_report_shows_label_and_quote(cli, tmp_path):
    path = tmp_path / "草稿.docx"
    path.write_bytes(draft())
    out = cli("check", path).stdout
    line = next(line for line in out.splitlines() if "T101" in line)
    assert line.strip().startswith("第3段“") and "布署到位" in line
    assert "第12段" not in out and ID not in out


def test_a_value_found_elsewhere_is_never_quoted():
    from gongkai import check_text

    report = check_text("申请人王建国，身份证号11010519491231002X。\n请将补助资金拨付至王建国的银行卡号6200000000000005。")
    quotes = [f.location.quote for f in report.findings if f.location.quote]
    assert quotes and not any("王建国" in q or "建国" in q for q in quotes)
