"""Secret and internal content (S1xx): 密级标志, 内部资料/工作秘密, 商业秘密, 过程稿.

A marking is told from prose by where it stands and what surrounds it: a line of its own,
the header or footer, a text box, or a self-reference ("此件…不得外传"). The same words inside
an oath (保守秘密) or a regulation that lists what must not be published stay silent.
"""

from __future__ import annotations

import regex

from ..engine import FunctionRule
from ..models import Block, Document, Severity

SOURCE = "《勺米镇公文类信息公开属性源头认定制度》"
ON_REQUEST = "《勺米镇依申请公开制度》"
PARTICIPATION = "《勺米镇政务公开公众参与制度》第四条"
#: Parts a rule reads: everything but reviewers' comments (not content).
CONTENT_PARTS = ("body", "table", "header", "footer", "footnote", "endnote", "textbox")
MARGIN_PARTS = ("header", "footer", "textbox")
#: How many non-empty body blocks count as the top of the document (份号、密级、紧急程度…).
HEAD_BLOCKS = 10
_PUNCT = regex.compile(r"[\s\p{P}\p{S}]+")


def _compact(text: str) -> str:
    return _PUNCT.sub("", text)


def _squash(text: str) -> str:
    """Without white space (a mark as written, ★ kept)."""
    return "".join(text.split())


def _head_indices(doc: Document) -> set[int]:
    head = [b.index for b in doc.blocks if b.part == "body" and b.text.strip()]
    return set(head[:HEAD_BLOCKS])


def _where(block: Block) -> str:
    return {"header": "页眉", "footer": "页脚", "textbox": "文本框"}.get(block.part, "正文")


# -- S101 密级标志 ------------------------------------------------------------------------------

_LEVEL = r"(?:绝\s*密|机\s*密|秘\s*密)"
_TERM = r"(?:\d{1,2}\s*(?:年|个月)|[一二三四五六七八九十]{1,3}\s*(?:年|个月)|长期)"
#: 秘密★1年, 机密★, 绝密★长期: the star never occurs in prose.
STAR_MARK = regex.compile(rf"(?P<mark>{_LEVEL}\s*[★☆＊*]\s*{_TERM}?)")
#: A line that is only a level (the 密级 printed in the top-left corner), or 密级：秘密.
LEVEL_LINE = regex.compile(rf"^\s*(?:密\s*级\s*[:：]?\s*)?(?P<mark>{_LEVEL}(?:\s*{_TERM})?)\s*$")
LEVEL_FIELD = regex.compile(rf"密\s*级\s*[:：]\s*(?P<mark>{_LEVEL}(?:\s*[★☆＊*])?(?:\s*{_TERM})?)")
TERM_FIELD = regex.compile(rf"(?P<mark>保密期限\s*[:：]\s*{_TERM})")
_EXAMPLE = regex.compile(r"(?:如|例如|比如|标注为?|写作)\s*[“\"「『]?$")


def _classification(rule, doc, ctx):
    head = _head_indices(doc)
    previous: Block | None = None
    for block in rule.blocks(doc):
        text = block.text
        if not text.strip():
            continue
        hits: list[tuple[int, int, str]] = []
        for pattern, why in ((STAR_MARK, "密级★保密期限"), (LEVEL_FIELD, "密级栏"), (TERM_FIELD, "保密期限")):
            for m in pattern.finditer(text):
                if _EXAMPLE.search(text[max(0, m.start() - 6): m.start()]):
                    continue  # 如“秘密★1年”: a format guide explaining the mark
                hits.append((m.start("mark"), m.end("mark"), why))
        if not hits:
            m = LEVEL_LINE.match(text)
            in_margin = block.part in MARGIN_PARTS or block.index in head
            after_label = (
                block.part == "table" and previous is not None and previous.part == "table"
                and _compact(previous.text).endswith("密级")
            )
            if m and (in_margin or after_label):
                hits.append((m.start("mark"), m.end("mark"), "单独成行的密级"))
        seen: list[tuple[int, int]] = []
        for start, end, why in sorted(hits):
            if any(s < end and start < e for s, e in seen):
                continue
            seen.append((start, end))
            yield rule.finding(
                block, start, end,
                message=f"{_where(block)}标有密级“{_squash(text[start:end])}”：涉及国家秘密的公文不得公开",
                suggestion="涉密公文不得在政务网站发布，公开属性应标注为“不予公开”；确需公开的，须先经定密机关依法解密，再重新审查",
                confidence=0.95, explanation={"pattern": why, "part": block.part},
            )
        previous = block


CLASSIFICATION_MARK = FunctionRule(
    code="S101", category="secret", kind="classification_mark", severity=Severity.ERROR,
    message="公文标有密级（国家秘密）", basis=f"{SOURCE}第三条（一）", func=_classification,
    parts=CONTENT_PARTS, priority=30,
    doc="标有密级（绝密、机密、秘密，常带★和保密期限，如“秘密★1年”）的公文涉及国家秘密，应确定为"
        "“不公开”，不得在政务网站发布（《勺米镇政务公开信息审核发布管理制度》九、十三）。密级可能印在"
        "版心左上角、页眉页脚或文本框中，也可能写作“密级：秘密”“保密期限：5年”。正文中“保守秘密”"
        "“秘密进行”“国家秘密和工作秘密的事项”等普通用语不会报告。",
    fires=["秘密★1年\n勺米镇人民政府关于开展专项行动的通知\n各村（社区）：",
           "机密★5年",
           "关于某事项的通知\n密级：秘密\n保密期限：10年",
           "绝密★长期\n关于某事项的报告"],
    silent=["我宣誓：拥护中国共产党的纲领，遵守党的章程，保守党的秘密，对党忠诚。",
            "只要不属于国家秘密和工作秘密的事项，均向社会和有关部门公开。",
            "工作组秘密走访了三个村，了解群众诉求。",
            "密级标志的格式：如“秘密★1年”，顶格编排在版心左上角第二行。"],
)


# -- S102 内部资料、工作秘密 ------------------------------------------------------------------------

INTERNAL_TERMS = (
    "内部资料", "注意保存", "不得外传", "严禁外传", "请勿外传", "不准外传", "不得翻印", "严禁翻印", "不准翻印",
    "不得复制", "工作秘密", "内部明电", "内部文件", "内部刊物", "内部参考", "内部传阅", "内部参阅", "内部使用",
    "仅供内部参考", "仅供内部使用", "仅供内部参阅", "注意保密", "阅后收回", "阅后退回", "阅后销毁", "不得公开",
    "不宜公开", "不对外公开",
)
INTERNAL = regex.compile("|".join(sorted(INTERNAL_TERMS, key=len, reverse=True)))
#: This document calling itself internal: 此件系内部资料 / 本材料不得外传.
SELF_REFERENCE = regex.compile(
    r"(?:此件|本件|此文|本文件|本文|本材料|本资料|本通知|本报告|本方案|此材料|本纪要|此纪要|本简报)"
    r"[^。；，,]{0,8}?(?P<term>内部资料|工作秘密|内部文件|内部明电|不得外传|严禁外传|不得翻印|严禁翻印|注意保存|"
    r"仅供内部(?:参考|使用|参阅)|不得公开|不对外公开|内部传阅|内部参阅)"
)
#: Always a marking wherever it stands: nobody writes 内部明电 in ordinary prose.
ALWAYS = regex.compile(r"内部明电")
_FILLER = regex.compile(r"^(?:此件|本件|请|此文|注意|并|和|及|与)*$")


def _is_marking_line(text: str) -> bool:
    """A short line made only of marking terms: （内部资料 注意保存）, 工作秘密."""
    if len(text.strip()) > 30 or not INTERNAL.search(text):
        return False
    rest = _compact(INTERNAL.sub("", text))
    return bool(_FILLER.match(rest))


def _internal(rule, doc, ctx):
    for block in rule.blocks(doc):
        text = block.text
        if not text.strip() or not INTERNAL.search(text):
            continue
        spans: list[tuple[int, int, str]] = []
        # A short table cell is not a marking: tables list things (类别：内部资料).
        if block.part in MARGIN_PARTS or (block.part != "table" and _is_marking_line(text)):
            spans += [(m.start(), m.end(), "marking") for m in INTERNAL.finditer(text)]
        else:
            spans += [(m.start("term"), m.end("term"), "self_reference") for m in SELF_REFERENCE.finditer(text)]
            spans += [(m.start(), m.end(), "always") for m in ALWAYS.finditer(text)]
        if not spans:
            continue
        start = min(s for s, _, _ in spans)
        end = max(e for _, e, _ in spans)
        terms = "、".join(dict.fromkeys(text[s:e] for s, e, _ in sorted(spans)))
        secret = any(t in terms for t in ("工作秘密", "内部明电"))
        yield rule.finding(
            block, start, end,
            message=(f"{_where(block)}标明“{terms}”：" + (
                "涉及工作秘密的公文应确定为不公开" if secret else "内部资料应确定为依申请公开，不得主动公开")),
            suggestion="核实该材料能否公开；不能公开的不予发布，能公开的须删除内部标识并重新确定公开属性",
            confidence=0.9, explanation={"terms": terms, "how": spans[0][2], "part": block.part},
        )


INTERNAL_MARKING = FunctionRule(
    code="S102", category="secret", kind="internal_marking", severity=Severity.ERROR,
    message="标明内部资料或工作秘密", basis=f"{SOURCE}第三条（一）", func=_internal, parts=CONTENT_PARTS,
    priority=20,
    doc="“内部资料”“注意保存”“不得外传”“不得翻印”“工作秘密”“内部明电”等标识说明材料只在内部使用："
        "涉及工作秘密的公文应确定为“不公开”，内部资料应确定为“依申请公开”，都不能主动公开。只报告"
        "作为标识出现的情形——单独成行、在页眉页脚或文本框中、或“此件不得外传”这样指称本文的说法；"
        "制度条文中列举“国家秘密和工作秘密的事项”“内部资料”等普通用语不会报告。",
    fires=["内部资料 注意保存\n关于2025年重点项目推进情况的通报",
           "（内部资料，不得外传）",
           "工作秘密",
           "此件系内部资料，请勿外传。",
           "现将国务院办公厅内部明电转发给你们，请认真贯彻落实。"],
    silent=["只要不属于国家秘密和工作秘密的事项，均向社会和有关部门公开。",
            "属单位内部管理事务的公文、内部资料、商业秘密和个人隐私等，应确定为“依申请公开”。",
            "编印内部资料须按规定办理准印手续。",
            "严格遵守保密规定，不得泄露群众个人信息。"],
)


# -- S103 商业秘密 ----------------------------------------------------------------------------------

TRADE_TERMS = regex.compile(
    r"投标报价|报价明细|报价清单|投标价格?|(?<![控最预])底价|标底|工艺配方|产品配方|配方比例|生产配方|工艺参数|"
    r"客户名单|客户资料|客户信息|成本构成|成本明细|进货价|技术秘密|核心技术参数"
)
COMPANY = regex.compile(
    r"[\p{Han}A-Za-z0-9（）()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|工厂|厂|农民专业合作社|合作社|"
    r"商行|经营部|门市部|加工坊)|(?:该|贵|本)(?:公司|企业|厂)|投标人|供应商|企业名称"
)
DETAIL = regex.compile(r"^[^。；]{0,12}?(?:\d+(?:\.\d+)?\s*(?:万元|亿元|元|%)|[:：]|为|是|如下|包括)")
PUBLIC_PRICE = regex.compile(r"(?:中标|成交|控制|最高|限价|预算|招标控制)[^，。；]{0,2}$")
NORMATIVE = regex.compile(r"(?:(?<![供响对相适反])应当?|须|不得|严禁|禁止|依法|保护|按照|未经|不予)[^，。；]{0,6}$")


def _trade(rule, doc, ctx):
    for block in rule.blocks(doc):
        text = block.text
        if not text.strip():
            continue
        for m in TRADE_TERMS.finditer(text):
            before = text[max(0, m.start() - 10): m.start()]
            if PUBLIC_PRICE.search(before) or NORMATIVE.search(before):
                continue
            if not DETAIL.search(text[m.end(): m.end() + 20]):
                continue
            company = next((c for c in COMPANY.finditer(text) if abs(c.start() - m.start()) <= 60), None)
            if company is None:
                continue
            yield rule.finding(
                block, m.start(), m.end(),
                message=f"可能含企业商业秘密（“{m.group()}”与具体企业相关联）",
                suggestion="企业的投标报价、底价、工艺配方、客户名单等属于商业秘密，公开前须征求企业意见或删除（区分处理）",
                confidence=0.75, explanation={"term": m.group(), "company_context": company.group()[-12:]},
            )


TRADE_SECRET = FunctionRule(
    code="S103", category="secret", kind="trade_secret", severity=Severity.WARNING,
    message="可能含商业秘密", basis=f"{ON_REQUEST}第三条（二）", func=_trade, parts=CONTENT_PARTS,
    doc="属于商业秘密或者公开可能导致商业秘密被泄露的信息不予公开。企业的投标报价、底价（标底）、工艺配方、"
        "客户名单、成本明细等，与具体企业相关联并给出具体内容时提示核实；依法应当公示的中标价、成交价、"
        "招标控制价，以及“投标报价应包含全部费用”这类规则性表述不会报告。涉及第三方商业秘密的，应书面"
        "征求第三方意见（《勺米镇依申请公开制度》第四条（三）9）。",
    fires=["贵州某某建筑有限公司投标报价为356.8万元，乙公司投标报价为349.2万元。",
           "勺米镇某某食品厂的产品配方比例：辣椒60%、菜籽油30%。",
           "该公司客户名单如下：某某超市、某某酒店。"],
    silent=["中标人：贵州某某建筑有限公司，中标价：356.8万元。",
            "投标报价应包含完成本项目所需的全部费用。",
            "涉及商业秘密、个人隐私的，不得公开。",
            "本项目招标控制价为360万元。"],
)


# -- S104 过程稿 ------------------------------------------------------------------------------------

DRAFT_TERMS = regex.compile(
    r"讨论稿|征求意见稿|送审稿|审议稿|修改稿|报批稿|审签稿|初稿|(?:会议)?讨论记录|内部讨论材料|草案"
)
#: The draft named as such: （征求意见稿）, 《…（讨论稿）》, or at the end of a title line.
BRACKETED = regex.compile(
    r"[（(【\[]\s*(?P<term>讨论稿|征求意见稿|送审稿|审议稿|修改稿|报批稿|审签稿|初稿|草案)\s*[）)】\]]"
)
#: 《关于报送…规划（送审稿）的请示》: the title of a finished document about a draft.
TITLE_OF_OTHER = regex.compile(r"\s*[）)】\]]?\s*的(?:请示|报告|函|复函|批复)")
PUBLIC_CALL = regex.compile(
    r"(?:公开|向社会|向社会各界|向公众|向广大群众)[^。]{0,6}征求|征求(?:社会|公众|社会各界|广大群众|群众)[^。]{0,4}意见"
)
#: The items 《政务公开公众参与制度》第四条 asks a public consultation to publish.
CONSULTATION_ITEMS = {
    "起止时间": regex.compile(r"(?:征求意见|反馈|意见)[^。]{0,8}(?:时间|期限|截止|截至)|截至\d|截止\d|\d+月\d+日(?:前|止|至)|起止"),
    "提交方式": regex.compile(r"电子邮[箱件]|@|信函|传真|邮寄|来信|网站留言|意见箱|提交方式|反馈方式"),
    "联系方式": regex.compile(r"联系(?:人|电话|方式|部门|地址)|咨询电话"),
    "背景资料": regex.compile(r"起草说明|背景|说明如下|制定依据|有关情况说明"),
}
PUBLIC_DRAFT_TERMS = ("征求意见稿", "草案")


def public_consultation(doc: Document, ctx=None) -> list[str] | None:
    """The 第四条 items a notice asking the public for comments publishes, or None if it is not one."""
    text = "\n".join(b.text for b in doc.blocks if b.part in ("body", "table"))
    if not PUBLIC_CALL.search(text):
        return None
    return [name for name, pattern in CONSULTATION_ITEMS.items() if pattern.search(text)]


def _process(rule, doc, ctx):
    consultation = ctx.fact(public_consultation)
    is_public_call = consultation is not None and len(consultation) >= 2
    head = _head_indices(doc)
    for block in rule.blocks(doc):
        text = block.text
        if not text.strip() or not DRAFT_TERMS.search(text):
            continue
        short = len(text.strip()) <= 60 and not text.strip().endswith(("。", "；", "，"))
        hits = [(m.start("term"), m.end("term")) for m in BRACKETED.finditer(text)
                if not TITLE_OF_OTHER.match(text, m.end())]
        if block.part in MARGIN_PARTS or (block.part != "table" and short and (block.index in head or len(_compact(text)) <= 12)):
            hits += [m.span() for m in DRAFT_TERMS.finditer(text)]
        if short and regex.search(r"(?:会议)?讨论记录\s*$", text.strip()):
            hits += [m.span() for m in regex.finditer(r"(?:会议)?讨论记录", text)]
        hits = sorted(h for h in set(hits) if not TITLE_OF_OTHER.match(text, h[1]))
        for start, end in hits:
            term = text[start:end]
            if term == "草案" and not BRACKETED.search(text):
                continue  # 法律草案 in prose is not this document's state
            if is_public_call and term in PUBLIC_DRAFT_TERMS:
                continue  # a public consultation is meant to be published (公众参与制度第四条)
            yield rule.finding(
                block, start, end,
                message=f"{_where(block)}标有“{term}”：内部研究、讨论或审议过程中的信息不予公开",
                suggestion=("定稿后删除过程稿标识再发布；确为向社会公开征求意见的，须按《勺米镇政务公开公众参与制度》"
                            "第四条写明背景资料、征求意见起止时间、提交意见方式和联系部门"),
                confidence=0.85, explanation={"term": term, "part": block.part,
                                              "public_call_items": consultation},
            )
            break


PROCESS_DRAFT = FunctionRule(
    code="S104", category="secret", kind="process_draft", severity=Severity.WARNING,
    message="过程稿（讨论稿、征求意见稿、送审稿）", basis=f"{ON_REQUEST}第三条（五）", func=_process,
    parts=CONTENT_PARTS,
    doc="讨论稿、征求意见稿、送审稿、会议讨论记录等属于行政机关内部研究、讨论或审议过程中的信息，依申请也"
        "不予公开，更不能主动发布。标题或页眉中带这些标识的稿件，通常是尚未定稿的材料。例外：向社会公开"
        "征求意见的通知本身应当公开，按《勺米镇政务公开公众参与制度》第四条写明背景资料、起止时间、"
        "提交方式和联系方式的，其中的“征求意见稿”不会报告。",
    fires=["关于加强农村人居环境整治的实施方案\n（讨论稿）",
           "勺米镇集镇管理办法（征求意见稿）\n第一条 为加强集镇管理，制定本办法。",
           "党政联席会议讨论记录",
           "现将《勺米镇村规民约修订方案（送审稿）》印发给你们，请于3月10日前反馈修改意见。"],
    silent=["关于公开征求《勺米镇集镇管理办法（征求意见稿）》意见的公告\n为广泛听取社会各界意见，现将《勺米镇集镇管理办法（征求意见稿）》"
            "全文公布，公开征求意见。\n一、征求意见时间：2025年3月1日至3月10日。\n二、意见可通过电子邮箱shaomi@example.cn提交。\n"
            "三、联系人：党政办，联系电话：0858-1234567。",
            "会议讨论了2025年重点工作。",
            "全国人大常委会审议了相关法律草案。"],
)

RULES = [CLASSIFICATION_MARK, INTERNAL_MARKING, TRADE_SECRET, PROCESS_DRAFT]
