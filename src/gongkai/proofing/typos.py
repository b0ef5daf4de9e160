"""Typos and word usage (T1xx): curated lexicons (T101–T105) and a statistical detector (T110).

Basis: 《勺米镇政务公开信息审核发布管理制度》一（一）初审“避免出现错字、病句等低级错误”，
一（二）复审“注意对字、词、句审核”.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

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
        "（多为地名、主题词）不提示；为避免误报，只在把握很大时提示，结果仅供校对参考。",
    fires=["推动大数局产业加快发展。", "确保人民群众生命材产安全。", "提升群众满意杜。", "加快构建现代产业提喜。",
           "各级嫩民政府要加强组织领导。"],
    silent=["推动大数据产业加快发展。", "确保人民群众生命财产安全。", "提升群众满意度。", "加快构建现代产业体系。",
            "各级人民政府要加强组织领导。",
            "落实银担合作条件，夯实银担合作基础。",
            "各乡镇人民政府要加强组织领导，确保各项工作落到实处。"],
)

RULES = [MISSPELLINGS, IDIOMS, CONFUSABLES, VARIANTS, TERMS, STATISTICAL]
