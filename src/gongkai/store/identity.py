"""Which review record a document file belongs to.

A file's path is not stable (clerks pass renamed copies around) and its content fingerprint
changes with every edit, so a record is keyed by what a 公文 is known by: its 发文字号
(文号), else its title; only a document with neither falls back to its content fingerprint
(and then an edited copy starts a new record). Path, file sha256 and content fingerprint are
recorded with every event all the same, so the log shows which file was looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import regex

from ..attributes.structure import parse_structure
from ..engine import Context
from ..models import Document, normalise_text

_OPEN = regex.compile(r"[\[［【（(﹝{｛]")
_CLOSE = regex.compile(r"[\]］】）)﹞}｝]")


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document file as the store sees it."""

    key: str
    title: str | None
    doc_number: str | None
    label: str | None
    path: str
    file_sha256: str
    content_sha256: str
    package_sha256: str | None = None  # versioned fingerprint of the whole file (formats.fingerprint)
    places: Mapping[str, str] | None = None


def document_key(title: str | None, doc_number: str | None, content_sha256: str) -> str:
    """The stable key: 文号 (brackets and spacing normalised), else title, else content fingerprint."""
    if doc_number:
        number = "".join(normalise_text(doc_number).split())
        return "文号:" + _CLOSE.sub("〕", _OPEN.sub("〔", number))
    if title:
        return "标题:" + "".join(normalise_text(title).split())
    return "内容:" + content_sha256


def identify(doc: Document) -> DocumentRef:
    """Title, 文号 and label from the document's structure, and the key derived from them."""
    s = parse_structure(doc, Context(doc))
    title = s.title.text if s.title else None
    number = s.doc_number.text if s.doc_number else None
    return DocumentRef(
        key=document_key(title, number, doc.content_sha256),
        title=title, doc_number=number, label=s.label.value if s.label else None,
        path=doc.path, file_sha256=doc.sha256, content_sha256=doc.content_sha256,
    )
