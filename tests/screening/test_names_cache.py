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


def _docs():
    from gongkai.models import Block, Document

    table = Document.from_text("关于临时救助的公示\n申请人张三丰，男，住址略。", path="t")
    for r, row in enumerate([["序号", "姓名", "联系电话"], ["1", "王小明", "13885811234"], ["2", "李*", "无"]]):
        for c, cell in enumerate(row):
            table.add_block(Block(text=cell, part="table", table=0, row=r, col=c))
    return [Document.from_text("\n".join(TEXTS), path="a"), table, Document.from_text("镇长杨明主持会议。", path="b"),
            Document.from_text("\n".join(reversed(TEXTS)), path="c")]


def test_prepared_name_findings_are_those_of_each_document_alone():
    """prepare_names (D108/D110's batch preparation) gives every document its own name_findings."""
    from gongkai.engine import Context
    from gongkai.screening.personal_data import name_findings, prepare_names

    alone = []
    for doc in _docs():
        names._CACHE.clear()
        alone.append(name_findings(doc, Context(doc)))
    names._CACHE.clear()
    pairs = [(doc, Context(doc)) for doc in _docs()]
    prepare_names(pairs)
    prepared = [ctx._facts[name_findings] for _, ctx in pairs]  # provided, not computed later

    def plain(found):
        return [(b.index, s, e, strong, conf, expl) for b, s, e, strong, conf, expl in found]

    assert [plain(f) for f in prepared] == [plain(f) for f in alone]
    assert any(expl.get("header") == "姓名" for *_, expl in prepared[1])  # the name column's 王小明
    assert len(prepared[0]) >= 2 and prepared[2] == []


def test_a_document_whose_plan_fails_is_left_to_its_own_check(monkeypatch):
    from gongkai.engine import Context
    from gongkai.screening import personal_data as pd

    real = pd._name_plan

    def plan(doc, ctx):
        if doc.path == "b":
            raise RuntimeError("broken document")
        return real(doc, ctx)

    monkeypatch.setattr(pd, "_name_plan", plan)
    pairs = [(doc, Context(doc)) for doc in _docs()]
    pd.prepare_names(pairs)
    assert [pd.name_findings in ctx._facts for _, ctx in pairs] == [True, True, False, True]
