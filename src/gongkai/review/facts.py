"""The gate's view of a document as it is now: its fingerprints, label and the findings the gate
judges. The one module of ``review`` that runs the checker (the checklist and the gate stay pure);
``gongkai review``/``release`` and the web desk both build their facts here, so they judge alike.
"""

from __future__ import annotations

from dataclasses import replace

from .checklist import Facts, FindingFact

#: Rules the release gate always runs, whatever the configuration's select/ignore or a
#: ``gongkai: ignore`` comment in the document says (《信息审核发布管理制度》第九条).
GATE_RULES = ("S101", "S102", "A102")


def gate_findings(doc, config, report) -> tuple[FindingFact, ...]:
    """The report's findings, plus the 密级/内部/属性冲突 findings that the configuration's
    select/ignore or a ``gongkai: ignore`` comment would hide, plus the 版头's 密级 field as S101."""
    from ..api import check_document
    from ..attributes.structure import parse_structure
    from ..engine import Context
    from ..engine.runner import suppressions

    facts = [FindingFact(f.rule, f.kind, f.severity.label) for f in report.findings]
    have = {f.rule for f in report.findings}
    if config.select or config.ignore or suppressions(doc):
        plain = replace(doc, comments=[]) if suppressions(doc) else doc
        full = check_document(plain, replace(config, select=(), ignore=()))
        facts += [FindingFact(f.rule, f.kind, f.severity.label) for f in full.findings
                  if f.rule in GATE_RULES and f.rule not in have]
        have |= {f.rule for f in full.findings}
    if "S101" not in have and parse_structure(doc, Context(doc)).secret is not None:
        facts.append(FindingFact("S101", "classification_mark", "error"))  # the 密级 field of the 版头
    return tuple(facts)


def document_facts(doc, config, report, ref) -> Facts:
    """The gate's Facts for ``doc`` (read now, fingerprinted as ``ref``) and its ``report``."""
    return Facts(content=ref.content_sha256, label=report.document.label,
                 findings=gate_findings(doc, config, report),
                 package=ref.package_sha256, places=ref.places)
