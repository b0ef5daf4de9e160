"""Plain text (.txt/.md) with encoding detection: UTF-8 (with or without BOM), UTF-16, GB18030/GBK."""

from __future__ import annotations

import codecs

from .errors import UnreadableDocument

#: Tried in order after the BOMs; GB18030 is a superset of GBK and GB2312.
_CANDIDATES = ("utf-8", "gb18030")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) for bytes of a text file; raises UnreadableDocument when no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnreadableDocument("unreadable", "不是文本文件（含有二进制内容）")
    for enc in _CANDIDATES:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    try:  # pragma: no cover - GB18030 decodes nearly every byte string; this is the last resort
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:
        best = None
    if best is None:  # pragma: no cover
        raise UnreadableDocument("unreadable", "无法识别文本编码")
    return str(best), best.encoding
