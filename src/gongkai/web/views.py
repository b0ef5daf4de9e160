"""What the report page shows, built from a Report: the attribute suggestion with its reasons,
the findings grouped by severity and family, and the document's text with each finding's span
highlighted. Everything a person reads passes the report's masker (personal data masked)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Document, Report
from ..models.finding import CATEGORY_LABELS, kind_label
from ..masking import Masker, mask_spans

SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
ORDER = ("error", "warning", "info")


@dataclass
class FindingView:
    n: int
    rule: str
    severity: str
    category: str
    kind: str
    message: str
    text: str
    suggestion: str | None
    basis: str | None
    place: str


@dataclass
class Segment:
    text: str
    severity: str | None = None
    ids: tuple[int, ...] = ()


@dataclass
class BlockView:
    index: int
    part: str
    segments: list[Segment] = field(default_factory=list)


def report_view(doc: Document, report: Report, reveal: bool = False) -> dict:
    masker = Masker(report.findings, reveal)
    findings = []
    for n, f in enumerate(report.findings, 1):
        text = f.text if reveal else (masker(f.text) if not f.sensitive else _masked_value(f))
        findings.append(FindingView(
            n=n, rule=f.rule, severity=f.severity.label, category=f.category,
            kind=kind_label(f.kind, f.category), message=masker(f.message), text=text,
            suggestion=masker(f.suggestion), basis=f.basis, place=masker(f.location.label or f.location.describe()),
        ))
    groups = []
    for sev in ORDER:
        of_sev = [v for v in findings if v.severity == sev]
        if not of_sev:
            continue
        families = []
        for cat in dict.fromkeys(v.category for v in of_sev):
            families.append((CATEGORY_LABELS.get(cat, cat), [v for v in of_sev if v.category == cat]))
        groups.append((sev, SEVERITY_WORDS[sev], families))
    attribute = None
    if report.attribute is not None:
        attribute = {
            "suggested": report.attribute.suggested, "confidence": round(report.attribute.confidence, 2),
            "reasons": [{"text": masker(r.text), "basis": r.basis, "rules": list(r.rules)}
                        for r in report.attribute.reasons],
        }
    return {
        "document": masker.deep(report.document.to_dict()),
        "attribute": attribute,
        "groups": groups,
        "findings": findings,
        "summary": dict(report.summary),
        "blocks": text_view(doc, report, masker, reveal),
        "warnings": [masker(w) for w in report.warnings],
    }


def _masked_value(f) -> str:
    from ..masking import mask

    return mask(f.text, f.kind)


def text_view(doc: Document, report: Report, masker: Masker, reveal: bool) -> list[BlockView]:
    """The document's non-empty paragraphs, each cut into segments at the findings' spans."""
    by_block: dict[int, list[tuple[int, int, int, str]]] = {}
    sensitive: dict[int, list[tuple[int, int, str]]] = {}
    for n, f in enumerate(report.findings, 1):
        loc = f.location
        if loc.block < 0 or loc.property is not None or loc.end <= loc.start:
            continue
        by_block.setdefault(loc.block, []).append((loc.start, loc.end, n, f.severity.label))
        if f.sensitive:
            sensitive.setdefault(loc.block, []).append((loc.start, loc.end, f.kind))
    out = []
    for block in doc.blocks:
        if not block.text.strip():
            continue
        text = block.text
        if not reveal:
            shown = mask_spans(text, sensitive.get(block.index, []))
            shown = masker(shown)
            if len(shown) != len(text):  # a mask that changed the length: no highlighting, text still masked
                out.append(BlockView(block.index, block.part, [Segment(shown)]))
                continue
            text = shown
        out.append(BlockView(block.index, block.part, _segments(text, by_block.get(block.index, []))))
    return out


RANK = {"error": 0, "warning": 1, "info": 2}


def _segments(text: str, spans: list[tuple[int, int, int, str]]) -> list[Segment]:
    if not spans:
        return [Segment(text)]
    cuts = sorted({0, len(text), *(max(0, min(s, len(text))) for s, _, _, _ in spans),
                   *(max(0, min(e, len(text))) for _, e, _, _ in spans)})
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        over = [(n, sev) for s, e, n, sev in spans if s <= a and b <= e]
        if over:
            worst = min((sev for _, sev in over), key=RANK.__getitem__)
            segments.append(Segment(text[a:b], worst, tuple(n for n, _ in over)))
        else:
            segments.append(Segment(text[a:b]))
    return segments
