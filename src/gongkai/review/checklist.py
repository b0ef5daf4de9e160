"""The 三审三校 checklist as a pure state machine (no I/O, no clock, no database).

《勺米镇政务公开信息审核发布管理制度》一 requires 分级审核、先审后发: 初审 by the editor,
复审 by the section head, 终审 by the principal or deputy leader; 二 requires at least three
校次 and, for important information, 全文书面诵读; 九 requires 保密审查 before publishing
(谁发布谁审查、事前审查); 十 requires the principal leader's approval for 负面信息.

Separation of duties (the same rules for ``gongkai review`` and the web desk): one person signs
at most one of 初审/复审/终审 of a document; the drafter (whoever opened the review) signs
neither 复审 nor 终审 and does not do the 全文书面诵读; and where the office's people have roles
(a roster or accounts), 校次 are done by 校对 and the 保密审查 by the 终审 signer or a person with
the 保密审查 role.

Events are folded in order into a :class:`Checklist`. Every event carries the content
fingerprint of the document it was made on (``Document.content_sha256``) and, since the
package fingerprint was introduced, the fingerprint of the whole file (``package``, versioned:
``pkg1:…``, with per-place digests in ``places``). Two prints are the same document when
their content fingerprints agree and, where both sides carry a package fingerprint of the
same version, those agree too; events logged before package fingerprints existed are thus
judged by the content fingerprint they were made with. An event on a different print is a
content change, which voids everything recorded on the old
content: the sign-offs (they are listed as stages to redo), the 校次 (counted again from
zero), the read-aloud, the 保密审查 and the waivers. Folding is total: an event the rules
refuse (out of order, wrong role, before ``start``) leaves the state as it was, so a log
written by two clerks at once still folds to one well-defined state.

:func:`gate` compares a checklist with the facts of the document as it is now (its
fingerprint, 公开属性 label and findings) and lists every missing item; release is allowed
exactly when that list is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

BASIS_STAGES = "《勺米镇政务公开信息审核发布管理制度》第一条"
BASIS_PROOF = "《勺米镇政务公开信息审核发布管理制度》第二条"
BASIS_SECRECY = "《勺米镇政务公开信息审核发布管理制度》第九条"
BASIS_NEGATIVE = "《勺米镇政务公开信息审核发布管理制度》第十条"
BASIS_LABEL = "《勺米镇政务公开信息审核发布管理制度》第十一条"
BASIS_FINDINGS = "《勺米镇政务公开信息审核发布管理制度》第五条"
BASIS_CONTENT = "《勺米镇政务公开信息审核发布管理制度》第一条（先审后发）"
BASIS_CLASSIFIED = "《勺米镇政务公开信息审核发布管理制度》第九条、第十三条"
BASIS_RESTRICTED = "《勺米镇政务公开信息审核发布管理制度》第九条、第十一条"

#: A 密级 mark (绝密/机密/秘密★): never released, no waiver (涉密信息不得上网发布).
CLASSIFIED_RULES, CLASSIFIED_KINDS = ("S101",), ("classification_mark",)
#: 内部/工作秘密 marks and a 公开属性 that contradicts the content: released only when the 终审
#: signer records a reason (a waiver), whatever the finding's severity.
RESTRICTED_RULES = {"S102": "内部资料/工作秘密标志", "A102": "公开属性与内容不符"}
RESTRICTED_KINDS = ("internal_marking", "label_conflict")

#: The three review stages in order.
STAGES = ("初审", "复审", "终审")
STAGE_ALIASES = {
    "初审": "初审", "first": "初审", "1": "初审",
    "复审": "复审", "second": "复审", "2": "复审",
    "终审": "终审", "final": "终审", "3": "终审",
}
#: Roles a roster may give a person.
ROLES = ("编辑", "校对", "股室负责人", "分管领导", "主要领导")
#: A role held beside another: may do the 保密审查 without being the 终审 signer.
SECRECY_ROLE = "保密审查"
PROOF_ROLE = "校对"
#: Roles an account may hold: the roster's, the secrecy role, the 党政办's 登记员 and the administrator.
ACCOUNT_ROLES = (*ROLES, SECRECY_ROLE, "登记员", "管理员")
#: Who may sign a stage when the office keeps a roster (None = anyone).
STAGE_ROLES: dict[str, tuple[str, ...] | None] = {
    "初审": None,
    "复审": ("股室负责人",),
    "终审": ("分管领导", "主要领导"),
}
PROOF_ROUNDS = 3

#: Event kinds.
START, SIGN, PROOF, READ_ALOUD, SECRECY, WAIVE = "start", "sign", "proof", "read_aloud", "secrecy", "waive"
KINDS = (START, SIGN, PROOF, READ_ALOUD, SECRECY, WAIVE)
#: Kinds that record one person's act and need a name.
ACTS = {SIGN: "签署", PROOF: "校对", READ_ALOUD: "全文书面诵读", SECRECY: "保密审查", WAIVE: "豁免"}


def parse_stage(value: str) -> str:
    """初审/复审/终审 or first/second/final → the Chinese stage name."""
    stage = STAGE_ALIASES.get(str(value).strip().lower())
    if stage is None:
        raise ValueError(f"未知审核阶段 {value!r}（应为 初审/复审/终审 或 first/second/final）")
    return stage


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only review log."""

    kind: str
    content: str  # Document.content_sha256 when the event was made
    by: str = ""
    stage: str | None = None
    reject: bool = False
    important: bool = False  # start only
    rule: str | None = None  # waive only
    note: str = ""
    at: str = ""  # ISO time, informative only: the machine never reads the clock
    role: str | None = None
    package: str | None = None  # versioned package fingerprint (pkg1:…); None in logs written before it
    places: Mapping[str, str] | None = None  # place name -> digest, to name what changed


@dataclass(frozen=True, slots=True)
class Act:
    """An accepted act that currently counts: who, when, on which content."""

    by: str
    at: str = ""
    note: str = ""
    content: str = ""


@dataclass(frozen=True, slots=True)
class Checklist:
    """The folded state of one document's review."""

    started: bool = False
    important: bool = False
    drafter: str = ""  # who opened the review (the first start's ``by``): signs neither 复审 nor 终审
    content: str | None = None  # fingerprint of the latest accepted event
    package: str | None = None  # package fingerprint of the latest accepted event that had one
    places: Mapping[str, str] = field(default_factory=dict)  # its per-place digests
    signed: Mapping[str, Act] = field(default_factory=dict)  # stage -> sign-off on ``content``
    rejected: Mapping[str, Act] = field(default_factory=dict)  # stage -> latest rejection still open
    proofs: tuple[Act, ...] = ()  # 校次 on ``content``
    read_aloud: Act | None = None
    secrecy: Act | None = None
    waivers: Mapping[str, Act] = field(default_factory=dict)  # rule code -> waiver (note = reason)
    redo: tuple[str, ...] = ()  # stages signed on an earlier content and not signed again since
    changes: int = 0  # number of content changes seen

    def next_stage(self) -> str | None:
        """The first stage not yet signed, or None when all three are."""
        for stage in STAGES:
            if stage not in self.signed:
                return stage
        return None


@dataclass(frozen=True, slots=True)
class Missing:
    """One unmet release condition."""

    code: str
    message: str
    basis: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class FindingFact:
    """What the gate needs to know of a finding."""

    rule: str
    kind: str
    severity: str  # error / warning / info


@dataclass(frozen=True, slots=True)
class Facts:
    """The document as it is now."""

    content: str
    label: str | None
    findings: tuple[FindingFact, ...] = ()
    package: str | None = None  # versioned package fingerprint of the file as it is now
    places: Mapping[str, str] | None = None


#: A roster maps a person's name to a role, or to several (accounts, or a list in the config).
Roster = Mapping[str, "str | Iterable[str]"]


def roles_of(roster: Roster | None, name: str) -> frozenset[str]:
    """The roles ``name`` holds in ``roster`` (empty without a roster or when not listed)."""
    value = (roster or {}).get(name)
    if value is None:
        return frozenset()
    return frozenset((value,)) if isinstance(value, str) else frozenset(value)


def role_text(roster: Roster | None, name: str) -> str | None:
    """The roles as one text for the log (``股室负责人、保密审查``), None when not listed."""
    roles = roles_of(roster, name)
    return "、".join(r for r in ACCOUNT_ROLES if r in roles) or None


def role_of(roster: Roster | None, name: str) -> str | None:
    return role_text(roster, name)


def refusal(state: Checklist, event: Event, roster: Roster | None = None) -> str | None:
    """Why ``event`` may not be applied to ``state`` (None when it may). Messages are for clerks."""
    if event.kind not in KINDS:
        return f"未知事件 {event.kind!r}"
    if event.kind == START:
        return None
    if not state.started:
        return "尚未开始审核（先运行 gongkai review start）"
    if not event.by.strip():
        return "须写明经办人（--by）"
    current = _after_content(state, event.content, event.package, event.places)
    if event.kind == SIGN:
        return _sign_refusal(current, event, roster)
    if event.kind == WAIVE:
        return _waive_refusal(current, event)
    return _duty_refusal(current, event, roster)


def _sign_refusal(current: Checklist, event: Event, roster: Roster | None) -> str | None:
    """A sign-off (or rejection): the stage exists, the earlier ones are signed, this one is open,
    and with a roster the signer holds the stage's role."""
    if event.stage not in STAGES:
        return f"未知审核阶段 {event.stage!r}"
    index = STAGES.index(event.stage)
    for earlier in STAGES[:index]:
        if earlier not in current.signed:
            why = "（文档内容已改动，须重做）" if earlier in current.redo else ""
            return f"须先完成{earlier}{why}，才能{'退回' if event.reject else '签署'}{event.stage}（分级审核、先审后发）"
    if not event.reject and event.stage in current.signed:
        done = current.signed[event.stage]
        return f"{event.stage}已由{done.by}签署；如需重审请先退回（--reject）"
    return _roster_refusal(event, index, roster) or _one_stage_refusal(current, event)


def _one_stage_refusal(current: Checklist, event: Event) -> str | None:
    """One person, one stage: a signer of another stage, or the drafter at 复审/终审, is refused."""
    if event.reject:
        return None
    by = event.by.strip()
    other = next((st for st, act in current.signed.items() if act.by.strip() == by and st != event.stage), None)
    if other:
        return (f"{by}已签署本文档的{other}，同一人不得再签署{event.stage}"
                f"（分级审核，一人只签一个审核阶段；{BASIS_STAGES}）")
    if event.stage != "初审" and current.drafter and by == current.drafter.strip():
        return (f"{by}是本文档的起草人，不得签署{event.stage}：复审由股室负责人、终审由主要领导或分管领导负责"
                f"（{BASIS_STAGES}）")
    return None


def _duty_refusal(current: Checklist, event: Event, roster: Roster | None) -> str | None:
    """校次 by 校对 (with roles known), read-aloud not by the drafter, 保密审查 by the 终审 signer or its role."""
    by = event.by.strip()
    if event.kind == PROOF and roster and PROOF_ROLE not in roles_of(roster, by):
        return f"{_who(roster, by)}不是校对人员：稿件应由专职校对人员负责校对（{BASIS_PROOF}）"
    if event.kind == READ_ALOUD and current.drafter and by == current.drafter.strip():
        return f"{by}是本文档的起草人，全文书面诵读须由起草人以外的人员进行（{BASIS_PROOF}）"
    if event.kind == SECRECY and roster and not _may_review_secrecy(current, by, roster):
        final = current.signed.get("终审")
        now = f"（当前终审签署人：{final.by}）" if final else "（终审尚未签署）"
        return (f"{_who(roster, by)}不能作保密审查：应由终审签署人{now}或负责保密审查的人员作出"
                f"（谁发布谁审查、事前审查；{BASIS_SECRECY}）")
    return None


def _may_review_secrecy(s: Checklist, by: str, roster: Roster | None) -> bool:
    final = s.signed.get("终审")
    return (final is not None and final.by.strip() == by.strip()) or SECRECY_ROLE in roles_of(roster, by)


def _who(roster: Roster | None, by: str) -> str:
    role = role_text(roster, by)
    return f"{by}（{role}）" if role else f"{by}（不在人员名册中）"


def _roster_refusal(event: Event, index: int, roster: Roster | None) -> str | None:
    """With a roster: the signer must hold the stage's role (a rejection: this or a later stage's)."""
    allowed = STAGE_ROLES[event.stage]
    if event.reject and allowed:
        # whoever may sign this stage or a later one may send it back
        allowed = tuple(dict.fromkeys(r for st in STAGES[index:] for r in STAGE_ROLES[st] or ()))
    if not roster or not allowed:
        return None
    if roles_of(roster, event.by) & set(allowed):
        return None
    act = "退回" if event.reject else ""
    return f"{_who(roster, event.by)}无权{act}{event.stage}：{event.stage}应由{'或'.join(allowed)}负责"


def _waive_refusal(current: Checklist, event: Event) -> str | None:
    """A waiver: a rule code that may be waived, a reason, by the current 终审 signer."""
    if not event.rule:
        return "须写明豁免的规则代码（--rule）"
    if event.rule in CLASSIFIED_RULES:
        return f"密级标志（{event.rule}）不得豁免：涉密信息不得上网发布（{BASIS_CLASSIFIED}）"
    if not event.note.strip():
        return "豁免须写明理由（--reason）"
    final = current.signed.get("终审")
    if final is None:
        return "豁免须由终审签署人在终审签署后作出"
    if final.by != event.by:
        return f"豁免须由终审签署人（{final.by}）作出"
    return None


def _version(package: str | None) -> str | None:
    return package.split(":", 1)[0] if package and ":" in package else None


def same_document(state: Checklist, content: str, package: str | None) -> bool:
    """Whether a document printed (``content``, ``package``) is the one ``state`` was recorded on.

    The content fingerprints must agree; the package fingerprints too when both sides have one
    of the same version (records made before package fingerprints are judged by content alone).
    """
    if content != state.content:
        return False
    if state.package and package and _version(state.package) == _version(package):
        return state.package == package
    return True


def _after_content(state: Checklist, content: str, package: str | None = None,
                   places: Mapping[str, str] | None = None) -> Checklist:
    """The state once the document is printed (``content``, ``package``): a change voids what was recorded."""
    if state.content is None:
        return replace(state, content=content, package=package, places=dict(places or {}))
    if same_document(state, content, package):
        if package and package != state.package:  # first package print, or a newer version: adopt it
            return replace(state, package=package, places=dict(places or {}))
        return state
    redo = tuple(s for s in STAGES if s in state.signed or s in state.redo)
    return replace(
        state, content=content, package=package or None, places=dict(places or {}), signed={}, rejected={},
        proofs=(), read_aloud=None, secrecy=None, waivers={}, redo=redo, changes=state.changes + 1,
    )


def apply(state: Checklist, event: Event, roster: Roster | None = None) -> tuple[Checklist, str | None]:
    """Apply one event: (new state, None) when accepted, (unchanged state, reason) when refused."""
    why = refusal(state, event, roster)
    if why is not None:
        return state, why
    s = _after_content(state, event.content, event.package, event.places)
    act = Act(event.by, event.at, event.note, event.content)
    if event.kind == START:
        drafter = s.drafter if s.started else event.by.strip()
        return replace(s, started=True, important=s.important or event.important, drafter=drafter), None
    if event.kind == SIGN:
        index = STAGES.index(event.stage)
        later = STAGES[index:] if event.reject else STAGES[index + 1:]
        signed = {k: v for k, v in s.signed.items() if k not in later}
        rejected = {k: v for k, v in s.rejected.items() if k not in STAGES[index:]}
        waivers = s.waivers
        if event.reject:
            rejected[event.stage] = act
            if "终审" in later:
                waivers = {}  # waivers hang on the 终审 decision
        else:
            signed[event.stage] = act
        redo = tuple(r for r in s.redo if r != event.stage or event.reject)
        return replace(s, signed=signed, rejected=rejected, waivers=waivers, redo=redo), None
    if event.kind == PROOF:
        return replace(s, proofs=s.proofs + (act,)), None
    if event.kind == READ_ALOUD:
        return replace(s, read_aloud=act), None
    if event.kind == SECRECY:
        return replace(s, secrecy=act), None
    if event.kind == WAIVE:
        return replace(s, waivers={**s.waivers, event.rule: act}), None
    raise AssertionError(event.kind)  # refusal() knows every kind


def fold(events: Iterable[Event], roster: Roster | None = None) -> Checklist:
    """The state after every event in order; refused events are skipped."""
    state = Checklist()
    for event in events:
        state, _ = apply(state, event, roster)
    return state


def gate(state: Checklist, facts: Facts, roster: Roster | None = None) -> list[Missing]:
    """Every release condition ``state`` fails for the document as it is now (empty = releasable)."""
    if not state.started:
        return [Missing("not_started", "尚未开始审核（gongkai review start）", BASIS_STAGES)]
    s = _after_content(state, facts.content, facts.package, facts.places)
    return [
        *_content_items(state, s, facts),
        *_stage_items(s),
        *_role_items(s, roster),
        *_act_items(s, roster),
        *_label_and_finding_items(s, facts),
        *_negative_info_items(s, facts, roster),
    ]


def _content_items(recorded: Checklist, s: Checklist, facts: Facts) -> list[Missing]:
    """The file changed since the recorded events: everything on the old content is void."""
    if recorded.content is None or same_document(recorded, facts.content, facts.package):
        return []
    redo = "、".join(s.redo) or "全部审核"
    when = "终审后" if "终审" in recorded.signed else "审核记录之后"
    where = describe_changes(changed_places(recorded, facts))
    return [Missing(
        "content_changed", f"文档在{when}已改动{where}，须重做：{redo}，并重新校对、保密审查", BASIS_CONTENT,
    )]


def _stage_items(s: Checklist) -> list[Missing]:
    """Each of 初审/复审/终审 not signed on the current content, saying why."""
    out = []
    for stage in STAGES:
        if stage in s.signed:
            continue
        if stage in s.redo:
            message = f"{stage}须重做（文档内容改动后尚未重新签署）"
        elif stage in s.rejected:
            message = f"{stage}被{s.rejected[stage].by}退回，尚未重新签署"
        else:
            message = f"缺少{stage}签署"
        out.append(Missing(f"stage_{STAGES.index(stage) + 1}", message, BASIS_STAGES))
    return out


def _role_items(s: Checklist, roster: Roster | None) -> list[Missing]:
    """With a roster: every signer still holds the stage's role in the roster in force now."""
    if not roster:
        return []
    out = []
    for stage, allowed in STAGE_ROLES.items():
        act = s.signed.get(stage)
        if act and allowed and not roles_of(roster, act.by) & set(allowed):
            out.append(Missing(
                f"role_{STAGES.index(stage) + 1}",
                f"{stage}签署人{act.by}不具备{'或'.join(allowed)}身份（人员名册）", BASIS_STAGES,
            ))
    return out


def _act_items(s: Checklist, roster: Roster | None) -> list[Missing]:
    """校次 (with roles known, only those by 校对 count), read-aloud (important items) and 保密审查
    (with roles known, by the 终审 signer or the 保密审查 role, as the roster in force now says)."""
    out = []
    rounds = [a for a in s.proofs if not roster or PROOF_ROLE in roles_of(roster, a.by)]
    if len(rounds) < PROOF_ROUNDS:
        others = len(s.proofs) - len(rounds)
        note = f"；另有 {others} 次非校对人员所校，不计" if others else ""
        out.append(Missing("proof", f"校对不足三个校次（已有 {len(rounds)} 次{note}）", BASIS_PROOF))
    if s.important and s.read_aloud is None:
        out.append(Missing("read_aloud", "重要信息须在三审三校基础上进行全文书面诵读", BASIS_PROOF))
    if s.secrecy is None:
        out.append(Missing("secrecy", "缺少保密审查（谁发布谁审查、事前审查）", BASIS_SECRECY))
    elif roster and not _may_review_secrecy(s, s.secrecy.by, roster):
        out.append(Missing(
            "secrecy", f"保密审查人{s.secrecy.by}既不是终审签署人，也不负责保密审查（谁发布谁审查）", BASIS_SECRECY,
        ))
    return out


def _label_and_finding_items(s: Checklist, facts: Facts) -> list[Missing]:
    """The 公开属性 label, a 密级 mark, restricted findings and unwaived errors."""
    out = []
    if not facts.label:
        out.append(Missing("label", "文档未标注公开属性（主动公开/依申请公开/不予公开）", BASIS_LABEL))
    classified = sorted({f.rule for f in facts.findings if _classified(f)})
    if classified:
        out.append(Missing(
            "classified",
            f"文档标有密级（{'、'.join(classified)}），涉密信息不得上网发布，不能发布，也不能豁免",
            BASIS_CLASSIFIED,
        ))
    restricted = sorted({f.rule for f in facts.findings if _restricted(f) and f.rule not in s.waivers})
    if restricted:
        what = "、".join(f"{r}（{RESTRICTED_RULES.get(r, r)}）" for r in restricted)
        out.append(Missing(
            "restricted",
            f"{what}：须由终审签署人写明理由后才能发布（gongkai review waive --rule 代码 --by 终审签署人 --reason 理由）",
            BASIS_RESTRICTED,
        ))
    errors = sorted({f.rule for f in facts.findings if f.severity == "error" and f.rule not in s.waivers
                     and not _classified(f) and not _restricted(f)})
    if errors:
        out.append(Missing(
            "findings", f"仍有未豁免的错误级发现：{'、'.join(errors)}（gongkai check 查看详情）", BASIS_FINDINGS,
        ))
    return out


def _negative_info_items(s: Checklist, facts: Facts, roster: Roster | None) -> list[Missing]:
    """With a roster, 负面信息 needs the 主要领导's 终审 (no waiver lifts it)."""
    if not roster or not any(f.kind == "negative_info" for f in facts.findings):
        return []
    final = s.signed.get("终审")
    if final is not None and "主要领导" in roles_of(roster, final.by):
        return []
    return [Missing("negative_info", "涉及负面信息，须经主要领导终审同意", BASIS_NEGATIVE)]


def _classified(f: FindingFact) -> bool:
    return f.rule in CLASSIFIED_RULES or f.kind in CLASSIFIED_KINDS


def _restricted(f: FindingFact) -> bool:
    return not _classified(f) and (f.rule in RESTRICTED_RULES or f.kind in RESTRICTED_KINDS)


def changed_places(state: Checklist, facts: Facts) -> list[str]:
    """The places of the file that differ from the recorded print (empty when none were recorded)."""
    if not state.places or not facts.places or not same_version(state.package, facts.package):
        return []
    from ..formats.fingerprint import changed_places as diff

    return diff(state.places, facts.places)


def same_version(a: str | None, b: str | None) -> bool:
    return _version(a) is not None and _version(a) == _version(b)


def describe_changes(places: list[str], limit: int = 12) -> str:
    """（改动之处：…） for a refusal, or nothing when the places are unknown."""
    if not places:
        return ""
    shown = "、".join(places[:limit]) + (f" 等 {len(places)} 处" if len(places) > limit else "")
    return f"（改动之处：{shown}）"


def validate_roster(raw: Mapping) -> dict[str, str | frozenset[str]]:
    """The ``[roster]`` config section (name → role, or a list of roles such as
    ``["股室负责人", "保密审查"]``), checked; raises ValueError naming the bad entry."""
    allowed = (*ROLES, SECRECY_ROLE)
    roster: dict[str, str | frozenset[str]] = {}
    for name, role in raw.items():
        roles = [role] if isinstance(role, str) else role if isinstance(role, list) else [role]
        if not roles or any(not isinstance(r, str) or r.strip() not in allowed for r in roles):
            raise ValueError(f"[roster] {name} 的身份 {role!r} 无效（应为 {'、'.join(allowed)} 之一或其列表）")
        roster[str(name).strip()] = role.strip() if isinstance(role, str) else frozenset(r.strip() for r in roles)
    return roster
