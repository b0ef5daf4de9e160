"""The web desk's view of ``gongkai batch`` results stores, without HTTP.

Which stores can be opened is fixed when the desk starts: the ``--batch-results`` list, else the
``.sqlite``/``.jsonl`` files in the office's default folder (``batch/`` in the desk's data
folder). A page names a store by its number in that list, never by a path.

A document belongs to a unit (股室) when a folder of its path bears the unit's name (an archive
filed by 股室, as ``gongkai batch 档案/农业股 档案/民政股`` sees it). Members of a unit see its
documents; the leaders and the 党政办 (``SEE_ALL``) see every document and the summary by unit.
Records are read with the core's readers (``batch.results``); every text shown passes a masker
built from the record's personal-data findings, also when the run used ``--reveal``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from ..batch.results import (
    JSONL_SUFFIXES,
    SQLITE_SUFFIXES,
    ResultsError,
    connect,
    iter_jsonl,
    iter_sqlite_records,
    kind_of,
)
from ..batch.summary import CATEGORY_NAMES, ERROR_NAMES, SEVERITY_NAMES
from ..masking import Masker
from ..models.finding import SENSITIVE_CATEGORIES, kind_label
from ..store.accounts import Account
from .desk import SEE_ALL

NO_UNIT = "（未归属股室）"
MAX_LISTED = 300


@dataclass(frozen=True, slots=True)
class Store:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


def stores(configured: tuple[Path, ...] | list[Path], default_folder: Path) -> list[Store]:
    """The stores the desk may open, numbered from 1 (configured ones, else the default folder's)."""
    paths = [Path(p) for p in configured]
    if not paths and default_folder.is_dir():
        paths = sorted(p for p in default_folder.iterdir()
                       if p.is_file() and p.suffix.lower() in SQLITE_SUFFIXES + JSONL_SUFFIXES)
    return [Store(n, p) for n, p in enumerate(paths, 1)]


def records(path: Path) -> Iterator[dict]:
    """Every record of a results store (errors included). ResultsError when it cannot be read."""
    if kind_of(path) == "sqlite":
        yield from iter_sqlite_records(path)
        return
    if not path.exists():
        raise ResultsError(f"{path.name}: 结果文件不存在")
    try:
        yield from iter_jsonl(path)
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path.name}: 无法读取结果文件（{exc}）") from None


def summary_records(path: Path) -> Iterator[dict]:
    """What the overview needs of each record. A SQLite store is read from its ``documents``,
    ``findings`` and ``errors`` tables (without parsing every stored report); JSON Lines whole."""
    if kind_of(path) != "sqlite":
        yield from records(path)
        return
    db = connect(path)
    try:
        found: dict[int, list[dict]] = {}
        for doc_id, rule, category, kind, severity, text in db.execute(
                "SELECT document_id, rule, category, kind, severity, text FROM findings ORDER BY id"):
            found.setdefault(doc_id, []).append({"rule": rule, "category": category, "kind": kind,
                                                 "severity": severity, "text": text})
        for doc_id, file, title, label, suggested, e, w, i in db.execute(
                "SELECT id, file, title, label, suggested, errors, warnings, infos FROM documents ORDER BY file"):
            yield {"file": file, "document": {"title": title, "label": label}, "attribute": {"suggested": suggested},
                   "summary": {"error": e, "warning": w, "info": i}, "findings": found.get(doc_id, [])}
        for file, code in db.execute("SELECT file, code FROM errors ORDER BY file"):
            yield {"file": file, "error": {"code": code}}
    except sqlite3.DatabaseError as exc:
        raise ResultsError(f"{path.name}: 无法读取结果数据库（{exc}）") from None
    finally:
        db.close()


def unit_of(file: str, units: set[str]) -> str:
    for part in PurePosixPath(file.replace("\\", "/")).parts[:-1]:
        if part in units:
            return part
    return NO_UNIT


def sees(account: Account, unit: str) -> bool:
    return account.has(*SEE_ALL) or (account.unit is not None and unit == account.unit)


@dataclass
class Overview:
    documents: int = 0
    unreadable: int = 0
    severity: Counter = field(default_factory=Counter)
    unit: dict[str, Counter] = field(default_factory=dict)  # unit -> documents/error/warning/info/unreadable
    family: Counter = field(default_factory=Counter)
    family_docs: Counter = field(default_factory=Counter)
    rule: Counter = field(default_factory=Counter)
    rule_docs: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    listed: list[dict] = field(default_factory=list)  # the documents matching the filters, worst first
    matching: int = 0


def overview(path: Path, account: Account, units: set[str], unit: str = "", family: str = "",
             rule: str = "") -> Overview:
    """What ``account`` may see of a store: counts by unit, family (category) and rule, and the
    documents that match the filters (a unit, a family, a rule), worst first."""
    o = Overview()
    for r in summary_records(path):
        u = unit_of(r.get("file", ""), units)
        if not sees(account, u):
            continue
        per_unit = o.unit.setdefault(u, Counter())
        if "error" in r:
            o.unreadable += 1
            per_unit["unreadable"] += 1
            o.errors[(r.get("error") or {}).get("code", "unreadable")] += 1
            continue
        o.documents += 1
        per_unit["documents"] += 1
        findings = r.get("findings") or ()
        cats, rules = Counter(), Counter()
        for f in findings:
            o.severity[f.get("severity")] += 1
            per_unit[f.get("severity")] += 1
            cats[f.get("category")] += 1
            rules[f.get("rule")] += 1
        o.family.update(cats)
        o.family_docs.update(cats.keys())
        o.rule.update(rules)
        o.rule_docs.update(rules.keys())
        if (unit and u != unit) or (family and family not in cats) or (rule and rule not in rules):
            continue
        o.matching += 1
        s = r.get("summary") or {}
        m = _masker(findings)
        row = {"file": m(r.get("file", "")), "key": key_of(r.get("file", "")), "unit": u, "label": (r.get("document") or {}).get("label"),
               "suggested": (r.get("attribute") or {}).get("suggested"), "error": s.get("error", 0),
               "warning": s.get("warning", 0), "info": s.get("info", 0),
               "title": m((r.get("document") or {}).get("title"))}
        o.listed.append(row)
    o.listed.sort(key=lambda d: (-d["error"], -d["warning"], -d["info"], d["file"]))
    del o.listed[MAX_LISTED:]
    return o


def key_of(file: str) -> str:
    """A document's name in a link: a digest, so no file name (it may name a person) lands in a URL or a log."""
    return hashlib.sha256(file.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def document(path: Path, account: Account, units: set[str], key: str) -> dict | None:
    """One document's record as the page shows it (masked), or None (missing or another unit's)."""
    for r in records(path):
        file = r.get("file", "")
        if key_of(file) != key:
            continue
        u = unit_of(file, units)
        if not sees(account, u):
            return None
        findings = r.get("findings") or []
        m = _masker(findings)
        if "error" in r:
            e = r.get("error") or {}
            return {"file": m(file), "unit": u, "error": ERROR_NAMES.get(e.get("code"), e.get("code")),
                    "message": m(e.get("message")), "findings": []}
        shown = []
        for f in findings:
            sensitive = f.get("category") in SENSITIVE_CATEGORIES
            loc = f.get("location") or {}
            shown.append({
                "rule": f.get("rule"), "severity": f.get("severity"),
                "severity_name": SEVERITY_NAMES.get(f.get("severity"), f.get("severity")),
                "family": CATEGORY_NAMES.get(f.get("category"), f.get("category")),
                "kind": kind_label(f.get("kind") or "", f.get("category")),
                "message": m(f.get("message")), "text": _mask_value(f) if sensitive else m(f.get("text")),
                "context": m(f.get("context")), "suggestion": m(f.get("suggestion")), "basis": f.get("basis"),
                "place": m(loc.get("label") or (f"第 {loc['paragraph']} 段" if loc.get("paragraph") is not None else "")),
            })
        d = r.get("document") or {}
        a = r.get("attribute") or {}
        return {"file": m(file), "unit": u, "error": None, "title": m(d.get("title")), "doc_number": m(d.get("doc_number")),
                "doc_type": d.get("doc_type"), "label": d.get("label"), "suggested": a.get("suggested"),
                "reasons": [{"text": m(x.get("text")), "basis": x.get("basis")} for x in a.get("reasons") or ()],
                "summary": r.get("summary") or {}, "findings": shown}
    return None


def _masker(findings) -> Masker:
    return Masker([SimpleNamespace(sensitive=f.get("category") in SENSITIVE_CATEGORIES, text=f.get("text") or "",
                                   kind=f.get("kind")) for f in findings])


def _mask_value(f: dict) -> str:
    from ..masking import mask

    text = f.get("text") or ""
    return mask(text, f.get("kind")) if text else ""


def family_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category)
