"""The README's "从草稿到发布" section works as written, command by command."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main

ROOT = Path(__file__).resolve().parents[2]


def section_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## 从草稿到发布", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("gongkai "):
                commands.append(shlex.split(line)[1:])
    return commands


def test_draft_to_release_as_the_readme_says(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "示例登记库.sqlite3"))
    commands = section_commands()
    assert [c[0] for c in commands][:4] == ["check", "check", "redact", "check"]
    runner = CliRunner()
    codes = []
    for args in commands:
        result = runner.invoke(main, args, prog_name="gongkai")
        codes.append(result.exit_code)
        if args[0] == "review" and args[1] == "start":
            assert "审核登记库" in result.output
    # the draft and the fixed draft have errors; the redacted copy has none; every review step,
    # the release and the register listing succeed
    assert codes[:4] == [1, 1, 0, 0]
    assert all(code == 0 for code in codes[4:]), list(zip(commands, codes))
    assert commands[-2][0] == "release" and commands[-1][:2] == ["archive", "list"]
    listing = runner.invoke(main, ["archive", "list"], prog_name="gongkai").output
    assert "勺府发〔2025〕3号" in listing
