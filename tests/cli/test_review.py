"""The review contract from the command line (CliRunner) against a SQLite store."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.formats.compose import make_docx

HEAD = ("勺米镇人民政府文件", "勺府发〔2026〕3号", "勺米镇人民政府关于做好2026年春耕生产工作的通知", "各村（社区）：")
TAIL = ("勺米镇人民政府", "2026年3月1日")
LABEL = "（此件公开发布）"
FAKE_ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person


def notice(path: Path, *body: str, label: bool = True) -> Path:
    body = body or ("为做好今年春耕生产工作，现将有关事项通知如下。",)
    make_docx(*HEAD, *body, *TAIL, *((LABEL,) if label else ()), path=path)
    return path


@pytest.fixture
def doc(tmp_path):
    return notice(tmp_path / "通知.docx")


@pytest.fixture
def gk(cli, tmp_path):
    """gk("review", "start", DOC, ...) with --db pointing at a fresh SQLite file."""
    db = tmp_path / "store" / "review.sqlite3"
    db.parent.mkdir()

    def run(*args):
        return cli(*args, "--db", db)

    run.db = db
    return run


def review_fully(gk, doc, final="丙"):
    steps = [
        ("review", "start", doc), ("review", "sign", doc, "--stage", "初审", "--by", "甲"),
        ("review", "sign", doc, "--stage", "复审", "--by", "乙"),
        ("review", "sign", doc, "--stage", "终审", "--by", final),
        ("review", "proof", doc, "--by", "庚"), ("review", "proof", doc, "--by", "庚"),
        ("review", "proof", doc, "--by", "辛"), ("review", "secrecy", doc, "--by", final),
    ]
    for step in steps:
        result = gk(*step)
        assert result.exit_code == 0, (step, result.output, result.stderr)


def status(gk, doc) -> dict:
    result = gk("review", "status", doc, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_complete_review_releases_and_archives(gk, doc):
    review_fully(gk, doc)
    result = gk("release", doc)
    assert result.exit_code == 0, result.output
    assert "已登记归档" in result.stdout
    entries = json.loads(gk("archive", "list", "--format", "json").stdout)
    assert len(entries) == 1
    e = entries[0]
    assert (e["title"], e["doc_number"], e["label"]) == (
        "勺米镇人民政府关于做好2026年春耕生产工作的通知", "勺府发〔2026〕3号", "主动公开")
    assert [e["reviewers"][s]["by"] for s in ("初审", "复审", "终审")] == ["甲", "乙", "丙"]
    assert [p["by"] for p in e["reviewers"]["校对"]] == ["庚", "庚", "辛"]
    assert e["reviewers"]["保密审查"]["by"] == "丙" and len(e["content_sha256"]) == 64


def test_release_lists_every_missing_item(gk, tmp_path):
    doc = notice(tmp_path / "草稿.docx", f"申请人身份证号：{FAKE_ID}。", label=False)
    assert gk("review", "start", doc, "--important").exit_code == 0
    result = gk("release", doc)
    assert result.exit_code == 1
    for text in ("缺少初审签署", "缺少复审签署", "缺少终审签署", "校对不足三个校次（已有 0 次）", "全文书面诵读",
                 "缺少保密审查", "未标注公开属性", "未豁免的错误级发现", "D101"):
        assert text in result.stdout
    assert json.loads(gk("archive", "list", "--format", "json").stdout) == []


def test_release_without_a_record_is_refused(gk, doc):
    result = gk("release", doc)
    assert result.exit_code == 1 and "没有进行中的审核记录" in result.stdout


def test_stages_out_of_order_are_refused_and_not_recorded(gk, doc):
    gk("review", "start", doc)
    result = gk("review", "sign", doc, "--stage", "复审", "--by", "乙")
    assert result.exit_code == 1 and "须先完成初审" in result.stderr
    assert [s["status"] for s in status(gk, doc)["stages"]] == ["open", "open", "open"]


def test_commands_before_start_are_refused(gk, doc):
    result = gk("review", "proof", doc, "--by", "庚")
    assert result.exit_code == 1 and "review start" in result.stderr


def test_stage_names_accept_english(gk, doc):
    gk("review", "start", doc)
    assert gk("review", "sign", doc, "--stage", "first", "--by", "甲").exit_code == 0
    assert gk("review", "sign", doc, "--stage", "second", "--by", "乙").exit_code == 0
    assert [s["status"] for s in status(gk, doc)["stages"]] == ["signed", "signed", "open"]
    bad = gk("review", "sign", doc, "--stage", "fourth", "--by", "乙")
    assert bad.exit_code == 2 and "未知审核阶段" in bad.stderr


def test_rejection_reopens_the_stage_and_clears_later_ones(gk, doc):
    review_fully(gk, doc)
    result = gk("review", "sign", doc, "--stage", "复审", "--by", "乙", "--reject", "--note", "数据须核实")
    assert result.exit_code == 0
    st = status(gk, doc)
    assert [s["status"] for s in st["stages"]] == ["signed", "rejected", "open"]
    assert st["stages"][1]["rejected"]["note"] == "数据须核实"
    assert gk("review", "sign", doc, "--stage", "终审", "--by", "丙").exit_code == 1
    assert gk("release", doc).exit_code == 1


def test_important_items_need_read_aloud(gk, doc):
    gk("review", "start", doc, "--important")
    review_fully(gk, doc)
    refused = gk("release", doc)
    assert refused.exit_code == 1 and "全文书面诵读" in refused.stdout
    assert gk("review", "read-aloud", doc, "--by", "庚").exit_code == 0
    assert gk("release", doc).exit_code == 0


def test_tampered_document_is_refused_with_stages_to_redo(gk, doc):
    review_fully(gk, doc)
    notice(doc, "为做好今年春耕生产工作，现将有关事项通知如下。每户补贴改为500元。")
    result = gk("release", doc)
    assert result.exit_code == 1
    assert "须重做：初审、复审、终审" in result.stdout
    assert "初审须重做" in result.stdout and "校对不足三个校次（已有 0 次）" in result.stdout
    st = status(gk, doc)
    assert st["content_changed"] and st["redo"] == ["初审", "复审", "终审"]
    again = gk("review", "sign", doc, "--stage", "复审", "--by", "乙")
    assert again.exit_code == 1 and "须先完成初审（文档内容已改动，须重做）" in again.stderr
    assert json.loads(gk("archive", "list", "--format", "json").stdout) == []


def test_signing_the_edited_file_restarts_the_review_on_the_new_content(gk, doc):
    review_fully(gk, doc)
    notice(doc, "改动后的正文。")
    result = gk("review", "sign", doc, "--stage", "初审", "--by", "甲")
    assert result.exit_code == 0 and "须重做的审核：复审、终审" in result.stdout
    st = status(gk, doc)
    assert [s["status"] for s in st["stages"]] == ["signed", "redo", "redo"] and st["proofs"]["count"] == 0
    for step in (("review", "sign", doc, "--stage", "复审", "--by", "乙"),
                 ("review", "sign", doc, "--stage", "终审", "--by", "丙"),
                 ("review", "proof", doc, "--by", "庚"), ("review", "proof", doc, "--by", "庚"),
                 ("review", "proof", doc, "--by", "庚"), ("review", "secrecy", doc, "--by", "丙")):
        assert gk(*step).exit_code == 0
    assert gk("release", doc).exit_code == 0


def test_a_renamed_copy_continues_the_same_record(gk, doc, tmp_path):
    gk("review", "start", doc)
    gk("review", "sign", doc, "--stage", "初审", "--by", "甲")
    copy = tmp_path / "副本" / "春耕（定稿）.docx"
    copy.parent.mkdir()
    shutil.copy(doc, copy)
    st = status(gk, copy)
    assert st["stages"][0]["status"] == "signed" and st["document"]["path"] == str(copy)


def test_status_json_carries_the_event_log(gk, doc):
    gk("review", "start", doc)
    gk("review", "sign", doc, "--stage", "初审", "--by", "甲", "--note", "文字已核")
    log = status(gk, doc)["log"]
    assert [(e["kind"], e["stage"], e["actor"], e["note"]) for e in log] == [
        ("start", None, "", ""), ("sign", "初审", "甲", "文字已核")]
    assert log[1]["path"] == str(doc) and len(log[1]["content_sha256"]) == 64 and log[1]["reject"] is False


def test_status_of_an_unknown_document(gk, doc):
    st = status(gk, doc)
    assert st["record"] is None and st["releasable"] is False
    assert [m["code"] for m in st["missing"]] == ["not_started"]
    text = gk("review", "status", doc).stdout
    assert "没有审核记录" in text


def test_status_text_lists_progress_and_missing_items(gk, doc):
    gk("review", "start", doc)
    gk("review", "sign", doc, "--stage", "初审", "--by", "甲", "--note", "文字已核")
    gk("review", "proof", doc, "--by", "庚")
    out = gk("review", "status", doc).stdout
    assert "初审  已签署  甲" in out and "复审  未签署" in out and "校对  1/3 个校次" in out
    assert "发布前还缺" in out and "缺少保密审查" in out


def test_roster_refuses_second_and_final_review_without_the_role(gk, doc, tmp_path):
    (tmp_path / "gongkai.toml").write_text(
        '[roster]\n"甲" = "编辑"\n"乙" = "股室负责人"\n"丙" = "分管领导"\n"丁" = "主要领导"\n', encoding="utf-8")
    gk("review", "start", doc)
    gk("review", "sign", doc, "--stage", "初审", "--by", "甲")
    refused = gk("review", "sign", doc, "--stage", "复审", "--by", "甲")
    assert refused.exit_code == 1 and "甲（编辑）无权复审" in refused.stderr
    stranger = gk("review", "sign", doc, "--stage", "复审", "--by", "路人")
    assert stranger.exit_code == 1 and "不在人员名册中" in stranger.stderr
    assert gk("review", "sign", doc, "--stage", "复审", "--by", "乙").exit_code == 0
    assert gk("review", "sign", doc, "--stage", "终审", "--by", "乙").exit_code == 1
    assert gk("review", "sign", doc, "--stage", "终审", "--by", "丁").exit_code == 0
    log = status(gk, doc)
    assert log["roster"] and log["stages"][2]["signed"]["by"] == "丁"


def test_a_bad_roster_role_is_a_config_error(gk, doc, tmp_path):
    (tmp_path / "gongkai.toml").write_text('[roster]\n"甲" = "局长"\n', encoding="utf-8")
    result = gk("review", "start", doc)
    assert result.exit_code == 2 and "gongkai.toml" in result.stderr and "局长" in result.stderr


def test_final_signer_waives_a_finding_with_a_reason(gk, cli, tmp_path):
    doc = notice(tmp_path / "名单.docx", f"申请人身份证号：{FAKE_ID}。")
    review_fully(gk, doc)
    assert "D101" in gk("release", doc).stdout
    other = gk("review", "waive", doc, "--rule", "D101", "--by", "乙", "--reason", "已遮蔽")
    assert other.exit_code == 1 and "终审签署人（丙）" in other.stderr
    absent = gk("review", "waive", doc, "--rule", "S101", "--by", "丙", "--reason", "无")
    assert absent.exit_code == 1 and "没有规则 S101 的发现" in absent.stderr
    assert gk("review", "waive", doc, "--rule", "d101", "--by", "丙", "--reason", "标准示例号码，非真实公民").exit_code == 0
    assert "D101" not in gk("release", doc).stdout
    report = json.loads(cli("check", doc, "--format", "json").stdout)
    others = {f["rule"] for f in report["findings"] if f["severity"] == "error"} - {"D101"}
    for rule in others:  # e.g. A103: a 主动公开 document carrying personal data
        assert gk("review", "waive", doc, "--rule", rule, "--by", "丙", "--reason", "同上").exit_code == 0
    assert gk("release", doc).exit_code == 0
    entry = json.loads(gk("archive", "list", "--format", "json").stdout)[0]
    waiver = next(w for w in entry["waivers"] if w["rule"] == "D101")
    assert (waiver["by"], waiver["reason"]) == ("丙", "标准示例号码，非真实公民")


def test_releasing_twice_archives_once(gk, doc):
    review_fully(gk, doc)
    assert gk("release", doc).exit_code == 0
    again = gk("release", doc)
    assert again.exit_code == 0 and "未重复登记" in again.stdout
    assert len(json.loads(gk("archive", "list", "--format", "json").stdout)) == 1
    assert gk("review", "proof", doc, "--by", "庚").exit_code == 1


def test_a_released_document_edited_later_starts_a_second_round(gk, doc):
    review_fully(gk, doc)
    gk("release", doc)
    notice(doc, "补充通知：时间顺延。")
    result = gk("review", "start", doc)
    assert result.exit_code == 0 and "第 2 轮" in result.stdout


def test_archive_csv_has_bom_and_columns(gk, doc, tmp_path):
    review_fully(gk, doc)
    gk("release", doc)
    out = tmp_path / "登记.csv"
    assert gk("archive", "list", "--format", "csv", "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["文号"] == "勺府发〔2026〕3号" and rows[0]["公开属性"] == "主动公开"
    assert rows[0]["终审"].startswith("丙 ") and rows[0]["校对"].count("；") == 2


def test_archive_text_lists_entries(gk, doc):
    review_fully(gk, doc)
    gk("release", doc)
    out = gk("archive", "list").stdout
    assert "勺府发〔2026〕3号" in out and "共 1 条登记归档记录" in out


def test_gongkai_db_environment_variable_chooses_the_store(cli, doc, tmp_path, monkeypatch):
    db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("GONGKAI_DB", str(db))
    assert cli("review", "start", doc).exit_code == 0
    assert db.exists()


def test_default_store_lives_in_the_user_data_directory(cli, doc, tmp_path, monkeypatch):
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli("review", "start", doc).exit_code == 0
    assert (tmp_path / "data" / "gongkai" / "review.sqlite3").exists()


def test_a_corrupt_store_is_one_line_and_exit_2(cli, doc, tmp_path):
    bad = tmp_path / "坏库.sqlite3"
    bad.write_bytes(b"\x00garbage" * 500)
    result = cli("review", "status", doc, "--db", bad)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(bad) in result.stderr and "损坏" in result.stderr


def test_a_locked_store_is_one_line_and_exit_2(gk, doc, monkeypatch):
    import sqlite3

    gk("review", "start", doc)
    monkeypatch.setenv("GONGKAI_DB_TIMEOUT", "0.2")
    holder = sqlite3.connect(gk.db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = gk("review", "proof", doc, "--by", "庚")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(gk.db) in result.stderr and "锁定" in result.stderr


def test_clerks_working_at_once_lose_no_event(doc, tmp_path):
    db = tmp_path / "shared.sqlite3"
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "GONGKAI_DB": str(db)}
    gongkai = [sys.executable, "-m", "gongkai"]
    subprocess.run([*gongkai, "review", "start", str(doc)], env=env, check=True, capture_output=True, timeout=120)
    clerks = [subprocess.Popen([*gongkai, "review", "proof", str(doc), "--by", f"校对{i}"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(4)]
    assert [p.wait(timeout=300) for p in clerks] == [0, 0, 0, 0]
    proc = subprocess.run([*gongkai, "review", "status", str(doc), "--format", "json"], env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    rounds = json.loads(proc.stdout)["proofs"]["rounds"]
    assert sorted(r["by"] for r in rounds) == [f"校对{i}" for i in range(4)]


def test_an_unreadable_document_is_exit_2(gk, tmp_path):
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = gk("review", "start", broken)
    assert result.exit_code == 2 and str(broken) in result.stderr


def test_subprocess_never_shows_a_traceback(doc, tmp_path):
    bad = tmp_path / "坏库.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "GONGKAI_DB": str(bad)}
    proc = subprocess.run([sys.executable, "-m", "gongkai", "release", str(doc)], capture_output=True, check=False,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip().count("\n") == 0 and "坏库" in proc.stderr


def test_stamp_writes_the_state_into_a_copy_without_changing_its_content(gk, doc, tmp_path):
    from gongkai.formats import read_path

    gk("review", "start", doc)
    gk("review", "sign", doc, "--stage", "初审", "--by", "甲")
    gk("review", "proof", doc, "--by", "庚")
    copy = tmp_path / "带审核进度.docx"
    result = gk("review", "stamp", doc, "-o", copy)
    assert result.exit_code == 0, result.stderr
    stamped = read_path(copy)
    props = stamped.custom_properties
    assert props["gongkai.review.初审"].startswith("甲 ") and props["gongkai.review.复审"] == "未签署"
    assert props["gongkai.review.校对"] == "1/3"
    assert stamped.content_sha256 == read_path(doc).content_sha256
    assert status(gk, copy)["stages"][0]["status"] == "signed"
    again = tmp_path / "再次.docx"
    gk("review", "sign", copy, "--stage", "复审", "--by", "乙")
    assert gk("review", "stamp", copy, "-o", again).exit_code == 0
    props = read_path(again).custom_properties
    assert props["gongkai.review.复审"].startswith("乙 ")
    import zipfile

    custom = zipfile.ZipFile(again).read("docProps/custom.xml").decode("utf-8")
    assert custom.count('name="gongkai.review.复审"') == 1  # replaced, not duplicated
    import docx

    assert docx.Document(str(again)).paragraphs[1].text == "勺府发〔2026〕3号"  # still a valid package


def test_stamp_refuses_to_overwrite_the_original(gk, doc):
    gk("review", "start", doc)
    result = gk("review", "stamp", doc, "-o", doc)
    assert result.exit_code == 2 and "副本" in result.stderr


def test_waive_takes_a_rule_prefix_as_everywhere_else(gk, cli, tmp_path):
    doc = notice(tmp_path / "名单.docx", f"申请人身份证号：{FAKE_ID}，手机号码：13885811234。")
    review_fully(gk, doc)
    report = json.loads(cli("check", doc, "--format", "json").stdout)
    d1 = {f["rule"] for f in report["findings"] if f["rule"].startswith("D1")}
    assert {"D101", "D102"} <= d1
    result = gk("review", "waive", doc, "--rule", "d1", "--by", "丙", "--reason", "示例号码")
    assert result.exit_code == 0, result.stderr
    assert all(f"已豁免 {code}" in result.stdout for code in d1)
    waived = {w["rule"] for w in status(gk, doc)["waivers"]}
    assert waived == d1
    absent = gk("review", "waive", doc, "--rule", "S1", "--by", "丙", "--reason", "无")
    assert absent.exit_code == 1 and "没有规则 S1 的发现" in absent.stderr


def test_review_start_says_where_the_register_is(gk, doc):
    out = gk("review", "start", doc).stdout
    assert f"审核登记库：{gk.db}" in out and "GONGKAI_DB" in out


def test_times_shown_in_local_time_and_kept_iso_in_json(gk, doc, tmp_path, monkeypatch):
    from zoneinfo import ZoneInfo

    from gongkai.output.timefmt import local_time

    (tmp_path / "gongkai.toml").write_text('[display]\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    review_fully(gk, doc)
    signed = status(gk, doc)["stages"][0]["signed"]["at"]
    assert signed.endswith("+00:00")  # stored and shown in JSON as UTC with its offset
    shown = local_time(signed, ZoneInfo("Asia/Shanghai"))
    assert f"初审  已签署  甲  {shown}" in gk("review", "status", doc).stdout
    released = gk("release", doc).stdout
    entry = json.loads(gk("archive", "list", "--format", "json").stdout)[0]
    assert entry["released_at"].endswith("+00:00")
    local = local_time(entry["released_at"], ZoneInfo("Asia/Shanghai"))
    assert local in released and "+00:00" not in released
    monkeypatch.chdir(tmp_path)  # archive list reads the config of the folder it runs in
    listing = gk("archive", "list").stdout
    table = gk("archive", "list", "--format", "csv").stdout
    assert f"#1  {local}" in listing and "+00:00" not in listing
    assert local in table and "+00:00" not in table


# --- classified and restricted documents (issue 17) --------------------------------------


def classified(path: Path, mark: str = "机密★1年") -> Path:
    make_docx(mark, *HEAD, "为做好今年春耕生产工作，现将有关事项通知如下。", *TAIL, LABEL, path=path)
    return path


def release_json(gk, doc) -> tuple[int, dict]:
    result = gk("release", doc, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("mark", ["机密★1年", "绝密★长期", "秘密★5年"])
def test_a_classified_document_is_never_released_and_cannot_be_waived(gk, tmp_path, mark):
    doc = classified(tmp_path / "涉密.docx", mark)
    review_fully(gk, doc)
    waive = gk("review", "waive", doc, "--rule", "S101", "--by", "丙", "--reason", "领导同意")
    assert waive.exit_code == 1 and "不得豁免" in waive.stderr and "第九条" in waive.stderr
    code, data = release_json(gk, doc)
    assert code == 1 and data["archive"] is None
    item = next(m for m in data["missing"] if m["code"] == "classified")
    assert "涉密信息不得上网发布" in item["message"] and "第九条" in item["basis"]
    text = gk("release", doc)
    assert text.exit_code == 1 and "不能发布，也不能豁免" in text.stdout
    assert json.loads(gk("archive", "list", "--format", "json").stdout) == []


def test_a_classified_document_is_refused_even_when_the_config_ignores_s101(gk, tmp_path):
    folder = tmp_path / "忽略"
    folder.mkdir()
    (folder / "gongkai.toml").write_text('ignore = ["S", "A"]\n', encoding="utf-8")
    doc = classified(folder / "涉密.docx")
    review_fully(gk, doc)
    code, data = release_json(gk, doc)
    assert code == 1 and "classified" in [m["code"] for m in data["missing"]]


def test_an_internal_marking_needs_the_final_signers_reason_which_the_register_shows(gk, cli, tmp_path):
    doc = notice(tmp_path / "内部.docx", "此件系内部资料，请勿外传。")
    review_fully(gk, doc)
    code, data = release_json(gk, doc)
    item = next(m for m in data["missing"] if m["code"] == "restricted")
    assert code == 1 and "S102" in item["message"] and "终审签署人写明理由" in item["message"]
    assert "findings" not in [m["code"] for m in data["missing"] if "S102" in m["message"]]
    wrong = gk("review", "waive", doc, "--rule", "S102", "--by", "乙", "--reason", "可以公开")
    assert wrong.exit_code == 1 and "终审签署人" in wrong.stderr
    ok = gk("review", "waive", doc, "--rule", "S102", "--by", "丙", "--reason", "内部资料字样系引用，已核实可公开")
    assert ok.exit_code == 0
    report = json.loads(cli("check", doc, "--format", "json").stdout)
    others = {f["rule"] for f in report["findings"] if f["severity"] == "error" or f["rule"] == "A102"} - {"S102"}
    for rule in others:  # A102 too: an 内部资料 mark contradicts the 主动公开 label
        assert gk("review", "waive", doc, "--rule", rule, "--by", "丙", "--reason", "同上").exit_code == 0
    result = gk("release", doc)
    assert result.exit_code == 0, result.output
    assert "S102（丙：内部资料字样系引用，已核实可公开）" in result.stdout
    listing = gk("archive", "list").stdout
    assert "S102 丙：内部资料字样系引用，已核实可公开" in listing


def test_a_label_conflict_warning_still_needs_a_reason(gk, tmp_path):
    doc = tmp_path / "请示.docx"
    make_docx("关于申请追加防汛经费的请示", "区人民政府：", "妥否，请批示。", "勺米镇人民政府", "2026年6月1日",
              "（此件公开发布）", path=doc)
    review_fully(gk, doc)
    code, data = release_json(gk, doc)
    assert code == 1
    item = next(m for m in data["missing"] if m["code"] == "restricted")
    assert "A102" in item["message"]
    assert gk("review", "waive", doc, "--rule", "A102", "--by", "丙", "--reason", "经研究决定主动公开").exit_code == 0
    code, data = release_json(gk, doc)
    assert "restricted" not in [m["code"] for m in data["missing"]]


# --- the tamper-evident register (issue 18) ----------------------------------------------


def test_release_receipt_and_exports_carry_the_register_head(gk, doc, tmp_path):
    review_fully(gk, doc)
    receipt = gk("release", doc)
    assert receipt.exit_code == 0 and "登记库链头：第 9 条 sha256:" in receipt.stdout
    head = json.loads(gk("release", doc, "--format", "json").stdout)["register_head"]
    assert head.startswith("9:sha256:")
    listing = gk("archive", "list")
    assert listing.stdout.rstrip().endswith(f"登记库链头：第 9 条 {head.split(':', 1)[1]}")
    as_json = gk("archive", "list", "--format", "json")
    assert json.loads(as_json.stdout)[0]["link_hash"] == head.split(":", 1)[1] and "登记库链头" in as_json.stderr
    out = tmp_path / "登记.csv"
    gk("archive", "list", "--format", "csv", "-o", out)
    [row] = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert row["导出时登记库链头"] == head and row["登记链接"] == head
    verified = gk("archive", "verify", "--head", head)
    assert verified.exit_code == 0 and "登记库完整：9 条链上记录" in verified.stdout


def test_archive_verify_names_a_record_edited_in_sqlite(gk, doc):
    import sqlite3

    review_fully(gk, doc)
    assert gk("release", doc).exit_code == 0
    con = sqlite3.connect(gk.db)
    con.execute("DROP TRIGGER review_events_no_update")
    con.execute("UPDATE review_events SET actor = '丁' WHERE stage = '终审'")
    con.commit()
    con.close()
    result = gk("archive", "verify")
    assert result.exit_code == 1
    assert "第 4 条（审核事件 #4：签署终审，丁" in result.stdout and "被直接改动" in result.stdout
    assert "第十二条" in result.stdout


def test_a_keyed_register_from_the_config(gk, doc, tmp_path):
    (tmp_path / "register.key").write_text("office-secret-0123456789abcdef\n", encoding="utf-8")
    (tmp_path / "gongkai.toml").write_text('[register]\nkey_file = "register.key"\n', encoding="utf-8")
    review_fully(gk, doc)
    receipt = gk("release", doc)
    assert receipt.exit_code == 0 and "登记库链头：第 9 条 hmac-sha256:" in receipt.stdout
    config = tmp_path / "gongkai.toml"
    ok = gk("archive", "verify", "--config", config)
    assert ok.exit_code == 0 and "以密钥计算" in ok.stdout
    without = gk("archive", "verify")  # run from elsewhere, no key
    assert without.exit_code == 2 and "key_file" in without.stderr


def test_an_empty_or_truncated_register_is_refused_by_every_command(cli, doc, tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    for args in (("archive", "list"), ("archive", "verify"), ("review", "start", doc), ("release", doc)):
        result = cli(*args, "--db", empty)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and "为空" in result.stderr and str(empty) in result.stderr
    assert empty.read_bytes() == b""


def test_archive_backup_writes_a_copy_that_verifies(gk, doc, tmp_path):
    review_fully(gk, doc)
    gk("release", doc)
    dest = tmp_path / "备份.sqlite3"
    result = gk("archive", "backup", dest)
    assert result.exit_code == 0 and "已备份到" in result.stdout and "第 9 条" in result.stdout
    assert Path(str(dest) + ".head").exists()
    again = gk("archive", "backup", dest)
    assert again.exit_code == 2 and "已存在" in again.stderr
    copy = json.loads(gk("archive", "list", "--format", "json").stdout)
    from_backup = cli_list(dest)
    assert from_backup == copy


def cli_list(db):
    from click.testing import CliRunner

    from gongkai.cli import main

    result = CliRunner().invoke(main, ["archive", "list", "--format", "json", "--db", str(db)])
    return json.loads(result.stdout)


def test_archive_csv_neutralises_formulas(gk, doc, tmp_path):
    review_fully(gk, doc)
    formula = '=HYPERLINK("http://example.invalid","点此")'
    assert gk("release", doc, "--by", formula).exit_code == 0
    out = tmp_path / "登记.csv"
    gk("archive", "list", "--format", "csv", "-o", out)
    [row] = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert row["发布人"] == "'" + formula
    assert all(not str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_lead_is_neutralised(lead):
    from gongkai.output.spreadsheet import safe_cell

    assert safe_cell(lead + "1+1") == "'" + lead + "1+1"
    assert safe_cell("正文" + lead) == "正文" + lead


def test_a_waiver_prefix_never_takes_the_classification_mark_along(gk, tmp_path):
    doc = tmp_path / "涉密内部.docx"
    make_docx("机密★1年", *HEAD, "此件系内部资料，请勿外传。", *TAIL, LABEL, path=doc)
    review_fully(gk, doc)
    result = gk("review", "waive", doc, "--rule", "S1", "--by", "丙", "--reason", "领导同意")
    assert result.exit_code == 0 and "已豁免 S102" in result.stdout and "S101" not in result.stdout
    code, data = release_json(gk, doc)
    assert code == 1 and "classified" in [m["code"] for m in data["missing"]]
    assert not any("S102" in m["message"] for m in data["missing"])


def test_a_register_with_its_last_kilobyte_cut_off_is_refused(gk, doc):
    assert gk("review", "start", doc).exit_code == 0
    for i in range(30):
        gk("review", "proof", doc, "--by", f"校对{i}")
    import sqlite3

    con = sqlite3.connect(gk.db)  # as when the last clerk's program exits: the WAL written back
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = gk.db.read_bytes()
    for leftover in ("-wal", "-shm"):
        Path(str(gk.db) + leftover).unlink(missing_ok=True)
    gk.db.write_bytes(data[:-1024])
    for args in (("archive", "list"), ("review", "proof", doc, "--by", "庚")):
        result = gk(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "损坏" in result.stderr and result.stderr.count("\n") == 1
    assert gk.db.read_bytes() == data[:-1024]


def test_review_and_archive_output_mask_a_number_in_the_title(gk, tmp_path):
    # the title and file name are shown in every review line and exported by archive list
    doc = tmp_path / f"挂失{FAKE_ID}.docx"
    make_docx(HEAD[0], HEAD[1], f"关于身份证{FAKE_ID}挂失补办的通知", HEAD[3],
              "为做好今年春耕生产工作，现将有关事项通知如下。", *TAIL, LABEL, path=doc)
    review_fully(gk, doc)
    outputs = [gk("review", "status", doc).stdout, gk("review", "status", doc, "--format", "json").stdout]
    outputs.append(gk("release", doc).output)
    for fmt in ("text", "csv", "json"):
        outputs.append(gk("archive", "list", "--format", fmt).stdout)
    for out in outputs:
        assert FAKE_ID not in out and FAKE_ID[:-1] not in out, out
    assert "110105********002X" in outputs[0]


# --- separation of duties and accounts (issue #19) -------------------------------------------


def test_without_accounts_one_name_cannot_sign_two_stages(gk, doc):
    gk("review", "start", doc, "--by", "甲")
    assert gk("review", "sign", doc, "--stage", "初审", "--by", "甲").exit_code == 0
    again = gk("review", "sign", doc, "--stage", "复审", "--by", "甲")
    assert again.exit_code == 1
    line = again.stderr.strip()
    assert "\n" not in line and "甲已签署本文档的初审，同一人不得再签署复审" in line and "第一条" in line
    assert gk("review", "sign", doc, "--stage", "复审", "--by", "乙").exit_code == 0


def test_without_accounts_the_drafter_cannot_read_aloud(gk, doc):
    gk("review", "start", doc, "--important", "--by", "甲")
    refused = gk("review", "read-aloud", doc, "--by", "甲")
    assert refused.exit_code == 1 and "起草人以外" in refused.stderr
    assert gk("review", "read-aloud", doc, "--by", "庚").exit_code == 0


def test_with_accounts_the_cli_refuses_free_text_sign_offs(gk, doc):
    from gongkai.store import Store
    from gongkai.store.accounts import Accounts

    gk("review", "start", doc)  # opened before the office had accounts
    store = Store(str(gk.db))
    Accounts(store).create("admin", "管理员甲", "admin password 1", ["管理员"])
    store.close()
    for args in (("review", "sign", doc, "--stage", "初审", "--by", "甲"), ("review", "proof", doc, "--by", "庚"),
                 ("review", "start", doc, "--by", "甲"), ("release", doc)):
        result = gk(*args)
        assert result.exit_code == 1, args
        line = result.stderr.strip()
        assert "\n" not in line and "登录审核台" in line and "gongkai serve" in line
    assert gk("review", "status", doc).exit_code == 0  # reading stays open
