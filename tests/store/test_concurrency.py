"""Several clerks at once: processes appending to one store lose nothing and sign nothing twice."""

from __future__ import annotations

import multiprocessing

from gongkai.review.checklist import PROOF, SIGN, START, Event
from gongkai.store import DocumentRef, Store
from gongkai.store.schema import LATEST

REF = DocumentRef(key="文号:勺府发〔2026〕9号", title="通知", doc_number="勺府发〔2026〕9号", label=None,
                  path="x.docx", file_sha256="f", content_sha256="c")
WORKERS, EACH = 4, 25


def _proofs(target, record_id, worker, barrier, results):
    store = Store(target)
    barrier.wait()
    accepted = 0
    for i in range(EACH):
        _, why = store.append(record_id, Event(PROOF, "c", f"校对{worker}", note=str(i)), REF)
        accepted += why is None
    results.put(accepted)


def _sign_first(target, record_id, worker, barrier, results):
    store = Store(target)
    barrier.wait()
    _, why = store.append(record_id, Event(SIGN, "c", f"编辑{worker}", stage="初审"), REF)
    results.put(why is None)


def _start(target, record_id, worker, barrier, results):
    store = Store(target)
    barrier.wait()
    record, created = store.start(REF, Event(START, "c", by=f"登记{worker}"))
    results.put((record.id, created))


def _run(fn, target, record_id):
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=fn, args=(target, record_id, w, barrier, results)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    out = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


def test_concurrent_appends_lose_no_event(store_target):
    record, _ = Store(store_target).start(REF, Event(START, "c"))
    accepted = _run(_proofs, store_target, record.id)
    assert accepted == [EACH] * WORKERS
    store = Store(store_target)
    log = store.log(record.id)
    assert sum(r["kind"] == "proof" for r in log) == WORKERS * EACH
    assert {(r["actor"], r["note"]) for r in log if r["kind"] == "proof"} == {
        (f"校对{w}", str(i)) for w in range(WORKERS) for i in range(EACH)
    }
    assert len(store.state(record.id).proofs) == WORKERS * EACH
    assert store.verify().ok


def test_concurrent_signers_of_one_stage_are_serialised(store_target):
    record, _ = Store(store_target).start(REF, Event(START, "c"))
    outcomes = _run(_sign_first, store_target, record.id)
    assert sorted(outcomes) == [False] * (WORKERS - 1) + [True]
    assert sum(r["kind"] == "sign" for r in Store(store_target).log(record.id)) == 1


def test_concurrent_starts_open_one_record(store_target):
    Store(store_target)  # schema in place before the race
    outcomes = _run(_start, store_target, None)
    assert len({record_id for record_id, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False] * (WORKERS - 1) + [True]
    store = Store(store_target)
    assert [r["kind"] for r in store.log(outcomes[0][0])] == ["start"] * WORKERS


def test_concurrent_first_opens_migrate_once(store_target):
    from sqlalchemy import text

    outcomes = _run(_start, store_target, None)  # four processes create the schema at once
    assert len({record_id for record_id, _ in outcomes}) == 1
    with Store(store_target).engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM gongkai_schema")).scalar() == LATEST
    assert Store(store_target).verify().ok


def test_the_hash_chain_survives_concurrent_appends(store_target):
    record, _ = Store(store_target).start(REF, Event(START, "c"))
    _run(_proofs, store_target, record.id)
    verdict = Store(store_target).verify()
    assert verdict.ok, verdict.problems
    assert verdict.rows == 1 + WORKERS * EACH and verdict.head.seq == verdict.rows
