"""A run killed with SIGKILL mid-way, then resumed, checks every document exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOTAL = 60


def _done(out: Path) -> int:
    if not out.exists():
        return 0
    if out.suffix == ".jsonl":
        return out.read_bytes().count(b"\n")
    try:
        db = sqlite3.connect(f"file:{out}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _records(out: Path) -> list[dict]:
    if out.suffix == ".jsonl":
        return [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    db = sqlite3.connect(out)
    rows = db.execute("SELECT report, run_id, seconds FROM documents").fetchall()
    return [{**json.loads(r), "run_id": run, "seconds": s} for r, run, s in rows]


def _sigint_default() -> None:
    """In the child before exec: SIGINT back to its default, so Python turns it into
    KeyboardInterrupt even when the shell that started the tests ignored it (a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _batch(cwd: Path, out: str, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gongkai", "batch", "docs", "--out", out, "--jobs", "2", "--no-progress", *extra]
    return subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
                            preexec_fn=_sigint_default)


@pytest.mark.parametrize("out", ["r.sqlite", "r.jsonl"])
def test_resume_after_sigkill_checks_each_document_exactly_once(tmp_path, kit, out):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(TOTAL):
        (docs / f"{i:03d}.docx").write_bytes(kit.draft(i, "补充说明。" * (i % 7)))
    path = tmp_path / out
    proc = _batch(tmp_path, out)
    deadline = time.monotonic() + 120
    while _done(path) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    before = {r["file"]: r for r in _records(path)}
    assert 5 <= len(before) < TOTAL, "the run must be killed mid-way"

    resumed = _batch(tmp_path, out, "--resume")
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode in (0, 1), stderr.decode()
    after = _records(path)
    names = [r["file"] for r in after]
    assert sorted(names) == sorted(f"docs/{i:03d}.docx" for i in range(TOTAL))  # each exactly once
    assert all("error" not in r for r in after)
    by_name = {r["file"]: r for r in after}
    for name, record in before.items():  # finished before the kill: kept, not checked again
        assert by_name[name] == record
    assert f"本次检查 {TOTAL - len(before)}，未改动跳过 {len(before)}" in stdout.decode()
    if out.endswith(".sqlite"):  # the killed run no longer claims to be running
        db = sqlite3.connect(path)
        runs = db.execute("SELECT status, checked FROM runs ORDER BY id").fetchall()
        db.close()
        assert runs == [("interrupted", len(before)), ("complete", TOTAL - len(before))]


def test_ctrl_c_stops_cleanly_and_keeps_what_finished(tmp_path, kit):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(TOTAL):
        (docs / f"{i:03d}.docx").write_bytes(kit.draft(i))
    path = tmp_path / "r.sqlite"
    proc = _batch(tmp_path, "r.sqlite")
    deadline = time.monotonic() + 120
    while _done(path) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "已中断" in stderr.decode()
    db = sqlite3.connect(path)
    kept = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert db.execute("SELECT status, checked FROM runs").fetchall() == [("interrupted", kept)]
    assert 5 <= kept < TOTAL
