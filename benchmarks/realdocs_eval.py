"""How right the tool is on real published documents: the hand-judged labels of issue #16.

    PYTHONPATH=src python3 benchmarks/realdocs_eval.py [--data DIR] [--files 'sh-*'] [--json] [--list]

Runs the current tool in-process on every labelled file of the data directory (default: the
first ``shared/data/realdocs-dev`` found beside the repository or one of its parents, or
``$GONGKAI_REALDOCS``) and matches its findings to the labels in
``benchmarks/data/realdocs/labels/`` (format: ``benchmarks/data/realdocs/README.md``).

A current finding takes the verdict of the label with the same (rule, part, paragraph, start,
end), else of one with the same (rule, paragraph, text); a finding no label matches is
*unjudged*. A labelled ``tp`` that no current finding matches is a *true finding lost*. A
labelled miss is *caught* when a current finding of its family overlaps the miss's span in its
paragraph (the quote; for a miss of family D, whose quote is the words before the value, the
span runs on to the end of the value: the next punctuation mark, at most 40 characters). Per rule family (the code's letter) it prints findings,
TP, FP, debatable, unjudged, false alarms per 10,000 characters (the manifest characters of
the labelled files evaluated), error-level precision (TP / (TP + FP) of the findings reported
at error level; debatable ones left out), misses caught, personal-data exposures caught
(labelled ``tp`` D findings still reported + personal-data misses caught) and true findings lost.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai.api import check_documents  # noqa: E402
from gongkai.formats import UnreadableDocument, read_path  # noqa: E402
from gongkai.output.render import report_dict  # noqa: E402

LABELS = HERE / "data" / "realdocs" / "labels"
FAMILIES = "ACDFGNPRST"
VERDICTS = ("tp", "fp", "debatable")
#: Where the value of a personal-data miss ends at the latest: its quote is the words before it.
VALUE_END = "，。；;、,\t（）()\n"
VALUE_MAX = 40


def default_data() -> Path | None:
    """``$GONGKAI_REALDOCS``, else the first ``shared/data/realdocs-dev`` beside the repo or a parent of it."""
    if os.environ.get("GONGKAI_REALDOCS"):
        return Path(os.environ["GONGKAI_REALDOCS"])
    for base in ROOT.parents:
        cand = base / "shared" / "data" / "realdocs-dev"
        if cand.is_dir():
            return cand
    return None


def load_labels(labels_dir: Path, pattern: str = "*") -> list[dict]:
    """Every label file whose document name matches ``pattern``, sorted by file name."""
    out = []
    for p in sorted(labels_dir.glob("*.json")):
        lab = json.loads(p.read_text(encoding="utf-8"))
        if fnmatch.fnmatch(lab["file"], pattern) or fnmatch.fnmatch(Path(lab["file"]).stem, pattern):
            for f in lab.get("findings", []):
                if f.get("verdict") not in VERDICTS:
                    raise ValueError(f"{p.name}: 判定须为 tp/fp/debatable：{f.get('rule')} 第{f.get('paragraph')}段")
            out.append(lab)
    return out


def family(rule: str) -> str:
    return rule[:1].upper() if rule else "?"


def match(current: list[dict], labelled: list[dict]) -> tuple[list[tuple[dict, dict | None]], list[dict]]:
    """Pair each current finding (a report-JSON finding dict) with at most one label.

    Returns (current finding, its label or None) pairs and the labels left unpaired.
    Exact place first, then (rule, paragraph, text) for a finding whose offsets moved.
    """
    free = list(range(len(labelled)))
    by_place: dict[tuple, list[int]] = defaultdict(list)
    by_text: dict[tuple, list[int]] = defaultdict(list)
    for i in free:
        lab = labelled[i]
        by_place[(lab["rule"], lab["part"], lab["paragraph"], lab["start"], lab["end"])].append(i)
        by_text[(lab["rule"], lab["paragraph"], lab["text"])].append(i)
    used: set[int] = set()
    pairs: list[tuple[dict, dict | None]] = [(f, None) for f in current]

    def take(candidates: list[int]) -> int | None:
        for i in candidates:
            if i not in used:
                used.add(i)
                return i
        return None

    for k, f in enumerate(current):
        loc = f["location"]
        i = take(by_place.get((f["rule"], loc["part"], loc["paragraph"], loc["start"], loc["end"]), []))
        if i is not None:
            pairs[k] = (f, labelled[i])
    for k, (f, lab) in enumerate(pairs):
        if lab is None:
            i = take(by_text.get((f["rule"], f["location"]["paragraph"], f["text"]), []))
            if i is not None:
                pairs[k] = (f, labelled[i])
    return pairs, [labelled[i] for i in range(len(labelled)) if i not in used]


def miss_span(text: str, miss: dict) -> tuple[int, int] | None:
    """The characters of the paragraph a miss is about, or None when its quote is not there."""
    at = text.find(miss["quote"])
    if at < 0:
        return None
    end = at + len(miss["quote"])
    if miss.get("personal_data") or miss.get("family") == "D":  # the quote is the words before the value
        stop = end
        while stop < len(text) and stop - end < VALUE_MAX and (stop == end or text[stop] not in VALUE_END):
            stop += 1
        end = stop
    return at, end


def overlaps(f: dict, span: tuple[int, int]) -> bool:
    s, e = f["location"]["start"], f["location"]["end"]
    if s == e:
        return span[0] <= s <= span[1]
    return s < span[1] and e > span[0]


@dataclass
class Tally:
    findings: int = 0
    tp: int = 0
    fp: int = 0
    debatable: int = 0
    unjudged: int = 0
    err_tp: int = 0
    err_fp: int = 0
    misses: int = 0
    caught: int = 0
    lost: int = 0

    def as_dict(self, chars: int) -> dict:
        d = dict(self.__dict__)
        d["fp_per_10k"] = round(self.fp * 10_000 / chars, 2) if chars else None
        judged = self.err_tp + self.err_fp
        d["error_precision"] = round(self.err_tp / judged, 3) if judged else None
        return d


@dataclass
class Result:
    chars: int = 0
    files: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    pd_labelled: int = 0
    pd_caught: int = 0
    debatable_rules: Counter = field(default_factory=Counter)
    unjudged: list[dict] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    bad_quotes: list[dict] = field(default_factory=list)

    def total(self) -> Tally:
        t = Tally()
        for tally in self.tallies.values():
            for k in t.__dict__:
                setattr(t, k, getattr(t, k) + getattr(tally, k))
        return t


def evaluate_file(res: Result, label: dict, report: dict, paragraphs: dict[tuple[str, int], str]) -> None:
    """Add one document's comparison to ``res``. ``paragraphs`` maps (part, paragraph) to its text."""
    name = label["file"]
    res.files += 1
    res.chars += int(label.get("chars", 0))
    current = report["findings"]
    pairs, left = match(current, label.get("findings", []))
    # A D finding judged later that lands on a labelled D miss is that miss caught: the miss
    # decides whether it is an exposure (personal_data), so it is not counted a second time.
    d_miss_spans = []
    for m in label.get("misses", []):
        text = _paragraph_text(paragraphs, m["paragraph"]) if m["family"] == "D" else None
        span = miss_span(text, m) if text is not None else None
        if span is not None:
            d_miss_spans.append((m["paragraph"], span))
    for f, lab in pairs:
        t = res.tallies[family(f["rule"])]
        t.findings += 1
        if lab is None:
            t.unjudged += 1
            res.unjudged.append({"file": name, **_brief(f)})
            continue
        verdict = lab["verdict"]
        if verdict == "tp":
            t.tp += 1
            t.err_tp += f["severity"] == "error"
        elif verdict == "fp":
            t.fp += 1
            t.err_fp += f["severity"] == "error"
        else:
            t.debatable += 1
            res.debatable_rules[f["rule"]] += 1
        on_miss = any(f["location"]["paragraph"] == para and overlaps(f, span) for para, span in d_miss_spans)
        if verdict == "tp" and family(f["rule"]) == "D" and not on_miss:
            res.pd_labelled += 1
            res.pd_caught += 1
    for lab in left:
        if lab["verdict"] == "tp":
            res.tallies[family(lab["rule"])].lost += 1
            res.lost.append({"file": name, **_brief(lab)})
            if family(lab["rule"]) == "D":
                res.pd_labelled += 1
    for m in label.get("misses", []):
        fam = m["family"]
        t = res.tallies[fam]
        t.misses += 1
        res.pd_labelled += bool(m.get("personal_data"))
        text = _paragraph_text(paragraphs, m["paragraph"])
        span = miss_span(text, m) if text is not None else None
        if span is None:
            res.bad_quotes.append({"file": name, "paragraph": m["paragraph"], "quote": m["quote"]})
            res.missed.append({"file": name, **m})
            continue
        hit = any(family(f["rule"]) == fam and f["location"]["paragraph"] == m["paragraph"]
                  and f["location"]["part"] in ("body", "table") and overlaps(f, span) for f in current)
        if hit:
            t.caught += 1
            res.pd_caught += bool(m.get("personal_data"))
        else:
            res.missed.append({"file": name, **m})


def _paragraph_text(paragraphs: dict[tuple[str, int], str], index: int) -> str | None:
    for part in ("body", "table"):
        if (part, index) in paragraphs:
            return paragraphs[(part, index)]
    return None


def _brief(f: dict) -> dict:
    loc = f.get("location", f)
    return {"rule": f["rule"], "severity": f.get("severity"), "part": loc["part"], "paragraph": loc["paragraph"],
            "start": loc["start"], "end": loc["end"], "text": f["text"]}


def run(data: Path, labels: list[dict]) -> Result:
    """Check every labelled document of ``data`` with the current tool and compare."""
    res = Result()
    docs = []
    for lab in labels:
        path = data / lab["file"]
        if not path.is_file():
            raise FileNotFoundError(f"{path}：标注所指的文件不存在")
        try:
            docs.append(read_path(path))
        except UnreadableDocument as e:
            raise ValueError(f"{path}：{e.message}") from None
    reports = check_documents(docs) if docs else []
    for lab, doc, report in zip(labels, docs, reports):
        paragraphs = {}
        for b in doc.blocks:
            key = "body" if b.part in ("body", "table") else b.part
            paragraphs.setdefault((key, b.paragraph), b.text)
        evaluate_file(res, lab, report_dict(report), paragraphs)
    return res


def summary(res: Result) -> dict:
    fams = sorted(res.tallies, key=lambda k: (FAMILIES.find(k) if k in FAMILIES else 99, k))
    return {
        "files": res.files,
        "chars": res.chars,
        "families": {k: res.tallies[k].as_dict(res.chars) for k in fams},
        "total": res.total().as_dict(res.chars),
        "personal_data": {"caught": res.pd_caught, "labelled": res.pd_labelled},
        "debatable_by_rule": dict(sorted(res.debatable_rules.items())),
        "unjudged": res.unjudged,
        "lost": res.lost,
        "missed": res.missed,
        "quotes_not_found": res.bad_quotes,
    }


def _fmt(v, digits=2) -> str:
    if v is None:
        return "—"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def print_table(s: dict, listing: bool) -> None:
    print(f"{s['files']} labelled files, {s['chars']} characters (manifest)")
    head = ("family", "findings", "TP", "FP", "unjudged", "FP/10k", "err.prec", "misses caught", "TP lost")
    rows = []
    for fam, d in [*s["families"].items(), ("total", s["total"])]:
        rows.append((fam, d["findings"], d["tp"], d["fp"], d["unjudged"], _fmt(d["fp_per_10k"]),
                     _fmt(d["error_precision"], 3), f"{d['caught']}/{d['misses']}", d["lost"]))
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(r, widths)))
    deb = s["total"]["debatable"]
    by_fam = ", ".join(f"{k} {d['debatable']}" for k, d in s["families"].items() if d["debatable"])
    by_rule = ", ".join(f"{k} {n}" for k, n in s["debatable_by_rule"].items())
    print(f"debatable (neither TP nor FP): {deb}" + (f"  [{by_fam}]  ({by_rule})" if deb else ""))
    pd = s["personal_data"]
    print(f"personal-data exposures caught: {pd['caught']}/{pd['labelled']}")
    if s["quotes_not_found"]:
        print(f"labels whose miss quote is not in its paragraph: {len(s['quotes_not_found'])}")
    if listing:
        for key, title in (("unjudged", "unjudged findings"), ("lost", "true findings lost"),
                           ("missed", "misses not caught"), ("quotes_not_found", "miss quotes not found")):
            if s[key]:
                print(f"\n{title}:")
                for item in s[key]:
                    print("  " + json.dumps(item, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Figures of the current tool on the hand-judged real documents.")
    ap.add_argument("--data", type=Path, default=None, help="the realdocs-dev directory")
    ap.add_argument("--labels", type=Path, default=LABELS, help="the label directory")
    ap.add_argument("--files", default="*", help="glob of document names, e.g. 'sh-*'")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--list", action="store_true", help="list each unjudged, lost and missed item")
    args = ap.parse_args(argv)
    data = args.data or default_data()
    if data is None or not data.is_dir():
        print(f"realdocs_eval：找不到数据目录 {data or 'shared/data/realdocs-dev'}，请用 --data 指定", file=sys.stderr)
        return 2
    try:
        labels = load_labels(args.labels, args.files)
        res = run(data, labels)
    except (OSError, ValueError, KeyError) as e:
        print(f"realdocs_eval：{e}", file=sys.stderr)
        return 2
    if not labels:
        print(f"realdocs_eval：{args.labels} 中没有与 {args.files} 相符的标注", file=sys.stderr)
        return 2
    s = summary(res)
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        print_table(s, args.list)
    return 0


if __name__ == "__main__":
    sys.exit(main())
