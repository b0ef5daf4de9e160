"""Evaluate the 公开属性 suggestion and the label parser.

    PYTHONPATH=src python3 benchmarks/attribute_eval.py [--split dev|test|all] [--quiet]

1. The labelled drafts in benchmarks/data/attributes/drafts.jsonl (regenerate with
   benchmarks/data/attributes/generate.py): agreement with the labels, a confusion matrix and
   every wrong answer with its reasons, per split (tune on dev, report test separately), plus
   文种 and direction agreement. The drafts are checked without their own label line; a
   forwarded document keeps its label inside the attachment.
2. /work/shared/data/govcn-2019/documents.jsonl when present: the share of published State
   Council documents (label lines removed) for which the suggestion is 主动公开, and whether
   label parsing recovers every printed 附注 label exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from gongkai.api import check_document
from gongkai.attributes.structure import parse_structure
from gongkai.models import Document

HERE = Path(__file__).resolve().parent
DRAFTS = HERE / "data" / "attributes" / "drafts.jsonl"
GOVCN = Path("/work/shared/data/govcn-2019/documents.jsonl")
ATTRS = ("主动公开", "依申请公开", "不予公开")
LABEL_LINES = ("（此件公开发布）", "（本文有删减）", "（此件主动公开）", "（此件依申请公开）", "（此件不予公开）")


def _same_type(a: str | None, b: str | None) -> bool:
    """命令 and 令 are one 文种 (命令（令）)."""
    norm = {"命令": "令"}
    return norm.get(a, a) == norm.get(b, b)


def confusion(pairs: list[tuple[str, str]]) -> str:
    """Rows: expected; columns: suggested."""
    counts = Counter(pairs)
    width = 10
    lines = ["期望＼建议".ljust(width) + "".join(a.ljust(width) for a in ATTRS)]
    for e in ATTRS:
        lines.append(e.ljust(width) + "".join(str(counts[(e, s)]).ljust(width + 2) for s in ATTRS))
    return "\n".join(lines)


def load_draft(d: dict, as_docx: bool) -> Document:
    if not as_docx:
        return Document.from_text(d["text"], path=d["id"])
    from gongkai.formats import read_bytes
    from gongkai.formats.compose import render_text

    return read_bytes(render_text(d["text"]), d["id"] + ".docx")


def evaluate_drafts(split: str, quiet: bool, as_docx: bool = False) -> dict:
    drafts = [json.loads(x) for x in DRAFTS.read_text("utf-8").splitlines() if x.strip()]
    results = {}
    for name in ("dev", "test"):
        if split not in ("all", name):
            continue
        chosen = [d for d in drafts if d["split"] == name]
        pairs, wrong, type_ok, dir_total, dir_ok = [], [], 0, 0, 0
        t0 = time.perf_counter()
        for d in chosen:
            doc = load_draft(d, as_docx)
            report = check_document(doc)
            got = report.attribute.suggested
            pairs.append((d["expected"], got))
            if got != d["expected"]:
                wrong.append((d, report))
            s = parse_structure(doc)
            if _same_type(d["doc_type"], s.doc_type) or _same_type(d["doc_type"], s.carried_type):
                type_ok += 1
            want_dir = next((t for t in d["tags"] if t in ("上行", "平行", "下行")), None)
            if want_dir:
                dir_total += 1
                dir_ok += s.direction == want_dir
        elapsed = time.perf_counter() - t0
        n = len(chosen)
        agree = sum(e == g for e, g in pairs)
        print(f"== {name}{' (rendered to .docx and read back)' if as_docx else ''}: {n} drafts, agreement {agree}/{n} = {agree / n:.1%}  "
              f"(文种 {type_ok}/{n}, 方向 {dir_ok}/{dir_total}; {n / elapsed:.0f} docs/s)")
        print(confusion(pairs))
        if wrong:
            print(f"-- wrong answers ({len(wrong)}):")
        for d, report in wrong:
            a = report.attribute
            print(f"  {d['id']} [{d['doc_type']}, {'/'.join(d['tags'])}] expected {d['expected']}, "
                  f"suggested {a.suggested} ({a.confidence:.2f})")
            if not quiet:
                for r in a.reasons:
                    print(f"      · {r.text} 〔{r.basis}〕")
        print()
        results[name] = agree / n
    return results


def strip_labels(body: str) -> str:
    return "\n".join(x for x in body.split("\n") if x.strip() not in LABEL_LINES)


def evaluate_govcn(quiet: bool) -> None:
    if not GOVCN.exists():
        print(f"(skipped: {GOVCN} not found)")
        return
    docs = [json.loads(x) for x in GOVCN.read_text("utf-8").splitlines() if x.strip()]
    suggested = Counter()
    printed = recovered = false_labels = 0
    others = []
    for d in docs:
        full = Document.from_text(d["body"], path=d["id"])
        s = parse_structure(full)
        want = d.get("printed_annotation")
        got = s.label.raw if s.label else None
        if want:
            printed += 1
            recovered += got == want
        elif got:
            false_labels += 1
        if want and got != want:
            print(f"  label mismatch {d['id']}: printed {want!r}, parsed {got!r}")
        report = check_document(Document.from_text(strip_labels(d["body"]), path=d["id"]))
        suggested[report.attribute.suggested] += 1
        if report.attribute.suggested != "主动公开":
            others.append((d, report))
    n = len(docs)
    print(f"== govcn-2019: {n} published documents, label lines removed")
    print(f"suggestion 主动公开: {suggested['主动公开']}/{n} = {suggested['主动公开'] / n:.1%}  ({dict(suggested)})")
    for d, report in others:
        r = report.attribute.reasons[0]
        print(f"  {d['title']} -> {report.attribute.suggested}: {r.text}" if not quiet else f"  {d['title']}")
    print(f"printed labels recovered exactly: {recovered}/{printed}; labels found where none printed: {false_labels}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--quiet", action="store_true", help="wrong answers without their reasons")
    ap.add_argument("--no-govcn", action="store_true")
    ap.add_argument("--docx", action="store_true", help="render each draft to .docx and read it back first")
    args = ap.parse_args(argv)
    evaluate_drafts(args.split, args.quiet, args.docx)
    if not args.no_govcn:
        evaluate_govcn(args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
