"""``gongkai check`` and ``gongkai rules``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import click
from rich.console import Console
from rich.text import Text

from ..api import GROUP, GROUP_CHARS, check_document, check_documents
from ..engine import Runner, default_registry
from ..formats import iter_sources, read_source
from ..models import ReadError, Report, kind_label
from ..output import Totals, sarif_log, text_lines, to_json_line
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNUSABLE,
    config_overrides,
    error_line,
    follow_links_option,
    frozen_start_up,
    load_configs,
    output_stream,
    reject_unknown_codes,
    select_options,
)

log = logging.getLogger(__name__)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="输出格式：text 文本；json 每个文档一行 JSON；sarif SARIF 2.1.0。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
@click.option("--reveal", is_flag=True, help="显示未遮蔽的个人信息（默认遮蔽）。")
@click.option("--refs", type=click.Path(exists=True, file_okay=False), help="参考文件夹，用于查找大段照抄。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（默认向上查找 gongkai.toml）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="达到该级别的发现时退出码为 1（默认 error）。")
@follow_links_option
@select_options
def check(paths, fmt, output, reveal, refs, config_path, fail_on, select, ignore, follow_links):
    """检查公文：路径可以是文件、文件夹或 .zip 压缩包。

    退出码：0 无达到 --fail-on 级别的发现；1 有；2 用法错误或文件无法读取。
    """
    overrides = config_overrides(select, ignore, fail_on)
    if refs:
        overrides["refs"] = refs
    configs = load_configs(config_path, **overrides)
    reject_unknown_codes(overrides)

    runners: dict[int, Runner] = {}
    results: list[Report | ReadError] = []
    totals = Totals()
    unusable = 0
    failing = False
    with output_stream(output) as out, frozen_start_up() as started:
        console = Console(file=out, highlight=False, soft_wrap=True, emoji=False,
                          force_terminal=None if output is None else False)
        def runner_for(cfg) -> Runner:
            runner = runners.get(id(cfg))
            if runner is None:
                runner = runners[id(cfg)] = Runner(default_registry(), cfg)  # loaded in frozen_start_up's block
            return runner

        for result in checked(iter_sources(paths, follow_links=follow_links), configs, runner_for):
            started()
            if isinstance(result, ReadError):
                unusable += 1
                error_line(result.line())
            else:
                cfg = configs.for_path(result.file)
                failing = failing or result.fails(cfg.fail_on)
            if fmt == "json":
                out.write(to_json_line(result, reveal) + "\n")
                out.flush()
            elif fmt == "text":
                if isinstance(result, Report):
                    for line, style in text_lines(result, reveal):
                        console.print(Text(line, style=style or ""))
                    console.print()
                    totals.add(result)
            if fmt == "sarif":
                results.append(result)
        if fmt == "sarif":
            json.dump(sarif_log(results, default_registry(), reveal), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt == "text":
            if totals.documents + unusable > 1 or not totals.documents:
                console.print(Text(totals.line(unusable), style="bold"))
    if unusable:
        raise SystemExit(EXIT_UNUSABLE)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_OK)


def checked(items, configs, runner_for) -> Iterator[Report | ReadError]:
    """Each source's Report (or ReadError), in order.

    Sources are read until GROUP documents or GROUP_CHARS characters wait; those of one
    configuration are then checked together (:func:`check_documents`: the same reports, faster).
    """
    slots: list = []  # the results in order; None where a waiting document's report goes
    waiting: list[tuple[int, object, object]] = []  # (slot, config, document)
    chars = 0
    for item in items:
        if isinstance(item, ReadError):
            slots.append(item)
        else:
            cfg = configs.for_path(item.path)
            doc = read_source(item, cfg.limits)
            if isinstance(doc, ReadError):
                slots.append(doc)
            else:
                waiting.append((len(slots), cfg, doc))
                slots.append(None)
                chars += doc.chars
        if len(slots) >= GROUP or chars >= GROUP_CHARS:
            yield from _check_waiting(slots, waiting, runner_for)
            slots, waiting, chars = [], [], 0
    yield from _check_waiting(slots, waiting, runner_for)


def _check_waiting(slots: list, waiting: list, runner_for) -> list[Report | ReadError]:
    by_config: dict[int, tuple] = {}
    for slot, cfg, doc in waiting:
        by_config.setdefault(id(cfg), (cfg, []))[1].append((slot, doc))
    for cfg, docs in by_config.values():
        runner, services = runner_for(cfg), run_services(cfg)
        try:
            reports = check_documents([d for _, d in docs], cfg, runner=runner, services=services)
        except Exception:  # never lose the group to one document: check them one by one, as before
            log.debug("checking %d documents together failed; one by one", len(docs), exc_info=True)
            reports = [check_document(d, cfg, runner=runner, services=services) for _, d in docs]
        for (slot, _), report in zip(docs, reports):
            slots[slot] = report
    return slots


def run_services(cfg) -> dict:
    """Shared services for a configuration (the reference index when refs are set), built once."""
    if not cfg.refs:
        return {}
    from ..screening.refindex import services_for

    try:
        return services_for(cfg)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{cfg.refs}: 无法建立参考文件索引（{exc}）") from None


#: The severity policy of issue #16, printed above the rule list (README: "Severity levels").
SEVERITY_POLICY = ("级别：错误＝确定有误，发布前必须改正；警告＝很可能有问题，须人工查看；提示＝值得知道。"
                   "在真实公文开发集上精确率低于0.95的规则族（或已判定至少10条的单条规则）不报“错误”。")


@click.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(code, fmt):
    """列出全部规则；给出规则代码（或前缀）时显示其说明、依据和示例。"""
    registry = default_registry()
    chosen = registry.matching(code) if code else list(registry)
    if code and not chosen:
        raise click.UsageError(f"没有这样的规则代码：{code}")
    if fmt == "json":
        data = [
            {"code": r.code, "category": r.category, "kind": r.kind, "severity": r.severity.label,
             "message": r.message, "basis": r.basis, "doc": r.doc,
             "fires": [e for e in r.fires if isinstance(e, str)],
             "silent": [e for e in r.silent if isinstance(e, str)]}
            for r in chosen
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=True)
    detailed = bool(code)
    console.print(Text(SEVERITY_POLICY, style="dim"))
    for r in chosen:
        console.print(Text(f"{r.code}  {r.severity.chinese:<2}  {kind_label(r.kind, r.category)}  {r.message}",
                           style="bold" if detailed else ""))
        if detailed:
            console.print(Text(f"  {r.doc}"))
            console.print(Text(f"  依据：{r.basis}", style="dim"))
            for e in r.fires:
                if isinstance(e, str):
                    console.print(Text("  ✗ 会报告：" + e.replace("\n", "⏎"), style="red"))
            for e in r.silent:
                if isinstance(e, str):
                    console.print(Text("  ✓ 不报告：" + e.replace("\n", "⏎"), style="green"))
            console.print()
