"""Accounts and units in the register (issue #19): argon2 passwords, roles as the gate's roster,
and a register with accounts refusing review writes that are not signed in."""

from __future__ import annotations

import pytest

from gongkai.review.checklist import PROOF, SECRECY, SIGN, START, Event, Facts
from gongkai.store import DocumentRef, SignInRequired, Store, document_key
from gongkai.store.accounts import AccountError, Accounts

PASSWORD = "correct horse 42"


def ref(content="c1"):
    title, number = "关于春耕补贴的通知", "勺府发〔2026〕3号"
    return DocumentRef(key=document_key(title, number, content), title=title, doc_number=number, label="主动公开",
                       path="通知.docx", file_sha256="f-" + content, content_sha256=content)


@pytest.fixture
def office(store_target):
    store = Store(store_target)
    people = Accounts(store)
    people.create("zhang", "张三", PASSWORD, ["编辑"], unit="农业股")
    people.create("li", "李四", PASSWORD, ["股室负责人"], unit="农业股")
    people.create("zhao", "赵六", PASSWORD, ["分管领导"])
    people.create("wang", "王五", PASSWORD, ["校对"])
    return store, people


def test_a_password_is_stored_as_an_argon2id_hash(office):
    store, people = office
    from sqlalchemy import text

    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM accounts WHERE username = 'zhang'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_authenticate_needs_the_right_password_and_an_active_account(office):
    store, people = office
    assert people.authenticate("zhang", PASSWORD).name == "张三"
    assert people.authenticate("zhang", "wrong password") is None
    assert people.authenticate("nobody", PASSWORD) is None
    people.update(people.by_username("zhang").id, active=False)
    assert people.authenticate("zhang", PASSWORD) is None


def test_names_and_usernames_are_unique_and_roles_known(office):
    _, people = office
    with pytest.raises(AccountError, match="姓名 张三 已被使用"):
        people.create("zhang2", "张三", PASSWORD, ["校对"])
    with pytest.raises(AccountError, match="未知角色 局长"):
        people.create("ju", "局长甲", PASSWORD, ["局长"])
    with pytest.raises(AccountError, match="密码至少"):
        people.create("short", "短密码", "abc", ["校对"])


def test_account_roles_are_the_roster(office):
    store, people = office
    assert store.account_roster()["李四"] == frozenset({"股室负责人"})
    assert people.by_username("zhang").unit == "农业股"


def test_without_accounts_the_register_takes_free_text_names(store_target):
    store = Store(store_target)
    assert not store.has_accounts() and store.account_roster() is None
    record, _ = store.start(ref(), Event(START, "c1", "甲"))
    assert store.append(record.id, Event(SIGN, "c1", "乙", stage="初审"), ref())[1] is None


def test_with_accounts_unsigned_writes_are_refused(office):
    store, _ = office
    with pytest.raises(SignInRequired, match="登录审核台"):
        store.start(ref(), Event(START, "c1", "张三"))
    record, _ = store.start(ref(), Event(START, "c1", "张三"), signed_in=True)
    with pytest.raises(SignInRequired, match="gongkai serve"):
        store.append(record.id, Event(SIGN, "c1", "张三", stage="初审"), ref(), store.account_roster())
    roster = store.account_roster()
    for ev in (Event(SIGN, "c1", "张三", stage="初审"), Event(SIGN, "c1", "李四", stage="复审"),
               Event(SIGN, "c1", "赵六", stage="终审"), Event(PROOF, "c1", "王五"), Event(PROOF, "c1", "王五"),
               Event(PROOF, "c1", "王五"), Event(SECRECY, "c1", "赵六")):
        assert store.append(record.id, ev, ref(), roster, signed_in=True)[1] is None
    with pytest.raises(SignInRequired):
        store.release(record, ref(), Facts("c1", "主动公开"), roster, by="赵六")
    missing, entry = store.release(record, ref(), Facts("c1", "主动公开"), roster, by="赵六", signed_in=True)
    assert missing == [] and entry["reviewers"]["复审"]["role"] == "股室负责人"
