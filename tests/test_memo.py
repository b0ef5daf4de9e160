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
