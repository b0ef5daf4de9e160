"""The web desk's ASGI application (Starlette): pages rendered on the server with Jinja2, a little
htmx shipped in ``static/``, every route behind sign-in except the login page, static assets and
the health check (``PUBLIC``), and every state-changing route behind the session's CSRF token.

Checking runs in a pool of warm worker processes (``web/checks.py``, ``check_workers`` of them):
a page handler awaits the pool's future, so an upload being checked never holds up the pages of
others, and checks use every core. The workers load the models at start-up, before the server
answers; ``check_workers=0`` checks in threads of the server process instead (tests).
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import anyio
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..config import Config
from ..formats import UnreadableDocument
from ..review.checklist import PROOF, PROOF_ROUNDS, READ_ALOUD, SECRECY, SIGN, STAGES, WAIVE, parse_stage
from ..store import SignInRequired, Store, StoreError
from ..store.accounts import ACCOUNT_ROLES, AccountError, Accounts
from .auth import PRE_COOKIE, SESSION_COOKIE, SESSION_HOURS, Auth, SignedIn, load_secret
from . import batch as batches
from .audit import FILTERS, AuditError, Audits, status_name
from .audit import visible as audit_visible
from .checks import CheckCrashed, Checks, default_workers
from .desk import RELEASERS, REVEALERS, Desk, Upload, accept_file, annotated_copy, check_stored, redacted_copy
from .views import report_view

log = logging.getLogger("gongkai.web")

#: Paths anyone may open without signing in.
PUBLIC = ("/login", "/health", "/static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
MAX_UPLOAD_FILES = 50
#: Who may point the audit at a folder on the server (within ``Settings.audit_root``).
FOLDER_AUDITORS = ("管理员", "登记员")


class SecurityHeaders:
    """Adds the security headers to every response (pages, downloads, static files, errors)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


@dataclass
class Settings:
    db: str | None = None
    data_dir: Path | None = None
    config: Config | None = None
    #: Check worker processes; 0: check in threads of the server process (tests).
    check_workers: int = field(default_factory=default_workers)
    warm: bool = True
    secure_cookies: bool = False
    #: The one server folder (and what lies inside it) the audit page may read; None: upload only.
    audit_root: Path | None = None
    #: The batch results stores the desk may open; empty: those in ``batch/`` in the data folder.
    batch_results: tuple[Path, ...] = ()


def data_folder(store: Store, data_dir: Path | None) -> Path:
    """Where uploads and the signing key live: ``data_dir``, else beside a SQLite register."""
    if data_dir is not None:
        folder = Path(data_dir)
    elif store.path is not None:
        folder = store.path.with_name(store.path.name + ".web")
    else:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("gongkai", appauthor=False)) / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    store = Store(settings.db)
    folder = data_folder(store, settings.data_dir)
    config = settings.config or Config()
    checks = Checks(config, settings.check_workers)
    desk = Desk(store, folder / "uploads", config, run=checks.call)
    auth = Auth(store, load_secret(folder))
    env = Environment(loader=PackageLoader("gongkai.web", "templates"), autoescape=select_autoescape(["html"]))
    limiter = anyio.CapacityLimiter(max(1, settings.check_workers))
    web = _Web(store, desk, auth, env, limiter, settings)
    web.checks = checks
    web.audits = Audits(desk, folder / "audits", settings.audit_root)
    web.batch_folder = folder / "batch"

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if settings.warm and checks.workers == 0:
            from ..api import warm_up

            await anyio.to_thread.run_sync(warm_up, desk.config)
        elif settings.warm:
            await checks.start()  # every worker warm before uvicorn takes a connection
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(checks.close)
            store.close()

    app = Starlette(routes=web.routes(), middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.web = web
    return app


class _Web:
    def __init__(self, store: Store, desk: Desk, auth: Auth, env: Environment, limiter, settings: Settings):
        self.store, self.desk, self.auth, self.env = store, desk, auth, env
        self.limiter, self.settings = limiter, settings
        self.accounts = Accounts(store)

    # -- plumbing ---------------------------------------------------------------------------

    def routes(self) -> list:
        static = Path(__file__).with_name("static")
        g, p = ["GET"], ["POST"]
        return [
            Route("/health", self.health, methods=g),
            Route("/login", self.login_page, methods=g),
            Route("/login", self.login, methods=p),
            Mount("/static", app=StaticFiles(directory=static), name="static"),
            Route("/", self.signed(self.home), methods=g),
            Route("/logout", self.signed(self.logout), methods=p),
            Route("/upload", self.signed(self.upload), methods=p),
            Route("/doc/{id:int}", self.signed(self.report), methods=g),
            Route("/doc/{id:int}/reveal", self.signed(self.reveal, roles=REVEALERS), methods=p),
            Route("/doc/{id:int}/annotated.docx", self.signed(self.annotated), methods=g),
            Route("/doc/{id:int}/redacted.docx", self.signed(self.redacted), methods=g),
            Route("/doc/{id:int}/review", self.signed(self.review), methods=g),
            Route("/doc/{id:int}/review/start", self.signed(self.review_start), methods=p),
            Route("/doc/{id:int}/review/sign", self.signed(self.review_sign), methods=p),
            Route("/doc/{id:int}/review/proof", self.signed(self.review_act(PROOF)), methods=p),
            Route("/doc/{id:int}/review/read-aloud", self.signed(self.review_act(READ_ALOUD)), methods=p),
            Route("/doc/{id:int}/review/secrecy", self.signed(self.review_act(SECRECY)), methods=p),
            Route("/doc/{id:int}/review/waive", self.signed(self.review_waive), methods=p),
            Route("/doc/{id:int}/release", self.signed(self.release), methods=p),
            Route("/register", self.signed(self.register), methods=g),
            Route("/register.csv", self.signed(self.register_csv), methods=g),
            Route("/audit", self.signed(self.audit_list), methods=g),
            Route("/audit", self.signed(self.audit_upload), methods=p),
            Route("/audit/folder", self.signed(self.audit_folder, roles=FOLDER_AUDITORS), methods=p),
            Route("/audit/{id:int}", self.signed(self.audit_table), methods=g),
            Route("/audit/{id:int}.csv", self.signed(self.audit_csv), methods=g),
            Route("/batch", self.signed(self.batch_list), methods=g),
            Route("/batch/{id:int}", self.signed(self.batch_overview), methods=g),
            Route("/batch/{id:int}/doc", self.signed(self.batch_document), methods=g),
            Route("/admin", self.signed(self.admin, roles=("管理员",)), methods=g),
            Route("/admin/accounts", self.signed(self.admin_create, roles=("管理员",)), methods=p),
            Route("/admin/accounts/{aid:int}", self.signed(self.admin_update, roles=("管理员",)), methods=p),
        ]

    def page(self, name: str, request: Request, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(request=request, stages=STAGES, **context)
        return HTMLResponse(html, status_code=status)

    def signed(self, handler, roles: tuple[str, ...] | None = None):
        """Sign-in (else: a page → the login page, anything else → 401), the role, and for a
        state-changing request the session's CSRF token (else 403)."""

        async def endpoint(request: Request) -> Response:
            who = await anyio.to_thread.run_sync(self.auth.session, request.cookies.get(SESSION_COOKIE))
            if who is None:
                if request.method == "GET":
                    return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
                return PlainTextResponse("请先登录", status_code=401)
            if request.method != "GET":
                cap = (self.desk.config.limits.max_file_mb + 1) * 1024 * 1024  # one upload's files together
                if int(request.headers.get("content-length") or 0) > cap:
                    return self.page("message.html", request, 413, who=who, title="上传过大",
                                     message=f"一次上传的文件总量超过 {cap / 2**20 - 1:.0f} MB，未保存；请分批上传")
                form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=50)
                token = form.get("csrf") or request.headers.get("x-csrf-token")
                if not self.auth.csrf_ok(who, token):
                    return PlainTextResponse("表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试", status_code=403)
                request.state.form = form
            if roles and not who.account.has(*roles):
                return self.page("message.html", request, 403, who=who, title="无权访问",
                                 message=f"此页面仅限{'、'.join(roles)}使用")
            request.state.who = who
            try:
                return await handler(request, who)
            except SignInRequired as exc:
                return self.page("message.html", request, 403, who=who, title="须登录", message=str(exc))
            except StoreError as exc:
                return self.page("message.html", request, 503, who=who, title="登记库不可用", message=str(exc))
            except CheckCrashed as exc:
                return self.page("message.html", request, 503, who=who, title="检查中断", message=str(exc))

        endpoint.__name__ = getattr(handler, "__name__", "endpoint")
        endpoint.roles = roles
        return endpoint

    def _cookie(self, response: Response, name: str, value: str, hours: float) -> None:
        response.set_cookie(name, value, max_age=int(hours * 3600), httponly=True, samesite="strict",
                            secure=self.settings.secure_cookies, path="/")

    async def _visible(self, request: Request, who: SignedIn) -> Upload | Response:
        upload = await anyio.to_thread.run_sync(self.desk.upload, request.path_params["id"])
        if upload is None or not self.desk.visible(upload, who.account):
            # the same answer whether it does not exist or belongs to another unit
            return self.page("message.html", request, 404, who=who, title="没有这份文档",
                             message="没有这份文档，或它属于其他股室")
        return upload

    # -- public -----------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def login_page(self, request: Request, message: str | None = None, status: int = 200) -> Response:
        import secrets

        pre = self.auth.unsign(request.cookies.get(PRE_COOKIE)) or secrets.token_urlsafe(16)
        nxt = request.query_params.get("next", "/")
        response = self.page("login.html", request, status, csrf=self.auth.login_token(pre), message=message,
                             next=nxt if nxt.startswith("/") and not nxt.startswith("//") else "/")
        self._cookie(response, PRE_COOKIE, self.auth.sign(pre), 1)
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        pre = self.auth.unsign(request.cookies.get(PRE_COOKIE))
        import hmac

        if pre is None or not hmac.compare_digest(str(form.get("csrf", "")), self.auth.login_token(pre)):
            return PlainTextResponse("登录表单已过期（CSRF 校验未通过），请刷新页面后重试", status_code=403)
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        address = request.client.host if request.client else "-"
        if await anyio.to_thread.run_sync(self.auth.throttled, username, address):
            log.warning("login throttled for an account name from %s", address)
            return await self.login_page(request, "登录失败次数过多，请 15 分钟后再试", 429)
        account = await anyio.to_thread.run_sync(self.accounts.authenticate, username, password)
        if account is None:
            await anyio.to_thread.run_sync(self.auth.failed, username, address)
            return await self.login_page(request, "用户名或密码不正确", 401)
        await anyio.to_thread.run_sync(self.auth.succeeded, username)
        cookie = await anyio.to_thread.run_sync(self.auth.open_session, account)
        nxt = str(form.get("next", "/"))
        response = RedirectResponse(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/", status_code=303)
        self._cookie(response, SESSION_COOKIE, cookie, SESSION_HOURS)
        response.delete_cookie(PRE_COOKIE, path="/")
        log.info("account #%d signed in", account.id)
        return response

    # -- signed in --------------------------------------------------------------------------

    async def logout(self, request: Request, who: SignedIn) -> Response:
        await anyio.to_thread.run_sync(self.auth.close_session, who)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def home(self, request: Request, who: SignedIn, refused=(), status: int = 200) -> Response:
        items = await anyio.to_thread.run_sync(self.desk.uploads_for, who.account)
        return self.page("home.html", request, status, who=who, uploads=items, refused=refused)

    async def upload(self, request: Request, who: SignedIn) -> Response:
        form = request.state.form
        files = [f for f in form.getlist("files") if hasattr(f, "read")]
        if not files:
            return await self.home(request, who, refused=[("（无）", "请选择要检查的文件")], status=400)
        cap = self.desk.config.limits.max_file_mb * 1024 * 1024
        ids, refused = [], []
        for f in files:
            if f.size is not None and f.size > cap:
                refused.append((f.filename or "未命名", f"文件过大（上限 {cap / 2**20:.0f} MB）"))
                continue
            data = await f.read()
            results = await self.checks.run(accept_file, f.filename or "未命名", data, self.desk.config,
                                            self.desk.blobs)
            got, bad = await anyio.to_thread.run_sync(self.desk.register, results, who.account)
            ids += got
            refused += [(r.name, r.reason) for r in bad]
        if len(ids) == 1 and not refused:
            return RedirectResponse(f"/doc/{ids[0]}", status_code=303)
        return await self.home(request, who, refused=refused, status=400 if refused and not ids else 200)

    async def report(self, request: Request, who: SignedIn, reveal: bool = False) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        doc, rep = await self._checked(upload)
        view = report_view(doc, rep, reveal=reveal)
        return self.page("report.html", request, who=who, upload=upload, view=view, revealed=reveal,
                         may_reveal=who.account.has(*REVEALERS), is_docx=doc.source_format == "docx")

    async def reveal(self, request: Request, who: SignedIn) -> Response:
        """The report with personal data unmasked, for 股室负责人 and above and the 党政办; each reveal logged."""
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        log.warning("account #%d revealed the personal data of upload #%d", who.account.id, upload.id)
        return await self.report(request, who, reveal=True)

    async def _checked(self, upload: Upload):
        """The document and its report: from memory, else checked again in a worker."""
        hit = self.desk.cached(upload)
        if hit is not None:
            return hit
        doc, report = await self.checks.run(check_stored, self.desk.path(upload), upload.filename, self.desk.config)
        self.desk.remember(upload.id, doc, report)
        return doc, report

    async def _copy(self, request: Request, who: SignedIn, make, suffix: str) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        try:
            data = await make(upload)
        except UnreadableDocument as exc:
            return self.page("message.html", request, 422, who=who, title="无法生成副本", message=exc.message,
                             back=f"/doc/{upload.id}")
        stem = Path(upload.filename).stem
        name = f"{stem}（{suffix}）.docx"
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    async def annotated(self, request: Request, who: SignedIn) -> Response:
        async def make(upload: Upload) -> bytes:
            doc, report = await self._checked(upload)
            return await self.checks.run(annotated_copy, self.desk.path(upload), report, doc.source_format)

        return await self._copy(request, who, make, "批注")

    async def redacted(self, request: Request, who: SignedIn) -> Response:
        async def make(upload: Upload) -> bytes:
            return await self.checks.run(redacted_copy, self.desk.path(upload), upload.filename, self.desk.config)

        return await self._copy(request, who, make, "遮蔽")

    async def review(self, request: Request, who: SignedIn, message: str | None = None, status: int = 200,
                     ok: str | None = None) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        await self._checked(upload)  # in memory for the register work below
        async with self.limiter:
            record, state, missing, released = await anyio.to_thread.run_sync(self.desk.review, upload)
        return self.page("review.html", request, status, who=who, upload=upload, record=record, state=state,
                         missing=missing, released=released, message=message, ok=ok, proof_rounds=PROOF_ROUNDS,
                         may_release=who.account.has(*RELEASERS))

    async def review_start(self, request: Request, who: SignedIn) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        important = request.state.form.get("important") == "1"
        await anyio.to_thread.run_sync(self.desk.start, upload, who.account, important)
        return await self.review(request, who, ok="已开始审核")

    async def review_sign(self, request: Request, who: SignedIn) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        form = request.state.form
        try:
            stage = parse_stage(str(form.get("stage", "")))
        except ValueError as exc:
            return await self.review(request, who, message=str(exc), status=400)
        reject = form.get("reject") == "1"
        why = await anyio.to_thread.run_sync(
            lambda: self.desk.act(upload, who.account, SIGN, stage=stage, reject=reject, note=str(form.get("note", ""))))
        if why:
            return await self.review(request, who, message=why, status=403)
        return await self.review(request, who, ok=f"{stage}已{'退回' if reject else '签署'}（{who.account.name}）")

    def review_act(self, kind: str):
        words = {PROOF: "校对", READ_ALOUD: "全文书面诵读", SECRECY: "保密审查"}

        async def act(request: Request, who: SignedIn) -> Response:
            upload = await self._visible(request, who)
            if isinstance(upload, Response):
                return upload
            note = str(request.state.form.get("note", ""))
            why = await anyio.to_thread.run_sync(lambda: self.desk.act(upload, who.account, kind, note=note))
            if why:
                return await self.review(request, who, message=why, status=403)
            return await self.review(request, who, ok=f"{words[kind]}已登记（{who.account.name}）")

        act.__name__ = f"review_{kind}"
        return act

    async def review_waive(self, request: Request, who: SignedIn) -> Response:
        """The 终审 signer waives a rule's findings with a reason (the gate checks who and why)."""
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        form = request.state.form
        rule, reason = str(form.get("rule", "")).strip().upper(), str(form.get("reason", ""))
        why = await anyio.to_thread.run_sync(
            lambda: self.desk.act(upload, who.account, WAIVE, rule=rule or None, note=reason))
        if why:
            return await self.review(request, who, message=why, status=403)
        return await self.review(request, who, ok=f"已豁免 {rule}（{who.account.name}：{reason}）")

    async def release(self, request: Request, who: SignedIn) -> Response:
        upload = await self._visible(request, who)
        if isinstance(upload, Response):
            return upload
        if not who.account.has(*RELEASERS):
            return await self.review(request, who, status=403,
                                     message="发布登记须由编辑人员或党政办登记员办理（《勺米镇政务公开信息审核发布管理制度》第一条、第十二条）")
        await self._checked(upload)
        async with self.limiter:
            missing, entry = await anyio.to_thread.run_sync(self.desk.release, upload, who.account)
        if missing:
            return await self.review(request, who, status=409,
                                     message="不能发布：" + "；".join(m.message for m in missing))
        return await self.review(request, who, ok=f"已登记归档（登记号 {entry['id']}）")

    async def register(self, request: Request, who: SignedIn) -> Response:
        entries = await anyio.to_thread.run_sync(lambda: list(self.store.archive_entries()))
        return self.page("register.html", request, who=who, entries=[_masked_entry(e) for e in entries])

    async def register_csv(self, request: Request, who: SignedIn) -> Response:
        from ..output import spreadsheet

        entries = await anyio.to_thread.run_sync(lambda: list(self.store.archive_entries()))
        buf = io.StringIO()
        writer = spreadsheet.writer(buf)  # a title "=HYPERLINK(…)" is written as text
        writer.writerow(["登记号", "发布登记时间", "标题", "文号", "公开属性", "初审", "复审", "终审", "校对", "全文书面诵读",
                         "保密审查", "发布人", "内容指纹"])
        for e in map(_masked_entry, entries):
            r = e["reviewers"]
            writer.writerow([e["id"], e["released_at"], e["title"] or "", e["doc_number"] or "", e["label"] or "",
                             *(_who(r.get(s)) for s in STAGES), "；".join(_who(a) for a in r.get("校对", [])),
                             _who(r.get("全文书面诵读")), _who(r.get("保密审查")), e["released_by"], e["content_sha256"]])
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": "attachment; filename*=UTF-8''%E7%99%BB%E8%AE%B0.csv"})

    # -- audit (党政办) ---------------------------------------------------------------------

    async def audit_list(self, request: Request, who: SignedIn, message: str | None = None,
                         refused=(), status: int = 200) -> Response:
        found = await anyio.to_thread.run_sync(self.audits.all_for, who.account)
        return self.page("audit_list.html", request, status, who=who, audits=found, message=message,
                         may_folder=who.account.has(*FOLDER_AUDITORS), root=self.settings.audit_root is not None)

    async def audit_upload(self, request: Request, who: SignedIn) -> Response:
        files = [f for f in request.state.form.getlist("files") if hasattr(f, "read")]
        if not files:
            return await self.audit_list(request, who, message="请选择要核对的文件（可多选，或一个 .zip）", status=400)
        cap = self.desk.config.limits.max_file_mb * 1024 * 1024
        got = []
        for f in files:
            if f.size is not None and f.size > cap:
                return await self.audit_list(request, who, status=413,
                                             message=f"{f.filename}：文件过大（上限 {cap / 2**20:.0f} MB），未保存")
            got.append((f.filename or "未命名", await f.read()))
        async with self.limiter:
            audit = await anyio.to_thread.run_sync(self.audits.from_files, got, who.account)
        log.info("audit #%d of %d rows by account #%d", audit.id, len(audit.rows), who.account.id)
        return RedirectResponse(f"/audit/{audit.id}", status_code=303)

    async def audit_folder(self, request: Request, who: SignedIn) -> Response:
        given = str(request.state.form.get("folder", ""))
        try:
            async with self.limiter:
                audit = await anyio.to_thread.run_sync(self.audits.from_folder, given, who.account)
        except AuditError as exc:
            log.warning("folder audit refused for account #%d: %s", who.account.id, exc)
            return await self.audit_list(request, who, message=str(exc), status=400)
        log.info("audit #%d of a server folder by account #%d", audit.id, who.account.id)
        return RedirectResponse(f"/audit/{audit.id}", status_code=303)

    async def _audit(self, request: Request, who: SignedIn):
        audit = await anyio.to_thread.run_sync(self.audits.get, request.path_params["id"])
        if audit is None or not audit_visible(audit, who.account):
            return self.page("message.html", request, 404, who=who, title="没有这次核对",
                             message="没有这次核对，或它属于其他股室")
        return audit

    async def audit_table(self, request: Request, who: SignedIn) -> Response:
        audit = await self._audit(request, who)
        if isinstance(audit, Response):
            return audit
        chosen = request.query_params.get("f", "")
        if chosen and chosen not in FILTERS:
            chosen = ""
        rows = audit.matching(chosen)
        counts = {name: len(audit.matching(name)) for name in FILTERS}
        return self.page("audit.html", request, who=who, audit=audit, rows=rows, filters=FILTERS, chosen=chosen,
                         counts=counts, status_name=status_name)

    async def audit_csv(self, request: Request, who: SignedIn) -> Response:
        from ..attributes.audit import COLUMNS, HEADERS, cell_text
        from ..output import spreadsheet

        audit = await self._audit(request, who)
        if isinstance(audit, Response):
            return audit
        chosen = request.query_params.get("f", "")
        buf = io.StringIO()
        writer = spreadsheet.writer(buf)  # a title such as =HYPERLINK(…) stays text in Excel
        writer.writerow([HEADERS[c] for c in COLUMNS] + ["转发属性未继承"])
        for r in audit.matching(chosen if chosen in FILTERS else ""):
            cells = [status_name(r["status"]) if c == "status" else cell_text(r[c]) for c in COLUMNS]
            writer.writerow(cells + ["是" if r.get("forwarded") else ""])
        writer.writerow([])
        writer.writerow([audit.summary_line])
        name = quote(f"公开属性核对{audit.id}.csv")
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})

    # -- batch results ----------------------------------------------------------------------

    def _stores(self) -> list:
        return batches.stores(self.settings.batch_results, self.batch_folder)

    def _units(self) -> set[str]:
        return {name for _, name in self.accounts.units()}

    async def batch_list(self, request: Request, who: SignedIn) -> Response:
        found = await anyio.to_thread.run_sync(self._stores)
        return self.page("batch_list.html", request, who=who, stores=found,
                         configured=bool(self.settings.batch_results))

    async def _store(self, request: Request, who: SignedIn):
        found = await anyio.to_thread.run_sync(self._stores)
        n = request.path_params["id"]
        if not 1 <= n <= len(found):
            return self.page("message.html", request, 404, who=who, title="没有这个结果库",
                             message="没有这个批量检查结果库（可打开的结果库由启动审核台时的设置决定）")
        return found[n - 1]

    async def batch_overview(self, request: Request, who: SignedIn) -> Response:
        store = await self._store(request, who)
        if isinstance(store, Response):
            return store
        q = request.query_params
        unit, family, rule = q.get("unit", ""), q.get("family", ""), q.get("rule", "")
        units = await anyio.to_thread.run_sync(self._units)
        try:
            view = await anyio.to_thread.run_sync(
                lambda: batches.overview(store.path, who.account, units, unit, family, rule))
        except batches.ResultsError as exc:
            return self.page("message.html", request, 422, who=who, title="无法打开结果库", message=str(exc),
                             back="/batch")
        return self.page("batch.html", request, who=who, store=store, view=view, unit=unit, family=family,
                         rule=rule, family_name=batches.family_name, see_all=who.account.has(*batches.SEE_ALL),
                         severity_names=batches.SEVERITY_NAMES, error_names=batches.ERROR_NAMES)

    async def batch_document(self, request: Request, who: SignedIn) -> Response:
        store = await self._store(request, who)
        if isinstance(store, Response):
            return store
        key = request.query_params.get("key", "")
        units = await anyio.to_thread.run_sync(self._units)
        try:
            doc = await anyio.to_thread.run_sync(lambda: batches.document(store.path, who.account, units, key))
        except batches.ResultsError as exc:
            return self.page("message.html", request, 422, who=who, title="无法打开结果库", message=str(exc),
                             back="/batch")
        if doc is None:
            return self.page("message.html", request, 404, who=who, title="没有这份文档",
                             message="结果库中没有这份文档，或它属于其他股室", back=f"/batch/{store.number}")
        return self.page("batch_document.html", request, who=who, store=store, doc=doc)

    async def admin(self, request: Request, who: SignedIn, message: str | None = None, status: int = 200) -> Response:
        people = await anyio.to_thread.run_sync(self.accounts.all)
        return self.page("admin.html", request, status, who=who, people=people, roles=ACCOUNT_ROLES, message=message)

    async def admin_create(self, request: Request, who: SignedIn) -> Response:
        form = request.state.form
        try:
            account = await anyio.to_thread.run_sync(lambda: self.accounts.create(
                str(form.get("username", "")), str(form.get("name", "")), str(form.get("password", "")),
                [str(r) for r in form.getlist("roles")], str(form.get("unit", "")) or None))
        except AccountError as exc:
            return await self.admin(request, who, message=str(exc), status=400)
        log.info("account #%d created by account #%d", account.id, who.account.id)
        return RedirectResponse("/admin", status_code=303)

    async def admin_update(self, request: Request, who: SignedIn) -> Response:
        form = request.state.form
        aid = request.path_params["aid"]
        try:
            await anyio.to_thread.run_sync(lambda: self.accounts.update(
                aid, roles=[str(r) for r in form.getlist("roles")], unit=str(form.get("unit", "")),
                active=form.get("active") == "1"))
        except AccountError as exc:
            return await self.admin(request, who, message=str(exc), status=400)
        log.info("account #%d changed by account #%d", aid, who.account.id)
        return RedirectResponse("/admin", status_code=303)


def _who(act) -> str:
    return f"{act['by']} {act['at']}" if act else ""


def _masked_entry(entry: dict) -> dict:
    from ..masking import Masker

    m = Masker()
    return {**entry, "title": m(entry.get("title")), "path": m(entry.get("path"))}
