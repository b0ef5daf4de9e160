"""Interleaved A/B speed runs, baseline against result (issue #21: no more than 15% slower).

    PYTHONPATH=src python3 benchmarks/ab_speed.py [--baseline REF] [--result REF] [--runs 5]
        [--docs 150] [--repeat 3] [--clock cpu|wall] [--only screening|batch] [--json]

Two figures, each measured ``--runs`` times per version in alternation (baseline, result,
baseline, result, …), so that a load burst on a shared machine falls on both sides; printed
as the median of each version, the ratio of medians and the median of the ratios of each
adjacent pair (result/baseline, in time: above 1 means slower):

* **screening first pass**: ``benchmarks/screening_speed.py --repeat R`` run as a fresh
  process; its "1st pass" column (chars/s of the D1xx rules with every cache emptied, best of
  its R rounds) for each of its corpora (the labelled test split and govcn-2019). By default
  (``--clock cpu``) the script runs with ``time.perf_counter`` replaced by
  ``time.process_time``, so its figure is characters per CPU second of its process: on a
  shared machine wall times of identical code move by a factor of two, CPU times far less.
  ``--clock wall`` keeps its own clock (for a quiet machine).
* **batch --jobs 1**: the run ``benchmarks/batch.py`` times on its "--jobs 1" line: a fresh
  ``python -m gongkai batch ARCHIVE --out FILE --no-progress --jobs 1`` process, wall clock
  start-up included, on an archive built once by ``batch.py``'s own ``build_archive``
  (``--docs`` documents: govcn-2019 renderings, generated drafts, zips, a nested zip, a few
  corrupt files), the same archive for both versions. batch.py itself always runs --jobs 1,
  --jobs 2 and --resume and has no option to run one of them, so the command is run here
  directly, exactly as its ``run_batch`` runs it (gongkai from the version's ``src``, byte
  code written once like an installed package).

Which copy of screening_speed.py runs: each version's own (it reads gongkai internals, such
as ``memo.clear_all``, that a refactor may move, and its own copy follows them); its
interface (``--repeat``, the "1st pass" column of its table) must be the same in both, which
the parser checks. ``--scripts result`` runs the result's copy for both instead (copied into
the baseline's temporary tree). The baseline ref is checked out with ``git worktree add
--detach`` into a temporary folder, removed afterwards; each version gets a warm-up run
first (byte-code compilation, file cache; for batch, three documents), not counted. Needs
govcn-2019 (shared/data). Pin the result with ``--result REF`` when the working tree may
change during the run (a merge half-way would mix two versions on one side).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare_findings import BASELINE, checked_out, rev  # noqa: E402

ROOT = HERE.parent
SCRIPTS = ("screening_speed.py", "screening_eval.py", "read.py", "batch.py")

# ---------------------------------------------------------------- parsing (pure)

_ROW = re.compile(r"^(?P<name>\S.{0,23}?)\s{2,}(?P<chars>\d+)\s+(?P<first>[\d,]+)\s+(?P<warm>[\d,]+)")


def parse_screening(output: str) -> dict[str, float]:
    """{corpus: first-pass chars/s} from screening_speed.py's table (the rows after the line
    that starts with ``corpus``); ValueError when the table is not there."""
    lines = output.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("corpus") and "1st pass" in line)
    except StopIteration:
        raise ValueError("screening_speed.py: no table with a '1st pass' column in its output") from None
    out = {}
    for line in lines[start + 1:]:
        m = _ROW.match(line)
        if m:
            out[m["name"].strip()] = float(m["first"].replace(",", ""))
    if not out:
        raise ValueError("screening_speed.py: its table has no corpus row")
    return out


def machine() -> dict:
    """Cores, CPU model and load of this machine."""
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "load": [round(x, 2) for x in load] if load else None}


def summarise(base: list[float], result: list[float], higher_is_faster: bool) -> dict:
    """Medians of both sides, and result/baseline as a time ratio (> 1: result slower): of the
    medians and the median of adjacent pairs (run i of each side)."""
    mb, mr = statistics.median(base), statistics.median(result)
    inv = (lambda b, r: b / r) if higher_is_faster else (lambda b, r: r / b)
    pairs = [inv(b, r) for b, r in zip(base, result)]
    return {"baseline": base, "result": result, "median_baseline": mb, "median_result": mr,
            "time_ratio": inv(mb, mr), "paired_time_ratio": statistics.median(pairs)}


# ---------------------------------------------------------------- running

def _env(tree: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree / "src")
    env.pop("GONGKAI_TYPO_MODEL", None)
    return env


#: Runs a script with ``time.perf_counter`` replaced by ``time.process_time``: its timings become
#: the CPU time of its process (screening_speed.py screens in its own process, one thread).
CPU_CLOCK = ("import runpy, sys, time; time.perf_counter = time.process_time; sys.argv = sys.argv[1:]; "
             "runpy.run_path(sys.argv[0], run_name='__main__')")


def screening_run(tree: Path, repeat: int, clock: str = "cpu") -> dict[str, float]:
    script = [str(tree / "benchmarks" / "screening_speed.py"), "--repeat", str(repeat)]
    cmd = [sys.executable, "-c", CPU_CLOCK, *script] if clock == "cpu" else [sys.executable, *script]
    proc = subprocess.run(cmd, env=_env(tree), cwd=tree, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"screening_speed.py in {tree} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return parse_screening(proc.stdout)


def build_archive(tree: Path, root: Path, docs: int) -> int:
    """The batch archive, built once by batch.py's build_archive (gongkai of ``tree``)."""
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import batch; "
            "print(batch.build_archive(Path(sys.argv[2]), int(sys.argv[3])))")
    proc = subprocess.run([sys.executable, "-c", code, str(tree / "benchmarks"), str(root), str(docs)],
                          env=_env(tree), cwd=tree, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"building the batch archive failed:\n{proc.stderr[-2000:]}")
    return int(proc.stdout.strip().splitlines()[-1])


class TreeCPU:
    """CPU seconds (user + system) of a process and all its descendants, sampled in a thread
    every ``interval`` seconds (psutil): the fork server and the workers of ``gongkai batch``
    are not reaped by the process we start, so ``RUSAGE_CHILDREN`` would miss them. Each
    process counts with its last sample (up to ``interval`` of its end is lost)."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, pid: int) -> None:
        import psutil

        def loop():
            try:
                top = psutil.Process(pid)
            except psutil.Error:
                return
            while not self._stop.is_set():
                try:
                    procs = [top, *top.children(recursive=True)]
                except psutil.Error:
                    break
                for proc in procs:
                    try:
                        t = proc.cpu_times()
                        self.last[proc.pid] = t.user + t.system
                    except psutil.Error:
                        pass
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return sum(self.last.values())


def batch_run(tree: Path, root: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``gongkai batch --jobs 1`` into a fresh results file; CPU of
    the whole process tree (:class:`TreeCPU`), less disturbed than the wall clock by other load
    on a shared machine."""
    for p in out.parent.glob(out.name + "*"):
        p.unlink()
    cmd = [sys.executable, "-m", "gongkai", "batch", str(root), "--out", str(out), "--no-progress", "--jobs", "1"]
    cpu = TreeCPU()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(tree), cwd=root.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    cpu.watch(proc.pid)
    _stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    cpu_seconds = cpu.stop()
    if proc.returncode not in (0, 1, 2):
        raise RuntimeError(f"gongkai batch in {tree} exited {proc.returncode}:\n{stderr[-2000:]}")
    return round(wall, 3), round(cpu_seconds, 3)


def interleave(runs: int, sides: dict, fn, label: str, quiet: bool) -> dict[str, list]:
    """``fn(tree)`` ``runs`` times per side, alternating the sides."""
    out: dict[str, list] = {name: [] for name in sides}
    for i in range(runs):
        for name, tree in sides.items():
            value = fn(tree)
            out[name].append(value)
            if not quiet:
                print(f"  {label} run {i + 1}/{runs} {name}: {value}", file=sys.stderr, flush=True)
    return out


def fmt_ratio(r: float) -> str:
    return f"{r:.3f} ({(r - 1) * 100:+.1f}%)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="git ref of the baseline (default: issue21-baseline)")
    ap.add_argument("--result", default=None, help="git ref of the result (default: the working tree)")
    ap.add_argument("--runs", type=int, default=5, help="runs per version and benchmark (at least 5 for the record)")
    ap.add_argument("--repeat", type=int, default=3, help="screening_speed.py --repeat (its rounds per run)")
    ap.add_argument("--docs", type=int, default=150, help="documents in the batch archive")
    ap.add_argument("--only", choices=["screening", "batch"], help="run only this benchmark")
    ap.add_argument("--scripts", choices=["own", "result"], default="own",
                    help="which copy of screening_speed.py runs for the baseline (default: its own)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="screening_speed.py's clock: its process's CPU time (default; steadier on a shared "
                         "machine) or the wall clock")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    box = machine()
    report: dict = {"baseline": rev(args.baseline), "result": rev(args.result), "runs": args.runs, "machine": box,
                    "screening_clock": args.clock}
    with tempfile.TemporaryDirectory(prefix="gongkai-ab-") as t:
        tmp = Path(t)
        try:
            with checked_out(args.baseline, tmp, "baseline") as base_tree, \
                    checked_out(args.result, tmp, "result") as result_tree:
                if args.scripts == "result":
                    for name in SCRIPTS:
                        shutil.copyfile(result_tree / "benchmarks" / name, base_tree / "benchmarks" / name)
                sides = {"baseline": base_tree, "result": result_tree}
                if args.only in (None, "screening"):
                    for tree in sides.values():
                        screening_run(tree, 1)  # warm-up: byte code, file cache
                    got = interleave(args.runs, sides, lambda tree: screening_run(tree, args.repeat, args.clock),
                                     "screening", args.quiet)
                    corpora = sorted(set(got["baseline"][0]) & set(got["result"][0]))
                    report["screening_first_pass_chars_per_s"] = {
                        c: summarise([r[c] for r in got["baseline"]], [r[c] for r in got["result"]], True)
                        for c in corpora}
                if args.only in (None, "batch"):
                    root = tmp / "archive" / "archive"
                    root.parent.mkdir()
                    n = build_archive(result_tree, root, args.docs)
                    out = tmp / "archive" / "results.sqlite"
                    warm = tmp / "archive" / "warm-up"
                    warm.mkdir()
                    for f in sorted(root.rglob("*.docx"))[:3]:
                        shutil.copyfile(f, warm / f.name)
                    for tree in sides.values():
                        batch_run(tree, warm, out)  # warm-up: the batch modules' byte code
                    got = interleave(args.runs, sides, lambda tree: batch_run(tree, root, out), "batch --jobs 1",
                                     args.quiet)
                    report["batch_jobs1_seconds"] = summarise([w for w, _ in got["baseline"]],
                                                              [w for w, _ in got["result"]], False)
                    report["batch_jobs1_cpu_seconds"] = summarise([c for _, c in got["baseline"]],
                                                                  [c for _, c in got["result"]], False)
                    report["batch_docs"] = n
        except (subprocess.CalledProcessError, RuntimeError, ValueError) as exc:
            print(f"ab_speed：{exc}", file=sys.stderr)
            return 2
    report["machine"]["load_after"] = machine()["load"]
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"baseline {report['baseline']}  result {report['result']}  ({args.runs} interleaved runs each)")
    print(f"machine: {box['cores']} cores, {box['cpu']}, Python {box['python']}, load {box['load']} before, "
          f"{report['machine']['load_after']} after")
    print(f"{'figure':<56}{'baseline':>12}{'result':>12}  {'time ratio':>16}  {'paired ratio':>16}")
    for corpus, s in report.get("screening_first_pass_chars_per_s", {}).items():
        unit = "chars/CPU-s" if args.clock == "cpu" else "chars/s"
        print(f"{'screening 1st pass, ' + corpus + f' ({unit})':<56}{s['median_baseline']:>12,.0f}"
              f"{s['median_result']:>12,.0f}  {fmt_ratio(s['time_ratio']):>16}  {fmt_ratio(s['paired_time_ratio']):>16}")
    for key, what in (("batch_jobs1_seconds", "wall s"), ("batch_jobs1_cpu_seconds", "CPU s")):
        if key in report:
            s = report[key]
            print(f"{'batch --jobs 1, ' + str(report['batch_docs']) + ' docs (' + what + ')':<56}"
                  f"{s['median_baseline']:>12.2f}{s['median_result']:>12.2f}  {fmt_ratio(s['time_ratio']):>16}  "
                  f"{fmt_ratio(s['paired_time_ratio']):>16}")
    print("time ratio: result/baseline of the medians, in time (above 1: result slower; issue #21 allows 1.15);\n"
          "paired ratio: the median of result/baseline over adjacent runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
