"""The generic package scan: every place of issue #17 seen without the reader, digits within a node."""

from __future__ import annotations

import io
import zipfile

import pytest
from tests.formats.hiding_places import ALL_PLACES, Package, emf_with_text, para, planted

from gongkai.config import Config
from gongkai.engine import Runner, default_registry
from gongkai.formats.package_scan import normalise, scan_package

P = planted(23)
FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}


@pytest.fixture(scope="module")
def runner():
    return Runner(default_registry(), Config().merged(select=("D1",), ignore=()))


@pytest.fixture(scope="module")
def built():
    return {pl.key: pl.build(P) for pl in ALL_PLACES}


@pytest.mark.parametrize("pl", [pl for pl in ALL_PLACES if pl.inspectable], ids=lambda pl: pl.key)
def test_the_scan_finds_every_planted_kind(pl, built, runner):
    scan = scan_package(built[pl.key], "in.docx", runner=runner)
    assert set(pl.kinds) <= {leak.kind for leak in scan.leaks}, scan.lines()
    assert scan.uninspectable == []
    for leak in scan.leaks:  # masked in what the scan says, and the place named with its member
        assert all(v not in leak.value for v in P.values().values())
        assert "/" in leak.place or ".xml" in leak.place


@pytest.mark.parametrize("pl", [pl for pl in ALL_PLACES if not pl.inspectable], ids=lambda pl: pl.key)
def test_what_cannot_be_read_is_listed(pl, built, runner):
    scan = scan_package(built[pl.key], "in.docx", runner=runner)
    assert not scan.clean
    assert len(scan.uninspectable) == 1
    assert scan.lines()[-1].startswith("嵌入对象无法检查：")


def test_a_clean_document_scans_clean(runner):
    pkg = Package()
    pkg.body.append(para("监督电话：0858-8123456。项目编码：520221202500123456。"))
    pkg.body.append(para("共发放补贴资金 1200 万元，惠及 3 个村 215 户。"))
    assert scan_package(pkg.to_bytes(), runner=runner).clean


def test_digits_are_not_joined_across_paragraphs(runner):
    pkg = Package()
    pkg.body.append(para(f"编号 {P.id_number[:9]}"))
    pkg.body.append(para(f"{P.id_number[9:]} 号"))
    assert scan_package(pkg.to_bytes(), runner=runner).leaks == []


def test_digits_split_by_markup_within_a_paragraph_are_joined(runner):
    pkg = Package()
    pkg.body.append(f"<w:p><w:r><w:t>身份证号{P.id_number[:9]}</w:t></w:r><w:r><w:t>{P.id_number[9:]}</w:t></w:r></w:p>")
    assert [leak.kind for leak in scan_package(pkg.to_bytes(), runner=runner).leaks] == ["id_card"]


@pytest.mark.parametrize("text, expected", [
    ("5202 2119 9003 0723 72", "520221199003072372"),
    ("１３８８５８１１２３４", "13885811234"),
    ("138-8581-1234", "13885811234"),
    ("共 3 户", "共 3 户"),  # a space beside one digit only stays: words are not glued together
    ("3　户", "3　户"),
])
def test_normalise_digits(text, expected):
    norm, index = normalise(text)
    assert norm == expected
    assert norm == "".join(text[i] for i in index).translate(FULLWIDTH)  # each character maps to its origin


def test_an_unreadable_embedded_package_is_listed(runner):
    pkg = Package()
    pkg.add("word/embeddings/broken.docx", b"PK\x03\x04not really a zip")
    scan = scan_package(pkg.to_bytes(), runner=runner)
    assert any("broken.docx" in u for u in scan.uninspectable)


def test_an_xml_part_with_a_dtd_is_listed_not_parsed(runner):
    pkg = Package()
    pkg.add("customXml/item1.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    scan = scan_package(pkg.to_bytes(), runner=runner)
    assert any("customXml/item1.xml" in u for u in scan.uninspectable)
    assert b"root:" not in "".join(scan.lines()).encode()


def test_the_thumbnail_is_listed_as_uninspectable(built, runner):
    scan = scan_package(built["thumbnail"], runner=runner)
    assert scan.uninspectable == ["docProps/thumbnail.png（缩略图）"]


def test_text_in_image_metadata_is_read(runner):
    pkg = Package()
    png = P.image[:33] + b"\x00\x00\x00\x30tEXtComment\x00" + f"身份证号{P.id_number}".encode() + P.image[33:]
    rid = pkg.add("word/media/image1.png", png, rel="image")
    assert rid
    scan = scan_package(pkg.to_bytes(), runner=runner)
    assert [leak.kind for leak in scan.leaks] == ["id_card"]


def test_scan_of_an_embedded_zip_names_the_embedded_file(built, runner):
    scan = scan_package(built["embedded_docx_nested"], runner=runner)
    assert scan.leaks and all(leak.place.startswith("嵌入文件 word/embeddings/Microsoft_Word_Document.docx")
                              for leak in scan.leaks)
    with zipfile.ZipFile(io.BytesIO(built["embedded_docx_nested"])) as z:
        assert "word/embeddings/Microsoft_Word_Document.docx" in z.namelist()


def test_text_an_emf_preview_draws_is_read(runner):
    pkg = Package()
    pkg.add("word/media/image1.emf", emf_with_text(f"申请人身份证号{P.id_number}"), rel="image")
    pkg.defaults["emf"] = "image/x-emf"
    assert [leak.kind for leak in scan_package(pkg.to_bytes(), runner=runner).leaks] == ["id_card"]


def test_exif_of_a_photo_is_read_and_its_pixels_are_not(runner):
    import os
    import struct

    exif = b"Exif\x00\x00" + f"联系电话{P.mobile}".encode()
    photo = b"\xff\xd8\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + b"\xff\xda" + os.urandom(200_000)
    pkg = Package()
    pkg.add("word/media/image1.jpeg", photo, rel="image")
    assert [leak.kind for leak in scan_package(pkg.to_bytes(), runner=runner).leaks] == ["mobile"]


def test_a_comment_in_a_relationships_part_is_read(runner):
    data = Package().to_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                raw = raw.replace(b"<Relationship ", f"<!-- 身份证号{P.id_number} --><Relationship ".encode(), 1)
            z.writestr(info, raw)
    scan = scan_package(out.getvalue(), runner=runner)
    assert [leak.kind for leak in scan.leaks] == ["id_card"]
    assert "XML 注释" in scan.leaks[0].place


@pytest.mark.parametrize("ref", ["B2", "B\U00010d40", "b2", "B٢"])
def test_a_cell_reference_is_read_only_in_ascii(ref):
    # a digit newer than Python's Unicode tables matches a Unicode \d but int() cannot read it
    from gongkai.config import Limits
    from gongkai.formats.package_scan import classify, sheet_cells

    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="2"><c r="{ref}" t="inlineStr"><is><t>申请人</t></is></c></row></sheetData></worksheet>')
    member = classify("xl/worksheets/sheet1.xml", sheet.encode(), Limits(), 0)
    sheet_cells([member])
    cells = [u.cell[1:] if u.cell else None for u in member.units if u.text == "申请人"]
    assert cells == [(1, 1) if ref == "B2" else None]
