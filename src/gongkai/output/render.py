"""Emitters: text, JSON Lines (gongkai.report/1) and SARIF 2.1.0. All read only the Report."""

from __future__ import annotations

import json
from typing import Iterable

from .. import __version__
from ..models import SCHEMA, Finding, ReadError, Report, Severity
from ..masking import Masker, mask_spans, shown_text

TOOL = {"name": "gongkai", "version": __version__}


def shown_excerpt(f: Finding, reveal: bool, masker: Masker | None = None) -> str | None:
    if f.excerpt is None:
        return None
    e = f.excerpt
    text = e.text if reveal else (masker or Masker((f,)))(mask_spans(e.text, list(e.sensitive)))
    return text.replace("\n", "⏎").replace("\t", " ")


def finding_dict(f: Finding, reveal: bool = False, masker: Masker | None = None) -> dict:
    m = masker or Masker((f,), reveal)
    d = {
        "rule": f.rule,
        "category": f.category,
        "kind": f.kind,
        "severity": f.severity.label,
        "message": m(f.message),
        "location": m.deep(f.location.to_dict()),  # a property's name may hold a value too
        "text": shown_text(f, reveal, m),
        "suggestion": m(f.suggestion),
        "basis": f.basis,
        "confidence": round(f.confidence, 2),
    }
    if f.excerpt is not None:
        d["context"] = shown_excerpt(f, reveal, m)
    if f.explanation:
        d["explanation"] = m.deep(f.explanation)
    return d


def report_dict(report: Report, reveal: bool = False) -> dict:
    masker = Masker(report.findings, reveal)
    # every text of the report passes the masker (title, recipients, forwarded title, reasons,
    # warnings); codes, hashes and the file name do not
    document = masker.deep(report.document.to_dict())
    attribute = masker.deep(report.attribute.to_dict()) if report.attribute else None
    return {
        "schema": SCHEMA,
        "tool": dict(TOOL),
        "file": report.file,
        "sha256": report.sha256,
        "content_sha256": report.content_sha256,
        "document": document,
        "attribute": attribute,
        "findings": [finding_dict(f, reveal, masker) for f in report.findings],
        "summary": report.summary,
        **({"warnings": masker.deep(report.warnings)} if report.warnings else {}),
    }


def error_dict(err: ReadError, reveal: bool = False) -> dict:
    message = Masker(reveal=reveal)(err.message)  # an exception's text may quote the document
    return {"schema": SCHEMA, "tool": dict(TOOL), "file": err.file, "error": {"code": err.code, "message": message}}


def to_json_line(item: Report | ReadError, reveal: bool = False) -> str:
    d = error_dict(item, reveal) if isinstance(item, ReadError) else report_dict(item, reveal)
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


# -- text ----------------------------------------------------------------------------------

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
CATEGORY_NAMES = {
    "personal_data": "个人信息", "secret": "涉密与内部", "reprint": "转载", "approval": "审批",
    "attribute": "公开属性", "proofing": "文字校对", "format": "公文格式", "completeness": "要素完整性",
}


def text_lines(report: Report, reveal: bool = False) -> list[tuple[str, str | None]]:
    """The text report as (line, rich style) pairs; the CLI decides whether to colour them."""
    lines: list[tuple[str, str | None]] = []
    masker = Masker(report.findings, reveal)
    d = report.document
    lines.append((f"{report.file}", "bold"))
    meta = [x for x in (d.title, d.doc_number, d.doc_type) if x]
    if meta:
        lines.append(("  " + " | ".join(meta), None))
    label = d.label or "未标注"
    if report.attribute:
        a = report.attribute
        lines.append((f"  公开属性：标注 {label}；建议 {a.suggested}（把握 {a.confidence:.0%}）", None))
        for r in a.reasons[:3]:
            lines.append((f"    · {r.text}（{r.basis}）", "dim"))
    groups: dict[str, list[Finding]] = {}
    for f in report.findings:
        groups.setdefault(f.category, []).append(f)
    for category, items in groups.items():
        lines.append((f"  【{CATEGORY_NAMES.get(category, category)}】{len(items)} 处", "bold"))
        for f in items:
            where = f.location.describe()
            shown = shown_text(f, reveal, masker)
            head = f"    {where:<14} {f.rule} {f.severity.chinese} {f.message}"
            if shown and shown not in f.message:
                head += f"：{shown}"
            lines.append((head, SEVERITY_STYLE[f.severity]))
            excerpt = shown_excerpt(f, reveal, masker)
            if excerpt:
                lines.append((f"      …{excerpt}…", "dim"))
            if f.suggestion:
                lines.append((f"      建议：{f.suggestion}", "green"))
            if f.basis:
                lines.append((f"      依据：{f.basis}", "dim"))
    for w in report.warnings:
        lines.append((f"  注意：{w}", "yellow"))
    s = report.summary
    lines.append((f"  共 {s['error']} 个错误，{s['warning']} 个警告，{s['info']} 个提示", "bold"))
    return [(masker(line), style) for line, style in lines]


class Totals:
    """Running counts over many reports (kept small: a run may cover thousands)."""

    def __init__(self) -> None:
        self.documents = 0
        self.counts = {"error": 0, "warning": 0, "info": 0}

    def add(self, report: Report) -> None:
        self.documents += 1
        for k, v in report.summary.items():
            self.counts[k] += v

    def line(self, unreadable: int = 0) -> str:
        c = self.counts
        tail = f"，{unreadable} 个文件无法读取" if unreadable else ""
        return f"检查了 {self.documents} 个文件：{c['error']} 个错误，{c['warning']} 个警告，{c['info']} 个提示{tail}"


# -- SARIF 2.1.0 ---------------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_log(items: Iterable[Report | ReadError], rules, reveal: bool = False) -> dict:
    """One SARIF run over all documents; ``rules`` are the registry's rules (for metadata)."""
    rules = list(rules)
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    notifications = []
    artifacts: list[dict] = []
    for item in items:
        if isinstance(item, ReadError):
            notifications.append({
                "level": "error",
                "message": {"text": Masker(reveal=reveal)(item.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(item.file)}}}],
                "properties": {"code": item.code},
            })
            continue
        artifacts.append({"location": {"uri": _uri(item.file)}, "hashes": {"sha-256": item.sha256}})
        masker = Masker(item.findings, reveal)
        for f in item.findings:
            loc = f.location
            result = {
                "ruleId": f.rule,
                "level": _LEVEL[f.severity],
                "message": {"text": masker(f.message + (f"：{shown_text(f, reveal, masker)}" if f.text else ""))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(item.file)},
                        # Paragraphs are the lines of a document; columns count characters.
                        # A document property has no line: the logical location names it.
                        **({} if loc.property is not None else {"region": {
                            "startLine": loc.paragraph + 1,
                            "startColumn": loc.start + 1,
                            "endColumn": max(loc.end, loc.start) + 1,
                            **({"snippet": {"text": shown_excerpt(f, reveal, masker)}} if f.excerpt else {}),
                        }}),
                    },
                    "logicalLocations": [{"name": masker(loc.describe()), "kind": loc.part}],
                }],
                "properties": {
                    "category": f.category, "kind": f.kind, "confidence": round(f.confidence, 2),
                    "location": masker.deep(loc.to_dict()), **({"basis": f.basis} if f.basis else {}),
                },
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            if f.suggestion:
                result["properties"]["suggestion"] = masker(f.suggestion)
            results.append(result)
    driver = {
        "name": "gongkai",
        "version": __version__,
        "rules": [
            {
                "id": r.code,
                "name": f"{r.category}/{r.kind}",
                "shortDescription": {"text": r.message},
                "fullDescription": {"text": r.doc},
                "help": {"text": f"{r.doc}\n依据：{r.basis}"},
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                "properties": {"category": r.category, "kind": r.kind, "basis": r.basis},
            }
            for r in rules
        ],
    }
    run: dict = {"tool": {"driver": driver}, "results": results, "artifacts": artifacts}
    if notifications:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/!:._-~")
