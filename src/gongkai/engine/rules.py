"""Rules: values with a code, a kind, a basis, documentation and examples.

A rule knows nothing of files, click or SQL. The runner hands it the :class:`Document` and a
:class:`Context`; it yields :class:`Finding` objects. A rule is a :class:`FunctionRule` (its logic
a plain function) or, for personal data, a ``screening.recognizers.Recognizer`` (its logic a
declaration in ``data/recognizers.yaml`` run by one engine). Two phases exist: ``content`` rules look
at the text; ``audit`` rules run afterwards and may read ``ctx.findings`` (what the content
rules found) and facts that depend on them, such as the attribute suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import regex

from ..models import VOCABULARY, Block, Document, Finding, Location, Severity
from .context import Context

#: An example is either text (one block per line) or a function that builds a Document.
Example = "str | Callable[[], Document]"

CONTENT = "content"
AUDIT = "audit"


@dataclass(eq=False)
class Rule:
    """Base class. Subclasses implement :meth:`check`."""

    code: str
    category: str
    kind: str
    severity: Severity
    message: str
    basis: str
    doc: str
    fires: Sequence[Any] = ()
    silent: Sequence[Any] = ()
    name: str = ""
    phase: str = CONTENT
    #: Where overlapping findings of one category compete, the higher priority wins.
    priority: int = 0
    #: Which parts of the document the rule reads; None = all.
    parts: tuple[str, ...] | None = None
    #: Work the rule can do for many documents at once, before they are checked one by one
    #: (:meth:`Runner.run_many`): ``prepare(pairs)`` gets (document, context) pairs and may only
    #: provide context facts (:meth:`Context.provide`) that checking each document alone would
    #: compute the same way. The name pipeline uses it to read all the documents' paragraphs
    #: in one pass.
    prepare: Callable[[list[tuple[Document, Context]]], None] | None = None

    def __post_init__(self) -> None:
        if not regex.fullmatch(r"[A-Z]\d{3}", self.code):
            raise ValueError(f"rule code {self.code!r} must be a letter and three digits")
        kinds = VOCABULARY.get(self.category)
        if kinds is None or self.kind not in kinds:
            raise ValueError(f"{self.code}: kind {self.category}/{self.kind} is not in the vocabulary")
        self.severity = Severity.parse(self.severity)

    # -- to implement -------------------------------------------------------------------
    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    # -- helpers for subclasses --------------------------------------------------------
    def blocks(self, doc: Document) -> Iterator[Block]:
        if self.parts is None:
            return iter(doc.blocks)
        return doc.parts(*self.parts)

    def finding(
        self,
        block: Block | None,
        start: int = 0,
        end: int | None = None,
        *,
        text: str | None = None,
        message: str | None = None,
        suggestion: str | None = None,
        severity: Severity | None = None,
        confidence: float = 1.0,
        explanation: dict | None = None,
        basis: str | None = None,
    ) -> Finding:
        """A finding at ``block[start:end]`` (or at the document's start when block is None)."""
        if block is None:
            location = Location(part="body", paragraph=0, start=0, end=0, block=0)
            text = text or ""
        else:
            end = len(block.text) if end is None else end
            location = block.location(start, end)
            if text is None:
                text = block.text[start:end]
        # positional, in Finding's field order (rule, category, kind, severity, message, location,
        # text, suggestion, basis, confidence, explanation): one call per finding
        return Finding(self.code, self.category, self.kind, severity or self.severity, message or self.message,
                       location, text, suggestion, basis or self.basis, confidence, explanation or {})


@dataclass(eq=False)
class FunctionRule(Rule):
    """A rule whose logic is a plain function ``func(rule, doc, ctx) -> Iterable[Finding]``."""

    func: Callable[["FunctionRule", Document, Context], Iterable[Finding]] | None = None

    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        assert self.func is not None, f"{self.code} has no function"
        return self.func(self, doc, ctx)
