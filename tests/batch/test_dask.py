"""The Dask executor runs the same per-document function and gives the same results."""

from __future__ import annotations

from gongkai.batch.cluster import DaskExecutor


def _without_timing(records: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for name, r in records.items():
        r = dict(r)
        r["batch"] = {k: v for k, v in r.get("batch", {}).items() if k != "seconds"}
        out[name] = r
    return out


def test_dask_executor_matches_the_local_pool(mixed_archive, batch_run, results_of):
    from distributed import Client, LocalCluster

    folder, expected = mixed_archive
    batch_run([folder], "local.jsonl")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        with Client(cluster, set_as_default=False) as client:  # not the default: as from the CLI
            stats = batch_run([folder], "dask.jsonl", executor=DaskExecutor(client, timeout_s=120))
    local, dask = _without_timing(results_of("local.jsonl")), _without_timing(results_of("dask.jsonl"))
    assert set(dask) == set(expected)
    assert dask == local
    assert stats.done == len(expected)


def _slow_or_echo(task):
    import time

    if task == "slow":
        time.sleep(3)  # Dask cannot kill it: the client stops waiting and records a timeout
    return task


def test_dask_executor_records_a_timeout_and_goes_on():
    from distributed import Client, LocalCluster

    from gongkai.batch.pool import Failure

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        with Client(cluster, set_as_default=False) as client:
            executor = DaskExecutor(client, timeout_s=0.5, tick_s=0.1, func=_slow_or_echo)
            got = dict(item for item in executor.imap_unordered(["slow", "a", "b", "c"]) if item is not None)
    assert got == {"slow": Failure("timeout", "0.5"), "a": "a", "b": "b", "c": "c"}


def test_without_dask_the_run_stops_with_the_install_hint(monkeypatch):
    import sys

    import pytest

    from gongkai.batch.cluster import ClusterError

    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with pytest.raises(ClusterError, match="pip install 'gongkai\\[dask\\]'"):
        next(DaskExecutor("tcp://127.0.0.1:1").imap_unordered(["a"]))
    assert list(DaskExecutor("tcp://127.0.0.1:1").imap_unordered([])) == []  # nothing to check: no cluster needed
