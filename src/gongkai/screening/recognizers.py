"""The recognizer engine: every personal-data kind is a declaration, one loop runs them all.

A declaration (one entry of ``data/recognizers.yaml``, one row per rule code as in ruff's
registry) says, in the manner of a Presidio recognizer:

* the rule: code, kind, message, severity, priority, basis, doc, examples that fire and stay silent;
* which blocks it reads (``reads``: ``numeric`` blocks with four digits in a row, or ``text``,
  every block) and a cheap necessary test on the block (``min_length``, ``needs``, ``block_check``);
* ``patterns``: a regular expression with a name and a ``score`` (the confidence it gives on its
  own), a ``validator`` (a name from :data:`validators.VALIDATORS`), the ``validation`` text of
  the explanation, ``requires`` (evidence without which a match is not reported) and ``invalid``,
  what is reported when the validator fails (a lower score, a message saying so);
* ``context``: words looked for in a ``window`` of characters before the value, and the ``boost``
  a context word adds to the score; ``header``: table-column kinds whose header counts as one;
* ``role_window``: how far back a role word (申请人、户主…) is looked for, for the explanation;
* ``deny``: words before the value that silence it (公务用车); ``code_words``: words that make a
  number a code of something else (项目编码…), ``unless`` a context word, a role or an owner;
* ``owner``: a named hook deciding whose value it is (a published hotline's or a person's), the
  ``owner_boost`` a person's evidence adds, ``public_if``: named tests that make it an office's;
* severity policy: ``strong`` (``always``, ``owner``, ``evidence``, ``never``: which findings keep
  the rule's severity rather than at most a warning) and ``cap``.

Procedural knowledge that is not a list of words (whose phone a number is, an office's staff
contact, the name pipeline, addresses, health terms beside a person, 公示 lists) lives in
named hooks in ``personal_data.py``; a declaration refers to them by name, and
:class:`Hooks` is the table of those names. The engine does the confidence arithmetic once
(score + boost), builds the explanation in one order, applies the document's 公开属性 to the
severity and makes the finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterator, Mapping

import regex

from ..data import load_yaml
from ..engine import Context, Rule
from ..models import Block, Document, Finding, Severity
from ..masking import mask
from .context import HALF, MASK_CHARS, Joined, PersonalContext, last_word, lexicon, personal_context
from .properties import in_properties, with_properties
from .validators import VALIDATORS

#: (block, start, end, strong, confidence, explanation): what a source hook yields per value.
Span = tuple[Block, int, int, bool, float, dict]

#: The full-width characters HALF reads as ASCII.
_FULLWIDTH = "０１２３４５６７８９ＸｘＥＧＰＳＤ－＠．"
#: Four digits in a row: every ``reads: numeric`` pattern holds such a run.
FOUR_DIGITS = regex.compile(r"\d{4}")


def half_texts(doc: Document, ctx: Context | None = None) -> list[str]:
    """Each block's text with full-width digits read as ASCII (same length, offsets kept), by block index.

    A per-document fact: every recognizer reads the blocks through it, so each text is
    converted once per document instead of once per rule.
    """
    texts = [b.text for b in doc.blocks]
    wide = Joined(texts).holding(_FULLWIDTH)
    return [t.translate(HALF) if i in wide else t for i, t in enumerate(texts)]


def joined_texts(doc: Document, ctx: Context) -> Joined:
    """The half-width texts joined, to ask which blocks a prefilter passes (a per-document fact)."""
    return Joined(ctx.fact(half_texts))


def numeric_blocks(doc: Document, ctx: Context) -> list[tuple[Block, str]]:
    """(block, half-width text) of the blocks with four digits in a row (a per-document fact).

    The number recognizers read only these: one test per block instead of each rule's own loop
    over every paragraph of a long document.
    """
    texts = ctx.fact(half_texts)
    blocks = doc.blocks
    return [(blocks[i], texts[i]) for i in sorted(ctx.fact(joined_texts).matching(FOUR_DIGITS))]


def masked_around(text: str, start: int, end: int) -> bool:
    """A masking character touches the value (5202**********3419, 张*): already masked, not a leak."""
    return (start > 0 and text[start - 1] in MASK_CHARS) or (end < len(text) and text[end] in MASK_CHARS)


def role_in(before: str) -> str | None:
    """The last role word (申请人、户主…) in ``before``, or None."""
    hit = last_word(lexicon().role_re, before)
    return hit[0] if hit else None


def suggestion(kind: str, value: str) -> str:
    """The advice quotes the value's own masked form: the form every report and ``redact`` use
    (one mask style, ``masking.mask``), never a generic example that differs from it."""
    return f"主动公开前删除或遮蔽（区分处理），如 {mask(value, kind)}；可用 gongkai redact 生成遮蔽件"


# -- the hooks a declaration may name ---------------------------------------------------------------

@dataclass
class Hooks:
    """The named procedures declarations refer to (personal_data.py fills it)."""

    #: name -> fn(text, start, block, pctx) -> (public word, (evidence key, word)): whose value it is
    owners: dict[str, Callable] = field(default_factory=dict)
    #: name -> fn(candidate) -> bool: tests a declaration names in requires, public_if, excludes, names
    tests: dict[str, Callable[["Candidate"], bool]] = field(default_factory=dict)
    #: name -> fn(text, block, pctx) -> bool: may the block hold a value at all
    block_checks: dict[str, Callable] = field(default_factory=dict)
    #: name -> fn(rule, doc, ctx) -> Iterable[Span]: values found by a procedure, not a pattern
    sources: dict[str, Callable] = field(default_factory=dict)
    #: name -> Rule.prepare
    prepares: dict[str, Callable] = field(default_factory=dict)
    #: name -> fn(text, role, at) -> bool: the role word names an office's staff contact (联系人)
    staff: dict[str, Callable] = field(default_factory=dict)
    #: name -> fn(value) -> str: the value a pattern's match stands for (digits only, no spaces…)
    values: dict[str, Callable[[str], str]] = field(default_factory=dict)


# -- declarations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """What a pattern reports when its validator passes (or, as ``invalid``, when it fails)."""

    score: float
    validation: str | Mapping[str, str]
    message: str | None = None
    #: each item one requirement; "a|b" means either
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pattern:
    """A regular expression with a name, a score and what validates it."""

    name: str | Mapping[str, str]
    regex: regex.Pattern
    verdict: Verdict
    validator: str | None = None
    invalid: Verdict | None = None
    #: hook name: the value a match stands for (for validators and context)
    value: str | None = None
    #: the match's group that is the value: 0, or the first of several that took part
    groups: tuple[int, ...] = (0,)
    #: a named group whose matches must pass the validator (no ``invalid`` for them)
    strict_group: str | None = None
    #: test names that drop a match outright (a mobile is not a landline)
    excludes: tuple[str, ...] = ()
    #: necessary conditions on the block's text: its length, a cheap search
    min_length: int = 0
    needs: regex.Pattern | None = None
    #: the declaration's context boost, role window, code words and header entry, unless set here
    boost: float | None = None
    role_window: int | None = None
    code_words: bool = True
    explain_header: bool | None = None


@dataclass(frozen=True)
class ContextWords:
    words: tuple[str, ...] = ()
    window: int = 12
    boost: float = 0.0
    #: header kinds: a cell of such a column has its header as context word
    header: tuple[str, ...] = ()
    #: the header before the words (D101, D104) or after them (D107)
    header_first: bool = True
    #: the explanation names this label instead of the word found
    label: str | None = None
    #: the explanation also has a ``header`` entry
    explain_header: bool = False
    #: a context word counts only when no owner is known (the owner's evidence says more)
    without_owner: bool = False


@dataclass(eq=False)
class Recognizer(Rule):
    """A personal-data rule run from its declaration (see the module's docstring)."""

    reads: str = "text"
    min_length: int = 0
    #: a regular expression the block must match, or literal strings of which it must hold one
    needs: regex.Pattern | tuple[str, ...] | None = None
    block_check: str | None = None
    patterns: tuple[Pattern, ...] = ()
    source: str | None = None
    context: ContextWords = ContextWords()
    role_window: int = 0
    deny: tuple[str, ...] = ()
    deny_window: int = 24
    code_words: regex.Pattern | None = None
    code_window: int = 12
    code_unless: tuple[str, ...] = ()
    owner: str | None = None
    owner_boost: float = 0.0
    public_if: tuple[str, ...] = ()
    #: a public word among these makes an advice finding instead of silence: {words, score, message, cap}
    advice: Mapping[str, Any] | None = None
    staff: str | None = None
    staff_effect: str = "flag"
    staff_note: str = ""
    skip_masked: bool = False
    strong: str = "always"
    cap: Severity | None = None
    cap_unless: str | None = None
    hooks: Hooks = field(default_factory=Hooks, repr=False)

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        return _SCAN_AND_PROPERTIES(self, doc, ctx)

    def scan(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        """The findings in the document's blocks (the property values are read by :meth:`check`)."""
        pctx = ctx.fact(personal_context)
        if self.source is not None:
            for block, start, end, strong, confidence, explanation in self.hooks.sources[self.source](self, doc, ctx):
                yield emit(self, block, start, end, pctx, strong=strong, confidence=confidence, explanation=explanation)
            return
        for block, text in self.read(doc, ctx, pctx):
            header = None
            if self.context.header:
                col = pctx.columns.get(block.index)
                header = col[1] if col and col[0] in self.context.header else None
            for pattern in self.patterns:
                if len(text) < pattern.min_length or (pattern.needs is not None and not pattern.needs.search(text)):
                    continue
                for m in pattern.regex.finditer(text):
                    found = self.judge(Candidate(self, pattern, block, text, m, header, pctx))
                    if found is not None:
                        yield found

    def read(self, doc: Document, ctx: Context, pctx: PersonalContext) -> Iterator[tuple[Block, str]]:
        """(block, half-width text) of the blocks that may hold a value: all or the numeric ones,
        in the rule's parts, long enough, passing ``needs`` and the ``block_check``."""
        texts = ctx.fact(half_texts)
        if self.needs is not None:
            joined = ctx.fact(joined_texts)
            hits = joined.holding(self.needs) if isinstance(self.needs, tuple) else joined.matching(self.needs)
        if self.reads == "numeric":
            indexes = [b.index for b, _ in ctx.fact(numeric_blocks)]
            if self.needs is not None:
                indexes = [i for i in indexes if i in hits]
        else:
            indexes = sorted(hits) if self.needs is not None else range(len(texts))
        blocks = doc.blocks
        check = self.hooks.block_checks[self.block_check] if self.block_check else None
        for i in indexes:
            block, text = blocks[i], texts[i]
            if len(text) < self.min_length or (self.parts is not None and block.part not in self.parts):
                continue
            if check is None or check(text, block, pctx):
                yield block, text

    def judge(self, c: Candidate) -> Finding | None:
        """The finding a match makes, or None: the declaration's filters, then its evidence."""
        pattern = c.pattern
        if self.skip_masked and masked_around(c.text, c.start, c.end):
            return None
        if pattern.excludes and any(c.holds(name) for name in pattern.excludes):
            return None
        if self.deny and any(w in c.text[max(0, c.start - self.deny_window):c.start] for w in self.deny):
            return None
        if self.owner is not None:
            c.public, c.personal = self.hooks.owners[self.owner](c.text, c.start, c.block, c.pctx)
            if c.public:
                return self.advise(c) if self.advice and c.public in self.advice["words"] else None
            if c.personal is None and any(c.holds(name) for name in self.public_if):
                return None
        if self.code_words is not None and pattern.code_words and self.code_words.search(c.near(self.code_window)) \
                and not any(c.holds(name) for name in self.code_unless):
            return None
        verdict = c.verdict()
        if verdict is None or not all(c.holds(req) for req in verdict.requires):
            return None
        if self.staff and c.personal is not None and c.personal[0] == "role" \
                and self.hooks.staff[self.staff](c.text, c.personal[1], c.start):
            if self.staff_effect == "skip":
                return None
            c.staff = True
        return emit(self, c.block, c.start, c.end, c.pctx, strong=c.strong(), confidence=c.confidence(verdict),
                    explanation=c.explanation(verdict), message=verdict.message, cap=c.cap())

    def advise(self, c: Candidate) -> Finding:
        """A published line that should not be a mobile (咨询电话：138…): a note, not a leak."""
        advice = self.advice
        return emit(self, c.block, c.start, c.end, c.pctx, strong=False, confidence=advice["score"],
                    cap=Severity.parse(advice["cap"]), message=advice["message"].format(public=c.public),
                    explanation={"pattern": c.name(), "validation": c.pattern.verdict.validation, "context": c.public})


#: Recognizer.scan over the blocks, then over the document's property values (properties.py).
_SCAN_AND_PROPERTIES = in_properties(Recognizer.scan)


class Candidate:
    """One match being judged: its place, its value and the evidence around it (each looked up once)."""

    def __init__(self, rule: Recognizer, pattern: Pattern, block: Block, text: str, m: regex.Match,
                 header: str | None, pctx: PersonalContext):
        self.rule, self.pattern, self.block, self.text, self.m, self.header, self.pctx = (
            rule, pattern, block, text, m, header, pctx)
        group = 0 if pattern.groups == (0,) else next((g for g in pattern.groups if m.group(g) is not None), 0)
        self.group = group
        self.start, self.end = m.span(group)
        raw = m.group(group)
        self.value = rule.hooks.values[pattern.value](raw) if pattern.value else raw
        self.public: str | None = None
        self.personal: tuple[str, str] | None = None
        self.staff = False
        self._word: Any = ...
        self._role: Any = ...

    def near(self, window: int) -> str:
        return self.text[max(0, self.start - window):self.start]

    @property
    def word(self) -> str | None:
        """The context word: the column's header or a declared word in the window before the value."""
        if self._word is ...:
            ctx = self.rule.context
            near = self.near(ctx.window)
            found = next((w for w in ctx.words if w in near), None)
            self._word = (self.header or found) if ctx.header_first else (found or self.header)
        return self._word

    @property
    def role(self) -> str | None:
        """The last role word within the declaration's role window (for the explanation)."""
        if self._role is ...:
            window = self.rule.role_window if self.pattern.role_window is None else self.pattern.role_window
            self._role = role_in(self.near(window)) if window else None
        return self._role

    def holds(self, name: str) -> bool:
        """A named piece of evidence or test: ``context``, ``role`` (in the code-word window),
        ``header``, ``owner``, or a hook test; ``a|b`` holds when either does."""
        if "|" in name:
            return any(self.holds(n) for n in name.split("|"))
        if name == "context":
            return self.word is not None
        if name == "header":
            return self.header is not None
        if name == "owner":
            return self.personal is not None
        if name == "role":
            return role_in(self.near(self.rule.code_window)) is not None
        return self.rule.hooks.tests[name](self)

    def verdict(self) -> Verdict | None:
        """The pattern's verdict when the validator passes; its ``invalid`` one (or None) when it fails."""
        pattern = self.pattern
        if pattern.validator is None:
            return pattern.verdict
        if VALIDATORS[pattern.validator](self.value):
            return pattern.verdict
        if pattern.strict_group and self.m.group(pattern.strict_group):
            return None
        return pattern.invalid

    def name(self) -> str:
        return _pick(self.pattern.name, self)

    def confidence(self, verdict: Verdict) -> float:
        """The score, plus the owner's boost when a person's evidence is known, else the context boost."""
        if self.personal is not None:
            return verdict.score + self.rule.owner_boost
        if self.word is not None:
            return verdict.score + (self.rule.context.boost if self.pattern.boost is None else self.pattern.boost)
        return verdict.score

    def explanation(self, verdict: Verdict) -> dict:
        """pattern, validation, the owner's evidence, context word, role, header, staff: in that order."""
        ctx = self.rule.context
        expl = {"pattern": self.name(), "validation": _pick(verdict.validation, self)}
        if self.personal is not None:
            expl[self.personal[0]] = self.personal[1]
        if self.word is not None and not (ctx.without_owner and self.personal is not None):
            expl["context"] = ctx.label or self.word
        if self.role:
            expl["role"] = self.role
        explain_header = ctx.explain_header if self.pattern.explain_header is None else self.pattern.explain_header
        if explain_header and self.header:
            expl["header"] = self.header
        if self.staff and self.rule.staff_note:
            expl["staff"] = self.rule.staff_note
        return expl

    def strong(self) -> bool:
        policy = self.rule.strong
        if policy == "owner":
            return self.personal is not None and not self.staff
        if policy == "evidence":
            return bool(self.role or self.word)
        return policy == "always"

    def cap(self) -> Severity | None:
        rule = self.rule
        if rule.cap is None or (rule.cap_unless == "owner" and self.personal is not None and not self.staff):
            return None
        return rule.cap


def _pick(choice: str | Mapping[str, str], c: Candidate) -> str:
    """A text, or {test: text, …, default: text}: the text of the first test that holds."""
    if isinstance(choice, str):
        return choice
    return next((text for name, text in choice.items() if name != "default" and c.holds(name)), choice["default"])


def emit(rule: Rule, block: Block, start: int, end: int, pctx: PersonalContext, *, strong: bool, confidence: float,
         explanation: dict, message: str | None = None, cap: Severity | None = None) -> Finding:
    """The finding: severity after the document's 公开属性 (and the cap), confidence at most 0.99,
    the explanation completed with the severity reason and the rounded confidence."""
    severity, why = pctx.severity(rule.severity, strong)
    if cap is not None and severity > cap:
        severity = cap
    confidence = min(confidence, 0.99)
    explanation = dict(explanation)  # the caller's may be shared (name_findings is a fact)
    if why:
        explanation["severity"] = why
    explanation["confidence"] = round(confidence, 2)
    value = block.text[start:end]
    return rule.finding(block, start, end, text=value, message=message, severity=severity,
                        suggestion=suggestion(rule.kind, value), confidence=confidence, explanation=explanation)


# -- loading --------------------------------------------------------------------------------------

def _words_re(words) -> regex.Pattern:
    return regex.compile("|".join(map(regex.escape, words)))


def _verdict(d: Mapping, default_validation: str | Mapping = "") -> Verdict:
    requires = d.get("requires", ())
    return Verdict(score=d["score"], validation=d.get("validation", default_validation), message=d.get("message"),
                   requires=tuple([requires] if isinstance(requires, str) else requires))


def _pattern(d: Mapping) -> Pattern:
    invalid = d.get("invalid")
    return Pattern(
        name=d["name"], regex=regex.compile(d["regex"]), verdict=_verdict(d), validator=d.get("validator"),
        invalid=_verdict(invalid) if invalid else None, value=d.get("value"), groups=tuple(d.get("groups", (0,))),
        strict_group=d.get("strict_group"), excludes=tuple(d.get("excludes", ())),
        min_length=d.get("min_length", 0), needs=regex.compile(d["needs"]) if "needs" in d else None,
        boost=d.get("boost"), role_window=d.get("role_window"), code_words=d.get("code_words", True),
        explain_header=d.get("explain_header"),
    )


def _example(e):
    """A text, or {text:, core:, custom:}: a document with properties."""
    return e if isinstance(e, str) else with_properties(e["text"], core=e.get("core"), custom=e.get("custom"))


def build(code: str, d: Mapping, hooks: Hooks, words: Mapping[str, Any]) -> Recognizer:
    """A :class:`Recognizer` from one declaration; ``words`` are the file's shared word lists."""
    ctx = d.get("context", {})
    context = ContextWords(
        words=tuple(_lookup(ctx.get("words", ()), words)), window=ctx.get("window", 12), boost=ctx.get("boost", 0.0),
        header=tuple(ctx.get("header", ())), header_first=ctx.get("header_first", True), label=ctx.get("label"),
        explain_header=ctx.get("explain_header", False), without_owner=ctx.get("without_owner", False),
    )
    code_words = d.get("code_words")
    owner = d.get("owner", {})
    staff = owner.get("staff", {})
    cap = d.get("cap", {})
    return Recognizer(
        code=code, category="personal_data", kind=d["kind"], severity=d.get("severity", "error"),
        message=d["message"], basis=d["basis"], doc=d["doc"], priority=d.get("priority", 0),
        fires=[_example(e) for e in d["fires"]], silent=[_example(e) for e in d["silent"]],
        prepare=hooks.prepares[d["prepare"]] if "prepare" in d else None,
        reads=d.get("reads", "text"), min_length=d.get("min_length", 0),
        needs=_needs(d.get("needs")), block_check=d.get("block_check"),
        patterns=tuple(_pattern(p) for p in d.get("patterns", ())), source=d.get("source"), context=context,
        role_window=d.get("role_window", 0), deny=tuple(_lookup(d.get("deny", {}).get("words", ()), words)),
        deny_window=d.get("deny", {}).get("window", 24),
        code_words=_code_words(tuple(_lookup(code_words["words"], words))) if code_words else None,
        code_window=(code_words or {}).get("window", 12), code_unless=tuple((code_words or {}).get("unless", ())),
        owner=owner.get("hook"), owner_boost=owner.get("boost", 0.0), public_if=tuple(owner.get("public_if", ())),
        advice=owner.get("advice"), staff=staff.get("hook"), staff_effect=staff.get("effect", "flag"),
        staff_note=staff.get("note", ""), skip_masked=d.get("skip_masked", False), strong=d.get("strong", "always"),
        cap=Severity.parse(cap["severity"]) if cap else None, cap_unless=cap.get("unless") if cap else None,
        hooks=hooks,
    )


def _needs(value) -> regex.Pattern | tuple[str, ...] | None:
    """A regular expression (a string) or literal strings (a list)."""
    if value is None:
        return None
    return tuple(value) if isinstance(value, list) else regex.compile(value)


def _lookup(value, words: Mapping[str, Any]):
    """A list of words, or the name of a shared list (``words:`` at the top of the file)."""
    return words[value] if isinstance(value, str) else value


def _code_words(words: tuple[str, ...]) -> regex.Pattern:
    """The code words, and a digit before 元 (an amount)."""
    return regex.compile("|".join(map(regex.escape, words)) + r"|\d\s*元")


@lru_cache(maxsize=None)
def declarations(name: str = "recognizers.yaml") -> dict:
    """The packaged declarations file, parsed once."""
    return load_yaml((resources.files("gongkai.data") / name).read_text(encoding="utf-8"))


def load(hooks: Hooks, name: str = "recognizers.yaml") -> dict[str, Recognizer]:
    """Every declaration of the file as a rule, by code."""
    data = declarations(name)
    words = data.get("words", {})
    return {code: build(code, d, hooks, words) for code, d in data["recognizers"].items()}
