"""Attribute audit rules (A1xx): labels missing, contradicting the content, or not inherited."""

from __future__ import annotations

from ..engine import AUDIT, FunctionRule
from ..models import Severity
from .structure import parse_structure
from .suggest import suggest_attribute

SOURCE_RULE = "《勺米镇公文类信息公开属性源头认定制度》"


def _anchor(doc, s):
    """Where document-level findings point: the label if any, else the title, else the start."""
    if s.label is not None and s.label.block is not None:
        return doc.blocks[s.label.block], s.label.start, s.label.start + len(s.label.raw)
    if s.title is not None and s.title_blocks:
        b = doc.blocks[s.title_blocks[0]]
        return b, 0, len(b.text)
    first = next((b for b in doc.blocks if b.text.strip()), None)
    return first, 0, len(first.text) if first else 0


def _label_missing(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.label is not None:
        return
    sug = ctx.fact(suggest_attribute)
    block, a, b = _anchor(doc, s)
    where = "成文日期下一行（附注处）" if s.date is not None else "成文日期下一行附注处"
    yield rule.finding(
        block, a, b, text="",
        suggestion=f"退回起草单位，确定公开属性后在{where}标注（此件{sug.suggested}）；"
                   f"建议依据：{sug.reasons[0].text}（{sug.reasons[0].basis}）",
        confidence=sug.confidence,
        explanation={"suggested": sug.suggested, "confidence": sug.confidence},
    )


LABEL_MISSING = FunctionRule(
    code="A101", category="attribute", kind="label_missing", severity=Severity.ERROR,
    message="未标识公开属性：无标识公开属性的公文应退回起草单位重新办理",
    basis=f"{SOURCE_RULE}第四条", phase=AUDIT, func=_label_missing,
    doc="公文在产生过程中应同步确定公开属性（主动公开、依申请公开、不予公开），并在附注处标注，"
        "如“（此件公开发布）”“（此件依申请公开）”“（此件不予公开）”，或写明“公开方式：主动公开”。"
        "无标识公开属性的公文，党政办应退回公文起草单位重新办理。",
    fires=["关于做好春耕备耕工作的通知\n各村（社区）：\n现将有关事项通知如下。\n勺米镇人民政府\n2025年3月5日"],
    silent=[
        "关于做好春耕备耕工作的通知\n各村（社区）：\n现将有关事项通知如下。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）",
        "关于召开会议的通知\n公开方式：依申请公开\n各股室：\n定于周一开会。",
    ],
)


#: Below this confidence a differing suggestion is not worth a warning.
CONFLICT_CONFIDENCE = 0.75


def _label_conflict(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.label is None:
        return
    own = [x for x in s.labels if x.block is not None and not s.in_attachment(x.block)]
    other = next((x for x in own if x.value != s.label.value and x is not s.forwarded_label), None)
    if other is not None:
        block, a, b = _anchor(doc, s)
        yield rule.finding(
            block, a, b,
            message=f"公开属性标注自相矛盾：“{s.label.raw}”与“{other.raw}”",
            suggestion="只保留一处公开属性标注（附注处），并与公文内容核对",
            explanation={"labels": [s.label.value, other.value]},
        )
        return
    sug = ctx.fact(suggest_attribute)
    if sug.suggested == s.label.value or sug.confidence < CONFLICT_CONFIDENCE:
        return
    if s.forwarded_label is not None and s.forwarded is not None and sug.suggested == s.forwarded_label.value:
        return  # A104 reports a forwarded document's label, with its own reason
    block, a, b = _anchor(doc, s)
    why = "；".join(r.text for r in sug.reasons[:2])
    yield rule.finding(
        block, a, b,
        message=f"公开属性标注为“{s.label.value}”，但按内容应为“{sug.suggested}”：{why}",
        suggestion=f"核对公开属性；如无特殊情况，改为（此件{sug.suggested}）",
        basis=sug.reasons[0].basis, confidence=sug.confidence,
        explanation={"label": s.label.value, "suggested": sug.suggested,
                     "reasons": [r.to_dict() for r in sug.reasons]},
    )


LABEL_CONFLICT = FunctionRule(
    code="A102", category="attribute", kind="label_conflict", severity=Severity.WARNING,
    message="公开属性标注与内容不符", basis=f"{SOURCE_RULE}第三条（一）", phase=AUDIT,
    func=_label_conflict,
    doc="标注的公开属性与按源头认定制度对内容作出的判断（有足够把握时）不一致，例如报上级机关的请示"
        "标为主动公开，或涉及群众切身利益的通告标为不予公开；同一公文有两处互相矛盾的标注也在此报告。"
        "建议把握不足（低于 0.75）时不报告。这是提示核对，不是结论，消息中写明判断的理由和依据。",
    fires=["关于申请追加防汛经费的请示\n区人民政府：\n妥否，请批示。\n勺米镇人民政府\n2025年6月1日\n（此件公开发布）",
           "关于严肃机关考勤纪律的通知\n各股室：\n请遵守纪律。\n勺米镇人民政府\n2025年6月1日\n（此件依申请公开）\n公开方式：主动公开"],
    silent=["关于申请追加防汛经费的请示\n区人民政府：\n妥否，请批示。\n勺米镇人民政府\n2025年6月1日\n（此件不予公开）"],
)


_KIND_NAMES = {
    "id_card": "公民身份号码", "mobile": "手机号码", "landline": "个人固定电话", "bank_card": "银行卡号",
    "email": "个人电子邮箱", "person_name": "个人姓名", "address": "个人住址", "passport": "护照号码",
    "license_plate": "车牌号码", "health_info": "健康信息", "classification_mark": "密级标志",
    "internal_marking": "内部资料标记", "trade_secret": "商业秘密", "process_draft": "过程稿标记",
}


def _public_with_restricted(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.label is None or s.label.value != "主动公开":
        return
    restricted = [
        f for f in ctx.findings
        if f.category in ("personal_data", "secret") and f.severity >= Severity.WARNING
        # A name alone is what a 公示 or 表彰 publishes; it counts only when its rule calls it an error.
        and (f.kind != "person_name" or f.severity >= Severity.ERROR)
    ]
    marks = [s.secret.text] if s.secret is not None else []
    if not restricted and not marks:
        return
    counts: dict[str, int] = {}
    for f in restricted:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    if marks and "classification_mark" not in counts:
        counts["classification_mark"] = 1
    what = "、".join(f"{_KIND_NAMES.get(k, k)} {n} 处" for k, n in counts.items())
    personal = any(f.category == "personal_data" for f in restricted)
    block, a, b = _anchor(doc, s)
    fix = "遮蔽或删除个人信息（区分处理）后再公开" if personal else ""
    if marks or {"classification_mark", "internal_marking", "trade_secret"} & set(counts):
        fix = (fix + "；" if fix else "") + "涉密或内部内容须删除，否则改变公开属性"
    yield rule.finding(
        block, a, b,
        message=f"标注为主动公开的公文夹带依申请公开或不予公开的内容：{what}",
        suggestion=fix,
        explanation={"kinds": sorted(counts), "rules": sorted({f.rule for f in restricted})},
    )


PUBLIC_WITH_RESTRICTED = FunctionRule(
    code="A103", category="attribute", kind="public_with_restricted", severity=Severity.ERROR,
    message="主动公开的公文夹带依申请公开或不予公开的内容", basis=f"{SOURCE_RULE}第三条（三）",
    phase=AUDIT, func=_public_with_restricted,
    doc="确定为“主动公开”的公文，不可夹带“依申请公开”和“不予公开”的内容：个人隐私、商业秘密、"
        "内部资料、工作秘密和国家秘密须先作区分处理。本规则汇总个人信息和涉密规则的发现（以及版头的密级标志），"
        "给出整篇公文的结论；消息只列类别和处数，不复述个人信息。公示名单可以主动公开，但其中的身份证号等须遮蔽。",
    fires=["关于发放春耕补贴的通知\n各村（社区）：\n申请人身份证号：11010519491231002X。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）",
           "秘密★1年\n关于稳控工作的通知\n各村：\n请落实责任。\n（此件公开发布）"],
    silent=["关于做好春耕备耕工作的通知\n各村（社区）：\n现将有关事项通知如下。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）",
            "关于王某明同志家庭情况的证明函\n区人社局：\n王某明，身份证号11010519491231002X。\n（此件依申请公开）"],
)


def _forwarded(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.forwarded_label is None or s.label is None or s.forwarded is None:
        return
    if s.label.value == s.forwarded_label.value:
        return
    block, a, b = _anchor(doc, s)
    yield rule.finding(
        block, a, b,
        message=f"转发类公文标注为“{s.label.value}”，所转发公文标注为“{s.forwarded_label.value}”",
        suggestion=f"按所转发公文的公开属性标注为（此件{s.forwarded_label.value}）",
        explanation={"label": s.label.value, "forwarded": s.forwarded_label.value},
    )


_FORWARD_EXAMPLE = (
    "勺米镇人民政府关于转发《区人民政府关于做好安全生产工作的通知》的通知\n各村（社区）：\n"
    "现将该文件转发给你们，请遵照执行。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）\n附件\n"
    "区人民政府关于做好安全生产工作的通知\n各乡镇：\n请做好安全生产工作。\n{theirs}"
)

FORWARDED_ATTRIBUTE = FunctionRule(
    code="A104", category="attribute", kind="forwarded_attribute", severity=Severity.ERROR,
    message="转发类公文的公开属性与所转发公文不一致", basis=f"{SOURCE_RULE}第三条（二）",
    func=_forwarded,
    doc="转发类公文应根据所转发公文的公开属性确定自身的公开属性；所转发公文没有确定公开属性的，"
        "原则上应重新确定。",
    fires=[_FORWARD_EXAMPLE.format(theirs="（此件不予公开）")],
    silent=[_FORWARD_EXAMPLE.format(theirs="（此件公开发布）"),
            _FORWARD_EXAMPLE.format(theirs="").replace("（此件公开发布）", "（此件依申请公开）")],
)

RULES = [LABEL_MISSING, LABEL_CONFLICT, PUBLIC_WITH_RESTRICTED, FORWARDED_ATTRIBUTE]
