"""The name pipeline is a spaCy pipeline: registered components over docs of the segmenter's tokens,
names as spans with their evidence."""

import random

import pytest

from gongkai import segmentation
from gongkai.screening import names

WORD_PIECES = ["申请人", "张三", "李四海", "户主", "：", "，", " ", "  ", "\t", "\n", "\u3000", "电话", "138 8581 1234",
               "abc", "No. 5", "新华村", "3组", "王", "五", "（", "）", "\r\n", " 女 ", "来信人", "反映", "同志"]


@pytest.fixture(scope="module")
def nlp():
    return names.pipeline()


def test_the_pipeline_is_registered_components_over_the_segmenters_words(nlp):
    from spacy.language import Language

    assert nlp.pipe_names == ["gongkai_name_evidence", "gongkai_name_context"]
    assert {"gongkai_name_evidence", "gongkai_name_context"} <= set(Language.factories)
    doc = nlp.make_doc("该户户主石世伟反映")
    assert [t.text for t in doc] == segmentation.segmenter(names._added_words()).cut("该户户主石世伟反映")


def test_names_are_spans_with_their_evidence(nlp):
    doc = nlp("申请人张三，男，来信人王小明反映道路破损。镇长杨明到场。")
    spans = list(doc.spans["names"])
    assert [s.text for s in spans] == ["张三", "王小明"]
    assert all(s.label_ == "PERSON" for s in spans)
    assert [(s._.name_evidence, s._.name_context, s._.name_word) for s in spans] == [
        ("token", "role", "申请人"), ("dict_nr", "role", "来信人")]
    assert spans[0]._.name_confidence == 0.9
    assert "杨明" in [doc.text[a:b] for a, b, _ in doc._.name_candidates]  # proposed, then dropped (镇长)


def test_a_name_inside_a_token_gets_tokens_of_its_own(nlp):
    """The segmenter joins 朱思林持 (户主/朱思林持/护照); the name 朱思林 is still a span of whole tokens."""
    text = "户主朱思林持护照申请办理相关手续。"
    assert "朱思林持" in [t.text for t in nlp.make_doc(text)]
    doc = nlp(text)
    (span,) = doc.spans["names"]
    assert (span.start_char, span.end_char, span.text) == (2, 5, "朱思林")
    assert [t.text for t in span] == ["朱思林"] and doc[span.end].text == "持"
    assert doc.text == text


def test_split_tokens_at_cuts_inside_tokens_only(nlp):
    doc = nlp.make_doc("来信人王五道")
    words = [t.text for t in doc]
    names._split_tokens_at(doc, [3, 5, 0])
    cut = [t.text for t in doc]
    assert "".join(cut) == "".join(words) and doc.text == "来信人王五道"
    assert {t.idx for t in doc} >= {0, 3, 5}


def test_the_tokenizer_lays_out_whitespace_as_spacy_does(nlp):
    from spacy.util import get_words_and_spaces

    seg = nlp.tokenizer.segmenter
    rng = random.Random(5)
    for _ in range(1500):
        text = "".join(rng.choice(WORD_PIECES) for _ in range(rng.randint(1, 12)))
        words = seg.cut(text)
        assert names.words_and_spaces(words, text) == get_words_and_spaces(words, text), repr(text)
        doc = nlp.make_doc(text)
        assert doc.text == text, repr(text)


def test_find_names_reads_the_spans_of_one_doc_per_paragraph(nlp):
    texts = ["申请人张三，男。", "各村要加强统筹协调。", "申请人张三，男。", "户主：陈建国"]
    found = names.find_names(texts)
    assert [[(n.start, n.end) for n in f] for f in found] == [[(3, 5)], [], [(3, 5)], [(3, 6)]]
    doc = nlp(texts[3])
    assert [names._name_span(s) for s in doc.spans["names"]] == found[3]


def test_a_name_spaced_out_ends_with_its_last_character(nlp):
    """李 阳: a surname token, a space, a given-name token; the candidate runs to the end of 阳."""
    doc = nlp("申请人：李 阳，男")
    assert [s.text for s in doc.spans["names"]] == ["李 阳"]
