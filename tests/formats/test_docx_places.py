"""The reader reads every text-bearing place of the package, each under its own part name (issue #17).

Each test plants a synthetic, checksum-valid ID number (stdnum.cn.ric) in one place of a
small .docx and asserts that ``check`` reports it with a location naming that place, or that
what cannot be read is reported by S105 naming the member.
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import Config, check_document
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.models import PLACE_PARTS, PROPERTY_PART
from tests.formats.hiding_places import ALL_PLACES, PLACES, build_many, planted

ID = "520221199003072372"  # synthetic, checksum-valid
PLANT = f"申请人身份证号：{ID}"
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _base() -> bytes:
    b = DocxBuilder()
    b.paragraph("关于做好春耕工作的通知")
    b.paragraph("各村（社区）：现将有关事项通知如下。")
    return b.to_bytes()


def package(body: str = "", members: dict[str, bytes | str] | None = None, rels: str = "",
            drop: tuple[str, ...] = ("docProps/thumbnail.jpeg",)) -> bytes:
    """The base document with ``body`` XML added to the body, extra members and document rels."""
    src = zipfile.ZipFile(io.BytesIO(_base()))
    out = io.BytesIO()
    members = dict(members or {})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename in drop or info.filename in members:
                continue
            data = src.read(info.filename)
            if info.filename == "word/document.xml" and body:
                text = data.decode("utf-8")
                root_end = text.index(">", text.index("<w:document")) + 1
                head = text[:root_end]
                missing = " ".join(d for d in NS.split() if d.split("=")[0] not in head)
                text = head.replace("<w:document ", f"<w:document {missing} ", 1) + text[root_end:]
                text = text.replace("<w:sectPr", body + "<w:sectPr", 1)
                data = text.encode("utf-8")
            if info.filename == "word/_rels/document.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode("utf-8") + b"</Relationships>")
            zf.writestr(info.filename, data)
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()


def findings_at(data: bytes):
    doc = read_bytes(data, "t.docx")
    return doc, check_document(doc, Config()).findings


def _located(data: bytes, part: str, source: str | None = None):
    doc, findings = findings_at(data)
    hits = [f for f in findings if f.rule == "D101" and f.text == ID]
    assert hits, [(b.part, b.text) for b in doc.blocks]
    where = {f.location.part for f in hits}
    assert part in where, where
    f = next(f for f in hits if f.location.part == part)
    assert f.location.describe().startswith(PLACE_PARTS[part])
    if source is not None:
        assert source in (f.location.source or ""), f.location
    assert f.location.to_dict()["part"] == part
    return f


def _run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def _p(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def _xlsx(cells: list[list[str]], shared_only: str | None = None) -> bytes:
    strings = [c for row in cells for c in row]
    if shared_only:
        strings.append(shared_only)
    ss = "".join(f"<si><t>{s}</t></si>" for s in strings)
    rows, k = [], 0
    for r, row in enumerate(cells, 1):
        cs = []
        for c, _ in enumerate(row):
            cs.append(f'<c r="{"ABCDEFG"[c]}{r}" t="s"><v>{k}</v></c>')
            k += 1
        rows.append(f'<row r="{r}">{"".join(cs)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{main}"><sheets><sheet name="表1" sheetId="1"/></sheets></workbook>')
        zf.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{ss}</sst>')
        zf.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{"".join(rows)}</sheetData></worksheet>')
    return out.getvalue()


# -- places in the WordprocessingML of the body ------------------------------------------------

def test_deleted_revision_is_read_as_its_own_part():
    body = _p(f'<w:del w:id="1" w:author="甲" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>{PLANT}</w:delText></w:r></w:del>')
    f = _located(package(body), "deleted", "word/document.xml")
    assert f.location.describe().startswith("修订删除 word/document.xml")


def test_deleted_text_split_over_runs_is_read_whole():
    half = len(PLANT) - 7
    body = _p(f'<w:del w:id="1" w:author="甲"><w:r><w:delText>{PLANT[:half]}</w:delText></w:r>'
              f'<w:r><w:delText>{PLANT[half:]}</w:delText></w:r></w:del>')
    _located(package(body), "deleted")


def test_moved_away_text_is_a_deleted_revision():
    body = _p(f'<w:moveFrom w:id="2" w:author="甲">{_run(PLANT)}</w:moveFrom>')
    _located(package(body), "deleted")


def test_field_code_and_simple_field_are_read():
    body = _p(f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD </w:instrText></w:r>'
              f'<w:r><w:instrText>{PLANT}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    _located(package(body), "field")
    simple = _p(f'<w:fldSimple w:instr="QUOTE &quot;{PLANT}&quot;">{_run("结果")}</w:fldSimple>')
    _located(package(simple), "field")


@pytest.mark.parametrize("attr", ["descr", "title"])
def test_picture_alt_text_is_read(attr):
    body = _p(f'<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/>'
              f'<wp:docPr id="1" name="图片 1" {attr}="{PLANT}"/></wp:inline></w:drawing></w:r>')
    f = _located(package(body), "alt_text")
    assert attr in f.location.source


def test_hyperlink_target_is_read_url_decoded():
    target = "https://example.gov.cn/form?" + quote(f"idcard={ID}&name=申请人")
    rels = f'<Relationship Id="rIdX" Type="{REL}/hyperlink" Target="{target}" TargetMode="External"/>'
    body = _p(f'<w:hyperlink r:id="rIdX">{_run("办事指南")}</w:hyperlink>')
    doc, _ = findings_at(package(body, rels=rels))
    assert any(b.part == "hyperlink" and ID in b.text and "申请人" in b.text for b in doc.blocks)
    _located(package(body, rels=rels), "hyperlink", "#rIdX")


def test_local_file_link_with_a_quoted_id_is_read():
    target = "file:///D:/%E7%94%B3%E8%AF%B7%E4%BA%BA/" + ID + ".docx"
    rels = f'<Relationship Id="rIdY" Type="{REL}/hyperlink" Target="{target}" TargetMode="External"/>'
    body = _p(f'<w:hyperlink r:id="rIdY">{_run("附件")}</w:hyperlink>')
    _located(package(body, rels=rels), "hyperlink")


@pytest.mark.parametrize("attr", ["tooltip", "anchor"])
def test_hyperlink_tooltip_and_anchor_are_read(attr):
    body = _p(f'<w:hyperlink w:{attr}="{PLANT}">{_run("点击")}</w:hyperlink>')
    _located(package(body), "link_tip", attr)


def test_content_control_alias_and_tag_are_read():
    body = (f'<w:sdt><w:sdtPr><w:alias w:val="{PLANT}"/><w:tag w:val="{ID}"/></w:sdtPr>'
            f'<w:sdtContent>{_p(_run("填写处"))}</w:sdtContent></w:sdt>')
    _located(package(body), "control")


def test_math_text_is_read():
    body = _p(f"<m:oMath><m:r><m:t>{PLANT}</m:t></m:r></m:oMath>")
    _located(package(body), "math")


def test_vml_text_path_is_read():
    body = _p(f'<w:r><w:pict><v:shape id="s1"><v:textpath string="{PLANT}"/></v:shape></w:pict></w:r>')
    _located(package(body), "textpath")


def test_ruby_text_is_read():
    body = _p(f"<w:r><w:ruby><w:rt>{_run(PLANT)}</w:rt><w:rubyBase>{_run('申请')}</w:rubyBase></w:ruby></w:r>")
    _located(package(body), "ruby")


def test_text_box_fallback_that_differs_from_its_choice_is_read():
    box = "<w:txbxContent>{}</w:txbxContent>"
    body = _p('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:wsp><wps:txbx>'
              + box.format(_p(_run("公开内容"))) + '</wps:txbx></wps:wsp></wp:anchor></w:drawing></mc:Choice>'
              '<mc:Fallback><w:pict><v:shape><v:textbox>' + box.format(_p(_run(PLANT)))
              + '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    doc, _ = findings_at(package(body))
    assert any(b.part == "textbox" and b.text == "公开内容" for b in doc.blocks)
    _located(package(body), "fallback")


def test_a_fallback_equal_to_its_choice_is_not_read_twice():
    box = "<w:txbxContent>{}</w:txbxContent>"
    inner = box.format(_p(_run("公开内容")))
    body = _p('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>' + inner
              + '</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>' + inner
              + '</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    doc, _ = findings_at(package(body))
    assert not [b for b in doc.blocks if b.part == "fallback"]


# -- places in other parts ------------------------------------------------------------------

def test_document_variables_are_read():
    data = package()
    z = zipfile.ZipFile(io.BytesIO(data))
    settings = z.read("word/settings.xml").decode("utf-8")
    settings = settings.replace("</w:settings>", f'<w:docVars><w:docVar w:name="申请人身份证号" w:val="{ID}"/></w:docVars></w:settings>')
    f = _located(package(members={"word/settings.xml": settings}), "docvar", "word/settings.xml")
    assert f.location.describe().startswith("文档变量 word/settings.xml")
    assert "申请人" not in f.location.source  # a variable's name may itself be data: never a location


def test_custom_xml_item_text_and_attributes_are_read():
    item = f'<?xml version="1.0"?><申请表 身份证号="{ID}"><姓名>某某</姓名></申请表>'
    _located(package(members={"customXml/item9.xml": item}), "customxml", "customXml/item9.xml")
    item = f'<?xml version="1.0"?><申请表><身份证号>{ID}</身份证号></申请表>'
    _located(package(members={"customXml/item9.xml": item}), "customxml")


def test_embedded_workbook_cells_and_unused_shared_strings_are_read():
    xlsx = _xlsx([["姓名", "身份证号"], ["某某", ID]])
    rels = f'<Relationship Id="rIdE" Type="{REL}/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/>'
    f = _located(package(members={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx}, rels=rels),
                 "embedded", "word/embeddings/Microsoft_Excel_Worksheet.xlsx")
    assert f.location.describe().startswith("嵌入文件 word/embeddings/Microsoft_Excel_Worksheet.xlsx")
    hidden = _xlsx([["说明"]], shared_only=PLANT)
    _located(package(members={"word/embeddings/b.xlsx": hidden}), "embedded", "sharedStrings")


def test_embedded_document_is_read_recursively():
    inner = package(_p(f'<w:del w:id="1" w:author="甲"><w:r><w:delText>{PLANT}</w:delText></w:r></w:del>'))
    outer = package(members={"word/embeddings/Microsoft_Word_Document.docx": inner})
    _located(outer, "embedded", "word/embeddings/Microsoft_Word_Document.docx")
    nested = package(members={"word/embeddings/outer.docx": outer})
    _located(nested, "embedded", "word/embeddings/outer.docx")


def test_embedded_text_file_is_read_as_text():
    _located(package(members={"word/embeddings/名单.txt": PLANT.encode("gb18030")}), "embedded")
    _located(package(members={"word/embeddings/名单.csv": f"姓名,身份证号\n某某,{ID}\n"}), "embedded")


def test_alt_chunk_html_is_read_as_text():
    html = f"<html><body><p>{PLANT}</p><script>var x = 1;</script></body></html>"
    rels = f'<Relationship Id="rIdH" Type="{REL}/aFChunk" Target="chunk.html"/>'
    body = '<w:altChunk r:id="rIdH"/>'
    f = _located(package(body, members={"word/chunk.html": html}, rels=rels), "altchunk", "word/chunk.html")
    assert f.location.describe().startswith("导入的外部内容")


def test_chart_labels_are_read():
    chart = ('<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:plotArea><c:barChart><c:ser>'
             f'<c:cat><c:strRef><c:strCache><c:pt idx="0"><c:v>{PLANT}</c:v></c:pt></c:strCache></c:strRef></c:cat>'
             '</c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>')
    _located(package(members={"word/charts/chart1.xml": chart}), "chart", "word/charts/chart1.xml")


def test_glossary_document_is_read():
    gloss = (f'<w:glossaryDocument {NS}><w:docParts><w:docPart><w:docPartBody>{_p(_run(PLANT))}'
             '</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>')
    rels = f'<Relationship Id="rIdG" Type="{REL}/glossaryDocument" Target="glossary/document.xml"/>'
    _located(package(members={"word/glossary/document.xml": gloss}, rels=rels), "glossary")


def test_more_properties_are_read():
    data = package()
    z = zipfile.ZipFile(io.BytesIO(data))
    app = z.read("docProps/app.xml").decode("utf-8")
    app = app.replace("</Properties>", f"<HyperlinkBase>file:///D:/{ID}/</HyperlinkBase></Properties>")
    f = _located(package(members={"docProps/app.xml": app}), "metadata", "app:HyperlinkBase")
    assert f.location.describe().startswith("文档属性")
    core = z.read("docProps/core.xml").decode("utf-8").replace(
        "</cp:coreProperties>", f"<dc:language>{PLANT}</dc:language></cp:coreProperties>")
    _located(package(members={"docProps/core.xml": core}), "metadata", "core:language")


def test_titles_of_parts_and_custom_property_names_are_read():
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    app = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           f'xmlns:vt="{vt}"><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>{PLANT}</vt:lpstr>'
           '</vt:vector></TitlesOfParts></Properties>')
    _located(package(members={"docProps/app.xml": app}), "metadata", "app:TitlesOfParts")
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              f'xmlns:vt="{vt}"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{PLANT}">'
              '<vt:lpwstr>是</vt:lpwstr></property></Properties>')
    _located(package(members={"docProps/custom.xml": custom}), "metadata", "custom")


def test_places_in_headers_are_read_too():
    b = DocxBuilder()
    b.paragraph("正文")
    b.header("页眉")
    data = b.to_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    header = next(n for n in z.namelist() if n.startswith("word/header"))
    xml = z.read(header).decode("utf-8").replace(
        "<w:t>页眉</w:t></w:r>", f'<w:t>页眉</w:t></w:r><w:del w:id="9" w:author="甲"><w:r><w:delText>{PLANT}</w:delText></w:r></w:del>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n in z.namelist():
            zf.writestr(n, xml if n == header else z.read(n))
    _located(out.getvalue(), "deleted", header)


# -- what cannot be read ----------------------------------------------------------------------

def _s105(data: bytes) -> dict[str, str]:
    _, findings = findings_at(data)
    return {f.location.source: f.explanation["reason"] for f in findings if f.rule == "S105"}


def test_binary_ole_object_is_reported_as_uninspectable():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + ID.encode()
    found = _s105(package(members={"word/embeddings/oleObject1.bin": ole}))
    assert found == {"word/embeddings/oleObject1.bin": "二进制 OLE 对象"}
    _, findings = findings_at(package(members={"word/embeddings/oleObject1.bin": ole}))
    (f,) = [f for f in findings if f.rule == "S105"]
    assert f.location.describe() == "嵌入文件 word/embeddings/oleObject1.bin"


def test_thumbnail_and_unreferenced_picture_are_reported():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    found = _s105(package(members={"docProps/thumbnail.png": png, "word/media/image9.png": png}, drop=()))
    assert found["docProps/thumbnail.png"] == "缩略图"
    assert found["word/media/image9.png"] == "未被引用的图片"
    _, findings = findings_at(package(members={"docProps/thumbnail.png": png}))
    assert {f.severity.label for f in findings if f.rule == "S105"} == {"info"}


def test_a_picture_the_document_shows_is_not_reported():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    rels = f'<Relationship Id="rIdP" Type="{REL}/image" Target="media/image1.png"/>'
    assert _s105(package(members={"word/media/image1.png": png}, rels=rels)) == {}


def test_uninspectable_inside_an_embedded_document_names_both_members():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    inner = package(members={"word/embeddings/oleObject1.bin": ole})
    found = _s105(package(members={"word/embeddings/inner.docx": inner}))
    assert found == {"word/embeddings/inner.docx › word/embeddings/oleObject1.bin": "二进制 OLE 对象"}


def test_a_broken_embedded_archive_is_uninspectable_not_fatal():
    found = _s105(package(members={"word/embeddings/broken.xlsx": b"PK\x03\x04garbage"}))
    assert list(found.values()) == ["损坏的压缩文件"]


def test_embedding_depth_is_limited():
    data = package(_p(_run(PLANT)))
    for i in range(5):
        data = package(members={f"word/embeddings/level{i}.docx": data})
    found = _s105(data)
    assert any("嵌套超过" in why for why in found.values()), found


def test_a_zip_bomb_in_an_embedded_file_is_refused_within_the_limits():
    from gongkai.config import Limits
    from gongkai.formats.errors import UnreadableDocument

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (8 * 2**20) + b"</a>")
    data = package(members={"word/embeddings/bomb.xlsx": bomb.getvalue()})
    doc = read_bytes(data, "t.docx", Limits(max_part_mb=4))
    assert any("过大" in why or "压缩" in why for _, why in doc.uninspectable), doc.uninspectable
    with pytest.raises(UnreadableDocument):
        read_bytes(package(members={"word/embeddings/huge.bin": b"\x00" * (6 * 2**20)}), "t.docx", Limits(max_part_mb=4))


# -- the contract ---------------------------------------------------------------------------

def test_places_do_not_move_the_reading_text_or_its_fingerprint():
    plain = read_bytes(package(_p(_run("补充说明"))), "t.docx")
    body = (_p(_run("补充说明"))
            + _p(f'<w:del w:id="1" w:author="甲"><w:r><w:delText>{PLANT}</w:delText></w:r></w:del>')
            + _p(f'<w:fldSimple w:instr="{PLANT}"/>'))
    planted = read_bytes(package(body), "t.docx")
    reading = [b.text for b in planted.blocks if b.part not in PLACE_PARTS]
    assert reading == [b.text for b in plain.blocks if b.part not in PLACE_PARTS] + ["", ""]
    assert all(b.index > max(x.index for x in planted.blocks if x.part not in PLACE_PARTS)
               for b in planted.blocks if b.part in PLACE_PARTS)


def test_content_fingerprint_ignores_place_parts():
    a = read_bytes(package(_p('<w:fldSimple w:instr="PAGE"/>')), "t.docx")
    b = read_bytes(package(_p(f'<w:fldSimple w:instr="{PLANT}"/>')), "t.docx")
    assert [x.text for x in a.blocks if x.part == "field"] != [x.text for x in b.blocks if x.part == "field"]
    assert a.content_sha256 == b.content_sha256


def test_report_json_validates_with_place_parts():
    import json

    import jsonschema

    from gongkai.output.render import to_json_line

    doc, _ = findings_at(package(_p(f'<w:fldSimple w:instr="{PLANT}"/>'),
                                 members={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}))
    report = check_document(doc, Config())
    from importlib.resources import files

    schema = json.loads(files("gongkai.data").joinpath("report.schema.json").read_text("utf-8"))
    data = json.loads(to_json_line(report))
    jsonschema.validate(data, schema)
    parts = {f["location"]["part"] for f in data["findings"]}
    assert {"field", "embedded"} <= parts
    assert ID not in json.dumps(data, ensure_ascii=False)  # masked by default


# -- every hiding place of the shared generator (tests/formats/hiding_places.py) --------------


#: Places that are part of the reading text (body, table, header… under their own names).
READING = {"body", "table", "header", "footer", "footnote", "endnote", "comment", "textbox"}
#: Planted values no personal-data recogniser can see where they stand, with the reason.
UNSEEN = {
    # a Windows user folder in the attached template's path is judged by D111 as an account,
    # the name inside it is not a name in context
    ("settings_template", "person_name"),
}
#: Places whose text is on the page (in the body's reading text), whatever the generator calls them.
ON_PAGE = {"ins", "sdt_content", "hidden_text"}


def _norm(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def _hits(findings, kind: str, value: str):
    v = _norm(value)
    digits = v.isdigit()
    out = []
    for f in findings:
        if f.category != "personal_data":
            continue
        t = _norm(f.text)
        if digits:
            t = "".join(c for c in t if c.isdigit() or c in "Xx")
        if v in t or (len(t) >= 2 and t in v and (not digits or len(t) >= len(v) - 1)):
            out.append(f)
    return out


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("pl", [pl for pl in ALL_PLACES if pl.inspectable], ids=lambda pl: pl.key)
def test_check_finds_what_is_planted_at_every_inspectable_place(pl, seed):
    p = planted(seed)
    doc = read_bytes(pl.build(p), f"{pl.key}.docx")
    findings = check_document(doc, Config()).findings
    values = p.values()
    found = {k: _hits(findings, k, values[k]) for k in pl.kinds}
    missing = [k for k, hits in found.items() if not hits and (pl.key, k) not in UNSEEN]
    assert not missing, (pl.key, missing, [(b.part, b.text) for b in doc.blocks if b.part != "body"])
    parts = {f.location.part for hits in found.values() for f in hits}
    if pl.key in ON_PAGE or pl.where in ("正文", "表格", "页眉", "页脚", "脚注", "尾注", "批注", "文本框"):
        assert parts & READING or "fallback" in parts, parts
    else:  # the location names the place: a place part or a property, never the page's text alone
        named = {x for x in parts if x in PLACE_PARTS or x == PROPERTY_PART}
        assert named, (pl.key, parts)
        f = next(f for hits in found.values() for f in hits if f.location.part in named)
        assert f.location.describe() and not f.location.describe().startswith("第")


@pytest.mark.parametrize("pl", [pl for pl in PLACES if not pl.inspectable], ids=lambda pl: pl.key)
def test_check_reports_every_place_it_cannot_read(pl):
    doc = read_bytes(pl.build(planted(5)), f"{pl.key}.docx")
    findings = [f for f in check_document(doc, Config()).findings if f.rule == "S105"]
    member = pl.where.split()[-1]
    assert [f.location.source for f in findings] == [member], findings
    assert member in findings[0].message and "嵌入对象无法检查" in findings[0].message


def test_every_place_of_the_issue_is_read_under_a_place_name():
    named = {pl.key for pl in PLACES if pl.inspectable} - {
        "body", "table", "header", "footer", "footnote", "endnote", "comment", "textbox"}
    assert len(named) >= 50


def test_a_link_to_the_address_the_page_shows_adds_no_place():
    rels = f'<Relationship Id="rIdM" Type="{REL}/hyperlink" Target="mailto:jdjb@shaomi.gov.cn" TargetMode="External"/>'
    body = _p(_run("监督邮箱：") + f'<w:hyperlink r:id="rIdM">{_run("jdjb@shaomi.gov.cn")}</w:hyperlink>')
    doc, _ = findings_at(package(body, rels=rels))
    assert not [b for b in doc.blocks if b.part == "hyperlink"]
    hidden = f'<Relationship Id="rIdM" Type="{REL}/hyperlink" Target="mailto:zhangsan1990@qq.com" TargetMode="External"/>'
    doc, findings = findings_at(package(body, rels=hidden))
    assert [b.text for b in doc.blocks if b.part == "hyperlink"] == ["mailto:zhangsan1990@qq.com"]
    assert any(f.rule == "D105" and f.location.part == "hyperlink" for f in findings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6),
       places=st.lists(st.sampled_from(PLACES), min_size=1, max_size=5, unique_by=lambda pl: pl.where))
def test_random_values_in_random_places_are_all_reported(seed, places):
    """Several places in one package (each writes its own member): every value found or reported."""
    p = planted(seed)
    doc = read_bytes(build_many(places, p), "many.docx")
    findings = check_document(doc, Config()).findings
    values = p.values()
    for pl in places:
        if not pl.inspectable:
            assert pl.where.split()[-1] in {f.location.source for f in findings if f.rule == "S105"}, pl.key
            continue
        missing = [k for k in pl.kinds if (pl.key, k) not in UNSEEN and not _hits(findings, k, values[k])]
        assert not missing, (pl.key, missing)
    if any(pl.inspectable and pl.where not in ("正文", "表格", "页眉", "页脚", "脚注", "尾注", "批注", "文本框")
           and pl.key not in ON_PAGE for pl in places):
        assert {f.location.part for f in findings} & (set(PLACE_PARTS) | {PROPERTY_PART})


def test_text_in_a_binary_ole_object_is_salvaged_and_the_object_still_reported():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + PLANT.encode("utf-16-le") + b"\x00" * 64
    doc, findings = findings_at(package(members={"word/embeddings/oleObject2.bin": ole}))
    assert any(f.rule == "D101" and f.location.source == "word/embeddings/oleObject2.bin" for f in findings)
    assert [f.location.source for f in findings if f.rule == "S105"] == ["word/embeddings/oleObject2.bin"]


def test_a_packaged_file_is_taken_out_of_its_ole10native_stream():
    import struct

    from gongkai.formats.places import _ole10native

    payload = PLANT.encode("utf-8")
    body = (struct.pack("<H", 2) + "名单.txt".encode("gb18030") + b"\x00" + b"C:\\tmp\\a.txt\x00"
            + struct.pack("<II", 0, 3) + b"C:\\Temp\\a.txt\x00" + struct.pack("<I", len(payload)) + payload)
    stream = struct.pack("<I", len(body)) + body
    assert _ole10native(stream) == ("名单.txt", payload)
    assert _ole10native(b"\x01\x02") == ("", b"")


@pytest.mark.parametrize("pl", PLACES, ids=lambda pl: pl.key)
def test_no_report_names_a_planted_number_in_a_location(pl):
    """Locations (part, source, the Chinese description) never carry the data they point at."""
    p = planted(7)
    doc = read_bytes(pl.build(p), f"{pl.key}.docx")
    report = check_document(doc, Config())
    numbers = [p.id_number, p.mobile, p.bank_card]
    for f in report.findings:
        where = f"{f.location.to_dict()} {f.location.describe()}"
        assert not any(n in where for n in numbers), (pl.key, where)


def test_proofing_and_format_rules_do_not_read_place_parts():
    body = (_p('<w:fldSimple w:instr=" PAGE  \\* MERGEFORMAT "/>')
            + _p('<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="1" name="图片 1" '
                 'descr="工作布署到位,,截止目前"/></wp:inline></w:drawing></w:r>')
            + _p('<w:del w:id="1" w:author="甲"><w:r><w:delText>工作布署到位，，</w:delText></w:r></w:del>'))
    doc, findings = findings_at(package(body))
    assert {b.part for b in doc.blocks} >= {"field", "alt_text", "deleted"}
    assert not [f for f in findings if f.location.part in PLACE_PARTS and f.category != "personal_data"]
    # the same words on the page are proofread (so the assertion above can fail)
    _, on_page = findings_at(package(_p(_run("工作布署到位，，"))))
    assert any(f.category == "proofing" for f in on_page)
