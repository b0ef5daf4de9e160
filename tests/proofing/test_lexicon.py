"""Lexicons are data with their own specs: loading checks them and names the broken line."""

from __future__ import annotations

import pytest

from gongkai.proofing import lexicon as lx

GOOD = """\
code: T199
kind: typo
severity: warning
basis: 《勺米镇政务公开信息审核发布管理制度》一（一）
message: 错别字
doc: 测试用词表。
entries:
  - wrong: 布署
    right: 部署
    specs: ["工作布署到位 -> 工作部署到位"]
  - wrong: 截止
    right: 截至
    when: {before: "(目前|[0-9]{1,4}年)"}
    specs: ["截止目前 -> 截至目前"]
    keep: ["报名截止日期"]
"""


def test_a_good_lexicon_loads_and_fixes():
    lex = lx.parse(GOOD, "good.yaml")
    assert [e.wrong for e in lex.entries] == ["布署", "截止"]
    assert lex.fix("截止2024年，工作布署到位") == "截至2024年，工作部署到位"


def test_context_condition_keeps_the_word_elsewhere():
    lex = lx.parse(GOOD, "good.yaml")
    assert lex.find("报名截止日期为5月1日") == []


def test_a_failing_spec_names_file_and_line():
    broken = GOOD.replace("工作布署到位 -> 工作部署到位", "工作布署到位 -> 工作布置到位")
    with pytest.raises(lx.LexiconError, match=r"broken\.yaml:8: .*布署→部署.*spec failed"):
        lx.parse(broken, "broken.yaml")


def test_a_keep_that_fires_names_file_and_line():
    broken = GOOD.replace('keep: ["报名截止日期"]', 'keep: ["截止目前"]')
    with pytest.raises(lx.LexiconError, match=r"broken\.yaml:11: keep '截止目前' must not fire"):
        lx.parse(broken, "broken.yaml")


def test_an_entry_without_specs_is_rejected():
    broken = GOOD.replace('    specs: ["工作布署到位 -> 工作部署到位"]\n', "")
    with pytest.raises(lx.LexiconError, match=r"broken\.yaml:8: '布署' needs at least one spec"):
        lx.parse(broken, "broken.yaml")


def test_a_bad_regex_is_rejected_with_its_line():
    broken = GOOD.replace('before: "(目前|[0-9]{1,4}年)"', 'before: "(目前"')
    with pytest.raises(lx.LexiconError, match=r"broken\.yaml:11: bad regex in when.before"):
        lx.parse(broken, "broken.yaml")


def test_unknown_keys_are_rejected():
    broken = GOOD.replace("    right: 部署\n", "    right: 部署\n    rigth: 部署\n")
    with pytest.raises(lx.LexiconError, match=r"unknown key\(s\) \['rigth'\]"):
        lx.parse(broken, "broken.yaml")


def test_the_longest_overlapping_entry_wins():
    text = GOOD + """\
  - wrong: 再接再励
    right: 再接再厉
    specs: ["再接再励 -> 再接再厉"]
  - wrong: 接再励
    right: 接再厉
    specs: ["接再励 -> 接再厉"]
"""
    lex = lx.parse(text, "t.yaml")
    hits = lex.find("我们要再接再励")
    assert [(h.start, h.end, h.entry.right) for h in hits] == [(3, 7, "再接再厉")]


def test_exception_phrases_silence_a_covered_match():
    text = GOOD + """\
  - wrong: 付
    right: 副
    when: {before: "(镇长|主任)"}
    except: ["支付"]
    specs: ["付镇长 -> 副镇长", "支付主任补贴 -> 支付主任补贴"]
"""
    lex = lx.parse(text, "t.yaml")
    assert lex.fix("由付镇长负责，支付主任补贴") == "由副镇长负责，支付主任补贴"


@pytest.mark.parametrize("name", ["typos", "idioms", "usage", "variants", "terms"])
def test_shipped_lexicons_load_with_their_specs(name):
    lex = lx.builtin(name)
    assert len(lex.entries) >= 15
    assert lex.basis.startswith("《")
    fires, silent = lex.examples()
    assert fires and silent


@pytest.mark.parametrize("date, fires", [("2016年5月4日", False), ("2018年3月16日", False),
                                         ("2018年3月17日", True), ("2019年5月4日", True), ("", True)])
def test_a_renamed_organ_keeps_its_old_name_in_documents_written_before(check_text, date, fires):
    text = f"关于做好土地确权工作的通知\n各村：\n请按国土资源部要求做好确权登记工作。\n勺米镇人民政府\n{date}"
    found = [f for f in check_text(text).findings if f.rule == "T105"]
    assert bool(found) is fires
    if fires:
        assert found[0].suggestion == "自然资源部"


def test_renamed_must_be_a_date():
    bad = GOOD.replace("specs: [\"截止目前 -> 截至目前\"]", "specs: [\"截止目前 -> 截至目前\"]\n    renamed: soon", 1)
    with pytest.raises(lx.LexiconError, match="renamed"):
        lx.parse(bad, "bad.yaml")
