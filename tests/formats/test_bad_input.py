"""Hostile and broken input: one clear line naming the file and the reason, exit 2, no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import msoffcrypto.format.ooxml
import pytest

from gongkai.config import Limits
from gongkai.formats import UnreadableDocument, iter_sources, read_bytes, read_source
from gongkai.formats.compose import make_docx
from gongkai.models import ReadError


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def assert_one_clear_line(result, path, words):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert any(w in lines[0] for w in words), lines[0]
    assert "Traceback" not in result.stderr


def encrypted_docx(tmp_path) -> bytes:
    plain = tmp_path / "plain.docx"
    make_docx("秘密的内容", path=plain)
    out = io.BytesIO()
    with open(plain, "rb") as fh:
        office = msoffcrypto.format.ooxml.OOXMLFile(fh)
        office.encrypt("password123", out)
    return out.getvalue()


CASES = {
    "corrupt.docx": (lambda tmp: b"PK\x03\x04" + os.urandom(200), ["损坏"]),
    "really-doc.docx": (lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ["旧版", ".doc", "LibreOffice"]),
    "really-pdf.docx": (lambda tmp: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", ["PDF"]),
    "encrypted.docx": (encrypted_docx, ["加密"]),
    "empty.docx": (lambda tmp: make_docx(), ["没有文字"]),
    "zero.docx": (lambda tmp: b"", ["为空"]),
    "empty.txt": (lambda tmp: "   \n\n".encode(), ["没有文字"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unusable_file_gives_one_line_and_exit_2(tmp_path, name):
    make, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    result = run_cli("check", path)
    assert_one_clear_line(result, path, words)


def test_missing_file(tmp_path):
    path = tmp_path / "gone.docx"
    assert_one_clear_line(run_cli("check", path), path, ["不存在"])


def test_no_read_permission_in_process(tmp_path, monkeypatch):
    """CI runs as root, which the OS never refuses: make the read itself fail as it would for a clerk."""
    from pathlib import Path

    path = tmp_path / "locked.docx"
    make_docx("正文", path=path)

    def deny(self, *a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    (source,) = list(iter_sources([path]))
    result = read_source(source)
    assert isinstance(result, ReadError) and result.code == "permission" and "权限" in result.message


def test_file_vanishing_mid_run(tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    make_docx("第一份", path=first)
    make_docx("第二份", path=second)
    sources = iter_sources([tmp_path])
    s1 = next(sources)
    first.unlink()  # listed, then gone before it is read
    results = [read_source(s1)] + [read_source(s) for s in sources]
    assert isinstance(results[0], ReadError) and results[0].code == "missing"
    assert [r.blocks[0].text for r in results[1:]] == ["第二份"]


def test_other_files_of_a_multi_file_run_are_still_checked(tmp_path):
    good = tmp_path / "good.docx"
    make_docx("关于做好春耕工作的通知", "各村（社区）：", "正文。", "（此件公开发布）", path=good)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a document at all")
    result = run_cli("check", bad, good, "--format", "json")
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert '"error"' in lines[0] and str(bad) in lines[0]
    assert '"findings"' in lines[1]
    assert result.stderr.count("\n") == 1 and str(bad) in result.stderr


def test_gbk_text_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("关于做好春耕工作的通知\n各村（社区）：\n请做好工作。\n（此件公开发布）\n".encode("gbk"))
    result = run_cli("check", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "关于做好春耕工作的通知" in result.stdout


def test_large_document_is_read_within_limits(tmp_path):
    """A 50 MB .docx (a big embedded blob, as scanned attachments make) reads fast: only XML is parsed."""
    data = make_docx("关于做好春耕工作的通知", "正文。")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr(zipfile.ZipInfo("word/media/image1.bin"), os.urandom(50 * 2**20))
    big = buf.getvalue()
    assert len(big) > 50 * 2**20
    doc = read_bytes(big, "big.docx")
    assert doc.blocks[0].text == "关于做好春耕工作的通知"
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(big, "big.docx", Limits(max_file_mb=10))
    assert exc.value.code == "too_large" and "上限" in exc.value.message


def test_bomb_inside_a_docx_part_is_refused():
    data = make_docx("正文")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"</w:body>", b"<!--" + b" " * (40 * 2**20) + b"--></w:body>")
            dst.writestr(info.filename, content)
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(buf.getvalue(), "bomb.docx")
    assert exc.value.code == "archive_limit"


def test_old_formats_without_converter_name_the_missing_tool(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(b"{\\rtf1\\ansi hello}", "x.rtf")
    assert exc.value.code == "converter_missing" and "LibreOffice" in exc.value.message


def test_a_document_beyond_the_character_limit_is_refused_with_the_setting_to_change():
    data = ("申请人张三反映道路破损。" * 1000).encode("utf-8")  # 12,000 characters
    assert read_bytes(data, "long.txt").chars == 12_000
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(data, "long.txt", Limits(max_chars=10_000))
    assert exc.value.code == "too_large" and "max_chars" in exc.value.message


def test_a_huge_text_file_gives_one_line_and_exit_2(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes(("申请人张三。" * 10).encode("utf-8") * 40_000)  # 2.4 million characters, one line
    assert_one_clear_line(run_cli("check", path), path, ["文档过长"])


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_a_folder_or_zip_without_any_document_gives_one_line_and_exit_2(tmp_path, kind):
    if kind == "folder":
        path = tmp_path / "scans"
        path.mkdir()
        (path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    else:
        path = tmp_path / "empty.zip"
        zipfile.ZipFile(path, "w").close()
    assert_one_clear_line(run_cli("check", path), path, ["没有可检查的文档"])
