"""A file name holding a newline (or another line break) keeps the error on one line (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gongkai.cli.common import one_line


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_newline_in_a_file_name_stays_on_one_line(tmp_path, command):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "第一\n第二.docx").write_bytes(b"not a document")
    result = run_cli(command, folder)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "第一\\n第二.docx:" in lines[0] and "损坏" in lines[0]


@pytest.mark.parametrize("raw, shown", [
    ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("a\x1b[31mb", "a\\x1b[31mb"), ("a\u2028b", "a\\u2028b"),
    ("a\x85b", "a\\x85b"), ("制表\t保留", "制表\t保留"),
])
def test_one_line_escapes_every_line_break(raw, shown):
    assert one_line(raw) == shown
    assert len(one_line(raw).splitlines()) == 1
