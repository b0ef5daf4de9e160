"""gongkai redact: every part masked in place, layout kept, the copy re-checks clean."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document as open_docx

from gongkai import check
from gongkai.formats import read_path

ID_A = "520221199003072372"
ID_B = "520203198506124413"


@pytest.fixture
def leaky(tmp_path, docx_builder):
    b = docx_builder()
    b.paragraph("关于王小明申请临时救助的复函", font="方正小标宋简体", size=22, align="center")
    p = b.paragraph(runs=[("申请人身份证号：5202211990", {"font": "仿宋_GB2312", "size": 16}),
                          ("03072372", {"font": "仿宋_GB2312", "size": 16, "bold": True}),
                          ("，联系电话：13885811234。", {"font": "仿宋_GB2312", "size": 16})])
    b.paragraph("监督电话：0858-8123456。")
    b.table([["序号", "姓名", "身份证号", "住址"], ["1", "陈建国", ID_B, "勺米镇新华村3组12号"]])
    b.header("来信人邮箱：zhangsan1990@qq.com")
    b.footer("户主李四海家住勺米镇新华村3组12号")
    b.footnote(p, f"当事人身份证号{ID_B}")
    b.comment(p, "来信人王小明，电话13912345678")
    b.textbox("车主车牌号：贵AD12345")
    return b.save(tmp_path / "in.docx")


def _sensitive(path):
    return [f for f in check(path).findings if f.sensitive]


def test_redact_masks_every_part_and_rechecks_clean(cli, leaky, tmp_path):
    assert {f.location.part for f in _sensitive(leaky)} >= {"body", "table", "header", "footer", "footnote",
                                                              "comment", "textbox"}
    out = tmp_path / "out.docx"
    result = cli("redact", leaky, "-o", out)
    assert result.exit_code == 0, result.output
    assert "复查剩余 0 处" in result.output
    assert _sensitive(out) == []
    package = b"".join(zipfile.ZipFile(out).read(n) for n in zipfile.ZipFile(out).namelist())
    for raw in (ID_B, "13885811234", "zhangsan1990", "贵AD12345", "13912345678", "陈建国", "新华村3组12号"):
        assert raw.encode() not in package, raw  # gone from every part, text-box fallbacks included


def test_redact_uses_the_masking_forms(cli, leaky, tmp_path):
    out = tmp_path / "out.docx"
    cli("redact", leaky, "-o", out)
    text = "\n".join(b.text for b in read_path(out).blocks)
    assert "520221********2372" in text          # split across runs, masked in place
    assert "138****1234" in text
    assert "陈**" in text
    assert "监督电话：0858-8123456" in text        # a published hotline stays


def test_redact_keeps_layout_styles_and_tables(cli, leaky, tmp_path):
    out = tmp_path / "out.docx"
    cli("redact", leaky, "-o", out)
    before, after = open_docx(leaky), open_docx(out)
    assert len(after.paragraphs) == len(before.paragraphs)
    assert [len(r.cells) for r in after.tables[0].rows] == [len(r.cells) for r in before.tables[0].rows]
    runs_before = [(r.font.name, r.font.size, r.font.bold, len(r.text)) for r in before.paragraphs[1].runs]
    runs_after = [(r.font.name, r.font.size, r.font.bold, len(r.text)) for r in after.paragraphs[1].runs]
    assert runs_after == runs_before
    assert after.paragraphs[2].text == before.paragraphs[2].text  # nothing personal: untouched


def test_redact_refuses_to_overwrite_its_input(cli, leaky):
    data = leaky.read_bytes()
    result = cli("redact", leaky, "-o", leaky)
    assert result.exit_code == 2
    assert "不能覆盖输入文件" in result.output
    assert leaky.read_bytes() == data


def test_redact_rejects_what_is_not_docx(cli, tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_text("申请人身份证号：520221199003072372", encoding="utf-8")
    result = cli("redact", txt, "-o", tmp_path / "b.docx")
    assert result.exit_code == 2
    assert "只能遮蔽 .docx" in result.output


def test_redact_of_missing_file_is_one_line(cli, tmp_path):
    result = cli("redact", tmp_path / "nope.docx", "-o", tmp_path / "b.docx")
    assert result.exit_code == 2
    assert "文件不存在" in result.output


def test_redact_round_trip_of_a_clean_document_changes_no_text(cli, docx_file, tmp_path):
    src = docx_file("关于做好春耕生产的通知", "各村要加强统筹协调。监督电话：0858-8123456。")
    out = tmp_path / "out.docx"
    result = cli("redact", src, "-o", out)
    assert result.exit_code == 0
    assert [b.text for b in read_path(out).blocks] == [b.text for b in read_path(src).blocks]


@pytest.mark.parametrize("cut", [1, 6, 9, 17])
def test_redact_masks_a_value_split_across_runs(cli, docx_builder, tmp_path, cut):
    text = f"申请人身份证号：{ID_A}。"
    at = text.index(ID_A) + cut
    b = docx_builder()
    b.paragraph(runs=[(text[:at], {"bold": False}), (text[at:], {"bold": True})])
    src = b.save(tmp_path / "in.docx")
    out = tmp_path / "out.docx"
    assert cli("redact", src, "-o", out).exit_code == 0
    p = open_docx(out).paragraphs[0]
    assert p.text == text.replace(ID_A, "520221********2372")
    assert [r.font.bold for r in p.runs] == [False, True]


def test_redact_masks_an_email_with_a_shorter_mask(cli, docx_file, tmp_path):
    src = docx_file("来信人邮箱：zhangsan1990@qq.com，请回复。")
    out = tmp_path / "out.docx"
    assert cli("redact", src, "-o", out).exit_code == 0
    assert [b.text for b in read_path(out).blocks] == ["来信人邮箱：z***@qq.com，请回复。"]
