"""The layout of a 公文 (GB/T 9704 order), found from the document itself.

份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 主送, 正文, 附件说明, 署名,
成文日期, 附注, 附件, 版记. Drafts lack parts freely and web copies put the title before the
发文字号; every field may be None. Other rule families read ``parse_structure``: its fields
are stable (add, never rename).
"""

from __future__ import annotations

import datetime

from dataclasses import dataclass, field

import regex

from ..completeness.periods import parse_date
from ..models import Block, Document
from . import labels as L

#: 文种, longest first so that 复函 wins over 函 and 通告 is not read as 告.
DOC_TYPES = (
    "实施方案", "工作方案", "管理办法", "实施细则", "实施意见", "指导意见", "工作要点",
    "会议纪要", "工作报告", "年度报告",
    "请示", "报告", "批复", "复函", "通知", "通报", "通告", "公告", "决定", "决议", "意见",
    "纪要", "议案", "命令", "公报", "方案", "办法", "规定", "细则", "规划", "计划", "公示",
    "办事指南", "服务指南", "办事须知", "制度", "规则", "章程", "预案", "要点", "函", "令",
)
_TYPE_NORMAL = {
    "实施方案": "方案", "工作方案": "方案", "管理办法": "办法", "实施细则": "细则",
    "实施意见": "意见", "指导意见": "意见", "复函": "函", "工作要点": "要点",
    "会议纪要": "纪要", "工作报告": "报告", "年度报告": "报告",
    "服务指南": "办事指南", "办事须知": "办事指南",
}
#: The 13 法定文种 of the 《党政机关公文处理工作条例》; others are carried by an 印发 notice.
STATUTORY_TYPES = frozenset(
    {"命令", "令", "决定", "决议", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要", "公报"}
)
#: 发文字号: 机关代字 + 〔年份〕 + 序号 + 号, tolerant of the wrong brackets drafters type.
DOC_NUMBER = regex.compile(
    r"(?P<org>[\p{Han}A-Za-z]{1,12}?)\s*(?P<open>[〔\[［【（(﹝{｛])\s*(?P<year>\d{2,4})\s*"
    r"(?P<close>[〕\]］】）)﹞}｝])\s*(?P<di>第)?\s*(?P<seq>\d{1,5})\s*号"
)
DATE = regex.compile(
    r"(?P<y>\d{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
COPY_NUMBER = regex.compile(r"^(?:份号\s*[:：]?\s*)?\d{6}$")
SECRET_MARK = regex.compile(r"^(?:绝密|机密|秘密)\s*(?:★|☆|\*)?\s*(?:\d+\s*(?:年|个月|月))?")
URGENCY = regex.compile(r"^(?:特急|加急|特提|平急)$")
BANNER = regex.compile(r"^[\p{Han}（）()、\s]{2,40}(?:文件|函|纪要|简报|通报)$")
SIGNER = regex.compile(r"签发人\s*[:：]\s*(?P<name>[\p{Han}\s]{2,20})")
ATTACHMENT_NOTE = regex.compile(r"^附\s*件\s*\d{0,2}\s*[:：]\s*\S")
ATTACHMENT_HEAD = regex.compile(r"^附\s*件\s*\d{0,2}\s*[:：]?\s*$")
ATTACHMENT_ITEM = regex.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)])\s*(?P<name>\S.{1,80})$")
COPY_TO = regex.compile(r"^(?:抄\s*送|抄\s*报|主\s*送)\s*[:：]")
PRINTED = regex.compile(r"印\s*发\s*$|\d+\s*日\s*印\s*发")
RECIPIENT = regex.compile(r"^(?P<to>[^。！？；\n]{2,120})[:：]\s*$")
#: A first body sentence ending in a colon (现将有关事项通知如下：) is not a 主送 line.
NOT_RECIPIENT = regex.compile(r"如下\s*[:：]\s*$|^(?:现将|现就|为了?|根据|按照|经研究|近期|今年|目前)|[，,].{0,30}(?:如下|是)[:：]\s*$")
HEADING = regex.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十百]+[条章节])")
NOTE_LINE = regex.compile(r"^[（(][^（()）]{2,80}[）)]$")
FORWARD = regex.compile(r"(?P<verb>转发|印发|转印发|批转|转送|发布)(?P<what>.+?)(?:的)?(?:通知|函|意见|决定)$")
ISSUER_SUFFIX = regex.compile(
    r"(?:人民政府|政府|委员会|党委|党工委|办公室|办公厅|政府办|党政办|局|厅|部|委|院|所|中心|站|队|社区|"
    r"村民委员会|村委会|居委会|股|科|处|会|国务院|支部|总支|团委|妇联|工会|小组)$"
)
#: 国务院关于…, 勺米镇人民政府关于…: the issuer named at the start of a title.
TITLE_ISSUER = regex.compile(r"^(?P<org>[\p{Han}、（）]{2,40}?)关于")


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
    issuer: Field | None = None  # 署名, else 发文机关标志, else the organ named in the title
    banner: Field | None = None  # 发文机关标志
    signer: Field | None = None
    recipients: Field | None = None  # 主送机关
    date: Field | None = None  # 成文日期
    secret: Field | None = None  # 密级和保密期限
    urgency: Field | None = None
    attachment_note: Field | None = None  # 附件说明 (附件：1.…)
    attachment_start: int | None = None  # first block of the attached document(s)
    copy_to: Field | None = None
    printed: Field | None = None
    doc_type: str | None = None  # 文种 of the document itself (通知 for an 印发 notice)
    direction: str | None = None  # 上行 / 平行 / 下行
    forwarded: dict | None = None  # {"title", "doc_number", "label", "verb"} for 转发类
    label: L.Label | None = None
    forwarded_label: L.Label | None = None
    labels: list[L.Label] = field(default_factory=list)
    body_start: int | None = None
    # Added fields (keep the above stable).
    copy_number: Field | None = None  # 份号
    note: Field | None = None  # 附注: the parenthesised line under the 成文日期
    attachments: list[str] = field(default_factory=list)  # names listed in the 附件说明
    carried_type: str | None = None  # 方案/办法/规定/公示… carried by an 印发 notice
    carried_title: str | None = None
    direction_reason: str | None = None  # why the direction was chosen (for reasons)
    issuer_source: str | None = None  # signature / banner / title / number

    def in_attachment(self, block_index: int) -> bool:
        return self.attachment_start is not None and block_index >= self.attachment_start


_TRAILING_PAREN = regex.compile(r"\s*[（(][^（()）]*[）)]\s*$")
_SPACES = regex.compile(r"\s+")
_HAN_SPACES = regex.compile(r"(?<=[\p{Han}，、《》“”（）])\s+|\s+(?=[\p{Han}，、《》“”（）])")


#: DOC_TYPES by their last character, in their order: only those can end a given title.
_TYPES_BY_LAST = {last: tuple(dt for dt in DOC_TYPES if dt[-1] == last) for last in {dt[-1] for dt in DOC_TYPES}}


def doc_type_of(title: str) -> str | None:
    """The 文种 a title ends with (关于…的通知 → 通知), ignoring （试行）（征求意见稿）."""
    t = title.strip()
    for _ in range(2):
        # _TRAILING_PAREN ends with a closing bracket and spaces (\s, all of which str.rstrip
        # removes): without one there is nothing to cut.
        if t.rstrip().endswith(("）", ")")):
            t = _TRAILING_PAREN.sub("", t)
    t = t.rstrip("》”\" 　")
    for dt in _TYPES_BY_LAST.get(t[-1:], ()):
        if t.endswith(dt):
            return _TYPE_NORMAL.get(dt, dt)
    return None


def _has_space(text: str) -> bool:
    """Whether ``text`` may hold a character that ``\\s`` matches: each of them is the space or a
    character str.isprintable rejects (tests/attributes/test_structure.py checks this over all
    of Unicode), so a printable text without a space has none."""
    return " " in text or not text.isprintable()


def _clean(text: str) -> str:
    return _SPACES.sub("", text) if _has_space(text) else text


# The tests of the 版头 run on the first lines of every document. Each puts in front of its
# pattern a str test that every match passes: it only skips lines the pattern cannot match,
# at a tenth of the cost of a regex call.


def _is_copy_number(t: str) -> bool:
    # COPY_NUMBER is six digits alone (its `$` allows one final newline) or after 份号.
    return (len(t) <= 7 or t.startswith("份号")) and COPY_NUMBER.match(t) is not None


def _is_secret_mark(t: str) -> bool:
    # SECRET_MARK is anchored at the start and begins with the 密级 word.
    return t.startswith(("绝密", "机密", "秘密")) and SECRET_MARK.match(t) is not None


def _is_urgency(t: str) -> bool:
    # URGENCY is one of these words (anchored at the start).
    return t.startswith(("特急", "加急", "特提", "平急")) and URGENCY.match(t) is not None


#: HEADING opens with one of these or with a \d digit, never a letter (checked over all of Unicode
#: in tests/attributes/test_structure.py): a line opening with any other letter (关于…) is none.
_HEADING_OPENINGS = "一二三四五六七八九十（(第"


def _is_heading(t: str) -> bool:
    return (t[:1] in _HEADING_OPENINGS or not t[:1].isalpha()) and HEADING.match(t) is not None


def _is_attachment_note(t: str) -> bool:
    return t.startswith("附") and ATTACHMENT_NOTE.match(t) is not None  # anchored, opens with 附


def _is_copy_to(t: str) -> bool:
    return t.startswith(("抄", "主")) and COPY_TO.match(t) is not None  # anchored: 抄送, 抄报, 主送


#: An internal-circulation mark above the masthead (内部资料 注意保存), never the title.
INTERNAL_MARK = regex.compile(
    r"^(?:内部资料|内部文件|内部刊物|内部材料|内部参阅|仅供内部参阅|内部明电)[\s，,、]*(?:注意保存|注意保密|妥善保管|不得外传|请勿外传|严禁外传)?$"
)


def _is_special(t: str) -> bool:
    """Lines of the 版头 that are never part of the title."""
    return bool(
        _is_copy_number(t) or (len(t) <= 20 and _is_secret_mark(t)) or _is_urgency(t)
        or (len(t) <= 20 and INTERNAL_MARK.match(t) is not None)
        or ("签发人" in t and SIGNER.search(t)) or (len(t) < 24 and L.find_in_text(t))
    )


def _number_in(t: str) -> regex.Match | None:
    # DOC_NUMBER ends with 号, and its lazy 机关代字 makes a search of a long line slow: the
    # tests that need no search come first.
    if "号" not in t or len(t) > 60 or t.endswith(("。", "；")):
        return None
    m = DOC_NUMBER.search(t)
    if m and "关于" not in t[: m.start()]:
        return m
    return None


def _tight(text: str) -> str:
    """Text without the spaces drafters put between Han characters (几 个 问 题 的 通 知)."""
    text = text.strip()
    return _HAN_SPACES.sub("", text) if _has_space(text) else text


def _find_title(body: list[Block], skip: set[int]) -> tuple[list[Block], str, str | None]:
    """The first run of title-like lines in the head (before or after the 发文字号), their text
    joined without the spaces between Han characters, and the 文种 it ends with."""
    parts: list[Block] = []
    joined = ""
    joined_type = None  # doc_type_of(joined)
    for b in body[:16]:
        if b.index in skip:
            if parts:
                break
            continue
        t = _tight(b.text)
        if _is_special(t):
            if parts:
                break
            continue
        # Needed by the patterns: RECIPIENT a colon, DATE a 日, NOTE_LINE an opening bracket.
        if (((":" in t or "：" in t) and RECIPIENT.match(t)) or _is_heading(t)
                or ("日" in t and DATE.fullmatch(_clean(t))) or (t.startswith(("（", "(")) and NOTE_LINE.match(t))):
            break
        if t.endswith(("。", "；", "！", "？")) or len(t) > 60:
            break
        # Already a title: absorb the next line only when the title still ends with a
        # 文种 after it (…制度 / …的指导意见; …方案 / 的通知).
        longer_type = doc_type_of(joined + t)
        if parts and joined_type and not longer_type:
            break
        parts.append(b)
        joined, joined_type = joined + t, longer_type
        if len(parts) >= 4:
            break
    return parts, joined, joined_type


def written_on(doc: Document, ctx) -> datetime.date | None:
    """The document's 成文日期 as a date, when it has one that reads as a date (a ``ctx.fact``)."""
    s = ctx.fact(parse_structure)
    return parse_date(s.date.text) if s.date else None


def parse_structure(doc: Document, ctx=None) -> Structure:
    """Find the parts of a 公文 in a Document. Usable as a Context fact."""
    s = Structure()
    paras, body, lines = _layout(doc)
    skip: set[int] = set()  # blocks of the 版头 that are no title: 发文机关标志, 发文字号
    _find_masthead(s, body[:8], lines, skip)
    number_block = _find_doc_number(s, body[:16], skip)
    _find_title_and_type(s, doc, body, skip)
    after = max([*s.title_blocks, number_block.index if number_block else -1, s.banner.block if s.banner else -1])
    _find_recipients(s, body, lines, skip, after)
    s.body_start = (s.recipients.block + 1) if s.recipients else (after + 1 if after >= 0 else None)
    _find_tail(s, body, lines)
    forward = _forward_in_title(s)
    if s.attachment_start is None and s.date is not None and forward:
        _find_carried_document(s, body, lines)
    _find_labels(s, doc, paras)
    _find_forwarded(s, body, forward)
    _find_issuer(s)
    s.direction, s.direction_reason = direction_with_reason(s, doc)
    return s


def _layout(doc: Document) -> tuple[list[Block], list[Block], list[str]]:
    """The body and table paragraphs; those of them that are not blank (blank paragraphs are no
    part of the layout); and the latter's texts, stripped once."""
    paras = [b for b in doc.blocks if b.part in ("body", "table")]
    lines = [b.text.strip() for b in paras]
    body = paras
    if not all(lines):
        body = [b for b, t in zip(paras, lines) if t]
        lines = [t for t in lines if t]
    return paras, body, lines


def _find_masthead(s: Structure, head: list[Block], lines: list[str], skip: set[int]) -> None:
    """份号, 密级, 紧急程度 and the 发文机关标志 among the first lines (``lines[i]``: the stripped
    text of ``head[i]``); the 发文机关标志's block goes into ``skip``."""
    for b, t in zip(head, lines):
        if len(t) > 30 and not t.startswith("份号"):
            continue  # too long for a 份号 without the word, a 密级 (≤ 20), a 紧急程度 or a 发文机关标志 (≤ 30)
        if s.copy_number is None and _is_copy_number(t):
            s.copy_number = Field(t, b.index)
        elif s.secret is None and len(t) <= 20 and _is_secret_mark(t):
            s.secret = Field(t, b.index)
        elif s.urgency is None and _is_urgency(t):
            s.urgency = Field(t, b.index)
        elif s.banner is None and _is_banner(t):
            s.banner = Field(t, b.index)
            skip.add(b.index)


def _is_banner(t: str) -> bool:
    # t is stripped, so BANNER's `$` is the end of t: t ends with the word BANNER ends with.
    return (len(t) <= 30 and "关于" not in t and "的" not in t
            and t.endswith(("文件", "函", "纪要", "简报", "通报")) and BANNER.match(t) is not None)


def _find_doc_number(s: Structure, head: list[Block], skip: set[int]) -> Block | None:
    """The 发文字号 (and a 签发人 on its line) in the first lines; returns its block."""
    for b in head:
        m = _number_in(b.text)
        if m:
            org_start = m.start("org")
            s.doc_number = Field(b.text[org_start : m.end()].strip(), b.index, org_start, m.end())
            skip.add(b.index)
            sm = SIGNER.search(b.text)
            if sm:
                s.signer = Field(_clean(sm["name"]), b.index, sm.start("name"), sm.end("name"))
            return b
    return None


def _find_title_and_type(s: Structure, doc: Document, body: list[Block], skip: set[int]) -> None:
    """The 标题 (else the file's title property) and the 文种 it ends with (else 纪要 by the
    发文机关标志, 令 by the title)."""
    title_parts, joined, joined_type = _find_title(body, skip)
    if title_parts:
        s.title = Field(joined, title_parts[0].index, 0, len(title_parts[0].text))
        s.title_blocks = [x.index for x in title_parts]
        s.doc_type = joined_type
    if s.title is None and doc.core_properties.get("title"):
        s.title = Field(doc.core_properties["title"], 0)  # from the file's properties: no block of its own
        s.doc_type = doc_type_of(s.title.text)
    if s.doc_type is None and s.banner is not None and s.banner.text.endswith("纪要"):
        s.doc_type = "纪要"
    if s.doc_type is None and s.title is not None and s.title.text.endswith("令"):
        s.doc_type = "令"


def _find_recipients(s: Structure, body: list[Block], lines: list[str], skip: set[int], after: int) -> None:
    """主送机关: the first line after the title / 发文字号 (block ``after``), when it ends with a colon."""
    for b, t in zip(body, lines):
        if b.index <= after or b.index in skip or _is_special(t):
            continue
        m = RECIPIENT.match(t)
        if (m and not _is_attachment_note(t) and not _is_copy_to(t) and not _is_heading(t)
                and not NOT_RECIPIENT.search(t) and len(t) <= 120):
            s.recipients = Field(t, b.index, 0, len(b.text))
        break


def _forward_in_title(s: Structure) -> regex.Match | None:
    """FORWARD in the title (an 印发/转发 notice); each of its verbs holds 发 or 转 (转发, 印发,
    转印发, 发布; 批转, 转送)."""
    if s.title is not None and ("发" in s.title.text or "转" in s.title.text):
        return FORWARD.search(s.title.text)
    return None


def _find_carried_document(s: Structure, body: list[Block], lines: list[str]) -> None:
    """An 印发/转发 notice followed by the document itself, without a 附件 heading: the
    attachment starts at the first line after the 成文日期 that is no 附注 or 版记."""
    for b, t in zip(body, lines):
        if b.index <= s.date.block or NOTE_LINE.match(t) or COPY_TO.match(t) or PRINTED.search(t):
            continue
        s.attachment_start = b.index
        break


def _find_tail(s: Structure, body: list[Block], lines: list[str]) -> None:
    """附件说明, 署名, 成文日期, 附注, the attachment region and the 版记 (``lines``: the stripped
    texts of ``body``)."""
    main_end = _find_tail_marks(s, body, lines)
    _find_date(s, body, lines, main_end)


def _find_tail_marks(s: Structure, body: list[Block], lines: list[str]) -> int:
    """附件说明 (and the names it lists), the 附件 heading, 抄送 and 印发 after the body's start;
    returns where the attached document(s) start (``len(body)`` without them)."""
    first = 0
    if s.body_start is not None:
        while first < len(body) and body[first].index < s.body_start:
            first += 1
    # Each test of the loop needs a line starting with 附 (附件说明, 附件 heading), 抄 or 主
    # (COPY_TO), or holding 印 and 日 (PRINTED with a DATE): only those lines are visited.
    # The names listed under a 附件说明 are read right after it.
    visit = [i for i, t in enumerate(lines[first:], first) if t[0] in "附抄主" or ("印" in t and "日" in t)]
    main_end = len(body)  # the attached document(s) start here
    listed = 0  # lines before this one were read as names of attachments
    for i in visit:
        if i < listed:
            continue
        b, t = body[i], lines[i]
        if s.attachment_note is None and s.attachment_start is None and _is_attachment_note(t):
            s.attachment_note = Field(t, b.index)
            listed = _read_attachment_names(s, lines, i)
        elif t.startswith("附") and s.attachment_start is None and ATTACHMENT_HEAD.match(t):
            s.attachment_start = b.index
            main_end = i
        elif s.copy_to is None and _is_copy_to(t):
            s.copy_to = Field(t, b.index)
        elif s.printed is None and "印" in t and "日" in t and PRINTED.search(t) and DATE.search(t):
            s.printed = Field(t, b.index)
    return main_end


def _read_attachment_names(s: Structure, lines: list[str], i: int) -> int:
    """The names listed by the 附件说明 at ``lines[i]`` and the numbered lines under it, into
    ``s.attachments``; returns the index of the first line after the list."""
    name = regex.sub(r"^附\s*件\s*\d{0,2}\s*[:：]\s*", "", lines[i])
    s.attachments.append(regex.sub(r"^\d{1,2}\s*[.．、]\s*", "", name).strip())
    listed = i + 1
    while listed < len(lines):
        m = ATTACHMENT_ITEM.match(lines[listed])
        if not m or lines[listed].endswith("。"):
            break
        s.attachments.append(m["name"].strip())
        listed += 1
    return listed


def _find_date(s: Structure, body: list[Block], lines: list[str], main_end: int) -> None:
    """成文日期: the last line of the main document that is a date alone (not in the 版记);
    the 署名 right above it and the 附注 right below it."""
    for i in range(main_end - 1, -1, -1):
        t = lines[i]
        # DATE ends with 日, which _clean keeps: a line without it is no 成文日期.
        if len(t) > 24 or "日" not in t or not DATE.fullmatch(_clean(t)):
            continue
        b = body[i]
        if s.printed is not None and b.index >= s.printed.block:
            continue
        s.date = Field(t, b.index, 0, len(b.text))
        if i > 0:
            pt = lines[i - 1]
            if ISSUER_SUFFIX.search(_clean(pt)) and len(pt) <= 60 and not pt.endswith(("。", "：", ":")):
                s.issuer = Field(pt, body[i - 1].index)
                s.issuer_source = "signature"
        if i + 1 < main_end and NOTE_LINE.match(lines[i + 1]):
            s.note = Field(lines[i + 1], body[i + 1].index)
        break


def label_candidates(doc: Document) -> list[L.Label]:
    """Every label written in the document (``Structure.labels``): the body's first, then those of
    headers, footers, text boxes and footnotes; labels quoted inside a sentence left out."""
    # Only blocks holding 公开 or 删减 can hold a label: the same test find_in_text starts with
    # (every form of its patterns holds one of the two), made here to skip a call per block.
    hits = [b for b in doc.blocks if "公开" in b.text or "删减" in b.text]
    out = []
    for b in [x for x in hits if x.part in ("body", "table")] + [
            x for x in hits if x.part in ("footer", "header", "textbox", "footnote")]:
        for start, end, raw, value, cut in L.find_in_text(b.text):
            rest = (b.text[:start] + b.text[end:]).strip()
            field = ("：" in raw or ":" in raw) and not _QUOTED_LABEL.search(b.text[max(0, start - 6):start])
            if len(rest) > 30 and b.text[end:].strip() and not field:
                continue  # a label quoted inside a sentence (请标注“（此件公开发布）”字样) is not one
            out.append(L.Label(value, raw, "line" if "：" in raw or ":" in raw else "note", b.index, start, cut))
    # a web page's 信息索引 block: the field name on one line, its value on the next
    body = [b for b in doc.blocks if b.part in ("body", "table") and b.text.strip()]
    for b, nxt in zip(body, body[1:]):
        if "公开" in b.text and L.FIELD_NAME.match(b.text.strip()) and (value := L.normalise(nxt.text)):
            if not any(x.block == nxt.index for x in out):
                out.append(L.Label(value, f"{b.text.strip()} {nxt.text.strip()}", "line", nxt.index, 0))
    return out


#: Words before a 公开方式：… that quote it as an example to follow, not state it.
_QUOTED_LABEL = regex.compile(r"[“‘「\"]\s*$|(?:注明|标注|写明|标明|例如|如)\s*[“‘「\"]?\s*$")


_NO_SPACE = regex.compile(r"\s+")
#: The verbs of FORWARD: a title without any of them makes no 印发/转发 notice.
_FORWARD_VERBS = ("转发", "印发", "批转", "转送", "发布")


def document_label(doc: Document, ctx=None) -> L.Label | None:
    """``parse_structure(doc).label``, without the whole analysis where the answer is certain.

    The label is the first of :func:`label_candidates` outside the attachment (else the file's
    custom property). The attachment starts (``_find_tail``, ``parse_structure``) either at a
    line that is only 附件 N (it starts with 附), or, in a 印发/转发 notice without such a line,
    after the 成文日期 (a line of at most 24 characters holding 日), and a notice needs one of
    FORWARD's verbs in its title (the first 16 lines, or the file's title). So when the first
    candidate comes before the first line starting with 附, and either no verb is there or it
    comes no later than the first short line holding 日, it is the label: the attachment
    cannot start before it. Otherwise (and when ``ctx`` has the analysis already) this is
    ``parse_structure``'s answer. A Context fact.
    """
    if ctx is not None and ctx.known(parse_structure):
        return ctx.fact(parse_structure).label
    cands = label_candidates(doc)
    if not cands:
        return L.from_properties(doc.custom_properties)
    first = cands[0].block
    body = [b for b in doc.blocks[:first + 1] if b.part in ("body", "table")]  # blocks up to the candidate
    if not any(b.text.strip().startswith("附") for b in body if "附" in b.text):
        head = []  # the first 16 non-empty body lines (the title is among them)
        for b in doc.blocks:
            if b.part in ("body", "table") and (t := b.text.strip()):
                head.append(t)
                if len(head) == 16:
                    break
        head = _NO_SPACE.sub("", "".join(head) + (doc.core_properties.get("title") or ""))
        if not any(v in head for v in _FORWARD_VERBS):
            return cands[0]  # no 印发/转发 notice: the attachment starts only at a 附件 line
        if not any(len(t) <= 24 for b in body if b.index < first and "日" in b.text and (t := b.text.strip())):
            return cands[0]  # no 成文日期 line before the candidate
    return (ctx.fact(parse_structure) if ctx is not None else parse_structure(doc)).label


def _find_labels(s: Structure, doc: Document, paras: list[Block]) -> None:
    """The document's own label outside the attachment; the forwarded one inside it."""
    s.labels.extend(label_candidates(doc))
    banji = [f.block for f in (s.copy_to, s.printed) if f is not None]
    texts = {b.index: b.text.strip() for b in paras}
    label_blocks = {x.block for x in s.labels}

    def in_banji(x: L.Label) -> bool:
        """A label in the 版记 (抄送, 印发 lines) or in the lines right before it, after the attached
        document: the notice's own, as GB/T 9704 places it (issue #16: 印发 notices)."""
        if not banji or x.block is None:
            return False
        start = min(banji)
        return x.block >= start or all(not texts.get(i) or i in label_blocks for i in range(x.block, start))

    own = [x for x in s.labels if not s.in_attachment(x.block) or in_banji(x)]
    inside = [x for x in s.labels if s.in_attachment(x.block) and not in_banji(x)]
    if s.attachment_start is None and s.date is not None and len(own) > 1:
        # No 附件 heading (an 印发 notice followed by its document): the first label after the
        # 成文日期 belongs to the notice, a later one to the attached document.
        after_date = [x for x in own if x.block > s.date.block]
        if len(after_date) > 1:
            texts = {b.index: b.text.strip() for b in paras}
            between = [i for i in range(after_date[0].block + 1, after_date[1].block)
                       if texts.get(i) and not NOTE_LINE.match(texts[i])]
            if len(between) >= 2:  # a document of its own lies between the two labels
                own = [x for x in own if x not in after_date[1:]]
                inside = after_date[1:]
    if own:
        s.label = own[0]
    if inside:
        s.forwarded_label = inside[0]
    if s.label is None:
        s.label = L.from_properties(doc.custom_properties)


def _find_forwarded(s: Structure, body: list[Block], m: regex.Match | None) -> None:
    """转发类 (转发/批转/转送《…》) and 印发 notices carrying a 方案/办法/公示 (``m``: FORWARD in the title)."""
    if not m:
        return
    what = m["what"].strip()
    num = DOC_NUMBER.search(what)
    inner = regex.sub(r"[（(][^（）()]*[〔\[［]\d{4}[〕\]］][^（）()]*[）)]", "", what).strip()
    inner = inner.strip("《》“”\" ")
    quoted = regex.search(r"《(?P<t>[^》]+)》", what)
    if quoted:
        inner = quoted["t"]
    verb = m["verb"]
    if verb in ("转发", "批转", "转送", "转印发"):
        number = num.group().strip() if num else None
        if s.attachment_start is not None:
            # The forwarded document's own head, in the attachment: its title and 文号.
            head = [b for b in body if b.index >= s.attachment_start][:8]
            for b in head:
                t = _tight(b.text)
                n = _number_in(t)
                if number is None and n:
                    number = t[n.start("org") : n.end()].strip()
                elif not quoted and "关于" not in inner and doc_type_of(t) and not ATTACHMENT_HEAD.match(t):
                    inner = t
        s.forwarded = {
            "title": inner,
            "doc_number": number,
            "label": s.forwarded_label.value if s.forwarded_label else None,
        }
    else:
        s.carried_title = inner
        s.carried_type = doc_type_of(inner)


def _find_issuer(s: Structure) -> None:
    if s.issuer is None and s.banner is not None:
        banner = regex.sub(r"(?:文件|函|纪要|简报|通报)$", "", s.banner.text)
        s.issuer = Field(banner, s.banner.block)
        s.issuer_source = "banner"
    if s.issuer is None and s.title is not None:
        m = TITLE_ISSUER.match(s.title.text)
        if m and ISSUER_SUFFIX.search(m["org"]):
            s.issuer = Field(m["org"], s.title.block, 0, m.end("org"))
            s.issuer_source = "title"


UPWARD_TYPES = {"请示", "报告", "议案"}
DOWNWARD_TYPES = {"通知", "通报", "决定", "决议", "批复", "命令", "令", "公告", "通告", "公报"}
UPWARD_WORDS = regex.compile(
    r"妥否[，,]?\s*请批示|请予审批|请批示|请审阅|特此请示|特此报告|请审定|请予批准|请予审定|请审批|恳请.{0,12}(?:批准|支持|审批)|现将.{0,30}报告如下"
)
PEER_WORDS = regex.compile(r"特此函[告达复]|请予(?:以)?支持为盼|请研究(?:提出|反馈)|请于.{0,20}前反馈|函复|予以复函")
#: Superiors of a town or a department: 区/县/市/州/省 committees and governments.
SUPERIORS = regex.compile(
    r"^(?:中共)?[\p{Han}]{0,8}(?:区|县|市|州|盟|省)(?:委|人民政府|政府|人大常委会|委员会)(?:办公室|[:：、，]|$)"
    r"|^[\p{Han}]{0,8}(?:区|县|市)[\p{Han}]{1,12}(?:局|委|办)[:：]?$|上级"
)
#: Words every match of UPWARD_WORDS (PEER_WORDS) holds: a body without any is not searched.
_UPWARD_NEEDS = ("请批示", "请予审", "请予批准", "请审", "特此请示", "特此报告", "恳请", "报告如下")
_PEER_NEEDS = ("特此函", "支持为盼", "请研究", "前反馈", "函复", "复函")
SUBORDINATES = regex.compile(r"^各|村（社区）|各村|各股室|各站所|各部门|各单位|各有关单位|各居委会|各村委会|全体")


def direction_of(s: Structure, doc: Document) -> str | None:
    """上行 to a superior, 下行 to subordinates or the public, 平行 between peers (函)."""
    return direction_with_reason(s, doc)[0]


def direction_with_reason(s: Structure, doc: Document) -> tuple[str | None, str | None]:
    """The direction and what showed it (文种, the 主送 line, or the wording of the body)."""
    if s.doc_type in UPWARD_TYPES:
        return "上行", f"文种为“{s.doc_type}”"
    if s.doc_type in DOWNWARD_TYPES:
        return "下行", f"文种为“{s.doc_type}”"
    if s.doc_type == "函":
        return "平行", "文种为“函”"
    # The body text is only read when the 文种 does not decide (most documents are 通知).
    main_end = s.attachment_start if s.attachment_start is not None else len(doc.blocks)
    text = "\n".join([b.text for b in doc.blocks[:main_end] if b.part in ("body", "table")])
    to = s.recipients.text if s.recipients else ""
    m = UPWARD_WORDS.search(text) if any(w in text for w in _UPWARD_NEEDS) else None
    if m:
        return "上行", f"正文“{m.group()}”"
    if to and SUPERIORS.search(to) and not SUBORDINATES.search(to):
        return "上行", f"主送“{to}”"
    if to and SUBORDINATES.search(to):
        return "下行", f"主送“{to}”"
    m = PEER_WORDS.search(text) if any(w in text for w in _PEER_NEEDS) else None
    if m:
        return "平行", f"正文“{m.group()}”"
    if s.doc_type in {"意见", "方案", "办法", "规定", "细则", "办事指南", "公示", "规划", "计划", "要点", "预案", "制度"}:
        return "下行", f"文种为“{s.doc_type}”"
    if s.doc_type == "纪要":
        return "平行", "文种为“纪要”"
    return None, None
