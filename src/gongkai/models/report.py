"""The report: everything gongkai says about one document. Every emitter reads only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .finding import Finding, Severity

SCHEMA = "gongkai.report/1"
ATTRIBUTES = ("主动公开", "依申请公开", "不予公开")


@dataclass(slots=True)
class DocumentInfo:
    """What the structure analysis learned about the document (DESIGN.md §2 ``document``)."""

    title: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    recipients: str | None = None
    forwarded: dict[str, Any] | None = None  # {"title":…, "doc_number":…, "label":…}
    label: str | None = None
    chars: int = 0
    direction: str | None = None  # 上行/平行/下行
    date: str | None = None

    def to_dict(self) -> dict:
        d = {
            "title": self.title,
            "doc_type": self.doc_type,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "recipients": self.recipients,
            "forwarded": self.forwarded,
            "label": self.label,
            "chars": self.chars,
        }
        if self.direction is not None:
            d["direction"] = self.direction
        if self.date is not None:
            d["date"] = self.date
        return d


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for an attribute suggestion: the clause, the evidence, the rules behind it."""

    basis: str
    text: str
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"basis": self.basis, "text": self.text, "rules": list(self.rules)}


@dataclass(slots=True)
class AttributeSuggestion:
    suggested: str
    confidence: float
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "suggested": self.suggested,
            "confidence": round(self.confidence, 2),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(slots=True)
class Report:
    file: str
    sha256: str
    content_sha256: str
    document: DocumentInfo
    attribute: AttributeSuggestion | None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity.label] += 1
        return counts

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def fails(self, threshold: Severity | None) -> bool:
        """True when a finding is at or above ``threshold`` (None = never fail)."""
        worst = self.worst()
        return threshold is not None and worst is not None and worst >= threshold


@dataclass(frozen=True, slots=True)
class ReadError:
    """A document that could not be read: it takes a report's place in every output."""

    file: str
    code: str  # unreadable, encrypted, unsupported, too_large, archive_limit, missing, permission
    message: str

    def line(self) -> str:
        """The one-line message for stderr: file and reason."""
        return f"{self.file}: {self.message}"
