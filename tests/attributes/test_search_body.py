"""The body search of the attribute table answers exactly as a line-by-line search would."""

import regex
from hypothesis import given
from hypothesis import strategies as st

from gongkai.attributes.suggest import _line_local, _search_body

PATTERNS = [regex.compile(p) for p in (
    "公开", "不予公开", "^公开", "公开$", "公开(?!\\s)", "(?<!不)公开", "个人.{0,3}信息", "公\\s*开",
    "\\b公开", "[^不]公开", "依申请",
)]


def naive(patterns, body):
    hits = []
    for p in patterns:
        for line in body:
            m = p.search(line)
            if m:
                hits.append(m.group())
                break
    return hits


@given(st.lists(st.text(alphabet="公开不予依申请个人信息 \n", max_size=12), max_size=6))
def test_same_hits_as_a_line_by_line_search(body):
    assert [w for w, _q in _search_body(PATTERNS, body)] == naive(PATTERNS, body)


def test_patterns_that_look_past_a_line_are_searched_line_by_line():
    assert _line_local(regex.compile("依申请公开")) and _line_local(regex.compile("个人.{0,3}信息"))
    assert not _line_local(regex.compile("公开$")) and not _line_local(regex.compile("(?<!不)公开"))
