"""No function in src/ above McCabe complexity 15 (issue #21): a newcomer can follow each one.

Runs ruff's C901 check with the limit written here, whatever ``pyproject.toml`` selects, so the
gate holds even where a ruff configuration is overridden; the failure lists every offender.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_COMPLEXITY = 15


def _too_complex(target: str, cwd: Path) -> list[str]:
    """``path:line message`` of every function under ``target`` above the limit (ruff's C901)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "C901", "--output-format", "json",
         "--config", f"lint.mccabe.max-complexity={MAX_COMPLEXITY}", target],
        cwd=cwd, capture_output=True, text=True, check=False,
    )
    assert proc.returncode in (0, 1), f"ruff did not run: {proc.stderr.strip()}"
    return sorted(
        f"{Path(d['filename']).relative_to(cwd)}:{d['location']['row']} {d['message']}"
        for d in json.loads(proc.stdout or "[]")
    )


def test_no_function_in_src_is_above_mccabe_15():
    offenders = _too_complex("src", ROOT)
    assert not offenders, f"{len(offenders)} function(s) above McCabe {MAX_COMPLEXITY}:\n" + "\n".join(offenders)


def test_the_check_sees_a_function_above_the_limit(tmp_path):
    # The gate is only worth something if ruff really measures: a function of 16 branches fails it.
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(MAX_COMPLEXITY))
    (tmp_path / "tangled.py").write_text(f"def tangled(x):\n{branches}\n    return -1\n", encoding="utf-8")
    assert _too_complex("tangled.py", tmp_path) == [
        f"tangled.py:1 `tangled` is too complex ({MAX_COMPLEXITY + 1} > {MAX_COMPLEXITY})"]
