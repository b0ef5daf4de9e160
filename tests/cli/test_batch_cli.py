"""``gongkai batch`` and ``gongkai summary`` on the command line."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

import gongkai.batch  # noqa: F401  (imported before tests change directory: see batch.pool)
from gongkai.formats.compose import make_docx

FAKE_ID = "11010519491231002X"


@pytest.fixture
def drafts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "drafts"
    folder.mkdir()
    make_docx("关于春耕补贴的通知", f"申请人身份证号：{FAKE_ID}。", path=folder / "a.docx")
    make_docx("关于召开会议的通知", "（此件主动公开）", "请准时参加。", path=folder / "b.docx")
    (folder / "c.docx").write_bytes(b"not a document")
    return "drafts"


def test_batch_writes_sqlite_and_summary_reads_it(cli, drafts):
    result = cli("batch", drafts, "--out", "r.sqlite", "--jobs", "1", "--no-progress")
    assert result.exit_code == 2  # c.docx cannot be read
    assert "完成：3 个文档（本次检查 3，未改动跳过 0），无法读取 1" in result.output
    db = sqlite3.connect("r.sqlite")
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    assert db.execute("SELECT code FROM errors").fetchall() == [("unreadable",)]
    assert db.execute("SELECT status, checked FROM runs").fetchall() == [("complete", 3)]
    text = cli("summary", "r.sqlite").output
    assert "文档 2 个，无法读取 1 个" in text and "drafts/a.docx" in text and FAKE_ID not in text


def test_summary_csv_opens_in_excel(cli, drafts):
    cli("batch", drafts, "--out", "r.jsonl", "--jobs", "1", "--no-progress")
    out = cli("summary", "r.jsonl", "--format", "csv").output
    assert out.startswith("\ufeff分组,项目,数量")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert ["总计", "文档", "2", "", "", ""] in rows and ["总计", "无法读取", "1", "", "", ""] in rows
    assert any(r[0] == "类型" and r[1] == "个人信息/身份证号" for r in rows)
    per_doc = cli("summary", "r.jsonl", "--format", "csv", "--documents").output
    rows = list(csv.reader(io.StringIO(per_doc.lstrip("\ufeff"))))
    assert rows[0][0] == "文件" and len(rows) == 4
    assert {r[0]: r[1] for r in rows[1:]}["drafts/c.docx"] == "无法读取"


def test_summary_json_matches_between_stores(cli, drafts):
    cli("batch", drafts, "--out", "r.jsonl", "--jobs", "1", "--no-progress")
    cli("batch", drafts, "--out", "r.sqlite", "--jobs", "1", "--no-progress")
    a = json.loads(cli("summary", "r.jsonl", "--format", "json").output)
    b = json.loads(cli("summary", "r.sqlite", "--format", "json").output)
    assert a == b and a["documents"] == 2 and a["findings_by_kind"]["personal_data/id_card"] == 1


def test_existing_results_need_resume_or_overwrite(cli, drafts):
    cli("batch", drafts, "--out", "r.jsonl", "--jobs", "1", "--no-progress")
    refused = cli("batch", drafts, "--out", "r.jsonl", "--no-progress")
    assert refused.exit_code == 2 and "--resume" in refused.output
    resumed = cli("batch", drafts, "--out", "r.jsonl", "--resume", "--no-progress")
    assert "本次检查 0，未改动跳过 3" in resumed.output
    again = cli("batch", drafts, "--out", "r.jsonl", "--overwrite", "--jobs", "1", "--no-progress")
    assert "本次检查 3" in again.output


@pytest.mark.parametrize("args, message", [
    (["--out", "r.csv"], ".jsonl 或 .sqlite"),
    (["--out", "r.sqlite", "--executor", "dask"], "--scheduler"),
    (["--out", "r.sqlite", "--select", "Q9"], "没有这样的规则代码"),
])
def test_usage_errors_exit_2_with_one_line(cli, drafts, args, message):
    result = cli("batch", drafts, *args)
    assert result.exit_code == 2 and message in result.output


def test_summary_of_a_file_that_is_not_results(cli, tmp_path):
    bogus = tmp_path / "x.sqlite"
    bogus.write_bytes(b"hello")
    result = cli("summary", bogus)
    assert result.exit_code == 2 and "不是 gongkai 批量检查结果数据库" in result.output


def test_batch_section_of_the_config_is_validated(cli, drafts, tmp_path):
    (tmp_path / "gongkai.toml").write_text("[batch]\ntimeout = 5\n", encoding="utf-8")
    result = cli("batch", drafts, "--out", "r.sqlite")
    assert result.exit_code == 2 and "[batch] 未知配置项 timeout" in result.output


def test_progress_lines_when_not_on_a_terminal(capsys):
    from gongkai.batch.run import Stats
    from gongkai.cli.batch import LogProgress

    stats = Stats(total=10, enumerated=4, done=3, skipped=1, errors=1)
    progress = LogProgress(5)
    progress.update(stats)
    assert capsys.readouterr().err == ""  # not yet: one line every few seconds
    progress.last -= 6
    progress.update(stats)
    assert capsys.readouterr().err.startswith("gongkai: 进度 3/10+ 个文档（跳过 1），")
