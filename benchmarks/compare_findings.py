"""Every finding of every rule, baseline against result (issue #21: the refactor changes no finding).

    PYTHONPATH=src python3 benchmarks/compare_findings.py [--baseline REF] [--result REF]
        [--reasons benchmarks/data/compare_reasons.yaml] [--corpus NAME ...] [--json] [--reveal]

The baseline is a git ref (default: the commit tagged ``issue21-baseline``, given by its full
hash so a clone without tags works); the result is the working tree, or ``--result REF``. A ref
is checked out with ``git worktree add --detach`` into a temporary folder, removed afterwards.

Both versions run through the stable contract only: ``python -m gongkai check --format json
--reveal --fail-on never FILE...`` (the report JSON of DESIGN.md §2, one line per document),
each in its own subprocess with ``PYTHONPATH=<tree>/src``, the same interpreter, the same
working folder and its own empty ``GONGKAI_CACHE_DIR``. ``--reveal`` so spans compare exactly.
Both read the very same files, written once into a temporary folder:

* ``govcn-2019``: the 60 published documents of ``shared/data/govcn-2019/documents.jsonl``,
  each rendered to .docx (``formats.compose.render_text``, as ``benchmarks/read.py`` does),
  checked with ``--refs`` set to the even-numbered ones as .txt, so the reprint rules (R1xx)
  run too;
* ``eval-dev``, ``eval-test``: the labelled personal-data sets ``benchmarks/data/eval_*.jsonl``
  rendered to .docx with every part they carry (body, tables, header, footer, footnote,
  comment, text box), as ``benchmarks/screening_eval.py --docx`` builds them;
* ``attributes``: ``benchmarks/data/attributes/drafts.jsonl``, each draft as .txt
  (``benchmarks/attribute_eval.py`` reads them as text);
* ``ecspell``: the typo benchmark's sentences (the wrong side of ``shared/data/ecspell/odw.train``,
  100 a file, one a paragraph) and ``公文写作.txt``;
* ``realdocs-dev``: ``shared/data/realdocs-dev/*.txt`` as they are;
* ``examples``: ``examples/*.docx`` as they are.

The renderers run once, in a subprocess on the baseline's ``src`` (files the same from one run
to the next whatever the result changes). A corpus whose source is absent (a clone without
``../shared``) is skipped with a note.

A finding is keyed by file, rule code, location (part, paragraph, table/row/col, source, start,
end) and span text; findings sharing a key are told apart by their order. Every other field
(severity, message, suggestion, basis, confidence, kind, explanation, context, the location's
label and quote) is compared: a difference there is *changed*. A finding only in the
baseline and one only in the result of the same rule in the same block, their spans
overlapping, are one *moved* finding (a segmentation change shifting a name's edge). Each document's ``document``
and ``attribute`` objects are compared too, as pseudo-codes ``(document)`` and ``(attribute)``,
and a document one version cannot read as ``(error)``.

The reports of a version given as a ref (the baseline, or ``--result REF``) are kept in
``~/.cache/gongkai-compare`` (``$XDG_CACHE_HOME``), keyed by its commit, every corpus file's
bytes (renderings are dated 1980-01-01 so they come out the same), this script, the
interpreter and the installed packages: the baseline runs once per machine, not at every
comparison. ``--no-cache`` runs it anyway. The working tree is always run.

A difference is *explained* when an entry of the reasons file matches it (format in
``benchmarks/data/compare_reasons.yaml``). Exit 0 when every difference is explained, 1
otherwise, 2 on a usage error or a version that fails to run. Every personal-data value a
report found is printed masked wherever it appears (span, context, attribute reason) unless
``--reveal``.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "7e0632305cc62f02e2075c785daf671c3add81a4"  # tag issue21-baseline
REASONS = ROOT / "benchmarks" / "data" / "compare_reasons.yaml"
CORPORA = ("govcn-2019", "eval-dev", "eval-test", "attributes", "ecspell", "realdocs-dev", "examples")
#: Location fields that place a finding; the others (label, quote) are compared, not keyed.
LOCATION_KEY = ("part", "paragraph", "table", "row", "col", "source", "start", "end")
CHANGES = ("only-in-baseline", "only-in-result", "moved", "changed")
BATCH = 200  # files per `gongkai check` call


# ---------------------------------------------------------------- pure part: keys and diffs

Key = tuple


@dataclass
class Item:
    """One comparable thing of one version: a finding, or a document's pseudo-finding."""

    file: str
    code: str
    location: dict
    text: str
    fields: dict  # everything compared but not keyed
    #: the personal-data values its report found (masked wherever this item is shown)
    secrets: tuple[str, ...] = ()

    def key(self) -> Key:
        return (self.file, self.code, tuple(self.location.get(k) for k in LOCATION_KEY), self.text)


def items_of_report(report: dict, file: str) -> list[Item]:
    """The items of one report line (DESIGN.md §2): its findings, ``(document)``,
    ``(attribute)``, or ``(error)`` for a document that could not be read."""
    if "error" in report:
        err = report["error"] or {}
        return [Item(file, "(error)", {}, "", {"code": err.get("code"), "message": err.get("message")})]
    findings = report.get("findings", [])
    secrets = tuple(sorted({f["text"] for f in findings if f.get("category") == "personal_data" and f.get("text")},
                           key=lambda t: (-len(t), t)))
    out = [Item(file, "(document)", {}, "", {"document": report.get("document")}, secrets),
           Item(file, "(attribute)", {}, "", {"attribute": report.get("attribute")}, secrets)]
    for f in findings:
        loc = f.get("location") or {}
        fields = {k: v for k, v in f.items() if k not in ("rule", "location", "text")}
        fields.update({f"location.{k}": v for k, v in loc.items() if k not in LOCATION_KEY})
        out.append(Item(file, f.get("rule", "?"), {k: loc[k] for k in LOCATION_KEY if k in loc},
                        f.get("text") or "", fields, secrets))
    return out


def keyed(items: list[Item]) -> dict[Key, Item]:
    """Items by key; the n-th item with a key already taken gets ``(key, n)``."""
    seen: Counter = Counter()
    out = {}
    for it in items:
        k = it.key()
        n = seen[k]
        seen[k] += 1
        out[k if n == 0 else (*k, n)] = it
    return out


@dataclass
class Difference:
    change: str  # one of CHANGES
    base: Item | None
    result: Item | None
    fields: tuple[str, ...] = ()  # for "changed" and "moved": the fields that differ
    reason: str | None = None

    @property
    def item(self) -> Item:
        return self.base if self.base is not None else self.result  # type: ignore[return-value]


@dataclass
class Comparison:
    counts: dict = field(default_factory=lambda: defaultdict(Counter))  # code -> Counter
    differences: list[Difference] = field(default_factory=list)


def _differing(a: Item, b: Item) -> tuple[str, ...]:
    """The fields that differ; of a field holding an object on both sides (explanation,
    document, attribute), the keys inside it that differ, as ``field.key``."""
    out = []
    for f in set(a.fields) | set(b.fields):
        x, y = a.fields.get(f), b.fields.get(f)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            out.extend(f"{f}.{k}" for k in set(x) | set(y) if x.get(k) != y.get(k))
        else:
            out.append(f)
    return tuple(sorted(out))


def field_value(it: Item, name: str):
    """A field by the name ``_differing`` gives it (``explanation.line``: a key inside a field)."""
    if name in it.fields:
        return it.fields[name]
    head, _, key = name.partition(".")
    value = it.fields.get(head)
    return value.get(key) if isinstance(value, dict) else None


def _place(it: Item) -> tuple:
    """Where an item stands, offsets aside: the block of text it is in."""
    return (it.file, it.code, *(it.location.get(k) for k in LOCATION_KEY[:-2]))


def _overlap(a: Item, b: Item) -> bool:
    sa, ea, sb, eb = (x.location.get(k) for x in (a, b) for k in ("start", "end"))
    if None in (sa, ea, sb, eb):
        return False
    return sa < eb and sb < ea or (sa, ea) == (sb, eb)


def compare(base: list[Item], result: list[Item]) -> Comparison:
    """Match items by key and list what only one side has or what differs. A finding only in
    the baseline and one only in the result of the same rule in the same block whose spans
    overlap are one *moved* finding (a segmentation change that shifts a name's edge)."""
    b, r = keyed(base), keyed(result)
    cmp = Comparison()
    only_b, only_r = [], []
    for k, it in b.items():
        cmp.counts[it.code]["baseline"] += 1
        other = r.get(k)
        if other is None:
            only_b.append(it)
        elif changed := _differing(it, other):
            cmp.counts[it.code]["changed"] += 1
            cmp.differences.append(Difference("changed", it, other, changed))
        else:
            cmp.counts[it.code]["identical"] += 1
    for k, it in r.items():
        cmp.counts[it.code]["result"] += 1
        if k not in b:
            only_r.append(it)
    candidates: dict[tuple, list[Item]] = defaultdict(list)
    for it in only_r:
        candidates[_place(it)].append(it)
    for it in only_b:
        same_place = candidates.get(_place(it), [])
        other = next((o for o in same_place if _overlap(it, o)), None)
        if other is None:
            cmp.counts[it.code]["only-in-baseline"] += 1
            cmp.differences.append(Difference("only-in-baseline", it, None))
        else:
            same_place.remove(other)
            cmp.counts[it.code]["moved"] += 1
            cmp.differences.append(Difference("moved", it, other, _differing(it, other)))
    for rest in candidates.values():
        for it in rest:
            cmp.counts[it.code]["only-in-result"] += 1
            cmp.differences.append(Difference("only-in-result", None, it))
    cmp.differences.sort(key=lambda d: (d.item.file, d.item.code, str(d.item.location.get("part")),
                                        d.item.location.get("paragraph") or 0, d.item.location.get("start") or 0,
                                        d.change))
    return cmp


# ---------------------------------------------------------------- reasons

@dataclass
class Reason:
    """One entry of the reasons file. ``code`` and ``file`` are shell patterns (fnmatch),
    ``text`` a regular expression searched in the span text, ``change`` one of CHANGES (any
    when absent), ``fields`` the changed fields it covers (any when absent)."""

    reason: str
    code: str = "*"
    file: str = "*"
    text: str | None = None
    change: str | None = None
    fields: tuple[str, ...] | None = None
    used: int = 0

    def matches(self, d: Difference) -> bool:
        it = d.item
        if self.change is not None and d.change != self.change:
            return False
        if not fnmatch.fnmatchcase(it.code, self.code) or not fnmatch.fnmatchcase(it.file, self.file):
            return False
        if self.text is not None:
            texts = {x.text for x in (d.base, d.result) if x is not None}
            if not any(re.search(self.text, t) for t in texts):
                return False
        if self.fields is not None and d.change in ("changed", "moved") and not set(d.fields) <= set(self.fields):
            return False
        return True


REASON_KEYS = {"reason", "code", "file", "text", "change", "fields"}


def parse_reasons(data, source: str = "reasons") -> list[Reason]:
    """Reasons from the loaded YAML (a list of mappings, or ``{"reasons": [...]}``); a
    malformed entry raises ValueError naming it."""
    if data is None:
        return []
    if isinstance(data, dict):
        data = data.get("reasons") or []
    if not isinstance(data, list):
        raise ValueError(f"{source}: 应为条目列表")
    out = []
    for i, e in enumerate(data, 1):
        if not isinstance(e, dict):
            raise ValueError(f"{source} 第{i}条：应为映射")
        unknown = set(e) - REASON_KEYS
        if unknown:
            raise ValueError(f"{source} 第{i}条：未知字段 {', '.join(sorted(unknown))}")
        if not str(e.get("reason") or "").strip():
            raise ValueError(f"{source} 第{i}条：缺少 reason（差异的原因）")
        if e.get("change") is not None and e["change"] not in CHANGES:
            raise ValueError(f"{source} 第{i}条：change 须为 {' / '.join(CHANGES)}")
        if e.get("text") is not None:
            try:
                re.compile(e["text"])
            except re.error as exc:
                raise ValueError(f"{source} 第{i}条：text 不是正则表达式（{exc}）") from None
        fields = e.get("fields")
        if isinstance(fields, str):
            fields = [fields]
        out.append(Reason(reason=str(e["reason"]).strip(), code=str(e.get("code", "*")), file=str(e.get("file", "*")),
                          text=e.get("text"), change=e.get("change"),
                          fields=tuple(fields) if fields is not None else None))
    return out


def load_reasons(path: Path) -> list[Reason]:
    import yaml

    if not path.exists():
        return []
    return parse_reasons(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def explain(differences: list[Difference], reasons: list[Reason]) -> int:
    """Give each difference the first matching reason; the number left unexplained."""
    left = 0
    for d in differences:
        for r in reasons:
            if r.matches(d):
                d.reason = r.reason
                r.used += 1
                break
        else:
            left += 1
    return left


# ---------------------------------------------------------------- display

def masked(text: str) -> str:
    """A span shown without its value: first and last character kept, the rest as *."""
    if len(text) <= 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]


def shown(value, item: Item, reveal: bool):
    """A value for display: every personal-data value of the item's report masked inside it
    (a name in an attribute reason's quote, in a typo finding's context), unless ``reveal``."""
    if reveal or not item.secrets:
        return value
    if isinstance(value, str):
        for secret in item.secrets:
            value = value.replace(secret, masked(secret))
        return value
    if isinstance(value, dict):
        return {k: shown(v, item, reveal) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v, item, reveal) for v in value]
    return value


def where(it: Item) -> str:
    loc = it.location
    if not loc:
        return ""
    parts = [str(loc.get("part", "?"))]
    if loc.get("source"):
        parts.append(str(loc["source"]))
    parts.append(f"¶{loc.get('paragraph')}")
    if loc.get("table") is not None:
        parts.append(f"t{loc.get('table')}r{loc.get('row')}c{loc.get('col')}")
    parts.append(f"[{loc.get('start')}:{loc.get('end')}]")
    return " ".join(parts)


def _span(it: Item, reveal: bool) -> str:
    return f"{where(it)}  «{shown(it.text, it, reveal)}»"


def describe(d: Difference, reveal: bool) -> str:
    it = d.item
    head = f"{d.change:<16} {it.code:<12} {it.file}  {_span(it, reveal)}"
    if d.change == "moved":
        head += f"  →  {_span(d.result, reveal)}"  # type: ignore[arg-type]
    lines = [head]
    if d.change in ("changed", "moved"):
        for f in d.fields:
            old = shown(field_value(d.base, f), d.base, reveal)  # type: ignore[arg-type]
            new = shown(field_value(d.result, f), d.result, reveal)  # type: ignore[arg-type]
            lines.append(f"    {f}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}")
    elif it.code in ("(error)",):
        lines.append(f"    {json.dumps(shown(it.fields, it, reveal), ensure_ascii=False)}")
    else:
        extra = {k: it.fields.get(k) for k in ("severity", "message") if it.fields.get(k) is not None}
        if extra:
            lines.append(f"    {json.dumps(shown(extra, it, reveal), ensure_ascii=False)}")
    lines.append(f"    reason: {d.reason}" if d.reason else "    UNEXPLAINED")
    return "\n".join(lines)


def summary_rows(cmp: Comparison, differences: list[Difference]) -> list[dict]:
    unexplained = Counter(d.item.code for d in differences if not d.reason)
    rows = []
    for code in sorted(cmp.counts):
        c = cmp.counts[code]
        rows.append({"code": code, "baseline": c["baseline"], "result": c["result"], "identical": c["identical"],
                     "only-in-baseline": c["only-in-baseline"], "only-in-result": c["only-in-result"],
                     "moved": c["moved"], "changed": c["changed"], "unexplained": unexplained[code]})
    return rows


def print_text(cmp: Comparison, meta: dict, reasons: list[Reason], reveal: bool) -> None:
    print(f"baseline {meta['baseline']}  result {meta['result']}")
    for note in meta["notes"]:
        print(f"note: {note}")
    for name, n in meta["corpora"].items():
        print(f"corpus {name}: {n} files")
    rows = summary_rows(cmp, cmp.differences)
    cols = ("baseline", "result", "identical", "only-in-baseline", "only-in-result", "moved", "changed",
            "unexplained")
    heads = ("baseline", "result", "identical", "only-base", "only-result", "moved", "changed", "unexplained")
    print(f"\n{'code':<13}" + "".join(f"{h:>12}" for h in heads))
    total: Counter = Counter()
    for row in rows:
        print(f"{row['code']:<13}" + "".join(f"{row[c]:>12}" for c in cols))
        total.update({c: row[c] for c in cols})
    print(f"{'total':<13}" + "".join(f"{total[c]:>12}" for c in cols))
    findings = sum(r["baseline"] for r in rows if not r["code"].startswith("("))
    findings_r = sum(r["result"] for r in rows if not r["code"].startswith("("))
    print(f"\nfindings: baseline {findings}, result {findings_r}; differences {len(cmp.differences)}, "
          f"unexplained {total['unexplained']}")
    if cmp.differences:
        print()
        for d in sorted(cmp.differences, key=lambda d: d.reason is not None):
            print(describe(d, reveal))
    stale = [r for r in reasons if not r.used]
    for r in stale:
        print(f"note: reason matched nothing (stale?): code={r.code} file={r.file} text={r.text}: {r.reason}")


def as_json(cmp: Comparison, meta: dict, reasons: list[Reason], reveal: bool) -> dict:
    def item(it: Item | None):
        if it is None:
            return None
        return {"file": it.file, "code": it.code, "location": it.location,
                "text": shown(it.text, it, reveal),
                "fields": shown(it.fields, it, reveal)}

    return {**meta, "summary": summary_rows(cmp, cmp.differences),
            "differences": [{"change": d.change, "fields": list(d.fields), "reason": d.reason,
                             "baseline": item(d.base), "result": item(d.result)} for d in cmp.differences],
            "unexplained": sum(1 for d in cmp.differences if not d.reason),
            "stale_reasons": [{"code": r.code, "file": r.file, "text": r.text, "reason": r.reason}
                              for r in reasons if not r.used]}


# ---------------------------------------------------------------- corpora (run on the baseline's src)

def shared_dir() -> Path | None:
    """``$GONGKAI_SHARED``, else the first ``shared`` folder beside the repo or a parent of it."""
    if os.environ.get("GONGKAI_SHARED"):
        return Path(os.environ["GONGKAI_SHARED"])
    for base in ROOT.parents:
        if (base / "shared" / "data").is_dir():
            return base / "shared"
    return None


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _blocks_docx(rec: dict) -> bytes:
    """A labelled record's blocks as a .docx, every part where the record puts it
    (the construction of ``benchmarks/screening_eval.py``'s ``via_docx``)."""
    from gongkai.formats.compose import DocxBuilder

    b = DocxBuilder()
    last_p = None
    tables: dict[int, list[list[str]]] = {}
    order: list[int] = []
    for blk in rec["blocks"]:
        part = blk["part"]
        if part == "body":
            last_p = b.paragraph(blk["text"])
        elif part == "table":
            rows = tables.setdefault(blk["table"], [])
            if blk["table"] not in order:
                order.append(blk["table"])
                b.doc.add_paragraph()  # placeholder, replaced by the table below
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
    body = b.doc.element.body
    placeholders = [p for p in body.iterchildren() if p.tag.endswith("}p") and not "".join(p.itertext())]
    for t, ph in zip(order, placeholders):
        tbl = b.table(tables[t])
        ph.addprevious(tbl._tbl)
        body.remove(ph)
    return b.to_bytes()


def fixed_zip(data: bytes) -> bytes:
    """The same package with every member and every comment dated 1980-01-01: a rendering is
    then the same bytes from one run to the next (python-docx dates them now), which the
    baseline cache keys on."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = src.read(info)
            if info.filename.endswith(".xml"):
                member = re.sub(rb'w:date="[^"]*"', b'w:date="1980-01-01T00:00:00Z"', member)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), member,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render_corpora(out: Path, shared: Path | None, names: list[str]) -> dict:
    """Write every corpus named into ``out/<corpus>/``; {"files": {corpus: [paths]}, "refs":
    {corpus: folder}, "notes": [...]} as JSON-able data. Runs with the baseline's gongkai."""
    files: dict[str, list[str]] = {}
    refs: dict[str, str] = {}
    notes: list[str] = []
    data = shared / "data" if shared else None

    def absent(name: str, what: Path | str) -> None:
        notes.append(f"{name} skipped: {what} not found")

    for name in names:
        folder = out / name
        written: list[Path] = []
        if name == "govcn-2019":
            src = data / "govcn-2019" / "documents.jsonl" if data else None
            if not src or not src.exists():
                absent(name, src or "shared/data/govcn-2019")
                continue
            from gongkai.formats.compose import render_text

            ref_dir = out / "govcn-2019-refs"
            ref_dir.mkdir(parents=True)
            folder.mkdir(parents=True)
            for i, d in enumerate(_jsonl(src)):
                body = d["body"] if d["body"].startswith(d["title"][:6]) else f"{d['title']}\n{d['body']}"
                p = folder / f"{d['id']}.docx"
                p.write_bytes(fixed_zip(render_text(body)))
                written.append(p)
                if i % 2 == 0:
                    (ref_dir / f"{d['id']}.txt").write_text(body, encoding="utf-8")
            refs[name] = str(ref_dir)
        elif name in ("eval-dev", "eval-test"):
            src = ROOT / "benchmarks" / "data" / f"{name.replace('-', '_')}.jsonl"
            if not src.exists():
                absent(name, src)
                continue
            folder.mkdir(parents=True)
            for rec in _jsonl(src):
                p = folder / f"{rec['id']}.docx"
                p.write_bytes(fixed_zip(_blocks_docx(rec)))
                written.append(p)
        elif name == "attributes":
            src = ROOT / "benchmarks" / "data" / "attributes" / "drafts.jsonl"
            if not src.exists():
                absent(name, src)
                continue
            folder.mkdir(parents=True)
            for d in _jsonl(src):
                p = folder / f"{d['id']}.txt"
                p.write_text(d["text"], encoding="utf-8")
                written.append(p)
        elif name == "ecspell":
            src = data / "ecspell" if data else None
            if not src or not (src / "odw.train").exists():
                absent(name, src or "shared/data/ecspell")
                continue
            folder.mkdir(parents=True)
            wrong = [line.split("\t")[1] for line in (src / "odw.train").read_text(encoding="utf-8").splitlines()
                     if line.count("\t") >= 2]
            for start in range(0, len(wrong), 100):
                p = folder / f"odw-{start:04d}.txt"
                p.write_text("\n".join(wrong[start:start + 100]) + "\n", encoding="utf-8")
                written.append(p)
            if (src / "公文写作.txt").exists():
                p = folder / "公文写作.txt"
                shutil.copyfile(src / "公文写作.txt", p)
                written.append(p)
        elif name == "realdocs-dev":
            src = data / "realdocs-dev" if data else None
            if not src or not src.is_dir():
                absent(name, src or "shared/data/realdocs-dev")
                continue
            folder.mkdir(parents=True)
            for f in sorted(src.glob("*.txt")):
                shutil.copyfile(f, folder / f.name)
                written.append(folder / f.name)
        elif name == "examples":
            folder.mkdir(parents=True)
            for f in sorted((ROOT / "examples").glob("*.docx")):
                shutil.copyfile(f, folder / f.name)
                written.append(folder / f.name)
        files[name] = [str(p) for p in written]
    return {"files": files, "refs": refs, "notes": notes}


# ---------------------------------------------------------------- running the versions

@contextlib.contextmanager
def checked_out(ref: str | None, tmp: Path, label: str):
    """The source tree of ``ref`` (a detached git worktree, removed afterwards); ROOT for None."""
    if ref is None:
        yield ROOT
        return
    dest = tmp / f"tree-{label}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(dest), ref],
                   check=True, stdout=subprocess.DEVNULL)
    try:
        yield dest
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(dest)], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _env(tree: Path, cache: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    env["GONGKAI_CACHE_DIR"] = str(cache)
    env.pop("GONGKAI_TYPO_MODEL", None)
    return env


def run_version(tree: Path, corpora: dict, tmp: Path, label: str) -> tuple[list[tuple[str, dict]], float]:
    """Every report of every corpus file under ``tree``'s gongkai, as (file relative to the
    corpora, report); and the seconds taken."""
    cache = tmp / f"cache-{label}"
    cache.mkdir(exist_ok=True)
    env = _env(tree, cache)
    reports: list[tuple[str, dict]] = []
    t0 = time.perf_counter()
    for name, paths in corpora["files"].items():
        for i in range(0, len(paths), BATCH):
            batch = paths[i:i + BATCH]
            cmd = [sys.executable, "-m", "gongkai", "check", "--format", "json", "--reveal", "--fail-on", "never"]
            if name in corpora["refs"]:
                cmd += ["--refs", corpora["refs"][name]]
            proc = subprocess.run(cmd + batch, env=env, cwd=tmp, capture_output=True, text=True)
            lines = [x for x in proc.stdout.splitlines() if x.strip()]
            if proc.returncode not in (0, 1, 2) or len(lines) != len(batch):
                raise RuntimeError(f"{label}: gongkai check exited {proc.returncode} with {len(lines)} reports for "
                                   f"{len(batch)} files of {name}:\n{proc.stderr[-2000:]}")
            for line in lines:
                report = json.loads(line)
                reports.append((os.path.relpath(report.get("file", "?"), tmp / "corpora"), report))
    return reports, time.perf_counter() - t0


# ---------------------------------------------------------------- the baseline's reports, cached

def cache_key(commit: str, corpora_root: Path) -> str:
    """What a version's reports depend on besides its code: every corpus file's bytes, this
    script (how they are rendered and checked), the interpreter and the installed packages."""
    from importlib import metadata

    h = hashlib.sha256()
    h.update(f"{commit}\n{sys.version}\n".encode())
    h.update(hashlib.sha256(Path(__file__).read_bytes()).digest())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    h.update("\n".join(dists).encode())
    for f in sorted(p for p in corpora_root.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(corpora_root)).encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:32]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gongkai-compare"


def commit_of(ref: str) -> str | None:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                         capture_output=True, text=True)
    return out.stdout.strip() or None


def cached_run(ref: str | None, tree: Path, corpora: dict, tmp: Path, label: str,
               cache: Path | None) -> tuple[list[tuple[str, dict]], float, bool]:
    """``run_version``, its reports kept in ``cache`` for a commit (never for the working tree):
    (reports, seconds, came from the cache)."""
    commit = commit_of(ref) if ref is not None and cache is not None else None
    path = cache / f"{commit}-{cache_key(commit, tmp / 'corpora')}.json.gz" if commit else None
    if path is not None and path.exists():
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return [tuple(x) for x in json.load(fh)], 0.0, True
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed
    reports, seconds = run_version(tree, corpora, tmp, label)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        with gzip.open(part, "wt", encoding="utf-8") as fh:
            json.dump(reports, fh, ensure_ascii=False)
        os.chmod(part, 0o600)
        part.replace(path)
    return reports, seconds, False


def rev(ref: str | None) -> str:
    if ref is None:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True,
                               text=True).stdout.strip()
        return f"working tree ({head}{', src modified' if dirty else ''})"
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True)
    return f"{ref[:12]} ({out.stdout.strip() or '?'})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="git ref of the baseline (default: issue21-baseline)")
    ap.add_argument("--result", default=None, help="git ref of the result (default: the working tree)")
    ap.add_argument("--reasons", type=Path, default=REASONS, help="YAML file of explained differences")
    ap.add_argument("--corpus", action="append", choices=CORPORA, help="only this corpus (repeatable)")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--reveal", action="store_true", help="print personal-data spans unmasked")
    ap.add_argument("--no-cache", action="store_true",
                    help=f"run a ref even when its reports are cached (cache: {cache_dir()})")
    ap.add_argument("--render-into", type=Path, help=argparse.SUPPRESS)  # internal: renderer subprocess
    args = ap.parse_args(argv)
    names = args.corpus or list(CORPORA)
    if args.render_into:
        json.dump(render_corpora(args.render_into, shared_dir(), names), sys.stdout, ensure_ascii=False)
        return 0
    try:
        reasons = load_reasons(args.reasons)
    except (ValueError, OSError) as exc:
        print(f"compare_findings：{exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # yaml.YAMLError
        print(f"compare_findings：{args.reasons} 无法读取（{type(exc).__name__}）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="gongkai-compare-") as t:
        tmp = Path(t)
        try:
            with checked_out(args.baseline, tmp, "baseline") as base_tree, \
                    checked_out(args.result, tmp, "result") as result_tree:
                proc = subprocess.run([sys.executable, __file__, "--render-into", str(tmp / "corpora"),
                                       *sum((["--corpus", n] for n in names), [])],
                                      env=_env(base_tree, tmp / "cache-render"), cwd=tmp, capture_output=True,
                                      text=True)
                if proc.returncode:
                    print(f"compare_findings：语料生成失败\n{proc.stderr[-2000:]}", file=sys.stderr)
                    return 2
                corpora = json.loads(proc.stdout)
                cache = None if args.no_cache else cache_dir()
                base_reports, base_s, base_cached = cached_run(args.baseline, base_tree, corpora, tmp, "baseline",
                                                               cache)
                result_reports, result_s, result_cached = cached_run(args.result, result_tree, corpora, tmp,
                                                                     "result", cache)
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"compare_findings：{exc}", file=sys.stderr)
            return 2
    cmp = compare([i for rel, rep in base_reports for i in items_of_report(rep, rel)],
                  [i for rel, rep in result_reports for i in items_of_report(rep, rel)])
    left = explain(cmp.differences, reasons)
    meta = {"baseline": rev(args.baseline), "result": rev(args.result), "notes": corpora["notes"],
            "corpora": {k: len(v) for k, v in corpora["files"].items()},
            "seconds": {"baseline": round(base_s, 1), "result": round(result_s, 1)},
            "cached": {"baseline": base_cached, "result": result_cached}}
    if args.json:
        print(json.dumps(as_json(cmp, meta, reasons, args.reveal), ensure_ascii=False, indent=1))
    else:
        print_text(cmp, meta, reasons, args.reveal)
        took = {side: "from the cache" if meta["cached"][side] else f"{meta['seconds'][side]:.0f} s"
                for side in ("baseline", "result")}
        print(f"gongkai check over all corpora: baseline {took['baseline']}, result {took['result']}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
