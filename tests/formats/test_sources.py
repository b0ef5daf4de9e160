"""Folders and zip archives: every document found, every problem named, limits enforced."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.config import Limits
from gongkai.formats import Source, iter_sources, read_source
from gongkai.formats.compose import make_docx
from gongkai.formats.sources import unsafe_member_name
from gongkai.formats.text import decode_text
from gongkai.models import Document, ReadError


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_folder_recursion_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    make_docx("乙", path=tmp_path / "b" / "2.docx")
    make_docx("甲", path=tmp_path / "1.docx")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    (tmp_path / "~$1.docx").write_bytes(b"lock file of an open Word document")
    names = [s.name for s in iter_sources([tmp_path])]
    assert names == [str(tmp_path / "1.docx"), str(tmp_path / "b" / "2.docx")]


def test_zip_members_nested_zips_and_problems(tmp_path):
    inner = zip_bytes({"内层.docx": make_docx("内层文件")})
    archive = tmp_path / "归档.zip"
    archive.write_bytes(zip_bytes({
        "一/正常.docx": make_docx("正常文件"),
        "../../etc/evil.docx": make_docx("越界"),
        "nested.zip": inner,
        "readme.png": b"\x89PNG",
    }))
    items = list(iter_sources([archive]))
    ok = {i.name: read_source(i) for i in items if isinstance(i, Source)}
    errors = [i for i in items if isinstance(i, ReadError)]
    assert ok[f"{archive}!一/正常.docx"].blocks[0].text == "正常文件"
    assert ok[f"{archive}!nested.zip!内层.docx"].blocks[0].text == "内层文件"
    assert [(e.code, e.file) for e in errors] == [("archive_unsafe", f"{archive}!../../etc/evil.docx")]


def test_zip_bomb_member_is_refused_without_inflating_it(tmp_path):
    archive = tmp_path / "bomb.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("bomb.docx", "w", force_zip64=True) as fh:
            chunk = b"\0" * 2**20
            for _ in range(300):  # 300 MB of zeros, a few hundred KB compressed
                fh.write(chunk)
        zf.writestr("ok.docx", make_docx("好文件"))
    archive.write_bytes(buf.getvalue())
    assert archive.stat().st_size < 2 * 2**20
    items = list(iter_sources([archive]))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.code for e in errors] == ["archive_limit"] and "压缩炸弹" in errors[0].message
    (good,) = [i for i in items if isinstance(i, Source)]
    assert read_source(good).blocks[0].text == "好文件"


def test_entry_count_limit(tmp_path):
    archive = tmp_path / "many.zip"
    archive.write_bytes(zip_bytes({f"{i}.txt": "正文".encode() for i in range(30)}))
    items = list(iter_sources([archive], Limits(archive_max_entries=10)))
    assert sum(isinstance(i, Source) for i in items) == 10
    assert [i.code for i in items if isinstance(i, ReadError)] == ["archive_limit"]


def test_corrupt_zip_archive(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    (err,) = list(iter_sources([archive]))
    assert isinstance(err, ReadError) and err.file == str(archive) and "损坏" in err.message


def test_gbk_member_names_from_windows_tools(tmp_path):
    archive = tmp_path / "gbk.zip"
    gbk = "通知.docx".encode("gbk")
    placeholder = b"x" * (len(gbk) - 5) + b".docx"
    data = zip_bytes({placeholder.decode(): make_docx("正文")})
    # As WinRAR/7-Zip on Chinese Windows write it: GBK bytes, no UTF-8 flag.
    archive.write_bytes(data.replace(placeholder, gbk))
    (src,) = list(iter_sources([archive]))
    assert src.name.endswith("!通知.docx")
    assert read_source(src).blocks[0].text == "正文"


@pytest.mark.parametrize("name, unsafe", [
    ("../x.docx", True), ("/etc/passwd", True), ("C:\\x.docx", True), ("a/../../b.docx", True),
    ("a/b.docx", False), ("正常/文件..docx", False),
])
def test_unsafe_member_names(name, unsafe):
    assert unsafe_member_name(name) is unsafe


TEXT = st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cs", "Cc")), min_size=1, max_size=200)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]))
def test_encoding_detection_round_trips(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # not representable in that encoding (e.g. GBK lacks the character)
    decoded, _ = decode_text(data)
    if encoding in ("gb18030", "gbk"):
        # GBK bytes that also happen to be valid UTF-8 decode as UTF-8; only pure-ASCII text can collide.
        try:
            data.decode("utf-8")
            collides = True
        except UnicodeDecodeError:
            collides = False
        if collides and not text.isascii():
            return
    assert decoded == text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="公开政务勺米镇，。 abc123", max_size=20), min_size=1, max_size=10))
def test_text_documents_keep_lines_as_paragraphs(lines):
    doc = Document.from_text("\n".join(lines))
    assert [b.text for b in doc.blocks] == "\n".join(lines).splitlines()
    for b in doc.blocks:
        loc = b.location(0, len(b.text))
        assert doc.blocks[loc.block].text[loc.start:loc.end] == b.text


def test_members_of_one_archive_are_read_without_reopening_it(tmp_path, monkeypatch):
    """Opening a zip parses its whole directory: once per archive, not once per member."""
    from gongkai.formats import sources

    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(300):
            z.writestr(f"docs/{i:03d}.txt", f"第{i}号：各村要认真做好春耕备耕工作。")
    opened = []
    real = sources.zipfile.ZipFile

    def counting(file, *a, **k):
        opened.append(file)
        return real(file, *a, **k)

    srcs = [s for s in iter_sources([archive]) if not isinstance(s, ReadError)]
    monkeypatch.setattr(sources.zipfile, "ZipFile", counting)
    texts = [s.read().blocks[0].text for s in srcs]
    assert texts == [f"第{i}号：各村要认真做好春耕备耕工作。" for i in range(300)]
    assert len([f for f in opened if not isinstance(f, io.BytesIO)]) <= 1


def test_a_rewritten_archive_is_opened_afresh(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.txt", "第一版正文。")
    (src,) = list(iter_sources([archive]))
    assert src.read().blocks[0].text == "第一版正文。"
    os.utime(archive, ns=(0, 0))  # a copy with another time, as a newer upload would have
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.txt", "第二版正文，更长。")
    assert src.read().blocks[0].text == "第二版正文，更长。"


def test_a_folder_or_archive_without_any_document_is_one_read_error(tmp_path):
    """Every command lists its paths here, so none reports '0 files checked' as a clean run."""
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    empty_zip = tmp_path / "empty.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    doc = tmp_path / "a.txt"
    doc.write_text("正文。", encoding="utf-8")
    items = list(iter_sources([scans, doc, empty_zip]))
    assert [type(i).__name__ for i in items] == ["ReadError", "Source", "ReadError"]
    assert [i.file for i in items if isinstance(i, ReadError)] == [str(scans), str(empty_zip)]
    assert all(i.code == "empty" and "没有可检查的文档" in i.message for i in items if isinstance(i, ReadError))


def zip_with_raw_name(name: bytes) -> bytes:
    """A zip whose one member's name is the given bytes, without the UTF-8 flag."""
    placeholder = b"x" * (len(name) - 5) + b".docx"
    return zip_bytes({placeholder.decode(): make_docx("正文")}).replace(placeholder, name)


@pytest.mark.parametrize("raw, shown", [
    # Info-ZIP on Linux and macOS's Archive Utility: UTF-8 bytes without the UTF-8 flag.
    ("关于补贴名单的通知.docx".encode(), "关于补贴名单的通知.docx"),
    # Explorer, WinRAR and 7-Zip on Chinese Windows: GBK bytes, no flag.
    ("关于补贴名单的通知.docx".encode("gbk"), "关于补贴名单的通知.docx"),
    # A GB18030 four-byte character (not in GBK).
    ("㐀村通知.docx".encode("gb18030"), "㐀村通知.docx"),
    # A real CP437 name from an old Western tool: neither UTF-8 nor GB18030.
    ("café.docx".encode("cp437"), "café.docx"),
    # UTF-8 Latin letters without the flag stay Latin (c3 a9 would be 茅 in GB18030).
    ("café.docx".encode(), "café.docx"),
    (b"plain-ascii.docx", "plain-ascii.docx"),
])
def test_member_names_without_utf8_flag(tmp_path, raw, shown):
    archive = tmp_path / "归档.zip"
    archive.write_bytes(zip_with_raw_name(raw))
    (src,) = list(iter_sources([archive]))
    assert src.name == f"{archive}!{shown}"
    assert read_source(src).blocks[0].text == "正文"


def test_member_name_with_utf8_flag_is_taken_as_written(tmp_path):
    archive = tmp_path / "flag.zip"
    archive.write_bytes(zip_bytes({"补贴名单.docx": make_docx("正文")}))
    with zipfile.ZipFile(archive) as zf:
        assert zf.infolist()[0].flag_bits & 0x800
    (src,) = list(iter_sources([archive]))
    assert src.name.endswith("!补贴名单.docx")
