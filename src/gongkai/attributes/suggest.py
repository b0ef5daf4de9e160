"""Suggest a 公开属性 by walking the decision table in ``data/attribute_table.yaml``.

The table is data: each step names its conditions, the attribute, a confidence, the clause it
rests on and a reason a clerk can read. The walk quotes the evidence that made a step match
(the body sentence, the 主送 line, the finding), never the title when the title did not match.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

from ..data import load_yaml
from ..models import AttributeSuggestion, Document, Reason
from . import labels as L
from .structure import UPWARD_WORDS, Structure, parse_structure

ATTRIBUTES = (L.ACTIVE, L.ON_REQUEST, L.WITHHELD)
_CONDITIONS = {
    "doc_type", "not_doc_type", "carried_type", "direction", "title_any", "text_any", "body_any", "min_hits",
    "recipients_any", "findings", "forwarded", "forwarded_label", "secret_mark",
}
#: Agreeing later steps add this much confidence (capped), disagreeing ones take it away.
SUPPORT, DISSENT, CAP, FLOOR = 0.04, 0.06, 0.97, 0.35
QUOTE_CHARS = 60  # longest quoted evidence


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
    text_re: tuple[regex.Pattern, ...]
    body_re: tuple[regex.Pattern, ...]
    recipients_re: regex.Pattern | None


def _alt(words) -> regex.Pattern | None:
    return regex.compile("|".join(f"(?:{w})" for w in words)) if words else None


def _each(words) -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(w) for w in words or ())


def _build(raw: dict, origin: str) -> tuple[Step, ...]:
    steps = []
    ids = set()
    for i, s in enumerate(raw["steps"]):
        where = f"{origin} step {i} ({s.get('id')})"
        when = s.get("when") or {}
        bad = set(when) - _CONDITIONS
        if bad:
            raise ValueError(f"{where}: unknown condition {sorted(bad)}")
        if s["attribute"] not in (*ATTRIBUTES, "$forwarded"):
            raise ValueError(f"{where}: bad attribute {s['attribute']}")
        if not s.get("basis") or not s.get("reason"):
            raise ValueError(f"{where}: every step needs a reason and a basis")
        if s["id"] in ids:
            raise ValueError(f"{where}: duplicate id")
        ids.add(s["id"])
        try:
            steps.append(Step(
                s["id"], s["attribute"], float(s["confidence"]), s["reason"], s["basis"], when,
                _alt(s.get("unless_title")), _alt(s.get("unless_text")), _alt(when.get("title_any")),
                _each(when.get("text_any")), _each(when.get("body_any")), _alt(when.get("recipients_any")),
            ))
        except regex.error as exc:
            raise ValueError(f"{where}: bad pattern ({exc})") from None
    if not steps or steps[-1].when:
        raise ValueError(f"{origin}: the last step must match everything (the default)")
    return tuple(steps)


@lru_cache(maxsize=1)
def load_table() -> tuple[Step, ...]:
    """The packaged decision table, checked on load."""
    text = resources.files("gongkai.data").joinpath("attribute_table.yaml").read_text("utf-8")
    return _build(load_yaml(text), "attribute_table.yaml")


@dataclass(slots=True)
class Features:
    """What the table looks at, worked out once per document."""

    s: Structure
    title: str
    body: list[str]  # main document and attachments, label lines removed, one paragraph each
    main: list[str]  # the main document only (before the attachment region)
    kinds: dict[str, list[str]]  # finding kind -> rule codes


def _bounds(line: str, start: int, end: int, stops: str) -> tuple[int, int]:
    a = max((line.rfind(p, 0, start) for p in stops), default=-1) + 1
    rights = [i for i in (line.find(p, end) for p in stops) if i >= 0]
    return a, (min(rights) + 1 if rights else len(line))


def _quote(line: str, m: regex.Match) -> str:
    """The sentence around a match (the clause, when the sentence is long), marked when cut."""
    a, b = _bounds(line, m.start(), m.end(), "。；！？")
    if b - a > QUOTE_CHARS:
        a, b = _bounds(line, m.start(), m.end(), "。；！？，：")
    if b - a > QUOTE_CHARS:
        a, b = max(a, m.start() - QUOTE_CHARS // 2), min(b, m.end() + QUOTE_CHARS // 2)
    quote = line[a:b].strip()
    return ("…" if a > 0 else "") + quote + ("…" if b < len(line) else "")


#: Pattern syntax that looks past the matched characters: at a line's edge it sees the string's
#: end alone, in joined lines a newline. (Everything else matches a line's characters alike in
#: both, so a pattern without these that finds nothing in the joined lines finds nothing in any.)
_EDGE_SENSITIVE = ("^", "$", "(?=", "(?!", "(?<", "\\A", "\\Z", "\\b", "\\B", "\\G", "\\m", "\\M", "\\K")


@lru_cache(maxsize=512)
def _line_local(p: regex.Pattern) -> bool:
    """Whether ``p`` finds nothing in lines joined by newlines only if it finds nothing in each."""
    return not any(token in p.pattern for token in _EDGE_SENSITIVE)


def _search_body(patterns, body: list[str]) -> list[tuple[str, str]]:
    """(matched word, quoted sentence) for each pattern found in the body, in table order."""
    hits = []
    joined = None
    for p in patterns:
        if _line_local(p):  # most patterns are absent: one search of the whole body says so
            if joined is None:
                joined = "\n".join(body)
            if not p.search(joined):
                continue
        for line in body:
            m = p.search(line)
            if m:
                hits.append((m.group(), _quote(line, m)))
                break
    return hits


def _matches(step: Step, f: Features) -> str | None:
    """Evidence text when every condition of the step holds, else None."""
    evidence: list[str] = []
    for condition in _CONDITIONS_IN_ORDER:
        found = condition(step, f)
        if found is None:
            return None
        evidence.extend(found)
    return "；".join(e for e in evidence if e) or ""


# Each condition of a step: None when it fails, else the evidence it adds (nothing when the step
# does not use it). They are tried in _CONDITIONS_IN_ORDER, the order the evidence is quoted in.


def _doc_type(step: Step, f: Features) -> list[str] | None:
    w, s = step.when, f.s
    if "doc_type" not in w:
        return []
    if s.doc_type not in w["doc_type"]:
        return None
    return [f"文种为“{s.doc_type}”"]


def _not_doc_type(step: Step, f: Features) -> list[str] | None:
    return None if "not_doc_type" in step.when and f.s.doc_type in step.when["not_doc_type"] else []


def _carried_type(step: Step, f: Features) -> list[str] | None:
    w, s = step.when, f.s
    if "carried_type" not in w:
        return []
    if s.carried_type not in w["carried_type"]:
        return None
    return [f"印发的《{s.carried_title}》为{s.carried_type}"]


def _direction(step: Step, f: Features) -> list[str] | None:
    """The 行文方向, quoting what showed it and, when that was the 文种, the 主送 line and the
    body's upward wording too."""
    w, s = step.when, f.s
    if "direction" not in w:
        return []
    if s.direction != w["direction"]:
        return None
    why = s.direction_reason or ""
    evidence = [f"行文方向为{s.direction}（{why}）" if why else f"行文方向为{s.direction}"]
    if s.recipients is not None and "主送" not in why:
        evidence.append(f"主送“{s.recipients.text.rstrip('：:')}”")
    if s.direction == "上行" and "正文" not in why:
        wording = _search_body([UPWARD_WORDS], f.main)
        if wording:
            evidence.append(f"正文“{wording[0][1]}”")
    return evidence


def _secret_mark(step: Step, f: Features) -> list[str] | None:
    w, s = step.when, f.s
    if "secret_mark" not in w:
        return []
    if bool(s.secret) != w["secret_mark"]:
        return None
    return [f"版头密级标志“{s.secret.text}”"] if s.secret else []


def _forwarded(step: Step, f: Features) -> list[str] | None:
    return None if "forwarded" in step.when and bool(f.s.forwarded) != step.when["forwarded"] else []


def _forwarded_label(step: Step, f: Features) -> list[str] | None:
    w, s = step.when, f.s
    if "forwarded_label" not in w:
        return []
    if bool(s.forwarded_label and s.forwarded) != w["forwarded_label"]:
        return None
    return [f"所转发的《{s.forwarded['title']}》标注“{s.forwarded_label.raw}”"] if s.forwarded_label else []


def _recipients(step: Step, f: Features) -> list[str] | None:
    if step.recipients_re is None:
        return []
    to = f.s.recipients.text if f.s.recipients else ""
    return [f"主送“{to}”"] if step.recipients_re.search(to) else None


def _title(step: Step, f: Features) -> list[str] | None:
    if step.title_re is None:
        return []
    m = step.title_re.search(f.title)
    return [f"标题“{f.title}”含“{m.group()}”"] if m else None


def _text(step: Step, f: Features) -> list[str] | None:
    """``text_any``: words in the body or, failing that, in the title."""
    return _words(step.text_re, step, f, title_too=True)


def _body(step: Step, f: Features) -> list[str] | None:
    """``body_any``: words in the body only."""
    return _words(step.body_re, step, f, title_too=False)


def _words(patterns: tuple[regex.Pattern, ...], step: Step, f: Features, title_too: bool) -> list[str] | None:
    """At least ``min_hits`` of ``patterns`` found; quotes the first body sentence (else the title)."""
    if not patterns:
        return []
    hits = _search_body(patterns, f.body)
    if not hits and title_too:
        for p in patterns:
            m = p.search(f.title)
            if m:
                hits.append((m.group(), None))
    if len(hits) < int(step.when.get("min_hits", 1)):
        return None
    words = "、".join(dict.fromkeys(h[0] for h in hits[:4]))
    quotes = [q for _, q in hits if q]
    if quotes:
        return [f"（{words}）正文“{quotes[0]}”"]
    return [f"（{words}）标题“{f.title}”"]


def _findings(step: Step, f: Features) -> list[str] | None:
    if "findings" not in step.when:
        return []
    hits = [k for k in step.when["findings"] if k in f.kinds]
    if not hits:
        return None
    return ["检查发现" + "、".join(f"{_KIND_NAMES.get(k, k)}（{'、'.join(sorted(set(f.kinds[k])))}）" for k in hits)]


def _unless_title(step: Step, f: Features) -> list[str] | None:
    return None if step.unless_title is not None and step.unless_title.search(f.title) else []


def _unless_text(step: Step, f: Features) -> list[str] | None:
    p = step.unless_text
    if p is not None and (p.search(f.title) or any(p.search(x) for x in f.body)):
        return None
    return []


_CONDITIONS_IN_ORDER = (
    _doc_type, _not_doc_type, _carried_type, _direction, _secret_mark, _forwarded, _forwarded_label,
    _recipients, _title, _text, _body, _findings, _unless_title, _unless_text,
)


_KIND_NAMES = {
    "classification_mark": "密级标志", "internal_marking": "内部资料标记", "trade_secret": "商业秘密",
    "process_draft": "过程稿标记", "id_card": "公民身份号码", "bank_card": "银行卡号",
    "health_info": "健康信息", "passport": "护照号码", "mobile": "手机号码",
}

#: Label text is no evidence of content: it is removed before the table is walked.
_LABEL_TEXT = regex.compile(
    r"[（(【\[]\s*(?:此件|本件|此文|本文件|本文)[^）)】\]]{1,8}[）)】\]]|(?:信息)?公开(?:方式|属性|类型|选项)\s*[:：]\s*\S{2,6}"
    r"|^\s*(?:此件|本件)\s*(?:公开发布|主动公开|依申请公开|不予公开|不公开|免予公开)\s*[。.]?\s*$"
)


def features(doc: Document, s: Structure, findings=()) -> Features:
    """The inputs of the table walk for ``doc``."""
    kinds: dict[str, list[str]] = {}
    for f in findings:
        # metadata (an author, a property value) says how the file was kept, not what it is about
        if f.category in ("personal_data", "secret") and f.location.property is None:
            kinds.setdefault(f.kind, []).append(f.rule)
    title_blocks = set(s.title_blocks)
    fields = (s.recipients, s.doc_number, s.banner, s.issuer, s.date)
    skip_blocks = {x.block for x in fields if x is not None} | title_blocks
    body, main = [], []
    for b in doc.blocks:
        if b.part not in ("body", "table") or b.index in skip_blocks:
            continue
        t = _LABEL_TEXT.sub("", b.text).strip()
        if t:
            body.append(t)
            if not s.in_attachment(b.index):
                main.append(t)
    return Features(s, s.title.text if s.title else "", body, main, kinds)


def walk(steps, f: Features) -> AttributeSuggestion:
    """Walk ``steps`` over the features: the first match decides, the rest add or subtract."""
    decided: AttributeSuggestion | None = None
    dissented = False
    for step in steps:
        evidence = _matches(step, f)
        if evidence is None:
            continue
        attribute = step.attribute
        if attribute == "$forwarded":
            attribute = f.s.forwarded_label.value
        codes = tuple(sorted({r for k in step.when.get("findings", ()) for r in f.kinds.get(k, ())}))
        text = f"{step.reason}：{evidence}" if evidence else step.reason
        reason = Reason(step.basis, text, codes)
        if decided is None:
            decided = AttributeSuggestion(attribute, step.confidence, [reason])
        elif step.id == "default":
            continue
        elif attribute == decided.suggested:
            if len(decided.reasons) < 4:
                decided.reasons.append(reason)
            decided.confidence = min(CAP, decided.confidence + SUPPORT)
        elif not dissented:  # one contrary sign lowers the confidence once, not per keyword
            dissented = True
            decided.confidence = max(FLOOR, decided.confidence - DISSENT)
    assert decided is not None  # the default step always matches
    decided.confidence = round(decided.confidence, 2)
    return decided


def suggest_attribute(doc: Document, ctx=None) -> AttributeSuggestion:
    """The suggested attribute with reasons. As a Context fact it reads the content findings."""
    s: Structure = ctx.fact(parse_structure) if ctx is not None else parse_structure(doc)
    findings = ctx.findings if ctx is not None else []
    return walk(load_table(), features(doc, s, findings))
