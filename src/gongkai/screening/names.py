"""Person names: a spaCy pipeline of two registered components over docs of jieba's words.

The pipeline is a blank ``zh`` language whose tokenizer makes one ``Doc`` per paragraph from the
words of gongkai's segmenter (:mod:`gongkai.segmentation`: jieba's dictionary plus the role
words, so 该户户主石世伟 segments right), and two components:

* ``gongkai_name_evidence`` reads the doc's tokens and proposes candidates from them: a token
  that starts with a surname and is not a common word of jieba's dictionary (张三丰, 王芳), a
  surname token followed by one or two given-name tokens (王 + 小二), or the characters right
  after a role word whatever the segmenter made of them (来信/人王/五). It leaves the tokens
  as it read them (words and offsets) with the candidates, character offsets that may cut a
  token, in ``doc._.name_candidates`` (a :class:`Paragraph`) for the next component.
* ``gongkai_name_context`` keeps a candidate only where the text says it is a private person —
  a role word before it (申请人、户主、来信人…), an enumeration continuing one (村民张三、李四), a
  gender after it (张三，男) or an action cue (张三反映…) — and drops officials named in their
  capacity (镇长杨明, 杨明同志) and masked names (张某、张*). The names it keeps are spans of
  ``doc.spans["names"]`` (label ``PERSON``; a token a name starts or ends inside is split so the
  span is exact), each with its :class:`Evidence` (how it was proposed, why it was kept, the
  context word, the confidence) in the span extension ``name_evidence``.

spaCy and the segmenter are loaded the first time a name rule needs them, once per process.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import NamedTuple

import regex

from .. import segmentation
from ..memo import TextMemo, key_of, text_cache
from .context import DETAIL_AFTER, MASK_CHARS, VILLAGE_WORDS, lexicon

log = logging.getLogger(__name__)

_HAN = regex.compile(r"^\p{Han}+$")
#: jieba POS tags of words that are never the given-name part of a name.
_NOT_GIVEN = frozenset("p c v vn t m q d r u f s ns nt x uj ul ad ag an dg e o y z vd".split())
_GENDER_AFTER = regex.compile(r"^[，,（(、\s]{0,2}[男女](?:[，,）)、\s]|$)")
#: (等N人/户/名 counts people, except those honoured or named in office: 王挥等30名同志入选…名单)
_CUE_AFTER = regex.compile(r"^(?:反映|来信|来电|来访|投诉|举报|称|诉称|家|户|之子|之女|之妻|之夫|等人|"
                           r"等\d+(?:人|户|名)(?!同志|专家|代表|委员|干部|党员|教师|医生|先进|优秀|获|荣获|被评|入选|进入)|先生|女士|夫妇|一家|"
                           r"本人|签名|签字|申请|提出的?申请|信访|的诉求|的信访|的来信|政府信息公开申请)")
#: A private detail labelled right after a name: 林美娇（身份证号：…）, 陈建国，联系电话…, 李四家住…
_DETAIL_AFTER = regex.compile(rf"^{DETAIL_AFTER}")
#: What may stand between two names of one list, read backwards from a name that closes it (等3户).
_LIST_SEP = regex.compile(r"^[、和及与]$")
_TITLE_AFTER = regex.compile(r"^(?:同志|院士|教授|研究员|专家|书记|主任|局长|镇长|县长|市长|部长|委员|代表|〔|\[|（\d{4}）)")
_HEAD_BEFORE = regex.compile(r"(?<!家)长$")
#: 先生/女士 and the colon of a salutation (李红梅女士：), after the name.
_SALUTATION = regex.compile(r"^(?:先生|女士)[：:，,\s]")
#: A paragraph that opens with a name and a colon, then addresses the person (林美娇：因你无法联系，
#: 现依法向你公告送达…) or ends there (the addressee line of a 公告送达 or a reply).
_ADDRESS_TAIL = r"[：:]\s*(?:$|(?:因|经|现|对)?(?:你|您))"
_ADDRESSEE = regex.compile(_ADDRESS_TAIL)
#: 同志 names an official (杨明同志主持会议) except in the salutation of a reply to a petitioner or
#: applicant: 王秀兰同志：你于3月12日来信反映的…, 您提出的政府信息公开申请… (《勺米镇政民互动管理制度》第五条).
_PETITIONER_SALUTATION = regex.compile(
    r"同志[：:]\s*(?:你|您)[^。！？\n]{0,40}?(?:来信|来访|来电|反映|投诉|举报|申请|诉求|信访|留言)")
_SEP = regex.compile(r"^[、，,和及与\s]{1,2}$")
#: What may stand between a role word and a name (申请人：、户主为…), stripped from the end of a
#: text with ``str.rstrip``: punctuation, 为是系即 and whitespace as ``regex``'s ``\s`` reads it.
_GAP_CHARS = "：:，,为是系即\"“”（(" + "".join(regex.findall(r"\s", "".join(map(chr, range(0x3001)))))

_LOCK = threading.Lock()
_NLP = None
#: Seconds spent building the pipeline (for benchmarks/screening_speed.py).
LOAD_SECONDS: float | None = None


class Evidence(NamedTuple):
    """Why a span of ``doc.spans["names"]`` is a name (the span extension ``name_evidence``)."""

    evidence: str  # how the candidate was proposed
    context: str  # role / enumeration / gender / cue
    word: str | None  # the context word (a role word, never the name itself)
    confidence: float


@dataclass(slots=True, unsafe_hash=True)
class NameSpan:
    """A name found in a paragraph: a value, never changed (not frozen, as Finding: cheaper to make)."""

    start: int
    end: int
    evidence: str  # how the candidate was proposed
    context: str  # role / enumeration / gender / cue
    word: str | None  # the context word (a role word, never the name itself)
    confidence: float


def _tags() -> dict[str, str]:
    """jieba's word → POS tag table."""
    return segmentation.dictionary().tags


@text_cache(maxsize=65536)
def split_name(text: str) -> tuple[str, str] | None:
    """(surname, given) when ``text`` reads as a Chinese name: a known surname and 1–2 given characters.

    Cached by text (the lexicon is fixed per process): the same words come up in every document.
    """
    lex = lexicon()
    if text in lex.not_names:
        return None
    for n in (2, 1):
        sur = text[:n]
        if (n == 2 and sur in lex.compound_surnames) or (n == 1 and sur in lex.surnames):
            given = text[n:]
            if 1 <= len(given) <= 2 and _HAN.match(given) and not any(ch in lex.name_stop for ch in given):
                return sur, given
    return None


@text_cache(maxsize=65536)
def _surname_token(t: str) -> bool:
    """A token of Han characters that starts with a surname (or is a compound one), by word."""
    lex = lexicon()
    return bool((t[:1] in lex.surnames or t[:2] in lex.compound_surnames or t in lex.compound_surnames)
                and _HAN.match(t))


@text_cache(maxsize=65536)
def _token_reading(t: str) -> tuple[tuple[str, int, str] | None, bool] | None:
    """What the evidence loop asks of a token, worked out once per word (the tables are fixed per process).

    None when the token is no Han token starting with a surname (_surname_token); else
    (whole, alone): ``whole`` is (name, length of the given name, evidence) when the token
    itself starts with a name that is no common word (a dictionary word only if tagged as a
    person's name), ``alone`` whether the token is just a surname (a given name may follow).
    """
    if not _surname_token(t):
        return None
    lex = lexicon()
    whole = None
    if len(t) >= 2 and (t[:1] in lex.surnames or t[:2] in lex.compound_surnames):
        tags = _tags()
        tag = tags.get(t)
        if tag is None or tag.startswith("nr"):
            name = _name_prefix(t)
            sur = name[:2] if name and name[:2] in lex.compound_surnames else (name or "")[:1]
            if name and not _common_word(tags, sur, name[len(sur):]) and not _fragment(t, name, sur, tag):
                whole = (name, len(name) - len(sur), "token" if tag is None else "dict_nr")
    return whole, t in lex.surnames or t in lex.compound_surnames


#: jieba tags of common nouns and verbs: a given name that is one of these words, used often
#: (名单, 保障), makes a dictionary "name" a word (白名单) rather than a person.
_COMMON_TAGS = frozenset(("n", "v", "vn", "an"))
COMMON_GIVEN = 500


def _fragment(token: str, name: str, sur: str, tag: str | None) -> bool:
    """The candidate is a piece of a word, not a name (issue #16): the rest of its token is the
    ending of an organisation's name (区交建 of 区交建局), or the token is a dictionary "name"
    whose given part is a frequent common word (白名单: 白 + 名单)."""
    return _org_ending(token[len(name):]) or (tag is not None and _common_given(name[len(sur):]))


def _org_ending(rest: str) -> bool:
    """``rest`` (what follows a candidate) starts with an organisation's ending (局, 委, 中心…)."""
    return bool(rest) and any(rest.startswith(w) for w in lexicon().org_suffixes)


def _common_given(given: str) -> bool:
    """A two-character "given name" that is a frequent common noun or verb (名单, 保障)."""
    return len(given) >= 2 and _tags().get(given) in _COMMON_TAGS and _freq(given) >= COMMON_GIVEN


@text_cache(maxsize=65536)
def _name_prefix(text: str) -> str | None:
    """The longest leading name in a token (李四家 → 李四), or None."""
    for size in (4, 3, 2):
        if len(text) >= size and split_name(text[:size]):
            return text[:size]
    return None


_ROLE_RANK: dict[str, int] | None = None
_ROLE_LENGTHS: tuple[int, ...] = ()


def _role_suffix(head: str) -> str | None:
    """The first role word, in the lexicon's order, that ``head`` ends with (one set test per word length)."""
    global _ROLE_RANK, _ROLE_LENGTHS
    if _ROLE_RANK is None:
        words = _name_roles()
        rank: dict[str, int] = {}
        for i, w in enumerate(words):
            rank.setdefault(w, i)
        _ROLE_LENGTHS = tuple(sorted({len(w) for w in words if w}))
        _ROLE_RANK = rank
    best = None
    for n in _ROLE_LENGTHS:
        if len(head) < n:
            break
        r = _ROLE_RANK.get(head[-n:])
        if r is not None and (best is None or r < best):
            best = r
    return None if best is None else _name_roles()[best]


def _name_roles() -> tuple[str, ...]:
    """The words a name may follow as a role: the role words, then those that make only the name a
    person's (施工负责人：周平)."""
    lex = lexicon()
    return lex.role_words + lex.name_only_roles


def _evidence_in(para: Paragraph, lex, tags) -> None:
    """The candidates of one paragraph (``para.cands``: start, end, evidence), in text order."""
    cands: list[tuple[int, int, str]] = []
    words = para.words
    para.roles = list(lex.role_re.finditer(para.text))  # read again by _anchored and the context component
    i = 0  # the first token a new candidate may start at
    # Only a token that starts with a surname's first character can be a Han token starting with a
    # surname (_surname_token): the loop visits those and skips what a candidate took in.
    first = lex.surname_firsts
    for k in [k for k, w in enumerate(words) if w[:1] in first]:
        if k < i:
            continue
        i = k
        reading = _token_reading(words[k])
        if reading is None:  # no Han token that starts with a surname
            continue
        whole, alone = reading
        found = _surname_and_given(para, k, cands, lex, tags) if alone else None
        if whole is not None and found is None:
            found = _whole_token(para, k, whole, lex, tags)
            if _frequent_nr(whole[0][:2]) and _in_phrase(para, found[0][0]):
                found = None  # 居民/文明/公约: a common word jieba tags as a name
        if found is not None:
            cand, i = found
            cands.append(cand)
    if para.roles:
        cands.extend(_anchored(para, {c[0] for c in cands}, lex, tags))
    spans = {c[:2] for c in cands}
    cands += [c for c in _placed(para.text) if c[:2] not in spans]
    cands.sort()
    para.cands = cands


#: A paragraph that opens by addressing someone: 尊敬的蒲海涛先生：…, 柯文静同志：…, 柯文静：因你…
_ADDRESSED = regex.compile(rf"^[\s“\"]*(?:尊敬的)?(\p{{Han}}{{2,4}}?)(?:(?:同志|先生|女士)[：:，,]|{_ADDRESS_TAIL})")


#: A village's household named by its head: 北厝村林阿水户 (which the segmenter may cut 北厝村林/阿/水户).
_HOUSEHOLD = regex.compile(rf"(?:{'|'.join(VILLAGE_WORDS)})(\p{{Han}}{{2,3}}?)户")


def _placed(text: str) -> list[tuple[int, int, str]]:
    """Candidates where a name stands by its place in the text, whatever the segmenter made of
    it: the name a paragraph opens by addressing (柯文/静/同志：) and a household's head after its
    village (北厝村林/阿/水户). Whether each is a private person is _context_in's to say. Ordinary
    words that start with a surname (付款方：, 高新区：你单位…, 新华村五保户) are none."""
    m = _ADDRESSED.match(text)
    found = [m.span(1)] if m is not None else []
    if "户" in text:
        found += [h.span(1) for h in _HOUSEHOLD.finditer(text)]
    return [(start, end, "surname+given") for start, end in found if _reads_as_name(text[start:end])]


def _reads_as_name(word: str) -> bool:
    """A listed surname and one or two characters that are no ordinary word (付款方, 五保户)."""
    parts = split_name(word)
    return parts is not None and not _common_word(_tags(), *parts, rare_ok=True) and not _common_given(parts[1])


def opens_by_addressing(text: str) -> bool:
    """The paragraph opens by addressing a person by name (柯文静：, 尊敬的蒲海涛先生：…, 王秀兰同志：…)."""
    m = _ADDRESSED.match(text)
    return m is not None and _reads_as_name(m.group(1))


def _whole_token(para: Paragraph, k: int, whole: tuple[str, int, str], lex, tags) -> tuple[tuple[int, int, str], int]:
    """(the candidate, the next token free) for token ``k`` that starts with a name (_token_reading)."""
    words, offs = para.words, para.offs
    name, given_len, evidence = whole
    end = offs[k] + len(name)
    nxt = words[k + 1] if k + 1 < len(words) and name == words[k] else None
    if (nxt is not None and given_len == 1 and len(nxt) == 1 and _HAN.match(nxt) and nxt not in lex.name_stop
            and (tags.get(nxt) or "nr")[:1] in ("n", "a", "z")):
        return (offs[k], offs[k + 1] + 1, evidence), k + 2  # 孙子 + 涛: the segmenter split a three-character name
    return (offs[k], end, evidence), k + 1


def _surname_and_given(para: Paragraph, k: int, cands: list, lex, tags) -> tuple[tuple[int, int, str], int] | None:
    """(the candidate, the next token free) for a token that is just a surname and the 1–2 characters
    of given name in the tokens after it, or None."""
    words, offs, text = para.words, para.offs, para.text
    idx, t = offs[k], words[k]
    stop = lex.name_stop
    # right after a role word (申请人李四海) the given name may be any word of 1–2 characters
    head = text[max(0, idx - 10):idx].rstrip(_GAP_CHARS)
    after_role = _role_suffix(head) is not None or bool(cands and _SEP.match(text[cands[-1][1]:idx]))
    given = ""
    j = k + 1
    while j < len(words) and len(given) < 2:
        nt = words[j]
        tag = tags.get(nt)
        if not _HAN.match(nt) or len(given) + len(nt) > 2 or any(ch in stop for ch in nt) \
                or (tag and (tag in _NOT_GIVEN or tag[0] in "pcvtmqdrufxyz")
                        and not (after_role and (tag[0] in "nasd" or (tag == "m" and len(nt) == 1)))):
            break
        given += nt
        j += 1
    if given and split_name(t + given) and not _common_word(tags, t, given):
        # the name ends where its last token ends (李 阳 with a space: the space is inside)
        return (idx, offs[j - 1] + len(words[j - 1]), "surname+given"), j
    return None


_GAP = regex.compile(r"[：:\s为是系即\"“（(]*")
_BAD_GIVEN = frozenset("t p c v vn r u f q ul uj ud ug uv uz".split())


def _common_word(tags, sur: str, given: str, rare_ok: bool = False) -> bool:
    """车牌号, 黄金: the candidate (or its first two characters) is an ordinary dictionary word.

    With ``rare_ok`` (right after a role word and before punctuation) a dictionary word that
    jieba has seen only a few times (陆金) still reads as a name; 方面 or 双方 do not.
    """
    for w in (sur + given, sur + given[:1] if len(sur) == 1 else None):
        tag = tags.get(w) if w else None
        if tag and not tag.startswith("nr") and not (rare_ok and _freq(w) < RARE_WORD):
            return True
    return False


#: How often jieba has seen a word it tags as a person's name (nr) before the word, as the first
#: half of a phrase of two words (居民文明公约, 学生明星评选, 居民康复中心), reads as a common word
#: it mis-tags rather than a name; before punctuation, a cue or one more character it is still a
#: name (李娜，女; 申请人向阳反映; 联系人孙子涛持护照).
NR_COMMON = 300


def _frequent_nr(word: str) -> bool:
    return _freq(word) >= NR_COMMON and _tags().get(word, "").startswith("nr")


def _in_phrase(para: "Paragraph", word_start: int) -> bool:
    """Whether the frequent "name" (_frequent_nr) of two characters at ``word_start`` is, as the
    segmenter read it, part of a phrase: the start of a longer common word (高峰期, 康复中心) or a word
    followed by a word of two or more characters that is no name and no cue (文明 + 公约, 明星 + 评选,
    顾问团 + 成立). Read otherwise (白/雪松, 李娜 + ，, 孙子 + 涛持, 向阳 + 反映) it may be a name.
    """
    i = bisect_left(para.offs, word_start)
    if i >= len(para.offs) or para.offs[i] != word_start or len(para.words[i]) < 2:
        return False  # the segmenter did not read the two characters as (the start of) a word
    word = para.words[i]
    if len(word) > 2 and not _tags().get(word, "nr").startswith("nr"):
        return True
    if i + 1 >= len(para.words):
        return False
    nxt, at = para.words[i + 1], para.offs[i + 1]
    return (len(nxt) >= 2 and _HAN.match(nxt) is not None and not _tags().get(nxt, "nr").startswith("nr")
            and _CUE_AFTER.match(para.text[at:at + 8]) is None)


#: jieba dictionary frequency below which a word after a role word may still be a name.
RARE_WORD = 30


def _freq(word: str) -> int:
    return segmentation.dictionary().freq.get(word, 0)


def _anchored(para: Paragraph, taken: set[int], lex, tags) -> list[tuple[int, int, str]]:
    """Candidates right after a role word, whatever the segmenter made of them (来信/人王/五)."""
    text = para.text
    bounds = None
    out = []
    for m in para.roles:
        p = _GAP.match(text, m.end()).end()
        if p in taken:
            continue  # the segmentation found the name already
        if bounds is None:
            bounds = para.bounds()
        if m.start() not in bounds:
            continue  # 业主 inside 行业主管 is no role word
        for sur in (text[p:p + 2], text[p:p + 1]):
            if sur in lex.compound_surnames or sur in lex.surnames:
                break
        else:
            rare = _rare_surname_name(text, p, tags)
            if rare:
                out.append((p, rare, "unlisted_surname"))
            continue
        g = p + len(sur)
        plausible = []
        for n in (2, 1):
            e = g + n
            given = text[g:e]
            if len(given) < n or not _HAN.match(given) or any(ch in lex.name_stop for ch in given):
                continue
            tag = tags.get(given)
            nxt = text[e:e + 1]
            closed = not nxt or not _HAN.match(nxt) or nxt in lex.name_stop
            if tag and (tag in _BAD_GIVEN or (tag == "m" and n > 1)) or _common_word(tags, sur, given, closed) \
                    or _common_given(given) or _org_ending(text[e:e + 3]) or text[p:e] in lex.not_names \
                    or (len(sur) == 1 and _frequent_nr(sur + given[:1]) and _in_phrase(para, p)):
                continue
            if any(text[g:g + k] in tags for k in (3, 4) if g + k > e and g + k <= len(text)):
                continue  # the "given name" starts a longer word (向/国务院)
            plausible.append(e)
            nxt = text[e:e + 1]
            if e in bounds or not nxt or not _HAN.match(nxt) or nxt in lex.name_stop:
                out.append((p, e, "surname+given"))
                break
        else:
            if plausible:  # no boundary helps (文/小凤持): most names have two given characters
                out.append((p, plausible[0], "surname+given"))
    return out


_NAME_END = regex.compile(r"[，,、（(：:；;。\s]|$")


def _rare_surname_name(text: str, p: int, tags) -> int | None:
    """A surname missing from the lexicon (笪, 仉): 2–3 characters right after a role word, closed by
    punctuation, that are no dictionary word and hold no function character. Returns the end."""
    lex = lexicon()
    for n in (3, 2):
        chunk = text[p:p + n]
        if len(chunk) == n and _HAN.match(chunk) and _NAME_END.match(text, p + n) \
                and not any(ch in lex.name_stop or ch in "们者方面" for ch in chunk) \
                and chunk not in tags and chunk[:2] not in tags and _freq(chunk[:2]) == 0 and _freq(chunk[:1]) < 2000:
            return p + n
    return None


def _context_in(para: Paragraph, lex) -> None:
    """The candidates of one paragraph that its text marks as private persons (``para.names``)."""
    text, cands = para.text, para.cands
    kept: list[NameSpan] = []
    para.names = kept
    if not cands:
        return
    bounds = para.starts
    role_hits = [m for m in para.roles if m.start() in bounds]
    for start, end, evidence in cands:
        after = text[end:end + 6]
        before = text[max(0, start - 10):start]
        if after[:1] in MASK_CHARS or "某" in text[start:end]:
            continue  # already masked
        salutation = _salutation(text, start, end)
        if salutation is not None:
            kept.append(NameSpan(start, end, evidence, "salutation", *salutation))
            continue
        head = before.rstrip(_GAP_CHARS)
        title = lex.title_re.search(head[-6:]) if head else None
        if (title and head.endswith(title.group())) or _TITLE_AFTER.match(after) or _HEAD_BEFORE.search(before):
            continue  # an official or expert named in capacity (镇长杨明, 杨明同志, 矿长王某, 刘某院士)
        role = _role_suffix(head)
        if role and (start - len(before) + len(head) - len(role)) not in bounds:
            role = None  # 业主 inside 行业主管
        if role in lex.name_only_roles and not before[len(head):].strip().startswith(("：", ":")):
            role = None  # a role line needs its colon (施工负责人：周平)
        if role:
            kept.append(NameSpan(start, end, evidence, "role", role, 0.9))
            continue
        prev = kept[-1] if kept else None
        if prev is not None and prev.context in ("role", "enumeration", "gender") and _SEP.match(text[prev.end:start]):
            kept.append(NameSpan(start, end, evidence, "enumeration", prev.word, 0.85))
            continue
        about = _detail_after(before, text[end:end + 10])  # room for （公民身份号码
        if about is not None:
            kept.append(NameSpan(start, end, evidence, about, None, 0.85))
            continue
        cue = _CUE_AFTER.match(after)
        if cue and (evidence != "surname+given" or cue.group().startswith("等")):
            kept.append(NameSpan(start, end, evidence, "cue", cue.group(), 0.7))
        elif evidence == "token" and end - start == 3 and role_hits:
            # an unknown three-character word starting with a surname, in a paragraph about a person:
            # a role word at most PARAGRAPH_REACH characters before it (a text whose line breaks were
            # flattened is one paragraph; a role word pages earlier says nothing about this word)
            near = next((m.group() for m in role_hits if start - PARAGRAPH_REACH <= m.start() < start), None)
            if near:
                kept.append(NameSpan(start, end, evidence, "paragraph", near, 0.65))
    listed = _listed_before(kept, cands, text)
    if listed:
        kept.extend(listed)
        kept.sort(key=lambda n: n.start)


def _detail_after(before: str, after: str) -> str | None:
    """The context a name takes from what follows it: "gender" (陈建国，男，…), "detail" (林美娇（身份证号：…）),
    "household" (a village's household by its head: 北厝村林阿水户补助15000元)."""
    if _GENDER_AFTER.match(after):
        return "gender"
    if _DETAIL_AFTER.match(after):
        return "detail"
    if after.startswith("户") and before.endswith(VILLAGE_WORDS):
        return "household"
    return None


def _listed_before(kept: list[NameSpan], cands: list[tuple[int, int, str]], text: str) -> list[NameSpan]:
    """The names listed before a name that closes the list (林美娇、陈德福、黄秀英等3户): each candidate
    joined to the next by 、/和/及/与 takes the closing name's context, as "enumeration"."""
    taken = {n.start for n in kept}
    ending_at = {c[1]: c for c in cands}
    found = []
    for n in kept:
        if n.context != "cue" or not (n.word or "").startswith("等"):
            continue
        start = n.start
        while True:
            prev = ending_at.get(start - 1)
            if prev is None or prev[0] in taken or not _LIST_SEP.match(text[prev[1]:start]):
                break
            found.append(NameSpan(prev[0], prev[1], prev[2], "enumeration", n.word, 0.8))
            taken.add(prev[0])
            start = prev[0]
    return found


def _salutation(text: str, start: int, end: int) -> tuple[str, float] | None:
    """(word, confidence) when the paragraph opens by addressing the person text[start:end]: a
    reply's 李红梅女士：您反映的…, a petitioner's 王秀兰同志：你于…来信反映, a 公告送达's 柯文静：(因你…)."""
    if text[:start].strip(_GAP_CHARS + "尊敬的"):
        return None  # not at the head of the paragraph
    after = text[end:end + 6]
    if _SALUTATION.match(after):
        return after[:2], 0.85
    if _PETITIONER_SALUTATION.match(text, end):
        return "同志", 0.85
    if _ADDRESSEE.match(text, end):
        return "：", 0.8
    return None


#: How far before an unknown three-character word a role word makes it a name (the "paragraph" context).
PARAGRAPH_REACH = 120



class Paragraph:
    """A paragraph of a doc as the components read it: where it starts in the doc, its text, and
    its tokens' words and offsets (in the paragraph's text).

    ``roles`` are the lexicon's role-word matches in the text, ``cands`` the candidates
    (start, end, evidence) and ``names`` the names kept: the components fill them.
    """

    __slots__ = ("start", "end", "text", "words", "offs", "roles", "cands", "names")

    def __init__(self, start: int, end: int, text: str, words: list[str], offs: list[int]) -> None:
        self.start = start  # the first character in the doc
        self.end = end  # the end of its last token in the doc (the end of its span)
        self.text = text
        self.words = words
        self.offs = offs
        self.roles: list = []
        self.cands: list[tuple[int, int, str]] = []
        self.names: list[NameSpan] = []

    @property
    def starts(self) -> set[int]:
        """Where tokens start."""
        return set(self.offs)

    def bounds(self) -> set[int]:
        """Where tokens start or end."""
        return self.starts.union([o + len(w) for o, w in zip(self.offs, self.words)])


def paragraphs(doc) -> list[Paragraph]:
    """The paragraphs of ``doc``: the token ranges of ``doc._.paragraphs`` (a doc of several,
    :meth:`Tokenizer.batch`), else the whole doc.

    The tokens are read as arrays of their attributes, one list per attribute: iterating the
    doc would create a Token object per token (and ``doc.text`` creates them all again), the
    most costly part of a component; a list of rows would create a list per token. A
    paragraph's text is its span's text and the last token's trailing space.
    """
    from spacy.attrs import IDX, ORTH, SPACY  # spaCy is loaded by now (a doc exists)

    strings = doc.vocab.strings
    words = [strings[orth] for orth in doc.to_array(ORTH).tolist()]
    offs = doc.to_array(IDX).tolist()
    spaces = doc.to_array(SPACY).tolist()
    text = "".join([w + " " if space else w for w, space in zip(words, spaces)])
    ranges = doc._.paragraphs or [(0, len(words))]
    out = []
    for a, b in ranges:
        if a == b:
            start = end = offs[a] if a < len(offs) else len(text)
            out.append(Paragraph(start, end, "", [], []))
            continue
        start, end = offs[a], offs[b - 1] + len(words[b - 1])
        out.append(Paragraph(start, end, text[start:end + spaces[b - 1]], words[a:b], [o - start for o in offs[a:b]]))
    return out


def name_evidence(doc):
    """spaCy component ``gongkai_name_evidence``: candidate names from the tokens and the surname lexicon."""
    lex, tags = lexicon(), _tags()
    paras = paragraphs(doc)
    for para in paras:
        _evidence_in(para, lex, tags)
    doc._.name_candidates = paras
    return doc


def name_context(doc):
    """spaCy component ``gongkai_name_context``: the candidates the context marks as private persons,
    as the spans of ``doc.spans["names"]``."""
    lex = lexicon()
    paras = doc._.name_candidates
    found = []
    for para in paras:
        _context_in(para, lex)
        found += [(para.start + n.start, para.start + n.end, n) for n in para.names]
    if found:
        _split_tokens_at(doc, paras, [at for start, end, _ in found for at in (start, end)])
    spans = []
    for start, end, n in found:
        span = doc.char_span(start, end, label="PERSON")
        span._.name_evidence = Evidence(n.evidence, n.context, n.word, n.confidence)
        spans.append(span)
    doc.spans["names"] = spans
    return doc


def _split_tokens_at(doc, paras: list[Paragraph], cuts: list[int]) -> None:
    """Split each token that a cut falls inside (a name across the segmenter's words: 来信/人王/五),
    so that every name is a span of whole tokens; the token ranges of ``doc._.paragraphs``
    (which a split moves) are made again from ``paras``."""
    from spacy.attrs import IDX, LENGTH

    offs = doc.to_array(IDX).tolist()
    lengths = doc.to_array(LENGTH).tolist()
    inside: dict[int, set[int]] = {}
    for at in cuts:
        i = bisect_right(offs, at) - 1
        if i >= 0 and offs[i] < at < offs[i] + lengths[i]:
            inside.setdefault(i, set()).add(at - offs[i])
    if not inside:
        return
    with doc.retokenize() as retokenizer:
        for i, at in inside.items():
            token = doc[i]
            edges = [0, *sorted(at), len(token)]
            pieces = [token.text[a:b] for a, b in zip(edges, edges[1:])]
            retokenizer.split(token, pieces, heads=[(token, k) for k in range(len(pieces))])
    if doc._.paragraphs:
        offs = doc.to_array(IDX).tolist()
        doc._.paragraphs = [(bisect_left(offs, p.start), bisect_left(offs, p.end)) for p in paras]


def _name_span(span, start: int = 0) -> NameSpan:
    """A span of ``doc.spans["names"]`` as the rules take it, its offsets counted from ``start``."""
    return NameSpan(span.start_char - start, span.end_char - start, *span._.name_evidence)


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]] | None:
    """spaCy's ``get_words_and_spaces(words, text)`` in one linear pass (spaCy's copies the rest of
    the text for every word: quadratic on a long paragraph).

    Whitespace-only words are dropped, each word is looked for from the current position, the
    gap before it is kept as a word of its own and one following " " becomes the word's
    trailing space. None when a word is not found.
    """
    out_words: list[str] = []
    spaces: list[bool] = []
    pos, n = 0, len(text)
    for word in words:
        if not word or word.isspace():
            continue
        at = text.find(word, pos)
        if at < 0:
            return None
        if at > pos:
            out_words.append(text[pos:at])
            spaces.append(False)
        out_words.append(word)
        pos = at + len(word)
        if pos < n and text[pos] == " ":
            spaces.append(True)
            pos += 1
        else:
            spaces.append(False)
    if pos < n:
        out_words.append(text[pos:])
        spaces.append(False)
    return out_words, spaces


_WHITESPACE = regex.compile(r"\s")


class Tokenizer:
    """The pipeline's tokenizer: a ``Doc`` of the segmenter's words (spaCy's ``ChineseTokenizer``
    with jieba does the same, but would load jieba's own dictionary)."""

    def __init__(self, vocab, segmenter: segmentation.Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str):
        from spacy.tokens import Doc

        words, spaces = self._words(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _words(self, text: str) -> tuple[list[str], list[bool]]:
        words = self.segmenter.cut(text)
        if _WHITESPACE.search(text) is None:  # most paragraphs: the words are the text, no space follows any
            return words, [False] * len(words)
        return words_and_spaces(words, text) or words_and_spaces(list(text), text)

    def batch(self, texts: list[str]):
        """One doc of several paragraphs, each a token range of ``doc._.paragraphs``, a "\\n" token
        between them: one doc instead of one per paragraph saves spaCy's and the components' cost
        per doc, most of the cost of a short paragraph. (Ranges, not a span group: reading a span
        group makes a ``Span`` object per paragraph, each time it is read.)"""
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        ranges = []
        for text in texts:
            w, sp = self._words(text)
            if words:
                words.append("\n")
                spaces.append(False)
            ranges.append((len(words), len(words) + len(w)))
            words += w
            spaces += sp
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.paragraphs = ranges
        return doc


def _added_words() -> frozenset[str]:
    """What the segmenter adds to jieba's dictionary: the lexicon's role words and titles, so that
    jieba's 该户户主石世伟 (户户/主石/世伟) becomes 该户/户主/石世伟."""
    lex = lexicon()
    return frozenset(lex.role_words) | frozenset(lex.official_titles) | {"该户", "其子", "其女", "其妻", "其夫"}


def _register() -> None:
    """Register the tokenizer, the components and the extensions with spaCy (imported by now)."""
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import registry

    if "gongkai_name_evidence" in Language.factories:
        return

    @registry.tokenizers("gongkai_words.v1")
    def make_tokenizer():
        return lambda nlp: Tokenizer(nlp.vocab, segmentation.segmenter(_added_words()))

    Language.component("gongkai_name_evidence", func=name_evidence)
    Language.component("gongkai_name_context", func=name_context)
    Doc.set_extension("paragraphs", default=None, force=True)  # [(first token, end token)], Tokenizer.batch
    Doc.set_extension("name_candidates", default=None, force=True)
    Span.set_extension("name_evidence", default=None, force=True)


def pipeline():
    """The spaCy pipeline, built on first use and shared by the whole process."""
    global _NLP, LOAD_SECONDS
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                t0 = time.perf_counter()
                import spacy

                _register()
                nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gongkai_words.v1"}}})
                nlp.add_pipe("gongkai_name_evidence")
                nlp.add_pipe("gongkai_name_context")
                segmentation.dictionary()  # jieba's tags and frequencies now, not inside the first document
                nlp("申请人张三")
                LOAD_SECONDS = time.perf_counter() - t0
                log.debug("name pipeline built in %.2f s", LOAD_SECONDS)
                _NLP = nlp
    return _NLP


#: Names found per paragraph text. The pipeline reads nothing but the text (lexicons and the
#: jieba dictionary are fixed per process), so a cached result is exactly what a new run gives;
#: documents repeat lines (letterheads, contact lines, form rows) and batches repeat documents.
#: Cached paragraphs kept at most 20,000 (the memo is emptied when full; ~a few MB).
_CACHE = TextMemo("names", 20_000)


#: A paragraph longer than this (a text file without line breaks) goes through the pipeline in
#: pieces cut after sentence ends: spaCy refuses texts over ``nlp.max_length`` (1,000,000).
PIECE = 20_000


def find_names(texts: list[str]) -> list[list[NameSpan]]:
    """Names of private persons in each text (one paragraph each).

    Texts seen before come from the cache; the others (each distinct text once) go through the
    spaCy pipeline as docs of up to BATCH characters of paragraphs (:meth:`Tokenizer.batch`).
    """
    if any(len(t) > PIECE for t in texts):
        out = []
        for t in texts:
            cut = segmentation.pieces(t, PIECE)
            found = find_names([piece for _, piece in cut])
            out.append([replace(n, start=n.start + off, end=n.end + off) for (off, _), spans in zip(cut, found)
                        for n in spans])
        return out
    found: dict[str, tuple[NameSpan, ...]] = {}
    todo: dict[str, bytes] = {}
    for t in texts:
        if t not in found and t not in todo:
            key = key_of(t)
            hit = _CACHE.get(key)
            if hit is None:
                todo[t] = key
            else:
                found[t] = hit
    if todo:
        nlp = pipeline()
        for chunk in _chunks(list(todo), BATCH):
            doc = nlp(nlp.tokenizer.batch(chunk))
            for text, spans in zip(chunk, _names_by_paragraph(doc), strict=True):
                found[text] = spans
                _CACHE.put(todo[text], spans)
    return [list(found[t]) for t in texts]


def _names_by_paragraph(doc) -> list[tuple[NameSpan, ...]]:
    """The names of each paragraph of ``doc``, counted from the paragraph's start."""
    paras = doc._.name_candidates
    starts = [p.start for p in paras]
    out: list[list[NameSpan]] = [[] for _ in paras]
    for span in doc.spans["names"]:
        i = bisect_right(starts, span.start_char) - 1
        out[i].append(_name_span(span, starts[i]))
    return [tuple(names) for names in out]


#: Characters of paragraphs put in one doc by find_names: enough to make spaCy's cost per doc
#: small, few enough that a split of a token (which moves the doc's later tokens) stays cheap
#: (find_names over the labelled test split's paragraphs: 70 ms with 50,000, 53 ms with 2,000).
BATCH = 2_000


def _chunks(texts: list[str], limit: int):
    """``texts`` in consecutive runs of at most ``limit`` characters (a longer text alone)."""
    run: list[str] = []
    size = 0
    for t in texts:
        if run and size + len(t) > limit:
            yield run
            run, size = [], 0
        run.append(t)
        size += len(t) + 1
    if run:
        yield run
