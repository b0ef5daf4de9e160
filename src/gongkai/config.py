"""TOML configuration: discovery upward from the document, validation, defaults.

A project keeps ``gongkai.toml`` (or ``.gongkai.toml``, or ``[tool.gongkai]`` in
``pyproject.toml``) in the folder of its drafts or any folder above it, as Vale and ruff do::

    select = ["D", "A"]          # rule code prefixes; default: all
    ignore = ["T2"]
    fail_on = "error"            # error | warning | info | never

    [severity]                   # per code or prefix
    D104 = "warning"

    [limits]                     # hostile-input limits for readers
    max_file_mb = 200
    max_chars = 2000000          # characters of text in one document

    [reprint]                    # rule families read their own sections
    authorized_sources = ["水城报", "水城区融媒体中心", "区政府网站"]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Severity

CONFIG_NAMES = ("gongkai.toml", ".gongkai.toml")

#: Top-level keys with a fixed meaning.
SCALAR_KEYS = {"select", "ignore", "fail_on", "reveal", "refs", "exempt_before_year"}
#: Sections owned by a rule family or a subsystem; each reads its own keys.
SECTIONS = {
    "severity", "limits", "screening", "reprint", "attributes", "format", "proofing",
    "completeness", "review", "roster", "batch", "approval", "display", "register",
}


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Limits:
    """Limits that keep hostile input from exhausting the machine."""

    max_file_mb: float = 200.0
    #: characters of text in one document (2,000,000 ≈ 1,000 pages; a 公文 holds a few thousand):
    #: every rule reads every character, the typo model at ~13,000 characters/s
    max_chars: int = 2_000_000
    max_part_mb: float = 256.0  # one XML part of a .docx, uncompressed
    max_ratio: float = 200.0  # compression ratio of a large zip member
    archive_max_entries: int = 20000
    archive_max_entry_mb: float = 256.0
    archive_max_total_mb: float = 2048.0
    convert_timeout_s: float = 120.0

    @property
    def part_bytes(self) -> int:
        """``max_part_mb`` in bytes: the most any one member of a package may expand to."""
        return int(self.max_part_mb * 1024 * 1024)


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.ERROR
    severity: dict[str, Severity] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    sections: dict[str, dict] = field(default_factory=dict)
    refs: str | None = None
    exempt_before_year: int | None = None
    source: str | None = None  # the file this came from

    def section(self, name: str) -> dict:
        return self.sections.get(name, {})

    def severity_for(self, code: str, default: Severity) -> Severity:
        """Override from ``[severity]``: the longest matching code prefix wins."""
        best = None
        for prefix, sev in self.severity.items():
            if code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, sev)
        return best[1] if best else default

    def merged(self, **overrides: Any) -> "Config":
        """A copy with command-line options laid over the file's values."""
        if not overrides:
            return self
        from dataclasses import replace

        return replace(self, **overrides)


def parse_fail_on(value: str | None) -> Severity | None:
    if value is None or str(value).lower() == "never":
        return None
    return Severity.parse(value)


def from_mapping(data: dict, source: str = "<config>") -> Config:
    """Validate a parsed TOML mapping into a Config; errors name the file and the key."""

    def fail(msg: str) -> ConfigError:
        return ConfigError(f"{source}: {msg}")

    unknown = set(data) - SCALAR_KEYS - SECTIONS
    if unknown:
        raise fail(f"未知配置项 {', '.join(sorted(unknown))}")
    # Checked in this order, so a file with several mistakes is always told of the same one.
    fail_on = _fail_on(data, fail)
    severity = _severity(data, fail)
    limits = _limits(data, fail)
    sections = _sections(data, fail)
    exempt = _exempt_before_year(data, fail)
    refs = _refs(data, source)
    return Config(
        select=_codes(data, "select", fail), ignore=_codes(data, "ignore", fail), fail_on=fail_on,
        severity=severity, limits=limits, sections=sections, refs=refs, exempt_before_year=exempt, source=source,
    )


# Each reader below takes the parsed mapping and ``fail`` (message -> ConfigError naming the
# file) and returns one field of the Config.


def _codes(data: dict, key: str, fail) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} 应为规则代码列表")
    return tuple(v.strip().upper() for v in value)


def _fail_on(data: dict, fail) -> Severity | None:
    try:
        return parse_fail_on(data.get("fail_on", "error"))
    except ValueError:
        raise fail(f"fail_on 应为 error、warning、info 或 never，而非 {data.get('fail_on')!r}") from None


def _severity(data: dict, fail) -> dict[str, Severity]:
    severity: dict[str, Severity] = {}
    for code, value in (data.get("severity") or {}).items():
        try:
            severity[code.upper()] = Severity.parse(value)
        except ValueError:
            raise fail(f"[severity] {code} 应为 error、warning 或 info") from None
    return severity


def _limits(data: dict, fail) -> Limits:
    limits_data = data.get("limits") or {}
    bad = set(limits_data) - set(Limits.__dataclass_fields__)
    if bad:
        raise fail(f"[limits] 未知配置项 {', '.join(sorted(bad))}")
    try:
        return Limits(**{k: type(getattr(Limits(), k))(v) for k, v in limits_data.items()})
    except (TypeError, ValueError):
        raise fail("[limits] 的值应为数字") from None


def _sections(data: dict, fail) -> dict[str, dict]:
    sections = {}
    for name in SECTIONS - {"severity", "limits"}:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise fail(f"[{name}] 应为一个配置节")
        sections[name] = value
    return sections


def _exempt_before_year(data: dict, fail) -> int | None:
    exempt = data.get("exempt_before_year")
    if exempt is not None and not isinstance(exempt, int):
        raise fail("exempt_before_year 应为年份整数")
    return exempt


def _refs(data: dict, source: str) -> str | None:
    """``refs`` as written, relative to the configuration file's folder."""
    refs = data.get("refs")
    if refs is not None:
        refs = str((Path(source).parent / refs) if source and not source.startswith("<") else refs)
    return refs


def load(path: str | Path) -> Config:
    """Load a config file (gongkai.toml or a pyproject.toml with [tool.gongkai])."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取配置文件（{exc.strerror or exc}）") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: 配置文件不是有效的 TOML（{exc}）") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("gongkai", {})
    return from_mapping(data, str(path))


def discover(start: str | Path) -> Path | None:
    """The nearest config file in ``start``'s folder or any folder above it."""
    p = Path(start).resolve()
    folder = p if p.is_dir() else p.parent
    for d in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = d / name
            if candidate.is_file():
                return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "gongkai" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                    return pyproject
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                pass
    return None


def for_path(path: str | Path, explicit: str | Path | None = None) -> Config:
    """The configuration that applies to ``path``: explicit file, else discovered, else defaults."""
    if explicit is not None:
        return load(explicit)
    found = discover(path)
    return load(found) if found else Config()


def cache_root(configured: str | None = None) -> Path:
    """Where gongkai keeps what it can rebuild (reference indexes, jieba's tables): ``configured``
    (a configuration's ``cache_dir``), else ``$GONGKAI_CACHE_DIR``, else the user cache folder."""
    chosen = configured or os.environ.get("GONGKAI_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gongkai"))
