"""The layout of a 公文 (GB/T 9704 order), found from the document itself.

份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 主送, 正文, 附件说明, 署名,
成文日期, 附注, 附件, 版记. Drafts lack parts freely; every field may be None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ..models import Block, Document
from . import labels as L

#: 文种, longest first so that 复函 wins over 函 and 通告 is not read as 告.
DOC_TYPES = (
    "实施方案", "工作方案", "管理办法", "实施细则", "实施意见", "指导意见", "工作要点",
    "请示", "报告", "批复", "复函", "通知", "通报", "通告", "公告", "决定", "决议", "意见",
    "纪要", "议案", "命令", "公报", "方案", "办法", "规定", "细则", "规划", "计划", "公示",
    "办事指南", "服务指南", "办事须知", "函", "令",
)
_TYPE_NORMAL = {
    "实施方案": "方案", "工作方案": "方案", "管理办法": "办法", "实施细则": "细则",
    "实施意见": "意见", "指导意见": "意见", "复函": "函", "工作要点": "要点",
    "办事指南": "办事指南", "服务指南": "办事指南", "办事须知": "办事指南",
}
#: 发文字号: 机关代字 + 〔年份〕 + 序号 + 号, tolerant of the wrong brackets drafters type.
DOC_NUMBER = regex.compile(
    r"(?P<org>[\p{Han}A-Za-z]{1,12}?)\s*(?P<open>[〔\[［【（(﹝{｛])\s*(?P<year>\d{2,4})\s*"
    r"(?P<close>[〕\]］】）)﹞}｝])\s*(?P<di>第)?\s*(?P<seq>\d{1,5})\s*号"
)
DATE = regex.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
SECRET_MARK = regex.compile(r"^(?:绝密|机密|秘密)\s*(?:★|☆|\*)?\s*(?:\d+\s*(?:年|个月|月))?")
URGENCY = regex.compile(r"^(?:特急|加急|特提|平急)$")
BANNER = regex.compile(r"^[\p{Han}（）()、\s]{2,40}(?:文件|函|纪要|简报|通报)$")
SIGNER = regex.compile(r"签发人\s*[:：]\s*(?P<name>[\p{Han}\s]{2,20})")
ATTACHMENT_NOTE = regex.compile(r"^附\s*件\s*[:：]")
ATTACHMENT_HEAD = regex.compile(r"^附\s*件\s*\d{0,2}\s*$|^附\s*件\s*\d{0,2}\s*[:：]?\s*$")
COPY_TO = regex.compile(r"^(?:抄\s*送|主\s*送)\s*[:：]")
PRINTED = regex.compile(r"印\s*发\s*$|\d+\s*日\s*印\s*发")
RECIPIENT = regex.compile(r"^(?P<to>[^。！？；\n]{2,120})[:：]\s*$")
FORWARD = regex.compile(r"(?P<verb>转发|印发|转印发|批转)(?P<what>.+?)(?:的)?(?:通知|函|意见)$")
ISSUER_SUFFIX = regex.compile(
    r"(?:人民政府|政府|委员会|党委|党工委|办公室|办公厅|政府办|党政办|局|厅|部|委|院|所|中心|站|队|社区|村民委员会|村委会|股|科|处|会)$"
)


@dataclass(slots=True)
class Field:
    text: str
    block: int
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class Structure:
    title: Field | None = None
    title_blocks: list[int] = field(default_factory=list)
    doc_number: Field | None = None
    issuer: Field | None = None
    banner: Field | None = None
    signer: Field | None = None
    recipients: Field | None = None
    date: Field | None = None
    secret: Field | None = None
    urgency: Field | None = None
    attachment_note: Field | None = None
    attachment_start: int | None = None  # first block of the attached document(s)
    copy_to: Field | None = None
    printed: Field | None = None
    doc_type: str | None = None
    direction: str | None = None  # 上行 / 平行 / 下行
    forwarded: dict | None = None
    label: L.Label | None = None
    forwarded_label: L.Label | None = None
    labels: list[L.Label] = field(default_factory=list)
    body_start: int | None = None

    def in_attachment(self, block_index: int) -> bool:
        return self.attachment_start is not None and block_index >= self.attachment_start


def doc_type_of(title: str) -> str | None:
    t = regex.sub(r"[\s（(][^（(]*[）)]\s*$", "", title.strip())  # drop a trailing （试行）, （征求意见稿）
    t = t.rstrip("》”\" ")
    for dt in DOC_TYPES:
        if t.endswith(dt):
            return _TYPE_NORMAL.get(dt, dt)
    return None


def _clean(text: str) -> str:
    return regex.sub(r"\s+", "", text)


def parse_structure(doc: Document, ctx=None) -> Structure:
    """Find the parts of a 公文 in a Document. Usable as a Context fact."""
    s = Structure()
    body = [b for b in doc.blocks if b.part == "body" and b.text.strip()]
    paras = [b for b in doc.blocks if b.part in ("body", "table")]
    head = body[:12]

    for b in head:
        t = b.text.strip()
        if s.secret is None and SECRET_MARK.match(t) and len(t) <= 20:
            s.secret = Field(t, b.index)
        elif s.urgency is None and URGENCY.match(t):
            s.urgency = Field(t, b.index)
        elif s.banner is None and BANNER.match(t) and len(t) <= 30 and not t.startswith("关于"):
            s.banner = Field(t, b.index)

    number_block = None
    for b in head:
        m = DOC_NUMBER.search(b.text)
        if m and len(b.text.strip()) <= 60 and "关于" not in b.text[: m.start()]:
            org_start = m.start("org")
            s.doc_number = Field(b.text[org_start : m.end()].strip(), b.index, org_start, m.end())
            number_block = b
            sm = SIGNER.search(b.text)
            if sm:
                s.signer = Field(_clean(sm["name"]), b.index, sm.start("name"), sm.end("name"))
            break

    # Title: after the doc number (or banner), the first line(s) that read as a title.
    start_pos = 0
    if number_block is not None:
        start_pos = body.index(number_block) + 1
    elif s.banner is not None:
        start_pos = next(i for i, b in enumerate(body) if b.index == s.banner.block) + 1
    title_parts: list[Block] = []
    for b in body[start_pos : start_pos + 8]:
        t = b.text.strip()
        if SECRET_MARK.match(t) or URGENCY.match(t) or SIGNER.search(t) or L.find_in_text(t) and len(t) < 20:
            if title_parts:
                break
            continue
        if RECIPIENT.match(t) and title_parts:
            break
        if (t.endswith(("。", "；")) or len(t) > 60) and not title_parts:
            break
        if t.endswith(("。", "；", "：", ":")) or len(t) > 60:
            break
        title_parts.append(b)
        joined = "".join(x.text.strip() for x in title_parts)
        if doc_type_of(joined) or len(title_parts) >= 3:
            break
    if title_parts:
        joined = "".join(x.text.strip() for x in title_parts)
        s.title = Field(joined, title_parts[0].index, 0, len(title_parts[0].text))
        s.title_blocks = [x.index for x in title_parts]
        s.doc_type = doc_type_of(joined)
    if s.title is None and doc.core_properties.get("title"):
        s.title = Field(doc.core_properties["title"], 0)
        s.doc_type = doc_type_of(s.title.text)

    # 主送机关: the first line ending with a colon right after the title.
    after = s.title_blocks[-1] if s.title_blocks else (number_block.index if number_block else -1)
    for b in body:
        if b.index <= after:
            continue
        t = b.text.strip()
        m = RECIPIENT.match(t)
        if m and not ATTACHMENT_NOTE.match(t) and not COPY_TO.match(t) and len(t) <= 120:
            s.recipients = Field(t, b.index, 0, len(b.text))
        break
    s.body_start = (s.recipients.block + 1) if s.recipients else (after + 1 if after >= 0 else None)

    # Attachment region: a line that is only 附件 / 附件1 after the body.
    for b in body:
        if s.body_start is not None and b.index <= s.body_start:
            continue
        t = b.text.strip()
        if ATTACHMENT_NOTE.match(t) and s.attachment_note is None:
            s.attachment_note = Field(t, b.index)
        elif ATTACHMENT_HEAD.match(t) and s.attachment_start is None:
            s.attachment_start = b.index
        elif COPY_TO.match(t) and s.copy_to is None:
            s.copy_to = Field(t, b.index)
        elif PRINTED.search(t) and DATE.search(t) and s.printed is None:
            s.printed = Field(t, b.index)

    # 成文日期 and 署名: the last date line of the main document, the line above it.
    main_end = s.attachment_start if s.attachment_start is not None else (len(doc.blocks))
    for b in reversed([x for x in body if x.index < main_end]):
        t = b.text.strip()
        m = DATE.fullmatch(_clean(t)) if len(t) <= 20 else None
        if m:
            s.date = Field(t, b.index, 0, len(b.text))
            prev = [x for x in body if x.index < b.index]
            if prev:
                p = prev[-1]
                pt = p.text.strip()
                if ISSUER_SUFFIX.search(pt) and len(pt) <= 40 and not pt.endswith("。"):
                    s.issuer = Field(pt, p.index)
            break
        if s.printed and b.index >= s.printed.block:
            continue
        if COPY_TO.match(t):
            continue
    if s.issuer is None and s.banner is not None:
        banner = regex.sub(r"(?:文件|函|纪要|简报|通报)$", "", s.banner.text)
        s.issuer = Field(banner, s.banner.block)

    # Labels: the document's own outside the attachment, the forwarded one inside it.
    for b in paras + [x for x in doc.blocks if x.part in ("footer", "header")]:
        for start, end, raw, value, cut in L.find_in_text(b.text):
            label = L.Label(value, raw, "line" if "：" in raw or ":" in raw else "note", b.index, start, cut)
            s.labels.append(label)
            if s.in_attachment(b.index):
                s.forwarded_label = s.forwarded_label or label
            else:
                s.label = s.label or label
    if s.label is None:
        s.label = L.from_properties(doc.custom_properties)

    # 转发类: 关于转发/印发《…》的通知.
    if s.title is not None:
        m = FORWARD.search(s.title.text)
        if m and m["verb"] in ("转发", "批转", "转印发"):
            what = m["what"].strip("《》 ")
            num = DOC_NUMBER.search(what)
            title = regex.sub(r"[（(][^）)]*[〔\[]\d{4}[〕\]][^）)]*[）)]", "", what).strip("《》 ")
            s.forwarded = {
                "title": title,
                "doc_number": num.group().strip() if num else None,
                "label": s.forwarded_label.value if s.forwarded_label else None,
            }

    s.direction = direction_of(s, doc)
    return s


UPWARD_TYPES = {"请示", "报告"}
DOWNWARD_TYPES = {"通知", "通报", "决定", "批复", "意见", "命令", "令", "方案", "办法", "规定", "细则"}
UPWARD_WORDS = regex.compile(r"妥否[，,]?请批示|请予审批|请批示|请审阅|特此请示|特此报告|请审定|请予批准")
SUPERIORS = regex.compile(r"区委|区政府|区人民政府|县委|县政府|市委|市政府|上级")
SUBORDINATES = regex.compile(r"^各|村（社区）|各村|各股室|各站所|各部门|各单位")


def direction_of(s: Structure, doc: Document) -> str | None:
    """上行 to a superior, 下行 to subordinates, 平行 between peers (函)."""
    text = "\n".join(b.text for b in doc.blocks if b.part in ("body", "table"))
    to = s.recipients.text if s.recipients else ""
    if s.doc_type in UPWARD_TYPES or UPWARD_WORDS.search(text):
        return "上行"
    if s.doc_type == "函":
        return "平行"
    if to and SUPERIORS.search(to) and not SUBORDINATES.search(to):
        return "上行"
    if s.doc_type in DOWNWARD_TYPES or (to and SUBORDINATES.search(to)):
        return "下行"
    return None
