"""Facts about the shipped typo model that the fast paths of ``lm.TypoModel.suspects`` rely on."""

from __future__ import annotations

import numpy as np

from gongkai.proofing import lm


def test_every_ngram_of_a_frequent_lexicon_word_is_counted():
    # _word_rows looks a candidate word up only when its n-grams are counted at least _IN_WORD
    # times: exact only while every 2–4-character substring of every lexicon word of at least
    # min_word_freq (2–4 characters) is an n-gram of the model counted that often (the build
    # counts these words, weighted by their frequency)
    m = lm.model()
    words = [w for w, f in lm.lexicon_words().items() if f >= m.min_word_freq and 2 <= len(w) <= 4]
    assert len(words) > 50_000
    keys = np.array([lm.pack([lm.code_of(ch) for ch in w[a:b]])
                     for w in words for a in range(len(w)) for b in range(a + 2, len(w) + 1)], dtype=np.uint64)
    assert m.lookup(keys).min() >= lm._IN_WORD >= 1


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
