"""The attribute audit: one row per document (label, suggestion, status), from its Report.

Pure: it reads Reports (or ReadErrors) and returns rows; ``gongkai audit`` prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ..models import ReadError, Report

#: Statuses, worst first: the one a document gets is the first that applies.
STATUSES = ("unreadable", "missing", "restricted-content", "conflict", "ok")
STATUS_NAMES = {
    "ok": "一致", "missing": "未标识", "conflict": "不一致", "restricted-content": "夹带不公开内容",
    "unreadable": "无法读取",
}
#: Which audit finding kinds make which status.
_STATUS_OF_KIND = {
    "label_missing": "missing",
    "public_with_restricted": "restricted-content",
    "label_conflict": "conflict",
    "forwarded_attribute": "conflict",
}
COLUMNS = ("file", "title", "doc_number", "doc_type", "label", "suggestion", "confidence", "status", "reason")
HEADERS = {
    "file": "文件", "title": "标题", "doc_number": "文号", "doc_type": "文种", "label": "标注",
    "suggestion": "建议", "confidence": "把握", "status": "状态", "reason": "主要理由",
}


@dataclass(slots=True)
class AuditRow:
    file: str
    title: str | None = None
    doc_number: str | None = None
    doc_type: str | None = None
    label: str | None = None
    suggestion: str | None = None
    confidence: float | None = None
    status: str = "ok"
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def failing(self) -> bool:
        return self.status in ("missing", "conflict", "restricted-content")


def row_for(item: Report | ReadError) -> AuditRow:
    """The audit row of one checked document (or of one that could not be read)."""
    from ..masking import Masker

    if isinstance(item, ReadError):
        return AuditRow(item.file, status="unreadable", reason=Masker()(item.message))
    row = _row(item)
    masker = Masker(item.findings)  # a title or a reason may quote personal data: the audit has no --reveal
    row.title, row.doc_number, row.reason = masker(row.title), masker(row.doc_number), masker(row.reason)
    return row


def _row(item: Report) -> AuditRow:
    d, a = item.document, item.attribute
    row = AuditRow(
        item.file, d.title, d.doc_number, d.doc_type, d.label,
        a.suggested if a else None, a.confidence if a else None,
    )
    audit = [f for f in item.findings if f.category == "attribute" and f.kind in _STATUS_OF_KIND]
    statuses = {_STATUS_OF_KIND[f.kind]: f for f in audit}
    if d.label is None and "missing" not in statuses:
        row.status = "missing"  # A101 deselected: the fact still stands
    for status in STATUSES:
        if status in statuses:
            row.status = status
            f = statuses[status]
            row.reason = f"{f.message}（{f.basis}）" if f.basis else f.message
            break
    if row.status == "missing":
        # The clerk needs what to write, not only that something is missing.
        row.reason = "未标识公开属性，应退回起草单位（《勺米镇公文类信息公开属性源头认定制度》第四条）"
        if a and a.reasons:
            row.reason += f"；建议“{a.suggested}”：{a.reasons[0].text}（{a.reasons[0].basis}）"
    if not row.reason and a and a.reasons:
        r = a.reasons[0]
        row.reason = f"{r.text}（{r.basis}）"
    return row


def summarise(rows: Iterable[AuditRow]) -> dict[str, int]:
    """Counts per status (every status present, zero when none) and the total."""
    counts = Counter(r.status for r in rows)
    out = {s: counts.get(s, 0) for s in reversed(STATUSES)}
    out["total"] = sum(counts.values())
    return out


def summary_line(summary: dict[str, int]) -> str:
    """共 12 份：一致 8，未标识 2，不一致 1，夹带不公开内容 1，无法读取 0"""
    parts = "，".join(f"{STATUS_NAMES[s]} {summary[s]}" for s in reversed(STATUSES))
    return f"共 {summary['total']} 份：{parts}"


def cell_text(value) -> str:
    """A row's value as a table or CSV cell shows it: nothing for None, confidence to two places."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
