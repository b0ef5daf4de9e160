"""GB/T 9704 format rules (F1xx) that read the document's layout.

T108 (one 领导小组 or 专项行动 named two ways, e.g. in the title and the body) compares the
document's parts with each other like the layout rules do, so it lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ..attributes.structure import DOC_NUMBER, ISSUER_SUFFIX, parse_structure
from ..engine import FunctionRule
from ..models import Block, Document, Severity
from .correction import CorrectionRule, Fix
from .numbers import cn_to_int, is_exempt

GB9704 = "《党政机关公文格式》(GB/T 9704-2012)"


def _doc_numbers(rule, doc, ctx):
    own = ctx.fact(parse_structure).doc_number
    blocks = doc.blocks
    for k, block in enumerate(blocks):
        if block.part not in ("body", "table"):
            continue
        text = block.text
        # a web page may break a cited number before its 号 (嘉建交[2014]55 ⏎ 号)
        if k + 1 < len(blocks) and blocks[k + 1].text.lstrip().startswith("号") and text.rstrip()[-1:].isdigit():
            text = text.rstrip() + "号"
        if "号" not in text:
            continue
        for m in DOC_NUMBER.finditer(text):
            cited = own is None or own.block != block.index
            if cited and (len(m["year"]) == 2 or int(m["year"]) < 2000):
                continue  # a number issued under older rules (劳人字〔85〕第3号) is quoted as issued
            problems = []
            if m["open"] != "〔" or m["close"] != "〕":
                problems.append(f"年份应使用六角括号〔〕，不用“{m['open']}{m['close']}”")
            if len(m["year"]) != 4:
                problems.append("年份应标全称（四位数字）")
            if m["di"]:
                problems.append("序号前不加“第”")
            if len(m["seq"]) > 1 and m["seq"].startswith("0"):
                problems.append("序号不编虚位（不加前导0）")
            if not problems:
                continue
            year = m["year"]
            if len(year) == 2:
                year = ("20" if int(year) < 50 else "19") + year
            fixed = f"{m['org']}〔{year}〕{int(m['seq'])}号"
            yield rule.finding(
                block, m.start("org"), min(m.end(), len(block.text)),
                message=f"发文字号格式不规范：{'；'.join(problems)}",
                suggestion=fixed,
                explanation={"problems": problems},
            )


DOC_NUMBER_FORMAT = FunctionRule(
    code="F101", category="format", kind="doc_number_format", severity=Severity.WARNING,
    message="发文字号格式不规范", basis=f"{GB9704} 7.2.5", func=_doc_numbers,
    doc="发文字号由发文机关代字、年份、发文顺序号组成。年份、发文顺序号用阿拉伯数字标注；年份应标全称，"
        "用六角括号“〔〕”括入；发文顺序号不加“第”字，不编虚位（即1不编为01），在阿拉伯数字后加“号”字。"
        "正文中引用的发文字号同样适用；但引用2000年以前或以两位数年份发出的文件（劳人字〔85〕第3号）照原样引用，不提示。",
    fires=["勺府发[2025]3号", "勺府发（2025）3号", "勺府发〔25〕3号", "勺府发〔2025〕第3号", "勺府发〔2025〕03号",
           "根据《区人民政府关于加强管理的通知》（水府发【2024】12号）要求"],
    silent=["勺府发〔2025〕3号", "根据《区人民政府关于加强管理的通知》（水府发〔2024〕12号）要求",
            "共发放补贴3号楼住户", "依据《关于职工退休的通知》（劳人字〔85〕第3号）办理"],
)


# -- the main text: where headings, body and signature stand ----------------------------------
_CN_1_99 = r"(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
L1 = regex.compile(rf"^\s*(?P<n>{_CN_1_99})(?P<mark>、|\.|．)")
L2 = regex.compile(rf"^\s*[（(](?P<n>{_CN_1_99})[）)](?P<mark>、|\.|．|，)?")
L3 = regex.compile(r"^\s*(?P<n>\d{1,2})(?P<mark>[.．](?![\d０-９])|、)")  # 1.5亿 is a number; 1、2021年… a heading
L4 = regex.compile(r"^\s*[（(](?P<n>\d{1,2})[）)](?P<mark>、|\.|．|，)?")
LEVELS = ((1, L1), (2, L2), (3, L3), (4, L4))
#: The marker each level should carry after its number (None: nothing after the bracket).
RIGHT_MARK = {1: ("、",), 2: (None,), 3: (".", "．"), 4: (None,)}
_CN = "零一二三四五六七八九十"


def cn_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (heading numbers stay below a hundred)."""
    if n <= 10:
        return _CN[n]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def heading_of(text: str) -> tuple[int, int, regex.Match] | None:
    """(level, number, match) when a paragraph starts with a GB/T 9704 heading number."""
    for level, pat in LEVELS:
        m = pat.match(text)
        if m:
            n = cn_to_int(m["n"]) if level in (1, 2) else int(m["n"])
            if n:
                return level, n, m
    return None


def marker(level: int, n: int) -> str:
    return {1: f"{cn_numeral(n)}、", 2: f"（{cn_numeral(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


@dataclass(slots=True)
class MainText:
    """The blocks of the main document between 主送 (or the title) and the signature."""

    blocks: list[Block]
    end: int  # index in doc.blocks where the main text stops


def main_text(doc: Document, ctx=None) -> MainText:
    """Body paragraphs of the 正文 (a Context fact)."""
    s = ctx.fact(parse_structure) if ctx is not None else parse_structure(doc)
    start = s.body_start if s.body_start is not None else 0
    stops = [x for x in (
        s.attachment_note.block if s.attachment_note else None,
        s.issuer.block if s.issuer and s.date and s.issuer.block > start else None,
        s.date.block if s.date else None,
        s.attachment_start, s.copy_to.block if s.copy_to else None,
    ) if x is not None and x >= start]
    end = min(stops) if stops else len(doc.blocks)
    blocks = []
    for b in doc.blocks[start:end]:
        if b.part != "body" or not b.text.strip():
            continue
        if _NOTE.match(b.text):  # 附件说明 the structure did not recognise (附件1.××)
            end = b.index
            break
        blocks.append(b)
    return MainText(blocks, end)


def _formatted(doc: Document) -> bool:
    """True when the document carries run formatting: a .docx, or a .doc/.wps converted by
    LibreOffice; never a plain-text draft or a .doc read as text by antiword."""
    return doc.source_format not in ("txt", "md", "text") and any(b.runs for b in doc.blocks)


def _applicable(doc: Document, ctx):
    """The structure of a document the formatting rules apply to, else None: plain text has
    no fonts, and documents older than ``exempt_before_year`` may be exempt."""
    if not _formatted(doc):
        return None
    s = ctx.fact(parse_structure)
    return None if is_exempt(ctx, s) else s


# -- F102 heading sequence ----------------------------------------------------------------------
def _heading_order(rule, doc, ctx):
    # Not exempted for older documents: GB/T 9704-1999 numbered headings the same way.
    last: dict[int, int] = {}
    restarted: set[int] = set()
    for block in ctx.fact(main_text).blocks:
        h = heading_of(block.text)
        if h is None:
            continue
        level, n, m = h
        prev = last.get(level)
        allowed = {1} if prev is None else ({prev + 1, 1} if level in restarted else {prev + 1})
        if n not in allowed:
            want = min(allowed) if prev is None else prev + 1
            start = m.start("n") - (1 if level in (2, 4) else 0)
            end = m.end("n") + (1 if level in (2, 4) else 0)
            yield rule.finding(
                block, start, end,
                message=f"第{'一二三四'[level - 1]}层标题序号不连续：“{marker(level, n).rstrip('、.')}”前应为"
                        f"“{marker(level, want).rstrip('、.')}”",
                suggestion=marker(level, want).rstrip("、."),
                explanation={"level": level, "found": n, "expected": sorted(allowed)},
            )
        last[level] = n
        restarted.discard(level)
        for deeper in range(level + 1, 5):
            if deeper in last:
                restarted.add(deeper)


HEADING_ORDER = FunctionRule(
    code="F102", category="format", kind="heading_numbering", severity=Severity.WARNING,
    message="结构层次序数不连续", basis=f"{GB9704} 7.3.3", func=_heading_order,
    doc="正文结构层次序数依次用“一、”“（一）”“1.”“（1）”标注，同一层次的序数应从一开始依次递增，"
        "不跳号、不重号；上一层次换号后，下一层次可重新从一编起，也可接续编号。",
    fires=["关于做好防汛工作的通知\n各村：\n一、总体要求\n内容。\n三、工作措施\n内容。",
           "关于做好防汛工作的通知\n各村：\n一、总体要求\n（一）目标。\n（一）任务。"],
    silent=["关于做好防汛工作的通知\n各村：\n一、总体要求\n（一）目标。\n（二）任务。\n二、工作措施\n（一）措施。",
            "关于做好防汛工作的通知\n各村：\n一、总体要求\n（一）目标。\n二、工作措施\n（二）措施。"],
)


# -- F103 heading markers ---------------------------------------------------------------------
#: ⑴…⒇: one character drawn like (1); the fourth level is typed （1）.
_ENCLOSED = regex.compile(r"[\u2474-\u2487]")


#: 注：1、……；2、…… — the items of a note are numbered like the third level: 1. 2.
_NOTE_ITEM = regex.compile(r"^\s*(?:注|说明|备注)\s*[:：]\s*(?P<n>\d{1,2})、")
_NOTE_NEXT = regex.compile(r"(?:(?<=[:：]\s*)|(?<=[；;。]\s*))(?P<n>\d{1,2})、")


def _heading_marks(text: str):
    for m in _ENCLOSED.finditer(text):
        n = ord(m.group()) - 0x2474 + 1
        yield Fix(m.start(), m.end(), f"（{n}）", f"序数“{m.group()}”是带括号的特殊字符，应写作“（{n}）”")
    note = _NOTE_ITEM.match(text)
    if note:
        for m in _NOTE_NEXT.finditer(text, note.start("n")):
            yield Fix(m.start("n"), m.end(), f"{m['n']}.", f"注释中的序数“{m['n']}、”应写作“{m['n']}.”（阿拉伯数字后用下脚点）")
        return
    h = heading_of(text)
    if h is None:
        return
    level, _, m = h
    mark = m["mark"]
    if mark in RIGHT_MARK[level]:
        return
    if level == 1 and mark in (".", "．") and text[m.end():m.end() + 1].isdigit():
        return
    start = m.start("n") - (1 if level in (2, 4) else 0)
    if level in (2, 4):
        fixed = text[start] + m["n"] + text[m.end("n")]  # keep the bracket width: P107's business
    elif level == 3:
        fixed = f"{m['n']}."
    else:
        fixed = f"{m['n']}、"
    what = {1: "第一层用“一、”", 2: "“（一）”后不加标点", 3: "第三层用下脚点“1.”", 4: "“（1）”后不加标点"}[level]
    yield Fix(start, m.end(), fixed, f"序数“{text[start:m.end()]}”应写作“{fixed}”（{what}）")


HEADING_MARKS = CorrectionRule(
    code="F103", category="format", kind="heading_numbering", severity=Severity.WARNING,
    message="结构层次序数的标点不规范", basis=f"{GB9704} 7.3.3",
    judge=_heading_marks, parts=("body",),
    needs=r"^\s*[（(]?[一二三四五六七八九十\d]|[\u2474-\u2487]|^\s*(?:注|说明|备注)\s*[:：]\s*\d",
    doc="第一层序数用“一、”；第二层“（一）”、第四层“（1）”的括号后不再加顿号或句点；第三层用“1.”（下脚点），不用“1、”；"
        "“⑴⑵”这类带括号的特殊字符应写作“（1）（2）”。表下或文末“注：1、……；2、……”的序数同样用“1.”“2.”。",
    fires=["一.总体要求", "（一）、工作目标", "1、明确责任", "（1）、加强领导", "其中：⑴城关村；⑵东门村。",
           "注：1、面积按实测填写；2、备注填写来源。"],
    silent=["一、总体要求", "（一）工作目标", "1.明确责任", "（1）加强领导", "1.5亿元资金已下达", "十分重要。",
            "注：1.面积按实测填写；2.备注填写来源。", "注：本表面积按实测填写，共3、4两栏。"],
)


# -- F104 主送机关 ending with a full-width colon -----------------------------------------------
_RECIPIENT_LIKE = regex.compile(r"^[\p{Han}（）()、，,\s]{2,80}$")


def _recipients(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.recipients is not None or not s.title_blocks or is_exempt(ctx, s):
        return
    after = s.title_blocks[-1]
    nxt = next((b for b in doc.blocks[after + 1:] if b.part == "body" and b.text.strip()), None)
    if nxt is None:
        return
    t = nxt.text.strip()
    if t.endswith(("。", "！", "？")) or regex.search(r"要|应|请|须|务必|做好|开展|现将|为了|根据", t):
        return  # a sentence of the body, not a list of recipients
    core = t.rstrip("，,、；;")
    if len(t) > 80 or not _RECIPIENT_LIKE.match(core) or not (core.startswith("各") or ISSUER_SUFFIX.search(core)):
        return
    if DOC_NUMBER.search(t) or heading_of(t):
        return
    a = nxt.text.index(t)
    yield rule.finding(nxt, a, a + len(t), suggestion=core + "：")


RECIPIENTS = FunctionRule(
    code="F104", category="format", kind="element_missing", severity=Severity.WARNING,
    message="主送机关后缺少全角冒号", basis=f"{GB9704} 7.3.2", func=_recipients,
    doc="主送机关编排于标题下空一行位置，居左顶格，回行时仍顶格，最后一个机关名称后标全角冒号。",
    fires=["关于做好防汛工作的通知\n各村、各股室\n请做好防汛工作。", "关于做好防汛工作的通知\n各村（社区），\n请做好防汛工作。"],
    silent=["关于做好防汛工作的通知\n各村、各股室：\n请做好防汛工作。", "关于做好防汛工作的通知\n各村要高度重视防汛工作。"],
)


# -- F105 附件说明 ---------------------------------------------------------------------------------
_NOTE = regex.compile(r"^\s*附\s*件\s*(?P<num>\d{0,2})\s*(?P<colon>[:：.．、])\s*(?P<rest>\S.*)$")
_ITEM = regex.compile(r"^\s*(?P<n>\d{1,2})(?![\d年月日号个项条%万亿元])\s*(?P<mark>[.．、，,:：]?)\s*(?P<name>.*)$")


def _item_problems(line: str, offset: int):
    m = _ITEM.match(line[offset:])
    if not m or not m["name"]:
        return None
    name = m["name"]
    probs = []
    mark = m["mark"]
    if mark not in (".", "．"):
        probs.append("附件顺序号后用下脚点“.”")
    tail = regex.search(r"[。；;，,.、]+$", name)
    if tail:
        probs.append("附件名称后不加标点符号")
        name = name[: tail.start()]
    return probs, f"{m['n']}.{name}"


def _attachment_note(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if is_exempt(ctx, s):
        return
    start = s.body_start or 0
    end = s.date.block if s.date else (s.attachment_start or len(doc.blocks))
    blocks = [b for b in doc.blocks[start:end] if b.part == "body" and b.text.strip()]
    for i, b in enumerate(blocks):
        m = _NOTE.match(b.text)
        if not m:
            continue
        probs, rest = [], m["rest"]
        if m["num"]:
            probs.append("附件说明写作“附件：1.××”，顺序号放在冒号之后")
            rest = f"{m['num']}.{rest}"
        elif m["colon"] != "：":
            probs.append("“附件”后标全角冒号")
        item = _item_problems(rest, 0) if regex.match(r"\d", rest) else None
        if item:
            probs += item[0]
            rest = item[1]
        else:
            tail = regex.search(r"[。；;，,.、]+$", rest)
            if tail:
                probs.append("附件名称后不加标点符号")
                rest = rest[: tail.start()]
        if probs:
            yield rule.finding(b, message="附件说明格式不规范：" + "；".join(dict.fromkeys(probs)),
                               suggestion="附件：" + rest)
        for nb in blocks[i + 1:]:  # the following numbered attachment names
            item = _item_problems(nb.text, len(nb.text) - len(nb.text.lstrip()))
            if item is None or len(nb.text) > 60:
                break
            probs = [p for p in item[0] if not (p.startswith("附件顺序号") and heading_of(nb.text))]
            if probs:  # a wrong 2、 at the start of a line is F103's finding already
                yield rule.finding(nb, message="附件说明格式不规范：" + "；".join(probs), suggestion=item[1])
        break


ATTACHMENT_NOTE = FunctionRule(
    code="F105", category="format", kind="element_missing", severity=Severity.WARNING,
    message="附件说明格式不规范", basis=f"{GB9704} 7.3.4", func=_attachment_note,
    doc="附件说明在正文下空一行左空二字编排“附件”二字，后标全角冒号和附件名称；有多个附件时用阿拉伯数字"
        "标注顺序号（如“附件：1.××××”），附件名称后不加标点符号。",
    fires=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件：防汛责任表。\n勺米镇人民政府\n2025年3月5日",
           "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件：1、防汛责任表\n2、物资清单\n勺米镇人民政府\n2025年3月5日",
           "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件1：防汛责任表\n勺米镇人民政府\n2025年3月5日",
           "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件1.防汛责任表\n2.物资清单\n勺米镇人民政府\n2025年3月5日"],
    silent=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件：1.防汛责任表\n2.物资清单\n勺米镇人民政府\n2025年3月5日",
            "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n附件：2025年防汛责任表\n勺米镇人民政府\n2025年3月5日"],
)


# -- F106 附注 in parentheses ---------------------------------------------------------------------
_ANNOTATION = regex.compile(r"^\s*(?P<open>[（(]?)\s*(?P<body>(?:此件|本件)[^（）()]{2,30}?)\s*(?P<close>[）)]?)\s*$")


def _annotation(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if s.date is None or is_exempt(ctx, s):
        return
    stop = min(x for x in (s.attachment_start, s.copy_to.block if s.copy_to else None, len(doc.blocks)) if x is not None)
    following = [b for b in doc.blocks[s.date.block + 1 : stop] if b.part == "body" and b.text.strip()][:2]
    for b in following:
        m = _ANNOTATION.match(b.text)
        if m and not (m["open"] and m["close"]):
            yield rule.finding(b, suggestion=f"（{m['body']}）")


ANNOTATION = FunctionRule(
    code="F106", category="format", kind="element_missing", severity=Severity.WARNING,
    message="附注未加圆括号", basis=f"{GB9704} 7.3.6", func=_annotation,
    doc="附注（如公开属性“此件公开发布”）居左空二字加圆括号编排在成文日期下一行。",
    fires=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n此件公开发布"],
    silent=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n（此件公开发布）"],
)


# -- F107 版记: 抄送 and 印发 ------------------------------------------------------------------------
_COPY = regex.compile(r"^\s*抄\s*送\s*[:：]\s*(?P<list>.+?)\s*$")
_PRINTED = regex.compile(r"印\s*发\s*$")
#: The 印发 line run into the 抄送 line: a 版记 laid out as a table, converted from .doc or .wps,
#: comes out as one paragraph (抄送：区应急局，区水务局。勺米镇党政办公室2025年3月5日印发).
#: The 印发机关 holds no separator of a 抄送 list; the year starts the 印发日期.
_MERGED_PRINTED = regex.compile(r"[^，,。；;、：:]+?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年[^，,。；;、]*?印\s*发\s*$")


def _imprint(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if is_exempt(ctx, s):
        return
    tail_from = s.date.block + 1 if s.date else (s.body_start or 0)
    last = [b.index for b in doc.blocks if b.part == "body" and b.text.strip()][-3:]
    for b in doc.blocks[tail_from:]:
        if b.part != "body":
            continue
        m = _COPY.match(b.text)
        if m:
            lst, end = m["list"], m.end("list")
            merged = _MERGED_PRINTED.search(lst)
            if merged and merged.start() > 0:  # judge the 抄送 list only, not the 印发 line after it
                lst = lst[:merged.start()].rstrip()
                end = m.start("list") + len(lst)
            probs, fixed = [], lst
            if "、" in lst and "，" not in lst and "（" not in lst:
                probs.append("抄送机关之间用逗号隔开")
                fixed = fixed.replace("、", "，")
            if not lst.endswith("。"):
                probs.append("最后一个抄送机关后标句号")
                fixed = fixed.rstrip("，,；;.") + "。"
            if probs:
                yield rule.finding(b, m.start("list"), end, suggestion=fixed,
                                   message="抄送机关格式不规范：" + "；".join(probs))
        elif b.index in last and _PRINTED.search(b.text) and len(b.text.strip()) <= 60 and not regex.search(r"\d{4}\s*年|[〇○零一二]{4}\s*年", b.text):
            yield rule.finding(b, message="印发机关和印发日期应在同一行，印发日期后加“印发”二字")


IMPRINT = FunctionRule(
    code="F107", category="format", kind="element_missing", severity=Severity.WARNING,
    message="版记格式不规范", basis=f"{GB9704} 7.4.2、7.4.3", func=_imprint,
    doc="版记中的抄送机关之间用逗号隔开，最后一个抄送机关后标句号；印发机关左空一字、印发日期右空一字，"
        "印发日期后加“印发”二字。",
    fires=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n抄送：区应急局、区水务局\n勺米镇党政办公室　2025年3月5日印发",
           "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n抄送：区应急局。\n勺米镇党政办公室印发"],
    silent=["关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日\n抄送：区应急局，区水务局。\n勺米镇党政办公室　2025年3月5日印发"],
)


# -- fonts and page layout (only .docx carries them) ---------------------------------------------
#: Defaults for the ``[format]`` config section; local conventions override them.
FORMAT_DEFAULTS = {
    "title_fonts": ["小标宋"], "title_size_pt": 22.0,
    "body_fonts": ["仿宋"], "body_size_pt": 16.0,
    "heading1_fonts": ["黑体"], "heading2_fonts": ["楷体"],
    "page_width_mm": 210.0, "page_height_mm": 297.0, "top_mm": 37.0, "left_mm": 28.0,
    "text_width_mm": 156.0, "text_height_mm": 225.0, "tolerance_mm": 1.0,
    "lines_per_page": 22,
}
_SIZE_NAMES = {42: "初号", 26: "一号", 22: "二号", 16: "三号", 15: "小三", 14: "四号", 12: "小四", 10.5: "五号"}


def settings(ctx) -> dict:
    """The ``[format]`` section laid over the GB/T 9704 defaults."""
    return {**FORMAT_DEFAULTS, **ctx.section("format")}


def _size_name(pt: float) -> str:
    return f"{_SIZE_NAMES[pt]}（{pt:g}磅）" if pt in _SIZE_NAMES else f"{pt:g}磅"


def _font_ok(name: str | None, wanted) -> bool:
    return name is None or any(w.lower() in name.lower() for w in wanted)


def _run_problems(block: Block, start: int, end: int, fonts, size: float) -> list[str]:
    """What differs from ``fonts``/``size`` in the visible runs of block[start:end]."""
    out = []
    for r in block.runs_in(start, end):
        if not block.text[max(r.start, start):min(r.end, end)].strip():
            continue
        if not _font_ok(r.font_east_asia, fonts):
            out.append(f"字体为“{r.font_east_asia}”")
        if r.size_pt is not None and abs(r.size_pt - float(size)) > 0.25:
            out.append(f"字号为{_size_name(r.size_pt)}")
    return list(dict.fromkeys(out))


def heading_span(block: Block) -> tuple[int, int, int] | None:
    """(level, start, end) of a level-1 or level-2 heading at the start of a paragraph."""
    h = heading_of(block.text)
    if h is None or h[0] > 2:
        return None
    cut = block.text.find("。")
    end = len(block.text) if cut < 0 else cut + 1
    return h[0], len(block.text) - len(block.text.lstrip()), end


def _grouped(rule, items, what: str, want: str):
    """One finding per distinct problem, at its first paragraph, counting the others."""
    groups: dict[str, list[tuple[Block, int, int]]] = {}
    for block, a, b, probs in items:
        for p in probs:
            groups.setdefault(p, []).append((block, a, b))
    for problem, places in groups.items():
        block, a, b = places[0]
        more = f"（共{len(places)}处）" if len(places) > 1 else ""
        yield rule.finding(
            block, a, b, message=f"{what}{problem}{more}，应为{want}", suggestion=want,
            explanation={"paragraphs": [p[0].index for p in places]},
        )


def _title_font(rule, doc, ctx):
    s = _applicable(doc, ctx)
    if s is None or not s.title_blocks:
        return
    cfg = settings(ctx)
    items = [(doc.blocks[i], 0, len(doc.blocks[i].text),
              _run_problems(doc.blocks[i], 0, len(doc.blocks[i].text), cfg["title_fonts"], cfg["title_size_pt"]))
             for i in s.title_blocks]
    want = f"{'/'.join(cfg['title_fonts'])} {_size_name(float(cfg['title_size_pt']))}"
    yield from _grouped(rule, items, "标题", want)


def sample_document(*, title=("方正小标宋简体", 22), body=("仿宋_GB2312", 16), h1=("黑体", 16),
                    h2=("楷体_GB2312", 16), page=None, grid_lines: int | None = 22,
                    date_align: str | None = "right") -> Document:
    """A correctly formatted 公文 built as a .docx (examples of the format rules); override a part to break it."""
    from ..formats import read_bytes
    from ..formats.compose import DocxBuilder

    b = DocxBuilder()
    b.page(**(page or {}))
    if grid_lines:
        set_line_grid(b, grid_lines)
    fb = {"font": body[0], "size": body[1]}
    b.paragraph("勺府发〔2025〕3号", **fb, align="center")
    b.paragraph("勺米镇人民政府关于做好防汛工作的通知", font=title[0], size=title[1], align="center")
    b.paragraph("各村（社区）、各股室：", **fb)
    b.paragraph("为做好今年防汛工作，现将有关事项通知如下。", **fb)
    b.paragraph("一、总体要求", font=h1[0], size=h1[1])
    b.paragraph(runs=[("（一）明确责任。", {"font": h2[0], "size": h2[1]}), ("各村要落实防汛责任。", fb)])
    b.paragraph("勺米镇人民政府", **fb, align="right")
    date = b.paragraph("2025年3月5日", **fb, align="right" if date_align == "right" else None)
    if date_align == "indent":
        from docx.shared import Pt

        date.paragraph_format.left_indent = Pt(16 * 14)
    b.paragraph("（此件公开发布）", **fb)
    return read_bytes(b.to_bytes(), "sample.docx")


def set_line_grid(builder, lines: int) -> None:
    """Give the builder's first section a line grid of ``lines`` lines per page (docGrid)."""
    builder.line_grid(lines)


TITLE_FONT = FunctionRule(
    code="F108", category="format", kind="font", severity=Severity.WARNING,
    message="标题字体字号不规范", basis=f"{GB9704} 7.3.1", func=_title_font,
    doc="标题一般用2号小标宋体字（22磅），编排于红色分隔线下空二行位置，分一行或多行居中排布。"
        "字体名称的本地习惯（如“方正小标宋简体”）可在配置 [format] title_fonts 中设定。",
    fires=[lambda: sample_document(title=("宋体", 22)), lambda: sample_document(title=("方正小标宋简体", 18))],
    silent=[sample_document, "关于做好防汛工作的通知\n各村：\n请做好防汛工作。"],
)


def _body_font(rule, doc, ctx):
    s = _applicable(doc, ctx)
    if s is None:
        return
    cfg = settings(ctx)
    items = []
    for block in ctx.fact(main_text).blocks:
        hs = heading_span(block)
        start = hs[2] if hs else 0
        if start >= len(block.text):
            continue
        items.append((block, start, len(block.text),
                      _run_problems(block, start, len(block.text), cfg["body_fonts"], cfg["body_size_pt"])))
    want = f"{'/'.join(cfg['body_fonts'])} {_size_name(float(cfg['body_size_pt']))}"
    yield from _grouped(rule, items, "正文", want)


BODY_FONT = FunctionRule(
    code="F109", category="format", kind="font", severity=Severity.WARNING,
    message="正文字体字号不规范", basis=f"{GB9704} 5.2.2、7.3.3", func=_body_font,
    doc="正文一般用3号仿宋体字（16磅），第三、四层标题与正文同。相同问题合并为一条，注明处数。"
        "仿宋_GB2312 与仿宋均视为仿宋；本地习惯可在配置 [format] body_fonts 中设定。",
    fires=[lambda: sample_document(body=("宋体", 16)), lambda: sample_document(body=("仿宋_GB2312", 14))],
    silent=[sample_document, "关于做好防汛工作的通知\n各村：\n请做好防汛工作。"],
)


def _heading_font(rule, doc, ctx):
    s = _applicable(doc, ctx)
    if s is None:
        return
    cfg = settings(ctx)
    wanted = {1: cfg["heading1_fonts"], 2: cfg["heading2_fonts"]}
    items = {1: [], 2: []}
    for block in ctx.fact(main_text).blocks:
        hs = heading_span(block)
        if hs:
            level, a, b = hs
            items[level].append((block, a, b, _run_problems(block, a, b, wanted[level], cfg["body_size_pt"])))
    for level in (1, 2):
        want = f"{'/'.join(wanted[level])} {_size_name(float(cfg['body_size_pt']))}"
        yield from _grouped(rule, items[level], f"第{'一二'[level - 1]}层标题", want)


HEADING_FONT = FunctionRule(
    code="F110", category="format", kind="font", severity=Severity.WARNING,
    message="标题层次字体不规范", basis=f"{GB9704} 7.3.3", func=_heading_font,
    doc="第一层标题（“一、”）用黑体字，第二层标题（“（一）”）用楷体字，字号同正文（3号）。"
        "段首标题只检查到第一个句号为止。本地习惯可在配置 [format] heading1_fonts、heading2_fonts 中设定。",
    fires=[lambda: sample_document(h1=("仿宋_GB2312", 16)), lambda: sample_document(h2=("仿宋_GB2312", 16))],
    silent=[sample_document, "关于做好防汛工作的通知\n各村：\n一、总体要求\n（一）明确责任。"],
)


def _page_layout(rule, doc, ctx):
    if not doc.layouts or _applicable(doc, ctx) is None:
        return
    cfg = settings(ctx)
    tol = float(cfg["tolerance_mm"])
    seen = set()
    for lay in doc.layouts:
        key = (lay.width_mm, lay.height_mm, lay.top_mm, lay.bottom_mm, lay.left_mm, lay.right_mm)
        if key in seen or None in key:
            continue
        seen.add(key)
        probs: list[str] = []

        def off(name, value, want, probs=probs):
            if abs(value - float(want)) > tol:
                probs.append(f"{name}{value:g}mm（应为{float(want):g}mm）")

        if lay.width_mm > lay.height_mm:  # a landscape section for a wide table: only the paper size counts
            off("纸张宽", lay.width_mm, cfg["page_height_mm"])
            off("纸张高", lay.height_mm, cfg["page_width_mm"])
            if probs:
                yield rule.finding(None, message="页面设置不规范：" + "；".join(probs), suggestion="A4纸横排")
            continue
        off("纸张宽", lay.width_mm, cfg["page_width_mm"])
        off("纸张高", lay.height_mm, cfg["page_height_mm"])
        off("天头（上白边）", lay.top_mm, cfg["top_mm"])
        off("订口（左白边）", lay.left_mm, cfg["left_mm"])
        off("版心宽", round(lay.width_mm - lay.left_mm - lay.right_mm, 1), cfg["text_width_mm"])
        off("版心高", round(lay.height_mm - lay.top_mm - lay.bottom_mm, 1), cfg["text_height_mm"])
        if probs:
            right = float(cfg["page_width_mm"]) - float(cfg["left_mm"]) - float(cfg["text_width_mm"])
            bottom = float(cfg["page_height_mm"]) - float(cfg["top_mm"]) - float(cfg["text_height_mm"])
            yield rule.finding(
                None, message="页面设置不规范：" + "；".join(probs),
                suggestion=f"A4纸，上{float(cfg['top_mm']):g}mm、下{bottom:g}mm、左{float(cfg['left_mm']):g}mm、右{right:g}mm",
                explanation={"layout": dict(zip(("width", "height", "top", "bottom", "left", "right"), key))},
            )


PAGE_LAYOUT = FunctionRule(
    code="F111", category="format", kind="page_layout", severity=Severity.WARNING,
    message="页面设置不规范", basis=f"{GB9704} 5.1、5.2.1", func=_page_layout,
    doc="公文用A4纸（210mm×297mm）；天头（上白边）37mm±1mm，订口（左白边）28mm±1mm，"
        "版心156mm×225mm。允许误差可在配置 [format] tolerance_mm 中设定。",
    fires=[lambda: sample_document(page={"top": 25.4, "left": 31.8, "right": 31.8, "bottom": 25.4})],
    silent=[sample_document, "关于做好防汛工作的通知\n各村：\n请做好防汛工作。"],
)


def _lines_per_page(rule, doc, ctx):
    if _applicable(doc, ctx) is None:
        return
    want = int(settings(ctx)["lines_per_page"])
    for n in dict.fromkeys(lay.lines_per_page for lay in doc.layouts if lay.lines_per_page):
        if n != want:
            yield rule.finding(None, message=f"每页{n}行，应为每页{want}行、每行28个字",
                               suggestion=f"文档网格设为每页{want}行", explanation={"lines_per_page": n})


LINES_PER_PAGE = FunctionRule(
    code="F112", category="format", kind="page_layout", severity=Severity.INFO,
    message="每页行数不规范", basis=f"{GB9704} 5.2.3", func=_lines_per_page,
    doc="一般每面排22行，每行排28个字（3号字、版心宽156mm），并撑满版心。只在文档设置了行网格时检查。",
    fires=[lambda: sample_document(grid_lines=20)],
    silent=[sample_document, lambda: sample_document(grid_lines=None)],
)

def _date_position(rule, doc, ctx):
    s = _applicable(doc, ctx)
    if s is None or s.date is None:
        return
    block = doc.blocks[s.date.block]
    size = float(settings(ctx)["body_size_pt"])
    lead = block.text[: len(block.text) - len(block.text.lstrip())]
    lead_chars = lead.count("\u3000") + (len(lead) - lead.count("\u3000")) / 2
    if (block.align == "right" or (block.indent_left_pt or 0) >= 8 * size or lead_chars >= 8):
        return
    yield rule.finding(block, len(lead), len(block.text),
                       message="成文日期应在署名之下右空四字编排（居右），现靠左排列",
                       suggestion="成文日期右对齐，右缩进4字")


DATE_POSITION = FunctionRule(
    code="F113", category="format", kind="page_layout", severity=Severity.INFO,
    message="成文日期位置不规范", basis=f"{GB9704} 7.3.5", func=_date_position,
    doc="成文日期一般在发文机关署名之下、右空四字编排。右对齐、较大的左缩进或以空格推到右侧的日期"
        "均视为已居右；只检查 .docx。",
    fires=[lambda: sample_document(date_align=None)],
    silent=[sample_document, lambda: sample_document(date_align="indent"),
            "关于做好防汛工作的通知\n各村：\n请做好防汛工作。\n勺米镇人民政府\n2025年3月5日"],
)

# -- F114 a cited document: title first, then its 发文字号 ------------------------------------
#: 根据闽某〔2013〕19号（《关于……的通知》）: the 文号 stands where the title should, and the title in
#: brackets where the 文号 should.
_NUMBER_THEN_TITLE = regex.compile(
    r"(?P<num>[\p{Han}]{1,8}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号)\s*"
    r"[（(]\s*(?P<title>《[^《》\n]{4,120}》)\s*[）)]"
)
_CITING_WORD = regex.compile(r"^(?:根据|按照|依据|依照|遵照|贯彻|落实|参照|执行|转发|印发|结合|对照|和|及|与)+")


def _number_then_title(text: str):
    for m in _NUMBER_THEN_TITLE.finditer(text):
        num = m["num"]
        lead = _CITING_WORD.match(num)
        start = m.start() + (lead.end() if lead else 0)
        num = num[lead.end():] if lead else num
        if len(regex.match(r"[\p{Han}]*", num).group()) < 1:
            continue
        yield Fix(start, m.end(), f"{m['title']}（{num}）", "引用公文应先引标题，后引发文字号", 0.9)


NUMBER_THEN_TITLE = CorrectionRule(
    code="F114", category="format", kind="doc_number_format", severity=Severity.WARNING,
    message="引用公文先引了发文字号", basis="《国家行政机关公文处理办法》（国发〔2000〕23号）“引用公文应当先引标题，后引发文字号”；"
    f"{GB9704} 7.2.4", judge=_number_then_title, needs=r"号\s*[（(]\s*《",
    doc="引用公文应当先引标题，后引发文字号：“根据《某某县关于做好防汛工作的通知》（某府发〔2024〕5号）”，"
        "不写作“根据某府发〔2024〕5号（《某某县关于做好防汛工作的通知》）”。",
    fires=["根据某府发〔2024〕5号（《某某县关于做好防汛工作的通知》）精神，现通知如下。"],
    silent=["根据《某某县关于做好防汛工作的通知》（某府发〔2024〕5号）精神，现通知如下。",
            "某府发〔2024〕5号", "详见附件（《某某县防汛工作方案》）"],
)


# -- T108 one body or campaign named two ways ----------------------------------------------------
#: 关于成立……制度改革工作领导小组的通知 … 成立……制度改革领导小组: the same 领导小组 (专项行动, 指挥部…)
#: written two ways in one document. Only an inner difference of one or two characters between
#: long common runs counts; a name shortened at its start (××镇防汛指挥部 → 防汛指挥部) is usual.
_NAMED = regex.compile(r"(?P<pre>\p{Han}{5,})(?P<suf>专项行动|专项整治|领导小组|工作小组|指挥部)")
#: Verbs and words that stand before a name without being part of it: the name starts after the last.
_NAME_LEAD = regex.compile(
    r"关于|成立|调整|开展|做好|组建|设立|推进|推动|加强|深入|组织|参加|参与|配合|落实|印发|转发"
    r"|专项行动|专项整治|领导小组|工作小组|指挥部"  # the end of another name before this one
)
NAME_MAX_CHARS = 18
NAME_MIN_COMMON = 4
NAME_MAX_DIFF = 2


@dataclass(frozen=True, slots=True)
class _Mention:
    block: int
    start: int
    end: int
    pre: str
    suf: str


def _mentions(doc: Document) -> list[_Mention]:
    out = []
    for block in doc.blocks:
        if block.part not in ("body", "table") or not any(w in block.text for w in ("行动", "整治", "小组", "指挥部")):
            continue
        keep = [i for i, c in enumerate(block.text) if not c.isspace()]  # a title wrapped with a space
        flat = "".join(block.text[i] for i in keep)
        for m in _NAMED.finditer(flat):
            pre = m["pre"]
            cut = max((w.end() for w in _NAME_LEAD.finditer(pre)), default=0)
            cut = max(cut, len(pre) - NAME_MAX_CHARS)
            if len(pre) - cut <= NAME_MIN_COMMON:
                continue
            start = m.start("pre") + cut
            out.append(_Mention(block.index, keep[start], keep[m.end() - 1] + 1, pre[cut:], m["suf"]))
    return out


def _inner_difference(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` (the words before one suffix) differ only inside: read from their
    ends, an optional common run, one change of at most NAME_MAX_DIFF characters, then a common
    run of at least NAME_MIN_COMMON characters."""
    import difflib

    ra, rb = a[::-1], b[::-1]
    ops = difflib.SequenceMatcher(None, ra, rb, autojunk=False).get_opcodes()
    k = next((i for i, op in enumerate(ops) if op[0] != "equal"), None)
    if k is None or k + 1 >= len(ops) or ops[k + 1][0] != "equal":
        return False
    _, i1, i2, j1, j2 = ops[k]
    if max(i2 - i1, j2 - j1) > NAME_MAX_DIFF or any(c.isdigit() for c in ra[i1:i2] + rb[j1:j2]):
        return False
    _, e1, e2, _, _ = ops[k + 1]
    return e2 - e1 >= NAME_MIN_COMMON


def _same_name(a: _Mention, b: _Mention) -> bool:
    """One name, written in full or shortened at its start (××镇防汛指挥部, 防汛指挥部)."""
    return a.suf == b.suf and (a.pre.endswith(b.pre) or b.pre.endswith(a.pre))


def _names_twice(rule, doc, ctx):
    mentions = _mentions(doc)
    if len(mentions) < 2:
        return
    blocks = {b.index: b for b in doc.blocks}
    support = [sum(_same_name(m, n) for n in mentions) for m in mentions]
    for i, m in enumerate(mentions):
        rivals = [(support[j], n) for j, n in enumerate(mentions)
                  if n.suf == m.suf and not _same_name(m, n) and _inner_difference(m.pre, n.pre)]
        rivals = [(k, n) for k, n in rivals if k >= support[i]]  # the form written more often is taken as meant
        if not rivals:
            continue
        k, other = max(rivals, key=lambda r: r[0])
        yield rule.finding(
            blocks[m.block], m.start, m.end,
            message=f"同一名称前后写法不一致：“{m.pre}{m.suf}”与“{other.pre}{other.suf}”",
            suggestion=other.pre + other.suf if k > support[i] else None,
            confidence=0.75,
        )


NAMES_TWICE = FunctionRule(
    code="T108", category="proofing", kind="word_usage", severity=Severity.WARNING,
    message="同一名称前后写法不一致", basis="《勺米镇政务公开信息审核发布管理制度》一（二）、五",
    func=_names_twice,
    doc="复审须对字、词、句审核，信息内容应准确。同一文件中的领导小组、工作小组、指挥部、专项行动、专项整治的名称"
        "应前后一致：标题作“……制度改革工作领导小组”，正文不能写成“……制度改革领导小组”。只比较名称内部一两个字的"
        "差异（两侧各有相同的一段）；省去开头地名的简称（“××镇防汛指挥部”与“防汛指挥部”）和年份不同的不提示。"
        "文件中出现次数多的写法视为本意，作为建议。",
    fires=["关于成立某某镇集中支付制度改革工作领导小组的通知\n各村：\n经研究，成立某某镇集中支付制度改革领导小组。",
           "关于开展打击制售假冒伪劣产品专项行动的通知\n各单位：\n开展打击制售假冒伪劣商品专项行动以来，"
           "打击制售假冒伪劣商品专项行动成效明显。"],
    silent=["关于成立某某镇集中支付制度改革工作领导小组的通知\n各村：\n经研究，成立某某镇集中支付制度改革工作领导小组。",
            "关于成立某某镇防汛抗旱指挥部的通知\n各村：\n经研究，成立防汛抗旱指挥部。",
            "关于调整某某镇安全生产委员会组成人员的通知\n各村：\n某某镇食品安全工作领导小组和某某镇森林防火工作领导小组同时调整。",
            "由县防汛工作指挥部提请市防汛工作指挥部处理；县防汛工作指挥部接到市防汛工作指挥部通知后执行。"],
)


RULES = [DOC_NUMBER_FORMAT, HEADING_ORDER, HEADING_MARKS, RECIPIENTS, ATTACHMENT_NOTE, ANNOTATION, IMPRINT,
         TITLE_FONT, BODY_FONT, HEADING_FONT, PAGE_LAYOUT, LINES_PER_PAGE, DATE_POSITION,
         NUMBER_THEN_TITLE, NAMES_TWICE]
