"""Safe XML parsing for untrusted Office parts: no entities, no DTD, no network."""

from __future__ import annotations

from lxml import etree

from .errors import UnreadableDocument

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


class UnsafeXML(UnreadableDocument):
    """An XML part carries a DTD (XXE, entity expansion): Office never writes one."""

    def __init__(self, part: str = ""):
        where = f"{part} " if part else "XML 部件"
        super().__init__("unsafe", f"{where}含有 DTD 声明（可能是 XXE 或实体膨胀攻击），已拒绝")


class BadXML(UnreadableDocument):
    """An XML part that libxml2 refused: damaged, or beyond the parser's safety limits."""


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True,
)

#: libxml2 error codes of its safety limits (XML_ERR_RESOURCE_LIMIT, names, comments, CDATA, entity loops).
_LIMIT_CODES = {114, 110, 63, 45, 89}


def parse(data: bytes, part: str = "") -> etree._Element:
    """Parse an untrusted XML part; refuses any document type declaration wherever it stands.

    The parser neither loads a DTD nor expands entities; after parsing, a part with a
    document type node is refused (a prefix scan alone misses one after 64 KB of comment,
    and the text after an unexpanded entity reference would silently disappear).
    """
    if b"<!ENTITY" in data[:4096]:  # the usual payload: refused before libxml2 even reads it
        raise UnsafeXML(part)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise xml_failure(exc, part) from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise UnsafeXML(part)
    return root


def xml_failure(exc: etree.XMLSyntaxError, part: str = "") -> BadXML:
    """A Chinese reason for libxml2's refusal of ``part``: a safety limit, or damage (with the line)."""
    where = f"{part} " if part else "XML 部件"
    msg = exc.msg or ""
    if exc.code in _LIMIT_CODES or "XML_PARSE_HUGE" in msg or "too long" in msg or "too big" in msg:
        if "depth" in msg.lower():
            reason = f"嵌套过深（{where}中元素或表格嵌套超过 256 层）"
        elif "Text node" in msg or "CData" in msg:
            reason = f"段落过长（{where}中单段文字超过 10 MB）"
        elif "Name" in msg:
            reason = f"名称过长（{where}中标记或属性名超过 5 万字符）"
        elif "ntity" in msg:
            reason = f"实体引用过多（{where}）"
        else:
            reason = f"单个数据块过大（{where}中属性、批注或注释超过 10 MB）"
        return BadXML("too_large", f"超出安全限制：{reason}")
    line = exc.lineno or (exc.position[0] if exc.position else 0)
    at = f"第 {line} 行附近" if line else "内容"
    return BadXML("unreadable", f"文件已损坏（{where}{at}不是完整的 XML）")
