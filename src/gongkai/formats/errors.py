"""The one exception readers raise, and the one place zip members are read.

Every byte of a package passes through :func:`read_member`: a broken deflate stream
(``zlib.error``), a wrong CRC, a truncated member, an unsupported compression method or an
encrypted member become an :class:`UnreadableDocument` with a Chinese reason, never a
traceback, whichever command reads the package.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager


class UnreadableDocument(Exception):
    """``code`` is machine-readable (unreadable, encrypted, unsupported, too_large, empty,
    archive_limit, archive_unsafe, unsafe, missing, permission, converter_missing; for folder
    entries also link_loop and link_outside);
    ``message`` is one Chinese sentence without the file name (the caller adds it)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


#: What the standard library raises on a damaged zip: decompression, CRC, truncation, headers.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error,
              NotImplementedError, RuntimeError, ValueError, OSError)


def zip_failure(exc: BaseException, what: str = "") -> UnreadableDocument:
    """The UnreadableDocument saying in Chinese why a zip (member) ``what`` could not be read."""
    where = f"{what} " if what and what[-1].isascii() else what  # "word/document.xml 解压失败", "压缩包成员解压失败"
    text = str(exc)
    low = text.lower()
    if isinstance(exc, zlib.error):
        return UnreadableDocument("unreadable", f"文件已损坏（{where}解压失败：压缩数据流无效）")
    if isinstance(exc, zipfile.BadZipFile) and "crc" in low:
        return UnreadableDocument("unreadable", f"文件已损坏（{where}校验和不符，数据被改动或传输出错）")
    if "password" in low or "encrypt" in low:
        return UnreadableDocument("encrypted", f"文档已加密（{where}设有密码）")
    if isinstance(exc, NotImplementedError) or "compression method" in low:
        return UnreadableDocument("unsupported", f"文件使用了不支持的压缩方式（{where.strip() or '压缩包'}）")
    if isinstance(exc, (EOFError, struct.error)) or "truncated" in low or "eof" in low:
        return UnreadableDocument("unreadable", f"文件已损坏（{where}数据不完整，文件可能被截断）")
    if isinstance(exc, zipfile.LargeZipFile):
        return UnreadableDocument("archive_limit", f"压缩包过大（{where.strip() or 'ZIP64'} 超出可读范围）")
    return UnreadableDocument("unreadable", f"文件已损坏（{where}zip 记录无效）")


@contextmanager
def zip_errors(what: str = "") -> Iterator[None]:
    """Turn any failure of zipfile inside the block into an UnreadableDocument about ``what``."""
    try:
        yield
    except UnreadableDocument:
        raise
    except ZIP_ERRORS as exc:
        raise zip_failure(exc, what) from None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, what: str | None = None) -> bytes:
    """The bytes of one zip member, at most ``cap`` + 1 of them (the caller compares with its cap)."""
    if info.flag_bits & 0x1:
        raise UnreadableDocument("encrypted", f"压缩包成员 {what or info.filename} 已加密")
    with zip_errors(what if what is not None else info.filename), zf.open(info) as fh:
        return fh.read(cap + 1)


def open_zip(file, what: str = "") -> zipfile.ZipFile:
    """A ZipFile over a path or binary file, or UnreadableDocument when its directory is damaged."""
    try:
        return zipfile.ZipFile(file)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except ZIP_ERRORS as exc:
        raise zip_failure(exc, what) from None
