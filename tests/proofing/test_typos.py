"""Typo and word-usage findings through the whole pipeline, with suggestions."""

from __future__ import annotations

import pytest

from gongkai.proofing import lm


def _t1(report):
    return [(f.rule, f.text, f.suggestion) for f in report.findings if f.rule.startswith("T1")]


@pytest.mark.parametrize("text, expected", [
    ("认真贯切落实上级部署。", ("T101", "贯切", "贯彻")),
    ("工作布署到位。", ("T101", "布署", "部署")),
    ("及时拔付补助资金。", ("T101", "拔付", "拨付")),
    ("希望大家再接再励。", ("T102", "再接再励", "再接再厉")),
    ("截止目前，已完成80%。", ("T103", "截止", "截至")),
    ("依法做出处理决定。", ("T103", "做出", "作出")),
    ("按姓氏笔划排序。", ("T104", "笔划", "笔画")),
    ("全面推行河长治。", ("T105", "河长治", "河长制")),
])
def test_lexicon_findings_carry_the_correction(check_text, text, expected):
    assert expected in _t1(check_text(text))


@pytest.mark.parametrize("text", [
    "报名截止日期为2025年5月1日。",
    "截至2024年底，全镇共有农户1200户。",
    "支付主任补贴。",
    "燃气泄漏事故应急预案。",
    "原国土资源部印发的文件继续有效。",
    "政府绿色采购中增加循环利用产品种类。",
])
def test_correct_usage_stays_silent(check_text, text):
    assert _t1(check_text(text)) == []


def test_word_usage_is_a_separate_kind_from_typos(check_text):
    kinds = {f.rule: f.kind for f in check_text("截止目前，工作布署到位。").findings if f.rule.startswith("T1")}
    assert kinds == {"T103": "word_usage", "T101": "typo"}


def test_statistical_detector_suggests_the_likely_character(check_text):
    findings = [f for f in check_text("推动大数局产业加快发展。").findings if f.rule == "T110"]
    assert [(f.text, f.suggestion) for f in findings] == [("局", "据")]
    assert "数据" in findings[0].message


def test_statistical_detector_is_silent_on_ordinary_official_prose(check_text):
    text = "\n".join([
        "各乡镇人民政府要加强组织领导，确保各项工作落到实处。",
        "镇政府将于下周召开安全生产工作会议，请各村委会主任准时参加。",
        "进一步健全完善政务公开制度，推进决策、执行、管理、服务、结果公开。",
    ])
    assert [f for f in check_text(text).findings if f.rule == "T110"] == []


def test_place_names_are_not_corrected():
    # 老埠村 is a village; 埠→师 would make 老师, but proper names are left alone
    assert lm.model().suspects("平乐县张家镇老埠村驻村第一书记") == []


def test_model_loads_once_per_process():
    assert lm.model() is lm.model()


def test_ngram_keys_are_distinct_across_orders():
    a = lm.pack([lm.code_of("中")])
    b = lm.pack([lm.code_of("中"), lm.code_of("国")])
    c = lm.pack([lm.code_of("国")])
    assert len({a, b, c}) == 3
    assert lm.code_of("7") == lm.code_of("３")  # digits fold into one class


def test_names_set_off_by_spaces_are_not_corrected():
    # a committee list: 贾→加 would "fix" a surname
    assert lm.model().suspects("贾高建\u3000\u3000中央党史和文献研究院") == []


def test_short_quotations_are_deliberate_wording():
    m = lm.model()
    assert m.suspects("推动大数局产业加快发展。")  # the same error outside quotes is found
    assert m.suspects("推动“大数局”产业加快发展。") == []


def test_strings_repeated_in_a_document_are_taken_as_terms(check_text):
    once = "推动大数局产业加快发展。"
    assert any(f.rule == "T110" for f in check_text(once).findings)
    twice = once + "\n大数局产业规模持续扩大。"
    assert not any(f.rule == "T110" for f in check_text(twice).findings)


def test_short_table_cells_are_left_to_the_lexicons():
    from gongkai import Config, check_document
    from gongkai.models import Block, Document

    def hits(part):
        doc = Document(path="<t>")
        doc.add_block(Block(text="发展大数局产业", part=part, paragraph=0, table=0 if part == "table" else None))
        return [f.rule for f in check_document(doc, Config(select=("T110",))).findings]

    assert hits("body") == ["T110"]
    assert hits("table") == []


def _t110(report):
    return [(f.text, f.suggestion) for f in report.findings if f.rule == "T110"]


@pytest.mark.parametrize("text, wrong, right", [
    ("加快构建现代产业提喜。", "提喜", "体系"),          # a non-word typed for a same-sounding word
    ("切实加强基层干部堆物建设。", "堆物", "队伍"),
    ("本市各类优先公司应当依法纳税。", "优先", "有限"),  # a real word in the wrong place
])
def test_word_path_replaces_two_characters_by_a_same_sounding_word(check_text, text, wrong, right):
    findings = [f for f in check_text(text).findings if f.rule == "T110"]
    assert [(f.text, f.suggestion) for f in findings] == [(wrong, right)]
    f = findings[0]
    assert f.location.end - f.location.start == 2
    assert text[f.location.start : f.location.end] == wrong
    assert f"“{wrong}”可能应为“{right}”" in f.message


@pytest.mark.parametrize("text", [
    "加快构建现代产业体系。", "切实加强基层干部队伍建设。", "本市各类有限公司应当依法纳税。",
    "优先发展教育事业。", "同学们在操场上练习跑步。", "建立部门联席会议制度。",
])
def test_word_path_leaves_fitting_words_alone(check_text, text):
    assert _t110(check_text(text)) == []


def test_two_character_confusions_of_the_training_errors_count_in_context():
    m = lm.model()
    assert "联席" in m.word_pairs.get("练习", ())  # 练习→联席 occurs among the training errors
    found = m.suspects("建立部门练习会议制度。")
    assert [(s.wrong, s.right, s.seen_pair) for s in found] == [("练习", "联席", True)]
    assert m.suspects("同学们在操场上练习跑步。") == []  # the same word where it fits


def test_homophone_table_finds_words_by_toneless_syllables():
    m = lm.model()
    keys = {ra * m.syllables + rb for ra in m.readings["提"] for rb in m.readings["喜"]}
    assert any("体系" in m.homophones.get(k, ()) for k in keys)
    # its words are frequent in jieba's dictionary or in the running text of the build corpus
    assert sum(lm.lexicon_words().get(w, 0) >= 500 for ws in m.homophones.values() for w in ws) > 8000
    assert all(lm.lexicon_words().get(w, 0) >= 1 for ws in list(m.homophones.values())[:500] for w in ws)


def test_completion_path_corrects_a_rare_character_outside_the_confusion_sets(check_text):
    assert _t110(check_text("各级嫩民政府要加强组织领导。")) == [("嫩", "人")]
    assert _t110(check_text("各级人民政府要加强组织领导。")) == []


def test_completion_path_needs_a_clear_winner():
    # 拔付: 支付、预付、交付… all fit; the lexicon rule T101 knows the answer (拨付)
    assert lm.model().suspects("及时拔付补助资金。") == []


def test_completion_path_does_not_complete_a_word_with_a_wrong_neighbour():
    # 址 is the typo (福祉); completing 福→地 with it (地址) would be a wrong correction
    assert [s for s in lm.model().suspects("不断增进民生福址。") if s.wrong == "福"] == []


def test_shape_alike_candidates_share_a_sound_component():
    m = lm.model()
    assert ord("计") in m.candidates[ord("汁")].tolist()   # 氵十 / 讠十
    assert ord("税") in m.candidates[ord("锐")].tolist()   # 钅兑 / 禾兑


def test_a_character_frequent_in_the_document_is_its_topic(check_text):
    line = "加强嫩区湿地生态保护。"
    assert _t110(check_text(line)) == [("嫩", "人")]
    # the same line in a document about 嫩江: the character is the document's topic, not a slip
    assert _t110(check_text("保护嫩江生态环境。\n嫩江水质持续改善。\n" + line)) == []


@pytest.mark.parametrize("text", [
    "根据闽委宣联〔2024〕7号文件精神，做好相关工作。",  # 机关代字 of a 发文字号
    "成立贵阳综合实验区管委会。",                      # a zone named after a place
    "在姜山岛开展海洋主题活动。",                      # a name before a place suffix
    "由半淞园街道负责组织。",
    "拟录用人员：王建国、李红梅、张伟、刘洋。",          # a name listed with names (刘洋 is no 流向)
    "经研究，刘洋、张伟同志不再担任原职务。",
])
def test_no_typo_suggestion_on_proper_names_and_terms(check_text, text):
    assert "T110" not in {f.rule for f in check_text(text).findings}


@pytest.mark.parametrize("text, right", [
    ("实行封山肓林。", "育"),
    ("加强对运输企业姿质的审查。", "资"),
    ("提升群众满意杜。", "度"),
])
def test_typos_beside_names_and_terms_still_fire(check_text, text, right):
    assert [f.suggestion for f in check_text(text).findings if f.rule == "T110"] == [right]


def test_a_typo_in_a_list_of_words_still_fires(check_text):
    # listed with 、, but no item reads as a name: the list is no list of people
    text = "加强对运输企业姿质、安全条件、车辆状况的审查。"
    assert [f.suggestion for f in check_text(text).findings if f.rule == "T110"] == ["资"]


@pytest.mark.parametrize("text, right", [
    ("成立勺米综合实验区管委会。", "试"),          # no place name of the gazetteer before the zone's name
    ("推进自贸实验区建设。", "试"),
])
def test_zone_names_without_a_place_are_still_checked(check_text, text, right):
    assert [f.suggestion for f in check_text(text).findings if f.rule == "T110"] == [right]


@pytest.mark.parametrize("text, rule, right", [
    ("为全县发展做出更大贡献。", "T103", "作出"),
    ("确保工作秘密不泄漏。", "T103", "泄露"),
    ("严防燃气泄露引发事故。", "T103", "泄漏"),
    ("请登陆县政府门户网站下载表格。", "T103", "登录"),
    ("请在申请表中写明车辆途径地。", "T103", "途经"),
    ("不得将营运车辆交于无资格人员驾驶。", "T103", "交予"),
    ("全县分为二个片区推进。", "T103", "两个"),
    ("这是当前急待解决的问题。", "T101", "亟待"),
])
def test_commonly_confused_words_fire(check_text, text, rule, right):
    assert [f.suggestion for f in check_text(text).findings if f.rule == rule] == [right]


@pytest.mark.parametrize("text", [
    "台风登陆后各村加强巡查。", "拓宽群众反映问题的途径。", "第二个阶段自6月开始。", "全县十二个乡镇参加。",
    "严防泄露国家秘密。", "燃气管道泄漏应立即报警。", "各部门做出更大成绩。",
])
def test_commonly_confused_words_right_in_context_stay_silent(check_text, text):
    assert not {f.rule for f in check_text(text).findings} & {"T101", "T103"}


@pytest.mark.parametrize("text, fires", [
    ("请各村按照按照通知要求报送。", True),
    ("认真落实落实各项措施。", True),
    ("请各村按照通知要求报送。", False),
    ("城关派出所所长、交警大队大队长参加。", False),   # the second 大队 starts 大队长
    ("的的确确如此。", False),
    ("依据《某某县用地用地标准》执行。", False),        # a quoted title is cited as issued
])
def test_doubled_words(check_text, text, fires):
    assert ("T106" in {f.rule for f in check_text(text).findings}) is fires


def test_names_of_listed_bodies_of_one_kind_are_not_corrected(check_text):
    listing = "补助资金分配：南庠卫生院500元，敖北卫生院300元，城关卫生院800元。"  # 南庠: a name slot
    assert "T110" not in {f.rule for f in check_text(listing).findings}
    assert [f.suggestion for f in check_text("我镇附鼠小学开展安全教育。").findings if f.rule == "T110"] == ["属"]


def test_a_body_named_once_is_still_checked(check_text):
    assert [f.suggestion for f in check_text("请到南庠卫生院报名。").findings if f.rule == "T110"] == ["洋"]
