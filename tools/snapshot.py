"""Save a list of records (one JSON line each) or check the current ones against a saved file.

The shared part of tools/compare_personal.py and tools/compare_structure.py: speed work is
proved to change no output by saving the records before and checking them after.
"""

from __future__ import annotations

from pathlib import Path


def save_or_check(mode: str, path: Path, got: list[str], noun: str) -> int:
    """``save``: write ``got`` to ``path``; ``check``: compare, print the first differences, 1 if any."""
    if mode == "save":
        path.write_text("\n".join(got) + "\n", encoding="utf-8")
        print(f"saved {len(got)} {noun} to {path}")
        return 0
    if mode != "check":
        raise SystemExit(f"unknown mode {mode!r}: save or check")
    want = path.read_text(encoding="utf-8").splitlines()
    if got == want:
        print(f"identical: {len(got)} {noun}")
        return 0
    print(f"DIFFERENT: {len(want)} saved, {len(got)} now")
    shown = 0
    for a, b in zip(want, got):
        if a != b and shown < 5:
            print(" -", a[:600], "\n +", b[:600])
            shown += 1
    missing, extra = set(want) - set(got), set(got) - set(want)
    for x in sorted(missing)[:10]:
        print(" missing", x[:600])
    for x in sorted(extra)[:10]:
        print(" extra  ", x[:600])
    return 1
