"""Mechanical corrections: rules that are text-in/text-out, like an autocorrect.

A :class:`CorrectionRule` owns one function ``judge(text) -> Iterable[Fix]``. The check
turns each fix into a finding whose suggestion is the corrected text of its span, and
:meth:`CorrectionRule.fix` applies the same fixes to the text, so what is reported and
what would be corrected can never drift apart. A fix without a replacement only flags.

URLs, e-mail addresses and code-like runs are protected: no fix may touch them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import regex

from ..engine import Rule

#: Parts whose text is prose a clerk wrote (reviewers' comments are not proofread).
PROSE_PARTS = ("body", "table", "header", "footer", "footnote", "endnote", "textbox")

_STOP = r"\s\p{Han}，。；！？、“”‘’《》（）【】〔〕"
PROTECTED = regex.compile(
    rf"(?:https?://|ftp://|www\.)[^{_STOP}]*[^{_STOP},.;:!?'\"]"
    rf"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
    rf"|(?<![A-Za-z0-9.\-])[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:cn|com|net|org|gov|edu|info|io)\b(?:/(?:[^{_STOP}]*[^{_STOP},.;:!?'\"])?)?"
    r"|`[^`\n]*`"
    r"|(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\([^()\p{Han}\n]{0,40}\)"
)


def is_han(c: str | None) -> bool:
    """True for a CJK ideograph (or 〇)."""
    if not c:
        return False
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or o == 0x3007 or 0xF900 <= o <= 0xFAFF


def has_han(text: str) -> bool:
    return any(is_han(c) for c in text)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that no correction may touch (URLs, e-mail, domains, code)."""
    if not any(c in text for c in "@./`(:_"):
        return []
    return [m.span() for m in PROTECTED.finditer(text)]


@dataclass(frozen=True, slots=True)
class Fix:
    """A flagged span of text and, when the correction is certain, its corrected text."""

    start: int
    end: int
    replacement: str | None = None
    message: str | None = None
    confidence: float = 0.9


Judge = Callable[[str], Iterable[Fix]]


@dataclass(eq=False)
class CorrectionRule(Rule):
    """A rule defined by one text-in/text-out function shared by the check and the fix."""

    judge: Judge | None = None
    #: A quick pre-filter: blocks without a match of this pattern are skipped.
    needs: str | None = None
    parts: tuple[str, ...] | None = PROSE_PARTS

    def __post_init__(self) -> None:
        super().__post_init__()
        self._needs = regex.compile(self.needs) if self.needs else None

    def fixes(self, text: str) -> list[Fix]:
        """The fixes of ``text`` outside protected spans, in order, without overlaps."""
        if not text or (self._needs is not None and not self._needs.search(text)):
            return []
        assert self.judge is not None, f"{self.code} has no judge"
        guard = protected_spans(text)
        out: list[Fix] = []
        last = -1
        for fx in sorted(self.judge(text), key=lambda f: (f.start, -f.end)):
            if fx.start < last or any(a < fx.end and fx.start < b for a, b in guard):
                continue
            out.append(fx)
            last = max(fx.end, fx.start + 1)
        return out

    def check(self, doc, ctx):
        for block in self.blocks(doc):
            for fx in self.fixes(block.text):
                yield self.finding(
                    block, fx.start, fx.end, message=fx.message, suggestion=fx.replacement,
                    confidence=fx.confidence,
                    explanation={"fix": "certain" if fx.replacement is not None else "manual"},
                )

    def fix(self, text: str) -> str:
        """``text`` with every certain fix of this rule applied."""
        for fx in reversed(self.fixes(text)):
            if fx.replacement is not None:
                text = text[: fx.start] + fx.replacement + text[fx.end :]
        return text


def autocorrect(text: str, rules: Sequence[CorrectionRule] | None = None) -> str:
    """Apply every certain punctuation and number correction to one paragraph of text."""
    if rules is None:
        from . import numbers, punctuation

        rules = [r for r in (*punctuation.RULES, *numbers.RULES) if isinstance(r, CorrectionRule)]
    for _ in range(8):  # a fix may reveal another (e.g. a doubled mark after a width fix)
        before = text
        for rule in rules:
            text = rule.fix(text)
        if text == before:
            break
    return text
