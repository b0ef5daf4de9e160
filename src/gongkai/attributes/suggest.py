"""Suggest a 公开属性 by walking the decision table in ``data/attribute_table.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex
import yaml

from ..models import AttributeSuggestion, Document, Reason
from .structure import Structure, parse_structure

_CONDITIONS = {
    "doc_type", "direction", "title_any", "text_any", "findings", "forwarded_label", "secret_mark",
}


@dataclass(frozen=True)
class Step:
    id: str
    attribute: str
    confidence: float
    reason: str
    basis: str
    when: dict
    unless_title: regex.Pattern | None
    unless_text: regex.Pattern | None
    title_re: regex.Pattern | None
    text_re: regex.Pattern | None


def _alt(words) -> regex.Pattern | None:
    return regex.compile("|".join(f"(?:{w})" for w in words)) if words else None


@lru_cache(maxsize=1)
def load_table() -> tuple[Step, ...]:
    raw = yaml.safe_load(resources.files("gongkai.data").joinpath("attribute_table.yaml").read_text("utf-8"))
    steps = []
    for i, s in enumerate(raw["steps"]):
        when = s.get("when") or {}
        bad = set(when) - _CONDITIONS
        if bad:
            raise ValueError(f"attribute_table.yaml step {i} ({s.get('id')}): unknown condition {bad}")
        if s["attribute"] not in ("主动公开", "依申请公开", "不予公开", "$forwarded"):
            raise ValueError(f"attribute_table.yaml step {s['id']}: bad attribute {s['attribute']}")
        steps.append(Step(
            s["id"], s["attribute"], float(s["confidence"]), s["reason"], s["basis"], when,
            _alt(s.get("unless_title")), _alt(s.get("unless_text")),
            _alt(when.get("title_any")), _alt(when.get("text_any")),
        ))
    if steps[-1].when:
        raise ValueError("attribute_table.yaml: the last step must match everything (the default)")
    return tuple(steps)


def _evidence(pattern: regex.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    if not m:
        return None
    a, b = max(0, m.start() - 8), min(len(text), m.end() + 8)
    return text[a:b].replace("\n", " ")


def _matches(step: Step, s: Structure, title: str, text: str, kinds: dict[str, list[str]]) -> str | None:
    """Evidence text when every condition of the step holds, else None."""
    w = step.when
    evidence: list[str] = []
    if "doc_type" in w:
        if s.doc_type not in w["doc_type"]:
            return None
        evidence.append(f"文种为“{s.doc_type}”")
    if "direction" in w:
        if s.direction != w["direction"]:
            return None
        evidence.append(f"行文方向为{s.direction}" + (f"（主送：{s.recipients.text}）" if s.recipients else ""))
    if "secret_mark" in w:
        if bool(s.secret) != w["secret_mark"]:
            return None
        evidence.append(f"密级标志“{s.secret.text}”" if s.secret else "")
    if "forwarded_label" in w:
        if bool(s.forwarded_label) != w["forwarded_label"]:
            return None
        if s.forwarded_label:
            evidence.append(f"所转发公文标注“{s.forwarded_label.raw}”")
    if step.title_re is not None:
        ev = _evidence(step.title_re, title)
        if ev is None:
            return None
        evidence.append(f"标题“{title}”")
    if step.text_re is not None:
        ev = _evidence(step.text_re, text)
        if ev is None:
            return None
        evidence.append(f"正文“…{ev}…”")
    if "findings" in w:
        hits = [k for k in w["findings"] if k in kinds]
        if not hits:
            return None
        evidence.append("检查发现" + "、".join(f"{k}（{'、'.join(sorted(set(kinds[k])))}）" for k in hits))
    if step.unless_title is not None and step.unless_title.search(title):
        return None
    if step.unless_text is not None and step.unless_text.search(text):
        return None
    return "；".join(e for e in evidence if e) or "未发现其他依据"


def suggest_attribute(doc: Document, ctx=None) -> AttributeSuggestion:
    """The suggested attribute with reasons. As a Context fact it reads the content findings."""
    s: Structure = ctx.fact(parse_structure) if ctx is not None else parse_structure(doc)
    findings = ctx.findings if ctx is not None else []
    kinds: dict[str, list[str]] = {}
    for f in findings:
        kinds.setdefault(f.kind, []).append(f.rule)
    title = s.title.text if s.title else ""
    end = s.attachment_start if s.attachment_start is not None else len(doc.blocks)
    text = "\n".join(b.text for b in doc.blocks[:end] if b.part in ("body", "table"))
    # Labels themselves must not count as evidence of content.
    text = regex.sub(r"[（(]此件[^）)]{2,8}[）)]|公开(?:方式|属性)[:：]\S+", "", text)

    decided: AttributeSuggestion | None = None
    for step in load_table():
        evidence = _matches(step, s, title, text, kinds)
        if evidence is None:
            continue
        attribute = step.attribute
        if attribute == "$forwarded":
            attribute = s.forwarded_label.value
        codes = tuple(sorted({r for k in step.when.get("findings", ()) for r in kinds.get(k, ())}))
        reason = Reason(step.basis, f"{step.reason}：{evidence}", codes)
        if decided is None:
            decided = AttributeSuggestion(attribute, step.confidence, [reason])
        elif attribute == decided.suggested and step.id != "default" and len(decided.reasons) < 4:
            decided.reasons.append(reason)
            decided.confidence = min(0.97, decided.confidence + 0.04)
        elif attribute != decided.suggested and step.id != "default":
            decided.confidence = max(0.4, decided.confidence - 0.05)
    assert decided is not None  # the default step always matches
    return decided
