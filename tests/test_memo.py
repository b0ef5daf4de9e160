"""gongkai.memo: bounded per-text memos whose new entries can be drained and absorbed elsewhere."""

from gongkai import memo


def test_recorded_entries_drain_once_and_absorb_elsewhere():
    here = memo.TextMemo("test-memo-a", 10)
    try:
        memo.record(True)
        here.put(memo.key_of("甲"), 1)
        here.put(memo.key_of("乙"), 2)
        batches = memo.drain()
        assert dict(batches)["test-memo-a"] == [(memo.key_of("甲"), 1), (memo.key_of("乙"), 2)]
        assert memo.drain() is None  # drained once
        here.clear()
        memo.absorb(batches)
        assert here.get(memo.key_of("乙")) == 2
        assert memo.drain() is None  # absorbed entries are not passed on again
        memo.absorb([("no-such-memo", [(b"k", 1)])])  # a memo this process lacks is skipped
    finally:
        memo.record(False)
    here.put(memo.key_of("丙"), 3)
    assert memo.drain() is None  # not recording: nothing noted


def test_a_full_memo_is_emptied_not_grown():
    m = memo.TextMemo("test-memo-b", 3)
    for i in range(7):
        m.put(memo.key_of(str(i)), i)
        assert len(m) <= 3
    memo.absorb([("test-memo-b", [(memo.key_of(f"x{i}"), i) for i in range(3)])])
    assert len(m) <= 3 and m.get(memo.key_of("x2")) == 2


def test_keys_differ_for_different_texts():
    assert memo.key_of("申请人张三") != memo.key_of("申请人张四")
    assert len(memo.key_of("")) == 8


def test_clear_all_forgets_memos_and_text_caches():
    from gongkai import memo
    from gongkai.screening import names
    from gongkai.screening.context import header_kind
    from gongkai.screening.validators import gb11643_valid

    assert names.split_name("王小明") == ("王", "小明")
    assert header_kind("身份证号") == "id_card"
    assert gb11643_valid("11010519491231002X")
    names._CACHE.put(memo.key_of("申请人王小明"), ())
    memo.clear_all()
    assert len(names._CACHE) == 0
    assert names.split_name.cache_info().currsize == 0
    assert header_kind.cache_info().currsize == 0
    assert names.split_name("王小明") == ("王", "小明")  # still right after a clear
