"""Personal data outside the body: document properties and the authors of comments and revisions.

A .docx carries more than its text. docProps/core.xml records 作者 (dc:creator) and 最后修改者
(cp:lastModifiedBy) besides 标题、主题、关键词、备注; docProps/app.xml 单位 and 经理; custom.xml
whatever a template or a system put there; comments.xml, the tracked changes (w:ins, w:del…)
and people.xml the name of everyone who commented or edited. Word shows all of it under
文件 → 属性, and a published file hands it to every reader.

Two things are screened here:

* the property values (标题、备注、单位、custom properties…) go through the same personal-data
  recognisers as the body (D101–D110): :func:`property_view` lays each value out as one block
  ``名称：值`` so the property's name is the context word (a custom property 申请人身份证号 reads
  like a table header), and :func:`in_properties` maps the findings back onto the property;
* the author places (作者、最后修改者、经理, author-like custom properties, the authors of
  comments and tracked changes, people.xml, the user folder in the attached template's or a
  linked file's local path) are judged by D111: a person's name left there is
  a metadata-hygiene warning, an account name (zhangsan) a note; generic values (Administrator,
  起草单位, an office's name) and the neutral value ``gongkai redact`` writes are fine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote

import regex

from ..engine import Context, FunctionRule
from ..models import Block, Document, Finding, Location, Severity, property_name
from .context import MASK_CHARS, lexicon, personal_context

#: Core properties whose values are free text a drafter (or a template) filled in.
SCANNED_CORE = ("title", "subject", "keywords", "description", "category", "contentStatus", "identifier")
SCANNED_APP = ("Company",)
#: Properties that hold who wrote or edited the file (judged by D111, not by D101–D110).
AUTHOR_PROPERTIES = ("core:creator", "core:lastModifiedBy", "app:Manager")
#: Custom properties named like these hold a person too (起草人、审核人, gongkai's review stamp…).
AUTHOR_CUSTOM = regex.compile(r"作者|起草|拟稿|撰稿|核稿|审核|审签|签发|初审|复审|终审|校对|编辑|经办|author|owner|editor",
                           regex.I)
#: Config ``[screening] neutral_author``: what ``gongkai redact`` writes in place of an author.
NEUTRAL_KEY = "neutral_author"

#: Author values that say nothing about a person: defaults of office suites, OEM installs, tools.
GENERIC_AUTHORS = frozenset(v.casefold() for v in (
    "administrator", "admin", "user", "users", "owner", "guest", "author", "unknown", "anonymous", "none",
    "microsoft", "microsoft office user", "microsoft office 用户", "windows user", "windows 用户", "微软用户",
    "微软中国", "用户", "作者", "匿名", "匿名用户", "未知", "python-docx", "gongkai", "lenovo", "dell", "hp", "asus",
    "acer", "huawei", "thinkpad", "mc system", "sky123.org", "ylmf", "deepin", "雨林木风", "番茄花园", "深度",
    "系统之家", "wps", "kingsoft", "金山", "apache poi", "libreoffice", "openoffice", "docx4j", "aspose", "pc",
    "起草单位", "审核人", "审稿人", "校对人", "起草人", "拟稿人", "编辑", "审核", "校对",
))
_ACCOUNT = regex.compile(r"[A-Za-z][A-Za-z0-9._\-]{1,30}(?:\s[A-Za-z][A-Za-z0-9._\-]{0,30})?")
_HAN_TOKEN = regex.compile(r"^\s*(\p{Han}{2,4})(?=$|[\s,，、;；（(0-9])")


@dataclass
class PropertyView:
    """Property values laid out as blocks (``名称：值``) for the block-based recognisers."""

    doc: Document
    ctx: Context
    origin: list[tuple[str, int]]  # block index -> (property key, offset of the value in the block)


def scanned_properties(doc: Document) -> list[tuple[str, str]]:
    """(key, value) of the free-text properties D101–D110 read: core, app and custom."""
    out = [(f"core:{n}", doc.core_properties[n]) for n in SCANNED_CORE if doc.core_properties.get(n)]
    out += [(f"app:{n}", doc.app_properties[n]) for n in SCANNED_APP if doc.app_properties.get(n)]
    out += [(f"custom:{n}", v) for n, v in doc.custom_properties.items() if v and not AUTHOR_CUSTOM.search(n)]
    return out


def property_view(doc: Document, ctx: Context) -> PropertyView | None:
    """The document's property values as a small document of their own (a per-document fact)."""
    items = scanned_properties(doc)
    if not items:
        return None
    view = Document(path=doc.path, source_format=doc.source_format)
    origin = []
    for i, (key, value) in enumerate(items):
        prefix = f"{property_name(key)}："
        view.add_block(Block(text=prefix + value, part="body", paragraph=i, source_id=key))
        origin.append((key, len(prefix)))
    return PropertyView(view, Context(view, ctx.config, services=ctx.services), origin)


def in_properties(func: Callable[[FunctionRule, Document, Context], Iterable[Finding]]):
    """A personal-data rule function that reads the property values as well as the blocks.

    Findings in a value are placed on the property (Location.of_property) and name it in the
    message; the severity follows the document's 公开属性 as for the body.
    """

    def run(rule: FunctionRule, doc: Document, ctx: Context) -> Iterator[Finding]:
        yield from func(rule, doc, ctx)
        if ctx.doc is not doc:
            return
        view = ctx.fact(property_view)
        if view is None:
            return
        pctx = ctx.fact(personal_context)
        for f in func(rule, view.doc, view.ctx):
            key, offset = view.origin[f.location.block]
            if f.location.start < offset:
                continue  # a match in the property's name, not in its value
            severity, why = pctx.severity(f.severity, True)
            explanation = {**f.explanation, "property": property_name(key)}
            if why:
                explanation["severity"] = why
            yield replace(
                f, location=Location.of_property(key, f.location.start - offset, f.location.end - offset),
                message=f"{f.message}（文档属性“{property_name(key)}”）", severity=severity,
                explanation=explanation, excerpt=None,
            )

    run.__name__ = getattr(func, "__name__", "run")
    run.__doc__ = func.__doc__
    return run


# -- D111 作者信息 ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _org_re() -> regex.Pattern:
    """An office word (or a unit's ending) at the end of a value."""
    words = set(lexicon().office_words) | {"办", "镇", "乡", "村", "社区", "单位", "部", "处", "组", "室", "会"}
    return regex.compile("(?:" + "|".join(map(regex.escape, sorted(words, key=len, reverse=True))) + r")$")


def _org_like(value: str) -> bool:
    """An office's name (勺米镇党政办, 综合科): the unit as author is not a person's data."""
    return bool(_org_re().search(value))


def judge_author(value: str, neutral: str = "", accounts: bool = True) -> tuple[str, int, int] | None:
    """("name" | "account", start, end) when ``value`` records a person; None when it is generic.

    A Han name with a known surname (whole value, or its first token as in 李明 2025-03-05) is a
    name; a Latin account (zhangsan, li.ming) is an account when ``accounts``; defaults of office
    suites and OEM installs, an office's name, masked values and the neutral value are generic.
    """
    from .names import split_name

    v = value.strip()
    if not v or v == neutral.strip() or v.casefold() in GENERIC_AUTHORS or any(c in MASK_CHARS for c in v):
        return None
    lead = len(value) - len(value.lstrip())
    lex = lexicon()
    if v in lex.official_titles or v in lex.role_words:
        return None
    if split_name(v):
        return "name", lead, lead + len(v)
    m = _HAN_TOKEN.match(value)
    if m and split_name(m.group(1)) and not _org_like(m.group(1)):
        return "name", m.start(1), m.end(1)
    if _org_like(v):
        return None
    if accounts and _ACCOUNT.fullmatch(v):
        return "account", lead, lead + len(v)
    return None


def author_places(doc: Document) -> list[tuple[str, str]]:
    """(key, value) of every place that records who wrote or edited the file."""
    out = [(key, doc.property_value(key) or "") for key in AUTHOR_PROPERTIES]
    out += [(f"custom:{n}", v) for n, v in doc.custom_properties.items() if AUTHOR_CUSTOM.search(n)]
    out += [(f"{a.role}:{i}", a.name) for i, a in enumerate(doc.authors)]
    out += [(f"path:{i}", p) for i, p in enumerate(doc.file_paths)]
    return [(k, v) for k, v in out if v]


#: The user folder in a path: C:\Users\NAME\…, C:\Documents and Settings\NAME\…, /home/NAME/….
USER_FOLDER = regex.compile(r"(?:^|[\\/])(?:Users|Documents and Settings|home)[\\/]+([^\\/]+)", regex.I)
PUBLIC_FOLDERS = frozenset({"public", "default", "all users", "default user", "shared", "公用"})


def user_in_path(path: str) -> tuple[int, int] | None:
    """The span of the user name in a local path (file:///C:/Users/zhangsan/…), or None."""
    m = USER_FOLDER.search(path)
    if m is None or m.group(1).casefold() in PUBLIC_FOLDERS:
        return None
    return m.span(1)


_WHERE = {
    "comment": ("批注作者为个人姓名", "发布前删除批注（审阅 → 删除 → 删除文档中的所有批注），并清除作者信息"),
    "revision": ("修订记录的作者为个人姓名", "发布前接受或拒绝全部修订（审阅 → 接受 → 接受所有修订），并清除作者信息"),
    "people": ("审阅者名单（people.xml）中有个人姓名", "发布前删除批注和修订，并清除文档中的个人信息"),
    "path": ("模板或链接的本地路径中有个人姓名", "发布前改用不含个人文件夹的模板或链接（开发工具 → 文档模板），或清除文档中的个人信息"),
}
_CLEAR = "发布前应清除文档属性中的作者信息（文件 → 信息 → 检查文档 → 文档属性和个人信息），或用 gongkai redact 替换为中性值"


def _authors(rule: FunctionRule, doc: Document, ctx: Context) -> Iterator[Finding]:
    places = author_places(doc)
    if not places:
        return
    neutral = str(ctx.section("screening").get(NEUTRAL_KEY, "") or "")
    pctx = ctx.fact(personal_context)
    named = {a.name for a in doc.authors if a.role != "people"}
    for key, value in places:
        space = key.partition(":")[0]
        if space == "people" and value in named:
            continue  # the same person as a comment or revision author: reported there
        if space == "path":
            span = user_in_path(value)
            verdict = judge_author(unquote(value[span[0]:span[1]]), neutral) if span else None
            if verdict is not None:  # the folder as written (percent-encoded or not) is what is reported
                verdict = (verdict[0], *span)
        else:
            verdict = judge_author(value, neutral, accounts=space not in ("custom", "app"))
        if verdict is None:
            continue
        what, start, end = verdict
        where = property_name(key)
        if space in _WHERE:
            message, suggestion = _WHERE[space]
            if what == "account":
                message = message.replace("个人姓名", "个人账户名")
            suggestion += "；可用 gongkai redact 遮蔽" if space == "path" else "；可用 gongkai redact 替换为中性值"
        else:
            message = f"文档属性“{where}”中留有{'个人姓名' if what == 'name' else '个人账户名'}"
            suggestion = _CLEAR
        base = Severity.WARNING if what == "name" else Severity.INFO
        severity, why = pctx.severity(base, True)
        explanation = {"pattern": "作者信息", "property": where,
                       "validation": "常见姓氏+名字" if what == "name" else "账户名（拉丁字母）"}
        if why:
            explanation["severity"] = why
        yield Finding(
            rule=rule.code, category=rule.category, kind=rule.kind, severity=severity, message=message,
            location=Location.of_property(key, start, end), text=value[start:end], suggestion=suggestion,
            basis=rule.basis, confidence=0.85 if what == "name" else 0.5, explanation=explanation,
        )


class PropertyExample(str):
    """A rule example that is a document with properties: called, it builds the Document; as text,
    it reads ``[作者：王小明] 关于…`` (so ``gongkai rules`` can show it like any example)."""

    build: Callable[[], Document]

    def __new__(cls, label: str, build: Callable[[], Document]):
        self = super().__new__(cls, label)
        self.build = build
        return self

    def __call__(self) -> Document:
        return self.build()


def with_properties(text: str, core: dict | None = None, app: dict | None = None, custom: dict | None = None,
                    authors: Iterable[tuple[str, str]] = (), paths: Iterable[str] = ()) -> PropertyExample:
    """A rule example: a document of ``text`` with the given properties and (role, name) authors."""
    from ..models import Author

    authors, paths = list(authors), list(paths)

    def build() -> Document:
        doc = Document.from_text(text, path="<example>.docx", source_format="docx")
        doc.core_properties.update(core or {})
        doc.app_properties.update(app or {})
        doc.custom_properties.update(custom or {})
        doc.authors.extend(Author(role, name) for role, name in authors)
        doc.file_paths.extend(paths)
        return doc

    places = [(f"core:{k}", v) for k, v in (core or {}).items()] + [(f"app:{k}", v) for k, v in (app or {}).items()]
    places += [(f"custom:{k}", v) for k, v in (custom or {}).items()] + [(role, name) for role, name in authors]
    places += [("path", p) for p in paths]
    label = "；".join(f"{property_name(k)}：{v}" for k, v in places)
    return PropertyExample(f"[{label}] {text}", build)


BODY = "关于做好春耕备耕工作的通知\n各村（社区）：\n请做好春耕备耕工作。"

AUTHOR_RULE = FunctionRule(
    code="D111", category="personal_data", kind="person_name", severity=Severity.WARNING,
    message="文档属性中留有个人姓名", basis="《勺米镇依申请公开制度》第三条（三）",
    doc="发布前应清除文档属性中的作者信息。Word 文件在正文之外还记录作者、最后修改者、经理、批注作者、修订作者和审阅者名单"
        "（docProps/core.xml、app.xml、comments.xml、people.xml），附加模板和链接文件的本地路径里还常有个人文件夹名"
        "（C:\\Users\\zhangsan\\…），读者在“文件 → 属性”里就能看到；其中的个人姓名属于个人信息"
        "（《勺米镇依申请公开制度》第三条（三）），也不符合《勺米镇政务公开信息审核发布管理制度》第五条对发布信息安全性的要求。"
        "个人姓名为警告，拉丁字母账户名（zhangsan）为提示；Administrator、微软用户等软件默认值、单位名称（勺米镇党政办）、"
        "已遮蔽的值和配置的中性值（[screening] neutral_author）不报告。gongkai redact 会把这些作者替换为中性值，并遮蔽路径中的个人文件夹名。"
        "标题、备注、单位和自定义属性中的身份证号、电话等由 D101–D110 按正文同样的标准检查。",
    fires=[
        with_properties(BODY, core={"creator": "王小明"}),
        with_properties(BODY, core={"lastModifiedBy": "zhangsan"}),
        with_properties(BODY, authors=[("comment", "李四海")]),
        with_properties(BODY, authors=[("revision", "陈建国")]),
        with_properties(BODY, custom={"gongkai.review.初审": "杨明 2025-03-05 10:00"}),
        with_properties(BODY, paths=["file:///C:/Users/zhangsan/AppData/Roaming/Microsoft/Templates/Normal.dotm"]),
    ],
    silent=[
        with_properties(BODY, core={"creator": "Administrator", "lastModifiedBy": "微软用户"}),
        with_properties(BODY, core={"creator": "勺米镇党政办"}, app={"Manager": "起草单位"}),
        with_properties(BODY, authors=[("comment", "审核人"), ("revision", "gongkai")]),
        with_properties(BODY, core={"creator": "王*"}, custom={"gongkai.review.校对": "3/3"}),
        with_properties(BODY, paths=["file:///C:/Users/Administrator/AppData/Roaming/Microsoft/Templates/Normal.dotm",
                                     "file:///D:/公文模板/红头.dotx"]),
        BODY,
    ],
    priority=2, func=_authors,
)

RULES = [AUTHOR_RULE]
