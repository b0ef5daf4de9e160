"""Where the web desk's checks run: a pool of warm worker processes, so checks use every core
(threads of the server process share one, because of the GIL) and an upload being checked
never holds up the pages of others.

``Checks(config, workers)`` wraps a ``concurrent.futures.ProcessPoolExecutor``. A job is one of
the functions of ``web/desk.py`` that touch no register (``accept_file``, ``check_stored``,
``annotated_copy``, ``redacted_copy``): it gets the uploaded bytes or a stored file's path and
the configuration, and sends back plain data (the Document and its Report, or a copy's bytes).
Page handlers ``await Checks.run(fn, *args)`` (the event loop awaits the pool's future, it never
blocks on it); code already in a thread uses ``Checks.call``.

* **Start method: fork server**, the one the batch pool uses (``batch.pool.default_context``):
  its server process is started fresh (not forked from this one, whose threads may hold
  locks) and imports gongkai and loads the models once (``batch/preload.py``); each worker is
  forked from it, so it starts in milliseconds with the models shared copy-on-write, and a
  replacement for a dead worker is as quick. ``spawn`` (where there is no fork server) would
  import and load everything again in every worker. Plain ``fork`` of the server is unsafe:
  it has threads (uvicorn, anyio's worker threads).
* **Warm before ready**: every worker runs ``api.warm_up(config)`` in its initializer and the
  pool is started in the application's lifespan, before uvicorn accepts a connection, so
  ``/health`` answers only once all workers are warm.
* **A worker that dies** (a crash, the kernel's out-of-memory killer) breaks a
  ``ProcessPoolExecutor``: every job in it fails with ``BrokenProcessPool`` and its other
  workers are stopped. The jobs' requests get :class:`CheckCrashed` (a message in Chinese for
  the page) and the pool is replaced at once; nothing hangs.
* **Shutdown**: workers ignore SIGINT (Ctrl-C in a terminal reaches the whole process group;
  the server stops them itself); ``close()`` (lifespan end, after SIGTERM or Ctrl-C) shuts the
  pool down and waits for the workers. A worker also leaves by itself when the server is gone
  (killed with SIGKILL): it waits on a pipe whose only writer the server holds. Neither the
  pool's queues (every worker holds their write ends) nor the parent process id (a worker's
  parent is the fork server, which lives as long as a worker does) would tell it.
* ``workers=0``: no pool; jobs run in threads of this process (at most two at a time). Tests
  use it where the pool is not what they test.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool

import anyio

from ..config import Config
from ..formats import UnreadableDocument

log = logging.getLogger("gongkai.web")

#: Seconds a new pool's workers may take to start and warm up together.
WARM_TIMEOUT_S = 300.0


class CheckCrashed(RuntimeError):
    """A check worker died while a job of this request was queued or running."""

    MESSAGE = ("检查进程意外退出（文件可能过大或过于复杂，或服务器内存不足），未能完成这次检查；"
               "检查服务已自动重启，请稍后重试。如反复出现，请将该文件交系统管理员查看")

    def __init__(self):
        super().__init__(self.MESSAGE)


def default_workers() -> int:
    """One worker per core this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


class _Unreadable:
    """An UnreadableDocument raised in a worker, sent back as data (the exception does not pickle)."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def _job(fn, *args):
    """Run in a worker: one job, its UnreadableDocument returned as data."""
    try:
        return fn(*args)
    except UnreadableDocument as exc:
        return _Unreadable(exc.code, exc.message)


def _ready() -> int:
    return os.getpid()


def _start_worker(config: Config, barrier, server) -> None:
    """A worker's initializer: ignore Ctrl-C, mask logs, load the models, wait for the others."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..api import warm_up
    from ..output.masking import mask_logs

    mask_logs()
    threading.Thread(target=_watch_server, args=(server,), name="gongkai-server-watch", daemon=True).start()
    warm_up(config)
    barrier.wait(WARM_TIMEOUT_S)  # all warm before the first job, so /health means ready


def _watch_server(server) -> None:
    """Leave when the server is gone: the pipe's only writer is the server (closed by the kernel)."""
    try:
        server.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(0)


class Checks:
    """The desk's check jobs: in ``workers`` warm processes, or (0) in threads of this one."""

    def __init__(self, config: Config, workers: int):
        self.config = config
        self.workers = max(0, int(workers))
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closing = False
        self._limiter = anyio.CapacityLimiter(2)
        self.replaced = 0  # pools replaced after a worker died (observable in tests)
        self.pending = 0  # jobs submitted and not finished (observable in tests)
        self._alive: tuple | None = None  # (read end for workers, write end kept here) of the watch pipe

    # -- the pool ---------------------------------------------------------------------------

    def _new_pool(self) -> tuple[ProcessPoolExecutor, list[Future]]:
        from ..batch.pool import default_context

        ctx = default_context()
        if self._alive is None:
            self._alive = ctx.Pipe(duplex=False)
        pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_start_worker,
                                   initargs=(self.config, ctx.Barrier(self.workers), self._alive[0]))
        # A pool starts its workers as jobs come; one job per worker starts them all now (none is
        # idle before the barrier lets them all go, so each job makes a worker).
        return pool, [pool.submit(_ready) for _ in range(self.workers)]

    async def start(self) -> None:
        """Start the workers and wait until every one is warm (no-op without a pool)."""
        if self.workers == 0 or self._pool is not None:
            return
        t = time.perf_counter()
        pool, warming = self._new_pool()
        self._pool = pool
        pids = await asyncio.gather(*(asyncio.wrap_future(f) for f in warming))
        log.info("%d check workers warm in %.1f s", len(set(pids)), time.perf_counter() - t)

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and the shutdown check)."""
        pool = self._pool
        return sorted((getattr(pool, "_processes", None) or {}).keys()) if pool else []

    def _submit(self, fn, args) -> tuple[ProcessPoolExecutor, Future]:
        with self._lock:
            if self._closing:
                raise CheckCrashed()
            if self._pool is None:  # not started by the lifespan (a test client): start lazily
                self._pool, _ = self._new_pool()
            pool = self._pool
        try:
            future = pool.submit(_job, fn, *args)
        except BrokenProcessPool:
            self._replace(pool)
            raise CheckCrashed() from None
        self._count(1)
        return pool, future

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A worker died: start a fresh pool (once, however many jobs noticed)."""
        with self._lock:
            if self._pool is not broken or self._closing:
                return
            log.error("a check worker died; the pool of %d workers is replaced", self.workers)
            self._pool, _ = self._new_pool()
            self.replaced += 1
        broken.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _result(value):
        if isinstance(value, _Unreadable):
            raise UnreadableDocument(value.code, value.message)
        return value

    # -- running jobs -----------------------------------------------------------------------

    async def run(self, fn, *args):
        """``fn(*args)`` in a worker, awaited (the event loop is free meanwhile)."""
        if self.workers == 0:
            return await anyio.to_thread.run_sync(lambda: fn(*args), limiter=self._limiter)
        pool, future = self._submit(fn, args)
        with self._job(pool):
            value = await asyncio.wrap_future(future)
        return self._result(value)

    def call(self, fn, *args):
        """``fn(*args)`` in a worker, for code already running in a thread (blocks that thread)."""
        if self.workers == 0:
            return fn(*args)
        pool, future = self._submit(fn, args)
        with self._job(pool):
            value = future.result()
        return self._result(value)

    @contextmanager
    def _job(self, pool: ProcessPoolExecutor):
        """Around waiting for a submitted job: a dead worker replaces the pool and fails the
        job with CheckCrashed; the job leaves the pending count either way."""
        try:
            yield
        except BrokenProcessPool:
            self._replace(pool)
            raise CheckCrashed() from None
        finally:
            self._count(-1)

    def _count(self, step: int) -> None:
        with self._lock:
            self.pending += step

    def close(self) -> None:
        """Stop the workers (queued jobs cancelled, running ones finished) and wait for them."""
        with self._lock:
            self._closing = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._alive is not None:
            for end in self._alive:
                end.close()
            self._alive = None
