"""The worked example of docs/architecture.md ("adding a kind"), run as written there.

The declaration (YAML) and the validator (Python) are read from the page itself, so the
example a newcomer follows is the one that is tested: the new kind finds its ``fires``
examples with the documented span, confidence and explanation, stays silent on its
``silent`` ones, and leaves every other rule's findings on those texts as they were.
"""

from pathlib import Path

import pytest
import regex

from gongkai.data import load_yaml
from gongkai.engine import Context, Registry, Runner, default_registry
from gongkai.models import VOCABULARY, Document
from gongkai.screening import validators
from gongkai.screening.personal_data import HOOKS
from gongkai.screening.recognizers import Recognizer, build, declarations

PAGE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _example_blocks() -> tuple[str, str]:
    """The python and yaml blocks of the worked example (after its heading), dedented."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("#### Worked example: adding a kind"):]
    blocks = regex.findall(r"\n( *)```(python|yaml)\n(.*?)\n\1```", section, flags=regex.S)
    found = {}
    for indent, lang, body in blocks:
        found.setdefault(lang, "\n".join(line[len(indent):] for line in body.split("\n")))
    return found["python"], found["yaml"]


@pytest.fixture
def example(monkeypatch):
    """The documented kind: vocabulary entry, validator, declaration, built into a rule."""
    python, yaml_text = _example_blocks()
    monkeypatch.setitem(VOCABULARY, "personal_data", VOCABULARY["personal_data"] + ("disability_card",))
    monkeypatch.setattr(validators, "VALIDATORS", dict(validators.VALIDATORS))
    namespace = {"gb11643_valid": validators.gb11643_valid, "VALIDATORS": validators.VALIDATORS}
    exec(python, namespace)  # step 2: the validator, registered under its name
    (code, declaration), = load_yaml(yaml_text).items()  # step 3: the declaration
    monkeypatch.setattr("gongkai.screening.recognizers.VALIDATORS", validators.VALIDATORS)
    rule = build(code, declaration, HOOKS, declarations()["words"])
    return rule


def _run(rule, text):
    runner = Runner(Registry([*default_registry(), rule]))
    findings, _ = runner.run(Document.from_text(text))
    return findings


def test_the_documented_declaration_is_a_recognizer(example):
    assert isinstance(example, Recognizer)
    assert example.code == "D113" and example.kind == "disability_card" and example.category == "personal_data"
    assert len(example.fires) == 2 and len(example.silent) == 4


def test_it_finds_the_documented_values(example):
    findings = [f for f in _run(example, example.fires[0]) if f.rule == "D113"]
    (f,) = findings
    assert f.text == "11010519491231002X44"
    assert f.confidence == 0.8 + 0.15
    assert f.explanation == {"pattern": "残疾人证号（身份号码+类别等级）", "validation": "身份号码校验位正确，类别 1–7、等级 1–4",
                             "context": "残疾人证", "role": "申请人", "confidence": 0.95}
    assert f.suggestion.startswith("主动公开前删除或遮蔽") and "11010519491231002X44" not in f.suggestion
    (g,) = [f for f in _run(example, example.fires[1]) if f.rule == "D113"]
    assert g.text == "11010519491231002X23" and g.explanation["context"] == "残疾证"


def test_it_stays_silent_on_the_documented_cases(example):
    for text in example.silent:
        assert not [f for f in _run(example, text) if f.rule == "D113"], text


def test_a_role_word_alone_gives_the_score_without_the_boost(example):
    (f,) = [f for f in _run(example, "申请人11010519491231002X44") if f.rule == "D113"]
    assert f.confidence == 0.8 and "context" not in f.explanation and f.explanation["role"] == "申请人"


def test_the_new_kind_changes_no_other_rule_on_its_examples(example):
    before = Runner(default_registry())
    for text in [*example.fires, *example.silent]:
        doc = Document.from_text(text)
        others = [f for f in _run(example, text) if f.rule != "D113"]
        assert others == before.run(doc, Context(doc))[0], text
