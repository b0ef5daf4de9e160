"""``review stamp`` reads a package the reader may never have needed whole: damage and DTDs in it
are one clear refusal (UnreadableDocument), never zlib's or libxml2's exception (issue #18)."""

import io
import zipfile

import pytest

from gongkai.formats.compose import make_docx
from gongkai.formats.errors import UnreadableDocument
from gongkai.store.stamp import PREFIX, stamp_docx

CUSTOM = "docProps/custom.xml"
CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info)))
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


@pytest.fixture
def docx(tmp_path) -> bytes:
    return make_docx("关于做好春耕备耕工作的通知", "请各村做好春耕备耕工作。")


def test_a_stamp_on_a_sound_package_sets_the_properties(docx):
    out = stamp_docx(_rezip(docx, {CUSTOM: CUSTOM_XML.encode()}), {"初审": "甲"})
    assert (PREFIX + "初审").encode() in zipfile.ZipFile(io.BytesIO(out)).read(CUSTOM)


def test_a_dtd_after_a_long_comment_is_refused(docx):
    # the old prefix scan looked at the first 2 KB only; the parser now refuses the node itself
    head, rest = CUSTOM_XML.split("?>", 1)
    hostile = head + "?><!--" + "x" * 70_000 + '--><!DOCTYPE Properties [<!ENTITY e "甲">]>' + rest
    with pytest.raises(UnreadableDocument):
        stamp_docx(_rezip(docx, {CUSTOM: hostile.encode()}), {"初审": "甲"})


def test_a_garbled_member_is_a_clear_refusal(docx):
    data = bytearray(_rezip(docx, {"word/fontTable.xml": b"<w:fonts>" + b"a" * 5000 + b"</w:fonts>"}))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/fontTable.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 2: start + 12] = b"\xff" * 10  # deflate stream or CRC broken: zlib.error / BadZipFile before
    with pytest.raises(UnreadableDocument) as caught:
        stamp_docx(bytes(data), {"初审": "甲"})
    assert "fontTable" in caught.value.message
