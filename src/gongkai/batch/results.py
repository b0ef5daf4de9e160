"""The results of a batch run: a JSON Lines file or a SQLite database, written as documents finish.

Durability: every finished document is handed to the operating system at once (a line
``write`` for JSON Lines, a committed transaction for SQLite in WAL mode), so a killed
process (SIGKILL, a crash) loses only the documents still being checked. ``sync()`` makes
what was written safe against power loss too (``fsync`` for JSON Lines, a WAL checkpoint for
SQLite); the run calls it in batches (every few hundred documents or every second) and at
the end.

SQLite schema (``gongkai.batch/1``), queryable with plain SQL::

    runs(id, started_at, finished_at, status, paths, options, checked, skipped, errors)
    documents(id, file UNIQUE, source_key, settings, sha256, content_sha256, title, doc_type,
              doc_number, issuer, label, suggested, confidence, attribute_status, chars,
              errors, warnings, infos, worst, seconds, checked_at, run_id, report)
    findings(id, document_id → documents.id, rule, category, kind, severity, message, part,
             paragraph, char_start, char_end, location, text, context, suggestion, basis,
             confidence)
    errors(id, file UNIQUE, source_key, settings, code, message, checked_at, run_id)

``documents.report`` holds the whole ``gongkai.report/1`` object; ``text``/``context`` are
masked unless the run used ``--reveal``. ``attribute_status`` is ``missing`` (no 公开属性
label), ``agrees`` (label = suggestion) or ``differs``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..files import replacing

SCHEMA = "gongkai.batch/1"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
#: Error codes that say nothing about the file: a resumed run tries these documents again.
TRANSIENT_ERRORS = frozenset({"timeout", "worker_crash", "internal", "missing", "permission"})
#: Up to this many documents, a resumed SQLite run reads its index in one query (~20 MB at most).
PRELOAD_MAX = 100_000


class ResultsError(Exception):
    """A results file that cannot be used; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class Prior:
    """What RESULTS already says about a document (for ``--resume``)."""

    key: str | None
    settings: str | None
    sha256: str | None
    error: str | None  # the error code when the document could not be checked
    worst: str | None  # the worst finding severity, when it could


def kind_of(path: str | os.PathLike) -> str:
    """``jsonl`` or ``sqlite`` from the file name; ResultsError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in SQLITE_SUFFIXES:
        return "sqlite"
    raise ResultsError(f"{path}: 结果文件应以 .jsonl 或 .sqlite 结尾")


def worst_severity(record: dict) -> str | None:
    s = record.get("summary") or {}
    for level in ("error", "warning", "info"):
        if s.get(level):
            return level
    return None


def attribute_status(record: dict) -> str | None:
    """missing / agrees / differs for a report; None for an error record."""
    if "error" in record:
        return None
    label = (record.get("document") or {}).get("label")
    suggested = (record.get("attribute") or {}).get("suggested")
    if not label:
        return "missing"
    return "agrees" if label == suggested else "differs"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def open_results(path: str | os.PathLike, *, resume: bool = False) -> Results:
    """Open RESULTS for writing: a fresh file, or (``resume``) the existing one to extend."""
    kind = kind_of(path)
    return JsonlResults(Path(path), resume) if kind == "jsonl" else SqliteResults(Path(path), resume)


def _lock(fd: int, path: Path) -> None:
    """One writer per results file: a second ``gongkai batch`` on it stops with a message."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise ResultsError(f"{path}: 另一个 gongkai batch 正在写入这个结果文件") from None


class Results:
    """Where a run writes; see the module docstring for the durability promise."""

    path: Path
    kind: str

    def lookup(self, name: str) -> Prior | None:
        raise NotImplementedError

    def add(self, record: dict) -> None:
        raise NotImplementedError

    def rekey(self, name: str, key: str) -> None:
        """The document is unchanged but its quick key moved (a touched file): remember the new one."""
        raise NotImplementedError

    def sync(self) -> None:
        raise NotImplementedError

    def start_run(self, paths: list[str], options: dict) -> None:
        pass

    def finish_run(self, status: str, counts: dict) -> None:
        pass

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- JSON Lines -------------------------------------------------------------------------------


class JsonlResults(Results):
    """One ``gongkai.report/1`` object a line, with a ``batch`` section (key, settings, seconds).

    A re-checked document is appended; when the run closes, the file is compacted (written
    anew and atomically renamed) so each document appears once. Resuming keeps a small index
    (name → key, offset) in memory; for very large archives prefer SQLite.
    """

    kind = "jsonl"

    def __init__(self, path: Path, resume: bool):
        self.path = path
        self._index: dict[str, tuple[Prior, int]] = {}
        self.replaced = 0
        try:
            self._fh = open(path, "ab", buffering=0)
        except OSError as exc:
            raise ResultsError(f"{path}: 无法写入结果文件（{exc.strerror or exc}）") from None
        try:
            _lock(self._fh.fileno(), path)
            if resume:
                self._load()
            else:
                self._fh.truncate(0)
        except BaseException:
            self._fh.close()
            raise
        self._offset = self._fh.seek(0, os.SEEK_END)

    def _load(self) -> None:
        good_end = 0
        with open(self.path, "rb") as fh:
            offset = 0
            for raw in fh:
                start, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n"):
                    break  # a line cut short by a killed run: dropped, the document is re-checked
                good_end = offset
                try:
                    record = json.loads(raw)
                except ValueError:
                    self.replaced += 1  # garbage (e.g. after a power loss): compacted away on close
                    continue
                if isinstance(record, dict) and "file" in record:
                    if record["file"] in self._index:
                        self.replaced += 1
                    self._index[record["file"]] = (_prior(record), start)
        if good_end != self.path.stat().st_size:
            with open(self.path, "r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())

    def lookup(self, name: str) -> Prior | None:
        hit = self._index.get(name)
        return hit[0] if hit else None

    def add(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        name = record["file"]
        if name in self._index:
            self.replaced += 1
        self._write(line)
        self._index[name] = (_prior(record), self._offset - len(line))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = self._fh.write(view)
            view = view[n:]
        self._offset += len(data)

    def rekey(self, name: str, key: str) -> None:
        hit = self._index.get(name)
        if not hit:
            return
        with open(self.path, "rb") as fh:
            fh.seek(hit[1])
            record = json.loads(fh.readline())
        record.setdefault("batch", {})["key"] = key
        self.add(record)

    def sync(self) -> None:
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh.closed:
            return
        self.sync()
        try:
            if self.replaced:
                self._compact()  # while still holding the lock
        finally:
            self._fh.close()

    def _compact(self) -> None:
        keep = {offset for _prior_, offset in self._index.values()}
        with open(self.path, "rb") as src, replacing(self.path, durable=True) as dst:
            offset = 0
            for raw in src:
                if offset in keep:
                    dst.write(raw)
                offset += len(raw)
        self.replaced = 0


def _prior(record: dict) -> Prior:
    batch = record.get("batch") or {}
    error = record.get("error")
    return Prior(
        key=batch.get("key"), settings=batch.get("settings"), sha256=record.get("sha256"),
        error=error.get("code") if isinstance(error, dict) else None, worst=worst_severity(record),
    )


def iter_jsonl(path: Path) -> Iterator[dict]:
    """Each document's latest record in a JSON Lines results file (later lines win)."""
    last: dict[str, int] = {}
    with open(path, "rb") as fh:
        offset = 0
        for raw in fh:
            start, offset = offset, offset + len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and "file" in record:
                last[record["file"]] = start
    keep = set(last.values())
    with open(path, "rb") as fh:
        offset = 0
        for raw in fh:
            start, offset = offset, offset + len(raw)
            if start in keep:
                yield json.loads(raw)


# -- SQLite -----------------------------------------------------------------------------------

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    paths TEXT NOT NULL, options TEXT NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,
    source_key TEXT, settings TEXT, sha256 TEXT, content_sha256 TEXT,
    title TEXT, doc_type TEXT, doc_number TEXT, issuer TEXT,
    label TEXT, suggested TEXT, confidence REAL, attribute_status TEXT,
    chars INTEGER, errors INTEGER NOT NULL, warnings INTEGER NOT NULL, infos INTEGER NOT NULL,
    worst TEXT, seconds REAL, checked_at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id),
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE INDEX IF NOT EXISTS documents_worst ON documents(errors DESC, warnings DESC);
CREATE INDEX IF NOT EXISTS documents_attribute ON documents(attribute_status, suggested);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    rule TEXT NOT NULL, category TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT, part TEXT, paragraph INTEGER, char_start INTEGER, char_end INTEGER,
    location TEXT, text TEXT, context TEXT, suggestion TEXT, basis TEXT, confidence REAL
);
CREATE INDEX IF NOT EXISTS findings_document ON findings(document_id);
CREATE INDEX IF NOT EXISTS findings_category ON findings(category, kind);
CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule);
CREATE INDEX IF NOT EXISTS findings_severity ON findings(severity);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,
    source_key TEXT, settings TEXT, code TEXT NOT NULL, message TEXT NOT NULL,
    checked_at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id)
);
CREATE INDEX IF NOT EXISTS errors_code ON errors(code);
"""


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """A connection to a results database (checked to be one)."""
    if not create and not path.exists():
        raise ResultsError(f"{path}: 结果文件不存在")
    try:
        db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        db.execute("PRAGMA foreign_keys=ON")
        if create:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(DDL)
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA,))
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ResultsError(f"{path}: 不是 gongkai 批量检查结果数据库（{exc}）") from None
    if not row or row[0] != SCHEMA:
        db.close()
        raise ResultsError(f"{path}: 不是 gongkai 批量检查结果数据库（schema {row[0] if row else '无'}）")
    return db


class SqliteResults(Results):
    """Results in SQLite: one committed transaction per document, WAL checkpoints as fsync points."""

    kind = "sqlite"

    def __init__(self, path: Path, resume: bool):
        self.path = path
        self.db = None
        try:
            self._lockfile = open(path, "ab")
        except OSError as exc:
            raise ResultsError(f"{path}: 无法写入结果文件（{exc.strerror or exc}）") from None
        try:
            _lock(self._lockfile.fileno(), path)
            if not resume:
                # Emptied in place (the lock lives on this inode), journals removed.
                self._lockfile.truncate(0)
                for p in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                    try:
                        p.unlink()
                    except FileNotFoundError:
                        pass
            try:
                self.db = connect(path, create=True)
            except sqlite3.OperationalError as exc:
                raise ResultsError(f"{path}: 无法写入结果文件（{exc}）") from None
        except OSError as exc:
            self._lockfile.close()
            raise ResultsError(f"{path}: 无法覆盖结果文件（{exc.strerror or exc}）") from None
        except BaseException:
            self._lockfile.close()
            raise
        self.run_id: int | None = None
        self._known: dict[str, Prior] | None = None
        if resume:
            self.mark_abandoned()
            self.preload()

    def mark_abandoned(self) -> int:
        """Runs still 'running' were killed without a chance to clean up (kill -9, power loss):
        this process holds the writer's lock, so none of them is alive. They become
        'interrupted', with the counts and the last time their records show. Returns how many."""
        cur = self.db.execute(
            "UPDATE runs SET status='interrupted',"
            " finished_at=(SELECT max(t) FROM (SELECT max(checked_at) AS t FROM documents WHERE run_id=runs.id"
            "  UNION ALL SELECT max(checked_at) FROM errors WHERE run_id=runs.id)),"
            " checked=(SELECT count(*) FROM documents WHERE run_id=runs.id),"
            " errors=(SELECT count(*) FROM errors WHERE run_id=runs.id)"
            " WHERE status='running'"
        )
        return cur.rowcount

    def start_run(self, paths: list[str], options: dict) -> None:
        cur = self.db.execute(
            "INSERT INTO runs(started_at, status, paths, options) VALUES (?, 'running', ?, ?)",
            (_now(), json.dumps(paths, ensure_ascii=False), json.dumps(options, ensure_ascii=False)),
        )
        self.run_id = cur.lastrowid

    def finish_run(self, status: str, counts: dict) -> None:
        if self.run_id is None:
            return
        self.db.execute(
            "UPDATE runs SET finished_at=?, status=?, checked=?, skipped=?, errors=? WHERE id=?",
            (_now(), status, counts.get("checked", 0), counts.get("skipped", 0), counts.get("errors", 0), self.run_id),
        )

    def preload(self, limit: int | None = None) -> None:
        """Read what resume needs of every document at once (one query instead of one per
        document) unless there are more than ``limit``: then memory stays flat instead."""
        n = self.db.execute("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM errors)").fetchone()[0]
        if n > (PRELOAD_MAX if limit is None else limit):
            return
        known: dict[str, Prior] = {}
        for file, key, settings, sha, worst in self.db.execute(
                "SELECT file, source_key, settings, sha256, worst FROM documents"):
            known[file] = Prior(key, settings, sha, None, worst)
        for file, key, settings, code in self.db.execute("SELECT file, source_key, settings, code FROM errors"):
            known[file] = Prior(key, settings, None, code, None)
        self._known = known

    def lookup(self, name: str) -> Prior | None:
        if self._known is not None:
            return self._known.get(name)
        row = self.db.execute(
            "SELECT source_key, settings, sha256, worst FROM documents WHERE file=?", (name,)
        ).fetchone()
        if row:
            return Prior(row[0], row[1], row[2], None, row[3])
        row = self.db.execute("SELECT source_key, settings, code FROM errors WHERE file=?", (name,)).fetchone()
        if row:
            return Prior(row[0], row[1], None, row[2], None)
        return None

    def add(self, record: dict) -> None:
        batch = record.get("batch") or {}
        report = {k: v for k, v in record.items() if k != "batch"}
        name = record["file"]
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM documents WHERE file=?", (name,))
            db.execute("DELETE FROM errors WHERE file=?", (name,))
            if "error" in record:
                err = record["error"]
                db.execute(
                    "INSERT INTO errors(file, source_key, settings, code, message, checked_at, run_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (name, batch.get("key"), batch.get("settings"), err.get("code"), err.get("message"), _now(),
                     self.run_id),
                )
            else:
                d = record.get("document") or {}
                a = record.get("attribute") or {}
                s = record.get("summary") or {}
                cur = db.execute(
                    "INSERT INTO documents(file, source_key, settings, sha256, content_sha256, title, doc_type,"
                    " doc_number, issuer, label, suggested, confidence, attribute_status, chars, errors, warnings,"
                    " infos, worst, seconds, checked_at, run_id, report)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, batch.get("key"), batch.get("settings"), record.get("sha256"),
                     record.get("content_sha256"), d.get("title"), d.get("doc_type"), d.get("doc_number"),
                     d.get("issuer"), d.get("label"), a.get("suggested"), a.get("confidence"),
                     attribute_status(record), d.get("chars"), s.get("error", 0), s.get("warning", 0),
                     s.get("info", 0), worst_severity(record), batch.get("seconds"), _now(), self.run_id,
                     json.dumps(report, ensure_ascii=False, separators=(",", ":"))),
                )
                doc_id = cur.lastrowid
                db.executemany(
                    "INSERT INTO findings(document_id, rule, category, kind, severity, message, part, paragraph,"
                    " char_start, char_end, location, text, context, suggestion, basis, confidence)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (doc_id, f.get("rule"), f.get("category"), f.get("kind"), f.get("severity"),
                         f.get("message"), (f.get("location") or {}).get("part"),
                         (f.get("location") or {}).get("paragraph"), (f.get("location") or {}).get("start"),
                         (f.get("location") or {}).get("end"),
                         json.dumps(f.get("location"), ensure_ascii=False), f.get("text"), f.get("context"),
                         f.get("suggestion"), f.get("basis"), f.get("confidence"))
                        for f in record.get("findings") or ()
                    ],
                )
            db.execute("COMMIT")
            if self._known is not None:
                self._known[name] = _prior(record)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def rekey(self, name: str, key: str) -> None:
        self.db.execute("UPDATE documents SET source_key=? WHERE file=?", (key, name))
        if self._known is not None and name in self._known:
            p = self._known[name]
            self._known[name] = Prior(key, p.settings, p.sha256, p.error, p.worst)

    def sync(self) -> None:
        # In WAL mode with synchronous=NORMAL a checkpoint is where the WAL reaches the disk.
        try:
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError:
            pass

    def close(self) -> None:
        if self.db is None:
            return
        self.sync()
        self.db.close()
        self.db = None
        self._lockfile.close()


def iter_sqlite_records(path: Path) -> Iterator[dict]:
    """Every record in a SQLite results file, as ``gongkai.report/1`` objects (errors included)."""
    db = connect(path)
    try:
        for (report,) in db.execute("SELECT report FROM documents ORDER BY file"):
            yield json.loads(report)
        for file, code, message in db.execute("SELECT file, code, message FROM errors ORDER BY file"):
            yield {"schema": "gongkai.report/1", "file": file, "error": {"code": code, "message": message}}
    finally:
        db.close()
