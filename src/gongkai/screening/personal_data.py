"""Personal data recognisers (D101–D110): pattern + validator + context, Presidio-style, for Chinese.

Each rule scans every block (body, tables, headers, footers, footnotes, comments, text boxes)
with a pattern, validates the value (GB 11643 checksum, Luhn…) and reads the words before it:
a role word (申请人、户主、来信人…) or a table header (身份证号、姓名、联系电话、住址) makes a
value personal data; a published hotline (投诉举报电话、值班电话) or an official named in office
(镇长杨明) does not; masked values (5202**********3419, 张*) are not leaks. The document's
property values (标题、备注、单位、custom properties) are read the same way (properties.py), with
the property's name as the context word. Every finding carries
its explanation: pattern, validation, context word, confidence. Findings of documents labelled
依申请公开/不予公开 are downgraded (the text is not published as it stands).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Iterator

import regex

from ..engine import Context, FunctionRule
from ..memo import text_cache
from ..models import PLACE_PARTS, Block, Document, Finding, Location, Severity
from ..output.masking import mask
from .context import HALF, MASK_CHARS, PersonalContext, last_word, lexicon, personal_context
from .properties import in_properties, with_properties
from .validators import gb11643_15_valid, gb11643_valid, luhn_valid, plausible_birth, uscc_valid

log = logging.getLogger(__name__)

ON_REQUEST = "《勺米镇依申请公开制度》第三条（三）"
INTERACTION = "《勺米镇政民互动管理制度》第五条"
ROLE_WINDOW = 24
NEAR_WINDOW = 12

#: Words before a number that make it a code of something else (统一社会信用代码, 项目编码, 文号…).
CODE_WORDS = regex.compile(
    r"信用代码|机构代码|项目编码|项目代码|编码|编号|代码|注册号|文号|批准号|登记号|许可证号|证书号|订单号|单号|流水号|"
    r"合同号|税号|纳税人识别号|批次|序列号|条形码|条码|工号|学号|档案号|案号|金额|资金|万元|\d\s*元|邮编|邮政编码|传真"
)
ID_WORDS = ("身份证", "公民身份号码", "身份号码", "证件号", "身份证号")
PHONE_WORDS = ("电话", "手机", "联系方式", "号码", "tel", "Tel", "TEL", "致电", "拨打")
PRIVATE_PHONE_WORDS = ("家庭电话", "住宅电话", "宅电", "本人电话", "个人电话", "私人电话", "本人手机", "家属电话")
#: Any of PRIVATE_PHONE_WORDS (one search instead of a test per word)
_PRIVATE_PHONE = regex.compile("|".join(map(regex.escape, PRIVATE_PHONE_WORDS)))
BANK_WORDS = ("银行卡", "卡号", "账号", "帐号", "开户", "存折", "一卡通", "社保卡", "银行", "账户", "帐户", "收款")
PASSPORT_WORDS = ("护照", "通行证", "旅行证", "证件号")


def _pctx(doc: Document, ctx: Context) -> PersonalContext:
    return ctx.fact(personal_context)


_FULLWIDTH = regex.compile("[０-９ＸｘＥＧＰＳＤ－＠．]")


def half_texts(doc: Document, ctx: Context | None = None) -> list[str]:
    """Each block's text with full-width digits read as ASCII (same length, offsets kept), by block index.

    A per-document fact: every D1xx rule reads the blocks through it, so each text is
    converted once per document instead of once per rule.
    """
    return [t if t.isascii() or not _FULLWIDTH.search(t) else t.translate(HALF)
            for t in (b.text for b in doc.blocks)]


#: Four digits in a row: every pattern of D101–D104 and D106 holds such a run (ID18's \d{8},
#: MOBILE's \d{4} groups, LANDLINE's \d{6,7} after [2-9], BANK's \d{4}, PASSPORT's \d{7,}).
_FOUR_DIGITS = regex.compile(r"\d{4}")


def numeric_blocks(doc: Document, ctx: Context) -> list[tuple[Block, str]]:
    """(block, half-width text) of the blocks with four digits in a row (a per-document fact).

    The number rules read only these: one C-speed test per block instead of each rule's own
    loop over every paragraph of a long document.
    """
    texts = ctx.fact(half_texts)
    return [(b, texts[b.index]) for b in doc.blocks if _FOUR_DIGITS.search(texts[b.index])]


def _in_parts(rule, doc: Document, indexes) -> list[Block]:
    """The blocks of ``indexes`` (ascending) that ``rule`` reads (all, or those of its parts)."""
    blocks = doc.blocks
    if rule.parts is None:
        return [blocks[i] for i in indexes]
    return [blocks[i] for i in indexes if blocks[i].part in rule.parts]


def _numeric(rule, doc: Document, ctx: Context) -> list[tuple[Block, str]]:
    """The (block, half-width text) pairs a number rule reads: :func:`numeric_blocks` within its parts."""
    found = ctx.fact(numeric_blocks)
    if rule.parts is None:
        return found
    wanted = {id(b) for b in rule.blocks(doc)}
    return [(b, t) for b, t in found if id(b) in wanted]


def _masked_around(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in MASK_CHARS) or (end < len(text) and text[end] in MASK_CHARS)


def _role(before: str) -> str | None:
    hit = last_word(lexicon().role_re, before)
    return hit[0] if hit else None


def _hotline(before: str) -> str | None:
    """A published-hotline word in the text just before a value (监督电话：…), or None."""
    hit = last_word(lexicon().hotline_re, before)
    return hit[0] if hit else None


@lru_cache(maxsize=1)
def _office_re() -> regex.Pattern:
    """An office word, then a phone, mail or address word at the end of the text."""
    return regex.compile(r"(" + "|".join(map(regex.escape, lexicon().office_words)) + r")[（(]?[^，。；,;]{0,3}"
                         r"(?:联系)?(?:电话|手机|邮箱|电子邮箱|地址)[：:\s]*$")


def _office_subject(before: str) -> str | None:
    """An office named right before a phone word (镇党政办联系电话：…): its published number."""
    m = _office_re().search(before)
    return m.group(1) if m else None


STAFF_ROLES = ("联系人", "经办人")
@lru_cache(maxsize=1)
def _private_signal_re() -> regex.Pattern:
    """A private role, a personal-detail word or a gender (the lexicon's words, longest first)."""
    lex = lexicon()
    words = sorted(set(lex.private_roles) | set(lex.private_details), key=len, reverse=True)
    return regex.compile("|".join(map(regex.escape, words)) + r"|[，,（(、\s][男女](?:[，,）)、\s]|$)")


def _private_signal(text: str) -> bool:
    """The paragraph speaks about a private person: a private role (申请人、户主、来信人…), a personal
    detail word (身份证、住址、护照…), a gender (张三，男) or a diagnosis."""
    return bool(_private_signal_re().search(text) or next(lexicon().health_matches(text), None))


_SENTENCE_END = regex.compile(r"[。；;！？!?]")
#: Where the sentence after a name or number ends: a sentence end, or a space after a Han character
#: (a line or cell boundary in a text whose line breaks were flattened).
_AFTER_END = regex.compile(r"[。；;！？!?]|(?<=\p{Han})\s")


def _staff_contact(text: str, role: str | None, at: int | None = None) -> bool:
    """联系人：李明 / 经办人：王芳 in a published notice: the office's staff contact, published on purpose
    (issue #16), unless its sentence speaks about a private person (申请人张三，联系人李四，身份证号…).

    ``at`` is where the name or number stands: the sentence around it (at most 40 characters each
    side) is read, not the whole paragraph (a text whose line breaks were flattened is one).
    """
    if role not in STAFF_ROLES:
        return False
    if at is not None:
        lo = max(0, at - 40)
        ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, at)]
        lo = ends[-1] if ends else lo
        m = _AFTER_END.search(text, at + 2, at + 30)
        text = text[lo:m.start() if m else at + 30]
    return not _private_signal(text)


def _emit(rule: FunctionRule, block: Block, start: int, end: int, pctx: PersonalContext, *,
          strong: bool, confidence: float, explanation: dict, message: str | None = None,
          cap: Severity | None = None) -> Finding:
    severity, why = pctx.severity(rule.severity, strong)
    if cap is not None and severity > cap:
        severity = cap
    if confidence > 0.99:
        confidence = 0.99
    explanation = dict(explanation)  # the caller's may be shared (name_findings is a fact)
    if why:
        explanation["severity"] = why
    rounded = _ROUNDED.get(confidence)
    if rounded is None:
        rounded = _ROUNDED[confidence] = round(confidence, 2)
    explanation["confidence"] = rounded
    # what rule.finding(block, start, end, …) makes, built directly: this runs once per finding
    return Finding(rule.code, rule.category, rule.kind, severity, message or rule.message,
                   Location(block.part, block.paragraph, start, end, block.table, block.row, block.col, block.index,
                            None, block.source_id if block.part in PLACE_PARTS else None),
                   block.text[start:end], _suggestion(rule.kind, block.text[start:end]), rule.basis, confidence,
                   explanation)


#: round(confidence, 2) by confidence (a handful of values)
_ROUNDED: dict[float, float] = {}


def _suggestion(kind: str, value: str) -> str:
    """The advice quotes the value's own masked form: the form every report and ``redact`` use
    (one mask style, ``output.masking.mask``), never a generic example that differs from it."""
    return f"主动公开前删除或遮蔽（区分处理），如 {mask(value, kind)}；可用 gongkai redact 生成遮蔽件"


def _header_ctx(pctx: PersonalContext, block: Block, kinds: tuple[str, ...]) -> str | None:
    col = pctx.columns.get(block.index)
    return col[1] if col and col[0] in kinds else None


# -- D101 公民身份号码 ----------------------------------------------------------------------------

_SIX_DIGITS = regex.compile(r"\d{6}")
_NON_DIGIT = regex.compile(r"\D")
_PLATE_SEP = regex.compile(r"[·•.\s]")
_HAN_RUN = regex.compile(r"\p{Han}{2,4}")
_TRIMMED = regex.compile(r"\S.*\S|\S", regex.S)
_LOCALITY = regex.compile(r"村|社区|小区|组|路|街|巷")
_NOTHING = regex.compile(r"[\s无否—\-/]*|健康|正常")
_SPACE = regex.compile(r"\s")
ID18 = regex.compile(r"(?<![0-9A-Za-z])(?:\d{6}\s?\d{8}\s?\d{3}[\dXx]"
                  # written in groups of four, as a card is (5202 2119 9003 0723 72): only a valid one
                  r"|(?P<grouped>\d{4}(?:\s\d{4}){3}\s\d[\dXx]))(?![0-9A-Za-z])")
#: Four digits, a space, four digits: the start of an ID18 written in groups of four.
_FOUR_GROUPS = regex.compile(r"\d{4}\s\d{4}")
ID15 = regex.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")


def id18_matches(doc: Document, ctx: Context) -> dict[int, list[tuple[int, int, str, bool]]]:
    """(start, end, digits, GB 11643-valid) of every ID18 match, by block index (a per-document fact).

    D101 reports them; D110 asks which blocks hold a valid one (a block about a person).
    """
    out = {}
    for block, text in ctx.fact(numeric_blocks):
        if len(text) < 18 or not (_SIX_DIGITS.search(text) or _FOUR_GROUPS.search(text)):
            continue  # ID18 needs 18 characters, six digits in a row or two groups of four among them
        found = []
        for m in ID18.finditer(text):
            value = _SPACE.sub("", m.group())
            if len(value) == 18:
                valid = gb11643_valid(value)
                if m.group("grouped") and not valid:
                    continue  # grouped by four and not an ID: a card or an account number (D104's)
                found.append((m.start(), m.end(), value, valid))
        if found:
            out[block.index] = found
    return out


def _id_cards(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    ids = ctx.fact(id18_matches)
    for block, text in _numeric(rule, doc, ctx):
        if len(text) < 15 or (block.index not in ids and not _SIX_DIGITS.search(text)):
            continue  # both patterns need six digits in a row; a block with an ID18 match has them
        header = _header_ctx(pctx, block, ("id_card",))
        for start, end, value, valid in ids.get(block.index, ()):
            before = text[max(0, start - NEAR_WINDOW):start]
            word = header or next((w for w in ID_WORDS if w in before), None)
            code = CODE_WORDS.search(before)
            if code and not word and not _role(before):
                continue  # 项目编码、统一社会信用代码…
            message = None
            if valid:
                expl = {"pattern": "18位公民身份号码", "validation": "GB 11643 校验位正确、出生日期合理"}
                conf = 0.9
            elif word and value[:2].isdigit() and plausible_birth(value[6:14]):
                expl = {"pattern": "18位公民身份号码", "validation": "校验位不符（疑为录入错误），依上下文认定"}
                conf = 0.7
                message = "公民身份号码（校验位不符，疑为录入错误，仍属个人信息）"
            else:
                continue
            role = _role(text[max(0, start - ROLE_WINDOW):start])
            if word:
                expl["context"] = word
                conf += 0.08
            if role:
                expl["role"] = role
            if header:
                expl["header"] = header
            yield _emit(rule, block, start, end, pctx, strong=True, confidence=conf, explanation=expl,
                        message=message)
        for m in ID15.finditer(text):
            before = text[max(0, m.start() - NEAR_WINDOW):m.start()]
            word = header or next((w for w in ID_WORDS if w in before), None)
            if word and gb11643_15_valid(m.group()):
                yield _emit(rule, block, m.start(), m.end(), pctx, strong=True, confidence=0.85, explanation={
                    "pattern": "15位公民身份号码（旧版）", "validation": "地区码、出生日期合理", "context": word},
                    message="公民身份号码（15位旧号码）")


# -- D102 手机号码, D103 固定电话 -------------------------------------------------------------------

MOBILE = regex.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![0-9A-Za-z])")
LANDLINE = regex.compile(
    r"(?<![0-9A-Za-z])(?:(?:[(（]0\d{2,3}[)）]|0\d{2,3})(?:[-－—]|\s)?)?[2-9]\d{6,7}"
    r"(?:(?:[-－]|转|分机|ext\.?)\d{1,5})?(?![0-9A-Za-z])"
)


#: Everything up to the last sentence end of a window (greedy: one match finds the last one).
_UP_TO_LAST_END = regex.compile(r".*[。；;！？!?\n]", regex.S)


def _sentence_before(text: str, start: int, limit: int = 60) -> str:
    """The part of the ``limit`` characters before ``start`` after the last sentence end in them."""
    window = text[max(0, start - limit):start]
    m = _UP_TO_LAST_END.match(window)
    return window[m.end():] if m else window


def _phone_context(text: str, start: int, block: Block, pctx: PersonalContext):
    """(public_reason, personal_reason): why a number is an office's or a person's.

    Role and hotline words count within the sentence before the number (up to 60 characters):
    申请人：张三（身份证号：…，电话：138…） is the applicant's phone however long the parenthesis.
    """
    # A phone column's header, then a private-phone word (家庭电话) right before, decide first;
    # then the nearer of a role word and a hotline word in the sentence; then an office named
    # before the phone word. Each is looked for only when the ones before it decided nothing.
    header = _header_ctx(pctx, block, ("phone",))
    if header:
        return None, ("header", header)
    near = text[max(0, start - NEAR_WINDOW):start]
    private = next((w for w in PRIVATE_PHONE_WORDS if w in near), None)
    if private:
        return None, ("context", private)
    before = _sentence_before(text, start)
    role_hit = last_word(lexicon().role_re, before)
    hot_hit = last_word(lexicon().hotline_re, before)
    if hot_hit and (not role_hit or hot_hit[1] >= role_hit[1]):
        return hot_hit[0], None
    if role_hit and role_hit[0] != "联系人":
        return None, ("role", role_hit[0])
    office = _office_subject(before)  # 镇党政办联系人：… is the office's published contact
    if office:
        return office, None
    office = _listed_office(before)  # 苏澳镇138…；平原镇2425…: a list of offices' lines
    if office:
        return office, None
    return (None, ("role", role_hit[0])) if role_hit else (None, None)


@lru_cache(maxsize=1)
def _listed_office_re() -> regex.Pattern:
    """An office or township word, then maybe numbers of it, at the end of the text."""
    words = sorted(set(lexicon().office_words) | {"镇", "乡", "街道", "办事处"}, key=len, reverse=True)
    return regex.compile("(" + "|".join(map(regex.escape, words)) + r")[：:\s]*"
                         r"(?:[（(]?\d[\d\-－（）()]{5,}[、，,；;/\s]*)*$")


def _listed_office(before: str) -> str | None:
    """An office (or a township) named right before the number, maybe after other numbers of it:
    ``苏澳镇138…`` or ``中楼乡2426…，139…`` in a list of reporting lines is the office's line."""
    m = _listed_office_re().search(before)
    return m.group(1) if m else None


def _mobiles(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    for block, text in _numeric(rule, doc, ctx):
        if len(text) < 11:
            continue
        for m in MOBILE.finditer(text):
            if _masked_around(text, m.start(), m.end()):
                continue
            public, personal = _phone_context(text, m.start(), block, pctx)
            if public:
                if public in lexicon().hotline_mobile_advice:
                    yield _emit(rule, block, m.start(), m.end(), pctx, strong=False, confidence=0.5, cap=Severity.INFO,
                                explanation={"pattern": "手机号码（1[3-9]开头11位）", "validation": "号段合理",
                                             "context": public},
                                message=f"{public}为手机号码：宜改用办公电话，或确认是公务号码")
                continue
            near = text[max(0, m.start() - NEAR_WINDOW):m.start()]
            if not personal and CODE_WORDS.search(near):
                continue
            expl = {"pattern": "手机号码（1[3-9]开头11位）", "validation": "号段合理"}
            conf = 0.75
            if personal:
                expl[personal[0]] = personal[1]
                conf = 0.95
            else:
                word = next((w for w in PHONE_WORDS if w in near), None)
                if word:
                    expl["context"] = word
                    conf = 0.85
            staff = personal is not None and personal[0] == "role" and _staff_contact(text, personal[1], m.start())
            if staff:
                expl["staff"] = "机关联系人，请确认是否有意公开"
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=personal is not None and not staff,
                        confidence=conf, explanation=expl)


def _landlines(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    lex = lexicon()
    for block, text in _numeric(rule, doc, ctx):
        if len(text) < 7 or not (pctx.columns.get(block.index) or lex.role_re.search(text)
                                 or _PRIVATE_PHONE.search(text)):
            continue
        for m in LANDLINE.finditer(text):
            value = m.group()
            if _masked_around(text, m.start(), m.end()) or MOBILE.fullmatch(value):
                continue
            public, personal = _phone_context(text, m.start(), block, pctx)
            if public or not personal:
                continue  # an office's number is published on purpose; only a person's is private
            near = text[max(0, m.start() - NEAR_WINDOW):m.start()]
            has_area = value[:1] in "0(（"
            phone_word = next((w for w in PHONE_WORDS if w in near), None)
            if not has_area and not phone_word and personal[0] != "header":
                continue  # a bare 7–8 digit number is an amount or a code more often than a phone
            if CODE_WORDS.search(near) and not phone_word:
                continue
            expl = {"pattern": "固定电话（区号-号码-分机）", "validation": "区号格式" if has_area else "号码长度",
                    personal[0]: personal[1]}
            if phone_word:
                expl["context"] = phone_word
            if personal[0] == "role" and _staff_contact(text, personal[1], m.start()):
                continue  # the landline of an office's 联系人 is the office's line (issue #16)
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=True, confidence=0.9, explanation=expl)


# -- D104 银行卡号 ---------------------------------------------------------------------------------

BANK = regex.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])|"
                     r"(?<![0-9A-Za-z])\d{15,19}(?![0-9A-Za-z])")


def _bank_cards(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    # the valid ID numbers the ID18 scan found: most 18-digit runs here are one of them
    ids = {value for found in ctx.fact(id18_matches).values() for _, _, value, valid in found if valid}
    for block, text in _numeric(rule, doc, ctx):
        if len(text) < 15:
            continue
        header = _header_ctx(pctx, block, ("bank_card",))
        for m in BANK.finditer(text):
            digits = _NON_DIGIT.sub("", m.group())
            if not 15 <= len(digits) <= 19:
                continue
            if len(digits) == 18 and (digits in ids or gb11643_valid(digits) or uscc_valid(digits)):
                continue  # an ID number (D101 has priority) or a 统一社会信用代码
            if len(digits) == 17 and gb11643_valid(digits + "X"):
                continue
            before = text[max(0, m.start() - NEAR_WINDOW):m.start()]
            word = header or next((w for w in BANK_WORDS if w in before), None)
            if CODE_WORDS.search(before) and not word:
                continue
            message = None
            if not luhn_valid(digits):
                if not (header and 16 <= len(digits) <= 19):
                    continue
                expl = {"pattern": "银行卡号（16–19位）", "validation": "Luhn 校验未通过，依表头认定"}
                conf = 0.7
                message = "银行卡号（银行卡号栏，Luhn 校验未通过）"
            elif word or digits.startswith("62"):
                expl = {"pattern": "银行卡号（16–19位）", "validation": "Luhn 校验通过"}
                conf = 0.85
            else:
                continue  # Luhn alone passes one random number in ten
            if word:
                expl["context"] = word
                conf += 0.1
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=True, confidence=conf, explanation=expl,
                        message=message)


# -- D105 电子邮箱 ---------------------------------------------------------------------------------

EMAIL = regex.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,10}")
PUBLIC_DOMAINS = regex.compile(r"(?:\.gov\.cn|\.gov|\.org\.cn|\.edu\.cn)$", regex.I)


def _emails(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    for block in rule.blocks(doc):
        text = texts[block.index]
        if "@" not in text:
            continue
        for m in EMAIL.finditer(text):
            domain = m.group().rsplit("@", 1)[1]
            before = text[max(0, m.start() - ROLE_WINDOW):m.start()]
            public, personal = _phone_context(text, m.start(), block, pctx)
            if personal is None and (public or PUBLIC_DOMAINS.search(domain) or _office_mailbox(text, m, before)):
                continue  # an office's published mailbox
            expl = {"pattern": "电子邮箱地址", "validation": "域名格式"}
            conf = 0.85
            if personal:
                expl[personal[0]] = personal[1]
                conf = 0.95
            elif "邮箱" in before or "邮件" in before:
                expl["context"] = "邮箱"
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=personal is not None, confidence=conf,
                        explanation=expl)


_PHONE_DIGITS = regex.compile(r"\d{7,}")


def _office_mailbox(text: str, m, before: str) -> bool:
    """An office's mailbox by its name or label: named after a phone number the paragraph gives
    (2433xxxx@…, pt2315xxxx@…), or labelled by what it receives (申请电子邮件地址：…, 受理邮箱)."""
    local = m.group().rsplit("@", 1)[0]
    digits = _PHONE_DIGITS.search(local)
    if digits:
        exchange = digits.group()[:5]  # the office's number range: 2433624x beside 24336243
        if any(n.group().startswith(exchange) for part in (text[:m.start()], text[m.end():])
               for n in _PHONE_DIGITS.finditer(part)):
            return True
    label = before[-12:]
    return any(w in label for w in lexicon().mailbox_purposes) and ("邮" in label or "信箱" in label)


# -- D106 护照/通行证号码 ---------------------------------------------------------------------------

PASSPORT = regex.compile(r"(?<![0-9A-Za-z])(?:[EGDSP][A-HJ-NP-Z]?\d{7,8}|[CHM]\d{8,10}|[CHM][A-Z]\d{7})(?![0-9A-Za-z])")
PASSPORT_STRICT = regex.compile(r"^(?:E[A-HJ-NP-Z0-9]\d{7}|G\d{8})$")


def _passports(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    for block, text in _numeric(rule, doc, ctx):
        if len(text) < 8:
            continue
        header = _header_ctx(pctx, block, ("passport",))
        for m in PASSPORT.finditer(text):
            v = m.group()
            if len(v) not in (8, 9, 10, 11):
                continue
            before = text[max(0, m.start() - NEAR_WINDOW):m.start()]
            word = header or next((w for w in PASSPORT_WORDS if w in before), None)
            role = _role(text[max(0, m.start() - ROLE_WINDOW):m.start()])
            if not word and not (role and PASSPORT_STRICT.match(v)):
                continue
            expl = {"pattern": "护照/通行证号码（字母+数字）", "validation": "格式符合签发规则"}
            if word:
                expl["context"] = word
            if role:
                expl["role"] = role
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=True, confidence=0.9 if word else 0.75,
                        explanation=expl)


# -- D107 机动车号牌 -------------------------------------------------------------------------------

PLATE = regex.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·•.\s]?(?:[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警])"
    r"(?![A-Za-z0-9])"
)
#: A province's short name and an issuing-office letter: the start of every PLATE match (a cheap test first).
_PLATE_START = regex.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]")
PLATE_WORDS = ("车牌", "号牌", "牌照", "车辆", "驾驶", "车主", "小车", "轿车", "货车", "摩托")
OFFICIAL_CAR = ("公务用车", "公车", "执法车", "警车", "公务车", "单位车辆")


def _plates(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    for block in rule.blocks(doc):
        text = texts[block.index]
        if len(text) < 7 or not _PLATE_START.search(text):
            continue
        for m in PLATE.finditer(text):
            v = _PLATE_SEP.sub("", m.group())
            tail = v[2:]
            if not any(c.isdigit() for c in tail) or sum(c.isalpha() and c.isascii() for c in tail) > 3:
                continue  # 贵州ABCDE is not a plate
            before = text[max(0, m.start() - ROLE_WINDOW):m.start()]
            if any(w in before for w in OFFICIAL_CAR):
                continue
            energy = len(v) == 8
            expl = {"pattern": "新能源汽车号牌" if energy else "机动车号牌", "validation": "省份简称+发牌机关代号+序号"}
            word = next((w for w in PLATE_WORDS if w in before), None) or _header_ctx(pctx, block, ("license_plate",))
            role = _role(before)
            if word:
                expl["context"] = word
            if role:
                expl["role"] = role
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=bool(role or word),
                        confidence=0.9 if word else 0.75, explanation=expl)


# -- D108 姓名 -------------------------------------------------------------------------------------

_NAME_EVIDENCE = {"token": "分词为未登录词", "dict_nr": "词典人名", "surname+given": "姓氏+名字",
                  "unlisted_surname": "姓氏表外，角色词后两三字"}
_NAME_CONTEXT = {"role": "角色词", "enumeration": "并列", "gender": "性别", "cue": "行为词", "paragraph": "同段有角色词",
                 "salutation": "答复的称呼"}


def _name_plan(doc: Document, ctx: Context) -> tuple[list[tuple[Block, int, int, bool, float, dict]], list[Block]]:
    """The names of the document's name columns, and the blocks the name pipeline must read."""
    from .names import split_name

    pctx = _pctx(doc, ctx)
    listed = []
    pending: list[Block] = []
    columns = pctx.columns
    for block in doc.blocks:
        text = block.text
        if len(text) < 2:
            continue
        col = columns.get(block.index)
        if col and col[0] == "person_name":
            for m in _HAN_RUN.finditer(text):
                if _masked_around(text, m.start(), m.end()) or "某" in m.group() or m.group() in ("无", "暂无"):
                    continue
                known = split_name(m.group()) is not None
                listed.append((block, m.start(), m.end(), True, 0.9 if known else 0.75,
                               {"pattern": "姓名（姓名栏中的两至四字）", "validation": "常见姓氏" if known else "姓氏表外",
                                "header": col[1]}))
            continue
        if _name_cue(text):
            pending.append(block)
    return listed, pending


def _name_spans(pending: list[Block], found) -> list[tuple[Block, int, int, bool, float, dict]]:
    """name_findings entries for the names the pipeline found in the ``pending`` blocks."""
    out = []
    for block, spans in zip(pending, found, strict=True):
        for s in spans:
            expl = {"pattern": "姓名（姓氏+名）", "validation": _NAME_EVIDENCE[s.evidence],
                    "context_rule": _NAME_CONTEXT[s.context]}
            if s.word:
                expl["context"] = s.word
            if s.context in ("role", "enumeration") and _staff_contact(block.text, s.word, s.start):
                continue  # an office's 联系人/经办人, published on purpose (issue #16)
            strong = s.context not in ("cue", "paragraph", "salutation") and s.word not in lexicon().name_only_roles
            out.append((block, s.start, s.end, strong, s.confidence, expl))
    return out


#: A dwelling unit: 7栋1单元301室, 5#1203室, 3号楼2单元, 12-301室.
DWELLING = regex.compile(r"\d{1,4}\s*(?:[#＃]|栋|幢|号楼|单元|室)|\d{1,4}-\d{1,4}室")
_LIST_TITLE = regex.compile(r"(?:公示|名单|名册)[^\s，。、；]{0,4}(?=\s|$)|表彰[^\s，。；]{0,40}(?:决定|通报)(?=\s|$)")
_HEAD_END = regex.compile(r"[。；！？：:]")


def publication_list(doc: Document, ctx: Context | None = None) -> str | None:
    """The title of ``doc`` when it publishes a list of people by law (公示, 名单, 表彰…), else None.

    Decided from the document's kind, its title: the structure's title, else (a text whose line
    breaks were flattened) the head of the first paragraph up to its first sentence end. The
    words are data (personal.yaml ``public_list_titles``).
    """
    words = lexicon().public_list_titles
    title = None
    try:
        from ..attributes.structure import parse_structure

        s = ctx.fact(parse_structure) if ctx is not None else parse_structure(doc)
        title = s.title.text if s.title is not None else None
    except Exception:  # the layout is a nicety here
        log.debug("structure of %s unreadable", doc.path, exc_info=True)
    if title is None:  # a flattened text: its title is the head of the first paragraph
        first = next((b.text for b in doc.blocks if b.part == "body" and b.text.strip()), "")
        end = _HEAD_END.search(first, 0, 90)
        title = first[:end.start() if end else 90].strip()
        if not any(w in title for w in words):
            # a web page without its heading: the operative sentence of a 公示 near the start
            opening = "".join(b.text for b in doc.blocks[:12] if b.part == "body")[:600]
            return next((w for w in lexicon().public_list_formulas if w in opening), None)
    if any(w in title for w in words):
        m = _LIST_TITLE.search(title)
        if m and any(w in m.group() for w in words):
            return title
    return None


def _exposure_near(text: str, lo: int, hi: int, ids: list) -> bool:
    """A valid ID number, a mobile, a dwelling unit, an address word or a diagnosis in text[lo:hi]."""
    if any(valid and lo <= a and b <= hi for a, b, _, valid in ids):
        return True
    seg = text[lo:hi]
    lex = lexicon()
    return bool(MOBILE.search(seg) or DWELLING.search(seg) or any(w in seg for w in lex.address_context if len(w) > 1)
                or next(lex.health_matches(seg), None))


def _list_position(block: Block, text: str, start: int, end: int, expl: dict) -> bool:
    """The name stands where a 公示 lists people: a table cell, a cell of a flattened list (spaces
    on both sides), or the head of a bio entry (吴立新，男，1980年5月出生…)."""
    if block.part == "table" or "header" in expl:
        return True
    left = text[start - 1:start]
    right = text[end:end + 1]
    if (not left or left.isspace()) and (not right or right.isspace()):
        return True
    return expl.get("context_rule") == _NAME_CONTEXT["gender"]


def _public_list_names(doc: Document, ctx: Context, entries: list) -> list:
    """The names of a 公示/名单 are published by law (issue #16): keep only those next to a private
    detail (their row, or the stretch of text up to the neighbouring names, holds an ID number, a
    mobile, a dwelling unit, an address word or a diagnosis)."""
    if not entries or ctx.fact(publication_list) is None:
        return entries
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    ids = ctx.fact(id18_matches)
    by_block: dict[int, list[tuple[int, int]]] = {}
    for e in entries:
        by_block.setdefault(e[0].index, []).append((e[1], e[2]))
    kept = []
    for e in entries:
        block, start, end = e[0], e[1], e[2]
        if not _list_position(block, texts[block.index], start, end, e[5]):
            kept.append(e)  # a name in a sentence (来信人张三反映…): what the 公示 publishes is its list
            continue
        if block.table is not None and (block.table, block.row) in pctx.rows:
            cells = pctx.rows[(block.table, block.row)]
            if any(_exposure_near(texts[i], 0, len(texts[i]), ids.get(i, ())) for i in cells if i != block.index):
                kept.append(e)
            continue
        spans = sorted(by_block[block.index])
        at = spans.index((start, end))
        lo = max(spans[at - 1][1] if at else 0, start - 40)
        hi = min(spans[at + 1][0] if at + 1 < len(spans) else len(texts[block.index]), end + 40)
        text = texts[block.index]
        if _exposure_near(text, lo, start, ids.get(block.index, ())) \
                or _exposure_near(text, end, hi, ids.get(block.index, ())):
            kept.append(e)
    return kept


def name_findings(doc: Document, ctx: Context) -> list[tuple[Block, int, int, bool, float, dict]]:
    """Names of private persons in the document (a per-document fact shared with D110)."""
    from .names import find_names

    listed, pending = _name_plan(doc, ctx)
    return _public_list_names(doc, ctx, listed + _name_spans(pending, find_names([b.text for b in pending])))


def prepare_names(pairs: list[tuple[Document, Context]]) -> None:
    """``Rule.prepare`` of D108 and D110: name_findings of many documents, one name-pipeline run.

    Each document's blocks are chosen as :func:`name_findings` chooses them; the pipeline then
    reads all of them together (it works paragraph by paragraph, so each paragraph gets the
    names it gets alone), and each context is given its document's fact.
    """
    from .names import find_names

    plans = []
    for doc, ctx in pairs:
        try:
            plans.append((ctx, *_name_plan(doc, ctx)))
        except Exception:  # that document's own check meets the problem again and reports it
            log.debug("name plan of %s failed", doc.path, exc_info=True)
    found = find_names([b.text for _, _, pending in plans for b in pending])
    at = 0
    for ctx, listed, pending in plans:
        ctx.provide(name_findings, _public_list_names(ctx.doc, ctx, listed + _name_spans(pending, found[at:at + len(pending)])))
        at += len(pending)


_CUES = ("反映", "来信", "来电", "投诉", "举报", "先生", "女士", "之子", "之女", "等人", "夫妇", "申请", "信访", "诉求")
@lru_cache(maxsize=1)
def _cue_parts() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern, regex.Pattern]:
    """_name_cue's patterns: role word + surname, gender, surname + action cue, the action cues alone."""
    lex = lexicon()
    first = "".join(sorted(lex.surname_firsts))
    return (
        regex.compile(rf"(?:{_roles_and_name_roles(lex)})[：:\s为是系即\"“（(]*[{first}]"),
        regex.compile(r"\p{Han}[，,（(、\s]{1,2}[男女](?:[，,）)、\s]|$)"),
        regex.compile(rf"[{first}]\p{{Han}}{{1,3}}(?:{'|'.join(_CUES)})"),
        regex.compile("|".join(_CUES)),
    )


@text_cache(maxsize=16384)
def _name_cue(text: str) -> bool:
    """Paragraphs worth segmenting: a role word followed by a surname, a gender, an action cue after a name.

    Plain substring tests come first (C speed); the regular expressions run only where they may match.
    Cached by text, like the names themselves: documents repeat their boilerplate paragraphs.
    """
    role, gender, cue, cue_words = _cue_parts()
    return bool(role.search(text)
                or (("男" in text or "女" in text) and gender.search(text))
                or (cue_words.search(text) and cue.search(text)))


def _roles_and_name_roles(lex) -> str:
    """An alternation of the role words and the name-only roles (负责人), longest first."""
    words = sorted(set(lex.role_words) | set(lex.name_only_roles), key=len, reverse=True)
    return "|".join(map(regex.escape, words))


def _names(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    wanted = set(id(b) for b in rule.blocks(doc)) if rule.parts is not None else None
    for block, start, end, strong, conf, expl in ctx.fact(name_findings):
        if wanted is None or id(block) in wanted:
            yield _emit(rule, block, start, end, pctx, strong=strong, confidence=conf, explanation=expl)


# -- D109 住址 -------------------------------------------------------------------------------------

_SEGCH = r"[\p{Han}A-Za-z0-9]"
#: The units an address must name (its one mandatory part ends with one of them).
_PLACE_UNITS = "村|社区|居委会|小区|新村|花园|家园|苑|路|街|大道|巷|屯|寨"
_NOSTART = "住在于的是为系和与及从向对把被让给等将已到省市县区镇乡村组"
ADDRESS = regex.compile(
    r"(?:[^\P{Han}" + _NOSTART + r"]\p{Han}{0,6}?(?:省|自治区))?"
    r"(?:[^\P{Han}" + _NOSTART + r"]\p{Han}{0,6}?(?:市|自治州|州|盟))?"
    r"(?:[^\P{Han}" + _NOSTART + r"]\p{Han}{0,6}?(?:区|县|旗|市))?"
    r"(?:[^\P{Han}" + _NOSTART + r"]\p{Han}{0,6}?(?:镇|乡|街道|办事处))?"
    r"(?:[^\P{Han}" + _NOSTART + r"]\p{Han}{0,6}?(?:" + _PLACE_UNITS + "))"
    r"(?:(?:\d{1,4}|[一二三四五六七八九十]{1,3})(?:组|队|巷|弄|号|栋|幢|单元|楼|室|号楼|户|[#＃])|[^\P{Han}" + _NOSTART
    + r"]\p{Han}{0,4}?(?:组|巷|小区|花园|家园|公寓|大厦)|小区|花园|公寓|大厦)*"
)
HOUSE = regex.compile(r"(?:\d{1,4}|[一二三四五六七八九十]{1,3})(?:组|号|栋|幢|单元|室|户)|组$")
DOOR = regex.compile(r"(?:\d{1,4}|[一二三四五六七八九十]{1,3})(?:号|栋|幢|单元|室|户)|\d{1,4}[#＃]\d{1,4}")
ORG_AFTER = regex.compile(r"^(?:人民政府|政府|村委会|村民委员会|居委会|社区居委会|党群服务中心|便民服务|服务中心|大楼|办公楼|会议室|大厅|卫生院|卫生室|小学|中学|学校|幼儿园|派出所|医院|委员会|党支部|支部|合作社|公司|工厂|厂|片区|范围|一带|辖区|境内|全体)")


_FIRST_UNIT = regex.compile(r"省|自治区|市|自治州|州|盟|区|县|旗|镇|乡|街道|办事处|村|社区|居委会|小区|新村|花园|家园|苑|路|街|大道|巷|屯|寨")


@lru_cache(maxsize=1)
def _hint_res() -> tuple[regex.Pattern, regex.Pattern]:
    """A house number; an address word."""
    words = "|".join(regex.escape(w) for w in lexicon().address_context)
    return regex.compile(r"(?:\d|[一二三四五六七八九十])(?:组|号|栋|幢|单元|室|户)"), regex.compile(words)


def _address_hint(text: str) -> bool:
    """A house number (3组, 12号) or an address word (住址, 家住) in ``text``.

    Two searches, not one alternation: with the one-character word 住 in it, a single pattern
    loses ``re``'s first-character scan and is several times slower on long paragraphs. (A
    lookbehind for the digit and substring tests for the words were tried: slower, 1.3 against
    1.1 ms and 1.5–2 against 0.45 ms over the labelled test split's paragraphs.)
    """
    house, words = _hint_res()
    return bool(house.search(text) or words.search(text))


#: A stretch of Han characters and digits: ADDRESS reads nothing else, so no match crosses its ends.
_ADDRESS_RUN = regex.compile(r"[\p{Han}\d#＃]+")
_ADDRESS_UNITS = regex.compile(_PLACE_UNITS)


def _address_matches(text: str):
    """``ADDRESS.finditer(text)``, run only over the stretches that hold a unit word (same matches, in order)."""
    if not _ADDRESS_UNITS.search(text):
        return  # every match ends with a unit word
    for run in _ADDRESS_RUN.finditer(text):
        if _ADDRESS_UNITS.search(text, run.start(), run.end()):
            yield from ADDRESS.finditer(text, run.start(), run.end())


@lru_cache(maxsize=1)
def _trim_re() -> regex.Pattern:
    """The context and role words an address match may start with (longest first)."""
    lex = lexicon()
    words = set(lex.address_context) | set(lex.role_words) | {"在", "于", "系", "为", "是", "到"}
    return regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)))


def _trim_address(value: str, start: int) -> int:
    """Where the address really starts: after a context or role word swallowed by the first segment."""
    unit = _FIRST_UNIT.search(value)
    head = value[:unit.start()] if unit else value
    cut = 0
    for m in _trim_re().finditer(head):
        cut = m.end()
    return start + cut


@lru_cache(maxsize=1)
def _address_words() -> tuple[str, ...]:
    """The lexicon's address words, longest first (住址 before 住)."""
    return tuple(sorted(lexicon().address_context, key=len, reverse=True))


def _addresses(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    lex = lexicon()
    for block in rule.blocks(doc):
        text = texts[block.index]
        if len(text) < 4:
            continue
        col = pctx.columns.get(block.index)
        header = col[1] if col and col[0] == "address" else None
        if not header and not _address_hint(text):
            continue  # no house number, no 住址/家住: nothing the rule would report
        if header and _HAN_RUN.search(text) and not any(c in MASK_CHARS for c in text):
            s, e = _TRIMMED.search(text).span()
            yield _emit(rule, block, s, e, pctx, strong=True, confidence=0.9,
                        explanation={"pattern": "住址", "validation": "表格住址栏", "header": header})
            continue
        for m in _address_matches(text):
            start, end = _trim_address(m.group(), m.start()), m.end()
            value = text[start:end]
            if len(value) < 5 or _masked_around(text, start, end):
                continue
            before = text[max(0, start - ROLE_WINDOW):start]
            near = text[max(0, start - NEAR_WINDOW):start]
            after = text[end:end + 8]
            if ORG_AFTER.match(after) or (not any(w in near for w in lex.address_context)
                                          and (_hotline(near) or _office_subject(near + "地址"))):
                continue  # an office's address or a place, not where a person lives
            if _place_address(doc, texts, block, text, start, end):
                continue  # 经营场所：…, 站点地址 column, 地址 of an office: a place, not a home
            tail = near[-6:]
            word = next((w for w in _address_words() if w in tail or near.endswith(w)), None)
            role = _role(before)
            house = bool(HOUSE.search(value))
            door = bool(DOOR.search(value))
            if not word and not (door and _LOCALITY.search(value)) and not (house and role):
                continue  # 新华村3组 is a place; 新华村3组12号 or 户主…住新华村3组 is where someone lives
            expl = {"pattern": "住址（行政区划+村组门牌）", "validation": "含门牌/村组" if house else "行政区划链"}
            if word:
                expl["context"] = word
            if role:
                expl["role"] = role
            yield _emit(rule, block, start, end, pctx, strong=bool(word or role), confidence=0.9 if word else 0.8,
                        explanation=expl)


@lru_cache(maxsize=1)
def _labels() -> tuple[regex.Pattern, frozenset[str]]:
    """(pattern of every place or home label, set of the place labels)."""
    lex = lexicon()
    words = sorted(set(lex.place_labels) | set(lex.home_labels), key=len, reverse=True)
    return regex.compile("|".join(map(regex.escape, words))), frozenset(lex.place_labels)


#: A plain address label (地址、联系地址、通讯地址): a place when its sentence names an office.
_PLAIN_ADDRESS = regex.compile(r"(?:联系|通讯|通信)?地址[：:]?\s*$")
#: How many paragraphs before an address that is a paragraph of its own a column label is looked for.
LABEL_REACH = 60


def _place_address(doc: Document, texts: list[str], block: Block, text: str, start: int, end: int) -> bool:
    """The address is a place's, not a person's home (issue #16), by the nearest label before it:
    a place label (经营场所、站点地址、坐落…) in its paragraph — or, for an address that is a paragraph
    of its own (a table cell of a flattened page), in the paragraphs before it — and no home label
    (住址、家住…) nearer; or a plain 地址 in a sentence that names an office and no private person."""
    label_re, places = _labels()
    found = None
    for m in label_re.finditer(text, 0, start):
        found = m.group()
    if found is None and not text[:start].strip():
        index = block.index
        for i in range(index - 1, max(-1, index - LABEL_REACH), -1):
            hits = [m.group() for m in label_re.finditer(texts[i])]
            if hits:
                found = hits[-1]
                break
    if found is not None:
        return found in places
    near = text[max(0, start - NEAR_WINDOW):start]
    if _PLAIN_ADDRESS.search(near):
        lo = max(0, start - 40)
        ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
        sentence = text[ends[-1] if ends else lo:end + 20]
        lex = lexicon()
        return any(w in sentence for w in lex.office_words if len(w) > 1) and not _private_signal(sentence)
    return False


# -- D110 健康信息 ---------------------------------------------------------------------------------

def _health(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    lex = lexicon()
    person_blocks = _blocks_about_persons(doc, ctx, pctx)
    # only a health column's cells and the blocks about a person can yield anything
    chosen = set(person_blocks)
    chosen.update(i for i, col in pctx.columns.items() if col[0] == "health_info")
    for block in _in_parts(rule, doc, sorted(chosen)):
        text = block.text
        if len(text) < 2:
            continue
        col = pctx.columns.get(block.index)
        if col and col[0] == "health_info":
            if text.strip() and not _NOTHING.fullmatch(text):
                s, e = _TRIMMED.search(text).span()
                yield _emit(rule, block, s, e, pctx, strong=True, confidence=0.85,
                            explanation={"pattern": "健康信息", "validation": "表格健康栏", "header": col[1]})
            continue
        if block.index not in person_blocks:
            continue  # a policy sentence about 大病救助 names no one
        for m in lex.health_matches(text):
            yield _emit(rule, block, m.start(), m.end(), pctx, strong=True, confidence=0.8, explanation={
                "pattern": "健康信息（诊断、残疾等级、病历）", "validation": "医学术语", "context": "同段/同行有个人信息"})


def _blocks_about_persons(doc: Document, ctx: Context, pctx: PersonalContext) -> set[int]:
    """Blocks (and whole table rows) that name or identify a private person."""
    found = {f[0].index for f in ctx.fact(name_findings)}
    for index, ids in ctx.fact(id18_matches).items():
        if index not in found and any(valid for _, _, _, valid in ids):
            found.add(index)
    for idx in list(found):
        b = doc.blocks[idx]
        if b.table is not None and (b.table, b.row) in pctx.rows:
            found.update(pctx.rows[(b.table, b.row)])
    return found


# -- D112 即时通信账号 ---------------------------------------------------------------------------

#: A QQ number (5–11 digits, no leading 0) or a WeChat ID (a letter, then 6–20 letters, digits, - _)
#: after its name; a QQ 群 (group) is a channel, not a person's account.
IM_ACCOUNT = regex.compile(r"(?:QQ|qq|ＱＱ|Qq)(?!群)(?:号码|号)?[：:\s]{0,3}([1-9]\d{4,10})(?!\d)"
                        r"|微信(?!群|公众号)(?:号)?[：:\s]{0,3}([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")


def _im_accounts(rule, doc, ctx) -> Iterator[Finding]:
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    for block in rule.blocks(doc):
        text = texts[block.index]
        if "QQ" not in text and "qq" not in text and "ＱＱ" not in text and "Qq" not in text and "微信" not in text:
            continue
        for m in IM_ACCOUNT.finditer(text):
            g = 1 if m.group(1) else 2
            start, end = m.start(g), m.end(g)
            if _masked_around(text, start, end):
                continue
            public, personal = _phone_context(text, start, block, pctx)
            if public and not personal:
                continue  # 监督QQ、办公室微信号: the office's channel
            staff = personal is not None and personal[0] == "role" and _staff_contact(text, personal[1], start)
            expl = {"pattern": "QQ号码" if g == 1 else "微信号", "validation": "账号格式"}
            if personal:
                expl[personal[0]] = personal[1]
            yield _emit(rule, block, start, end, pctx, strong=False, confidence=0.8 if personal else 0.6,
                        explanation=expl, cap=None if personal and not staff else Severity.INFO)


# -- the rules --------------------------------------------------------------------------------------

def _rule(code, kind, func, message, doc, fires, silent, *, severity=Severity.ERROR, priority=0, basis=ON_REQUEST,
          prepare=None):
    return FunctionRule(code=code, category="personal_data", kind=kind, severity=severity, message=message,
                        basis=basis, doc=doc, fires=fires, silent=silent, priority=priority, func=in_properties(func),
                        prepare=prepare)


ID_CARD = _rule(
    "D101", "id_card", _id_cards, "公民身份号码（校验位正确）",
    "公民身份号码属于个人隐私，公开后可能导致个人合法权益受侵害，主动公开前须删除或遮蔽（区分处理）。"
    "18 位号码须 GB 11643 校验位正确且出生日期合理；身份证号栏或“身份证号”字样后的号码校验位不符也报告（录入错误仍是他人号码）；"
    "15 位旧号码只在有身份证上下文时报告。统一社会信用代码、项目编码、发文字号、金额不会误报，已遮蔽的号码（5202**********3419）不报告。",
    ["申请人身份证号：11010519491231002X。", "身份证号码11010519491231002x",
     "户主李四，公民身份号码 520221 19900307 2372，现住新华村。",
     with_properties("关于发放补贴的通知", custom={"申请人身份证号": "11010519491231002X"})],
    ["项目编码：520221202500123456。", "身份证号：110105********002X", "110105194912310021",
     "统一社会信用代码：91520221MA6DXXXX1K"],
    priority=10,
)
MOBILE_RULE = _rule(
    "D102", "mobile", _mobiles, "手机号码",
    "个人手机号码属于个人隐私（《勺米镇政民互动管理制度》第五条：来信人的姓名、电话、住址应予保密）。"
    "角色词（申请人、来信人、联系人…）或表格联系电话栏后的号码为错误；无上下文的手机号码为警告。"
    "紧跟投诉举报电话、值班电话、监督电话等公开热线字样的号码、列在机关或乡镇名称后的号码是机关公开的联系方式，不报告；"
    "咨询电话、服务电话为手机号码时只作提示（info）：宜改用办公电话，或确认是公务号码。",
    ["来信人王五，联系电话：13885811234。", "联系电话：13885811234",
     with_properties("关于道路维修的回复", core={"description": "来信人王五，电话13885811234"})],
    ["监督电话：13885811234", "值班电话 138-8581-1234（24小时）", "联系电话：138****1234",
     with_properties("关于道路维修的通知", custom={"监督电话": "13885811234"})],
    priority=6, basis=INTERACTION,
)
LANDLINE_RULE = _rule(
    "D103", "landline", _landlines, "个人固定电话",
    "固定电话多为机关公开的办公电话；只有在角色词（申请人、户主、来信人…）、家庭电话/住宅电话字样或个人信息表格的电话栏之后，"
    "固定电话才是个人信息，须删除或遮蔽（《勺米镇政民互动管理制度》第五条）。监督电话、值班电话、咨询电话等公开热线，"
    "以及通知附注中机关联系人（联系人、经办人）的办公电话不报告。",
    ["来信人张三，家庭电话0858-8123456。", "申请人李四（住宅电话：(0858)8123456转12）"],
    ["监督电话：0858-8123456", "镇党政办联系电话：0858-8123456。", "项目总投资12345678元。",
     "（联系人：李明；联系电话：0858-8123456）"],
    priority=4, basis=INTERACTION,
)
BANK_CARD = _rule(
    "D104", "bank_card", _bank_cards, "银行卡号（Luhn 校验通过）",
    "银行卡号属于个人隐私。16–19 位数字须通过 Luhn 校验，并有卡号/账号/开户行等上下文或 62 开头的银联卡号；"
    "同为 18 位且是有效公民身份号码的，按身份证号（D101）报告，不重复报告；统一社会信用代码、项目编码不报告。",
    ["补贴发放至户主银行卡号 6222 0212 3456 7894。", "惠民一卡通账号：6217002870012345672"],
    ["项目编码：6222021234567897", "卡号：6222 **** **** 7897", "11010519491231002X"],
    priority=5,
)
EMAIL_RULE = _rule(
    "D105", "email", _emails, "个人电子邮箱",
    "个人电子邮箱属于个人信息。机关公开的邮箱（.gov.cn 等域名，监督邮箱、举报邮箱、投稿邮箱、申请电子邮件地址等字样之后，"
    "或以本段所列办公电话号码命名的邮箱）不报告。",
    ["来信人邮箱：zhangsan1990@qq.com", "请联系 lisi_88@163.com 核实。"],
    ["举报邮箱：jubao@126.com", "电子邮箱：smzdzb@shaomi.gov.cn", "申请电子邮件地址：hyzx2026@163.com",
     "电话：0858-82436243；电子邮箱：82436240@163.com"],
    severity=Severity.WARNING, priority=3, basis=INTERACTION,
)
PASSPORT_RULE = _rule(
    "D106", "passport", _passports, "护照/通行证号码",
    "护照、港澳台通行证号码属于个人身份信息。字母+7–8 位数字的号码只在护照/通行证字样、护照号栏或角色词之后报告，"
    "以免把型号、批次号当作证件号。",
    ["申请人护照号码：E12345678", "当事人持港澳通行证，证件号C12345678。"],
    ["产品型号E12345678", "高铁G1234次", "护照号：E1*****78"],
    priority=3,
)
PLATE_RULE = _rule(
    "D107", "license_plate", _plates, "机动车号牌",
    "私人车辆号牌可识别车主，属于个人信息，公开前须遮蔽；含新能源汽车号牌（6 位序号，D/F 字母）。公务用车、执法车辆的号牌不报告。",
    ["当事人驾驶贵B·12345号小型轿车。", "车主车牌号：贵AD12345"],
    ["贵州省乡村振兴局", "公务用车贵A12345已按规定处置。", "车牌号：贵B***45"],
    severity=Severity.WARNING, priority=3,
)
NAME_RULE = _rule(
    "D108", "person_name", _names, "个人姓名",
    "申请人、当事人、户主、来信人、联系人、村民等私人的姓名属于个人隐私（《勺米镇政民互动管理制度》第五条），"
    "主动公开前须遮蔽（如 张三丰 遮蔽为 张**，姓之外每字一个*）。姓名依据：姓氏词表与 jieba 分词（spaCy 管道），并须有上下文：角色词、姓名栏、并列、性别或“反映/来信”等行为词。"
    "以职务称谓出现的公职人员（镇长杨明、杨明同志）和已遮蔽的姓名（张*、张某某）不报告。"
    "机关联系人、经办人（通知附注中的联系人：李明）是有意公开的机关联系方式，不报告；"
    "公示、名单依法公开其名单（表格、名单栏、任前公示的简历条目）中的姓名，不报告，"
    "但同一行或同一条目中另有身份证号、手机号、门牌户号、住址或健康信息的，姓名仍报告。"
    "姓名须是分词的整词或处于姓名位置，不从词语中截取（区交建局、白名单、向我委）。",
    ["来信人王小明反映道路破损。", "户主：陈建国", "村民张三丰、李四海反映用水困难。"],
    ["镇长杨明主持会议。", "申请人张某某提交了申请。", "杨明同志任勺米镇党委委员。", "申请人于本月提交材料。",
     "（联系人：李明；联系电话：0858-8123456）", "驾驶员向我委申请通行证。"],
    priority=2, basis=INTERACTION, prepare=prepare_names,
)
ADDRESS_RULE = _rule(
    "D109", "address", _addresses, "个人住址",
    "私人住址（省…村/组/号）属于个人隐私（《勺米镇政民互动管理制度》第五条）。报告含村组、门牌的地址链，"
    "以及住址、家住、户籍地等字样或住址栏之后的地址；机关的办公地址、受理地点和不含门牌的地名不报告。"
    "地址前最近的标签是经营场所、站点地址、项目地点、坐落等场所标签的（开业登记公告的经营场所、回收点、项目、不动产），"
    "以及所在句子提到机关而无私人信息的“地址：”，是场所而非住所，不报告。",
    ["来信人家住勺米镇新华村3组12号。", "住址：贵州省六盘水市钟山区大河镇周家村"],
    ["办公地址：勺米镇人民政府大楼三楼", "新华村3组道路硬化工程已完工。", "地址：勺米镇新华村村委会",
     "经营场所：大河镇新华路97号", "不动产坐落：勺米镇幸福小区5栋301室"],
    priority=1, basis=INTERACTION,
)
HEALTH_RULE = _rule(
    "D110", "health_info", _health, "个人健康信息",
    "个人的疾病诊断、残疾等级、病历属于个人隐私中的敏感信息，与姓名、身份证号同段或同一表格行出现时报告；"
    "不指向具体个人的政策表述（如“对患重大疾病的困难群众给予救助”）不报告。",
    ["户主王小明患尿毒症，长期透析。", "申请人李四海，肢体残疾二级。"],
    ["对患重大疾病的困难群众给予临时救助。", "做好残疾人两项补贴发放工作。"],
    priority=1, prepare=prepare_names,
)

IM_RULE = _rule(
    "D112", "im_account", _im_accounts, "个人即时通信账号（QQ号、微信号）",
    "QQ号、微信号是可识别个人的网络账号（个人信息），个人的账号公开前须删除或遮蔽，宜改用机关的办公电话或邮箱。"
    "角色词（申请人、来信人…）之后的账号为警告；机关联系人的账号只作提示（info）；QQ群、微信公众号和监督、举报等公开渠道不报告。",
    ["来信人王五，QQ：603718640。", "申请人李四，微信号：lisi_2026"],
    ["监督举报QQ：603718640", "欢迎加入QQ群：603718640", "微信公众号：shaomizhen", "QQ：60****640"],
    severity=Severity.WARNING, priority=2, basis=INTERACTION,
)

RULES = [ID_CARD, MOBILE_RULE, LANDLINE_RULE, BANK_CARD, EMAIL_RULE, PASSPORT_RULE, PLATE_RULE, NAME_RULE,
         ADDRESS_RULE, HEALTH_RULE, IM_RULE]
