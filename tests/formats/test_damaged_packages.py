"""Damaged packages and parser limits: one Chinese line naming the file and the reason, exit 2,
the rest of the run going on, never a traceback nor libxml2's English (issue 18)."""

from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import zipfile

import pytest

from gongkai.formats import UnreadableDocument, read_bytes
from gongkai.formats.compose import make_docx
from gongkai.formats.xml import parse

GOOD_TEXT = ("关于做好春耕工作的通知", "各村（社区）：", "申请人身份证号：11010519491231002X。", "（此件公开发布）")


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300, check=False)


def rebuild(data: bytes, part: str, change) -> bytes:
    """The package with ``part`` replaced by ``change(old bytes)``, every other member kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def corrupt_deflate(data: bytes, part: str = "word/document.xml") -> bytes:
    """Garble the compressed stream of ``part`` (its headers and CRC untouched)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for i in range(5, 15):
        out[start + i] ^= 0xFF
    return bytes(out)


def bad_crc(data: bytes, part: str = "word/document.xml") -> bytes:
    """The same bytes with the CRC-32 recorded for ``part`` changed in both of its headers."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        crc = zf.getinfo(part).CRC
    old, new = struct.pack("<I", crc), struct.pack("<I", crc ^ 0x5A5A)
    assert data.count(old) == 2  # local header and central directory
    return data.replace(old, new)


def nested_tables(depth: int = 300) -> bytes:
    inner = "<w:p><w:r><w:t>深处</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    body = f'<w:p><w:r><w:t>关于做好春耕工作的通知</w:t></w:r></w:p>{inner}'
    return rebuild(make_docx(*GOOD_TEXT), "word/document.xml",
                   lambda x: x.split(b"<w:body>")[0] + f"<w:body>{body}</w:body></w:document>".encode())


def long_text_node(mb: float = 10.5) -> bytes:
    """One paragraph of ``mb`` MB of letters (random: the compression-ratio limit must not fire first)."""
    rng = random.Random(18)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(int(mb * 2**20)))
    return rebuild(make_docx(*GOOD_TEXT), "word/document.xml", lambda x: x.replace("各村（社区）：".encode(), text.encode()))


def doctype_after_comment() -> bytes:
    """A DOCTYPE after 70 KB of comment, and an entity reference before the personal data."""
    def change(xml: bytes) -> bytes:
        head, rest = xml.split(b"?>", 1)
        rest = rest.replace("申请人身份证号".encode(), "&e;申请人身份证号".encode())
        return head + b"?><!--" + b"x" * 70_000 + b'--><!DOCTYPE w:document [<!ENTITY e "">]>' + rest
    return rebuild(make_docx(*GOOD_TEXT), "word/document.xml", change)


DAMAGED = {
    "deflate.docx": (lambda: corrupt_deflate(make_docx(*GOOD_TEXT)), "解压失败"),
    "crc.docx": (lambda: bad_crc(make_docx(*GOOD_TEXT)), "校验和不符"),
    "nested.docx": (nested_tables, "超出安全限制：嵌套过深"),
    "long.docx": (long_text_node, "超出安全限制：段落过长"),
    "doctype.docx": (doctype_after_comment, "DTD"),
}


@pytest.fixture(scope="module")
def damaged_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    for name, (make, _) in DAMAGED.items():
        (folder / name).write_bytes(make())
    make_docx(*GOOD_TEXT, path=folder / "good.docx")
    return folder


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_each_damage_is_one_chinese_reason(damaged_folder, name):
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes((damaged_folder / name).read_bytes(), name)
    message = exc.value.message
    assert DAMAGED[name][1] in message
    assert not any(word in message for word in ("Error", "error", "XML_PARSE_HUGE", "CRC-32", "line"))


def assert_damaged_named_once(stderr: str, folder):
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    for name, (_, reason) in DAMAGED.items():
        mine = [line for line in lines if f"{name}:" in line]
        assert len(mine) == 1 and reason in mine[0], (name, lines)
    assert not any("good.docx" in line for line in lines)


def test_check_names_every_damaged_file_and_checks_the_rest(damaged_folder):
    result = run_cli("check", damaged_folder, "--format", "json")
    assert result.returncode == 2
    assert_damaged_named_once(result.stderr, damaged_folder)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(DAMAGED) + 1
    (good,) = [r for r in records if "error" not in r]
    assert good["file"].endswith("good.docx") and any(f["rule"] == "D101" for f in good["findings"])


def test_audit_names_every_damaged_file_and_audits_the_rest(damaged_folder):
    result = run_cli("audit", damaged_folder, "--format", "json")
    assert result.returncode == 2
    assert_damaged_named_once(result.stderr, damaged_folder)
    assert "good.docx" in result.stdout


def test_batch_records_every_damaged_file_and_checks_the_rest(damaged_folder, tmp_path):
    out = tmp_path / "results.jsonl"
    result = run_cli("batch", damaged_folder, "--out", out, "--jobs", "2", "--no-progress")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_name = {os.path.basename(r["file"]): r for r in records if "file" in r}
    for name, (_, reason) in DAMAGED.items():
        assert reason in by_name[name]["error"]["message"], by_name[name]
    assert "findings" in by_name["good.docx"]


@pytest.mark.parametrize("command", ["redact", "annotate"])
@pytest.mark.parametrize("part", ["word/document.xml", "word/fontTable.xml"])
def test_copying_commands_refuse_a_damaged_member_with_one_line(tmp_path, command, part):
    """A broken member the reader never needs (the font table) still stops a copy before it is written."""
    path = tmp_path / "broken.docx"
    path.write_bytes(corrupt_deflate(make_docx(*GOOD_TEXT), part))
    result = run_cli(command, path, "-o", tmp_path / "copy.docx")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "解压失败" in lines[0] and part in lines[0], lines
    assert not (tmp_path / "copy.docx").exists()


def test_a_doctype_after_64_kb_of_comment_is_refused_not_read_without_the_text_after_the_entity():
    with pytest.raises(UnreadableDocument) as exc:
        read_bytes(doctype_after_comment(), "late.docx")
    assert exc.value.code == "unsafe"


@pytest.mark.parametrize("xml", [
    b"<?xml version='1.0'?><!--" + b"-" * 0 + b"x" * 100_000 + b"--><!DOCTYPE a><a>text</a>",
    b"<?xml version='1.0'?>" + b" " * 70_000 + b"<!DOCTYPE a [<!ENTITY e 'v'>]><a>&e;tail</a>",
    b"<?xml version='1.0'?><!DOCTYPE a SYSTEM 'file:///etc/passwd'><a>text</a>",
])
def test_any_document_type_node_is_refused_after_parsing(xml):
    with pytest.raises(UnreadableDocument) as exc:
        parse(xml, "word/document.xml")
    assert exc.value.code == "unsafe" and "word/document.xml" in exc.value.message


def test_a_part_without_doctype_still_parses():
    assert parse(b"<?xml version='1.0'?><!-- <!DOCTYPE a> in a comment --><a>text</a>").text == "text"


def archive_with_garbled_members(tmp_path):
    """An archive whose member bad.docx and nested inner.zip have garbled deflate streams."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.docx", make_docx(*GOOD_TEXT))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bad.docx", make_docx(*GOOD_TEXT))
        zf.writestr("good.docx", make_docx(*GOOD_TEXT))
        zf.writestr("inner.zip", inner.getvalue())
    data = corrupt_deflate(corrupt_deflate(outer.getvalue(), "bad.docx"), "inner.zip")
    path = tmp_path / "收文.zip"
    path.write_bytes(data)
    return path


def test_garbled_members_of_an_archive_are_named_and_the_rest_checked(tmp_path):
    path = archive_with_garbled_members(tmp_path)
    result = run_cli("check", path, "--format", "json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all("损坏" in line for line in lines), lines
    assert {line.removeprefix("gongkai: ").split(": ")[0] for line in lines} == {f"{path}!bad.docx", f"{path}!inner.zip"}
    assert "压缩包成员解压失败" in lines[0]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records if "findings" in r] == [f"{path}!good.docx"]


@pytest.mark.parametrize("damage", ["deflate.docx", "crc.docx", "nested.docx"])
def test_review_names_a_damaged_document_with_one_line(damaged_folder, tmp_path, damage):
    path = damaged_folder / damage
    result = run_cli("review", "start", path, "--db", tmp_path / "register.sqlite")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and DAMAGED[damage][1] in lines[0], lines
    assert "内部错误" not in result.stderr


@pytest.mark.parametrize("command", ["redact", "annotate"])
def test_copying_commands_refuse_a_dtd_in_a_part_the_reader_never_parses(tmp_path, command):
    path = tmp_path / "dtd.docx"
    path.write_bytes(rebuild(make_docx(*GOOD_TEXT), "word/fontTable.xml",
                             lambda x: x.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)))
    result = run_cli(command, path, "-o", tmp_path / "copy.docx")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "word/fontTable.xml" in lines[0] and "DTD" in lines[0], lines
    assert not (tmp_path / "copy.docx").exists()
