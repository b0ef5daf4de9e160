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

#: Command name -> module that defines it (as a module-level click command of that name). A module
#: is imported only when one of its commands runs, so ``gongkai batch --resume`` does not pay
#: for the review store's SQLAlchemy nor the check command for the batch pool.
COMMANDS = {
    "check": "gongkai.cli.check",
    "rules": "gongkai.cli.check",
    "audit": "gongkai.cli.audit",
    "review": "gongkai.cli.review",
    "release": "gongkai.cli.review",
    "archive": "gongkai.cli.review",
    "annotate": "gongkai.cli.annotate",
    "redact": "gongkai.cli.redact",
    "batch": "gongkai.cli.batch",
    "summary": "gongkai.cli.batch",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module when the command is used."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        module = COMMANDS.get(name)
        if module is None:
            return None
        return getattr(importlib.import_module(module), name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gongkai")
@click.option("-v", "--verbose", count=True, help="更多日志（-v 信息，-vv 调试）。")
def main(verbose: int) -> None:
    """gongkai — 政务公开发布前审查工具。

    检查公文草稿中的个人信息、涉密内容、擅自转载、公开属性、错别字和格式问题。
    """
    from ..output.masking import mask_logs

    mask_logs()  # every log record passes the masker, at every -v level
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="gongkai: %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def entry() -> None:
    """Console-script entry point: no traceback ever reaches a clerk."""
    run_guarded(main)
