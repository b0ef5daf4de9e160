"""``gongkai serve``: the web desk on 127.0.0.1:8000, or ``--init-admin`` to create the first administrator.

The web stack (Starlette, uvicorn, argon2) is imported only here, inside the command, so no other
command pays for it; without the ``web`` extra the command says how to install it.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import EXIT_UNUSABLE, error_line

ENV_ADMIN_PASSWORD = "GONGKAI_ADMIN_PASSWORD"


def _need_web() -> None:
    try:
        import argon2  # noqa: F401
        import python_multipart  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        error_line(f"gongkai serve 需要网页组件（缺少 {exc.name}）：pip install 'gongkai[web]'")
        raise SystemExit(EXIT_UNUSABLE) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（办公室内网可用 0.0.0.0）。")
@click.option("--port", default=8000, show_default=True, type=int, help="端口。")
@click.option("--db", envvar="GONGKAI_DB", metavar="PATH|URL", help="登记库：SQLite 文件或 postgresql://…（同 review）。")
@click.option("--data-dir", type=click.Path(file_okay=False), help="上传文件和签名密钥的存放目录（默认在登记库旁）。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="配置文件（gongkai.toml）。")
@click.option("--init-admin", is_flag=True, help="建立第一个管理员账户（用户名、姓名、密码），然后退出。")
@click.option("--audit-root", type=click.Path(exists=True, file_okay=False),
              help="公开属性核对可读取的服务器文件夹（只能核对其中的文件夹；默认只能上传）。")
@click.option("--batch-results", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="可浏览的批量检查结果库（.sqlite/.jsonl，可多次指定；默认为数据文件夹下 batch/ 中的结果库）。")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="检查进程数（默认：CPU 核数，至多 4；每个进程启动时加载模型）；0：在服务进程内检查（仅供测试）。")
def serve(host, port, db, data_dir, config_path, init_admin, audit_root, batch_results, workers):
    """审核台：在浏览器中检查、批注、遮蔽文稿，并以本人账户签署三审三校、发布登记。"""
    _need_web()
    from ..config import ConfigError, for_path, load
    from ..store import Store, StoreError
    from ..store.accounts import AccountError, Accounts

    try:
        config = load(config_path) if config_path else for_path("./_")
    except ConfigError as exc:
        error_line(str(exc))
        raise SystemExit(EXIT_UNUSABLE) from None
    if init_admin:
        try:
            store = Store(db)
        except StoreError as exc:
            error_line(str(exc))
            raise SystemExit(EXIT_UNUSABLE) from None
        people = Accounts(store)
        if any(a.has("管理员") for a in people.all()):
            error_line(f"{store.name}: 已有管理员账户；其他账户请登录审核台的“账户管理”建立")
            raise SystemExit(EXIT_UNUSABLE)
        username = click.prompt("管理员用户名", default="admin")
        name = click.prompt("姓名（登记簿记录的签署人）")
        password = os.environ.get(ENV_ADMIN_PASSWORD) or click.prompt("密码（至少 10 个字符）", hide_input=True,
                                                                       confirmation_prompt=True)
        try:
            account = people.create(username, name, password, ["管理员"])
        except AccountError as exc:
            error_line(str(exc))
            raise SystemExit(EXIT_UNUSABLE) from None
        click.echo(f"已建立管理员 {account.username}（{account.name}），登记库 {store.name}；"
                   f"运行 gongkai serve 后登录，在“账户管理”中建立其他账户")
        return
    import uvicorn

    from ..output.masking import mask_logs
    from ..web.app import Settings, create_app

    mask_logs()
    try:
        settings = Settings(db=db, data_dir=Path(data_dir) if data_dir else None, config=config,
                            audit_root=Path(audit_root) if audit_root else None,
                            batch_results=tuple(Path(p) for p in batch_results))
        if workers is not None:
            settings.check_workers = workers
        app = create_app(settings)
    except StoreError as exc:
        error_line(str(exc))
        raise SystemExit(EXIT_UNUSABLE) from None
    click.echo(f"审核台：http://{host}:{port}/（Ctrl+C 退出）", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True, log_config=_log_config())


def _log_config() -> dict:
    """uvicorn's logging, with its access lines written as the masked message they are.

    The log boundary (``mask_logs``) hands every record on as its masked text without
    arguments; uvicorn's access formatter unpacks the arguments (client, method, path…) and
    failed on every request (a "Logging error" and a stack dump on stderr per request).
    """
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"] = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"}
    return config
