"""``gongkai audit``: the 公开属性 of many documents as one table (text, CSV or JSON)."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..api import check_source
from ..attributes.audit import (
    COLUMNS, HEADERS, STATUS_NAMES, AuditRow, cell_text, row_for, summarise, summary_line,
)
from ..engine import Runner, default_registry
from ..formats import iter_sources
from ..models import ReadError
from ..output import spreadsheet
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNUSABLE,
    error_line,
    follow_links_option,
    load_configs,
    output_stream,
)

SCHEMA = "gongkai.audit/1"
_STYLE = {"ok": "green", "missing": "bold red", "conflict": "yellow", "restricted-content": "bold red",
          "unreadable": "magenta"}



@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="输出格式：text 表格；csv（UTF-8 带 BOM，Excel 可直接打开）；json。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="配置文件（默认向上查找 gongkai.toml）。")
@follow_links_option
def audit(paths, fmt, output, config_path, follow_links):
    """核对多份公文的公开属性：每份一行（标题、文号、文种、标注、建议、状态、理由）。

    路径可以是文件、文件夹或 .zip 压缩包。状态：一致（标注与建议一致）；未标识（未标识公开属性，
    应退回起草单位）；不一致（标注与内容或所转发公文不一致）；夹带不公开内容（主动公开的公文夹带
    个人信息或涉密内容）；无法读取。表格和 CSV 写中文状态，JSON 写状态代码。

    退出码：2 有文件无法读取（优先）；1 有未标识、不一致或夹带不公开内容；0 全部一致。
    与 check 相同：无法使用的输入优先报告，因为其结论未知。
    """
    configs = load_configs(config_path)
    registry = default_registry()
    runners: dict[int, Runner] = {}
    items = list(iter_sources(paths, follow_links=follow_links))
    rows: list[AuditRow] = []
    show_progress = sys.stderr.isatty() and len(items) > 1
    progress = Progress(
        TextColumn("[bold]核对公开属性"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(file=sys.stderr), transient=True, disable=not show_progress,
    )
    with progress:
        task = progress.add_task("audit", total=len(items))
        for item in items:
            if isinstance(item, ReadError):
                result = item
            else:
                cfg = configs.for_path(item.path)
                runner = runners.get(id(cfg))
                if runner is None:
                    runner = runners[id(cfg)] = Runner(registry, cfg)
                result = check_source(item, cfg, runner=runner)
            if isinstance(result, ReadError):
                error_line(result.line())
            rows.append(row_for(result))
            progress.advance(task)

    summary = summarise(rows)
    with output_stream(output) as out:
        if fmt == "json":
            json.dump({"schema": SCHEMA, "documents": [r.to_dict() for r in rows], "summary": summary},
                      out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt == "csv":
            _write_csv(out, rows, summary)
        else:
            _write_table(out, rows, summary, to_terminal=output is None)
    if summary["unreadable"]:
        raise SystemExit(EXIT_UNUSABLE)
    raise SystemExit(EXIT_FINDINGS if any(r.failing for r in rows) else EXIT_OK)


def _write_csv(out, rows: list[AuditRow], summary: dict[str, int]) -> None:
    out.write("\ufeff")  # the BOM makes Excel read the file as UTF-8
    w = spreadsheet.writer(out)  # a title such as =HYPERLINK(…) must stay text in Excel
    w.writerow([HEADERS[c] for c in COLUMNS])
    for r in rows:
        d = r.to_dict()
        w.writerow([STATUS_NAMES[r.status] if c == "status" else cell_text(d[c]) for c in COLUMNS])
    w.writerow([])
    w.writerow([summary_line(summary)])


REASON_CHARS = 70  # the table shows the start of the reason; CSV and JSON carry all of it


def _write_table(out, rows: list[AuditRow], summary: dict[str, int], to_terminal: bool) -> None:
    tty = to_terminal and out.isatty()
    console = Console(file=out, highlight=False, soft_wrap=False, emoji=False,
                      force_terminal=None if tty else False, width=None if tty else 240)
    table = Table(show_lines=False, header_style="bold")
    widths = {"file": 16, "title": 18, "doc_number": 10, "reason": 30}
    for c in COLUMNS:
        table.add_column(HEADERS[c], overflow="fold", min_width=widths.get(c),
                         no_wrap=c in ("status", "confidence", "label", "suggestion", "doc_type"),
                         ratio=3 if c == "reason" else (2 if c in ("file", "title") else None))
    for r in rows:
        d = r.to_dict()
        cells = [cell_text(d[c]) for c in COLUMNS]
        cells[COLUMNS.index("status")] = STATUS_NAMES[r.status]
        reason = cells[COLUMNS.index("reason")]
        if len(reason) > REASON_CHARS:
            cells[COLUMNS.index("reason")] = reason[:REASON_CHARS] + "…"
        table.add_row(*cells, style=_STYLE.get(r.status))
    console.print(table)
    console.print(Text(summary_line(summary), style="bold"))
