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
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..models import Document, Finding
from ..output.masking import mask, mask_spans
from ..config import Limits
from .errors import read_member
from .xml import APP, CUSTOM, MC, PKG_REL, W15, parse, w

_T, _R, _P = w("t"), w("r"), w("p")
_SKIP_INLINE = (w("pPr"), w("del"), f"{{{MC}}}Fallback")
_SKIP_RUN = (w("rPr"), w("delText"), w("instrText"))
_TXBX = w("txbxContent")
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
    pieces: list[tuple[str, object]] = []

    def inline(parent):
        for child in parent:
            tag = child.tag
            if tag == _R:
                run(child)
            elif tag in _SKIP_INLINE or not isinstance(tag, str) or tag == _TXBX:
                continue
            elif tag in (w("commentRangeStart"), w("commentRangeEnd")):
                continue
            else:
                inline(child)

    def run(r):
        for child in r:
            tag = child.tag
            if tag == _T:
                if child.text:
                    pieces.append((child.text, child))
            elif tag == w("tab"):
                pieces.append(("\t", None))
            elif tag in (w("br"), w("cr")):
                pieces.append(("\n", None))
            elif tag == w("noBreakHyphen"):
                pieces.append(("-", None))
            elif tag == w("sym"):
                char = child.get(w("char"))
                try:
                    pieces.append((chr(int(char, 16)) if char else "", None))
                except ValueError:
                    pass

    inline(p)
    return pieces


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
_MEMBER_CAP = int(Limits().max_part_mb * 1024 * 1024)


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
