"""A copy of a .docx carrying the review state as custom document properties.

The properties travel with the file (Word shows them under 文件 → 属性 → 自定义) so whoever
receives a copy can see how far its review went. They are a courtesy, never the source of
truth: gongkai reads review state only from the store, and the stamp does not change the
content fingerprint (custom properties are not content), so a stamped copy still matches
its record.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..config import Limits
from ..formats.errors import UnreadableDocument, open_zip, read_member
from ..formats.xml import parse

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PART = "docProps/custom.xml"
#: Every property gongkai writes starts with this; stamping again replaces them all.
PREFIX = "gongkai.review."

#: Members are read bounded; the document was read whole (and its sizes checked) before stamping.
_MEMBER_CAP = Limits().part_bytes


def _read(zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    raw = read_member(zin, info, _MEMBER_CAP)  # damage -> UnreadableDocument with a Chinese reason
    if len(raw) > _MEMBER_CAP:
        raise UnreadableDocument("too_large", f"超出安全限制：部件 {info.filename} 过大")
    return raw


def stamp_docx(data: bytes, properties: dict[str, str]) -> bytes:
    """``data`` (a .docx) with ``properties`` (names without the prefix) set as custom properties."""
    zin = open_zip(io.BytesIO(data))
    names = zin.namelist()
    has_part = PART in names
    if has_part:
        root = parse(_read(zin, zin.getinfo(PART)), PART)  # DTDs refused wherever they stand
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for prop in list(root.iter(f"{{{CUSTOM_NS}}}property")):
        if (prop.get("name") or "").startswith(PREFIX):
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root.iter(f"{{{CUSTOM_NS}}}property")] + [1])
    for name, value in properties.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=FMTID, pid=str(pid), name=PREFIX + name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    custom_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = _read(zin, info)
            if info.filename == PART:
                body = custom_xml
            elif not has_part and info.filename == "_rels/.rels":
                rels = parse(body, info.filename)
                taken = {r.get("Id") for r in rels}
                rid = next(f"rIdGongkai{i}" for i in range(1, 1000) if f"rIdGongkai{i}" not in taken)
                etree.SubElement(rels, f"{{{REL_NS}}}Relationship", Id=rid, Type=REL_TYPE, Target=PART)
                body = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif not has_part and info.filename == "[Content_Types].xml":
                types = parse(body, info.filename)
                etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + PART, ContentType=CONTENT_TYPE)
                body = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
        if not has_part:
            zout.writestr(PART, custom_xml)
    return out.getvalue()
