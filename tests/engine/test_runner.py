"""The engine: selection by prefix, severity overrides, suppression, overlaps, broken rules."""

from __future__ import annotations

import pytest

from gongkai import Config, check_document
from gongkai.config import from_mapping
from gongkai.engine import FunctionRule, Registry, Runner, default_registry
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.models import Document, Severity

ID = "申请人身份证号：11010519491231002X。"


def codes(report):
    return [f.rule for f in report.findings]


@pytest.mark.parametrize("select, ignore, expected", [
    ((), (), {"A101", "D101", "F101"}),
    (("D",), (), {"D101"}),
    ((), ("D1",), {"A101", "F101"}),
    (("D", "F"), ("D101",), {"F101"}),
    (("D101",), ("D",), {"D101"}),  # the more specific selection wins, as in ruff
    (("ALL",), ("A", "F"), {"D101"}),
])
def test_select_and_ignore_by_prefix(select, ignore, expected):
    doc = Document.from_text(f"勺府发[2025]3号\n{ID}")
    report = check_document(doc, Config(select=select, ignore=ignore))
    assert set(codes(report)) == expected


def test_unknown_prefixes_are_reported():
    assert default_registry().unknown_prefixes(["D1", "Z9", "ALL"]) == ["Z9"]


def test_severity_override_longest_prefix_wins():
    cfg = from_mapping({"severity": {"D": "info", "D101": "warning"}})
    report = check_document(Document.from_text(ID), cfg)
    (f,) = [f for f in report.findings if f.rule == "D101"]
    assert f.severity == Severity.WARNING


def test_comment_suppresses_only_its_range_and_codes():
    b = DocxBuilder()
    p1 = b.paragraph(ID)
    b.paragraph("户主身份证号：11010519491231002X")
    b.comment(p1, "gongkai: ignore D101 —— 已核实为公示要求", author="审核人")
    doc = read_bytes(b.to_bytes(), "s.docx")
    report = check_document(doc, Config(select=("D",)))
    hits = [f for f in report.findings if f.rule == "D101"]
    assert [f.location.paragraph for f in hits] == [1]


def test_comment_ignoring_another_code_suppresses_nothing():
    b = DocxBuilder()
    p1 = b.paragraph(ID)
    b.comment(p1, "gongkai: ignore F101")
    report = check_document(read_bytes(b.to_bytes(), "s.docx"), Config(select=("D",)))
    assert codes(report) == ["D101"]


def test_bare_ignore_comment_suppresses_every_rule_in_range():
    b = DocxBuilder()
    p1 = b.paragraph("勺府发[2025]3号 " + ID)
    b.comment(p1, "gongkai: ignore")
    report = check_document(read_bytes(b.to_bytes(), "s.docx"), Config(select=("D", "F")))
    assert codes(report) == []


def _rule(code, kind, priority, pattern):
    """A rule reporting every match of ``pattern`` in every block."""
    import regex

    def func(rule, doc, ctx):
        for block in rule.blocks(doc):
            for m in regex.finditer(pattern, block.text):
                yield rule.finding(block, m.start(), m.end())

    return FunctionRule(code=code, category="personal_data", kind=kind, severity="error", message=kind,
                        basis="《测试》第一条", doc="测试规则" * 5, fires=["x"], silent=["y"],
                        priority=priority, func=func)


def test_overlapping_findings_keep_the_higher_priority():
    reg = Registry([_rule("D901", "id_card", 10, r"\d{18}"), _rule("D902", "bank_card", 1, r"\d{16,19}")])
    findings, _ = Runner(reg).run(Document.from_text("号码 622202123456789012 完"))
    assert [f.rule for f in findings] == ["D901"]


def test_a_broken_rule_does_not_sink_the_document():
    def boom(rule, doc, ctx):
        raise RuntimeError("bug")
        yield

    broken = FunctionRule(code="X901", category="proofing", kind="typo", severity="info", message="m",
                          basis="《测试》", doc="d" * 20, fires=["a"], silent=["b"], func=boom)
    reg = Registry([broken, _rule("D901", "id_card", 0, r"\d{18}")])
    doc = Document.from_text("110105194912310021")
    findings, _ = Runner(reg).run(doc)
    assert [f.rule for f in findings] == ["D901"]
    assert any("X901" in w for w in doc.warnings)


def test_a_broken_rule_is_logged_in_one_line_with_the_traceback_only_for_debugging(caplog):
    def boom(rule, doc, ctx):
        raise RuntimeError("bug")
        yield

    broken = FunctionRule(code="X901", category="proofing", kind="typo", severity="info", message="m",
                          basis="《测试》", doc="d" * 20, fires=["a"], silent=["b"], func=boom)
    with caplog.at_level("DEBUG", logger="gongkai.engine.runner"):
        Runner(Registry([broken])).run(Document.from_text("正文", path="draft.docx"))
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert errors[0].getMessage() == "rule X901 failed on draft.docx: RuntimeError: bug"
    assert [r.exc_info is not None for r in caplog.records if r.levelname == "DEBUG"] == [True]


def test_registry_rejects_duplicates_and_bad_codes():
    r = _rule("D901", "id_card", 0, "x")
    with pytest.raises(ValueError):
        Registry([r, r])
    with pytest.raises(ValueError):
        _rule("D9", "id_card", 0, "x")
    with pytest.raises(ValueError):
        _rule("D902", "not_a_kind", 0, "x")


# -- run_many: the rules' batch preparation ----------------------------------------------------

def _counting_registry(calls: list, fail: bool = False) -> Registry:
    """One rule whose finding comes from a fact its ``prepare`` can provide for many documents."""

    def words(doc, ctx):
        calls.append(("fact", doc.path))
        return [b for b in doc.blocks if "申请人" in b.text]

    def prepare(pairs):
        calls.append(("prepare", len(pairs)))
        if fail:
            raise RuntimeError("preparation broke")
        for doc, ctx in pairs:
            ctx.provide(words, [b for b in doc.blocks if "申请人" in b.text])

    def check(rule, doc, ctx):
        for b in ctx.fact(words):
            yield rule.finding(b, 0, 3)

    return Registry([FunctionRule(code="D199", category="personal_data", kind="person_name", severity="error",
                                  message="m", basis="b", doc="d", func=check, prepare=prepare)])


def test_run_many_prepares_once_and_finds_what_run_finds():
    docs = [Document.from_text(t, path=f"d{i}") for i, t in enumerate(["申请人张三", "无", "村民李四\n申请人王五"])]
    calls: list = []
    runner = Runner(_counting_registry(calls))
    many = runner.run_many(docs)
    assert calls == [("prepare", 3)]  # the facts came from the preparation, none computed again
    alone = [Runner(_counting_registry([])).run(d)[0] for d in docs]
    assert [[(f.rule, f.location.block) for f in fs] for fs, _ in many] == \
        [[(f.rule, f.location.block) for f in fs] for fs in alone] == [[("D199", 0)], [], [("D199", 1)]]


def test_run_many_survives_a_failing_preparation(caplog):
    docs = [Document.from_text("申请人张三", path="a"), Document.from_text("申请人李四", path="b")]
    calls: list = []
    many = Runner(_counting_registry(calls, fail=True)).run_many(docs)
    assert [len(fs) for fs, _ in many] == [1, 1]  # each document checked alone instead
    assert calls == [("prepare", 2), ("fact", "a"), ("fact", "b")]
    assert "batch preparation of D199 failed" in caplog.text


def test_run_many_with_one_document_skips_preparation():
    calls: list = []
    (found, _), = Runner(_counting_registry(calls)).run_many([Document.from_text("申请人张三")])
    assert len(found) == 1 and calls == [("fact", "<text>")]


def test_check_documents_gives_the_reports_of_check_document():
    from gongkai.api import check_documents
    from gongkai.output import report_dict

    texts = ["来信人王小明反映道路破损，联系电话13885811234。", "申请人李四海，肢体残疾二级。\n户主：陈建国",
             "镇长杨明主持会议。", "来信人王小明反映道路破损，联系电话13885811234。"]
    docs = [Document.from_text(t, path=f"d{i}.txt") for i, t in enumerate(texts)]
    together = [report_dict(r, False) for r in check_documents(docs)]
    alone = [report_dict(check_document(Document.from_text(t, path=f"d{i}.txt")), False) for i, t in enumerate(texts)]
    assert together == alone
    assert any(f["rule"] == "D108" for f in together[0]["findings"])
