"""``gongkai annotate IN.docx -o OUT.docx``: a copy with one Word comment per finding."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..api import check_document
from ..engine import Runner, default_registry
from ..formats import UnreadableDocument, read_bytes
from ..formats.annotate import annotate_docx
from .check import run_services
from .common import (
    EXIT_OK,
    EXIT_UNUSABLE,
    config_overrides,
    docx_copy_input,
    error_line,
    load_configs,
    reject_unknown_codes,
    select_options,
)


@click.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="批注后的副本（不能是输入文件本身）。")
@click.option("--reveal", is_flag=True, help="批注中显示未遮蔽的个人信息（默认遮蔽）。")
@click.option("--refs", type=click.Path(exists=True, file_okay=False), help="参考文件夹，用于查找大段照抄。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（默认向上查找 gongkai.toml）。")
@select_options
def annotate(source, output, reveal, refs, config_path, select, ignore):
    """把检查结果写成 Word 批注：每条发现一条批注，锚定在对应文字上。

    页眉、页脚、脚注、文本框和文档属性（作者、标题……）中的发现汇总在正文第一段的一条批注里。原有批注保留。
    退出码：0 已写入；2 用法错误、文件无法读取或输出会覆盖输入。
    """
    src, dst = Path(source), Path(output)
    data = docx_copy_input(source, output, "批注")

    overrides = config_overrides(select, ignore, None)
    if refs:
        overrides["refs"] = refs
    cfg = load_configs(config_path, **overrides).for_path(str(src))
    registry = default_registry()
    reject_unknown_codes(overrides)
    try:
        doc = read_bytes(data, str(src), cfg.limits)
    except UnreadableDocument as exc:
        error_line(f"{source}: {exc}")
        raise SystemExit(EXIT_UNUSABLE) from None
    if doc.source_format != "docx":
        error_line(f"{source}: 只能批注 .docx 文件（请先另存为 .docx）")
        raise SystemExit(EXIT_UNUSABLE)
    report = check_document(doc, cfg, runner=Runner(registry, cfg), services=run_services(cfg))
    try:
        result = annotate_docx(data, report, reveal=reveal)
    except UnreadableDocument as exc:
        error_line(f"{source}: {exc.message}")
        raise SystemExit(EXIT_UNUSABLE) from None
    except Exception as exc:  # python-docx on a document it cannot handle; the traceback with -vv
        logging.getLogger(__name__).debug("annotating %s failed", source, exc_info=True)
        error_line(f"{source}: 无法写入批注（批注程序出错：{type(exc).__name__}，加 -vv 查看详情）")
        raise SystemExit(EXIT_UNUSABLE) from None
    try:
        dst.write_bytes(result.data)
    except OSError as exc:
        error_line(f"{output}: 无法写入（{exc.strerror or exc}）")
        raise SystemExit(EXIT_UNUSABLE) from None
    click.echo(f"{output}: 写入 {result.anchored + (1 if result.summarised else 0)} 条批注"
               f"（{len(report.findings)} 条发现，其中 {result.summarised} 条汇总在正文第一段）", err=True)
    raise SystemExit(EXIT_OK)
