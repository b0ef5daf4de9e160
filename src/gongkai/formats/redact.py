"""Write a redacted copy of a .docx: personal data masked in place (区分处理), layout kept.

Every WordprocessingML part that holds paragraphs (body, headers, footers, footnotes, endnotes,
comments; text boxes inside them, the DrawingML choice and its VML fallback alike) is parsed,
each paragraph's text is rebuilt exactly as the reader builds it, and the masked spans of the
block with that text are written back into the ``w:t`` elements that carry those characters.
Masks keep the length (one ``*`` per hidden character), so runs, styles and tables are left as
they are; a mask of another length (e-mail) goes into the first run of its span.

Personal data outside the body is cleared too: the author places (作者 dc:creator, 最后修改者
cp:lastModifiedBy, 经理 Manager, the w:author of comments and tracked changes, people.xml) are
replaced by a neutral value (empty unless configured), other property values (标题、备注、
custom properties…) and the user folder in a local path (attached template, linked file) are
masked like body text. Everything else in the package, and every part with nothing to
change, is copied byte for byte.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from urllib.parse import quote

from lxml import etree
from lxml import html as lxml_html

from ..config import Limits
from ..masking import mask, mask_spans
from ..models import Document, Finding
from .errors import UnreadableDocument, read_member
from .package_scan import (
    MAX_DEPTH,
    OLE_MAGIC,
    THUMBNAIL,
    classify,
    member_place,
    property_sources,
    recognise,
    sheet_cells,
    xml_units,
)
from .runtext import paragraph_runs, run_piece
from .xml import APP, CUSTOM, MC, PKG_REL, W15, parse, w

_T, _P = w("t"), w("p")
_PARAGRAPH_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
                    "word/endnotes.xml", "word/comments.xml", "word/glossary/document.xml")


#: Property places whose whole value is an author: replaced by the neutral value, not masked.
AUTHOR_KEYS = ("core:creator", "core:lastModifiedBy", "app:Manager")
AUTHOR_ROLES = ("comment", "revision", "people")
_AUTHOR, _INITIALS, _W15_AUTHOR = w("author"), w("initials"), f"{{{W15}}}author"
_W15_PERSON, _W15_PRESENCE = f"{{{W15}}}person", f"{{{W15}}}presenceInfo"


@dataclass
class RedactionResult:
    data: bytes
    masked: int  # spans masked
    paragraphs: int  # paragraphs changed
    metadata: int = 0  # property values and author attributes changed


@dataclass
class MetadataPlan:
    """What to change outside the paragraphs: property values by key, author names everywhere."""

    values: dict[str, str]  # "core:title" / "app:Company" / "custom:名称" -> new value
    names: set[str]  # author names to replace in w:author and w15:author attributes
    neutral: str = ""
    targets: dict[str, str] = field(default_factory=dict)  # external relationship target -> masked

    def __bool__(self) -> bool:
        return bool(self.values or self.names or self.targets)


def metadata_plan(doc: Document, findings: list[Finding], neutral: str = "") -> MetadataPlan:
    """From the personal-data findings placed on properties: what each property becomes."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    plan = MetadataPlan({}, set(), neutral)
    for f in findings:
        key = f.location.property
        if not f.sensitive or key is None:
            continue
        value = doc.property_value(key)
        if value is None:
            continue
        space = key.partition(":")[0]
        if space in AUTHOR_ROLES or key in AUTHOR_KEYS:
            plan.names.add(value)
            if space not in AUTHOR_ROLES:
                plan.values[key] = neutral
        elif f.location.end > f.location.start:
            spans.setdefault(key, []).append((f.location.start, f.location.end, f.kind))
    for key, found in spans.items():
        masked = mask_spans(doc.property_value(key) or "", found)
        if key.startswith("path:"):  # a relationship target: rewritten wherever it stands
            plan.targets[doc.property_value(key) or ""] = masked
        else:
            plan.values[key] = masked
    # an author's name also stands in the other author places (dc:creator and their comments)
    for key in AUTHOR_KEYS:
        if doc.property_value(key) in plan.names:
            plan.values[key] = neutral
    return plan


def _set_text(el, old: str, new: str) -> bool:
    """Replace the (stripped) value ``old`` in ``el.text`` by ``new``; True when it changed."""
    text = el.text or ""
    if text.strip() != old or old == new:
        return False
    el.text = text.replace(old, new, 1) if old else new
    return True


def _set_properties(root, part: str, plan: MetadataPlan, doc: Document) -> int:
    changed = 0
    if part == "docProps/core.xml" or part == "docProps/app.xml":
        space = "core" if part.startswith("docProps/core") else "app"
        for el in root:
            if not isinstance(el.tag, str) or (space == "app" and not el.tag.startswith(f"{{{APP}}}")):
                continue
            key = f"{space}:{etree.QName(el).localname}"
            if key in plan.values and _set_text(el, doc.property_value(key) or "", plan.values[key]):
                changed += 1
    elif part == "docProps/custom.xml":
        for prop in root.iter(f"{{{CUSTOM}}}property"):
            key = f"custom:{prop.get('name')}"
            if key not in plan.values:
                continue
            value = next((c for c in prop if isinstance(c.tag, str)), None)
            if value is not None and _set_text(value, doc.property_value(key) or "", plan.values[key]):
                changed += 1
    return changed


def _replace_authors(root, plan: MetadataPlan) -> int:
    """Author attributes naming one of ``plan.names`` set to the neutral value; returns how many."""
    changed = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in (_AUTHOR, _W15_AUTHOR):
            name = el.get(attr)
            if name is not None and name.strip() in plan.names:
                el.set(attr, plan.neutral)
                changed += 1
                if el.get(_INITIALS) is not None:
                    if plan.neutral:
                        el.set(_INITIALS, plan.neutral[:1])
                    else:
                        del el.attrib[_INITIALS]
                if el.tag == _W15_PERSON:  # presenceInfo carries the account (e-mail, user id)
                    for presence in el.findall(_W15_PRESENCE):
                        el.remove(presence)
    return changed


def spans_by_text(doc: Document, findings: list[Finding]) -> dict[str, list[tuple[int, int, str]]]:
    """Masked spans per paragraph text, merged over every block that has that text."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for f in findings:
        if not f.sensitive:
            continue
        loc = f.location
        if loc.property is not None or not 0 <= loc.block < len(doc.blocks) or loc.end <= loc.start:
            continue
        text = doc.blocks[loc.block].text
        out.setdefault(text, []).append((loc.start, loc.end, f.kind))
    for text, spans in out.items():
        spans.sort()
        merged: list[tuple[int, int, str]] = []
        for s, e, k in spans:
            if merged and s < merged[-1][1]:
                ps, pe, pk = merged[-1]
                merged[-1] = (ps, max(pe, e), pk)
            else:
                merged.append((s, e, k))
        out[text] = merged
    return out


def _paragraph_pieces(p) -> list[tuple[str, object]]:
    """(text, w:t element or None) pieces of a paragraph, in the reader's order and rules."""
    return [(piece, child if child.tag == _T else None)
            for r in paragraph_runs(p) for child in r if (piece := run_piece(child))]


def _apply(pieces: list[tuple[str, object]], spans: list[tuple[int, int, str]], text: str) -> int:
    """Write the masked spans into the paragraph's w:t elements; returns spans applied."""
    new_text = {id(el): list(t) for t, el in pieces if el is not None}
    offsets = []
    pos = 0
    for t, el in pieces:
        offsets.append((pos, pos + len(t), el))
        pos += len(t)
    applied = 0
    for start, end, kind in spans:
        masked = mask(text[start:end], kind)
        same_length = len(masked) == end - start
        first = True
        for a, b, el in offsets:
            if el is None or b <= start or a >= end:
                continue
            chars = new_text[id(el)]
            lo, hi = max(a, start), min(b, end)
            if same_length:
                for i in range(lo, hi):
                    chars[i - a] = masked[i - start]
            else:
                for i in range(lo, hi):
                    chars[i - a] = ""
                if first:
                    chars[lo - a] = masked
            first = False
        applied += 1
    for t, el in pieces:
        if el is not None:
            value = "".join(new_text[id(el)])
            if value != el.text:
                el.text = value
                if value != value.strip():
                    el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return applied


#: Members are sized by verify_package before a copy is written; this only bounds a read.
_MEMBER_CAP = Limits().part_bytes


def redact_docx(data: bytes, doc: Document, findings: list[Finding], neutral_author: str = "") -> RedactionResult:
    """A copy of the .docx ``data`` with the personal-data findings of ``doc`` masked.

    Findings placed on properties change those values; author names are replaced by
    ``neutral_author`` wherever the file records them.
    """
    wanted = spans_by_text(doc, findings)
    plan = metadata_plan(doc, findings, neutral_author)
    needles = [n.encode("utf-8") for n in plan.names] + [_xml_attr(n) for n in plan.names]
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    masked = changed = metadata = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = read_member(src, info, _MEMBER_CAP)  # damage -> UnreadableDocument, not zlib.error
            name = info.filename
            root = None
            touched = False
            if wanted and name.endswith(".xml") and name.startswith(_PARAGRAPH_PARTS):
                root = parse(raw)
                for p in root.iter(_P):
                    pieces = _paragraph_pieces(p)
                    text = "".join(t for t, _ in pieces)
                    spans = wanted.get(text)
                    if spans:
                        masked += _apply(pieces, spans, text)
                        changed += 1
                        touched = True
            if needles and name.startswith("word/") and name.endswith(".xml") and any(n in raw for n in needles):
                root = parse(raw) if root is None else root
                n = _replace_authors(root, plan)
                metadata += n
                touched = touched or n > 0
            if plan.values and name in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
                root = parse(raw) if root is None else root
                n = _set_properties(root, name, plan, doc)
                metadata += n
                touched = touched or n > 0
            if plan.targets and name.endswith(".rels") and any(_xml_attr(t) in raw for t in plan.targets):
                root = parse(raw)
                for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
                    if rel.get("Target") in plan.targets:
                        rel.set("Target", plan.targets[rel.get("Target")])
                        metadata += 1
                        touched = True
            if touched:
                raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, raw)
    return RedactionResult(out.getvalue(), masked, changed, metadata)


def _xml_attr(value: str) -> bytes:
    """How a value looks inside an XML attribute (&amp; &quot; &lt;…), to find it in raw bytes."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .encode("utf-8"))


# -- the generic pass: every part of the package ------------------------------------------------------

#: Elements removed with an object whose part is removed (the nearest of these around the reference).
_OBJECT_HOLDERS = frozenset({"object", "drawing", "pict", "altChunk"})
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass
class PackageRedaction:
    """The copy after the generic pass, how many values it masked and what it removed (in Chinese)."""

    data: bytes
    masked: int = 0
    removed: list[str] = field(default_factory=list)


def redact_package(data: bytes, config=None, runner=None, *, prefix: str = "", depth: int = 0) -> PackageRedaction:
    """Mask personal data in every part of the package ``data``; remove what cannot be made safe.

    Accepts deleted revisions (w:del, w:moveFrom go), drops a text box's fallback whose text
    differs from what Word shows (stale), removes thumbnails, binary OLE objects and any member
    the scan cannot read (with their relationships and the elements that show them), redacts
    embedded Office packages recursively, and masks what the recognisers find in every unit
    :mod:`gongkai.formats.package_scan` reads (paragraphs, text nodes, attributes, relationship
    targets, properties, author attributes, HTML and text members).
    """
    copy = _PackageCopy(data, config or _default_config(), runner, prefix, depth)
    src = zipfile.ZipFile(io.BytesIO(data))
    for info in src.infolist():
        if not info.is_dir():
            copy.load(src, info)
    copy.accept_revisions()
    copy.mask()
    copy.remove_dropped()
    return copy.write()


class _PackageCopy:
    """One package being redacted: its members as read and parsed, what goes and why, what changed."""

    def __init__(self, data: bytes, config, runner, prefix: str, depth: int):
        self.config, self.runner, self.prefix, self.depth = config, runner, prefix, depth
        self.limits = config.limits
        self.cap = min(_MEMBER_CAP, self.limits.part_bytes)
        self.result = PackageRedaction(data)
        self.order: list[zipfile.ZipInfo] = []  # the members to write, in the package's order
        self.raw_of: dict[str, bytes] = {}
        self.members: dict = {}  # member -> package_scan.Member (parsed, with its units)
        self.drop: dict[str, str] = {}  # member -> why it goes (Chinese)
        self.touched: set[str] = set()  # members whose tree changed: serialised again
        self.rewrite: dict[str, list[tuple[bytes, bytes]]] = {}  # bytes replaced after serialising
        self.embedded = False  # an embedded package changed

    def load(self, src: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Read one member: parsed for the scan, redacted on its own if a package, or marked to go."""
        fname = info.filename
        self.order.append(info)
        if info.compress_size and info.file_size > 2**20 and info.file_size / info.compress_size > self.limits.max_ratio:
            self.raw_of[fname] = b""
            self.drop[fname] = "压缩比异常的成员"
            return
        try:
            raw = read_member(src, info, self.cap)  # bounded: an embedded package may be a zip bomb
        except UnreadableDocument:
            if not self.prefix:
                raise  # the copy itself is damaged: the command says so
            self.raw_of[fname] = b""
            self.drop[fname] = "无法解压的成员"
            return
        self.raw_of[fname] = raw
        if len(raw) > self.cap:
            self.drop[fname] = "成员过大，无法检查"
        elif raw.startswith(b"PK\x03\x04"):
            self._embedded(fname, raw)
        else:
            m = classify(self.prefix + fname, raw, self.limits, self.depth)
            if m.kind in ("binary", "unsafe", "too-large", "too-deep"):
                self.drop[fname] = _drop_reason(fname, raw, m.kind)
            else:
                self.members[fname] = m

    def _embedded(self, fname: str, raw: bytes) -> None:
        """An embedded package, redacted recursively; it goes when nested too deep or unreadable."""
        if self.depth + 1 >= MAX_DEPTH:
            self.drop[fname] = "嵌入文件嵌套过深"
            return
        try:
            inner = redact_package(raw, self.config, self.runner, prefix=self.prefix + fname + "!/",
                                   depth=self.depth + 1)
        except (zipfile.BadZipFile, OSError, ValueError, etree.XMLSyntaxError, UnreadableDocument):
            self.drop[fname] = "嵌入文件无法读取"
            return
        if inner.data != raw:
            self.raw_of[fname] = inner.data
            self.embedded = True
        self.result.masked += inner.masked
        self.result.removed += inner.removed

    def accept_revisions(self) -> None:
        """Deleted revisions accepted and stale text-box fallbacks dropped (WordprocessingML parts only)."""
        for fname, m in self.members.items():
            if m.kind != "xml" or not fname.startswith("word/") or not fname.endswith(".xml"):
                continue
            n_del, n_fallback = _accept_deletions(m.root), _drop_stale_fallbacks(m.root)
            if n_del or n_fallback:
                self.touched.add(fname)
                m.units = xml_units(m.root, m.name, member_place(m.name))
            if n_del:
                self.result.removed.append(f"已接受修订中的删除 {n_del} 处（删去的文字不再保留）{_in(self.prefix, fname)}")
            if n_fallback:
                self.result.removed.append(f"已删除与显示内容不同的文本框兼容内容 {n_fallback} 处{_in(self.prefix, fname)}")

    def mask(self) -> None:
        """Mask what the recognisers find in every unit of the members kept."""
        ms = list(self.members.values())
        units = [u for m in ms for u in m.units]
        units += sheet_cells(ms)
        hits = recognise(units, self.config, property_sources(ms, self.prefix), self.runner)
        by_unit: dict[int, list[tuple[int, int, str]]] = {}
        for hit in hits:
            by_unit.setdefault(hit.unit, []).append((hit.start, hit.end, hit.kind))
        for idx, spans in by_unit.items():
            self._outside_the_tree(units[idx], spans)
        self.result.masked += _write_masks(units, hits, self.touched, self.prefix)

    def _outside_the_tree(self, u, spans: list[tuple[int, int, str]]) -> None:
        """Personal data in a unit no element holds: an XML comment goes when its part is written
        again, a namespace URI is rewritten in the bytes, media with text (image metadata) cannot be
        masked in place and go with what shows them."""
        fname = u.member[len(self.prefix):]
        if u.segments or fname in self.drop:
            return
        if u.raw in ("comment", "pi"):
            self.touched.add(fname)
        elif u.raw == "xmlns":
            self.touched.add(fname)
            new = quote(mask_spans(u.text, spans), safe=_URL_SAFE)
            for old in {u.text, quote(u.text, safe=_URL_SAFE)}:
                self.rewrite.setdefault(fname, []).append((_xml_attr(old), _xml_attr(new)))
        else:
            self.drop[fname] = "图片元数据含个人信息"

    def remove_dropped(self) -> None:
        """Members that go leave with their relationships, content types and the elements showing them."""
        for fname in self.drop:
            self.members.pop(fname, None)
        if self.drop:
            for fname in list(self.raw_of):
                if fname.endswith(".rels") and fname not in self.drop:
                    self._remove_relationships(fname)
            self._remove_content_types()
            for fname, why in self.drop.items():
                self.result.removed.append(f"已删除{why} {self.prefix}{fname}")
        _fix_sheet_cells(self.members, self.touched)

    def _tree(self, fname: str):
        """The parsed XML of a member (parsed now if the scan did not keep it), or None."""
        if fname not in self.members:
            raw = self.raw_of.get(fname)
            if raw is None:
                return None
            m = classify(self.prefix + fname, raw, _default_config().limits, 0)
            if m.kind != "xml":
                return None
            self.members[fname] = m
        return self.members[fname].root

    def _remove_relationships(self, rels_name: str) -> None:
        """The relationships of one .rels part whose target goes, and what shows them in its source."""
        root = self._tree(rels_name)
        if root is None:
            return
        source = _rels_source(rels_name)
        for rel in list(root.iter(f"{{{PKG_REL}}}Relationship")):
            if rel.get("TargetMode") == "External" or _resolve(source, rel.get("Target") or "") not in self.drop:
                continue
            root.remove(rel)
            self.touched.add(rels_name)
            part = self._tree(source) if source else None
            if part is not None:
                self._remove_showing(part, source, rel.get("Id"))

    def _remove_showing(self, part, source: str, rid: str | None) -> None:
        """Remove from ``part`` the object (or element) that refers to relationship ``rid``."""
        for el in list(part.iter()):
            if any(k.startswith(f"{{{_RELS_NS}}}") and v == rid for k, v in el.attrib.items()):
                holder = next((a for a in el.iterancestors() if _local(a.tag) in _OBJECT_HOLDERS), None)
                holder = el if _local(el.tag) in _OBJECT_HOLDERS else holder if holder is not None else el
                if holder.getparent() is not None:
                    holder.getparent().remove(holder)
                    self.touched.add(source)

    def _remove_content_types(self) -> None:
        types = self._tree("[Content_Types].xml")
        if types is not None:
            for o in list(types.iter(f"{{{_CT_NS}}}Override")):
                if (o.get("PartName") or "").lstrip("/") in self.drop:
                    types.remove(o)
                    self.touched.add("[Content_Types].xml")

    def write(self) -> PackageRedaction:
        """The copy: members that go left out, changed trees serialised again (the rest byte for byte)."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in self.order:
                fname = info.filename
                if fname in self.drop:
                    continue
                raw = self.raw_of[fname]
                if fname in self.touched and fname in self.members:
                    raw = _serialise(self.members[fname])
                    for old, new in self.rewrite.get(fname, ()):
                        raw = raw.replace(old, new)
                dst.writestr(info, raw)
        if self.touched or self.drop or self.embedded:
            self.result.data = out.getvalue()
        return self.result


#: Characters a URL keeps as they are when a masked value is percent-encoded again.
_URL_SAFE = "/:?&=#;,+@!$'()*~%-._[]"


def _default_config():
    from ..config import Config  # the config module imports the readers: not at import time

    return Config()


def _in(prefix: str, fname: str) -> str:
    return f"（{prefix}{fname}）"


def _drop_reason(fname: str, raw: bytes, kind: str) -> str:
    if THUMBNAIL.search(fname):
        return "缩略图"
    if raw.startswith(OLE_MAGIC):
        return "二进制 OLE 嵌入对象"
    return {"unsafe": "无法解析的部件", "too-large": "过大的部件", "too-deep": "嵌套过深的嵌入文件"}.get(kind, "无法检查的二进制部件")


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _accept_deletions(root) -> int:
    """Remove deleted text (w:del with content, w:moveFrom and its range marks): the deletion accepted."""
    gone = [el for el in root.iter(w("del"), w("moveFrom")) if len(el)]
    gone += list(root.iter(w("moveFromRangeStart"), w("moveFromRangeEnd")))
    gone += [el for el in root.iter(w("delText"), w("delInstrText"))
             if not any(a.tag in (w("del"), w("moveFrom")) for a in el.iterancestors())]
    count = 0
    for el in gone:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
            count += el.tag in (w("del"), w("moveFrom"), w("delText"))
    return count


def _text_of(el) -> str:
    return "".join(t.text or "" for t in el.iter(_T))


def _drop_stale_fallbacks(root) -> int:
    """Remove the mc:Fallback of an AlternateContent whose text differs from its Choice's (Word shows the choice)."""
    count = 0
    for alt in list(root.iter(f"{{{MC}}}AlternateContent")):
        choice = alt.find(f"{{{MC}}}Choice")
        fallback = alt.find(f"{{{MC}}}Fallback")
        if choice is None or fallback is None:
            continue
        if _text_of(fallback) and _text_of(fallback) != _text_of(choice):
            alt.remove(fallback)
            count += 1
    return count


def _write_masks(units, hits, touched: set[str], prefix: str) -> int:
    """Apply every hit to the characters of the elements its unit was read from (merged per slot)."""
    url_twins = {(id(u.segments[0].el), u.segments[0].key) for u in units
                 if u.url and u.segments and u.segments[0].slot == "attr"}
    slots: dict[tuple, tuple[object, list[str], bool]] = {}
    count = 0
    for hit in sorted(hits, key=lambda h: (h.unit, h.start)):
        unit = units[hit.unit]
        if not unit.segments:
            continue
        first = unit.segments[0]
        if first.slot == "attr" and not unit.url and (id(first.el), first.key) in url_twins:
            continue  # the URL-decoded reading of the same attribute is written instead
        value = unit.text[hit.start:hit.end]
        masked = mask(value, hit.kind)
        same = len(masked) == len(value)
        placed = False
        for seg in unit.segments:
            lo, hi = max(seg.start, hit.start), min(seg.end, hit.end)
            if lo >= hi:
                continue
            key = (id(seg.el), seg.slot, seg.key, unit.url)
            if key not in slots:
                slots[key] = (seg, list(unit.text[seg.start:seg.end]), unit.url)
            chars = slots[key][1]
            for i in range(lo, hi):
                if same:
                    chars[i - seg.start] = masked[i - hit.start]
                else:
                    chars[i - seg.start] = "" if placed else masked
                    placed = True
        touched.add(unit.member[len(prefix):])
        count += 1
    for seg, chars, url in slots.values():
        value = "".join(chars)
        if seg.slot == "text":
            seg.el.text = value
        elif seg.slot == "tail":
            seg.el.tail = value
        elif seg.slot == "attr":
            seg.el.set(seg.key, quote(value, safe=_URL_SAFE) if url else value)
        elif seg.slot == "line":
            seg.el[seg.key] = value
    return count


def _rels_source(rels_name: str) -> str:
    """word/_rels/document.xml.rels -> word/document.xml; _rels/.rels -> '' (the package)."""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file[: -len(".rels")] if file != ".rels" else ""


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("./") if base else posixpath.normpath(target)


def _fix_sheet_cells(members: dict, touched: set[str]) -> None:
    """A numeric cell whose value was masked becomes an inline string (Excel refuses text in a number)."""
    for fname in list(touched):
        m = members.get(fname)
        if m is None or m.kind != "xml" or not fname.startswith("xl/worksheets/"):
            continue
        for c in m.root.iter(f"{{{_SHEET_NS}}}c"):
            v = c.find(f"{{{_SHEET_NS}}}v")
            if v is None or c.get("t") not in (None, "n") or not v.text or _is_number(v.text):
                continue
            c.set("t", "inlineStr")
            c.remove(v)
            inline = etree.SubElement(c, f"{{{_SHEET_NS}}}is")
            etree.SubElement(inline, f"{{{_SHEET_NS}}}t").text = v.text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _serialise(m) -> bytes:
    if m.kind == "xml":
        return etree.tostring(m.root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if m.kind == "html":
        return lxml_html.tostring(m.root, encoding="utf-8", method="html")
    if m.kind == "text":
        encoding = m.encoding if m.encoding != "utf-8-sig" else "utf-8"
        data = "\n".join(m.lines).encode("utf-16" if encoding == "utf-16" else encoding)
        return (b"\xef\xbb\xbf" + data) if m.encoding == "utf-8-sig" else data
    return m.raw
