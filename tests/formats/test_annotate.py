"""gongkai annotate: one Word comment per finding, anchored where the finding is.

Every test re-reads the written file with python-docx and with gongkai's own reader. One test
also converts the annotated file with LibreOffice headless when ``soffice`` is installed and
checks that the comments survive; on a machine without LibreOffice that conversion is simply
not part of the run (the python-docx and reader checks still are).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from gongkai import Config, check
from gongkai.formats import read_path
from gongkai.formats.compose import DocxBuilder

ID = "11010519491231002X"


@pytest.fixture
def draft(tmp_path) -> Path:
    b = DocxBuilder()
    b.paragraph("秘密★1年")
    b.paragraph("", runs=[("关于某村发生", {"bold": True}), ("火灾事故的通报", {"bold": False})])
    b.paragraph(f"3月5日，某村发生火灾，造成1人死亡。申请人身份证号：{ID}。")
    b.table([["姓名", "身份证号"], ["张三", ID]])
    reviewed = b.paragraph("这一段已经有审核人的批注。")
    b.comment(reviewed, "请核实数据", author="王审核")
    b.header("内部资料 注意保存")
    return b.save(tmp_path / "draft.docx")


def _annotate(cli, src, dst, *extra):
    return cli("annotate", src, "-o", dst, *extra)


def _comments(path):
    doc = read_path(path)
    return doc, {c.comment_id: c for c in doc.comments}


def test_every_body_finding_gets_a_comment_on_its_text(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    result = _annotate(cli, draft, out)
    assert result.exit_code == 0, result.output
    report = check(draft, Config())
    body = [f for f in report.findings if f.location.part in ("body", "table")]
    doc, comments = _comments(out)
    ours = [c for c in comments.values() if c.author == "gongkai"]
    for f in body:
        matching = [c for c in ours if c.text.startswith(f"[{f.rule}]") and c.start_block == f.location.block]
        assert matching, f"no comment for {f.rule} at block {f.location.block}"
        c = matching[0]
        block = doc.blocks[c.start_block]
        span = (f.location.start, f.location.end)
        if span[1] == span[0]:  # a document-level finding (page layout…) is anchored on its whole paragraph
            span = (0, len(block.text))
        assert (c.start_offset, c.end_offset) == span
        if f.text:
            assert block.text[c.start_offset:c.end_offset] == f.text


def test_text_and_formatting_survive_run_splitting(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    before, after = read_path(draft), read_path(out)
    body = lambda d: [b.text for b in d.blocks if b.part in ("body", "table")]  # noqa: E731
    assert body(before) == body(after)
    title = next(b for b in after.blocks if b.text.startswith("关于某村"))
    bold = "".join(title.text[r.start:r.end] for r in title.runs if r.bold)
    assert bold == "关于某村发生"


def test_comments_read_back_with_python_docx(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    comments = list(docx.Document(str(out)).comments)
    texts = [c.text for c in comments]
    assert any(t.startswith("[S101]") and "依据：" in t for t in texts)
    assert any(t.startswith("[G101]") and "建议：" in t for t in texts)
    assert "请核实数据" in texts  # the reviewer's comment is kept
    assert {c.author for c in comments} == {"gongkai", "王审核"}


def test_existing_comment_keeps_its_anchor(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    doc, comments = _comments(out)
    kept = [c for c in comments.values() if c.author == "王审核"]
    assert len(kept) == 1 and doc.blocks[kept[0].start_block].text == "这一段已经有审核人的批注。"


def test_header_findings_are_summarised_on_the_first_body_paragraph(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    doc, comments = _comments(out)
    summary = [c for c in comments.values() if c.text.startswith("以下")]
    assert len(summary) == 1
    assert summary[0].start_block == 0 and "页眉" in summary[0].text and "[S102]" in summary[0].text


def test_personal_data_is_masked_unless_revealed(cli, draft, tmp_path):
    masked, revealed = tmp_path / "masked.docx", tmp_path / "revealed.docx"
    _annotate(cli, draft, masked)
    _annotate(cli, draft, revealed, "--reveal")
    masked_text = "\n".join(c.text for c in docx.Document(str(masked)).comments)
    revealed_text = "\n".join(c.text for c in docx.Document(str(revealed)).comments)
    assert ID not in masked_text and "110105********002X" in masked_text
    assert ID in revealed_text


def test_refuses_to_overwrite_the_input(cli, draft):
    before = draft.read_bytes()
    result = _annotate(cli, draft, draft)
    assert result.exit_code == 2
    assert draft.read_bytes() == before


def test_refuses_non_docx_input(cli, tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("秘密★1年", "utf-8")
    result = _annotate(cli, src, tmp_path / "out.docx")
    assert result.exit_code == 2 and not (tmp_path / "out.docx").exists()


def test_missing_input_is_a_usage_error(cli, tmp_path):
    assert _annotate(cli, tmp_path / "nope.docx", tmp_path / "out.docx").exit_code == 2


def test_annotated_copy_is_not_reported_for_its_own_comments(cli, draft, tmp_path):
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    before = sorted((f.rule, f.location.block, f.location.start) for f in check(draft, Config()).findings)
    after = sorted((f.rule, f.location.block, f.location.start) for f in check(out, Config()).findings)
    assert before == after


def test_libreoffice_opens_the_annotated_copy(cli, draft, tmp_path, libreoffice_roundtrip):
    """Re-read always; convert with LibreOffice where soffice is installed (CI has it)."""
    out = tmp_path / "out.docx"
    _annotate(cli, draft, out)
    expected = len(list(docx.Document(str(out)).comments))
    assert expected >= 6
    converted = libreoffice_roundtrip(out)
    if converted is not None:
        assert len(read_path(converted).comments) == expected


def test_text_boxes_and_tables_keep_the_walk_aligned(cli, tmp_path):
    b = DocxBuilder()
    b.textbox("秘密★1年")
    b.table([["项目", "说明"], ["内部资料", "注意保存"]])
    b.paragraph("此件不得外传。")
    src = b.save(tmp_path / "boxes.docx")
    out = tmp_path / "out.docx"
    assert _annotate(cli, src, out).exit_code == 0
    doc, comments = _comments(out)
    s102 = [c for c in comments.values() if c.text.startswith("[S102]")]
    assert s102 and doc.blocks[s102[0].start_block].text == "此件不得外传。"
    summary = [c for c in comments.values() if c.text.startswith("以下")]
    assert summary and "文本框" in summary[0].text and "[S101]" in summary[0].text


def test_property_findings_are_summarised_by_property_name_and_masked(cli, tmp_path):
    b = DocxBuilder()
    b.paragraph("关于做好春耕备耕工作的通知")
    b.core_property("creator", "陈建国").custom_property("申请人身份证号", ID)
    src = b.save(tmp_path / "in.docx")
    out = tmp_path / "out.docx"
    assert _annotate(cli, src, out).exit_code in (0, 1)
    _doc, comments = _comments(out)
    (summary,) = [c for c in comments.values() if c.text.startswith("以下")]
    assert summary.start_block == 0
    assert "文档属性“作者”：[D111]" in summary.text and "文档属性“申请人身份证号”：[D101]" in summary.text
    assert "陈**" in summary.text and "陈建国" not in summary.text
    assert ID not in summary.text and "110105********002X" in summary.text
