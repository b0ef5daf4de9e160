"""The runner: Document in, findings out. Pure: no files, no printing."""

from __future__ import annotations

import logging
from bisect import bisect_left
from typing import Iterable

import regex

from ..config import Config
from ..models import Document, Finding
from .context import Context
from .registry import Registry
from .rules import AUDIT, CONTENT, Rule

log = logging.getLogger(__name__)

#: ``gongkai: ignore D101 T1`` in a Word comment silences those codes (prefixes) in its range;
#: ``gongkai: ignore`` alone silences every rule there.
SUPPRESS = regex.compile(r"^\s*gongkai\s*[:：]\s*ignore\b(?P<codes>[\sA-Za-z0-9,，、]*)", regex.I)


def suppressions(doc: Document) -> list[tuple[object, tuple[str, ...]]]:
    out = []
    for anchor in doc.comments:
        m = SUPPRESS.match(anchor.text)
        if m:
            codes = tuple(c.upper() for c in regex.split(r"[\s,，、]+", m["codes"]) if c)
            out.append((anchor, codes))
    return out


def is_suppressed(finding: Finding, rules: list[tuple[object, tuple[str, ...]]]) -> bool:
    loc = finding.location
    for anchor, codes in rules:
        if (not codes or any(finding.rule.startswith(c) for c in codes)) and anchor.covers(
            loc.block, loc.start, loc.end
        ):
            return True
    return False


def resolve_overlaps(findings: list[Finding], priority: dict[str, int]) -> list[Finding]:
    """Where two findings of one category cover overlapping text of one block, keep the stronger.

    A valid 18-digit ID number also passes Luhn; the id_card rule's higher priority keeps the
    bank_card reading from reporting the same digits twice. A finding is dropped when a kept
    finding of a strictly higher priority overlaps it; findings of equal priority never drop
    each other. The findings come back in the order (priority, confidence, length), strongest
    first.

    Only findings of one place (block, property, category) can hide each other, and most places
    hold one finding or findings of one priority: those are kept as they are. The others are
    taken a priority level at a time, each level tested against an index of the higher levels'
    spans (start-sorted, with the running maximum of their ends), so a block with thousands of
    findings costs n log n, not n².
    """
    ordered = sorted(
        findings,
        key=lambda f: (-priority.get(f.rule, 0), -f.confidence, -(f.location.end - f.location.start)),
    )
    places: dict[tuple, list[Finding]] = {}
    for f in ordered:
        loc = f.location
        key = (loc.block, loc.property, f.category)
        group = places.get(key)
        if group is None:
            places[key] = [f]
        else:
            group.append(f)
    if len(places) == len(ordered):
        return ordered  # one finding per place: nothing to hide
    dropped: set[int] = set()
    for group in places.values():
        if len(group) > 1 and priority.get(group[0].rule, 0) != priority.get(group[-1].rule, 0):
            _hide(group, priority, dropped)
    return [f for f in ordered if id(f) not in dropped] if dropped else ordered


def _hide(group: list[Finding], priority: dict[str, int], dropped: set[int]) -> None:
    """Add to ``dropped`` the findings of one place (strongest first) that a kept finding of a higher level overlaps."""
    level = None
    done: list[tuple[int, int]] = []  # kept spans of the levels before this one
    starts: list[int] = []  # their starts, sorted, and the running maximum of their ends
    ends: list[int] = []
    current: list[tuple[int, int]] = []  # kept spans of this level
    for f in group:
        p = priority.get(f.rule, 0)
        if p != level:
            if current:
                done.extend(current)
                done.sort()
                starts, ends, top = [], [], -1
                for s, e in done:
                    top = max(top, e)
                    starts.append(s)
                    ends.append(top)
                current = []
            level = p
        loc = f.location
        if starts:
            i = bisect_left(starts, loc.end)  # the spans starting before this one ends…
            if i and ends[i - 1] > loc.start:  # …one of them ends after it starts
                dropped.add(id(f))
                continue
        current.append((loc.start, loc.end))


class Runner:
    """Runs the selected rules of a registry over documents."""

    def __init__(self, registry: Registry, config: Config | None = None):
        self.registry = registry
        self.config = config or Config()
        self.rules = registry.select(self.config.select, self.config.ignore)
        self.priority = {r.code: r.priority for r in registry}

    def _run(self, rules: Iterable[Rule], doc: Document, ctx: Context) -> list[Finding]:
        out: list[Finding] = []
        for rule in rules:
            try:
                out.extend(rule.check(doc, ctx))
            except Exception as exc:  # a broken rule must not sink the document
                # one line for the clerk; the traceback for a developer who asks (-vv)
                log.error("rule %s failed on %s: %s: %s", rule.code, doc.path, type(exc).__name__, exc)
                log.debug("rule %s traceback", rule.code, exc_info=True)
                doc.warnings.append(f"规则 {rule.code} 运行出错：{type(exc).__name__}: {exc}")
        return out

    def _finish(self, findings: list[Finding], doc: Document) -> list[Finding]:
        supp = suppressions(doc)
        if not supp and not self.config.severity:
            return list(findings)  # nothing to drop or re-grade (the common case: a loop per finding saved)
        out = []
        for f in findings:
            if supp and is_suppressed(f, supp):
                continue
            sev = self.config.severity_for(f.rule, f.severity)
            out.append(f if sev == f.severity else f.with_severity(sev))
        return out

    def prepare(self, pairs: list[tuple[Document, Context]]) -> None:
        """Let the selected rules do their work for many documents at once (:attr:`Rule.prepare`).

        A failing preparation is logged and skipped: each document is then checked alone, as
        :meth:`run` always can.
        """
        done: set = set()  # D108 and D110 share one hook
        for rule in self.rules:
            hook = rule.prepare
            if hook is None or hook in done:
                continue
            done.add(hook)
            try:
                hook(pairs)
            except Exception as exc:
                log.warning("batch preparation of %s failed (%s: %s); checking the documents one by one",
                            rule.code, type(exc).__name__, exc)
                log.debug("batch preparation traceback", exc_info=True)

    def run_many(self, docs: Iterable[Document],
                 contexts: Iterable[Context] | None = None) -> list[tuple[list[Finding], Context]]:
        """:meth:`run` for each document, after the rules' preparation over all of them.

        The findings are those of ``run`` one document at a time; a stage that pays for being
        run over much text at once (the name pipeline: jieba's and spaCy's tables stay in the
        processor's cache, one spaCy doc instead of one per document) runs once for all.
        """
        docs = list(docs)
        ctxs = list(contexts) if contexts is not None else [Context(d, self.config) for d in docs]
        if len(ctxs) != len(docs):
            raise ValueError("run_many: one context per document")
        if len(docs) > 1:
            self.prepare(list(zip(docs, ctxs)))
        return [self.run(d, c) for d, c in zip(docs, ctxs)]

    def run(self, doc: Document, ctx: Context | None = None) -> tuple[list[Finding], Context]:
        """All findings for ``doc`` (sorted by place) and the context that produced them."""
        ctx = ctx or Context(doc, self.config)
        content = [r for r in self.rules if r.phase == CONTENT]
        audit = [r for r in self.rules if r.phase == AUDIT]
        findings = self._finish(resolve_overlaps(self._run(content, doc, ctx), self.priority), doc)
        ctx.findings = findings
        ctx.content_done = True
        findings = findings + self._finish(self._run(audit, doc, ctx), doc)
        findings.sort(key=Finding.sort_key)
        ctx.findings = findings
        return findings, ctx
