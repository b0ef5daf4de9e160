"""One masking boundary: every text a report carries passes the masker, in every written form.

Synthetic, checksum-valid fakes only (stdnum's check digits), never real people.
"""

from __future__ import annotations

import json

from stdnum import luhn
from stdnum.cn import ric

from gongkai.output import mask
from gongkai.output.masking import Masker
from gongkai.output.render import report_dict, text_lines

ID_A = "520221199003072372"
MOBILE = "13885811234"
CARD = "622202123456789" + luhn.calc_check_digit("622202123456789")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def test_fixture_values_are_valid():
    assert ric.calc_check_digit(ID_A) == ID_A[-1] and luhn.is_valid(CARD)


def test_n110_quotes_no_full_width_value_and_suggests_no_half_width_one(check_text):
    text = f"申请人身份证号{ID_A.translate(WIDE)}，联系电话{MOBILE.translate(WIDE)}，银行卡号{CARD.translate(WIDE)}。"
    report = check_text(text)
    assert {f.rule for f in report.findings} >= {"N110", "D101", "D102", "D104"}
    d = report_dict(report)
    n110 = [f for f in d["findings"] if f["rule"] == "N110"]
    assert len(n110) == 3
    assert {f["suggestion"] for f in n110} == {"520221********2372", "138****1234", CARD[:4] + "*" * 8 + CARD[-4:]}
    assert {f["text"] for f in n110} == {mask(v.translate(WIDE), k) for v, k in
                                         ((ID_A, "id_card"), (MOBILE, "mobile"), (CARD, "bank_card"))}
    shown = json.dumps(d, ensure_ascii=False) + "\n".join(line for line, _ in text_lines(report))
    for value in (ID_A, MOBILE, CARD):
        assert value not in shown and value.translate(WIDE) not in shown
    revealed = json.dumps(report_dict(report, reveal=True), ensure_ascii=False)
    assert ID_A in revealed and ID_A.translate(WIDE) in revealed


def test_spaced_and_full_width_values_keep_their_shape():
    assert mask("5202 2119 9003 0723 72", "id_card") == "5202 21** **** **23 72"
    assert mask(ID_A.translate(WIDE), "id_card") == "５２０２２１********２３７２"
    assert mask("138 8581 1234", "mobile") == "138 **** 1234"
    assert mask("+86 138-8581-1234", "mobile") == "+86 138-****-1234"
    assert mask("0858-8123456", "landline") == "0858-*****56"


def test_masker_finds_a_reported_number_in_another_written_form():
    from types import SimpleNamespace

    found = [SimpleNamespace(sensitive=True, text=ID_A, kind="id_card")]
    m = Masker(found)
    assert m(f"号码 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]} 有误") == "号码 520221 ******** 2372 有误"
    assert m(ID_A.translate(WIDE)) == "５２０２２１********２３７２"
    assert Masker(found, reveal=True)(ID_A) == ID_A


def test_masker_masks_numbers_the_validators_recognise_without_any_finding():
    m = Masker()
    assert m(f"卡号{CARD}，手机{MOBILE}，证号{ID_A}") == (
        f"卡号{CARD[:4]}{'*' * 8}{CARD[-4:]}，手机138****1234，证号520221********2372")
    # dates, amounts, document numbers and office numbers stay as they are
    kept = "勺府发〔2025〕3号，2025年3月5日，资金12345678.00元，电话0858-8123456"
    assert m(kept) == kept


def test_n110_reports_a_grouped_full_width_number_as_one_span(check_text):
    # group by group, the middle digits of a mobile would be quoted and suggested unmasked
    report = check_text(f"申请人联系电话{'138－8581－1234'.translate(WIDE)}。")
    n110 = [f for f in report.findings if f.rule == "N110"]
    assert [f.text for f in n110] == ["１３８－８５８１－１２３４"]
    d = report_dict(report)
    assert [f["suggestion"] for f in d["findings"] if f["rule"] == "N110"] == ["138-****-1234"]


def test_an_id_number_ending_in_x_is_masked_with_or_without_its_letter():
    body = "11010519491231002"  # GB 11643's own example, 11010519491231002X
    m = Masker()
    assert m(body + "X") == "110105********002X"
    assert m(body) == "110105********002"
    assert m(body.translate(WIDE) + "Ｘ") == "１１０１０５********００２Ｘ"


def test_the_advice_quotes_the_mask_the_report_uses(check_text):
    # issue 20 item 8: the advice said 如 张* while the name was masked 张**
    report = check_text(f"申请人张建国，身份证号{ID_A}，联系电话{MOBILE}，银行卡号{CARD}。")
    personal = [f for f in report.findings if f.category == "personal_data"]
    assert {f.kind for f in personal} >= {"person_name", "id_card", "mobile", "bank_card"}
    d = {f["kind"]: f for f in report_dict(report)["findings"] if f["category"] == "personal_data"}
    assert d["person_name"]["text"] == "张**"
    for kind, f in d.items():
        assert f"如 {f['text']}；" in f["suggestion"], (kind, f["suggestion"])
