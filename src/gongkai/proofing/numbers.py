"""Number and date rules (N1xx) after GB/T 15835-2011 《出版物上数字用法》 and GB/T 9704-2012.

T107 (a quantity bounded twice: 超过……以上, 约……左右) is a word-usage rule, but about numbers, so
it lives here. Text-level corrections are :class:`CorrectionRule` values (check and fix share one
function); the 成文日期 rule reads the document structure and is a FunctionRule.
"""

from __future__ import annotations

import regex

from ..attributes.structure import DATE, parse_structure
from ..engine import FunctionRule
from ..models import Severity
from .correction import PROSE_PARTS, CorrectionRule, Fix, has_han, is_han

GB15835 = "《出版物上数字用法》(GB/T 15835-2011)"
GB9704 = "《党政机关公文格式》(GB/T 9704-2012)"
GB15834 = "《标点符号用法》(GB/T 15834-2011)"

_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int | None:
    """The value of a Chinese numeral (三万五千 → 35000, 二〇二五 → 2025), None if not one."""
    if not text:
        return None
    if all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text)) if len(text) > 1 else _CN_DIGIT[text]
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[c]
            digit = None
        elif c in ("万", "亿"):
            mult = 10_000 if c == "万" else 100_000_000
            section += digit or 0
            if c == "亿":
                total = (total + section) * mult
            else:
                total += section * mult
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _plain(text: str | None) -> int | None:
    """An Arabic or Chinese month/day number."""
    if text is None:
        return None
    return int(text) if text.isdigit() else cn_to_int(text)


# -- N101 号 for 日 in dates --------------------------------------------------------------
_DAY_HAO = regex.compile(
    r"(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})|(?P<rel>本|当|下|上|每|次))月(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})号"
)


def _day_hao(text: str):
    for m in _DAY_HAO.finditer(text):
        mo, d = (_plain(m["m"]) if m["m"] else 1), _plain(m["d"])
        if mo and d and 1 <= mo <= 12 and 1 <= d <= 31:
            yield Fix(m.start(), m.end(), m.group()[:-1] + "日", "公文中的日期应写“日”，不用口语的“号”")


DAY_HAO = CorrectionRule(
    code="N101", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="日期中用“号”代替“日”", basis=f"{GB15835} 5.1", judge=_day_hao, needs="月",
    doc="公文中的日期应写作“×月×日”，不用口语的“×月×号”。发文字号、门牌号等中的“号”不在此列。",
    fires=["请于3月15号前报送。", "定于十月八号召开会议", "请于每月5号前报送"],
    silent=["请于3月15日前报送。", "勺府发〔2025〕3号", "3号楼住户"],
)


# -- N102 two-digit years -----------------------------------------------------------------
_SHORT_YEAR = regex.compile(r"(?<![\d０-９.\-/])(?P<y>\d{2})年(?=\d{1,2}月|[一二三四五六七八九十]{1,2}月)")


def _short_year(text: str):
    for m in _SHORT_YEAR.finditer(text):
        yy = int(m["y"])
        fixed = f"20{m['y']}年" if yy <= 40 else None
        yield Fix(m.start(), m.end(), fixed, "年份应写全称（四位数字），不应简写为两位", 0.85)


SHORT_YEAR = CorrectionRule(
    code="N102", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="年份简写为两位数字", basis=f"{GB15835} 5.1", judge=_short_year, needs=r"\d年",
    doc="年份不能简写，如“2025年”不写作“25年”。",
    fires=["25年3月起执行", "自19年12月以来"],
    silent=["2025年3月起执行", "改革开放40年来", "近10年来"],
)


# -- N103 leading zeros in dates ------------------------------------------------------------
_ZERO_DATE = regex.compile(
    r"(?:(?<![\d０-９])(?P<y>\d{4})年)?(?<![\d０-９])(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?"
)


def _zero_date(text: str):
    for m in _ZERO_DATE.finditer(text):
        mo, d = m["m"], m["d"]
        if not ((len(mo) == 2 and mo[0] == "0") or (d and len(d) == 2 and d[0] == "0")):
            continue
        if not 1 <= int(mo) <= 12 or (d and not 1 <= int(d) <= 31):
            continue
        fixed = (f"{m['y']}年" if m["y"] else "") + f"{int(mo)}月" + (f"{int(d)}日" if d else "")
        yield Fix(m.start(), m.end(), fixed, "日期中的月、日不编虚位（不加前导0）")


ZERO_DATE = CorrectionRule(
    code="N103", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="日期中的月、日加了前导0", basis=f"{GB9704} 7.3.5；{GB15835} 5.1", judge=_zero_date,
    needs=r"[月年]0\d",
    doc="用汉字“年月日”书写的日期，月、日不编虚位，如“2025年3月5日”不写作“2025年03月05日”。",
    fires=["2025年03月05日", "请于3月05日前报送", "2025年01月起"],
    silent=["2025年3月5日", "2025年10月20日", "共10月份"],
)


# -- N104 dates written as 2025.3.5 / 2025-03-05 / 2025/3/5 in Chinese text -------------------
_NUMERIC_DATE = regex.compile(
    r"(?<![A-Za-z0-9_.\-/．])(?P<y>(?:19|20)\d{2})(?P<sep>[.\-/．])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![A-Za-z0-9_.\-/．])"
)


#: The value of a web page's 信息索引 field (成文日期：2012-01-13 beside 索引号, 发文机关 …): the site
#: writes its metadata in ISO form; it is page furniture, not the document's text.
_META_FIELD = regex.compile(r"(?:成文|发布|生成|公开|发文|印发|更新|录入|信息)(?:日期|时间)\s*[:：]\s*$")
_META_BLOCK = regex.compile(r"索\s*引\s*号|信息索引|主题分类|有\s*效\s*性\s*[:：]|公开方式\s*[:：]|公开类别")
#: A cell of a data table flattened into one line (``1 3501281300002 2013-07-08 1.25``).
_NUMBER_TOKEN = regex.compile(r"^[\d.,:%\-]+$")
_QUOTES = {"“": "”", "‘": "’", "\"": "\"", "「": "」", "『": "』"}


def _is_cell(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] stands between blanks with a number as its neighbouring cell."""
    if (a and not text[a - 1].isspace()) or (b < len(text) and not text[b].isspace()):
        return False
    before = text[:a].split()
    after = text[b:].split()
    return bool((before and _NUMBER_TOKEN.match(before[-1])) or (after and _NUMBER_TOKEN.match(after[0])))


def _is_designation(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] is the whole of a quotation: “2010.2.17”案 names a case, it dates nothing."""
    return 0 < a and b < len(text) and _QUOTES.get(text[a - 1]) == text[b]


def _numeric_date(text: str):
    if not has_han(text):
        return
    meta = _META_BLOCK.search(text) is not None
    for m in _NUMERIC_DATE.finditer(text):
        mo, d = int(m["m"]), int(m["d"])
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        a, b = m.span()
        if (meta and _META_FIELD.search(text, max(0, a - 12), a)) or _is_cell(text, a, b) or _is_designation(text, a, b):
            continue
        yield Fix(m.start(), m.end(), f"{m['y']}年{mo}月{d}日", "公文正文中的日期应写作“××××年×月×日”")


NUMERIC_DATE = CorrectionRule(
    code="N104", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="日期使用了“.”“-”“/”分隔", basis=f"{GB15835} 5.1；{GB9704} 7.3.5", judge=_numeric_date,
    needs=r"\d[.\-/．]\d{1,2}[.\-/．]\d",
    doc="公文中的日期用“年月日”表述，如“2025年3月5日”，不写作“2025.3.5”“2025-03-05”或“2025/3/5”。"
        "网页信息索引栏的字段值（成文日期：2025-03-05）、数据表格中的日期栏、用引号括起的案件或事件代称"
        "（“2025.3.5”案）不在此列。",
    fires=["会议定于2025.3.5召开。", "截至2025-03-05，共受理", "2025/3/5起施行", "发布日期：2025-03-06，请周知。"],
    silent=["会议定于2025年3月5日召开。", "依据GB/T 9704-2012执行。", "联系电话0858-8123456。",
            "version 2025.3.5", "索引号：X01-2025-001 成文日期：2025-03-05 发布日期：2025-03-06",
            "序号 编号 日期 金额 1 A001 2025-03-05 1.25 2 A002 2025-03-06 0.3",
            "破获“2025.3.5”系列盗窃案"],
)


# -- N105 成文日期 in Arabic numerals ---------------------------------------------------------
def _date_year(text: str) -> int | None:
    m = DATE.search(regex.sub(r"\s+", "", text))
    return _plain(m["y"]) if m else None


def is_exempt(ctx, s) -> bool:
    """True when config exempts documents dated before ``exempt_before_year``."""
    limit = ctx.config.exempt_before_year
    if not limit or s.date is None:
        return False
    year = _date_year(s.date.text)
    return year is not None and year < limit


def _arabic_date(m: regex.Match) -> str:
    return f"{_plain(m['y'])}年{_plain(m['m'])}月{_plain(m['d'])}日"


_PRINTED_AFTER = regex.compile(r"\s*印\s*发")


def _signing_dates(doc, s):
    """(block, match, is 印发日期) of each 成文日期 or 印发日期 of the structure written in Chinese numerals."""
    for f in (s.date, s.printed):
        if f is None:
            continue
        block = doc.blocks[f.block]
        for m in DATE.finditer(block.text):
            if m["y"].isdigit() and m["m"].isdigit() and m["d"].isdigit():
                continue
            # the 版记 line of a text without line breaks also holds the 成文日期 before “××印发”
            yield block, m, f is s.printed and _PRINTED_AFTER.match(block.text, m.end()) is not None


def _signing_date(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if is_exempt(ctx, s):
        return
    for block, m, printed in _signing_dates(doc, s):
        yield rule.finding(
            block, m.start(), m.end(), suggestion=_arabic_date(m),
            message="印发日期应使用阿拉伯数字" if printed
            else "成文日期应使用阿拉伯数字（年份写全称，月、日不编虚位）",
        )


SIGNING_DATE = FunctionRule(
    code="N105", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="成文日期未使用阿拉伯数字", basis=f"{GB9704} 7.3.5、7.4.3", func=_signing_date,
    doc="成文日期和印发日期用阿拉伯数字将年、月、日标全，年份应标全称，月、日不编虚位（即1不编为01）。"
        "2012年以前按旧标准以汉字书写的公文，可在配置中以 exempt_before_year 豁免。",
    fires=["关于开展安全检查的通知\n各村：\n请做好安全检查工作。\n勺米镇人民政府\n二〇二五年三月五日"],
    silent=["关于开展安全检查的通知\n各村：\n请做好安全检查工作。\n勺米镇人民政府\n2025年3月5日",
            "会议回顾了二〇二五年三月五日的讨论。"],
)


# -- N111 公历 years and dates in Chinese numerals in the body --------------------------------------
#: A 公历 year written digit by digit in Chinese numerals (二〇二六年); drafters type 〇 as 0, O or ○.
_CN_YEAR = regex.compile(
    r"(?<![\d〇○零OＯ一二三四五六七八九十百千万])(?P<y>[〇○零0OＯ一二三四五六七八九]{4})\s*年"
    r"(?:\s*(?P<m>[一二三四五六七八九十]{1,2}|\d{1,2})\s*月(?:\s*(?P<d>[一二三四五六七八九十]{1,3}|\d{1,2})\s*日)?)?"
)
_ZERO_LOOKALIKE = str.maketrans("0OＯ○零", "〇〇〇〇〇")


def _in_title(text: str, i: int) -> bool:
    """Whether position ``i`` lies inside 《…》: a quoted title is cited as issued."""
    o = text.rfind("《", max(0, i - 60), i)
    return o > text.rfind("》", 0, i) and "。" not in text[o:i] and "》" in text[i:i + 60]


def _body_years(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    if is_exempt(ctx, s):
        return
    reported = {(b.index, m.start()) for b, m, _ in _signing_dates(doc, s)}
    for block in rule.blocks(doc):
        text = block.text
        if "年" not in text:
            continue
        for m in _CN_YEAR.finditer(text):
            y = m["y"]
            han = sum(1 for c in y if c in "〇○零一二三四五六七八九")
            if han < 2 or (block.index, m.start()) in reported or _in_title(text, m.start()):
                continue
            year = cn_to_int(y.translate(_ZERO_LOOKALIKE))
            if year is None or not 1900 <= year <= 2100:
                continue
            fixed = f"{year}年"
            if m["m"]:
                mo = _plain(m["m"])
                if not mo or not 1 <= mo <= 12:
                    continue
                fixed += f"{mo}月"
                if m["d"]:
                    d = _plain(m["d"])
                    if not d or not 1 <= d <= 31:
                        continue
                    fixed += f"{d}日"
            yield rule.finding(block, m.start(), m.end(), suggestion=fixed,
                               message=f"公历年月日应使用阿拉伯数字：“{m.group()}”应为“{fixed}”")


BODY_YEAR = FunctionRule(
    code="N111", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="公历年份使用了汉字数字", basis=f"{GB15835} 4.1.1；{GB9704} 7.3.5", func=_body_years,
    doc="公历世纪、年代、年、月、日用阿拉伯数字，如“2026年3月5日”，不写作“二〇二六年三月五日”；"
        "把“〇”打成数字“0”或字母“O”的更应改正。书名号内引用的标题照原文，不在此列；成文日期由N105报告。"
        "2012年以前按旧标准以汉字书写的公文，可在配置中以 exempt_before_year 豁免。",
    fires=["各村于二〇二六年三月底前完成自查。", "二0二五年度工作总结如下。"],
    silent=["各村于2026年3月底前完成自查。", "根据《二〇二五年工作要点》安排", "工作三年来", "共计一二三四五件", "农历正月初一"],
)


# -- N106 Chinese numerals for measured quantities ----------------------------------------------
_UNITS = (
    r"(?:万元|亿元|元|平方公里|平方千米|平方米|立方米|公里|千米|厘米|毫米|米|公顷|亩|万吨|吨|千克|公斤|"
    r"千瓦时|千瓦|毫升|℃|%)"
)
_MEASURE = regex.compile(
    rf"(?<![第几数余多每])(?P<n>[零〇一二两三四五六七八九十百千万亿]+)(?P<u>{_UNITS})"
)
_APPROX = regex.compile(r"[一二三四五六七八九][一二三四五六七八九]")


def _measured(text: str):
    for m in _MEASURE.finditer(text):
        n = m["n"]
        a = m.start()
        if a and text[a - 1] in "第几数余多每上零〇一二两三四五六七八九十百千万亿":
            continue  # an ordinal, an estimate, or the tail of a numeral the regex entered midway
        if not any(c in n for c in "零〇一二两三四五六七八九"):
            continue  # 万元, 千米: a unit, no number
        if len(n) == 1 and n in "一两":
            continue  # 一米阳光, 两亩地: a word, not a measurement
        if _APPROX.search(n):
            continue  # 三五公里, 七八十元: an estimate, written in Chinese numerals
        value = cn_to_int(n)
        if value is None:
            continue
        u = m["u"]
        if n.endswith("亿") and value % 100_000_000 == 0:
            num = f"{value // 100_000_000}亿"
        elif n.endswith("万") and value % 10_000 == 0:
            num = f"{value // 10_000}万"
        else:
            num = str(value)
        yield Fix(m.start(), m.end(), num + u, "计量、计数的数值应使用阿拉伯数字", 0.85)


MEASURED = CorrectionRule(
    code="N106", category="proofing", kind="number_format", severity=Severity.INFO,
    message="计量数值使用了汉字数字", basis=f"{GB15835} 4.1.1", judge=_measured,
    needs=r"[一二两三四五六七八九十百千万亿][万亿元平立公千厘毫米顷亩吨克瓦℃%]",
    doc="用于计量的数值（金额、长度、面积、重量等）应使用阿拉伯数字，如“5000元”“12公里”，"
        "不写作“五千元”“十二公里”。相邻两个数字连用表示概数（三五公里、七八十元）时用汉字。",
    fires=["每户补助五千元。", "新修道路十二公里", "投资三万五千元", "总投资二亿元"],
    silent=["每户补助5000元。", "相距三五公里", "一米阳光", "十几万元", "第三万元", "三四十万元", "第三十万元"],
)


# -- N107 thousands separators ------------------------------------------------------------------
_GROUPED = regex.compile(r"(?<![\d０-９，,])(?P<n>\d{1,3}(?:，\d{3})+)(?![\d０-９])(?P<after>.?)")
_COUNTED = "元人户万亿吨个名家套台辆亩米件次项份"


def _thousands(text: str):
    for m in _GROUPED.finditer(text):
        groups = m["n"].split("，")
        # 100，200，300 may be a list of three numbers; 3，000 and 12，500元 can only be one number
        if not (any(g.startswith("0") for g in groups[1:]) or (len(groups[0]) < 3 and m["after"] and m["after"] in _COUNTED)):
            continue
        end = m.end("n")
        yield Fix(m.start(), end, ",".join(groups), "数字分节应使用半角千分撇“,”，不用全角逗号")


THOUSANDS = CorrectionRule(
    code="N107", category="proofing", kind="number_format", severity=Severity.WARNING,
    message="数字分节使用了全角逗号", basis=f"{GB15835} 5.1", judge=_thousands, needs=r"\d，\d{3}",
    doc="多位数字分节时用半角千分撇“,”或千分空，全角逗号“，”是点号，会把一个数读成两个数。",
    fires=["共发放补贴3，000元。", "总人口1，234，567人", "受益群众2，500人"],
    silent=["共发放补贴3,000元。", "分别为1，2，3", "共3000元", "三档标准分别为100，200，300元"],
)


# -- N108 / N109 ranges ---------------------------------------------------------------------------
_RANGE_UNIT = regex.compile(
    r"(?<![\d.])(?P<a>\d+(?:\.\d+)?)(?P<sep>\s*[～~—至到]\s*)(?P<b>\d+(?:\.\d+)?)(?P<u>万|亿|%)"
)


def _range_unit(text: str):
    for m in _RANGE_UNIT.finditer(text):
        sep = "～" if m["sep"].strip() == "~" else m["sep"]
        u = m["u"]
        yield Fix(m.start(), m.end(), f"{m['a']}{u}{sep}{m['b']}{u}",
                  f"数值范围中前后数值的“{u}”都应保留，省略会造成歧义")


RANGE_UNIT = CorrectionRule(
    code="N108", category="proofing", kind="number_format", severity=Severity.WARNING,
    message="数值范围省略了“万”“亿”或“%”", basis=f"{GB15835} 5.1", judge=_range_unit,
    needs=r"\d\s*[～~—至到]\s*\d+(?:\.\d+)?[万亿%]",
    doc="表示数值范围时，“万”“亿”和百分号不能省略，如“9亿～16亿”不写为“9～16亿”，"
        "“15%～30%”不写为“15～30%”，“13万元～17万元”不写为“13～17万元”。",
    fires=["补助标准为3～5万元", "增长15～30%", "投资9至16亿元"],
    silent=["补助标准为3万～5万元", "增长15%～30%", "2019—2020年"],
)

_HYPHEN_RANGE = regex.compile(
    r"(?<![A-Za-z0-9_.\-/－:：])(?P<a>\d+(?:\.\d+)?)(?P<sep>[\-－])(?P<b>\d+(?:\.\d+)?)(?P<u>万|亿|%)?(?![A-Za-z0-9_.\-/－:：])"
)


#: 门牌 and building numbers are written with a hyphen: 岭前村10-70号, B区71-151, 阳光城8-9楼.
_ADDRESS_UNIT = "号幢栋室弄"
_PLACE_SUFFIX = "村庄路街巷道弄区城园苑里段幢栋号"


def _is_house_number(text: str, a: int, b: int, unit: str | None) -> bool:
    """Whether text[a:b] (a hyphenated pair of numbers) is part of an address, not a range."""
    if unit:
        return False
    after = text[b] if b < len(text) else ""
    before = text[a - 1] if a else ""
    if after and after in _ADDRESS_UNIT:
        return True
    return bool(before and before in _PLACE_SUFFIX and (not is_han(after) or after == "楼"))


def _hyphen_range(text: str):
    for m in _HYPHEN_RANGE.finditer(text):
        a, b = m["a"], m["b"]
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if (before and before in "表图式附件") or not (is_han(after) or is_han(before) or m["u"]):
            continue  # 表3-1 is a number, not a range; a bare 3-5 has no Chinese context
        if a.startswith("0") or len(a.split(".")[0]) > 4 or len(b.split(".")[0]) > 4:
            continue  # 0858-8123456 is a telephone number
        if float(b) <= float(a):
            continue
        if _is_house_number(text, m.start(), m.end(), m["u"]):
            continue
        years = len(a) == 4 and len(b) == 4 and a[:2] in ("19", "20") and b[:2] in ("19", "20")
        dash = "—" if years else "～"
        u = m["u"] or ""
        yield Fix(m.start(), m.end(), f"{a}{u}{dash}{b}{u}",
                  f"数值范围应使用{'一字线“—”' if years else '浪纹线“～”'}，不用连字符“{m['sep']}”")


#: The unit written on both ends: 1800元-2000元, 3月-5月.
_HYPHEN_UNIT_RANGE = regex.compile(
    r"(?<![A-Za-z0-9_.\-/－:])(?P<a>\d+(?:\.\d+)?)(?P<u>万元|亿元|[元个天人户次年月日时周])[\-－]"
    r"(?P<b>\d+(?:\.\d+)?)(?P=u)"
)


#: A date range joined by hyphens: 5月21日-8月30日, 21日-－30日.
_DATE_HYPHEN = regex.compile(r"(?<=\d\s*日)\s*(?P<sep>[\-－]+)\s*(?=\d{1,2}\s*(?:月\s*\d{1,2}\s*)?日)")


def _hyphen_ranges(text: str):
    yield from _hyphen_range(text)
    for m in _DATE_HYPHEN.finditer(text):
        yield Fix(m.start(), m.end(), "—", "时间起止应使用一字线“—”，不用连字符“-”")
    for m in _HYPHEN_UNIT_RANGE.finditer(text):
        a, b, u = m["a"], m["b"], m["u"]
        if a.startswith("0") or float(b) <= float(a):
            continue
        dash = "—" if u in "年月日时周" else "～"
        yield Fix(m.start(), m.end(), f"{a}{u}{dash}{b}{u}",
                  f"{'时间起止应使用一字线“—”' if dash == '—' else '数值范围应使用浪纹线“～”'}，不用连字符“-”")


HYPHEN_RANGE = CorrectionRule(
    code="N109", category="proofing", kind="number_format", severity=Severity.WARNING,
    message="数值范围使用了连字符", basis=f"{GB15834} 4.13；{GB15835} 5.1",
    judge=_hyphen_ranges, needs=r"\d[\p{Han}\s]{0,3}[\-－]+\s*\d",
    doc="标示数值范围用浪纹线“～”（如“3～5天”），年份起止可用一字线“—”（如“2019—2020年”），不用连字符“-”。"
        "电话号码、图表编号（表3-1）、地址中的门牌楼号（××村10-70号）不在此列。",
    fires=["办理时限为3-5个工作日", "2019-2020年度", "增长3-5%", "月薪1800元-2000元", "3月-5月开展",
           "公示期为5月21日-8月30日"],
    silent=["办理时限为3～5个工作日", "联系电话0858-8123456", "见表3-1", "GB/T 9704-2012",
            "办公时间为上午9:30-12:00", "经营场所：某某镇前村10-70号", "住所：某某路南段B区71-151 张三",
            "某某城8-9楼一层"],
)

# -- N110 full-width digits --------------------------------------------------------------------
# One finding per number as written: a full-width ID number, mobile or card number spaced or
# hyphenated into groups (１３８－８５８１－１２３４, an ID's check letter Ｘ) is one span, so
# no report quotes it group by group where masking could not recognise it
_WIDE_DIGITS = regex.compile(r"[０-９]+(?:[．.][０-９]+)?(?:[－\-\u3000 ][０-９]+)*(?:[Ｘｘ](?![A-Za-zＡ-Ｚａ-ｚ]))?")
_NARROW = str.maketrans("０１２３４５６７８９．Ｘｘ－\u3000", "0123456789.XX- ")


def _wide_digits(text: str):
    for m in _WIDE_DIGITS.finditer(text):
        yield Fix(m.start(), m.end(), m.group().translate(_NARROW), "阿拉伯数字应使用半角形式")


WIDE_DIGITS = CorrectionRule(
    code="N110", category="proofing", kind="number_format", severity=Severity.WARNING,
    message="阿拉伯数字使用了全角形式", basis=f"{GB15835} 5.1", judge=_wide_digits, needs=r"[０-９]",
    doc="阿拉伯数字应使用半角形式，如“2025年3月”，不写作全角的“２０２５年３月”。",
    fires=["２０２５年３月５日", "共投入１２．５万元", "电话１３８－８５８１－１２３４"],
    silent=["2025年3月5日", "共投入12.5万元"],
)

# -- N112 a telephone number with a digit too few or too many ------------------------------------
#: A mobile number has 11 digits (1 and a network digit 3-9 first); ten or twelve digits of the
#: same shape in a list of telephone numbers is a number mistyped, which no caller reaches.
_PHONE_WORD = regex.compile(r"电话|手机|热线|联系方式|咨询|举报|投诉")
#: A number named as one of these is no telephone number (a QQ number has 5 to 11 digits).
_OTHER_NUMBER = regex.compile(r"(?i)QQ|微信|编号|账号|帐号|工号|学号|考号|证号|代码|单号")
_PHONE_LIKE = regex.compile(r"(?<![\dA-Za-z\-－.])(?P<n>1[3-9]\d{8}|1[3-9]\d{10})(?![\dA-Za-z\-－.])")
#: A run of digits followed by one of these is a quantity or a code, not a telephone number.
_NOT_PHONE_AFTER = "元万亿个人户次件份年月日号条米吨亩%"


def _phone_digits(text: str):
    for m in _PHONE_LIKE.finditer(text):
        after = text[m.end():m.end() + 1]
        if after and after in _NOT_PHONE_AFTER:
            continue
        if not _PHONE_WORD.search(text, max(0, m.start() - 300), m.start()):
            continue
        if _OTHER_NUMBER.search(text, max(0, m.start() - 12), m.start()):
            continue
        n = m["n"]
        yield Fix(m.start(), m.end(), None,
                  f"电话号码“{n[:3]}…”共{len(n)}位，手机号码应为11位，请核对是否多打或漏打了数字", 0.8)


PHONE_DIGITS = CorrectionRule(
    code="N112", category="proofing", kind="number_format", severity=Severity.WARNING,
    message="电话号码位数不对", basis="《勺米镇政务公开信息审核发布管理制度》五（信息内容的准确性）",
    judge=_phone_digits, needs=r"1[3-9]\d{8}",
    doc="公布的咨询、举报、联系电话必须能够拨通。以1和3—9开头的手机号码为11位；同样开头却只有10位或多达12位的，"
        "多半漏打或多打了一位，发布前应核对。金额、编号（后接“元”“号”等）和网址中的数字不在此列。",
    fires=["举报电话：某某镇1370000000，某某乡13700000001。", "联系电话：137000000012"],
    silent=["举报电话：某某镇13700000000，某某乡13700000001。", "联系电话：0851-12345678",
            "项目总投资1350000000元", "统一社会信用代码91520000123456789X", "联系电话：0851-1234567，QQ：1390000000"],
)


# -- N113 unit symbols in the wrong case ---------------------------------------------------------
#: Unit symbols are case-sensitive (GB 3100): cm, mm, km, kg, mg, kW, kV, mL; CM or KG is a symbol
#: that does not exist.
_UNIT_CASE = {"CM": "cm", "MM": "mm", "KM": "km", "KG": "kg", "MG": "mg", "KW": "kW", "KV": "kV", "ML": "mL",
              "Cm": "cm", "Km": "km", "Kg": "kg", "Mm": "mm"}
_UNIT_CASE_RE = regex.compile(r"(?<=\d\s?)(?P<u>CM|MM|KM|KG|MG|KW|KV|ML|Cm|Km|Kg|Mm)(?![A-Za-z0-9])")


def _unit_case(text: str):
    if not has_han(text):
        return
    for m in _UNIT_CASE_RE.finditer(text):
        u = m["u"]
        yield Fix(m.start(), m.end(), _UNIT_CASE[u], f"计量单位符号区分大小写，“{u}”应为“{_UNIT_CASE[u]}”", 0.9)


UNIT_CASE = CorrectionRule(
    code="N113", category="proofing", kind="number_format", severity=Severity.INFO,
    message="计量单位符号大小写错误", basis=f"《国际单位制及其应用》(GB 3100-1993) 3.2；{GB15835} 4.1.1",
    judge=_unit_case, needs=r"\d\s?(?:CM|MM|KM|KG|MG|KW|KV|ML|Cm|Km|Kg|Mm)",
    doc="计量单位符号有大小写之分：厘米为cm、毫米为mm、千米为km、千克为kg、千瓦为kW，不能写作CM、KG、KW。"
        "公文中也可直接写中文单位名称（厘米、千克）。型号、编号中的字母不在此列。",
    fires=["身高要求：男性170CM以上。", "每袋重25KG。", "装机容量500KW"],
    silent=["身高要求：男性170cm以上。", "每袋重25千克。", "装机容量500kW", "型号KM-200", "地块编号3MM01"],
)


# -- N114 article numbers of a cited law in Arabic numerals ---------------------------------------
#: 《…法》第39条: laws and regulations number their 条 in Chinese numerals (立法法: 编、章、节、条的序号用
#: 中文数字); a citation repeats the number as the law writes it.
_ARTICLE = regex.compile(
    r"》(?P<art>第(?P<n>\d{1,3})条)(?:第(?P<k>\d{1,2})款)?(?:第(?P<x>\d{1,2})项)?"
)
_LAW_TITLE = regex.compile(r"《[^《》]{2,60}(?:法|条例|规定|办法|细则|规则)(?:（[^（）]{1,10}）)?》$")
_DIGITS_CN = "〇一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """A number below 1000 in Chinese numerals as laws number their articles (39 → 三十九, 105 → 一百零五)."""
    if n < 10:
        return _DIGITS_CN[n]
    if n < 20:
        return "十" + (_DIGITS_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS_CN[n // 10] + "十" + (_DIGITS_CN[n % 10] if n % 10 else "")
    h, r = divmod(n, 100)
    if r == 0:
        return _DIGITS_CN[h] + "百"
    return _DIGITS_CN[h] + "百" + ("零" + _DIGITS_CN[r] if r < 10 else ("一" if r < 20 else "") + int_to_cn(r))


def _article_numbers(text: str):
    for m in _ARTICLE.finditer(text):
        o = text.rfind("《", 0, m.start() + 1)
        if o < 0 or not _LAW_TITLE.match(text[o:m.start() + 1]):
            continue
        n = int(m["n"])
        if not 1 <= n <= 999:
            continue
        fixed = f"第{int_to_cn(n)}条"
        if m["k"]:
            fixed += f"第{int_to_cn(int(m['k']))}款"
        if m["x"]:
            fixed += f"第（{int_to_cn(int(m['x']))}）项"
        yield Fix(m.start("art"), m.end(), None if m["x"] else fixed,
                  f"引用法律法规的条文序号应与原文一致，用汉字数字：“{fixed}”", 0.85)


ARTICLE_NUMBERS = CorrectionRule(
    code="N114", category="proofing", kind="number_format", severity=Severity.INFO,
    message="引用法规条文序号使用了阿拉伯数字", basis="《中华人民共和国立法法》（编、章、节、条的序号用中文数字）；"
    f"{GB15835} 4.2", judge=_article_numbers, needs=r"》第\d",
    doc="法律、法规、规章的条文以汉字数字编序（第三十九条），公文引用时应照原文写作“《中华人民共和国××法》"
        "第三十九条”，不写作“第39条”。只检查紧跟在法律、条例、规定、办法、细则名称书名号之后的条文序号。",
    fires=["根据《中华人民共和国道路交通安全法》第39条规定，决定实施交通管制。", "依照《某某市物业管理条例》第105条"],
    silent=["根据《中华人民共和国道路交通安全法》第三十九条规定", "按照《某某工作方案》第3条", "详见《某某办法》附表第3条"],
)


# -- T107 a quantity bounded twice (超过……以上, 约……左右, 元/每份) -----------------------------------
_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万半]+)"
_BETWEEN = r"[^\d，。；、：！？\s]{0,6}?"
#: (first word, last word, what is said): each pair says the same bound twice.
_BOUND_TWICE = regex.compile(
    rf"(?P<a>超过|多于|高于|大于)\s*{_NUM}{_BETWEEN}(?P<b>(?:及|或)?以上)(?!述)"
    rf"|(?P<a>不少于|不低于|不小于|至少|最少)\s*{_NUM}{_BETWEEN}(?P<b>(?:及|或)?以上)(?!述)"
    rf"|(?P<a>不超过|不高于|不大于|不多于|最多|至多)\s*{_NUM}{_BETWEEN}(?P<b>(?:及|或)?以下)"
    rf"|(?<![节制契签相预邀公条隐和履践])(?P<a>大约|大概|约)\s*{_NUM}{_BETWEEN}(?P<b>左右)"
)
_PER_TWICE = regex.compile(r"(?<=\d\s*\p{Han}{0,3})/每(?=\p{Han})")


def _bound_twice(text: str):
    for m in _BOUND_TWICE.finditer(text):
        a, b = m["a"], m["b"]
        if a in ("超过", "多于", "高于", "大于") and b.startswith("及"):
            what = f"“{a}”不含本数，“{b}”含本数，二者矛盾"
        else:
            what = f"“{a}”与“{b}”意思重复"
        yield Fix(m.start(), m.end(), None, f"{what}，应删去其一", 0.85)
    for m in _PER_TWICE.finditer(text):
        yield Fix(m.start(), m.end(), "/", "斜线“/”已表示“每”，“/每”重复", 0.9)


BOUND_TWICE = CorrectionRule(
    code="T107", category="proofing", kind="word_usage", severity=Severity.WARNING,
    message="数量表述重复或矛盾", basis="《勺米镇政务公开信息审核发布管理制度》一（一）", judge=_bound_twice,
    needs=r"以上|以下|左右|/每",
    doc="初审须避免病句。数量的界限只说一次：“超过三家以上”“不少于5人以上”“约20人左右”“5万元/每份”都重复了，"
        "应为“超过三家”（或“三家以上”）、“不少于5人”、“约20人”（或“20人左右”）、“5万元/份”；"
        "“超过三个及以上”更自相矛盾（“超过”不含本数，“及以上”含本数）。",
    fires=["单个停车场不宜引入超过三家及以上的运营企业。", "参会人员不少于5人以上。", "预计约20人左右参加。",
           "服务费用不超过5万元/每份。"],
    silent=["单个停车场不宜引入三家及以上的运营企业。", "超过3个月的，以上人员须重新登记。", "节约100万元左右",
            "服务费用不超过5万元/份。", "不超过3人，以下简称工作组", "超过2年以上述标准执行"],
)


# -- N115 a deadline earlier than the document's own date -------------------------------------------
#: 必须在2010年5月31日前完成 in a notice signed in 2013: a time limit that had passed before the
#: notice was written is a mistyped date (most often the year).
_DEADLINE = regex.compile(
    r"(?:必须|务必|须|应当|应|请|要)\s*(?:在|于)?\s*(?P<date>(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月"
    r"(?:\s*(?P<d>\d{1,2})\s*日)?)\s*(?:前|之前|以前|底前)"
)
#: A signature followed by its date, for texts whose line breaks were lost: ……税务局 2013年2月25日
_SIGNED = regex.compile(
    r"(?:政府|委员会|党委|党工委|办公室|办公厅|管委会|指挥部|领导小组|局|厅|委|办|中心|站|所)\s+"
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?=\s|$)"
)


def _document_date(doc, s) -> tuple[int, int, int] | None:
    """The 成文日期 as (year, month, day): the structure's, else the earliest date after a signature."""
    if s.date is not None:
        m = DATE.search(regex.sub(r"\s+", "", s.date.text))
        if m:
            y, mo, d = _plain(m["y"]), _plain(m["m"]), _plain(m["d"])
            return (y, mo, d) if y and mo and d else None
    found = [(int(m["y"]), int(m["m"]), int(m["d"])) for b in doc.blocks if b.part == "body"
             for m in _SIGNED.finditer(b.text)]
    return min(found) if found else None


def _past_deadline(rule, doc, ctx):
    s = ctx.fact(parse_structure)
    signed = _document_date(doc, s)
    if signed is None:
        return
    for block in rule.blocks(doc):
        if "前" not in block.text:
            continue
        for m in _DEADLINE.finditer(block.text):
            y, mo = int(m["y"]), int(m["m"])
            d = int(m["d"]) if m["d"] else 31
            if not 1 <= mo <= 12 or (y, mo, d) >= signed:
                continue
            yield rule.finding(
                block, m.start("date"), m.end("date"),
                message=f"期限“{m['date']}前”早于本文的成文日期（{signed[0]}年{signed[1]}月{signed[2]}日），"
                        "疑为日期（年份）写错",
                confidence=0.8,
            )


PAST_DEADLINE = FunctionRule(
    code="N115", category="proofing", kind="date_format", severity=Severity.WARNING,
    message="办理期限早于成文日期", basis="《勺米镇政务公开信息审核发布管理制度》五（信息内容的准确性）",
    func=_past_deadline, parts=PROSE_PARTS,
    doc="文件要求“必须（应、请）于×年×月×日前”完成的事项，期限不能早于文件自己的成文日期；早于成文日期的"
        "期限多半是年份打错（2013年的通知写成“2010年5月31日前”）。成文日期取文末的成文日期，页面失去换行时取"
        "落款机关后的日期；叙述过去的要求（“已于……前完成”）不检查。",
    fires=["关于做好申报工作的通知\n各单位：\n各单位必须在2010年5月31日前完成申报。\n某某县税务局\n2013年2月25日",
           "关于做好申报工作的通知 各单位： 请于2012年3月1日前报送。 某某县税务局 2013年2月25日"],
    silent=["关于做好申报工作的通知\n各单位：\n各单位必须在2013年5月31日前完成申报。\n某某县税务局\n2013年2月25日",
            "关于做好申报工作的通知\n各单位：\n各单位已于2012年5月31日前完成申报。\n某某县税务局\n2013年2月25日",
            "各单位必须在2010年5月31日前完成申报。"],
)


# -- N116 a count without the measure word its neighbours carry --------------------------------------
#: ……总数1873条，其中主动公开425条，依申请公开46条，不予公开信息数1402。 — in a run of counts of
#: one sentence that all carry 条, the bare number has lost its measure word.
_COUNTED_WORDS = "条件人户个家项次所名"
_COUNT = regex.compile(rf"(?<![\d.．])(?P<n>\d+)(?P<u>[{_COUNTED_WORDS}])")
_BARE_COUNT = regex.compile(r"(?<=\p{Han}数)(?P<n>\d+)(?=[，。；])")


def _bare_count(text: str):
    if not _BARE_COUNT.search(text):
        return
    start = 0
    for stop in [m.end() for m in regex.finditer(r"[。！？]", text)] + [len(text)]:
        sentence = text[start:stop]
        bare = list(_BARE_COUNT.finditer(sentence))
        if bare:
            units = [m["u"] for m in _COUNT.finditer(sentence)]
            common = max(set(units), key=units.count) if units else None
            if common and units.count(common) >= 2 and len(set(units)) == 1:
                for m in bare:
                    yield Fix(start + m.start(), start + m.end(), m["n"] + common,
                              f"同一句中其他数量都带计量单位“{common}”，此处数字后缺“{common}”", 0.8)
        start = stop


BARE_COUNT = CorrectionRule(
    code="N116", category="proofing", kind="number_format", severity=Severity.INFO,
    message="数字后缺计量单位", basis=f"{GB15835} 4.1.1；《勺米镇政务公开信息审核发布管理制度》五（信息内容的准确性）",
    judge=_bare_count, needs=r"\p{Han}数\d",
    doc="统计数量应带计量单位。同一句中列举的各项数量都带同一个计量单位（“425条”“46条”），其中一项“××数1402”"
        "却没有单位时，多半漏写了单位，应补为“1402条”。只在同一句的其他数量都用同一个单位时提示。",
    fires=["共收到申请30件，其中办结28件，转办数2。"],
    silent=["共收到申请30件，其中办结28件，转办2件。", "共收到申请30件，办结率93%，转办数2。",
            "接待群众120人次，受理投诉数5。"],
)


for _rule in (DAY_HAO, SHORT_YEAR, ZERO_DATE, NUMERIC_DATE, MEASURED, THOUSANDS, RANGE_UNIT, HYPHEN_RANGE,
              WIDE_DIGITS, PHONE_DIGITS, UNIT_CASE, ARTICLE_NUMBERS, BOUND_TWICE, BARE_COUNT):
    _rule.parts = PROSE_PARTS

BODY_YEAR.parts = PROSE_PARTS

RULES = [DAY_HAO, SHORT_YEAR, ZERO_DATE, NUMERIC_DATE, SIGNING_DATE, MEASURED, THOUSANDS, RANGE_UNIT, HYPHEN_RANGE,
         WIDE_DIGITS, BODY_YEAR, PHONE_DIGITS, UNIT_CASE, ARTICLE_NUMBERS, BOUND_TWICE,
         PAST_DEADLINE, BARE_COUNT]
