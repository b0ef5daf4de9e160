"""Pure data: documents, findings, reports. No I/O here."""

from .document import (
    PARTS, PLACE_PARTS, PROPERTY_PART, Author, Block, CommentAnchor, Document, Location, PageLayout, Run, normalise_text,
    property_name,
)
from .finding import (
    CATEGORY_LABELS, KIND_LABELS, SENSITIVE_CATEGORIES, VOCABULARY, Excerpt, Finding, Severity, kind_label,
)
from .report import ATTRIBUTES, SCHEMA, AttributeSuggestion, DocumentInfo, ReadError, Reason, Report

__all__ = [
    "ATTRIBUTES", "CATEGORY_LABELS", "KIND_LABELS", "PARTS", "PLACE_PARTS", "PROPERTY_PART", "SCHEMA",
    "SENSITIVE_CATEGORIES", "VOCABULARY",
    "AttributeSuggestion", "Author", "Block", "Excerpt", "CommentAnchor", "Document", "DocumentInfo", "Finding",
    "Location", "PageLayout", "ReadError", "Reason", "Report", "Run", "Severity", "kind_label",
    "normalise_text", "property_name",
]
