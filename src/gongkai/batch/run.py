"""A batch run: sources in, records out, one document at a time, whatever the archive's size.

Sources are enumerated lazily (``formats.iter_sources``), filtered against RESULTS when
resuming, handed to an executor that keeps a bounded number in flight, and every finished
record goes straight to RESULTS. Nothing here holds more than the documents in flight.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..config import Config
from ..formats import Source, iter_sources
from ..models import ReadError, Severity
from .identity import SourceKeys, settings_fingerprint
from .inventory import count_documents
from .pool import Failure
from .results import TRANSIENT_ERRORS, Prior, Results
from .worker import Outcome, Task, batch_section, check_task, error_record


@dataclass
class BatchOptions:
    """How to run; see ``[batch]`` in the configuration and the ``gongkai batch`` options."""

    resume: bool = False
    reveal: bool = False
    timeout_s: float | None = 120.0
    fail_on: Severity | None = Severity.ERROR
    follow_links: bool = False  # follow symbolic links out of a folder (--follow-links)
    sync_every: int = 200  # documents between fsync points…
    sync_interval_s: float = 1.0  # …or seconds, whichever comes first


@dataclass
class Stats:
    """Counts a progress display reads while the run goes on."""

    total: int | None = None  # estimate until ``total_exact``
    total_exact: bool = False
    enumerated: int = 0
    done: int = 0
    checked: int = 0
    skipped: int = 0
    errors: int = 0
    failing: int = 0  # documents with findings at or above fail_on
    started: float = field(default_factory=time.monotonic)
    first_task: float | None = None
    interrupted: bool = False
    last_error: str | None = None

    @property
    def shown_total(self) -> int | None:
        if self.total_exact:
            return self.enumerated
        if self.total is None:
            return None
        return max(self.total, self.enumerated)

    @property
    def rate(self) -> float:
        """Documents checked per second (skipped ones excluded: they cost nothing)."""
        if self.first_task is None:
            return 0.0
        elapsed = time.monotonic() - self.first_task
        return self.checked / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        total = self.shown_total
        rate = self.rate
        if total is None or rate <= 0:
            return None
        return max(0, total - self.done) / rate

    def counts(self) -> dict:
        return {"checked": self.checked, "skipped": self.skipped, "errors": self.errors}


class Observer(Protocol):
    def update(self, stats: Stats) -> None: ...


class Executor(Protocol):
    def imap_unordered(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, object] | None]: ...


#: Seconds into a run before the documents are counted for the progress total.
COUNT_AFTER_S = 0.5

FAILURE_MESSAGES = {
    "timeout": ("timeout", "检查超时（超过 {} 秒），已终止该文档的检查"),
    "crash": ("worker_crash", "检查进程意外退出（{}；可能内存不足或文档触发了程序错误）"),
    "exception": ("internal", "检查时出错（{}）"),
}


def failure_record(task: Task, failure: Failure) -> dict:
    code, template = FAILURE_MESSAGES.get(failure.kind, ("internal", "检查时出错（{}）"))
    return error_record(task.source.name, code, template.format(failure.message), batch_section(task, None))


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C while a finished document is stored and counted, so that an interrupted
    run's counts match what it kept; a Ctrl-C pressed meanwhile is raised right after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; elsewhere nothing can be held
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            if callable(previous):
                previous(signal.SIGINT, None)
            elif previous != signal.SIG_IGN:
                raise KeyboardInterrupt


def _reusable(prior: Prior | None, settings: str) -> bool:
    return prior is not None and prior.settings == settings and prior.error not in TRANSIENT_ERRORS


def run_batch(
    paths: list[str], results: Results, executor: Executor, *,
    config_for: Callable[[str], Config], options: BatchOptions,
    observer: Observer | None = None, limits=None,
) -> Stats:
    """Check every document under ``paths`` into ``results``; returns the final counts.

    The run plans a task per source (skipping, on ``--resume``, those RESULTS already holds),
    dispatches them to the executor, records each finished document as it comes back and
    finishes by syncing RESULTS and marking the run complete, interrupted or failed.

    KeyboardInterrupt stops the run cleanly: everything finished is kept (and synced), the
    executor's workers are stopped, and the interrupt is re-raised after ``stats.interrupted``
    is set.
    """
    run = _BatchRun(results, config_for, options, observer)
    stop = threading.Event()
    _count_in_background(paths, run.stats, stop)
    stream = executor.imap_unordered(run.plan(paths, limits))
    status = "failed"
    try:
        for item in stream:
            if item is None:
                run.waiting()
            else:
                run.finished(*item)
        status = "complete"
    except KeyboardInterrupt:
        run.stats.interrupted = True
        status = "interrupted"
        raise
    finally:
        stop.set()
        run.finish(stream, status)
    return run.stats


def _count_in_background(paths: list[str], stats: Stats, stop: threading.Event) -> None:
    """Count the documents under ``paths`` into ``stats.total`` (the progress estimate) on a thread."""

    def count() -> None:
        # Only worth it for a run long enough to watch: a resumed run over an unchanged
        # archive is over before this wakes up, and does not walk the archive twice.
        if stop.wait(COUNT_AFTER_S):
            return
        n = count_documents(paths, stop)
        if not stop.is_set():
            stats.total = n

    threading.Thread(target=count, name="gongkai-count", daemon=True).start()


class _BatchRun:
    """The state of one run: what it planned, what it recorded, when it last synced."""

    def __init__(self, results: Results, config_for: Callable[[str], Config], options: BatchOptions,
                 observer: Observer | None):
        self.results = results
        self.config_for = config_for
        self.options = options
        self.observer = observer
        self.stats = Stats()
        self.keys = SourceKeys()
        self.configs: dict[str, Config] = {}  # config_for resolves paths on disk: once per folder is enough
        # one settings fingerprint per configuration (folder), not per document
        self.fingerprints: dict[int, tuple[Config, str]] = {}
        self.synced_at = time.monotonic()
        self.synced_done = 0  # stats.done at the last sync

    # -- plan: sources in, tasks out ---------------------------------------------------------
    def plan(self, paths: list[str], limits) -> Iterator[Task]:
        """A task for every source to check; unreadable sources and (on resume) unchanged ones
        are recorded here and never reach the executor."""
        stats = self.stats
        for item in iter_sources(paths, limits, follow_links=self.options.follow_links):
            stats.enumerated += 1
            if isinstance(item, ReadError):
                self._unreadable(item)
                self._notify()
                continue
            yield from self._task_for(item)
        stats.total_exact = True
        self._notify()

    def _unreadable(self, item: ReadError) -> None:
        """Record a source that cannot be read, unless a resumed run recorded the same error."""
        prior = self.results.lookup(item.file) if self.options.resume else None
        if prior is not None and prior.error == item.code and prior.settings == "-":
            self.stats.skipped += 1
            self._count_prior(prior, self.options.fail_on)
            return
        record = error_record(item.file, item.code, item.message, {"key": f"e:{item.code}", "settings": "-"})
        with _interrupts_held():
            self.results.add(record)
            self._count_record(record, self.options.fail_on)

    def _task_for(self, source: Source) -> Iterator[Task]:
        """The task checking ``source`` (none when a resumed run may keep its record)."""
        config = self._config(source.path)
        settings = self._settings(config)
        key = self.keys.key(source) or "?"
        prior, known = self._resume_point(source, key, settings)
        if prior is not None:
            self.stats.skipped += 1
            self._count_prior(prior, config.fail_on)
            self._notify()
            return
        if self.stats.first_task is None:
            self.stats.first_task = time.monotonic()
        # Workers may run elsewhere (another cwd, another machine): ship an absolute path.
        shipped = replace(source, path=os.path.abspath(source.path))
        yield Task(shipped, key, settings, config, self.options.reveal, known)

    def _config(self, path: str) -> Config:
        folder = os.path.dirname(path)
        config = self.configs.get(folder)
        if config is None:
            config = self.configs[folder] = self.config_for(path)
        return config

    def _settings(self, config: Config) -> str:
        memo = self.fingerprints.get(id(config))
        if memo is None or memo[0] is not config:
            memo = self.fingerprints[id(config)] = (config, settings_fingerprint(config, self.options.reveal))
        return memo[1]

    # -- resume ------------------------------------------------------------------------------
    def _resume_point(self, source: Source, key: str, settings: str) -> tuple[Prior | None, str | None]:
        """On ``--resume``: the prior record that still stands for ``source`` (its key and
        settings unchanged: no task), else the sha256 it was checked with when only the content
        can tell (a worker then reports the document unchanged instead of checking it)."""
        if not self.options.resume:
            return None, None
        prior = self.results.lookup(source.name)
        if not _reusable(prior, settings):
            return None, None
        if prior.key == key:
            return prior, None
        if key.startswith("f:") and prior.sha256:
            return None, prior.sha256
        return None, None

    # -- record: results in, RESULTS and counts out -------------------------------------------
    def finished(self, task: Task, result: object) -> None:
        """Store what came back for ``task``: a record, a failure, or "unchanged since the last run"."""
        with _interrupts_held():
            if isinstance(result, Outcome) and result.unchanged:
                self.results.rekey(result.name, task.key)
                self.stats.skipped += 1
                self._count_prior(self.results.lookup(result.name), task.config.fail_on)
                self._notify()
                return
            record = failure_record(task, result) if isinstance(result, Failure) else result.record
            self.results.add(record)
            self.stats.checked += 1
            self._count_record(record, task.config.fail_on)
        self._maybe_sync()
        self._notify()

    def waiting(self) -> None:
        """The executor is still working: keep time (sync points, progress)."""
        self._maybe_sync()
        self._notify()

    def _count_record(self, record: dict, fail_on: Severity | None) -> None:
        stats = self.stats
        stats.done += 1
        if "error" in record:
            stats.errors += 1
            stats.last_error = f"{record['file']}: {record['error']['message']}"
        elif _fails(record.get("summary") or {}, fail_on):
            stats.failing += 1

    def _count_prior(self, prior: Prior | None, fail_on: Severity | None) -> None:
        """Count a document kept from an earlier run by what that run recorded."""
        stats = self.stats
        stats.done += 1
        if prior is None:
            return
        if prior.error:
            stats.errors += 1
        elif prior.worst and fail_on is not None and Severity.parse(prior.worst) >= fail_on:
            stats.failing += 1

    def _maybe_sync(self, force: bool = False) -> None:
        """Sync RESULTS every ``sync_every`` documents or ``sync_interval_s`` seconds."""
        now = time.monotonic()
        pending = self.stats.done - self.synced_done
        if (force or pending >= self.options.sync_every
                or (pending and now - self.synced_at >= self.options.sync_interval_s)):
            self.results.sync()
            self.synced_at, self.synced_done = now, self.stats.done

    def _notify(self) -> None:
        if self.observer is not None:
            self.observer.update(self.stats)

    # -- finish --------------------------------------------------------------------------------
    def finish(self, stream, status: str) -> None:
        """Stop the workers, sync what was kept and mark the run ``status`` in RESULTS."""
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops the workers now, not whenever the traceback lets go of the stream
        try:
            self._maybe_sync(force=True)
        finally:
            self.results.finish_run(status, self.stats.counts())
        self._notify()


def _fails(summary: dict, threshold: Severity | None) -> bool:
    if threshold is None:
        return False
    return any(summary.get(s.label) for s in Severity if s >= threshold)


def local_executor(jobs: int, timeout_s: float | None, max_tasks_per_worker: int = 500, context=None):
    """The default executor: a process pool on this machine."""
    from .. import memo
    from .pool import Exchange, WorkerPool
    from ..api import warm_up
    from .worker import start_worker

    return WorkerPool(check_task, jobs, timeout_s=timeout_s, max_tasks_per_worker=max_tasks_per_worker,
                      context=context, initializer=start_worker if jobs > 1 else warm_up,
                      exchange=Exchange(memo.drain, memo.absorb) if jobs > 1 else None)


#: ``[batch]`` configuration keys and their defaults.
BATCH_DEFAULTS = {
    "timeout_s": 120.0,  # per document; 0 = no limit
    "jobs": 0,  # 0 = number of cores
    "max_tasks_per_worker": 500,  # recycle a worker after this many documents
    "log_every_s": 10.0,  # progress lines when not on a terminal
    "sync_every": 200,
    "sync_interval_s": 1.0,
}


class SettingsError(ValueError):
    """A ``[batch]`` section that cannot be used; the message names the file and the key."""


def batch_settings(config: Config) -> dict:
    """``[batch]`` of ``config`` merged over the defaults, validated."""
    section = config.section("batch")
    where = config.source or "<config>"
    unknown = set(section) - set(BATCH_DEFAULTS)
    if unknown:
        raise SettingsError(f"{where}: [batch] 未知配置项 {', '.join(sorted(unknown))}")
    out = dict(BATCH_DEFAULTS)
    for k, v in section.items():
        default = BATCH_DEFAULTS[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise SettingsError(f"{where}: [batch] {k} 应为非负数")
        out[k] = type(default)(v)
    return out
