"""Batch runs over archives: parallel, resumable, observable (``gongkai batch`` / ``summary``).

``run_batch`` walks the sources lazily, hands each document to an executor (the local
:class:`~gongkai.batch.pool.WorkerPool` or :class:`~gongkai.batch.cluster.DaskExecutor`),
and writes each finished ``gongkai.report/1`` record to a results store
(:mod:`gongkai.batch.results`: JSON Lines or SQLite) as it arrives.
"""

from .results import ResultsError, open_results
from .run import BatchOptions, Stats, batch_settings, local_executor, run_batch
from .summary import summarise

__all__ = [
    "BatchOptions", "ResultsError", "Stats", "batch_settings", "local_executor", "open_results", "run_batch",
    "summarise",
]
