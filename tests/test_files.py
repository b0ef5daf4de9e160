"""Files replaced in one rename: the old content or the new one, never half, and nothing left over."""

from __future__ import annotations

import os

import pytest

from gongkai import files


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_bytes_and_text_replace_the_file(tmp_path):
    target = tmp_path / "head.json"
    target.write_text("旧内容", encoding="utf-8")
    files.write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    files.write_atomic(target, "新内容", durable=True)
    assert target.read_text(encoding="utf-8") == "新内容"
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "results.jsonl"
    target.write_text("第一行\n", encoding="utf-8")
    with pytest.raises(RuntimeError), files.replacing(target, durable=True) as fh:
        fh.write("半行".encode())
        raise RuntimeError("写到一半")
    assert target.read_text(encoding="utf-8") == "第一行\n"
    assert leftovers(tmp_path) == []


def test_a_rename_that_fails_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "cache"
    target.mkdir()  # a folder where the file should be: the rename fails
    with pytest.raises(OSError):
        files.write_atomic(target, b"data")
    assert target.is_dir() and leftovers(tmp_path) == []


def test_a_missing_folder_is_the_callers_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        files.write_atomic(tmp_path / "no-such-folder" / "x.json", "{}")


def test_the_temporary_file_is_in_the_same_folder_and_unique(tmp_path, monkeypatch):
    seen = []
    real = files.tempfile.mkstemp

    def spy(**kw):
        fd, name = real(**kw)
        seen.append(name)
        return fd, name

    monkeypatch.setattr(files.tempfile, "mkstemp", spy)
    target = tmp_path / "a.json"
    with files.replacing(target) as one, files.replacing(target) as two:  # two writers at once
        one.write(b"1")
        two.write(b"2")
    assert len(set(seen)) == 2 and all(os.path.dirname(n) == str(tmp_path) for n in seen)
    assert target.read_bytes() == b"1"  # the last to finish wins, whole
    assert leftovers(tmp_path) == []
