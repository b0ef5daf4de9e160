"""Reprints: reproducing central/district documents, unlabelled reprints; citing is fine."""

from __future__ import annotations

import pytest

from gongkai import Config, check_text as _check_text


def _codes(report):
    return {f.rule for f in report.findings if f.rule.startswith("R")}


CENTRAL_FULL_TEXT = (
    "国务院关于在市场监管领域全面推行\n部门联合“双随机、一公开”监管的意见\n国发〔2019〕5号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n在市场监管领域全面推行“双随机、一公开”监管。"
)


@pytest.mark.parametrize("text", [
    CENTRAL_FULL_TEXT,
    "国办发〔2019〕6号\n各省、自治区、直辖市人民政府：\n现将有关事项通知如下。",
    "近日，中共中央办公厅、国务院办公厅印发了《关于加强基层治理的意见》。\n《意见》指出，要健全基层治理体系。",
    "现将《国务院关于进一步优化营商环境的意见》全文转发给你们，全文如下：",
    "中共中央 国务院关于实施乡村振兴战略的意见\n（2018年1月2日）",
])
def test_reproducing_a_central_document_fires(check_text, text):
    assert "R101" in _codes(check_text(text))


@pytest.mark.parametrize("text", [
    "根据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）精神，结合我镇实际，制定本方案。",
    "按照《国务院办公厅关于全面推进政务公开工作的意见》（国办发〔2016〕8号）要求，做好政务公开工作。",
    "认真贯彻落实《中共中央 国务院关于实施乡村振兴战略的意见》，扎实推进乡村振兴。",
    "现将《国务院关于进一步优化营商环境的意见》转发给你们，请认真贯彻执行。",  # forwarding line without the text
    "勺米镇人民政府关于做好春耕备耕工作的通知\n勺府发〔2025〕3号\n各村（社区）：",
])
def test_citing_a_central_document_as_a_basis_is_fine(check_text, text):
    assert "R101" not in _codes(check_text(text))


def test_central_finding_points_at_the_first_evidence_and_lists_all(check_text):
    report = check_text("关于转发国务院文件的通知\n各村（社区）：\n附件\n" + CENTRAL_FULL_TEXT)
    hits = [f for f in report.findings if f.rule == "R101"]
    assert len(hits) == 1 and hits[0].severity.label == "error"
    assert "发文字号" in hits[0].message and "标题" in hits[0].message
    assert hits[0].location.paragraph == 3


DISTRICT = "水城区人民政府关于加强农村人居环境整治的通知\n水府发〔2025〕8号\n各乡（镇）人民政府、街道办事处：\n请抓好落实。"


def test_district_document_without_authorised_source_fires(check_text):
    assert "R102" in _codes(check_text(DISTRICT))


@pytest.mark.parametrize("source", ["来源：水城报", "转自水城区融媒体中心", "来源：水城区人民政府网站"])
def test_district_document_from_an_authorised_source_is_fine(check_text, source):
    assert "R102" not in _codes(check_text(DISTRICT + f"\n{source}　转载时间：2025年3月6日"))


def test_authorised_sources_are_configuration():
    text = DISTRICT.replace("水城区", "清河区").replace("水府发", "清府发") + "\n来源：清河日报　2025年3月6日"
    default = _check_text(text)
    assert "R102" not in _codes(default)  # 清河区 is not this town's district
    elsewhere = Config(sections={"reprint": {"district_names": ["清河区"], "district_doc_prefixes": ["清府发"],
                                             "authorized_sources": ["清河日报"]}})
    assert "R102" not in _codes(_check_text(text, elsewhere))
    unlisted = Config(sections={"reprint": {"district_names": ["清河区"], "district_doc_prefixes": ["清府发"],
                                            "authorized_sources": ["清河区政府网"]}})
    assert "R102" in _codes(_check_text(text, unlisted))


def test_citing_a_district_document_is_fine(check_text):
    text = "根据《水城区人民政府关于加强农村人居环境整治的通知》（水府发〔2025〕8号）要求，结合我镇实际，制定本方案。"
    assert "R102" not in _codes(check_text(text))


@pytest.mark.parametrize("text, missing", [
    ("来源：网络", "来源网站和转载时间"),
    ("转自水城区融媒体中心", "转载时间"),
    ("文章来源：互联网　2025-03-06", "来源网站"),
])
def test_unlabelled_reprints(check_text, text, missing):
    hits = [f for f in check_text(text).findings if f.rule == "R103"]
    assert hits and hits[0].message.endswith(missing)


@pytest.mark.parametrize("text", [
    "来源：水城区人民政府网站　转载时间：2025-03-06",
    "来源：水城报\n2025年3月6日",
    "资金来源：区级财政专项资金。",
    "项目建设资金来源：上级补助和镇级自筹。",
    "关于做好春耕备耕工作的通知",
])
def test_labelled_reprints_and_other_sources_are_fine(check_text, text):
    assert "R103" not in _codes(check_text(text))


def test_quoting_a_speech_is_not_a_reprint(check_text):
    assert "R103" not in _codes(check_text("摘自某县领导讲话材料：2017年是脱贫攻坚收官年。"))


def test_a_reading_list_of_central_titles_is_not_a_reprint(check_text):
    text = ("关于开展政策学习的通知\n各股室：\n请认真学习以下文件：\n"
            "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见\n"
            "国务院办公厅关于全面推进政务公开工作的意见\n"
            "中共中央 国务院关于实施乡村振兴战略的意见")
    assert "R101" not in _codes(check_text(text))


def test_a_central_title_followed_by_its_text_is_a_reprint(check_text):
    text = "国务院办公厅关于全面推进政务公开工作的意见\n公开透明是法治政府的基本特征，全面推进政务公开，让权力在阳光下运行，对于发展社会主义民主政治具有重要意义。"
    assert "R101" in _codes(check_text(text))


def test_a_table_of_titles_and_numbers_is_not_a_reprint(tmp_path):
    from gongkai import check
    from gongkai.formats.compose import DocxBuilder

    b = DocxBuilder()
    b.paragraph("政策文件清单")
    b.table([["文件名称", "文号"], ["国务院办公厅关于全面推进政务公开工作的意见", "国办发〔2016〕8号"]])
    report = check(b.save(tmp_path / "list.docx"), Config())
    assert "R101" not in _codes(report)


def test_a_note_on_where_figures_come_from_is_not_a_reprint(check_text):
    assert "R103" not in _codes(check_text("来源：镇统计站"))
