"""Every rule is documented, cites a basis, and behaves as its own examples say."""

from __future__ import annotations

import pytest

from gongkai import Config, check_document
from gongkai.engine import default_registry
from gongkai.models import VOCABULARY, Document

REGISTRY = default_registry()
RULES = list(REGISTRY)


def _doc(example) -> Document:
    return _run(example)[0]


def _run(example) -> tuple[Document, dict]:
    """An example's document and the services it needs: a callable may return (Document, services)."""
    built = example() if callable(example) else Document.from_text(example)
    return built if isinstance(built, tuple) else (built, {})


def _check(example):
    doc, services = _run(example)
    return check_document(doc, Config(), services=services)


def test_registry_has_rules():
    assert len(RULES) >= 5


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert rule.kind in VOCABULARY[rule.category]
    assert rule.basis and ("《" in rule.basis or "GB" in rule.basis), "basis must cite a regulation or standard"
    assert len(rule.doc) >= 20
    assert rule.message
    assert rule.fires, f"{rule.code} needs examples that fire"
    assert rule.silent, f"{rule.code} needs examples that stay silent"


def _examples(attr):
    for rule in RULES:
        for i, example in enumerate(getattr(rule, attr)):
            yield pytest.param(rule, example, id=f"{rule.code}-{attr}-{i}")


@pytest.mark.parametrize("rule, example", list(_examples("fires")))
def test_rule_fires_on_its_examples(rule, example):
    report = _check(example)
    assert rule.code in {f.rule for f in report.findings}, f"{rule.code} did not fire on {example!r}"
    assert not report.warnings, report.warnings


@pytest.mark.parametrize("rule, example", list(_examples("silent")))
def test_rule_stays_silent_on_its_examples(rule, example):
    report = _check(example)
    hits = [f for f in report.findings if f.rule == rule.code]
    assert not hits, f"{rule.code} fired on {example!r}: {hits}"
    assert not report.warnings, report.warnings


@pytest.mark.parametrize("rule, example", list(_examples("fires")))
def test_personal_data_never_leaks_into_messages(rule, example):
    report = _check(example)
    for f in report.findings:
        if f.sensitive and len(f.text) >= 4:
            assert f.text not in f.message and f.text not in (f.suggestion or "")
