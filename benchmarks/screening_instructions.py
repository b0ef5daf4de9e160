"""Instructions of one first pass of personal-data screening, counted by callgrind.

    PYTHONPATH=src python3 benchmarks/screening_instructions.py [--corpus labelled|govcn] [--one-by-one]

Wall-clock figures on a shared machine move by ±10% from one minute to the next, more than
most single speed changes. An instruction count does not: this script runs the D1xx rules
over the labelled test split (or the govcn-2019 bodies) under ``valgrind --tool=callgrind``,
with instrumentation switched on only around one first pass (every cache by text emptied, as
``screening_speed.py``'s 1st pass; documents checked together as ``gongkai check`` does, or one
by one with ``--one-by-one``), and prints the count. Runs repeat to about 0.2%
(PYTHONHASHSEED is fixed). To compare two versions, run the script in each checkout.

Instructions are not time: code that waits on memory (jieba's and spaCy's tables) costs more
time than its count says. Use it to judge a change, and screening_speed.py for the ratio.
Needs valgrind (Debian package ``valgrind``); about a minute per run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def inner(corpus: str, one_by_one: bool) -> None:
    """Inside valgrind: warm up, then count one cold pass."""
    sys.path.insert(0, str(HERE))
    import screening_speed as ss

    group = 1 if one_by_one else ss.GROUP
    items = ss.corpora()["labelled test split" if corpus == "labelled" else "govcn-2019 published"]
    ss.run_gongkai(items, group=group)  # rule set, lexicons, spaCy and jieba loaded
    ss.run_gongkai(items, cold=True, group=group)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=True)
    found = ss.run_gongkai(items, cold=True, group=group)
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=True)
    print(f"{sum(d.chars for d, _ in items)} {len(found)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["labelled", "govcn"], default="labelled")
    ap.add_argument("--one-by-one", action="store_true", help="check the documents one at a time (Runner.run)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        inner(args.corpus, args.one_by_one)
        return
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("screening_instructions.py: needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/callgrind.out",
             sys.executable, __file__, "--inner", "--corpus", args.corpus]
            + (["--one-by-one"] if args.one_by_one else []),
            capture_output=True, text=True, env=env)
    counted = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or not counted or not out.stdout.strip():
        raise SystemExit(f"screening_instructions.py: the run failed:\n{out.stderr[-2000:]}")
    chars, findings = map(int, out.stdout.split()[-2:])
    n = int(counted.group(1))
    label = f"{args.corpus} (one by one)" if args.one_by_one else args.corpus
    print(f"{label}: one first pass over {chars:,} characters ({findings:,} personal-data findings): "
          f"{n:,} instructions, {n / chars:,.0f} per character")


if __name__ == "__main__":
    main()
