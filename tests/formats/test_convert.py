"""Old formats (.doc, .rtf, .odt) through LibreOffice headless.

`.ci/run` installs LibreOffice, so in CI these always run; a developer without it sees them
skipped with the reason (and CI=true without LibreOffice is a failure, not a skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from gongkai.formats import read_path
from gongkai.formats.compose import make_docx


@pytest.fixture(scope="module")
def soffice():
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run should have installed it")
        pytest.skip("LibreOffice (soffice) is not installed here")
    return exe


def convert(soffice, src, fmt, outdir):
    subprocess.run([soffice, f"-env:UserInstallation=file://{outdir}/profile", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def old_files(soffice, tmp_path_factory):
    d = tmp_path_factory.mktemp("old")
    src = d / "draft.docx"
    make_docx("关于做好春耕工作的通知", "申请人身份证号：11010519491231002X", path=src)
    for fmt in ("doc", "odt", "rtf"):
        convert(soffice, src, fmt, d)
    return d


@pytest.mark.parametrize("ext", ["doc", "odt", "rtf"])
def test_old_formats_are_converted_and_read(old_files, ext):
    doc = read_path(old_files / f"draft.{ext}")
    texts = [b.text for b in doc.blocks]
    assert "关于做好春耕工作的通知" in texts
    assert doc.source_format == ext


def test_a_doc_renamed_to_docx_is_read_and_says_so(old_files, tmp_path):
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes((old_files / "draft.doc").read_bytes())
    doc = read_path(renamed)
    assert "关于做好春耕工作的通知" in [b.text for b in doc.blocks]
    assert any("实际是旧版" in w for w in doc.warnings)


@pytest.mark.parametrize("size", [8, 600, "half"])
def test_a_truncated_doc_is_reported_broken_not_read_as_text(old_files, tmp_path, size):
    """A cut-off .doc is refused before LibreOffice sees it (which reads the first 8 bytes as a text file)."""
    from gongkai.formats import UnreadableDocument

    data = (old_files / "draft.doc").read_bytes()
    cut = tmp_path / "cut.doc"
    cut.write_bytes(data[: len(data) // 2 if size == "half" else size])
    with pytest.raises(UnreadableDocument) as exc:
        read_path(cut)
    assert exc.value.code == "unreadable" and "结构无效" in exc.value.message


def test_a_doc_missing_only_its_tail_padding_is_still_read(old_files, tmp_path):
    data = (old_files / "draft.doc").read_bytes()
    cut = tmp_path / "tail.doc"
    cut.write_bytes(data[:-100])
    assert "关于做好春耕工作的通知" in [b.text for b in read_path(cut).blocks]


def test_a_doc_whose_imprint_is_a_table_gets_no_false_f107(soffice, tmp_path):
    """Converted back from .doc, the 版记 table comes out as one line (抄送…。勺米镇党政办公室…印发)."""
    from gongkai import Config, check_document
    from gongkai.formats.compose import DocxBuilder

    b = DocxBuilder()
    for text in ("关于做好防汛工作的通知", "各村（社区）：", "请做好防汛工作。", "勺米镇人民政府", "2025年3月5日",
                 "（此件主动公开）"):
        b.paragraph(text)
    b.table([["抄送：区应急局，区水务局。", ""], ["勺米镇党政办公室", "2025年3月5日印发"]])
    src = tmp_path / "draft.docx"
    b.save(src)
    convert(soffice, src, "doc", tmp_path)
    doc = read_path(tmp_path / "draft.doc")
    assert any("抄送" in bl.text for bl in doc.blocks)
    assert [f for f in check_document(doc, Config()).findings if f.rule == "F107"] == []
