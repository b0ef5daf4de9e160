"""Tables of the review store and their versioned migrations.

Migrations are a numbered list applied in order inside one locked transaction when a store
is opened. The tables below are the current shape: ``_v1`` creates them as they are now, and
every later migration adds what a store created by an older version lacks (a column only when
it is missing), so a new store and a migrated one end up alike. The table ``gongkai_schema``
records each version applied. A handful of tables opened in-process on clerks' machines does
not warrant Alembic (a migration environment, script directory and another dependency); when
the schema outgrows this list, Alembic can take over from the recorded version.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_versions = Table(
    "gongkai_schema", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)

#: One row per review round of a document (a released document reviewed again gets round 2).
documents = Table(
    "review_documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(500), nullable=False),
    Column("round", Integer, nullable=False),
    Column("title", Text),
    Column("doc_number", Text),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("key", "round", name="uq_review_documents_key_round"),
)

#: The append-only log: who did what, when, as which role, on which content.
events = Table(
    "review_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("review_documents.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("stage", String(10)),
    Column("actor", Text, nullable=False),
    Column("role", Text),
    Column("at", String(40), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("file_sha256", String(64)),
    Column("path", Text),
    Column("reject", Boolean, nullable=False, default=False),
    Column("important", Boolean, nullable=False, default=False),
    Column("rule", String(20)),
    Column("note", Text, nullable=False, default=""),
    # v2: the versioned fingerprint of the whole file (pkg1:…) and its per-place digests (JSON);
    # NULL in events logged before, which are judged by content_sha256 alone
    Column("package_sha256", String(80)),
    Column("places", Text),
    # v3: the hash chain (store/chain.py); NULL in rows written before it
    Column("seq", Integer),
    Column("prev_hash", String(120)),
    Column("link_hash", String(120)),
    Index("ix_review_events_seq", "seq", unique=True),
)

#: 登记归档: one row per released document round.
archive = Table(
    "release_archive", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("review_documents.id"), nullable=False, unique=True),
    Column("released_at", String(40), nullable=False),
    Column("released_by", Text, nullable=False, default=""),
    Column("key", String(500), nullable=False),
    Column("title", Text),
    Column("doc_number", Text),
    Column("label", Text),
    Column("important", Boolean, nullable=False, default=False),
    Column("content_sha256", String(64), nullable=False),
    Column("file_sha256", String(64)),
    Column("path", Text),
    Column("reviewers", Text, nullable=False),  # JSON: stages, 校次, read-aloud, 保密审查
    Column("waivers", Text, nullable=False),  # JSON list
    Column("findings", Text, nullable=False),  # JSON summary at release
    Column("package_sha256", String(80)),  # v2
    Column("seq", Integer),  # v3: the hash chain
    Column("prev_hash", String(120)),
    Column("link_hash", String(120)),
    Index("ix_release_archive_seq", "seq", unique=True),
)

#: v4 (the web desk, issue #19): 股室, accounts with roles, login sessions, login failures for
#: throttling, and uploaded drafts (stored by content hash in a folder beside the register).
units = Table(
    "units", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
)

#: One person. ``name`` is what the register records as who signed, so it is unique: a name is
#: one person. ``roles`` is a JSON list (编辑, 校对, 股室负责人, 分管领导, 主要领导, 保密审查, 登记员, 管理员).
accounts = Table(
    "accounts", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("roles", Text, nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id")),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(40), nullable=False),
)

#: Server-side sessions: the cookie carries a random token (signed); the table keeps only its
#: sha256, so a copy of the database opens no session.
sessions = Table(
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)

login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, index=True),  # "user:<name>" or "ip:<address>"
    Column("at", String(40), nullable=False),
)

#: One checked document per row (a .zip upload gives one row per member document).
uploads = Table(
    "web_uploads", metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("unit_id", Integer, ForeignKey("units.id")),
    Column("sha256", String(64), nullable=False),  # the stored file: <blobs>/<sha256>
    Column("filename", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("summary", Text, nullable=False),  # JSON: label, suggestion, counts (no personal data)
)

_APPEND_ONLY_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'gongkai: {table} is append-only'); END"
    for table in ("review_events", "release_archive") for op in ("UPDATE", "DELETE")
]
_APPEND_ONLY_POSTGRES = [
    (
        "CREATE OR REPLACE FUNCTION gongkai_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION USING MESSAGE = 'gongkai: ' || TG_TABLE_NAME || ' is append-only'; END $$"
    ),
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION gongkai_append_only()"
        for table in ("review_events", "release_archive")
    ),
]


def _v1(conn: Connection) -> None:
    """Documents, the event log and the archive; the log and the archive refuse UPDATE/DELETE."""
    metadata.create_all(conn, tables=[documents, events, archive])
    statements = _APPEND_ONLY_POSTGRES if conn.dialect.name == "postgresql" else _APPEND_ONLY_SQLITE
    if conn.dialect.name in ("postgresql", "sqlite"):
        for sql in statements:
            conn.exec_driver_sql(sql)


def _add_missing_columns(conn: Connection, table: Table, names: tuple[str, ...]) -> None:
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")


def _v2(conn: Connection) -> None:
    """Package fingerprints (pkg1) on events and archive entries; old rows keep NULL."""
    _add_missing_columns(conn, events, ("package_sha256", "places"))
    _add_missing_columns(conn, archive, ("package_sha256",))


def _v3(conn: Connection) -> None:
    """The hash chain: a global sequence number, the previous link and the row's own link.

    Rows written before keep NULL (the append-only triggers forbid filling them in);
    ``archive verify`` counts them as written before the chain.
    """
    for table in (events, archive):
        _add_missing_columns(conn, table, ("seq", "prev_hash", "link_hash"))
        conn.exec_driver_sql(f"CREATE UNIQUE INDEX IF NOT EXISTS ix_{table.name}_seq ON {table.name} (seq)")


def _v4(conn: Connection) -> None:
    """The web desk: units, accounts, sessions, login failures, uploads (issue #19)."""
    metadata.create_all(conn, tables=[units, accounts, sessions, login_failures, uploads])


#: (version, migration) in order; append, never edit an applied one.
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
]
LATEST = MIGRATIONS[-1][0]
