"""A generic scan of a whole .docx package for personal data, independent of the reader's model.

``gongkai redact`` promises that its copy holds no personal data. The reader builds the document
the rules see from the places it knows; a place it does not know (a field code, an alt text, a
document variable, a file embedded in the package…) would pass unseen. This scan does not ask
the reader: it walks the package itself —

* every XML part: each paragraph-like element (``w:p``, ``a:p``, ``si``…) as one text (so a
  value split across runs is whole), every other text node, every attribute value;
* every relationship target, URL-decoded (a link ``?sfz=5202…``, a ``file:///C:/Users/张三/…``);
* the document properties as the screening reads them (名称：值, so 申请人 is the context word),
  and every author attribute (w:author, w15:author, people.xml);
* HTML and text members (altChunk parts, embedded .txt in UTF-8, UTF-16 or GB18030);
* every embedded Office package (.docx, .xlsx, .pptx…) recursively;
* text runs inside any other binary member (image metadata, an EMF preview);

— normalises digits within each text (full-width digits, digits spaced apart) and runs the
project's personal-data recognisers (D101–D111) on each text on its own, never on a whole part
(where digits from unrelated places would line up into an ID by chance). Members it cannot read
as text (a binary OLE object, a thumbnail, a macro project) are listed as uninspectable.

The same units serve :mod:`gongkai.formats.redact`'s generic pass: a span found in a unit's
normalised text maps back to the characters of the elements and attributes that hold it.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import regex
from lxml import etree
from lxml import html as lxml_html

from ..config import Config, Limits
from ..models import Author, Block, Document, Finding
from ..masking import mask
from .errors import UnreadableDocument, open_zip, read_member
from .xml import parse

#: Elements whose whole text is read as one (a paragraph, a shared string, a formula).
CONTAINERS = frozenset({"p", "si", "is", "oMath", "rt", "li", "td", "th", "h1", "h2", "h3", "title", "div"})
#: Attributes that hold who wrote or edited (judged by the author rule D111, not as text).
AUTHOR_ATTRS = frozenset({"author", "userId"})
#: Binary members that are expected and hold no text of their own (their text runs are still scanned).
MEDIA = regex.compile(r"(^|/)(media|fonts)/[^/]+$", regex.IGNORECASE)
IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp", ".jfif",
             ".ico", ".odttf", ".ttf", ".otf")
THUMBNAIL = regex.compile(r"(^|/)docProps/thumbnail\.[^/]+$", regex.IGNORECASE)
TEXT_EXT = (".txt", ".csv", ".tsv", ".md", ".json", ".ini", ".log")
HTML_EXT = (".htm", ".html", ".xhtml", ".mht", ".mhtml")
OFFICE_ZIP = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_DEPTH = 4
LOCAL_PATH = regex.compile(r"(?i)(file:|[a-z]:[\\/]|\\\\)")
_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF38: ord("X"), 0xFF58: ord("x")}
_SPACE = frozenset(" \t\u00a0\u3000\u2002\u2003\u2009\u200b\u202f-")
_URL_READABLE = str.maketrans({"=": "：", "&": "，", "?": "？", "+": " "})


# -- where a text stands ---------------------------------------------------------------------------

_MEMBER_PLACES = (
    (regex.compile(r"^word/document\.xml$"), "正文"), (regex.compile(r"^word/header\d*\.xml$"), "页眉"),
    (regex.compile(r"^word/footer\d*\.xml$"), "页脚"), (regex.compile(r"^word/footnotes\.xml$"), "脚注"),
    (regex.compile(r"^word/endnotes\.xml$"), "尾注"), (regex.compile(r"^word/comments\w*\.xml$"), "批注"),
    (regex.compile(r"^word/glossary/"), "文档部件"), (regex.compile(r"^word/settings\.xml$"), "文档设置"),
    (regex.compile(r"^word/numbering\.xml$"), "编号格式"), (regex.compile(r"^word/styles\w*\.xml$"), "样式"),
    (regex.compile(r"^word/people\.xml$"), "审阅人"), (regex.compile(r"(^|/)charts/"), "图表"),
    (regex.compile(r"^customXml/"), "自定义 XML 数据"), (regex.compile(r"^docProps/custom\.xml$"), "自定义属性"),
    (regex.compile(r"^docProps/"), "文档属性"), (regex.compile(r"\.rels$"), "关系目标"),
    (regex.compile(r"(^|/)embeddings/"), "嵌入文件"), (regex.compile(r"(?i)\.(x?html?|mht|txt)$"), "外部内容块"),
)
#: Element (local name) -> the place it makes, innermost first.
_ELEMENT_PLACES = {
    "delText": "修订删除", "del": "修订删除", "moveFrom": "修订移动", "ins": "修订插入", "moveTo": "修订插入",
    "instrText": "域代码", "fldSimple": "域代码", "docPr": "图片替代文字", "cNvPr": "图片替代文字",
    "hyperlink": "超链接", "sdtPr": "内容控件", "sdt": "内容控件", "docVar": "文档变量", "textpath": "艺术字",
    "rt": "拼音指南", "Fallback": "文本框（兼容内容）", "txbxContent": "文本框", "oMath": "公式",
    "smartTagPr": "智能标记", "bookmarkStart": "书签名", "lvlText": "编号格式", "property": "自定义属性",
    "tbl": "表格", "shape": "图形", "imagedata": "图片替代文字", "TitlesOfParts": "文档属性 TitlesOfParts",
    "HyperlinkBase": "文档属性 HyperlinkBase", "HLinks": "文档属性 HLinks",
}
_ATTR_PLACES = {"descr": "图片替代文字", "title": "图片替代文字", "alt": "图片替代文字", "tooltip": "超链接提示",
                "anchor": "超链接书签", "instr": "域代码", "name": "名称", "string": "艺术字"}


def member_place(member: str) -> str:
    """The Chinese name of the place a package member is (正文, 页眉, 嵌入文件 word/embeddings/x.xlsx…)."""
    if "!/" in member:
        return f"嵌入文件 {member.partition('!/')[0]}"
    for pattern, name in _MEMBER_PLACES:
        if pattern.search(member):
            return name
    return "其他部件"


def _element_place(el, attr: str | None = None) -> str | None:
    if attr is not None:
        local = attr.rpartition("}")[2]
        if local in _ATTR_PLACES and local != "name":
            return _ATTR_PLACES[local]
    node = el
    while node is not None:
        if isinstance(node.tag, str):
            local = etree.QName(node).localname
            if local in _ELEMENT_PLACES:
                return _ELEMENT_PLACES[local]
        node = node.getparent()
    return None


# -- units: the texts the recognisers read ------------------------------------------------------------

@dataclass
class Segment:
    """A piece of a unit's text: ``el.text``, ``el.tail``, an attribute, or a line of a text member."""

    el: object  # an lxml element, or a list holding the lines of a text member
    slot: str  # "text" | "tail" | "attr" | "line"
    key: object  # the attribute name, or the line's index
    start: int
    end: int


@dataclass
class Unit:
    """One text read on its own (a paragraph, a text node, an attribute value, a line)."""

    member: str
    place: str
    text: str
    segments: list[Segment]
    url: bool = False  # a URL-decoded attribute: written back percent-encoded
    cell: tuple | None = None  # (table key, row, column) of a table or sheet cell: headers give context
    raw: str = ""  # "comment" | "pi" | "xmlns": read from the bytes, not the tree (no segments)


@dataclass
class Leak:
    """Personal data found in the package: where (place + member), which kind, the masked value."""

    place: str
    kind: str
    value: str
    rule: str = ""
    message: str = ""  # the rule's Chinese name of what was found (公民身份号码（校验位正确）…)

    def line(self) -> str:
        return f"{self.place}：{self.message or self.kind} {self.value}"


@dataclass
class PackageScan:
    leaks: list[Leak] = field(default_factory=list)
    uninspectable: list[str] = field(default_factory=list)  # "member（reason）"

    @property
    def clean(self) -> bool:
        return not self.leaks and not self.uninspectable

    def lines(self) -> list[str]:
        """One Chinese line per place left: personal data, then what could not be inspected."""
        return [leak.line() for leak in self.leaks] + [f"嵌入对象无法检查：{u}" for u in self.uninspectable]


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with full-width digits made ASCII and spaces between digits dropped, and for each
    character of the result the index of the character it came from."""
    chars = text.translate(_FULLWIDTH)
    out: list[str] = []
    index: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i]
        if c in _SPACE and out and out[-1].isdigit():
            j = i
            while j < n and chars[j] in _SPACE:
                j += 1
            if j < n and chars[j].isdigit() and j - i <= 2:
                i = j
                continue
        out.append(c)
        index.append(i)
        i += 1
    return "".join(out), index


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _cell(el, positions: dict) -> tuple | None:
    """(table, row, column) of a paragraph in a Word table cell (the cell's own table), else None.

    ``positions`` caches each row's and cell's ordinal (one pass per table, not one per cell)."""
    node = el.getparent()
    while node is not None and _local(node.tag) != "tc":
        if _local(node.tag) in ("txbxContent", "tbl"):
            return None
        node = node.getparent()
    if node is None:
        return None
    tr = node.getparent()
    tbl = tr.getparent() if tr is not None else None
    if tr is None or tbl is None:
        return None
    if tbl not in positions:
        positions[tbl] = True
        rows = [r for r in tbl if _local(r.tag) == "tr"]
        for i, r in enumerate(rows):
            positions[r] = i
            for j, c in enumerate(c for c in r if _local(c.tag) == "tc"):
                positions[c] = j
    return (tbl, positions.get(tr, 0), positions.get(node, 0))


def _worth_reading(name: str, value: str) -> bool:
    """An attribute value that could hold personal data: non-ASCII text, a long number, an author, a target."""
    if not value:
        return False
    if _local(name) in AUTHOR_ATTRS or name == "Target" or not value.isascii():
        return True
    return sum(c.isdigit() for c in value) >= 7 or "@" in value


def xml_units(root, member: str, place: str) -> list[Unit]:
    """The units of an XML part: containers whole, other text nodes and every attribute on their own."""
    units: list[Unit] = []
    covered: set[int] = set()  # text and tail slots read as part of a container
    positions: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if _local(el.tag) in CONTAINERS:
            text, segs = _container_text(el)
            if text.strip():
                units.append(Unit(member, _element_place(el) or place, text, segs, cell=_cell(el, positions)))
                for s in segs:
                    covered.add(_slot_key(s.el, s.slot))
        units += _attribute_units(el, member, place)
    units += _loose_text_units(root, member, place, covered)
    for unit in units:
        if unit.place != place and not unit.place.startswith(place):
            unit.place = f"{unit.place}（{place}）" if place not in ("正文",) else unit.place
    return units


def _slot_key(el, slot: str) -> int:
    return id(el) * 2 + (slot == "tail")


def _container_text(top) -> tuple[str, list[Segment]]:
    """A container's whole text (its own, its descendants' and their tails) and where each piece stands."""
    parts: list[str] = []
    segs: list[Segment] = []
    pos = 0

    def add(el, slot, value):
        nonlocal pos
        if value:
            segs.append(Segment(el, slot, None, pos, pos + len(value)))
            parts.append(value)
            pos += len(value)

    def walk(el, top_level):
        add(el, "text", el.text if isinstance(el.tag, str) else None)
        for child in el:
            walk(child, False)
        if not top_level:
            add(el, "tail", el.tail)

    walk(top, True)
    return "".join(parts), segs


def _attribute_units(el, member: str, place: str) -> list[Unit]:
    """The attribute values of ``el`` that could hold data, each a unit (and URL-decoded once more)."""
    out = []
    for name, value in el.attrib.items():
        if not _worth_reading(name, value):
            continue
        where = _element_place(el, name) or place
        out.append(Unit(member, where, value, [Segment(el, "attr", name, 0, len(value))]))
        decoded = unquote(value) if "%" in value else value
        if decoded != value:
            out.append(Unit(member, where, decoded, [Segment(el, "attr", name, 0, len(decoded))], url=True))
    return out


def _loose_text_units(root, member: str, place: str, covered: set[int]) -> list[Unit]:
    """Every text node and tail no container read, each a unit."""
    out = []
    for el in root.iter():
        for slot in ("text", "tail"):
            value = (el.text if slot == "text" else el.tail) if isinstance(el.tag, str) else None
            if value and value.strip() and _slot_key(el, slot) not in covered:
                owner = el if slot == "text" else el.getparent()
                out.append(Unit(member, (_element_place(owner) if owner is not None else None) or place, value,
                                [Segment(el, slot, None, 0, len(value))]))
    return out


_COMMENT = regex.compile(rb"<!--(.*?)-->", regex.DOTALL)
_PI = regex.compile(rb"<\?(?!xml[\s?])(.*?)\?>", regex.DOTALL)
_XMLNS = regex.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def markup_units(raw: bytes, member: str, place: str) -> list[Unit]:
    """What the parsed tree does not keep or hold as text: comments and processing instructions
    (dropped when the part is written again) and namespace URIs (rewritten in the bytes)."""
    out: list[Unit] = []
    if b"<!--" in raw or b"<?" in raw[60:]:
        for pattern, why in ((_COMMENT, "comment"), (_PI, "pi")):
            for m in pattern.finditer(raw):
                text = m.group(1).decode("utf-8", errors="replace")
                if text.strip():
                    out.append(Unit(member, f"{place}（XML 注释）", text, [], raw=why))
    for m in _XMLNS.finditer(raw):
        value = unquote((m.group(1) or m.group(2) or b"").decode("utf-8", errors="replace"))
        if not value.isascii() or sum(c.isdigit() for c in value) >= 7:
            out.append(Unit(member, f"{place}（命名空间）", value, [], raw="xmlns"))
    return out


def decode_text(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a text member: a BOM, else UTF-8, else GB18030; None for binary data."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if b"\x00" in raw[:4096]:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def text_units(lines: list[str], member: str, place: str) -> list[Unit]:
    return [Unit(member, place, line, [Segment(lines, "line", i, 0, len(line))])
            for i, line in enumerate(lines) if line.strip()]


def binary_strings(raw: bytes, name: str = "") -> list[str]:
    """Texts inside a binary member: an EMF's text records, a PNG's text chunks, printable ASCII
    and UTF-8 runs, ASCII-range UTF-16LE runs (EXIF, document summaries). Random image data
    makes no such runs of any length, so photographs cost little and yield nothing."""
    out: list[str] = []
    if raw[40:44] == b" EMF":
        out += _emf_texts(raw)
    if raw.startswith(b"\x89PNG"):
        out += _png_texts(raw)
        raw = _png_metadata(raw)
    elif raw.startswith(b"\xff\xd8"):
        raw = _jpeg_metadata(raw)
    else:
        raw = raw[:BINARY_TEXT_SCAN]
    for m in _ASCII_RUN.finditer(raw):
        out.append(m.group(0).decode("ascii"))
    for m in _CJK_UTF8.finditer(raw):  # Chinese text in UTF-8 (XMP, comments), with the ASCII around it
        out.append(raw[max(0, m.start() - 48): m.end() + 48].decode("utf-8", errors="ignore"))
    for m in _UTF16_ASCII_RUN.finditer(raw):
        out.append(m.group(0).decode("utf-16-le"))
    kept, total = [], 0
    for text in out:
        if sum(c.isdigit() for c in text) >= 7 or sum(not c.isascii() for c in text) >= 2 or _EMAIL.search(text):
            kept.append(text[:4096])
            total += len(kept[-1])
            if total > 200_000:
                break
    return kept


_ASCII_RUN = regex.compile(rb"[\x20-\x7e]{8,}")
#: Two or more CJK characters in UTF-8 (lead bytes E4–E9).
_CJK_UTF8 = regex.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){2,}")
_EMAIL = regex.compile(r"[\w.+-]{2,}@[\w-]{2,}\.[A-Za-z]{2,}")
_UTF16_ASCII_RUN = regex.compile(rb"(?:[\x20-\x7e]\x00){6,}")


#: How much of a binary member other than a PNG or JPEG (whose metadata segments are read) is searched for text.
BINARY_TEXT_SCAN = 2 * 1024 * 1024


def _jpeg_metadata(raw: bytes) -> bytes:
    """The APPn and COM segments of a JPEG (EXIF, XMP, comments): the pixels hold no strings."""
    out, pos = [], 2
    while pos + 4 <= len(raw) and raw[pos] == 0xFF:
        marker = raw[pos + 1]
        if marker == 0xDA or marker == 0xD9:  # start of scan / end of image
            break
        length = int.from_bytes(raw[pos + 2: pos + 4], "big")
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            out.append(raw[pos + 4: pos + 2 + length])
        pos += 2 + length
    return b"\x00".join(out)


def _png_metadata(raw: bytes) -> bytes:
    """Every PNG chunk but the image data (IDAT)."""
    out, pos = [], 8
    while pos + 8 <= len(raw):
        length, kind = struct.unpack_from(">I4s", raw, pos)
        if kind != b"IDAT":
            out.append(raw[pos + 8: pos + 8 + length])
        if kind == b"IEND":
            break
        pos += 12 + length
    return b"\x00".join(out)


def _emf_texts(raw: bytes) -> list[str]:
    """The strings of an EMF's EMR_EXTTEXTOUTW records (what an embedded object's preview shows)."""
    out = []
    pos, n = 0, len(raw)
    while pos + 8 <= n:
        kind, size = struct.unpack_from("<II", raw, pos)
        if size < 8 or pos + size > n:
            break
        if kind == 84 and size >= 76:  # EMR_EXTTEXTOUTW: EMRTEXT at offset 36
            chars, offset = struct.unpack_from("<II", raw, pos + 44)
            if 0 < chars < 65536 and pos + offset + 2 * chars <= pos + size:
                out.append(raw[pos + offset: pos + offset + 2 * chars].decode("utf-16-le", errors="ignore"))
        pos += size
    return out


def _png_texts(raw: bytes) -> list[str]:
    """The tEXt, zTXt and iTXt chunks of a PNG (comments, authors, software)."""
    out = []
    pos = 8
    while pos + 8 <= len(raw):
        length, kind = struct.unpack_from(">I4s", raw, pos)
        data = raw[pos + 8: pos + 8 + length]
        if kind in (b"tEXt", b"iTXt"):
            out.append(data.replace(b"\x00", b" ").decode("utf-8", errors="ignore"))
        elif kind == b"zTXt":
            _key, _, rest = data.partition(b"\x00")
            try:
                out.append(zlib.decompressobj().decompress(rest[1:], 1 << 20).decode("latin-1"))
            except zlib.error:
                pass
        if kind == b"IEND":
            break
        pos += 12 + length
    return out


# -- recognising ----------------------------------------------------------------------------------

@dataclass
class Hit:
    unit: int
    start: int  # in the unit's original text
    end: int
    kind: str
    rule: str
    message: str = ""


def recognise(units: list[Unit], config: Config | None = None, properties: dict | None = None,
              runner=None) -> list[Hit]:
    """Run the personal-data rules (D1xx) on each unit on its own; spans in the units' own text.

    ``properties`` maps ``core``/``app``/``custom`` to {name: (value, unit index)}, and
    ``authors`` / ``paths`` to [(value, [unit indexes])]: they are read as the screening reads
    properties and authors (the property's name as context; D111 on authors and local paths).
    """
    from ..api import check_document
    from ..engine import Runner, default_registry

    config = config or Config()
    if runner is None:
        runner = Runner(default_registry(), config.merged(select=("D1",), ignore=()))
    doc = Document(path="<package>", source_format="docx")
    maps: list[list[int]] = []
    tables: dict[object, int] = {}
    for i, unit in enumerate(units):
        norm, index = normalise(unit.text)
        if unit.url:  # a query string read as text: 申请人=张三&sfz=… -> 申请人：张三，sfz：…
            norm = norm.translate(_URL_READABLE)
        maps.append(index)
        if unit.cell is not None:
            table = tables.setdefault(unit.cell[0], len(tables))
            doc.add_block(Block(text=norm, part="table", paragraph=i, table=table, row=unit.cell[1], col=unit.cell[2]))
        else:
            doc.add_block(Block(text=norm, part="body", paragraph=i))
    props = properties or {}
    key_units: dict[str, list[int]] = {}
    for space, attr in (("core", "core_properties"), ("app", "app_properties"), ("custom", "custom_properties")):
        for name, (value, idx) in props.get(space, {}).items():
            getattr(doc, attr)[name] = value
            key_units[f"{space}:{name}"] = [idx]
    for role, value, idxs in props.get("authors", []):
        key_units[f"{role}:{len(doc.authors)}"] = idxs
        doc.authors.append(Author(role, value))
    for value, idxs in props.get("paths", []):
        key_units[f"path:{len(doc.file_paths)}"] = idxs
        doc.file_paths.append(value)
    if not doc.blocks and not key_units:
        return []
    report = check_document(doc, runner.config, runner=runner)
    hits: list[Hit] = []
    for f in report.findings:
        if not f.sensitive:
            continue
        loc = f.location
        if loc.property is not None:
            for idx in key_units.get(loc.property, []):
                hits.extend(_property_hit(f, idx, units[idx]))
            continue
        if not 0 <= loc.block < len(units) or loc.end <= loc.start:
            continue
        index = maps[loc.block]
        start, end = index[loc.start], index[loc.end - 1] + 1
        hits.append(Hit(loc.block, start, end, f.kind, f.rule, f.message))
    return hits + _elsewhere(units, doc, maps, hits)


def _elsewhere(units: list[Unit], doc: Document, maps: list[list[int]], hits: list[Hit]) -> list[Hit]:
    """Each value found once (with its context) wherever else it stands in the package, even alone
    (an image title that is only the name 张三, a cell with only the number)."""
    values: dict[str, Hit] = {}
    for hit in hits:
        value = normalise(units[hit.unit].text[hit.start:hit.end])[0]
        if len(value) >= 2 and not any(c in "*＊●×" for c in value):
            values.setdefault(value, hit)
    if not values:
        return []
    covered = {(h.unit, h.start) for h in hits}
    pattern = regex.compile("|".join(regex.escape(v) for v in sorted(values, key=len, reverse=True)))
    out = []
    for i, block in enumerate(doc.blocks):
        for m in pattern.finditer(block.text):
            start, end = maps[i][m.start()], maps[i][m.end() - 1] + 1
            if (i, start) not in covered:
                found = values[m.group(0)]
                out.append(Hit(i, start, end, found.kind, found.rule, found.message))
    return out


def _property_hit(f: Finding, idx: int, unit: Unit) -> list[Hit]:
    loc = f.location
    value = f.text or ""
    if loc.end > loc.start and unit.text[loc.start:loc.end] == value:
        return [Hit(idx, loc.start, loc.end, f.kind, f.rule, f.message)]
    at = unit.text.find(value) if value else -1
    if at >= 0:
        return [Hit(idx, at, at + len(value), f.kind, f.rule, f.message)]
    return [Hit(idx, 0, len(unit.text), f.kind, f.rule, f.message)] if unit.text.strip() else []


# -- the package walk ----------------------------------------------------------------------------------

@dataclass
class Member:
    """A member of a package (or of a package inside it) and what the walk made of it."""

    name: str  # full path, "word/embeddings/x.xlsx!/xl/sharedStrings.xml" inside an embedded package
    raw: bytes
    kind: str  # "xml" | "html" | "text" | "zip" | "media" | "binary" | "unsafe" | "too-large"
    root: object = None  # the parsed XML or HTML tree
    lines: list[str] | None = None
    encoding: str = ""
    units: list[Unit] = field(default_factory=list)


def classify(name: str, raw: bytes, limits: Limits, depth: int) -> Member:
    """Parse one member for the scan (and for the redaction, which edits the same trees)."""
    lower = name.lower()
    inner = name.rpartition("!/")[2]
    place = member_place(name)
    if len(raw) > limits.part_bytes:
        return Member(name, raw, "too-large")
    if raw.startswith(OFFICE_ZIP):
        return Member(name, raw, "zip" if depth < MAX_DEPTH else "too-deep")
    head = raw[:512].lstrip(b"\xef\xbb\xbf \r\n\t")
    if lower.endswith(HTML_EXT) or head[:9].lower() in (b"<!doctype", b"<html>") or head[:5].lower() == b"<html":
        try:
            text = decode_text(raw)
            if text is None:
                return Member(name, raw, "binary")
            root = lxml_html.document_fromstring(text[0], parser=_HTML_PARSER)
        except (etree.ParserError, ValueError):
            return Member(name, raw, "unsafe")
        m = Member(name, raw, "html", root=root, encoding=text[1])
        m.units = xml_units(root, name, place)
        return m
    if head.startswith(b"<") or lower.endswith((".xml", ".rels", ".vml")):
        try:
            root = parse(raw)
        except UnreadableDocument:  # xml.parse: a DTD (UnsafeXML), damage or a parser limit (BadXML)
            return Member(name, raw, "unsafe")
        m = Member(name, raw, "xml", root=root)
        m.units = xml_units(root, name, place) + markup_units(raw, name, place)
        if lower.endswith(".rels"):
            for unit in m.units:
                if unit.segments and unit.segments[0].slot == "attr" and unit.segments[0].key == "Target":
                    unit.place = _target_place(unit.segments[0].el, name)
        return m
    if THUMBNAIL.search(inner):
        return Member(name, raw, "binary")
    if MEDIA.search(inner) or lower.endswith(IMAGE_EXT):
        m = Member(name, raw, "media")
        m.units = [Unit(name, place, s, []) for s in binary_strings(raw, name)]
        return m
    if not raw.startswith(OLE_MAGIC) and (lower.endswith(TEXT_EXT) or not lower.endswith(".bin")):
        decoded = decode_text(raw)
        if decoded is not None and _texty(decoded[0]):
            lines = decoded[0].split("\n")
            m = Member(name, raw, "text", lines=lines, encoding=decoded[1])
            m.units = text_units(lines, name, place)
            return m
    return Member(name, raw, "binary")


_HTML_PARSER = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def _texty(text: str) -> bool:
    """Mostly printable characters: a text file, not a binary that happened to decode."""
    if not text:
        return True
    bad = sum(1 for c in text[:4096] if (ord(c) < 32 and c not in "\r\n\t") or c == "\ufffd")
    return bad <= len(text[:4096]) // 100


def _target_place(rel, member: str) -> str:
    rel_type = (rel.get("Type") or "").rpartition("/")[2]
    where = {"hyperlink": "超链接地址", "image": "图片链接地址", "attachedTemplate": "附加模板路径",
             "oleObject": "嵌入对象链接", "aFChunk": "外部内容块链接"}.get(rel_type, "关系目标")
    return f"{where}（{member}）"


def walk(data: bytes, limits: Limits, prefix: str = "", depth: int = 0) -> tuple[list[Member], list[str]]:
    """Every member of the package ``data`` (embedded packages expanded), and what could not be read."""
    members: list[Member] = []
    problems: list[str] = []
    try:
        zf = open_zip(io.BytesIO(data))
    except UnreadableDocument:
        return members, [f"{prefix.rstrip('!/') or '文件'}（不是有效的 zip 包）"]
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > limits.archive_max_entries:
        return members, [f"{prefix.rstrip('!/') or '文件'}（成员过多）"]
    for info in infos:
        name = prefix + info.filename
        if info.file_size > limits.part_bytes or (
                info.compress_size and info.file_size > 2**20 and info.file_size / info.compress_size > limits.max_ratio):
            problems.append(f"{name}（过大或压缩比异常）")
            continue
        try:
            raw = read_member(zf, info, limits.part_bytes)
        except UnreadableDocument:  # zlib.error, bad CRC, truncation, encryption: all mapped there
            problems.append(f"{name}（无法解压）")
            continue
        m = classify(name, raw, limits, depth)
        members.append(m)
        if m.kind == "zip":
            inner, inner_problems = walk(raw, limits, name + "!/", depth + 1)
            members.extend(inner)
            problems.extend(inner_problems)
        elif m.kind in ("binary", "too-large", "too-deep"):
            problems.append(f"{name}（{_WHY[m.kind] if m.kind in _WHY else _binary_reason(name, raw)}）")
        elif m.kind == "unsafe":
            problems.append(f"{name}（无法解析）")
    return members, problems


_WHY = {"too-large": "过大", "too-deep": "嵌套过深"}


def _binary_reason(name: str, raw: bytes) -> str:
    if THUMBNAIL.search(name.rpartition("!/")[2]):
        return "缩略图"
    if raw.startswith(OLE_MAGIC):
        return "二进制 OLE 对象"
    return "二进制内容"


def property_sources(members: list[Member], prefix: str = "") -> dict:
    """Properties and authors of the package at ``prefix`` (the top one by default), as the
    screening reads them (see recognise); unit indexes count over all ``members``."""
    out: dict = {"core": {}, "app": {}, "custom": {}, "authors": [], "paths": []}
    by_value: dict[tuple[str, str], list[int]] = {}
    offset = 0
    for m in members:
        name = m.name[len(prefix):] if m.name.startswith(prefix) else "!/"
        for i, unit in enumerate(m.units):
            idx = offset + i
            if "!/" in name or not unit.segments:
                continue
            seg = unit.segments[0]
            parent = seg.el.getparent() if seg.slot in ("text", "tail") else None
            if name == "docProps/custom.xml" and seg.slot == "text" and parent is not None \
                    and _local(parent.tag) == "property":
                out["custom"][parent.get("name") or ""] = (unit.text, idx)
            elif name in ("docProps/core.xml", "docProps/app.xml") and seg.slot == "text" \
                    and parent is not None and _local(parent.tag) in ("coreProperties", "Properties"):
                space = "core" if name == "docProps/core.xml" else "app"
                out[space][_local(seg.el.tag)] = (unit.text, idx)
            elif seg.slot == "attr" and _local(seg.key) in AUTHOR_ATTRS:
                role = "people" if name == "word/people.xml" else (
                    "comment" if name.startswith("word/comments") else "revision")
                by_value.setdefault((role, unit.text), []).append(idx)
            elif seg.slot == "attr" and seg.key == "Target" and LOCAL_PATH.match(unit.text) \
                    and (unit.url or "%" not in unit.text):
                out["paths"].append((unit.text, [idx]))
        offset += len(m.units)
    out["authors"] = [(role, value, idxs) for (role, value), idxs in by_value.items()]
    return out


def all_units(members: list[Member]) -> list[Unit]:
    return [u for m in members for u in m.units]


_SHEET = regex.compile(r"(^|!/)xl/worksheets/[^/]+\.xml$")
_CELL_REF = regex.compile(r"^([A-Z]+)([0-9]+)$")  # ASCII digits: int() cannot read a digit newer than its Unicode tables


def sheet_cells(members: list[Member]) -> list[Unit]:
    """Spreadsheet cells laid out as table cells (row 1 is the header a value is read under).

    A shared string stands once in sharedStrings.xml; each cell that shows it becomes a unit on
    the same elements, so the column's header gives the context and a mask reaches the string.
    """
    shared = {m.name[: -len("xl/sharedStrings.xml")]: _shared_strings(m) for m in members
              if m.kind == "xml" and m.name.endswith("xl/sharedStrings.xml")}
    out: list[Unit] = []
    for m in members:
        if m.kind == "xml" and _SHEET.search(m.name):
            out += _sheet_cells(m, shared.get(m.name[: m.name.index("xl/worksheets/")], []))
    return out


def _shared_strings(m: Member) -> list[Unit | None]:
    """The unit of each shared string (its ``si`` container), by index."""
    owner: dict[object, Unit] = {}
    for u in m.units:
        el = u.segments[0].el if u.segments else None
        while el is not None and _local(el.tag) != "si":
            el = el.getparent()
        if el is not None and el not in owner:
            owner[el] = u
    return [owner.get(el) for el in m.root if _local(el.tag) == "si"]


def _sheet_cells(m: Member, strings: list[Unit | None]) -> list[Unit]:
    """A worksheet's cells placed (sheet, row, column): a shared string's cell as a new unit on the
    string's elements, any other cell's own units marked with the position."""
    out: list[Unit] = []
    texts = {id(u.segments[0].el): u for u in m.units if u.segments and u.segments[0].slot == "text"}
    for c in m.root.iter():
        if _local(c.tag) != "c":
            continue
        ref = _CELL_REF.match(c.get("r") or "")
        if ref is None:
            continue
        col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(ref.group(1)))) - 1
        cell = (m.name, int(ref.group(2)) - 1, col)
        v = next((x for x in c if _local(x.tag) == "v"), None)
        if c.get("t") == "s" and v is not None and (v.text or "").strip().isdigit():
            k = int(v.text)
            base = strings[k] if k < len(strings) else None
            if base is not None:
                out.append(Unit(base.member, m.name.partition("!/")[0] and member_place(m.name), base.text,
                                base.segments, cell=cell))
        elif v is not None and id(v) in texts:
            texts[id(v)].cell = cell
        else:
            for u in m.units:
                if u.segments and any(s.el is c or s.el in c.iter() for s in u.segments[:1]):
                    u.cell = cell
    return out


def scan_members(members: list[Member], config: Config | None = None, runner=None) -> tuple[list[Unit], list[Hit]]:
    units = all_units(members) + sheet_cells(members)
    return units, recognise(units, config, property_sources(members), runner)


def scan_package(data: bytes, name: str = "", limits: Limits | None = None, config: Config | None = None,
                 runner=None) -> PackageScan:
    """Scan the package ``data`` for personal data everywhere (see the module docstring)."""
    config = config or Config()
    limits = limits or config.limits
    members, problems = walk(data, limits)
    units, hits = scan_members(members, config, runner)
    leaks: list[Leak] = []
    seen: set[tuple[str, str, str]] = set()
    for hit in hits:
        unit = units[hit.unit]
        value = unit.text[hit.start:hit.end]
        key = (unit.place + unit.member, hit.kind, value)
        if key in seen:
            continue
        seen.add(key)
        place = unit.place if unit.member in unit.place else f"{unit.place} {unit.member}"
        leaks.append(Leak(place, hit.kind, mask(value, hit.kind), hit.rule, hit.message))
    return PackageScan(leaks, problems)


def write_back(unit: Unit, spans: list[tuple[int, int, str]]) -> int:
    """Mask ``spans`` (start, end, kind in the unit's text) in the elements the unit was read from."""
    if not spans or not unit.segments:
        return 0
    chars = list(unit.text)
    applied = 0
    for start, end, kind in sorted(spans):
        masked = mask(unit.text[start:end], kind)
        if len(masked) == end - start:
            chars[start:end] = list(masked)
        else:
            chars[start:end] = [masked] + [""] * (end - start - 1)
        applied += 1
    for seg in unit.segments:
        value = "".join(chars[seg.start:seg.end])
        if seg.slot == "text":
            seg.el.text = value
        elif seg.slot == "tail":
            seg.el.tail = value
        elif seg.slot == "attr":
            seg.el.set(seg.key, quote(value, safe="/:?&=#;,+@!$'()*~%-._[]") if unit.url else value)
        elif seg.slot == "line":
            seg.el[seg.key] = value
    return applied
