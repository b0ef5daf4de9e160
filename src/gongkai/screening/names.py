"""Person names: a spaCy pipeline (blank ``zh`` with the jieba segmenter) and two components.

``gongkai_name_evidence`` proposes candidates from the segmentation: a token that starts with a
surname and is not a common word of jieba's dictionary (张三丰, 王芳), or a surname token
followed by one or two given-name characters (王 + 小二). ``gongkai_name_context`` keeps a
candidate only where the text says it is a private person — a role word before it
(申请人、户主、来信人…), an enumeration continuing one (村民张三、李四), a gender after it
(张三，男) or an action cue (张三反映…) — and drops officials named in their capacity (镇长杨明,
杨明同志) and masked names (张某、张*).

spaCy is loaded lazily, the first time the name rule runs, and built once per process.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from itertools import accumulate

from .. import segmentation
from ..memo import TextMemo, key_of, text_cache
from .context import MASK_CHARS, lexicon
from .segmenter import Segmenter
from .uclass import DIGIT, HAN, SPACE

log = logging.getLogger(__name__)

# The component's patterns run thousands of times on a few characters each: they are written for
# the stdlib re (about half regex's cost per call), with regex's \p{Han}, \s and \d spelled out
# (uclass); tests/screening/test_personal_data_speed.py checks each against its regex form.
_HAN = re.compile(f"^[{HAN}]+$")
#: jieba POS tags of words that are never the given-name part of a name.
_NOT_GIVEN = frozenset("p c v vn t m q d r u f s ns nt x uj ul ad ag an dg e o y z vd".split())
_GENDER_AFTER = re.compile(f"^[，,（(、{SPACE}]{{0,2}}[男女](?:[，,）)、{SPACE}]|$)")
_CUE_AFTER = re.compile(f"^(?:反映|来信|来电|来访|投诉|举报|称|诉称|家|户|之子|之女|之妻|之夫|等人|等[{DIGIT}]+(?:人|户|名)|先生|女士|夫妇|一家|"
                        "本人|签名|签字|申请|提出的?申请|信访|的诉求|的信访|的来信|政府信息公开申请)")
_TITLE_AFTER = re.compile(f"^(?:同志|院士|教授|研究员|专家|书记|主任|局长|镇长|县长|市长|部长|委员|代表|〔|\\[|（[{DIGIT}]{{4}}）)")
_HEAD_BEFORE = re.compile(r"(?<!家)长$")
#: 先生/女士 and the colon of a salutation (李红梅女士：), after the name.
_SALUTATION = re.compile(f"^(?:先生|女士)[：:，,{SPACE}]")
_SEP = re.compile(f"^[、，,和及与{SPACE}]{{1,2}}$")
#: What may stand between a role word and a name (申请人：、户主为…), stripped from the end of a
#: text: punctuation, 为是系即 and \s as the regex module reads it (Unicode White_Space).
#: ``text.rstrip(_GAP_CHARS)`` is ``regex.sub(r"[：:\s，,为是系即\"“”（(]*$", "", text)`` without
#: a regular expression call (tests/screening/test_personal_data_speed.py).
_GAP_CHARS = "：:，,为是系即\"“”（(\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"

_LOCK = threading.Lock()
_NLP = None
#: The components of _NLP, in order (filled when it is built).
_PROCS: list = []
#: Seconds spent building the pipeline (for benchmarks/screening_speed.py).
LOAD_SECONDS: float | None = None


@dataclass(slots=True, unsafe_hash=True)
class NameSpan:
    """A name found in a paragraph: a value, never changed (not frozen, as Finding: cheaper to make)."""

    start: int
    end: int
    evidence: str  # how the candidate was proposed
    context: str  # role / enumeration / gender / cue
    word: str | None  # the context word (a role word, never the name itself)
    confidence: float


_TAGS: dict[str, str] | None = None


def _tags() -> dict[str, str]:
    """jieba's word → POS tag table (loaded once; asking jieba again would reset its logger each time)."""
    global _TAGS
    if _TAGS is None:
        segmentation.jieba()
        import jieba.posseg

        _TAGS = jieba.posseg.dt.word_tag_tab
    return _TAGS


@text_cache(maxsize=65536)
def split_name(text: str) -> tuple[str, str] | None:
    """(surname, given) when ``text`` reads as a Chinese name: a known surname and 1–2 given characters.

    Cached by text (the lexicon is fixed per process): the same words come up in every document.
    """
    lex = lexicon()
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


def _tokens(doc) -> tuple[list[int], list[str], str]:
    """The offset and the text of every token, and the doc's text.

    For a doc the pipeline's own tokenizer did not make (that one lays out its paragraphs, see
    :func:`paragraphs`). Creating spaCy Token objects is the costly part: when the text the doc
    was made from is known (``find_names`` puts it in ``user_data``), offsets and lengths come
    as one array; otherwise one pass over the tokens (``doc.text`` would create them all again).
    """
    text = doc.user_data.get("gongkai_source")
    if text is not None:
        from spacy.attrs import IDX, LENGTH, SPACY  # spaCy is loaded by now (a doc exists)

        spans = doc.to_array([IDX, LENGTH, SPACY]).tolist()
        if not spans or spans[-1][0] + spans[-1][1] + spans[-1][2] == len(text):
            return [i for i, _, _ in spans], [text[i:i + n] for i, n, _ in spans], text
    offs, words, pieces = [], [], []
    for t in doc:
        offs.append(t.idx)
        words.append(t.text)
        pieces.append(t.text_with_ws)
    return offs, words, "".join(pieces)


class Paragraph:
    """One paragraph of a doc as the name components see it (a doc holds one or several).

    ``words`` are its tokens and ``offs`` their offsets in ``text``; ``offs`` holds one more
    entry, the end of the last word, exactly when the words tile the text (each starts where
    the one before ends: offsets accumulated from the lengths). ``starts`` is the set of the
    words' offsets; ``roles`` the lexicon's role-word matches in ``text``; the components fill
    ``cands`` (evidence) and ``names`` (context).

    Words and offsets stay two lists, not a list of (offset, word) pairs: thousands of pairs
    per batch each cost an allocation and, as they live through the pipeline, the garbage
    collector's attention several times over.
    """

    __slots__ = ("text", "words", "offs", "_starts", "roles", "cands", "names")

    def __init__(self, text: str, words: list[str], offs: list[int]) -> None:
        self.text = text
        self.words = words
        self.offs = offs
        self._starts: set[int] | None = None
        self.roles: list = []
        self.cands: list[tuple[int, int, str]] = []
        self.names: list[NameSpan] = []

    @property
    def starts(self) -> set[int]:
        """The words' offsets (made when first asked: only paragraphs with candidates or role words need it)."""
        if self._starts is None:
            offs = self.offs
            self._starts = set(offs if len(offs) == len(self.words) else offs[:len(self.words)])
        return self._starts

    def bounds(self) -> set[int]:
        """Where words start or end."""
        offs, words = self.offs, self.words
        if len(offs) == len(words) + 1:  # offsets by accumulated lengths: the words tile the text
            return set(offs)
        return self.starts.union([o + len(w) for o, w in zip(offs, words)])

    @property
    def toks(self) -> list[tuple[int, str]]:
        """(offset, word) of every word."""
        return list(zip(self.offs, self.words))


def paragraphs(doc) -> list[Paragraph]:
    """The paragraphs of ``doc``: as the tokenizer or :func:`find_names` laid them out, else the doc as one."""
    paras = doc.user_data.get("gongkai_paragraphs")
    if paras is None:
        offs, words, text = _tokens(doc)
        paras = doc.user_data["gongkai_paragraphs"] = [Paragraph(text, words, offs)]
    return paras


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


def _evidence(doc):
    """spaCy component: candidate names from the segmentation and the surname lexicon."""
    lex = lexicon()
    tags = _tags()
    for para in paragraphs(doc):
        _evidence_in(para, lex, tags)
    return doc


def _evidence_in(para: Paragraph, lex, tags) -> None:
    """The candidates of one paragraph (``para.cands``: start, end, evidence), in text order."""
    stop = lex.name_stop
    cands = []
    words, offs, text = para.words, para.offs, para.text
    para.roles = list(lex.role_re.finditer(text))  # read again by _anchored and _context
    n = len(words)
    i = 0  # the first token a new candidate may start at
    # Only a token that starts with a surname's first character can pass _surname_token: the
    # loop visits those (about one token in six) and skips what a candidate took in.
    first = lex.surname_firsts
    for k in [k for k, w in enumerate(words) if w[:1] in first]:
        if k < i:
            continue
        i = k
        idx, t = offs[i], words[i]
        reading = _token_reading(t)
        if reading is not None:  # a Han token that starts with a surname
            whole, alone = reading
            if whole is not None:
                name, given_len, evidence = whole
                end = idx + len(name)
                nxt = words[i + 1] if i + 1 < n and name == t else None
                if (nxt is not None and given_len == 1 and len(nxt) == 1
                        and _HAN.match(nxt) and nxt not in stop
                        and (tags.get(nxt) or "nr")[:1] in ("n", "a", "z")):
                    end += 1  # 孙子 + 涛: the segmenter split a three-character name
                    i += 1
                cands.append((idx, end, evidence))
                i += 1
                continue
            if alone:
                given = ""
                j = i + 1
                # right after a role word (申请人李四海) the given name may be any word of 1–2 characters
                head = text[max(0, idx - 10):idx].rstrip(_GAP_CHARS)
                after_role = _role_suffix(head) is not None or bool(
                    cands and _SEP.match(text[cands[-1][1]:idx]))
                while j < n and len(given) < 2:
                    nt = words[j]
                    tag = tags.get(nt)
                    if not _HAN.match(nt) or len(given) + len(nt) > 2 or any(ch in stop for ch in nt) \
                            or (tag and (tag in _NOT_GIVEN or tag[0] in "pcvtmqdrufxyz")
                                    and not (after_role and (tag[0] in "nasd" or (tag == "m" and len(nt) == 1)))):
                        break
                    given += nt
                    j += 1
                if given and split_name(t + given) and not _common_word(tags, t, given):
                    cands.append((idx, idx + len(t) + len(given), "surname+given"))
                    i = j
                    continue
    if para.roles:
        cands.extend(_anchored(para, {c[0] for c in cands}, lex, tags))
    cands.sort()
    para.cands = cands

_GAP = re.compile(f"[：:{SPACE}为是系即\"“（(]*")
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


#: jieba dictionary frequency below which a word after a role word may still be a name.
RARE_WORD = 30


def _freq(word: str) -> int:
    return segmentation.jieba().dt.FREQ.get(word, 0)


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
                    or _common_given(given) or _org_ending(text[e:e + 3]):
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


_NAME_END = re.compile(f"[，,、（(：:；;。{SPACE}]|$")


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


def _context(doc):
    """spaCy component: keep candidates the context marks as private persons.

    The names of all the doc's paragraphs are also left in ``user_data["gongkai_names"]``.
    """
    lex = lexicon()
    names: list[NameSpan] = []
    for para in paragraphs(doc):
        _context_in(para, lex)
        names.extend(para.names)
    doc.user_data["gongkai_names"] = names
    return doc


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
        if _GENDER_AFTER.match(after):
            kept.append(NameSpan(start, end, evidence, "gender", None, 0.85))
            continue
        if _SALUTATION.match(after) and not text[:start].strip(_GAP_CHARS + "尊敬的"):
            # a reply's salutation at the head of its paragraph: 李红梅女士：您反映的…
            kept.append(NameSpan(start, end, evidence, "salutation", after[:2], 0.85))
            continue
        cue = _CUE_AFTER.match(after)
        if cue and evidence != "surname+given":
            kept.append(NameSpan(start, end, evidence, "cue", cue.group(), 0.7))
        elif evidence == "token" and end - start == 3 and role_hits:
            # an unknown three-character word starting with a surname, in a paragraph about a person:
            # a role word at most PARAGRAPH_REACH characters before it (a text whose line breaks were
            # flattened is one paragraph; a role word pages earlier says nothing about this word)
            near = next((m.group() for m in role_hits if start - PARAGRAPH_REACH <= m.start() < start), None)
            if near:
                kept.append(NameSpan(start, end, evidence, "paragraph", near, 0.65))


#: How far before an unknown three-character word a role word makes it a name (the "paragraph" context).
PARAGRAPH_REACH = 120

_SPACE = re.compile(r"\s")


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool], list[int]] | None:
    """spaCy's ``get_words_and_spaces(words, text)`` and each word's offset, in one linear pass.

    The same alignment as spaCy's (whitespace-only words dropped, each word looked for from
    the current position, the gap before it kept as a word of its own, one following " "
    becoming the word's trailing space), without copying the rest of the text for every word.
    None when a word is not found (spaCy would raise; its own path reports it).
    """
    out_words: list[str] = []
    spaces: list[bool] = []
    offsets: list[int] = []
    pos, n = 0, len(text)
    for word in words:
        if word.isspace():
            continue
        at = text.find(word, pos)
        if at < 0:
            return None
        if at > pos:
            out_words.append(text[pos:at])
            spaces.append(False)
            offsets.append(pos)
        out_words.append(word)
        offsets.append(at)
        pos = at + len(word)
        if pos < n and text[pos] == " ":
            spaces.append(True)
            pos += 1
        else:
            spaces.append(False)
    if pos < n:
        out_words.append(text[pos:])
        spaces.append(False)
        offsets.append(pos)
    return out_words, spaces, offsets


class Tokenizer:
    """The pipeline's tokenizer: spaCy's jieba tokenizer for Chinese, with the words' offsets.

    It builds the same doc as spaCy's ``ChineseTokenizer`` (the jieba words, realigned with
    the text as :func:`words_and_spaces` describes) and leaves every word with its offset in
    ``user_data`` for the components, which then never create spaCy Token objects. Where the
    words are the text itself (no whitespace: the common case) the realignment is skipped; it
    would return them unchanged, with no space after any.
    """

    def __init__(self, base, segmenter: Segmenter) -> None:
        from spacy.tokens import Doc

        self._doc = Doc
        self.base = base  # spaCy's ChineseTokenizer, configured with the segmenter
        self.vocab = base.vocab
        self.jieba_seg = base.jieba_seg = segmenter

    def _align(self, text: str) -> tuple[list[str], list[bool] | None, list[int]] | None:
        """The doc's words, their trailing spaces and offsets for ``text`` (None: spaCy's path decides).

        Spaces are None when no word has one (the text has no whitespace: the common case).
        """
        words = list(filter(None, self.jieba_seg.cut(text)))
        if _SPACE.search(text) is None:
            offsets = list(accumulate(map(len, words), initial=0))  # one more: the end of the last word
            if offsets[-1] == len(text):
                return words, None, offsets
        return words_and_spaces(words, text)

    def __call__(self, text: str):
        doc = self.batch([text])  # a batch of one: the same doc, laid out as one paragraph
        return self.base(text) if doc is None else doc  # None: words that are not the text (never seen)

    def batch(self, texts: list[str]):
        """One doc for several paragraphs: their words, each paragraph followed by a "\\n" word.

        Its text is the paragraphs joined by newlines, and ``user_data`` lays out the paragraphs
        (:func:`paragraphs`), each with offsets of its own. One doc instead of one per paragraph
        saves spaCy's and the components' cost per doc, most of the cost of a short paragraph.
        None when some paragraph's words do not align with its text (never seen).
        """
        all_words: list[str] = []
        spaced: list[tuple[int, list[bool]]] = []  # (first word, spaces) of the paragraphs that have any
        paras = []
        for text in texts:
            aligned = self._align(text)
            if aligned is None:
                return None
            words, spaces, offsets = aligned
            if spaces is not None:
                spaced.append((len(all_words), spaces))
            all_words += words
            all_words.append("\n")
            paras.append(Paragraph(text, words, offsets))
        if all_words:
            all_words.pop()  # no newline after the last paragraph
        all_spaces = [False] * len(all_words)
        for at, spaces in spaced:
            all_spaces[at:at + len(spaces)] = spaces
        # The words go in as their string-store ids (Doc takes either): spaCy then hashes each
        # distinct word once (StringStore.add, what it does for a word it has not seen) instead
        # of once per token. The doc is the same (tests/screening/test_personal_data_speed.py).
        distinct = dict.fromkeys(all_words)
        ids = dict(zip(distinct, map(self.vocab.strings.add, distinct)))
        doc = self._doc(self.vocab, words=list(map(ids.__getitem__, all_words)), spaces=all_spaces)
        doc.user_data["gongkai_paragraphs"] = paras
        return doc

    # spaCy calls these when it serialises a pipeline; the base tokenizer knows how
    def __getattr__(self, name):
        return getattr(self.base, name)


def pipeline():
    """The spaCy pipeline, built on first use and shared by the whole process."""
    global _NLP, LOAD_SECONDS
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                t0 = time.perf_counter()
                import spacy
                from spacy.language import Language

                if "gongkai_name_evidence" not in Language.factories:
                    Language.component("gongkai_name_evidence", func=_evidence)
                    Language.component("gongkai_name_context", func=_context)
                segmentation.jieba()  # quiet before spaCy's tokenizer loads the dictionary
                nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
                nlp.tokenizer = Tokenizer(nlp.tokenizer, Segmenter(_segmenter()))
                nlp.add_pipe("gongkai_name_evidence")
                nlp.add_pipe("gongkai_name_context")
                _tags()  # load jieba's POS dictionary now, not inside the first document
                nlp("申请人张三")
                _PROCS[:] = [proc for _, proc in nlp.pipeline]  # the pipeline never changes once built
                LOAD_SECONDS = time.perf_counter() - t0
                log.debug("name pipeline built in %.2f s", LOAD_SECONDS)
                _NLP = nlp
    return _NLP


def _segmenter():
    """A private jieba tokenizer that knows the role words (户主, 来信人) as words.

    jieba's default dictionary splits 该户户主石世伟 as 户户/主石/世伟; adding the lexicon's role
    words and titles to a tokenizer of our own fixes that without touching the global jieba
    that other parts of gongkai may use.
    """
    jieba = segmentation.jieba()
    segmentation.dictionary()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = dict(jieba.dt.FREQ), jieba.dt.total  # a copy: no second dictionary load
    tok.initialized = True
    lex = lexicon()
    added = set(lex.role_words) | set(lex.official_titles) | {"该户", "其子", "其女", "其妻", "其夫"}
    for w in added:
        tok.add_word(w, freq=200000)
    tok.gongkai_added = frozenset(added)  # what differs from jieba's default (segmenter.native_jieba)
    return tok


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
    spaCy pipeline together, stage by stage.
    """
    if not texts:
        return []
    if any(len(t) > PIECE for t in texts):
        out = []
        for t in texts:
            cut = segmentation.pieces(t, PIECE)
            found = find_names([piece for _, piece in cut])
            out.append([replace(n, start=n.start + off, end=n.end + off) for (off, _), spans in zip(cut, found)
                        for n in spans])
        return out
    cache = _CACHE
    found: dict[str, tuple[NameSpan, ...]] = {}
    todo = []
    keys = []
    for t in texts:
        if t not in found:
            key = key_of(t)
            hit = cache.get(key)
            if hit is None:
                todo.append(t)
                keys.append(key)
                found[t] = ()
            else:
                found[t] = hit
    if todo:
        nlp = pipeline()
        tokenizer = nlp.tokenizer
        seg = tokenizer.jieba_seg
        # The paragraphs go through the pipeline as docs of up to BATCH characters each, stage by
        # stage: one doc per paragraph cost more in spaCy and the components than the work itself,
        # and each stage's tables (jieba's dictionary, spaCy's vocabulary, the lexicons) stay in
        # the processor's cache. Segmenting every paragraph first (prepare), not paragraph by
        # paragraph inside Tokenizer.batch, is ~10% faster for the name pipeline for that reason.
        seg.prepare(todo)
        docs = []
        for chunk in _chunks(todo, BATCH):
            doc = tokenizer.batch(chunk)
            if doc is not None:
                docs.append(doc)
                continue
            for text in chunk:  # one doc per paragraph, as spaCy's tokenizer makes them
                d = nlp.make_doc(text)
                d.user_data["gongkai_source"] = text  # the text the doc was made from (its doc.text)
                docs.append(d)
        for proc in _PROCS:  # nlp.pipeline, read once: the property builds a list and formats a message
            docs = [proc(d) for d in docs]
        paras = [para for d in docs for para in paragraphs(d)]
        for text, key, para in zip(todo, keys, paras, strict=True):
            found[text] = spans = tuple(para.names)
            cache.put(key, spans)
    return [list(found[t]) for t in texts]


#: Characters of paragraphs put in one doc by find_names.
BATCH = 50_000


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
