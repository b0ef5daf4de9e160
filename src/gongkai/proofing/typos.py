"""Typos and word usage (T1xx): curated lexicons (T101–T105) and a statistical detector (T110).

Basis: 《勺米镇政务公开信息审核发布管理制度》一（一）初审“避免出现错字、病句等低级错误”，
一（二）复审“注意对字、词、句审核”.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import regex

from ..attributes.structure import written_on
from ..engine import Context, FunctionRule, Rule
from ..models import Document, Finding, Severity
from .. import segmentation
from . import lexicon as lx

if TYPE_CHECKING:  # the model (numpy and its tables) is imported when T110 runs, not with the rules
    from . import lm

#: Parts whose text is the document's own prose (comments are reviewers' notes).
PROSE = ("body", "table", "header", "footer", "footnote", "endnote", "textbox")


@dataclass(eq=False)
class LexiconRule(Rule):
    """A rule whose knowledge is a lexicon file; its examples are the lexicon's specs."""

    lexicon: lx.Lexicon | None = field(default=None, repr=False)

    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        assert self.lexicon is not None
        for block in self.blocks(doc):
            if not block.text:
                continue
            for h in self.lexicon.find(block.text):
                e = h.entry
                if e.renamed is not None:
                    issued = ctx.fact(written_on)
                    if issued is not None and issued < e.renamed:
                        continue  # the name was right when the document was written
                yield self.finding(
                    block, h.start, h.end,
                    message=f"{self.message}：“{e.wrong}”应为“{e.right}”" + (f"（{e.note}）" if e.note else ""),
                    suggestion=e.right,
                    basis=e.basis or None,
                    confidence=0.95 if self.kind == "typo" else 0.8,
                    explanation={"lexicon": self.lexicon.name, "line": e.line, "source": self.lexicon.source},
                )


def lexicon_rule(name: str) -> LexiconRule:
    """The rule of the shipped lexicon ``data/proofing/NAME.yaml`` (its specs are run on load)."""
    lex = lx.builtin(name)
    fires, silent = lex.examples()
    return LexiconRule(
        code=lex.code, category="proofing", kind=lex.kind, severity=Severity.parse(lex.severity),
        message=lex.message, basis=lex.basis, doc=lex.doc, fires=fires, silent=silent,
        name=name, priority=10, parts=PROSE, lexicon=lex,
    )


MISSPELLINGS = lexicon_rule("typos")
IDIOMS = lexicon_rule("idioms")
CONFUSABLES = lexicon_rule("usage")
VARIANTS = lexicon_rule("variants")
TERMS = lexicon_rule("terms")


def _repeated(full: str, text: str, i: int) -> bool:
    """Whether the strings around ``text[i]`` recur in the document: typos rarely repeat, terms do."""
    for a, b in ((i - 1, i + 1), (i, i + 2), (i - 1, i + 2)):
        if a >= 0 and b <= len(text) and full.count(text[a:b]) >= 2:
            return True
    return False


#: A character seen in a document this many times more often than in the model's corpus (and at
#: least twice besides the suspect) is a topic of the document — a place, a product — not a slip.
BURST_RATIO = 4.0


def _topical(model: lm.TypoModel, full: str, ch: str) -> bool:
    """Whether ``ch`` recurs in the document far more often than its frequency in the corpus predicts."""
    others = full.count(ch) - 1
    if others < 2:
        return False
    return others > BURST_RATIO * len(full) * model.unigram_prob(ch)


#: The 机关代字 before 〔年份〕 of a 发文字号 (闽委宣联、沪建应急、岚综实规函) is an abbreviation as issued.
_DOC_NUMBER_HEAD = regex.compile(r"[\p{Han}A-Za-z]{1,12}(?=\s*[〔\[［【(（﹝]\s*\d{2,4}\s*[〕\]］】)）﹞])")
#: Suffixes that end the proper name of a place: the characters before them (姜山岛、半淞园街道)
#: are the name as registered, which a character model cannot judge.
_PLACE_SUFFIX = regex.compile(r"(?:街道|社区|居委会|村委会|乡|镇|村|岛|屿|湖)")
_NAME_BEFORE = 4
_NOT_NAME = "的和与及或在对为是了、"
#: Suffixes of zones named after a place (平潭综合实验区, 某某经济开发区): right when a place name of the
#: gazetteer comes before them, though the generic word differs (自由贸易试验区).
_ZONE_SUFFIX = regex.compile(r"(?:实验区|试验区|开发区|示范区|保税区|新区|园区)")
_ZONE_MIDDLE = regex.compile(r"(?:综合|经济技术|经济|高新技术|高新|产业|工业|国家级)*$")
@functools.cache
def place_names() -> frozenset[str]:
    """The place names (tag ``ns``) of jieba's dictionary: a gazetteer shipped with the segmenter."""
    return frozenset(w for w, tag in segmentation.dictionary().tags.items() if tag == "ns" and len(w) >= 2)


def _after_place(text: str, end: int) -> bool:
    """Whether text[:end] ends with a gazetteer place name (and the words of a zone's name)."""
    head = text[max(0, end - 12):end]
    head = head[: _ZONE_MIDDLE.search(head).start()]
    names = place_names()
    return any(head[-k:] in names for k in range(2, 5) if len(head) >= k)


#: Suffixes of bodies named after their place (东庠卫生院、敖东卫生院): when the document names
#: several bodies of one kind, the characters before the suffix are a name slot.
_BODY_SUFFIX = regex.compile(r"(?:卫生院|卫生所|派出所|幼儿园|中心小学|小学|中学|中心校|财政所|国土所|司法所|供电所|信用社)")
#: A suffix seen this often in a document makes a list of bodies of that kind.
BODY_SUFFIX_REPEATS = 3


def _name_start(text: str, suffix: int) -> int:
    """Where the name before the suffix at ``suffix`` begins: up to _NAME_BEFORE Han characters back."""
    from . import lm  # numpy and the model's tables: loaded only when a T rule runs
    name = suffix
    while name > 0 and suffix - name < _NAME_BEFORE and lm.is_han(text[name - 1]) and text[name - 1] not in _NOT_NAME:
        name -= 1
    return name


def _in_listed_body(full: str, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is in the name of a body whose kind the document lists (…卫生院 ×3)."""
    for m in _BODY_SUFFIX.finditer(text, end, min(len(text), end + _NAME_BEFORE + 4)):
        if full.count(m.group()) < BODY_SUFFIX_REPEATS:
            continue
        if _name_start(text, m.start()) <= start:
            return True
    return False


def _in_proper_name(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies in a 发文字号's 机关代字, a place name or a zone named after a place."""
    for m in _DOC_NUMBER_HEAD.finditer(text, max(0, start - 12), min(len(text), end + 12)):
        if m.start() <= start and end <= m.end():
            return True
    for m in _PLACE_SUFFIX.finditer(text, end, min(len(text), end + _NAME_BEFORE + 3)):
        if _name_start(text, m.start()) <= start:
            return True  # the name before a place suffix
    for m in _ZONE_SUFFIX.finditer(text, max(0, start - 2), min(len(text), end + 2)):
        if m.start() <= start and end <= m.end() and _after_place(text, m.start()):
            return True  # 平潭综合实验区 → 试验区 would rename it
    return False


#: What may stand before a listed name, and after it (王建国、李红梅、张伟同志、刘洋等).
_BEFORE_NAME = "、，,：:；;。 \t（(“"
_AFTER_NAME = regex.compile(r"$|[、，,：:；;。\s）)”]|同志|等")


def _name_between(text: str, start: int, end: int) -> bool:
    """text[start:end] reads as a name (surname + one or two characters) set off as a list item."""
    from ..screening.names import split_name  # the surname lexicon; spaCy is not loaded by this

    return (2 <= end - start <= 4 and (start == 0 or text[start - 1] in _BEFORE_NAME)
            and _AFTER_NAME.match(text, end) is not None and split_name(text[start:end]) is not None)


def _in_name_list(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies in a person's name listed with another by 、 (王建国、李红梅、张伟、
    刘洋): a character model cannot judge a name (刘洋 is no misspelt 流向)."""
    for a in range(max(0, end - 4), start + 1):
        for b in range(max(end, a + 2), min(len(text), a + 4) + 1):
            if not _name_between(text, a, b):
                continue
            if a >= 3 and text[a - 1] == "、" and any(_name_between(text, p, a - 1) for p in range(max(0, a - 5), a - 2)):
                return True
            if text[b:b + 1] == "、" and any(_name_between(text, b + 1, n) for n in range(b + 3, min(len(text), b + 5) + 1)):
                return True
    return False


#: The typo model reads a paragraph at most this long at once (its lattice takes a few kB per
#: character); a longer one, such as a text file without line breaks, in pieces cut after
#: sentence ends. Published paragraphs stay far below it (govcn-2019's longest: 633).
PIECE = 3000


def _statistical(rule: FunctionRule, doc: Document, ctx: Context) -> Iterable[Finding]:
    from . import lm

    model = lm.model()
    blocks = list(rule.blocks(doc))
    full = "\n".join(b.text for b in blocks)
    for block in blocks:
        text = block.text
        # short cells and lines are mostly names, places and labels, which no model knows
        if len(text) < (8 if block.part == "table" else 4):
            continue
        for offset, piece in segmentation.pieces(text, PIECE):
            for s in model.suspects(piece):
                start = offset + s.start
                end = start + len(s.wrong)
                if any(_repeated(full, text, i) for i in range(start, end)):
                    continue
                if len(s.wrong) == 1 and _topical(model, full, s.wrong):
                    continue
                if _in_proper_name(text, start, end) or _in_listed_body(full, text, start, end) \
                        or _in_name_list(text, start, end):
                    continue
                fixed = text[max(0, start - 2) : start] + s.right + text[end : end + 2]
                yield _typo(rule, block, start, end, s, fixed)


def _typo(rule: FunctionRule, block, start: int, end: int, s: lm.Suspect, fixed: str) -> Finding:
    return rule.finding(
        block, start, end,
        message=f"疑似别字：“{s.wrong}”可能应为“{s.right}”（“{fixed}”）",
        suggestion=s.right,
        confidence=round(min(0.95, 0.5 + s.gain / 40), 2),
        explanation={"model": "character 4-gram" if len(s.wrong) == 1 else "character 4-gram, homophone word",
                     "gain": round(s.gain, 2)},
    )


STATISTICAL = FunctionRule(
    code="T110", category="proofing", kind="typo", severity=Severity.WARNING,
    message="疑似别字", basis="《勺米镇政务公开信息审核发布管理制度》一（一）", func=_statistical,
    parts=PROSE,
    doc="初审须避免错字等低级错误，而错字往往不在任何词表里。本规则用随软件发布的汉字n元语言模型（由公文语料、"
        "jieba词典统计得出）检查每个汉字：若它与前后字的搭配罕见，而某个音近或形近字放在该处可使语句的概率大幅提高，"
        "且替换后能与前后字组成词典中的词，则提示疑似别字并给出建议字。拼音输入造成的整词别字（如“提喜”应为“体系”、"
        "“优先公司”应为“有限公司”）按读音查找常用同音词；不在音近形近字表中的生僻字（如“嫩民政府”）只在某个字能与"
        "前后字组成常用词且明显优于其他字时提示。在同一文件中反复出现的搭配（多为简称、术语）和文件反复使用的字"
        "（多为地名、主题词）不提示；与其他姓名以顿号并列的人名（王建国、李红梅、张伟、刘洋）、发文字号的机关代字（闽、沪）、地名后缀（××乡、××岛、××街道）前的专名、"
        "以词典地名开头的园区名称（××综合实验区）的后缀、文件列举的多个同类机构（××卫生院）的名称也不提示；"
        "为避免误报，只在把握很大时提示，结果仅供校对参考。",
    fires=["推动大数局产业加快发展。", "确保人民群众生命材产安全。", "提升群众满意杜。", "加快构建现代产业提喜。",
           "各级嫩民政府要加强组织领导。"],
    silent=["推动大数据产业加快发展。", "确保人民群众生命财产安全。", "提升群众满意度。", "加快构建现代产业体系。",
            "各级人民政府要加强组织领导。",
            "落实银担合作条件，夯实银担合作基础。",
            "各乡镇人民政府要加强组织领导，确保各项工作落到实处。",
            "根据闽委宣联〔2013〕19号文件精神", "贵阳综合实验区管委会", "拟录用人员：王建国、李红梅、张伟、刘洋。"],
)

#: A word typed twice (按照按照): two to four characters, then the same again.
_DOUBLED_WORD = regex.compile(r"(\p{Han}{2,4})\1")
#: Column headings of a table repeat side by side once its cells are flattened into a line.
_HEADINGS = frozenset({"合计", "小计", "总计", "备注", "数量", "金额", "其中", "面积", "单位", "名称"})
#: A dictionary word this frequent is a word a clerk meant to write.
DOUBLED_MIN_FREQ = 100


def _doubled(rule: FunctionRule, doc: Document, ctx: Context) -> Iterable[Finding]:
    from . import lm  # numpy and the model's tables: loaded only when a T rule runs
    words = lm.lexicon_words()
    for block in rule.blocks(doc):
        text = block.text
        for m in _DOUBLED_WORD.finditer(text):
            w, end = m[1], m.end()
            if w[0] == "一" or w in _HEADINGS or words.get(w, 0) < DOUBLED_MIN_FREQ or words.get(m.group(), 0):
                continue  # 一个一个 is an adverb; a rare "word" doubled is likelier a name
            if any(words.get(w[k:] + text[end:end + j], 0) for k in range(len(w)) for j in (1, 2) if end + j <= len(text)):
                continue  # 城关中队中队长: the second one starts a longer word
            o = text.rfind("《", 0, m.start())
            if o > text.rfind("》", 0, m.start()) and "》" in text[end:end + 40]:
                continue  # a quoted title is cited as issued
            yield rule.finding(block, m.start(), end, suggestion=w,
                               message=f"词语重复：“{m.group()}”应为“{w}”", confidence=0.9)


DOUBLED = FunctionRule(
    code="T106", category="proofing", kind="typo", severity=Severity.WARNING,
    message="字词重复", basis="《勺米镇政务公开信息审核发布管理制度》一（一）", func=_doubled, parts=PROSE,
    doc="初审须避免错字等低级错误。本规则查找连打两遍的常用词语（“按照按照”“要求要求”）。叠用本身成词的"
        "（“的的确确”）、“一个一个”、后一个与后文组成另一词语的（“城关中队中队长”）、表格栏目名称（“合计合计”）"
        "和书名号内的标题不提示。单字重复（“湖湖”可能是“滞洪湖湖周”）不在此列。",
    fires=["各单位要按照按照要求报送。", "认真落实落实各项措施"],
    silent=["各单位要按照要求报送。", "天天坚持锻炼", "一个一个地核对", "的的确确如此", "交警大队大队长张某",
            "依据《某某用地用地标准》执行", "合计合计"],
)

RULES = [MISSPELLINGS, IDIOMS, CONFUSABLES, VARIANTS, TERMS, STATISTICAL, DOUBLED]
