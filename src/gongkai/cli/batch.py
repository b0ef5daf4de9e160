"""``gongkai batch`` (screen an archive into a results file) and ``gongkai summary``."""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import contextmanager

import click
from rich.console import Console
from rich.text import Text

from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNUSABLE,
    config_overrides,
    error_line,
    follow_links_option,
    load_configs,
    output_stream,
    reject_unknown_codes,
    select_options,
)


class Unusable(click.ClickException):
    """Unusable input (a results file, a config): exit 2 like every unusable input."""

    exit_code = EXIT_UNUSABLE



def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} 小时 {m} 分"
    if m:
        return f"{m} 分 {s} 秒"
    return f"{s} 秒"


class LogProgress:
    """Plain progress lines on stderr every few seconds (for logs, cron, CI)."""

    def __init__(self, every_s: float):
        self.every_s = max(0.5, every_s)
        self.last = time.monotonic()

    def update(self, stats) -> None:
        now = time.monotonic()
        if now - self.last < self.every_s:
            return
        self.last = now
        total = stats.shown_total
        of = f"/{total}{'' if stats.total_exact else '+'}" if total is not None else ""
        error_line(
            f"进度 {stats.done}{of} 个文档（跳过 {stats.skipped}），{stats.rate:.1f} 个/秒，"
            f"无法读取 {stats.errors}，预计剩余 {_duration(stats.eta_s)}"
        )

    def close(self) -> None:
        pass


class BarProgress:
    """A rich progress bar on a terminal: done/total, docs/s, ETA, errors so far."""

    def __init__(self):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]检查"),
            BarColumn(),
            TextColumn("{task.completed}/{task.fields[total_text]}"),
            TextColumn("{task.fields[rate]:.1f} 个/秒"),
            TextColumn("剩余 {task.fields[eta]}"),
            TextColumn("[yellow]无法读取 {task.fields[errors]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            refresh_per_second=4,
        )
        self.task = self.progress.add_task("batch", total=None, total_text="?", rate=0.0, eta="—", errors=0)
        self.progress.start()
        self.last = 0.0

    def update(self, stats) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and not stats.total_exact:
            return
        self.last = now
        total = stats.shown_total
        self.progress.update(
            self.task, completed=stats.done, total=total,
            total_text="?" if total is None else f"{total}{'' if stats.total_exact else '+'}",
            rate=stats.rate, eta=_duration(stats.eta_s), errors=stats.errors,
        )

    def close(self) -> None:
        self.progress.stop()


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM stops a run as cleanly as Ctrl-C does."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="结果文件：.jsonl（每个文档一行 gongkai.report/1）或 .sqlite（可用 SQL 查询）。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认 CPU 核数）。")
@click.option("--resume", is_flag=True, help="续跑：跳过结果文件中内容未变的文档，只检查新增或改动的。")
@click.option("--overwrite", is_flag=True, help="结果文件已存在时覆盖它，从头检查。")
@click.option("--reveal", is_flag=True, help="在结果中保存未遮蔽的个人信息（默认遮蔽）。")
@click.option("--refs", type=click.Path(exists=True, file_okay=False), help="参考文件夹，用于查找大段照抄。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（默认向上查找 gongkai.toml）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="有文档达到该级别的发现时退出码为 1（默认 error）。")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="单个文档的检查时限（秒，0 为不限；默认取配置 [batch] timeout_s，即 120）。")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local 本机进程池；dask 在 Dask 集群上运行（需 --scheduler）。")
@click.option("--scheduler", metavar="ADDRESS", envvar="DASK_SCHEDULER_ADDRESS",
              help="Dask 调度器地址，如 tcp://10.0.0.5:8786。")
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认在终端上显示，否则定期输出进度行）。")
@follow_links_option
@select_options
def batch(paths, out, jobs, resume, overwrite, reveal, refs, config_path, fail_on, timeout, executor, scheduler,
          progress, select, ignore, follow_links):
    """批量检查文件夹和压缩包中的全部公文，结果写入结果文件（.jsonl 或 .sqlite）。

    多进程并行；--resume 续跑时跳过已检查且未改动的文档；单个文档损坏、加密、超时都记为错误行，不会中断整批检查。

    Ctrl-C 随时停止，已完成的结果都会保留。gongkai summary 结果文件 查看汇总。

    退出码：0 全部完成且无达到 --fail-on 级别的发现；1 有；2 有文件无法读取或用法错误；130 被中断。
    """
    from ..batch import BatchOptions, ResultsError, batch_settings, local_executor, open_results, run_batch
    from ..batch.cluster import ClusterError, DaskExecutor
    from ..batch.results import kind_of
    from ..batch.run import SettingsError

    try:
        kind_of(out)
    except ResultsError as exc:
        raise click.UsageError(str(exc)) from None
    if os.path.exists(out) and not (resume or overwrite):
        raise Unusable(f"{out}: 结果文件已存在；用 --resume 续跑，或 --overwrite 从头检查")
    if resume and overwrite:
        raise click.UsageError("--resume 与 --overwrite 不能同时使用")

    overrides = config_overrides(select, ignore, fail_on)
    if refs:
        overrides["refs"] = refs
    configs = load_configs(config_path, **overrides)
    reject_unknown_codes(overrides)
    base = configs.for_path(str(paths[0]))
    if refs:
        # Build (or find) the reference index once here, so workers only open the cached copy.
        from .check import run_services

        run_services(base)
    try:
        settings = batch_settings(base)
    except SettingsError as exc:
        raise Unusable(str(exc)) from None
    jobs = jobs or int(settings["jobs"]) or _cores()
    timeout_s = timeout if timeout is not None else settings["timeout_s"]
    timeout_s = timeout_s or None

    if executor == "dask":
        if not scheduler:
            raise click.UsageError("--executor dask 需要 --scheduler tcp://主机:8786")
        runner = DaskExecutor(scheduler, timeout_s=timeout_s)
    else:
        runner = local_executor(jobs, timeout_s, int(settings["max_tasks_per_worker"]))

    options = BatchOptions(resume=resume, reveal=reveal, timeout_s=timeout_s, fail_on=base.fail_on,
                           follow_links=follow_links,
                           sync_every=int(settings["sync_every"]) or 1, sync_interval_s=settings["sync_interval_s"])
    try:
        results = open_results(out, resume=resume)
    except ResultsError as exc:
        raise Unusable(str(exc)) from None
    results.start_run([str(p) for p in paths], {
        "executor": executor, "jobs": jobs if executor == "local" else None, "scheduler": scheduler,
        "resume": resume, "reveal": reveal, "timeout_s": timeout_s, "select": list(overrides.get("select", ())),
        "ignore": list(overrides.get("ignore", ())), "refs": refs, "config": config_path,
    })
    on_terminal = sys.stderr.isatty() if progress is None else progress
    observer = BarProgress() if on_terminal else LogProgress(settings["log_every_s"])
    stats = None
    interrupted = False
    started = time.monotonic()
    try:
        with _sigterm_as_interrupt():
            stats = run_batch([str(p) for p in paths], results, runner, config_for=configs.for_path,
                              options=options, observer=observer)
    except KeyboardInterrupt:
        interrupted = True
    except ClusterError as exc:
        raise Unusable(str(exc)) from None
    finally:
        observer.close()
        results.close()
    elapsed = time.monotonic() - started
    if interrupted:
        error_line(f"已中断：已完成的结果都已保存在 {out}；用 --resume 续跑")
        raise SystemExit(130)
    rate = stats.checked / elapsed if elapsed > 0 else 0.0
    click.echo(
        f"完成：{stats.done} 个文档（本次检查 {stats.checked}，未改动跳过 {stats.skipped}），"
        f"无法读取 {stats.errors}，有达到 --fail-on 级别发现的 {stats.failing}；"
        f"用时 {_duration(elapsed)}，{rate:.1f} 个/秒。结果：{out}（gongkai summary {out} 查看汇总）"
    )
    if stats.errors:
        raise SystemExit(EXIT_UNUSABLE)
    raise SystemExit(EXIT_FINDINGS if stats.failing else EXIT_OK)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@click.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="text 文本；csv 供 Excel 打开（UTF-8 带 BOM）；json。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
@click.option("--worst", type=click.IntRange(min=0), default=10, show_default=True, help="列出最需处理的文档数。")
@click.option("--documents", is_flag=True, help="改为每个文档一行（配合 --format csv 在 Excel 中筛选）。")
def summary(results, fmt, output, worst, documents):
    """汇总批量检查结果：按类别、类型、严重程度和公开属性状态计数，列出最需处理的文档。"""
    from ..batch import ResultsError, summarise
    from ..batch import summary as summ

    try:
        if documents:
            rows = summ.document_rows(results)
            with output_stream(output) as out:
                if fmt == "json":
                    import json

                    for row in rows:
                        out.write(json.dumps(dict(zip(summ.DOCUMENT_HEADER, row)), ensure_ascii=False) + "\n")
                elif fmt == "csv":
                    for chunk in summ.rows_to_csv(rows, summ.DOCUMENT_HEADER):
                        out.write(chunk)
                else:
                    for row in rows:
                        out.write("\t".join("" if v is None else str(v) for v in row) + "\n")
            return
        s = summarise(results, worst)
    except ResultsError as exc:
        raise Unusable(str(exc)) from None
    with output_stream(output) as out:
        if fmt == "csv":
            out.write(summ.to_csv(s))
        elif fmt == "json":
            out.write(summ.to_json(s) + "\n")
        else:
            console = Console(file=out, highlight=False, soft_wrap=True, emoji=False,
                              force_terminal=None if output is None else False)
            for line, style in summ.text_lines(s):
                console.print(Text(line, style=style or ""))
