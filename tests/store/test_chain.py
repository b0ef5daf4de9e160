"""The tamper-evident register: hash chain, head file, key, quick_check on open, backup and restore.

Each tamper case edits the database directly, as someone with write access to the file or
the server would: the append-only triggers are dropped (SQLite) or disabled (PostgreSQL)
first, since they only stop honest mistakes.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from gongkai.review.checklist import PROOF, SECRECY, SIGN, START, Event, Facts
from gongkai.store import DocumentRef, Store, StoreError, chain, document_key
from gongkai.store.chain import Head

ROSTER = {"甲": "编辑", "乙": "股室负责人", "丙": "分管领导", "庚": "校对", "辛": "校对"}
KEY = b"0123456789abcdef0123456789abcdef"
PKG = "pkg1:" + "c" * 64


def ref(content="c1"):
    number, title = "勺府发〔2026〕3号", "关于春耕补贴的通知"
    return DocumentRef(key=document_key(title, number, content), title=title, doc_number=number, label="主动公开",
                       path="a/通知.docx", file_sha256="f-" + content, content_sha256=content, package_sha256=PKG)


@pytest.fixture
def register(store_target, tmp_path):
    """(target, head file or None, options): a PostgreSQL register gets a configured head file."""
    head = None if "://" not in store_target else str(tmp_path / "pg-register.head")
    return store_target, head


def open_store(register, key=None, **kw) -> Store:
    target, head = register
    return Store(target, key=key, head_file=head, clock=lambda: "2026-03-01T09:00:00+00:00", **kw)


def fill(store) -> int:
    """start + 3 sign-offs + 3 proofs + 保密审查 + release = 9 chained rows; returns the record id."""
    record, _ = store.start(ref(), Event(START, "c1", package=PKG))
    for ev in (
        Event(SIGN, "c1", "甲", stage="初审"), Event(SIGN, "c1", "乙", stage="复审"),
        Event(SIGN, "c1", "丙", stage="终审"), Event(PROOF, "c1", "庚"), Event(PROOF, "c1", "庚"),
        Event(PROOF, "c1", "辛"), Event(SECRECY, "c1", "丙"),
    ):
        _, why = store.append(record.id, replace(ev, package=PKG), ref(), ROSTER)
        assert why is None
    missing, entry = store.release(record, ref(), Facts("c1", "主动公开", package=PKG), ROSTER, by="丙")
    assert missing == [] and entry["seq"] == 9
    return record.id


def tamper(store, *statements):
    """Run SQL past the append-only triggers."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            for table in ("review_events", "release_archive"):
                for op in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        else:
            for table in ("review_events", "release_archive"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql in statements:
            conn.execute(text(sql))


def recompute(store, start_seq, key=None):
    """What someone with write access but without the key does: rebuild the links from ``start_seq``
    (plain sha256, or another key) and rewrite the head file to match."""
    with store.engine.connect() as conn:
        rows, _ = store._chain_rows(conn)
    rows.sort(key=lambda r: r.seq)
    prev = chain.GENESIS if start_seq == 1 else rows[start_seq - 2].link
    statements = []
    for row in rows[start_seq - 1:]:
        new = chain.link(prev, row.payload, key)
        table = "review_events" if row.table == "event" else "release_archive"
        statements.append(f"UPDATE {table} SET prev_hash = '{prev}', link_hash = '{new}' WHERE seq = {row.seq}")
        prev = new
    tamper(store, *statements)
    if store.head_path is not None:
        chain.write_head(store.head_path, Head(rows[-1].seq, prev), store.name, "x")


def test_an_untouched_register_verifies(register):
    store = open_store(register)
    fill(store)
    verdict = store.verify()
    assert verdict.ok, verdict.problems
    assert verdict.rows == 9 and verdict.head.seq == 9 and verdict.head.link.startswith("sha256:")
    assert store.head() == verdict.head
    if store.head_path is not None:
        assert chain.read_head(store.head_path) == verdict.head


def test_every_event_stores_the_previous_link_and_the_package_fingerprint(register):
    store = open_store(register)
    record_id = fill(store)
    log = store.log(record_id)
    assert [r["seq"] for r in log] == list(range(1, 9))
    assert log[0]["prev_hash"] == "genesis"
    assert all(b["prev_hash"] == a["link_hash"] for a, b in itertools.pairwise(log))
    assert {r["package_sha256"] for r in log} == {PKG}
    [entry] = store.archive_entries()
    assert entry["prev_hash"] == log[-1]["link_hash"] and entry["package_sha256"] == PKG


def test_a_changed_signer_is_found_and_named(register):
    store = open_store(register)
    fill(store)
    tamper(store, "UPDATE review_events SET actor = '丁' WHERE seq = 4")
    verdict = store.verify()
    assert not verdict.ok
    assert "第 4 条" in verdict.problems[0] and "签署终审，丁" in verdict.problems[0]
    assert "被直接改动" in verdict.problems[0]


def test_a_changed_time_is_found(register):
    store = open_store(register)
    fill(store)
    tamper(store, "UPDATE review_events SET at = '2026-02-01T09:00:00+00:00' WHERE seq = 6")
    verdict = store.verify()
    assert "第 6 条" in verdict.problems[0] and "2026-02-01" in verdict.problems[0]


def test_a_changed_archive_entry_is_found(register):
    store = open_store(register)
    fill(store)
    tamper(store, "UPDATE release_archive SET label = '不予公开' WHERE seq = 9")
    assert "第 9 条（登记归档" in store.verify().problems[0]


def test_a_deleted_middle_row_is_found(register):
    store = open_store(register)
    fill(store)
    tamper(store, "DELETE FROM review_events WHERE seq = 3")
    verdict = store.verify()
    assert verdict.problems[0].startswith("第 3 条记录缺失（被删除）")


def test_a_deleted_last_row_is_found_by_the_head_file_and_writes_are_refused(register):
    store = open_store(register)
    record_id = fill(store)
    tamper(store, "DELETE FROM release_archive WHERE seq = 9")
    verdict = store.verify()
    assert not verdict.ok and "最后 1 条记录被删除" in verdict.problems[0]
    with pytest.raises(StoreError, match="拒绝写入"):
        store.append(record_id, Event(PROOF, "c1", "庚", package=PKG), ref(), ROSTER)
    assert "最后 1 条记录被删除" in store.verify().problems[0]  # the refused write changed nothing


def test_a_deleted_last_row_is_found_by_a_receipts_head(store_target):
    """PostgreSQL without a configured head file: only the head printed on a receipt shows it."""
    store = Store(store_target)
    fill(store)
    receipt = store.head()
    tamper(store, "DELETE FROM release_archive WHERE seq = 9")
    verdict = store.verify(receipt)
    assert not verdict.ok
    if store.head_path is None:
        assert store.verify().ok  # the chain alone looks whole
        assert "回执上的链头是第 9 条，登记库只到第 8 条" in verdict.problems[0]
    else:
        assert "最后 1 条记录被删除" in verdict.problems[0]


def test_a_chain_recomputed_without_the_key_is_found(register):
    store = open_store(register, key=KEY)
    fill(store)
    assert store.verify().ok and store.head().link.startswith("hmac-sha256:")
    tamper(store, "UPDATE review_events SET actor = '丁' WHERE seq = 4")
    recompute(store, 4)  # plain sha256 links from the edited row on, head file rewritten
    verdict = store.verify()
    assert not verdict.ok and "第 4 条" in verdict.problems[0] and "不是用密钥计算的" in verdict.problems[0]


def test_a_chain_recomputed_with_another_key_is_found(register):
    store = open_store(register, key=KEY)
    fill(store)
    tamper(store, "UPDATE review_events SET note = '改' WHERE seq = 2")
    recompute(store, 2, key=b"not-the-office-key-0123456789")
    verdict = store.verify()
    assert "第 2 条" in verdict.problems[0] and "别的密钥" in verdict.problems[0]


def test_without_a_key_a_recomputed_chain_is_caught_by_a_receipt(register):
    store = open_store(register)
    fill(store)
    receipt = store.head()
    tamper(store, "UPDATE review_events SET actor = '丁' WHERE seq = 4")
    recompute(store, 4)
    assert store.verify().ok  # a recomputed plain chain with its head file rewritten looks whole …
    verdict = store.verify(Head(receipt.seq, receipt.link[:30]))
    assert not verdict.ok and "回执上的链头不符" in verdict.problems[0]  # … but not to the receipt


def test_a_keyed_register_needs_the_key(register):
    store = open_store(register, key=KEY)
    record_id = fill(store)
    plain = open_store(register)
    with pytest.raises(StoreError, match="key_file"):
        plain.verify()
    with pytest.raises(StoreError, match="key_file"):
        plain.append(record_id, Event(PROOF, "c1", "庚"), ref())


def test_an_unkeyed_register_refuses_appends_with_a_key(register):
    record_id = fill(open_store(register))
    with pytest.raises(StoreError, match="未使用密钥"):
        open_store(register, key=KEY).append(record_id, Event(PROOF, "c1", "庚"), ref())


def test_rows_written_before_the_chain_are_counted_not_protected(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = Store(str(path))
    record, _ = store.start(ref(), Event(START, "c1"))
    tamper(store, "UPDATE review_events SET seq = NULL, prev_hash = NULL, link_hash = NULL")
    Path(str(path) + ".head").unlink()
    verdict = Store(str(path)).verify()
    assert verdict.ok and verdict.legacy == 1 and verdict.rows == 0
    store = Store(str(path))
    _, why = store.append(record.id, Event(PROOF, "c1", "庚"), ref())
    assert why is None
    verdict = store.verify()
    assert verdict.ok and verdict.legacy == 1 and verdict.rows == 1


# --- SQLite files: durability, damaged and empty files, backup and restore ----------------------


def test_sqlite_writes_use_wal_and_full_sync(tmp_path):
    store = Store(str(tmp_path / "r.sqlite3"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_an_empty_register_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "review.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(StoreError) as info:
        Store(str(path))
    message = str(info.value)
    assert str(path) in message and "为空" in message and "不会重新创建" in message and "\n" not in message
    assert path.read_bytes() == b""


def test_a_truncated_register_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "review.sqlite3"
    store = Store(str(path))
    fill_small(store)
    store.close()
    data = path.read_bytes()
    assert len(data) > 4096
    path.write_bytes(data[:-1024])
    for leftover in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        leftover.unlink(missing_ok=True)
    with pytest.raises(StoreError) as info:
        Store(str(path))
    assert "损坏" in str(info.value) and "不会重新创建" in str(info.value)
    assert path.read_bytes() == data[:-1024]


def test_a_deleted_register_with_its_head_left_is_refused(tmp_path):
    path = tmp_path / "review.sqlite3"
    fill_small(Store(str(path)))
    path.unlink()
    Path(str(path) + "-wal").unlink(missing_ok=True)
    with pytest.raises(StoreError, match="头文件"):
        Store(str(path))
    assert not path.exists()


def fill_small(store):
    record, _ = store.start(ref(), Event(START, "c1"))
    for i in range(40):
        store.append(record.id, Event(PROOF, "c1", "庚", note="校对记录" * 20 + str(i)), ref())
    return record.id


def test_backup_and_restore(tmp_path):
    path = tmp_path / "review.sqlite3"
    store = Store(str(path), key=KEY)
    record_id = fill_small(store)
    copy, verdict = store.backup(tmp_path / "review-backup.sqlite3")
    assert verdict.ok and verdict.head == store.head()
    assert chain.read_head(Path(str(copy) + ".head")) == store.head()
    with pytest.raises(StoreError, match="已存在"):
        store.backup(copy)
    # the register is lost; restore as the README says: copy the backup and its head file back
    store.close()
    for name in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm"), Path(str(path) + ".head")):
        name.unlink(missing_ok=True)
    shutil.copyfile(copy, path)
    shutil.copyfile(str(copy) + ".head", str(path) + ".head")
    restored = Store(str(path), key=KEY)
    assert restored.verify().ok
    assert len(restored.log(record_id)) == 41
    _, why = restored.append(record_id, Event(PROOF, "c1", "辛"), ref())
    assert why is None and restored.verify().ok


@pytest.mark.postgres
def test_backup_of_postgresql_points_to_pg_dump(pg_url, tmp_path):
    with pytest.raises(StoreError, match="pg_dump"):
        Store(pg_url).backup(tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_backup_is_consistent_while_clerks_write(tmp_path):
    path = tmp_path / "review.sqlite3"
    store = Store(str(path))
    record_id = fill_small(store)
    other = sqlite3.connect(path, isolation_level=None)  # a reader holding a snapshot does not block it
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM review_events").fetchone()
    copy, verdict = store.backup(tmp_path / "b.sqlite3")
    other.execute("COMMIT")
    other.close()
    assert verdict.ok and verdict.rows == 41
    assert Store(str(copy)).verify().ok and len(Store(str(copy)).log(record_id)) == 41
