"""Shared fixtures: documents built in code, a CLI runner, checking text in one call."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture
def libreoffice_roundtrip(tmp_path):
    """libreoffice_roundtrip(path) -> the .docx LibreOffice headless wrote after opening
    ``path`` (asserted to exist), or None where soffice is not installed (CI installs it, and
    fails without it)."""
    import os
    import shutil
    import subprocess

    def roundtrip(path):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            assert not os.environ.get("CI"), "LibreOffice (soffice) is missing in CI: .ci/run should have installed it"
            return None
        conv = tmp_path / "libreoffice-out"
        conv.mkdir(exist_ok=True)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'libreoffice-profile'}", "--headless",
                        "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(conv), str(path)],
                       capture_output=True, timeout=180, check=False)
        converted = conv / Path(path).name
        assert converted.exists(), f"LibreOffice could not open {Path(path).name}"
        return converted

    return roundtrip
