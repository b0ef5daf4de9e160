"""The web desk's attribute audit (党政办) and batch results pages over HTTP: the audit table from
uploads and from a folder inside the allowed root only, its filters and Excel-safe CSV, each
row opening its report; the batch stores the desk was started with, summaries by unit, family
and rule, the drill-down; units and roles on both, personal data masked (issue #19)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from gongkai.config import Config, Limits
from gongkai.web.app import Settings, create_app
from gongkai.web.batch import key_of

FAKE_ID = "11010519491231002X"  # the GB 11643 standard's own example, not a person
FAKE_MOBILE = "13885811234"

FORWARD = ("勺米镇人民政府关于转发《区人民政府关于做好安全生产工作的通知》的通知\n各村（社区）：\n"
           "现将该文件转发给你们，请遵照执行。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）\n附件\n"
           "区人民政府关于做好安全生产工作的通知\n各乡镇：\n请做好安全生产工作。\n（此件不予公开）\n")
PLAIN = ("勺米镇人民政府关于做好春耕生产工作的通知\n各村（社区）：\n为做好今年春耕生产工作，现将有关事项通知如下。\n"
         "勺米镇人民政府\n2026年3月1日\n{label}\n")
PERSONAL = ("勺米镇人民政府关于发放春耕补贴的通知\n各村（社区）：\n"
            f"申请人王德贵，身份证号{FAKE_ID}，联系电话{FAKE_MOBILE}，住址勺米镇某村一组。\n"
            "勺米镇人民政府\n2026年3月2日\n（此件公开发布）\n")


@pytest.fixture(scope="module")
def office(tmp_path_factory, kit):
    folder = tmp_path_factory.mktemp("office")
    db = str(folder / "register.sqlite3")
    kit.make_office(db)
    root = folder / "发文"
    (root / "2026").mkdir(parents=True)
    (root / "2026" / "通知.txt").write_text(PLAIN.format(label="（此件公开发布）"), encoding="utf-8")
    (root / "2026" / "未标.txt").write_text(PLAIN.format(label=""), encoding="utf-8")
    outside = folder / "外面"
    outside.mkdir()
    (outside / "秘密.txt").write_text(PLAIN.format(label="（此件不予公开）"), encoding="utf-8")
    (root / "链接").symlink_to(outside, target_is_directory=True)
    (root / "2027").mkdir()
    (root / "2027" / "通知.txt").write_text(PLAIN.format(label="（此件公开发布）"), encoding="utf-8")
    (root / "2027" / "捷径.txt").symlink_to(outside / "秘密.txt")
    store = kit.make_store(folder / "结果.sqlite")
    junk = folder / "不是结果.sqlite"
    junk.write_text("这不是结果文件\n", encoding="utf-8")
    app = create_app(Settings(db=db, data_dir=folder / "web", config=Config(limits=Limits(max_file_mb=1.0, archive_max_entry_mb=2.0)), warm=False,
                              check_workers=0, audit_root=root, batch_results=(store, junk)))
    app.state.folder = folder
    return app


@pytest.fixture(scope="module")
def who(office, kit):
    cache = {}

    def get(username: str):
        if username not in cache:
            cache[username] = kit.Person(office, username)
        return cache[username]

    return get


@pytest.fixture(scope="module")
def audited(who, kit):
    """The 党政办's audit of a .zip of five issued documents (one unreadable) and one more file; its URL."""
    data = kit.zipped(**{"转发.txt": FORWARD.encode(), "一致.txt": PLAIN.format(label="（此件公开发布）").encode(),
                         "未标识.txt": PLAIN.format(label="").encode(), "个人信息.txt": PERSONAL.encode(),
                         "坏.docx": b"%PDF-1.7 not a docx"})
    formula = PLAIN.format(label="（此件公开发布）").encode()
    r = who("deng").client.post("/audit", data={"csrf": who("deng").csrf},
                                files=[("files", ("已发文件.zip", data, "application/zip")),
                                       ("files", ("=HYPERLINK(1).txt", formula, "text/plain"))])
    assert r.status_code == 303, r.text
    return r.headers["location"]


def rows_of(html: str) -> list[str]:
    body = html.split('id="audit"', 1)[1]
    return re.findall(r'<tr class="status-[^"]+">(.*?)</tr>', body, re.S)


# --- audit ---------------------------------------------------------------------------------------


def test_the_audit_table_has_one_row_per_document_with_its_status(who, audited):
    page = who("deng").get(audited)
    assert page.status_code == 200
    rows = rows_of(page.text)
    assert len(rows) == 6
    assert "共 6 份：一致 2，不一致 1，夹带不公开内容 1，未标识 1，无法读取 1" in page.text
    forwarded = next(r for r in rows if "转发.txt" in r)
    assert "不一致（转发）" in forwarded
    assert "无法读取" in next(r for r in rows if "坏.docx" in r)
    assert FAKE_ID not in page.text and FAKE_MOBILE not in page.text  # masked like everywhere


@pytest.mark.parametrize("name, only", [
    ("missing", "未标识.txt"), ("restricted-content", "个人信息.txt"), ("forwarded", "转发.txt"),
    ("conflict", "转发.txt"), ("unreadable", "坏.docx"),
])
def test_each_filter_keeps_only_its_rows(who, audited, name, only):
    rows = rows_of(who("deng").get(f"{audited}?f={name}").text)
    assert len(rows) == 1 and only in rows[0]


def test_an_unknown_filter_shows_every_row(who, audited):
    assert len(rows_of(who("deng").get(f"{audited}?f=nonsense").text)) == 6


def test_each_row_opens_that_documents_report(who, audited):
    page = who("deng").get(f"{audited}?f=restricted-content").text
    link = re.search(r'href="(/doc/\d+)">已发文件.zip!个人信息.txt<', page).group(1)
    report = who("deng").get(link)
    assert report.status_code == 200 and "发放春耕补贴" in report.text and FAKE_ID not in report.text


def test_the_csv_is_safe_for_excel_and_follows_the_filter(who, audited):
    r = who("deng").get(f"{audited}.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeff文件,标题,文号")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    files = [row[0] for row in rows[1:] if row]
    assert "'=HYPERLINK(1).txt" in files and "=HYPERLINK(1).txt" not in files  # text, never a formula
    assert FAKE_ID not in r.text
    assert rows[-1][0].startswith("共 6 份")
    only = list(csv.reader(io.StringIO(who("deng").get(f"{audited}.csv?f=missing").text.lstrip("\ufeff"))))
    assert [row[0] for row in only[1:] if row and not row[0].startswith("共")] == ["已发文件.zip!未标识.txt"]


def test_another_unit_cannot_open_the_audit_but_leaders_can(who, audited):
    for path in (audited, audited + ".csv"):
        assert who("sun").get(path).status_code == 404  # 民政股 编辑: not theirs, not their unit
        assert who("qian").get(path).status_code == 200  # 主要领导 sees every unit
    assert audited not in who("sun").get("/audit").text
    assert who("qian").get("/audit/999").status_code == 404


def test_anyone_may_audit_uploads_and_sees_their_own(who):
    r = who("zhang").client.post("/audit", data={"csrf": who("zhang").csrf},
                                 files=[("files", ("通知.txt", PLAIN.format(label="").encode(), "text/plain"))])
    assert r.status_code == 303
    assert "未标识" in who("zhang").get(r.headers["location"]).text
    assert r.headers["location"] in who("li").get("/audit").text.replace('"', "")  # the same unit
    empty = who("zhang").post("/audit")
    assert empty.status_code == 400 and "请选择" in empty.text


def test_only_admins_and_the_registrar_may_audit_a_server_folder(who):
    r = who("zhang").post("/audit/folder", {"folder": "2026"})
    assert r.status_code == 403
    assert 'action="/audit/folder"' not in who("zhang").get("/audit").text
    r = who("deng").post("/audit/folder", {"folder": "2026"})
    assert r.status_code == 303
    page = who("deng").get(r.headers["location"]).text
    assert "文件夹 2026" in page and "共 2 份：一致 1，" in page and "未标识 1，" in page


def test_a_link_inside_the_folder_leading_out_is_not_read(who):
    r = who("admin").post("/audit/folder", {"folder": "2027"})
    assert r.status_code == 303
    page = who("admin").get(r.headers["location"]).text
    rows = rows_of(page)
    assert len(rows) == 2 and "无法读取" in next(row for row in rows if "捷径.txt" in row)
    assert "不予公开" not in page  # the label inside the file outside the root was never read


@pytest.mark.parametrize("given", ["../外面", "2026/../../外面", "/etc", "链接", "链接/秘密.txt", "没有", "2026/通知.txt"])
def test_a_folder_outside_the_root_or_missing_is_refused_and_nothing_read(office, who, given):
    admin = who("admin")
    before = len(list((office.state.folder / "web" / "audits").glob("*.json")))
    r = admin.post("/audit/folder", {"folder": given})
    assert r.status_code == 400 and ("根文件夹" in r.text or "没有这个文件夹" in r.text), r.text
    assert len(list((office.state.folder / "web" / "audits").glob("*.json"))) == before


def test_without_a_configured_root_the_folder_audit_is_refused(desk, person):
    page = person("deng").get("/audit").text
    assert "--audit-root" in page
    r = person("deng").post("/audit/folder", {"folder": "."})
    assert r.status_code == 400 and "未配置" in r.text


# --- batch results ---------------------------------------------------------------------------------


def test_only_the_configured_stores_are_listed_and_opened_by_number(who):
    page = who("zhao").get("/batch").text
    assert "结果.sqlite" in page and "不是结果.sqlite" in page
    assert who("zhao").get("/batch/3").status_code == 404
    assert who("zhao").get("/batch/0").status_code == 404
    r = who("zhao").get("/batch/1?path=/etc/passwd")  # a path in the request is no store
    assert r.status_code == 200 and "passwd" not in r.text


def test_a_file_that_is_not_a_results_store_gives_a_message(who):
    r = who("zhao").get("/batch/2")
    assert r.status_code == 422 and "不是结果.sqlite" in r.text


def test_leaders_see_the_summary_by_unit_family_and_rule(who):
    page = who("zhao").get("/batch/1").text
    assert "文档 3 个，无法读取 1 个；发现 3 处（错误 1，警告 2，提示 0）" in page
    by_unit = page.split('id="by-unit"', 1)[1].split("</table>", 1)[0]
    assert "农业股" in by_unit and "民政股" in by_unit
    by_rule = page.split('id="by-rule"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"P201</a></td><td>2</td><td>2</td>", by_rule)
    assert "个人信息" in page.split('id="by-family"', 1)[1].split("</table>", 1)[0]


def test_a_unit_member_sees_only_their_units_documents(who):
    page = who("zhang").get("/batch/1").text  # 农业股
    assert "仅显示本股室（农业股）" in page and "低保" not in page and "民政股" not in page
    assert "文档 2 个，无法读取 0 个" in page
    key = key_of("档案/民政股/低保.docx")
    assert who("zhang").get(f"/batch/1/doc?key={key}").status_code == 404
    assert who("sun").get(f"/batch/1/doc?key={key}").status_code == 200  # 民政股


def test_the_filters_narrow_the_document_list(who):
    documents = lambda html: html.split('id="documents"', 1)[1]  # noqa: E731
    by_rule = documents(who("zhao").get("/batch/1?rule=P201").text)
    assert "补贴名单" in by_rule and "低保" in by_rule and "春耕.docx" not in by_rule
    by_family = documents(who("zhao").get("/batch/1?family=personal_data").text)
    assert "补贴名单" in by_family and "低保" not in by_family
    by_unit = documents(who("zhao").get("/batch/1?unit=民政股").text)
    assert "低保" in by_unit and "补贴名单" not in by_unit


def test_the_drill_down_shows_the_findings_masked(who):
    page = who("zhao").get("/batch/1").text
    link = re.search(r'href="(/batch/1/doc\?key=[0-9a-f]+)">档案/农业股/补贴名单.docx<', page).group(1)
    doc = who("zhao").get(link)
    assert doc.status_code == 200 and "关于春耕补贴名单的公示" in doc.text
    assert "D1" in doc.text and "P201" in doc.text and "帐户" in doc.text
    assert FAKE_ID not in doc.text and "110105" in doc.text  # the store kept it unmasked; the page does not
    assert who("zhao").get("/batch/1/doc?key=0000").status_code == 404


def test_the_default_store_is_the_data_folders_batch_folder(desk, person, kit):
    folder = desk.state.folder / "web" / "batch"
    folder.mkdir(exist_ok=True)
    kit.make_store(folder / "全镇.sqlite")
    kit.make_store(folder / "全镇.jsonl")
    page = person("qian").get("/batch").text
    assert "全镇.sqlite" in page and "全镇.jsonl" in page
    headline = r"文档 \d+ 个，无法读取 \d+ 个；发现 \d+ 处（错误 \d+，警告 \d+，提示 \d+）"
    jsonl, sqlite = (person("qian").get(f"/batch/{n}").text for n in (1, 2))  # sorted by name
    assert re.search(headline, jsonl).group() == re.search(headline, sqlite).group() == (
        "文档 3 个，无法读取 1 个；发现 3 处（错误 1，警告 2，提示 0）")
    doc = person("qian").get(f"/batch/1/doc?key={key_of('档案/农业股/补贴名单.docx')}")
    assert doc.status_code == 200 and "D1" in doc.text and FAKE_ID not in doc.text
