"""Speed of the statistical typo detector (T110) against the whole check pipeline and the .docx reader.

    PYTHONPATH=src python3 benchmarks/typo_speed.py [documents.jsonl] [--repeat 3] [--cold]

Checks ``Document.from_text(body)`` of every govcn-2019 body after ``gongkai.api.warm_up()``:
T110 alone (``Config(select=("T110",))``) and every rule (``Config()``), each the best of
``--repeat`` runs, and prints characters per second and the ratio to the reader
(``read_bytes`` of the bodies rendered to .docx). T110 keeps a per-process cache of results by
paragraph text; the first run of each repeat starts with it empty unless ``--warm-cache``
is given, so the figures are what a fresh process sees on new documents.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import gongkai.api
from gongkai import Config
from gongkai.formats import read_bytes
from gongkai.formats.compose import render_text
from gongkai.models import Document

DEFAULT = Path("/work/shared/data/govcn-2019/documents.jsonl")


def clear_caches() -> None:
    from gongkai.proofing import lm

    clear = getattr(lm, "clear_caches", None)
    if clear:
        clear()


def timed(docs, config: Config, repeat: int, warm_cache: bool) -> float:
    best = float("inf")
    for _ in range(repeat):
        if not warm_cache:
            clear_caches()
        t0 = time.perf_counter()
        for doc in docs:
            gongkai.check_document(doc, config)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm-cache", action="store_true", help="keep T110's per-text cache between runs")
    args = ap.parse_args(argv)

    records = [json.loads(line) for line in Path(args.path).read_text("utf-8").splitlines() if line.strip()]
    t0 = time.perf_counter()
    gongkai.api.warm_up()
    t_warm = time.perf_counter() - t0
    docs = [Document.from_text(r["body"], path=r["id"]) for r in records]
    chars = sum(d.chars for d in docs)

    blobs = [render_text(r["body"]) for r in records]
    t0 = time.perf_counter()
    read = [read_bytes(b, f"{r['id']}.docx") for b, r in zip(blobs, records)]
    t_read = time.perf_counter() - t0
    read_chars = sum(d.chars for d in read)

    t_t110 = timed(docs, Config(select=("T110",)), args.repeat, args.warm_cache)
    t_all = timed(docs, Config(), args.repeat, args.warm_cache)
    reader = read_chars / t_read
    cache = "warm" if args.warm_cache else "emptied before each run"
    print(f"documents: {len(docs)}   characters: {chars:,}   warm_up(): {t_warm:.2f} s   T110 text cache: {cache}")
    print(f"reader (read_bytes .docx):  {reader:12,.0f} chars/s  ({t_read:.2f} s)")
    for label, t in (("T110 alone", t_t110), ("whole pipeline", t_all)):
        print(f"{label + ':':27} {chars / t:12,.0f} chars/s  ({t:.2f} s, best of {args.repeat})  "
              f"{chars / t / reader:.2f}x the reader")
    return 0


if __name__ == "__main__":
    sys.exit(main())
