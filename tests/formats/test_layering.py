"""The readers and writers of files stand below the report emitters: nothing in formats/ imports output/."""

from __future__ import annotations

import ast
from pathlib import Path

import gongkai.formats

FORMATS = Path(gongkai.formats.__file__).parent


def imported_modules(path: Path, package: str = "gongkai.formats") -> set[str]:
    """Every module ``path`` (a module of ``package``) imports, anywhere in the file (lazy imports
    inside functions too), as absolute names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_import_scan_sees_relative_and_lazy_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ..output.render import x\n    from .. import output\n", "utf-8")
    assert {"gongkai.output.render", "gongkai.output"} <= imported_modules(probe)


def test_no_module_in_formats_imports_output():
    offenders = {
        f"{path.relative_to(FORMATS)}: {module}"
        for path in sorted(FORMATS.rglob("*.py"))
        for module in imported_modules(path, ".".join(["gongkai.formats", *path.relative_to(FORMATS).parent.parts]))
        if module == "gongkai.output" or module.startswith("gongkai.output.")
    }
    assert not offenders
