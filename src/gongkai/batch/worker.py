"""The per-document function every executor runs: the same ``check`` as ``gongkai check``.

It runs in a worker process (local pool) or a Dask worker, reads the document itself from
its :class:`~gongkai.formats.Source`, and sends back a finished ``gongkai.report/1`` record
(masked unless ``reveal``), so the process writing the results does almost nothing per
document.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from ..config import Config
from ..formats import Source, UnreadableDocument
from ..models import ReadError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Task:
    """One document to check and everything the worker needs to do it alone."""

    source: Source
    key: str
    settings: str  # fingerprint of config + version + reveal; also the runner cache key
    config: Config
    reveal: bool = False
    #: sha256 of the earlier report when only the quick key changed: same bytes → no re-check.
    known_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came back: a record to store, or word that the content is unchanged."""

    name: str
    record: dict | None  # gongkai.report/1 object (or error object) with a "batch" section
    unchanged: bool = False
    key: str | None = None


_runners: dict[str, object] = {}
_lock = threading.Lock()


def _runner(task: Task):
    with _lock:
        runner = _runners.get(task.settings)
        if runner is None:
            from ..engine import Runner, default_registry

            registry = _runners.get("__registry__") or default_registry()
            _runners["__registry__"] = registry
            runner = _runners[task.settings] = Runner(registry, task.config)
        return runner


_services_by_settings: dict[str, dict] = {}


def _services(task: Task) -> dict:
    """Shared services (the reference index when refs are set), opened once per settings."""
    with _lock:
        services = _services_by_settings.get(task.settings)
        if services is None:
            from ..screening.refindex import services_for

            services = _services_by_settings[task.settings] = services_for(task.config)
        return services


def batch_section(task: Task, seconds: float | None) -> dict:
    d = {"key": task.key, "settings": task.settings}
    if seconds is not None:
        d["seconds"] = round(seconds, 3)
    return d


def error_record(name: str, code: str, message: str, batch: dict) -> dict:
    """A ``gongkai.report/1`` error object for a document, with its batch section."""
    from ..output import error_dict

    return {**error_dict(ReadError(name, code, message)), "batch": batch}


def start_worker() -> None:
    """A local pool worker's start: load the models, then note what the per-paragraph memos
    compute so the pool can share it with the other workers (see ``gongkai.memo``)."""
    from .. import memo
    from ..api import warm_up

    try:
        warm_up()
    finally:
        memo.record(True)


def check_task(task: Task) -> Outcome:
    """Check one document; never raises (every failure becomes an error record)."""
    from ..api import check_source
    from ..output import error_dict, report_dict
    from ..output.masking import mask_logs

    mask_logs()  # a worker process's log records pass the masker too (idempotent)
    start = time.perf_counter()
    if task.known_sha256:
        try:
            data = task.source.read_bytes(task.config.limits)
        except UnreadableDocument:
            data = None
        if data is not None and hashlib.sha256(data).hexdigest() == task.known_sha256:
            return Outcome(task.source.name, None, unchanged=True, key=task.key)
        del data
    try:
        result = check_source(task.source, task.config, runner=_runner(task), services=_services(task))
    except Exception as exc:  # a rule failing on one document must not stop an archive
        log.debug("checking %s failed", task.source.name, exc_info=True)  # the traceback only with -vv
        result = ReadError(task.source.name, "internal", f"检查时出错（{type(exc).__name__}: {exc}；加 -vv 查看详情）")
    batch = batch_section(task, time.perf_counter() - start)
    if isinstance(result, ReadError):
        record = {**error_dict(result), "batch": batch}
    else:
        record = {**report_dict(result, task.reveal), "batch": batch}
    return Outcome(task.source.name, record, key=task.key)
