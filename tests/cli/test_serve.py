"""``gongkai serve``: the first administrator from the command line, and the CLI's other commands
never importing the web stack (issue #19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("argon2")

SRC = Path(__file__).resolve().parents[2] / "src"


def test_init_admin_creates_the_first_administrator_once(cli, tmp_path, monkeypatch):
    db = tmp_path / "register.sqlite3"
    monkeypatch.setenv("GONGKAI_ADMIN_PASSWORD", "admin password 1")
    result = cli("serve", "--init-admin", "--db", db, input="admin\n管理员甲\n")
    assert result.exit_code == 0 and "已建立管理员 admin（管理员甲）" in result.output
    from gongkai.store import Store
    from gongkai.store.accounts import Accounts

    store = Store(str(db))
    assert Accounts(store).authenticate("admin", "admin password 1").roles == {"管理员"}
    store.close()
    again = cli("serve", "--init-admin", "--db", db, input="admin2\n乙\n")
    assert again.exit_code == 2 and "已有管理员账户" in again.stderr


def test_a_short_admin_password_is_refused_in_one_line(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_ADMIN_PASSWORD", "short")
    result = cli("serve", "--init-admin", "--db", tmp_path / "r.sqlite3", input="admin\n管理员甲\n")
    assert result.exit_code == 2 and "密码至少 10 个字符" in result.stderr.strip()


def test_check_does_not_import_the_web_stack(tmp_path):
    draft = tmp_path / "通知.txt"
    draft.write_text("关于做好防汛工作的通知\n各村（社区）：\n请做好防汛值班。\n", encoding="utf-8")
    code = ("import sys, json\nfrom gongkai.cli import main\n"
            "try:\n    main(['check', sys.argv[1], '--select', 'P'])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in ('starlette', 'uvicorn', 'argon2', 'jinja2', 'multipart') "
            "if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code, str(draft)], capture_output=True, text=True, env=env,
                         timeout=300)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
