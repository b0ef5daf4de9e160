"""Symbolic links in folders: loops skipped with a line, links out of the folder reported and not
followed unless --follow-links; nothing walked twice (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gongkai.formats import Source, iter_sources
from gongkai.formats.compose import make_docx
from gongkai.models import ReadError

TEXT = ("关于做好春耕工作的通知", "各村（社区）：", "请做好工作。")


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=180, check=False)


@pytest.fixture
def linked(tmp_path):
    """drafts/ with a document, two file links forming a loop, sub/up -> .., a link to a folder
    inside, and links to a folder and a document outside drafts/."""
    drafts, outside = tmp_path / "drafts", tmp_path / "outside"
    (drafts / "sub").mkdir(parents=True)
    outside.mkdir()
    make_docx(*TEXT, path=drafts / "a.docx")
    make_docx(*TEXT, path=drafts / "sub" / "b.docx")
    make_docx("外部文件", "申请人身份证号：11010519491231002X。", path=outside / "secret.docx")
    (drafts / "loop1.docx").symlink_to("loop2.docx")
    (drafts / "loop2.docx").symlink_to("loop1.docx")
    (drafts / "sub" / "up").symlink_to("..", target_is_directory=True)
    (drafts / "again").symlink_to("sub", target_is_directory=True)
    (drafts / "out").symlink_to(outside, target_is_directory=True)
    (drafts / "secret-link.docx").symlink_to(outside / "secret.docx")
    return drafts


def by_kind(items):
    sources = [os.path.relpath(i.name, i.name.split("drafts")[0] + "drafts") for i in items if isinstance(i, Source)]
    errors = {os.path.basename(i.file): i.code for i in items if isinstance(i, ReadError)}
    return sources, errors


def test_loops_are_skipped_with_a_line_each_and_links_out_are_reported(linked):
    sources, errors = by_kind(list(iter_sources([linked])))
    assert sources == ["a.docx", os.path.join("sub", "b.docx")]  # sub once: not again through "again"
    assert errors == {"loop1.docx": "link_loop", "loop2.docx": "link_loop", "up": "link_loop",
                      "out": "link_outside", "secret-link.docx": "link_outside"}


def test_follow_links_reads_what_lies_outside_and_still_stops_at_loops(linked):
    sources, errors = by_kind(list(iter_sources([linked], follow_links=True)))
    assert sorted(sources) == sorted(["a.docx", os.path.join("out", "secret.docx"), "secret-link.docx",
                                      os.path.join("sub", "b.docx")])
    assert errors == {"loop1.docx": "link_loop", "loop2.docx": "link_loop", "up": "link_loop"}


def test_a_followed_link_to_an_ancestor_terminates(tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    make_docx(*TEXT, path=drafts / "a.docx")
    (drafts / "top").symlink_to(tmp_path, target_is_directory=True)
    items = list(iter_sources([drafts], follow_links=True))
    assert [os.path.basename(i.name) for i in items if isinstance(i, Source)] == ["a.docx"]
    assert [(os.path.basename(i.file), i.code) for i in items if isinstance(i, ReadError)] == [("top", "link_loop")]


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_folder_with_a_loop_is_checked_not_aborted(linked, command):
    result = run_cli(command, linked, "--format", "json")
    assert result.returncode == 2
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert sum("符号链接循环" in line for line in lines) == 3
    assert sum("所查文件夹之外" in line and "--follow-links" in line for line in lines) == 2
    assert "a.docx" in result.stdout and "b.docx" in result.stdout


def test_check_follow_links_reads_the_document_outside(linked):
    result = run_cli("check", linked, "--format", "json", "--follow-links")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(r["file"].endswith("secret.docx") and any(f["rule"] == "D101" for f in r["findings"])
               for r in records if "findings" in r)


def test_batch_records_links_and_loops(linked, tmp_path):
    out = tmp_path / "results.jsonl"
    result = run_cli("batch", linked, "--out", out, "--jobs", "1", "--no-progress")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    codes = {os.path.basename(r["file"]): r.get("error", {}).get("code")
             for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert codes == {"a.docx": None, "b.docx": None, "loop1.docx": "link_loop", "loop2.docx": "link_loop",
                     "up": "link_loop", "out": "link_outside", "secret-link.docx": "link_outside"}


@pytest.mark.parametrize("command", ["redact", "annotate"])
def test_copying_commands_name_a_link_loop(linked, tmp_path, command):
    result = run_cli(command, linked / "loop1.docx", "-o", tmp_path / "copy.docx")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "loop1.docx" in lines[0] and "符号链接循环" in lines[0], lines
