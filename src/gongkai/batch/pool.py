"""A small process pool whose workers can be killed one at a time.

``concurrent.futures.ProcessPoolExecutor`` cannot stop one runaway task, and a worker that
dies breaks the whole executor. Here each worker has its own pipe, runs one task at a time
and holds the next one (so it never waits for the parent between documents); the parent
always knows which document a worker runs and since when:

* a task past its deadline: the worker (and its process group, e.g. a LibreOffice child)
  is killed, the task is reported as a ``timeout`` failure, the task queued behind it goes
  to another worker and a fresh worker takes over;
* a worker that dies (segfault, out of memory, killed by someone): its task is reported as a
  ``crash`` failure and it is replaced;
* workers are recycled after ``max_tasks_per_worker`` documents so memory stays flat.

Tasks are pulled lazily from the iterable, so at most ``2 × jobs`` are in flight, and results
come back in completion order. An optional :class:`Exchange` lets workers share what they
learn: after each task a worker's ``drain()`` is sent back with the result, and the parent
passes it on, with their next tasks, to the other workers' ``absorb()`` (batch runs share the
per-paragraph memos of :mod:`gongkai.memo` this way). Workers ignore SIGINT and live in their own process group:
Ctrl-C reaches only the parent, which then stops them itself.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

# Workers import gongkai afresh with the parent's sys.path: a relative entry (PYTHONPATH=src)
# must keep meaning what it meant at start-up even if the parent changes directory later.
# (The fork server of Python 3.11 takes its sys.path from PYTHONPATH, so that too.)
sys.path[:] = [os.path.abspath(p) if p and not os.path.isabs(p) else p for p in sys.path]
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        os.path.abspath(p) if p else p for p in os.environ["PYTHONPATH"].split(os.pathsep)
    )

#: Modules the fork server imports once, so each new worker starts warm.
PRELOAD = ["gongkai.batch.worker", "gongkai.api", "gongkai.output", "gongkai.batch.preload"]


@dataclass(frozen=True, slots=True)
class Exchange:
    """Worker-side state shared between workers: ``drain() -> list | None`` after each task,
    ``absorb(list)`` before the next (both module-level functions: they are pickled by name)."""

    drain: Callable[[], list | None]
    absorb: Callable[[list], None]
    #: Items the parent keeps for one worker at most (older ones are dropped: they are hints).
    backlog: int = 50_000


@dataclass(frozen=True, slots=True)
class Failure:
    """A task that produced no result: ``timeout``, ``crash`` or ``exception``."""

    kind: str
    message: str


def default_context():
    """fork server where there is one (fast, and safe with threads in the parent), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _serve(conn, func: Callable[[Any], Any], initializer: Callable[[], Any] | None = None,
           exchange: Exchange | None = None) -> None:
    """Worker loop: one task at a time until told to stop or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setpgrp"):
        try:
            os.setpgrp()
        except OSError:
            pass
    if initializer is not None:
        try:
            initializer()  # load models before READY: start-up never counts against a deadline
        except Exception:  # a worker that cannot warm up still works, only its first task is slower
            pass
    try:
        conn.send(READY)  # deadlines start now, not while the process was starting
    except (OSError, EOFError):
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        seq, payload, shared = msg
        if shared and exchange is not None:
            try:
                exchange.absorb(shared)
            except Exception:  # shared state is an optimisation: never fail a task over it
                pass
        try:
            reply = (seq, True, func(payload), exchange.drain() if exchange is not None else None)
        except Exception as exc:
            reply = (seq, False, f"{type(exc).__name__}: {exc}", exchange.drain() if exchange is not None else None)
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
        except Exception as exc:  # an unpicklable result
            try:
                conn.send((seq, False, f"{type(exc).__name__}: {exc}", None))
            except Exception:
                return


#: A worker's first message: it has started and imported what it needs.
READY = "ready"
#: A worker that has not said READY after this long is taken for dead.
STARTUP_LIMIT_S = 120.0

#: Tasks queued on one worker: the one it runs and the next, so it never waits for the parent.
DEPTH = 2
#: Only tasks this small are queued behind another (a pipe buffer holds them without blocking).
QUEUE_MAX_BYTES = 16 * 1024


class _Worker:
    __slots__ = ("conn", "deadline", "done", "inbox", "process", "ready", "retiring", "started", "tasks")

    def __init__(self, process, conn):
        self.process = process
        self.conn = conn
        self.tasks: deque = deque()  # task objects sent, in order; the head is running
        self.deadline: float | None = None  # of the head task
        self.done = 0
        self.retiring = False
        self.ready = False
        self.started = time.monotonic()
        self.inbox: list = []  # shared items from other workers, not yet sent (see Exchange)


#: Shared items sent with one task at most (a few kB: see QUEUE_MAX_BYTES).
SHARE_PER_TASK = 400


class WorkerPool:
    """``imap_unordered`` over worker processes with per-task deadlines."""

    def __init__(
        self, func: Callable[[Any], Any], jobs: int, *, timeout_s: float | None = None,
        max_tasks_per_worker: int = 500, context=None, tick_s: float = 1.0, depth: int = DEPTH,
        initializer: Callable[[], Any] | None = None, exchange: Exchange | None = None,
    ):
        self.func = func
        self.initializer = initializer
        self.exchange = exchange
        self.shared_items = 0  # items passed between workers (observable in tests and benchmarks)
        self.jobs = max(1, int(jobs))
        self.timeout_s = timeout_s if timeout_s and timeout_s > 0 else None
        self.max_tasks = max(1, int(max_tasks_per_worker))
        self.ctx = context or default_context()
        self.tick_s = tick_s
        self.depth = max(1, depth)
        self._workers: list[_Worker] = []  # alive and taking work
        self._retired: list[_Worker] = []
        self.started = 0  # workers started, replacements included (observable in tests)

    # -- workers -----------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=_serve, args=(child_conn, self.func, self.initializer, self.exchange),
                                   daemon=True,
                                   name="gongkai-batch-worker")
        process.start()
        child_conn.close()
        self.started += 1
        w = _Worker(process, parent_conn)
        self._workers.append(w)
        return w

    @staticmethod
    def _kill(w: _Worker) -> None:
        pid = w.process.pid
        try:
            if pid is not None and hasattr(os, "killpg") and os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)  # the worker and anything it started
            else:
                w.process.kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass
        w.process.join(5)
        w.conn.close()

    def _drop(self, w: _Worker) -> list:
        """Kill ``w`` and take back the tasks queued behind its running one."""
        if w in self._workers:
            self._workers.remove(w)
        self._kill(w)
        queued = list(w.tasks)[1:]
        w.tasks.clear()
        return queued

    def _retire(self, w: _Worker) -> None:
        if w in self._workers:
            self._workers.remove(w)
        try:
            w.conn.send(None)
        except (OSError, EOFError):
            pass
        self._retired.append(w)
        self._reap()

    def _reap(self) -> None:
        alive = []
        for w in self._retired:
            if w.process.is_alive():
                alive.append(w)
            else:
                w.process.join(0)
                w.conn.close()
        self._retired = alive

    def close(self, graceful: bool = True) -> None:
        """Stop every worker: idle ones are asked to leave, busy ones are killed."""
        for w in self._workers:
            if w.tasks or not graceful:
                self._kill(w)
                continue
            self._retired.append(w)
            try:
                w.conn.send(None)
            except (OSError, EOFError):
                pass
        self._workers = []
        end = time.monotonic() + 3
        for w in self._retired:
            w.process.join(max(0.0, end - time.monotonic()))
            if w.process.is_alive():
                self._kill(w)
            else:
                w.conn.close()
        self._retired = []

    def _deadline(self, w: _Worker) -> float | None:
        """When the task now at the head of ``w`` must be done (None: no limit, or not started)."""
        if not w.ready:
            return w.started + STARTUP_LIMIT_S
        if not self.timeout_s:
            return None
        return time.monotonic() + self.timeout_s

    def _takers(self) -> list[_Worker]:
        """Workers that may be given another task (not past their share before recycling)."""
        return [w for w in self._workers if not w.retiring and w.done + len(w.tasks) < self.max_tasks]

    def _has_room(self) -> bool:
        takers = self._takers()
        return (len(self._workers) < self.jobs or any(not w.tasks for w in takers)
                or any(len(w.tasks) < self.depth for w in takers))

    def _slot(self) -> _Worker | None:
        """The worker to give the next task: an idle one, a new one, or one with room in its queue."""
        takers = self._takers()
        for w in takers:
            if not w.tasks:
                return w
        if len(self._workers) < self.jobs:
            return self._spawn()
        for w in takers:
            if len(w.tasks) < self.depth:
                return w
        return None

    def _pass_on(self, source: _Worker, learned: list) -> None:
        """Queue what ``source`` learned for every other worker (flattened, to send in slices)."""
        items = [(name, entry) for name, entries in learned for entry in entries]
        backlog = self.exchange.backlog if self.exchange is not None else 0
        for w in self._workers:
            if w is source:
                continue
            w.inbox.extend(items)
            if len(w.inbox) > backlog:
                del w.inbox[: len(w.inbox) - backlog]

    # -- running -----------------------------------------------------------------------------
    def imap_unordered(self, tasks: Iterable[Any]) -> Iterator[tuple[Any, Any] | None]:
        """Yield ``(task, result)`` as tasks finish (result may be a :class:`Failure`), and
        ``None`` every ``tick_s`` seconds while waiting, so the caller can keep time.

        Each round: hand out tasks while workers have room, wait for a result, a death or the
        nearest deadline, collect what arrived, kill the workers past their deadline. However
        the caller stops (Ctrl-C included), every worker is stopped before this returns."""
        feed = _Feed(iter(tasks))
        clean = False
        try:
            while True:
                finished = self._dispatch(feed)
                busy = [w for w in self._workers if w.tasks]
                if not busy and not finished:
                    if not feed.pending:
                        clean = True
                        return
                    continue
                # with results to hand out, only look; else wait up to a tick
                ready = self._wait(busy, longest_s=0.0 if finished else self.tick_s)
                self._collect(busy, ready, feed, finished)
                self._enforce_deadlines(feed, finished)
                if self._retired:
                    self._reap()
                if finished:
                    yield from finished
                elif not ready:
                    yield None
        finally:
            self.close(graceful=clean)

    # Each step below appends the (task, result or Failure) pairs it ends to ``finished``, and
    # gives the tasks it takes back from a killed worker to ``feed`` to run first.

    def _dispatch(self, feed: "_Feed") -> list[tuple[Any, Any]]:
        """Keep every worker busy (and one task ahead) while there is work; returns the tasks
        that failed on the way (unpicklable, or their worker gone)."""
        finished: list[tuple[Any, Any]] = []
        while feed.pending and self._has_room():
            task = feed.take()
            if task is _NO_TASK:
                break
            w = self._slot()
            feed.seq += 1
            try:
                data, shared = self._message(w, feed.seq, task)
            except Exception as exc:  # the task itself cannot be sent
                finished.append((task, Failure("exception", f"{type(exc).__name__}: {exc}")))
                continue
            if w.tasks and len(data) > QUEUE_MAX_BYTES:
                feed.again.appendleft(task)  # too big to queue safely: wait for an idle worker
                break
            if not self._send(w, task, data, shared):
                feed.again.extend(self._drop(w))
                finished.append((task, Failure("crash", "工作进程已退出")))
        return finished

    @staticmethod
    def _message(w: _Worker, seq: int, task: Any) -> tuple[bytes, list | None]:
        """``task`` pickled for ``w`` with as many of the items shared with ``w`` as still let it
        queue behind a running one, and those items; raises when the task cannot be pickled."""
        shared = w.inbox[:SHARE_PER_TASK] if w.inbox else None
        data = pickle.dumps((seq, task, None), protocol=pickle.HIGHEST_PROTOCOL)
        while shared:
            with_shared = pickle.dumps((seq, task, _regroup(shared)), protocol=pickle.HIGHEST_PROTOCOL)
            if not w.tasks or len(with_shared) <= QUEUE_MAX_BYTES:
                return with_shared, shared
            shared = shared[: len(shared) // 4] if len(shared) > 16 else None
        return data, None

    def _send(self, w: _Worker, task: Any, data: bytes, shared: list | None) -> bool:
        """Send ``task`` to ``w`` (False: ``w`` is gone); its clock starts when it is the head."""
        try:
            w.conn.send_bytes(data)
        except (OSError, EOFError):
            return False
        if shared:
            del w.inbox[:len(shared)]
            self.shared_items += len(shared)
        if not w.tasks:
            w.deadline = self._deadline(w)
        w.tasks.append(task)
        return True

    def _wait(self, busy: list[_Worker], longest_s: float) -> set:
        """The pipes and process sentinels of ``busy`` workers that are ready, waiting at most
        ``longest_s`` seconds and never past the nearest deadline."""
        wait_s = longest_s
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        if deadlines:
            wait_s = max(0.0, min(wait_s, min(deadlines) - time.monotonic()))
        handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        return set(wait(handles, wait_s)) if handles else set()

    def _collect(self, busy: list[_Worker], ready: set, feed: "_Feed", finished: list) -> None:
        """Results from the ready workers; a dead one is replaced; one that has done its share is retired."""
        for w in busy:
            if w.conn not in ready and w.process.sentinel not in ready:
                continue
            try:
                self._receive(w, finished)
            except (EOFError, OSError):
                self._worker_died(w, feed, finished)
                continue
            if w.done >= self.max_tasks:
                w.retiring = True
            if w.retiring and not w.tasks:
                self._retire(w)

    def _receive(self, w: _Worker, finished: list) -> None:
        """What ``w`` has sent: READY (its first task's clock starts), then results; raises
        EOFError when ``w`` is dead with tasks still on it."""
        while w.tasks and w.conn.poll():
            msg = w.conn.recv()
            if msg == READY:
                w.ready = True
                w.deadline = self._deadline(w)
                continue
            _seq, ok, value, learned = msg
            if learned:
                self._pass_on(w, learned)
            task = w.tasks.popleft()
            w.done += 1
            w.deadline = self._deadline(w) if w.tasks else None
            finished.append((task, value if ok else Failure("exception", value)))
        if w.tasks and not w.process.is_alive():
            raise EOFError

    def _worker_died(self, w: _Worker, feed: "_Feed", finished: list) -> None:
        """``w`` died (segfault, out of memory, killed): its running task is a ``crash``, the
        tasks queued behind it go back to ``feed``; a new worker takes its place when needed."""
        head = w.tasks[0] if w.tasks else None
        w.process.join(1)
        code = w.process.exitcode
        feed.again.extend(self._drop(w))
        if head is not None:
            finished.append((head, Failure("crash", _crash_message(code))))

    def _enforce_deadlines(self, feed: "_Feed", finished: list) -> None:
        """Kill every worker whose running task is past its deadline (a ``timeout``) or that did
        not start in time (a ``crash``); the tasks queued behind it go back to ``feed``."""
        now = time.monotonic()
        for w in list(self._workers):
            if w.tasks and w.deadline is not None and now >= w.deadline:
                head, started = w.tasks[0], w.ready
                feed.again.extend(self._drop(w))
                if started:
                    finished.append((head, Failure("timeout", f"{self.timeout_s:g}")))
                else:
                    finished.append((head, Failure("crash", "工作进程启动超时")))


#: What :meth:`_Feed.take` returns when the caller's tasks have run out.
_NO_TASK = object()


class _Feed:
    """The tasks still to hand out: those taken back from a killed worker first, then the
    caller's, pulled lazily."""

    __slots__ = ("again", "exhausted", "seq", "source")

    def __init__(self, source: Iterator[Any]):
        self.source = source
        self.again: deque = deque()
        self.exhausted = False
        self.seq = 0  # numbers the messages sent to workers

    @property
    def pending(self) -> bool:
        return bool(self.again) or not self.exhausted

    def take(self) -> Any:
        if self.again:
            return self.again.popleft()
        try:
            return next(self.source)
        except StopIteration:
            self.exhausted = True
            return _NO_TASK


def _regroup(items: list[tuple[str, Any]]) -> list[tuple[str, list]]:
    """[(name, entry)…] → [(name, [entry…])…], the shape ``drain()`` gives and ``absorb()`` takes."""
    groups: dict[str, list] = {}
    for name, entry in items:
        groups.setdefault(name, []).append(entry)
    return list(groups.items())


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"信号 {name}"
    return f"退出码 {exitcode}"
