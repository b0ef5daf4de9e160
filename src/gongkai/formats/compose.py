"""Compose .docx files from a simple description, with python-docx.

Used to build test fixtures, the bundled examples and benchmark corpora: every part the
reader knows (tables, headers, footers, footnotes, comments, text boxes, tracked changes,
core, app and custom properties, people.xml) and the run formatting that format rules read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import regex
from docx import Document as new_document
from lxml import etree
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "left": WD_ALIGN_PARAGRAPH.LEFT, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class DocxBuilder:
    """Build a document step by step; ``save()`` or ``to_bytes()`` at the end."""

    doc: object = field(default_factory=new_document)
    _footnotes: list[str] = field(default_factory=list)
    _custom: dict[str, str] = field(default_factory=dict)
    _app: dict[str, str] = field(default_factory=dict)
    _people: list[str] = field(default_factory=list)
    _revision_id: int = 100
    #: python-docx's template carries a thumbnail of an empty page (a place S105 reports): left
    #: out unless ``thumbnail=True``.
    thumbnail: bool = False

    def paragraph(self, text: str = "", *, font: str | None = None, size: float | None = None,
                  bold: bool | None = None, align: str | None = None, style: str | None = None,
                  runs: list[tuple[str, dict]] | None = None):
        """A body paragraph; ``runs`` gives (text, {font,size,bold}) pieces instead of ``text``."""
        p = self.doc.add_paragraph(style=style)
        for piece, fmt in runs or [(text, {"font": font, "size": size, "bold": bold})]:
            run = p.add_run(piece)
            self._format(run, **fmt)
        if align:
            p.alignment = _ALIGN[align]
        return p

    @staticmethod
    def _format(run, font=None, size=None, bold=None):
        if font:
            run.font.name = font
            rpr = run._r.get_or_add_rPr()
            rpr.rFonts.set(qn("w:eastAsia"), font)
        if size:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold

    def table(self, rows: list[list[str]], style: str | None = "Table Grid"):
        t = self.doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        if style:
            t.style = style
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                t.cell(i, j).text = value
        return t

    def header(self, text: str):
        self.doc.sections[0].header.paragraphs[0].text = text
        return self

    def footer(self, text: str):
        self.doc.sections[0].footer.paragraphs[0].text = text
        return self

    def comment(self, paragraph, text: str, author: str = "审核人"):
        """A Word comment anchored on all runs of ``paragraph``."""
        self.doc.add_comment(paragraph.runs, text=text, author=author, initials=author[:1])
        return self

    def footnote(self, paragraph, text: str):
        """A footnote whose reference mark ends ``paragraph``."""
        self._footnotes.append(text)
        fid = len(self._footnotes)
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:footnoteReference {_NS} w:id="{fid}"/>'))
        return self

    def textbox(self, text: str, paragraph=None):
        """A text box (DrawingML with its VML fallback, as Word writes it) in a paragraph."""
        p = paragraph if paragraph is not None else self.doc.add_paragraph()
        inner = f'<w:txbxContent><w:p><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p></w:txbxContent>'
        xml = (
            f'<w:r {_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="2000000" cy="500000"/>'
            '<wp:docPr id="1" name="TextBox 1"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
            '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="500000"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
            f'<wps:txbx>{inner}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline>'
            f'</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape style="width:150pt;height:40pt">'
            f'<v:textbox>{inner}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
        )
        p._p.append(parse_xml(xml))
        return p

    def revision(self, text: str, author: str, kind: str = "ins", paragraph=None):
        """A tracked change by ``author``: ``kind`` "ins" (inserted text) or "del" (deleted text)."""
        p = paragraph if paragraph is not None else self.doc.add_paragraph()
        self._revision_id += 1
        t = "t" if kind == "ins" else "delText"
        p._p.append(parse_xml(
            f'<w:{kind} {_NS} w:id="{self._revision_id}" w:author="{_esc(author)}" w:date="2025-03-05T09:00:00Z">'
            f'<w:r><w:{t} xml:space="preserve">{_esc(text)}</w:{t}></w:r></w:{kind}>'
        ))
        return p

    def attached_template(self, path: str):
        """The template the document was made from, as Word records it: an external path in settings.xml.rels."""
        part = self.doc.part._settings_part
        rid = part.relate_to(path, _ATTACHED_TEMPLATE, is_external=True)
        part.element.insert(0, parse_xml(f'<w:attachedTemplate {_NS} r:id="{rid}"/>'))
        return self

    def person(self, author: str):
        """A reviewer listed in word/people.xml (Word records everyone who commented or tracked changes)."""
        self._people.append(author)
        return self

    _CORE_ATTRS = {"creator": "author", "lastModifiedBy": "last_modified_by", "title": "title",
                   "subject": "subject", "keywords": "keywords", "description": "comments",
                   "category": "category", "contentStatus": "content_status", "identifier": "identifier"}

    def core_property(self, name: str, value: str):
        """A core property (docProps/core.xml) by its XML name: creator, lastModifiedBy, title, description…"""
        setattr(self.doc.core_properties, self._CORE_ATTRS[name], value)
        return self

    def app_property(self, name: str, value: str):
        """An extended property (docProps/app.xml): Company, Manager…"""
        self._app[name] = value
        return self

    def custom_property(self, name: str, value: str):
        self._custom[name] = value
        return self

    def page(self, *, top=37, bottom=35, left=28, right=26, width=210, height=297):
        """Page geometry in millimetres (defaults: GB/T 9704 A4 公文 layout)."""
        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(width), Mm(height)
        s.top_margin, s.bottom_margin = Mm(top), Mm(bottom)
        s.left_margin, s.right_margin = Mm(left), Mm(right)
        return self

    def line_grid(self, lines: int = 22):
        """A document grid of ``lines`` lines per page (GB/T 9704: 22 lines of 28 characters)."""
        sect = self.doc.sections[0]
        text_twips = int(sect.page_height.twips - sect.top_margin.twips - sect.bottom_margin.twips)
        grid = sect._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = sect._sectPr.makeelement(qn("w:docGrid"), {})
            sect._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(text_twips // lines))
        return self

    # -- output ---------------------------------------------------------------------------
    def _finish(self):
        part = self.doc.part
        if self._footnotes:
            notes = "".join(
                f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{_esc(t)}</w:t></w:r></w:p></w:footnote>'
                for i, t in enumerate(self._footnotes, start=1)
            )
            xml = (
                f'<w:footnotes {_NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                f'</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                f'</w:r></w:p></w:footnote>{notes}</w:footnotes>'
            ).encode("utf-8")
            fn = Part(PackURI("/word/footnotes.xml"),
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", xml, part.package)
            part.relate_to(fn, RT.FOOTNOTES)
            self._footnotes = []
        if self._custom:
            props = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{_esc(k)}">'
                f"<vt:lpwstr>{_esc(v)}</vt:lpwstr></property>"
                for i, (k, v) in enumerate(self._custom.items(), start=2)
            )
            xml = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
            ).encode("utf-8")
            cp = Part(PackURI("/docProps/custom.xml"),
                      "application/vnd.openxmlformats-officedocument.custom-properties+xml", xml, part.package)
            part.package.relate_to(cp, RT.CUSTOM_PROPERTIES)
            self._custom = {}

    def _finish_metadata(self):
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()) if not self.thumbnail else ():
            if rel.reltype.endswith("/metadata/thumbnail"):
                package.rels.pop(rid)
        if self._app:
            app = next(p for p in package.iter_parts() if p.partname == "/docProps/app.xml")
            root = parse_xml(app.blob)
            for name, value in self._app.items():
                el = root.find(f"{{{_EP}}}{name}")
                if el is None:
                    el = root.makeelement(f"{{{_EP}}}{name}", {})
                    root.append(el)
                el.text = value
            app._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            self._app = {}
        if self._people:
            persons = "".join(
                f'<w15:person w15:author="{_esc(a)}"><w15:presenceInfo w15:providerId="None" w15:userId="{_esc(a)}"/>'
                "</w15:person>" for a in self._people
            )
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   f'<w15:people xmlns:w15="{_W15}">{persons}</w15:people>').encode("utf-8")
            part = Part(PackURI("/word/people.xml"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml", xml, package)
            self.doc.part.relate_to(part, "http://schemas.microsoft.com/office/2011/relationships/people")
            self._people = []

    def to_bytes(self) -> bytes:
        self._finish()
        self._finish_metadata()
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    def save(self, path: str | Path) -> Path:
        Path(path).write_bytes(self.to_bytes())
        return Path(path)


def make_docx(*paragraphs: str, path: str | Path | None = None, header: str | None = None,
              footer: str | None = None, table: list[list[str]] | None = None) -> bytes:
    """A quick .docx: body paragraphs, optionally a header, footer and a table after them (no thumbnail)."""
    b = DocxBuilder(thumbnail=False)
    for text in paragraphs:
        b.paragraph(text)
    if table:
        b.table(table)
    if header:
        b.header(header)
    if footer:
        b.footer(footer)
    data = b.to_bytes()
    if path is not None:
        Path(path).write_bytes(data)
    return data


_H1 = regex.compile(r"^[一二三四五六七八九十]{1,3}、")
_H2 = regex.compile(r"^（[一二三四五六七八九十]{1,3}）")
_DATE_LINE = regex.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日\s*$")
_NUMBER_LINE = regex.compile(r"^[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号$")
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"


def render_text(text: str, *, title_lines: int = 1) -> bytes:
    """Render a plain-text 公文 (one paragraph a line) as a .docx laid out per GB/T 9704.

    A4 with the standard margins and a 22-line grid; the title in 2号小标宋 centred; body in
    3号仿宋; the marker of a first-level heading (一、…) in 黑体 and of a second-level one
    （（一）…) in 楷体 up to the first full stop; the doc number centred; the 署名 and
    成文日期 right-aligned.
    """
    b = DocxBuilder(thumbnail=False)
    b.page()
    b.line_grid(22)
    lines = text.splitlines()
    date_rows = {i for i, line in enumerate(lines) if _DATE_LINE.match(line)}
    signature_rows = {i - 1 for i in date_rows if i > 0 and len(lines[i - 1]) <= 30 and "。" not in lines[i - 1]}
    body = {"font": BODY_FONT, "size": 16}
    for i, line in enumerate(lines):
        if i < title_lines:
            b.paragraph(line, font=TITLE_FONT, size=22, align="center")
        elif _NUMBER_LINE.match(line.strip()):
            b.paragraph(line, **body, align="center")
        elif i in date_rows or i in signature_rows:
            b.paragraph(line, **body, align="right")
        elif _H1.match(line) or _H2.match(line):
            font = H1_FONT if _H1.match(line) else H2_FONT
            cut = line.find("。") + 1 or len(line)
            runs = [(line[:cut], {"font": font, "size": 16})]
            if line[cut:]:
                runs.append((line[cut:], body))
            b.paragraph(runs=runs)
        else:
            b.paragraph(line, **body)
    return b.to_bytes()
