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

    KeyboardInterrupt stops the run cleanly: everything finished is kept (and synced), the
    executor's workers are stopped, and the interrupt is re-raised after ``stats.interrupted``
    is set.
    """
    stats = Stats()
    stop = threading.Event()

    def count() -> None:
        # Only worth it for a run long enough to watch: a resumed run over an unchanged
        # archive is over before this wakes up, and does not walk the archive twice.
        if stop.wait(COUNT_AFTER_S):
            return
        n = count_documents(paths, stop)
        if not stop.is_set():
            stats.total = n

    counter = threading.Thread(target=count, name="gongkai-count", daemon=True)
    counter.start()
    keys = SourceKeys()
    fingerprints: dict[int, tuple[Config, str]] = {}  # one per configuration (folder), not per document
    configs: dict[str, Config] = {}  # config_for resolves paths on disk: once per folder is enough
    last_sync = [time.monotonic(), 0]
    status = "failed"

    def notify() -> None:
        if observer is not None:
            observer.update(stats)

    def maybe_sync(force: bool = False) -> None:
        now = time.monotonic()
        pending = stats.done - last_sync[1]
        if force or pending >= options.sync_every or (pending and now - last_sync[0] >= options.sync_interval_s):
            results.sync()
            last_sync[0], last_sync[1] = now, stats.done

    def record_done(record: dict | None, prior: Prior | None = None, fail_on=options.fail_on) -> None:
        stats.done += 1
        if record is not None:
            if "error" in record:
                stats.errors += 1
                stats.last_error = f"{record['file']}: {record['error']['message']}"
            elif _fails(record.get("summary") or {}, fail_on):
                stats.failing += 1
        elif prior is not None:
            if prior.error:
                stats.errors += 1
            elif prior.worst and fail_on is not None and Severity.parse(prior.worst) >= fail_on:
                stats.failing += 1

    def tasks() -> Iterator[Task]:
        for item in iter_sources(paths, limits, follow_links=options.follow_links):
            stats.enumerated += 1
            if isinstance(item, ReadError):
                prior = results.lookup(item.file) if options.resume else None
                if prior is not None and prior.error == item.code and prior.settings == "-":
                    stats.skipped += 1
                    record_done(None, prior)
                else:
                    record = error_record(item.file, item.code, item.message, {"key": f"e:{item.code}", "settings": "-"})
                    with _interrupts_held():
                        results.add(record)
                        record_done(record)
                notify()
                continue
            yield from _task_for(item)
        stats.total_exact = True
        notify()

    def _task_for(source: Source) -> Iterator[Task]:
        folder = os.path.dirname(source.path)
        config = configs.get(folder)
        if config is None:
            config = configs[folder] = config_for(source.path)
        memo = fingerprints.get(id(config))
        if memo is None or memo[0] is not config:
            memo = fingerprints[id(config)] = (config, settings_fingerprint(config, options.reveal))
        settings = memo[1]
        key = keys.key(source) or "?"
        known = None
        if options.resume:
            prior = results.lookup(source.name)
            if _reusable(prior, settings):
                if prior.key == key:
                    stats.skipped += 1
                    record_done(None, prior, config.fail_on)
                    notify()
                    return
                if key.startswith("f:") and prior.sha256:
                    known = prior.sha256
        if stats.first_task is None:
            stats.first_task = time.monotonic()
        # Workers may run elsewhere (another cwd, another machine): ship an absolute path.
        shipped = replace(source, path=os.path.abspath(source.path))
        yield Task(shipped, key, settings, config, options.reveal, known)

    stream = executor.imap_unordered(tasks())
    try:
        for item in stream:
            if item is None:
                maybe_sync()
                notify()
                continue
            task, result = item
            with _interrupts_held():
                if isinstance(result, Failure):
                    record = failure_record(task, result)
                elif isinstance(result, Outcome) and result.unchanged:
                    results.rekey(result.name, task.key)
                    stats.skipped += 1
                    record_done(None, results.lookup(result.name), task.config.fail_on)
                    notify()
                    continue
                else:
                    record = result.record
                results.add(record)
                stats.checked += 1
                record_done(record, fail_on=task.config.fail_on)
            maybe_sync()
            notify()
        status = "complete"
    except KeyboardInterrupt:
        stats.interrupted = True
        status = "interrupted"
        raise
    finally:
        stop.set()
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops the workers now, not whenever the traceback lets go of the stream
        try:
            maybe_sync(force=True)
        finally:
            results.finish_run(status, stats.counts())
        notify()
    return stats


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
