"""Write a redacted copy of a .docx: personal data masked in place (区分处理), layout kept.

Every WordprocessingML part that holds paragraphs (body, headers, footers, footnotes, endnotes,
comments; text boxes inside them, the DrawingML choice and its VML fallback alike) is parsed,
each paragraph's text is rebuilt exactly as the reader builds it, and the masked spans of the
block with that text are written back into the ``w:t`` elements that carry those characters.
Masks keep the length (one ``*`` per hidden character), so runs, styles and tables are left as
they are; a mask of another length (e-mail) goes into the first run of its span.
Everything else in the package is copied byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..models import Document, Finding
from ..output.masking import mask
from .xml import MC, parse, w

_T, _R, _P = w("t"), w("r"), w("p")
_SKIP_INLINE = (w("pPr"), w("del"), f"{{{MC}}}Fallback")
_SKIP_RUN = (w("rPr"), w("delText"), w("instrText"))
_TXBX = w("txbxContent")
_PARAGRAPH_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
                    "word/endnotes.xml", "word/comments.xml", "word/glossary/document.xml")


@dataclass
class RedactionResult:
    data: bytes
    masked: int  # spans masked
    paragraphs: int  # paragraphs changed


def spans_by_text(doc: Document, findings: list[Finding]) -> dict[str, list[tuple[int, int, str]]]:
    """Masked spans per paragraph text, merged over every block that has that text."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for f in findings:
        if not f.sensitive:
            continue
        loc = f.location
        if loc.block >= len(doc.blocks) or loc.end <= loc.start:
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


def redact_docx(data: bytes, doc: Document, findings: list[Finding]) -> RedactionResult:
    """A copy of the .docx ``data`` with the personal-data findings of ``doc`` masked."""
    wanted = spans_by_text(doc, findings)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    masked = changed = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            name = info.filename
            if wanted and name.endswith(".xml") and name.startswith(_PARAGRAPH_PARTS):
                root = parse(raw)
                touched = False
                for p in root.iter(_P):
                    pieces = _paragraph_pieces(p)
                    text = "".join(t for t, _ in pieces)
                    spans = wanted.get(text)
                    if spans:
                        masked += _apply(pieces, spans, text)
                        changed += 1
                        touched = True
                if touched:
                    raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, raw)
    return RedactionResult(out.getvalue(), masked, changed)
