"""``gongkai redact IN.docx -o OUT.docx``: a copy with personal data masked, layout kept."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import check_document
from ..engine import Runner, default_registry
from ..formats import UnreadableDocument, read_bytes
from ..formats.redact import redact_docx
from ..models import kind_label
from ..screening.properties import NEUTRAL_KEY
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, docx_copy_input, error_line, load_configs


def personal_findings(data: bytes, name: str, cfg):
    """The document read from ``data`` and its personal-data findings (D1xx rules only)."""
    doc = read_bytes(data, name, cfg.limits)
    runner = Runner(default_registry(), cfg.merged(select=("D1",), ignore=()))
    report = check_document(doc, runner.config, runner=runner)
    return doc, [f for f in report.findings if f.sensitive]


@click.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="遮蔽件的保存路径（不能是原文件）。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（默认向上查找 gongkai.toml）。")
@click.option("--author", "neutral_author", default=None, metavar="TEXT",
              help="替换作者、最后修改者、批注和修订作者的中性值（默认取配置 [screening] neutral_author，否则留空），如 起草单位。")
def redact(source, output, config_path, neutral_author):
    """生成遮蔽件：把源文件中的个人信息（身份证号、电话、姓名、住址……）就地遮蔽，版式、样式和表格不变。

    正文、表格、页眉、页脚、脚注、批注和文本框都会处理；文档属性（标题、备注、自定义属性……）中的个人信息同样遮蔽，
    作者、最后修改者、经理、批注作者、修订作者中的个人姓名替换为中性值。写出后重新检查遮蔽件。
    退出码：0 遮蔽完成且复查无个人信息；1 复查仍有个人信息；2 用法错误或文件无法读取。
    """
    src, dst = Path(source), Path(output)
    data = docx_copy_input(source, output, "遮蔽")
    cfg = load_configs(config_path).for_path(str(src))
    screening = cfg.section("screening")
    if neutral_author is None:
        neutral_author = str(screening.get(NEUTRAL_KEY, "") or "")
    else:  # the re-check must accept the value written in place of the authors
        cfg = cfg.merged(sections={**cfg.sections, "screening": {**screening, NEUTRAL_KEY: neutral_author}})
    try:
        doc, findings = personal_findings(data, str(src), cfg)
        result = redact_docx(data, doc, findings, neutral_author)
    except UnreadableDocument as exc:
        error_line(f"{source}: {exc.message}")
        raise SystemExit(EXIT_UNUSABLE)
    try:
        dst.write_bytes(result.data)
    except OSError as exc:
        error_line(f"{output}: 无法写入（{exc.strerror or exc}）")
        raise SystemExit(EXIT_UNUSABLE)
    _, left = personal_findings(result.data, str(dst), cfg)
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    detail = "、".join(f"{kind_label(k)} {n}" for k, n in sorted(kinds.items())) or "无"
    metadata = f"，其中文档属性和作者信息改写 {result.metadata} 处" if result.metadata else ""
    click.echo(f"{output}: 已遮蔽 {len(findings)} 处个人信息（{detail}）{metadata}；复查剩余 {len(left)} 处")
    if left:
        for f in left:
            error_line(f"{output}: 复查仍发现 {f.rule} {kind_label(f.kind)}（{f.location.describe()}）")
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_OK)
