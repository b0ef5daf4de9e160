"""The desk's checks in warm worker processes: pages served while a large upload is checked, a
worker killed mid-check (a message in the page, a fresh pool), and no worker left behind when
the server stops (SIGTERM, Ctrl-C) or is killed.

The server runs as `gongkai serve` does: uvicorn with the application's lifespan (the pool is
started and warmed there), here in a thread so the test can see the pool; the shutdown tests
start `python -m gongkai serve` itself.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from gongkai.formats.compose import make_docx  # noqa: E402
from gongkai.web.app import Settings, create_app  # noqa: E402
from gongkai.web.checks import CheckCrashed  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def gone_within(pids, seconds: float) -> set[int]:
    """The pids still alive after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    left = {p for p in pids if alive(p)}
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = {p for p in left if alive(p)}
    return left


def big_draft(path: Path, tag: str, paragraphs: int = 300) -> Path:
    """A long draft (tens of thousands of characters: seconds of checking), every paragraph its own."""
    body = [f"第{n}项：{tag}各村（社区）要在{1 + n % 12}月{1 + n % 28}日前完成第{n}片区的备耕工作，"
            f"落实补贴每亩{50 + n}元，确保农资供应稳定、技术服务到位，做好督促检查工作（{tag}第{n}段）。"
            for n in range(paragraphs)]
    make_docx("勺米镇人民政府文件", "勺府发〔2026〕9号", f"关于做好春耕工作的通知（{tag}）", "各村（社区）：", *body,
              "勺米镇人民政府", "2026年3月1日", "（此件公开发布）", path=path)
    return path


def sign_in(base: str, username: str, password: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=300, follow_redirects=False)
    page = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"csrf": csrf, "username": username, "password": password, "next": "/"})
    assert r.status_code == 303, r.text[:200]
    return c, re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1)


def upload(client: tuple[httpx.Client, str], name: str, data: bytes) -> httpx.Response:
    http, csrf = client
    return http.post("/upload", data={"csrf": csrf}, files=[("files", (name, data, "application/octet-stream"))])


@pytest.fixture(scope="module")
def served(tmp_path_factory, kit):
    """A desk with two warm check workers behind uvicorn, as `gongkai serve --workers 2` runs it."""
    folder = tmp_path_factory.mktemp("pool-desk")
    db = str(folder / "register.sqlite3")
    kit.make_office(db)
    app = create_app(Settings(db=db, data_dir=folder / "web", check_workers=2, warm=True))
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # the lifespan warms the workers before the server listens
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.started, "the desk did not start"
    checks = app.state.web.checks
    yield f"http://127.0.0.1:{port}", checks, app
    workers = checks.pids()
    srv.should_exit = True
    thread.join(timeout=60)
    assert not gone_within(workers, 10), "the lifespan's end stops the workers"


def served_app(served):
    return served[2].state.web


def wait_for_pending(checks, thread: threading.Thread, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while checks.pending == 0 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert checks.pending > 0, "the upload never reached the pool"


def test_the_pool_is_warm_when_the_server_answers(served):
    base, checks, _ = served
    workers = checks.pids()
    assert len(workers) == 2 and os.getpid() not in workers
    assert all(alive(p) for p in workers)


def test_an_upload_is_checked_in_a_worker_process(served, kit, tmp_path):
    base, checks, _ = served
    client = sign_in(base, "zhang", kit.PASSWORD)
    before = {p: Path(f"/proc/{p}/stat").read_text() for p in checks.pids()}
    r = upload(client, "补贴.docx", kit.draft(tmp_path / "补贴.docx", number=41).read_bytes())
    assert r.status_code == 303
    page = client[0].get(r.headers["location"])
    assert page.status_code == 200 and kit.FAKE_ID not in page.text and 'id="findings"' in page.text
    after = {p: Path(f"/proc/{p}/stat").read_text() for p in checks.pids()}
    assert before.keys() == after.keys(), "no worker was replaced"
    assert any(before[p] != after[p] for p in before), "a worker's CPU time moved"


def test_a_report_no_longer_in_memory_and_the_copies_are_made_in_the_workers(served, kit, tmp_path):
    base, checks, _ = served
    desk = served_app(served).desk
    client = sign_in(base, "zhang", kit.PASSWORD)
    r = upload(client, "名单.docx", kit.draft(tmp_path / "名单.docx", number=43).read_bytes())
    doc_url = r.headers["location"]
    desk._cache.clear()  # as after a restart, or once 64 newer uploads pushed it out
    page = client[0].get(doc_url)
    assert page.status_code == 200 and 'id="findings"' in page.text and kit.FAKE_ID not in page.text
    redacted = client[0].get(doc_url + "/redacted.docx")
    assert redacted.status_code == 200 and redacted.content[:2] == b"PK"
    assert kit.FAKE_ID.encode() not in redacted.content
    # an error raised in a worker comes back as the page's message
    r = upload(client, "便条.txt", "关于春耕的便条\n请各村做好备耕。\n".encode())
    copy = client[0].get(r.headers["location"] + "/annotated.docx")
    assert copy.status_code == 422 and "只能批注 .docx 文件" in copy.text


def test_pages_are_served_while_a_large_upload_is_checked(served, kit, tmp_path):
    base, checks, _ = served
    uploader, reader = sign_in(base, "zhang", kit.PASSWORD), sign_in(base, "li", kit.PASSWORD)
    data = big_draft(tmp_path / "长稿.docx", "长稿").read_bytes()
    done: dict = {}
    big = threading.Thread(target=lambda: done.update(r=upload(uploader, "长稿.docx", data), t=time.monotonic()))
    big.start()
    wait_for_pending(checks, big)
    t = time.monotonic()
    home = reader[0].get("/")
    answered = time.monotonic()
    still_checking = checks.pending > 0
    big.join(300)
    assert home.status_code == 200 and "上传" in home.text
    assert still_checking and answered < done["t"], "the page waited for the large upload's check"
    assert answered - t < 5.0
    assert done["r"].status_code == 303


def test_a_worker_killed_mid_check_gives_a_message_and_a_fresh_pool(served, kit, tmp_path):
    base, checks, _ = served
    client = sign_in(base, "zhang", kit.PASSWORD)
    data = big_draft(tmp_path / "崩溃.docx", "崩溃").read_bytes()
    old = checks.pids()
    replaced = checks.replaced
    done: dict = {}
    big = threading.Thread(target=lambda: done.update(r=upload(client, "崩溃.docx", data)))
    big.start()
    wait_for_pending(checks, big)
    os.kill(old[0], signal.SIGKILL)
    big.join(120)
    assert not big.is_alive(), "the request hung on a dead worker"
    r = done["r"]
    assert r.status_code == 503 and CheckCrashed.MESSAGE in r.text
    assert checks.replaced == replaced + 1
    assert not gone_within(old, 10), "the broken pool's other worker is stopped"
    # the fresh pool checks the next upload
    r = upload(client, "又一份.docx", kit.draft(tmp_path / "又一份.docx", number=42).read_bytes())
    assert r.status_code == 303
    assert client[0].get(r.headers["location"]).status_code == 200
    assert set(checks.pids()).isdisjoint(old)


def serve_process(tmp_path: Path, kit) -> tuple[subprocess.Popen, set[int]]:
    """`python -m gongkai serve --workers 2` in its own session; its helper processes once it answers."""
    db = tmp_path / "register.sqlite3"
    kit.make_office(str(db))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path])}
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--db", str(db), "--port", str(port),
                             "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "server.log", "wb"), start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not answer")
    helpers = descendants(proc.pid)
    assert len(helpers) >= 3, "the fork server and two workers"  # (and multiprocessing's resource tracker)
    return proc, helpers


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_stopping_the_server_stops_every_worker(tmp_path, kit, how):
    proc, helpers = serve_process(tmp_path, kit)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:  # a terminal sends SIGINT to the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    # uvicorn shuts down gracefully, then re-raises the signal: killed by SIGTERM; Ctrl-C: 0 (or the CLI's 130)
    assert proc.wait(timeout=60) in ((-signal.SIGTERM,) if how == "SIGTERM" else (0, 130))
    assert not gone_within(helpers, 10), "processes left behind"
    log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "Application shutdown complete" in log and "Traceback" not in log and "Logging error" not in log, log


def test_workers_leave_when_the_server_is_killed(tmp_path, kit):
    proc, helpers = serve_process(tmp_path, kit)
    proc.kill()
    proc.wait(timeout=10)
    assert not gone_within(helpers, 15), "workers left behind"
