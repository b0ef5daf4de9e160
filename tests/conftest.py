"""Shared fixtures: documents built in code, a CLI runner, checking text in one call."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gongkai import Config
from gongkai import check_text as _check_text
from gongkai.formats.compose import DocxBuilder, make_docx


@pytest.fixture
def check_text():
    """check_text(text, **config) -> Report for plain text, one paragraph a line."""

    def run(text: str, **config):
        return _check_text(text, Config(**config) if config else None)

    return run


@pytest.fixture
def docx_builder():
    return DocxBuilder


@pytest.fixture
def docx_file(tmp_path):
    """docx_file(*paragraphs, name=..., **make_docx kwargs) -> path of a new .docx."""

    def make(*paragraphs, name="doc.docx", **kw):
        path = tmp_path / name
        make_docx(*paragraphs, path=path, **kw)
        return path

    return make


@pytest.fixture
def cli():
    """Invoke the gongkai CLI in-process: cli("check", path, "--format", "json")."""
    from gongkai.cli import main

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke
