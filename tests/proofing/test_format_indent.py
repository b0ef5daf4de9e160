"""The reader keeps a paragraph's direct indentation (format rules place the 成文日期 by it)."""

from __future__ import annotations

from docx.shared import Pt

from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder


def test_direct_paragraph_indentation_is_read_in_points():
    b = DocxBuilder()
    p = b.paragraph("2025年3月5日")
    p.paragraph_format.left_indent = Pt(200)
    p.paragraph_format.right_indent = Pt(64)
    b.paragraph("正文")
    doc = read_bytes(b.to_bytes(), "indent.docx")
    assert (doc.blocks[0].indent_left_pt, doc.blocks[0].indent_right_pt) == (200.0, 64.0)
    assert (doc.blocks[1].indent_left_pt, doc.blocks[1].indent_right_pt) == (None, None)
