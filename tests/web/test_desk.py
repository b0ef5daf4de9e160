"""The web desk over HTTP (Starlette's TestClient): sign-in on every route, CSRF on every
state-changing one, roles and units, upload limits, the report page, the review flow through
the core gate, and no personal data in the server's logs (issue #19)."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile

import pytest
from sqlalchemy import func, select, update
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from gongkai.store.schema import sessions, uploads
from gongkai.web.app import PUBLIC
from gongkai.web.auth import SESSION_COOKIE


def routes(app):
    """(path with sample parameters, method) for every route of the application."""
    out = []
    for r in app.routes:
        if isinstance(r, Mount):
            out.append((r.path + "/desk.css", "GET"))
            continue
        assert isinstance(r, Route)
        path = r.path.replace("{id:int}", "1").replace("{aid:int}", "1")
        out += [(path, m) for m in sorted(r.methods - {"HEAD"})]
    return out


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC)


def uploaded(app) -> int:
    store = app.state.web.store
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(uploads)).scalar()


def blobs(app) -> set:
    return {p.name for p in app.state.web.desk.blobs.rglob("*") if p.is_file()}


# --- every route: sign-in and CSRF ---------------------------------------------------------------


def test_the_public_allow_list_is_login_static_and_health(desk):
    public = {path for path, _ in routes(desk) if is_public(path)}
    assert public == {"/login", "/health", "/static/desk.css"}


def test_every_route_outside_the_allow_list_refuses_an_anonymous_request(desk):
    anonymous = TestClient(desk, follow_redirects=False)
    checked = 0
    for path, method in routes(desk):
        if is_public(path):
            continue
        r = anonymous.request(method, path)
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, path)
        else:
            assert r.status_code == 401, (method, path)
        checked += 1
    assert checked >= 18


def test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token(desk, person):
    admin = person("admin")  # every role check comes after the token check
    posts = [path for path, method in routes(desk) if method == "POST" and not is_public(path)]
    assert "/doc/1/review/sign" in posts and "/admin/accounts" in posts and "/logout" in posts
    for path in posts:
        for data in ({}, {"csrf": "forged"}):
            r = admin.client.post(path, data=data)
            assert r.status_code == 403 and "CSRF" in r.text, (path, data)
    assert admin.get("/").status_code == 200  # the refusals did not sign the admin out


def test_the_login_form_needs_its_own_csrf_token(desk, kit):
    client = TestClient(desk, follow_redirects=False)
    client.get("/login")
    r = client.post("/login", data={"username": "zhang", "password": kit.PASSWORD})
    assert r.status_code == 403


def test_pages_carry_the_security_headers_and_no_inline_script(desk, person):
    for client, path in ((TestClient(desk), "/login"), (person("zhang").client, "/")):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", r.text))  # no inline script


def test_static_assets_ship_in_the_package(desk):
    r = TestClient(desk).get("/static/htmx.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:2000]


# --- sessions and sign-in --------------------------------------------------------------------------


def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(desk, kit):
    client = TestClient(desk, follow_redirects=False, client=("10.0.0.9", 50000))  # its own address
    for _ in range(5):
        page = client.get("/login")
        r = client.post("/login", data={"csrf": kit.csrf_of(page.text), "username": "qian", "password": "wrong one!"})
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    page = client.get("/login")
    r = client.post("/login", data={"csrf": kit.csrf_of(page.text), "username": "qian", "password": kit.PASSWORD})
    assert r.status_code == 429 and "15 分钟" in r.text


# --- roles and units -------------------------------------------------------------------------------


def test_only_an_administrator_manages_accounts(desk, person, kit):
    zhang = person("zhang")
    assert zhang.get("/admin").status_code == 403
    r = zhang.post("/admin/accounts", {"username": "evil", "name": "冒名", "password": kit.PASSWORD, "roles": "主要领导"})
    assert r.status_code == 403
    assert all(a.username != "evil" for a in desk.state.web.accounts.all())
    r = zhang.post("/admin/accounts/2", {"roles": "主要领导", "active": "1"})  # promote oneself
    assert r.status_code == 403 and desk.state.web.accounts.by_username("zhang").roles == {"编辑"}


def test_another_units_document_is_not_shown(desk, person, kit, tmp_path):
    r = person("zhang").upload("农业股通知.docx", kit.draft(tmp_path / "a.docx", number=11).read_bytes())
    doc = r.headers["location"]
    sun = person("sun")  # 民政股
    for path in (doc, doc + "/annotated.docx", doc + "/redacted.docx", doc + "/review"):
        assert sun.get(path).status_code == 404, path
    assert sun.post(doc + "/review/start").status_code == 404
    assert "农业股通知" not in sun.get("/").text
    assert person("li").get(doc).status_code == 200  # the same unit's 股室负责人
    assert person("zhao").get(doc).status_code == 200  # a leader sees every unit's


# --- uploads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, make, reason", [
    ("大文件.docx", lambda draft, zipped: b"x" * (1024 * 1024 + 10), "文件过大"),
    ("炸弹.zip", lambda draft, zipped: zipped(**{"炸弹.docx": b"\0" * (3 * 1024 * 1024)}), "压缩炸弹"),
    ("穿越.zip", lambda draft, zipped: zipped(**{"../../etc/通知.docx": draft}), "路径不安全"),
    ("改名.docx", lambda draft, zipped: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "是 PDF 文件"),
])
def test_a_refused_upload_says_why_in_the_page_and_stores_nothing(desk, person, kit, tmp_path, name, make, reason):
    zhang = person("zhang")
    before, files = uploaded(desk), blobs(desk)
    r = zhang.upload(name, make(kit.draft(tmp_path / "d.docx", number=12).read_bytes(), kit.zipped))
    assert r.status_code == 400
    assert reason in re.sub(r"<[^>]+>", "", r.text.split('id="refused"')[1])
    assert uploaded(desk) == before and blobs(desk) == files


def test_an_uploaded_file_name_cannot_walk_out_of_its_folder(desk, person, kit, tmp_path):
    r = person("zhang").upload("../../../etc/通知.docx", kit.draft(tmp_path / "d.docx", number=13).read_bytes())
    upload = desk.state.web.desk.upload(int(r.headers["location"].rsplit("/", 1)[1]))
    assert upload.filename == "通知.docx"
    assert all(p.parent.parent == desk.state.web.desk.blobs for p in desk.state.web.desk.blobs.rglob("*") if p.is_file())


def test_a_zip_of_drafts_gives_one_report_each(desk, person, kit, tmp_path):
    data = kit.zipped(**{"甲.docx": kit.draft(tmp_path / "1.docx", number=21).read_bytes(),
                         "乙.txt": "关于做好防汛工作的通知\n各村（社区）：\n请做好防汛值班。".encode()})
    before = uploaded(desk)
    r = person("zhang").upload("两份.zip", data)
    assert r.status_code == 200 and uploaded(desk) == before + 2


# --- the report page ---------------------------------------------------------------------------


def test_the_report_shows_reasons_and_highlighted_masked_findings(desk, person, kit, tmp_path):
    zhang = person("zhang")
    r = zhang.upload("通知.docx", kit.draft(tmp_path / "d.docx", number=31).read_bytes())
    page = zhang.get(r.headers["location"]).text
    assert 'id="attribute"' in page and "公开属性建议" in page
    assert kit.FAKE_ID not in page and kit.FAKE_MOBILE not in page
    marks = re.findall(r'<mark class="hl sev-(\w+)"[^>]*>([^<]*)</mark>', page)
    assert ("error", "110105********002X") in marks  # the ID number, masked, highlighted in the text
    assert "个人信息" in page and "错误" in page


def test_the_annotated_and_redacted_copies_download(desk, person, kit, tmp_path):
    zhang = person("zhang")
    doc = zhang.upload("通知.docx", kit.draft(tmp_path / "d.docx", number=32).read_bytes()).headers["location"]
    annotated = zhang.get(doc + "/annotated.docx")
    assert annotated.status_code == 200 and "attachment" in annotated.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(annotated.content)) as zf:
        assert "word/comments.xml" in zf.namelist()
    redacted = zhang.get(doc + "/redacted.docx")
    with zipfile.ZipFile(io.BytesIO(redacted.content)) as zf:
        text = zf.read("word/document.xml").decode()
    assert kit.FAKE_ID not in text and kit.FAKE_MOBILE not in text and "勺米镇" in text


# --- review through the gate ---------------------------------------------------------------------


def test_three_people_sign_and_the_register_shows_their_names(desk, person, kit, tmp_path):
    zhang = person("zhang")
    doc = zhang.upload("公开稿.docx", kit.draft(tmp_path / "d.docx", number=41, personal=False).read_bytes())
    doc = doc.headers["location"]
    assert zhang.post(doc + "/review/start").status_code == 200
    assert zhang.post(doc + "/review/sign", {"stage": "初审"}).status_code == 200
    twice = zhang.post(doc + "/review/sign", {"stage": "复审"})
    assert twice.status_code == 403 and "张三（编辑）无权复审" in kit.message_of(twice.text)
    assert person("li").post(doc + "/review/sign", {"stage": "复审"}).status_code == 200
    escalation = zhang.post(doc + "/review/sign", {"stage": "终审"})  # an editor at the 终审 endpoint
    assert escalation.status_code == 403 and "无权终审" in kit.message_of(escalation.text)
    assert person("zhao").post(doc + "/review/sign", {"stage": "终审"}).status_code == 200
    refused = zhang.post(doc + "/review/proof")
    assert refused.status_code == 403 and "不是校对人员" in kit.message_of(refused.text)
    for _ in range(3):
        assert person("wang").post(doc + "/review/proof").status_code == 200  # one 校对, three rounds
    not_final = person("li").post(doc + "/review/secrecy")
    assert not_final.status_code == 403 and "终审签署人" in kit.message_of(not_final.text)
    assert person("zhao").post(doc + "/review/secrecy").status_code == 200
    assert person("wang").post(doc + "/release").status_code == 403  # a 校对 does not release
    released = person("deng").post(doc + "/release")
    assert released.status_code == 200 and "已登记归档" in kit.message_of(released.text)
    register = zhang.get("/register").text
    assert all(name in register for name in ("张三", "李四", "赵六", "王五"))
    csv = zhang.get("/register.csv")
    assert csv.text.startswith("\ufeff") and "赵六" in csv.text


def test_a_second_stage_by_the_same_person_is_refused_even_with_both_roles(desk, person, kit, tmp_path):
    web = desk.state.web
    web.accounts.create("zhou", "周十", kit.PASSWORD, ["股室负责人", "分管领导"], unit="农业股")
    zhang, zhou = person("zhang"), person("zhou")
    doc = zhang.upload("双职.docx", kit.draft(tmp_path / "d.docx", number=42, personal=False).read_bytes())
    doc = doc.headers["location"]
    zhang.post(doc + "/review/start")
    zhang.post(doc + "/review/sign", {"stage": "初审"})
    assert zhou.post(doc + "/review/sign", {"stage": "复审"}).status_code == 200
    second = zhou.post(doc + "/review/sign", {"stage": "终审"})
    assert second.status_code == 403 and "同一人不得再签署终审" in kit.message_of(second.text)


# --- sessions ------------------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(desk, kit):
    wang = kit.Person(desk, "wang")
    cookie = wang.client.cookies.get(SESSION_COOKIE)
    assert wang.post("/logout").status_code == 303
    replay = TestClient(desk, follow_redirects=False)
    replay.cookies.set(SESSION_COOKIE, cookie)
    assert replay.get("/").status_code == 303  # the old cookie opens nothing


def test_an_expired_session_signs_out(desk, kit):
    sun = kit.Person(desk, "sun")
    token = sun.client.cookies.get(SESSION_COOKIE).rpartition(".")[0]
    store = desk.state.web.store
    with store.engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.id == hashlib.sha256(token.encode()).hexdigest())
                     .values(expires_at="2000-01-01T00:00:00+00:00"))
    assert sun.get("/").status_code == 303


def test_a_forged_session_cookie_opens_nothing(desk):
    forged = TestClient(desk, follow_redirects=False)
    forged.cookies.set(SESSION_COOKIE, "abc.def")
    assert forged.get("/").status_code == 303


def test_server_logs_never_show_personal_data(desk, person, kit, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    zhang = person("zhang")
    name = f"申请人{kit.FAKE_ID}材料.docx"
    doc = zhang.upload(name, kit.draft(tmp_path / "d.docx", number=51).read_bytes()).headers["location"]
    zhang.get(doc)
    zhang.get(doc + "/redacted.docx")
    assert caplog.records, "the desk logs what it does"
    assert kit.FAKE_ID not in caplog.text and kit.FAKE_MOBILE not in caplog.text
    assert "王德贵" not in caplog.text


def test_revealing_personal_data_needs_the_role_and_is_logged(desk, person, kit, tmp_path, caplog):
    zhang = person("zhang")
    doc = zhang.upload("名单.docx", kit.draft(tmp_path / "d.docx", number=61).read_bytes()).headers["location"]
    assert zhang.post(doc + "/reveal").status_code == 403  # an editor sees the masked report only
    caplog.set_level(logging.INFO, logger="gongkai.web")
    shown = person("li").post(doc + "/reveal")
    assert shown.status_code == 200 and kit.FAKE_ID in shown.text
    assert any("revealed" in r.getMessage() for r in caplog.records)
    assert kit.FAKE_ID not in person("li").get(doc).text  # masked again on the next view


def test_the_final_signer_waives_a_finding_with_a_reason(desk, person, kit, tmp_path):
    zhang = person("zhang")
    doc = zhang.upload("豁免.docx", kit.draft(tmp_path / "d.docx", number=62).read_bytes()).headers["location"]
    zhang.post(doc + "/review/start")
    zhang.post(doc + "/review/sign", {"stage": "初审"})
    person("li").post(doc + "/review/sign", {"stage": "复审"})
    zhao = person("zhao")
    zhao.post(doc + "/review/sign", {"stage": "终审"})
    not_final = person("li").post(doc + "/review/waive", {"rule": "D101", "reason": "公示需要"})
    assert not_final.status_code == 403 and "终审签署人（赵六）" in kit.message_of(not_final.text)
    ok = zhao.post(doc + "/review/waive", {"rule": "D101", "reason": "公示需要"})
    assert ok.status_code == 200 and "已豁免 D101" in kit.message_of(ok.text)


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(desk, person):
    before = uploaded(desk)
    big = [("files", (f"{i}.docx", b"x" * (700 * 1024), "application/octet-stream")) for i in range(3)]
    r = person("zhang").client.post("/upload", data={"csrf": person("zhang").csrf}, files=big)
    assert r.status_code == 413 and "未保存" in r.text and uploaded(desk) == before
