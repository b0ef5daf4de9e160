"""What a results file says in aggregate: counts by category, kind, severity and 公开属性
status, errors by code, and the documents most in need of attention.

Works the same on JSON Lines (streamed, the latest record of each document wins) and on
SQLite (aggregated in SQL); memory does not grow with the number of documents.
"""

from __future__ import annotations

import heapq
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..models.finding import kind_label
from .results import attribute_status, connect, iter_jsonl, kind_of

STATUS_NAMES = {"missing": "未标注公开属性", "agrees": "标注与建议一致", "differs": "标注与建议不一致"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_NAMES = {
    "personal_data": "个人信息", "secret": "涉密与内部", "reprint": "转载", "approval": "审批",
    "attribute": "公开属性", "proofing": "文字校对", "format": "公文格式", "completeness": "要素完整性",
}
ERROR_NAMES = {
    "unreadable": "文件损坏或无法解析", "encrypted": "已加密", "unsupported": "格式不支持",
    "too_large": "文件过大", "empty": "没有文字", "archive_limit": "压缩包超限（疑似压缩炸弹）",
    "archive_unsafe": "压缩包路径不安全", "missing": "文件不存在", "permission": "没有权限",
    "converter_missing": "缺少转换工具", "timeout": "检查超时", "worker_crash": "检查进程崩溃",
    "internal": "检查出错", "unsafe": "含不安全内容",
    "link_loop": "符号链接循环", "link_outside": "符号链接指向文件夹外",
}


@dataclass(frozen=True, order=True, slots=True)
class Ranked:
    """A document's place in the worst-first list (compared by counts, then name)."""

    errors: int
    warnings: int
    infos: int
    file: str = field(compare=False)
    label: str | None = field(compare=False, default=None)
    suggested: str | None = field(compare=False, default=None)
    top: str = field(compare=False, default="")


@dataclass
class Summary:
    documents: int = 0  # readable documents
    unreadable: int = 0
    severity: Counter = field(default_factory=Counter)  # findings by severity
    documents_by_worst: Counter = field(default_factory=Counter)  # error/warning/info/clean
    category: Counter = field(default_factory=Counter)
    kind: Counter = field(default_factory=Counter)  # "category/kind"
    rule: Counter = field(default_factory=Counter)
    attribute_status: Counter = field(default_factory=Counter)
    suggested: Counter = field(default_factory=Counter)
    error_codes: Counter = field(default_factory=Counter)
    worst: list[Ranked] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "schema": "gongkai.summary/1",
            "documents": self.documents,
            "unreadable": self.unreadable,
            "findings_by_severity": dict(self.severity),
            "documents_by_worst_severity": dict(self.documents_by_worst),
            "findings_by_category": dict(self.category.most_common()),
            "findings_by_kind": dict(self.kind.most_common()),
            "findings_by_rule": dict(self.rule.most_common()),
            "attribute_status": dict(self.attribute_status),
            "suggested_attribute": dict(self.suggested),
            "errors_by_code": dict(self.error_codes.most_common()),
            "worst_documents": [
                {"file": r.file, "errors": r.errors, "warnings": r.warnings, "infos": r.infos,
                 "label": r.label, "suggested": r.suggested, "top": r.top}
                for r in self.worst
            ],
        }


def summarise(path: str | Path, worst: int = 10) -> Summary:
    """Aggregate a results file (.jsonl or .sqlite). ResultsError when it cannot be read."""
    path = Path(path)
    if kind_of(path) == "sqlite":
        return _summarise_sqlite(path, worst)
    return _summarise_records(_jsonl(path), worst)


def _jsonl(path: Path) -> Iterator[dict]:
    from .results import ResultsError

    if not path.exists():
        raise ResultsError(f"{path}: 结果文件不存在")
    return iter_jsonl(path)


def _kind_label(key: str) -> str:
    """个人信息/个人姓名 for the counter key personal_data/person_name."""
    category, _, kind = key.partition("/")
    return kind_label(kind, category)


def _top(counter: Counter) -> str:
    # ties broken by name: a .sqlite and a .jsonl of one run list categories in different orders
    top = sorted(counter.items(), key=lambda cn: (-cn[1], cn[0]))[:3]
    return "、".join(f"{CATEGORY_NAMES.get(c, c)} {n}" for c, n in top)


def _summarise_records(records: Iterator[dict], worst: int) -> Summary:
    s = Summary()
    heap: list[Ranked] = []
    for r in records:
        if "error" in r:
            s.unreadable += 1
            s.error_codes[(r.get("error") or {}).get("code", "unreadable")] += 1
            continue
        s.documents += 1
        cats: Counter = Counter()
        for f in r.get("findings") or ():
            s.severity[f.get("severity")] += 1
            s.category[f.get("category")] += 1
            s.kind[f"{f.get('category')}/{f.get('kind')}"] += 1
            s.rule[f.get("rule")] += 1
            cats[f.get("category")] += 1
        summ = r.get("summary") or {}
        worst_level = next((lv for lv in ("error", "warning", "info") if summ.get(lv)), "clean")
        s.documents_by_worst[worst_level] += 1
        status = attribute_status(r)
        s.attribute_status[status] += 1
        suggested = (r.get("attribute") or {}).get("suggested")
        if suggested:
            s.suggested[suggested] += 1
        ranked = Ranked(summ.get("error", 0), summ.get("warning", 0), summ.get("info", 0), r.get("file", ""),
                        (r.get("document") or {}).get("label"), suggested, _top(cats))
        if worst > 0 and (ranked.errors or ranked.warnings or ranked.infos):
            if len(heap) < worst:
                heapq.heappush(heap, ranked)
            elif ranked > heap[0]:
                heapq.heapreplace(heap, ranked)
    s.worst = sorted(heap, key=lambda x: (-x.errors, -x.warnings, -x.infos, x.file))
    return s


def _summarise_sqlite(path: Path, worst: int) -> Summary:
    s = Summary()
    db = connect(path)
    try:
        q = db.execute
        s.documents = q("SELECT count(*) FROM documents").fetchone()[0]
        s.unreadable = q("SELECT count(*) FROM errors").fetchone()[0]
        s.severity.update(dict(q("SELECT severity, count(*) FROM findings GROUP BY severity")))
        s.documents_by_worst.update(dict(q("SELECT coalesce(worst, 'clean'), count(*) FROM documents GROUP BY 1")))
        s.category.update(dict(q("SELECT category, count(*) FROM findings GROUP BY category")))
        s.kind.update({f"{c}/{k}": n for c, k, n in q("SELECT category, kind, count(*) FROM findings GROUP BY 1, 2")})
        s.rule.update(dict(q("SELECT rule, count(*) FROM findings GROUP BY rule")))
        s.attribute_status.update(dict(q("SELECT attribute_status, count(*) FROM documents GROUP BY 1")))
        s.suggested.update(dict(q("SELECT suggested, count(*) FROM documents WHERE suggested IS NOT NULL GROUP BY 1")))
        s.error_codes.update(dict(q("SELECT code, count(*) FROM errors GROUP BY code")))
        rows = q(
            "SELECT id, file, errors, warnings, infos, label, suggested FROM documents"
            " WHERE errors + warnings + infos > 0 ORDER BY errors DESC, warnings DESC, infos DESC, file LIMIT ?",
            (max(0, worst),),
        ).fetchall()
        for doc_id, file, e, w, i, label, suggested in rows:
            cats = Counter(dict(q("SELECT category, count(*) FROM findings WHERE document_id=? GROUP BY 1", (doc_id,))))
            s.worst.append(Ranked(e, w, i, file, label, suggested, _top(cats)))
    finally:
        db.close()
    return s


# -- rendering (strings only; the CLI prints) -------------------------------------------------


def _cell(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells (a Han character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(1, width - cell_len(text))


def text_lines(s: Summary) -> list[tuple[str, str | None]]:
    """The summary as (line, rich style) pairs."""
    out: list[tuple[str, str | None]] = []
    total_findings = sum(s.severity.values())
    headline = (f"文档 {s.documents} 个，无法读取 {s.unreadable} 个；发现 {total_findings} 处"
                f"（错误 {s.severity.get('error', 0)}，警告 {s.severity.get('warning', 0)}，"
                f"提示 {s.severity.get('info', 0)}）")
    out.append((headline, "bold"))
    if s.documents:
        w = s.documents_by_worst
        line = (f"  有错误的文档 {w.get('error', 0)} 个，最多只有警告的 {w.get('warning', 0)} 个，"
                f"只有提示的 {w.get('info', 0)} 个，没有发现的 {w.get('clean', 0)} 个")
        out.append((line, None))
    if s.category:
        out.append(("按类别", "bold"))
        for cat, n in s.category.most_common():
            out.append((f"  {_cell(CATEGORY_NAMES.get(cat, cat), 36)}{n:>6}", None))
        out.append(("按类型", "bold"))
        for kind, n in s.kind.most_common():
            out.append((f"  {_cell(_kind_label(kind), 36)}{n:>6}", None))
    if s.attribute_status:
        out.append(("公开属性", "bold"))
        for status in ("missing", "differs", "agrees"):
            if s.attribute_status.get(status):
                out.append((f"  {_cell(STATUS_NAMES[status], 36)}{s.attribute_status[status]:>6}", None))
        for attr, n in s.suggested.most_common():
            out.append((f"  {_cell('建议' + attr, 36)}{n:>6}", "dim"))
    if s.error_codes:
        out.append(("无法读取", "bold"))
        for code, n in s.error_codes.most_common():
            out.append((f"  {_cell(f'{ERROR_NAMES.get(code, code)}（{code}）', 36)}{n:>6}", "yellow"))
    if s.worst:
        out.append(("最需处理的文档", "bold"))
        for r in s.worst:
            out.append((f"  错误 {r.errors:>3}  警告 {r.warnings:>3}  提示 {r.infos:>3}  {r.file}", "red" if r.errors else None))
            if r.top:
                out.append((f"      {r.top}；标注 {r.label or '无'}，建议 {r.suggested or '—'}", "dim"))
    return out


CSV_HEADER = ["分组", "项目", "数量", "错误", "警告", "提示"]


def to_csv(s: Summary) -> str:
    """The summary as CSV for Excel: UTF-8 with a byte-order mark, one count per row."""
    buf = io.StringIO()
    from ..output import spreadsheet  # only CSV output pays for importing the emitters

    w = spreadsheet.writer(buf)  # file names and messages must stay text in Excel
    w.writerow(CSV_HEADER)
    w.writerow(["总计", "文档", s.documents, "", "", ""])
    w.writerow(["总计", "无法读取", s.unreadable, "", "", ""])
    for sev in ("error", "warning", "info"):
        w.writerow(["严重程度", SEVERITY_NAMES[sev], s.severity.get(sev, 0), "", "", ""])
    for cat, n in s.category.most_common():
        w.writerow(["类别", CATEGORY_NAMES.get(cat, cat), n, "", "", ""])
    for kind, n in s.kind.most_common():
        w.writerow(["类型", _kind_label(kind), n, "", "", ""])
    for rule, n in s.rule.most_common():
        w.writerow(["规则", rule, n, "", "", ""])
    for status, n in s.attribute_status.most_common():
        w.writerow(["公开属性", STATUS_NAMES.get(status, status), n, "", "", ""])
    for attr, n in s.suggested.most_common():
        w.writerow(["建议公开属性", attr, n, "", "", ""])
    for code, n in s.error_codes.most_common():
        w.writerow(["无法读取", f"{ERROR_NAMES.get(code, code)}（{code}）", n, "", "", ""])
    for r in s.worst:
        w.writerow(["最需处理的文档", r.file, r.errors + r.warnings + r.infos, r.errors, r.warnings, r.infos])
    return "\ufeff" + buf.getvalue()


def to_json(s: Summary) -> str:
    return json.dumps(s.to_dict(), ensure_ascii=False, indent=2)


DOCUMENT_HEADER = ["文件", "状态", "标注公开属性", "建议公开属性", "属性状态", "错误", "警告", "提示", "主要问题", "说明"]


def document_rows(path: str | Path) -> Iterator[list]:
    """One row per document of a results file (for ``summary --documents``), file order."""
    path = Path(path)
    if kind_of(path) == "sqlite":
        yield from _sqlite_rows(path)
        return
    for r in _jsonl(path):
        yield _row(r)


def _row(r: dict) -> list:
    if "error" in r:
        e = r.get("error") or {}
        return [r.get("file"), "无法读取", "", "", "", "", "", "", ERROR_NAMES.get(e.get("code"), e.get("code")),
                e.get("message", "")]
    cats = Counter(f.get("category") for f in r.get("findings") or ())
    s = r.get("summary") or {}
    label = (r.get("document") or {}).get("label")
    suggested = (r.get("attribute") or {}).get("suggested")
    status = attribute_status(r)
    return [r.get("file"), "已检查", label or "", suggested or "", STATUS_NAMES.get(status, ""), s.get("error", 0),
            s.get("warning", 0), s.get("info", 0), _top(cats), ""]


def _sqlite_rows(path: Path) -> Iterator[list]:
    db = connect(path)
    try:
        rows = db.execute(
            "SELECT file, 0, label, suggested, attribute_status, errors, warnings, infos, id, NULL, NULL FROM documents"
            " UNION ALL SELECT file, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, code, message FROM errors"
            " ORDER BY 1"
        )
        inner = db.cursor()
        for file, failed, label, suggested, status, e, w, i, doc_id, code, message in rows:
            if failed:
                yield [file, "无法读取", "", "", "", "", "", "", ERROR_NAMES.get(code, code), message]
                continue
            cats = Counter(dict(inner.execute(
                "SELECT category, count(*) FROM findings WHERE document_id=? GROUP BY 1", (doc_id,))))
            yield [file, "已检查", label or "", suggested or "", STATUS_NAMES.get(status, ""), e, w, i, _top(cats), ""]
    finally:
        db.close()


def rows_to_csv(rows: Iterator[list], header: list[str]) -> Iterator[str]:
    """CSV text chunks for Excel (BOM first, CRLF line ends)."""
    buf = io.StringIO()
    from ..output import spreadsheet  # only CSV output pays for importing the emitters

    w = spreadsheet.writer(buf)  # file names and messages must stay text in Excel
    w.writerow(header)
    yield "\ufeff" + buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        w.writerow(row)
        yield buf.getvalue()
