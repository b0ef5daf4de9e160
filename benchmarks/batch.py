"""Batch throughput, scaling, memory and resume speed of ``gongkai batch``.

    PYTHONPATH=src python3 benchmarks/batch.py [--docs 2000] [--format sqlite] [--keep DIR]

Builds an archive of ``--docs`` documents (default 2,000) in a temporary folder: the 60
govcn-2019 documents rendered with ``formats.compose.render_text``, plus generated drafts
(paragraphs recombined from govcn bodies, some with tables of synthetic applicants with
checksum-valid fake ID numbers and phone numbers, some labelled, a few corrupt), laid out as
nested folders, zips inside folders and a zip inside a zip. Then, each as a fresh
``python -m gongkai batch`` process:

1. bare text extraction of the same sources (zipfile + lxml, all ``w:t`` of
   ``word/document.xml``), in this process, one core: the floor;
2. ``--jobs 1`` and ``--jobs 2`` into fresh results: documents/s (wall clock, start-up
   included) and peak memory of the whole process tree (the batch process, the fork server
   and the workers, sampled every 0.1 s with psutil): the sum of PSS, where pages the workers
   share with the fork server (the models, loaded once there) count once, and the sum of RSS,
   an upper bound counting them once per process; next to ``ru_maxrss`` of the batch process;
3. ``--resume`` over the unchanged archive: seconds, and the speed-up over the first run.

Targets (on 2 quiet cores): jobs 2 ≥ 1.7× jobs 1; peak memory < 500 MB whatever the archive
size; resume ≥ 50× faster than the first run. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read import GOVCN, bare_text, govcn_documents

SRC = Path(__file__).resolve().parent.parent / "src"

# Runs ``python -m gongkai batch …`` and reports the children's peak RSS (KiB on Linux).
WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
print(json.dumps({"rc": p.returncode, "wall": wall,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stdout": p.stdout.decode("utf-8", "replace")[-400:],
                  "stderr": p.stderr.decode("utf-8", "replace")[-400:]}))
"""


def fake_id(rng: random.Random) -> str:
    """A checksum-valid fake 公民身份号码 (GB 11643); never a real person's."""
    from stdnum.cn import ric

    base = f"520221{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return base + ric.calc_check_digit(base + "0")


_POOL: list[str] = []
_TITLES: list[str] = []


def _corpus_parts() -> tuple[list[str], list[str]]:
    if not _POOL:
        docs = govcn_documents()
        _POOL.extend(p for d in docs for p in d["body"].splitlines() if 20 <= len(p) <= 400)
        _TITLES.extend(d["title"] for d in docs)
    return _POOL, _TITLES


def draft_bytes(i: int, seed: int = 7) -> bytes:
    """Generated 镇政府 draft number ``i``: a title, recipients, recombined paragraphs, maybe a table."""
    from gongkai.formats.compose import DocxBuilder

    pool, titles = _corpus_parts()
    rng = random.Random(seed * 1_000_003 + i)
    topic = rng.choice(titles).replace("国务院办公厅关于", "").replace("国务院关于", "")
    b = DocxBuilder()
    b.page()
    b.paragraph(f"勺米镇人民政府关于{topic}的通知（第{i}号草稿）", font="方正小标宋简体", size=22, align="center")
    b.paragraph(f"勺府发〔2025〕{i % 300 + 1}号", font="仿宋_GB2312", size=16, align="center")
    b.paragraph("各村（社区）、镇直各单位：", font="仿宋_GB2312", size=16)
    for k, para in enumerate(rng.sample(pool, rng.randint(6, 18))):
        if k == 2:
            b.paragraph("一、工作要求", font="黑体", size=16)
        b.paragraph(para, font="仿宋_GB2312", size=16)
    if rng.random() < 0.25:
        rows = [["姓名", "身份证号", "联系电话", "补贴金额"]]
        for _ in range(rng.randint(2, 8)):
            rows.append([rng.choice("张王李赵刘陈杨黄") + rng.choice(["伟", "芳", "敏", "静", "强", "磊"]),
                         fake_id(rng), f"138{rng.randint(10000000, 99999999)}", f"{rng.randint(1, 50) * 100}元"])
        b.table(rows)
    if rng.random() < 0.5:
        b.paragraph(rng.choice(["（此件主动公开）", "（此件依申请公开）", "（此件不予公开）"]), font="仿宋_GB2312", size=16)
    b.paragraph("勺米镇人民政府", font="仿宋_GB2312", size=16, align="right")
    b.paragraph(f"2025年{i % 12 + 1}月{i % 28 + 1}日", font="仿宋_GB2312", size=16, align="right")
    return b.to_bytes()


def _render(job: tuple[str, int]) -> bytes:
    kind, i = job
    if kind == "corrupt":
        return b"PK\x03\x04" + random.Random(i).randbytes(200)  # a corrupt file now and then
    if kind == "govcn":
        from gongkai.formats.compose import render_text

        d = govcn_documents()[i]
        return render_text(f"{d['title']}\n{d['body']}")
    return draft_bytes(i)


def build_archive(root: Path, n: int) -> int:
    """Write ``n`` documents under ``root`` (rendered on every core); returns how many were written."""
    from concurrent.futures import ProcessPoolExecutor

    docs = govcn_documents()
    plan: list[tuple[str, str, int]] = []  # (where, kind, index); where "zip:NAME!MEMBER" for archives
    for k, d in enumerate(docs[: min(len(docs), n)]):
        plan.append((f"国务院文件/{d['id']}.docx", "govcn", k))
    rest = n - len(plan)
    in_zips = rest * 3 // 10
    nested = min(50, rest // 20)
    loose = rest - in_zips - nested
    for i in range(loose):
        folder = f"镇政府/2025-{i % 12 + 1:02d}/{'办公室' if i % 3 else '农业服务中心'}"
        plan.append((f"{folder}/草稿{i:05d}.docx", "corrupt" if i % 97 == 13 else "draft", i))
    for i in range(in_zips):
        plan.append((f"zip:村居归档/村居{i // 200:02d}.zip!村{i % 9}/草稿{i:05d}.docx", "draft", 100000 + i))
    for i in range(nested):
        plan.append((f"nested:村居归档/嵌套.zip!往年.zip!内层/草稿{i:05d}.docx", "draft", 200000 + i))
    archives: dict[str, zipfile.ZipFile] = {}
    inner = io.BytesIO()
    inner_zip = zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
        for (where, _kind, _i), data in zip(plan, ex.map(_render, [(k, i) for _w, k, i in plan], chunksize=8)):
            if where.startswith("zip:"):
                name, member = where[4:].split("!", 1)
                if name not in archives:
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    archives[name] = zipfile.ZipFile(root / name, "w", zipfile.ZIP_DEFLATED)
                archives[name].writestr(member, data)
            elif where.startswith("nested:"):
                inner_zip.writestr(where.split("!")[-1], data)
            else:
                (root / where).parent.mkdir(parents=True, exist_ok=True)
                (root / where).write_bytes(data)
    for zf in archives.values():
        zf.close()
    inner_zip.close()
    if nested:
        (root / "村居归档").mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(root / "村居归档" / "嵌套.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("往年.zip", inner.getvalue())
    (root.parent / "archive.json").write_text(json.dumps({"docs": n}), encoding="utf-8")
    return len(plan)


def bare_extraction(root: Path) -> tuple[float, int]:
    """(documents/s, documents) of bare zipfile+lxml text extraction over the same sources."""
    sys.path.insert(0, str(SRC))
    from gongkai.config import Limits
    from gongkai.formats import Source, iter_sources

    limits = Limits()
    sources = [s for s in iter_sources([str(root)], limits) if isinstance(s, Source)]
    ok = 0
    start = time.perf_counter()
    for s in sources:
        try:
            bare_text(s.read_bytes(limits))
            ok += 1
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            pass
    return len(sources) / (time.perf_counter() - start), ok


def reader_alone(root: Path, sample: int = 200) -> float:
    """documents/s of gongkai's reader alone (formats.read_source) on the first ``sample`` sources."""
    from gongkai.config import Limits
    from gongkai.formats import Source, iter_sources, read_source

    limits = Limits()
    sources = []
    for s in iter_sources([str(root)], limits):
        if isinstance(s, Source):
            sources.append(s)
            if len(sources) >= sample:
                break
    start = time.perf_counter()
    for s in sources:
        read_source(s, limits)
    return len(sources) / (time.perf_counter() - start)


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled in a thread (needs psutil).

    ``peak_pss`` sums proportional set sizes: a page shared by the fork server and its workers
    (the models, loaded once and forked copy-on-write) counts once in all, which is the real
    footprint. ``peak`` sums RSS, counting every shared page once per process: an upper bound.
    """

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._pid: int | None = None

    def watch(self, pid: int) -> None:
        try:
            import psutil
        except ImportError:
            return
        self._pid = pid

        def loop():
            try:
                top = psutil.Process(pid)
            except psutil.Error:
                return
            while not self._stop.is_set():
                total = pss = 0
                try:
                    procs = [top, *top.children(recursive=True)]
                except psutil.Error:
                    break
                for p in procs:
                    try:
                        total += p.memory_info().rss
                        pss += getattr(p.memory_full_info(), "pss", 0)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
                self.peak_pss = max(self.peak_pss, pss)
                self._stop.wait(self.interval)

        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


def _env() -> dict:
    """The environment of a measured run: gongkai from this tree, compiled once like an
    installed package (PYTHONDONTWRITEBYTECODE would recompile every module on every start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    return env


def run_batch(root: Path, out: Path, *extra: str) -> dict:
    env = _env()
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "gongkai", "batch", str(root), "--out", str(out),
           "--no-progress", *extra]
    mem = TreeMemory()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root.parent)
    mem.watch(proc.pid)
    stdout, stderr = proc.communicate()
    mem.stop()
    try:
        result = json.loads(stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"batch.py: the run failed: {stderr.decode()[-2000:]}")
    if result["rc"] not in (0, 1, 2):
        raise SystemExit(f"batch.py: gongkai batch exited {result['rc']}: {result['stderr']}")
    result["tree_peak_mb"] = mem.peak / 2**20 if mem.peak else None
    result["tree_pss_mb"] = mem.peak_pss / 2**20 if mem.peak_pss else None
    result["maxrss_mb"] = result["maxrss_kb"] / 1024
    return result


def startup_seconds(rounds: int = 3) -> float:
    """Wall seconds of ``python -m gongkai --help``: interpreter start-up and imports (best of a few)."""
    env = _env()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gongkai", "--help"], stdout=subprocess.DEVNULL, env=env, check=False)
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents in the archive (at least 2,000 for the record)")
    ap.add_argument("--format", choices=["sqlite", "jsonl"], default="sqlite", help="results store")
    ap.add_argument("--keep", type=Path, help="build the archive here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    if not GOVCN.exists():
        print(f"batch.py: {GOVCN} not found (the benchmark needs the govcn-2019 corpus)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(SRC))
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    try:
        root = work / "archive"
        marker = work / "archive.json"
        t = time.perf_counter()
        if root.exists() and marker.exists() and json.loads(marker.read_text("utf-8")).get("docs") == args.docs:
            n = args.docs  # --keep: the archive built by an earlier run is reused
        else:
            if root.exists():
                shutil.rmtree(root)
            n = build_archive(root, args.docs)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(f"archive: {n} documents ({size / 2**20:.0f} MB: folders, zips, a nested zip) "
              f"built in {time.perf_counter() - t:.0f} s")
        bare_rate, bare_ok = bare_extraction(root)
        print(f"bare zipfile+lxml text extraction: {bare_rate:.1f} docs/s ({bare_ok} readable .docx, 1 core)")
        read_rate = reader_alone(root)
        print(f"gongkai reader alone (formats.read_source, first 200): {read_rate:.1f} docs/s (1 core)")
        ext = args.format
        runs = {}
        for jobs in (1, 2):
            out = work / f"jobs{jobs}.{ext}"
            for p in work.glob(f"jobs{jobs}.{ext}*"):
                p.unlink()
            runs[jobs] = r = run_batch(root, out, "--jobs", str(jobs))
            r["rate"] = n / r["wall"]
            tree = (f"{r['tree_pss_mb']:.0f} MB PSS ({r['tree_peak_mb']:.0f} MB summed RSS)"
                    if r["tree_peak_mb"] else "n/a (pip install psutil)")
            print(f"--jobs {jobs}: {r['wall']:.1f} s, {r['rate']:.1f} docs/s; peak memory: process tree {tree}, "
                  f"gongkai parent process {r['maxrss_mb']:.0f} MB (ru_maxrss)")
        resume = run_batch(root, work / f"jobs2.{ext}", "--jobs", "2", "--resume")
        first = runs[2]["wall"]
        startup = startup_seconds()
        print(f"--resume, archive unchanged: {resume['wall']:.2f} s ({first / resume['wall']:.0f}x faster than the "
              f"first --jobs 2 run; `gongkai --help` alone takes {startup:.2f} s here)")
        print()
        speedup = runs[2]["rate"] / runs[1]["rate"]
        peak = max((r["tree_pss_mb"] or r["maxrss_mb"]) for r in (*runs.values(), resume))
        peak_rss = max((r["tree_peak_mb"] or r["maxrss_mb"]) for r in (*runs.values(), resume))
        print(f"scaling jobs 2 / jobs 1:         {speedup:.2f}x   (target ≥ 1.7x on 2 quiet cores; "
              f"this machine has {os.cpu_count()} cores)")
        print(f"jobs 1 / bare text extraction:   {runs[1]['rate'] / bare_rate:.3f}   "
              f"({runs[1]['rate']:.1f} vs {bare_rate:.1f} docs/s: reading + every rule vs text only)")
        print(f"jobs 1 / gongkai reader alone:   {runs[1]['rate'] / read_rate:.2f}   (the rest is the rules)")
        print(f"peak memory (process tree, PSS): {peak:.0f} MB   (target < 500 MB; summed RSS, which counts the "
              f"models shared copy-on-write once per process: {peak_rss:.0f} MB)")
        print(f"resume speed-up:                 {first / resume['wall']:.0f}x over --jobs 2, "
              f"{runs[1]['wall'] / resume['wall']:.0f}x over --jobs 1   (target ≥ 50x; start-up alone "
              f"{startup:.2f} s of its {resume['wall']:.2f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
