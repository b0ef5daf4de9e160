"""The review store on SQLite and PostgreSQL: log, lookup, release, migrations, errors."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import text

from gongkai.review.checklist import PROOF, SECRECY, SIGN, START, Event, Facts
from gongkai.store import DocumentRef, Store, StoreError, document_key
from gongkai.store.schema import LATEST

ROSTER = {"甲": "编辑", "乙": "股室负责人", "丙": "分管领导", "庚": "校对"}


def ref(content="c1", path="a/通知.docx", number="勺府发〔2026〕3号", title="关于春耕补贴的通知"):
    return DocumentRef(
        key=document_key(title, number, content), title=title, doc_number=number, label="主动公开",
        path=path, file_sha256="f-" + content, content_sha256=content,
    )


def review_all(store, record, content="c1"):
    for ev in (
        Event(SIGN, content, "甲", stage="初审"), Event(SIGN, content, "乙", stage="复审"),
        Event(SIGN, content, "丙", stage="终审"), Event(PROOF, content, "庚"), Event(PROOF, content, "庚"),
        Event(PROOF, content, "庚"), Event(SECRECY, content, "丙"),
    ):
        _, why = store.append(record.id, ev, ref(content), ROSTER)
        assert why is None


def test_start_opens_a_record_and_a_second_start_continues_it(store_target):
    store = Store(store_target)
    record, created = store.start(ref(), Event(START, "c1"))
    again, created_again = store.start(ref(path="b/副本.docx"), Event(START, "c1", important=True))
    assert created and not created_again and again.id == record.id and record.round == 1
    assert store.state(record.id).important


def test_the_log_keeps_who_role_when_what_content_and_note(store_target):
    store = Store(store_target, clock=lambda: "2026-11-26T10:00:00+00:00")
    record, _ = store.start(ref(), Event(START, "c1"))
    _, why = store.append(record.id, Event(SIGN, "c1", "甲", stage="初审", note="文字已核", role="编辑"), ref())
    assert why is None
    row = store.log(record.id)[-1]
    assert (row["kind"], row["stage"], row["actor"], row["role"], row["at"], row["content_sha256"],
            row["file_sha256"], row["path"], row["note"]) == (
        "sign", "初审", "甲", "编辑", "2026-11-26T10:00:00+00:00", "c1", "f-c1", "a/通知.docx", "文字已核")


def test_refused_events_are_not_logged(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(), Event(START, "c1"))
    _, why = store.append(record.id, Event(SIGN, "c1", "乙", stage="复审"), ref())
    assert "须先完成初审" in why
    assert [r["kind"] for r in store.log(record.id)] == ["start"]


def test_status_survives_reopening_the_store(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(), Event(START, "c1"))
    review_all(store, record)
    reopened = Store(store_target)
    state = reopened.state(record.id, ROSTER)
    assert set(state.signed) == {"初审", "复审", "终审"} and len(state.proofs) == 3


def test_a_renamed_copy_finds_the_same_record(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(), Event(START, "c1"))
    assert store.find_open(ref(path="别处/改名.docx")).id == record.id
    assert store.find_open(ref(content="c2")).id == record.id  # edited, same 文号
    assert store.find_open(ref(content="c3", number="勺府发〔2026〕4号", title="另一份")) is None


def test_a_document_without_number_or_title_is_known_by_its_content(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(number=None, title=None), Event(START, "c1"))
    assert store.find_open(ref(number=None, title=None, path="x.docx")).id == record.id
    assert store.find_open(ref(content="c9", number=None, title=None)) is None


def test_release_writes_one_archive_entry_and_closes_the_record(store_target):
    store = Store(store_target, clock=lambda: "2026-11-26T12:00:00+00:00")
    record, _ = store.start(ref(), Event(START, "c1"))
    review_all(store, record)
    missing, entry = store.release(record, ref(), Facts("c1", "主动公开"), ROSTER, by="丙")
    assert missing == []
    assert entry["doc_number"] == "勺府发〔2026〕3号" and entry["label"] == "主动公开"
    assert entry["reviewers"]["复审"] == {"by": "乙", "at": "2026-11-26T12:00:00+00:00", "role": "股室负责人"}
    assert len(entry["reviewers"]["校对"]) == 3
    _, again = store.release(record, ref(), Facts("c1", "主动公开"), ROSTER)
    assert again["id"] == entry["id"] and len(list(store.archive_entries())) == 1
    assert store.find_open(ref()) is None
    assert store.released(ref())["id"] == entry["id"]
    second, created = store.start(ref(content="c2"), Event(START, "c2"))
    assert created and second.round == 2


def test_release_refused_lists_missing_items_and_writes_nothing(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(), Event(START, "c1"))
    missing, entry = store.release(record, ref(), Facts("c1", None), None)
    assert entry is None
    assert [m.code for m in missing] == ["stage_1", "stage_2", "stage_3", "proof", "secrecy", "label"]
    assert list(store.archive_entries()) == []


def test_the_event_log_is_append_only(store_target):
    store = Store(store_target)
    record, _ = store.start(ref(), Event(START, "c1"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE review_events SET actor = 'x'"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM review_events"))
    assert len(store.log(record.id)) == 1


def test_migrations_are_recorded_once(store_target):
    Store(store_target)
    store = Store(store_target)
    assert store.schema_version() == LATEST
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM gongkai_schema")).scalar() == LATEST


def test_a_store_from_a_newer_version_is_refused(store_target):
    store = Store(store_target)
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO gongkai_schema (version, applied_at) VALUES (999, 'x')"))
    with pytest.raises(StoreError, match="999"):
        Store(store_target)


def test_a_corrupt_sqlite_file_gives_one_line_naming_it(tmp_path):
    bad = tmp_path / "坏.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        Store(str(bad))
    assert str(bad) in str(info.value) and "损坏" in str(info.value) and "\n" not in str(info.value)


def test_a_locked_sqlite_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "review.sqlite3"
    store = Store(str(path))
    record, _ = store.start(ref(), Event(START, "c1"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="锁定"):
            Store(str(path), busy_timeout=0.2).append(record.id, Event(PROOF, "c1", "庚"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unreachable_server_gives_a_clear_error_without_the_password():
    with pytest.raises(StoreError, match="127.0.0.1") as info:
        Store("postgresql://gongkai:s3cret@127.0.0.1:1/none")
    assert "s3cret" not in str(info.value) and "无法连接" in str(info.value)


def test_a_missing_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="无法打开"):
        Store(str(tmp_path / "没有这个目录" / "review.sqlite3"))


def test_a_v1_store_is_migrated_and_its_old_sign_offs_are_judged_by_content(tmp_path):
    """Rows logged before package fingerprints keep being judged by content_sha256."""
    path = tmp_path / "old.sqlite3"
    store = Store(str(path))
    record, _ = store.start(ref(), Event(START, "c1"))
    review_all(store, record)  # events without a package fingerprint, as gongkai wrote them before
    store.close()
    raw = sqlite3.connect(path)  # take the store back to the v1 shape
    raw.execute("DELETE FROM gongkai_schema WHERE version >= 2")
    for table, column in (("review_events", "package_sha256"), ("review_events", "places"),
                          ("release_archive", "package_sha256")):
        raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    raw.commit()
    raw.close()
    store = Store(str(path))
    assert store.schema_version() == LATEST
    assert {r["package_sha256"] for r in store.log(record.id)} == {None}
    now = Facts("c1", "主动公开", package="pkg1:" + "a" * 64, places={"正文：word/document.xml": "a" * 32})
    missing, entry = store.release(record, replace(ref(), package_sha256=now.package), now, ROSTER)
    assert missing == [] and entry["package_sha256"] == now.package


def test_events_keep_their_package_fingerprint_and_places(store_target):
    store = Store(store_target)
    places = {"正文：word/document.xml": "1" * 32, "图片：word/media/image1.png": "2" * 32}
    record, _ = store.start(ref(), Event(START, "c1", package="pkg1:" + "f" * 64, places=places))
    row = store.log(record.id)[0]
    assert row["package_sha256"] == "pkg1:" + "f" * 64
    [ev] = store.events(record.id)
    assert ev.package == "pkg1:" + "f" * 64 and ev.places == places


def test_a_changed_package_after_final_review_is_refused_naming_the_place(store_target):
    store = Store(store_target)
    places = {"正文：word/document.xml": "1" * 32, "图片：word/media/image1.png": "2" * 32}
    pkg = "pkg1:" + "f" * 64
    record, _ = store.start(ref(), Event(START, "c1", package=pkg, places=places))
    for ev in (
        Event(SIGN, "c1", "甲", stage="初审"), Event(SIGN, "c1", "乙", stage="复审"),
        Event(SIGN, "c1", "丙", stage="终审"), Event(PROOF, "c1", "庚"), Event(PROOF, "c1", "庚"),
        Event(PROOF, "c1", "庚"), Event(SECRECY, "c1", "丙"),
    ):
        _, why = store.append(record.id, replace(ev, package=pkg, places=places), ref(), ROSTER)
        assert why is None
    swapped = {**places, "图片：word/media/image1.png": "3" * 32}
    facts = Facts("c1", "主动公开", package="pkg1:" + "e" * 64, places=swapped)
    missing, entry = store.release(record, ref(), facts, ROSTER)
    assert entry is None and missing[0].code == "content_changed"
    assert "终审后" in missing[0].message and "图片：word/media/image1.png" in missing[0].message
    assert "正文" not in missing[0].message
