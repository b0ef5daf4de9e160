"""Start-up time of the command line: what a clerk waits for on one `gongkai check`.

    python benchmarks/startup.py [--runs 5] [--top 15] [FILE]

Prints the wall time (median and spread of --runs fresh processes) and CPU time of
`gongkai check FILE` (default: the bundled example, all rules) and of `gongkai --help`,
then the slowest imports of one `check` run under `python -X importtime` (cumulative time
of each top-level import, the packages that dominate start-up).
Target (issue 20): median ≤ 1.5 s for `check` of the example.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "chungeng-butie.docx"


def _env() -> dict[str, str]:
    """The worktree's sources first, whatever the venv's editable install points at; byte code
    written and read as in an installed package (PYTHONDONTWRITEBYTECODE would have every run
    compile gongkai's modules again: ≈0.3 s that no clerk waits for)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}


def wall_times(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) time of `python -m gongkai ARGS` in fresh processes, one per run,
    after one run not counted (byte code, the file cache, gongkai's cache of jieba's tables).

    The CPU time moves less than the wall time when other work shares the machine.
    """
    walls, cpus = [], []
    subprocess.run([sys.executable, "-m", "gongkai", *args], env=_env(), capture_output=True, check=False)  # warm-up
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gongkai", *args], env=_env(), capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def import_times(args: list[str]) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the top-level imports of one run, slowest first."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gongkai", *args],
        env=_env(), capture_output=True, text=True, check=False,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        cumulative = cumulative.strip()
        if not cumulative.isdigit():
            continue  # the header line
        name = name[1:]  # the space after the bar
        depth = len(name) - len(name.lstrip())
        rows.append((int(cumulative) / 1e6, name.strip(), depth))
    # importtime indents an import by two spaces per nesting level under the one that caused it
    top_level = min((d for *_, d in rows), default=0)
    return sorted(((t, n) for t, n, d in rows if d == top_level), reverse=True)


def show(label: str, times: tuple[list[float], list[float]]) -> None:
    walls, cpus = times
    print(f"{label:<34} 中位数 {statistics.median(walls):5.2f} s   "
          f"最短 {min(walls):5.2f} s   最长 {max(walls):5.2f} s   "
          f"CPU 中位数 {statistics.median(cpus):5.2f} s（{len(walls)} 次）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(EXAMPLE))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    check = ["check", args.file]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU, 负载 {os.getloadavg()[0]:.1f}")
    show(f"gongkai check {Path(args.file).name}", wall_times(check, args.runs))
    show("gongkai --help", wall_times(["--help"], args.runs))
    print(f"\n`gongkai check` 的导入耗时（python -X importtime，累计，前 {args.top} 项）：")
    for seconds, name in import_times(check)[: args.top]:
        print(f"  {seconds:6.3f} s  {name}")


if __name__ == "__main__":
    main()
