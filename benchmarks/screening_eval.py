"""Per-kind precision and recall of the personal-data rules (D101–D110) on the labelled set,
and the false positives on 60 published State Council documents.

    python3 benchmarks/data/make_eval.py            # (re)generate the labelled set, fixed seed
    PYTHONPATH=src python3 benchmarks/screening_eval.py [--split test|dev] [--errors N]

A gold span counts as found when a finding of the same kind overlaps it; a finding that
overlaps no gold span of its kind is a false positive (near-miss negatives it hits are listed
by kind). Values are printed masked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from gongkai import Config  # noqa: E402
from gongkai.api import check_document  # noqa: E402
from gongkai.engine import Runner, default_registry  # noqa: E402
from gongkai.models import Block, Document  # noqa: E402
from gongkai.masking import mask  # noqa: E402

KINDS = ("id_card", "mobile", "landline", "bank_card", "email", "passport", "license_plate", "person_name",
         "address", "health_info")
TARGETS = {k: (0.95, 0.98) for k in KINDS[:7]} | {"person_name": (0.85, 0.90), "address": (0.85, 0.90)}
GOVCN = Path("/work/shared/data/govcn-2019/documents.jsonl")


def to_document(rec: dict) -> Document:
    doc = Document(path=rec["id"])
    counters: Counter = Counter()
    for b in rec["blocks"]:
        key = "body" if b["part"] in ("body", "table") else b["part"]
        doc.add_block(Block(text=b["text"], part=b["part"], paragraph=counters[key], table=b["table"],
                            row=b["row"], col=b["col"]))
        counters[key] += 1
    return doc


def via_docx(rec: dict) -> tuple[Document, dict]:
    """Render the record as a real .docx (DocxBuilder), read it back with the product's reader,
    and carry the gold spans over to the blocks read (matched by part and text, in order)."""
    from gongkai.formats import read_bytes
    from gongkai.formats.compose import DocxBuilder

    b = DocxBuilder()
    last_p = None
    tables: dict[int, list[list[str]]] = {}
    order = []
    for blk in rec["blocks"]:
        part = blk["part"]
        if part == "body":
            last_p = b.paragraph(blk["text"])
            order.append(("p", last_p))
        elif part == "table":
            rows = tables.setdefault(blk["table"], [])
            if blk["table"] not in [o[1] for o in order if o[0] == "t"]:
                order.append(("t", blk["table"]))
                # tables are appended after the preceding paragraph, as in the record
                b.doc.add_paragraph()  # placeholder replaced below
            while len(rows) <= blk["row"]:
                rows.append([])
            rows[blk["row"]].append(blk["text"])
        elif part == "header":
            b.header(blk["text"])
        elif part == "footer":
            b.footer(blk["text"])
        elif part == "footnote":
            b.footnote(last_p, blk["text"])
        elif part == "comment":
            b.comment(last_p, blk["text"])
        elif part == "textbox":
            b.textbox(blk["text"])
    # python-docx appends tables at the end of the body; put each where its placeholder stands
    body = b.doc.element.body
    placeholders = [p for p in body.iterchildren() if p.tag.endswith("}p") and not "".join(p.itertext())]
    for (kind, t), ph in zip([o for o in order if o[0] == "t"], placeholders):
        rows = tables[t]
        tbl = b.table(rows)
        ph.addprevious(tbl._tbl)
        body.remove(ph)
    doc = read_bytes(b.to_bytes(), rec["id"] + ".docx")
    # align: per part, record blocks in order against read blocks in order
    queues: dict[str, list[int]] = {}
    for i, blk in enumerate(rec["blocks"]):
        queues.setdefault(blk["part"], []).append(i)
    mapping: dict[int, int] = {}
    for rb in doc.blocks:
        q = queues.get(rb.part)
        while q and rec["blocks"][q[0]]["text"] != rb.text and rb.text:
            if not any(rec["blocks"][j]["text"] == rb.text for j in q):
                break
            q.pop(0)
        if q and rec["blocks"][q[0]]["text"] == rb.text:
            mapping[q.pop(0)] = rb.index
    moved = dict(rec)
    moved["spans"] = [dict(s, block=mapping[s["block"]]) for s in rec["spans"] if s["block"] in mapping]
    moved["negatives"] = [dict(n, block=mapping[n["block"]]) for n in rec["negatives"] if n["block"] in mapping]
    moved["lost"] = len(rec["spans"]) - len(moved["spans"])
    return doc, moved


def runner() -> Runner:
    return Runner(default_registry(), Config(select=("D1",)))


def evaluate(path: Path, show_errors: int, docx: bool = False) -> dict:
    run = runner()
    tp, fn, fp = Counter(), Counter(), Counter()
    neg_hits, neg_total = Counter(), Counter()
    errors = defaultdict(list)
    chars = 0
    t0 = time.perf_counter()
    lost = 0
    for line in path.open(encoding="utf-8"):
        rec = json.loads(line)
        if docx:
            doc, rec = via_docx(rec)
            lost += rec["lost"]
        else:
            doc = to_document(rec)
        chars += doc.chars
        findings = [f for f in check_document(doc, run.config, runner=run).findings if f.sensitive]
        gold = defaultdict(list)
        for s in rec["spans"]:
            gold[(s["block"], s["kind"])].append((s["start"], s["end"]))
        for s in rec["spans"]:
            hit = any(f.kind == s["kind"] and f.location.block == s["block"] and f.location.start < s["end"]
                      and s["start"] < f.location.end for f in findings)
            (tp if hit else fn)[s["kind"]] += 1
            if not hit:
                errors["miss " + s["kind"]].append(_show(doc, s["block"], s["start"], s["end"], s["kind"]))
        for f in findings:
            loc = f.location
            if not any(a < loc.end and loc.start < b for a, b in gold.get((loc.block, f.kind), ())):
                fp[f.kind] += 1
                errors["false " + f.kind].append(_show(doc, loc.block, loc.start, loc.end, f.kind))
        for n in rec["negatives"]:
            neg_total[n["kind"]] += 1
            if any(f.location.block == n["block"] and f.location.start < n["end"] and n["start"] < f.location.end
                   for f in findings):
                neg_hits[n["kind"]] += 1
    seconds = time.perf_counter() - t0
    print(f"\n== {path.name}{' rendered as .docx and read back' if docx else ''}: "
          f"{sum(tp.values()) + sum(fn.values())} gold spans{f' ({lost} not carried over)' if lost else ''}, "
          f"{sum(neg_total.values())} near-miss negatives, {chars} characters, {seconds:.1f} s")
    print(f"{'kind':<14}{'gold':>6}{'found':>7}{'false':>7}{'recall':>8}{'precision':>10}  target (R/P)")
    ok_all = True
    for k in KINDS:
        g = tp[k] + fn[k]
        rec_ = tp[k] / g if g else float("nan")
        prec = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
        target = TARGETS.get(k)
        verdict = ""
        if target:
            ok = g and rec_ >= target[0] and prec >= target[1]
            ok_all &= bool(ok)
            verdict = f"  ≥{target[0]:.2f}/≥{target[1]:.2f} {'ok' if ok else 'MISSED'}"
        print(f"{k:<14}{g:>6}{tp[k]:>7}{fp[k]:>7}{rec_:>8.3f}{prec:>10.3f}{verdict}")
    T, F, P = sum(tp.values()), sum(fn.values()), sum(fp.values())
    print(f"{'all':<14}{T + F:>6}{T:>7}{P:>7}{T / (T + F):>8.3f}{T / (T + P):>10.3f}")
    print("near-miss negatives flagged: " + ", ".join(f"{k} {neg_hits[k]}/{neg_total[k]}" for k in sorted(neg_total)))
    if show_errors:
        for key in sorted(errors):
            print(f"-- {key} ({len(errors[key])})")
            for e in errors[key][:show_errors]:
                print("   " + e)
    return {"ok": ok_all}


def _show(doc: Document, block: int, start: int, end: int, kind: str) -> str:
    b = doc.blocks[block]
    text = b.text
    return f"[{b.part}] {text[max(0, start - 14):start]}⟦{mask(text[start:end], kind)}⟧{text[end:end + 8]}"


def govcn_false_positives() -> None:
    if not GOVCN.exists():
        print(f"\n(skipped: {GOVCN} not found)")
        return
    run = runner()
    docs = [json.loads(line) for line in GOVCN.open(encoding="utf-8")]
    total = 0
    chars = 0
    print(f"\n== published documents ({GOVCN.parent.name}, {len(docs)} documents): personal-data findings")
    for d in docs:
        doc = Document.from_text(d["body"], path=d["id"])
        chars += doc.chars
        for f in check_document(doc, run.config, runner=run).findings:
            if not f.sensitive:
                continue
            total += 1
            why = ", ".join(f"{k}={v}" for k, v in f.explanation.items() if k != "confidence")
            print(f"  {d['id']} {f.rule} {f.kind} {_show(doc, f.location.block, f.location.start, f.location.end, f.kind)}"
                  f"  ({why}; confidence {f.confidence:.2f})")
    print(f"  {total} findings in {chars} characters ({total / chars * 10000:.2f} per 10,000 characters)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["test", "dev", "both"], default="test")
    ap.add_argument("--errors", type=int, default=0, help="show N examples of each kind of error")
    ap.add_argument("--no-govcn", action="store_true")
    ap.add_argument("--docx", action="store_true", help="render each document as .docx and read it back first")
    args = ap.parse_args()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    for s in splits:
        path = HERE / "data" / f"eval_{s}.jsonl"
        if not path.exists():
            sys.exit(f"{path} missing: run python3 benchmarks/data/make_eval.py first")
        evaluate(path, args.errors, args.docx)
    if not args.no_govcn:
        govcn_false_positives()


if __name__ == "__main__":
    main()
