"""Issue #16: what real notices publish on purpose, and what they still must not.

Every example is invented for these tests (names, numbers and places are made up; the ID
numbers are checksum-valid fakes). Each class is tested both ways: the case the rule must
stay silent on, and the nearby case it must still report.
"""

from __future__ import annotations

import pytest

from gongkai.models import Severity

ID_A = "520221199003072372"  # synthetic, GB 11643 checksum valid


def sensitive(report, kind=None):
    return [f for f in report.findings if f.category == "personal_data" and (kind is None or f.kind == kind)]


def names(report):
    return [f.text for f in sensitive(report, "person_name")]


# -- class 1: the names a 公示 or 名单 publishes by law ------------------------------------------------

def test_names_in_the_table_of_a_gongshi_are_public(docx_builder, tmp_path):
    from gongkai import check

    b = docx_builder()
    b.paragraph("关于2026年度勺米镇优秀村干部拟表彰人选的公示")
    b.paragraph("经村级推荐、镇党委研究，拟表彰以下同志，现予公示。")
    b.table([["序号", "姓名", "单位"], ["1", "柯文静", "新华村委会"], ["2", "蒲海涛", "周家村委会"]])
    report = check(b.save(tmp_path / "gongshi.docx"))
    assert names(report) == []


def test_names_in_the_table_of_a_notice_are_still_reported(docx_builder, tmp_path):
    from gongkai import check

    b = docx_builder()
    b.paragraph("关于核实困难群众家庭情况的通知")
    b.paragraph("请各村于本周内核实以下家庭情况。")
    b.table([["序号", "姓名", "单位"], ["1", "柯文静", "新华村委会"], ["2", "蒲海涛", "周家村委会"]])
    report = check(b.save(tmp_path / "notice.docx"))
    assert sorted(names(report)) == ["柯文静", "蒲海涛"]


def test_flattened_recruitment_list_publishes_its_names(check_text):
    text = ("勺米镇2026年拟聘用村级后备干部名单公示 现将拟聘用人员名单公示如下，公示期5个工作日。 "
            "序号 岗位 考生 姓名 准考证号 1 村务专干 柯文静 2026010203 2 村务专干 蒲海涛 2026010207")
    assert names(check_text(text)) == []


def test_name_next_to_an_id_number_in_a_gongshi_is_still_reported(check_text):
    text = ("关于2026年第二批城乡低保对象的公示\n"
            f"户主 柯文静 身份证号 {ID_A} 新华村")
    report = check_text(text)
    assert names(report) == ["柯文静"]
    assert [f.kind for f in sensitive(report, "id_card")] == ["id_card"]


def test_bio_entry_of_a_pre_appointment_notice_without_its_title(check_text):
    # a web page whose heading was not kept: the 公示 says what it is in its operative sentence
    text = ("经镇党委研究，拟推荐吴立新同志为县级优秀党务工作者人选，现予以公示。"
            "吴立新，男，汉族，1980年5月出生，大学学历，现任勺米镇党政办主任。")
    assert names(check_text(text)) == []


def test_same_bio_in_a_letter_reply_is_reported(check_text):
    text = "关于群众来信反映问题的复函\n来信人吴立新，男，1980年5月出生，反映自家宅基地被占。"
    assert names(check_text(text)) == ["吴立新"]


def test_private_person_in_a_gongshi_sentence_is_still_reported(check_text):
    # the 公示 publishes its list; a 来信人 named in a sentence is no part of it
    text = "关于2026年度残疾人两项补贴对象的公示\n来信人蒲海涛反映其家庭困难，经核实不符合条件。"
    assert names(check_text(text)) == ["蒲海涛"]


# -- class 2: an office's contact details ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "（联系人：龚晓岚；联系电话：0858-8123456）",
    "联系人：龚晓岚、蒲海涛  电话：88123456、88123457",
    "经办人：龚晓岚 分管领导：蒲海涛",
    "举报电话：县纪委24336100；苏澳镇13885811234；平原镇24255536，13885811235。",
    "电话：0858-82436243；传真：82436410；电子邮箱：82436240@163.com",
    "普通货物运输行业申请电子邮件地址：hyzx2026@163.com",
])
def test_office_contacts_are_not_errors(check_text, text):
    assert [f for f in sensitive(check_text(text)) if f.severity > Severity.INFO] == []


def test_consultation_line_that_is_a_mobile_is_information_only(check_text):
    found = sensitive(check_text("咨询电话：13885811234"))
    assert [(f.kind, f.severity) for f in found] == [("mobile", Severity.INFO)]


@pytest.mark.parametrize("text, kinds", [
    ("（联系人：龚晓岚；联系电话：13885811234）", {"mobile"}),          # the person's own mobile
    ("请拨打县农机站：24369312、龚晓岚：13885811234。", {"mobile"}),
    ("联系人：龚晓岚，电子邮件：gongxl@163.com", {"email"}),
    (f"申请人单位：新华村；联系人蒲海涛，身份证号：{ID_A}。", {"person_name", "id_card"}),
    ("联系人蒲海涛（家庭电话：0858-8123456）", {"person_name", "landline"}),
])
def test_a_persons_own_details_are_still_reported(check_text, text, kinds):
    assert {f.kind for f in sensitive(check_text(text))} == kinds


# -- class 3: name fragments ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "居民反映的问题由区交建局负责办理。",
    "驾驶员向我委申请通行证。",
    "将企业、车辆和驾驶员白名单库推送至平台。",
    "来信人反映，办公室设在县住建局。",
])
def test_fragments_of_words_are_no_names(check_text, text):
    assert names(check_text(text)) == []


@pytest.mark.parametrize("text, name", [
    ("来信人区志强反映区交建局办事拖延。", "区志强"),
    ("驾驶员白雪松，男，反映通行证未办结。", "白雪松"),
])
def test_real_names_next_to_those_words_still_found(check_text, text, name):
    assert names(check_text(text)) == [name]


# -- class 4: addresses of places, not homes -------------------------------------------------------

def addresses(report):
    return [f.text for f in sensitive(report, "address")]


@pytest.mark.parametrize("text", [
    # the premises of a registered business in a 开业登记公告 (a flattened table: header, then rows)
    "个体工商户开业登记公告 序号 注册号 名称 经营场所 经营者 1 520221600100011 勺米镇鑫荣日杂店 "
    "贵州省六盘水市钟山区大河镇周家村3组12号 柯文静 2 520221600100029 勺米镇佳惠副食店 大河镇新华路97号 蒲海涛",
    # a list of sites whose cells became lines
    "燃气车辆回收点一览表\n站点名称\n站点地址\n咨询电话\n勺米油气有限公司\n钟山大道2219号\n0858-8123456",
    # an office's address given for enquiries
    "如有疑问，请与勺米镇人民政府办公室联系（地址：勺米镇新华路10号；电话：0858-8123456）。",
    # a property in a 不动产 notice
    "不动产坐落：勺米镇新华村幸福小区5栋301室，权利类型：国有建设用地使用权。",
])
def test_places_are_not_homes(check_text, text):
    assert addresses(check_text(text)) == []


@pytest.mark.parametrize("text", [
    "户主柯文静，住址：贵州省六盘水市钟山区大河镇周家村3组12号。",
    "困难户名单\n姓名\n家庭住址\n柯文静\n新华村3组12号",
    "来信人柯文静（地址：勺米镇新华村3组12号）反映道路破损。",
    # a home label after the business one: the 经营者's own 住址 is a home again
    "经营场所：大河镇新华路97号；经营者柯文静，住址：新华村3组12号。",
])
def test_homes_are_still_reported(check_text, text):
    assert addresses(check_text(text)) != []


# -- the misses: what real notices expose and the rules now find -------------------------------------

@pytest.mark.parametrize("text, name", [
    ("关于路灯维修来信的答复\n李红梅女士：\n您反映的小区路灯损坏问题已转交相关部门。", "李红梅"),
    ("尊敬的蒲海涛先生：您好！您的来信已收悉。", "蒲海涛"),
    ("关于宅基地问题的答复意见\n柯文静同志：你于2026年3月12日来信反映的宅基地纠纷问题，经调查，答复如下。", "柯文静"),
    ("仉海涛同志：您提出的政府信息公开申请收悉。", "仉海涛"),
    ("限期拆除违法建筑公告\n柯文静：\n你在新华村未经批准擅自建设的房屋，违反了《中华人民共和国城乡规划法》。", "柯文静"),
    ("蒲海涛：因你无法联系，现依法向你公告送达行政处罚决定书。", "蒲海涛"),
    ("王秀兰：\n你在新华村未经批准建设的房屋应于十日内拆除。", "王秀兰"),  # a name jieba lists (nr)
    # roles of property, administrative and court documents (a 不动产 notice, a penalty, a petition)
    ("不动产首次登记公告\n权利人：柯文静，坐落：新华村3组。", "柯文静"),
    ("被处罚人：蒲海涛，违法事实：擅自占用道路。", "蒲海涛"),
    ("据求助人蒲海涛陈述，其家庭生活困难。", "蒲海涛"),
    # a private detail labelled right after the name
    ("蒲海涛（身份证号：520221199003072372）家住新华村。", "蒲海涛"),
    ("蒲海涛（公民身份号码：520221199003072372）家庭困难。", "蒲海涛"),  # the longest detail word
    ("蒲海涛，联系电话13885811234，家庭困难。", "蒲海涛"),
    ("施工负责人：周平，联系电话：0858-8123456。", "周平"),
    ("张建国等126户被征收人房屋征收补偿方案的公示", "张建国"),
])
def test_names_in_salutations_role_lines_and_titles(check_text, text, name):
    assert names(check_text(text)).count(name) == 1  # found, and once (a salutation is one finding)


def test_a_count_closes_a_list_of_private_people(check_text):
    found = names(check_text("关于低保审核情况的报告\n经审核，蒲海涛、王秀兰和陈建国等3户符合低保条件。"))
    assert sorted(found) == sorted(["蒲海涛", "王秀兰", "陈建国"])


def test_a_household_named_by_its_head_after_its_village(check_text):
    text = "关于危房改造补助资金发放的通知\n对以下危房改造户发放补助资金：北厝村林阿水户补助15000元，东澳村陈金花户补助12000元。"
    assert sorted(names(check_text(text))) == sorted(["林阿水", "陈金花"])


def test_household_words_after_a_village_are_no_names(check_text):
    assert names(check_text("新华村五保户、低保户和贫困户的补助资金已发放到户。")) == []


@pytest.mark.parametrize("text", [
    # common words jieba's dictionary tags as names (文明, 明星, 康复, 顾问, 高峰), after a role word
    "社区组织居民文明公约宣讲活动。", "开展学生明星评选活动。", "新建居民康复中心一处。", "避开户主高峰期办理。",
    "成立村民顾问团成立大会。", "印发救助对象花名册。", "发放村民明白纸1000份。",
])
def test_common_words_after_a_role_word_are_no_names(check_text, text):
    assert names(check_text(text)) == []


@pytest.mark.parametrize("text, name", [
    ("户主：高峰，男，1965年出生。", "高峰"),          # the same words, set off as a name
    ("申请人向阳反映道路破损。", "向阳"),
    ("申请人李娜的丈夫长期患病。", "李娜"),
    ("申请人司马敏敏反映道路破损。", "司马敏敏"),       # a compound surname and its given name, whole
])
def test_frequent_dictionary_names_set_off_as_names_are_found(check_text, text, name):
    assert names(check_text(text)) == [name]


def test_an_offices_contact_named_after_its_office_is_published_on_purpose(check_text):
    report = check_text("关于开展防汛检查的通知\n请各村完成自查。联系人：镇应急办 蒲海涛，联系电话：0858-8123456。")
    assert names(report) == []


def test_a_count_of_honoured_people_is_no_cue(check_text):
    assert names(check_text("经审定，蒲海涛等12名同志入选首届勺米镇优秀村干部名单，现予公布。")) == []


@pytest.mark.parametrize("text", [
    "各位先生、女士：欢迎参加座谈会。",              # no name before the salutation
    "王先生指出，这项工作要抓紧。",                    # not a salutation at the head of a paragraph
    "项目负责人：周平同志主持会议。",                  # an official named in capacity
    "柯文静同志：你在防汛救灾工作中表现突出，特致函感谢。",  # 同志 in a letter that answers no petition
    "经研究，决定任命柯文静同志为镇财政所所长。",      # an appointment: 同志 not in a salutation
    "会上，柯文静同志：要认真对待群众来信反映的问题。",  # 同志： not at the head of the paragraph
    "柯文静：我认为这项工作要抓紧。",                  # a speaker, not an addressee
    "付款方：\n高新区：你单位报送的材料已收悉。\n方法：你们要认真核对。",  # words, not names, before the colon
    "施工负责人应当在现场值守。",                       # no name after the role
    "北风井施工负责人周平受到开除留用察看处分。",       # no role line: a person named in a published finding
])
def test_no_name_where_none_is_addressed(check_text, text):
    assert names(check_text(text)) == []


def test_tenant_with_dwelling_unit_in_an_allocation_gongshi(check_text):
    text = ("关于2026年公共租赁住房配租结果的公示\n"
            "承租人 柯文静 幸福家园小区6#301室\n"
            "配租对象仉海涛，配租幸福家园小区7栋1单元302室。")
    report = check_text(text)
    assert sorted(names(report)) == ["仉海涛", "柯文静"]
    assert len(addresses(report)) == 2


def test_allocation_list_without_dwelling_units_is_public(check_text):
    text = "关于2026年公共租赁住房配租资格的公示\n承租人 柯文静 三人户\n承租人 仉海涛 二人户"
    assert names(check_text(text)) == []


@pytest.mark.parametrize("text, name", [
    ("当事人仉建波，男，1975年出生。", "仉建波"),
    ("户主揭秀英，身份证号" + ID_A + "。", "揭秀英"),
    ("申请人佘志刚反映家庭困难。", "佘志刚"),
    ("村民笪红英、禚立新反映用水困难。", "笪红英"),
])
def test_rare_surnames(check_text, text, name):
    assert name in names(check_text(text))


@pytest.mark.parametrize("text, term", [
    ("申请人佘志刚患有慢性肾病，需长期透析。", "慢性肾病"),
    ("户主蒲海涛经劳动能力鉴定，部分丧失劳动能力。", "部分丧失劳动能力"),
])
def test_health_information_about_a_person(check_text, text, term):
    assert term in [f.text for f in sensitive(check_text(text), "health_info")]


def test_health_words_in_a_policy_sentence_are_silent(check_text):
    assert sensitive(check_text("对因慢性肾病需长期透析的困难群众给予医疗救助。"), "health_info") == []


@pytest.mark.parametrize("text, severity", [
    ("来信人蒲海涛，QQ：603718640，反映噪声扰民。", Severity.WARNING),
    ("联系人：龚晓岚 电话：0858-8123456 QQ:603718641", Severity.INFO),
    ("申请人柯文静，微信号：kewj_2026", Severity.WARNING),
])
def test_qq_and_wechat_accounts_of_persons(check_text, text, severity):
    found = sensitive(check_text(text), "im_account")
    assert [(f.rule, f.severity) for f in found] == [("D112", severity)]
    assert found[0].text.isascii()


@pytest.mark.parametrize("text", [
    "监督举报QQ：603718640",
    "欢迎加入勺米镇政务公开QQ群：603718640",
    "关注微信公众号：shaomizhen",
    "QQ：60****640",
])
def test_office_channels_and_masked_accounts_are_silent(check_text, text):
    assert sensitive(check_text(text), "im_account") == []
