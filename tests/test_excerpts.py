"""Excerpts: the text around each finding, never cutting a personal-data value in two."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.api import EXCERPT_WINDOW, with_excerpts
from gongkai.models import Document, Finding, Location, Severity


def finding(category, start, end, kind="mobile"):
    loc = Location(part="body", paragraph=0, start=start, end=end, block=0)
    return Finding(rule="D102" if category == "personal_data" else "T101", category=category, kind=kind,
                   severity=Severity.ERROR, message="m", location=loc, text="")


def reference(text, findings):
    """The scan of every value of the paragraph, as with_excerpts worked when values were few."""
    sensitive = [(f.location.start, f.location.end, f.kind) for f in findings if f.sensitive]
    out = []
    for f in findings:
        a = max(0, f.location.start - EXCERPT_WINDOW)
        b = min(len(text), max(f.location.end, f.location.start) + EXCERPT_WINDOW)
        for s, e, _ in sensitive:
            if s < a < e:
                a = s
            if s < b < e:
                b = e
        spans = sorted((max(s, a) - a, min(e, b) - a, k) for s, e, k in sensitive if s < b and e > a)
        out.append((text[a:b], f.location.start - a, f.location.end - a, spans))
    return out


@st.composite
def layouts(draw):
    """Non-overlapping personal-data values and any other findings in one paragraph."""
    n = draw(st.integers(20, 300))
    cuts = sorted(draw(st.sets(st.integers(0, n), max_size=30)))
    values = [(s, e) for s, e in zip(cuts[::2], cuts[1::2]) if e > s]
    others = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, 5)), max_size=10))
    return n, values, [(s, min(n, s + k)) for s, k in others]


@settings(max_examples=300, deadline=None)
@given(layouts())
def test_excerpts_equal_the_scan_of_every_value(layout):
    n, values, others = layout
    text = "".join(chr(0x4E00 + i % 500) for i in range(n))
    doc = Document.from_text(text)
    findings = [finding("personal_data", s, e) for s, e in values] + [finding("proofing", s, e) for s, e in others]
    got = [(f.excerpt.text, f.excerpt.start, f.excerpt.end, sorted(f.excerpt.sensitive))
           for f in with_excerpts(doc, findings)]
    assert got == reference(text, findings)


def test_a_window_edge_inside_a_value_moves_to_the_value_s_edge():
    text = "甲" * 40 + "13885811234" + "乙" * 40
    doc = Document.from_text(text)
    phone = finding("personal_data", 40, 51)
    typo = finding("proofing", 60, 61)  # its window starts at 44, inside the number
    (_, t) = with_excerpts(doc, [phone, typo])
    assert t.excerpt.text.startswith("13885811234")
    assert t.excerpt.sensitive == ((0, 11, "mobile"),)


def test_thousands_of_values_in_one_paragraph():
    text = "电话13885811234，" * 20_000
    doc = Document.from_text(text)
    findings = [finding("personal_data", i * 14 + 2, i * 14 + 13) for i in range(20_000)]
    out = with_excerpts(doc, findings)
    assert all(f.excerpt.text[f.excerpt.start:f.excerpt.end] == "13885811234" for f in out)
    assert all(len(f.excerpt.sensitive) == 3 for f in out[1:-1])
