"""Configuration: discovery upward from the document, validation with clear errors."""

from __future__ import annotations

import pytest

from gongkai.config import ConfigError, discover, for_path, from_mapping, load
from gongkai.models import Severity


def test_discovered_upward_from_the_document(tmp_path):
    (tmp_path / "gongkai.toml").write_text('select = ["D"]\nfail_on = "warning"\n', "utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    doc = deep / "x.docx"
    assert discover(doc) == tmp_path / "gongkai.toml"
    cfg = for_path(doc)
    assert cfg.select == ("D",) and cfg.fail_on == Severity.WARNING


def test_nearest_file_wins_and_pyproject_needs_its_table(tmp_path):
    (tmp_path / "gongkai.toml").write_text('select = ["D"]\n', "utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert discover(sub / "x.docx") == tmp_path / "gongkai.toml"
    (sub / "pyproject.toml").write_text('[tool.gongkai]\nignore = ["F"]\n', "utf-8")
    assert discover(sub / "x.docx") == sub / "pyproject.toml"
    assert load(sub / "pyproject.toml").ignore == ("F",)


def test_defaults_without_a_file(tmp_path):
    cfg = for_path(tmp_path / "x.docx")
    assert cfg.select == () and cfg.fail_on == Severity.ERROR


@pytest.mark.parametrize("data, words", [
    ({"selct": ["D"]}, "selct"),
    ({"fail_on": "sometimes"}, "fail_on"),
    ({"severity": {"D101": "fatal"}}, "D101"),
    ({"limits": {"max_file_mb": "big"}}, "limits"),
    ({"limits": {"max_size": 3}}, "max_size"),
    ({"select": "D, F"}, None),  # a single string is accepted as one prefix list entry
])
def test_invalid_values_name_the_key(data, words):
    if words is None:
        assert from_mapping(data).select == ("D, F",)
        return
    with pytest.raises(ConfigError) as exc:
        from_mapping(data, "/x/gongkai.toml")
    assert "/x/gongkai.toml" in str(exc.value) and words in str(exc.value)


def test_broken_toml_is_a_config_error(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text("select = [", "utf-8")
    with pytest.raises(ConfigError) as exc:
        load(path)
    assert str(path) in str(exc.value)


def test_fail_on_never():
    assert from_mapping({"fail_on": "never"}).fail_on is None
