"""A small process pool whose workers can be killed one at a time.

``concurrent.futures.ProcessPoolExecutor`` cannot stop one runaway task, and a worker that
dies breaks the whole executor. Here each worker has its own pipe and runs one task at a
time, so the parent always knows which document a worker holds and since when:

* a task past its deadline: the worker (and its process group, e.g. a LibreOffice child)
  is killed, the task is reported as a ``timeout`` failure and a fresh worker takes over;
* a worker that dies (segfault, out of memory, killed by someone): its task is reported as a
  ``crash`` failure and it is replaced;
* workers are recycled after ``max_tasks_per_worker`` documents so memory stays flat.

Tasks are pulled lazily from the iterable, so at most ``jobs`` are in flight, and results
come back in completion order. Workers ignore SIGINT and live in their own process group:
Ctrl-C reaches only the parent, which then stops them itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

# Workers import gongkai afresh with the parent's sys.path: a relative entry (PYTHONPATH=src)
# must keep meaning what it meant at start-up even if the parent changes directory later.
# (The fork server of Python 3.11 takes its sys.path from PYTHONPATH, so that too.)
sys.path[:] = [os.path.abspath(p) if p and not os.path.isabs(p) else p for p in sys.path]
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        os.path.abspath(p) if p else p for p in os.environ["PYTHONPATH"].split(os.pathsep)
    )

#: Modules the fork server imports once, so each new worker starts warm.
PRELOAD = ["gongkai.batch.worker", "gongkai.api", "gongkai.output"]


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


def _serve(conn, func: Callable[[Any], Any]) -> None:
    """Worker loop: one task at a time until told to stop or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setpgrp"):
        try:
            os.setpgrp()
        except OSError:
            pass
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        seq, payload = msg
        try:
            reply = (seq, True, func(payload))
        except Exception as exc:
            reply = (seq, False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
        except Exception as exc:  # an unpicklable result
            try:
                conn.send((seq, False, f"{type(exc).__name__}: {exc}"))
            except Exception:
                return


class _Worker:
    __slots__ = ("process", "conn", "task", "deadline", "done")

    def __init__(self, process, conn):
        self.process = process
        self.conn = conn
        self.task = None
        self.deadline: float | None = None
        self.done = 0


class WorkerPool:
    """``imap_unordered`` over worker processes with per-task deadlines."""

    def __init__(
        self, func: Callable[[Any], Any], jobs: int, *, timeout_s: float | None = None,
        max_tasks_per_worker: int = 500, context=None, tick_s: float = 1.0,
    ):
        self.func = func
        self.jobs = max(1, int(jobs))
        self.timeout_s = timeout_s if timeout_s and timeout_s > 0 else None
        self.max_tasks = max(1, int(max_tasks_per_worker))
        self.ctx = context or default_context()
        self.tick_s = tick_s
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        self._retired: list[_Worker] = []
        self.started = 0  # workers started, replacements included (observable in tests)

    # -- workers -----------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self.ctx.Pipe(duplex=True)
        process = self.ctx.Process(target=_serve, args=(child_conn, self.func), daemon=True,
                                   name="gongkai-batch-worker")
        process.start()
        child_conn.close()
        self.started += 1
        return _Worker(process, parent_conn)

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

    def _retire(self, w: _Worker) -> None:
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
        for w in self._busy:
            self._kill(w)
        self._busy = []
        for w in self._idle:
            if graceful:
                self._retired.append(w)
                try:
                    w.conn.send(None)
                except (OSError, EOFError):
                    pass
            else:
                self._kill(w)
        self._idle = []
        end = time.monotonic() + 3
        for w in self._retired:
            w.process.join(max(0.0, end - time.monotonic()))
            if w.process.is_alive():
                self._kill(w)
            else:
                w.conn.close()
        self._retired = []

    # -- running -----------------------------------------------------------------------------
    def imap_unordered(self, tasks: Iterable[Any]) -> Iterator[tuple[Any, Any] | None]:
        """Yield ``(task, result)`` as tasks finish (result may be a :class:`Failure`), and
        ``None`` every ``tick_s`` seconds while waiting, so the caller can keep time."""
        source = iter(tasks)
        exhausted = False
        seq = 0
        clean = False
        try:
            while True:
                # Keep every worker busy while there is work.
                while not exhausted and len(self._busy) < self.jobs:
                    try:
                        task = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    w = self._idle.pop() if self._idle else self._spawn()
                    seq += 1
                    try:
                        w.conn.send((seq, task))
                    except (OSError, EOFError):
                        self._kill(w)
                        yield task, Failure("crash", "工作进程已退出")
                        continue
                    except Exception as exc:  # the task itself cannot be sent
                        self._idle.append(w)
                        yield task, Failure("exception", f"{type(exc).__name__}: {exc}")
                        continue
                    w.task = task
                    w.deadline = time.monotonic() + self.timeout_s if self.timeout_s else None
                    self._busy.append(w)
                if not self._busy:
                    if exhausted:
                        clean = True
                        return
                    continue
                now = time.monotonic()
                deadlines = [w.deadline for w in self._busy if w.deadline is not None]
                wait_s = self.tick_s
                if deadlines:
                    wait_s = max(0.0, min(wait_s, min(deadlines) - now))
                handles = [w.conn for w in self._busy] + [w.process.sentinel for w in self._busy]
                ready = set(wait(handles, wait_s))
                finished: list[tuple[Any, Any]] = []
                for w in list(self._busy):
                    if w.conn not in ready and w.process.sentinel not in ready:
                        continue
                    try:
                        if not w.conn.poll():
                            raise EOFError
                        _seq, ok, value = w.conn.recv()
                    except (EOFError, OSError):
                        self._busy.remove(w)
                        w.process.join(1)
                        code = w.process.exitcode
                        self._kill(w)
                        finished.append((w.task, Failure("crash", _crash_message(code))))
                        continue
                    self._busy.remove(w)
                    task, w.task, w.deadline = w.task, None, None
                    w.done += 1
                    if w.done >= self.max_tasks:
                        self._retire(w)
                    else:
                        self._idle.append(w)
                    finished.append((task, value if ok else Failure("exception", value)))
                now = time.monotonic()
                for w in list(self._busy):
                    if w.deadline is not None and now >= w.deadline:
                        self._busy.remove(w)
                        self._kill(w)
                        finished.append((w.task, Failure("timeout", f"{self.timeout_s:g}")))
                if self._retired:
                    self._reap()
                if finished:
                    yield from finished
                elif not ready:
                    yield None
        finally:
            self.close(graceful=clean)


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"信号 {name}"
    return f"退出码 {exitcode}"
