"""Safe XML parsing for untrusted Office parts: no entities, no DTD, no network."""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V = "urn:schemas-microsoft-com:vml"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class UnsafeXML(ValueError):
    """An XML part carries a DTD (XXE, entity expansion): Office never writes one."""


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True,
)


def parse(data: bytes) -> etree._Element:
    """Parse an untrusted XML part. Refuses any DOCTYPE outright."""
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in head:
        raise UnsafeXML("XML 部件含有 DTD 声明（可能是 XXE 或实体膨胀攻击）")
    return etree.fromstring(data, _PARSER)
