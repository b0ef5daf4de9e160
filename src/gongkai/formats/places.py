"""Text a .docx carries outside its reading text: the places a clerk does not see on the page.

The streaming reader (:mod:`.docx`) builds the reading text: body, tables, headers, footers,
notes, comments and text boxes. A package holds more, and a published file hands all of it
to every reader: deleted revisions, field codes, alternative text of pictures, link targets
and tooltips, embedded workbooks and documents, imported HTML (altChunk), charts, formulas,
content-control tags, document variables, customXml data, the glossary, VML text paths,
ruby text, a text box's fallback copy, more properties. :class:`Places` collects each as
blocks of its own part (``models.PLACE_PARTS``), appended after the reading-order blocks so
no paragraph ordinal moves; ``Block.source_id`` names the member or attribute.

What cannot be read as text (a binary OLE object, the thumbnail, an image no part shows,
macros) is listed in ``Document.uninspectable`` for rule S105: fail closed, never silent.
Embedded Office files are read recursively, within the reader's limits and three levels deep.
"""

from __future__ import annotations

import html
import io
import posixpath
import struct
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote

import regex
from lxml import etree

from ..config import Limits
from ..models import Block, Document
from .errors import ZIP_ERRORS, UnreadableDocument, read_member
from .xml import APP, CUSTOM, MC, PKG_REL, VT, W15, A, BadXML, parse, w

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
V = "urn:schemas-microsoft-com:vml"
VML_O = "urn:schemas-microsoft-com:office:office"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

#: How deep embedded files are opened (a .docx in a .xlsx in a .docx …).
MAX_DEPTH = 3

_DELTEXT, _MOVEFROM, _INSTR, _FLDSIMPLE = w("delText"), w("moveFrom"), w("instrText"), w("fldSimple")
_HYPERLINK, _ALIAS, _TAG, _LISTITEM = w("hyperlink"), w("alias"), w("tag"), w("listItem")
_RUBY, _RT, _RUBYBASE = w("ruby"), w("rt"), w("rubyBase")
_TBLCAPTION, _TBLDESCRIPTION = w("tblCaption"), w("tblDescription")
_BOOKMARK, _SMARTTAG_ATTR, _DOCPART_NAME = w("bookmarkStart"), w("attr"), w("name")
#: A legacy form field's help, status and default texts and list entries (w:ffData).
_FORM = (w("helpText"), w("statusText"), w("default"), w("listEntry"))
_P, _T, _VAL = w("p"), w("t"), w("val")
_ALT = f"{{{MC}}}AlternateContent"
_CHOICE, _FALLBACK = f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
_OMATH, _MT = f"{{{M}}}oMath", f"{{{M}}}t"
_TEXTPATH = f"{{{V}}}textpath"
_HLINKCLICK = f"{{{A}}}hlinkClick"
_ALT_TAGS = (f"{{{WP}}}docPr", f"{{{PIC}}}cNvPr", f"{{{WPS}}}cNvPr", f"{{{WPG}}}cNvPr")
_VML_SHAPES = tuple(f"{{{V}}}{n}" for n in ("shape", "rect", "roundrect", "oval", "group", "imagedata", "line"))

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\x89PNG", "图片"), (b"\xff\xd8\xff", "图片"), (b"GIF8", "图片"), (b"BM", "图片"),
    (b"\x01\x00\x00\x00", "图元文件"), (b"\xd7\xcd\xc6\x9a", "图元文件"), (b"II*\x00", "图片"),
    (b"MM\x00*", "图片"), (b"RIFF", "图片"), (b"%PDF", "PDF 文件"),
)
_IMAGE_EXT = regex.compile(r"\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|webp|svg|ico|wdp|jxr)$", regex.IGNORECASE)
_TEXT_EXT = regex.compile(r"\.(txt|csv|tsv|xml|json|md|log|ini)$", regex.IGNORECASE)
_HTML_EXT = regex.compile(r"\.(html?|xhtml|mht|mhtml)$", regex.IGNORECASE)
#: Parts that carry only formatting, identifiers or numbers: not read (the thumbnail and
#: unknown parts are; see :meth:`Places.rest`).
_BOILERPLATE = regex.compile(
    r"(^|/)(styles|stylesWithEffects|fontTable|numbering|webSettings|theme\d*|commentsExtended|commentsIds|"
    r"commentsExtensible|people|calcChain|presProps|viewProps|tableStyles)\.xml$"
    r"|(^|/)(theme|fonts|printerSettings|_xmlsignatures)/|^customXml/itemProps\d*\.xml$"
    r"|(^|/)charts/(colors|style)\d*\.xml$"
    r"|\[Content_Types\]\.xml$",
    regex.IGNORECASE,
)
#: A link target (or a HYPERLINK field holding only one) with its scheme: the address itself in group 1.
_LINK = regex.compile(r'^\s*(?:HYPERLINK\s+)?"?(?:mailto:|tel:|https?://)?([^"\s]+)"?\s*$', regex.IGNORECASE)
#: Text in raw bytes: UTF-16LE runs of printable ASCII, CJK and full-width forms; ASCII runs.
_UTF16_RUN = regex.compile(rb"(?:[\x20-\x7e]\x00|[\x00-\xff][\x4e-\x9f]|[\x00-\xff][\x30\xff]){4,}")
_STYLE_PART = regex.compile(r"(^|/)styles(WithEffects)?\.xml$", regex.IGNORECASE)
_STYLE_NAME = regex.compile(rb'<w:(?:name|aliases)\s+w:val="([^"]*)"')
_LVLTEXT = regex.compile(rb'<w:lvlText\s+w:val="([^"]*)"')
#: An attribute value worth reading in generic XML: non-ASCII, five digits, or an @.
_WORTH = regex.compile(r"[^\x00-\x7f]|\d{5}|@")
#: A style name that may hold data: digits, an @, or longer than any an office suite ships
#: (WPS names its styles in Chinese: 正文, 标题 1, 批注框文本 are not read).
_DATA_NAME = regex.compile(r"\d{5}|@|^(?=.*[^\x00-\x7f]).{13,}$")


def _text_of(el, tag=_T) -> str:
    return "".join(t.text or "" for t in el.iter(tag))


def _enclosing_paragraph(el):
    return next(el.iterancestors(_P), None)


class Places:
    """Collects the hidden places of one package as (part, source, text) and what it cannot read."""

    def __init__(self, limits: Limits, depth: int = 0):
        self.limits = limits
        self.depth = depth
        self.items: list[tuple[str, str, str]] = []
        self.uninspectable: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._budget = int(limits.archive_max_total_mb * 1024 * 1024)

    def add(self, part: str, source: str, text: str | None) -> None:
        if not text or not text.strip():
            return
        key = (part, source, text)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(key)

    def lines(self, part: str, source: str, text: str) -> None:
        for line in text.splitlines():
            self.add(part, source, line.strip())

    # -- WordprocessingML parts (document, headers, footers, notes, comments, glossary) ---------
    def wordml(self, root, member: str) -> None:
        """One pass over a part: deleted text, field codes, alt text, link tips, tags, math, ruby…

        Deleted text and field codes are gathered per paragraph (a value split over runs is read
        whole); every other element is read where it stands, by its entry in ``_INLINE``.
        """
        deleted: dict = {}
        fields: dict = {}
        for el in root.iter(_TAGS):
            tag = el.tag
            if tag == _DELTEXT:
                deleted.setdefault(_enclosing_paragraph(el), []).append(el.text or "")
            elif tag == _MOVEFROM:
                p = _enclosing_paragraph(el)
                deleted.setdefault(el if p is None else p, []).append(_text_of(el))
            elif tag == _INSTR:
                fields.setdefault(_enclosing_paragraph(el), []).append(el.text or "")
            else:
                _INLINE[tag](self, el, member)
        for texts in deleted.values():
            self.add("deleted", member, "".join(texts))
        for texts in fields.values():
            self.add("field", member, "".join(texts))

    # the inline places of WordprocessingML, one reader each (see _INLINE)
    def _simple_field(self, el, member: str) -> None:
        self.add("field", member, el.get(w("instr")))

    def _alt_text(self, el, member: str) -> None:
        """A picture's or shape's description, title and name (DrawingML docPr/cNvPr, VML)."""
        for attr in ("descr", "title", "alt", f"{{{VML_O}}}title", "name"):
            self.add("alt_text", f"{member} {etree.QName(el.tag).localname}@{attr.rsplit('}', 1)[-1]}", el.get(attr))

    def _table_alt_text(self, el, member: str) -> None:
        self.add("alt_text", f"{member} 表格{etree.QName(el.tag).localname}", el.get(_VAL))

    def _link_tips(self, el, member: str) -> None:
        for attr in ("tooltip", "anchor", "docLocation"):
            self.add("link_tip", f"{member} hyperlink@{attr}", el.get(w(attr)))

    def _click_tip(self, el, member: str) -> None:
        self.add("link_tip", f"{member} hlinkClick@tooltip", el.get("tooltip"))

    def _bookmark(self, el, member: str) -> None:
        name = el.get(w("name"))
        if name and _WORTH.search(name):  # not _GoBack; a _Toc with its number is harmless
            self.add("link_tip", f"{member} bookmark@name", name)

    def _smart_tag(self, el, member: str) -> None:
        """Smart-tag properties: invisible name/value pairs."""
        self.add("smarttag", member, f"{el.get(w('name')) or ''}：{el.get(_VAL) or ''}")

    def _control(self, el, member: str) -> None:
        """A content control's alias or tag."""
        self.add("control", f"{member} sdt@{etree.QName(el.tag).localname}", el.get(_VAL))

    def _list_item(self, el, member: str) -> None:
        self.add("control", f"{member} sdt@listItem", el.get(w("displayText")))
        self.add("control", f"{member} sdt@listItem", el.get(_VAL))

    def _ruby(self, el, member: str) -> None:
        base = "".join(_text_of(x) for x in el.iterchildren(_RUBYBASE))
        ruby = "".join(_text_of(x) for x in el.iterchildren(_RT))
        self.add("ruby", member, f"{base}（{ruby}）" if base else ruby)

    def _math(self, el, member: str) -> None:
        self.add("math", member, _text_of(el, _MT))

    def _textpath(self, el, member: str) -> None:
        self.add("textpath", member, el.get("string"))

    def _form_field(self, el, member: str) -> None:
        """A legacy form field's help, status or default text, or a list entry."""
        self.add("field", f"{member} ffData", el.get(_VAL))

    def _fallback(self, alt, member: str) -> None:
        """A fallback copy whose text differs from the choice Word shows (a stale or planted copy)."""
        choice = next(alt.iterchildren(_CHOICE), None)
        fallback = next(alt.iterchildren(_FALLBACK), None)
        if fallback is None:
            return
        shown = "".join(_text_of(choice).split()) if choice is not None else ""
        if "".join(_text_of(fallback).split()) == shown:
            return
        for p in fallback.iter(_P):
            self.add("fallback", member, _text_of(p))

    # -- package parts -----------------------------------------------------------------------
    def relationships(self, rels_root, member: str) -> set[str]:
        """External targets (URL-decoded) as link places; returns the internal targets' member names."""
        folder = posixpath.dirname(posixpath.dirname(member))
        internal = set()
        for rel in rels_root.iter(f"{{{PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                decoded = unquote(target)
                source = f"{member}#{rel.get('Id', '')}"
                self.add("hyperlink", source, decoded)
                _, _, query = decoded.partition("?")
                if "=" in query:  # 申请人=…&sfz=… read as 申请人：…；sfz：… so the keys are context words
                    self.add("hyperlink", source, "；".join(
                        pair.replace("=", "：", 1) for pair in query.replace("+", " ").split("&") if pair))
            else:
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, unquote(target)))
                internal.add(path)
        return internal

    def doc_vars(self, root, member: str) -> None:
        for var in root.iter(w("docVar")):
            name = var.get(w("name")) or ""
            self.add("docvar", member, f"{name}：{var.get(_VAL) or ''}")  # the name may be data: not a source

    def generic_xml(self, root, part: str, member: str, attributes: str = "worth") -> None:
        """Every text node (grouped by paragraph where there are paragraphs) and attribute value."""
        paragraphs: dict = {}
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname
            if el.text and el.text.strip():
                p = el if name == "p" else next((a for a in el.iterancestors() if etree.QName(a).localname == "p"), None)
                if p is not None:
                    paragraphs.setdefault(p, []).append(el.text)
                else:
                    self.add(part, member, f"{name}：{el.text.strip()}")
            for attr, value in el.attrib.items():
                if attributes == "all" or _WORTH.search(value):
                    self.add(part, member, f"{etree.QName(attr).localname}：{value}")
        for texts in paragraphs.values():
            self.add(part, member, "".join(texts))

    def names(self, styles, pkg, numbering: str | None, people, member_styles: str) -> None:
        """Style names, numbering level texts and reviewers' presence ids: names a clerk never sees."""
        found = getattr(styles, "data_names", None)  # the style table is shared by a template's documents
        if found is None:
            found = styles.data_names = [name for name, *_rest in styles.raw.values() if name and _DATA_NAME.search(name)]
        for name in found:
            self.add("style", member_styles, name)
        for text in data_names(pkg, numbering, "numbering") if numbering else ():
            self.add("numbering", numbering, text)
        if people is not None:
            for el in people.iter(f"{{{W15}}}presenceInfo"):
                self.add("metadata", "people:userId", el.get(f"{{{W15}}}userId"))

    def image_text(self, member: str, head: bytes | None) -> None:
        """Text in a picture's metadata (EXIF, PNG text chunks, a JPEG comment) or drawn by a metafile."""
        if not head:
            return
        if head.startswith(b"\xff\xd8"):
            end = head.find(b"\xff\xda")  # metadata segments stand before the scan data
            head = head[:end if end > 0 else len(head)]
        for text in strings(head):
            self.add("image_meta", member, text)

    def markup(self, pkg) -> None:
        """XML comments and namespace names with data in the parts the reader parsed (the parser drops them)."""
        for member, text in pkg.markup:
            self.add("markup", member, text)

    def chart(self, root, member: str) -> None:
        for el in root.iter(f"{{{C}}}v"):
            text = (el.text or "").strip()
            if not regex.fullmatch(r"[-+]?[\d.Ee]{1,4}", text):  # short numbers are a chart's data
                self.add("chart", member, text)
        for p in root.iter(f"{{{A}}}p"):
            self.add("chart", member, _text_of(p, f"{{{A}}}t"))

    def properties(self, core, app, custom) -> None:
        """What the property rules do not read: language, version, part titles, link base, names."""
        if core is not None:
            for el in core:
                if isinstance(el.tag, str) and etree.QName(el).localname in ("language", "version"):
                    self.add("metadata", f"core:{etree.QName(el).localname}", el.text)
        if app is not None:
            for el in app.iter(f"{{{APP}}}HyperlinkBase", f"{{{APP}}}Template"):
                value = unquote(el.text or "")
                if _WORTH.search(value):  # not Normal.dotm
                    self.add("metadata", f"app:{etree.QName(el).localname}", value)
            for links in app.iter(f"{{{APP}}}HLinks"):  # the document's link targets, kept by Word
                for s in links.iter(f"{{{VT}}}lpstr", f"{{{VT}}}lpwstr"):
                    self.add("metadata", "app:HLinks", unquote(s.text or ""))
            for titles in app.iter(f"{{{APP}}}TitlesOfParts"):
                for s in titles.iter(f"{{{VT}}}lpstr", f"{{{VT}}}lpwstr"):
                    self.add("metadata", "app:TitlesOfParts", s.text)
        if custom is not None:
            for prop in custom.iter(f"{{{CUSTOM}}}property"):
                self.add("metadata", "custom:名称", prop.get("name"))

    # -- embedded files ----------------------------------------------------------------------
    def embedded(self, member: str, data: bytes, part: str = "embedded") -> None:
        """An embedded or imported file: Office files recursively, text as text; else uninspectable."""
        head = data[:8]
        if head.startswith(b"PK\x03\x04"):
            if self.depth >= MAX_DEPTH:
                self.uninspectable.append((member, f"嵌套超过 {MAX_DEPTH} 层的嵌入文件"))
                return
            self._archive(member, data, part)
        elif head.startswith(_OLE):
            self._ole(member, data, part)
            self.uninspectable.append((member, "二进制 OLE 对象"))
        elif _HTML_EXT.search(member) or data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
            self.lines(part, member, html_text(_decode(data)))
        elif _TEXT_EXT.search(member) or (b"\x00" not in data[:4096] and _decodable(data)):
            text = _decode(data)
            if member.lower().endswith(".xml"):
                try:
                    self.generic_xml(parse(data), part, member)
                    return
                except UnreadableDocument:  # not well-formed, or a DTD: read as plain text
                    pass
            self.lines(part, member, text)
        else:
            what = next((name for magic, name in _IMAGE_MAGIC if head.startswith(magic)), None)
            if what is None and _IMAGE_EXT.search(member):
                what = "图片"
            self.uninspectable.append((member, what or "无法识别的二进制文件"))

    def _ole(self, member: str, data: bytes, part: str) -> None:
        """What can be salvaged from a binary OLE object: a packaged file, and strings of text.

        Best effort only (the object stays uninspectable): a "Package" object's file
        (Ole10Native) is read like any embedded file, and runs of UTF-16 or ASCII text with data
        in the raw bytes (Excel 97 cells, Word 97 text) are read as text.
        """
        import olefile

        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                for entry in ole.listdir():
                    if entry[-1] == "\x01Ole10Native":
                        name, payload = _ole10native(ole.openstream(entry).read())
                        if payload:
                            self.embedded(f"{member} › {name or 'Ole10Native'}", payload, part)
        except (OSError, ValueError, IndexError, EOFError, struct.error, NotImplementedError, RuntimeError):
            pass  # not a well-formed compound file: the strings below are all there is
        for text in strings(data):
            self.add(part, member, text)

    def _archive(self, member: str, data: bytes, part: str) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = zf.namelist()
        except ZIP_ERRORS:
            self.uninspectable.append((member, "损坏的压缩文件"))
            return
        if len(names) > self.limits.archive_max_entries:
            self.uninspectable.append((member, "成员过多的压缩文件"))
            return
        with zf:
            try:
                if "word/document.xml" in names or any(n.startswith("word/") and n.endswith("document.xml") for n in names):
                    self._docx(member, zf, part)
                else:
                    self._office(member, zf, part)
            except (UnreadableDocument, *ZIP_ERRORS) as exc:
                reason = exc.message if isinstance(exc, UnreadableDocument) else type(exc).__name__
                self.uninspectable.append((member, f"无法读取的嵌入文件（{reason}）"))

    def _docx(self, member: str, zf: zipfile.ZipFile, part: str) -> None:
        from .docx import read_docx

        inner = read_docx(zf, member, self.limits, depth=self.depth + 1)
        for b in inner.blocks:
            source = f"{member} {b.source_id}" if b.part == "embedded" else member
            self.add(part, source, b.text)
        for key, value in (*(("core:" + k, v) for k, v in inner.core_properties.items()),
                           *(("app:" + k, v) for k, v in inner.app_properties.items()),
                           *(("custom:" + k, v) for k, v in inner.custom_properties.items())):
            if key not in ("core:created", "core:modified", "core:revision") and not key.startswith("app:Total"):
                self.add(part, member, f"{key.partition(':')[2]}：{value}")
        for a in inner.authors:
            self.add(part, member, a.name)
        for m, why in inner.uninspectable:
            self.uninspectable.append((f"{member} › {m}", why))

    def _office(self, member: str, zf: zipfile.ZipFile, part: str) -> None:
        """A workbook, presentation or any other zip: its XML read generically, embedded files recursively."""
        inner = Places(self.limits, self.depth + 1)
        inner._budget = self._budget
        shared: list[str] = []
        used: set[int] = set()
        names = zf.namelist()
        if "xl/sharedStrings.xml" in names:
            root = parse(inner._read(zf, "xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{SS}}}t")) for si in root.iter(f"{{{SS}}}si")]
        for name in names:
            if name.endswith("/") or name == "xl/sharedStrings.xml" or _BOILERPLATE.search(name):
                continue
            data = inner._read(zf, name)
            if name.endswith(".rels"):
                inner.relationships(parse(data), name)
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                inner.sheet(parse(data), name, shared, used)
            elif name.endswith((".xml", ".vml")):
                inner.generic_xml(parse(data), part, name)
            elif not _IMAGE_EXT.search(name) or "/embeddings/" in name:
                inner.embedded(name, data, part)
        for i, s in enumerate(shared):
            if i not in used:
                inner.add(part, "xl/sharedStrings.xml", s)
        self._budget = inner._budget
        for _part, source, text in inner.items:
            self.add(part, f"{member} {source}", text)
        for m, why in inner.uninspectable:
            self.uninspectable.append((f"{member} › {m}", why))

    def sheet(self, root, member: str, shared: list[str], used: set[int]) -> None:
        """One block per row: its cells' values (shared, inline and formula strings, numbers).

        Below a first row of labels, each value is written ``label：value`` so that the column's
        header is the context word a recogniser needs (姓名：…, 身份证号：…), as in a Word table.
        """
        header: list[str] | None = None
        for row in root.iter(f"{{{SS}}}row"):
            cells: list[str] = []
            for c in row.iter(f"{{{SS}}}c"):
                col = _column(c.get("r"))
                while col is not None and len(cells) < col:
                    cells.append("")  # cells left empty are not written
                t = c.get("t")
                v = c.find(f"{{{SS}}}v")
                if t == "s" and v is not None and (v.text or "").strip().isdigit():
                    i = int(v.text)
                    used.add(i)
                    cells.append(shared[i] if i < len(shared) else "")
                elif t == "inlineStr":
                    cells.append(_text_of(c, f"{{{SS}}}t"))
                elif v is not None and v.text:
                    cells.append(v.text)
                else:
                    cells.append("")
            if header is None:
                header = cells if any(cells) and not any(any(ch.isdigit() for ch in x) for x in cells) else []
                self.add("embedded", member, "；".join(x for x in cells if x))
                continue
            self.add("embedded", member, "；".join(
                (f"{header[i]}：{x}" if i < len(header) and header[i] else x) for i, x in enumerate(cells) if x))

    def _read(self, zf: zipfile.ZipFile, name: str) -> bytes:
        """A member of an embedded archive within the part cap, the ratio limit and the total budget."""
        info = zf.getinfo(name)
        cap = self.limits.part_bytes
        if info.file_size > min(cap, self._budget):
            raise UnreadableDocument("too_large", f"嵌入文件成员 {name} 解压后过大")
        if info.compress_size and info.file_size > 2**20 and info.file_size / info.compress_size > self.limits.max_ratio:
            raise UnreadableDocument("archive_limit", f"嵌入文件成员 {name} 压缩比异常（疑似压缩炸弹）")
        data = read_member(zf, info, cap, name)
        if len(data) > cap:
            raise UnreadableDocument("too_large", f"嵌入文件成员 {name} 解压后过大")
        self._budget -= len(data)
        return data

    def into(self, doc: Document) -> None:
        """Append the collected places to ``doc`` as blocks (after the reading-order blocks).

        A link whose target the page already shows (mailto:某@gov.cn under the address itself)
        adds nothing and would lose the context the page gives it (监督邮箱：…): left out.
        """
        counters: dict[str, int] = {}
        shown = None
        for part, source, text in self.items:
            link = _LINK.match(text) if part in ("hyperlink", "field") else None
            if link is not None:
                if shown is None:
                    shown = "\n".join(b.text for b in doc.blocks)
                if link.group(1) in shown:
                    continue
            n = counters.get(part, 0)
            counters[part] = n + 1
            doc.add_block(Block(text=text, part=part, paragraph=n, source_id=source))
        doc.uninspectable.extend(self.uninspectable)


#: How each inline place of WordprocessingML is read (the elements ``Places.wordml`` stops at,
#: deleted text and field codes apart).
_INLINE = {
    _FLDSIMPLE: Places._simple_field,
    **dict.fromkeys((*_ALT_TAGS, *_VML_SHAPES), Places._alt_text),
    _TBLCAPTION: Places._table_alt_text, _TBLDESCRIPTION: Places._table_alt_text,
    _HYPERLINK: Places._link_tips, _HLINKCLICK: Places._click_tip, _BOOKMARK: Places._bookmark,
    _SMARTTAG_ATTR: Places._smart_tag, _ALIAS: Places._control, _TAG: Places._control,
    _LISTITEM: Places._list_item, _RUBY: Places._ruby, _OMATH: Places._math, _TEXTPATH: Places._textpath,
    _ALT: Places._fallback, **dict.fromkeys(_FORM, Places._form_field),
}
#: Every element one pass over a WordprocessingML part stops at (lxml filters in C).
_TAGS = (_DELTEXT, _MOVEFROM, _INSTR, *_INLINE)


def scan_package(pkg, places: Places, main: str, by_kind: dict[str, list[tuple[str, str]]],
                 read: set[str]) -> None:
    """Every member of the package the reading text does not cover (``read``: parts already read)."""
    names = sorted(pkg.names)
    referenced: set[str] = set()
    for name in names:
        if name.endswith(".rels"):
            rels = _xml(pkg, places, name)
            if rels is not None:
                referenced |= places.relationships(rels, name)
    for _, target in by_kind.get("settings", []):
        _settings(pkg, places, target)
        read.add(target)
    for _, target in by_kind.get("glossaryDocument", []):
        _glossary(pkg, places, target)
        read.add(target)
    for _, target in by_kind.get("aFChunk", []):
        data = pkg.read(target)
        if data is not None:
            places.embedded(target, data, "altchunk")
        read.add(target)
    places.properties(*(_xml(pkg, places, n) for n in _PROPERTY_PARTS))
    read |= set(_PROPERTY_PARTS)
    for name in names:
        if name not in read and _STYLE_PART.search(name):  # a second style table (stylesWithEffects)
            for text in data_names(pkg, name, "style"):
                places.add("style", name, text)
        if not (name in read or name.endswith(("/", ".rels")) or _BOILERPLATE.search(name)):
            _other_member(pkg, places, name, name in referenced)
    places.markup(pkg)


_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")


def _settings(pkg, places: Places, target: str) -> None:
    """Document variables (settings.xml is long with revision ids: parsed only when it holds one)."""
    data = pkg.read(target)
    root = _xml(pkg, places, target) if data is not None and b"docVar" in data else None
    if root is not None:
        places.doc_vars(root, target)


def _glossary(pkg, places: Places, target: str) -> None:
    """The glossary (building blocks): its inline places, paragraphs and the names of its parts."""
    root = _xml(pkg, places, target)
    if root is not None:
        places.wordml(root, target)
        for p in root.iter(_P):
            places.add("glossary", target, _text_of(p))
        for name in root.iter(_DOCPART_NAME):
            places.add("glossary", f"{target} docPart@name", name.get(_VAL))


def _other_member(pkg, places: Places, name: str, referenced: bool) -> None:
    """A member no reading covers: pictures, charts, customXml, embedded files, unknown parts."""
    lower = name.lower()
    if lower.startswith("docprops/thumbnail"):
        places.uninspectable.append((name, "缩略图"))
    elif lower.startswith("word/media/") and _IMAGE_EXT.search(name) and referenced:
        # a picture the document shows: the reviewer sees it, not its metadata or an EMF's text
        places.image_text(name, pkg.head(name, 2**20 if lower.endswith((".emf", ".wmf")) else 2**16))
    elif _IMAGE_EXT.search(name) and not lower.startswith("word/embeddings/"):
        places.uninspectable.append((name, "图片" if referenced else "未被引用的图片"))
    elif lower.endswith(("vbaproject.bin", "vbadata.xml")):
        places.uninspectable.append((name, "宏代码"))
    elif lower.startswith("word/charts/") and lower.endswith(".xml"):
        root = _xml(pkg, places, name)
        if root is not None:
            places.chart(root, name)
    elif _CUSTOM_XML_ITEM.match(lower):
        root = _xml(pkg, places, name)
        if root is not None:
            places.generic_xml(root, "customxml", name)
    elif lower.startswith("word/embeddings/") or "/embeddings/" in lower:
        data = pkg.read(name)
        if data is not None:
            places.embedded(name, data)
    elif lower.endswith((".xml", ".vml")):
        root = _xml(pkg, places, name)
        if root is not None:
            places.generic_xml(root, "other", name)
    else:
        data = pkg.read(name)
        if data is not None:
            places.embedded(name, data, "other")


_CUSTOM_XML_ITEM = regex.compile(r"customxml/item\d*\.xml$")


_NAME_CACHE: dict[tuple, list[str]] = {}


def data_names(pkg, member: str, kind: str) -> list[str]:
    """Style names or numbering level texts of ``member`` that may hold data.

    Documents made from one template share these parts: the answer is kept per CRC-32 and
    size from the zip directory, so a repeated template costs no decompression.
    """
    info = pkg.info(member)
    if info is None:
        return []
    key = (kind, info.CRC, info.file_size)
    found = _NAME_CACHE.get(key)
    if found is None:
        data = pkg.read(member) or b""
        found = []
        if kind == "numbering":
            for value in _LVLTEXT.findall(data) if b"lvlText" in data else ():
                text = html.unescape(value.decode("utf-8", "replace"))
                if _WORTH.search(text) and sum(ch.isalnum() for ch in text) >= 2:  # not a bullet glyph
                    found.append(text.replace("%", " "))
        else:
            for value in _STYLE_NAME.findall(data):
                text = html.unescape(value.decode("utf-8", "replace"))
                if _DATA_NAME.search(text):
                    found.append(text)
        if len(_NAME_CACHE) >= 64:
            _NAME_CACHE.clear()
        _NAME_CACHE[key] = found
    return found


_UTF8_RUN = regex.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\x20-\x7e]{4,}")


def strings(data: bytes) -> list[str]:
    """Runs of text with data in raw bytes: UTF-16LE, UTF-8 and ASCII."""
    out = [m.group().decode("utf-16-le", "replace").strip("\x00 ") for m in _UTF16_RUN.finditer(data)]
    out += [t for t in _UTF8_RUN.findall(data.decode("utf-8", "replace")) if _WORTH.search(t)]
    return [t for t in out if t.strip()]


def _xml(pkg, places: Places, name: str):
    """A place part parsed, or None (recorded as uninspectable) when it is not well-formed XML."""
    try:
        return pkg.xml(name)
    except BadXML as exc:
        places.uninspectable.append((name, f"无法解析的 XML 部件（{exc.message}）"))
        return None


def _column(ref: str | None) -> int | None:
    """The 0-based column of a cell reference (B7 → 1)."""
    n = 0
    for ch in ref or "":
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1 if n else None


def _ole10native(stream: bytes) -> tuple[str, bytes]:
    """(file name, contents) of an OLE "Package" object's Ole10Native stream; ("", b"") if malformed."""
    try:
        at = 4 + 2  # total size, a flag
        label_end = stream.index(b"\x00", at)
        name = stream[at:label_end].decode("gb18030", "replace")
        at = stream.index(b"\x00", label_end + 1) + 1 + 4  # source path, then a reserved word
        at = stream.index(b"\x00", at + 4) + 1  # the temporary path after its length
        (size,) = struct.unpack_from("<I", stream, at)
        return name, stream[at + 4:at + 4 + size]
    except (ValueError, struct.error):
        return "", b""


class _HTMLText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "td", "th", "table"):
            self.out.append("\n")
        for name, value in attrs:
            if value and name in ("alt", "title", "href", "value", "content") and _WORTH.search(value):
                self.out.append(f"\n{unquote(value)}\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(html: str) -> str:
    """The text of an HTML (or MHT) part, one line per block element; link targets and alt text included."""
    if "quoted-printable" in html[:4096].lower():
        import quopri

        html = quopri.decodestring(html.encode("utf-8", "replace")).decode("utf-8", "replace")
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def _decodable(data: bytes) -> bool:
    try:
        data[:65536].decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start > 65530  # cut inside a character at the window's end


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")
