"""A streaming .docx reader on zipfile + lxml.

python-docx is convenient but slow for reading (it parses every part eagerly and builds
proxy objects); this reader walks the WordprocessingML once and builds the Document model:
body paragraphs and table cells in reading order, headers, footers, footnotes, endnotes,
comments and text boxes, with run formatting resolved through styles and the theme.
python-docx is still used where documents are written (annotate, redact).
"""

from __future__ import annotations

import posixpath
import threading
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

import regex
from lxml import etree

from ..config import Limits
from ..models import Author, Block, CommentAnchor, Document, PageLayout, Run
from .errors import UnreadableDocument, read_member
from .places import Places, scan_package
from .runtext import NOT_INLINE, run_piece
from .xml import APP, CUSTOM, MC, PKG_REL, W15, A, R, W, parse, w

_R, _P, _TBL, _TR, _TC = w("r"), w("p"), w("tbl"), w("tr"), w("tc")
_RPR, _PPR, _TXBX = w("rPr"), w("pPr"), w("txbxContent")
_DELTEXT, _INSTR = w("delText"), w("instrText")
_CSTART, _CEND = w("commentRangeStart"), w("commentRangeEnd")
_FALLBACK = f"{{{MC}}}Fallback"
_SDT, _SDTCONTENT = w("sdt"), w("sdtContent")
_ID = w("id")
_VAL = w("val")
_TWIP_MM = 25.4 / 1440
_STYLE, _STYLE_ID, _NAME, _BASED_ON, _TYPE, _DEFAULT = (
    w("style"), w("styleId"), w("name"), w("basedOn"), w("type"), w("default"),
)
_PPR_JC = f"{w('pPr')}/{w('jc')}"
_RFONTS, _ASCII, _HANSI, _EASTASIA, _ASCII_THEME, _EA_THEME, _SZ, _B = (
    w("rFonts"), w("ascii"), w("hAnsi"), w("eastAsia"), w("asciiTheme"), w("eastAsiaTheme"), w("sz"), w("b"),
)
#: Run children that give no text and hold no text box.
_NO_BOXES = frozenset({_RPR, _DELTEXT, _INSTR, w("t"), w("sym")})
_STYLES_CACHE: dict[tuple, "_Styles"] = {}
_STYLES_CACHE_SIZE = 32
_STYLES_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class RunProps:
    font_ascii: str | None = None
    font_east_asia: str | None = None
    size_pt: float | None = None
    bold: bool | None = None

    def over(self, base: "RunProps") -> "RunProps":
        """These properties laid over ``base`` (set values win)."""
        return RunProps(
            self.font_ascii if self.font_ascii is not None else base.font_ascii,
            self.font_east_asia if self.font_east_asia is not None else base.font_east_asia,
            self.size_pt if self.size_pt is not None else base.size_pt,
            self.bold if self.bold is not None else base.bold,
        )


_EMPTY = RunProps()


def _on(el) -> bool:
    v = el.get(_VAL)
    return v is None or v.lower() not in ("0", "false", "off")


class _Styles:
    """Style table with inheritance (basedOn) and theme fonts resolved."""

    def __init__(self, styles_xml: bytes | None, theme_xml: bytes | None):
        self.theme = self._theme(theme_xml)
        self.defaults = _EMPTY
        # styleId -> (name, basedOn, rPr element or None, jc); run properties are worked out
        # only for the styles a document uses (templates define hundreds).
        self.raw: dict[str, tuple[str | None, str | None, object, str | None]] = {}
        self.default_para: str | None = None
        self._resolved: dict[str, RunProps] = {}
        if styles_xml:
            root = parse(styles_xml)
            rpr = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{_RPR}")
            if rpr is not None:
                self.defaults = self.props(rpr)
            for st in root.iterchildren(_STYLE):
                sid = st.get(_STYLE_ID)
                if sid is None:
                    continue
                name_el = st.find(_NAME)
                based = st.find(_BASED_ON)
                jc = st.find(_PPR_JC)
                self.raw[sid] = (
                    name_el.get(_VAL) if name_el is not None else sid,
                    based.get(_VAL) if based is not None else None,
                    st.find(_RPR),
                    jc.get(_VAL) if jc is not None else None,
                )
                if st.get(_TYPE) == "paragraph" and _on_attr(st.get(_DEFAULT)):
                    self.default_para = sid

    @staticmethod
    def _theme(theme_xml: bytes | None) -> dict[str, str]:
        fonts: dict[str, str] = {}
        if not theme_xml:
            return fonts
        try:
            root = parse(theme_xml)
        except UnreadableDocument:  # a damaged theme costs only its fonts
            return fonts
        for kind in ("major", "minor"):
            el = root.find(f".//{{{A}}}{kind}Font")
            if el is None:
                continue
            latin = el.find(f"{{{A}}}latin")
            ea = el.find(f"{{{A}}}ea")
            hans = next((f.get("typeface") for f in el.findall(f"{{{A}}}font") if f.get("script") == "Hans"), None)
            if latin is not None and latin.get("typeface"):
                fonts[f"{kind}HAnsi"] = fonts[f"{kind}Ascii"] = latin.get("typeface")
            east = (ea.get("typeface") if ea is not None else None) or hans
            if east:
                fonts[f"{kind}EastAsia"] = east
        return fonts

    def props(self, rpr) -> RunProps:
        ascii_ = east = None
        size = None
        bold = None
        fonts = rpr.find(_RFONTS)
        if fonts is not None:
            ascii_ = fonts.get(_ASCII) or fonts.get(_HANSI)
            east = fonts.get(_EASTASIA)
            if ascii_ is None and fonts.get(_ASCII_THEME):
                ascii_ = self.theme.get(fonts.get(_ASCII_THEME))
            if east is None and fonts.get(_EA_THEME):
                east = self.theme.get(fonts.get(_EA_THEME))
        sz = rpr.find(_SZ)
        if sz is not None:
            try:
                size = int(sz.get(_VAL)) / 2
            except (TypeError, ValueError):
                size = None
        b = rpr.find(_B)
        if b is not None:
            bold = _on(b)
        return RunProps(ascii_, east, size, bold)

    def resolved(self, sid: str | None) -> RunProps:
        """Run properties of a style with everything it is based on, over the doc defaults."""
        if sid is None:
            return self.defaults
        cached = self._resolved.get(sid)
        if cached is not None:
            return cached
        chain, seen = [], set()
        cur = sid
        while cur and cur in self.raw and cur not in seen:
            seen.add(cur)
            rpr = self.raw[cur][2]
            chain.append(self.props(rpr) if rpr is not None else _EMPTY)
            cur = self.raw[cur][1]
        props = self.defaults
        for p in reversed(chain):
            props = p.over(props)
        self._resolved[sid] = props
        return props

    def name(self, sid: str | None) -> str | None:
        return self.raw[sid][0] if sid in self.raw else sid

    def align(self, sid: str | None) -> str | None:
        seen = set()
        while sid and sid in self.raw and sid not in seen:
            seen.add(sid)
            if self.raw[sid][3]:
                return self.raw[sid][3]
            sid = self.raw[sid][1]
        return None


def _styles_for(pkg: "DocxPackage", styles_part: str | None, theme_part: str | None) -> _Styles:
    """Documents made from one template share their style table: parse it once per process.

    The key is the parts' CRC-32 and size from the zip directory, so a cached table costs
    no decompression at all.
    """
    key = tuple(
        (info.CRC, info.file_size) if (info := pkg.info(part)) is not None else None
        for part in (styles_part, theme_part)
    )
    cached = _STYLES_CACHE.get(key)
    if cached is None:
        cached = _Styles(pkg.read(styles_part) if styles_part else None, pkg.read(theme_part) if theme_part else None)
        with _STYLES_LOCK:  # Dask workers read in threads
            if len(_STYLES_CACHE) >= _STYLES_CACHE_SIZE:
                _STYLES_CACHE.pop(next(iter(_STYLES_CACHE)))
            _STYLES_CACHE[key] = cached
    return cached


def _indent(ind) -> tuple[float | None, float | None]:
    """Left and right paragraph indentation in points from a w:ind element (twips)."""
    if ind is None:
        return None, None

    def pt(*names):
        for n in names:
            v = ind.get(w(n))
            if v is not None:
                try:
                    return int(v) / 20
                except ValueError:
                    return None
        return None

    return pt("left", "start"), pt("right", "end")


def _on_attr(v: str | None) -> bool:
    return v is not None and v.lower() in ("1", "true", "on")


class _Builder:
    """Walks WordprocessingML elements and appends blocks to a Document."""

    def __init__(self, doc: Document, styles: _Styles):
        self.doc = doc
        self.styles = styles
        self.counters: dict[str, int] = {}
        self.table_count = 0
        self.comment_starts: dict[str, tuple[int, int]] = {}
        self.comment_ends: dict[str, tuple[int, int]] = {}
        self.length = 0  # characters of the paragraph being built so far

    # -- block level ----------------------------------------------------------------------
    def blocks(self, parent, part: str, cell: tuple[int, int, int] | None = None, source_id=None) -> None:
        for child in parent:
            tag = child.tag
            if tag == _P:
                self.paragraph(child, part, cell, source_id)
            elif tag == _TBL:
                self.table(child, part, source_id)
            elif tag == _SDT:
                content = child.find(_SDTCONTENT)
                if content is not None:
                    self.blocks(content, part, cell, source_id)
            elif tag == _CSTART:
                self.comment_starts[child.get(_ID)] = (len(self.doc.blocks), 0)
            elif tag == _CEND:
                last = self.doc.blocks[-1] if self.doc.blocks else None
                self.comment_ends[child.get(_ID)] = (
                    (last.index, len(last.text)) if last else (0, 0)
                )
            elif tag == w("customXml"):
                self.blocks(child, part, cell, source_id)

    def table(self, tbl, part: str, source_id) -> None:
        t = self.table_count
        self.table_count += 1
        for r, tr in enumerate(tbl.iterfind(_TR)):
            c = 0
            for tc in tr:
                if tc.tag == _TC:
                    span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
                    self.blocks(tc, "table" if part == "body" else part, (t, r, c), source_id)
                    try:
                        c += int(span.get(_VAL)) if span is not None else 1
                    except (TypeError, ValueError):
                        c += 1
                elif tc.tag == _SDT:  # content control wrapping cells
                    content = tc.find(_SDTCONTENT)
                    for inner in content if content is not None else ():
                        if inner.tag == _TC:
                            self.blocks(inner, "table" if part == "body" else part, (t, r, c), source_id)
                            c += 1

    def paragraph(self, p, part: str, cell, source_id) -> None:
        ppr = p.find(_PPR)
        sid = None
        align = None
        indent = (None, None)
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            sid = ps.get(_VAL) if ps is not None else None
            jc = ppr.find(w("jc"))
            align = jc.get(_VAL) if jc is not None else None
            indent = _indent(ppr.find(w("ind")))
            sect = ppr.find(w("sectPr"))
            if sect is not None and part == "body":
                self.doc.layouts.append(page_layout(sect))
        sid = sid or self.styles.default_para
        base = self.styles.resolved(sid)
        counter_key = "body" if part in ("body", "table") else part
        block = Block(
            text="",
            part=part,
            paragraph=self.counters.get(counter_key, 0),
            table=cell[0] if cell else None,
            row=cell[1] if cell else None,
            col=cell[2] if cell else None,
            style=self.styles.name(sid),
            align=align or self.styles.align(sid),
            source_id=source_id,
            indent_left_pt=indent[0],
            indent_right_pt=indent[1],
        )
        self.counters[counter_key] = block.paragraph + 1
        index = len(self.doc.blocks)
        self.doc.add_block(block)
        pieces: list[str] = []
        runs: list[Run] = []
        boxes: list = []
        outer_length = self.length
        self.length = 0
        self.inline(p, base, pieces, runs, boxes, index)
        self.length = outer_length
        block.text = "".join(pieces)
        block.runs = runs
        for box in boxes:
            self.blocks(box, "textbox", None, source_id)

    # -- inline level ---------------------------------------------------------------------
    def inline(self, parent, base: RunProps, pieces, runs, boxes, index) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self.run(child, base, pieces, runs, boxes)
            elif tag == _TXBX:
                boxes.append(child)
            elif tag in NOT_INLINE or not isinstance(tag, str):
                continue
            elif tag == _CSTART:
                self.comment_starts[child.get(_ID)] = (index, self.length)
            elif tag == _CEND:
                self.comment_ends[child.get(_ID)] = (index, self.length)
            else:
                # hyperlink, ins, smartTag, fldSimple, sdt/sdtContent, customXml, moveTo…
                self.inline(child, base, pieces, runs, boxes, index)

    def run(self, r, base: RunProps, pieces, runs, boxes) -> None:
        rpr = r.find(_RPR)
        props = base
        if rpr is not None:
            rs = rpr.find(w("rStyle"))
            if rs is not None:
                props = self.styles.resolved(rs.get(_VAL)).over(base)
            props = self.styles.props(rpr).over(props)
        start = self.length
        for child in r:
            piece = run_piece(child)
            if piece:
                pieces.append(piece)
                self.length += len(piece)
            elif child.tag not in _NO_BOXES and isinstance(child.tag, str):
                # drawings, VML shapes and AlternateContent may hold text boxes
                boxes.extend(_text_boxes(child))
        end = self.length
        if end > start:
            if runs and runs[-1].end == start and _same(runs[-1], props):
                runs[-1].end = end
            else:
                runs.append(Run(start, end, props.font_ascii, props.font_east_asia, props.size_pt, props.bold))


def _same(run: Run, props: RunProps) -> bool:
    return (run.font_ascii, run.font_east_asia, run.size_pt, run.bold) == (
        props.font_ascii, props.font_east_asia, props.size_pt, props.bold,
    )


def _text_boxes(el) -> list:
    """Outermost txbxContent elements below ``el``, skipping mc:Fallback duplicates."""
    found = []
    stack = [el]
    while stack:
        cur = stack.pop()
        for child in cur:
            tag = child.tag
            if tag == _FALLBACK:
                continue
            if tag == _TXBX:
                found.append(child)
            elif isinstance(tag, str):
                stack.append(child)
    return found


def page_layout(sect) -> PageLayout:
    def num(el, attr):
        if el is None:
            return None
        v = el.get(w(attr))
        try:
            return float(v) if v is not None else None
        except ValueError:
            return None

    sz = sect.find(w("pgSz"))
    mar = sect.find(w("pgMar"))
    grid = sect.find(w("docGrid"))

    def mm(v):
        return round(v * _TWIP_MM, 1) if v is not None else None

    layout = PageLayout(
        width_mm=mm(num(sz, "w")), height_mm=mm(num(sz, "h")),
        top_mm=mm(num(mar, "top")), bottom_mm=mm(num(mar, "bottom")),
        left_mm=mm(num(mar, "left")), right_mm=mm(num(mar, "right")),
    )
    pitch = num(grid, "linePitch")
    if pitch and grid is not None and grid.get(w("type")) in ("lines", "linesAndChars", "snapToChars"):
        layout.line_pitch_pt = pitch / 20
        h, top, bottom = num(sz, "h"), num(mar, "top"), num(mar, "bottom")
        if h and top is not None and bottom is not None:
            layout.lines_per_page = int((h - abs(top) - abs(bottom)) // pitch)
    return layout


class DocxPackage:
    """The parts of a .docx package, read on demand within limits."""

    def __init__(self, zf: zipfile.ZipFile, name: str, limits: Limits):
        self.zf = zf
        self.name = name
        self.limits = limits
        self.names = set(zf.namelist())
        self._parsed: dict[str, object] = {}
        #: (part, text) of XML comments and namespace names with data: the parser drops comments
        #: and keeps namespaces out of the tree's text, so they are taken from the bytes.
        self.markup: list[tuple[str, str]] = []

    def info(self, part: str | None) -> zipfile.ZipInfo | None:
        return self.zf.getinfo(part) if part in self.names else None

    def read(self, part: str) -> bytes | None:
        if part not in self.names:
            return None
        info = self.zf.getinfo(part)
        cap = self.limits.part_bytes
        if info.file_size > cap:
            raise UnreadableDocument("too_large", f"文档部件 {part} 解压后过大（{info.file_size // 2**20} MB）")
        if info.compress_size and info.file_size > 2**20 and info.file_size / info.compress_size > self.limits.max_ratio:
            raise UnreadableDocument("archive_limit", f"文档部件 {part} 压缩比异常（疑似压缩炸弹）")
        data = read_member(self.zf, info, cap, part)
        if len(data) > cap:
            raise UnreadableDocument("too_large", f"文档部件 {part} 解压后过大")
        return data

    def xml(self, part: str):
        """A part parsed (once: the reading and the places both ask for rels and properties)."""
        if part in self._parsed:
            return self._parsed[part]
        data = self.read(part)
        root = parse(data, part) if data is not None else None
        self._parsed[part] = root
        if data is not None:
            self._markup(part, data)
        return root

    def _markup(self, part: str, data: bytes) -> None:
        if b"<!--" in data:
            for m in _COMMENT.finditer(data):
                self.markup.append((part, m.group(1).decode("utf-8", "replace").strip()))
        at = data.find(b"xmlns")
        while at != -1:
            m = _XMLNS.match(data, at)
            if m is not None:
                value = unquote(m.group(1).decode("utf-8", "replace"))
                if _DATA.search(value):
                    self.markup.append((part, value))
            at = data.find(b"xmlns", at + 5)

    def head(self, part: str, size: int) -> bytes | None:
        """The first ``size`` bytes of a member (a picture's metadata), within the reader's limits."""
        info = self.info(part)
        if info is None:
            return None
        if info.compress_size and info.file_size > 2**20 and info.file_size / info.compress_size > self.limits.max_ratio:
            raise UnreadableDocument("archive_limit", f"文档部件 {part} 压缩比异常（疑似压缩炸弹）")
        return read_member(self.zf, info, size - 1, part)[:size]

    def relationships(self, part: str, external: list[str] | None = None) -> dict[str, tuple[str, str]]:
        """rId -> (type suffix, target part name) for a part; external targets go to ``external`` if given."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out = {}
        if rels is None:
            return out
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                if external is not None:
                    external.append(rel.get("Target", ""))
                continue
            target = rel.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
        return out


def read_docx(zf: zipfile.ZipFile, path: str, limits: Limits, depth: int = 0) -> Document:
    """Read an opened .docx zip into a Document (``depth``: how deeply it is embedded in another)."""
    pkg = DocxPackage(zf, path, limits)
    main = next(
        (target for kind, target in pkg.relationships("").values() if kind == "officeDocument"),
        "word/document.xml",
    )
    root = pkg.xml(main)
    if root is None:
        raise UnreadableDocument("unreadable", "不是 Word 文档（压缩包内没有 word/document.xml）")
    external: list[str] = []
    rels = pkg.relationships(main, external)
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for rid, (kind, target) in rels.items():
        by_kind.setdefault(kind, []).append((rid, target))
    styles_part, theme_part = _first(by_kind, "styles"), _first(by_kind, "theme")
    styles = _styles_for(pkg, styles_part, theme_part)

    parts = _Parts(pkg, Places(limits, depth), Document(path=path, source_format="docx"), styles)
    parts.read |= {main, styles_part, theme_part}
    body = parts.main(root, main)
    for kind, target in _header_footer_parts(body, rels, by_kind):
        parts.header_footer(kind, target)
    for kind in ("footnote", "endnote"):
        for _, target in by_kind.get(kind + "s", []):
            parts.notes(kind, target)
    for _, target in by_kind.get("comments", []):
        parts.comments(target)
    for _, target in by_kind.get("settings", []):
        pkg.relationships(target, external)  # the attached template's path
    parts.file_paths(external)
    people = parts.people(by_kind.get("people", []))
    parts.places.names(styles, pkg, _first(by_kind, "numbering"), people, styles_part or "")
    _read_properties(pkg, parts.doc)
    scan_package(pkg, parts.places, main, by_kind, parts.read)
    parts.places.into(parts.doc)
    return parts.doc


def _first(by_kind: dict[str, list[tuple[str, str]]], kind: str) -> str | None:
    """The target of the main part's first relationship of ``kind``."""
    return next((t for _, t in by_kind.get(kind, [])), None)


def _header_footer_parts(body, rels: dict[str, tuple[str, str]],
                         by_kind: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(kind, part) of the headers and footers in the order the sections reference them, then any
    other, each part once."""
    seen_parts: set[str] = set()
    order: list[tuple[str, str]] = []
    if body is not None:
        sects = body.xpath("./w:sectPr | ./w:p/w:pPr/w:sectPr", namespaces={"w": W})
        refs = [r for sect in sects for r in sect.iterchildren(w("headerReference"), w("footerReference"))]
        for ref in refs:
            rid = ref.get(f"{{{R}}}id")
            if rid in rels and rels[rid][1] not in seen_parts:
                kind = "header" if ref.tag == w("headerReference") else "footer"
                seen_parts.add(rels[rid][1])
                order.append((kind, rels[rid][1]))
    for kind in ("header", "footer"):
        for _, target in sorted(by_kind.get(kind, []), key=lambda x: x[1]):
            if target not in seen_parts:
                seen_parts.add(target)
                order.append((kind, target))
    return order


class _Parts:
    """Reads the main part and the parts it refers to into one Document, in reading order.

    Each WordprocessingML part gives its authors (of revisions and comments), its hidden places
    and its blocks; ``read`` collects the parts read, so the places scan skips them.
    """

    def __init__(self, pkg: DocxPackage, places: Places, doc: Document, styles: _Styles):
        self.pkg = pkg
        self.places = places
        self.doc = doc
        self.builder = _Builder(doc, styles)
        self.authors = _Authors(doc)
        self.read: set[str | None] = set()

    def main(self, root, part: str):
        """The document body (blocks and page layouts); returns the w:body element."""
        self.authors.revisions(root)
        self.places.wordml(root, part)
        body = root.find(w("body"))
        if body is not None:
            self.builder.blocks(body, "body")
            final = body.find(w("sectPr"))
            if final is not None:
                self.doc.layouts.append(page_layout(final))
        return body

    def _part(self, target: str, comments: bool = False):
        """A referenced part parsed and counted as read, its authors and places taken; None if missing."""
        el = self.pkg.xml(target)
        self.read.add(target)
        if el is not None:
            self.authors.revisions(el, comments=comments)
            self.places.wordml(el, target)
        return el

    def header_footer(self, kind: str, target: str) -> None:
        el = self._part(target)
        if el is not None:
            self.builder.blocks(el, kind, source_id=target)

    def notes(self, kind: str, target: str) -> None:
        """Footnotes or endnotes (``kind``), each a source of its own; separators skipped."""
        el = self._part(target)
        for note in el.iterfind(w(kind)) if el is not None else ():
            if note.get(w("type")) not in ("separator", "continuationSeparator", "continuationNotice"):
                self.builder.blocks(note, kind, source_id=note.get(_ID))

    def comments(self, target: str) -> None:
        """Comments as blocks, each anchored where its range starts and ends in the text."""
        el = self._part(target, comments=True)
        b = self.builder
        for c in el.iterfind(w("comment")) if el is not None else ():
            cid = c.get(_ID)
            self.authors.add("comment", c.get(_AUTHOR), c.get(w("initials")))
            first = len(self.doc.blocks)
            b.blocks(c, "comment", source_id=cid)
            text = "\n".join(blk.text for blk in self.doc.blocks[first:])
            start = b.comment_starts.get(cid)
            end = b.comment_ends.get(cid, start)
            if start is not None:
                self.doc.comments.append(
                    CommentAnchor(cid, text, c.get(w("author")), start[0], start[1], end[0], end[1])
                )

    def file_paths(self, external: list[str]) -> None:
        """External relationship targets on a local disk or share (a linked file, the template)."""
        for target in external:
            if LOCAL_PATH.match(target) and target not in self.doc.file_paths:
                self.doc.file_paths.append(target)

    def people(self, targets: list[tuple[str, str]]):
        """Reviewers listed in people.xml as authors; returns the (last) people part parsed."""
        people = None
        for _, target in targets:
            self.read.add(target)
            el = people = self.pkg.xml(target)
            for person in el.iter(f"{{{W15}}}person") if el is not None else ():
                self.authors.add("people", person.get(f"{{{W15}}}author"))
        return people


_AUTHOR = w("author")
_COMMENT = regex.compile(rb"<!--(.*?)-->", regex.DOTALL)
_XMLNS = regex.compile(rb'xmlns(?::[\w.-]+)?\s*=\s*"([^"]*)"')
_DATA = regex.compile(r"[^\x00-\x7f]|\d{5}|@")  # a namespace name never holds these
#: An external target on a local disk or a network share (file:///C:/Users/…, \\\\server\\…, /home/…).
LOCAL_PATH = regex.compile(r"(?:file:|[A-Za-z]:[\\/]|\\\\|/(?:Users|home)/)", regex.I)
_REVISION_AUTHORS = etree.XPath("//@w:author", namespaces={"w": W})
_COMMENT_REVISION_AUTHORS = etree.XPath("//*[not(self::w:comment)]/@w:author", namespaces={"w": W})


class _Authors:
    """Collects the distinct names recorded as authors of comments and tracked changes."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[tuple[str, str]] = set()

    def add(self, role: str, name: str | None, initials: str | None = None) -> None:
        name = (name or "").strip()
        if name and (role, name) not in self.seen:
            self.seen.add((role, name))
            self.doc.authors.append(Author(role, name, initials or None))

    def revisions(self, root, comments: bool = False) -> None:
        """Authors of w:ins, w:del, w:rPrChange… anywhere in a part (not the comments' own authors)."""
        for name in (_COMMENT_REVISION_AUTHORS if comments else _REVISION_AUTHORS)(root):
            self.add("revision", str(name))


def _read_properties(pkg: DocxPackage, doc: Document) -> None:
    core = pkg.xml("docProps/core.xml")
    if core is not None:
        for el in core:
            if isinstance(el.tag, str) and el.text and el.text.strip():
                doc.core_properties[etree.QName(el).localname] = el.text.strip()
    app = pkg.xml("docProps/app.xml")
    if app is not None:
        for el in app.iterchildren(f"{{{APP}}}*"):
            if len(el) == 0 and el.text and el.text.strip():
                doc.app_properties[etree.QName(el).localname] = el.text.strip()
    custom = pkg.xml("docProps/custom.xml")
    if custom is not None:
        for prop in custom.iter(f"{{{CUSTOM}}}property"):
            name = prop.get("name")
            value = next((child.text for child in prop if isinstance(child.tag, str)), None)
            if name:
                doc.custom_properties[name] = (value or "").strip()
