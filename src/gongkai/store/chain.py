"""The register's hash chain: every event and archive entry links to the one before it.

Each row appended to ``review_events`` or ``release_archive`` gets a global sequence number
``seq`` (1, 2, 3… across both tables), the link of the row before it (``prev_hash``;
``genesis`` for the first) and its own link (``link_hash``) = a hash over ``prev_hash`` and the
row's canonical form: every column that says who did what, when, as which role, on which
content (the versioned package fingerprint included), with the document's key and round in
place of its row id. As in a transparency log, changing, removing or inserting any row breaks
every link after it.

A chain alone cannot show that its last rows were removed, or that someone with write access
recomputed it, so the head (``seq`` and link of the last row) is also kept outside the
database — in a head file beside a SQLite register, on every release receipt and in
``archive list`` exports — and with a key (``[register] key_file``) each link is an HMAC
that cannot be recomputed without it. :func:`verify` walks the chain and names the first
broken link.

Links are written ``sha256:<hex>`` or ``hmac-sha256:<hex>``. With a key configured every
link must be an HMAC; a plain link is reported as a chain recomputed without the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic

GENESIS = "genesis"
PLAIN, KEYED = "sha256", "hmac-sha256"

#: Columns of each table that a link covers (besides seq and the document's key and round).
EVENT_FIELDS = ("kind", "stage", "actor", "role", "at", "content_sha256", "package_sha256", "places",
                "file_sha256", "path", "reject", "important", "rule", "note")
ARCHIVE_FIELDS = ("released_at", "released_by", "key", "title", "doc_number", "label", "important",
                  "content_sha256", "package_sha256", "file_sha256", "path", "reviewers", "waivers", "findings")
BOOLEANS = {"reject", "important"}
TABLE_NAMES = {"event": "审核事件", "archive": "登记归档"}


class HeadError(ValueError):
    """The head file cannot be read (damaged, not ours)."""


def canonical(table: str, seq: int, doc_key: str, doc_round: int, values: Mapping) -> bytes:
    """The bytes a link covers: one JSON object, keys sorted, no spaces."""
    names = EVENT_FIELDS if table == "event" else ARCHIVE_FIELDS
    row = {name: (bool(values.get(name)) if name in BOOLEANS else values.get(name)) for name in names}
    row.update(table=table, seq=int(seq), document=[doc_key, int(doc_round)])
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def link(prev: str, payload: bytes, key: bytes | None) -> str:
    data = prev.encode("ascii") + b"\n" + payload
    if key:
        return f"{KEYED}:{hmac.new(key, data, hashlib.sha256).hexdigest()}"
    return f"{PLAIN}:{hashlib.sha256(data).hexdigest()}"


def keyed(value: str | None) -> bool:
    return bool(value) and value.startswith(KEYED + ":")


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    link: str

    def text(self) -> str:
        """The head as printed on receipts: ``第 N 条 <link>``."""
        return f"第 {self.seq} 条 {self.link}"

    def token(self) -> str:
        """The head as ``archive verify --head`` takes it: ``N:<link>``."""
        return f"{self.seq}:{self.link}"


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True, slots=True)
class ChainRow:
    table: str  # event | archive
    id: int
    seq: int
    prev: str
    link: str
    payload: bytes
    what: str  # a clerk's description of the row


@dataclass
class Verdict:
    """What :func:`verify` found."""

    rows: int = 0
    legacy: int = 0  # rows written before the chain existed (not protected)
    head: Head = EMPTY  # the chain's last row
    problems: list[str] = field(default_factory=list)  # the first broken link first

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(rows: Iterable[ChainRow], key: bytes | None, head_file: Head | None, *,
           head_file_expected: bool, expected: Head | None = None, legacy: int = 0) -> Verdict:
    """Walk the chain in ``seq`` order and report the first broken link, then compare the heads.

    ``head_file`` is the head kept outside the database (None when there is none);
    ``head_file_expected`` says whether one should exist (a SQLite register with chained rows);
    ``expected`` is a head from a receipt or an export that must still be on the chain.
    """
    out = Verdict(legacy=legacy)
    at_expected = _walk(rows, key, out, expected)
    if out.problems:
        return out
    problem = _head_file_problem(out, head_file, head_file_expected)
    if problem is None and expected is not None:
        problem = _receipt_problem(out.head, expected, at_expected)
    if problem is not None:
        out.problems.append(problem)
    return out


def _walk(rows: Iterable[ChainRow], key: bytes | None, out: Verdict, expected: Head | None) -> str | None:
    """Follow the links in ``seq`` order into ``out`` (rows, head, the first broken link);
    returns the link of row ``expected.seq`` when the walk passed it."""
    prev, want = GENESIS, 1
    at_expected = None
    for row in sorted(rows, key=lambda r: r.seq):
        out.rows += 1
        problem = _broken_link(row, want, prev, key)
        if problem is not None:
            out.problems.append(problem)
            break
        if expected is not None and row.seq == expected.seq:
            at_expected = row.link
        prev, want = row.link, want + 1
        out.head = Head(row.seq, row.link)
    return at_expected


def _broken_link(row: ChainRow, want: int, prev: str, key: bytes | None) -> str | None:
    """Why ``row`` does not continue a chain that expects row ``want`` after link ``prev``
    (None: it does); raises KeyRequired for a keyed row when no key is configured."""
    if row.seq > want:
        gone = f"第 {want} 条" if row.seq == want + 1 else f"第 {want}–{row.seq - 1} 条"
        return f"{gone}记录缺失（被删除）；其后的{row.what}（第 {row.seq} 条）"
    if row.seq < want:
        return f"第 {row.seq} 条出现两次（{row.what}）：记录被插入或复制"
    if row.prev != prev:
        return f"第 {row.seq} 条（{row.what}）的前一链接与第 {row.seq - 1} 条不符：前面的记录被改动或替换"
    if key and not keyed(row.link):
        return f"第 {row.seq} 条（{row.what}）的链接不是用密钥计算的：哈希链被无密钥者重算"
    if not key and keyed(row.link):
        raise KeyRequired
    if link(prev, row.payload, key) != row.link:
        why = "或哈希链被用别的密钥重算" if key else ""
        return f"第 {row.seq} 条（{row.what}）的内容与其链接不符：记录被直接改动{why}"
    return None


def _head_file_problem(out: Verdict, head_file: Head | None, head_file_expected: bool) -> str | None:
    """Whether the head kept outside the database still matches the chain's last row."""
    head = out.head
    if head_file is None:
        if head_file_expected and out.rows:
            return "头文件缺失：无法确认最后的记录没有被删除（请从备份恢复头文件，或以发布回执上的链头核对）"
        return None
    if head_file.seq > head.seq:
        return (f"头文件记到第 {head_file.seq} 条，登记库只到第 {head.seq} 条："
                f"最后 {head_file.seq - head.seq} 条记录被删除")
    if head_file.seq < head.seq:
        return (f"登记库有 {head.seq} 条链上记录，头文件只记到第 {head_file.seq} 条："
                f"第 {head_file.seq + 1} 条起的记录未经本程序登记（或写入后头文件未能更新）")
    if head_file.link != head.link:
        return f"第 {head.seq} 条记录与头文件记载的链头不符：最后的记录被替换或哈希链被重算"
    return None


def _receipt_problem(head: Head, expected: Head, at_expected: str | None) -> str | None:
    """Whether a head from a receipt or an export is still on the chain (``at_expected``: the
    chain's link at that row)."""
    if expected.seq > head.seq:
        return f"回执上的链头是第 {expected.seq} 条，登记库只到第 {head.seq} 条：记录被删除"
    if at_expected is None or not at_expected.startswith(expected.link):
        return f"第 {expected.seq} 条记录与回执上的链头不符：记录被改动或哈希链被重算"
    return None


class KeyRequired(Exception):
    """The chain was written with a key and none is configured."""


# --- the head file ---------------------------------------------------------------------------


def read_head(path: Path) -> Head | None:
    """The head in ``path``, None when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        return Head(int(data["seq"]), str(data["link"]))
    except (ValueError, KeyError, TypeError):
        raise HeadError(f"{path}: 头文件已损坏或不是 gongkai 的头文件") from None


def write_head(path: Path, head: Head, register: str, when: str) -> None:
    """Replace the head file atomically (a temporary file, fsync, rename, fsync of the folder)."""
    data = json.dumps({"gongkai": "register-head/1", "register": register, "seq": head.seq, "link": head.link,
                       "updated_at": when}, ensure_ascii=False) + "\n"
    write_atomic(path, data, durable=True)


@contextlib.contextmanager
def head_lock(path: Path | None, timeout_s: float) -> Iterator[None]:
    """Hold ``<head>.lock`` while a row is appended and the head rewritten after the commit.

    The database's own lock ends at COMMIT; this one also covers the head write, so heads are
    written in the order rows were committed. Without fcntl (Windows) only the database lock holds.
    """
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if path is None or fcntl is None:
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a+b") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError("登记库被其他程序锁定，等待超时，请稍后重试") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
