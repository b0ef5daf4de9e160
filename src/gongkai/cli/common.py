"""Shared pieces of the CLI: exit codes, error lines, output streams, option types."""

from __future__ import annotations

import gc
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TextIO

import click

from ..config import Config, ConfigError, for_path, parse_fail_on

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
log = logging.getLogger("gongkai.cli")


#: Characters that would end or garble a line on a terminal or for ``str.splitlines``: shown escaped.
_LINE_BREAKING = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, 0x85) if c != 0x09}
_LINE_BREAKING.update({0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def one_line(message: str) -> str:
    """``message`` with every character that breaks a line escaped (a file name may hold a newline)."""
    return message.translate(_LINE_BREAKING)


def error_line(message: str) -> None:
    """One line on stderr, prefixed like every gongkai message; a newline in a file name stays on it."""
    message = _stderr_masker()(message)  # an exception's text may quote the document
    click.echo(f"gongkai: {one_line(message)}", err=True)


def _stderr_masker():
    from ..masking import Masker

    return Masker()


def run_guarded(group: click.Group) -> None:
    try:
        group.main(standalone_mode=False, prog_name="gongkai")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        error_line("已中断")
        sys.exit(130)
    except KeyboardInterrupt:
        error_line("已中断")
        sys.exit(130)
    except click.ClickException as exc:
        error_line(exc.format_message())
        sys.exit(EXIT_UNUSABLE if exc.exit_code in (1, 2) else exc.exit_code)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:  # the last guard: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        error_line(f"内部错误：{type(exc).__name__}: {exc}（加 -vv 查看详情）")
        sys.exit(EXIT_UNUSABLE)
    sys.exit(EXIT_OK)


@contextmanager
def frozen_start_up() -> Iterator[Callable[[], None]]:
    """Python's cyclic garbage collector off until the caller calls the function this yields (when
    its first result is ready); what exists then stays frozen (never walked: gc.freeze) until the
    block ends, and the collector runs as usual over what comes after.

    Before the first result a command imports the rule packs and spaCy and builds the models its
    rules load on first use: some 300,000 objects that live as long as the process, which the
    collector would walk again and again as they pile up (≈0.1 s CPU of a ≈1.5 s `gongkai check`,
    benchmarks/startup.py).
    """
    enabled = gc.isenabled()
    others_frozen = gc.get_freeze_count() > 0  # theirs to unfreeze: nothing is frozen here then
    gc.disable()
    frozen = False

    def started() -> None:
        nonlocal frozen
        if not frozen:
            if not others_frozen:
                gc.freeze()
            frozen = True
            if enabled:
                gc.enable()

    try:
        yield started
    finally:
        if frozen and not others_frozen:
            gc.unfreeze()
        if enabled:
            gc.enable()


class Configs:
    """Configuration per document folder: explicit --config, else discovered upward, cached."""

    def __init__(self, explicit: str | None, **overrides):
        self.explicit = explicit
        self.overrides = dict(overrides)  # only options given on the command line; None may mean 'never'
        self._cache: dict[Path, Config] = {}
        self._fixed: Config | None = None
        if explicit:
            self._fixed = self._apply(for_path(".", explicit))

    def _apply(self, cfg: Config) -> Config:
        return cfg.merged(**self.overrides)

    def for_path(self, path: str) -> Config:
        if self._fixed is not None:
            return self._fixed
        try:
            folder = Path(path.split("!", 1)[0]).resolve().parent
        except (RuntimeError, OSError):  # a symbolic link loop: the folder it sits in
            folder = Path(path.split("!", 1)[0]).absolute().parent
        cfg = self._cache.get(folder)
        if cfg is None:
            cfg = self._cache[folder] = self._apply(for_path(folder / "_"))
        return cfg


def config_overrides(select, ignore, fail_on) -> dict:
    """Turn command-line options into Config fields (None = keep the file's value)."""
    out = {}
    if select:
        out["select"] = tuple(c.strip().upper() for s in select for c in s.split(",") if c.strip())
    if ignore:
        out["ignore"] = tuple(c.strip().upper() for s in ignore for c in s.split(",") if c.strip())
    if fail_on is not None:
        out["fail_on"] = parse_fail_on(fail_on)
    return out


def load_configs(config_path, **overrides) -> Configs:
    try:
        return Configs(config_path, **overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        fh = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise click.ClickException(f"{path}: 无法写入输出文件（{exc.strerror or exc}）") from None
    with fh:
        yield fh


def follow_links_option(f):
    """``--follow-links``: follow symbolic links that lead out of a folder being walked."""
    return click.option("--follow-links", is_flag=True,
                        help="跟随指向所查文件夹之外的符号链接（默认只报告、不跟随；循环链接总是跳过）。")(f)


def select_options(f):
    f = click.option("--ignore", multiple=True, metavar="CODES", help="忽略的规则代码或前缀，逗号分隔。")(f)
    f = click.option("--select", multiple=True, metavar="CODES", help="只运行这些规则代码或前缀，逗号分隔。")(f)
    return f


def docx_copy_input(source: str, output: str, action: str) -> bytes:
    """The bytes of the .docx a command writes a copy of; exits 2 with one line when it cannot.

    ``action`` names the copy in messages (批注, 遮蔽). The output may never be the input.
    """
    import os

    from ..formats import UnreadableDocument, sniff
    from ..formats.reader import verify_package

    src, dst = Path(source), Path(output)
    try:
        same = src.resolve() == dst.resolve() or (dst.exists() and os.path.samefile(src, dst))
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        same = False
    if same:
        error_line(f"{output}: 不能覆盖输入文件，请用 -o 指定另一个文件")
        raise SystemExit(EXIT_UNUSABLE)
    try:
        data = src.read_bytes()
    except FileNotFoundError:
        error_line(f"{source}: 文件不存在")
        raise SystemExit(EXIT_UNUSABLE) from None
    except OSError as exc:
        import errno

        reason = "符号链接循环（链接最终指向自身）" if exc.errno == errno.ELOOP else f"无法读取（{exc.strerror or exc}）"
        error_line(f"{source}: {reason}")
        raise SystemExit(EXIT_UNUSABLE) from None
    if sniff(data) != "zip" or src.suffix.lower() not in (".docx", ".docm"):
        error_line(f"{source}: 只能{action} .docx 文件（请先另存为 .docx）")
        raise SystemExit(EXIT_UNUSABLE)
    try:  # the whole package is copied: a damaged member is reported before anything is written
        verify_package(data)
    except UnreadableDocument as exc:
        error_line(f"{source}: {exc.message}")
        raise SystemExit(EXIT_UNUSABLE) from None
    return data


def reject_unknown_codes(overrides: dict) -> None:
    """A typo in --select/--ignore is a usage error, not a silent no-op.

    The registry is loaded only when codes were given: a resumed batch with nothing to do
    should not pay for loading every rule pack.
    """
    codes = [*overrides.get("select", ()), *overrides.get("ignore", ())]
    if not codes:
        return
    from ..engine import default_registry

    unknown = default_registry().unknown_prefixes(codes)
    if unknown:
        raise click.UsageError(f"没有这样的规则代码：{', '.join(unknown)}（gongkai rules 列出全部规则）")
