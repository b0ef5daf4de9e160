"""``gongkai redact IN.docx -o OUT.docx``: a copy with personal data masked, layout kept, verified.

The copy is written beside OUT under a temporary name and scanned generically (every part of
the package, not the reader's model: :mod:`gongkai.formats.package_scan`). Only a copy in which
that scan finds nothing is moved into place; otherwise it is deleted, every place left is named
and the command exits 2 (fail closed): a clerk never receives a copy that still holds personal data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from ..api import check_document
from ..engine import Runner, default_registry
from ..formats import UnreadableDocument, read_bytes
from ..formats.package_scan import scan_package
from ..formats.redact import redact_docx, redact_package
from ..models import kind_label
from ..screening.properties import NEUTRAL_KEY
from .common import EXIT_OK, EXIT_UNUSABLE, docx_copy_input, error_line, load_configs


def personal_findings(data: bytes, name: str, cfg, runner=None):
    """The document read from ``data`` and its personal-data findings (D1xx rules only)."""
    doc = read_bytes(data, name, cfg.limits)
    runner = runner or Runner(default_registry(), cfg.merged(select=("D1",), ignore=()))
    report = check_document(doc, runner.config, runner=runner)
    return doc, [f for f in report.findings if f.sensitive]


def classification_marks(doc, cfg):
    """The 密级 marks (S101) of ``doc``: a classified document is never turned into a 公开稿."""
    runner = Runner(default_registry(), cfg.merged(select=("S101",), ignore=()))
    return [f for f in check_document(doc, runner.config, runner=runner).findings if f.rule == "S101"]


@click.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="遮蔽件的保存路径（不能是原文件）。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（默认向上查找 gongkai.toml）。")
@click.option("--author", "neutral_author", default=None, metavar="TEXT",
              help="替换作者、最后修改者、批注和修订作者的中性值（默认取配置 [screening] neutral_author，否则留空），如 起草单位。")
def redact(source, output, config_path, neutral_author):
    """生成遮蔽件：把源文件中的个人信息（身份证号、电话、姓名、住址……）就地遮蔽，版式、样式和表格不变。

    正文、表格、页眉、页脚、脚注、批注、文本框，以及域代码、图片替代文字、超链接地址、内容控件、文档变量、
    自定义 XML、图表、公式、文档属性（含自定义属性名）和嵌入的 Office 文件都会处理；作者、最后修改者、经理、
    批注和修订作者中的个人姓名替换为中性值。无法遮蔽的内容删除并在摘要中列出：修订中删除的文字（接受删除）、
    与显示内容不同的文本框兼容内容、缩略图、二进制嵌入对象。
    写出后对遮蔽件的每个部件独立复查，仍有个人信息或无法检查的内容时不交付遮蔽件。
    标有密级（绝密、机密、秘密★）的公文不生成遮蔽件。
    退出码：0 遮蔽完成且复查无个人信息；2 复查未通过（不生成遮蔽件）、标有密级、用法错误或文件无法读取。
    """
    src, dst = Path(source), Path(output)
    data = docx_copy_input(source, output, "遮蔽")
    cfg = load_configs(config_path).for_path(str(src))
    screening = cfg.section("screening")
    if neutral_author is None:
        neutral_author = str(screening.get(NEUTRAL_KEY, "") or "")
    else:  # the re-check must accept the value written in place of the authors
        cfg = cfg.merged(sections={**cfg.sections, "screening": {**screening, NEUTRAL_KEY: neutral_author}})
    runner = Runner(default_registry(), cfg.merged(select=("D1",), ignore=()))
    try:
        doc, findings = personal_findings(data, str(src), cfg, runner)
        marks = classification_marks(doc, cfg)
        if marks:  # 涉密公文 are 不公开 (《勺米镇公文类信息公开属性源头认定制度》第三条（一）): a masked copy would look publishable
            for f in marks:
                error_line(f"{source}: 标有密级“{f.text}”（{f.location.describe()}）：涉密公文不得公开发布，不生成遮蔽件"
                           "（须先经定密机关依法解密）")
            raise SystemExit(EXIT_UNUSABLE)
        result = redact_docx(data, doc, findings, neutral_author)
        package = redact_package(result.data, cfg, runner)
    except UnreadableDocument as exc:
        error_line(f"{source}: {exc.message}")
        raise SystemExit(EXIT_UNUSABLE)
    tmp = _write_beside(dst, package.data, output)
    try:
        scan = scan_package(tmp.read_bytes(), str(dst), cfg.limits, cfg, runner)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    left = scan.lines()
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    detail = "、".join(f"{kind_label(k)} {n}" for k, n in sorted(kinds.items())) or "无"
    metadata = f"，其中文档属性和作者信息改写 {result.metadata} 处" if result.metadata else ""
    extra = f"，其他部件另遮蔽 {package.masked} 处" if package.masked else ""
    if left:
        tmp.unlink(missing_ok=True)
        for line in left:
            error_line(f"{output}: 复查仍发现 {line}")
        error_line(f"{output}: 复查剩余 {len(left)} 处，未生成遮蔽件（请人工处理上述位置后重试）")
        raise SystemExit(EXIT_UNUSABLE)
    try:
        os.replace(tmp, dst)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        error_line(f"{output}: 无法写入（{exc.strerror or exc}）")
        raise SystemExit(EXIT_UNUSABLE)
    for line in package.removed:
        click.echo(f"{output}: {line}")
    click.echo(f"{output}: 已遮蔽 {len(findings)} 处个人信息（{detail}）{metadata}{extra}；复查剩余 0 处")
    raise SystemExit(EXIT_OK)


def _write_beside(dst: Path, data: bytes, output: str) -> Path:
    """Write ``data`` to a new temporary file in ``dst``'s folder (so the final move is atomic)."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent if str(dst.parent) else ".")
    except OSError as exc:
        error_line(f"{output}: 无法写入（{exc.strerror or exc}）")
        raise SystemExit(EXIT_UNUSABLE) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        error_line(f"{output}: 无法写入（{exc.strerror or exc}）")
        raise SystemExit(EXIT_UNUSABLE) from None
    return tmp
