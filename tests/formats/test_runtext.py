"""The reader, redact and annotate count a paragraph's characters alike (formats/runtext.py).

A run holding every element that gives text (w:t, w:tab, w:br, w:cr, w:noBreakHyphen, w:sym)
and every one that gives none (w:softHyphen, unreadable w:sym, w:delText, w:instrText, w:del,
a page-break mark) stands before an ID number: the reader's text, the masks redact writes and
the span annotate's comment covers must all land on the number itself.
"""

from __future__ import annotations

import zipfile

import docx
from docx.oxml import parse_xml
from lxml import etree

from gongkai import check
from gongkai.formats import read_path
from gongkai.formats.runtext import paragraph_text, run_piece, symbol
from gongkai.formats.xml import W, w

ID = "520221199003072372"
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
SPECIAL_RUN = (
    f'<w:r {NS}><w:rPr><w:b/></w:rPr><w:t>甲</w:t><w:tab/><w:br/><w:cr/><w:noBreakHyphen/><w:softHyphen/>'
    '<w:sym w:font="Wingdings" w:char="F04A"/><w:sym w:char="zz"/><w:sym w:char="FFFFFFFFFFFF"/><w:sym/>'
    '<w:delText>删</w:delText><w:instrText> PAGE </w:instrText><w:lastRenderedPageBreak/><w:t></w:t></w:r>'
)
DELETED = f'<w:del {NS} w:id="7" w:author="某"><w:r><w:delText>旧文字</w:delText></w:r></w:del>'
SHOWN = "甲\t\n\n-\uf04a"
LINE = f"申请人身份证号：{ID}。"


def _draft(tmp_path, docx_builder):
    b = docx_builder()
    b.paragraph("关于临时救助的复函")
    p = b.paragraph("")
    p._p.append(parse_xml(SPECIAL_RUN))
    p._p.append(parse_xml(DELETED))
    hyperlink = parse_xml(f'<w:hyperlink {NS} w:anchor="a1"><w:r><w:t>{LINE}</w:t></w:r></w:hyperlink>')
    p._p.append(hyperlink)
    return b.save(tmp_path / "in.docx")


def _special_paragraph():
    return parse_xml(f'<w:p {NS}>{SPECIAL_RUN}{DELETED}<w:r><w:t>{LINE}</w:t></w:r></w:p>')


def test_each_run_child_gives_its_text():
    run = parse_xml(SPECIAL_RUN)
    assert [run_piece(child) for child in run] == [
        "", "甲", "\t", "\n", "\n", "-", "", "\uf04a", "", "", "", "", "", "", "",
    ]
    assert symbol("0041") == "A" and symbol(None) == "" and symbol("FFFFFFFFFFFF") == ""
    assert paragraph_text(_special_paragraph()) == SHOWN + LINE


def test_reader_redact_and_annotate_agree_on_every_special_element(cli, docx_builder, tmp_path):
    src = _draft(tmp_path, docx_builder)
    doc = read_path(src)
    body = [b for b in doc.blocks if b.part == "body"]
    assert body[1].text == SHOWN + LINE  # the reader
    with zipfile.ZipFile(src) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    assert [paragraph_text(p) for p in root.iter(w("p"))][:2] == [b.text for b in body]  # the shared rules
    found = [f for f in check(src).findings if f.rule == "D101"]
    assert [(f.location.block, body[1].text[f.location.start:f.location.end]) for f in found] == [(1, ID)]

    redacted = tmp_path / "redacted.docx"
    assert cli("redact", src, "-o", redacted).exit_code == 0
    assert [b.text for b in read_path(redacted).blocks if b.part == "body"][1] == (
        SHOWN + LINE.replace(ID, "520221********2372"))

    annotated = tmp_path / "annotated.docx"
    assert cli("annotate", src, "-o", annotated).exit_code == 0
    after = read_path(annotated)
    comment = next(c for c in after.comments if c.text.startswith("[D101]"))
    text = after.blocks[comment.start_block].text
    assert text == SHOWN + LINE
    assert text[comment.start_offset:comment.end_offset] == ID
    paragraph = docx.Document(str(annotated)).paragraphs[1]._p
    assert paragraph_text(paragraph) == SHOWN + LINE  # split runs keep every special element's place
    assert paragraph.find(f".//{{{W}}}sym") is not None
