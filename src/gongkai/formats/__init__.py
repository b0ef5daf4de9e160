"""Readers (docx, text, old formats through LibreOffice, folders and zip archives) and writers."""

from .errors import UnreadableDocument
from .reader import DOCUMENT_EXTS, read_bytes, read_path, sniff
from .sources import Source, iter_sources, read_source

__all__ = [
    "DOCUMENT_EXTS", "Source", "UnreadableDocument", "iter_sources", "read_bytes", "read_path",
    "read_source", "sniff",
]
