"""Approvals a draft needs before publication (G1xx): 负面信息, 重大决策预公开, 政策解读.

These are reminders, not verdicts: each fires only on clear evidence (an event that happened,
a decision document on a listed subject, a normative document that takes effect) and says
which approval or companion document the regulation asks for. Precision comes first.
"""

from __future__ import annotations

import regex

from ..attributes.structure import doc_type_of, parse_structure
from ..engine import FunctionRule
from ..models import Severity

RELEASE = "《勺米镇政务公开信息审核发布管理制度》"
PRE_DISCLOSURE = "《勺米镇政务公开重大决策事项预公开制度》"
INTERPRETATION = "《勺米镇政务公开政策解读制度》"
BODY_PARTS = ("body", "table")

# -- G101 负面信息 -------------------------------------------------------------------------------

_EVENT = r"(?:安全)?(?:生产|交通|道路交通|火灾|溺水|建筑施工|坍塌|燃气|矿山|煤矿|责任)?事故|火灾|火情|爆炸|坍塌|垮塌|山体滑坡|泥石流|泄漏|中毒|溺亡|溺水|踩踏|群体性事件"
#: An event that happened: 发生…事故, 造成3人死亡, 致1人受伤.
HAPPENED = regex.compile(
    rf"(?:发生|突发|引发|导致|出现)了?[^。；，]{{0,16}}?(?P<ev>{_EVENT})"
    r"|(?:造成|致使?|导致)[^。；]{0,10}?\d+\s*(?:人|名[^。；]{0,6}?)(?:死亡|受伤|遇难|失踪|重伤|轻伤|中毒)"
    r"|(?:死亡|遇难|受伤|失踪)\s*\d+\s*人"
)
#: Discipline: 给予…处分, 被问责, 立案审查, 通报批评.
DISCIPLINE = regex.compile(
    r"给予[^。；]{0,24}?(?:党内警告|党内严重警告|撤销党内职务|留党察看|开除党籍|警告|记过|记大过|降级|撤职|开除|政务|行政)处分"
    r"|(?:被|予以|进行|严肃)问责|(?:立案审查调查|立案审查|立案调查|采取留置措施|被留置|(?:已|被)移送司法机关|诫勉谈话|通报批评)"
)
#: Public opinion events: 引发网络舆情, 负面舆情, 重大舆情.
OPINION = regex.compile(r"(?:引发|引起|形成|出现|发生)[^。；，]{0,8}?舆情|(?:负面|重大|敏感|热点|突发)舆情(?!监测|应对机制|回应机制|研判机制)")
#: Prevention campaigns and rules talk about accidents without reporting one.
PREVENTIVE = regex.compile(
    r"(?:防范|防止|预防|避免|杜绝|遏制|减少|排查|隐患|演练|应急预案|坚决|严防|确保不|一旦|如发生|若发生|发生.{0,10}的，|凡"
    r"|极易|容易|易于?发生|可能|有可能|或将|难免)"
)
#: A province or city named in the sentence of an event: 2012年3月6日××省××市一烧烤店…引发爆炸.
PLACE = regex.compile(r"(?P<p>[\p{Han}]{2,3}?)(?:省|自治区)|(?P<c>[\p{Han}]{2,3}?)市")
#: Words that place an event elsewhere or nowhere in particular: background, not this body's news.
ELSEWHERE = regex.compile(r"全国|各地|外地|外省|国内外?|一些地方|多地|兄弟(?:省|市|县)|其他地区|国外")


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。；！？")
    b = min((i for i in (text.find(c, end) for c in "。；！？") if i >= 0), default=len(text))
    return text[a + 1:b]


def _home(doc, s) -> str:
    """The text that names the issuing body's own place: title, 发文机关, 版头, 主送 (else the first words)."""
    parts = [f.text for f in (s.title, s.issuer, s.recipients, s.banner) if f is not None]
    if s.title is None:
        parts += [b.text[:40] for b in doc.blocks[:1]]
    return "".join(parts)


def _elsewhere(sentence: str, home: str) -> bool:
    """Whether the event of ``sentence`` happened outside the issuing body's own place."""
    if ELSEWHERE.search(sentence):
        return True
    names = [m["p"] or m["c"] for m in PLACE.finditer(sentence)]
    return bool(names) and not any(n in home for n in names)


def _negative(rule, doc, ctx):
    hits = []
    home = None
    for block in doc.blocks:
        if block.part not in BODY_PARTS or not block.text.strip():
            continue
        text = block.text
        for pattern, kind in ((HAPPENED, "事故或突发事件"), (DISCIPLINE, "问责处分"), (OPINION, "舆情")):
            for m in pattern.finditer(text):
                clause_start = max(text.rfind(c, 0, m.start()) for c in "。；，")
                clause = text[clause_start + 1: m.end()]
                if PREVENTIVE.search(clause):
                    continue
                if regex.search(r"的[，,][^。；，、]{0,4}$", text[max(0, m.start() - 8): m.start()]):
                    continue  # 情节较重的，（严格）给予警告处分: a rule's condition and consequence
                if regex.match(r"[^。；，]{0,6}?的[，,]", text, pos=m.end()):
                    continue  # 对…导致发生事故的，要严肃处理: the condition of a rule
                if kind == "事故或突发事件":
                    if home is None:
                        home = _home(doc, ctx.fact(parse_structure))
                    if _elsewhere(_sentence(text, m.start(), m.end()), home):
                        continue  # accidents elsewhere cited as the background of a campaign
                sentence_end = text.find("。", m.end())
                rest = text[m.end(): sentence_end if sentence_end >= 0 else len(text)][:30]
                if kind != "问责处分" and regex.search(r"应当|应立即|应及时|须立即|必须|要立即|要及时|有必要的|的[，,]可以?", rest):
                    continue  # 发生事故，…应当立即报告: what to do if one happens
                if kind == "问责处分" and regex.search(r"(?:将|予以|依法|依纪|按照|按有关|追究|要|应当?|须|一律)[^。]{0,6}$", text[max(0, m.start() - 8): m.start()]) \
                        and not regex.search(r"已|决定|经研究", clause):
                    continue  # 对违反本制度的…将予以问责: a rule, not an event
                if kind == "舆情" and regex.search(r"发现|对|如|若|一旦|防止|应对|处置|及时", text[max(0, m.start() - 6): m.start()]):
                    continue  # 发现重大舆情要…: how to handle one, not a report of one
                hits.append((block, m.start(), m.end(), kind))
    if not hits:
        return
    block, start, end, kind = hits[0]
    kinds = "、".join(dict.fromkeys(k for *_, k in hits))
    yield rule.finding(
        block, start, end,
        message=f"含负面信息（{kinds}，共 {len(hits)} 处）：须上报主要领导审核同意后方可发布",
        suggestion="发布前上报单位主要领导审核，取得同意后再发布，并在审核记录中注明",
        confidence=0.8,
        explanation={"kinds": kinds, "places": [(b.index, s, e) for b, s, e, _ in hits[:10]]},
    )


NEGATIVE_INFO = FunctionRule(
    code="G101", category="approval", kind="negative_info", severity=Severity.WARNING,
    message="负面信息须主要领导审核", basis=f"{RELEASE}十", func=_negative,
    doc="发布关系重大事件、重要舆情的信息和负面信息，应上报主要领导审核并经主要领导同意后方可发布。"
        "报告已经发生的事故、火灾、伤亡，对人员的问责、处分、立案审查，以及引发的舆情时提示；"
        "“防范安全事故”“开展火灾隐患排查”“对违反规定的将予以问责”“极易引发次生事故”这类预防性、规则性、"
        "假设性表述不报告；作为背景引述的外地事故（句中地名不是本机关所在地，或写明“全国”“各地”）也不报告。"
        "整篇公文只提示一次，指向第一处。",
    fires=["3月5日，某村发生一起道路交通事故，造成2人受伤。",
           "经镇党委研究，决定给予张某党内警告处分。",
           "该事件在网络上引发负面舆情。"],
    silent=["各村要加强安全生产，坚决防范和遏制重特大事故发生。",
            "开展火灾隐患排查整治行动。",
            "对违反本制度的，将予以问责。",
            "科宣中心负责舆情监测和回应工作。",
            "对推进不力、未完成目标的，严格予以问责。",
            "对不认真开展检查，导致发生事故的，要严肃处理。",
            "下立交地势低，极易发生车辆抛锚而引发次生事故。",
            "关于开展燃气安全专项整治的通知\n各村：\n2024年5月1日，某某省某某市一餐馆因燃气泄漏引发爆炸，造成3人死亡。"
            "请各村立即开展排查。\n勺米镇人民政府\n2025年3月5日"],
)

# -- G102 重大决策预公开 ---------------------------------------------------------------------------

DECISION_TYPES = {"决定", "方案", "办法", "规定", "细则", "规划", "计划", "意见", "通告", "公告"}
#: Subjects of 《预公开制度》三, as they appear in titles.
MAJOR_SUBJECTS = regex.compile(
    r"发展规划|发展战略|总体规划|国土空间规划|五年规划|征收|征地|拆迁|补偿(?:安置)?(?:标准|方案|办法)|安置方案|"
    r"收费标准|价格调整|机构改革|机构设置|职能调整|人员分流|专项(?:资金|经费)[^》]{0,6}(?:分配|使用|安排)|"
    r"重大(?:项目|决策|事项)|行政审批[^》]{0,4}(?:调整|变动|取消|下放)|规范性文件"
)
DONE = regex.compile(r"预公开|已(?:于|经)?[^。]{0,16}(?:公开征求|征求[^。]{0,6}意见|公示)|公开征求|听证会?")


ISSUED = regex.compile(r"(?:印发|制定|出台|发布)《?(?P<inner>.+?)》?的通知$")


def decided_type(title: str, doc_type: str | None) -> str | None:
    """The 文种 of what a title decides: 关于印发…方案的通知 decides a 方案."""
    m = ISSUED.search(title)
    return doc_type_of(m["inner"]) if m else doc_type


def _major(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.title is None or decided_type(s.title.text, s.doc_type) not in DECISION_TYPES:
        return
    m = MAJOR_SUBJECTS.search(s.title.text)
    if m is None:
        return
    text = "\n".join(b.text for b in doc.blocks if b.part in BODY_PARTS)
    if DONE.search(text) or regex.search(r"征求意见稿|草案|讨论稿", s.title.text):
        return
    block = doc.blocks[s.title.block]
    start = block.text.find(m.group())
    start, end = (start, start + len(m.group())) if start >= 0 else (0, len(block.text))
    yield rule.finding(
        block, start, end,
        message=f"重大决策事项（“{m.group()}”）须在正式决定前预公开，草稿中未见已预公开的记载",
        suggestion="正式决定前将拟定的方案和理由向社会公布并听取意见（预公开时间不超过10个工作日）；已预公开的，在起草说明或正文中注明",
        confidence=0.7, explanation={"subject": m.group(), "doc_type": s.doc_type},
    )


MAJOR_DECISION = FunctionRule(
    code="G102", category="approval", kind="major_decision", severity=Severity.INFO,
    message="重大决策须预公开", basis=f"{PRE_DISCLOSURE}三", func=_major,
    doc="涉及发展战略和规划、全局性重大决策、规范性文件出台、群众切身利益的重大事项（征收、拆迁、补偿"
        "安置、收费标准）、机构设置和职能变动、重要专项经费分配、机构改革人员分流等事项，应在正式决定"
        "前把拟定的方案和理由向社会公布，充分听取意见后再作决定；应预公开而未预公开的事项不具有行政效力"
        "（《勺米镇政务公开重大决策事项预公开制度》七）。标题是这类事项的决定、方案、办法等，而全文未见"
        "预公开、公开征求意见或听证的记载时提示。",
    fires=["勺米镇人民政府关于印发集镇区房屋征收补偿安置方案的通知\n各村（社区）：\n现将方案印发给你们。"],
    silent=["勺米镇人民政府关于印发集镇区房屋征收补偿安置方案的通知\n各村（社区）：\n"
            "该方案已于2025年2月10日至2月21日向社会公开征求意见。现将方案印发给你们。",
            "关于召开征收工作会议的通知\n各村（社区）：\n定于周一开会。",
            "关于公开征求《集镇区房屋征收补偿安置方案（征求意见稿）》意见的公告"],
)

# -- G103 政策解读 ------------------------------------------------------------------------------------

NORMATIVE_TITLE = regex.compile(r"(?:管理|实施|暂行|试行)?(?:办法|规定|细则)(?:（试行）|（暂行）)?》?(?:的通知)?$|实施意见》?(?:的通知)?$")
IN_FORCE = regex.compile(r"(?:本|此)(?:办法|规定|细则|意见|决定|制度|方案)[^。]{0,20}?(?:起施行|起实施|起执行|之日起生效)")
EXPLICIT = regex.compile(r"规范性文件")
INTERPRETED = regex.compile(r"解读")


def _interpretation(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    text = "\n".join(b.text for b in doc.blocks if b.part in BODY_PARTS)
    if INTERPRETED.search(text) or s.title is None:
        return
    title = s.title.text
    normative_title = bool(NORMATIVE_TITLE.search(title))
    in_force = IN_FORCE.search(text)
    if not (normative_title and in_force) and not (EXPLICIT.search(title) and in_force):
        return
    if regex.search(r"征求意见稿|草案|讨论稿", title):
        return
    block = doc.blocks[s.title.block]
    yield rule.finding(
        block, 0, len(block.text),
        message="规范性文件须同步制定解读方案并发布解读材料，草稿及附件中未见解读",
        suggestion="按“谁起草、谁解读”，报送时一并报送解读方案（解读提纲、形式、途径、时间），审定后与文件同步发布解读材料",
        confidence=0.75, explanation={"title": title, "in_force": in_force.group()},
    )


POLICY_INTERPRETATION = FunctionRule(
    code="G103", category="approval", kind="policy_interpretation", severity=Severity.WARNING,
    message="规范性文件须同步解读", basis=f"{INTERPRETATION}第二条", func=_interpretation,
    doc="以镇名义出台的规范性文件、重要政策，均要通过门户网站、政府信息公开平台、新闻媒体等进行解读"
        "（《勺米镇政务公开政策解读制度》第一条）；坚持“谁起草、谁解读”，报送重要政策时要一并报送解读"
        "方案，审定后按时发布解读材料（第二条）。标题为办法、规定、细则、实施意见且正文有“本办法自…"
        "起施行”之类生效条款，而全文未提到解读时提示。",
    fires=["勺米镇农村人居环境管理办法\n第一条 为改善农村人居环境，制定本办法。\n第二十条 本办法自2025年5月1日起施行。"],
    silent=["勺米镇农村人居环境管理办法\n第一条 为改善农村人居环境，制定本办法。\n第二十条 本办法自2025年5月1日起施行。\n"
            "附件：《勺米镇农村人居环境管理办法》政策解读",
            "关于做好春耕备耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。",
            "勺米镇农村人居环境管理办法（征求意见稿）\n第一条 为改善农村人居环境，制定本办法。\n第二十条 本办法自2025年5月1日起施行。"],
)

RULES = [NEGATIVE_INFO, MAJOR_DECISION, POLICY_INTERPRETATION]

