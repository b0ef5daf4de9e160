"""The name pipeline's segmenter gives jieba's words, exactly, whatever the text."""

import random

import pytest

from gongkai.screening import names
from gongkai.screening.segmenter import Segmenter

PUNCT = "，。、；：？！“”（）《》【】—…·\n\t  \r\n-.%+#&_/@０８５－ｘ＠\ue000"
LATIN = "abcXYZ0123456789.-%"

#: Both implementations: rjieba (installed with gongkai) and the pure-Python fallback.
BACKENDS = pytest.mark.parametrize("native", [True, False], ids=["rjieba", "python"])


@pytest.fixture(scope="module")
def tokenizer():
    return names._segmenter()  # jieba's dictionary plus the lexicon's role words


def _texts(tokenizer, count: int, seed: int):
    rng = random.Random(seed)
    words = [w for w, f in tokenizer.FREQ.items() if f]
    rng.shuffle(words)
    words = words[:20000]
    lex = names.lexicon()
    surnames = sorted(lex.surnames)
    rare = [chr(c) for c in range(0x4E00, 0x9FD6)]
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 14)):
            r = rng.random()
            if r < 0.45:
                parts.append(rng.choice(words))
            elif r < 0.6:  # a surname and one or two characters: the HMM's business
                parts.append(rng.choice(surnames) + "".join(rng.choice(rare) for _ in range(rng.randint(1, 2))))
            elif r < 0.75:
                parts.append("".join(rng.choice(rare) for _ in range(rng.randint(1, 4))))
            elif r < 0.85:
                parts.append(rng.choice(lex.role_words))
            elif r < 0.93:
                parts.append(rng.choice(PUNCT))
            else:
                parts.append("".join(rng.choice(LATIN) for _ in range(rng.randint(1, 6))))
        yield "".join(parts)


@BACKENDS
def test_generated_text_segments_as_jieba_does(tokenizer, native):
    seg = Segmenter(tokenizer, native=native)
    assert seg.backend == ("rjieba" if native else "python")
    texts = list(_texts(tokenizer, 3000, seed=7))
    diffs = [t for t in texts if list(seg.cut(t, cut_all=False)) != list(tokenizer.cut(t, cut_all=False))]
    assert diffs == []


@BACKENDS
@pytest.mark.parametrize("text", [
    "地槽出过百巧千穷", "传真：0858-8629632，邮箱 wang.83677@126.com。", "执行GB 11643-1999标准，增长3.5%",
    "", " ", "张", "申请人张三，男，身份证号：11010519491231002X。", "该户户主石世伟反映",
    "来信人王小明反映道路破损。", "村民张三丰、李四海反映用水困难。", "2019年3月5日 上午 9:30",
    "电话：0858-8123456转12", "ABC公司与甲乙丙丁戊己庚辛壬癸", "的的的的的的的的", "笪小凤持证上岗",
])
def test_known_sentences_segment_as_jieba_does(tokenizer, text, native):
    assert Segmenter(tokenizer, native=native).lcut(text) == list(tokenizer.cut(text))


def test_other_modes_are_left_to_jieba(tokenizer):
    text = "中华人民共和国国务院办公厅"
    seg = Segmenter(tokenizer)
    assert list(seg.cut(text, cut_all=True)) == list(tokenizer.cut(text, cut_all=True))
    assert list(seg.cut(text, HMM=False)) == list(tokenizer.cut(text, HMM=False))


def test_the_name_pipeline_uses_it():
    assert isinstance(names.pipeline().tokenizer.jieba_seg, Segmenter)


@BACKENDS
def test_equal_routes_break_ties_as_jieba_does(native):
    import jieba

    tok = jieba.Tokenizer()
    tok.FREQ = {"甲": 1, "乙": 1, "丙": 1, "丁": 1, "甲乙": 1, "乙丙": 1, "丙丁": 1}
    tok.total = 7
    tok.initialized = True
    for text in ("甲乙丙", "甲乙丙丁", "乙丙丁", "甲乙丙丁甲乙丙"):
        assert Segmenter(tok, native=native).lcut(text) == list(tok.cut(text))
    assert Segmenter(tok, native=native).lcut("甲乙丙") == ["甲乙", "丙"]  # a tie goes to the longer first word


def test_a_dictionary_total_above_its_words_is_kept_by_the_native_path():
    """地槽 (3) against 地 (160541) + 槽 (1660) is a near-tie that only the dictionary total decides."""
    import jieba

    tok = jieba.Tokenizer()
    tok.FREQ = {"地": 160541, "槽": 1660, "地槽": 3}
    tok.total = 90_000_000  # jieba's total (its whole dictionary; words added twice count twice)
    tok.initialized = True
    assert list(tok.cut("地槽")) == ["地槽"] == Segmenter(tok, native=True).lcut("地槽")
    tok.total = sum(tok.FREQ.values())
    assert list(tok.cut("地槽")) == ["地", "槽"] == Segmenter(tok, native=True).lcut("地槽")


@BACKENDS
def test_prepared_texts_give_the_same_words_once(tokenizer, native):
    seg = Segmenter(tokenizer, native=native)
    texts = ["来信人王小明反映道路破损。", "户主：陈建国", "申请人 张三\t男\n"]
    seg.prepare(texts)
    assert seg._ready  # segmented ahead
    for t in texts:
        assert list(seg.cut(t, cut_all=False)) == list(tokenizer.cut(t))
    assert not seg._ready  # each handed out once
    assert list(seg.cut(texts[0], cut_all=False)) == list(tokenizer.cut(texts[0]))


@pytest.mark.parametrize("text", ["申请人 张三，男。  来信人王五反映\n问题", "户主：陈建国\t联系电话 13885811234 ",
                                  "村民张三丰、李四海反映用水困难。", "  张三  "])
def test_tokens_from_the_source_text_equal_spacy_tokens(text):
    doc = names.pipeline().make_doc(text)
    plain = names._tokens(doc)
    doc.user_data["gongkai_source"] = text
    assert names._tokens(doc) == plain
    assert plain[2] == text


def test_a_native_dictionary_that_is_not_jiebas_is_not_used(tokenizer, monkeypatch):
    import rjieba

    from gongkai.screening import segmenter

    monkeypatch.setattr(segmenter, "native_jieba", lambda tok: rjieba.Jieba.empty())  # knows no word
    seg = Segmenter(tokenizer)
    assert seg.backend == "python"
    assert seg.lcut("该户户主石世伟反映") == list(tokenizer.cut("该户户主石世伟反映"))


def test_the_name_pipelines_segmenter_shares_rjiebas_default_dictionary(tokenizer):
    import rjieba

    from gongkai.screening.segmenter import native_jieba

    assert native_jieba(tokenizer) is rjieba._DEFAULT_JIEBA
    assert Segmenter(tokenizer).backend == "rjieba"


@BACKENDS
def test_many_texts_cut_together_give_each_texts_words(tokenizer, native):
    """lcut_many joins the texts (one rjieba call): each text still gets the words it gets alone,
    including texts ending in \\r or starting with \\n, empty ones, and ASCII runs re-split."""
    seg = Segmenter(tokenizer, native=native)
    rng = random.Random(8)
    texts = list(_texts(tokenizer, 2000, seed=9))
    texts += ["", "\r", "\n", "abc\r", "\n张三", "0858-8629632", "tel:0858-8629632\r", "王五\r\n", "  "]
    for _ in range(60):
        group = [rng.choice(texts) for _ in range(rng.randint(2, 40))]
        assert seg.lcut_many(group) == [seg.lcut(t) for t in group]
        assert seg.lcut_many(group) == [list(tokenizer.cut(t, cut_all=False)) for t in group]
    held = ["申请人\x00张三", "王五"]  # a text holding the separator itself is cut alone
    assert seg.lcut_many(held) == [seg.lcut(t) for t in held]


def test_the_name_tokenizers_added_words_give_the_full_walks_changes():
    from gongkai.screening.segmenter import _changes_from_default

    tok = names._segmenter()
    assert tok.gongkai_added
    hinted = _changes_from_default(tok)
    del tok.gongkai_added
    walked = _changes_from_default(tok)
    assert hinted == walked and hinted[0]  # same words, frequencies and total
