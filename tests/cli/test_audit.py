"""``gongkai audit``: one row per document, text/CSV/JSON, exit codes, folders and zips."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

OK = ["关于做好春耕备耕工作的通知", "各村（社区）：", "请做好种粮补贴申报工作。", "勺米镇人民政府", "2025年3月5日", "（此件公开发布）"]
MISSING = ["关于做好防汛工作的通知", "各村（社区）：", "请做好地质灾害隐患排查，及时转移群众。", "勺米镇人民政府", "2025年6月1日"]
CONFLICT = ["关于申请追加防汛经费的请示", "区人民政府：", "妥否，请批示。", "勺米镇人民政府", "2025年6月1日", "（此件公开发布）"]
RESTRICTED = ["关于发放临时救助金的通知", "各村：", "申请人王某明，身份证号11010519491231002X，救助3000元。",
              "勺米镇人民政府", "2025年3月5日", "（此件公开发布）"]


@pytest.fixture
def folder(tmp_path, docx_file):
    for name, paras in (("a_ok.docx", OK), ("b_missing.docx", MISSING), ("c_conflict.docx", CONFLICT),
                        ("d_restricted.docx", RESTRICTED)):
        docx_file(*paras, name=name)
    return tmp_path


def _json(result):
    return json.loads(result.stdout)


def test_json_has_one_row_per_document_and_a_summary(cli, folder):
    result = cli("audit", folder, "--format", "json")
    data = _json(result)
    assert data["schema"] == "gongkai.audit/1"
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in data["documents"]}
    assert {k: v["status"] for k, v in rows.items()} == {
        "a_ok.docx": "ok", "b_missing.docx": "missing", "c_conflict.docx": "conflict",
        "d_restricted.docx": "restricted-content",
    }
    ok = rows["a_ok.docx"]
    assert (ok["title"], ok["doc_type"], ok["label"], ok["suggestion"]) == (
        "关于做好春耕备耕工作的通知", "通知", "主动公开", "主动公开")
    assert "补贴" in ok["reason"]
    assert rows["b_missing.docx"]["label"] is None and "退回起草单位" in rows["b_missing.docx"]["reason"]
    assert "报上级机关的请示" in rows["c_conflict.docx"]["reason"]
    assert "11010519491231002X" not in result.output
    assert data["summary"] == {"ok": 1, "conflict": 1, "restricted-content": 1, "missing": 1, "unreadable": 0,
                               "total": 4}
    assert result.exit_code == 1


def test_csv_starts_with_a_bom_and_has_the_columns(cli, folder, tmp_path):
    out = tmp_path / "audit.csv"
    result = cli("audit", folder, "--format", "csv", "-o", out)
    assert result.exit_code == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["文件", "标题", "文号", "文种", "标注", "建议", "把握", "状态", "主要理由"]
    assert [r[7] for r in rows[1:5]] == ["一致", "未标识", "不一致", "夹带不公开内容"]  # JSON keeps the codes
    assert rows[-1][0].startswith("共 4 份")


def test_text_table_and_summary(cli, folder):
    result = cli("audit", folder)
    assert "关于做好春耕备耕工作的通知" in result.output
    assert "未标识" in result.output and "(missing)" not in result.output
    assert "共 4 份：一致 1，不一致 1，夹带不公开内容 1，未标识 1，无法读取 0" in result.output


def test_all_consistent_exits_zero(cli, docx_file):
    path = docx_file(*OK)
    result = cli("audit", path, "--format", "json")
    assert result.exit_code == 0
    assert _json(result)["documents"][0]["status"] == "ok"


def test_unusable_input_exits_two_and_gets_a_row(cli, tmp_path, docx_file):
    good = docx_file(*OK)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = cli("audit", good, bad, "--format", "json")
    assert result.exit_code == 2
    rows = _json(result)["documents"]
    assert [r["status"] for r in rows] == ["ok", "unreadable"]
    assert "broken.docx" in result.stderr


def test_missing_file_exits_two(cli, tmp_path):
    result = cli("audit", tmp_path / "nope.docx", "--format", "json")
    assert result.exit_code == 2
    assert _json(result)["summary"]["unreadable"] == 1


def test_documents_inside_a_zip(cli, tmp_path):
    from gongkai.formats.compose import make_docx

    archive = tmp_path / "drafts.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("一/ok.docx", make_docx(*OK))
        zf.writestr("二/missing.docx", make_docx(*MISSING))
    result = cli("audit", archive, "--format", "json")
    rows = _json(result)["documents"]
    assert sorted(r["status"] for r in rows) == ["missing", "ok"]
    assert all("drafts.zip" in r["file"] for r in rows)
    assert result.exit_code == 1


def test_label_from_a_custom_property(cli, tmp_path, docx_builder):
    b = docx_builder()
    for p in MISSING:
        b.paragraph(p)
    b.custom_property("公开属性", "主动公开")
    path = tmp_path / "prop.docx"
    b.save(path)
    row = _json(cli("audit", path, "--format", "json"))["documents"][0]
    assert (row["label"], row["status"]) == ("主动公开", "ok")
