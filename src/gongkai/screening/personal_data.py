"""Personal data (D101–D110, D112): the declarations' hooks, and the rules built from them.

Each kind is declared in ``data/recognizers.yaml`` (patterns with scores, validator, context
words, deny lists, severity policy) and run by one engine (``recognizers.py``). What is not a
list of words is a named hook here, which a declaration refers to by name (:data:`HOOKS`):

* ``phone_owner``: whose number or account it is — a table's phone column, a private-phone word
  (家庭电话), the nearer of a role word (申请人…) and a published-hotline word (监督电话…) in the
  sentence before it, an office named before the phone word (镇党政办联系电话), a list of offices'
  lines (苏澳镇138…);
* ``staff_contact``: 联系人/经办人 in a published notice is the office's staff contact unless its
  sentence speaks about a private person;
* tests (``id_birth``, ``identity_number``, ``office_mailbox``…) a declaration names in
  ``requires``, ``excludes``, ``public_if`` or to pick a pattern's name or validation text;
* sources, for kinds found by a procedure rather than a pattern: ``names`` (the spaCy name
  pipeline, name columns, 公示 lists: D108), ``addresses`` (address chains, place labels: D109),
  ``health`` (diagnoses in blocks about a person: D110).

The document's property values (标题、备注、单位、custom properties) are read the same way
(properties.py), with the property's name as the context word. Findings of documents labelled
依申请公开/不予公开 are downgraded (the text is not published as it stands).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Iterator, NamedTuple

import regex

from ..engine import Context
from ..memo import text_cache
from ..models import Block, Document
from .context import DETAIL_AFTER, DETAIL_WORDS, MASK_CHARS, VILLAGE_WORDS, PersonalContext, last_word, lexicon, occurs, personal_context
from .recognizers import (
    Candidate, Hooks, Span, declarations, half_texts, joined_texts, load, masked_around, numeric_blocks, role_in,
)
from .validators import gb11643_valid, plausible_birth, uscc_valid

log = logging.getLogger(__name__)

ROLE_WINDOW = 24
NEAR_WINDOW = 12


def _pctx(doc: Document, ctx: Context) -> PersonalContext:
    return ctx.fact(personal_context)


def _in_parts(rule, doc: Document, indexes) -> list[Block]:
    """The blocks of ``indexes`` (ascending) that ``rule`` reads (all, or those of its parts)."""
    blocks = doc.blocks
    if rule.parts is None:
        return [blocks[i] for i in indexes]
    return [blocks[i] for i in indexes if blocks[i].part in rule.parts]


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


def _staff_name(text: str, name) -> bool:
    """The name (a NameSpan) is an office's staff contact: after 联系人/经办人 (its role word, or in
    its sentence before it: 联系人：镇应急办 林美娇，联系电话…) in a sentence about no private person."""
    if name.context in ("role", "enumeration"):
        role = name.word
    elif name.context in ("detail", "paragraph"):
        before = _sentence_before(text, name.start)
        role = next((w for w in STAFF_ROLES if w in before), None)
    else:
        return False
    return _staff_contact(text, role, name.start)


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
    col = pctx.columns.get(block.index)
    header = col[1] if col and col[0] == "phone" else None
    if header:
        return None, ("header", header)
    near = text[max(0, start - NEAR_WINDOW):start]
    private = next((w for w in _words()["private_phone_words"] if w in near), None)
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


@lru_cache(maxsize=1)
def _words() -> dict:
    """The word lists shared by the declarations (``words:`` in recognizers.yaml)."""
    return declarations()["words"]


@lru_cache(maxsize=1)
def _private_phone_re() -> regex.Pattern:
    return occurs(_words()["private_phone_words"])


@lru_cache(maxsize=1)
def _role_occurs() -> regex.Pattern:
    return occurs(lexicon().role_words)


def _about_person(text: str, block: Block, pctx: PersonalContext) -> bool:
    """D103 reads a block only when something in it can make a landline a person's: a personal
    column, a role word or a private-phone word."""
    return bool(pctx.columns.get(block.index) or _role_occurs().search(text) or _private_phone_re().search(text))


PUBLIC_DOMAINS = regex.compile(r"(?:\.gov\.cn|\.gov|\.org\.cn|\.edu\.cn)$", regex.I)
PASSPORT_STRICT = regex.compile(r"^(?:E[A-HJ-NP-Z0-9]\d{7}|G\d{8})$")
_SPACES = regex.compile(r"\s")
_NON_DIGIT = regex.compile(r"\D")
_PLATE_SEP = regex.compile(r"[·•.\s]")


def _identity_number(c: Candidate) -> bool:
    """18 digits that are a valid ID number or 统一社会信用代码, or 17 that are an ID number cut before its X."""
    digits = c.value
    if len(digits) == 18:
        return gb11643_valid(digits) or uscc_valid(digits)
    return len(digits) == 17 and gb11643_valid(digits + "X")


def _office_mailbox_test(c: Candidate) -> bool:
    return _office_mailbox(c.text, c.m, c.near(ROLE_WINDOW))


#: Tests a declaration names (requires, excludes, public_if, or a {test: text} choice).
TESTS = {
    "id_birth": lambda c: c.value[:2].isdigit() and plausible_birth(c.value[6:14]),
    "mobile": lambda c: MOBILE.fullmatch(c.value) is not None,
    "area_code": lambda c: c.value[:1] in "0(（",
    "owner_header": lambda c: c.personal is not None and c.personal[0] == "header",
    "not_card_length": lambda c: not 15 <= len(c.value) <= 19,
    "card_length": lambda c: 16 <= len(c.value) <= 19,
    "identity_number": _identity_number,
    "bin62": lambda c: c.value.startswith("62"),
    "public_domain": lambda c: PUBLIC_DOMAINS.search(c.value.rsplit("@", 1)[1]) is not None,
    "office_mailbox": _office_mailbox_test,
    "passport_after_role": lambda c: bool(c.role and PASSPORT_STRICT.match(c.value)),
    "new_energy": lambda c: len(c.value) == 8,
    "qq": lambda c: c.group == 1,
}

#: What a match stands for, by name (a declaration's ``value``).
VALUES = {
    "no_spaces": lambda v: _SPACES.sub("", v),
    "digits": lambda v: _NON_DIGIT.sub("", v),
    "no_separators": lambda v: _PLATE_SEP.sub("", v),
}


# -- facts other rules share ----------------------------------------------------------------------

_SIX_DIGITS = regex.compile(r"\d{6}")
#: Four digits, a space, four digits: the start of an ID18 written in groups of four.
_FOUR_GROUPS = regex.compile(r"\d{4}\s\d{4}")


def id18_matches(doc: Document, ctx: Context) -> dict[int, list[tuple[int, int, str, bool]]]:
    """(start, end, digits, GB 11643-valid) of every ID18 match, by block index (a per-document fact).

    D110 and the 公示 lists ask which blocks hold a valid one (a block about a person).
    """
    out = {}
    for block, text in ctx.fact(numeric_blocks):
        if len(text) < 18 or not (_SIX_DIGITS.search(text) or _FOUR_GROUPS.search(text)):
            continue  # ID18 needs 18 characters, six digits in a row or two groups of four among them
        found = []
        for m in ID18.finditer(text):
            value = _SPACES.sub("", m.group())
            if len(value) == 18:
                valid = gb11643_valid(value)
                if m.group("grouped") and not valid:
                    continue  # grouped by four and not an ID: a card or an account number (D104's)
                found.append((m.start(), m.end(), value, valid))
        if found:
            out[block.index] = found
    return out


_HAN_RUN = regex.compile(r"\p{Han}{2,4}")
_TRIMMED = regex.compile(r"\S.*\S|\S", regex.S)
_LOCALITY = regex.compile(r"村|社区|小区|组|路|街|巷")
_NOTHING = regex.compile(r"[\s无否—\-/]*|健康|正常")


# -- D108 姓名 -------------------------------------------------------------------------------------

_NAME_EVIDENCE = {"token": "分词为未登录词", "dict_nr": "词典人名", "surname+given": "姓氏+名字",
                  "unlisted_surname": "姓氏表外，角色词后两三字"}
_NAME_CONTEXT = {"role": "角色词", "enumeration": "并列", "gender": "性别", "cue": "行为词", "paragraph": "同段有角色词",
                 "salutation": "答复的称呼", "detail": "后接身份证号、电话或住址", "household": "村组之后的户主"}


def _name_plan(doc: Document, ctx: Context) -> tuple[list[tuple[Block, int, int, bool, float, dict]], list[Block]]:
    """The names of the document's name columns, and the blocks the name pipeline must read."""

    pctx = _pctx(doc, ctx)
    listed = []
    pending: list[Block] = []
    columns = pctx.columns
    # the role part of _name_cue, asked of all the blocks at once (the half-width texts: no role
    # word, gap or surname holds a character HALF changes)
    roles = ctx.fact(joined_texts).matching(_cue_parts().role)
    for block in doc.blocks:
        text = block.text
        if len(text) < 2:
            continue
        col = columns.get(block.index)
        if col and col[0] == "person_name":
            for start, end, known in _column_names(text):
                listed.append((block, start, end, True, 0.9 if known else 0.75,
                               {"pattern": "姓名（姓名栏中的两至四字）", "validation": "常见姓氏" if known else "姓氏表外",
                                "header": col[1]}))
            continue
        if block.index in roles or _other_cue(text):
            pending.append(block)
    return listed, pending


#: The pieces of a name column's cell: one name each, between separators (林美娇、陈德福; 林美娇（户主）).
_CELL_PIECE = regex.compile(r"[^、，,；;/／\s（）()【】\[\]：:]+")
#: A name of a minority people, its parts joined by a middle dot (阿卜杜·热合曼).
_DOTTED_NAME = regex.compile(r"\p{Han}{1,8}(?:[·•．]\p{Han}{1,8})+")


def _column_names(text: str) -> list[tuple[int, int, bool]]:
    """The names in a cell of a name column, as (start, end, surname listed): each piece that is
    two to four Han characters or a dotted name, and no word tables put in that column (合计,
    小计, 以上, 本人…); one whose surname is not listed must be no dictionary word either (暂缺)."""
    from .names import split_name
    from ..segmentation import dictionary

    lex = lexicon()
    out = []
    for m in _CELL_PIECE.finditer(text):
        piece, start, end = m.group(), m.start(), m.end()
        if masked_around(text, start, end) or "某" in piece or piece in lex.name_column_words:
            continue
        if _DOTTED_NAME.fullmatch(piece):
            out.append((start, end, False))
        elif _HAN_RUN.fullmatch(piece):
            if split_name(piece) is not None:
                out.append((start, end, True))
            elif not dictionary().tags.get(piece, "nr").startswith("nr"):
                continue  # an ordinary word (暂缺)
            else:
                out.append((start, end, False))
    return out


def _name_spans(pending: list[Block], found) -> list[tuple[Block, int, int, bool, float, dict]]:
    """name_findings entries for the names the pipeline found in the ``pending`` blocks."""
    out = []
    for block, spans in zip(pending, found, strict=True):
        for s in spans:
            expl = {"pattern": "姓名（姓氏+名）", "validation": _NAME_EVIDENCE[s.evidence],
                    "context_rule": _NAME_CONTEXT[s.context]}
            if s.word:
                expl["context"] = s.word
            if _staff_name(block.text, s):
                continue  # an office's 联系人/经办人, published on purpose (issue #16)
            # a count closing a list (林美娇、陈德福等2户) says they are people as surely as a role word
            counted = s.context == "cue" and (s.word or "").startswith("等")
            strong = (s.context not in ("cue", "paragraph", "salutation") or counted) \
                and s.word not in lexicon().name_only_roles
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


#: What after a name makes a paragraph worth reading for names: an action or a salutation (反映、来信、
#: 先生…), literal text,
_CUES = ("反映", "来信", "来电", "投诉", "举报", "先生", "女士", "之子", "之女", "等人", "夫妇", "申请", "信访", "诉求")
#: The rarer cues below are each looked for as a substring before their pattern runs: every literal
#: added to the alternation above costs every paragraph (benchmarks/screening_speed.py).
#: ... the person a paragraph opens by addressing (王秀兰同志：你于…, 柯文静：因你…),
_ADDRESS = r"同志[：:]|[：:]因?[你您]"
#: ... a private detail labelled right after the name (context.DETAIL_AFTER),
#: ... or a count that closes a list of people (林美娇、陈德福等2户; not 王挥等30名同志, honoured).
_COUNT = r"等\d+(?:人|户|名)(?!同志)"


class _Cues(NamedTuple):
    """The patterns that choose the paragraphs worth segmenting for names (_name_cue). Each cue
    after a name has a cheap pattern without the name (a literal set, a literal prefix) that runs
    first and the full one that runs only where the cheap one matched."""

    role: regex.Pattern  # a role word, then a surname
    gender: regex.Pattern  # 陈建国，男
    action: regex.Pattern  # a surname and 1–3 characters, then an action cue
    action_words: regex.Pattern
    address: regex.Pattern  # a surname and 1–3 characters, then 同志： / ：你…
    address_words: regex.Pattern
    detail: regex.Pattern  # a surname and 1–3 characters, then （身份证号 / 家住…
    count: regex.Pattern  # a surname and 1–3 characters, then 等N户
    count_words: regex.Pattern
    household: regex.Pattern  # a village, a surname and 1–3 characters, then 户


@lru_cache(maxsize=1)
def _cue_parts() -> _Cues:
    lex = lexicon()
    first = "".join(sorted(lex.surname_firsts))
    words = "|".join(map(regex.escape, _CUES))
    return _Cues(
        role=occurs(set(lex.role_words) | set(lex.name_only_roles), rf"[：:\s为是系即\"“（(]*[{first}]"),
        gender=regex.compile(r"\p{Han}[，,（(、\s]{1,2}[男女](?:[，,）)、\s]|$)"),
        action=regex.compile(rf"[{first}]\p{{Han}}{{1,3}}(?:{words})"),
        action_words=regex.compile(words),
        address=regex.compile(rf"[{first}]\p{{Han}}{{1,3}}(?:{_ADDRESS})"),
        address_words=regex.compile(_ADDRESS),
        detail=regex.compile(rf"[{first}]\p{{Han}}{{1,3}}{DETAIL_AFTER}"),
        count=regex.compile(rf"[{first}]\p{{Han}}{{1,3}}{_COUNT}"),
        count_words=regex.compile(_COUNT),
        household=regex.compile(rf"(?:{'|'.join(VILLAGE_WORDS)})[{first}]\p{{Han}}{{1,3}}户"),
    )


@text_cache(maxsize=16384)
def _name_cue(text: str) -> bool:
    """Paragraphs worth segmenting: a role word followed by a surname, a gender, an action cue after a name.

    Plain substring tests come first (C speed); the regular expressions run only where they may match.
    Cached by text, like the names themselves: documents repeat their boilerplate paragraphs.
    """
    return bool(_cue_parts().role.search(text)) or _other_cue(text)


@text_cache(maxsize=16384)
def _other_cue(text: str) -> bool:
    """_name_cue's parts other than role words (those are asked of a document's blocks at once):
    a gender, an action cue, a salutation, a labelled detail, a count closing a list, a household
    after its village, a short line ending in a colon (the addressee of a 公告送达: 柯文静：)."""
    cues = _cue_parts()
    return bool((("男" in text or "女" in text) and cues.gender.search(text))
                or (cues.action_words.search(text) and cues.action.search(text))
                or (("你" in text or "您" in text or "同志" in text) and cues.address_words.search(text)
                    and cues.address.search(text))
                or (any(map(text.__contains__, DETAIL_WORDS)) and cues.detail.search(text))
                or ("等" in text and cues.count_words.search(text) and cues.count.search(text))
                or ("户" in text and ("村" in text or "组" in text or "社区" in text or "居委会" in text)
                    and cues.household.search(text))
                or (len(text) <= 14 and text.rstrip()[-1:] in ("：", ":") and _addressee_line(text)))


def _addressee_line(text: str) -> bool:
    """A short line ending in a colon that is the name of a person addressed (柯文静：, the first
    line of a 公告送达), as the name rules read it; not an office (国务院：, 附件：)."""
    from .names import opens_by_addressing

    return opens_by_addressing(text)


def _names(rule, doc, ctx) -> Iterator[Span]:
    """D108's source: the document's name findings (a fact shared with D110) within the rule's parts."""
    wanted = set(id(b) for b in rule.blocks(doc)) if rule.parts is not None else None
    for entry in ctx.fact(name_findings):
        if wanted is None or id(entry[0]) in wanted:
            yield entry


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


#: A house number (3组, 12号), found by its unit (see context.occurs: the class first, then a lookbehind).
_HOUSE_HINT = regex.compile(r"[组号栋幢元室户](?<=(?:\d|[一二三四五六七八九十])(?:组|号|栋|幢|单元|室|户))")


@lru_cache(maxsize=1)
def _address_words_re() -> regex.Pattern:
    return occurs(lexicon().address_context)


def _address_hint(text: str) -> bool:
    """A house number (3组, 12号) or an address word (住址, 家住) in ``text``."""
    return bool(_HOUSE_HINT.search(text) or _address_words_re().search(text))


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


def _trim_address(text: str, m: regex.Match) -> int:
    """Where the address match ``m`` in ``text`` really starts: after a context or role word
    swallowed by its first segment, or one it begins inside (住|址勺米镇: 住 may not start an
    address, so the match starts at 址)."""
    value, start = m.group(), m.start()
    unit = _FIRST_UNIT.search(value)
    head = value[:unit.start()] if unit else value
    cut = 0
    for w in _trim_re().finditer(head):
        cut = w.end()
    if cut == 0:
        cut = _straddling_word_end(text, start)
    return start + cut


def _straddling_word_end(text: str, start: int) -> int:
    """How far into the match at ``start`` a context word reaches that began before it (0: none)."""
    for word in _address_words():
        for k in range(1, len(word)):
            if start - k >= 0 and text.startswith(word, start - k):
                return len(word) - k
    return 0


@lru_cache(maxsize=1)
def _address_words() -> tuple[str, ...]:
    """The lexicon's address words, longest first (住址 before 住)."""
    return tuple(sorted(lexicon().address_context, key=len, reverse=True))


def _addresses(rule, doc, ctx) -> Iterator[Span]:
    """D109's source: a 住址 column's cells, and address chains with a house number or an address word."""
    pctx = _pctx(doc, ctx)
    texts = ctx.fact(half_texts)
    joined = ctx.fact(joined_texts)
    hinted = joined.matching(_HOUSE_HINT) | joined.matching(_address_words_re())
    for block in rule.blocks(doc):
        text = texts[block.index]
        if len(text) < 4:
            continue
        col = pctx.columns.get(block.index)
        header = col[1] if col and col[0] == "address" else None
        if not header and block.index not in hinted:
            continue  # no house number, no 住址/家住: nothing the rule would report
        if header and _HAN_RUN.search(text) and not any(c in MASK_CHARS for c in text):
            s, e = _TRIMMED.search(text).span()
            yield block, s, e, True, 0.9, {"pattern": "住址", "validation": "表格住址栏", "header": header}
            continue
        for m in _address_matches(text):
            found = _home_address(doc, texts, block, text, m)
            if found is not None:
                yield found


def _home_address(doc: Document, texts: list[str], block: Block, text: str, m) -> Span | None:
    """The address match as a person's home, or None (an office's address, a place, a bare place name)."""
    start, end = _trim_address(text, m), m.end()
    value = text[start:end]
    if len(value) < 5 or masked_around(text, start, end):
        return None
    near = text[max(0, start - NEAR_WINDOW):start]
    if ORG_AFTER.match(text[end:end + 8]) or (not any(w in near for w in lexicon().address_context)
                                             and (_hotline(near) or _office_subject(near + "地址"))):
        return None  # an office's address or a place, not where a person lives
    if _place_address(doc, texts, block, text, start, end):
        return None  # 经营场所：…, 站点地址 column, 地址 of an office: a place, not a home
    tail = near[-6:]
    word = next((w for w in _address_words() if w in tail or near.endswith(w)), None)
    role = role_in(text[max(0, start - ROLE_WINDOW):start])
    house = bool(HOUSE.search(value))
    if not word and not (DOOR.search(value) and _LOCALITY.search(value)) and not (house and role):
        return None  # 新华村3组 is a place; 新华村3组12号 or 户主…住新华村3组 is where someone lives
    expl = {"pattern": "住址（行政区划+村组门牌）", "validation": "含门牌/村组" if house else "行政区划链"}
    if word:
        expl["context"] = word
    if role:
        expl["role"] = role
    return block, start, end, bool(word or role), 0.9 if word else 0.8, expl


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

def _health(rule, doc, ctx) -> Iterator[Span]:
    """D110's source: a health column's cells, and health terms in blocks about a person."""
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
                yield block, s, e, True, 0.85, {"pattern": "健康信息", "validation": "表格健康栏", "header": col[1]}
            continue
        if block.index not in person_blocks:
            continue  # a policy sentence about 大病救助 names no one
        for m in lex.health_matches(text):
            yield block, m.start(), m.end(), True, 0.8, {
                "pattern": "健康信息（诊断、残疾等级、病历）", "validation": "医学术语", "context": "同段/同行有个人信息"}


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


# -- the rules --------------------------------------------------------------------------------------

#: The names the declarations refer to.
HOOKS = Hooks(
    owners={"phone_owner": _phone_context},
    tests=TESTS,
    block_checks={"about_person": _about_person},
    sources={"names": _names, "addresses": _addresses, "health": _health},
    prepares={"names": prepare_names},
    staff={"staff_contact": _staff_contact},
    values=VALUES,
)

RECOGNIZERS = load(HOOKS)
RULES = list(RECOGNIZERS.values())

# the declared patterns by name, for the hooks above and the tests and benchmarks
ID18, ID15 = (p.regex for p in RECOGNIZERS["D101"].patterns)
MOBILE = RECOGNIZERS["D102"].patterns[0].regex
LANDLINE = RECOGNIZERS["D103"].patterns[0].regex
BANK = RECOGNIZERS["D104"].patterns[0].regex
EMAIL = RECOGNIZERS["D105"].patterns[0].regex
PASSPORT = RECOGNIZERS["D106"].patterns[0].regex
PLATE = RECOGNIZERS["D107"].patterns[0].regex
PLATE_START = RECOGNIZERS["D107"].needs
IM_ACCOUNT = RECOGNIZERS["D112"].patterns[0].regex
