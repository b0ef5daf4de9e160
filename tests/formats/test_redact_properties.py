"""gongkai redact outside the body: document properties and the authors of comments and revisions."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document as open_docx

from gongkai import check
from gongkai.formats import read_path

ID_A = "520221199003072372"  # synthetic, checksum-valid fake


@pytest.fixture
def authored(tmp_path, docx_builder):
    b = docx_builder(thumbnail=False)  # a thumbnail is removed by redact: see test_redact_places
    p = b.paragraph("关于做好春耕备耕工作的通知")
    b.paragraph("请各村做好春耕备耕工作。")
    b.comment(p, "请核实数字", author="李四海")
    b.revision("补充一句。", author="陈建国")
    b.revision("删去的话", author="陈建国", kind="del")
    b.core_property("creator", "王小明").core_property("lastModifiedBy", "王小明")
    b.core_property("title", "关于做好春耕备耕工作的通知")
    b.core_property("description", f"申请人身份证号{ID_A}，联系电话13885811234")
    b.app_property("Company", "勺米镇人民政府").app_property("Manager", "杨明")
    b.custom_property("申请人身份证号", ID_A).custom_property("公开属性", "主动公开")
    b.custom_property("起草人", "张建华")
    b.person("李四海")
    return b.save(tmp_path / "in.docx")


def _metadata_findings(path, config=None):
    return [f for f in check(path, config).findings if f.sensitive and f.location.part == "property"]


def _parts(path) -> dict[str, bytes]:
    z = zipfile.ZipFile(path)
    return {n: z.read(n) for n in z.namelist()}


def test_redact_clears_authors_and_masks_properties(cli, authored, tmp_path):
    assert {f.rule for f in _metadata_findings(authored)} == {"D101", "D102", "D111"}
    out = tmp_path / "out.docx"
    result = cli("redact", authored, "-o", out)
    assert result.exit_code == 0, result.output
    assert "复查剩余 0 处" in result.output and "文档属性和作者信息改写" in result.output
    assert _metadata_findings(out) == []
    package = b"".join(_parts(out).values())
    for raw in ("王小明", "李四海", "陈建国", "杨明", ID_A, "13885811234"):
        assert raw.encode() not in package, raw


def test_redacted_properties_read_back(cli, authored, tmp_path):
    out = tmp_path / "out.docx"
    cli("redact", authored, "-o", out)
    doc = read_path(out)
    assert "creator" not in doc.core_properties and "lastModifiedBy" not in doc.core_properties  # emptied
    assert doc.core_properties["title"] == "关于做好春耕备耕工作的通知"          # nothing personal: kept
    assert doc.core_properties["description"] == "申请人身份证号520221********2372，联系电话138****1234"
    assert doc.custom_properties["申请人身份证号"] == "520221********2372"
    assert doc.custom_properties["起草人"] == "张**"
    assert doc.custom_properties["公开属性"] == "主动公开"
    assert doc.app_properties["Company"] == "勺米镇人民政府" and "Manager" not in doc.app_properties
    assert doc.authors == []  # comment, revision and people.xml authors all emptied
    assert [b.text for b in doc.blocks if b.part == "body"][:2] == ["关于做好春耕备耕工作的通知", "请各村做好春耕备耕工作。"]
    opened = open_docx(str(out))  # still a valid Word package
    assert opened.core_properties.author == "" and opened.core_properties.title == "关于做好春耕备耕工作的通知"


def test_neutral_author_from_the_command_line(cli, authored, tmp_path):
    out = tmp_path / "out.docx"
    result = cli("redact", authored, "-o", out, "--author", "勺米镇党政办")
    assert result.exit_code == 0, result.output
    doc = read_path(out)
    assert doc.core_properties["creator"] == "勺米镇党政办"
    assert {(a.role, a.name, a.initials) for a in doc.authors} >= {("comment", "勺米镇党政办", "勺"),
                                                                    ("revision", "勺米镇党政办", None)}
    people = _parts(out)["word/people.xml"]
    assert b"presenceInfo" not in people  # the account behind a reviewer goes with the name


def test_name_like_neutral_author_does_not_fail_the_recheck(cli, authored, tmp_path):
    # an unusual choice, but the re-check must accept what redact itself wrote
    out = tmp_path / "out.docx"
    result = cli("redact", authored, "-o", out, "--author", "李明")
    assert result.exit_code == 0, result.output


def test_neutral_author_from_config(cli, authored, tmp_path):
    (tmp_path / "gongkai.toml").write_text('[screening]\nneutral_author = "起草单位"\n', encoding="utf-8")
    out = tmp_path / "out.docx"
    assert cli("redact", authored, "-o", out).exit_code == 0
    assert read_path(out).core_properties["creator"] == "起草单位"


def test_parts_without_personal_data_stay_byte_identical(cli, authored, tmp_path):
    out = tmp_path / "out.docx"
    cli("redact", authored, "-o", out)
    before, after = _parts(authored), _parts(out)
    assert before.keys() == after.keys()
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "word/document.xml",
                       "word/comments.xml", "word/people.xml"}


def test_document_without_metadata_findings_keeps_its_properties(cli, tmp_path, docx_builder):
    b = docx_builder()
    b.paragraph("申请人身份证号：" + ID_A)
    b.core_property("creator", "勺米镇党政办")
    src = b.save(tmp_path / "in.docx")
    out = tmp_path / "out.docx"
    assert cli("redact", src, "-o", out).exit_code == 0
    before, after = _parts(src), _parts(out)
    assert before["docProps/core.xml"] == after["docProps/core.xml"]
    assert before["word/document.xml"] != after["word/document.xml"]



def test_user_folder_in_the_template_path_is_masked(cli, tmp_path, docx_builder):
    b = docx_builder(thumbnail=False)
    b.paragraph("关于做好春耕备耕工作的通知")
    b.attached_template("file:///C:/Users/zhangsan/AppData/Roaming/Microsoft/Templates/Normal.dotm")
    src = b.save(tmp_path / "in.docx")
    out = tmp_path / "out.docx"
    result = cli("redact", src, "-o", out)
    assert result.exit_code == 0, result.output
    assert read_path(out).file_paths == ["file:///C:/Users/z*******/AppData/Roaming/Microsoft/Templates/Normal.dotm"]
    after = _parts(out)
    changed = {n for n, raw in _parts(src).items() if after.get(n) != raw}
    assert changed == {"word/_rels/settings.xml.rels"}


def test_libreoffice_opens_the_redacted_copy(cli, authored, tmp_path, libreoffice_roundtrip):
    """The redacted package, with its rewritten properties and emptied authors, still opens."""
    out = tmp_path / "out.docx"
    assert cli("redact", authored, "-o", out).exit_code == 0
    converted = libreoffice_roundtrip(out)
    if converted is None:
        return  # soffice not installed here (CI has it)
    body = [b.text for b in read_path(converted).blocks if b.part == "body"]
    assert body[:2] == ["关于做好春耕备耕工作的通知", "请各村做好春耕备耕工作。"]
    assert _metadata_findings(converted) == []
