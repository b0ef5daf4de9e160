"""One masking boundary: every text a report carries passes the masker, in every written form.

Synthetic, checksum-valid fakes only (stdnum's check digits), never real people.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import re
import sqlite3
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from gongkai.masking import Masker, mask
from gongkai.output.render import report_dict, text_lines

ID_A = "520221199003072372"
MOBILE = "13885811234"
CARD = "622202123456789" + luhn.calc_check_digit("622202123456789")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def test_fixture_values_are_valid():
    assert ric.calc_check_digit(ID_A) == ID_A[-1] and luhn.is_valid(CARD)


def test_n110_quotes_no_full_width_value_and_suggests_no_half_width_one(check_text):
    text = f"申请人身份证号{ID_A.translate(WIDE)}，联系电话{MOBILE.translate(WIDE)}，银行卡号{CARD.translate(WIDE)}。"
    report = check_text(text)
    assert {f.rule for f in report.findings} >= {"N110", "D101", "D102", "D104"}
    d = report_dict(report)
    n110 = [f for f in d["findings"] if f["rule"] == "N110"]
    assert len(n110) == 3
    assert {f["suggestion"] for f in n110} == {"520221********2372", "138****1234", CARD[:4] + "*" * 8 + CARD[-4:]}
    assert {f["text"] for f in n110} == {mask(v.translate(WIDE), k) for v, k in
                                         ((ID_A, "id_card"), (MOBILE, "mobile"), (CARD, "bank_card"))}
    shown = json.dumps(d, ensure_ascii=False) + "\n".join(line for line, _ in text_lines(report))
    for value in (ID_A, MOBILE, CARD):
        assert value not in shown and value.translate(WIDE) not in shown
    revealed = json.dumps(report_dict(report, reveal=True), ensure_ascii=False)
    assert ID_A in revealed and ID_A.translate(WIDE) in revealed


def test_spaced_and_full_width_values_keep_their_shape():
    assert mask("5202 2119 9003 0723 72", "id_card") == "5202 21** **** **23 72"
    assert mask(ID_A.translate(WIDE), "id_card") == "５２０２２１********２３７２"
    assert mask("138 8581 1234", "mobile") == "138 **** 1234"
    assert mask("+86 138-8581-1234", "mobile") == "+86 138-****-1234"
    assert mask("0858-8123456", "landline") == "0858-*****56"
    assert mask("０８５８－８１２３４５６", "landline") == "０８５８－*****５６"


def test_masker_finds_a_reported_number_in_another_written_form():
    from types import SimpleNamespace

    found = [SimpleNamespace(sensitive=True, text=ID_A, kind="id_card")]
    m = Masker(found)
    assert m(f"号码 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]} 有误") == "号码 520221 ******** 2372 有误"
    assert m(ID_A.translate(WIDE)) == "５２０２２１********２３７２"
    assert Masker(found, reveal=True)(ID_A) == ID_A


def test_masker_masks_numbers_the_validators_recognise_without_any_finding():
    m = Masker()
    assert m(f"卡号{CARD}，手机{MOBILE}，证号{ID_A}") == (
        f"卡号{CARD[:4]}{'*' * 8}{CARD[-4:]}，手机138****1234，证号520221********2372")
    # dates, amounts, document numbers and office numbers stay as they are
    kept = "勺府发〔2025〕3号，2025年3月5日，资金12345678.00元，电话0858-8123456"
    assert m(kept) == kept


def test_n110_reports_a_grouped_full_width_number_as_one_span(check_text):
    # group by group, the middle digits of a mobile would be quoted and suggested unmasked
    report = check_text(f"申请人联系电话{'138－8581－1234'.translate(WIDE)}。")
    n110 = [f for f in report.findings if f.rule == "N110"]
    assert [f.text for f in n110] == ["１３８－８５８１－１２３４"]
    d = report_dict(report)
    assert [f["suggestion"] for f in d["findings"] if f["rule"] == "N110"] == ["138-****-1234"]


def test_an_id_number_ending_in_x_is_masked_with_or_without_its_letter():
    body = "11010519491231002"  # GB 11643's own example, 11010519491231002X
    m = Masker()
    assert m(body + "X") == "110105********002X"
    assert m(body) == "110105********002"
    assert m(body.translate(WIDE) + "Ｘ") == "１１０１０５********００２Ｘ"


def test_the_advice_quotes_the_mask_the_report_uses(check_text):
    # issue 20 item 8: the advice said 如 张* while the name was masked 张**
    report = check_text(f"申请人张建国，身份证号{ID_A}，联系电话{MOBILE}，银行卡号{CARD}。")
    personal = [f for f in report.findings if f.category == "personal_data"]
    assert {f.kind for f in personal} >= {"person_name", "id_card", "mobile", "bank_card"}
    d = {f["kind"]: f for f in report_dict(report)["findings"] if f["category"] == "personal_data"}
    assert d["person_name"]["text"] == "张**"
    for kind, f in d.items():
        assert f"如 {f['text']}；" in f["suggestion"], (kind, f["suggestion"])


# -- the property: no output holds an unmasked value unless --reveal ------------------------------

AREAS = ("110105", "520221", "520203", "330102", "440106", "510104")
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ("建国", "秀英", "明华", "志强", "丽娟", "德贵", "海燕", "桂兰")
_NARROW = str.maketrans("０１２３４５６７８９Ｘ", "0123456789X")


def _wide(s: str) -> str:
    return s.translate(WIDE).replace("X", "Ｘ")


@st.composite
def id_numbers(draw):
    born = draw(st.dates(_dt.date(1940, 1, 1), _dt.date(2005, 12, 31)))
    body = f"{draw(st.sampled_from(AREAS))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def mobiles(draw):
    return "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                             min_size=9, max_size=9)))


@st.composite
def cards(draw):
    n = draw(st.integers(13, 16))
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=n, max_size=n)))
    return body + luhn.calc_check_digit(body)


def _grouped(value: str, sizes: tuple[int, ...]) -> str:
    out, at = [], 0
    for n in sizes:
        out.append(value[at:at + n])
        at += n
    if at < len(value):
        out.append(value[at:])
    return " ".join(out)


GROUPS = {"id_card": (6, 8), "mobile": (3, 4), "bank_card": (4, 4, 4, 4)}


@st.composite
def written(draw, kind, values):
    """A value and the form it is written in: as is, full-width, spaced, or both."""
    value = draw(values)
    form = draw(st.sampled_from(("plain", "wide", "spaced", "wide-spaced")))
    shown = _grouped(value, GROUPS[kind]) if "spaced" in form else value
    return value, (_wide(shown) if "wide" in form else shown)


@st.composite
def landlines(draw):
    area = draw(st.sampled_from(("0858", "0851", "010")))
    n = 8 if area == "010" else 7
    number = draw(st.sampled_from("2345678")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                     min_size=n - 1, max_size=n - 1)))
    value = f"{area}-{number}"
    return value, (_wide(value).replace("-", "－") if draw(st.booleans()) else value)


SENTENCES = (
    "申请人{name}，身份证号{id}，联系电话{mobile}。",
    "来信人{name}的住宅电话{landline}，电子邮箱{email}。",
    "请将补助资金拨付至{name}的银行卡号{card}。",
    "经核实，户主{name}（身份证号：{id}）家庭困难，请布署帮扶措施。",
    "联系人：{name}，手机{mobile}，办理时限为3-5个工作日。",
    "来信人{name}反映，其银行卡号{card}于２０２５年３月被冻结。",
)


@st.composite
def drafts(draw):
    """(paragraphs, table, header, planted) of a draft holding personal values in random places."""
    name = draw(st.sampled_from(SURNAMES)) + draw(st.sampled_from(GIVEN))
    idn, id_shown = draw(written("id_card", id_numbers()))
    mob, mob_shown = draw(written("mobile", mobiles()))
    card, card_shown = draw(written("bank_card", cards()))
    landline, landline_shown = draw(landlines())
    email = draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)) + "@163.com"
    fill = {"name": name, "id": id_shown, "mobile": mob_shown, "card": card_shown, "landline": landline_shown,
            "email": email}
    chosen = draw(st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=5, unique=True))
    title = draw(st.sampled_from(("关于发放困难群众临时救助资金的通知", "关于{name}申请临时救助的公示")))
    paragraphs = [title.format(**fill), *(s.format(**fill) for s in chosen), "勺米镇人民政府", "2025年3月5日"]
    table = [["姓名", "身份证号", "联系电话"], [name, id_shown, mob_shown]] if draw(st.booleans()) else None
    header = f"联系人 {name} {mob_shown}" if draw(st.booleans()) else None
    numbers = {}
    for value, shown in ((idn, id_shown), (mob, mob_shown), (card, card_shown)):
        if any(shown in p for p in (*paragraphs, header or "")) or table:
            numbers[value] = shown
    # a landline or an e-mail address is personal only where a rule says so (the test checks)
    found_if_reported = {landline: landline_shown, email: email} if "{landline}" in "".join(chosen) else {}
    return paragraphs, table, header, name, numbers, found_if_reported


def _needles(value: str, shown: str) -> set[str]:
    return {value, shown, _wide(value), shown.translate(_NARROW)}


def _digits_only(text: str) -> list[str]:
    """Each line of ``text`` with full-width digits made ASCII and everything but digits and X removed."""
    return [re.sub(r"[^0-9X]", "", line.translate(_NARROW).upper()) for line in text.splitlines()]


def _leaks(outputs: dict[str, str], name: str | None, numbers: dict[str, str]) -> list[str]:
    found = []
    for where, text in outputs.items():
        if name and name in text:
            found.append(f"{where}: {name}")
        for value, shown in numbers.items():
            if any(n in text for n in _needles(value, shown)):
                found.append(f"{where}: {shown}")
            elif "@" not in value and any(_digits_only(value)[0] in line for line in _digits_only(text)):
                found.append(f"{where} (digits only): {value}")
    return found


def _sqlite_dump(path) -> str:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join("\t".join(map(str, row)) for t in tables for row in db.execute(f"SELECT * FROM {t}"))
    finally:
        db.close()


def outputs_of(path, report, tmp, registry, reveal: bool = False, every: bool = True) -> dict[str, str]:
    """Every output gongkai writes for ``report`` of the document at ``path``: the check formats,
    annotate's comments, batch results (JSON Lines, SQLite), and unless ``every`` is false the
    audit table and the batch summary, each through the code the command uses."""
    from gongkai.attributes.audit import row_for, summarise
    from gongkai.batch import summary as batch_summary
    from gongkai.batch.results import open_results
    from gongkai.cli.audit import _write_csv
    from gongkai.formats.annotate import annotate_docx
    from gongkai.output import sarif_log, to_json_line

    codes = {f.rule for f in report.findings}
    out = {
        "text": "\n".join(line for line, _ in text_lines(report, reveal)),
        "json": json.dumps(json.loads(to_json_line(report, reveal)), ensure_ascii=False, indent=1),
        "sarif": json.dumps(sarif_log([report], [r for r in registry if r.code in codes], reveal),
                            ensure_ascii=False, indent=1),
    }
    annotated = annotate_docx(path.read_bytes(), report, reveal=reveal).data
    with zipfile.ZipFile(io.BytesIO(annotated)) as z:
        out["annotate"] = z.read("word/comments.xml").decode("utf-8")
    for suffix in (".jsonl", ".sqlite"):
        results = tmp / f"results{suffix}"
        for old in tmp.glob(f"results{suffix}*"):
            old.unlink()
        with open_results(results) as r:
            r.add({**report_dict(report, reveal), "batch": {"key": "k", "settings": "s", "seconds": 0.1}})
        out[f"batch{suffix}"] = _sqlite_dump(results) if suffix == ".sqlite" else results.read_text("utf-8")
        if every:
            s = batch_summary.summarise(results)
            out[f"summary{suffix}"] = "\n".join([batch_summary.to_csv(s), batch_summary.to_json(s),
                                                  *(line for line, _ in batch_summary.text_lines(s))])
    if every:  # the audit has no --reveal: always masked
        row = row_for(report)
        csv_out = io.StringIO()
        _write_csv(csv_out, [row], summarise([row]))
        out["audit.csv"] = csv_out.getvalue()
        out["audit.json"] = json.dumps(row.to_dict(), ensure_ascii=False, indent=1)
    return out


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A scratch folder in memory where there is one: results files are synced to disk on close,
    which would dominate the run time here."""
    import shutil
    import tempfile
    from pathlib import Path

    shm = Path("/dev/shm")
    if shm.is_dir():
        folder = Path(tempfile.mkdtemp(prefix="gongkai-boundary-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("boundary")


@pytest.fixture(scope="module")
def registry():
    from gongkai.engine import default_registry

    return default_registry()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draft=drafts())
def test_no_output_holds_an_unmasked_value_unless_revealed(draft, scratch, registry, caplog):
    from gongkai import check
    from gongkai.formats.compose import make_docx
    from gongkai.output.masking import mask_logs

    mask_logs()  # what the command line installs before any command runs
    paragraphs, table, header, name, numbers, found_if_reported = draft
    tmp = scratch
    path = tmp / "draft.docx"
    make_docx(*paragraphs, path=path, table=table, header=header)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):  # every -v level at once
        report = check(path)
        outputs = outputs_of(path, report, tmp, registry)
    outputs["log"] = caplog.text
    found = {f.text for f in report.findings if f.category == "personal_data"}
    # a name, a landline, an e-mail address count as personal data where a rule found them;
    # ID, mobile and card numbers wherever they are
    numbers = {**numbers, **{v: shown for v, shown in found_if_reported.items() if shown in found}}
    assert _leaks(outputs, name if name in found else None, numbers) == []
    assert {f.rule for f in report.findings} & {"D101", "D102", "D104"}
    revealed = outputs_of(path, report, tmp, registry, reveal=True, every=False)
    for where, text in revealed.items():
        for f in report.findings:
            if f.category == "personal_data" and f.text:
                assert f.text in text, (where, f.text)


# -- the commands themselves, and the log at every -v level -------------------------------------

NAME = "王德贵"
CLI_TEXT = (
    "关于发放困难群众临时救助资金的通知",
    f"申请人{NAME}，身份证号{_wide(ID_A)}，联系电话{_grouped(MOBILE, (3, 4))}。",
    f"请将补助资金拨付至{NAME}的银行卡号{_grouped(CARD, (4, 4, 4))}，办理时限为3-5个工作日。",
    "勺米镇人民政府",
)
CLI_NUMBERS = {ID_A: _wide(ID_A), MOBILE: _grouped(MOBILE, (3, 4)), CARD: _grouped(CARD, (4, 4, 4))}


def _run_every_command(cli, folder, reveal: bool) -> dict[str, str]:
    flag = ("--reveal",) if reveal else ()
    doc = folder / "draft.docx"
    out = {}
    for fmt in ("text", "json", "sarif"):
        out[f"check {fmt}"] = cli("check", doc, "--format", fmt, *flag).output
    for suffix in (".jsonl", ".sqlite"):
        results = folder / f"r{reveal}{suffix}"
        out[f"batch{suffix}"] = cli("batch", doc, "--out", results, "--jobs", "1", "--no-progress", *flag).output
        out[f"results{suffix}"] = _sqlite_dump(results) if suffix == ".sqlite" else results.read_text("utf-8")
        for fmt in ("text", "csv", "json"):
            out[f"summary{suffix} {fmt}"] = cli("summary", results, "--format", fmt).output
    annotated = folder / f"annotated{reveal}.docx"
    cli("annotate", doc, "-o", annotated, *flag)
    with zipfile.ZipFile(annotated) as z:
        out["annotate"] = z.read("word/comments.xml").decode("utf-8")
    if not reveal:
        for fmt in ("text", "csv", "json"):
            out[f"audit {fmt}"] = cli("audit", doc, "--format", fmt).output
    return out


def test_every_command_masks_unless_revealed(cli, tmp_path, caplog):
    from gongkai.formats.compose import make_docx

    make_docx(*CLI_TEXT, path=tmp_path / "draft.docx")
    with caplog.at_level(logging.DEBUG):
        masked = _run_every_command(cli, tmp_path, reveal=False)
    masked["log"] = caplog.text
    assert _leaks(masked, NAME, CLI_NUMBERS) == []
    assert "520221********2372" in masked["check json"].translate(_NARROW)
    revealed = _run_every_command(cli, tmp_path, reveal=True)
    for where in ("check text", "check json", "check sarif", "results.jsonl", "results.sqlite", "annotate"):
        for shown in (NAME, *CLI_NUMBERS.values()):
            assert shown in revealed[where], (where, shown)


def test_a_failing_rule_logs_no_personal_number(cli, tmp_path, monkeypatch, caplog):
    """A rule that fails with its paragraph in the exception message: the error line (-v) and the
    traceback (-vv) carry the paragraph with its numbers masked."""
    from gongkai.formats.compose import make_docx
    from gongkai.proofing import numbers

    def boom(text):
        raise ValueError(f"无法处理：{text}")

    monkeypatch.setattr(numbers.HYPHEN_RANGE, "judge", boom)
    make_docx(*CLI_TEXT, path=tmp_path / "draft.docx")
    with caplog.at_level(logging.DEBUG):
        result = cli("-vv", "check", tmp_path / "draft.docx", "--format", "json")
    assert "N109" in caplog.text and "无法处理" in caplog.text and "Traceback" in caplog.text
    assert mask(CLI_NUMBERS[CARD], "bank_card") in caplog.text  # the paragraph is there, its number masked
    assert _leaks({"log": caplog.text, "stderr": result.stderr if result.stderr_bytes else ""}, None,
                  CLI_NUMBERS) == []


@pytest.mark.parametrize("verbosity", ["-vv"])
def test_the_log_on_stderr_holds_no_value(tmp_path, verbosity):
    """The real stderr path (basicConfig's handler) of a separate process. -vv writes every
    record -v and the default level write, and more (in-process, caplog sees all of them)."""
    import os
    import subprocess
    import sys

    from gongkai.formats.compose import make_docx

    make_docx(*CLI_TEXT, path=tmp_path / "draft.docx")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-m", "gongkai", verbosity, "check", str(tmp_path / "draft.docx")],
                         capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 1, run.stderr
    if verbosity == "-vv":
        assert "gongkai: DEBUG" in run.stderr  # the debug log was written
    assert _leaks({"stdout": run.stdout, "stderr": run.stderr}, NAME, CLI_NUMBERS) == []


def test_an_error_line_on_stderr_masks_a_quoted_number(capsys):
    from gongkai.cli.common import error_line

    error_line(f"a.docx: 无法读取（ValueError: 身份证号{ID_A}）")
    assert capsys.readouterr().err == "gongkai: a.docx: 无法读取（ValueError: 身份证号520221********2372）\n"


def test_a_number_written_in_groups_is_recognised_beside_another_number():
    m = Masker()
    assert m("2025-03-05 138 8581 1234") == "2025-03-05 138 **** 1234"
    assert m(f"第3 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}") == "第3 520221 ******** 2372"
    assert m("2025-03-05 12:00") == "2025-03-05 12:00"


def test_a_value_found_url_encoded_is_masked_in_its_decoded_form_too():
    # D111 finds a user folder in a template path as it is written there (%E7%8E%8B…); a
    # location's quote of a link beside it shows the same name decoded
    from types import SimpleNamespace
    from urllib.parse import quote

    found = [SimpleNamespace(sensitive=True, text=quote("王晓梅"), kind="person_name")]
    m = Masker(found)
    shown = m("超链接地址“rs/王晓梅/身份证号”")
    assert "王晓梅" not in shown and "王**" in shown
    assert quote("王晓梅") not in m(f"file:///C:/Users/{quote('王晓梅')}/模板.dotx")
