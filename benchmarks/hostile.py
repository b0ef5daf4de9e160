"""Time and peak memory of `gongkai check` on hostile but valid input: no hang, no blow-up.

    PYTHONPATH=src python3 benchmarks/hostile.py [--sizes 100000 500000 1000000]

Each case is a fresh ``python -m gongkai check`` process (start-up included); peak memory is
the child's ``ru_maxrss``. The cases:

* one-line text files (a text dump without line breaks: one "paragraph") of N characters,
  dense with personal data (a finding every ~14 characters) — the case that was quadratic in
  the overlap resolution and the excerpts, and that spaCy (``max_length``) and the typo
  model's memory (a few kB per character of a paragraph) could not take whole;
* the same text one sentence per line (ordinary paragraphs), for comparison;
* a text beyond ``[limits] max_chars`` (refused at once, exit 2);
* a zip of 2,000 one-line text documents (per-document overhead).

Targets: time roughly linear in the characters; memory bounded (well under 1 GB at 1,000,000
characters); refusals within seconds. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "申请人张三，电话13885811234，住址贵州省六盘水市水城区勺米镇新华村3组。各村要认真做好春耕备耕工作。"


def run(path: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, first stderr line) of one ``gongkai check`` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([sys.executable, "-m", "gongkai", "check", str(path), "--format", "json"],
                             stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)  # this child's own peak, not the largest child's so far
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        err.seek(0)
        first = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[0][:90]
    return seconds, usage.ru_maxrss / 1024, p.returncode, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000, 1_000_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cases = []
        for n in sorted(args.sizes):
            reps = n // len(SENTENCE) + 1
            one = d / f"oneline-{n}.txt"
            one.write_text((SENTENCE * reps)[:n], encoding="utf-8")
            cases.append((f"one line, {n:,} chars", one, n))
        lines = d / "lines.txt"
        n = max(args.sizes)
        lines.write_text("\n".join([SENTENCE] * (n // len(SENTENCE))), encoding="utf-8")
        cases.append((f"one sentence a line, {n:,} chars", lines, n))
        over = d / "over-limit.txt"
        over.write_text(SENTENCE * (2_100_000 // len(SENTENCE)), encoding="utf-8")
        cases.append(("beyond max_chars (2,100,000 chars)", over, None))
        many = d / "many.zip"
        with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(2000):
                z.writestr(f"docs/{i:04d}.txt", f"第{i}号：各村要认真做好春耕备耕工作。")
        cases.append(("zip of 2,000 one-line documents", many, None))
        print(f"{'case':<40}{'seconds':>9}{'chars/s':>11}{'peak MB':>9}{'exit':>6}  first stderr line")
        for label, path, chars in cases:
            seconds, mb, code, err = run(path)
            rate = f"{chars / seconds:>11,.0f}" if chars else f"{'':>11}"
            print(f"{label:<40}{seconds:>9.1f}{rate}{mb:>9.0f}{code:>6}  {err}")


if __name__ == "__main__":
    main()
