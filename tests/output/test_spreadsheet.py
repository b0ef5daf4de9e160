"""Every CSV gongkai writes keeps formula-like cells as text (OWASP CSV injection rule, issue 18)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

from gongkai.formats.compose import make_docx
from gongkai.output.spreadsheet import safe_cell, writer

#: One planted value per character that starts a formula in Excel or LibreOffice.
PLANTED = {
    "=": '=HYPERLINK("http://example.invalid","点此")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1,2)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=180, check=False)


@pytest.mark.parametrize("start", sorted(PLANTED))
def test_a_formula_start_is_neutralised(start):
    value = PLANTED[start]
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["关于做好春耕工作的通知", "勺府发〔2025〕3号", "a=b", "", "1-2"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


def test_numbers_are_written_as_numbers():
    buf = io.StringIO()
    writer(buf).writerow([-1, 0.5, 3, None])
    assert buf.getvalue() == "-1,0.5,3,\r\n"


def read_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def file_name(value: str) -> str:
    return value.replace("/", "／") + ".txt"


def assert_planted_are_text(cells: list[str]):
    for start, value in PLANTED.items():
        shown = [c for c in cells if file_name(value).strip("\t\r") in c]
        assert shown, (start, cells)
        assert all(c.startswith("'") for c in shown), (start, shown)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.fixture
def planted_folder(tmp_path):
    """Documents whose file names begin with each formula character (file names reach every CSV)."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    for value in PLANTED.values():
        (folder / file_name(value)).write_text("关于做好春耕工作的通知\n各村（社区）：\n请做好工作。\n", encoding="utf-8")
    return folder


def test_audit_csv_neutralises_every_planted_cell(planted_folder):
    names = sorted(os.listdir(planted_folder))
    result = run_cli("audit", "--format", "csv", "--", *names, cwd=planted_folder)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    assert_planted_are_text(read_cells(result.stdout))


def test_summary_csv_neutralises_every_planted_cell(planted_folder, tmp_path):
    names = sorted(os.listdir(planted_folder))
    out = tmp_path / "results.jsonl"
    batch = run_cli("batch", "--out", out, "--jobs", "1", "--no-progress", "--", *names, cwd=planted_folder)
    assert "Traceback" not in batch.stderr and batch.returncode in (0, 1), batch.stderr
    result = run_cli("summary", out, "--format", "csv", "--documents")
    assert result.returncode == 0, result.stderr
    assert_planted_are_text(read_cells(result.stdout))


def test_a_title_taken_from_a_document_stays_text_in_the_audit_csv(tmp_path):
    path = tmp_path / "title.docx"
    make_docx('=HYPERLINK("http://example.invalid","关于做好春耕工作的通知")', "各村（社区）：", "请做好工作。", path=path)
    result = run_cli("audit", path, "--format", "csv")
    cells = read_cells(result.stdout)
    assert '\'=HYPERLINK("http://example.invalid","关于做好春耕工作的通知")' in cells
    assert not [c for c in cells if c.startswith("=")]
