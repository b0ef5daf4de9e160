"""Batch runs end to end in-process: every valid file checked, every failure recorded, resume."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest

from gongkai.config import Config


@pytest.mark.parametrize("out", ["r.jsonl", "r.sqlite"])
def test_mixed_archive_checks_every_valid_file_and_records_every_failure(mixed_archive, batch_run, results_of, out):
    folder, expected = mixed_archive
    stats = batch_run([folder], out)
    got = results_of(out)
    assert set(got) == set(expected)
    for name, code in expected.items():
        if code is None:
            assert "error" not in got[name], got[name]
            assert got[name]["schema"] == "gongkai.report/1" and len(got[name]["sha256"]) == 64
        else:
            assert got[name]["error"]["code"] == code, (name, got[name])
    assert stats.done == len(expected) and stats.errors == sum(1 for c in expected.values() if c)
    assert stats.total_exact and stats.enumerated == len(expected)


def test_personal_data_is_masked_unless_revealed(mixed_archive, batch_run, results_of, kit):
    folder, _ = mixed_archive
    batch_run([folder], "masked.sqlite")
    batch_run([folder], "revealed.sqlite", reveal=True)
    name = "archive/a/个人信息.docx"
    masked, revealed = results_of("masked.sqlite")[name], results_of("revealed.sqlite")[name]
    assert kit.FAKE_ID not in json.dumps(masked, ensure_ascii=False)
    assert kit.FAKE_ID in json.dumps(revealed, ensure_ascii=False)
    db = sqlite3.connect("masked.sqlite")
    rows = db.execute("SELECT text, context FROM findings WHERE kind='id_card'").fetchall()
    assert rows and all(kit.FAKE_ID not in (t or "") + (c or "") for t, c in rows)


def test_a_runaway_document_times_out_without_losing_the_rest(tmp_path, batch_run, results_of, kit):
    folder = tmp_path / "slow"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.docx").write_bytes(kit.draft(i))
    # Tens of thousands of personal-data matches: seconds of work, far past a 1 s limit.
    line = f"申请人张三，联系电话13885811234，身份证号{kit.FAKE_ID}，住址某某路1号。"
    (folder / "巨大.txt").write_text("\n".join([line] * 30000), encoding="utf-8")  # under [limits] max_chars
    start = time.monotonic()
    stats = batch_run([folder], tmp_path / "r.jsonl", timeout_s=2.0)
    got = results_of(tmp_path / "r.jsonl")
    assert got[f"{folder}/巨大.txt"]["error"]["code"] == "timeout"
    assert all("error" not in got[f"{folder}/{i}.docx"] for i in range(3))
    assert stats.errors == 1 and time.monotonic() - start < 60


def _checked_in(out) -> dict[str, int]:
    db = sqlite3.connect(out)
    rows = db.execute("SELECT file, run_id FROM documents UNION ALL SELECT file, run_id FROM errors").fetchall()
    return dict(rows)


@pytest.mark.parametrize("preload", [True, False], ids=["index-in-memory", "query-per-document"])
def test_resume_skips_unchanged_and_rechecks_changed(mixed_archive, batch_run, kit, monkeypatch, preload):
    from gongkai.batch import results

    if not preload:
        monkeypatch.setattr(results, "PRELOAD_MAX", 0)  # as for a results file of millions
    folder, expected = mixed_archive
    first = batch_run([folder], "r.sqlite")
    # 坏包.zip and the two bombs fail while the archive is listed, before any worker sees them.
    assert first.checked == len(expected) - 3
    # An edited file, a touched-but-identical file, a zip rewritten with identical members.
    (folder / "a" / "02.docx").write_bytes(kit.draft(2, "补充一句。"))
    touched = folder / "a" / "03.docx"
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    nested = folder / "b" / "nested.zip"
    nested.write_bytes(nested.read_bytes())
    os.utime(nested, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    second = batch_run([folder], "r.sqlite", resume=True)
    runs = _checked_in("r.sqlite")
    rechecked = {f for f, run in runs.items() if run == 2}
    assert rechecked == {"archive/a/02.docx"}
    assert second.checked == 1 and second.skipped == len(expected) - 1
    assert second.done == len(expected)
    db = sqlite3.connect("r.sqlite")
    key = db.execute("SELECT source_key FROM documents WHERE file='archive/a/03.docx'").fetchone()[0]
    assert key == f"f:{touched.stat().st_size}:{touched.stat().st_mtime_ns}"  # remembered: no hashing next time
    third = batch_run([folder], "r.sqlite", resume=True)
    assert third.checked == 0


def test_resume_rechecks_everything_under_other_settings(mixed_archive, batch_run):
    folder, expected = mixed_archive
    batch_run([folder], "r.jsonl")
    again = batch_run([folder], "r.jsonl", resume=True, config=Config(select=("D",)))
    assert again.checked == len(expected) - 3 and again.skipped == 3


def test_jsonl_resume_drops_a_line_cut_short_and_keeps_each_document_once(tmp_path, batch_run, results_of, kit):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.docx").write_bytes(kit.draft(i))
    out = tmp_path / "r.jsonl"
    batch_run([folder], out)
    lines = out.read_bytes().splitlines(keepends=True)
    cut = lines[-1][: len(lines[-1]) // 2]  # as if killed in the middle of a write
    out.write_bytes(b"".join(lines[:-1]) + cut)
    lost = json.loads(lines[-1])["file"]
    stats = batch_run([folder], out, resume=True)
    assert stats.checked == 1 and stats.skipped == 3
    assert sorted(results_of(out)) == sorted(f"{folder}/{i}.docx" for i in range(4))
    assert len(out.read_bytes().splitlines()) == 4 and lost in results_of(out)


def test_summary_counts_match_the_records(mixed_archive, batch_run, results_of):
    folder, _expected = mixed_archive
    batch_run([folder], "r.sqlite")
    batch_run([folder], "r.jsonl")
    a, b = summarise_both("r.sqlite", "r.jsonl")
    assert a.to_dict() == b.to_dict()
    recs = results_of("r.jsonl")
    ok = [r for r in recs.values() if "error" not in r]
    assert a.documents == len(ok) and a.unreadable == len(recs) - len(ok)
    assert sum(a.category.values()) == sum(len(r["findings"]) for r in ok)
    assert a.error_codes == {"unreadable": 2, "encrypted": 1, "archive_limit": 2}
    assert a.attribute_status["missing"] + a.attribute_status["agrees"] + a.attribute_status["differs"] == len(ok)
    worst = a.worst[0]
    assert worst.errors == max(r["summary"]["error"] for r in ok)


def summarise_both(*paths):
    from gongkai.batch import summarise

    return [summarise(p) for p in paths]


@pytest.mark.parametrize("out", ["r.jsonl", "r.sqlite"])
def test_one_writer_per_results_file(tmp_path, out):
    from gongkai.batch import ResultsError, open_results

    with open_results(tmp_path / out), pytest.raises(ResultsError, match="另一个 gongkai batch 正在写入"):
        open_results(tmp_path / out, resume=True)
    with open_results(tmp_path / out, resume=True):  # free again once closed
        pass


def test_a_timed_out_document_is_tried_again_on_resume(tmp_path, batch_run, kit):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.docx").write_bytes(kit.draft(1))
    line = f"申请人张三，联系电话13885811234，身份证号{kit.FAKE_ID}，住址某某路1号。"
    (folder / "巨大.txt").write_text("\n".join([line] * 30000), encoding="utf-8")  # under [limits] max_chars
    first = batch_run([folder], tmp_path / "r.sqlite", timeout_s=1.0)
    assert first.errors == 1
    again = batch_run([folder], tmp_path / "r.sqlite", resume=True, timeout_s=1.0)
    assert again.checked == 1 and again.skipped == 1  # the timeout is not a verdict on the file


def test_settings_fingerprint_ignores_what_does_not_shape_a_report():
    from gongkai.batch.identity import settings_fingerprint
    from gongkai.config import from_mapping
    from gongkai.models import Severity

    base = from_mapping({"batch": {"timeout_s": 10}}, "a/gongkai.toml")
    same = from_mapping({"batch": {"timeout_s": 99}, "fail_on": "warning"}, "b/gongkai.toml")
    assert settings_fingerprint(base, False) == settings_fingerprint(same, False)
    assert settings_fingerprint(base, False) != settings_fingerprint(base, True)
    assert settings_fingerprint(base, False) != settings_fingerprint(base.merged(ignore=("D",)), False)
    assert settings_fingerprint(base, False) != settings_fingerprint(
        base.merged(severity={"D101": Severity.WARNING}), False)


class _FailingExecutor:
    """Stands in for a pool whose workers time out or die on some documents."""

    def __init__(self, failures):
        self.failures = failures

    def imap_unordered(self, tasks):
        from gongkai.batch.pool import Failure
        from gongkai.batch.worker import check_task

        for task in tasks:
            base = task.source.name.rsplit("/", 1)[-1]
            if base in self.failures:
                yield task, Failure(*self.failures[base])
            else:
                yield task, check_task(task)


def test_worker_failures_become_error_rows(tmp_path, batch_run, results_of, kit):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("ok.docx", "crash.docx", "slow.docx", "bug.docx"):
        (folder / name).write_bytes(kit.draft(len(name)))
    executor = _FailingExecutor({"crash.docx": ("crash", "信号 SIGKILL"), "slow.docx": ("timeout", "120"),
                                 "bug.docx": ("exception", "RuntimeError: x")})
    stats = batch_run([folder], tmp_path / "r.sqlite", executor=executor)
    got = {name.rsplit("/", 1)[-1]: r for name, r in results_of(tmp_path / "r.sqlite").items()}
    assert "error" not in got["ok.docx"]
    assert got["crash.docx"]["error"] == {"code": "worker_crash",
                                          "message": "检查进程意外退出（信号 SIGKILL；可能内存不足或文档触发了程序错误）"}
    assert got["slow.docx"]["error"] == {"code": "timeout", "message": "检查超时（超过 120 秒），已终止该文档的检查"}
    assert got["bug.docx"]["error"]["code"] == "internal"
    assert stats.errors == 3 and stats.done == 4


@pytest.mark.parametrize("out", ["r.jsonl", "r.sqlite"])
def test_ctrl_c_while_a_document_is_stored_keeps_counts_and_results_in_step(tmp_path, batch_run, out, kit,
                                                                             monkeypatch, sigint_raises):
    import signal

    from gongkai.batch import results as results_module

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.docx").write_bytes(kit.draft(i))
    cls = results_module.JsonlResults if out.endswith(".jsonl") else results_module.SqliteResults
    real_add = cls.add
    calls = []

    def add_then_interrupted(self, record):
        calls.append(record["file"])
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands in the middle of storing
        real_add(self, record)

    monkeypatch.setattr(cls, "add", add_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        batch_run([folder], tmp_path / out, executor=_FailingExecutor({}))
    if out.endswith(".sqlite"):
        db = sqlite3.connect(tmp_path / out)
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert db.execute("SELECT status, checked FROM runs").fetchall() == [("interrupted", 3)]
    else:
        lines = (tmp_path / out).read_text("utf-8").splitlines()
        assert len(lines) == 3 and len(calls) == 3
