"""Punctuation, number and format rules over published State Council documents.

Renders every body of ``documents.jsonl`` to .docx (formats.compose.render_text), reads it
back, and runs the P/N/F rules. Prints, per rule, findings per 10,000 characters (published
text should raise few: every finding here is a candidate false alarm to read), and the
throughput of the reader and of this stage in characters per second.

    PYTHONPATH=src python3 benchmarks/proofing_speed.py [documents.jsonl] [--show 5] [--repeat 1]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

from gongkai import Config
from gongkai.engine import Context, Runner, default_registry
from gongkai.formats import read_bytes
from gongkai.formats.compose import render_text

DEFAULT = Path("/work/shared/data/govcn-2019/documents.jsonl")
PREFIXES = ("P", "N", "F")


def title_lines(record: dict) -> int:
    """How many leading lines of the body make up the title (titles wrap over 2–3 lines)."""
    lines, joined = record["body"].splitlines(), ""
    for i, line in enumerate(lines[:4], start=1):
        joined += line.strip()
        if joined == record.get("title", "").strip():
            return i
    return 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--show", type=int, default=3, help="example findings to print per rule")
    ap.add_argument("--repeat", type=int, default=1, help="runs of the rule stage (best time is kept)")
    ap.add_argument("--exempt-before", type=int, default=2012,
                    help="exempt_before_year: documents dated earlier follow the old standard (0 = none)")
    args = ap.parse_args(argv)

    records = [json.loads(line) for line in Path(args.path).read_text("utf-8").splitlines() if line.strip()]
    config = Config(select=PREFIXES, exempt_before_year=args.exempt_before or None)
    runner = Runner(default_registry(), config)
    codes = [r.code for r in runner.rules]

    t0 = time.perf_counter()
    docs = [read_bytes(render_text(r["body"], title_lines=title_lines(r)), f"{r['id']}.docx") for r in records]
    t_read_render = time.perf_counter() - t0
    blobs = [render_text(r["body"], title_lines=title_lines(r)) for r in records]
    t0 = time.perf_counter()
    docs = [read_bytes(b, f"{r['id']}.docx") for b, r in zip(blobs, records)]
    t_read = time.perf_counter() - t0
    chars = sum(d.chars for d in docs)

    best = float("inf")
    counts: collections.Counter = collections.Counter()
    examples = collections.defaultdict(list)
    for rep in range(args.repeat):
        t0 = time.perf_counter()
        results = [runner.run(doc, Context(doc, runner.config))[0] for doc in docs]
        best = min(best, time.perf_counter() - t0)
    for doc, findings in zip(docs, results):
        for f in findings:
            counts[f.rule] += 1
            if len(examples[f.rule]) < args.show:
                text = doc.blocks[f.location.block].text if f.location.block < len(doc.blocks) else ""
                a = max(0, f.location.start - 10)
                examples[f.rule].append(f"{doc.path}: …{text[a:f.location.end + 10]}… → {f.suggestion or f.message}")

    print(f"documents: {len(docs)}   characters: {chars:,}   exempt_before_year: {config.exempt_before_year}")
    print(f"{'rule':6} {'findings':>8} {'per 10k chars':>14}")
    for code in codes:
        print(f"{code:6} {counts[code]:8d} {counts[code] * 10_000 / chars:14.2f}")
    total = sum(counts.values())
    print(f"{'all':6} {total:8d} {total * 10_000 / chars:14.2f}")
    print()
    print(f"reader (read_bytes .docx):    {chars / t_read:12,.0f} chars/s  ({t_read:.2f} s)")
    print(f"render + read:                {chars / t_read_render:12,.0f} chars/s  ({t_read_render:.2f} s)")
    print(f"P/N/F rule stage ({len(codes)} rules): {chars / best:12,.0f} chars/s  ({best:.2f} s, best of {args.repeat})")
    print("note: format rules (F1xx) see the layout of formats.compose.render_text (GB/T 9704 fonts, right-aligned")
    print("      date), not the published originals' formatting, which the corpus does not keep.")
    if args.show:
        print()
        for code in codes:
            for line in examples.get(code, []):
                print(f"{code}  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
