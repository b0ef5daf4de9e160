"""Snapshot and compare what the statistical typo detector (T110) reports, to prove a speed-up changes nothing.

    PYTHONPATH=src python3 tools/typo_regression.py save /tmp/t110.json     # before a change
    PYTHONPATH=src python3 tools/typo_regression.py compare /tmp/t110.json  # after it: exit 1 on any difference

Covers the 60 govcn-2019 bodies (``lm.model().suspects`` on every block, with every field of
every suspect, and the T110 findings of the whole pipeline per document) and every source
sentence of ecspell/odw.train (suspects and pipeline findings). Scores must agree to 1e-9.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from gongkai import Config, check_document
from gongkai.models import Document
from gongkai.proofing import lm

DATA = Path("/work/shared/data")
TOL = 1e-9


def suspect_rows(text: str) -> list[list]:
    return [[s.start, s.wrong, s.right, s.gain, s.lm_gain, s.word_log_freq, s.seen_pair, s.seg_gain]
            for s in lm.model().suspects(text)]


def finding_rows(doc: Document) -> list[list]:
    config = Config(select=("T110",))
    return [[f.rule, f.location.block, f.location.start, f.location.end, f.text, f.suggestion, f.message,
             f.confidence, json.dumps(f.explanation, ensure_ascii=False, sort_keys=True)]
            for f in check_document(doc, config).findings]


def snapshot(data: Path) -> dict:
    out: dict = {"suspects": {}, "findings": {}}
    docs = [json.loads(l) for l in (data / "govcn-2019" / "documents.jsonl").read_text("utf-8").splitlines() if l.strip()]
    for d in docs:
        doc = Document.from_text(d["body"], path=d["id"])
        out["findings"][d["id"]] = finding_rows(doc)
        for k, b in enumerate(doc.blocks):
            out["suspects"][f"{d['id']}#{k}"] = suspect_rows(b.text)
    for k, line in enumerate((data / "ecspell" / "odw.train").read_text("utf-8").splitlines()):
        src = line.split("\t")[1]
        out["suspects"][f"odw#{k}"] = suspect_rows(src)
        out["findings"][f"odw#{k}"] = finding_rows(Document.from_text(src))
    return out


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= TOL
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def compare(old: dict, new: dict) -> list[str]:
    diffs = []
    for section in ("suspects", "findings"):
        for key in sorted(set(old[section]) | set(new[section])):
            a, b = old[section].get(key), new[section].get(key)
            if not same(a, b):
                diffs.append(f"{section} {key}:\n  before {a}\n  after  {b}")
    return diffs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("save", "compare"))
    ap.add_argument("path", type=Path)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    snap = snapshot(args.data)
    n_s = sum(len(v) for v in snap["suspects"].values())
    n_f = sum(len(v) for v in snap["findings"].values())
    print(f"{len(snap['suspects'])} texts, {n_s} suspects, {n_f} T110 findings ({time.perf_counter() - t0:.1f} s)")
    if args.action == "save":
        args.path.write_text(json.dumps(snap, ensure_ascii=False), "utf-8")
        print(f"saved {args.path}")
        return 0
    diffs = compare(json.loads(args.path.read_text("utf-8")), snap)
    for d in diffs[:20]:
        print(d)
    print(f"differences: {len(diffs)}" + ("" if diffs else "  (identical)"))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
