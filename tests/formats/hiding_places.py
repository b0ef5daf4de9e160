"""Hiding places of personal data in a .docx package (issue #17), and an independent oracle.

``PLACES`` lists every place a clerk's file can carry personal data: each ``Place.build(p)``
returns a complete .docx made from a small valid base document with the values of ``p``
(name, ID number, mobile, bank card, home address) planted at that place and only there.
``leaks(data, p)`` finds them again without gongkai: it opens the zip (and every zip inside
it), and searches raw bytes (UTF-8, UTF-16, GB18030), tag-stripped text, URL-decoded attribute
values and relationship targets, and digits-only forms (full-width digits normalised, spaces
and markup removed within one text node, attribute value or paragraph).

Shared contract with the reader and release work: /work/wt/PLACES.md. Data is synthetic:
checksum-valid fake ID numbers and Luhn-valid fake card numbers from a seed.
"""

from __future__ import annotations

import html
import io
import random
import re
import struct
import unicodedata
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum import luhn
from stdnum.cn import ric

# -- planted values --------------------------------------------------------------------------------

#: Rare but valid names (compound surnames), each recognised whole by a name detector in context.
NAMES = ("欧阳思琪", "诸葛丽娟", "上官明轩", "皇甫雅婷", "尉迟海波", "慕容秀英", "东方建军", "南宫玉兰", "令狐春燕",
         "公孙桂芳")
AREAS = ("520221", "520203", "520201", "110105", "440305", "330106")
ESTATES = ("幸福", "阳光", "锦绣", "和平", "翠湖", "丽景")


@dataclass(frozen=True)
class Planted:
    """The personal values planted in one document (synthetic, from a seed)."""

    name: str
    id_number: str
    mobile: str
    bank_card: str
    address: str  # "勺米镇幸福小区7栋1单元301室"
    address_key: str  # the dwelling unit alone: "7栋1单元301室"
    image: bytes = field(default=b"", repr=False)  # a thumbnail's bytes, searched for as they are

    def values(self) -> dict[str, str]:
        """kind -> the value as planted (the address by its distinctive dwelling unit)."""
        return {"person_name": self.name, "id_card": self.id_number, "mobile": self.mobile,
                "bank_card": self.bank_card, "address": self.address_key}

    def sentence(self) -> str:
        """One sentence holding all five values in the context a clerk writes them."""
        return (f"申请人{self.name}，身份证号{self.id_number}，联系电话{self.mobile}，"
                f"银行卡号{self.bank_card}，家住{self.address}。")


def planted(seed: int) -> Planted:
    """Values for ``seed``: a checksum-valid fake ID, a mobile, a Luhn-valid card, an address."""
    rnd = random.Random(seed)
    birth = f"{rnd.randint(1950, 2003)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
    body = rnd.choice(AREAS) + birth + f"{rnd.randint(0, 999):03d}"
    id_number = body + ric.calc_check_digit(body + "0")
    mobile = rnd.choice(("138", "139", "150", "158", "187", "189")) + f"{rnd.randint(0, 99999999):08d}"
    card = "6222" + "".join(str(rnd.randint(0, 9)) for _ in range(11))
    card += luhn.calc_check_digit(card)
    key = f"{rnd.randint(2, 19)}栋{rnd.randint(1, 4)}单元{rnd.randint(1, 9)}0{rnd.randint(1, 4)}室"
    return Planted(rnd.choice(NAMES), id_number, mobile, card, f"勺米镇{rnd.choice(ESTATES)}小区{key}", key,
                   _png(rnd))


def _png(rnd: random.Random) -> bytes:
    """A small PNG with seeded pixels: the planted thumbnail."""
    rows = b"".join(b"\x00" + bytes(rnd.randrange(256) for _ in range(8 * 3)) for _ in range(8))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# -- a package builder -------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PKG_RT = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_W = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TITLE = "关于做好临时救助审核工作的通知"
BODY = "各村（社区）：请按规定做好临时救助申请的审核和公示工作。"


def esc(text: str) -> str:
    """Text as it stands in XML content or a double-quoted attribute."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def para(text: str) -> str:
    return f"<w:p>{run(text)}</w:p>"


@dataclass
class Package:
    """A minimal WordprocessingML package, written member by member (the places add to it)."""

    body: list[str] = field(default_factory=lambda: [para(TITLE), para(BODY)])
    parts: dict[str, bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # part name -> content type override
    defaults: dict[str, str] = field(default_factory=lambda: {
        "rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml",
        "png": "image/png", "jpeg": "image/jpeg", "bin": "application/vnd.openxmlformats-officedocument.oleObject",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain", "htm": "text/html", "html": "text/html"})
    rels: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)  # source -> (id, type, target, ext)
    settings: list[str] = field(default_factory=list)  # children of w:settings
    core: list[str] = field(default_factory=list)  # children of cp:coreProperties
    app: list[str] = field(default_factory=list)  # children of Properties (app.xml)
    custom: list[tuple[str, str]] = field(default_factory=list)  # custom properties (name, value)
    section: list[str] = field(default_factory=list)  # header/footer references of the one section

    def relate(self, source: str, rel_type: str, target: str, external: bool = False) -> str:
        """A relationship from part ``source`` ("word/document.xml", "" for the package); its id."""
        rels = self.rels.setdefault(source, [])
        rid = f"rId{len(rels) + 10}"
        rels.append((rid, rel_type if rel_type.startswith("http") else RT + rel_type, target, external))
        return rid

    def add(self, name: str, data: bytes | str, content_type: str | None = None, *, rel: str | None = None,
            source: str = "word/document.xml") -> str | None:
        """Add member ``name``; with ``rel`` also a relationship to it from ``source`` (its id returned)."""
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data
        if content_type:
            self.types[name] = content_type
        if rel is None:
            return None
        base = source.rpartition("/")[0]
        target = name[len(base) + 1:] if base and name.startswith(base + "/") else "/" + name
        return self.relate(source, rel, target)

    def to_bytes(self) -> bytes:
        parts = dict(self.parts)
        parts["word/document.xml"] = (DECL + f"<w:document {NS}><w:body>{''.join(self.body)}"
                                      f"<w:sectPr>{''.join(self.section)}"
                                      '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" '
                                      'w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" '
                                      'w:gutter="0"/></w:sectPr></w:body></w:document>').encode("utf-8")
        self.types["word/document.xml"] = CT_W + "document.main+xml"
        parts["word/styles.xml"] = (DECL + f'<w:styles {NS}><w:style w:type="paragraph" w:default="1" '
                                    'w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>').encode()
        self.types["word/styles.xml"] = CT_W + "styles+xml"
        rels = {k: list(v) for k, v in self.rels.items()}
        rels.setdefault("word/document.xml", []).insert(0, ("rId1", RT + "styles", "styles.xml", False))
        parts["word/settings.xml"] = (DECL + f"<w:settings {NS}>{''.join(self.settings)}"
                                      '<w:defaultTabStop w:val="420"/></w:settings>').encode("utf-8")
        self.types["word/settings.xml"] = CT_W + "settings+xml"
        rels["word/document.xml"].insert(1, ("rId2", RT + "settings", "settings.xml", False))
        parts["docProps/core.xml"] = (
            DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{TITLE}</dc:title><dc:creator>勺米镇党政办</dc:creator>{''.join(self.core)}"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-03-05T09:00:00Z</dcterms:created>'
            "</cp:coreProperties>").encode("utf-8")
        self.types["docProps/core.xml"] = "application/vnd.openxmlformats-package.core-properties+xml"
        parts["docProps/app.xml"] = (
            DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>Microsoft Office Word</Application><Company>勺米镇人民政府</Company>{''.join(self.app)}"
            "</Properties>").encode("utf-8")
        self.types["docProps/app.xml"] = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
        pkg_rels = [("rId1", RT + "officeDocument", "word/document.xml", False),
                    ("rId2", PKG_RT + "/metadata/core-properties", "docProps/core.xml", False),
                    ("rId3", RT + "extended-properties", "docProps/app.xml", False)] + rels.pop("", [])
        if self.custom:
            props = "".join(f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" '
                            f'name="{esc(k)}"><vt:lpwstr>{esc(v)}</vt:lpwstr></property>'
                            for i, (k, v) in enumerate(self.custom, start=2))
            parts["docProps/custom.xml"] = (
                DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
            ).encode("utf-8")
            self.types["docProps/custom.xml"] = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
            pkg_rels.append(("rId4", RT + "custom-properties", "docProps/custom.xml", False))
        rels[""] = pkg_rels
        for source, items in rels.items():
            head, _, tail = source.rpartition("/")
            name = f"{head}/_rels/{tail}.rels" if source else "_rels/.rels"
            body = "".join(f'<Relationship Id="{rid}" Type="{t}" Target="{esc(target)}"'
                           + (' TargetMode="External"' if ext else "") + "/>" for rid, t, target, ext in items)
            parts[name] = (DECL + f'<Relationships xmlns="{PKG_RT}">{body}</Relationships>').encode("utf-8")
        exts = {n.rpartition(".")[2] for n in parts if "." in n.rpartition("/")[2]}
        defaults = "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in self.defaults.items()
                           if e in exts or e in ("rels", "xml"))
        overrides = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in self.types.items())
        types = (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 f"{defaults}{overrides}</Types>").encode("utf-8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", types)
            for name in ("_rels/.rels", "word/document.xml"):
                z.writestr(name, parts.pop(name))
            for name, data in parts.items():
                z.writestr(name, data)
        return buf.getvalue()


def xlsx(cells: list[str], numbers: list[str] = ()) -> bytes:
    """A minimal workbook: ``cells`` as shared strings in column A, ``numbers`` as numeric cells in B."""
    shared = "".join(f"<si><t>{esc(c)}</t></si>" for c in cells)
    rows = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c>'
                   + (f'<c r="B{i + 1}"><v>{numbers[i]}</v></c>' if i < len(numbers) else "") + "</row>"
                   for i in range(max(len(cells), len(numbers))))
    ss = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    members = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG_RT}"><Relationship Id="rId1" Type="{RT}officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ss}" xmlns:r="{R_NS}"><sheets><sheet name="名单" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG_RT}"><Relationship Id="rId1" '
        f'Type="{RT}worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RT}sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{ss}"><sheetData>{rows}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{ss}" count="{len(cells)}" uniqueCount="{len(cells)}">{shared}</sst>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, (DECL + text).encode("utf-8"))
    return buf.getvalue()


def ole_blob(text: str) -> bytes:
    """A binary OLE object (compound-file signature) holding ``text`` in UTF-16, as Word's embeddings do."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + text.encode("utf-16-le") + b"\x00" * 64


def drawing(inner: str, descr: str = "", title: str = "", name: str = "图片 1") -> str:
    """A w:drawing run with ``inner`` as its graphic data (a:graphicData content)."""
    attrs = (f' descr="{esc(descr)}"' if descr else "") + (f' title="{esc(title)}"' if title else "")
    return ('<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1000000" '
            f'cy="1000000"/><wp:docPr id="7" name="{esc(name)}"{attrs}/>{inner}</wp:inline></w:drawing></w:r>')


def picture(rid: str) -> str:
    return ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            '<pic:nvPicPr><pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
            f'<a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
            '<a:off x="0" y="0"/><a:ext cx="1000000" cy="1000000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
            "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>")


def textbox(choice: str, fallback: str) -> str:
    """A text box as Word writes it: DrawingML choice and VML fallback, each with its own text."""
    def content(text):
        return f"<w:txbxContent>{para(text)}</w:txbxContent>"
    return ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline distT="0" distB="0" '
            'distL="0" distR="0"><wp:extent cx="2000000" cy="500000"/><wp:docPr id="3" name="文本框 1"/><a:graphic>'
            '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
            '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="500000"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx>{content(choice)}</wps:txbx>'
            "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback>"
            f'<w:pict><v:shape style="width:150pt;height:40pt"><v:textbox>{content(fallback)}</v:textbox></v:shape>'
            "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")


def notes_part(kind: str, text: str) -> str:
    """footnotes.xml / endnotes.xml with the two separators and note 1 holding ``text``."""
    return (DECL + f'<w:{kind}s {NS}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f'</w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
            f'</w:r></w:p></w:{kind}><w:{kind} w:id="1">{para(text)}</w:{kind}></w:{kind}s>')


# -- the places ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """One place of the package; ``build(p)`` is a whole .docx with ``p`` planted there only."""

    key: str
    where: str  # the Chinese place name a report should name (location.part / place)
    inspectable: bool
    build: Callable[[Planted], bytes]
    kinds: tuple[str, ...] = ("person_name", "id_card", "mobile", "bank_card", "address")  # what is planted
    plant: Callable[[Package, Planted], None] | None = None  # adds the place to a Package (to combine places)


PLACES: list[Place] = []
#: Places found after the reader's pass (text in pictures, XML comments, namespaces, form fields):
#: the package scan and redact cover them; ``check`` does not read them yet. Kept apart so the
#: reader's tests over PLACES stay meaningful; move a place into PLACES once ``check`` reads it.
MORE_PLACES: list[Place] = []
ALL = ("person_name", "id_card", "mobile", "bank_card", "address")
NUMBERS = ("id_card", "mobile", "bank_card")


def place(key: str, where: str, inspectable: bool = True, kinds: tuple[str, ...] = ALL, more: bool = False):
    """Register ``func(pkg, p)`` (which plants ``p`` into a base Package) as a place (in MORE_PLACES if ``more``)."""
    def register(func: Callable[[Package, Planted], None]):
        def build(p: Planted) -> bytes:
            pkg = Package()
            func(pkg, p)
            return pkg.to_bytes()
        build.__name__ = f"build_{key}"
        (MORE_PLACES if more else PLACES).append(Place(key, where, inspectable, build, kinds, func))
        return func
    return register


def _fw(text: str) -> str:
    return text.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})


def _spaced(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


@place("body", "正文")
def _body(pkg, p):
    pkg.body.append(para(p.sentence()))


@place("table", "表格")
def _table(pkg, p):
    cells = [("姓名", "身份证号", "联系电话", "银行卡号", "住址"),
             (p.name, p.id_number, p.mobile, p.bank_card, p.address)]
    rows = "".join("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="1600" w:type="dxa"/></w:tcPr>{para(c)}</w:tc>'
                                      for c in row) + "</w:tr>" for row in cells)
    grid = '<w:gridCol w:w="1600"/>' * 5
    pkg.body.append(f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
                    f'{rows}</w:tbl>{para("")}')


def _header_footer(pkg, p, kind):
    xml = DECL + f"<w:{kind[:3]} {NS}>{para(p.sentence())}</w:{kind[:3]}>"
    rid = pkg.add(f"word/{kind}1.xml", xml, CT_W + f"{kind}+xml", rel=kind)
    pkg.section.append(f'<w:{kind}Reference w:type="default" r:id="{rid}"/>')


@place("header", "页眉")
def _header(pkg, p):
    _header_footer(pkg, p, "header")


@place("footer", "页脚")
def _footer(pkg, p):
    _header_footer(pkg, p, "footer")


@place("footnote", "脚注")
def _footnote(pkg, p):
    pkg.add("word/footnotes.xml", notes_part("footnote", p.sentence()), CT_W + "footnotes+xml", rel="footnotes")
    pkg.body.append('<w:p><w:r><w:t>附件说明</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    '<w:footnoteReference w:id="1"/></w:r></w:p>')


@place("endnote", "尾注")
def _endnote(pkg, p):
    pkg.add("word/endnotes.xml", notes_part("endnote", p.sentence()), CT_W + "endnotes+xml", rel="endnotes")
    pkg.body.append('<w:p><w:r><w:t>附件说明</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    '<w:endnoteReference w:id="1"/></w:r></w:p>')


@place("comment", "批注")
def _comment(pkg, p):
    pkg.add("word/comments.xml", DECL + f'<w:comments {NS}><w:comment w:id="0" w:author="审核人" w:initials="审">'
            f"{para(p.sentence())}</w:comment></w:comments>", CT_W + "comments+xml", rel="comments")
    pkg.body.append('<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>请核实。</w:t></w:r><w:commentRangeEnd w:id="0"/>'
                    '<w:r><w:commentReference w:id="0"/></w:r></w:p>')


@place("textbox", "文本框")
def _textbox(pkg, p):
    pkg.body.append(textbox(p.sentence(), p.sentence()))


@place("textbox_fallback", "文本框（兼容内容）")
def _textbox_fallback(pkg, p):
    pkg.body.append(textbox("请各村按时报送。", p.sentence()))


@place("textbox_choice", "文本框")
def _textbox_choice(pkg, p):
    pkg.body.append(textbox(p.sentence(), "请各村按时报送。"))


@place("header_textbox", "页眉")
def _header_textbox(pkg, p):
    xml = DECL + f"<w:hdr {NS}>{textbox(p.sentence(), p.sentence())}</w:hdr>"
    rid = pkg.add("word/header1.xml", xml, CT_W + "header+xml", rel="header")
    pkg.section.append(f'<w:headerReference w:type="default" r:id="{rid}"/>')


@place("split_runs", "正文")
def _split_runs(pkg, p):
    s = p.sentence()
    cuts = sorted({s.index(p.id_number) + 7, s.index(p.mobile) + 4, s.index(p.bank_card) + 9,
                   s.index(p.name) + 1, s.index(p.address_key) + 2})
    pieces = [s[a:b] for a, b in zip([0, *cuts], [*cuts, len(s)])]
    pkg.body.append("<w:p>" + "".join(run(x, "<w:rPr><w:b/></w:rPr>" if i % 2 else "") for i, x in enumerate(pieces))
                    + "</w:p>")


@place("fullwidth_digits", "正文")
def _fullwidth(pkg, p):
    pkg.body.append(para(_fw(p.sentence())))


@place("spaced_digits", "正文", kinds=NUMBERS)
def _spaced_digits(pkg, p):
    pkg.body.append(para(f"申请人身份证号{_spaced(p.id_number)}，联系电话{p.mobile[:3]} {p.mobile[3:7]} "
                         f"{p.mobile[7:]}，银行卡号{_spaced(p.bank_card)}。"))


@place("split_fullwidth", "正文", kinds=NUMBERS)
def _split_fullwidth(pkg, p):
    s = f"申请人身份证号{_fw(p.id_number)}，联系电话{_fw(p.mobile)}，银行卡号{_fw(p.bank_card)}。"
    pkg.body.append("<w:p>" + "".join(run(s[i:i + 5]) for i in range(0, len(s), 5)) + "</w:p>")


@place("hidden_text", "正文（隐藏文字）")
def _hidden(pkg, p):
    pkg.body.append(f'<w:p>{run(p.sentence(), "<w:rPr><w:vanish/></w:rPr>")}</w:p>')


@place("del_text", "修订删除")
def _del_text(pkg, p):
    pkg.body.append('<w:p><w:r><w:t>申请材料已核实。</w:t></w:r><w:del w:id="101" w:author="审核人" '
                    f'w:date="2025-03-05T09:00:00Z"><w:r><w:delText xml:space="preserve">{esc(p.sentence())}'
                    "</w:delText></w:r></w:del></w:p>")


@place("del_paragraph_split", "修订删除")
def _del_split(pkg, p):
    s = p.sentence()
    half = s.index(p.id_number) + 9
    pkg.body.append('<w:p><w:del w:id="102" w:author="审核人" w:date="2025-03-05T09:00:00Z">'
                    f'<w:r><w:delText xml:space="preserve">{esc(s[:half])}</w:delText></w:r>'
                    f'<w:r><w:rPr><w:b/></w:rPr><w:delText xml:space="preserve">{esc(s[half:])}</w:delText></w:r>'
                    "</w:del><w:r><w:t>已核实。</w:t></w:r></w:p>")


@place("move_from", "修订移动")
def _move_from(pkg, p):
    pkg.body.append('<w:p><w:moveFromRangeStart w:id="103" w:author="审核人" w:date="2025-03-05T09:00:00Z" '
                    'w:name="move1"/><w:moveFrom w:id="104" w:author="审核人" w:date="2025-03-05T09:00:00Z">'
                    f'{run(p.sentence())}</w:moveFrom><w:moveFromRangeEnd w:id="103"/></w:p>'
                    '<w:p><w:moveToRangeStart w:id="105" w:author="审核人" w:date="2025-03-05T09:00:00Z" w:name="move1"/>'
                    '<w:moveTo w:id="106" w:author="审核人" w:date="2025-03-05T09:00:00Z"><w:r><w:t>已核实。</w:t></w:r>'
                    '</w:moveTo><w:moveToRangeEnd w:id="105"/></w:p>')


@place("ins", "修订插入")
def _ins(pkg, p):
    pkg.body.append('<w:p><w:ins w:id="107" w:author="审核人" w:date="2025-03-05T09:00:00Z">'
                    f"{run(p.sentence())}</w:ins></w:p>")


@place("deleted_run_property", "修订删除", kinds=("person_name", "id_card"))
def _rpr_change(pkg, p):
    # a formatting revision keeps nothing personal; the deleted paragraph mark's paragraph does
    pkg.body.append('<w:p><w:pPr><w:rPr><w:del w:id="108" w:author="审核人" w:date="2025-03-05T09:00:00Z"/></w:rPr>'
                    '</w:pPr><w:del w:id="109" w:author="审核人" w:date="2025-03-05T09:00:00Z"><w:r><w:delText '
                    f'xml:space="preserve">申请人{p.name}身份证号{p.id_number}</w:delText></w:r></w:del></w:p>')


@place("instr_text", "域代码")
def _instr_text(pkg, p):
    pkg.body.append('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                    f'MERGEFIELD "{esc(p.sentence())}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
                    '</w:r><w:r><w:t>«申请人»</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


@place("instr_hyperlink", "域代码", kinds=NUMBERS)
def _instr_hyperlink(pkg, p):
    url = f"https://example.com/q?sfz={p.id_number}&tel={p.mobile}&card={p.bank_card}"
    pkg.body.append('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
                    f'HYPERLINK "{esc(url)}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
                    '</w:r><w:r><w:t>查询</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


@place("fld_simple", "域代码")
def _fld_simple(pkg, p):
    pkg.body.append(f'<w:p><w:fldSimple w:instr=" MERGEFIELD &quot;{esc(p.sentence())}&quot; ">'
                    '<w:r><w:t>«申请人»</w:t></w:r></w:fldSimple></w:p>')


def _image(pkg, p, descr="", title="", name="图片 1"):
    rid = pkg.add("word/media/image1.png", _png(random.Random(7)), rel="image")
    pkg.body.append(f"<w:p>{drawing(picture(rid), descr, title, name)}</w:p>")


@place("docpr_descr", "图片替代文字")
def _docpr_descr(pkg, p):
    _image(pkg, p, descr=p.sentence())


@place("docpr_title", "图片替代文字")
def _docpr_title(pkg, p):
    _image(pkg, p, title=p.sentence())


@place("docpr_name", "图片名称")
def _docpr_name(pkg, p):
    _image(pkg, p, name=p.sentence())


@place("vml_alt", "图片替代文字")
def _vml_alt(pkg, p):
    rid = pkg.add("word/media/image1.png", _png(random.Random(7)), rel="image")
    pkg.body.append(f'<w:p><w:r><w:pict><v:shape style="width:50pt;height:50pt" alt="{esc(p.sentence())}">'
                    f'<v:imagedata r:id="{rid}" o:title="{esc(p.name)}"/></v:shape></w:pict></w:r></w:p>')


def _hyperlink(pkg, p, target, *, tooltip="", anchor=""):
    attrs = ""
    if target:
        attrs += f' r:id="{pkg.relate("word/document.xml", "hyperlink", target, external=True)}"'
    if tooltip:
        attrs += f' w:tooltip="{esc(tooltip)}"'
    if anchor:
        attrs += f' w:anchor="{esc(anchor)}"'
    pkg.body.append(f'<w:p><w:hyperlink{attrs}><w:r><w:t>办事指南</w:t></w:r></w:hyperlink></w:p>')


@place("hyperlink_rels_query", "超链接地址", kinds=NUMBERS + ("person_name",))
def _hyperlink_query(pkg, p):
    query = urllib.parse.urlencode({"申请人": p.name, "sfz": p.id_number, "tel": p.mobile, "card": p.bank_card})
    _hyperlink(pkg, p, f"https://example.com/apply?{query}")


@place("hyperlink_rels_plain", "超链接地址", kinds=NUMBERS)
def _hyperlink_plain(pkg, p):
    _hyperlink(pkg, p, f"https://example.com/apply?sfz={p.id_number}&tel={p.mobile}&card={p.bank_card}")


@place("hyperlink_rels_file", "超链接地址", kinds=("person_name", "id_card", "mobile"))
def _hyperlink_file(pkg, p):
    path = f"C:/Users/ouyang/Desktop/申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}.docx"
    _hyperlink(pkg, p, "file:///" + urllib.parse.quote(path))


@place("hyperlink_tooltip", "超链接提示")
def _hyperlink_tooltip(pkg, p):
    _hyperlink(pkg, p, "https://www.example.gov.cn/", tooltip=p.sentence())


@place("hyperlink_anchor", "超链接书签", kinds=("person_name", "id_card", "mobile"))
def _hyperlink_anchor(pkg, p):
    name = f"申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}"
    _hyperlink(pkg, p, "", anchor=name)
    pkg.body.append(f'<w:p><w:bookmarkStart w:id="1" w:name="{esc(name)}"/><w:r><w:t>附件</w:t></w:r>'
                    '<w:bookmarkEnd w:id="1"/></w:p>')


@place("bookmark_name", "书签名", kinds=("person_name", "id_card", "mobile"))
def _bookmark(pkg, p):
    name = f"申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}"
    pkg.body.append(f'<w:p><w:bookmarkStart w:id="2" w:name="{esc(name)}"/><w:r><w:t>附件</w:t></w:r>'
                    '<w:bookmarkEnd w:id="2"/></w:p>')


@place("image_link_external", "图片链接地址", kinds=("person_name", "id_card"))
def _image_link(pkg, p):
    target = "file:///" + urllib.parse.quote(f"D:/材料/申请人{p.name}身份证号{p.id_number}.png")
    rid = pkg.relate("word/document.xml", "image", target, external=True)
    inner = picture("").replace('r:embed=""', f'r:link="{rid}"')
    pkg.body.append(f"<w:p>{drawing(inner)}</w:p>")


@place("image_click_link", "超链接地址", kinds=NUMBERS)
def _image_click(pkg, p):
    rid = pkg.add("word/media/image1.png", _png(random.Random(7)), rel="image")
    link = pkg.relate("word/document.xml", "hyperlink",
                      f"https://example.com/apply?sfz={p.id_number}&tel={p.mobile}&card={p.bank_card}", external=True)
    inner = picture(rid)
    body = drawing(inner).replace('name="图片 1"/>', f'name="图片 1"><a:hlinkClick r:id="{link}"/></wp:docPr>')
    pkg.body.append(f"<w:p>{body}</w:p>")


def _object(pkg, p, name: str, data: bytes, prog: str) -> None:
    rid = pkg.add(f"word/embeddings/{name}", data, rel="package" if not name.endswith(".bin") else "oleObject")
    img = pkg.add("word/media/image9.png", _png(random.Random(9)), rel="image")
    pkg.body.append(f'<w:p><w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape id="_x0000_i1025" '
                    f'style="width:72pt;height:72pt" o:ole=""><v:imagedata r:id="{img}" o:title=""/></v:shape>'
                    f'<o:OLEObject Type="Embed" ProgID="{prog}" ShapeID="_x0000_i1025" DrawAspect="Icon" '
                    f'ObjectID="_1700000001" r:id="{rid}"/></w:object></w:r></w:p>')


@place("embedded_xlsx", "嵌入文件 word/embeddings/Microsoft_Excel_Worksheet.xlsx")
def _embedded_xlsx(pkg, p):
    _object(pkg, p, "Microsoft_Excel_Worksheet.xlsx", xlsx(["姓名", p.name, "身份证号", p.id_number, "家住",
                                                            p.address, "银行卡号", p.bank_card, "联系电话",
                                                            p.mobile]), "Excel.Sheet.12")


@place("embedded_xlsx_numbers", "嵌入文件 word/embeddings/Microsoft_Excel_Worksheet.xlsx", kinds=("mobile", "bank_card"))
def _embedded_xlsx_numbers(pkg, p):
    _object(pkg, p, "Microsoft_Excel_Worksheet.xlsx", xlsx(["联系电话", "银行卡号"], [p.mobile, p.bank_card]),
            "Excel.Sheet.12")


def _inner_docx(p: Planted, extra=None) -> bytes:
    inner = Package()
    inner.body.append(para(p.sentence()))
    if extra:
        extra(inner)
    return inner.to_bytes()


@place("embedded_docx", "嵌入文件 word/embeddings/Microsoft_Word_Document.docx")
def _embedded_docx(pkg, p):
    _object(pkg, p, "Microsoft_Word_Document.docx", _inner_docx(p), "Word.Document.12")


@place("embedded_docx_nested", "嵌入文件 word/embeddings/Microsoft_Word_Document.docx")
def _embedded_nested(pkg, p):
    def extra(inner):
        inner.body = [para(TITLE), para(BODY)]
        _object(inner, p, "Microsoft_Excel_Worksheet.xlsx", xlsx([p.sentence()]), "Excel.Sheet.12")
    _object(pkg, p, "Microsoft_Word_Document.docx", _inner_docx(p, extra), "Word.Document.12")


@place("embedded_txt", "嵌入文件 word/embeddings/名单.txt")
def _embedded_txt(pkg, p):
    _object(pkg, p, "名单.txt", p.sentence().encode("utf-8"), "Package")


@place("embedded_txt_gbk", "嵌入文件 word/embeddings/名单.txt")
def _embedded_txt_gbk(pkg, p):
    _object(pkg, p, "名单.txt", p.sentence().encode("gb18030"), "Package")


@place("embedded_ole", "嵌入对象 word/embeddings/oleObject1.bin", inspectable=False)
def _embedded_ole(pkg, p):
    _object(pkg, p, "oleObject1.bin", ole_blob(p.sentence()), "Excel.Sheet.8")


@place("alt_chunk_html", "外部内容块（altChunk）")
def _alt_chunk(pkg, p):
    page = f"<html><head><meta charset=\"utf-8\"></head><body><p>{html.escape(p.sentence())}</p></body></html>"
    rid = pkg.add("word/afchunk.htm", page, rel="aFChunk")
    pkg.body.append(f'<w:altChunk r:id="{rid}"/>')


@place("alt_chunk_html_entities", "外部内容块（altChunk）")
def _alt_chunk_entities(pkg, p):
    text = "".join(f"&#{ord(c)};" for c in p.sentence())
    page = f"<html><body><table><tr><td>{text}</td></tr></table></body></html>"
    rid = pkg.add("word/afchunk.htm", page, rel="aFChunk")
    pkg.body.append(f'<w:altChunk r:id="{rid}"/>')


@place("alt_chunk_txt", "外部内容块（altChunk）")
def _alt_chunk_txt(pkg, p):
    rid = pkg.add("word/afchunk.txt", p.sentence(), rel="aFChunk")
    pkg.body.append(f'<w:altChunk r:id="{rid}"/>')


@place("chart", "图表 word/charts/chart1.xml")
def _chart(pkg, p):
    cs = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    xml = (DECL + f'<c:chartSpace xmlns:c="{cs}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
           '<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>救助人员</a:t></a:r></a:p></c:rich></c:tx>'
           '</c:title><c:plotArea><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/>'
           '<c:order val="0"/><c:tx><c:v>金额</c:v></c:tx><c:cat><c:strRef><c:f>Sheet1!$A$2</c:f><c:strCache>'
           f'<c:ptCount val="1"/><c:pt idx="0"><c:v>{esc(p.sentence())}</c:v></c:pt></c:strCache></c:strRef></c:cat>'
           '<c:val><c:numRef><c:f>Sheet1!$B$2</c:f><c:numCache><c:ptCount val="1"/><c:pt idx="0"><c:v>1200</c:v>'
           '</c:pt></c:numCache></c:numRef></c:val></c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart>'
           '<c:catAx><c:axId val="1"/><c:scaling/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx>'
           '<c:axId val="2"/><c:scaling/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea></c:chart>'
           "</c:chartSpace>")
    rid = pkg.add("word/charts/chart1.xml", xml, "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
                  rel="chart")
    inner = ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
             f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic>')
    pkg.body.append(f"<w:p>{drawing(inner, name='图表 1')}</w:p>")


@place("omml", "公式")
def _omml(pkg, p):
    pkg.body.append(f'<w:p><m:oMathPara><m:oMath><m:r><m:t>{esc(p.sentence())}</m:t></m:r></m:oMath>'
                    "</m:oMathPara></w:p>")


@place("omml_split", "公式", kinds=NUMBERS)
def _omml_split(pkg, p):
    s = f"身份证号{p.id_number}，联系电话{p.mobile}，银行卡号{p.bank_card}"
    runs = "".join(f"<m:r><m:t>{esc(s[i:i + 6])}</m:t></m:r>" for i in range(0, len(s), 6))
    pkg.body.append(f"<w:p><m:oMath>{runs}</m:oMath></w:p>")


def _sdt(pr: str, content: str = "请填写") -> str:
    return f"<w:sdt><w:sdtPr>{pr}</w:sdtPr><w:sdtContent>{para(content)}</w:sdtContent></w:sdt>"


@place("sdt_alias", "内容控件")
def _sdt_alias(pkg, p):
    pkg.body.append(_sdt(f'<w:alias w:val="{esc(p.sentence())}"/><w:id w:val="11"/>'))


@place("sdt_tag", "内容控件")
def _sdt_tag(pkg, p):
    pkg.body.append(_sdt(f'<w:tag w:val="{esc(p.sentence())}"/><w:id w:val="12"/>'))


@place("sdt_content", "内容控件")
def _sdt_content(pkg, p):
    pkg.body.append(_sdt('<w:alias w:val="申请人信息"/><w:id w:val="13"/>', p.sentence()))


@place("sdt_dropdown", "内容控件")
def _sdt_dropdown(pkg, p):
    pkg.body.append(_sdt(f'<w:id w:val="14"/><w:dropDownList><w:listItem w:displayText="{esc(p.sentence())}" '
                         f'w:value="{esc(p.id_number)}"/></w:dropDownList>'))


@place("sdt_placeholder_glossary", "文档部件")
def _glossary(pkg, p):
    gloss = (DECL + f'<w:glossaryDocument {NS}><w:docParts><w:docPart><w:docPartPr><w:name w:val="申请人"/>'
             '<w:category><w:name w:val="常规"/><w:gallery w:val="placeholder"/></w:category>'
             '<w:guid w:val="{11111111-2222-3333-4444-555555555555}"/></w:docPartPr>'
             f"<w:docPartBody>{para(p.sentence())}</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>")
    pkg.add("word/glossary/document.xml", gloss, CT_W + "document.glossary+xml",
            rel="glossaryDocument")


@place("glossary_name", "文档部件", kinds=("person_name", "id_card", "mobile"))
def _glossary_name(pkg, p):
    gloss = (DECL + f'<w:glossaryDocument {NS}><w:docParts><w:docPart><w:docPartPr><w:name '
             f'w:val="申请人{esc(p.name)}身份证号{p.id_number}联系电话{p.mobile}"/>'
             '<w:category><w:name w:val="常规"/><w:gallery w:val="autoTxt"/></w:category>'
             '<w:guid w:val="{11111111-2222-3333-4444-555555555556}"/></w:docPartPr>'
             f"<w:docPartBody>{para('落款')}</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>")
    pkg.add("word/glossary/document.xml", gloss, CT_W + "document.glossary+xml", rel="glossaryDocument")


@place("docvars", "文档变量")
def _docvars(pkg, p):
    pkg.settings.append(f'<w:docVars><w:docVar w:name="applicant" w:val="{esc(p.sentence())}"/></w:docVars>')


@place("docvar_name", "文档变量", kinds=("person_name", "id_card"))
def _docvar_name(pkg, p):
    pkg.settings.append(f'<w:docVars><w:docVar w:name="申请人{esc(p.name)}身份证号{p.id_number}" w:val="1"/>'
                        "</w:docVars>")


def _custom_xml(pkg, p, item: str):
    pkg.add("customXml/item1.xml", DECL + item)
    pkg.add("customXml/itemProps1.xml", DECL + '<ds:datastoreItem ds:itemID="{6B1F0C2E-1111-4C4C-9A9A-000000000001}" '
            'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/>'
            "</ds:datastoreItem>", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")
    pkg.rels["customXml/item1.xml"] = [("rId1", RT + "customXmlProps", "itemProps1.xml", False)]
    pkg.relate("word/document.xml", "customXml", "../customXml/item1.xml")


@place("custom_xml", "自定义 XML 数据 customXml/item1.xml")
def _custom_xml_item(pkg, p):
    _custom_xml(pkg, p, f'<申请表 xmlns="urn:gongkai:test"><说明>{esc(p.sentence())}</说明></申请表>')


@place("custom_xml_attrs", "自定义 XML 数据 customXml/item1.xml")
def _custom_xml_attrs(pkg, p):
    _custom_xml(pkg, p, f'<form xmlns="urn:gongkai:test" note="{esc(p.sentence())}"/>')


@place("custom_xml_binding", "自定义 XML 数据 customXml/item1.xml")
def _custom_xml_binding(pkg, p):
    _custom_xml(pkg, p, '<form xmlns="urn:gongkai:test">'
                f"<applicant>申请人{esc(p.name)}</applicant><id>身份证号{p.id_number}</id><tel>联系电话{p.mobile}</tel>"
                f"<card>银行卡号{p.bank_card}</card><addr>家住{esc(p.address)}</addr></form>")
    pkg.body.append(_sdt('<w:alias w:val="申请人"/><w:id w:val="15"/><w:dataBinding w:prefixMappings="'
                         "xmlns:ns0='urn:gongkai:test'\" w:xpath=\"/ns0:form[1]/ns0:applicant[1]\" "
                         'w:storeItemID="{6B1F0C2E-1111-4C4C-9A9A-000000000001}"/>', "申请人"))


@place("vml_textpath", "艺术字")
def _vml_textpath(pkg, p):
    pkg.body.append('<w:p><w:r><w:pict><v:shape style="width:300pt;height:40pt" type="#_x0000_t136">'
                    f'<v:textpath style="font-family:&quot;宋体&quot;" string="{esc(p.sentence())}"/></v:shape>'
                    "</w:pict></w:r></w:p>")


@place("ruby", "拼音指南")
def _ruby(pkg, p):
    pkg.body.append('<w:p><w:r><w:t>申请人</w:t></w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/><w:hps w:val="10"/>'
                    '<w:hpsRaise w:val="18"/><w:hpsBaseText w:val="21"/><w:lid w:val="zh-CN"/></w:rubyPr>'
                    f"<w:rt>{run(p.sentence())}</w:rt><w:rubyBase>{run('此处')}</w:rubyBase></w:ruby></w:p>")


@place("smart_tag", "智能标记")
def _smart_tag(pkg, p):
    pkg.body.append('<w:p><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="PersonName">'
                    f'<w:smartTagPr><w:attr w:name="note" w:val="{esc(p.sentence())}"/></w:smartTagPr>'
                    "<w:r><w:t>经办人</w:t></w:r></w:smartTag></w:p>")


@place("numbering_text", "编号格式", kinds=("person_name", "id_card", "mobile"))
def _numbering(pkg, p):
    text = f"申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}%1"
    xml = (DECL + f'<w:numbering {NS}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
           f'<w:numFmt w:val="decimal"/><w:lvlText w:val="{esc(text)}"/><w:lvlJc w:val="left"/></w:lvl>'
           '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    pkg.add("word/numbering.xml", xml, CT_W + "numbering+xml", rel="numbering")
    pkg.body.append('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                    "<w:r><w:t>已审核</w:t></w:r></w:p>")


@place("style_name", "样式名", kinds=("person_name", "id_card"))
def _style_name(pkg, p):
    name = f"申请人{p.name}身份证号{p.id_number}"
    pkg.parts["word/stylesWithEffects.xml"] = (
        DECL + f'<w:styles {NS}><w:style w:type="paragraph" w:styleId="a1"><w:name w:val="{esc(name)}"/>'
        "</w:style></w:styles>").encode("utf-8")
    pkg.types["word/stylesWithEffects.xml"] = "application/vnd.ms-word.stylesWithEffects+xml"
    pkg.relate("word/document.xml", "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
               "stylesWithEffects.xml")


@place("comment_author", "批注作者", kinds=("person_name",))
def _comment_author(pkg, p):
    pkg.add("word/comments.xml", DECL + f'<w:comments {NS}><w:comment w:id="0" w:author="{esc(p.name)}" '
            f'w:initials="{esc(p.name[:1])}">{para("请核实。")}</w:comment></w:comments>', CT_W + "comments+xml",
            rel="comments")
    pkg.body.append('<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>请核实。</w:t></w:r><w:commentRangeEnd w:id="0"/>'
                    '<w:r><w:commentReference w:id="0"/></w:r></w:p>')


@place("revision_author", "修订作者", kinds=("person_name",))
def _revision_author(pkg, p):
    pkg.body.append(f'<w:p><w:ins w:id="110" w:author="{esc(p.name)}" w:date="2025-03-05T09:00:00Z">'
                    f"{run('补充一句。')}</w:ins></w:p>")


@place("people", "审阅人 word/people.xml", kinds=("person_name", "mobile"))
def _people(pkg, p):
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    pkg.add("word/people.xml", DECL + f'<w15:people xmlns:w15="{w15}"><w15:person w15:author="{esc(p.name)}">'
            f'<w15:presenceInfo w15:providerId="None" w15:userId="{esc(p.name)}{p.mobile}"/></w15:person>'
            "</w15:people>", CT_W + "people+xml", rel="http://schemas.microsoft.com/office/2011/relationships/people")


@place("footer_textbox_fallback", "页脚")
def _footer_textbox(pkg, p):
    xml = DECL + f"<w:ftr {NS}>{textbox('第1页', p.sentence())}</w:ftr>"
    rid = pkg.add("word/footer1.xml", xml, CT_W + "footer+xml", rel="footer")
    pkg.section.append(f'<w:footerReference w:type="default" r:id="{rid}"/>')


@place("app_titles_of_parts", "文档属性 TitlesOfParts")
def _titles_of_parts(pkg, p):
    pkg.app.append('<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>标题</vt:lpstr>'
                   '</vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs>'
                   f'<TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>{esc(p.sentence())}</vt:lpstr>'
                   "</vt:vector></TitlesOfParts>")


@place("app_hyperlink_base", "文档属性 HyperlinkBase", kinds=("person_name", "id_card", "mobile"))
def _hyperlink_base(pkg, p):
    pkg.app.append(f"<HyperlinkBase>file:///D:/材料/申请人{esc(p.name)}身份证号{p.id_number}联系电话{p.mobile}/"
                   "</HyperlinkBase>")


@place("app_hlinks", "文档属性 HLinks", kinds=NUMBERS)
def _hlinks(pkg, p):
    url = f"https://example.com/apply?sfz={p.id_number}&tel={p.mobile}&card={p.bank_card}"
    pkg.app.append('<HLinks><vt:vector size="6" baseType="variant"><vt:variant><vt:i4>1</vt:i4></vt:variant>'
                   '<vt:variant><vt:i4>0</vt:i4></vt:variant><vt:variant><vt:i4>0</vt:i4></vt:variant><vt:variant>'
                   f"<vt:i4>5</vt:i4></vt:variant><vt:variant><vt:lpwstr>{esc(url)}</vt:lpwstr></vt:variant>"
                   "<vt:variant><vt:lpwstr></vt:lpwstr></vt:variant></vt:vector></HLinks>")


@place("app_manager", "文档属性 Manager", kinds=("person_name",))
def _manager(pkg, p):
    pkg.app.append(f"<Manager>{esc(p.name)}</Manager>")


@place("app_company", "文档属性 Company")
def _company(pkg, p):
    pkg.app.append(f"<Template>{esc(p.sentence())}</Template>")


@place("core_description", "文档属性 description")
def _core_description(pkg, p):
    pkg.core.append(f"<dc:description>{esc(p.sentence())}</dc:description>")


@place("core_subject_keywords", "文档属性 keywords")
def _core_keywords(pkg, p):
    pkg.core.append(f"<cp:keywords>{esc(p.sentence())}</cp:keywords>")


@place("core_language", "文档属性 language")
def _core_language(pkg, p):
    pkg.core.append(f"<dc:language>{esc(p.sentence())}</dc:language>")


@place("core_version", "文档属性 version")
def _core_version(pkg, p):
    pkg.core.append(f"<cp:version>{esc(p.sentence())}</cp:version>")


@place("core_identifier", "文档属性 identifier")
def _core_identifier(pkg, p):
    pkg.core.append(f"<dc:identifier>{esc(p.sentence())}</dc:identifier>")


@place("core_last_modified_by", "文档属性 lastModifiedBy", kinds=("person_name",))
def _core_lmb(pkg, p):
    pkg.core.append(f"<cp:lastModifiedBy>{esc(p.name)}</cp:lastModifiedBy>")


@place("custom_prop_value", "自定义属性")
def _custom_value(pkg, p):
    pkg.custom.append(("备注", p.sentence()))


@place("custom_prop_name", "自定义属性名")
def _custom_name(pkg, p):
    pkg.custom.append((p.sentence(), "是"))


@place("custom_prop_multi", "自定义属性", kinds=("person_name", "id_card", "mobile"))
def _custom_multi(pkg, p):
    pkg.custom.append(("申请人", f"{p.name} {p.id_number} {p.mobile}"))


@place("settings_template", "附加模板路径", kinds=("person_name", "id_card"))
def _template(pkg, p):
    target = "file:///" + urllib.parse.quote(f"C:/Users/{p.name}/身份证号{p.id_number}/Normal.dotm")
    rid = pkg.relate("word/settings.xml", "attachedTemplate", target, external=True)
    pkg.settings.append(f'<w:attachedTemplate r:id="{rid}"/>')


def _jpeg_with_exif(text: str, rnd: random.Random) -> bytes:
    exif = b"Exif\x00\x00" + text.encode("utf-8")
    pixels = bytes(rnd.randrange(256) for _ in range(2048)).replace(b"\xff", b"\x00")
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + b"\xff\xda" + pixels + b"\xff\xd9"


def emf_with_text(text: str) -> bytes:
    """A minimal EMF picture (header, one EMR_EXTTEXTOUTW drawing ``text``, EOF), as an object's preview."""
    chars = text.encode("utf-16-le")
    header = struct.pack("<II", 1, 88) + b"\x00" * 32 + b" EMF" + b"\x00" * 44
    record = struct.pack("<II", 84, 76 + len(chars)) + b"\x00" * 36 + struct.pack("<II", len(text), 76)
    return header + record + b"\x00" * 24 + chars + struct.pack("<II", 14, 20) + b"\x00" * 12


@place("image_exif", "图片元数据 word/media/image1.jpeg", kinds=("person_name", "id_card", "mobile"), more=True)
def _image_exif(pkg, p):
    text = f"申请人{p.name}，身份证号{p.id_number}，联系电话{p.mobile}"
    rid = pkg.add("word/media/image1.jpeg", _jpeg_with_exif(text, random.Random(5)), rel="image")
    pkg.body.append(f"<w:p>{drawing(picture(rid))}</w:p>")


@place("object_preview_emf", "嵌入文件 word/embeddings/Microsoft_Excel_Worksheet.xlsx 的预览图", more=True)
def _object_preview(pkg, p):
    rid = pkg.add("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx(["申请表"]), rel="package")
    img = pkg.add("word/media/image2.emf", emf_with_text(p.sentence()), rel="image")
    pkg.defaults["emf"] = "image/x-emf"
    pkg.body.append(f'<w:p><w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape id="_x0000_i1026" '
                    f'style="width:72pt;height:72pt" o:ole=""><v:imagedata r:id="{img}" o:title=""/></v:shape>'
                    '<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1026" DrawAspect="Content" '
                    f'ObjectID="_1700000002" r:id="{rid}"/></w:object></w:r></w:p>')


@place("xml_comment", "正文（XML 注释）", more=True)
def _xml_comment(pkg, p):
    pkg.body.append(f"<!-- {esc(p.sentence())} -->" + para("已审核。"))


@place("namespace_uri", "正文（命名空间）", kinds=("person_name", "id_card", "mobile"), more=True)
def _namespace_uri(pkg, p):
    uri = "urn:" + urllib.parse.quote(f"申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}")
    pkg.body.append(f'<w:p><w:r><w:t>已审核。</w:t></w:r><w:customXml xmlns:x="{uri}" w:element="x"/></w:p>')


@place("form_field", "窗体域", more=True)
def _form_field(pkg, p):
    pkg.body.append('<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/>'
                    f'<w:helpText w:type="text" w:val="{esc(p.sentence())}"/><w:textInput><w:default '
                    f'w:val="{esc(p.sentence())}"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText '
                    'xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
                    '</w:r><w:r><w:t>请填写</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


@place("mail_merge", "邮件合并数据源", kinds=("person_name", "id_card", "mobile"))
def _mail_merge(pkg, p):
    source = f"C:\\Users\\ouyang\\申请人{p.name}身份证号{p.id_number}联系电话{p.mobile}.xlsx"
    rid = pkg.relate("word/settings.xml", "mailMergeSource", "file:///" + urllib.parse.quote(source.replace("\\", "/")),
                     external=True)
    pkg.settings.append(f'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/>'
                        f'<w:dataType w:val="native"/><w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;'
                        f'Data Source={esc(source)};"/><w:query w:val="SELECT * FROM `{esc(source)}`"/>'
                        f'<w:dataSource r:id="{rid}"/></w:mailMerge>')


@place("smartart", "SmartArt 图示 word/diagrams/data1.xml")
def _smartart(pkg, p):
    dgm = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
    data = (DECL + f'<dgm:dataModel xmlns:dgm="{dgm}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<dgm:ptLst><dgm:pt modelId="{00000000-0000-0000-0000-000000000001}" type="doc"><dgm:prSet/><dgm:spPr/>'
            '<dgm:t><a:bodyPr/><a:p><a:endParaRPr/></a:p></dgm:t></dgm:pt><dgm:pt modelId="{00000000-0000-0000-0000-'
            f'000000000002}}"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/><a:p><a:r><a:t>{esc(p.sentence())}</a:t></a:r>'
            "</a:p></dgm:t></dgm:pt></dgm:ptLst><dgm:cxnLst/></dgm:dataModel>")
    rid = pkg.add("word/diagrams/data1.xml", data,
                  "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml", rel="diagramData")
    inner = ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
             f'<dgm:relIds xmlns:dgm="{dgm}" r:dm="{rid}" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic>')
    pkg.body.append(f"<w:p>{drawing(inner, name='图示 1')}</w:p>")


@place("thumbnail", "缩略图 docProps/thumbnail.png", inspectable=False, kinds=())
def _thumbnail(pkg, p):
    pkg.add("docProps/thumbnail.png", p.image)
    pkg.relate("", PKG_RT + "/metadata/thumbnail", "docProps/thumbnail.png")


ALL_PLACES = PLACES + MORE_PLACES
PLACE_BY_KEY = {pl.key: pl for pl in ALL_PLACES}


def build_many(places: list[Place], p: Planted) -> bytes:
    """One package with ``p`` planted at each of ``places`` (a member two places write is the last one's)."""
    pkg = Package()
    for pl in places:
        pl.plant(pkg, p)
    return pkg.to_bytes()
assert len(PLACE_BY_KEY) == len(ALL_PLACES), "duplicate place keys"


# -- the independent oracle -------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_TEXT_NODE = re.compile(r">([^<]+)<")
_BLOCK = re.compile(r"<((?:\w+:)?(?:p|si|is|oMath|tc|td|li|txbxContent|rt))[\s>/].*?</\1>", re.DOTALL)
_XMLISH = (".xml", ".rels", ".htm", ".html", ".vml", ".mht", ".xhtml")
_NUMERIC = ("id_card", "mobile", "bank_card")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9X]", "", _norm(text).upper())


def _search(unit: str, p: Planted, how: str, found: set[str], digits_only: bool = True) -> None:
    plain = _norm(unit)
    compact = re.sub(r"\s+", "", plain)
    digits = _digits(unit) if digits_only else ""
    for kind, value in p.values().items():
        if value in plain or value in compact or (kind in _NUMERIC and value.upper() in digits):
            found.add(f"{kind} ({how})")


def _markup_units(text: str) -> list[tuple[str, str, bool]]:
    """(unit, how, digits-only too): the whole tag-stripped text (values as written only: digits
    are not joined across a whole part), each text node, attribute value and paragraph-like block."""
    units = [(html.unescape(_TAG.sub("", text)), "tag-stripped text", False)]
    units += [(html.unescape(t), "text node", True) for t in _TEXT_NODE.findall(text)]
    for a, b in _ATTR.findall(text):
        value = html.unescape(a or b)
        units.append((value, "attribute", True))
        units.append((urllib.parse.unquote(value), "URL-decoded attribute", True))
        units.append((urllib.parse.unquote_plus(value), "URL-decoded attribute", True))
    units += [(html.unescape(_TAG.sub("", m.group(0))), f"<{m.group(1)}> block", True)
              for m in _BLOCK.finditer(text)]
    return units


def leaks(data: bytes, p: Planted) -> list[str]:
    """Every "member: how" where a value of ``p`` (or its planted image) stands in the package ``data``."""
    out: list[str] = []
    _leaks(data, p, "", out, 0)
    return out


def _leaks(data: bytes, p: Planted, prefix: str, out: list[str], depth: int) -> None:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    for info in z.infolist():
        if info.is_dir():
            continue
        raw = z.read(info)
        member = prefix + info.filename
        if p.image and p.image in raw:
            out.append(f"{member}: planted image bytes")
        if raw[:4] == b"PK\x03\x04" and depth < 8:
            _leaks(raw, p, member + "!/", out, depth + 1)
            continue
        found: set[str] = set()
        for kind, value in p.values().items():
            for encoding in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
                if value.encode(encoding) in raw:
                    found.add(f"{kind} (raw {encoding})")
        texts = []
        for encoding in ("utf-8", "gb18030", "utf-16"):
            try:
                texts.append(raw.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            texts.append(raw.decode("utf-16", errors="ignore"))
        for text in texts:
            if member.lower().endswith(_XMLISH) or text.lstrip("\ufeff \r\n\t").startswith("<"):
                for unit, how, digits in _markup_units(text):
                    _search(unit, p, how, found, digits)
            else:
                _search(text, p, "text", found, False)
                for line in text.splitlines():
                    _search(line, p, "text line", found)
        out.extend(f"{member}: {how}" for how in sorted(found))


#: The places issue #17 names one by one (each must stay in PLACES).
ISSUE_PLACES = (
    "del_text", "instr_text", "fld_simple", "docpr_descr", "docpr_title", "hyperlink_rels_query",
    "hyperlink_rels_file", "hyperlink_tooltip", "hyperlink_anchor", "embedded_xlsx", "embedded_docx", "embedded_txt",
    "embedded_ole", "alt_chunk_html", "chart", "omml", "sdt_alias", "sdt_tag", "docvars", "custom_xml",
    "custom_xml_binding", "sdt_placeholder_glossary", "vml_textpath", "ruby", "textbox_fallback",
    "app_titles_of_parts", "app_hyperlink_base", "core_language", "core_version", "custom_prop_name",
    "custom_prop_multi", "thumbnail",
)
