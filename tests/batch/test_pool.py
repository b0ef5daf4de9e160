"""The worker pool: results for every task, runaway tasks killed, crashed workers replaced."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from gongkai.batch.pool import Failure, WorkerPool

# Test functions live in this module, which workers cannot import by name: fork them in.
FORK = multiprocessing.get_context("fork")


def work(task):
    kind, value = task
    if kind == "sleep":
        time.sleep(value)
    elif kind == "exit":
        os._exit(value)
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "raise":
        raise ValueError(value)
    elif kind == "pid":
        return os.getpid()
    return value


def results(pool, tasks):
    return [item for item in pool.imap_unordered(tasks) if item is not None]


def test_every_task_comes_back_once():
    pool = WorkerPool(work, 2, context=FORK)
    got = results(pool, [("echo", i) for i in range(20)])
    assert sorted(r for _t, r in got) == list(range(20))
    assert all(t == ("echo", r) for t, r in got)
    assert pool.started == 2


def test_a_runaway_task_is_killed_and_the_rest_finish():
    pool = WorkerPool(work, 2, timeout_s=0.5, context=FORK)
    start = time.monotonic()
    got = dict(results(pool, [("sleep", 60), ("echo", 1), ("echo", 2), ("echo", 3)]))
    assert time.monotonic() - start < 20
    assert got[("sleep", 60)] == Failure("timeout", "0.5")
    assert [got[("echo", i)] for i in (1, 2, 3)] == [1, 2, 3]
    assert pool.started == 2  # the killed worker's replacement is started only if work remains


def test_a_killed_worker_is_replaced():
    pool = WorkerPool(work, 1, context=FORK)
    got = results(pool, [("kill", None), ("exit", 3), ("echo", "after")])
    assert got[0][1].kind == "crash" and "SIGKILL" in got[0][1].message
    assert got[1][1] == Failure("crash", "退出码 3")
    assert got[2][1] == "after"
    assert pool.started == 3


def test_an_exception_fails_only_its_task():
    pool = WorkerPool(work, 1, context=FORK)
    got = results(pool, [("raise", "boom"), ("echo", 5)])
    assert got[0][1] == Failure("exception", "ValueError: boom")
    assert got[1][1] == 5
    assert pool.started == 1


def test_workers_are_recycled_after_max_tasks():
    pool = WorkerPool(work, 1, max_tasks_per_worker=2, context=FORK)
    pids = [r for _t, r in results(pool, [("pid", None)] * 6)]
    assert len(set(pids)) == 3 and pool.started == 3


def test_tasks_are_pulled_lazily():
    pulled = []

    def tasks():
        for i in range(50):
            pulled.append(i)
            yield ("sleep", 0.01)

    pool = WorkerPool(work, 2, context=FORK)
    stream = pool.imap_unordered(tasks())
    first = next(item for item in stream if item is not None)
    assert first == (("sleep", 0.01), 0.01)
    assert len(pulled) <= 5  # two workers, each running one and holding the next; one more asked for
    stream.close()


def test_closing_the_stream_stops_busy_workers():
    pool = WorkerPool(work, 2, context=FORK, tick_s=0.05)
    stream = pool.imap_unordered([("sleep", 60)] * 2)
    assert next(stream) is None  # a tick while both sleep
    procs = [w.process for w in pool._workers]
    stream.close()
    assert procs and not any(p.is_alive() for p in procs)


@pytest.mark.parametrize("jobs", [1, 3])
def test_no_workers_for_no_tasks(jobs):
    pool = WorkerPool(work, jobs, context=FORK)
    assert results(pool, []) == [] and pool.started == 0


def test_a_task_queued_behind_a_runaway_one_is_run_elsewhere():
    pool = WorkerPool(work, 1, timeout_s=0.5, context=FORK)
    got = results(pool, [("sleep", 60), ("echo", 1), ("echo", 2)])
    assert got[0] == (("sleep", 60), Failure("timeout", "0.5"))
    assert sorted(r for _t, r in got[1:]) == [1, 2]
    assert pool.started == 2


def test_a_task_queued_behind_a_crash_is_not_lost():
    pool = WorkerPool(work, 1, context=FORK)
    got = results(pool, [("kill", None), ("echo", 7)])
    assert got[0][1].kind == "crash" and got[1] == (("echo", 7), 7)


def test_large_tasks_are_not_queued_behind_others():
    pool = WorkerPool(work, 1, context=FORK)
    big = "文" * 20000
    got = results(pool, [("echo", big)] * 3 + [("echo", "small")])
    assert [r for _t, r in got] == [big, big, big, "small"]


# -- sharing worker-side state (gongkai.memo through an Exchange) -------------------------------

from gongkai import memo  # noqa: E402
from gongkai.batch.pool import Exchange  # noqa: E402

SHARED = memo.TextMemo("test-pool", 1000)


def remember(task):
    """Returns who computed the text's entry: this worker now, or the worker it came from."""
    _kind, text = task
    time.sleep(0.01)
    key = memo.key_of(text)
    origin = SHARED.get(key)
    if origin is None:
        SHARED.put(key, os.getpid())
        return ("computed", os.getpid())
    return ("known", origin, os.getpid())


def start_recording():
    memo.record(True)


def test_workers_share_what_they_computed():
    pool = WorkerPool(remember, 2, context=FORK, initializer=start_recording,
                      exchange=Exchange(memo.drain, memo.absorb))
    # An odd number of texts: two workers taking tasks in turn (as they do on an idle machine)
    # would otherwise be handed the same texts every round and never need a peer's entry.
    texts = [f"第{i}段" for i in range(9)]
    got = [r for _t, r in results(pool, [("memo", t) for t in texts * 4])]
    computed = [r for r in got if r[0] == "computed"]
    from_peer = [r for r in got if r[0] == "known" and r[1] != r[2]]
    assert from_peer, "a worker answered from an entry another worker computed"
    assert len(computed) < 2 * len(texts)  # without sharing each worker computes each text
    assert pool.shared_items > 0


def test_without_an_exchange_nothing_is_shared():
    pool = WorkerPool(remember, 2, context=FORK, initializer=start_recording)
    got = [r for _t, r in results(pool, [("memo", f"独有{i}") for i in range(10)] * 4)]
    assert not [r for r in got if r[0] == "known" and r[1] != r[2]]
    assert pool.shared_items == 0
