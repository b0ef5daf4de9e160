"""The review and archive store: SQLite by default, PostgreSQL through a URL.

Every change happens in one short transaction that first takes the document's lock (SQLite:
``BEGIN IMMEDIATE``, the database's single writer lock, waited for up to ``busy_timeout``;
PostgreSQL: ``SELECT … FOR UPDATE`` on the document row, or an advisory lock on the key
when the row does not exist yet), then reads the log, folds it through the checklist, checks
the new event and appends it. Two clerks signing at once are therefore serialised and
neither event is lost, and neither can sign a stage the other has just made obsolete.
SQLite runs in WAL mode so readers never block the writer.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url

from ..proofing.checklist import Checklist, Event, Facts, Missing, apply, fold, gate, refusal
from .identity import DocumentRef
from .schema import LATEST, MIGRATIONS, archive, documents, events, schema_versions

DEFAULT_BUSY_TIMEOUT_S = 15.0
ENV_DB = "GONGKAI_DB"
ENV_TIMEOUT = "GONGKAI_DB_TIMEOUT"  # seconds to wait for a locked SQLite file


class StoreError(Exception):
    """A database that cannot be used: one line naming the database and the reason."""


def default_location() -> Path:
    """The default SQLite file in the user's data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("gongkai", appauthor=False)) / "review.sqlite3"


def resolve_target(target: str | None) -> str:
    """``--db`` value, else $GONGKAI_DB, else the default file."""
    return target or os.environ.get(ENV_DB) or str(default_location())


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Record:
    """One review round of one document."""

    id: int
    key: str
    round: int
    title: str | None
    doc_number: str | None
    created_at: str


def _describe(target: str) -> str:
    if "://" in target:
        try:
            return make_url(target).render_as_string(hide_password=True)
        except sa_exc.ArgumentError:
            return target
    return target


def _reason(exc: BaseException) -> str:
    """A clerk's reason for a driver error."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    if "database is locked" in low or "database table is locked" in low:
        return "数据库被其他程序锁定，等待超时，请稍后重试"
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return "不是有效的数据库文件或已损坏"
    if "unable to open database" in low:
        return "无法打开数据库文件（目录不存在或无权限）"
    if "readonly" in low or "read-only" in low:
        return "数据库只读，无法写入"
    if "connection" in low and ("refused" in low or "failed" in low) or "could not connect" in low:
        return f"无法连接数据库服务器（{text}）"
    if "password authentication failed" in low or "authentication" in low:
        return "数据库登录失败（用户名或密码错误）"
    if "does not exist" in low and "database" in low:
        return f"数据库不存在（{text}）"
    return f"数据库错误（{text}）"


class Store:
    """Open (and migrate) the store at ``target``: a SQLite path or an SQLAlchemy URL."""

    def __init__(self, target: str | None = None, *, busy_timeout: float | None = None,
                 clock: Callable[[], str] = now_iso):
        target = resolve_target(target)
        self.name = _describe(target)
        if busy_timeout is None:
            try:
                busy_timeout = float(os.environ.get(ENV_TIMEOUT) or DEFAULT_BUSY_TIMEOUT_S)
            except ValueError:
                raise StoreError(f"{ENV_TIMEOUT}={os.environ[ENV_TIMEOUT]!r}: 应为秒数") from None
        self.clock = clock
        self._busy_ms = int(busy_timeout * 1000)
        try:
            if "://" in target:
                url = make_url(target)
                if url.drivername in ("postgresql", "postgres"):
                    url = url.set(drivername="postgresql+psycopg")
            else:
                path = Path(target).expanduser()
                if target == str(default_location()):
                    path.parent.mkdir(parents=True, exist_ok=True)
                url = URL.create("sqlite+pysqlite", database=str(path))
        except (sa_exc.ArgumentError, ValueError) as exc:
            raise StoreError(f"{self.name}: 无法识别的数据库地址（{exc}）") from None
        except OSError as exc:
            raise StoreError(f"{self.name}: 无法创建数据库目录（{exc.strerror or exc}）") from None
        self.dialect = url.get_backend_name()
        try:
            self.engine = self._engine(url)
        except ImportError:
            raise StoreError(f"{self.name}: 使用 PostgreSQL 需要安装 psycopg（pip install 'gongkai[postgres]'）") from None
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError) as exc:
            raise StoreError(f"{self.name}: 不支持的数据库（{exc}）") from None
        with self._guard():
            self._migrate()

    # -- plumbing ---------------------------------------------------------------------------

    def _engine(self, url: URL) -> Engine:
        if self.dialect != "sqlite":
            return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        # a pooled connection: reopening a WAL database per transaction costs a checkpoint each time
        engine = create_engine(url, connect_args={"timeout": self._busy_ms / 1000})
        busy_ms = self._busy_ms

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the writer lock up front: no upgrade deadlocks

        return engine

    class _Guard:
        def __init__(self, store: Store):
            self.store = store

        def __enter__(self):
            return self

        def __exit__(self, etype, exc, tb):
            if exc is None or isinstance(exc, StoreError):
                return False
            if isinstance(exc, (sa_exc.DBAPIError, sa_exc.SQLAlchemyError)):
                raise StoreError(f"{self.store.name}: {_reason(exc)}") from None
            if isinstance(exc, OSError):
                raise StoreError(f"{self.store.name}: {exc.strerror or exc}") from None
            return False

    def _guard(self) -> _Guard:
        return Store._Guard(self)

    def _lock_key(self, conn: Connection, key: str) -> None:
        if self.dialect == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(zlib.crc32(key.encode()) - 2**31)))

    def _lock_document(self, conn: Connection, document_id: int) -> None:
        if self.dialect == "postgresql":
            conn.execute(select(documents.c.id).where(documents.c.id == document_id).with_for_update())

    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            self._lock_key(conn, "gongkai-schema")
            schema_versions.create(conn, checkfirst=True)
            have = conn.execute(select(func.max(schema_versions.c.version))).scalar() or 0
            if have > LATEST:
                raise StoreError(
                    f"{self.name}: 数据库结构版本 {have} 比本程序支持的 {LATEST} 新，请升级 gongkai"
                )
            for version, migration in MIGRATIONS:
                if version > have:
                    migration(conn)
                    conn.execute(schema_versions.insert().values(version=version, applied_at=self.clock()))

    def schema_version(self) -> int:
        with self._guard(), self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_versions.c.version))).scalar() or 0

    def close(self) -> None:
        self.engine.dispose()

    # -- records ----------------------------------------------------------------------------

    @staticmethod
    def _record(row) -> Record:
        return Record(row.id, row.key, row.round, row.title, row.doc_number, row.created_at)

    @staticmethod
    def _open_records():
        released = select(archive.c.document_id)
        return select(documents).where(documents.c.id.not_in(released))

    def find_open(self, ref: DocumentRef) -> Record | None:
        """The open (not yet released) record for ``ref``: by key, else by content fingerprint."""
        with self._guard(), self.engine.connect() as conn:
            return self._find_open(conn, ref)

    def _find_open(self, conn: Connection, ref: DocumentRef) -> Record | None:
        q = self._open_records()
        row = conn.execute(q.where(documents.c.key == ref.key).order_by(documents.c.round.desc())).first()
        if row is None:
            same = select(events.c.document_id).where(events.c.content_sha256 == ref.content_sha256)
            row = conn.execute(q.where(documents.c.id.in_(same)).order_by(documents.c.id.desc())).first()
        return self._record(row) if row else None

    def released(self, ref: DocumentRef) -> dict | None:
        """The archive entry of this document with this very content, if it was released."""
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(
                select(archive).where(archive.c.key == ref.key, archive.c.content_sha256 == ref.content_sha256)
                .order_by(archive.c.id.desc())
            ).all()
        for row in rows:  # an entry with a package fingerprint must match it too (same version)
            pkg = row.package_sha256
            if not (pkg and ref.package_sha256 and pkg.split(":")[0] == ref.package_sha256.split(":")[0]) \
                    or pkg == ref.package_sha256:
                return _archive_dict(row)
        return None

    def start(self, ref: DocumentRef, event: Event) -> tuple[Record, bool]:
        """Open a record for ``ref`` (or continue the open one) and log the start event."""
        if not event.at:
            event = replace(event, at=self.clock())
        with self._guard(), self.engine.begin() as conn:
            self._lock_key(conn, ref.key)
            record = self._find_open(conn, ref)
            created = record is None
            if created:
                last = conn.execute(
                    select(func.max(documents.c.round)).where(documents.c.key == ref.key)
                ).scalar() or 0
                new_id = conn.execute(documents.insert().values(
                    key=ref.key, round=last + 1, title=ref.title, doc_number=ref.doc_number,
                    created_at=event.at,
                )).inserted_primary_key[0]
                record = Record(new_id, ref.key, last + 1, ref.title, ref.doc_number, event.at)
            else:
                self._lock_document(conn, record.id)
            self._insert(conn, record.id, event, ref)
            return record, created

    def _insert(self, conn: Connection, document_id: int, ev: Event, ref: DocumentRef | None) -> None:
        conn.execute(events.insert().values(
            document_id=document_id, kind=ev.kind, stage=ev.stage, actor=ev.by, role=ev.role,
            at=ev.at or self.clock(), content_sha256=ev.content,
            file_sha256=ref.file_sha256 if ref else None, path=ref.path if ref else None,
            reject=ev.reject, important=ev.important, rule=ev.rule, note=ev.note or "",
            package_sha256=ev.package,
            places=json.dumps(dict(ev.places), ensure_ascii=False, sort_keys=True) if ev.places else None,
        ))

    def _events(self, conn: Connection, document_id: int) -> list[Event]:
        rows = conn.execute(select(events).where(events.c.document_id == document_id).order_by(events.c.id))
        return [
            Event(kind=r.kind, content=r.content_sha256, by=r.actor, stage=r.stage, reject=bool(r.reject),
                  important=bool(r.important), rule=r.rule, note=r.note or "", at=r.at, role=r.role,
                  package=r.package_sha256, places=json.loads(r.places) if r.places else None)
            for r in rows
        ]

    def events(self, document_id: int) -> list[Event]:
        with self._guard(), self.engine.connect() as conn:
            return self._events(conn, document_id)

    def log(self, document_id: int) -> list[dict]:
        """The raw log rows of a record, oldest first (for status and audits)."""
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(select(events).where(events.c.document_id == document_id).order_by(events.c.id))
            return [dict(r._mapping) for r in rows]

    def state(self, document_id: int, roster: Mapping[str, str] | None = None) -> Checklist:
        return fold(self.events(document_id), roster)

    def append(self, document_id: int, ev: Event, ref: DocumentRef | None = None,
               roster: Mapping[str, str] | None = None) -> tuple[Checklist, str | None]:
        """Check ``ev`` against the log under the document's lock and append it when accepted.

        Returns (state after, None) or (state as it was, the reason it was refused).
        """
        if not ev.at:
            ev = replace(ev, at=self.clock())
        with self._guard(), self.engine.begin() as conn:
            self._lock_document(conn, document_id)
            state = fold(self._events(conn, document_id), roster)
            why = refusal(state, ev, roster)
            if why is not None:
                return state, why
            self._insert(conn, document_id, ev, ref)
            new, _ = apply(state, ev, roster)
            return new, None

    # -- release and archive ----------------------------------------------------------------

    def release(self, record: Record, ref: DocumentRef, facts: Facts, roster: Mapping[str, str] | None,
                *, by: str = "", findings_summary: Mapping | None = None) -> tuple[list[Missing], dict | None]:
        """Run the gate under the lock; when nothing is missing write the 登记归档 entry."""
        with self._guard(), self.engine.begin() as conn:
            self._lock_document(conn, record.id)
            if conn.execute(select(archive.c.id).where(archive.c.document_id == record.id)).first():
                row = conn.execute(select(archive).where(archive.c.document_id == record.id)).first()
                return [], _archive_dict(row)
            state = fold(self._events(conn, record.id), roster)
            missing = gate(state, facts, roster)
            if missing:
                return missing, None
            reviewers = {
                stage: {"by": act.by, "at": act.at, "role": (roster or {}).get(act.by)}
                for stage, act in state.signed.items()
            }
            reviewers["校对"] = [{"by": a.by, "at": a.at} for a in state.proofs]
            reviewers["全文书面诵读"] = (
                {"by": state.read_aloud.by, "at": state.read_aloud.at} if state.read_aloud else None
            )
            reviewers["保密审查"] = {"by": state.secrecy.by, "at": state.secrecy.at} if state.secrecy else None
            waivers = [{"rule": rule, "by": a.by, "reason": a.note, "at": a.at} for rule, a in state.waivers.items()]
            values = dict(
                document_id=record.id, released_at=self.clock(), released_by=by, key=record.key,
                title=ref.title, doc_number=ref.doc_number, label=facts.label, important=state.important,
                content_sha256=ref.content_sha256, package_sha256=ref.package_sha256,
                file_sha256=ref.file_sha256, path=ref.path,
                reviewers=json.dumps(reviewers, ensure_ascii=False),
                waivers=json.dumps(waivers, ensure_ascii=False),
                findings=json.dumps(dict(findings_summary or {}), ensure_ascii=False),
            )
            conn.execute(archive.insert().values(**values))
            row = conn.execute(select(archive).where(archive.c.document_id == record.id)).first()
            return [], _archive_dict(row)

    def archive_entries(self) -> Iterator[dict]:
        """Every 登记归档 entry, oldest first."""
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(select(archive).order_by(archive.c.id)).all()
        return iter([_archive_dict(r) for r in rows])


def _archive_dict(row) -> dict:
    d = dict(row._mapping)
    for key in ("reviewers", "waivers", "findings"):
        d[key] = json.loads(d[key] or "null")
    d["important"] = bool(d["important"])
    return d
