"""One web desk per test module (its models load once), clients signed in as the office's people,
and drafts built in code (ID numbers are checksum-valid fakes)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient  # noqa: E402

from gongkai.batch.results import open_results  # noqa: E402
from gongkai.config import Config, Limits  # noqa: E402
from gongkai.formats.compose import make_docx  # noqa: E402
from gongkai.store import Store  # noqa: E402
from gongkai.store.accounts import Accounts  # noqa: E402
from gongkai.web.app import Settings, create_app  # noqa: E402

PASSWORD = "office password 1"
FAKE_ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person
FAKE_MOBILE = "13885811234"

#: username -> (name, roles, unit)
PEOPLE = {
    "admin": ("管理员甲", ["管理员"], None),
    "zhang": ("张三", ["编辑"], "农业股"),
    "li": ("李四", ["股室负责人"], "农业股"),
    "zhao": ("赵六", ["分管领导"], None),
    "qian": ("钱七", ["主要领导"], None),
    "wang": ("王五", ["校对"], "农业股"),
    "sun": ("孙八", ["编辑"], "民政股"),
    "deng": ("邓九", ["登记员"], "党政办"),
}


def make_office(db: str) -> None:
    store = Store(db)
    people = Accounts(store)
    for username, (name, roles, unit) in PEOPLE.items():
        people.create(username, name, PASSWORD, roles, unit=unit)
    store.close()


def draft(path: Path, number: int = 3, personal: bool = True, title: str = "关于春耕补贴的通知") -> Path:
    body = ([f"申请人王德贵，身份证号{FAKE_ID}，联系电话{FAKE_MOBILE}，住址勺米镇某村一组。"] if personal
            else ["为做好今年春耕生产工作，现将有关事项通知如下。"])
    make_docx("勺米镇人民政府文件", f"勺府发〔2026〕{number}号", title, "各村（社区）：", *body,
              "勺米镇人民政府", "2026年3月1日", "（此件公开发布）", path=path)
    return path


def zipped(**members: bytes) -> bytes:
    """A .zip of ``name=bytes`` members (names as given, ``../`` included)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def message_of(html: str) -> str:
    found = re.findall(r'id="(?:message|ok)">([^<]+)<', html)
    return found[0] if found else ""

def finding(rule, category, kind, severity, text, message="发现", paragraph=3):
    return {"rule": rule, "category": category, "kind": kind, "severity": severity, "message": message,
            "text": text, "context": f"……{text}……", "suggestion": None, "basis": "《某制度》第四条",
            "location": {"part": "body", "paragraph": paragraph, "start": 0, "end": len(text)}}


def record(file, title, findings=(), label="主动公开", suggested="主动公开"):
    summary = {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}
    return {"schema": "gongkai.report/1", "file": file, "sha256": "0" * 64,
            "document": {"title": title, "doc_number": None, "doc_type": "通知", "label": label},
            "attribute": {"suggested": suggested, "confidence": 0.9, "reasons": []},
            "summary": summary, "findings": list(findings)}


def make_store(path: Path) -> Path:
    """A results store as a `--reveal` run would leave it (the ID number unmasked in it)."""
    with open_results(path) as results:
        results.add(record("档案/农业股/补贴名单.docx", "关于春耕补贴名单的公示",
                           [finding("D1", "personal_data", "id_card", "error", FAKE_ID),
                            finding("P201", "proofing", "typo", "warning", "帐户")]))
        results.add(record("档案/农业股/春耕.docx", "关于春耕生产的通知", label=None))
        results.add(record("档案/民政股/低保.docx", "关于低保审核的通知",
                           [finding("P201", "proofing", "typo", "warning", "登陆")]))
        results.add({"schema": "gongkai.report/1", "file": "档案/民政股/坏.docx",
                     "error": {"code": "unreadable", "message": "文件损坏或无法解析"}})
    return path


#: Small limits so the limit tests stay fast: 1 MB files, 2 MB zip members.
LIMITS = Limits(max_file_mb=1.0, archive_max_entry_mb=2.0)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    db = str(folder / "register.sqlite3")
    make_office(db)
    # checks in threads here (the pool has its own tests in test_pool.py and test_browser.py)
    app = create_app(Settings(db=db, data_dir=folder / "web", config=Config(limits=LIMITS), warm=False,
                              check_workers=0))
    app.state.folder = folder
    return app


class Person:
    """A browser-less client signed in as one account, with its CSRF token."""

    def __init__(self, app, username: str):
        self.client = TestClient(app, follow_redirects=False)
        page = self.client.get("/login")
        r = self.client.post("/login", data={"csrf": csrf_of(page.text), "username": username,
                                             "password": PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        self.csrf = csrf_of(self.client.get("/").text)

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, **kw):
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)

    def upload(self, name: str, data: bytes):
        return self.client.post("/upload", data={"csrf": self.csrf}, files=[("files", (name, data, "application/octet-stream"))])


@pytest.fixture(scope="module")
def person(desk):
    cache = {}

    def get(username: str) -> Person:
        if username not in cache:
            cache[username] = Person(desk, username)
        return cache[username]

    return get


@pytest.fixture(scope="session")
def kit():
    """The office's helpers: draft(), zipped(), csrf_of(), message_of(), Person, FAKE_ID, FAKE_MOBILE, PEOPLE."""
    return SimpleNamespace(draft=draft, zipped=zipped, csrf_of=csrf_of, message_of=message_of, FAKE_ID=FAKE_ID,
                           FAKE_MOBILE=FAKE_MOBILE, PEOPLE=PEOPLE, PASSWORD=PASSWORD, make_office=make_office,
                           make_store=make_store,
                           Person=Person)
