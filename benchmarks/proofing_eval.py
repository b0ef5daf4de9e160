"""Typo stage (T1xx) figures: precision/recall on held-out odw sentences, false alarms on published text, speed.

    PYTHONPATH=src python3 benchmarks/proofing_eval.py [--data /work/shared/data] [--no-list]
    GONGKAI_TYPO_MODEL=/tmp/tuning/typo_model.npz PYTHONPATH=src python3 benchmarks/proofing_eval.py --tune-only [--fold A:B]

``--tune-only`` prints only what parameters may be chosen on (the odw tune part, or the lines a
``build_typo_model.py --tuning --fold A:B`` model held out, and govcn ids ≡ 2 mod 4), with the
tuning model GONGKAI_TYPO_MODEL names: no figure of a held-out test part.

* odw.train is DEVELOPMENT data. Every threshold and parameter (PARAMS in
  tools/build_typo_model.py) was chosen with a model built from its lines 0–999 (n-gram counts
  from the corrected side; the wrong→right character and two-character confusions from both
  sides; ``build_typo_model.py --tuning`` builds it again), measured on lines 1000–1299 (and
  govcn, below). The shipped model is then built the same way from lines 0–1299 with those
  parameters. The figures below are on lines 1300–1719 after dropping every sentence that
  shares a 12-character string with any line of 0–1299 (odw.train repeats many sentences), so
  no model has seen them and nothing was chosen on them. Tune-part figures are printed too:
  with the shipped model they are CONTAMINATED (it was built on them); run with a --tuning
  model for the figures the parameters were chosen on.
* Sentence level: a sentence is *detected* when the typo rules flag it; *strict* detection
  requires the flagged characters to be exactly the erroneous ones; correction accuracy is the
  share of strictly detected sentences whose suggestions give the corrected sentence.
* govcn-2019: the tuning model was built from the odd-numbered documents; the 30 even-numbered
  ones are held out, split into the 15 never used for anything (ids ≡ 0 mod 4) — the figure
  that counts — and the 15 on which the T110 parameters were tuned (ids ≡ 2 mod 4), which the
  shipped model is built on too; every document and every finding is listed. The figures over
  the build documents and the tuning quarter are printed too but are contaminated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from build_typo_model import govcn_splits, odw_splits  # noqa: E402

from gongkai import Config  # noqa: E402
from gongkai.engine import Runner, default_registry  # noqa: E402
from gongkai.models import Document  # noqa: E402
from gongkai.proofing import lm  # noqa: E402

TYPO_CODES = ("T101", "T102", "T110")  # kind "typo": what ECSpell's labels measure
USAGE_CODES = ("T103", "T104", "T105")  # word usage: reported, not scored against ECSpell


def typo_positions(doc: Document, findings) -> dict[int, str]:
    """Character position → suggested character, for typo findings on a one-block document."""
    out: dict[int, str] = {}
    for f in findings:
        s, e = f.location.start, f.location.end
        wrong = f.text
        right = f.suggestion or ""
        if len(wrong) == len(right):
            for k, (a, b) in enumerate(zip(wrong, right)):
                if a != b:
                    out[s + k] = b
        else:
            for k in range(s, e):
                out[k] = "?"
    return out


def evaluate(rows, runner: Runner, label: str) -> dict:
    err = clean = flagged = flagged_clean = detected_any = strict_tp = corrected = 0
    chars = 0
    t0 = time.perf_counter()
    for _, src, tgt in rows:
        doc = Document.from_text(src)
        findings = [f for f in runner.run(doc)[0] if f.rule in TYPO_CODES]
        chars += len(src)
        pos = typo_positions(doc, findings)
        is_err = src != tgt
        gold = {i for i, (a, b) in enumerate(zip(src, tgt)) if a != b} if len(src) == len(tgt) else None
        if is_err:
            err += 1
        else:
            clean += 1
        if pos:
            flagged += 1
            if not is_err:
                flagged_clean += 1
            else:
                detected_any += 1
                if gold is not None and set(pos) == gold:
                    strict_tp += 1
                    if all(tgt[i] == c for i, c in pos.items()):
                        corrected += 1
    elapsed = time.perf_counter() - t0
    r = {
        "label": label, "sentences": len(rows), "with_errors": err, "clean": clean, "flagged": flagged,
        "P": detected_any / flagged if flagged else 0.0, "R": detected_any / err if err else 0.0,
        "P_strict": strict_tp / flagged if flagged else 0.0, "R_strict": strict_tp / err if err else 0.0,
        "correction_acc": corrected / strict_tp if strict_tp else 0.0,
        "false_alarm_rate": flagged_clean / clean if clean else 0.0, "false_alarms": flagged_clean,
        "chars_per_s": chars / elapsed if elapsed else 0.0,
    }
    return r


def show(r: dict) -> None:
    print(f"\n[{r['label']}] {r['sentences']} sentences ({r['with_errors']} with errors, {r['clean']} clean)")
    print(f"  sentence detection  P {r['P']:.3f}  R {r['R']:.3f}   (flagged sentence has an error)")
    print(f"  strict detection    P {r['P_strict']:.3f}  R {r['R_strict']:.3f}   (flagged characters = erroneous ones)")
    print(f"  correction accuracy {r['correction_acc']:.3f}   (of strictly detected sentences)")
    print(f"  false alarms on clean sentences: {r['false_alarms']}/{r['clean']} = {r['false_alarm_rate']:.1%}")


def govcn(docs, runner: Runner, label: str, listing: bool) -> tuple[int, int, float]:
    chars = typo = usage = 0
    elapsed = 0.0
    lines = []
    per_doc = []
    for d in docs:
        before = (typo, usage)
        doc = Document.from_text(d["body"], path=d["id"])
        t0 = time.perf_counter()
        findings = runner.run(doc)[0]
        elapsed += time.perf_counter() - t0
        chars += doc.chars
        for f in findings:
            if f.rule in TYPO_CODES:
                typo += 1
            elif f.rule in USAGE_CODES:
                usage += 1
            else:
                continue
            text = doc.blocks[f.location.block].text
            a, b = max(0, f.location.start - 12), f.location.end + 12
            lines.append(f"    {d['id']} {f.rule} {f.text}→{f.suggestion}  …{text[a:b]}…")
        per_doc.append(f"    {d['id']}  {doc.chars:6,} chars  typo {typo - before[0]}  usage {usage - before[1]}  "
                       f"{d['title'][:40]}")
    print(f"\n[{label}] {len(docs)} documents, {chars:,} characters")
    print(f"  typo findings (T101/T102/T110): {typo} = {typo / chars * 10000:.2f} per 10,000 characters")
    print(f"  word-usage findings (T103-T105): {usage} = {usage / chars * 10000:.2f} per 10,000 characters")
    if listing:
        print("  per document:")
        print("\n".join(per_doc))
        print("  findings:")
        print("\n".join(lines) if lines else "    (none)")
    return chars, typo, elapsed


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--no-list", action="store_true", help="do not list the govcn findings")
    ap.add_argument("--tune-only", action="store_true",
                    help="only the parts parameters may be chosen on (odw tune part, govcn ids ≡ 2 mod 4), with no "
                         "figure of the held-out test parts; use with GONGKAI_TYPO_MODEL=<a --tuning model>")
    ap.add_argument("--fold", default=None, metavar="A:B",
                    help="with --tune-only: the odw.train lines the tuning model held out (build_typo_model.py --fold)")
    args = ap.parse_args(argv)
    if args.tune_only:
        return tune_only(args)

    reg = default_registry()
    typo_runner = Runner(reg, Config(select=TYPO_CODES))
    all_runner = Runner(reg, Config(select=("T1",)))
    # warm up: lexicons and the model load once per process; report that cost separately
    t0 = time.perf_counter()
    typo_runner.run(Document.from_text("预热：加载词表与模型。"))
    print(f"lazy load of lexicons + n-gram model + jieba dictionary: {time.perf_counter() - t0:.2f} s")

    splits = odw_splits(args.data)
    print("\nodw.train is development data: figures on its held-out part (not built or tuned on; no shared "
          "12-character string with lines 0-1299)")
    show(evaluate(splits["test"], typo_runner, "odw held-out test (lines 1300-1719, de-duplicated)"))
    show(evaluate(splits["tune"], typo_runner, "odw tune part (lines 1000-1299, used to choose thresholds; CONTAMINATED for the shipped model, "
                                             "which was built on lines 0-1299)"))

    g = govcn_splits(args.data)
    quarter = lambda d: int(d["id"].split("-")[1]) % 4  # noqa: E731
    govcn([d for d in g["held"] if quarter(d) == 0], all_runner,
          "govcn-2019 held-out, ids ≡ 0 (mod 4): never used for building or tuning", not args.no_list)
    govcn([d for d in g["held"] if quarter(d) == 2], all_runner,
          "govcn-2019 held-out, ids ≡ 2 (mod 4): the T110 parameters were tuned on them (CONTAMINATED for the "
          "shipped model, which was built on them too)",
          not args.no_list)
    govcn(g["held"], all_runner, "govcn-2019 held-out half (even ids, both quarters above)", False)
    govcn(g["build"], all_runner, "govcn-2019 build half (odd ids; CONTAMINATED: the model was built on them)",
          not args.no_list)

    docs = [Document.from_text(d["body"]) for d in g["held"] + g["build"]]
    total = sum(d.chars for d in docs)
    for label, runner in (("typo stage T101/T102/T110", typo_runner), ("all T1xx rules", all_runner),
                          ("lexicons only T101-T105", Runner(reg, Config(select=("T101", "T102", "T103", "T104", "T105"))))):
        lm.clear_caches()  # T110 keeps results per text: time it on texts it has not seen
        t0 = time.perf_counter()
        for d in docs:
            runner.run(d)
        el = time.perf_counter() - t0
        print(f"\nthroughput, {label}: {total / el:,.0f} chars/s ({total:,} characters of govcn-2019, 60 documents)")
    matcher_comparison([b.text for d in docs for b in d.blocks])


def tune_only(args) -> None:
    """Figures of the tuning parts only: what T110's parameters are chosen on while developing."""
    import os

    reg = default_registry()
    typo_runner = Runner(reg, Config(select=TYPO_CODES))
    all_runner = Runner(reg, Config(select=("T1",)))
    print(f"model: {os.environ.get(lm.MODEL_ENV) or 'shipped (CONTAMINATED for the tune part)'}")
    fold = tuple(int(x) for x in args.fold.split(":")) if args.fold else None
    splits = odw_splits(args.data, fold)
    a, b = fold or (1000, 1300)
    show(evaluate(splits["tune"], typo_runner, f"odw tune part (lines {a}-{b - 1})"))
    g = govcn_splits(args.data)
    govcn([d for d in g["held"] if int(d["id"].split("-")[1]) % 4 == 2], all_runner,
          "govcn-2019 held-out, ids ≡ 2 (mod 4): the tuning quarter", not args.no_list)


def naive_hits(lex, text: str) -> int:
    """The same matching without Aho–Corasick: str.find per entry (for the comparison below)."""
    found = 0
    for e in lex.entries:
        i = text.find(e.wrong)
        while i != -1:
            if e.applies(text, i, i + len(e.wrong)):
                found += 1
            i = text.find(e.wrong, i + 1)
    return found


def matcher_comparison(texts: list[str]) -> None:
    from gongkai.proofing import lexicon as lx

    lexicons = [lx.builtin(n) for n in ("typos", "idioms", "usage", "variants", "terms")]
    entries = sum(len(lex.entries) for lex in lexicons)
    chars = sum(len(t) for t in texts)
    t0 = time.perf_counter()
    for lex in lexicons:
        for t in texts:
            lex.find(t)
    ac = time.perf_counter() - t0
    t0 = time.perf_counter()
    for lex in lexicons:
        for t in texts:
            naive_hits(lex, t)
    nv = time.perf_counter() - t0
    print(f"\nlexicon matching, {entries} entries over {chars:,} characters: pyahocorasick "
          f"{chars / ac:,.0f} chars/s, str.find per entry {chars / nv:,.0f} chars/s ({nv / ac:.1f}x)")


if __name__ == "__main__":
    main()
