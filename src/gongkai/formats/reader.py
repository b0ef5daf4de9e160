"""Read one document from bytes, whatever its name claims: the content decides the format."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..config import Limits
from ..models import PLACE_PARTS, Document
from .docx import read_docx
from .errors import UnreadableDocument, open_zip, read_member, zip_errors
from .text import decode_text
from .xml import parse

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_EXTS = {".docx", ".docm", ".dotx", ".dotm"}
TEXT_EXTS = {".txt", ".md", ".text"}
CONVERT_EXTS = {".doc", ".wps", ".wpt", ".dot", ".rtf", ".odt"}
ARCHIVE_EXTS = {".zip"}
#: Extensions picked up when walking folders and archives.
DOCUMENT_EXTS = DOCX_EXTS | TEXT_EXTS | CONVERT_EXTS


def sniff(data: bytes) -> str:
    """The real format of some bytes: zip, ole, pdf, rtf, text or unknown."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if data[:8] == OLE_MAGIC:
        return "ole"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if data[:2] == b"\xff\xd8" or data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image"
    return "text"


def is_encrypted_ole(data: bytes) -> bool:
    """An OLE file that is an encrypted Office document (password to open)."""
    try:
        import msoffcrypto

        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:
        # Encrypted OOXML always carries these two stream names.
        return b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data


def ole_intact(data: bytes) -> bool:
    """Whether an OLE compound file's structure can be read (a truncated .doc/.wps cannot).

    LibreOffice imports a broken one as plain text and returns its bytes as the "document";
    olefile (a dependency of msoffcrypto-tool) reads the sector tables first.
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.listdir())
    except Exception:  # olefile raises OSError, ValueError, IndexError… on broken tables
        return False


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> Document:
    """A Document from the bytes of a file called ``name`` (used in messages and reports)."""
    limits = limits or Limits()
    if len(data) > limits.max_file_mb * 1024 * 1024:
        raise UnreadableDocument(
            "too_large", f"文件过大（{len(data) / 2**20:.0f} MB，上限 {limits.max_file_mb:.0f} MB，可在配置 [limits] max_file_mb 中调整）"
        )
    if not data:
        raise UnreadableDocument("empty", "文件为空（0 字节）")
    ext = Path(name).suffix.lower()
    kind = sniff(data)
    if kind == "zip":
        doc = _read_zip_document(data, name, ext, limits)
    elif kind == "ole":
        if is_encrypted_ole(data):
            raise UnreadableDocument("encrypted", "文档已加密（设有打开密码），请解除密码后再检查")
        if not ole_intact(data):
            raise UnreadableDocument("unreadable", "文件已损坏（旧版 Word/WPS 二进制文件结构无效，可能不完整）")
        real = ext if ext in (".doc", ".wps", ".wpt", ".dot") else ".doc"
        doc = convert_and_read(data, name, real, limits, note=None if ext == real else f"扩展名为 {ext or '（无）'}，实际是旧版 Word/WPS 二进制文件")
    elif kind == "rtf":
        doc = convert_and_read(data, name, ".rtf", limits)
    elif kind == "pdf":
        raise UnreadableDocument("unsupported", "是 PDF 文件，不是 Word 文档；请提供 .docx 原稿")
    elif kind == "image":
        raise UnreadableDocument("unsupported", "是图片文件，不是文档")
    elif ext in DOCX_EXTS | CONVERT_EXTS:
        raise UnreadableDocument("unreadable", f"文件已损坏或不是 {ext} 文档（文件头无法识别）")
    else:
        text, _enc = decode_text(data)
        doc = Document.from_text(text, path=name, source_format="txt")
    doc.path = name
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not any(b.text.strip() for b in doc.blocks if b.part not in PLACE_PARTS):  # hidden places alone: empty
        raise UnreadableDocument("empty", "文档没有文字内容")
    if doc.chars > limits.max_chars:
        raise UnreadableDocument(
            "too_large", f"文档过长（{doc.chars / 10000:.0f} 万字，上限 {limits.max_chars / 10000:.0f} 万字，"
                         "可在配置 [limits] max_chars 中调整）")
    return doc


def _read_zip_document(data: bytes, name: str, ext: str, limits: Limits) -> Document:
    zf = open_zip(io.BytesIO(data))
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names and not any(n.endswith("document.xml") and n.startswith("word/") for n in names):
            if "content.xml" in names and "mimetype" in names:
                return convert_and_read(data, name, ".odt", limits)
            if ext in ARCHIVE_EXTS:
                raise UnreadableDocument("unsupported", "是压缩包，请直接把压缩包作为路径传入")
            raise UnreadableDocument("unreadable", "不是 Word 文档（压缩包内没有 word/document.xml）")
        # Members are read through errors.read_member and parts parsed through xml.parse: both
        # already raise UnreadableDocument; what is left is zipfile failing outside a member read.
        with zip_errors():
            return read_docx(zf, name, limits)


def verify_package(data: bytes, limits: Limits | None = None) -> None:
    """Read every member of a zip package once (CRC checked) and parse every XML part:
    UnreadableDocument if any is damaged or carries a DTD.

    ``check`` reads only the parts with text; a command that copies the whole package
    (annotate, redact) calls this first, so a broken image or font table is reported as
    such instead of failing half-way through writing the copy, and no part it passes on to
    python-docx holds a DOCTYPE.
    """
    limits = limits or Limits()
    cap = limits.part_bytes
    with open_zip(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            data = read_member(zf, info, cap) if info.file_size <= cap else b""
            if info.file_size > cap or len(data) > cap:
                raise UnreadableDocument("too_large", f"文档部件 {info.filename} 解压后过大")
            if info.filename.lower().endswith((".xml", ".rels")):
                parse(data, info.filename)


def converter() -> tuple[str, str] | None:
    """The converter on this machine for old formats: ("soffice", path) or None."""
    for exe in ("soffice", "libreoffice"):
        found = shutil.which(exe)
        if found:
            return exe, found
    return None


def convert_and_read(data: bytes, name: str, ext: str, limits: Limits, note: str | None = None) -> Document:
    """Convert .doc/.wps/.rtf/.odt to .docx with LibreOffice headless, then read it.

    Without LibreOffice, a .doc is still read as text through antiword when that is installed.
    """
    prefix = f"{note}；" if note else ""
    found = converter()
    if found is None:
        antiword = shutil.which("antiword")
        if antiword and ext in (".doc", ".dot"):
            return _antiword(antiword, data, name, limits)
        raise UnreadableDocument(
            "converter_missing",
            f"{prefix}读取 {ext} 文件需要 LibreOffice（soffice），本机未安装；请另存为 .docx，或安装 libreoffice",
        )
    with tempfile.TemporaryDirectory(prefix="gongkai-") as tmp:
        src = Path(tmp) / f"input{ext}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            found[1], f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=limits.convert_timeout_s, check=False,
                           env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise UnreadableDocument("timeout", f"{prefix}LibreOffice 转换超时（{limits.convert_timeout_s:.0f} 秒）") from None
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise UnreadableDocument("unreadable", f"{prefix}LibreOffice 无法转换此文件（文件可能已损坏）")
        converted = out.read_bytes()
    doc = read_bytes(converted, name, limits)
    doc.source_format = ext.lstrip(".")
    if note:
        doc.warnings.append(note)
    return doc


def _antiword(exe: str, data: bytes, name: str, limits: Limits) -> Document:
    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(data)
        fh.flush()
        try:
            proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", fh.name], capture_output=True,
                                  timeout=limits.convert_timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise UnreadableDocument("timeout", "antiword 读取超时") from None
    if proc.returncode != 0:
        raise UnreadableDocument("unreadable", "antiword 无法读取此 .doc 文件（文件可能已损坏）")
    doc = Document.from_text(proc.stdout.decode("utf-8", errors="replace"), path=name, source_format="doc")
    doc.warnings.append("经 antiword 读取为纯文本：表格、页眉页脚和格式信息不完整")
    return doc


def read_file(path: str | Path, max_mb: float, what: str = "文件") -> bytes:
    """The bytes of a file on disk, or UnreadableDocument saying in Chinese why not."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise UnreadableDocument(
                "too_large", f"{what}过大（{size / 2**20:.0f} MB，上限 {max_mb:.0f} MB，可在配置 [limits] 中调整）"
            )
        return p.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument("missing", f"{what}不存在（可能已被移动或删除）") from None
    except PermissionError:
        raise UnreadableDocument("permission", f"没有读取{what}的权限") from None
    except IsADirectoryError:
        raise UnreadableDocument("unreadable", "是文件夹，不是文件") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableDocument("link_loop", "符号链接循环（链接最终指向自身）") from None
        raise UnreadableDocument("unreadable", f"无法读取（{exc.strerror or exc}）") from None


def read_path(path: str | Path, limits: Limits | None = None, name: str | None = None) -> Document:
    """Read a document file from disk."""
    limits = limits or Limits()
    return read_bytes(read_file(path, limits.max_file_mb), name or str(path), limits)
