"""Required contents (C1xx): a document of a kind the regulations describe lacks an element.

The kinds, how each is recognised and what it must contain are data
(``data/completeness.yaml``); this module reads the document's text and tables against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

from ..attributes.structure import parse_structure, written_on
from ..data import load_yaml
from ..engine import FunctionRule
from ..models import Document, Severity
from . import periods as P


@dataclass(frozen=True)
class Element:
    name: str
    patterns: tuple[regex.Pattern, ...]
    check: str | None = None
    hint: str | None = None
    basis: str | None = None

    def found(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@dataclass(frozen=True)
class Kind:
    id: str
    code: str
    name: str
    basis: str
    title: regex.Pattern
    unless_title: regex.Pattern | None
    elements: tuple[Element, ...]
    min_elements_without_title: int = 99
    columns: tuple[Element, ...] = ()
    min_columns: int = 3


def _compile(words) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{w})" for w in words))


def _element(spec: dict) -> Element:
    return Element(spec["name"], tuple(regex.compile(p) for p in spec.get("any", ())),
                   spec.get("check"), spec.get("hint"), spec.get("basis"))


@lru_cache(maxsize=1)
def kinds() -> dict[str, Kind]:
    raw = load_yaml(resources.files("gongkai.data").joinpath("completeness.yaml").read_text("utf-8"))
    out = {}
    for kid, spec in raw["kinds"].items():
        out[kid] = Kind(
            kid, spec["code"], spec["name"], spec["basis"], _compile(spec["title"]),
            _compile(spec["unless_title"]) if spec.get("unless_title") else None,
            tuple(_element(e) for e in spec.get("elements", ())),
            spec.get("min_elements_without_title", 99),
            tuple(_element(e) for e in spec.get("columns", ())),
            spec.get("min_columns", 3),
        )
    return out


def _title_and_text(doc: Document, ctx) -> tuple[str, str, int | None]:
    s = ctx.fact(parse_structure)
    title = s.title.text if s.title else ""
    skip = set(s.title_blocks)
    text = "\n".join(b.text for b in doc.blocks if b.part in ("body", "table", "textbox") and b.index not in skip)
    return title, text, (s.title_blocks[0] if s.title_blocks else None)


def _recognised(kind: Kind, title: str, text: str) -> bool:
    if kind.unless_title is not None and kind.unless_title.search(title):
        return False
    if kind.title.search(title):
        return True
    present = sum(e.found(text) for e in kind.elements if e.patterns)
    return present >= kind.min_elements_without_title


def _anchor(doc: Document, title_block: int | None):
    if title_block is not None:
        b = doc.blocks[title_block]
    else:
        b = next((x for x in doc.blocks if x.text.strip()), None)
    return b, 0, (len(b.text) if b else 0)


def _missing_elements(rule, doc, ctx, kind: Kind):
    title, text, tb = _title_and_text(doc, ctx)
    if not _recognised(kind, title, text):
        return
    block, a, b = _anchor(doc, tb)
    for element in kind.elements:
        if element.check == "period":
            yield from _consultation_period(rule, doc, ctx, kind, element, text, block, a, b)
            continue
        if element.check == "working_days":
            yield from _pre_disclosure_period(rule, doc, ctx, kind, element, text, block, a, b)
            continue
        if not element.found(text):
            yield rule.finding(
                block, a, b, text="",
                message=f"{kind.name}缺少“{element.name}”",
                suggestion=element.hint or f"补充“{element.name}”",
                basis=element.basis or kind.basis,
                explanation={"kind": kind.id, "missing": element.name},
            )


def _consultation_period(rule, doc, ctx, kind, element, text, block, a, b):
    period = P.find_period(text, ctx.fact(written_on))
    if period is None:
        yield rule.finding(block, a, b, text="", message=f"{kind.name}缺少“{element.name}”",
                           suggestion="写明征求意见的起止时间，如“征求意见时间：2025年9月1日至2025年9月30日”",
                           explanation={"kind": kind.id, "missing": element.name})
        return
    if period.end is None and period.days is None:
        yield rule.finding(block, a, b, text="", message=f"{kind.name}未写明征求意见的截止时间",
                           suggestion="写明征求意见的截止日期", explanation={"kind": kind.id, "missing": "截止时间"})
        return
    minimum = int(ctx.section("completeness").get("consultation_min_days", 7))
    if period.start and period.end:
        days = (period.end - period.start).days
    elif period.days is not None and period.unit == "天":
        days = period.days
    else:
        days = None
    if days is not None and days < minimum:
        yield rule.finding(
            block, a, b, text="", severity=Severity.WARNING,
            message=f"征求意见期限只有 {days} 天，少于 {minimum} 天（“{period.evidence}”）",
            suggestion=f"延长征求意见期限至不少于 {minimum} 天（可在配置 [completeness] consultation_min_days 中调整）",
            explanation={"kind": kind.id, "days": days, "minimum": minimum},
        )


def _pre_disclosure_period(rule, doc, ctx, kind, element, text, block, a, b):
    period = P.find_period(text, ctx.fact(written_on))
    if period is None or (period.end is None and period.days is None):
        yield rule.finding(block, a, b, text="", message=f"{kind.name}未写明预公开期限（起止日期）",
                           suggestion="写明预公开的起止日期，期限自发布之日起不超过10个工作日",
                           explanation={"kind": kind.id, "missing": element.name})
        return
    limit = 10
    if period.days is not None:
        if period.unit == "个工作日" and period.days > limit:
            yield rule.finding(block, a, b, text="", message=f"预公开期限为 {period.days} 个工作日，超过 {limit} 个工作日",
                               suggestion=f"预公开期限不超过 {limit} 个工作日", explanation={"kind": kind.id, "working_days": period.days})
        return
    if period.start is None:
        return
    try:
        n = P.working_days(period.start, period.end)
        note = ""
    except P.CalendarGap:
        n = sum(1 for i in range(1, (period.end - period.start).days + 1)
                if (period.start.toordinal() + i) % 7 not in (6, 0))  # Monday..Friday
        note = "（节假日数据未覆盖该年份，按周一至周五计算）"
    if n > limit:
        latest = None
        try:
            latest = P.add_working_days(period.start, limit)
        except P.CalendarGap:
            pass
        yield rule.finding(
            block, a, b, text="",
            message=f"预公开期限 {period.start:%Y年%m月%d日} 至 {period.end:%Y年%m月%d日} 共 {n} 个工作日{note}，超过 {limit} 个工作日",
            suggestion=f"截止日期不晚于 {latest:%Y年%m月%d日}" if latest else f"缩短至不超过 {limit} 个工作日",
            explanation={"kind": kind.id, "working_days": n, "start": period.start.isoformat(), "end": period.end.isoformat()},
        )


def _catalogue(rule, doc, ctx, kind: Kind):
    title, _text, tb = _title_and_text(doc, ctx)
    tables: dict[int, dict[tuple[int, int], str]] = {}
    cells_block: dict[tuple[int, int, int], object] = {}
    for blk in doc.blocks:
        if blk.part == "table" and blk.table is not None:
            cell = tables.setdefault(blk.table, {})
            key = (blk.row, blk.col)
            cell[key] = (cell.get(key, "") + "\n" + blk.text).strip()
            cells_block.setdefault((blk.table, blk.row, blk.col), blk)
    titled = bool(kind.title.search(title))
    for t, cells in tables.items():
        header = {col: text for (row, col), text in cells.items() if row == 0}
        mapping: dict[str, int] = {}
        for element in kind.columns:
            for col, text in sorted(header.items()):
                if col not in mapping.values() and element.found(text):
                    mapping[element.name] = col
                    break
        if len(mapping) < kind.min_columns and not (titled and len(mapping) >= 2):
            continue
        head_block = cells_block.get((t, 0, min(header) if header else 0))
        missing = [e.name for e in kind.columns if e.name not in mapping]
        for name in missing:
            yield rule.finding(head_block, text="", message=f"公开事项目录缺少“{name}”栏",
                               suggestion=f"增加“{name}”栏并逐项填写",
                               explanation={"kind": kind.id, "missing": name, "table": t})
        rows = sorted({row for (row, _c) in cells if row > 0})
        for row in rows:
            empty = [name for name, col in mapping.items() if not cells.get((row, col), "").strip()]
            if not empty:
                continue
            values = [cells.get((row, c), "") for c in sorted(header)]
            item = next((v for v in values if v and not regex.fullmatch(r"\d+", v)), f"第{row}项")
            anchor = cells_block.get((t, row, min(header) if header else 0))
            yield rule.finding(
                anchor, text="",
                message=f"公开事项“{item}”缺少：{'、'.join(empty)}",
                suggestion="逐项补全要素：" + "、".join(empty),
                explanation={"kind": kind.id, "row": row, "missing": empty, "table": t},
            )


def _make(kind_id: str, fires, silent, doc_text: str) -> FunctionRule:
    kind = kinds()[kind_id]
    func = (lambda rule, doc, ctx: _catalogue(rule, doc, ctx, kind)) if kind.columns else (
        lambda rule, doc, ctx: _missing_elements(rule, doc, ctx, kind))
    return FunctionRule(
        code=kind.code, category="completeness", kind=kind_id, severity=Severity.WARNING,
        message=f"{kind.name}缺少必备要素", basis=kind.basis, doc=doc_text, fires=fires, silent=silent, func=func,
    )


GUIDE_FULL = (
    "勺米镇农村低保申请办事指南\n一、设定依据：《社会救助暂行办法》\n二、办理条件：家庭人均收入低于当地低保标准\n"
    "三、办事程序：申请、审核、公示、审批\n四、申报材料：申请书、户口簿\n五、承诺时限：20个工作日\n"
    "六、收费标准：不收费\n七、咨询电话：0858-8123000"
)

SERVICE_GUIDE = _make(
    "service_guide",
    fires=["勺米镇农村低保申请办事指南\n一、设定依据：《社会救助暂行办法》\n二、办理条件：家庭人均收入低于当地低保标准\n"
           "三、办事程序：申请、审核、公示、审批\n四、申报材料：申请书、户口簿\n五、咨询电话：0858-8123000"],
    silent=[GUIDE_FULL, "关于做好春耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。"],
    doc_text="办事指南、服务指南、办事须知应当写明各类办理事项的设定依据、办理条件、办事程序、申报材料、"
             "承诺时限、收费标准及收费依据（不收费的写明不收费），并公布咨询、投诉电话。缺少任何一项即报告，"
             "每项一条，写明缺少的要素。",
)

CONSULTATION = _make(
    "consultation",
    fires=["勺米镇人民政府关于公开征求《勺米镇农村人居环境整治方案（征求意见稿）》意见的公告\n"
           "为广泛听取社会各界意见，现将征求意见稿全文公布。起草背景见附件。\n"
           "请于2025年3月10日前通过电子邮件提交意见。\n联系人：农业服务中心，联系电话：0858-8123000\n"
           "勺米镇人民政府\n2025年3月5日"],
    silent=["勺米镇人民政府关于公开征求《勺米镇农村人居环境整治方案（征求意见稿）》意见的公告\n"
            "为广泛听取社会各界意见，现将征求意见稿全文公布，起草背景见附件。\n"
            "征求意见时间：2025年3月5日至2025年4月4日。\n可通过电子邮件提交意见。\n"
            "联系人：农业服务中心，联系电话：0858-8123000\n勺米镇人民政府\n2025年3月5日",
            "关于征求《勺米镇2025年工作要点》意见的函\n各股室：\n请于3月10日前反馈意见。"],
    doc_text="向公民、法人和其他组织征求意见时，应当公布相关事项的背景资料、征求意见的起止时间、公众提交意见"
             "和建议的方式、联系部门和联系方式。征求意见期限短于配置的最短天数（[completeness] "
             "consultation_min_days，默认 7 天）时提示。向有关部门征求意见的函不在此列。",
)

PRE_DISCLOSURE = _make(
    "pre_disclosure",
    fires=["关于勺米镇集镇农贸市场搬迁方案的预公开公告\n拟定方案：将农贸市场搬迁至新区。\n理由：现址狭小。\n"
           "预公开时间：2025年9月25日至2025年10月23日。\n意见请通过电子邮件反馈。\n勺米镇人民政府\n2025年9月25日"],
    silent=["关于勺米镇集镇农贸市场搬迁方案的预公开公告\n拟定方案：将农贸市场搬迁至新区。\n理由：现址狭小。\n"
            "预公开时间：2025年9月25日至2025年10月13日。\n意见请通过电子邮件反馈。\n勺米镇人民政府\n2025年9月25日"],
    doc_text="重大决策预公开应当将拟定的方案和理由向社会公布，写明公众反馈意见的方式；预公开时间自向社会发布之日起"
             "不超过10个工作日。工作日按国家法定节假日安排（含调休）计算，发布当日不计入。",
)

INTERPRETATION_PLAN = _make(
    "interpretation_plan",
    fires=["《勺米镇农村宅基地管理办法》解读方案\n一、解读提纲：出台背景、主要内容。\n二、解读形式：图解。"],
    silent=["《勺米镇农村宅基地管理办法》解读方案\n一、解读提纲：出台背景、主要内容。\n二、解读形式：图解、问答。\n"
            "三、解读途径：镇政府门户网站。\n四、解读时间：与办法同步发布。"],
    doc_text="报送重要政策的请示时一并报送的解读方案，一般包括解读提纲、解读形式、解读途径、解读时间。缺少任何一项即报告。",
)


_CATALOGUE_HEADER = ["序号", "公开事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开栏目", "公开方式",
                     "咨询/投诉电话"]
_CATALOGUE_ROW = ["1", "农村低保", "保障对象、标准", "《社会救助暂行办法》", "20个工作日内", "民政办", "政府网站", "社会救助",
                  "主动公开", "0858-8123000"]


def _catalogue_doc(*rows: list[str]) -> Document:
    from ..formats import read_bytes
    from ..formats.compose import DocxBuilder

    b = DocxBuilder()
    b.paragraph("勺米镇政务公开事项标准目录")
    b.table([_CATALOGUE_HEADER, _CATALOGUE_ROW, *rows])
    return read_bytes(b.to_bytes(), "catalogue.docx")


CATALOGUE_ENTRY = _make(
    "catalogue_entry",
    fires=[lambda: _catalogue_doc(["2", "临时救助", "救助标准", "", "", "民政办", "政府网站", "社会救助", "主动公开", "0858-8123000"])],
    silent=[_catalogue_doc, "关于做好春耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。"],
    doc_text="公开事项目录应逐项确定每个具体事项的要素公开标准：公开渠道、公开依据、公开栏目、公开主体、公开内容、"
             "公开方式、公开时限和咨询、投诉电话。表格缺少的栏目逐栏报告，填写不全的事项逐项报告缺少的要素。",
)

# -- C106 a closing formula of another 文种; C107 a 请示 about more than one matter -----------------

REGULATION = "《党政机关公文处理工作条例》"


@lru_cache(maxsize=1)
def closings() -> dict:
    """The closing formulas of data/proofing/closings.yaml, compiled."""
    raw = load_yaml(resources.files("gongkai").joinpath("data/proofing/closings.yaml").read_text(encoding="utf-8"))
    wrong = {t: [(regex.compile(e["closing"]), e["right"], e["why"]) for e in entries]
             for t, entries in raw["wrong_in"].items()}
    return {"wrong_in": wrong, "request_verbs": regex.compile(raw["request_verbs"])}


#: How many body paragraphs before the 成文日期 (or the end) make the closing.
CLOSING_PARAGRAPHS = 3


def _closing_blocks(doc: Document, s) -> list:
    body = [b for b in doc.blocks if b.part == "body" and b.text.strip()]
    end = next((i for i, b in enumerate(body) if s.date is not None and b.index == s.date.block), len(body))
    if end == len(body) and len(body) == 1:
        return body  # a text without line breaks: its closing is in its one paragraph
    start = max(0, end - CLOSING_PARAGRAPHS - (1 if s.issuer is not None and s.issuer.block < (s.date.block if s.date else 1 << 30) else 0))
    return body[start:end]


def _foreign_closing(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    rules = closings()["wrong_in"].get(s.doc_type or "")
    if not rules:
        return
    for block in _closing_blocks(doc, s):
        text = block.text if len(block.text) < 400 else block.text[-400:]
        off = len(block.text) - len(text)
        for pattern, right, why in rules:
            m = pattern.search(text)
            if m:
                yield rule.finding(block, off + m.start(), off + m.end(), suggestion=right,
                                   message=f"{s.doc_type}的结束语用了其他文种的“{m.group()}”：{why}")
                return


FOREIGN_CLOSING = FunctionRule(
    code="C106", category="completeness", kind="closing_formula", severity=Severity.WARNING,
    message="结束语与文种不符", basis=f"{REGULATION}第八条、第十五条（四）", func=_foreign_closing,
    doc="结束语随文种而定：请示以“妥否，请批示”“特此请示”收尾，报告以“特此报告”收尾且不得夹带请示事项，"
        "函用于不相隶属机关之间，不请对方“批示”。标题文种是一种、结尾却用了另一种文种的结束语时提示"
        "（词表：data/proofing/closings.yaml）。",
    fires=["勺米镇人民政府关于2025年防汛工作情况的报告\n区人民政府：\n现将防汛工作情况报告如下。\n"
           "妥否，请批示。\n勺米镇人民政府\n2025年6月1日",
           "勺米镇人民政府关于申请追加防汛经费的请示\n区人民政府：\n今年汛期雨量偏多，需追加经费。\n"
           "以上请示，请审阅。\n勺米镇人民政府\n2025年6月1日"],
    silent=["勺米镇人民政府关于2025年防汛工作情况的报告\n区人民政府：\n现将防汛工作情况报告如下。\n"
            "特此报告。\n勺米镇人民政府\n2025年6月1日",
            "勺米镇人民政府关于申请追加防汛经费的请示\n区人民政府：\n今年汛期雨量偏多，需追加经费。\n"
            "妥否，请批示。\n勺米镇人民政府\n2025年6月1日"],
)

_MATTER_SPLIT = regex.compile(r"[和及与、]|以及|并")


def _one_matter(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.doc_type != "请示" or s.title is None:
        return
    title = regex.sub(r"\s+", "", s.title.text)
    m = regex.search(r"关于(?P<what>.+)的请示$", title)
    if not m:
        return
    what = regex.sub(r"《[^》]*》|（[^）]*）|\([^)]*\)", "", m["what"])
    verbs = closings()["request_verbs"]
    parts = [p for p in _MATTER_SPLIT.split(what) if p]
    asks = [p for p in parts if verbs.match(p)]
    if len(asks) < 2:
        return
    block = doc.blocks[s.title.block]
    yield rule.finding(block, 0, len(block.text),
                       message=f"请示应当一文一事，标题中有{len(asks)}项请求事项：{'；'.join(asks)}",
                       suggestion="每项请求事项分别行文请示")


ONE_MATTER = FunctionRule(
    code="C107", category="completeness", kind="one_matter", severity=Severity.WARNING,
    message="请示未一文一事", basis=f"{REGULATION}第十五条（四）", func=_one_matter,
    doc="请示应当一文一事。标题“关于……的请示”中用“和”“及”“、”连接了两项以上各自以请求动词（申请、追加、"
        "购置、调整、设立……）开头的事项时提示。",
    fires=["勺米镇人民政府关于申请追加防汛经费和购置抢险设备的请示\n区人民政府：\n请予批准。\n勺米镇人民政府\n2025年6月1日"],
    silent=["勺米镇人民政府关于申请追加防汛经费的请示\n区人民政府：\n请予批准。\n勺米镇人民政府\n2025年6月1日",
            "勺米镇人民政府关于申请道路维修和养护经费的请示\n区人民政府：\n请予批准。\n勺米镇人民政府\n2025年6月1日"],
)

RULES = [SERVICE_GUIDE, CONSULTATION, PRE_DISCLOSURE, INTERPRETATION_PLAN, CATALOGUE_ENTRY, FOREIGN_CLOSING, ONE_MATTER]
