"""Findings: what a rule says about a place in a document."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

from .document import Location

#: The finding vocabulary (DESIGN.md §2): category -> kinds. Extend, never rename.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "personal_data": (
        "id_card", "mobile", "landline", "bank_card", "email", "person_name", "address",
        "passport", "license_plate", "health_info", "im_account",
    ),
    "secret": ("classification_mark", "internal_marking", "trade_secret", "process_draft"),
    "reprint": ("central_document", "district_document", "reprint_unlabelled", "reference_copy"),
    "approval": ("negative_info", "major_decision", "policy_interpretation"),
    "attribute": ("label_missing", "label_conflict", "public_with_restricted", "forwarded_attribute"),
    "proofing": ("typo", "punctuation", "number_format", "date_format", "word_usage"),
    "format": ("doc_number_format", "heading_numbering", "element_missing", "font", "page_layout"),
    "completeness": (
        "service_guide", "consultation", "pre_disclosure", "interpretation_plan", "catalogue_entry",
    ),
}

#: Categories whose matched text is personal data and is masked in every output by default.
SENSITIVE_CATEGORIES = frozenset({"personal_data"})


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return {1: "提示", 2: "警告", 3: "错误"}[self.value]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (error, warning or info)") from None


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The text around a finding, with the personal-data spans inside it (for masking)."""

    text: str
    start: int  # the finding's span within ``text``
    end: int
    sensitive: tuple[tuple[int, int, str], ...] = ()


@dataclass(slots=True)
class Finding:
    """One problem at one place. ``text`` is the raw matched text; emitters mask it.

    A value, like :class:`Location` (not frozen for the same reason): derive a changed one
    with ``dataclasses.replace`` or :meth:`with_severity`, never assign to a field.
    """

    rule: str
    category: str
    kind: str
    severity: Severity
    message: str
    location: Location
    text: str = ""
    suggestion: str | None = None
    basis: str | None = None
    confidence: float = 1.0
    #: How the finding came about: pattern, validation, context word… (Presidio-style explanation).
    explanation: dict[str, Any] = field(default_factory=dict)
    excerpt: Excerpt | None = None

    @property
    def sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    def with_severity(self, severity: Severity) -> "Finding":
        return replace(self, severity=severity)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.block, loc.start, -self.severity, self.rule)
