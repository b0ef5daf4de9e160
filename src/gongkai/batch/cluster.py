"""Running the same per-document function on a Dask distributed cluster (``--executor dask``).

The client (the machine running ``gongkai batch``) enumerates the sources and writes RESULTS;
workers read each document themselves from a path every machine sees the same way (a
shared folder mounted at the same place), check it and send the record back. At most two
documents per worker thread are in flight, so memory stays flat on both sides.

Limits of Dask: a running task cannot be killed. A document past ``timeout_s`` is recorded
as a ``timeout`` error and its future cancelled, but the worker thread keeps going until the
document ends; start workers with ``--nthreads 1`` and several ``--nworkers`` (and, for very
long runs, ``--lifetime``) so one runaway document holds one thread only. A worker that dies
is retried by the scheduler on another worker; after that a ``worker_crash`` error is stored.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator

from .pool import Failure
from .worker import Task, check_task


class ClusterError(Exception):
    """The cluster cannot be used (Dask missing, scheduler unreachable); the message says why."""


class DaskExecutor:
    """``imap_unordered`` over a Dask cluster, given a scheduler address or a Client."""

    def __init__(self, scheduler, *, timeout_s: float | None = None, per_thread: int = 2, tick_s: float = 1.0,
                 func=check_task):
        self.scheduler = scheduler
        self.func = func
        self.timeout_s = timeout_s if timeout_s and timeout_s > 0 else None
        self.per_thread = max(1, per_thread)
        self.tick_s = tick_s

    def _client(self):
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("使用 Dask 需要安装可选依赖：pip install 'gongkai[dask]'") from None
        if not isinstance(self.scheduler, str):
            return self.scheduler, False
        try:
            return Client(self.scheduler, timeout="10s", set_as_default=False), True
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"无法连接 Dask 调度器 {self.scheduler}（{exc}）") from None

    def imap_unordered(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, object] | None]:
        """Yield ``(task, result)`` as tasks finish (result may be a :class:`Failure`), and
        ``None`` every ``tick_s`` seconds while waiting: submit while there is capacity, start
        the clocks of the running ones, collect what finished, time out what ran too long."""
        source = iter(tasks)
        first = next(source, None)
        if first is None:
            return  # nothing to check (e.g. a resumed run over an unchanged archive): no cluster needed
        source = itertools.chain([first], source)
        client, own = self._client()
        pending: dict = {}  # future -> [task, started (monotonic) or None]
        try:
            threads = sum(client.nthreads().values()) or 1
            capacity = threads * self.per_thread
            exhausted = False
            while True:
                exhausted = exhausted or self._submit(client, source, pending, capacity)
                if not pending:
                    return
                _start_clocks(pending, threads)
                out = _results(_wait_first(client, pending, self.tick_s), pending)
                out += self._expire(pending)
                if out:
                    yield from out
                else:
                    yield None
        finally:
            for future in pending:
                future.cancel()
            if own:
                client.close()

    def _submit(self, client, source: Iterator[Task], pending: dict, capacity: int) -> bool:
        """Submit tasks until ``capacity`` are in flight; True when ``source`` has run out."""
        while len(pending) < capacity:
            try:
                task = next(source)
            except StopIteration:
                return True
            future = client.submit(self.func, task, pure=False)
            pending[future] = [task, None]
        return False

    def _expire(self, pending: dict) -> list:
        """Cancel the tasks running longer than ``timeout_s``: each is a ``timeout``."""
        out = []
        if self.timeout_s:
            now = time.monotonic()
            for future, (task, started) in list(pending.items()):
                if started is not None and now - started >= self.timeout_s:
                    future.cancel()
                    del pending[future]
                    out.append((task, Failure("timeout", f"{self.timeout_s:g}")))
        return out


def _start_clocks(pending: dict, threads: int) -> None:
    """The oldest ``threads`` futures are (about) the running ones: their clock starts now."""
    now = time.monotonic()
    for i, entry in enumerate(pending.values()):
        if i >= threads:
            break
        if entry[1] is None:
            entry[1] = now


def _wait_first(client, pending: dict, tick_s: float) -> set:
    """The futures done within ``tick_s`` seconds (at least one, unless none finished)."""
    from distributed import wait

    try:
        with client.as_current():  # wait() looks up "the" client; ours need not be the default
            return wait(list(pending), timeout=tick_s, return_when="FIRST_COMPLETED").done
    except TimeoutError:
        return set()


def _results(done: set, pending: dict) -> list:
    """``(task, result or Failure)`` for each future in ``done``, taken out of ``pending``."""
    from distributed.client import FutureCancelledError

    out = []
    for future in done:
        task, _started = pending.pop(future)
        try:
            out.append((task, future.result()))
        except FutureCancelledError:
            out.append((task, Failure("crash", "任务被取消")))
        except Exception as exc:
            kind = "crash" if type(exc).__name__ == "KilledWorker" else "exception"
            out.append((task, Failure(kind, f"{type(exc).__name__}: {exc}")))
    return out
