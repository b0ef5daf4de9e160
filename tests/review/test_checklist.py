"""The 三审三校 checklist (review/checklist.py): unit behaviour and a property test against an oracle."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.review.checklist import (
    PROOF,
    READ_ALOUD,
    SECRECY,
    SIGN,
    START,
    WAIVE,
    Event,
    Facts,
    FindingFact,
    apply,
    fold,
    gate,
    parse_stage,
    refusal,
    validate_roster,
)

ROSTER = {"甲": "编辑", "乙": "股室负责人", "丙": "分管领导", "丁": "主要领导", "庚": "校对"}
CLEAN = Facts(content="a", label="主动公开")


def happy(content="a", important=False):
    return [
        Event(START, content, important=important),
        Event(SIGN, content, "甲", stage="初审"),
        Event(SIGN, content, "乙", stage="复审"),
        Event(SIGN, content, "丙", stage="终审"),
        Event(PROOF, content, "庚"), Event(PROOF, content, "庚"), Event(PROOF, content, "庚"),
        Event(SECRECY, content, "丙"),
    ]


def codes(missing):
    return [m.code for m in missing]


def test_complete_review_is_releasable():
    assert gate(fold(happy(), ROSTER), CLEAN, ROSTER) == []


def test_nothing_started_lists_only_the_start():
    assert codes(gate(fold([]), CLEAN)) == ["not_started"]


def test_every_missing_item_is_listed():
    state = fold([Event(START, "a", important=True)])
    missing = gate(state, Facts("a", None, (FindingFact("D101", "id_card", "error"),)))
    assert codes(missing) == ["stage_1", "stage_2", "stage_3", "proof", "read_aloud", "secrecy", "label", "findings"]


def test_stages_must_be_signed_in_order():
    state = fold([Event(START, "a")])
    why = refusal(state, Event(SIGN, "a", "乙", stage="复审"))
    assert why and "须先完成初审" in why
    assert fold([Event(START, "a"), Event(SIGN, "a", "乙", stage="复审")]).signed == {}


def test_rejection_reopens_the_stage_and_clears_later_ones():
    events = happy()[:4] + [Event(SIGN, "a", "乙", stage="复审", reject=True, note="数据有误")]
    state = fold(events)
    assert set(state.signed) == {"初审"}
    missing = gate(state, CLEAN)
    assert "复审被乙退回，尚未重新签署" in [m.message for m in missing]
    assert "stage_3" in codes(missing)


def test_resigning_after_rejection_is_accepted():
    events = happy() + [Event(SIGN, "a", "丙", stage="终审", reject=True), Event(SIGN, "a", "丁", stage="终审")]
    # the 保密审查 belongs to whoever now decides publication (谁发布谁审查): 丙's no longer counts
    assert codes(gate(fold(events, ROSTER), CLEAN, ROSTER)) == ["secrecy"]
    assert gate(fold(events + [Event(SECRECY, "a", "丁")], ROSTER), CLEAN, ROSTER) == []


def test_signing_a_signed_stage_twice_is_refused():
    state = fold(happy()[:2])
    assert "已由甲签署" in refusal(state, Event(SIGN, "a", "戊", stage="初审"))


def test_proof_rounds_count_since_the_last_content_change():
    events = [Event(START, "a"), Event(PROOF, "a", "庚"), Event(PROOF, "a", "庚"), Event(PROOF, "b", "庚")]
    assert len(fold(events).proofs) == 1


def test_edit_after_final_review_lists_stages_to_redo():
    state = fold(happy())
    missing = gate(state, Facts("b", "主动公开"))
    assert codes(missing)[0] == "content_changed"
    assert "初审、复审、终审" in missing[0].message
    assert "初审须重做（文档内容改动后尚未重新签署）" in [m.message for m in missing]


def test_sign_on_edited_content_must_restart_from_first_review():
    state = fold(happy())
    why = refusal(state, Event(SIGN, "b", "乙", stage="复审"))
    assert "须先完成初审（文档内容已改动，须重做）" in why
    state, why = apply(state, Event(SIGN, "b", "甲", stage="初审"))
    assert why is None and state.redo == ("复审", "终审") and set(state.signed) == {"初审"}


def test_important_items_need_read_aloud():
    state = fold(happy(important=True))
    assert codes(gate(state, CLEAN)) == ["read_aloud"]
    assert gate(apply(state, Event(READ_ALOUD, "a", "庚"))[0], CLEAN) == []


def test_roster_refuses_second_and_final_review_without_the_role():
    state = fold(happy()[:2], ROSTER)
    assert "无权复审" in refusal(state, Event(SIGN, "a", "甲", stage="复审"), ROSTER)
    assert "不在人员名册中" in refusal(state, Event(SIGN, "a", "陌生人", stage="复审"), ROSTER)
    state = fold(happy()[:3], ROSTER)
    assert "无权终审" in refusal(state, Event(SIGN, "a", "乙", stage="终审"), ROSTER)
    assert refusal(state, Event(SIGN, "a", "丁", stage="终审"), ROSTER) is None


def test_rejection_needs_the_role_of_the_stage_or_a_later_one():
    state = fold(happy(), ROSTER)
    assert "无权退回复审" in refusal(state, Event(SIGN, "a", "甲", stage="复审", reject=True), ROSTER)
    assert refusal(state, Event(SIGN, "a", "丁", stage="复审", reject=True), ROSTER) is None
    assert "无权退回终审" in refusal(state, Event(SIGN, "a", "乙", stage="终审", reject=True), ROSTER)


def test_without_roster_anyone_may_sign():
    state = fold(happy()[:2])
    assert refusal(state, Event(SIGN, "a", "戊", stage="复审")) is None


# --- separation of duties (《信息审核发布管理制度》第一条、第二条、第九条) ---------------------------


def test_one_person_cannot_sign_two_stages_even_without_a_roster():
    state = fold(happy()[:3])
    why = refusal(state, Event(SIGN, "a", "甲", stage="终审"))
    assert "甲已签署本文档的初审，同一人不得再签署终审" in why and "第一条" in why


def test_one_person_cannot_sign_two_stages_with_every_role():
    roster = {**ROSTER, "丁": ["股室负责人", "主要领导"]}
    state = fold(happy()[:2] + [Event(SIGN, "a", "丁", stage="复审")], roster)
    assert "丁已签署本文档的复审" in refusal(state, Event(SIGN, "a", "丁", stage="终审"), roster)


def test_a_rejection_is_not_a_second_stage():
    state = fold(happy()[:4])
    assert refusal(state, Event(SIGN, "a", "乙", stage="终审", reject=True)) is None


def test_the_drafter_signs_neither_second_nor_final_review():
    events = [Event(START, "a", "甲"), Event(SIGN, "a", "戊", stage="初审")]
    state = fold(events)
    assert state.drafter == "甲"
    why = refusal(state, Event(SIGN, "a", "甲", stage="复审"))
    assert "甲是本文档的起草人，不得签署复审" in why and "第一条" in why
    state = fold(events + [Event(SIGN, "a", "乙", stage="复审")])
    assert "起草人" in refusal(state, Event(SIGN, "a", "甲", stage="终审"))


def test_the_drafter_may_sign_the_first_review():
    assert refusal(fold([Event(START, "a", "甲")]), Event(SIGN, "a", "甲", stage="初审")) is None


def test_a_later_start_does_not_change_the_drafter():
    assert fold([Event(START, "a", "甲"), Event(START, "a", "乙")]).drafter == "甲"


def test_read_aloud_by_anyone_but_the_drafter():
    state = fold([Event(START, "a", "甲", important=True)])
    why = refusal(state, Event(READ_ALOUD, "a", "甲"))
    assert "起草人以外" in why and "第二条" in why
    assert refusal(state, Event(READ_ALOUD, "a", "乙")) is None


def test_proof_rounds_by_proofreaders_when_roles_are_known():
    state = fold(happy()[:4], ROSTER)
    why = refusal(state, Event(PROOF, "a", "乙"), ROSTER)
    assert "乙（股室负责人）不是校对人员" in why and "第二条" in why
    assert refusal(state, Event(PROOF, "a", "庚"), ROSTER) is None
    assert refusal(state, Event(PROOF, "a", "乙")) is None  # no roles known: anyone, as before


def test_one_proofreader_may_do_all_three_rounds():
    assert codes(gate(fold(happy(), ROSTER), CLEAN, ROSTER)) == []
    assert [a.by for a in fold(happy(), ROSTER).proofs] == ["庚", "庚", "庚"]


def test_proofs_by_someone_who_lost_the_role_do_not_count():
    roster = {**ROSTER, "庚": "编辑"}
    missing = gate(fold(happy(), ROSTER), CLEAN, roster)
    assert codes(missing) == ["proof"] and "另有 3 次非校对人员所校" in missing[0].message


def test_secrecy_by_the_final_signer_or_the_secrecy_role():
    roster = {**ROSTER, "戊": ["校对", "保密审查"]}
    before_final = fold(happy()[:3], roster)
    why = refusal(before_final, Event(SECRECY, "a", "乙"), roster)
    assert "不能作保密审查" in why and "终审尚未签署" in why and "第九条" in why
    assert refusal(before_final, Event(SECRECY, "a", "戊"), roster) is None
    after_final = fold(happy()[:4], roster)
    assert refusal(after_final, Event(SECRECY, "a", "丙"), roster) is None
    assert "当前终审签署人：丙" in refusal(after_final, Event(SECRECY, "a", "甲"), roster)


def test_negative_info_needs_the_principal_leader():
    facts = Facts("a", "主动公开", (FindingFact("G101", "negative_info", "warning"),))
    assert codes(gate(fold(happy(), ROSTER), facts, ROSTER)) == ["negative_info"]
    events = happy()[:3] + [Event(SIGN, "a", "丁", stage="终审")] + happy()[4:-1] + [Event(SECRECY, "a", "丁")]
    assert gate(fold(events, ROSTER), facts, ROSTER) == []


def test_waiver_by_final_signer_clears_an_error_finding():
    facts = Facts("a", "主动公开", (FindingFact("D101", "id_card", "error"), FindingFact("T101", "typo", "warning")))
    assert codes(gate(fold(happy()), facts)) == ["findings"]
    waived = happy() + [Event(WAIVE, "a", "丙", rule="D101", note="系公开的投诉电话")]
    assert gate(fold(waived), facts) == []


def test_waiver_needs_final_signer_and_reason():
    state = fold(happy())
    assert "终审签署人（丙）" in refusal(state, Event(WAIVE, "a", "乙", rule="D101", note="理由"))
    assert "理由" in refusal(state, Event(WAIVE, "a", "丙", rule="D101", note=" "))
    assert "终审签署后" in refusal(fold(happy()[:3]), Event(WAIVE, "a", "乙", rule="D101", note="x"))


def test_events_before_start_are_refused():
    assert "尚未开始审核" in refusal(fold([]), Event(PROOF, "a", "庚"))


def test_stage_names_accept_english_aliases():
    assert [parse_stage(s) for s in ("first", "Second", "终审")] == ["初审", "复审", "终审"]
    with pytest.raises(ValueError):
        parse_stage("四审")


def test_roster_roles_are_validated():
    assert validate_roster({"张三": "编辑"}) == {"张三": "编辑"}
    with pytest.raises(ValueError, match="张三"):
        validate_roster({"张三": "局长"})


# --- property test: the machine against an independent oracle -------------------------------

LEADERS = ("分管领导", "主要领导")
NAMES = ("甲", "乙", "丙", "丁", "戊", "")
ORDER = ("初审", "复审", "终审")


def roles(roster, name):
    value = (roster or {}).get(name)
    return {value} if isinstance(value, str) else set(value or ())


def oracle(events, facts, fold_roster, gate_roster):
    """Release allowed? Written from the rules, as a stage counter, without the machine's code."""
    started, important, content, drafter = False, False, None, ""
    progress, signers = 0, []  # signed stages form a prefix: the first ``progress`` stages
    proofs, read, secrecy, waived = [], False, None, set()

    def fresh():
        return 0, [], [], False, None, set()

    for e in events:
        changed = content is not None and e.content != content
        if e.kind == START:
            if changed:
                progress, signers, proofs, read, secrecy, waived = fresh()
            if not started:
                drafter = e.by  # whoever opened the review is its drafter
            content, started, important = e.content, True, important or e.important
            continue
        if not started or not e.by.strip():
            continue
        p, sg, pr, rd, sc, wv = fresh() if changed else (progress, list(signers), list(proofs), read, secrecy,
                                                          set(waived))
        if e.kind == SIGN:
            i = ORDER.index(e.stage)
            need = {1: {"股室负责人"}, 2: set(LEADERS)}.get(i)
            if e.reject:
                if p < i:
                    continue
                if fold_roster and i > 0 and not roles(fold_roster, e.by) & (({"股室负责人"} if i == 1 else set()) | set(LEADERS)):
                    continue
                p, sg, wv = i, sg[:i], set()  # the final sign-off goes, and the waivers with it
            else:
                if p != i or e.by in sg or (i > 0 and e.by == drafter):
                    continue  # in order; one person one stage; the drafter signs no later stage
                if fold_roster and need and not roles(fold_roster, e.by) & need:
                    continue
                p, sg = i + 1, sg + [e.by]
        elif e.kind == PROOF:
            if fold_roster and "校对" not in roles(fold_roster, e.by):
                continue
            pr = pr + [e.by]
        elif e.kind == READ_ALOUD:
            if e.by == drafter:
                continue
            rd = True
        elif e.kind == SECRECY:
            if fold_roster and not (p == 3 and sg[2] == e.by) and "保密审查" not in roles(fold_roster, e.by):
                continue
            sc = e.by
        elif e.kind == WAIVE:
            if p != 3 or sg[2] != e.by or not e.rule or not e.note.strip() or e.rule == "S101":
                continue  # a 密级 mark is never waived
            wv.add(e.rule)
        progress, signers, proofs, read, secrecy, waived = p, sg, pr, rd, sc, wv
        content = e.content
    if not started:
        return False
    if facts.content != content:
        progress, signers, proofs, read, secrecy, waived = fresh()
    counted = [name for name in proofs if not gate_roster or "校对" in roles(gate_roster, name)]
    ok = progress == 3 and len(counted) >= 3 and (read or not important) and secrecy is not None
    ok = ok and bool(facts.label) and not any(f.rule == "S101" for f in facts.findings)  # 密级: never
    ok = ok and all(f.rule in waived for f in facts.findings if f.severity == "error" or f.rule in ("S102", "A102"))
    if gate_roster and ok:
        ok = "股室负责人" in roles(gate_roster, signers[1]) and roles(gate_roster, signers[2]) & set(LEADERS)
        ok = ok and (secrecy == signers[2] or "保密审查" in roles(gate_roster, secrecy))
        if any(f.kind == "negative_info" for f in facts.findings):
            ok = ok and "主要领导" in roles(gate_roster, signers[2])
    return bool(ok)


contents = st.sampled_from(("a", "a", "a", "a", "a", "b"))
random_event = st.builds(
    Event,
    kind=st.sampled_from((START, SIGN, SIGN, SIGN, PROOF, READ_ALOUD, SECRECY, WAIVE)),
    content=contents,
    by=st.sampled_from(NAMES),
    stage=st.sampled_from(ORDER),
    reject=st.sampled_from((False, False, False, True)),
    important=st.booleans(),
    rule=st.sampled_from(("D101", "S101", "S102", "A102")),
    note=st.sampled_from(("", "理由")),
)


SIGNERS = {"初审": "甲", "复审": "乙", "终审": "丙"}


@st.composite
def sequences(draw):
    """A complete review, perhaps missing one step, sent back and signed again, with random
    events inserted; or pure noise."""
    if draw(st.integers(0, 4)) == 0:
        base = []
    else:
        base = happy(important=draw(st.booleans())) + [Event(WAIVE, "a", "丙", rule="D101", note="理由")]
        for rule in draw(st.sampled_from(((), ("S102",), ("S102", "A102"), ("S101", "A102")))):
            base.append(Event(WAIVE, "a", "丙", rule=rule, note="理由"))
        if draw(st.booleans()):
            base.append(Event(READ_ALOUD, "a", "庚"))
        drop = draw(st.integers(-len(base), len(base) - 1))
        if drop >= 0:
            del base[drop]
        if draw(st.booleans()):
            i = draw(st.integers(0, 2))
            base.append(Event(SIGN, "a", draw(st.sampled_from(NAMES)), stage=ORDER[i], reject=True))
            base += [Event(SIGN, "a", SIGNERS[s], stage=s) for s in ORDER[i:]]
    for _ in range(draw(st.integers(0, 4))):
        base.insert(draw(st.integers(0, len(base))), draw(random_event))
    return base


findings = st.sampled_from((
    [], [FindingFact("D101", "id_card", "error")], [FindingFact("G101", "negative_info", "warning")],
    [FindingFact("S102", "id_card", "error")], [FindingFact("A102", "id_card", "warning")],
    [FindingFact("S101", "id_card", "error")],
)) | st.lists(st.builds(
    FindingFact, rule=st.sampled_from(("D101", "S101", "S102", "A102", "G101")),
    kind=st.sampled_from(("id_card", "negative_info")), severity=st.sampled_from(("error", "warning")),
), max_size=3)
facts = st.builds(Facts, content=st.sampled_from(("a", "a", "a", "b")), label=st.sampled_from(("主动公开", None, "主动公开")),
                  findings=findings.map(tuple))
rosters = st.sampled_from((None, ROSTER, {**ROSTER, "丙": "主要领导"}, {**ROSTER, "戊": ["校对", "保密审查"]}))


@settings(max_examples=1000, deadline=None)
@given(sequences(), facts, rosters, rosters)
def test_release_possible_exactly_when_every_condition_holds(events, now, fold_roster, gate_roster):
    state = fold(events, fold_roster)
    missing = gate(state, now, gate_roster)
    assert (missing == []) == oracle(events, now, fold_roster, gate_roster)
    assert len({m.code for m in missing}) == len(missing)


PKG_A, PKG_B = "pkg1:" + "a" * 64, "pkg1:" + "b" * 64


def test_events_without_a_package_fingerprint_are_judged_by_content():
    state = fold(happy(), ROSTER)  # an old log: no package fingerprints
    assert gate(state, Facts("a", "主动公开", package=PKG_A), ROSTER) == []
    assert codes(gate(state, Facts("b", "主动公开", package=PKG_A), ROSTER))[0] == "content_changed"


def test_a_package_change_with_the_same_text_voids_the_review():
    events = [replace(e, package=PKG_A, places={"图片：word/media/image1.png": "1"}) for e in happy()]
    state = fold(events, ROSTER)
    assert gate(state, Facts("a", "主动公开", package=PKG_A), ROSTER) == []
    missing = gate(state, Facts("a", "主动公开", package=PKG_B, places={"图片：word/media/image1.png": "2"}), ROSTER)
    assert codes(missing)[0] == "content_changed" and "图片：word/media/image1.png" in missing[0].message
    # a sign-off on the changed file starts over from 初审
    _, why = apply(state, Event(SIGN, "a", "丙", stage="终审", package=PKG_B), ROSTER)
    assert "须先完成初审" in why


def test_an_old_log_continued_with_package_prints_adopts_the_first_one():
    state = fold([*happy()[:-1], replace(happy()[-1], package=PKG_A)], ROSTER)
    assert state.package == PKG_A and len(state.proofs) == 3 and "终审" in state.signed
    assert codes(gate(state, Facts("a", "主动公开", package=PKG_B), ROSTER)) [0] == "content_changed"


def test_a_classification_mark_blocks_release_whatever_was_waived():
    events = [*happy(), Event(WAIVE, "a", "丙", rule="S101", note="领导同意")]
    state = fold(events, ROSTER)
    assert "S101" not in state.waivers
    _, why = apply(fold(happy(), ROSTER), events[-1], ROSTER)
    assert "不得豁免" in why and "第九条" in why
    mark = Facts("a", "主动公开", (FindingFact("S101", "classification_mark", "info"),))
    assert codes(gate(state, mark, ROSTER)) == ["classified"]


@pytest.mark.parametrize("finding", [FindingFact("S102", "internal_marking", "error"),
                                     FindingFact("A102", "label_conflict", "warning"),
                                     FindingFact("A102", "label_conflict", "info")])
def test_internal_marks_and_label_conflicts_need_the_final_signers_reason(finding):
    now = Facts("a", "主动公开", (finding,))
    assert codes(gate(fold(happy(), ROSTER), now, ROSTER)) == ["restricted"]
    waived = fold([*happy(), Event(WAIVE, "a", "丙", rule=finding.rule, note="已核实可公开")], ROSTER)
    assert gate(waived, now, ROSTER) == []
    assert waived.waivers[finding.rule].note == "已核实可公开"
