"""benchmarks/compare_findings.py: keying, diffing and reasons matching (no git, no ../shared)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import compare_findings as cf  # noqa: E402


def finding(rule="D108", text="王小二", start=3, end=6, paragraph=2, part="body", **extra) -> dict:
    f = {"rule": rule, "category": "personal_data" if rule.startswith("D") else "proofing", "kind": "person_name",
         "severity": "warning", "message": "自然人姓名", "suggestion": "删除或遮蔽", "basis": "《制度》第三条",
         "confidence": 0.8, "text": text,
         "location": {"part": part, "paragraph": paragraph, "start": start, "end": end, "label": f"第{paragraph + 1}段",
                      "quote": f"申请人{text}来访"}}
    f.update(extra)
    return f


def report(*findings, file="/tmp/x/corpora/c/a.docx", attribute="主动公开") -> dict:
    return {"schema": "gongkai.report/1", "file": file, "document": {"title": "关于…的通知"},
            "attribute": {"suggested": attribute}, "findings": list(findings), "summary": {}}


def items(*findings, **kw) -> list[cf.Item]:
    return cf.items_of_report(report(*findings, **kw), "c/a.docx")


def test_report_gives_document_attribute_and_findings():
    its = items(finding(), finding(rule="T101", text="按装", start=0, end=2))
    assert [i.code for i in its] == ["(document)", "(attribute)", "D108", "T101"]
    d = its[2]
    assert d.key() == ("c/a.docx", "D108", ("body", 2, None, None, None, None, 3, 6), "王小二")
    # label and quote are compared, not keyed; the rule, location and text are not in fields
    assert d.fields["location.quote"] == "申请人王小二来访"
    assert "rule" not in d.fields and "text" not in d.fields
    # every item of the report knows the personal-data values it found, to mask them when shown
    assert all(i.secrets == ("王小二",) for i in its)


def test_unreadable_document_is_an_error_item():
    its = cf.items_of_report({"schema": "gongkai.report/1", "file": "a.docx",
                              "error": {"code": "unreadable", "message": "a.docx：不是 .docx"}}, "c/a.docx")
    assert [(i.code, i.fields["code"]) for i in its] == [("(error)", "unreadable")]


def test_identical_reports_have_no_difference():
    cmp = cf.compare(items(finding(), finding(start=10, end=13)), items(finding(), finding(start=10, end=13)))
    assert cmp.differences == []
    assert cmp.counts["D108"] == {"baseline": 2, "result": 2, "identical": 2}


def test_overlapping_span_in_the_same_block_is_moved():
    cmp = cf.compare(items(finding()), items(finding(text="王小", start=3, end=5, confidence=0.7)))
    (d,) = cmp.differences
    assert (d.change, d.base.text, d.result.text, d.fields) == ("moved", "王小二", "王小", ("confidence", "location.quote"))
    assert cmp.counts["D108"]["moved"] == 1 and cmp.counts["D108"]["identical"] == 0
    assert "王*二" in cf.describe(d, reveal=False) and "王小二" not in cf.describe(d, reveal=False)


@pytest.mark.parametrize("elsewhere", [dict(start=6, end=9), dict(paragraph=3), dict(rule="D109")])
def test_span_elsewhere_is_one_only_in_each_side(elsewhere):
    cmp = cf.compare(items(finding()), items(finding(**elsewhere)))
    assert sorted(d.change for d in cmp.differences) == ["only-in-baseline", "only-in-result"]


def test_each_result_finding_moves_from_one_baseline_finding_only():
    cmp = cf.compare(items(finding(), finding(text="小二", start=4, end=6)), items(finding(start=4, end=7)))
    assert sorted(d.change for d in cmp.differences) == ["moved", "only-in-baseline"]


def test_changed_fields_are_named():
    cmp = cf.compare(items(finding()), items(finding(severity="error", confidence=0.9)))
    (d,) = cmp.differences
    assert d.change == "changed" and d.fields == ("confidence", "severity")


def test_attribute_change_is_a_pseudo_code_difference():
    cmp = cf.compare(items(), items(attribute="依申请公开"))
    (d,) = cmp.differences
    assert (d.change, d.item.code, d.fields) == ("changed", "(attribute)", ("attribute.suggested",))


def test_duplicate_keys_are_told_apart_by_order():
    two, one = items(finding(), finding()), items(finding())
    cmp = cf.compare(two, one)
    assert [d.change for d in cmp.differences] == ["only-in-baseline"]
    assert cmp.counts["D108"]["identical"] == 1


def test_other_file_is_another_key():
    base = cf.items_of_report(report(finding()), "c/a.docx")
    result = cf.items_of_report(report(finding()), "c/b.docx")
    assert {d.change for d in cf.compare(base, result).differences} == {"only-in-baseline", "only-in-result"}


def parse(text: str) -> list[cf.Reason]:
    return cf.parse_reasons(yaml.safe_load(text), "reasons.yaml")


def test_reason_matches_code_file_text_and_change():
    cmp = cf.compare(items(finding()), items(finding(start=10, end=13)))
    reasons = parse("""
reasons:
  - {code: "D10*", file: "other/*", reason: wrong file}
  - {code: D108, text: "^王", change: only-in-result, reason: segmentation moves the name}
""")
    left = cf.explain(cmp.differences, reasons)
    assert left == 1
    by_change = {d.change: d.reason for d in cmp.differences}
    assert by_change == {"only-in-baseline": None, "only-in-result": "segmentation moves the name"}
    assert [r.used for r in reasons] == [0, 1]


def test_reason_text_regex_must_match():
    cmp = cf.compare(items(finding()), items())
    assert cf.explain(cmp.differences, parse("- {code: D108, text: '^李', reason: x}")) == 1
    assert cf.explain(cmp.differences, parse("- {code: D108, text: '小二$', reason: x}")) == 0


def test_reason_fields_cover_only_the_fields_named():
    cmp = cf.compare(items(finding()), items(finding(severity="error", confidence=0.9)))
    assert cf.explain(cmp.differences, parse("- {code: D108, fields: [confidence], reason: x}")) == 1
    assert cf.explain(cmp.differences, parse("- {code: D108, fields: [confidence, severity], reason: x}")) == 0


def test_first_matching_reason_wins():
    cmp = cf.compare(items(finding()), items())
    cf.explain(cmp.differences, parse("- {code: 'D*', reason: first}\n- {code: D108, reason: second}"))
    assert cmp.differences[0].reason == "first"


@pytest.mark.parametrize("text, message", [
    ("- {code: D108}", "缺少 reason"),
    ("- {code: D108, reason: x, colour: red}", "未知字段 colour"),
    ("- {code: D108, reason: x, change: shifted}", "change 须为"),
    ("- {code: D108, reason: x, text: '(('}", "不是正则表达式"),
    ("reasons: 3", "应为条目列表"),
])
def test_malformed_reasons_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_shipped_reasons_file_parses():
    assert isinstance(cf.load_reasons(cf.REASONS), list)


def test_personal_data_is_masked_in_display():
    cmp = cf.compare(items(finding()), items(finding(message="姓名", start=3, end=6)))
    (d,) = cmp.differences
    shown = cf.describe(d, reveal=False)
    assert "王小二" not in shown and "王*二" in shown
    assert "王小二" in cf.describe(d, reveal=True)
    out = cf.as_json(cmp, {"baseline": "b", "result": "r"}, [], reveal=False)
    assert "王小二" not in str(out) and out["unexplained"] == 1


def _zip(date: str, when: tuple) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("word/comments.xml", date_time=when),
                    f'<w:comment w:id="0" w:date="{date}">批注</w:comment>')
    return out.getvalue()


def test_renderings_of_different_times_become_the_same_bytes():
    a = _zip("2026-12-06T21:02:12Z", (2026, 12, 6, 21, 2, 12))
    b = _zip("2026-12-07T08:00:00Z", (2026, 12, 7, 8, 0, 0))
    assert a != b
    assert cf.fixed_zip(a) == cf.fixed_zip(b)
    assert b"1980-01-01" in __import__("zipfile").ZipFile(__import__("io").BytesIO(cf.fixed_zip(a))).read(
        "word/comments.xml")


def test_cache_key_follows_commit_and_every_file(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("一", encoding="utf-8")
    key = cf.cache_key("a" * 40, tmp_path)
    assert key == cf.cache_key("a" * 40, tmp_path)
    assert key != cf.cache_key("b" * 40, tmp_path)
    (tmp_path / "c" / "a.txt").write_text("二", encoding="utf-8")
    assert key != cf.cache_key("a" * 40, tmp_path)


def test_a_key_inside_an_object_field_is_named_and_matched():
    lexicon = {"lexicon": "data/proofing/terms.yaml", "line": 35}
    cmp = cf.compare(items(finding(rule="T105", text="农业部", explanation=lexicon)),
                     items(finding(rule="T105", text="农业部", explanation=dict(lexicon, line=41))))
    (d,) = cmp.differences
    assert d.fields == ("explanation.line",)
    assert "explanation.line: 35 → 41" in cf.describe(d, reveal=True)
    assert cf.explain(cmp.differences, parse("- {code: T105, fields: [explanation], reason: x}")) == 1
    assert cf.explain(cmp.differences, parse("- {code: T105, fields: [explanation.line], reason: x}")) == 0


def test_a_name_quoted_by_another_rule_or_a_reason_is_masked_too():
    typo = finding(rule="T101", text="按装", start=0, end=2, context="王小二按装了")
    base = items(finding(), typo)
    result = items(finding(), dict(typo, context="王小二按装了设备"), attribute="依申请公开（王小二的申请）")
    cmp = cf.compare(base, result)
    shown = "\n".join(cf.describe(d, reveal=False) for d in cmp.differences)
    assert len(cmp.differences) == 2 and "王小二" not in shown and shown.count("王*二") == 3
    assert "王小二" in "\n".join(cf.describe(d, reveal=True) for d in cmp.differences)
