"""Reprints (R1xx): central and district documents reproduced, reprints unlabelled, copied passages.

《勺米镇政务公开信息审核发布管理制度》六至八: central (中央、国务院) documents may not be
published in full, in summary or as a news item without approval; district (区委、区政府)
documents only from the authorised sources; any reprint names its source site and time.

Citing a document as a basis (根据《国务院关于…》（国发〔2019〕5号）) is not reproducing it.
Reproduction shows in the draft's shape: the document's title standing as a heading, its
发文字号 on a line of its own, "全文如下", or a news item (国务院近日印发《…》…《意见》指出).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..engine import FunctionRule
from ..models import Block, Document, Severity
from . import refindex

RELEASE = "《勺米镇政务公开信息审核发布管理制度》"
BODY_PARTS = ("body", "table", "textbox")
#: Where a reproduced document shows its shape (a table listing titles and numbers is a list).
REPRODUCTION_PARTS = ("body", "textbox")
DEFAULT_AUTHORIZED = ("水城报", "水城区融媒体中心", "区政府网站", "水城区人民政府网站", "水城区人民政府门户网站")
DEFAULT_DISTRICT = ("水城区",)
DEFAULT_DISTRICT_PREFIXES = ("水府发", "水府办发", "水府函", "水府办函", "水党发", "水党办发", "水委发", "水委办发",
                             "水城府发", "水城党发", "水城委发")

_OPEN, _CLOSE = r"[〔\[［【（(﹝]", r"[〕\]］】）)﹞]"
CENTRAL_PREFIX = r"(?:中发|中办发|中办字|中委|厅字|国发|国办发|国函|国办函|国发明电|国办发明电|中办发电)"
CENTRAL_ISSUER = (
    r"(?:中共中央办公厅\s*国务院办公厅|中共中央\s*国务院|中共中央办公厅|国务院办公厅|中共中央|国务院|"
    r"党中央\s*国务院|中办\s*国办|中央办公厅)"
)
_DOC_TYPES = r"(?:指导意见|实施意见|意见|通知|决定|规定|办法|方案|纲要|规划|批复|通报|条例|细则|公告|通告|决议)"
HEADING_MAX = 60


@dataclass(frozen=True)
class Level:
    """What one rule looks for: the issuers and 发文字号 prefixes of one level of government."""

    name: str
    heading: regex.Pattern  # the document's title as a line: 国务院关于…的意见
    issuer: regex.Pattern  # a title that starts with the issuer
    number_line: regex.Pattern  # a line that is only its 发文字号
    number: regex.Pattern  # its 发文字号 anywhere
    news: regex.Pattern  # 国务院近日印发《
    quoted: regex.Pattern  # 《国务院关于…


@lru_cache(maxsize=64)  # the district level is rebuilt from the configuration for every document
def _level(name: str, issuer: str, prefixes: str) -> Level:
    number = rf"(?:{prefixes})\s*{_OPEN}\s*\d{{4}}\s*{_CLOSE}\s*\d{{1,4}}\s*号"
    return Level(
        name,
        regex.compile(rf"^(?:{issuer})\s*(?:印发)?(?:关于)?.{{2,80}}?{_DOC_TYPES}$"),
        regex.compile(rf"^(?:{issuer})"),
        regex.compile(rf"^{number}$"),
        regex.compile(number),
        regex.compile(rf"(?:{issuer})[、和\s]*(?:近日|日前|今天|今日|\d{{1,2}}月\d{{1,2}}日|最近)?[，,]?\s*"
                      rf"(?:印发|发布|出台|下发|公布)了?《"),
        regex.compile(rf"《(?:{issuer})"),
    )


CENTRAL = _level("central", CENTRAL_ISSUER, CENTRAL_PREFIX)
FULL_TEXT = regex.compile(r"全文如下|原文如下|摘要如下|内容摘要如下|转发如下|全文转发|全文刊登|全文发布")
FORWARD = regex.compile(r"(?:现将|特将|将)《(?P<title>[^》]{4,80})》[^。]{0,30}?转发给你们")
NEWS_BODY = regex.compile(rf"《{_DOC_TYPES}》(?:指出|提出|强调|明确|要求|部署|规定|共分|包括|全文)")


_SPACES = regex.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


DATE_LINE = regex.compile(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$")


def _is_heading(text: str) -> bool:
    t = _compact(text)
    return 0 < len(t) <= HEADING_MAX and not t.endswith(("。", "；", "，", "：", ":"))


def _headings(doc: Document) -> list[tuple[Block, str, str | None]]:
    """Title-like lines (alone or joined with the next), each with the text that follows them."""
    blocks = [b for b in doc.blocks if b.part in REPRODUCTION_PARTS and b.text.strip()]
    out = []
    for i, b in enumerate(blocks):
        if not _is_heading(b.text):
            continue
        after = lambda j: blocks[j].text.strip() if j < len(blocks) else None  # noqa: E731
        out.append((b, _compact(b.text), after(i + 1)))
        if i + 1 < len(blocks) and _is_heading(blocks[i + 1].text):
            out.append((b, _compact(b.text) + _compact(blocks[i + 1].text), after(i + 2)))
    return out


def _text_follows(level: "Level", after: str | None) -> bool:
    """A reproduced title is followed by its document: 发文字号, 主送, body text or 全文如下 —
    not by another title (a list of titles is a reading list, not a reprint)."""
    if after is None:
        return False
    return bool(level.number_line.match(_compact(after)) or FULL_TEXT.search(after) or DATE_LINE.match(after)
                or after.endswith(("：", ":")) or not _is_heading(after))


def reproduction(doc: Document, level: Level) -> list[tuple[Block, int, int, str]]:
    """Evidence that the draft reproduces a document of ``level``: (block, start, end, why)."""
    evidence: list[tuple[Block, int, int, str]] = []
    for block, joined, after in _headings(doc):
        if level.heading.match(joined) and _text_follows(level, after):
            evidence.append((block, 0, len(block.text), "以该文件标题为标题"))
    for block in doc.blocks:
        if block.part not in REPRODUCTION_PARTS or not block.text.strip():
            continue
        text = block.text
        if level.number_line.match(_compact(text)):
            evidence.append((block, 0, len(text), "单独成行的发文字号"))
            continue
        fm = FULL_TEXT.search(text)
        if fm and (level.issuer.search(text.lstrip("《（( ")) or level.number.search(_compact(text))
                   or level.quoted.search(text)):
            evidence.append((block, fm.start(), fm.end(), "“全文如下”"))
        for m in FORWARD.finditer(text):
            if level.issuer.match(m["title"]):
                evidence.append((block, m.start(), m.end(), "转发该文件"))
        nm = level.news.search(text)
        if nm:
            evidence.append((block, nm.start(), nm.end(), "消息稿（近日印发《…》）"))
    # A forwarding line or "全文如下" alone is reproduction only when the text follows.
    kinds = {why for *_, why in evidence}
    if kinds <= {"转发该文件"}:
        return []
    if kinds == {"消息稿（近日印发《…》）"}:
        body = "\n".join(b.text for b in doc.blocks if b.part in BODY_PARTS)
        if not NEWS_BODY.search(body):
            return []
    seen, out = set(), []
    for e in sorted(evidence, key=lambda e: (e[0].index, e[1])):
        if (e[0].index, e[3]) not in seen:
            seen.add((e[0].index, e[3]))
            out.append(e)
    return out


def _report(rule, evidence, what):
    block, start, end, _ = evidence[0]
    whys = "、".join(dict.fromkeys(why for *_, why in evidence))
    return rule.finding(
        block, start, end,
        message=f"转载{what}（{whys}）",
        confidence=0.85,
        explanation={"evidence": whys, "places": [(b.index, s, e) for b, s, e, _ in evidence[:10]]},
    )


def _central(rule, doc, ctx):
    evidence = reproduction(doc, CENTRAL)
    if evidence:
        f = _report(rule, evidence, "中央、国务院文件全文、摘要或消息稿")
        yield rule.finding(
            doc.blocks[f.location.block], f.location.start, f.location.end,
            message=f.message + "：未经批准不得擅自公开发布",
            suggestion="引用中央文件时只写标题和发文字号作为依据；确需发布全文、摘要或消息稿的，须经批准，并从中国政府网等授权渠道转载",
            confidence=f.confidence, explanation=f.explanation,
        )


CENTRAL_DOCUMENT = FunctionRule(
    code="R101", category="reprint", kind="central_document", severity=Severity.ERROR,
    message="擅自发布中央、国务院文件", basis=f"{RELEASE}六", func=_central,
    doc="未经批准不得擅自公开发布中央文件、国务院文件（含以中央办公厅、国务院办公厅名义印发的各类文件）"
        "全文、摘要或消息稿。草稿以中央或国务院文件的标题为标题、单独一行写出其发文字号（国发〔2019〕5号）、"
        "写有“全文如下”，或是“国务院近日印发《…》……《意见》指出”式的消息稿时报告。在正文中把中央"
        "文件作为依据引用（根据《国务院关于…》（国发〔2019〕5号）精神）不报告。",
    fires=["国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见\n国发〔2019〕5号\n"
           "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
           "近日，国务院办公厅印发《关于全面推进政务公开工作的意见》。《意见》指出，要推进决策公开。",
           "国务院关于全面加强基础科学研究的若干意见\n（全文如下）"],
    silent=["根据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）精神，"
            "结合我镇实际，制定本方案。",
            "认真贯彻落实《中共中央 国务院关于实施乡村振兴战略的意见》，扎实推进乡村振兴。",
            "勺米镇人民政府关于做好春耕备耕工作的通知\n勺府发〔2025〕3号"],
)


def _district_level(section: dict) -> Level:
    names = [regex.escape(n) for n in section.get("district_names", DEFAULT_DISTRICT)]
    name = "|".join(names) or "水城区"
    issuer = (rf"(?:中共(?:{name})委员会|中共(?:{name})委|(?:{name})人民政府办公室|(?:{name})人民政府|(?:{name})委办公室|"
              rf"(?:{name})委|(?:{name})政府办公室|(?:{name})政府|区委办公室\s*区人民政府办公室|区委\s*区人民政府|"
              rf"区委\s*区政府|区委办公室|区人民政府办公室|区政府办公室|区人民政府|区政府|区委)")
    prefixes = "|".join(regex.escape(p) for p in section.get("district_doc_prefixes", DEFAULT_DISTRICT_PREFIXES))
    return _level("district", issuer, prefixes or "(?!)")


REPRINT_LINE = regex.compile(
    r"(?:^|[\s（(【\[])(?:本文)?(?:转载自|转载于|转载|转自|来源于|稿件来源|文章来源|信息来源|新闻来源|来源|稿源)\s*[:：]?\s*"
    r"(?P<source>[^\s，,。；;）)】\]|]{0,40})"
)
NOT_REPRINT = regex.compile(r"(?:数据|资金|经费|收入|水|货|病例|资料|建设资金|项目资金|生活|经济|传染|污染|税)$")
DATE_WORDS = regex.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|(?:转载|发布|发稿|更新)(?:时间|日期)\s*[:：]\s*\S"
)
MEDIA = regex.compile(r"网|报|台|新闻|融媒|媒体|公众号|客户端|微博|微信|电视|广播|杂志|新华社|中新社|通讯社|政府网站|门户")
VAGUE_SOURCE = regex.compile(r"^(?:网络|互联网|网上|网友|综合|综合整理|转载|本站|不详|未知|朋友圈|微信群)?$")


def reprint_lines(doc: Document) -> list[tuple[Block, regex.Match]]:
    """Lines that say where the text was taken from (来源：…, 转载自…)."""
    out = []
    for block in doc.blocks:
        if block.part not in BODY_PARTS or not block.text.strip():
            continue
        for m in REPRINT_LINE.finditer(block.text):
            lead = block.text[: m.start()].strip()
            if lead and (NOT_REPRINT.search(lead) or len(lead) > 40):
                continue  # 资金来源：区财政 is not a reprint
            marker = m.group().strip(" （(【[")
            source = m["source"].strip()
            if marker.startswith(("来源", "信息来源")) and source and not VAGUE_SOURCE.match(source) \
                    and not MEDIA.search(source) and not DATE_WORDS.search(block.text):
                continue  # 来源：镇统计站 notes where figures come from, not a reprint
            out.append((block, m))
            break
    return out


def _authorized(doc: Document, section: dict) -> bool:
    sources = tuple(section.get("authorized_sources", DEFAULT_AUTHORIZED))
    return any(any(s in m["source"] or s in b.text for s in sources) for b, m in reprint_lines(doc))


def _district(rule, doc, ctx):
    section = ctx.section("reprint")
    evidence = reproduction(doc, _district_level(section))
    if not evidence or _authorized(doc, section):
        return
    f = _report(rule, evidence, "区委、区政府文件全文、摘要或消息稿")
    sources = "、".join(section.get("authorized_sources", DEFAULT_AUTHORIZED))
    yield rule.finding(
        doc.blocks[f.location.block], f.location.start, f.location.end,
        message=f.message + "，未注明从授权渠道转载",
        suggestion=f"确需刊登的，须经批准并从授权渠道（{sources}）转载，标注来源网站和转载时间",
        confidence=f.confidence, explanation=f.explanation,
    )


DISTRICT_DOCUMENT = FunctionRule(
    code="R102", category="reprint", kind="district_document", severity=Severity.WARNING,
    message="区委、区政府文件未从授权渠道转载", basis=f"{RELEASE}七", func=_district,
    doc="未经批准不得擅自公开发布区委、区政府文件全文、摘要或消息稿；如需刊登，应当从水城报、水城区融媒体"
        "中心等新闻单位或区政府网站转载。授权渠道是配置项（[reprint] authorized_sources），区名和区级"
        "发文字号前缀也可配置（district_names、district_doc_prefixes），其他地方按本地实际设置。"
        "草稿以区委、区政府文件标题为标题、单独一行写其发文字号、写有“全文如下”或是消息稿，且未注明"
        "来源于授权渠道时报告；作为依据引用不报告。",
    fires=["水城区人民政府关于加强农村人居环境整治的通知\n水府发〔2025〕8号\n各乡（镇）人民政府、街道办事处："],
    silent=["水城区人民政府关于加强农村人居环境整治的通知\n水府发〔2025〕8号\n各乡（镇）人民政府、街道办事处：\n"
            "来源：水城区人民政府网站  转载时间：2025-03-06",
            "根据《水城区人民政府关于加强农村人居环境整治的通知》（水府发〔2025〕8号）要求，结合我镇实际，制定本方案。"],
)


def _unlabelled(rule, doc, ctx):
    blocks = [b for b in doc.blocks if b.part in BODY_PARTS]
    position = {b.index: i for i, b in enumerate(blocks)}
    for block, m in reprint_lines(doc):
        source = m["source"].strip()
        i = position[block.index]
        near = [block] + [blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks) and len(blocks[j].text) <= 60]
        has_time = any(DATE_WORDS.search(b.text) for b in near)
        source_name = regex.sub(DATE_WORDS.pattern + r".*$", "", source)
        missing = []
        if VAGUE_SOURCE.match(source_name):
            missing.append("来源网站")
        if not has_time:
            missing.append("转载时间")
        if not missing:
            continue
        yield rule.finding(
            block, m.start(), m.end(),
            message=f"转载未准确标注{'和'.join(missing)}",
            suggestion="在转载页面准确清晰标注转载来源网站（制发机关官方网站或其授权媒体）和转载时间，"
                       "如“来源：水城区人民政府网站　转载时间：2025年3月6日”",
            confidence=0.8, explanation={"missing": missing, "source": source_name},
        )


REPRINT_UNLABELLED = FunctionRule(
    code="R103", category="reprint", kind="reprint_unlabelled", severity=Severity.WARNING,
    message="转载未标注来源网站和转载时间", basis=f"{RELEASE}八", func=_unlabelled,
    doc="转载其他机关、单位的文件、电报，应当从制发机关、单位的官方门户网站或其授权的媒体转载，严禁从未经"
        "授权的网站转载；转载页面上要准确清晰标注转载来源网站、转载时间等。写有“来源：”“转载自”“转自”"
        "而没有具体来源网站（或只写“网络”）或没有转载时间时报告。“资金来源：区财政”等不是转载。",
    fires=["来源：网络", "转自水城区融媒体中心", "来源：水城区人民政府网站"],
    silent=["来源：水城区人民政府网站  转载时间：2025-03-06",
            "来源：水城报  2025年3月6日",
            "资金来源：区级财政专项资金。"],
)


def _reference_copy(rule, doc, ctx):
    index = ctx.services.get("refindex")
    if index is None and ctx.config.refs:
        index = refindex.services_for(ctx.config).get("refindex")
    if index is None:
        return
    section = ctx.section("reprint")
    min_chars = int(section.get("min_chars", 100))
    blocks = [b for b in doc.blocks if b.part in refindex.QUERY_PARTS]
    text = "\n".join(b.text for b in blocks)
    bounds, pos = [], 0
    for b in blocks:
        bounds.append((pos, pos + len(b.text), b))
        pos += len(b.text) + 1
    for m in index.search(text, min_chars=min_chars):
        first = next(x for x in bounds if x[1] >= m.start)
        last = next(x for x in reversed(bounds) if x[0] <= m.end - 1)
        block = first[2]
        start = m.start - first[0]
        end = min(len(block.text), m.end - first[0])
        span = "" if first is last else f"（第{block.paragraph + 1}至第{last[2].paragraph + 1}段）"
        title = f"“{m.title}”" if m.title and m.title not in m.name else ""
        others = f"；另有 {len(m.others)} 份参考文件含相同内容" if m.others else ""
        yield rule.finding(
            block, start, end,
            message=f"约 {m.length} 字与参考文件 {m.name}{title} 重合{span}{others}",
            suggestion="核实是否照抄或转载了该文件：转载须经批准并标注来源网站和转载时间；引用的，改为概述并注明出处",
            confidence=min(0.99, 0.6 + m.coverage * 0.4),
            explanation={"reference": m.name, "reference_title": m.title, "chars": m.length,
                         "coverage": m.coverage, "end_block": last[2].index, "others": list(m.others[:10])},
        )


_EXAMPLE_REF = (
    "水城区人民政府关于进一步加强农村人居环境整治工作的通知。各乡镇人民政府要把农村人居环境整治作为实施乡村振兴战略的"
    "第一场硬仗，坚持因地制宜、分类指导，统筹推进农村垃圾、污水治理和村容村貌提升，建立健全长效管护机制。"
    "一是全面开展村庄清洁行动，重点清理农村生活垃圾、村内塘沟、畜禽养殖粪污等农业生产废弃物，改变影响农村人居环境的"
    "不良习惯。二是加快推进农村户用卫生厕所建设和改造，同步实施厕所粪污治理，引导农民群众自觉参与。三是梯次推进农村"
    "生活污水治理，优先治理水源地保护区、城乡接合部和人口集中村庄的生活污水。四是提升村容村貌，加快推进通村组道路、"
    "入户道路建设，整治公共空间和庭院环境。"
)


def _example_index() -> "refindex.RefIndex":
    return refindex.RefIndex.build([_EXAMPLE_REF], ["区政府/人居环境整治通知.docx"])


def _copy_example():
    """A draft that copies 200 characters of the example reference, with two words changed."""
    copied = _EXAMPLE_REF[60:260].replace("各乡镇人民政府", "各村（社区）").replace("硬仗", "攻坚战")
    doc = Document.from_text("关于开展人居环境整治的通知\n各村（社区）：\n" + copied, path="<example>")
    return doc, {"refindex": _example_index()}


def _unrelated_example():
    doc = Document.from_text("关于做好春耕备耕工作的通知\n各村（社区）：\n" + "请抓好春耕备耕，确保农资供应充足、价格稳定。" * 8)
    return doc, {"refindex": _example_index()}


REFERENCE_COPY = FunctionRule(
    code="R104", category="reprint", kind="reference_copy", severity=Severity.WARNING,
    message="与参考文件大段重合", basis=f"{RELEASE}七、八", func=_reference_copy,
    doc="用 --refs 指定参考文件夹（如区里和中央已发布的文件）后，报告草稿中与某份参考文件共有的 100 字以上段落"
        "（按包含关系比对，个别字词改动、标点和空格不影响），并指出是哪份参考文件。大段照抄他人文件，往往是"
        "未经批准转载或未标注来源的转载。参考文件只建一次索引并缓存（按参考文件内容），1 万份参考文件时每次查询"
        "仍在毫秒级。常见套话（如“加强统筹协调，形成工作合力”）不计入重合。",
    fires=[_copy_example],
    silent=["关于做好春耕备耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。", _unrelated_example],
)

RULES = [CENTRAL_DOCUMENT, DISTRICT_DOCUMENT, REPRINT_UNLABELLED, REFERENCE_COPY]
