"""Turn command-line paths (files, folders, .zip archives) into documents to read.

Archives are read in memory, never extracted: member names cannot escape anywhere, and
limits on entry count, per-entry and total uncompressed size and compression ratio keep a
zip bomb from exhausting the machine. A :class:`Source` is a small picklable descriptor, so a
worker process can read it itself.
"""

from __future__ import annotations

import io
import logging
import os
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator

from ..config import Limits
from ..models import Document, ReadError
from .errors import ZIP_ERRORS, UnreadableDocument, open_zip, read_member, zip_failure
from .reader import ARCHIVE_EXTS, DOCUMENT_EXTS, read_bytes, read_file, read_path

MAX_NESTING = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Source:
    """One document to read: a file, or a member (chain) inside an archive file."""

    name: str
    path: str
    members: tuple[str, ...] = ()

    def read_bytes(self, limits: Limits) -> bytes:
        if not self.members:
            return read_file(self.path, limits.max_file_mb)
        # The archive file is opened, not read whole: only its directory and the member are
        # read, so a worker's memory does not grow with the archive's size.
        data: bytes | None = None
        for member in self.members:
            try:
                if data is None:
                    zf = open_archive(self.path)
                    data = _read_member(zf, zf.getinfo(member), limits)
                    continue
                with open_zip(io.BytesIO(data), "内层压缩包") as zf:
                    data = _read_member(zf, zf.getinfo(member), limits)
            except FileNotFoundError:
                raise UnreadableDocument("missing", "压缩包不存在（可能已被移动或删除）") from None
            except PermissionError:
                raise UnreadableDocument("permission", "没有读取压缩包的权限") from None
            except KeyError:
                raise UnreadableDocument("missing", "压缩包中已没有这个成员（压缩包可能已被改动）") from None
            except UnreadableDocument:
                raise
            except ZIP_ERRORS as exc:
                raise zip_failure(exc, "压缩包") from None
        return data

    def read(self, limits: Limits | None = None) -> Document:
        limits = limits or Limits()
        if not self.members:
            return read_path(self.path, limits, name=self.name)
        return read_bytes(self.read_bytes(limits), self.name, limits)


#: Archives kept open between reads of their members, most recent last (see open_archive).
_OPEN: OrderedDict[tuple[str, int, int], zipfile.ZipFile] = OrderedDict()
OPEN_ARCHIVES = 2


def open_archive(path: str) -> zipfile.ZipFile:
    """An open ZipFile for the archive at ``path``, kept for the next member read from it.

    Opening a zip parses its whole central directory: for an archive of 20,000 documents that
    is tens of milliseconds, paid again for every member when each read opened the archive
    (quadratic in its size; a batch ran at 11 documents/s). The archive is keyed by its path,
    size and modification time, so a changed file is opened afresh; at most
    ``OPEN_ARCHIVES`` stay open.
    """
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    zf = _OPEN.get(key)
    if zf is not None:
        _OPEN.move_to_end(key)
        return zf
    zf = zipfile.ZipFile(path)
    _OPEN[key] = zf
    while len(_OPEN) > OPEN_ARCHIVES:
        _OPEN.popitem(last=False)[1].close()
    return zf


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    cap = int(limits.archive_max_entry_mb * 1024 * 1024)
    _check_member(info, limits)
    data = read_member(zf, info, cap, "压缩包成员")
    if len(data) > cap:
        raise UnreadableDocument("archive_limit", "压缩包成员解压后超过大小上限（疑似压缩炸弹）")
    return data


def _check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.flag_bits & 0x1:
        raise UnreadableDocument("encrypted", "压缩包成员已加密")
    if info.file_size > limits.archive_max_entry_mb * 1024 * 1024:
        raise UnreadableDocument(
            "archive_limit", f"压缩包成员解压后过大（{info.file_size / 2**20:.0f} MB，疑似压缩炸弹）"
        )
    if info.file_size > 2**20 and info.file_size / max(info.compress_size, 1) > limits.max_ratio:
        raise UnreadableDocument(
            "archive_limit", f"压缩比异常（{info.file_size / max(info.compress_size, 1):.0f}:1，疑似压缩炸弹）"
        )


def unsafe_member_name(name: str) -> bool:
    """Names that would escape an extraction folder: absolute, drive letters, '..' parts."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return True
    return ".." in PurePosixPath(n).parts


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker meant it, also when the UTF-8 flag is missing.

    Without the flag, zipfile decodes the bytes as CP437. Info-ZIP and macOS write UTF-8
    without the flag, Chinese Windows tools (Explorer, WinRAR, 7-Zip) write GBK: like 7-Zip,
    take UTF-8 when the bytes are valid UTF-8, else GB18030, and CP437 only when neither fits.
    Short GBK names are often valid UTF-8 too (通知 reads as two Greek and Hebrew marks), so
    UTF-8 wins over GB18030 only when it reads as Chinese or Latin letters.
    """
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:  # not zipfile's CP437 decoding
        return name
    readings = []
    for encoding in ("utf-8", "gb18030"):
        try:
            readings.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not readings:
        return name
    if len(readings) == 2 and not _plausible_name(readings[0]):
        return readings[1]
    return readings[0]


def _plausible_name(text: str) -> bool:
    """Every non-ASCII character is Han, CJK or full-width punctuation, or a Latin letter."""
    return all(
        c.isascii() or "\u00c0" <= c <= "\u024f" or "\u3000" <= c <= "\u303f"
        or "\u3400" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" or "\U00020000" <= c <= "\U0003ffff"
        for c in text
    )


def _skip(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or "__MACOSX/" in name


def iter_archive(
    data: "bytes | BinaryIO", display: str, path: str, chain: tuple[str, ...], limits: Limits, depth: int = 0
) -> Iterator[Source | ReadError]:
    """The members of an archive given as bytes or an open binary file (read through, not whole)."""
    try:
        zf = open_zip(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except UnreadableDocument as exc:
        yield ReadError(display, exc.code, "压缩包已损坏（zip 结构无效）" if exc.code == "unreadable" else exc.message)
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.archive_max_entries:
            yield ReadError(
                display, "archive_limit",
                f"压缩包成员过多（{len(infos)} 个，上限 {limits.archive_max_entries}），只检查前 {limits.archive_max_entries} 个",
            )
            infos = infos[: limits.archive_max_entries]
        total = 0
        total_cap = limits.archive_max_total_mb * 1024 * 1024
        for info in infos:
            shown = _member_name(info)
            member_display = f"{display}!{shown}"
            if _skip(shown):
                continue
            ext = Path(shown).suffix.lower()
            if ext not in DOCUMENT_EXTS and ext not in ARCHIVE_EXTS:
                continue
            if unsafe_member_name(shown):
                yield ReadError(member_display, "archive_unsafe", "压缩包成员路径不安全（含 .. 或绝对路径），已跳过")
                continue
            try:
                _check_member(info, limits)
            except UnreadableDocument as exc:
                yield ReadError(member_display, exc.code, exc.message)
                continue
            total += info.file_size
            if total > total_cap:
                yield ReadError(
                    member_display, "archive_limit",
                    f"压缩包解压总量超过上限（{limits.archive_max_total_mb:.0f} MB），其余成员未检查",
                )
                return
            if ext in ARCHIVE_EXTS:
                if depth + 1 >= MAX_NESTING:
                    yield ReadError(member_display, "archive_limit", "压缩包嵌套过深，已跳过")
                    continue
                try:
                    inner = _read_member(zf, info, limits)
                except UnreadableDocument as exc:
                    yield ReadError(member_display, exc.code, exc.message)
                    continue
                yield from iter_archive(inner, member_display, path, chain + (info.filename,), limits, depth + 1)
            else:
                yield Source(member_display, path, chain + (info.filename,))


#: The extensions read, for the message about a folder or archive that holds none of them.
NOTHING_TO_CHECK = "、".join(sorted(DOCUMENT_EXTS))


def iter_sources(
    paths: Iterable[str | os.PathLike], limits: Limits | None = None, follow_links: bool = False,
) -> Iterator[Source | ReadError]:
    """Every document under the given paths, in a stable order; problems come as ReadError.

    A folder or archive that holds no document at all is a problem too (one ReadError naming
    it), so that no command reports "0 files checked" as a clean result. Inside a folder, a
    symbolic link that loops is skipped with a ReadError (``link_loop``), and one leading out
    of the folder is reported (``link_outside``) and not followed unless ``follow_links``.
    """
    limits = limits or Limits()
    for raw in paths:
        empty = True
        for item in _path_sources(Path(raw), str(raw), limits, follow_links):
            empty = False
            yield item
        if empty:
            yield ReadError(str(raw), "empty", f"没有可检查的文档（支持 {NOTHING_TO_CHECK}，文件夹与 .zip 中的同样）")


def _path_sources(p: Path, display: str, limits: Limits, follow_links: bool = False) -> Iterator[Source | ReadError]:
    looped = _link_loop(p)
    if looped:
        yield ReadError(display, "link_loop", looped)
    elif p.is_dir():
        yield from walk_folder(p, limits, follow_links)
    elif p.suffix.lower() in ARCHIVE_EXTS and p.exists():
        yield from _archive_file(p, display, limits)
    elif not p.exists():
        yield ReadError(display, "missing", "文件不存在")
    else:
        yield Source(display, str(p))


def _link_loop(p: Path) -> str | None:
    """Why ``p`` is a symbolic link that cannot be resolved (a loop), or None."""
    if not p.is_symlink():
        return None
    try:
        p.resolve(strict=True)
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError, 3.13 OSError(ELOOP)
        if isinstance(exc, FileNotFoundError):
            return None
        return "符号链接循环（链接最终指向自身），已跳过"
    return None


def walk_folder(top: Path, limits: Limits, follow_links: bool = False) -> Iterator[Source | ReadError]:
    """The documents under folder ``top``: files of a folder first (sorted), then its subfolders.

    Symbolic links are resolved before they are entered. A link to a folder on the way down
    (``sub/up -> ..``) or already walked is a loop, skipped with one ReadError; a link to
    another folder inside ``top`` is not followed (that folder is walked under its own name);
    a link whose target lies outside ``top`` is reported and skipped unless ``follow_links``.
    """
    try:
        root = top.resolve(strict=True)
    except (RuntimeError, OSError):
        yield ReadError(str(top), "link_loop", _LOOP)
        return
    yield from _FolderWalk(root, limits, follow_links).folder(top, root)


_LOOP = "符号链接循环（链接最终指向自身），已跳过"
_LOOP_UP = "符号链接循环（指向上级或已检查过的文件夹），已跳过"


class _FolderWalk:
    """One walk of a folder tree: the folders entered so far (by their resolved path), the limits."""

    def __init__(self, root: Path, limits: Limits, follow_links: bool):
        self.root = root
        self.seen = {root}
        self.limits = limits
        self.follow_links = follow_links

    def folder(self, folder: Path, real: Path) -> Iterator[Source | ReadError]:
        """The documents of ``folder`` (resolved: ``real``), then of its subfolders, each sorted by name."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            denied = isinstance(exc, PermissionError)
            yield ReadError(str(folder), "permission" if denied else "unreadable",
                            "没有读取文件夹的权限" if denied else "无法读取文件夹")
            return
        subfolders: list[tuple[Path, Path]] = []
        for entry in entries:
            name = entry.name
            full = folder / name
            if entry.is_symlink():
                yield from self._link(name, full, real, subfolders)
            elif entry.is_dir():
                if not name.startswith("."):
                    subfolders.append((full, real / name))
            elif not _skip(name) and _wanted(name):
                yield from _file_sources(full, self.limits)
        for sub, sub_real in subfolders:
            if sub_real in self.seen:  # reached again through a link followed with --follow-links
                yield ReadError(str(sub), "link_loop", _LOOP_UP)
                continue
            self.seen.add(sub_real)
            yield from self.folder(sub, sub_real)

    def _link(self, name: str, full: Path, real: Path,
              subfolders: list[tuple[Path, Path]]) -> Iterator[Source | ReadError]:
        """A symbolic link in folder ``real``: resolved first; a loop or a target outside the walk
        is reported, a folder outside it followed only with ``follow_links``."""
        try:
            target = full.resolve(strict=True)
        except FileNotFoundError:
            if _wanted(name):
                yield ReadError(str(full), "missing", "符号链接指向的文件不存在")
            return
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a loop, 3.13 OSError
            yield ReadError(str(full), "link_loop", _LOOP)
            return
        inside = target.is_relative_to(self.root)
        if target.is_dir():
            if name.startswith("."):
                return
            if target in self.seen or real.is_relative_to(target):
                yield ReadError(str(full), "link_loop", _LOOP_UP)
            elif not inside and not self.follow_links:
                yield ReadError(str(full), "link_outside", _outside(target))
            elif not inside:
                subfolders.append((full, target))
            # a folder inside the walk is walked under its own name: not twice
        elif _skip(name) or not _wanted(name):
            return
        elif inside or self.follow_links:
            yield from _file_sources(full, self.limits)
        else:
            yield ReadError(str(full), "link_outside", _outside(target))


def _wanted(name: str) -> bool:
    """A file name with an extension gongkai reads (a document or an archive)."""
    return Path(name).suffix.lower() in DOCUMENT_EXTS | ARCHIVE_EXTS


def _outside(target: Path) -> str:
    return f"符号链接指向所查文件夹之外（{target}），未跟随；需要时加 --follow-links"


def _file_sources(full: Path, limits: Limits) -> Iterator[Source | ReadError]:
    if full.suffix.lower() in ARCHIVE_EXTS:
        yield from _archive_file(full, str(full), limits)
    else:
        yield Source(str(full), str(full))


def _archive_file(p: Path, display: str, limits: Limits) -> Iterator[Source | ReadError]:
    try:
        if p.stat().st_size > limits.archive_max_total_mb * 1024 * 1024:
            yield ReadError(display, "too_large", "压缩包过大")
            return
        fh = open(p, "rb")  # listed through the file: only the zip directory is read
    except PermissionError:
        yield ReadError(display, "permission", "没有读取权限")
        return
    except OSError as exc:
        yield ReadError(display, "unreadable", f"无法读取（{exc.strerror or exc}）")
        return
    with fh:
        yield from iter_archive(fh, display, str(p), (), limits)


def read_source(source: Source, limits: Limits | None = None) -> Document | ReadError:
    """Read a source, turning every failure into a ReadError naming it."""
    try:
        return source.read(limits)
    except UnreadableDocument as exc:
        return ReadError(source.name, exc.code, exc.message)
    except MemoryError:
        return ReadError(source.name, "too_large", "文档过大，内存不足")
    except RecursionError:
        return ReadError(source.name, "unreadable", "文档结构嵌套过深")
    except Exception as exc:  # never a traceback for a hostile file: say what failed (-vv shows it)
        log.debug("reading %s failed", source.name, exc_info=True)
        return ReadError(source.name, "unreadable", f"无法读取（读取程序出错：{type(exc).__name__}，加 -vv 查看详情）")
