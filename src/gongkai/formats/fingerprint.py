"""The release fingerprint of a whole file (``package_sha256``, version ``pkg1``).

``Document.content_sha256`` fingerprints the text the reader sees; it keeps that meaning. The
release gate also needs to know that *nothing else* in the file changed after 终审: an image
swapped, alt text added, a deleted revision, a field code, an embedded workbook, a property.
This module reads the package itself, not the reader's document model, so a place the reader
does not know is still covered (fail closed).

What counts (version ``pkg1``), for an OOXML package (.docx and embedded .xlsx/.docx…):

* every XML part, canonicalised (W3C C14N with comments: attributes sorted, one encoding),
  text nodes as they are (no NFKC: a full-width digit made half-width is a change),
  indentation between elements dropped. So the text of every place counts, and every
  attribute value (alt text, field instructions, hyperlink tooltips and anchors, docVars,
  content-control tags, relationship targets…), comments, and the markup around them;
* every other member by its bytes (images, the thumbnail, OLE objects, embedded text files);
  an embedded zip (an .xlsx or .docx inside the .docx) by its own ``pkg1`` fingerprint;
* member names, and the zip comment.

What does not count: the order of zip members, their timestamps and compression, and edit
counters that a save rewrites without a change of content — ``w:rsid*`` attributes, the
``w:rsids`` list and the styles' ``w:rsid``, ``w14:paraId``/``textId``, ``wp14:editId``/``anchorId``, ``w:proofErr``,
``w:lastRenderedPageBreak``; in ``docProps/app.xml`` TotalTime, Application, AppVersion and the
statistics (Pages, Words, Characters, CharactersWithSpaces, Lines, Paragraphs); in
``docProps/core.xml`` modified, lastModifiedBy, revision and lastPrinted (the release gate
screens the file as it is at release, so a personal name put into lastModifiedBy is still a
D111 finding there). The ``gongkai.review.*`` custom properties that ``review stamp`` writes
(and the relationship and content-type entry it adds for them) do not count either.

A file that is not a zip package (.txt, .doc, .wps, .pdf) is fingerprinted by its bytes.

Each change is named by its place, ``种类：部件`` (``域代码：word/document.xml``,
``图片：word/media/image1.png``), so a refusal can say what changed: :func:`changed_places`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .xml import MC, UnsafeXML, W

VERSION = "pkg1"
#: hex digits kept per place (the overall digest uses the full place digests)
PLACE_DIGITS = 32
MAX_MEMBERS = 20000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 2048 * 1024 * 1024
MAX_DEPTH = 3  # zips inside zips

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
WP14 = "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
STAMP_PREFIX = "gongkai.review."

#: Elements whose whole subtree is an edit counter or a proofing mark.
_NOISE_ELEMENTS = {
    f"{{{W}}}proofErr", f"{{{W}}}lastRenderedPageBreak", f"{{{W}}}rsids", f"{{{W}}}rsid",
    f"{{{APP}}}TotalTime", f"{{{APP}}}Application", f"{{{APP}}}AppVersion", f"{{{APP}}}Pages",
    f"{{{APP}}}Words", f"{{{APP}}}Characters", f"{{{APP}}}CharactersWithSpaces", f"{{{APP}}}Lines",
    f"{{{APP}}}Paragraphs",
    f"{{{DCTERMS}}}modified", f"{{{CP}}}lastModifiedBy", f"{{{CP}}}revision", f"{{{CP}}}lastPrinted",
}
_NOISE_ATTRS = {f"{{{W14}}}paraId", f"{{{W14}}}textId", f"{{{WP14}}}editId", f"{{{WP14}}}anchorId"}

#: Part kinds by name (the first matching prefix wins); the place is "种类：部件".
_PART_KINDS = (
    ("word/document.xml", "正文"), ("word/header", "页眉"), ("word/footer", "页脚"),
    ("word/footnotes", "脚注"), ("word/endnotes", "尾注"), ("word/comments", "批注"),
    ("word/settings.xml", "文档设置"), ("word/glossary/", "构建基块"), ("word/charts/", "图表"),
    ("word/media/", "图片"), ("word/embeddings/", "嵌入文件"), ("docProps/thumbnail", "缩略图"),
    ("docProps/core.xml", "文档属性"), ("docProps/app.xml", "文档属性"), ("docProps/custom.xml", "自定义属性"),
    ("customXml/", "自定义XML"), ("[Content_Types].xml", "内容类型"), ("xl/sharedStrings", "共享字符串"),
    ("xl/worksheets/", "工作表"), ("xl/media/", "图片"), ("xl/embeddings/", "嵌入文件"),
)

#: Elements that start a place of their own inside a part (kind replaces the part's kind).
_ELEMENT_KINDS = {
    f"{{{W}}}del": "修订删除", f"{{{W}}}moveFrom": "修订删除", f"{{{W}}}delText": "修订删除",
    f"{{{W}}}delInstrText": "修订删除", f"{{{W}}}ins": "修订插入", f"{{{W}}}moveTo": "修订插入",
    f"{{{W}}}instrText": "域代码", f"{{{W}}}docVars": "文档变量", f"{{{W}}}sdtPr": "内容控件",
    f"{{{MC}}}Fallback": "兼容替代内容",
}


#: The reader's safe parser keeps nothing it does not need; this one keeps comments and processing
#: instructions too (they travel with the file), with the same protections.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    remove_comments=False, remove_pis=False,
)


def parse(data: bytes):
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXML("XML 部件含有 DTD 声明")
    root = etree.fromstring(data, _PARSER)
    if root.getroottree().docinfo.doctype:
        raise UnsafeXML("XML 部件含有 DTD 声明")
    return root


class FingerprintError(ValueError):
    """The package cannot be read to the end (a damaged zip member, a bad CRC, too large)."""


@dataclass(frozen=True, slots=True)
class PackageFingerprint:
    """``digest`` = ``pkg1:<sha256 hex>``; ``places`` = place name → its digest (hex prefix)."""

    digest: str
    places: Mapping[str, str] = field(default_factory=dict)


def version_of(digest: str | None) -> str | None:
    """The version prefix of a fingerprint (``pkg1``), None for none."""
    return digest.split(":", 1)[0] if digest and ":" in digest else None


def changed_places(before: Mapping[str, str] | None, after: Mapping[str, str] | None) -> list[str]:
    """Places whose digest differs, or that exist on one side only, sorted; each suffixed（新增）/（删除）."""
    before, after = before or {}, after or {}
    out = []
    for place in sorted(set(before) | set(after)):
        if place not in before:
            out.append(f"{place}（新增）")
        elif place not in after:
            out.append(f"{place}（删除）")
        elif before[place] != after[place]:
            out.append(place)
    return out


def fingerprint_file(path: str | Path) -> PackageFingerprint:
    """The fingerprint of the file at ``path``; OSError propagates."""
    return fingerprint_bytes(Path(path).read_bytes())


def fingerprint_bytes(data: bytes) -> PackageFingerprint:
    if data[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(data)):
        places = _package_places(data, depth=0, budget=[MAX_TOTAL_BYTES])
    else:
        places = {"原始文件": hashlib.sha256(data).hexdigest()}
    return _finish(places)


def _finish(full: Mapping[str, str]) -> PackageFingerprint:
    h = hashlib.sha256(VERSION.encode() + b"\x00")
    for place in sorted(full):
        _feed(h, place.encode("utf-8"))
        _feed(h, full[place].encode("ascii"))
    return PackageFingerprint(f"{VERSION}:{h.hexdigest()}", {k: v[:PLACE_DIGITS] for k, v in sorted(full.items())})


def _feed(h, data: bytes) -> None:
    h.update(b"%d:" % len(data))
    h.update(data)


def _part_kind(name: str) -> str:
    for prefix, kind in _PART_KINDS:
        if name.startswith(prefix):
            return kind
    if name.endswith(".rels"):
        return "关系"
    return "部件"


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    limit = min(MAX_MEMBER_BYTES, budget[0])
    if info.file_size > limit:
        raise FingerprintError(f"部件 {info.filename} 过大（{info.file_size} 字节），超出安全限制")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FingerprintError(f"部件 {info.filename} 已损坏，无法读取（{_short(exc)}）") from None
    if len(data) > limit:
        raise FingerprintError(f"部件 {info.filename} 解压后超出安全限制")
    budget[0] -= len(data)
    return data


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _package_places(data: bytes, depth: int, budget: list[int]) -> dict[str, str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise FingerprintError(f"压缩包已损坏（{_short(exc)}）") from None
    if len(infos) > MAX_MEMBERS:
        raise FingerprintError(f"压缩包部件过多（{len(infos)} 个），超出安全限制")
    hashers: dict[str, object] = {}
    seen: dict[str, int] = {}
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = info.filename
        seen[name] = seen.get(name, 0) + 1
        shown = name if seen[name] == 1 else f"{name}（第{seen[name]}个同名部件）"
        body = _read(zf, info, budget)
        kind = _part_kind(name)
        if _is_xml(name, body):
            try:
                root = parse(body)
            except (UnsafeXML, etree.XMLSyntaxError, ValueError):
                root = None
            if root is not None:
                _walk_part(root, body, name, shown, kind, hashers)
                continue
        if depth < MAX_DEPTH and body[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(body)):
            inner = _finish(_package_places(body, depth + 1, budget)).digest
            _place(hashers, f"{kind}：{shown}", b"zip", inner.encode())
        else:
            _place(hashers, f"{kind}：{shown}", b"bytes", hashlib.sha256(body).hexdigest().encode())
    if zf.comment:
        _place(hashers, "压缩包注释", b"comment", zf.comment)
    return {place: h.hexdigest() for place, h in hashers.items()}


def _is_xml(name: str, body: bytes) -> bool:
    if name.endswith((".xml", ".rels", ".vml")):
        return True
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml")


def _place(hashers: dict, place: str, *items: bytes) -> None:
    h = hashers.get(place)
    if h is None:
        h = hashers[place] = hashlib.sha256()
    for item in items:
        _feed(h, item)


def _qname(clark: str) -> str:
    """``{ns}local`` as an XPath step with the prefixes of :data:`_NS`."""
    ns, _, local = clark[1:].partition("}")
    return f"{_PREFIXES[ns]}:{local}"


_PREFIXES = {W: "w", W14: "w14", WP14: "wp14", CUSTOM: "cu", PKG_REL: "pr", CT: "ct"}
_NS = {prefix: ns for ns, prefix in _PREFIXES.items()}
_NOISE_ATTR_XPATH = etree.XPath(
    "//@*[starts-with(local-name(), 'rsid')] | " + " | ".join("//@" + _qname(a) for a in sorted(_NOISE_ATTRS)),
    namespaces=_NS,
)
_NOISE_ATTR_WORDS = (b"rsid", *{a.rpartition("}")[2].encode() for a in _NOISE_ATTRS})
#: Elements carrying attributes that are places of their own: alt text, simple field codes, hyperlinks.
_ATTR_OWNERS = {"docPr": "图片替代文字", "cNvPr": "图片替代文字", "fldSimple": "域代码", "hyperlink": "超链接"}
_ALT_TEXT_ATTRS = ("descr", "title", "name")
_PART_SKIPS = {  # what review stamp adds: never content
    "docProps/custom.xml": etree.XPath(f"/cu:Properties/cu:property[starts-with(@name, '{STAMP_PREFIX}')]",
                                       namespaces=_NS),
    "[Content_Types].xml": etree.XPath("/ct:Types/ct:Override[@PartName='/docProps/custom.xml']", namespaces=_NS),
}
_RELS_SKIP = etree.XPath(f"/pr:Relationships/pr:Relationship[@Type='{CUSTOM_REL_TYPE}']", namespaces=_NS)
_BLANK_TEXT = etree.XPath("//text()[normalize-space(.) = '']")


def _c14n(node) -> bytes:
    return etree.tostring(node, method="c14n", with_comments=True)


def _cut(el) -> None:
    """Remove ``el`` from its tree, keeping the text that followed it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _walk_part(root, body: bytes, part: str, shown: str, kind: str, hashers: dict) -> None:
    """Hash ``root``'s canonical form (C14N with comments) into the places it belongs to.

    Edit counters are dropped first; then each special place (a deletion, a field code, docVars,
    a content control's properties, a compatibility fallback; alt text, simple-field and
    hyperlink attributes) is hashed on its own and cut out, so the part's own place holds the rest.
    Blank text between elements (indentation) is dropped; blank text of a leaf (``<w:t> </w:t>``) stays.
    """
    _drop_noise(root, body, part)
    _cut_special_elements(root, shown, hashers)
    _cut_attribute_places(root, shown, hashers)
    siblings = list(root.itersiblings(preceding=True)) + list(root.itersiblings())
    if len(root) or (root.text and root.text.strip()) or root.attrib or siblings:
        _place(hashers, f"{kind}：{shown}", b"xml", _c14n(root.getroottree()))


def _drop_noise(root, body: bytes, part: str) -> None:
    """Remove edit counters, what review stamp adds, and blank text between elements."""
    for el in list(root.iter(*_NOISE_ELEMENTS)):  # one pass in C for all the names
        _cut(el)
    if any(word in body for word in _NOISE_ATTR_WORDS):  # an attribute search walks every attribute
        for attr in _NOISE_ATTR_XPATH(root):
            del attr.getparent().attrib[attr.attrname]
    skip = _PART_SKIPS.get(part) or (_RELS_SKIP if part.endswith(".rels") else None)
    if skip is not None:
        for el in skip(root):
            _cut(el)
    for text in _BLANK_TEXT(root):
        parent = text.getparent()
        if text.is_tail:
            parent.tail = None
        elif len(parent):
            parent.text = None


def _cut_special_elements(root, shown: str, hashers: dict) -> None:
    """Hash each outermost special element (deletion, field code…) into its place and cut it out."""
    special = list(root.iter(*_ELEMENT_KINDS))
    if not special:
        return
    marked = set(special)
    outermost = [el for el in special if not any(a in marked for a in el.iterancestors())]
    for el in outermost:  # a field code inside a deletion belongs to the deletion
        _place(hashers, f"{_ELEMENT_KINDS[el.tag]}：{shown}", b"<", _c14n(el))
    for el in outermost:
        _cut(el)


def _cut_attribute_places(root, shown: str, hashers: dict) -> None:
    """Hash alt text, simple-field instructions and hyperlink attributes into their places and remove them."""
    for el in root.iter(*(f"{{*}}{local}" for local in _ATTR_OWNERS)):
        local = etree.QName(el).localname
        names = _ALT_TEXT_ATTRS if _ATTR_OWNERS[local] == "图片替代文字" else tuple(el.attrib)
        if local == "fldSimple":
            names = (f"{{{W}}}instr",)
        for name in names:
            value = el.attrib.get(name)
            if value is not None:
                _place(hashers, f"{_ATTR_OWNERS[local]}：{shown}", b"@", el.tag.encode(), name.encode(),
                       value.encode("utf-8"))
                del el.attrib[name]
