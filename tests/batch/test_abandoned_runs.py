"""A run that died without cleaning up (kill -9) is marked interrupted by the next run over the
same results, and only then (issue 18)."""

from __future__ import annotations

import sqlite3

from gongkai.batch import open_results


def _runs(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT id, status, finished_at IS NOT NULL, checked, errors FROM runs ORDER BY id").fetchall()
    finally:
        db.close()


def _record(name: str, error: bool = False) -> dict:
    base = {"schema": "gongkai.report/1", "tool": {"name": "gongkai", "version": "0"}, "file": name,
            "batch": {"key": f"k:{name}", "settings": "s", "seconds": 0.1}}
    if error:
        return {**base, "error": {"code": "unreadable", "message": "文件已损坏"}}
    return {**base, "sha256": "0" * 64, "content_sha256": "0" * 64, "document": {"title": name, "chars": 3},
            "attribute": {}, "findings": [], "summary": {"error": 0, "warning": 0, "info": 0}}


def test_a_run_left_running_is_marked_interrupted_with_its_counts(tmp_path):
    path = tmp_path / "r.sqlite"
    dead = open_results(path)
    dead.start_run(["docs"], {})
    dead.add(_record("a.docx"))
    dead.add(_record("b.docx"))
    dead.add(_record("c.docx", error=True))
    dead.db.close()  # the process dies: no finish_run, the lock goes with it
    dead._lockfile.close()
    assert _runs(path) == [(1, "running", 0, 0, 0)]

    again = open_results(path, resume=True)
    assert _runs(path) == [(1, "interrupted", 1, 2, 1)]
    again.start_run(["docs"], {})
    again.finish_run("complete", {"checked": 0, "skipped": 3, "errors": 0})
    again.close()
    assert [r[1] for r in _runs(path)] == ["interrupted", "complete"]


def test_a_finished_run_is_left_alone(tmp_path):
    path = tmp_path / "r.sqlite"
    first = open_results(path)
    first.start_run(["docs"], {})
    first.add(_record("a.docx"))
    first.finish_run("complete", {"checked": 1, "skipped": 0, "errors": 0})
    first.close()
    again = open_results(path, resume=True)
    assert again.mark_abandoned() == 0
    again.close()
    assert _runs(path) == [(1, "complete", 1, 1, 0)]
