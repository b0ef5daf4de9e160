"""Everything a clerk reads on the command line is Chinese: help, usage errors, kinds, statuses."""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.formats.compose import make_docx
from gongkai.models import KIND_LABELS, VOCABULARY, kind_label

#: Words that may stay Latin in Chinese text: names of products, formats and keys a clerk
#: types or sees elsewhere as they are. Commands, choice values, option names (after - or
#: --) and file names (before or after a dot) are allowed on their own.
ALLOWED = {
    "gongkai", "Word", "Excel", "Office", "XML", "BOM", "UTF", "CPU", "Ctrl", "Dask", "JSON", "SARIF", "CSV", "SQL",
    "SQLite", "postgresql", "PostgreSQL", "URL", "tcp", "GONGKAI_DB",
    # configuration sections and keys, written as they are in gongkai.toml
    "roster", "screening", "neutral_author", "timeout_s", "display", "timezone",
}
# A Latin word not part of an option (-x, --name), a file name (a.docx, gongkai.toml), a
# path or URL (a/b, tcp://), a code (D101) or a longer identifier.
WORD = re.compile(r"(?<![-\w./:\\])[A-Za-z][A-Za-z_]+(?![\w.:/-]*[\w/])")


def commands(cmd: click.Command, path: tuple[str, ...] = ()):
    """Every command and subcommand, as (argument path, command)."""
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from commands(cmd.get_command(ctx, name), (*path, name))


def allowed_words() -> set[str]:
    words = set(ALLOWED)
    for path, cmd in commands(main):
        for name in path:
            words.update(name.split("-"))
        for p in cmd.params:
            if isinstance(p.type, click.Choice):
                for choice in p.type.choices:
                    words.update(re.findall(r"[A-Za-z_]+", str(choice)))
    return words


def english(text: str, allowed: set[str]) -> list[str]:
    return [w for w in WORD.findall(text) if w not in allowed]


CASES = []
for _path, _cmd in commands(main):
    CASES.append((*_path, "--help"))
    CASES.append((*_path, "--no-such-option"))
    if isinstance(_cmd, click.Group):
        CASES.append((*_path, "chek"))  # a command that does not exist
    elif any(p.required for p in _cmd.params):
        CASES.append(_path)  # a missing argument or option


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_help_and_usage_errors_are_chinese(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "review.sqlite"))
    result = CliRunner().invoke(main, list(args), prog_name="gongkai")
    text = result.output  # stdout and stderr
    assert result.exit_code == (0 if args[-1] == "--help" else 2), text
    assert english(text, allowed_words() | {"chek"}) == [], text  # what the clerk typed may be echoed


def test_usage_error_messages_in_chinese(cli):
    result = CliRunner().invoke(main, ["chek"], prog_name="gongkai")
    assert "没有命令“chek”" in result.output and "用法：" in result.output
    missing = CliRunner().invoke(main, ["review", "waive", "a.docx", "--by", "甲", "--rule", "D1"],
                                 prog_name="gongkai")
    assert "缺少选项" in missing.output and "--reason" in missing.output


def test_click_messages_take_chinese_quotes_and_stops(cli):
    missing = CliRunner().invoke(main, ["check"], prog_name="gongkai")
    assert "缺少参数“路径...”。" in missing.output
    choice = CliRunner().invoke(main, ["check", "--fail-on", "x", "a.txt"], prog_name="gongkai")
    assert "“--fail-on”的取值无效：“x”不在可选值“error”、“warning”、“info”、“never”之中。" in choice.output
    typo = CliRunner().invoke(main, ["check", "--fromat", "json", "a.txt"], prog_name="gongkai")
    assert "没有选项“--fromat”。是否想用“--format”？" in typo.output
    assert "'" not in missing.output + choice.output + typo.output


def test_an_apostrophe_inside_a_name_is_not_a_quote():
    from gongkai.cli import _chinese_punctuation

    assert _chinese_punctuation("文件“O'Brien's notes.docx”不存在。") == "文件“O'Brien's notes.docx”不存在。"


def test_every_kind_has_a_chinese_label():
    kinds = {k for ks in VOCABULARY.values() for k in ks}
    assert set(KIND_LABELS) == kinds
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", label) for label in KIND_LABELS.values())
    assert kind_label("person_name", "personal_data") == "个人信息/个人姓名"


def test_rules_lists_kinds_by_their_chinese_labels(cli):
    out = cli("rules").output
    assert "个人信息/身份证号" in out and "personal_data" not in out and "id_card" not in out
    as_json = json.loads(cli("rules", "D101", "--format", "json").output)[0]
    assert (as_json["category"], as_json["kind"]) == ("personal_data", "id_card")  # codes stay in JSON


def test_redact_summary_names_kinds_in_chinese(cli, tmp_path):
    src = tmp_path / "名单.docx"
    src.write_bytes(make_docx("申请人身份证号：11010519491231002X，手机号码：13885811234。"))
    result = cli("redact", src, "-o", tmp_path / "out.docx")
    assert "身份证号 1" in result.output and "手机号码 1" in result.output
    assert "id_card" not in result.output and "mobile" not in result.output


def test_summary_names_kinds_in_chinese(cli, tmp_path):
    src = tmp_path / "名单.docx"
    src.write_bytes(make_docx("申请人身份证号：11010519491231002X。"))
    results = tmp_path / "out.jsonl"
    cli("batch", src, "--out", results, "--jobs", "1", "--no-progress")
    out = cli("summary", results).output
    assert "个人信息/身份证号" in out and "id_card" not in out
    data = json.loads(cli("summary", results, "--format", "json").output)
    assert "personal_data/id_card" in data["findings_by_kind"]


def test_help_lists_each_commands_own_summary_without_importing_it():
    from gongkai.cli import COMMANDS, SUMMARIES

    ctx = click.Context(main)
    for name in COMMANDS:
        own = main.get_command(ctx, name).get_short_help_str(500)
        assert click.Command(name, help=SUMMARIES[name]).get_short_help_str(500) == own
    import subprocess
    import sys

    code = "import sys; from gongkai.cli import main; main(['--help'], standalone_mode=False); " \
           "print([m for m in sys.modules if m.startswith(('gongkai.cli.', 'gongkai.api', 'spacy'))])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("['gongkai.cli.common']") and "check  " in out
