"""The release fingerprint (``package_sha256``, pkg1) and the release gate built on it.

The variants are built here with zipfile and lxml from one reviewed notice that holds an
image with alt text, a field, an embedded workbook and custom properties; each variant
changes one place. The CLI tests at the end release the reviewed notice, then try each variant.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gongkai.formats.compose import DocxBuilder
from gongkai.formats.fingerprint import (
    FingerprintError,
    changed_places,
    fingerprint_bytes,
    fingerprint_file,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
NS = {"w": W, "wp": WP, "a": A, "pic": PIC, "r": R}

HEAD = ("勺米镇人民政府文件", "勺府发〔2026〕3号", "勺米镇人民政府关于做好2026年春耕生产工作的通知", "各村（社区）：")
TAIL = ("勺米镇人民政府", "2026年3月1日", "（此件公开发布）")
PNG_A = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"image-a"
PNG_B = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"image-b"


def w(tag):
    return f"{{{W}}}{tag}"


def xlsx(cell: str) -> bytes:
    """A minimal workbook whose one shared string is ``cell``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                   f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{cell}</t></si></sst>')
    return out.getvalue()


def base_package() -> bytes:
    """The notice with an image (alt text empty), a PAGE field, an embedded workbook and a custom property."""
    b = DocxBuilder()
    for text in (*HEAD, "为做好今年春耕生产工作，现将有关事项通知如下。", *TAIL):
        b.paragraph(text)
    b.custom_property("承办股室", "农业服务中心")
    data = b.to_bytes()
    parts = read_parts(data)
    doc = etree.fromstring(parts["word/document.xml"])
    body = doc.find(w("body"))
    extra = etree.fromstring(
        f'<w:p xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}" xmlns:r="{R}">'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="1" name="图片 1" descr=""/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        '<pic:nvPicPr><pic:cNvPr id="0" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdImg1"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r></w:p>'
    )
    body.insert(len(body) - 1, extra)  # before sectPr
    parts["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id="rIdImg1", Type=IMAGE_REL, Target="media/image1.png")
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id="rIdPkg1", Type=PACKAGE_REL,
                     Target="embeddings/book.xlsx")
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    parts["word/media/image1.png"] = PNG_A
    parts["word/embeddings/book.xlsx"] = xlsx("春耕物资清单")
    return write_parts(parts)


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_parts(parts: dict[str, bytes], order=None, when=(2026, 3, 1, 9, 0, 0),
                compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order or list(parts):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = compression
            z.writestr(info, parts[name])
    return out.getvalue()


def edit_document(data: bytes, fn) -> bytes:
    parts = read_parts(data)
    doc = etree.fromstring(parts["word/document.xml"])
    fn(doc)
    parts["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_parts(parts)


def replace_part(data: bytes, name: str, body: bytes) -> bytes:
    parts = read_parts(data)
    parts[name] = body
    return write_parts(parts)


def image_replaced(data):
    return replace_part(data, "word/media/image1.png", PNG_B)


def alt_text_added(data):
    return edit_document(data, lambda d: d.find(".//wp:docPr", NS).set("descr", "申请人张三身份证照片"))


def deleted_revision_added(data):
    def add(doc):
        p = doc.find(".//w:body/w:p", NS)
        attrs = {w("id"): "90", w("author"): "起草人", w("date"): "2026-03-01T00:00:00Z"}
        deleted = etree.SubElement(p, w("del"), attrs)
        etree.SubElement(etree.SubElement(deleted, w("r")), w("delText")).text = "联系电话13800138000"
    return edit_document(data, add)


def field_code_changed(data):
    return edit_document(data, lambda d: setattr(d.find(".//w:instrText", NS), "text",
                                                 ' HYPERLINK "http://example.invalid/?id=11010519491231002X" '))


def embedded_file_changed(data):
    return replace_part(data, "word/embeddings/book.xlsx", xlsx("张三 11010519491231002X"))


def property_changed(data):
    parts = read_parts(data)
    custom = parts["docProps/custom.xml"].decode()
    parts["docProps/custom.xml"] = custom.replace("农业服务中心", "张三 13800138000").encode()
    return write_parts(parts)


CHANGES = {
    "image_replaced": (image_replaced, "图片：word/media/image1.png"),
    "alt_text_added": (alt_text_added, "图片替代文字：word/document.xml"),
    "deleted_revision_added": (deleted_revision_added, "修订删除：word/document.xml（新增）"),
    "field_code_changed": (field_code_changed, "域代码：word/document.xml"),
    "embedded_file_changed": (embedded_file_changed, "嵌入文件：word/embeddings/book.xlsx"),
    "property_changed": (property_changed, "自定义属性：docProps/custom.xml"),
}


def rezipped(data: bytes, seed: int = 7) -> bytes:
    """The same package in another member order, with new timestamps and another compression."""
    parts = read_parts(data)
    order = list(parts)
    random.Random(seed).shuffle(order)
    return write_parts(parts, order=order, when=(2027, 12, 31, 23, 59, 58), compression=zipfile.ZIP_STORED)


@pytest.fixture(scope="module")
def base():
    return base_package()


# --- the fingerprint itself ------------------------------------------------------------------


def test_versioned_and_stable(base):
    fp = fingerprint_bytes(base)
    assert fp.digest.startswith("pkg1:") and len(fp.digest) == 5 + 64
    assert fingerprint_bytes(base) == fp
    assert {"正文：word/document.xml", "图片：word/media/image1.png", "嵌入文件：word/embeddings/book.xlsx",
            "自定义属性：docProps/custom.xml", "域代码：word/document.xml",
            "图片替代文字：word/document.xml"} <= set(fp.places)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_member_order_timestamps_and_compression_do_not_count(base, seed):
    assert fingerprint_bytes(rezipped(base, seed)).digest == fingerprint_bytes(base).digest


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_each_change_is_seen_and_named(base, case):
    change, place = CHANGES[case]
    before, after = fingerprint_bytes(base), fingerprint_bytes(change(base))
    assert after.digest != before.digest
    assert changed_places(before.places, after.places) == [place]


def test_an_embedded_package_is_fingerprinted_by_content_not_bytes(base):
    parts = read_parts(base)
    inner = read_parts(parts["word/embeddings/book.xlsx"])
    parts["word/embeddings/book.xlsx"] = write_parts(inner, order=list(reversed(inner)), when=(2030, 1, 1, 0, 0, 0))
    assert fingerprint_bytes(write_parts(parts)).digest == fingerprint_bytes(base).digest


def test_edit_counters_do_not_count_but_property_values_do(base):
    parts = read_parts(base)
    core = parts["docProps/core.xml"].decode()
    assert "lastModifiedBy" in core and "modified" in core
    import re
    counters = re.sub(r"(<cp:lastModifiedBy>)[^<]*", r"\1另一台电脑", core)
    counters = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", r"\g<1>2027-01-01T00:00:00Z", counters)
    counters = re.sub(r"(<cp:revision>)[^<]*", r"\g<1>9", counters)
    parts["docProps/core.xml"] = counters.encode()
    assert fingerprint_bytes(write_parts(parts)).digest == fingerprint_bytes(base).digest
    parts["docProps/core.xml"] = re.sub(r"(<dc:title>)[^<]*|(<dc:title/>)", "<dc:title>张三的申请</dc:title>",
                                        core).encode()
    changed = changed_places(fingerprint_bytes(base).places, fingerprint_bytes(write_parts(parts)).places)
    assert changed == ["文档属性：docProps/core.xml"]


def test_rsids_do_not_count_but_formatting_does(base):
    def rsid(doc):
        for p in doc.iter(w("p")):
            p.set(w("rsidR"), "00A1B2C3")
    assert fingerprint_bytes(edit_document(base, rsid)).digest == fingerprint_bytes(base).digest

    def bold(doc):
        r = doc.find(".//w:body/w:p/w:r", NS)
        etree.SubElement(r.find(w("rPr")) if r.find(w("rPr")) is not None else r, w("b"))
    assert fingerprint_bytes(edit_document(base, bold)).digest != fingerprint_bytes(base).digest


def test_review_stamp_does_not_change_the_fingerprint(base):
    from gongkai.store.stamp import stamp_docx

    stamped = stamp_docx(base, {"初审": "甲 2026-03-01", "说明": "仅供参考"})
    assert fingerprint_bytes(stamped).digest == fingerprint_bytes(base).digest
    bare = DocxBuilder()
    bare.paragraph("没有自定义属性的文档")
    plain = bare.to_bytes()
    assert "docProps/custom.xml" not in read_parts(plain)
    assert fingerprint_bytes(stamp_docx(plain, {"初审": "甲"})).digest == fingerprint_bytes(plain).digest


def test_xml_comments_and_the_zip_comment_count(base):
    parts = read_parts(base)
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body><!-- 13800138000 -->", 1)
    assert fingerprint_bytes(write_parts(parts)).digest != fingerprint_bytes(base).digest
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a") as z:
        z.comment = "张三".encode()
    after = fingerprint_bytes(out.getvalue())
    assert changed_places(fingerprint_bytes(base).places, after.places) == ["压缩包注释（新增）"]


def test_a_file_that_is_not_a_package_is_fingerprinted_by_its_bytes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("通知正文", encoding="utf-8")
    one = fingerprint_file(path)
    path.write_text("通知正文 ", encoding="utf-8")
    two = fingerprint_file(path)
    assert one.digest != two.digest and changed_places(one.places, two.places) == ["原始文件"]


def test_a_damaged_member_is_one_clear_error(base):
    data = bytearray(rezipped(base))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/media/image1.png")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # stored, so this flips a byte of the image and breaks its CRC
    with pytest.raises(FingerprintError, match="word/media/image1.png.*损坏"):
        fingerprint_bytes(bytes(data))


# --- the release gate on the fingerprint (CLI) -------------------------------------------------


@pytest.fixture
def reviewed(cli, tmp_path, base):
    """A notice reviewed through 终审, 三校 and 保密审查 in a fresh store: (doc path, run)."""
    db = tmp_path / "review.sqlite3"
    doc = tmp_path / "通知.docx"
    doc.write_bytes(base)

    def run(*args):
        return cli(*args, "--db", db)

    steps = [
        ("review", "start", doc), ("review", "sign", doc, "--stage", "初审", "--by", "甲"),
        ("review", "sign", doc, "--stage", "复审", "--by", "乙"),
        ("review", "sign", doc, "--stage", "终审", "--by", "丙"),
        ("review", "proof", doc, "--by", "庚"), ("review", "proof", doc, "--by", "庚"),
        ("review", "proof", doc, "--by", "辛"), ("review", "secrecy", doc, "--by", "丙"),
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)
    return doc, run


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_release_refuses_a_document_changed_after_final_review(reviewed, base, case):
    doc, run = reviewed
    change, place = CHANGES[case]
    doc.write_bytes(change(base))
    result = run("release", doc, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    changed = [m for m in data["missing"] if m["code"] == "content_changed"]
    assert changed and place.split("（")[0] in changed[0]["message"]
    assert data["archive"] is None
    text = run("release", doc)
    assert text.exit_code == 1 and "终审后" in text.stdout and place.split("（")[0] in text.stdout


def test_release_accepts_the_same_document_rezipped(reviewed, base):
    doc, run = reviewed
    doc.write_bytes(rezipped(base))
    result = run("release", doc, "--format", "json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["archive"]
    assert entry["package_sha256"] == fingerprint_bytes(base).digest
    assert len(entry["content_sha256"]) == 64


def test_content_sha256_keeps_its_meaning(reviewed, base, cli):
    doc, _ = reviewed
    before = json.loads(cli("check", doc, "--format", "json").stdout)["content_sha256"]
    doc.write_bytes(image_replaced(base))
    after = json.loads(cli("check", doc, "--format", "json").stdout)["content_sha256"]
    assert before == after  # the reader's text did not change; the package fingerprint did


def test_status_names_the_changed_places(reviewed, base):
    doc, run = reviewed
    doc.write_bytes(image_replaced(alt_text_added(base)))
    data = json.loads(run("review", "status", doc, "--format", "json").stdout)
    assert data["content_changed"] is True
    assert data["changed_places"] == ["图片替代文字：word/document.xml", "图片：word/media/image1.png"]


def test_a_damaged_package_is_one_line_and_exit_2(reviewed, base, tmp_path):
    doc, run = reviewed
    data = bytearray(rezipped(base))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/media/image1.png")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF
    Path(doc).write_bytes(bytes(data))
    result = run("release", doc)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "损坏" in result.stderr and str(doc) in result.stderr


def test_a_comment_outside_the_root_element_counts(base):
    parts = read_parts(base)
    xml = parts["word/settings.xml"]
    end = xml.index(b"?>") + 2
    parts["word/settings.xml"] = xml[:end] + "<!-- 申请人 张三 -->".encode() + xml[end:]
    after = fingerprint_bytes(write_parts(parts))
    assert changed_places(fingerprint_bytes(base).places, after.places) == ["文档设置：word/settings.xml"]


def _text_nodes(parts):
    """(part, index) of every non-blank text node of every XML part."""
    out = []
    for name in sorted(parts):
        if name.endswith((".xml", ".rels")):
            root = etree.fromstring(parts[name])
            out += [(name, i) for i, e in enumerate(_texts(root))]
    return out


def _texts(root):
    return [e for e in root.iter() if isinstance(e.tag, str) and e.text and e.text.strip()]


@pytest.fixture(scope="module")
def base_bytes():
    """The base package without python-docx's 800 kB of template styles (they only cost time here)."""
    parts = read_parts(base_package())
    del parts["word/stylesWithEffects.xml"]
    parts["word/styles.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W}"><w:style '
                                'w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>'
                                ).encode()
    return write_parts(parts)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), data=st.data())
def test_any_text_edit_changes_the_digest_and_no_repacking_does(base_bytes, seed, data):
    """Property: re-packing never counts; changing any one character of any text node always does
    (except in the edit counters, which are left out on purpose)."""
    parts = read_parts(base_bytes)
    order = list(parts)
    random.Random(seed).shuffle(order)
    when = data.draw(st.tuples(st.integers(1980, 2107), st.integers(1, 12), st.integers(1, 28),
                               st.integers(0, 23), st.integers(0, 59), st.integers(0, 58)), label="when")
    compression = data.draw(st.sampled_from((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2)))
    digest = fingerprint_bytes(base_bytes).digest
    assert fingerprint_bytes(write_parts(parts, order=order, when=when, compression=compression)).digest == digest
    counters = ("modified", "lastModifiedBy", "revision", "lastPrinted", "TotalTime", "Application", "AppVersion",
                "Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs")
    name, index = data.draw(st.sampled_from(_text_nodes(parts)), label="text node")
    root = etree.fromstring(parts[name])
    node = _texts(root)[index]
    i = data.draw(st.integers(0, len(node.text) - 1), label="offset")
    node.text = node.text[:i] + ("Ａ" if node.text[i] != "Ａ" else "Ｂ") + node.text[i + 1:]
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    changed = fingerprint_bytes(write_parts(parts, order=order)).digest != digest
    assert changed == (etree.QName(node).localname not in counters)
