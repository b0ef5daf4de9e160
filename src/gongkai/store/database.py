"""The review and archive store: SQLite by default, PostgreSQL through a URL.

Every change happens in one short transaction that first takes the document's lock (SQLite:
``BEGIN IMMEDIATE``, the database's single writer lock, waited for up to ``busy_timeout``;
PostgreSQL: ``SELECT … FOR UPDATE`` on the document row, or an advisory lock on the key
when the row does not exist yet), then reads the log, folds it through the checklist, checks
the new event and appends it. Two clerks signing at once are therefore serialised and
neither event is lost, and neither can sign a stage the other has just made obsolete.
SQLite runs in WAL mode so readers never block the writer, with ``synchronous=FULL`` so a
committed record survives a power cut.

Every appended row is also a link of the register's hash chain (``store/chain.py``): all
appends take one chain lock (SQLite's writer lock; PostgreSQL ``pg_advisory_xact_lock``),
read the chain's tail, refuse to write when it disagrees with the head file, and write the
head file after the commit. Opening an existing SQLite register first runs ``quick_check``:
an empty or damaged file is refused, never re-created or written to.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import urllib.parse
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url

from ..review.checklist import Checklist, Event, Facts, Missing, apply, fold, gate, refusal, role_text
from . import chain
from .chain import EMPTY, ChainRow, Head, HeadError, KeyRequired, Verdict
from .identity import DocumentRef
from .schema import LATEST, MIGRATIONS, accounts, archive, documents, events, schema_versions

DEFAULT_BUSY_TIMEOUT_S = 15.0
CHAIN_LOCK = 0x676B_6368  # PostgreSQL advisory lock held by every append ("gkch")
HEAD_SUFFIX = ".head"
ENV_DB = "GONGKAI_DB"
ENV_TIMEOUT = "GONGKAI_DB_TIMEOUT"  # seconds to wait for a locked SQLite file


class StoreError(Exception):
    """A database that cannot be used: one line naming the database and the reason."""


class SignInRequired(StoreError):
    """A review write without a signed-in account on a register that has accounts."""


#: Why the CLI's ``--by`` is refused once the office has accounts (one line, for the clerk).
SIGN_IN_MESSAGE = (
    "本登记库已启用账户，审核签署、校对、诵读、保密审查、豁免和发布须登录审核台办理："
    "运行 gongkai serve（默认 http://127.0.0.1:8000）后用本人账户登录签署，命令行的 --by 不能代替登录"
    "（《勺米镇政务公开信息审核发布管理制度》第一条：分级审核、先审后发）"
)


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
                 clock: Callable[[], str] = now_iso, key: bytes | None = None,
                 head_file: str | Path | None = None):
        target = resolve_target(target)
        self.key = key or None
        self.path: Path | None = None
        self.head_path: Path | None = Path(head_file).expanduser() if head_file else None
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
                self.path = path
                if self.head_path is None:
                    self.head_path = path.with_name(path.name + HEAD_SUFFIX)
        except (sa_exc.ArgumentError, ValueError) as exc:
            raise StoreError(f"{self.name}: 无法识别的数据库地址（{exc}）") from None
        except OSError as exc:
            raise StoreError(f"{self.name}: 无法创建数据库目录（{exc.strerror or exc}）") from None
        self.dialect = url.get_backend_name()
        if self.path is not None:
            self._check_file()
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
            cur.execute("PRAGMA synchronous = FULL")  # a committed record survives a power cut
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the writer lock up front: no upgrade deadlocks

        return engine

    def _check_file(self) -> None:
        """An existing SQLite register must pass quick_check; an empty one is refused, never re-created."""
        path = self.path
        restore = "拒绝使用，也不会重新创建或写入（从备份恢复见 README）"
        if not path.exists():
            if self.head_path is not None and self.head_path.exists():
                raise StoreError(f"{self.name}: 登记库文件不存在，但其头文件 {self.head_path} 存在："
                                 f"登记库可能被删除或移走；{restore}")
            self._create_file(path)
            return  # ours, or a whole file another process linked into place first
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise StoreError(f"{self.name}: 无法读取（{exc.strerror or exc}）") from None
        if size == 0:
            raise StoreError(f"{self.name}: 登记库文件为空（0 字节），可能已被截断；{restore}")
        why = _truncated(path, size)
        if why:
            raise StoreError(f"{self.name}: 登记库已损坏（{why}）；{restore}")
        try:
            uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
            con = sqlite3.connect(uri, uri=True, timeout=self._busy_ms / 1000)
            try:
                rows = con.execute("PRAGMA quick_check").fetchall()
            finally:
                con.close()
        except sqlite3.Error as exc:
            reason = _reason(exc)
            if "锁定" in reason or "无法打开" in reason:
                raise StoreError(f"{self.name}: {reason}") from None
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{self.name}: 登记库已损坏或不完整（{detail}）；{restore}") from None
        if rows != [("ok",)]:
            first = str(rows[0][0]).splitlines()[0] if rows else "无结果"
            raise StoreError(f"{self.name}: 登记库已损坏（完整性检查未通过：{first}）；{restore}")

    @staticmethod
    def _create_file(path: Path) -> None:
        """Put a new, valid SQLite file in place in one step, so that an empty file is never ours.

        sqlite3 creates a 0-byte file and writes its header later; a second clerk opening it in
        between would see an empty file, which is refused as truncated. The file is made under
        a temporary name and linked into place (another process that won the race keeps its file).
        """
        tmp = path.with_name(f".{path.name}.new{os.getpid()}")
        try:
            con = sqlite3.connect(str(tmp))
            try:
                con.execute("PRAGMA application_id = 1735092585")  # "gkai": writes the header page
                con.commit()
            finally:
                con.close()
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                if not path.exists():
                    os.replace(tmp, path)
        except sqlite3.Error:
            return  # let the engine report why the folder cannot hold a database
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

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
            if isinstance(exc, HeadError):
                raise StoreError(f"{self.store.name}: {exc}") from None
            if isinstance(exc, KeyRequired):
                raise StoreError(f"{self.store.name}: 登记库的哈希链以密钥计算，须在配置的 [register] key_file "
                                 "中给出密钥才能写入或核验") from None
            if isinstance(exc, TimeoutError):
                raise StoreError(f"{self.store.name}: 数据库被其他程序锁定，等待超时，请稍后重试") from None
            if isinstance(exc, OSError):
                raise StoreError(f"{self.store.name}: {exc.strerror or exc}") from None
            return False

    def _guard(self) -> _Guard:
        return Store._Guard(self)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[tuple[Connection, _Appender]]:
        """One write transaction holding the chain lock; the head file is rewritten after the commit."""
        with self._guard(), chain.head_lock(self.head_path, self._busy_ms / 1000):
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK)))
                tail = self._tail(conn)
                self._check_tail(tail)
                appender = _Appender(tail, self.key)
                yield conn, appender
            if appender.tail != tail and self.head_path is not None:
                chain.write_head(self.head_path, appender.tail, self.name, self.clock())

    def _tail(self, conn: Connection) -> Head:
        best = EMPTY
        for table in (events, archive):
            row = conn.execute(
                select(table.c.seq, table.c.link_hash).where(table.c.seq.is_not(None))
                .order_by(table.c.seq.desc()).limit(1)
            ).first()
            if row is not None and row.seq > best.seq:
                best = Head(row.seq, row.link_hash)
        return best

    def _check_tail(self, tail: Head) -> None:
        """Refuse to write onto a chain whose tail disagrees with the head file or the key."""
        if tail.seq and chain.keyed(tail.link) and not self.key:
            raise KeyRequired
        if tail.seq and not chain.keyed(tail.link) and self.key:
            raise StoreError(f"{self.name}: 登记库的哈希链此前未使用密钥；配置了 [register] key_file 后"
                             "须从新的登记库开始（旧库可用 gongkai archive backup 留存）")
        if self.head_path is None:
            return
        head = chain.read_head(self.head_path)
        if head is None:
            if tail.seq:
                raise StoreError(f"{self.name}: 头文件 {self.head_path} 缺失，无法确认没有记录被删除，拒绝写入"
                                 "（运行 gongkai archive verify；从备份恢复头文件）")
            return
        if head != tail:
            raise StoreError(f"{self.name}: 登记库的链尾（第 {tail.seq} 条）与头文件 {self.head_path}"
                             f"（第 {head.seq} 条）不符，拒绝写入；请运行 gongkai archive verify 查明")

    def head(self) -> Head:
        """The chain's current head (the last chained row)."""
        with self._guard(), self.engine.connect() as conn:
            return self._tail(conn)

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

    def start(self, ref: DocumentRef, event: Event, *, signed_in: bool = False) -> tuple[Record, bool]:
        """Open a record for ``ref`` (or continue the open one) and log the start event."""
        if not event.at:
            event = replace(event, at=self.clock())
        with self._writing() as (conn, appender):
            self._require_sign_in(conn, signed_in)
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
            self._insert(conn, appender, record, event, ref)
            return record, created

    def _insert(self, conn: Connection, appender: _Appender, record: Record, ev: Event,
                ref: DocumentRef | None) -> None:
        values = {
            "kind": ev.kind, "stage": ev.stage, "actor": ev.by, "role": ev.role,
            "at": ev.at or self.clock(), "content_sha256": ev.content,
            "file_sha256": ref.file_sha256 if ref else None, "path": ref.path if ref else None,
            "reject": ev.reject, "important": ev.important, "rule": ev.rule, "note": ev.note or "",
            "package_sha256": ev.package,
            "places": json.dumps(dict(ev.places), ensure_ascii=False, sort_keys=True) if ev.places else None,
        }
        values = appender.add("event", values, record.key, record.round)
        conn.execute(events.insert().values(document_id=record.id, **values))

    def _record_by_id(self, conn: Connection, document_id: int) -> Record:
        row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
        if row is None:
            raise StoreError(f"{self.name}: 审核记录 #{document_id} 不存在")
        return self._record(row)

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

    # -- accounts (store/accounts.py manages them) ------------------------------------------

    @staticmethod
    def _has_accounts(conn: Connection) -> bool:
        return conn.execute(select(accounts.c.id).limit(1)).first() is not None

    def has_accounts(self) -> bool:
        """Whether the office has accounts (then every review write needs a signed-in account)."""
        with self._guard(), self.engine.connect() as conn:
            return self._has_accounts(conn)

    def account_roster(self) -> dict[str, frozenset[str]] | None:
        """Name → roles of the active accounts, the roster the gate uses; None without accounts."""
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(select(accounts.c.name, accounts.c.roles, accounts.c.active)).all()
        if not rows:
            return None
        return {r.name: frozenset(json.loads(r.roles)) for r in rows if r.active}

    def _require_sign_in(self, conn: Connection, signed_in: bool) -> None:
        if not signed_in and self._has_accounts(conn):
            raise SignInRequired(SIGN_IN_MESSAGE)

    def state(self, document_id: int, roster: Mapping | None = None) -> Checklist:
        return fold(self.events(document_id), roster)

    def append(self, document_id: int, ev: Event, ref: DocumentRef | None = None,
               roster: Mapping | None = None, *, signed_in: bool = False) -> tuple[Checklist, str | None]:
        """Check ``ev`` against the log under the document's lock and append it when accepted.

        Returns (state after, None) or (state as it was, the reason it was refused). On a register
        with accounts, only a signed-in caller (the web desk) may append (SignInRequired).
        """
        if not ev.at:
            ev = replace(ev, at=self.clock())
        with self._writing() as (conn, appender):
            self._require_sign_in(conn, signed_in)
            self._lock_document(conn, document_id)
            state = fold(self._events(conn, document_id), roster)
            why = refusal(state, ev, roster)
            if why is not None:
                return state, why
            self._insert(conn, appender, self._record_by_id(conn, document_id), ev, ref)
            new, _ = apply(state, ev, roster)
            return new, None

    # -- release and archive ----------------------------------------------------------------

    def release(self, record: Record, ref: DocumentRef, facts: Facts, roster: Mapping | None,
                *, by: str = "", findings_summary: Mapping | None = None,
                signed_in: bool = False) -> tuple[list[Missing], dict | None]:
        """Run the gate under the lock; when nothing is missing write the 登记归档 entry."""
        with self._writing() as (conn, appender):
            self._require_sign_in(conn, signed_in)
            self._lock_document(conn, record.id)
            if conn.execute(select(archive.c.id).where(archive.c.document_id == record.id)).first():
                row = conn.execute(select(archive).where(archive.c.document_id == record.id)).first()
                return [], _archive_dict(row)
            state = fold(self._events(conn, record.id), roster)
            missing = gate(state, facts, roster)
            if missing:
                return missing, None
            reviewers = {
                stage: {"by": act.by, "at": act.at, "role": role_text(roster, act.by)}
                for stage, act in state.signed.items()
            }
            reviewers["校对"] = [{"by": a.by, "at": a.at} for a in state.proofs]
            reviewers["全文书面诵读"] = (
                {"by": state.read_aloud.by, "at": state.read_aloud.at} if state.read_aloud else None
            )
            reviewers["保密审查"] = {"by": state.secrecy.by, "at": state.secrecy.at} if state.secrecy else None
            waivers = [{"rule": rule, "by": a.by, "reason": a.note, "at": a.at} for rule, a in state.waivers.items()]
            values = {
                "released_at": self.clock(), "released_by": by, "key": record.key,
                "title": ref.title, "doc_number": ref.doc_number, "label": facts.label, "important": state.important,
                "content_sha256": ref.content_sha256, "package_sha256": ref.package_sha256,
                "file_sha256": ref.file_sha256, "path": ref.path,
                "reviewers": json.dumps(reviewers, ensure_ascii=False),
                "waivers": json.dumps(waivers, ensure_ascii=False),
                "findings": json.dumps(dict(findings_summary or {}), ensure_ascii=False),
            }
            values = appender.add("archive", values, record.key, record.round)
            conn.execute(archive.insert().values(document_id=record.id, **values))
            row = conn.execute(select(archive).where(archive.c.document_id == record.id)).first()
            return [], _archive_dict(row)

    def archive_entries(self) -> Iterator[dict]:
        """Every 登记归档 entry, oldest first."""
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(select(archive).order_by(archive.c.id)).all()
        return iter([_archive_dict(r) for r in rows])

    # -- the chain ---------------------------------------------------------------------------

    def verify(self, expected: Head | None = None) -> Verdict:
        """Walk the hash chain, compare the head file (and ``expected``, a head from a receipt)."""
        with self._guard():
            with self.engine.connect() as conn:
                rows, legacy = self._chain_rows(conn)
            head = chain.read_head(self.head_path) if self.head_path is not None else None
            return chain.verify(rows, self.key, head, head_file_expected=self.head_path is not None,
                                expected=expected, legacy=legacy)

    def _chain_rows(self, conn: Connection) -> tuple[list[ChainRow], int]:
        rows: list[ChainRow] = []
        legacy = 0
        for name, table, fields in (("event", events, chain.EVENT_FIELDS), ("archive", archive, chain.ARCHIVE_FIELDS)):
            q = (select(table, documents.c.key.label("doc_key"), documents.c.round.label("doc_round"))
                 .select_from(table.outerjoin(documents, table.c.document_id == documents.c.id)))
            for r in conn.execute(q):
                m = r._mapping
                if m["seq"] is None:
                    legacy += 1
                    continue
                values = {f: m[f] for f in fields}
                payload = chain.canonical(name, m["seq"], m["doc_key"] or "", m["doc_round"] or 0, values)
                rows.append(ChainRow(name, m["id"], m["seq"], m["prev_hash"] or "", m["link_hash"] or "",
                                     payload, _describe_row(name, m)))
        return rows, legacy

    def backup(self, dest: str | Path) -> tuple[Path, Verdict]:
        """A consistent copy of a SQLite register through SQLite's online backup API, with its head file."""
        if self.path is None:
            raise StoreError(f"{self.name}: PostgreSQL 登记库请用 pg_dump 备份")
        dest = Path(dest).expanduser()
        if dest.exists():
            raise StoreError(f"{dest}: 目标文件已存在，不会覆盖")
        with self._guard():
            src = sqlite3.connect(str(self.path), timeout=self._busy_ms / 1000)
            try:
                dst = sqlite3.connect(str(dest))
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
            copy = Store(str(dest), key=self.key, clock=self.clock)
            try:
                tail = copy.head()
                if tail.seq:
                    chain.write_head(copy.head_path, tail, str(dest), self.clock())
                return dest, copy.verify()
            finally:
                copy.close()


def _truncated(path: Path, size: int) -> str | None:
    """Why the SQLite file is visibly cut short, from its 100-byte header (None when it is not).

    SQLite reads a page beyond the end of the file as zeros and quick_check does not look into
    record contents, so a file missing its last kilobyte can pass quick_check; its length
    betrays it: a database is a whole number of pages, as many as its header says.
    """
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return None  # the open that follows reports it
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "不是 SQLite 数据库文件"
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return "文件头已损坏"
    if size % page:
        return f"文件长度 {size} 字节不是页大小 {page} 的整数倍：文件被截断"
    pages = int.from_bytes(header[28:32], "big")
    if pages and header[92:96] == header[24:28] and pages * page > size:
        return f"文件头记载 {pages} 页，文件只有 {size // page} 页：文件被截断"
    return None


class _Appender:
    """Gives each row of one write transaction its place on the chain."""

    def __init__(self, tail: Head, key: bytes | None):
        self.tail = tail
        self.key = key

    def add(self, table: str, values: dict, doc_key: str, doc_round: int) -> dict:
        seq = self.tail.seq + 1
        link = chain.link(self.tail.link, chain.canonical(table, seq, doc_key, doc_round, values), self.key)
        out = {**values, "seq": seq, "prev_hash": self.tail.link, "link_hash": link}
        self.tail = Head(seq, link)
        return out


_KIND_WORDS = {"start": "开始审核", "sign": "签署", "proof": "校对", "read_aloud": "全文书面诵读",
               "secrecy": "保密审查", "waive": "豁免"}


def _describe_row(table: str, m) -> str:
    if table == "archive":
        return f"登记归档 #{m['id']}：{m['title'] or m['key']}，{m['released_at']}"
    what = _KIND_WORDS.get(m["kind"], m["kind"])
    if m["kind"] == "sign":
        what = f"{'退回' if m['reject'] else '签署'}{m['stage'] or ''}"
    elif m["kind"] == "waive":
        what = f"豁免 {m['rule']}"
    who = f"，{m['actor']}" if m["actor"] else ""
    return f"审核事件 #{m['id']}：{what}{who}，{m['at']}"


def _archive_dict(row) -> dict:
    d = dict(row._mapping)
    for key in ("reviewers", "waivers", "findings"):
        d[key] = json.loads(d[key] or "null")
    d["important"] = bool(d["important"])
    return d
