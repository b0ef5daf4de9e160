"""Pure data: documents, findings, reports. No I/O here."""

from .document import (
    PARTS, PLACE_PARTS, PROPERTY_PART, Author, Block, CommentAnchor, Document, Location, PageLayout, Run, normalise_text,
    property_name,
)
from .finding import SENSITIVE_CATEGORIES, VOCABULARY, Excerpt, Finding, Severity
from .report import ATTRIBUTES, SCHEMA, AttributeSuggestion, DocumentInfo, ReadError, Reason, Report

__all__ = [
    "ATTRIBUTES", "PARTS", "PLACE_PARTS", "PROPERTY_PART", "SCHEMA", "SENSITIVE_CATEGORIES", "VOCABULARY",
    "AttributeSuggestion", "Author", "Block", "Excerpt", "CommentAnchor", "Document", "DocumentInfo", "Finding",
    "Location", "PageLayout", "ReadError", "Reason", "Report", "Run", "Severity", "normalise_text",
    "property_name",
]
