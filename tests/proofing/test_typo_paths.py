"""T110's out-of-place path, the word path's running-text words, and the GONGKAI_TYPO_MODEL override."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest

from gongkai.proofing import lm


@pytest.fixture
def only_char_paths(monkeypatch):
    """The shipped model with the word path off (its training pairs would catch some of these too)."""
    m = lm.model()
    m.clear_caches()
    monkeypatch.setattr(m, "word_threshold", math.inf)
    yield m
    m.clear_caches()


@pytest.mark.parametrize("text, wrong, right", [
    ("国家工作人员不旅行法定职责的，依法给予处分。", "旅", "履"),
    ("做好疫情防空和经济社会发展工作。", "空", "控"),
    ("依照传染病防止法的规定做好疫情报告。", "止", "治"),
])
def test_out_of_place_path_corrects_a_real_word_in_the_wrong_place(only_char_paths, monkeypatch, text, wrong, right):
    m = only_char_paths
    assert m.covered_threshold < math.inf
    assert [(s.wrong, s.right) for s in m.suspects(text)] == [(wrong, right)]
    # the word is a frequent dictionary word, so only this path looks at it
    monkeypatch.setattr(m, "covered_threshold", math.inf)
    m.clear_caches()
    assert m.suspects(text) == []


@pytest.mark.parametrize("text", [
    "国家工作人员不履行法定职责的，依法给予处分。",
    "利用假期外出旅行的职工应当注意安全。",
    "加强人民防空工程建设，完善防空警报设施。",
    "依照传染病防治法的规定做好疫情报告。",
    "防止发生安全事故。",
])
def test_out_of_place_path_leaves_a_word_that_fits_alone(only_char_paths, text):
    assert only_char_paths.suspects(text) == []


def test_word_path_knows_words_common_in_official_writing_though_rare_in_jieba(check_text):
    m = lm.model()
    assert lm.lexicon_words()["申领"] < 500  # below the dictionary bar, in the table from the running text
    keys = {ra * m.syllables + rb for ra in m.readings["申"] for rb in m.readings["领"]}
    assert any("申领" in m.homophones.get(k, ()) for k in keys)
    report = check_text("居民可凭身份证神灵居住证。")
    assert [(f.text, f.suggestion) for f in report.findings if f.rule == "T110"] == [("神灵", "申领")]


@pytest.mark.parametrize("text", ["居民可凭身份证申领居住证。", "古人祭祀神灵的场所。"])
def test_word_path_leaves_the_fitting_word_alone(check_text, text):
    assert [f for f in check_text(text).findings if f.rule == "T110"] == []


@pytest.fixture
def fresh_model_cache():
    lm.model.cache_clear()
    lm.lexicon_words.cache_clear()
    yield
    lm.model.cache_clear()
    lm.lexicon_words.cache_clear()


def test_environment_variable_points_at_another_model(tmp_path, monkeypatch, fresh_model_cache):
    shipped = np.load(resources.files("gongkai.data").joinpath("proofing", "typo_model.npz"))
    arrays = {k: shipped[k] for k in shipped.files}
    arrays["p_threshold"] = np.float64(1e9)  # a model that reports nothing
    for k in ("p_covered_threshold", "p_word_threshold", "p_completion_threshold"):
        arrays[k] = np.float64(1e9)
    np.savez(tmp_path / "typo_model.npz", **arrays)
    (tmp_path / "domain_words.txt").write_text("龘靐齉爩\t7\n", encoding="utf-8")
    monkeypatch.setenv(lm.MODEL_ENV, str(tmp_path / "typo_model.npz"))
    m = lm.model()
    assert m.threshold == 1e9
    assert m.suspects("确保人民群众生命材产安全。") == []
    assert lm.lexicon_words()["龘靐齉爩"] == 7  # the domain words written beside that model


def test_without_the_environment_variable_the_shipped_model_is_used(monkeypatch, fresh_model_cache):
    monkeypatch.delenv(lm.MODEL_ENV, raising=False)
    m = lm.model()
    assert m.threshold < 100
    assert [(s.wrong, s.right) for s in m.suspects("确保人民群众生命材产安全。")] == [("材", "财")]
    assert "龘靐齉爩" not in lm.lexicon_words()
