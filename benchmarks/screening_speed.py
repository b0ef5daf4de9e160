"""Personal-data screening throughput and recall, gongkai (D101–D110) beside Microsoft Presidio.

    pip install -e .[bench]     # presidio-analyzer, benchmark only
    PYTHONPATH=src python3 benchmarks/screening_speed.py [--repeat 3]

Both sides read the same paragraphs (one Presidio ``analyze`` call per paragraph, as DESIGN §6
advises for Chinese; gongkai runs its D1xx rules over the same paragraphs as one Document).
Presidio runs on a blank spaCy ``zh`` pipeline with the jieba segmenter (no model download) and
pattern recognizers equivalent to gongkai's: the same regular expressions, the same validators
(GB 11643 checksum, Luhn) and Chinese context words. It has no NER model for Chinese, so its
names come from a role-word pattern (申请人…张三). Corpora: the labelled test split (dense
personal data, recall measured on it) and the 60 published govcn-2019 documents (ordinary
公文 text, the realistic case). spaCy loading is timed separately for both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from gongkai import Config, memo  # noqa: E402
from gongkai.api import GROUP  # noqa: E402
from gongkai.engine import Runner, default_registry  # noqa: E402
from gongkai.models import Document  # noqa: E402
from gongkai.screening import personal_data as pd  # noqa: E402
from gongkai.screening.context import lexicon  # noqa: E402
from gongkai.screening.validators import gb11643_valid, luhn_valid  # noqa: E402
from screening_eval import GOVCN, to_document  # noqa: E402

ENTITY_KIND = {"CN_ID_CARD": "id_card", "CN_MOBILE": "mobile", "CN_LANDLINE": "landline", "CN_BANK_CARD": "bank_card",
               "EMAIL": "email", "CN_PASSPORT": "passport", "CN_PLATE": "license_plate", "CN_PERSON": "person_name",
               "CN_ADDRESS": "address"}


def presidio_analyzer():
    """An AnalyzerEngine with Chinese pattern recognizers on a blank spaCy zh + jieba pipeline."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class Validated(PatternRecognizer):
        def __init__(self, *a, check=None, **kw):
            super().__init__(*a, **kw)
            self._check = check

        def validate_result(self, pattern_text):
            return self._check(pattern_text) if self._check else None

    lex = lexicon()
    surnames = "".join(sorted(lex.surnames))
    roles = "|".join(sorted(lex.role_words, key=len, reverse=True))
    recognizers = [
        Validated("CN_ID_CARD", patterns=[Pattern("id18", pd.ID18.pattern, 0.5)], context=["身份证", "身份号码", "证件号"],
                  supported_language="zh", check=lambda v: gb11643_valid(v.replace(" ", ""))),
        Validated("CN_MOBILE", patterns=[Pattern("mobile", pd.MOBILE.pattern, 0.5)], context=["电话", "手机", "联系"],
                  supported_language="zh"),
        Validated("CN_LANDLINE", patterns=[Pattern("landline", pd.LANDLINE.pattern, 0.3)], context=["电话", "座机"],
                  supported_language="zh"),
        Validated("CN_BANK_CARD", patterns=[Pattern("bank", pd.BANK.pattern, 0.4)], context=["卡号", "账号", "银行"],
                  supported_language="zh", check=lambda v: luhn_valid(v) and not gb11643_valid(v)),
        Validated("EMAIL", patterns=[Pattern("email", pd.EMAIL.pattern, 0.6)], context=["邮箱"], supported_language="zh"),
        Validated("CN_PASSPORT", patterns=[Pattern("passport", pd.PASSPORT.pattern, 0.3)], context=["护照", "通行证"],
                  supported_language="zh"),
        Validated("CN_PLATE", patterns=[Pattern("plate", pd.PLATE.pattern, 0.5)], context=["车牌", "号牌"],
                  supported_language="zh"),
        Validated("CN_PERSON", patterns=[Pattern("role_name", rf"(?<=(?:{roles})[：:]?)[{surnames}]\p{{Han}}{{1,2}}", 0.6)],
                  supported_language="zh"),
        Validated("CN_ADDRESS", patterns=[Pattern("address", pd.ADDRESS.pattern, 0.4)], context=["住址", "家住", "地址"],
                  supported_language="zh"),
    ]
    registry = RecognizerRegistry(supported_languages=["zh"])
    for r in recognizers:
        registry.add_recognizer(r)
    engine = SpacyNlpEngine(models=[{"lang_code": "zh", "model_name": "blank-zh-jieba"}])
    engine.nlp = {"zh": spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})}
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["zh"])


def corpora():
    test = [json.loads(line) for line in (HERE / "data" / "eval_test.jsonl").open(encoding="utf-8")]
    out = {"labelled test split": [(to_document(r), r) for r in test]}
    if GOVCN.exists():
        docs = [json.loads(line) for line in GOVCN.open(encoding="utf-8")]
        out["govcn-2019 published"] = [(Document.from_text(d["body"], path=d["id"]), None) for d in docs]
    return out


def recall(found: list[tuple[str, int, int, int, str]], records) -> tuple[int, int]:
    """(found, total) gold spans, a gold span counting when an overlapping finding has its kind."""
    hit = total = 0
    by_doc: dict[str, list] = {}
    for doc_id, block, s, e, kind in found:
        by_doc.setdefault(doc_id, []).append((block, s, e, kind))
    for rec in records:
        for g in rec["spans"]:
            if g["kind"] == "health_info":
                continue  # Presidio has no recognizer for it; compare like with like
            total += 1
            hit += any(b == g["block"] and k == g["kind"] and s < g["end"] and g["start"] < e
                       for b, s, e, k in by_doc.get(rec["id"], ()))
    return hit, total


_RUNNER = None


def run_gongkai(items, cold: bool = False, group: int = GROUP):
    """The D1xx rules over each document (the screening itself, without report assembly).

    Documents go ``group`` at a time through ``Runner.run_many``, as ``gongkai check`` hands
    them to ``check_documents``; ``group=1`` checks them one by one (run_many of one document is
    ``Runner.run``), as each worker of ``gongkai batch`` does.

    ``cold``: first empty every cache that results of earlier rounds fill (names per paragraph
    text, name and header words, ID check digits: gongkai.memo.clear_all), so that no
    paragraph, word or number has been seen before. ``main`` empties them before its clock
    starts instead (:func:`interleaved`'s set-up): emptying caches is not screening, and a
    new process has nothing to empty.
    """
    global _RUNNER
    runner = _RUNNER = _RUNNER or Runner(default_registry(), Config(select=("D1",)))
    if cold:
        memo.clear_all()
    found = []
    docs = [doc for doc, _ in items]
    results = [f for i in range(0, len(docs), group) for f, _ in runner.run_many(docs[i:i + group])]
    for doc, findings in zip(docs, results):
        for f in findings:
            if f.sensitive:
                found.append((doc.path, f.location.block, f.location.start, f.location.end, f.kind))
    return found


def run_presidio(analyzer, items):
    found = []
    for doc, rec in items:
        for b in doc.blocks:
            if not b.text.strip():
                continue
            for r in analyzer.analyze(b.text, language="zh", score_threshold=0.5):
                kind = ENTITY_KIND.get(r.entity_type)
                if kind:
                    found.append((doc.path, b.index, r.start, r.end, kind))
    return found


def interleaved(fns, repeat, setups=None):
    """Each function's times over ``repeat`` alternating rounds (a shared machine's load hits all).

    Returns (best time of each, last output of each, every round's times of each).
    ``setups[i]``, when given and not None, runs before ``fns[i]`` each round, off the clock.
    """
    rounds = [[] for _ in fns]
    outs = [None] * len(fns)
    setups = setups or [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            if setups[i] is not None:
                setups[i]()
            t0 = time.perf_counter()
            outs[i] = fn()
            rounds[i].append(time.perf_counter() - t0)
    return [min(r) for r in rounds], outs, rounds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from gongkai.screening import names

    t0 = time.perf_counter()
    names.pipeline()
    load_gongkai = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        analyzer = presidio_analyzer()
        analyzer.analyze("申请人张三，电话13885811234", language="zh")
        load_presidio = time.perf_counter() - t0
    except ImportError as exc:
        analyzer = None
        print(f"presidio-analyzer not importable ({exc}); install the bench extra: pip install -e .[bench]")
    print(f"start-up: gongkai name pipeline (spaCy zh + jieba, built once per process) {load_gongkai:.2f} s"
          + (f"; Presidio analyzer {load_presidio:.2f} s (built afterwards, spaCy and jieba already loaded)"
             if analyzer else ""))
    print("gongkai caches results by text (names per paragraph; name words, header cells, ID numbers): '1st pass'\n"
          "is the best of rounds that each start with every cache empty (repeats inside the corpus still hit),\n"
          "'chars/s' the best of rounds right after one\n"
          f"(paragraphs seen before); documents {GROUP} at a time (as gongkai check), '1st, 1 doc' one by one (as\n"
          f"each gongkai batch worker); {args.repeat} rounds each, interleaved with Presidio's; ratios against"
          " Presidio's best,\n'1st, pairs' the median over rounds of Presidio's time over the first pass's in the"
          " same round\n(a load burst on the shared machine slows both sides of a round, where a best-of ratio"
          " takes each side's luckiest round)")
    print(f"{'corpus':<24}{'chars':>9}  {'1st pass':>10}{'gongkai chars/s':>16}{'Presidio chars/s':>18}{'ratio':>7}"
          f"{'1st ratio':>10}{'1st, pairs':>11}{'1st, 1 doc':>11}  recall gongkai / Presidio")
    for name, items in corpora().items():
        chars = sum(d.chars for d, _ in items)
        # first passes: every cache emptied before the clock starts (memo.clear_all as set-up)
        fns = [lambda: run_gongkai(items), lambda: run_gongkai(items), lambda: run_gongkai(items, group=1)]
        setups = [memo.clear_all, None, memo.clear_all]
        fns += [lambda: run_presidio(analyzer, items)] if analyzer else []
        setups += [None] if analyzer else []
        run_gongkai(items)  # warm up (rule set, lexicons, compiled patterns) once per process
        times, outs, rounds = interleaved(fns, args.repeat, setups)
        first, tg, single, found_g = times[0], times[1], times[2], outs[1]
        assert outs[0] == found_g == outs[2]
        line = f"{name:<24}{chars:>9}  {chars / first:>10,.0f}{chars / tg:>16,.0f}"
        records = [r for _, r in items if r is not None]
        if analyzer is not None:
            tp, found_p = times[3], outs[3]
            paired = statistics.median(p / g for p, g in zip(rounds[3], rounds[0]))
            line += (f"{chars / tp:>18,.0f}{tp / tg:>7.1f}×{tp / first:>9.1f}×{paired:>10.1f}×"
                     f"{tp / single:>10.1f}×")
        else:
            line += f"{'':>44}{chars / single:>11,.0f}"
        if records:
            hg, total = recall(found_g, records)
            line += f"  {hg / total:.3f}"
            if analyzer is not None:
                hp, _ = recall(found_p, records)
                line += f" / {hp / total:.3f}"
        else:
            line += f"  findings: gongkai {len(found_g)}" + (f", Presidio {len(found_p)}" if analyzer else "")
        print(line)


if __name__ == "__main__":
    main()
