"""The command line: a thin click layer, the only place that prints or exits.

Each command lives in its own module and is registered on the ``main`` group here.
"""

from __future__ import annotations

import gc
import importlib
import logging
import re
import sys

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

#: click's own messages in Chinese. click looks each message up through the module-level
#: ``_``/``ngettext`` of its modules (gettext) when it builds it; we replace those functions
#: with a lookup in this catalogue, before any command or option type is built (a click.Path
#: names itself 文件/文件夹/路径 when it is constructed). Unknown messages stay as they are;
#: tests/cli/test_chinese.py runs every command to make sure no English is left.
CLICK_MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "Aborted!": "已中断。",
    "deprecated": "已停用",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "No such option {name!r}.": "没有选项“{name}”。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的首字符无效（{option}）",
    "Value must be an iterable.": "取值须为多个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    "{value!r} is not {choice}.": "“{value}”不是可选值 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不在可选值 {choices} 之中。",
    "Choose from:\n\t{choices}": "可选值：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数。",
    "{value} is not in the range {range}.": "{value} 超出范围 {range}。",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合格式 {formats}。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，此处须为文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹，此处须为文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时确定）",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
}

#: How arguments and option values are named in usage lines and messages.
METAVARS = {
    "DOC": "文档", "PATHS": "路径", "RESULTS": "结果文件", "SOURCE": "源文件", "CODE": "规则代码",
    "CODES": "规则代码", "ADDRESS": "地址", "TEXT": "文本", "PATH|URL": "路径或网址", "DEST": "目标文件",
    "INTEGER": "整数", "FLOAT": "数值", "INTEGER RANGE": "整数", "FLOAT RANGE": "数值",
}


def _gettext(message: str) -> str:
    return CLICK_MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


for _module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser,
                click.termui, click.types):
    if hasattr(_module, "_"):
        _module._ = _gettext
    if hasattr(_module, "ngettext"):
        _module.ngettext = _ngettext


#: A name click quotes in its messages ('--output', '路径...'), not an apostrophe inside a word.
_CLICK_QUOTED = re.compile(r"(?<!\w)'([^'\s][^']{0,58}?)'(?!\w)")


def _chinese_punctuation(message: str) -> str:
    """click's messages with Chinese quotes and stops: 缺少参数 '路径...'. → 缺少参数“路径...”。"""
    message = _CLICK_QUOTED.sub(r"“\1”", message).replace("”, “", "”、“")
    if message.endswith(".") and not message.endswith(".."):
        message = message[:-1] + "。"
    return message.replace("。 ", "。").replace(" “", "“").replace("” ", "”")  # no space beside full-width marks


def _punctuated(format_message):
    def chinese(self) -> str:
        return _chinese_punctuation(format_message(self))
    return chinese


for _cls in vars(click.exceptions).values():
    if isinstance(_cls, type) and issubclass(_cls, click.ClickException) and "format_message" in vars(_cls):
        _cls.format_message = _punctuated(vars(_cls)["format_message"])


def localise(command: click.Command) -> click.Command:
    """Chinese names in the usage line: [选项], 命令, and each argument's and value's metavar."""
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localise(sub)
    for param in command.params:
        if isinstance(param, click.Argument):
            name = METAVARS.get((param.metavar or param.name or "").upper())
            if name:
                name = name if param.required else f"[{name}]"
                param.metavar = name + ("..." if param.nargs != 1 else "")
        elif isinstance(param, click.Option) and not param.is_flag and not isinstance(param.type, click.Choice):
            key = param.metavar or param.type.name.upper()
            param.metavar = METAVARS.get(key, param.metavar)
    return command


from .. import __version__  # noqa: E402 - after click's messages are replaced
from .common import run_guarded  # noqa: E402

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
    "serve": "gongkai.cli.serve",
}


#: The first line of each command's help, for `gongkai --help`, which so imports no command
#: module (the check command's imports the whole API). tests/cli/test_chinese.py checks that
#: each is the command's own.
SUMMARIES = {
    "annotate": "把检查结果写成 Word 批注：每条发现一条批注，锚定在对应文字上。",
    "archive": "网站信息发布登记归档（《勺米镇政务公开信息审核发布管理制度》第十二条）。",
    "audit": "核对多份公文的公开属性：每份一行（标题、文号、文种、标注、建议、状态、理由）。",
    "batch": "批量检查文件夹和压缩包中的全部公文，结果写入结果文件（.jsonl 或 .sqlite）。",
    "check": "检查公文：路径可以是文件、文件夹或 .zip 压缩包。",
    "redact": "生成遮蔽件：把源文件中的个人信息（身份证号、电话、姓名、住址……）就地遮蔽，版式、样式和表格不变。",
    "release": "发布闸门：三审、三校、诵读、保密审查、公开属性、错误级发现和内容未改动全部满足时 "
               "登记归档（退出码 0）；否则列出所缺各项（退出码 1）。",
    "review": "三审三校：初审、复审、终审，三个校次，全文书面诵读，保密审查。",
    "rules": "列出全部规则；给出规则代码（或前缀）时显示其说明、依据和示例。",
    "serve": "审核台：在浏览器中检查、批注、遮蔽文稿，并以本人账户签署三审三校、发布登记。",
    "summary": "汇总批量检查结果：按类别、类型、严重程度和公开属性状态计数，列出最需处理的文档。",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module when the command is used."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def format_commands(self, ctx, formatter):
        """The command list, as click writes it, from SUMMARIES instead of the commands."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [(name, click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section(_gettext("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx, name):
        module = COMMANDS.get(name)
        if module is None:
            return None
        return localise(getattr(importlib.import_module(module), name))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
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
    try:
        run_guarded(main)
    finally:
        # The process ends here, and the interpreter's exit would run the cyclic garbage collector
        # over every object still alive: spaCy, the models and jieba's tables a check loaded make
        # that ≈0.2 s CPU of a ≈1.5 s `gongkai check` (benchmarks/startup.py). Frozen, they are
        # skipped; the process's memory goes back to the system all the same. What must be
        # flushed is closed before (the output stream by its command, logging by its atexit hook).
        gc.freeze()
