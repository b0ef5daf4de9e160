"""The one segmenter (rjieba, jieba where rjieba is missing) and jieba's dictionary as tables."""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys

import pytest

from gongkai import segmentation

ROLE_WORDS = frozenset({"户主", "来信人", "申请人", "该户"})
PUNCT = "，。、；：？！“”（）《》【】—…·\n\t  \r\n-.%+#&_/@０８５－ｘ＠"


@pytest.fixture(scope="module")
def jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return jieba


def _texts(count: int, seed: int):
    """Dictionary words, surnames with rare characters, role words and punctuation, run together."""
    rng = random.Random(seed)
    words = sorted(segmentation.dictionary().freq)
    rare = [chr(c) for c in range(0x4E00, 0x9FD6)]
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 14)):
            r = rng.random()
            if r < 0.5:
                parts.append(rng.choice(words))
            elif r < 0.75:
                parts.append("".join(rng.choice(rare) for _ in range(rng.randint(1, 4))))
            elif r < 0.85:
                parts.append(rng.choice(sorted(ROLE_WORDS)))
            else:
                parts.append(rng.choice(PUNCT))
        yield "".join(parts)


def _jieba_with(jieba, added):
    tok = jieba.Tokenizer()
    tok.check_initialized()
    for w in sorted(added):
        tok.add_word(w, freq=200_000)
    return tok


def test_the_dictionary_tables_are_jiebas(jieba):
    import jieba.posseg

    d = segmentation.dictionary()
    assert d.freq == {w: f for w, f in jieba.dt.FREQ.items() if f}  # jieba adds each word's prefixes at 0
    assert d.tags == jieba.posseg.dt.word_tag_tab
    assert d.tags["北京"] == "ns" and d.freq["北京"] > 1000


def test_rjieba_gives_jiebas_words_with_and_without_added_words(jieba):
    for added in (frozenset(), ROLE_WORDS):
        seg = segmentation.Segmenter(added)
        assert seg.backend == "rjieba"
        tok = jieba.dt if not added else _jieba_with(jieba, added)
        for text in _texts(1500, seed=len(added)):
            assert seg.cut(text) == tok.lcut(text), text
            assert seg.cut(text, hmm=False) == tok.lcut(text, HMM=False), text


def test_added_words_segment_the_role_before_a_name():
    assert segmentation.segmenter().cut("该户户主石世伟") != ["该户", "户主", "石世伟"]
    assert segmentation.segmenter(ROLE_WORDS).cut("该户户主石世伟") == ["该户", "户主", "石世伟"]


def test_the_one_difference_from_jieba_is_an_ascii_run(jieba):
    """jieba's HMM splits an ASCII run outside the dictionary at its punctuation; jieba-rs keeps it."""
    assert jieba.lcut("传真：0858-8629632") == ["传真", "：", "0858", "-", "8629632"]
    assert segmentation.segmenter().cut("传真：0858-8629632") == ["传真", "：", "0858-8629632"]


def test_without_rjieba_jieba_itself_segments(jieba, monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba raises ImportError
    seg = segmentation.Segmenter(ROLE_WORDS)
    assert seg.backend == "jieba"
    assert seg.cut("该户户主石世伟反映") == ["该户", "户主", "石世伟", "反映"]
    assert segmentation.Segmenter().cut("户主张三", hmm=False) == jieba.lcut("户主张三", HMM=False) == ["户", "主张", "三"]
    assert jieba.dt.FREQ.get("来信人") is None  # the global jieba is left as it was


def test_the_plain_segmenter_is_rjiebas_own_instance():
    import rjieba

    assert segmentation.segmenter()._rjieba is rjieba._DEFAULT_JIEBA
    assert segmentation.segmenter(ROLE_WORDS)._rjieba is not rjieba._DEFAULT_JIEBA
    assert segmentation.segmenter(ROLE_WORDS) is segmentation.segmenter(frozenset(ROLE_WORDS))


def test_check_on_a_small_text_file_prints_nothing_on_stderr(tmp_path):
    src = tmp_path / "通知.txt"
    src.write_text("关于做好春节期间安全生产工作的通知\n各村委会：\n请认真贯切落实，推动大数局产业发展。"
                   "该户户主张三丰反映的问题已办结。\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "gongkai", "check", str(src)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 1, out.stderr  # findings were reported
    assert "贯切" in out.stdout and "张**" in out.stdout
    assert out.stderr == ""


def test_a_check_with_every_rule_loads_neither_jieba_nor_its_tables():
    """rjieba serves: jieba's own dictionary and POS tables are never built (≈1 s of start-up)."""
    code = ("import sys; from gongkai.api import check_text; "
            "check_text('该户户主张三丰反映：请认真贯切落实。'); "
            "print('jieba' in sys.modules, 'rjieba' in sys.modules, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.split() == ["False", "True", "True"], out.stderr
