"""End to end in a real headless browser (Debian's chromium through chromium-driver and Selenium):
sign in, upload a draft with personal data, see the findings highlighted, download and open the
annotated and redacted copies, three people sign 初审/复审/终审, a 校对 does three rounds, the same
person at a second stage is refused, release, and the register shows the names. Screenshots of
the main pages go to ``$GONGKAI_SCREENSHOTS`` (default ``screenshots/`` at the repository root),
kept by CI for a person to look at. One server and one browser for the whole module."""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but chromium/chromium-driver are missing: .ci/run should install them",
                    pytrace=False)
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
uvicorn = pytest.importorskip("uvicorn")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from gongkai.web.app import Settings, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS") or ROOT / "screenshots")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def server(tmp_path_factory, kit):
    folder = tmp_path_factory.mktemp("browser-desk")
    db = str(folder / "register.sqlite3")
    kit.make_office(db)
    (folder / "web" / "batch").mkdir(parents=True)
    kit.make_store(folder / "web" / "batch" / "全镇档案.sqlite")  # the office's default store folder
    app = create_app(Settings(db=db, data_dir=folder / "web", warm=True))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    logs = Collect()
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access", "uvicorn.error", "gongkai")]
    for lg in loggers:
        lg.addHandler(logs)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=True, log_config=None)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # warm-up loads the models before the server listens
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.started, "the desk did not start"
    yield f"http://127.0.0.1:{port}", logs
    srv.should_exit = True
    thread.join(timeout=10)
    for lg in loggers:
        lg.removeHandler(logs)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait(driver, css: str, timeout: float = 60):
    return WebDriverWait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def sign_in(driver, base: str, username: str, password: str) -> None:
    driver.delete_all_cookies()
    driver.get(base + "/login")
    wait(driver, "#username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login").click()
    wait(driver, "#me")


def act(driver, base: str, doc: str, button: str, stage: str | None = None) -> str:
    """Press a button of the review page; the message shown (ok or refusal)."""
    driver.get(base + doc + "/review")
    if stage:
        from selenium.webdriver.support.ui import Select

        Select(wait(driver, "#stage")).select_by_visible_text(stage)
    wait(driver, f"#{button}").click()
    return wait(driver, "#ok, #message").text


def downloaded(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no download ending {suffix} in {sorted(p.name for p in folder.iterdir())}")


def test_a_draft_goes_from_upload_to_the_register(server, browser, kit, tmp_path):
    base, logs = server
    d = browser
    d.get(base + "/")
    assert wait(d, "#login-form").is_displayed()
    shot(d, "01-login")
    sign_in(d, base, "zhang", kit.PASSWORD)

    # upload a draft with personal data; the findings are highlighted in the text, masked
    draft = kit.draft(tmp_path / "关于春耕补贴的通知.docx", number=7)
    wait(d, "#files").send_keys(str(draft))
    shot(d, "02-upload")
    d.find_element(By.ID, "check").click()
    wait(d, "#doctext mark.hl.sev-error")
    doc = "/" + d.current_url.split("/", 3)[3]
    marks = [m.text for m in d.find_elements(By.CSS_SELECTOR, "#doctext mark.hl")]
    assert "110105********002X" in marks and kit.FAKE_ID not in d.page_source
    assert wait(d, "#attribute").is_displayed() and wait(d, "#findings").is_displayed()
    shot(d, "03-report")

    # the annotated and the redacted copies download and open
    d.find_element(By.ID, "download-annotated").click()
    annotated = downloaded(d.downloads, "（批注）.docx")
    with zipfile.ZipFile(io.BytesIO(annotated.read_bytes())) as zf:
        assert "word/comments.xml" in zf.namelist()
    d.find_element(By.ID, "download-redacted").click()
    redacted = downloaded(d.downloads, "（遮蔽）.docx")
    with zipfile.ZipFile(io.BytesIO(redacted.read_bytes())) as zf:
        body = zf.read("word/document.xml").decode()
    assert kit.FAKE_ID not in body and kit.FAKE_MOBILE not in body

    # the redacted copy is the 公开稿 that goes through review: same 文号, so the same review record
    d.get(base + "/")
    wait(d, "#files").send_keys(str(redacted))
    d.find_element(By.ID, "check").click()
    wait(d, "#doctext")
    doc = "/" + d.current_url.split("/", 3)[3]
    assert not d.find_elements(By.CSS_SELECTOR, "#doctext mark.hl.sev-error")

    # 三审三校 by three different people and one 校对; the same person twice is refused
    d.get(base + doc + "/review")
    wait(d, "#start").click()
    assert "已开始审核" in wait(d, "#ok").text
    assert "初审已签署（张三）" in act(d, base, doc, "sign", "初审")
    refused = act(d, base, doc, "sign", "复审")
    assert "张三（编辑）无权复审" in refused
    shot(d, "04-review-refused")
    sign_in(d, base, "li", kit.PASSWORD)
    assert "复审已签署（李四）" in act(d, base, doc, "sign", "复审")
    sign_in(d, base, "zhao", kit.PASSWORD)
    assert "终审已签署（赵六）" in act(d, base, doc, "sign", "终审")
    assert "保密审查已登记（赵六）" in act(d, base, doc, "secrecy")
    sign_in(d, base, "wang", kit.PASSWORD)
    for _ in range(3):
        assert "校对已登记（王五）" in act(d, base, doc, "proof")
    shot(d, "05-review")

    # the 党政办 releases; the register shows the three names
    sign_in(d, base, "deng", kit.PASSWORD)
    d.get(base + doc + "/review")
    wait(d, "#release").click()
    assert "已登记归档" in wait(d, "#ok, #message").text
    d.get(base + "/register")
    register = wait(d, "#register").text
    assert all(name in register for name in ("张三", "李四", "赵六"))
    shot(d, "06-register")
    sign_in(d, base, "admin", kit.PASSWORD)
    d.get(base + "/admin")
    wait(d, "#accounts")
    shot(d, "07-admin")

    # the server's logs (access log included) never show the personal data
    text = "\n".join(logs.lines)
    assert "GET /doc/" in text and kit.FAKE_ID not in text and kit.FAKE_MOBILE not in text


def test_the_audit_and_batch_pages(server, browser, kit, tmp_path):
    base, _ = server
    d = browser
    sign_in(d, base, "deng", kit.PASSWORD)

    # the 党政办 audits two issued documents: one labelled, one not; the filter keeps the one
    labelled = kit.draft(tmp_path / "已标注.docx", number=31, personal=False)
    unlabelled = tmp_path / "未标注.txt"
    unlabelled.write_text("勺米镇人民政府关于做好防汛工作的通知\n各村（社区）：\n请做好防汛准备。\n"
                          "勺米镇人民政府\n2026年5月1日\n", encoding="utf-8")
    d.get(base + "/audit")
    wait(d, "#audit-files").send_keys(f"{labelled}\n{unlabelled}")
    d.find_element(By.ID, "audit-start").click()
    assert "共 2 份" in wait(d, "#summary").text
    shot(d, "08-audit")
    d.find_element(By.ID, "filter-missing").click()
    rows = wait(d, "#audit tbody").find_elements(By.TAG_NAME, "tr")
    assert len(rows) == 1 and "未标注.txt" in rows[0].text

    # the batch results of the office's default store, then one document's findings, masked
    d.get(base + "/batch")
    wait(d, "#stores a").click()
    assert "农业股" in wait(d, "#by-unit").text and "P201" in wait(d, "#by-rule").text
    shot(d, "09-batch")
    d.find_element(By.LINK_TEXT, "档案/农业股/补贴名单.docx").click()
    assert "D1" in wait(d, "#findings").text
    assert kit.FAKE_ID not in d.page_source
    shot(d, "10-batch-document")
