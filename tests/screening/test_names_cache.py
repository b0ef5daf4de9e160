"""The per-paragraph cache of the name pipeline returns exactly what a fresh run returns."""

from gongkai.screening import names

TEXTS = ["申请人张三丰，男，住址略。", "镇长杨明主持会议。", "申请人张三丰，男，住址略。", "村民王小二、李四反映情况。"]


def fresh(texts):
    names._CACHE.clear()
    return names.find_names(texts)


def test_cached_results_equal_fresh_ones():
    first = fresh(TEXTS)
    assert [s.start for s in first[0]] == [3] and first[1] == []  # a private person; an official is not
    assert first[0] == first[2]
    again = names.find_names(list(reversed(TEXTS)))
    assert again == list(reversed(first))


def test_cache_is_emptied_when_full(monkeypatch):
    monkeypatch.setattr(names._CACHE, "limit", 2)
    out = fresh(TEXTS)
    assert len(names._CACHE) <= 2
    assert names.find_names(TEXTS) == out
