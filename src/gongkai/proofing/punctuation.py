"""Punctuation rules (P1xx) after GB/T 15834-2011 《标点符号用法》.

Every rule is a :class:`CorrectionRule`: one function reads a paragraph and returns the
spans that are wrong and, when the correction is certain, the corrected text. Half-width
marks are left alone in English and number contexts (3.5%, 1:1000, 10:30, www.x.gov.cn).
"""

from __future__ import annotations

import regex

from ..models import Severity
from .correction import CorrectionRule, Fix, has_han, is_han

GB15834 = "《标点符号用法》(GB/T 15834-2011)"

#: Full-width marks that end or close something / open something.
CLOSERS = "，。、；：？！”’）》〉】〕…—"
OPENERS = "“‘（《〈【〔"
_NUMERAL_HEAD = regex.compile(r"\s*[（(]?[一二三四五六七八九十〇零]+[）)]?")


def _neighbour(text: str, i: int, step: int) -> str | None:
    """The nearest character before (step -1) or after (step 1) ``i`` that is not a space."""
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t\u3000":
        j += step
    return text[j] if 0 <= j < len(text) else None


# -- P101 half-width marks inside Chinese text -------------------------------------------
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
_HALF_RE = regex.compile(r"[,;:?!.]")


_DIGITS_BEFORE = regex.compile(r"(?<!\d)(\d{5,})$")
_DIGITS_AFTER = regex.compile(r"^(\d{5,})(?!\d)")


def _number_list(text: str, i: int) -> bool:
    """Whether the comma at ``i`` separates two long numbers in Chinese text (24370168,24370017):
    a thousands separator is followed by exactly three digits, a telephone list by more."""
    a = _DIGITS_BEFORE.search(text, 0, i)
    b = _DIGITS_AFTER.match(text[i + 1:i + 20])
    if not (a and b):
        return False
    before = text[a.start() - 1] if a.start() else ""
    return is_han(before) or before in "：:、，" or has_han(text[max(0, a.start() - 6):a.start()])


def _half_width(text: str):
    for m in _HALF_RE.finditer(text):
        i, c = m.start(), m.group()
        p, n = _neighbour(text, i, -1), _neighbour(text, i, 1)
        cjk_p = is_han(p) or (p is not None and p in CLOSERS)
        cjk_n = is_han(n) or (n is not None and n in OPENERS)
        if c == ".":
            # 等. at a sentence end; never 3.5, 1.方案, a. b. or 一.（a heading, F103's business)
            if not is_han(p) or _NUMERAL_HEAD.fullmatch(text[:i]):
                continue
            if n is not None and not (is_han(n) or n in "”’）" or n in OPENERS):
                continue
            if i + 1 < len(text) and text[i + 1] == ".":
                continue  # an ellipsis, P106's business
            if i > 0 and text[i - 1] == ".":
                continue
        elif c == "," and _number_list(text, i):
            yield Fix(i, i + 1, "、", "中文语句中并列的号码之间应使用顿号“、”，不用半角逗号")
            continue
        elif p is not None and n is not None and p.isascii() and n.isascii() and (p.isalnum() and n.isalnum()):
            continue  # 10:30, 1:1000, 1,000, a;b
        elif not (cjk_p or cjk_n):
            continue
        if c in "?!" and n is not None and n in "?!":
            continue
        yield Fix(i, i + 1, _HALF[c], f"中文语句中使用了半角标点“{c}”，应使用全角“{_HALF[c]}”")


HALF_WIDTH = CorrectionRule(
    code="P101", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="中文语句中使用了半角标点", basis=f"{GB15834} 4.1—4.7、5.1", judge=_half_width,
    needs=r"[,;:?!.]",
    doc="中文文本中的逗号、分号、冒号、问号、叹号、句号应使用全角标点（，；：？！。）。"
        "英文、数字、网址和邮箱中的半角符号（如3.5%、1:1000、10:30、www.example.gov.cn）不在此列。",
    fires=["各村,各股室要高度重视。", "联系方式如下:", "会议时间:10:30", "是否同意?请批示。", "请各单位认真落实.",
           "举报电话：某某乡24370000,24370001"],
    silent=["增长3.5%，比例尺1:1000，时间10:30。", "详见www.shuicheng.gov.cn。", "Hello, world.",
            "1.总体要求", "邮箱：office@example.gov.cn。", "共计1,000元。", "共计12,500,000元。"],
)


# -- P102 straight quotation marks ---------------------------------------------------------
def _straight_quotes(text: str):
    idx = [i for i, c in enumerate(text) if c == '"']
    if not idx or not has_han(text):
        return
    pairs = list(zip(idx[0::2], idx[1::2]))
    for a, b in pairs:
        inner = text[a + 1 : b]
        before = text[a - 1] if a else None
        after = text[b + 1] if b + 1 < len(text) else None
        if has_han(inner) or is_han(before) or is_han(after):
            yield Fix(a, b + 1, f"“{inner}”", "中文语句中的引号应使用全角弯引号“”")
    if len(idx) % 2:
        yield Fix(idx[-1], idx[-1] + 1, None, "直引号“\"”不成对，且中文语句应使用全角弯引号“”")


STRAIGHT_QUOTES = CorrectionRule(
    code="P102", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="中文语句中使用了半角直引号", basis=f"{GB15834} 4.8、5.1", judge=_straight_quotes,
    needs='"',
    doc="中文文本中的引号应使用全角弯引号“”（嵌套时内层用‘’），不用半角直引号\"\"。",
    fires=['坚持"放管服"改革。', '开展"双随机、一公开"监管，"互联网+政务服务"'],
    silent=["坚持“放管服”改革。", 'He said "yes".'],
)


# -- P103 unpaired quotes, brackets, 书名号 -------------------------------------------------
_PAIRS = (("“", "”"), ("‘", "’"), ("《", "》"), ("〈", "〉"), ("（(", "）)"), ("【", "】"), ("〔", "〕"))
_OPEN_OF = {c: k for k, (o, _) in enumerate(_PAIRS) for c in o}
_CLOSE_OF = {c: k for k, (_, cl) in enumerate(_PAIRS) for c in cl}
_ENUM_CLOSE = regex.compile(r"\s*[0-9０-９A-Za-z一二三四五六七八九十]{1,3}[）)]")


def match_pairs(text: str):
    """Matched pairs (open, close, class) and unmatched marks (pos, class, opening?) of a paragraph."""
    stacks: dict[int, list[int]] = {}
    pairs, loose = [], []
    for i, c in enumerate(text):
        k = _OPEN_OF.get(c)
        if k is not None:
            stacks.setdefault(k, []).append(i)
            continue
        k = _CLOSE_OF.get(c)
        if k is not None:
            st = stacks.get(k)
            if st:
                pairs.append((st.pop(), i, k))
            else:
                loose.append((i, k, False))
    for k, st in stacks.items():
        loose.extend((i, k, True) for i in st)
    return pairs, sorted(loose)


def _unpaired(text: str):
    if not any(c in _OPEN_OF or c in _CLOSE_OF for c in text):
        return
    _, loose = match_pairs(text)
    lead = len(text) - len(text.lstrip())
    for i, k, opening in loose:
        if opening and k == 0 and i == lead:
            continue  # a quotation of several paragraphs opens each one and closes only the last
        if not opening and k == 4 and _ENUM_CLOSE.match(text[: i + 1]):
            continue  # an enumeration such as 1） at the start of a line
        mark = text[i]
        other = _PAIRS[k][1][0] if opening else _PAIRS[k][0][0]
        what = "前" if opening else "后"
        yield Fix(i, i + 1, None, f"“{mark}”缺少对应的{'后' if opening else '前'}半“{other}”（{what}半符号不成对）", 0.8)


#: A mark may close this many blocks after the one it opens in, across lines this short.
WRAP_LINES = 3
WRAP_LINE_CHARS = 80


class UnpairedRule(CorrectionRule):
    """P103 with one exception the paragraph alone cannot see: a title or a parenthesis that
    wraps onto the next line (《…\n…》) opens in one block and closes in the next."""

    def check(self, doc, ctx):
        found = []
        for block in self.blocks(doc):
            found.append((block, self.fixes(block.text)))
        drop: set[tuple[int, int]] = set()
        for i, (b1, f1) in enumerate(found):
            # a web page may break a long title over several short lines (《…\n…\n…》)
            for j in range(i + 1, min(len(found), i + 1 + WRAP_LINES)):
                b2, f2 = found[j]
                if b1.part != b2.part or any(len(found[k][0].text) > WRAP_LINE_CHARS for k in range(i + 1, j)):
                    break
                if not f1 or not f2:
                    continue
                opens = [f for f in f1 if b1.text[f.start] in _OPEN_OF and (b1.index, f.start) not in drop]
                closes = [f for f in f2 if b2.text[f.start] in _CLOSE_OF]
                for o in opens:
                    k = _OPEN_OF[b1.text[o.start]]
                    c = next((c for c in closes if _CLOSE_OF[b2.text[c.start]] == k and (b2.index, c.start) not in drop), None)
                    if c is not None:
                        drop.update({(b1.index, o.start), (b2.index, c.start)})
        for block, fixes in found:
            for fx in fixes:
                if (block.index, fx.start) not in drop:
                    yield self.finding(block, fx.start, fx.end, message=fx.message, confidence=fx.confidence,
                                       explanation={"fix": "manual"})


UNPAIRED = UnpairedRule(
    code="P103", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="引号、括号或书名号不成对", basis=f"{GB15834} 4.8、4.9、4.15", judge=_unpaired,
    needs=r"[“”‘’《》〈〉（）()【】〔〕]",
    doc="引号、括号、书名号等成对使用的标点，前后两半应在同一段内配对出现。"
        "跨段引用时每段开头用前引号、仅末段末尾用后引号，不作为错误。",
    fires=["根据《水城区政府信息公开规定的要求执行。", "坚持“放管服改革。", "各村（社区负责落实。", "详见附件1）。"],
    silent=["根据《水城区政府信息公开规定》执行。", "“各村要高度重视，", "1）各村负责落实。",
            "国务院办公厅关于印发《政府网站集约化\n试点工作方案》的通知",
            "坚持“放管服”改革，（一）总体要求。"],
)


# -- P104 doubled or stacked marks --------------------------------------------------------
_DOUBLED = regex.compile(r"([，、；：？！])\1+|(?<!。)。。(?!。)|([，、；：。])(?!\2)[，、；：。]")


def _doubled(text: str):
    for m in _DOUBLED.finditer(text):
        s = m.group()
        if len(set(s)) == 1:
            yield Fix(m.start(), m.end(), s[0], f"标点“{s[0]}”重复使用")
        else:
            yield Fix(m.start(), m.end(), None, f"标点“{s[0]}”与“{s[1]}”连用，应只保留一个", 0.85)


DOUBLED = CorrectionRule(
    code="P104", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="标点重复或连用", basis=f"{GB15834} 4.1—4.7", judge=_doubled,
    needs=r"[，。、；：？！]{2}",
    doc="句内点号和句末点号不应重复或叠用，如“，，”“。。”“，。”“；。”，应只保留一个正确的标点。",
    fires=["各村，，各股室要高度重视。", "请认真落实。。", "经研究，。现通知如下"],
    silent=["请认真落实。", "特此通知。……", "“放管服”、“双随机”"],
)


# -- P105 titles marked with <>, 〈〉 or quotes instead of 《》 ---------------------------
_TITLE_TYPES = r"(?:通知|意见|决定|办法|规定|方案|报告|请示|批复|复函|函|通报|公告|通告|细则|规划|纲要|计划|条例|规则|制度|指南)"
_ANGLE = regex.compile(r"<([^<>\n]{2,80})>|〈([^〈〉\n]{2,80})〉")
_QUOTED_TITLE = regex.compile(rf"“((?:关于)[^“”《》\n]{{2,60}}?的{_TITLE_TYPES}|中华人民共和国[^“”《》\n]{{1,30}}?法)”")


#: a lone < opening a nested title whose other half is on the next line (《关于批转<…)
_LONE_ANGLE = regex.compile(r"(?<=\p{Han})<(?=\p{Han}|\s*$)")
#: 根据某某局关于《某某工作》的通知: the 书名号 encloses only part of the cited title
_ORGAN_OUTSIDE = regex.compile(
    r"(?:(?<=^|[，。；：、）》\s]|根据|按照|依据|依照|遵照|贯彻|落实|参照|执行|转发|印发)|(?<=[和及与]))"
    r"(?P<org>(?!和|及|与|根据|按照|依据|依照|遵照|贯彻|落实|参照|执行|转发|印发)[\p{Han}]{2,20}?(?:局|厅|委|办|部|政府|委员会|办公室|办公厅|管委会|中心|院|署|会))关于"
    rf"《(?P<t>[^《》\n]{{2,80}})》(?:的(?P<k>{_TITLE_TYPES}))?"
)
_ENDS_WITH_TYPE = regex.compile(rf"的{_TITLE_TYPES}$")
_CITING = regex.compile(r"根据|按照|依据|依照|遵照|贯彻|落实|参照|执行|转发|印发")


def _clause_start(text: str, i: int) -> int:
    """Where the clause holding ``i`` starts: after the last ，。；： before it."""
    return max(text.rfind(c, 0, i) for c in "，。；：") + 1


def _inside_title(text: str, i: int) -> bool:
    """True when ``i`` lies inside a 《…》 (where 〈〉 and quotes are the nested forms)."""
    return text.count("《", 0, i) > text.count("》", 0, i)


def _title_marks(text: str):
    for m in _ANGLE.finditer(text):
        inner = m.group(1) or m.group(2)
        if not has_han(inner) or regex.match(r"/?[A-Za-z]", inner) or regex.search(r"[=+*/]", inner):
            continue
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
            continue  # x<5且y>3 compares, it does not quote a title
        if m.group(2) is not None and _inside_title(text, m.start()):
            continue
        if m.group(1) is not None and _inside_title(text, m.start()):
            yield Fix(m.start(), m.end(), f"〈{inner}〉", "书名号内再用书名号时应使用单书名号〈〉，不用尖括号“<>”")
            continue
        yield Fix(m.start(), m.end(), f"《{inner}》", f"文件、书籍等名称应使用书名号《》，不用“{m.group()[0]}{m.group()[-1]}”")
    for m in _LONE_ANGLE.finditer(text):
        if _inside_title(text, m.start()) and not _ANGLE.match(text, m.start()):
            yield Fix(m.start(), m.end(), "〈", "书名号内再用书名号时应使用单书名号“〈”，不用尖括号“<”")
    for m in _ORGAN_OUTSIDE.finditer(text):
        if _inside_title(text, m.start()) or not _CITING.search(text, _clause_start(text, m.start()), m.start()):
            continue
        if m["k"]:
            fixed = f"《{m['org']}关于〈{m['t']}〉的{m['k']}》"
        elif _ENDS_WITH_TYPE.search(m["t"]):
            fixed = f"《{m['org']}关于{m['t']}》"  # 某局关于《做好某工作的通知》: the whole title inside
        else:
            continue
        yield Fix(m.start(), m.end(), fixed, "引用文件时书名号应括住完整标题（发文机关和“关于”在书名号内），"
                  "标题中的书名号改为单书名号〈〉", 0.8)
    for m in _QUOTED_TITLE.finditer(text):
        if _inside_title(text, m.start()):
            continue
        yield Fix(m.start(), m.end(), f"《{m.group(1)}》", "文件名称应使用书名号《》，不用引号", 0.85)


TITLE_MARKS = CorrectionRule(
    code="P105", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="文件名称未使用书名号", basis=f"{GB15834} 4.15", judge=_title_marks,
    needs=r"[<〈“]|关于《",
    doc="标示书名、篇名、文件名、法规名称应使用书名号《》，书名号内再用书名号时用单书名号〈〉。"
        "不得以尖括号<>或引号代替书名号。引用文件时书名号括住完整标题：“根据某某局关于《某某办法》的通知”"
        "应为“根据《某某局关于〈某某办法〉的通知》”（只在“根据”“按照”等引用语之后检查，文件自身的标题不在此列）。",
    fires=["根据<水城区政府信息公开规定>执行。", "按照“关于加强政务公开工作的通知”要求", "〈政府信息公开条例〉",
           "《关于报请区政府批转<某某镇养护办法>的请示》", "《关于报请区政府批转<",
           "根据某某县民政局关于《某某补助办法》的通知要求", "按照某某县民政局关于《做好救助工作的通知》的要求"],
    silent=["根据《水城区政府信息公开规定》执行。", "学习《关于〈政府信息公开条例〉的解读》。", "坚持“放管服”改革。",
            "某某县民政局关于《某某补助办法》的补充通知", "按照某某县民政局关于《救助工作》等事项的说明", "根据《某某县民政局关于〈某某补助办法〉的通知》",
            "x<y>z", "发挥“关于”一词的作用", "当x<5且y>3时"],
)


# -- P106 ellipsis and dash forms ----------------------------------------------------------
_ELLIPSIS = regex.compile(r"\.{3,}|。{3,}|…{3,}|(?<!…)…(?!…)|[·•．]{3,}")
_DASH = regex.compile(r"-{2,}|－{2,}|—{3,}|—[-－]|[-－]—")


def _ellipsis_dash(text: str):
    for m in _ELLIPSIS.finditer(text):
        s, a, b = m.group(), m.start(), m.end()
        if s[0] == "." and not (is_han(text[a - 1] if a else None) or is_han(text[b] if b < len(text) else None)
                                or (a and text[a - 1] in CLOSERS)):
            continue  # English ellipsis
        yield Fix(a, b, "……", f"省略号应为居中的六个点“……”，不用“{s}”")
    for m in _DASH.finditer(text):
        a, b = m.span()
        p = text[a - 1] if a else None
        n = text[b] if b < len(text) else None
        if not (is_han(p) or is_han(n) or (p and p in CLOSERS) or (n and n in OPENERS)):
            continue
        if m.group()[0] in "-－" and (p or "").isascii() and (p or "").isalnum():
            continue  # a command-line option or a table rule
        yield Fix(a, b, "——", f"破折号应为两个字长的“——”，不用“{m.group()}”")


ELLIPSIS_DASH = CorrectionRule(
    code="P106", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="省略号或破折号形式错误", basis=f"{GB15834} 4.10、4.11", judge=_ellipsis_dash,
    needs=r"\.{3}|。{3}|…|[·•．]{3}|[-－—]{2}",
    doc="省略号为居中的六个小圆点“……”（占两个字位置），不用“...”“。。。”或单个“…”；"
        "破折号为两个字长的“——”，不用“--”或“———”。",
    fires=["包括道路、桥梁...等设施", "包括道路、桥梁。。。等设施", "包括道路、桥梁…等设施", "主要任务--推进改革"],
    silent=["包括道路、桥梁……等设施", "主要任务——推进改革", "Wait... what", "2019—2020年", "第1--2页"],
)


# -- P107 half-width or mixed-width brackets -------------------------------------------------
def _brackets(text: str):
    if "(" not in text and ")" not in text:
        return
    pairs, _ = match_pairs(text)
    covered: list[tuple[int, int]] = []
    for a, b, k in sorted((p for p in pairs if p[2] == 4), key=lambda p: (p[0], -p[1])):
        if any(x <= a and b <= y for x, y in covered):
            continue
        o, c = text[a], text[b]
        inner = text[a + 1 : b]
        before = text[a - 1] if a else None
        after = text[b + 1] if b + 1 < len(text) else None
        chinese = has_han(inner) or is_han(before) or is_han(after) or (after is not None and after in CLOSERS)
        mixed = (o == "(") != (c == ")")
        if o == "（" and c == "）":
            continue
        if not mixed and not chinese:
            continue  # f(x), (a+b)
        if chinese:
            new = "（" + inner.replace("(", "（").replace(")", "）") + "）"
            msg = "中文语句中的括号应使用全角“（）”" if not mixed else "括号前后半角、全角混用，应统一为全角“（）”"
        else:
            new = "(" + inner + ")"
            msg = "括号前后半角、全角混用"
        covered.append((a, b))
        yield Fix(a, b + 1, new, msg)


BRACKETS = CorrectionRule(
    code="P107", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="括号全角半角混用", basis=f"{GB15834} 4.9、5.1", judge=_brackets,
    needs=r"[()]",
    doc="中文文本中的括号应使用全角“（）”，前后两半的宽度应一致；英文、公式中的半角括号不在此列。",
    fires=["各村(社区)要高度重视。", "各村（社区)要高度重视。", "(一)总体要求"],
    silent=["各村（社区）要高度重视。", "函数f(x)的值", "GB/T 9704(2012) standard"],
)

# -- P108 a comma among the items of a 、 list ----------------------------------------------
#: Two short items joined by a comma inside a list whose other items take 顿号:
#: 征收依据、征占地面积，征收额度； / 免征依据，免征面积、免征额度。
_ITEM = r"[\p{Han}]{2,7}"
_LIST_COMMA = regex.compile(
    rf"(?<=、)(?P<a>{_ITEM})(?P<c>，)(?P<b>{_ITEM})(?=[；。]|$)"
    rf"|(?P<a2>{_ITEM})(?P<c2>，)(?P<b2>{_ITEM})(?=、{_ITEM}[；。]|、{_ITEM}$)"
)
#: Words that open a clause of their own after a comma, not a list item.
_CLAUSE_HEAD = regex.compile(
    r"^(?:确保|做好|加强|推进|进一步|并|及时|同时|要|应|需|须|将|已|可|不|是|由|对|在|按|经|以|为|和|及|等|请|如|若|即|但|又|也|还|均|都|共|其中|包括|其|使|让|把|被|从|向|给|于|所|因|故|则|而)"
)


def _item_before(text: str, end: int) -> str:
    """The run of Han characters that ends at ``end`` (at most 7)."""
    i = end
    while i > 0 and end - i < 7 and is_han(text[i - 1]):
        i -= 1
    return text[i:end]


def _parallel(before: list[str], after: list[str]) -> bool:
    """Items of one list share a first or a last character (征收依据、征占地面积、征收额度).

    ``before``: items that may carry words of the clause in front of them (compared on their
    last five characters); ``after``: items that start where they start."""
    if not after or any(len(x) < 2 for x in before + after):
        return False
    c = after[0][0]
    same_head = all(x[0] == c for x in after) and all(c in x[-5:] for x in before)
    same_tail = len({x[-1] for x in before + after}) == 1
    return same_head or same_tail


def _list_comma(text: str):
    if "、" not in text:
        return
    for m in _LIST_COMMA.finditer(text):
        if m["c"]:
            a, b, i = m["a"], m["b"], m.start("c")
            third = _item_before(text, m.start("a") - 1)
            if regex.fullmatch(r"[一二三四五六七八九十\d]+", third or "0"):
                continue  # 二、排摸基础数据，优化设施硬件: a heading's ordinal, no list
            before, after = [third], [a, b]
        else:
            a, b, i = m["a2"], m["b2"], m.start("c2")
            n = regex.match(_ITEM, text, pos=m.end() + 1)
            before, after = [a], [b, n.group() if n else ""]
        if _CLAUSE_HEAD.match(b) or not _parallel(before, after):
            continue
        yield Fix(i, i + 1, None, "并列词语之间应统一使用顿号“、”，此处的逗号疑为顿号", 0.7)


LIST_COMMA = CorrectionRule(
    code="P108", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="并列词语之间顿号、逗号混用", basis=f"{GB15834} 4.5", judge=_list_comma, needs="、",
    doc="句子内部并列词语之间的停顿用顿号，一组并列词语中不应一处用顿号、一处用逗号"
        "（“征收依据、征占地面积，征收额度”应为“征收依据、征占地面积、征收额度”）。只在很短、首字或末字相同的"
        "并列项中提示，标题序号后的顿号不算。",
    fires=["方案中明确补助对象、补助标准，补助方式；", "需说明申请条件，申请材料、申请时限。"],
    silent=["方案中明确补助对象、补助标准、补助方式；", "做好排查、登记，确保不漏一户。",
            "各村要加强宣传、引导，并做好登记工作。", "二、排摸基础数据，优化设施硬件",
            "该项工作涉及面广，难度大、任务重。", "要建立协调机制，相互衔接、相互补充。"],
)

# -- P109 a closing formula without its full stop ----------------------------------------------
_CLOSING = regex.compile(
    r"(?:^|(?<=[。！？；\s]))(?P<w>特此(?:通知|通告|公告|函告|报告|批复|复函|说明|证明|函复)|此复|专此报告)(?=\s|$)"
)


def _closing(text: str):
    for m in _CLOSING.finditer(text):
        yield Fix(m.start("w"), m.end("w"), m["w"] + "。", f"结束语“{m['w']}”后应加句号")


CLOSING = CorrectionRule(
    code="P109", category="proofing", kind="punctuation", severity=Severity.WARNING,
    message="结束语后缺句号", basis=f"{GB15834} 4.1", judge=_closing, needs="特此|此复|专此",
    doc="“特此通知”“特此公告”“此复”等结束语是一个完整的句子，后面应加句号（“此致”后接“敬礼”，不在此列）。",
    fires=["特此通知", "请认真贯彻执行。\n特此公告", "此复 2025年3月5日"],
    silent=["特此通知。", "特此通知如下：", "此致", "特此通知各村"],
)

# -- P110 a hyphen joining Chinese words ----------------------------------------------------
#: 规划-建设-管理: GB/T 15834 4.13 joins related Chinese terms with the 一字线 “—”.
_HAN_HYPHEN = regex.compile(r"(?<=\p{Han}{2})[\-－](?=\p{Han}{2})")


def _han_hyphen(text: str):
    for m in _HAN_HYPHEN.finditer(text):
        yield Fix(m.start(), m.end(), "—", "连接相关的中文词语应使用一字线“—”，不用连字符“-”", 0.8)


HAN_HYPHEN = CorrectionRule(
    code="P110", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="中文词语之间用了连字符", basis=f"{GB15834} 4.13", judge=_han_hyphen, needs=r"\p{Han}[\-－]\p{Han}",
    doc="标示相关项目（规划—建设—管理）或起止（北京—上海）时，中文词语之间用一字线“—”，不用半角连字符“-”。"
        "编号、型号（A-1）不在此列。",
    fires=["构建“规划-建设-管理”全链条", "开通城关-东区公交线"],
    silent=["构建“规划—建设—管理”全链条", "型号A-1", "见表3-1", "某-字"],
)

# -- P111 a parenthetical note after the full stop ---------------------------------------------
#: 崇明区水务局。（具体名录见附件） — a note on the sentence goes inside it, before its 。
_NOTE_AFTER_STOP = regex.compile(r"。(?P<note>（[^（）。！？]{2,30}）)(?=\s*$)")


def _note_after_stop(text: str):
    for m in _NOTE_AFTER_STOP.finditer(text):
        yield Fix(m.start(), m.end(), m["note"] + "。", "句内括注应放在句号之前", 0.8)


NOTE_AFTER_STOP = CorrectionRule(
    code="P111", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="句内括注放在了句号之后", basis=f"{GB15834} 4.9.3", judge=_note_after_stop, needs="。（",
    doc="注释句子里某些词语的括注（句内括注）紧跟在被注释的词语之后、句号之前；放在段末句号之后的短括注"
        "（“……水务局。（具体名录见附件）”）应移到句号之前。注释整句的句外括注（括号内自带句号）不在此列。",
    fires=["由各镇负责实施。（具体名单见附件）"],
    silent=["由各镇负责实施（具体名单见附件）。", "由各镇负责实施。（具体名单见附件。）", "由各镇负责实施。（一）总体要求"],
)

# -- P112 a note between two titles without its 顿号 ------------------------------------------
#: 《甲办法》（文号）《乙办法》: titles in a row need no 顿号, but once a 括注 stands between
#: them the 顿号 comes back (GB/T 15834 4.5.3.5).
_NOTE_BETWEEN_TITLES = regex.compile(r"》(?P<note>[（(][^（）()《》\n]{1,40}[）)])(?=《)")


def _note_between_titles(text: str):
    for m in _NOTE_BETWEEN_TITLES.finditer(text):
        yield Fix(m.end() - 1, m.end(), m.group()[-1] + "、", "书名号之后带有括注时，并列的书名号之间应加顿号", 0.85)


NOTE_BETWEEN_TITLES = CorrectionRule(
    code="P112", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="带括注的并列书名号之间缺顿号", basis=f"{GB15834} 4.5.3.5", judge=_note_between_titles, needs="[）)]《",
    doc="并列的书名号之间通常不用顿号（《甲办法》《乙办法》），但书名号之后还有括注（如发文字号）时，"
        "宜用顿号隔开：“《甲办法》（某发〔2024〕1号）、《乙办法》（某发〔2024〕2号）”。",
    fires=["根据《某某管理办法》（某府发〔2024〕7号）《某某实施细则》（某府办〔2024〕3号）执行。"],
    silent=["根据《某某管理办法》（某府发〔2024〕7号）、《某某实施细则》执行。", "学习《条例》《办法》。",
            "（一）《某某管理办法》的主要内容"],
)

# -- P113 a full stop that cuts a sentence in two ----------------------------------------------
#: 按照……的部署要求。经研究，成立…… — a clause that only says on what basis something is done
#: is no sentence of its own; the full stop after it belongs after the main clause.
_BASIS_CLAUSE = regex.compile(
    r"(?:^|(?<=[，。；]))(?P<c>(?:按照|根据|依据|依照|遵照)[^，。；：！？\n]{2,80}?"
    r"(?:的)?(?:要求|规定|精神|部署|安排|指示))(?P<stop>。)(?=\p{Han})"
)
#: ……的面积。并符合如下规定 — 并 joins two verbs of one sentence; it does not open a sentence.
#: Only 并 straight before a verb: 。并由/并将/并对…… opens a new clause with its own agent or
#: object, an older official style that is not wrong enough to flag.
_STOP_AND = regex.compile(
    r"(?P<stop>。)(?=并(?![且非不没无未列存排重举肩行发入用由将把对向请在于按经从以为与和及同给])\p{Han})"
)


def _split_sentence(text: str):
    if "。" not in text:
        return
    for m in _BASIS_CLAUSE.finditer(text):
        if "《" in m["c"] and "》" not in m["c"]:
            continue
        yield Fix(m.start("stop"), m.end("stop"), "，", "“按照（根据）……要求”只是状语，其后的句号把一句话断开了，应为逗号", 0.75)
    for m in _STOP_AND.finditer(text):
        yield Fix(m.start("stop"), m.end("stop"), "，", "“并”连接同一句中的两个谓语，前面的句号把一句话断开了，应为逗号", 0.7)


SPLIT_SENTENCE = CorrectionRule(
    code="P113", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="句号把一句话断开", basis=f"{GB15834} 4.1、4.2", judge=_split_sentence, needs="。",
    doc="句号用于句子末尾。“按照（根据、依据）……要求（规定、精神、部署）”只是说明依据的状语，不能单独成句；"
        "“并”连接同一主语的两个谓语，不能开始一个新句子。二者前面误用句号时，应改为逗号"
        "（“按照区里的部署要求。经研究，成立……”应为“按照区里的部署要求，经研究，成立……”）。",
    fires=["为做好清查工作，按照县政府的部署要求。经研究，成立工作小组。", "应严格控制建筑面积。并符合下列规定："],
    silent=["为做好清查工作，按照县政府的部署要求，经研究，成立工作小组。", "各村要按照有关规定。",
            "应严格控制建筑面积，并符合下列规定：", "会议已结束。并非所有村都已上报。",
            "核查申报是否准确。并由企业填报自查表。", "编制依据：根据省里的规定。二、编制原则", "费用按有关规定执行。下一步，继续推进。"],
)

# -- P114 a 顿号 between two clauses -----------------------------------------------------------
#: ……等四项制度、现印发给你们 — the 顿号 parts words of a list; a clause that opens with 现将、
#: 经研究、请…… is no list item, and the pause before it is a comma.
_CLAUSE_AFTER_PAUSE = regex.compile(r"(?<=\p{Han}|[》”）])、(?=现(?:将|印发|转发|予以|予|就|把)|经研究|特此|请(?:各|你|认真|及时)|望各)")


def _pause_before_clause(text: str):
    for m in _CLAUSE_AFTER_PAUSE.finditer(text):
        yield Fix(m.start(), m.end(), "，", "顿号只用于并列词语之间，分句之间的停顿应使用逗号", 0.85)


PAUSE_BEFORE_CLAUSE = CorrectionRule(
    code="P114", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="分句之间误用顿号", basis=f"{GB15834} 4.4、4.5", judge=_pause_before_clause, needs="、",
    doc="顿号用于句子内部并列词语之间的停顿；分句之间的停顿用逗号。“现将（现印发）……”“经研究”“请各单位……”"
        "开始的是一个新的分句，前面不用顿号（“制定了……等三项制度、现印发给你们”应为“……等三项制度，现印发给你们”）。",
    fires=["制定了《甲制度》《乙制度》等两项制度、现印发给你们，请认真执行。", "已收到你镇的请示、经研究，同意。"],
    silent=["制定了《甲制度》《乙制度》等两项制度，现印发给你们。", "现将有关事项通知如下：", "发现、现场处置、报告"],
)

# -- P115 a comma inside a list that 等 closes ----------------------------------------------------
#: 积极参与行政执法，宣传等工作 — two items that 等 gathers into one list take a 顿号, not a comma.
_ETC_NOUNS = r"(?:工作|事项|方面|内容|情况|部门|单位|环节|领域|问题|措施|活动|项目|费用|设施)"
_LIST_ETC = regex.compile(rf"(?<=\p{{Han}}{{2}})(?P<c>，)(?P<b>\p{{Han}}{{2,4}})等{_ETC_NOUNS}")
#: A clause ending in one of these is a connector or a finished clause, not a list item (为此，宣传等部门…).
_NOT_ITEM_END = "此外后时前然且而的了着过是"


def _list_etc(text: str):
    for m in _LIST_ETC.finditer(text):
        if text[m.start() - 1] in _NOT_ITEM_END or _CLAUSE_HEAD.match(m["b"]):
            continue
        yield Fix(m.start("c"), m.end("c"), "、", "用“等”收束的并列词语之间应使用顿号，不用逗号", 0.75)


LIST_ETC = CorrectionRule(
    code="P115", category="proofing", kind="punctuation", severity=Severity.INFO,
    message="“等”前的并列词语用了逗号", basis=f"{GB15834} 4.5.3.1", judge=_list_etc, needs="等",
    doc="“等”把前面的词语收束为一组并列成分（“执法、宣传等工作”），其间的停顿用顿号；用逗号"
        "（“执法，宣传等工作”）就把一个并列短语断成了两个分句。只检查“等”前两到四个字的短项，"
        "“为此，”“同时，”等关联语之后和以“加强”“确保”等开头的分句不提示。",
    fires=["积极参与行政执法，宣传等工作，成绩突出。", "抓紧开展项目立项，工程施工等工作。"],
    silent=["积极参与行政执法、宣传等工作，成绩突出。", "为此，宣传等部门要加强配合。",
            "各单位要高度重视，加强宣传等工作。"],
)

RULES = [HALF_WIDTH, STRAIGHT_QUOTES, UNPAIRED, DOUBLED, TITLE_MARKS, ELLIPSIS_DASH, BRACKETS, LIST_COMMA, CLOSING,
         HAN_HYPHEN, NOTE_AFTER_STOP, NOTE_BETWEEN_TITLES,
         SPLIT_SENTENCE, PAUSE_BEFORE_CLAUSE, LIST_ETC]
