"""resolve_overlaps: a stronger finding of one category hides weaker ones on the same text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.engine.runner import resolve_overlaps
from gongkai.models import Finding, Location, Severity

RULES = {"D101": 30, "D104": 10, "D105": 10, "T101": 0}
CATEGORY = {"D101": "personal_data", "D104": "personal_data", "D105": "personal_data", "T101": "proofing"}


def finding(rule, block, start, end, confidence=0.9, prop=None):
    loc = Location(part="body", paragraph=block, start=start, end=end, block=block, property=prop)
    return Finding(rule=rule, category=CATEGORY[rule], kind="k", severity=Severity.ERROR, message="m",
                   location=loc, text="x" * (end - start), confidence=confidence)


def reference(findings, priority):
    """The definition: drop a finding when a kept one of strictly higher priority overlaps it."""
    kept, by_place = [], {}
    ordered = sorted(findings, key=lambda f: (-priority.get(f.rule, 0), -f.confidence,
                                              -(f.location.end - f.location.start)))
    for f in ordered:
        rivals = by_place.setdefault((f.location.block, f.location.property, f.category), [])
        if any(r.location.start < f.location.end and f.location.start < r.location.end
               and priority.get(r.rule, 0) > priority.get(f.rule, 0) for r in rivals):
            continue
        rivals.append(f)
        kept.append(f)
    return kept


spans = st.tuples(st.sampled_from(sorted(RULES)), st.integers(0, 2), st.integers(0, 40), st.integers(0, 12),
                  st.sampled_from([0.5, 0.7, 0.9]), st.sampled_from([None, "core:title"]))


@settings(max_examples=400, deadline=None)
@given(st.lists(spans, max_size=40))
def test_same_findings_in_the_same_order_as_the_definition(items):
    findings = [finding(r, b, s, s + n, c, p) for r, b, s, n, c, p in items]
    assert resolve_overlaps(findings, RULES) == reference(findings, RULES)


def test_an_id_number_hides_the_bank_card_reading_of_its_digits_only():
    card_in_id = finding("D104", 0, 5, 23)
    other_card = finding("D104", 0, 30, 49)
    id_number = finding("D101", 0, 5, 23)
    typo = finding("T101", 0, 6, 8)  # another category: never hidden
    kept = resolve_overlaps([card_in_id, other_card, id_number, typo], RULES)
    assert id_number in kept and other_card in kept and typo in kept
    assert card_in_id not in kept


def test_a_block_with_thousands_of_findings():
    """22,000 findings in one paragraph (a text file without line breaks): the case that was n²
    (minutes; its speed is measured by benchmarks/hostile.py, not here)."""
    many = [finding("D105" if i % 2 else "D104", 0, i * 3, i * 3 + 2) for i in range(20_000)]
    ids = [finding("D101", 0, i * 30, i * 30 + 18) for i in range(2_000)]
    covered = {c for f in ids for c in range(f.location.start, f.location.end)}
    kept = resolve_overlaps(many + ids, RULES)
    assert sorted(kept, key=id) == sorted(ids + [f for f in many if not covered & {f.location.start, f.location.start + 1}],
                                          key=id)
