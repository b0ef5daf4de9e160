"""The command line: a thin click layer, the only place that prints or exits.

Each command lives in its own module and is registered on the ``main`` group here.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from .common import run_guarded

#: Modules that each define ``register(group)``; a feature adds its commands by adding a line.
COMMAND_MODULES = (
    "gongkai.cli.check",
    "gongkai.cli.audit",
    "gongkai.cli.review",
    "gongkai.cli.annotate",
    "gongkai.cli.redact",
    "gongkai.cli.batch",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gongkai")
@click.option("-v", "--verbose", count=True, help="更多日志（-v 信息，-vv 调试）。")
def main(verbose: int) -> None:
    """gongkai — 政务公开发布前审查工具。

    检查公文草稿中的个人信息、涉密内容、擅自转载、公开属性、错别字和格式问题。
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="gongkai: %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)


def entry() -> None:
    """Console-script entry point: no traceback ever reaches a clerk."""
    run_guarded(main)
