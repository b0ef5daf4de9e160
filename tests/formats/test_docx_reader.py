"""The .docx reader finds every part's text, in reading order, at the right place."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder


def _build():
    b = DocxBuilder()
    b.paragraph("勺府发〔2025〕3号", font="仿宋_GB2312", size=16)
    title = b.paragraph("关于做好春耕工作的通知", font="方正小标宋简体", size=22, align="center", bold=True)
    b.table([["姓名", "身份证号"], ["王某", "110105194912310021"]])
    p = b.paragraph("正文第一段。")
    b.footnote(p, "这是脚注。")
    b.comment(p, "gongkai: ignore D101", author="李审核")
    b.textbox("文本框里的字")
    b.header("页眉文字")
    b.footer("页脚文字")
    b.custom_property("公开属性", "主动公开")
    return b.to_bytes(), title


def test_every_part_becomes_blocks_with_locations():
    data, _ = _build()
    doc = read_bytes(data, "t.docx")
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["勺府发〔2025〕3号"].part == "body"
    assert by_text["关于做好春耕工作的通知"].paragraph == 1
    cell = by_text["110105194912310021"]
    assert (cell.part, cell.table, cell.row, cell.col) == ("table", 0, 1, 1)
    assert by_text["这是脚注。"].part == "footnote"
    assert by_text["文本框里的字"].part == "textbox"
    assert by_text["页眉文字"].part == "header"
    assert by_text["页脚文字"].part == "footer"
    assert by_text["gongkai: ignore D101"].part == "comment"
    # The text box appears once although Word stores it twice (DrawingML + VML fallback).
    assert sum(b.text == "文本框里的字" for b in doc.blocks) == 1


def test_body_order_is_reading_order():
    data, _ = _build()
    doc = read_bytes(data, "t.docx")
    body = [b.text for b in doc.body if b.text]
    assert body == ["勺府发〔2025〕3号", "关于做好春耕工作的通知", "姓名", "身份证号", "王某", "110105194912310021", "正文第一段。"]
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))


def test_run_formatting_is_resolved():
    data, _ = _build()
    doc = read_bytes(data, "t.docx")
    title = next(b for b in doc.blocks if b.text == "关于做好春耕工作的通知")
    run = title.runs[0]
    assert (run.font_east_asia, run.size_pt, run.bold) == ("方正小标宋简体", 22.0, True)
    assert title.align == "center"
    plain = next(b for b in doc.blocks if b.text == "正文第一段。")
    # Unformatted text inherits the template's theme fonts and default size.
    assert plain.runs[0].size_pt is not None and plain.runs[0].font_east_asia


def test_comment_anchor_and_properties():
    data, _ = _build()
    doc = read_bytes(data, "t.docx")
    (anchor,) = doc.comments
    body = next(b for b in doc.blocks if b.text == "正文第一段。")
    assert anchor.author == "李审核"
    assert anchor.start_block == body.index and anchor.start_offset == 0
    assert anchor.end_block == body.index and anchor.end_offset == len("正文第一段。")
    assert doc.custom_properties == {"公开属性": "主动公开"}
    assert doc.core_properties.get("creator")


def test_page_layout_in_millimetres():
    b = DocxBuilder()
    b.page(top=37, bottom=35, left=28, right=26)
    b.paragraph("正文")
    doc = read_bytes(b.to_bytes(), "p.docx")
    layout = doc.layouts[-1]
    assert (layout.top_mm, layout.left_mm, layout.width_mm, layout.height_mm) == (37.0, 28.0, 210.0, 297.0)


def _rewrite(data: bytes, part: str, transform) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == part:
                content = transform(content)
            dst.writestr(info, content)
    return out.getvalue()


def test_tracked_deletions_and_field_codes_are_not_text():
    b = DocxBuilder()
    b.paragraph("保留")
    data = b.to_bytes()
    extra = (
        b'<w:p><w:r><w:t>A</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>DELETED</w:delText></w:r></w:del>'
        b'<w:ins w:id="2" w:author="x"><w:r><w:t>B</w:t></w:r></w:ins>'
        b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        b'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:tab/><w:t>C</w:t></w:r></w:p>'
    )
    data = _rewrite(data, "word/document.xml", lambda x: x.replace(b"<w:sectPr", extra + b"<w:sectPr", 1))
    doc = read_bytes(data, "d.docx")
    assert "AB\tC" in [blk.text for blk in doc.blocks]


CJK = st.text(alphabet=st.sampled_from("政务公开勺米镇人民政府关于通知一二三，。、：；（）《》0123456789ABCxyz "), min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(CJK, min_size=1, max_size=4), min_size=1, max_size=6))
def test_paragraph_and_run_offsets_map_back_to_text(paragraphs):
    """Whatever the runs, block text is their concatenation and run offsets tile it."""
    assume(any("".join(p).strip() for p in paragraphs))  # a document of blanks is refused as empty
    b = DocxBuilder()
    for pieces in paragraphs:
        b.paragraph(runs=[(t, {"bold": i % 2 == 0}) for i, t in enumerate(pieces)])
    doc = read_bytes(b.to_bytes(), "h.docx")
    body = [blk for blk in doc.blocks if blk.part == "body"]
    assert [blk.text for blk in body] == ["".join(p) for p in paragraphs]
    for blk, pieces in zip(body, paragraphs):
        covered = [(r.start, r.end) for r in blk.runs]
        assert covered == sorted(covered)
        assert sum(e - s for s, e in covered) == len(blk.text)
        # Alternating bold means one run per non-empty piece, in order.
        starts, pos = [], 0
        for t in pieces:
            if t:
                starts.append(pos)
            pos += len(t)
        assert [r.start for r in blk.runs] == starts


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
])
def test_xxe_and_entity_expansion_are_refused(payload):
    from gongkai.formats import UnreadableDocument

    data = DocxBuilder().to_bytes()
    data = _rewrite(data, "word/document.xml", lambda x: payload + x.split(b"?>", 1)[1])
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(data, "evil.docx")
    assert exc.value.code == "unsafe"
