"""The one segmenter (rjieba, jieba where rjieba is missing) and jieba's dictionary as tables."""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
import tempfile

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


# ---- the tables kept between runs (segmentation._tables)

TINY = "一 5 m\n北京 300 ns\n申请人 40 n\n北京 301 ns\n石世伟 2 nr\n"


def _never_parsed(source):
    raise AssertionError(f"{source} was parsed: the cache was not used")


@pytest.fixture
def tiny(tmp_path):
    """A dictionary file of five lines (北京 twice: its last line counts) and where its cache goes."""
    source = tmp_path / "dict.txt"
    source.write_text(TINY, encoding="utf-8")
    return source, tmp_path / "cache" / "jieba-dict.tables"


_PARSE = segmentation._parse  # what the tests compare with, whatever a test patches


def _as_parsed(tables, source):
    parsed = _PARSE(source)
    assert tables.freq == parsed.freq and list(tables.freq) == list(parsed.freq)
    assert tables.tags == parsed.tags and list(tables.tags) == list(parsed.tags)


def test_the_cached_tables_are_the_parsed_ones_of_jiebas_dictionary(tmp_path, monkeypatch):
    source, cache = segmentation._dict_file(), tmp_path / "jieba-dict.tables"
    segmentation._tables(source, cache)
    monkeypatch.setattr(segmentation, "_parse", _never_parsed)
    _as_parsed(segmentation._tables(source, cache), source)
    assert [p.name for p in tmp_path.iterdir()] == ["jieba-dict.tables"]  # no temporary file left


def test_the_cache_goes_to_gongkai_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path))
    assert segmentation._cache_file() == tmp_path / "jieba-dict.tables"


@pytest.mark.parametrize("change", ["content", "version"])
def test_a_stale_cache_is_ignored_and_written_again(tiny, monkeypatch, change):
    source, cache = tiny
    segmentation._tables(source, cache)
    if change == "content":
        source.write_text(TINY + "户主 70 n\n", encoding="utf-8")
    else:
        monkeypatch.setattr(segmentation, "__version__", "99.0")
    tables = segmentation._tables(source, cache)
    _as_parsed(tables, source)
    assert (tables.freq.get("户主"), tables.freq["北京"]) == ((70, 301) if change == "content" else (None, 301))
    monkeypatch.setattr(segmentation, "_parse", _never_parsed)  # written again: the next run reads it
    assert segmentation._tables(source, cache) == tables


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: b"\x00\xff garbage",
    lambda data: data[:-3],  # cut short
    lambda data: data + b"x",
    lambda data: data[:-1] + b"\xfe",  # a tag numbered past the tag names
    lambda data: data.replace("北京".encode(), "北\n\n\n".encode(), 1),  # as long, but four words
    lambda data: b"[1, 2]\n" + data.partition(b"\n")[2],
], ids=["empty", "garbage", "truncated", "longer", "tag-number", "word-count", "header"])
def test_a_corrupt_cache_is_ignored_and_written_again(tiny, monkeypatch, damage):
    source, cache = tiny
    segmentation._tables(source, cache)
    cache.write_bytes(damage(cache.read_bytes()))
    _as_parsed(segmentation._tables(source, cache), source)
    monkeypatch.setattr(segmentation, "_parse", _never_parsed)
    _as_parsed(segmentation._tables(source, cache), source)


def test_a_cache_folder_that_cannot_be_made_costs_only_the_parse(tiny):
    source, _ = tiny
    blocker = source.parent / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    _as_parsed(segmentation._tables(source, blocker / "jieba-dict.tables"), source)


def test_a_cache_folder_that_cannot_be_written_costs_only_the_parse(tiny, monkeypatch):
    source, cache = tiny

    def refused(**kw):
        raise PermissionError(13, "Permission denied", kw.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # as a read-only folder does, even for root
    _as_parsed(segmentation._tables(source, cache), source)
    assert not cache.exists()


def test_a_cache_that_cannot_be_renamed_into_place_leaves_no_temporary_file(tiny):
    source, cache = tiny
    cache.mkdir(parents=True)  # a folder where the file should be: os.replace fails
    _as_parsed(segmentation._tables(source, cache), source)
    assert list(cache.parent.iterdir()) == [cache]


def test_a_read_only_cache_file_is_read(tiny, monkeypatch):
    source, cache = tiny
    segmentation._tables(source, cache)
    cache.chmod(0o444)
    monkeypatch.setattr(segmentation, "_parse", _never_parsed)
    assert segmentation._tables(source, cache).freq["北京"] == 301
