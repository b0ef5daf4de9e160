"""Facts about the shipped typo model that the fast paths of ``lm.TypoModel.suspects`` rely on."""

from __future__ import annotations

import numpy as np

from gongkai.proofing import lm


def test_every_ngram_of_a_frequent_lexicon_word_is_counted():
    # _word_rows looks a candidate word up only when its n-grams occur in the counts: exact
    # only while every 2–4-character substring of every lexicon word of at least
    # min_word_freq (2–4 characters) is an n-gram of the model (the build counts these words)
    m = lm.model()
    words = [w for w, f in lm.lexicon_words().items() if f >= m.min_word_freq and 2 <= len(w) <= 4]
    assert len(words) > 50_000
    keys = np.array([lm.pack([lm.code_of(ch) for ch in w[a:b]])
                     for w in words for a in range(len(w)) for b in range(a + 2, len(w) + 1)], dtype=np.uint64)
    assert m.lookup(keys).min() >= 1


def test_candidates_are_han_characters():
    # the candidate's code stands for the character itself in n-gram keys (no digit/Latin folding)
    m = lm.model()
    cands = np.unique(np.concatenate(list(m.candidates.values())))
    assert all(lm.is_han(chr(int(c))) and lm.code_of(chr(int(c))) == int(c) for c in cands)


def test_lookup_of_repeated_and_unsorted_keys():
    m = lm.model()
    present = m.keys[[5, 100, 7, 5]]
    keys = np.concatenate([present, np.array([0, 2**63], dtype=np.uint64)])
    assert m.lookup(keys).tolist() == [float(m.counts[k]) for k in (5, 100, 7, 5)] + [0.0, 0.0]


def test_segmentation_gain_reuses_the_prefix_exactly():
    words = lm.lexicon_words()
    text = "确保人民群众生命材产安全。"
    i = text.index("材")
    a, b = max(0, i - 4), min(len(text), i + 5)
    fixed = text[a:i] + "财" + text[i + 1 : b]
    expected = lm._segmentation_logprob(fixed, words) - lm._segmentation_logprob(text[a:b], words)
    assert lm._Segmentation(text, words).gain(i, "财") == expected
    assert expected > 0


def _in_listed_name(text: str, i: int) -> bool:
    """The per-character reference: whether ``text[i]`` is in a short Han run set off by spaces."""
    a = i
    while a > 0 and lm.is_han(text[a - 1]):
        a -= 1
    b = i
    while b < len(text) and lm.is_han(text[b]):
        b += 1
    if b - a > 4:
        return False
    return (a > 0 and text[a - 1].isspace()) or (b < len(text) and text[b].isspace())


def test_listed_names_in_one_pass_agree_with_the_per_character_test():
    for text in ["贾高建\u3000\u3000中央党史和文献研究院", "主任 张三 副主任 李四四五", "平乐县张家镇老埠村", " 王五", "", "甲 乙丙丁戊 己"]:
        mask = lm._listed_names(text)
        assert [mask[i] for i in range(len(text)) if lm.is_han(text[i])] == \
               [_in_listed_name(text, i) for i in range(len(text)) if lm.is_han(text[i])]
    assert lm._listed_names("贾高建\u3000\u3000中央")[:3] == [True] * 3


def _before_name_end_at(text: str, i: int) -> bool:
    """The per-character reference: whether ``text[i]`` is in the two Han characters before a name ending."""
    return any(k < len(text) and text[k] in lm._NAME_END and all(lm.is_han(ch) for ch in text[i:k]) for k in (i + 1, i + 2))


def test_name_endings_in_one_pass_agree_with_the_per_character_test():
    for text in ["平乐县张家镇老埠村", "在镇上", "镇", "1村", "A 村镇", "勺米镇人民政府关于村", "x镇乡", ""]:
        assert lm._before_name_end(text) == [_before_name_end_at(text, i) for i in range(len(text))]
    assert lm._before_name_end("老埠村") == [True, True, False]


def test_segmentation_bound_holds_for_every_replacement():
    # T110 skips the exact segmentation gain of a candidate whose score cannot reach the bar even
    # with bound(i): exact only while no replacement gains more than that
    words = lm.lexicon_words()
    text = "确保人民群众生命材产安全，加快构建现代产业提喜，各级嫩民政府要加强组织领导。"
    seg = lm._Segmentation(text, words)
    for i in range(len(text)):
        assert max(seg.gain(i, ch) for ch in "财体系人民的了在国一是不") <= seg.bound(i) + 1e-9
    assert 0 < seg.gain(text.index("材"), "财") <= seg.bound(text.index("材"))


def test_word_table_holds_the_frequent_words_of_two_to_four_characters():
    # _word_rows looks candidate words up in this table instead of the lexicon dict: it must hold
    # exactly the 2–4-character words of at least min_word_freq, keyed by their own characters
    m = lm.model()
    words = {"中国": 100, "人民币": 50, "中华人民": 12, "国家": m.min_word_freq - 1, "中": 1000,
             "中华人民共和国": 900, "\U00020000国": 99, "a\x00": 20, "ab": 10_000}
    keys, freqs = m._word_table(words)
    expected = sorted((lm.pack([ord(c) for c in w]), f) for w, f in words.items()
                      if w in ("中国", "人民币", "中华人民", "ab"))
    assert list(zip(keys.tolist(), freqs.tolist())) == expected
    assert m._word_table(lm.lexicon_words())[0].size > 50_000  # made again for another lexicon


def test_word_rows_find_the_best_word_of_each_candidate():
    m = lm.model()
    words = lm.lexicon_words()
    text = "确保人民群众生命材产安全"
    i = text.index("材")
    cand = np.array([ord("财"), ord("体")], dtype=np.uint64)
    pos = np.array([i, i])
    big = np.array([10.0, 10.0])
    rows = m._word_rows(text, pos, cand, big, big, words)
    # 财产 (R2) is a frequent word; 生命财产 too but rarer than 财产 alone
    assert rows and rows[0][:2] == (i, ord("财"))
    assert rows[0][2] == max(words.get(w, 0) for w in ("命财", "财产", "生命财", "命财产", "财产安", "生命财产", "命财产安", "财产安全"))
    assert all(r[1] != ord("体") or r[2] == max(words.get(w, 0) for w in ("命体", "体产", "生命体", "命体产", "体产安", "生命体产", "命体产安", "体产安全")) for r in rows)


def test_groups_scored_together_give_what_each_gives_alone():
    # _char_groups scores the uncovered characters and the out-of-place words' characters in one
    # pass; each group's suspects must be what scoring it alone gives (also when positions overlap)
    m = lm.model()
    words = lm.lexicon_words()
    text = "各级嫩民政府要加强组织领导，确保人民群众生命材产安全，不旅行法定职责的依法追究。"
    tokens = lm.segmentation.segmenter().cut(text, hmm=False)
    covered = lm._covered_by_tokens(tokens, words, m.cover_freq)
    skip = [False] * len(text)
    uncovered = [i for i in range(len(text)) if not covered[i]]
    for extra in (m._out_of_place(lm._Text(m, text), tokens, covered), uncovered[:3] + [text.index("旅")]):
        groups = [(None, None, -np.inf), (extra, m.covered_threshold, 0.0)]
        m.clear_caches()
        together = m._char_groups(lm._Text(m, text), words, covered, skip, groups)
        alone = []
        for group in groups:
            m.clear_caches()
            alone += m._char_groups(lm._Text(m, text), words, covered, skip, [group])
        assert together == alone
        assert together[0] and any(s.right == "履" for s in together[1])
