"""The document model: blocks of text in reading order, with where they stand and how they look.

Readers build a :class:`Document`; rules only ever see this model, never a file format.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

#: Parts of a document a block can come from (DESIGN.md §2, ``location.part``).
PARTS = ("body", "table", "header", "footer", "footnote", "endnote", "comment", "textbox")
#: Places of the package outside the reading text (issue #17): deleted revisions, field codes,
#: alternative text, link targets, embedded files, document variables… Their blocks come after
#: the reading-order blocks; ``Block.source_id`` / ``Location.source`` names the member, element
#: or attribute within the place (``word/embeddings/x.xlsx``, the variable's name…). Additions to
#: the report contract: no existing part is renamed. Chinese names for ``Location.describe``.
PLACE_PARTS = {
    "deleted": "修订删除", "field": "域代码", "alt_text": "图片替代文字", "hyperlink": "超链接地址",
    "link_tip": "超链接提示或书签", "embedded": "嵌入文件", "altchunk": "导入的外部内容", "chart": "图表",
    "math": "公式", "control": "内容控件属性", "docvar": "文档变量", "customxml": "自定义XML数据",
    "glossary": "文档部件库", "textpath": "艺术字", "ruby": "拼音指南", "fallback": "文本框替代内容",
    "metadata": "文档属性", "smarttag": "智能标记", "style": "样式名", "numbering": "编号格式",
    "image_meta": "图片元数据或文字", "markup": "XML注释或命名空间", "other": "其他部件",
}
#: ``location.part`` of a finding in the file's metadata rather than in a block: a core/app/custom
#: property or the author of comments and tracked changes (``location.property`` names which).
PROPERTY_PART = "property"

#: Chinese names of the metadata places a ``location.property`` key can name.
PROPERTY_NAMES = {
    "core:title": "标题", "core:subject": "主题", "core:creator": "作者", "core:keywords": "关键词",
    "core:description": "备注", "core:lastModifiedBy": "最后修改者", "core:category": "类别",
    "core:contentStatus": "状态", "core:identifier": "标识符", "app:Company": "单位", "app:Manager": "经理",
    "comment": "批注作者", "revision": "修订作者", "people": "审阅者", "path": "模板或链接路径",
}


@dataclass(slots=True, unsafe_hash=True)
class Location:
    """Where a span of text stands: the block's part and position plus character offsets.

    A value: never changed after it is made (``dataclasses.replace`` gives a changed copy).
    Not declared frozen only because a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which makes it five times slower, and screening makes one
    Location per finding (thousands per document in a form-heavy one).
    """

    part: str
    paragraph: int
    start: int = 0
    end: int = 0
    table: int | None = None
    row: int | None = None
    col: int | None = None
    block: int = 0  # index of the block in Document.blocks (-1 for a property)
    #: For part "property": which one, e.g. ``core:creator``, ``app:Company``, ``custom:联系人``,
    #: ``comment:0`` / ``revision:1`` (an index into Document.authors), ``path:0`` (into
    #: Document.file_paths). Offsets are in its value.
    property: str | None = None
    #: For a place part (PLACE_PARTS): the member, element or attribute the text came from.
    source: str | None = None
    #: Where a reader finds it, counted as the document looks (第3段 counts non-empty body
    #: paragraphs only, 表1第2行第3列, 页眉, 脚注2), and a stretch of the paragraph's text to
    #: search for (never personal data). Set when the report is made; not part of equality.
    label: str | None = field(default=None, compare=False)
    quote: str | None = field(default=None, compare=False)

    @classmethod
    def of_property(cls, key: str, start: int = 0, end: int = 0) -> "Location":
        """The place of a span of a document property's value (or of an author's name)."""
        return cls(part=PROPERTY_PART, paragraph=0, start=start, end=end, block=-1, property=key)

    def to_dict(self) -> dict:
        d = {"part": self.part, "paragraph": self.paragraph}
        if self.table is not None:
            d.update(table=self.table, row=self.row, col=self.col)
        if self.property is not None:
            d["property"] = self.property
        if self.source is not None:
            d["source"] = self.source
        d.update(start=self.start, end=self.end)
        if self.label is not None:
            d["label"] = self.label
        if self.quote:
            d["quote"] = self.quote
        return d

    def describe(self) -> str:
        """A short Chinese description for a clerk: 第3段, 表1第2行第3列, 页眉, 文档属性“作者”……

        With the reader's label and quote (a checked report's findings): 第3段“工作布署到位”.
        """
        if self.label is not None:
            return f"{self.label}“{self.quote}”" if self.quote else self.label
        if self.part == PROPERTY_PART:
            return f"文档属性“{property_name(self.property or '')}”"
        if self.part in PLACE_PARTS:
            where = f"{PLACE_PARTS[self.part]} {self.source}" if self.source else PLACE_PARTS[self.part]
            return where if self.block < 0 else f"{where}:{self.start + 1}"  # a whole member: no offset
        where = {
            "body": f"第{self.paragraph + 1}段",
            "header": "页眉",
            "footer": "页脚",
            "footnote": "脚注",
            "endnote": "尾注",
            "comment": "批注",
            "textbox": "文本框",
        }.get(self.part, self.part)
        if self.table is not None:
            where = f"表{self.table + 1}第{(self.row or 0) + 1}行第{(self.col or 0) + 1}列"
        return f"{where}:{self.start + 1}"


def property_name(key: str) -> str:
    """The Chinese name of a property key: core:creator → 作者, custom:联系人 → 联系人, comment:0 → 批注作者."""
    if key in PROPERTY_NAMES:
        return PROPERTY_NAMES[key]
    space, _, name = key.partition(":")
    if space == "custom":
        return name
    return PROPERTY_NAMES.get(space, name or key)


@dataclass(slots=True)
class Run:
    """A stretch of a block's text with uniform formatting (resolved through styles)."""

    start: int
    end: int
    font_ascii: str | None = None
    font_east_asia: str | None = None
    size_pt: float | None = None
    bold: bool | None = None


@dataclass(slots=True)
class Block:
    """One paragraph of text from some part of the document."""

    text: str
    part: str = "body"
    index: int = 0  # position in Document.blocks
    paragraph: int = 0  # ordinal of the paragraph within its part (tables count with body)
    table: int | None = None
    row: int | None = None
    col: int | None = None
    style: str | None = None  # paragraph style name
    align: str | None = None  # left/center/right/both
    runs: list[Run] = field(default_factory=list)
    source_id: str | None = None  # e.g. comment id, footnote id, header part name
    indent_left_pt: float | None = None  # direct paragraph indentation (w:ind), None = not set
    indent_right_pt: float | None = None

    def location(self, start: int = 0, end: int | None = None) -> Location:
        # positional: called once per finding, and keyword calls cost more
        return Location(self.part, self.paragraph, start, len(self.text) if end is None else end,
                        self.table, self.row, self.col, self.index, None,
                        self.source_id if self.part in PLACE_PARTS else None)

    def runs_in(self, start: int, end: int) -> list[Run]:
        return [r for r in self.runs if r.start < end and r.end > start]


@dataclass(frozen=True, slots=True)
class CommentAnchor:
    """A Word comment and the span of blocks it covers (used for suppression)."""

    comment_id: str
    text: str
    author: str | None
    start_block: int
    start_offset: int
    end_block: int
    end_offset: int

    def covers(self, block: int, start: int, end: int) -> bool:
        """True when the span [start, end) of ``block`` touches the commented range."""
        return (block, end) >= (self.start_block, self.start_offset) and (block, start) <= (
            self.end_block,
            self.end_offset,
        )


@dataclass(frozen=True, slots=True)
class Author:
    """A name the file records as the author of comments or tracked changes (or in people.xml)."""

    role: str  # comment | revision | people
    name: str
    initials: str | None = None


@dataclass(slots=True)
class PageLayout:
    """Page geometry of a section, in millimetres (GB/T 9704 is stated in mm)."""

    width_mm: float | None = None
    height_mm: float | None = None
    top_mm: float | None = None
    bottom_mm: float | None = None
    left_mm: float | None = None
    right_mm: float | None = None
    line_pitch_pt: float | None = None  # docGrid linePitch
    lines_per_page: int | None = None


@dataclass(slots=True)
class Document:
    """A document as rules see it."""

    path: str
    blocks: list[Block] = field(default_factory=list)
    source_format: str = "docx"
    sha256: str = ""
    core_properties: dict[str, str] = field(default_factory=dict)
    custom_properties: dict[str, str] = field(default_factory=dict)
    app_properties: dict[str, str] = field(default_factory=dict)  # docProps/app.xml: Company, Manager
    authors: list[Author] = field(default_factory=list)  # distinct (role, name): comments, revisions, people
    #: External targets on a local disk or share: the attached template, links to files (may hold a user name).
    file_paths: list[str] = field(default_factory=list)
    comments: list[CommentAnchor] = field(default_factory=list)
    layouts: list[PageLayout] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things the reader could not fully read
    #: Members of the package whose content cannot be read as text: (member, reason), e.g.
    #: (``word/embeddings/oleObject1.bin``, ``二进制 OLE 对象``). Reported by S105.
    uninspectable: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, path: str = "<text>", source_format: str = "txt") -> "Document":
        """Build a body-only document from plain text, one block per line."""
        doc = cls(path=path, source_format=source_format)
        for i, line in enumerate(text.splitlines()):
            doc.add_block(Block(text=line, part="body", paragraph=i))
        doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return doc

    def property_value(self, key: str) -> str | None:
        """The value a ``location.property`` key names (see Location.property), or None."""
        space, _, name = key.partition(":")
        if space == "core":
            return self.core_properties.get(name)
        if space == "app":
            return self.app_properties.get(name)
        if space == "custom":
            return self.custom_properties.get(name)
        if space in ("comment", "revision", "people") and name.isdigit() and int(name) < len(self.authors):
            return self.authors[int(name)].name
        if space == "path" and name.isdigit() and int(name) < len(self.file_paths):
            return self.file_paths[int(name)]
        return None

    def reader_labels(self) -> list[str]:
        """Per block, where a reader finds it: 第N段 counting only the non-empty body paragraphs
        outside tables (as a clerk counts a draft), 表N第R行第C列, 页眉, 页脚, 脚注N, 尾注N, 批注N,
        文本框. ``Location.paragraph`` counts as Word does (empty paragraphs and cells too)."""
        names = {"header": "页眉", "footer": "页脚", "footnote": "脚注", "endnote": "尾注",
                 "comment": "批注", "textbox": "文本框"}
        numbered = ("footnote", "endnote", "comment")
        paragraphs = 0
        seen: dict[str, dict[str | None, int]] = {}
        labels = []
        for b in self.blocks:
            if b.table is not None:
                cell = f"表{b.table + 1}第{(b.row or 0) + 1}行第{(b.col or 0) + 1}列"
                labels.append(cell if b.part in ("body", "table") else f"{names.get(b.part, b.part)}{cell}")
            elif b.part == "body":
                if b.text.strip():
                    paragraphs += 1
                labels.append(f"第{max(paragraphs, 1)}段")
            elif b.part in PLACE_PARTS:  # 修订删除 word/document.xml, 嵌入文件 word/embeddings/x.xlsx …
                labels.append(f"{PLACE_PARTS[b.part]} {b.source_id}" if b.source_id else PLACE_PARTS[b.part])
            elif b.part in numbered:
                ids = seen.setdefault(b.part, {})
                number = ids.setdefault(b.source_id, len(ids) + 1)
                labels.append(f"{names[b.part]}{number}")
            else:
                labels.append(names.get(b.part, b.part))
        return labels

    def add_block(self, block: Block) -> Block:
        block.index = len(self.blocks)
        self.blocks.append(block)
        return block

    def parts(self, *parts: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.part in parts)

    @property
    def body(self) -> list[Block]:
        """Body paragraphs and table cells in reading order."""
        return [b for b in self.blocks if b.part in ("body", "table")]

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def body_text(self) -> str:
        return "\n".join(b.text for b in self.body)

    @property
    def content_sha256(self) -> str:
        """Fingerprint of the normalised text of all parts: unchanged by re-saving, changed by any edit.

        The place parts (PLACE_PARTS) are left out so that the fingerprint keeps the meaning it had
        when existing sign-offs were recorded; the package fingerprint covers them.
        """
        h = hashlib.sha256()
        for b in self.blocks:
            if b.part == "comment" or b.part in PLACE_PARTS:
                continue  # reviewers' comments are not content
            h.update(b.part.encode())
            h.update(b"\x1f")
            h.update(normalise_text(b.text).encode("utf-8"))
            h.update(b"\x1e")
        return h.hexdigest()


def normalise_text(text: str) -> str:
    """NFKC, no zero-width characters, runs of white space collapsed; for fingerprints."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())
