"""What decides whether a number or a name is someone's private data: the words around it.

The lexicon (``data/screening/personal.yaml``) holds the role words (申请人、户主、来信人…),
published-hotline words (投诉举报电话、值班电话…), official titles (镇长…), table header words
and health terms. :func:`table_columns` reads table headers once per document: a
身份证号/姓名/联系电话/住址 column makes every cell below it personal data.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex

from ..data import load_yaml
from ..memo import text_cache
from ..models import Block, Document, Severity

#: Full-width digits and letters read as ASCII (one character for one: offsets stay valid).
HALF = str.maketrans(
    "０１２３４５６７８９ＸｘＥＧＰＳＤ－＠．",
    "0123456789XxEGPSD-@.",
)
#: A value with these characters is already masked (5202**********3419, 张*, 张某某, 李××).
MASK_CHARS = frozenset("*＊×Ｘ某✱")
#: Words of a private detail labelled right after a name (林美娇（身份证号：…）, 陈建国，联系电话…): the
#: name rules read such a name as a person's, and choose the paragraphs that hold one, by these.
#: Not 手机: "利用手机" in an anti-fraud notice made its enquiry contacts read as persons (realdocs-dev).
DETAIL_WORDS = ("身份证", "公民身份号码", "联系电话", "家庭住址", "住址", "家住")
#: Such a word right after a name, across at most two marks (林美娇（身份证号, 陈建国，联系电话).
DETAIL_AFTER = rf"[（(，,\s]{{0,2}}(?:{'|'.join(DETAIL_WORDS)})"
#: How the name of a village or its group ends, before a household named by its head (北厝村林阿水户).
VILLAGE_WORDS = ("村", "组", "社区", "居委会")


@dataclass(frozen=True)
class Lexicon:
    role_words: tuple[str, ...]
    headers: dict[str, tuple[str, ...]]
    office_headers: tuple[str, ...]
    plain_header_endings: tuple[str, ...]
    name_column_words: frozenset[str]
    not_names: frozenset[str]
    hotline_words: tuple[str, ...]
    office_words: tuple[str, ...]
    official_titles: tuple[str, ...]
    address_context: tuple[str, ...]
    health_terms: tuple[str, ...]
    disability_grade: str
    name_cues: tuple[str, ...]
    name_stop: frozenset[str]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    public_list_titles: tuple[str, ...] = ()
    name_only_roles: tuple[str, ...] = ()
    place_labels: tuple[str, ...] = ()
    home_labels: tuple[str, ...] = ()
    mailbox_purposes: tuple[str, ...] = ()
    public_list_formulas: tuple[str, ...] = ()
    private_roles: tuple[str, ...] = ()
    private_details: tuple[str, ...] = ()
    org_suffixes: tuple[str, ...] = ()
    role_re: regex.Pattern = field(repr=False, default=None)
    hotline_re: regex.Pattern = field(repr=False, default=None)
    title_re: regex.Pattern = field(repr=False, default=None)
    health_re: regex.Pattern = field(repr=False, default=None)
    #: health_re without its disability-grade branch, which only matches text holding 残疾
    health_terms_re: regex.Pattern = field(repr=False, default=None)
    #: the first characters of the surnames, single and compound (a name can start with no other)
    surname_firsts: frozenset[str] = field(repr=False, default=frozenset())

    def health_matches(self, text: str):
        """``health_re.finditer(text)``; the costly disability-grade branch only where 残疾 is written.

        Every match of that branch holds 残疾 (see disability_grade in personal.yaml), so without
        it the first branch fails at every position and the rest of the alternation, in the same
        order, finds the same matches (tests/screening/test_personal_data_speed.py).
        """
        return (self.health_re if "残疾" in text else self.health_terms_re).finditer(text)


def _alternation(words) -> "regex.Pattern":
    """Longest-first alternation of literal words."""
    return regex.compile("|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)))


class Joined:
    """Texts joined by NUL, to ask which of them hold something in one pass over all of them.

    ``regex`` costs about a microsecond per call before it reads a character, and a document has
    hundreds of short paragraphs of which a prefilter passes few: one search per passing text
    over the joined texts replaces one call per text. NUL is a character no screening pattern
    reads, so no match crosses from one text into the next; the patterns asked must not anchor
    at ``^`` or ``$`` (tests/screening/test_personal_data_speed.py checks the answers are the
    per-text ones).
    """

    def __init__(self, texts: list[str]):
        self.text = "\0".join(texts)
        # text i starts after the i texts before it and their i separators
        self.starts = [n + i for i, n in enumerate(accumulate(map(len, texts[:-1]), initial=0))]

    def _next(self, i: int) -> int:
        """Where the text after text ``i`` starts (past the end after the last one)."""
        return self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text) + 1

    def matching(self, pattern: regex.Pattern) -> set[int]:
        """The indexes of the texts in which ``pattern`` has a match."""
        found: set[int] = set()
        m = pattern.search(self.text)
        while m is not None:
            i = bisect_right(self.starts, m.start()) - 1
            found.add(i)
            m = pattern.search(self.text, self._next(i))
        return found

    def holding(self, strings) -> set[int]:
        """The indexes of the texts that hold one of ``strings`` (each sought with ``str.find``:
        a class of many Han or full-width characters is one of ``regex``'s slow cases, tested
        member by member at every position)."""
        found: set[int] = set()
        for s in strings:
            pos = self.text.find(s)
            while pos >= 0:
                i = bisect_right(self.starts, pos) - 1
                found.add(i)
                pos = self.text.find(s, self._next(i))
        return found


def occurs(words, then: str = "") -> regex.Pattern:
    """A pattern whose ``search`` says whether one of ``words`` occurs (followed by ``then``).

    For yes-or-no questions only: a match stands at the word's last character, not on the word.
    ``regex`` tries a long alternation of words at every position of the text, where a pattern
    that starts with a character class is scanned for that class first; so the class of the
    words' last characters comes first and a lookbehind checks that a word ends there. On the
    paragraphs of govcn-2019 the role words are found 2× faster than by the plain alternation
    (tests/screening/test_personal_data_speed.py checks both answer alike).
    """
    ordered = sorted(set(words), key=len, reverse=True)
    lasts = "".join(sorted({regex.escape(w[-1]) for w in ordered}))
    return regex.compile(f"[{lasts}](?<=(?:{'|'.join(map(regex.escape, ordered))})){then}")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    base = resources.files("gongkai.data") / "screening"
    data = load_yaml((base / "personal.yaml").read_text(encoding="utf-8"))
    single, compound = set(), set()
    for line in (base / "surnames.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for s in line.split():
            (compound if len(s) > 1 else single).add(s)
    lex = Lexicon(
        role_words=tuple(data["role_words"]),
        headers={k: tuple(v) for k, v in data["headers"].items()},
        office_headers=tuple(data["office_headers"]),
        plain_header_endings=tuple(data["plain_header_endings"]),
        name_column_words=frozenset(data["name_column_words"]),
        not_names=frozenset(data["not_names"]),
        hotline_words=tuple(data["hotline_words"]),
        office_words=tuple(data["office_words"]),
        official_titles=tuple(data["official_titles"]),
        address_context=tuple(data["address_context"]),
        health_terms=tuple(data["health_terms"]),
        disability_grade=data["disability_grade"],
        name_cues=tuple(data["name_cues"]),
        name_stop=frozenset(data["name_stop"]),
        surnames=frozenset(single),
        compound_surnames=frozenset(compound),
        public_list_titles=tuple(data.get("public_list_titles", ())),
        name_only_roles=tuple(data.get("name_only_roles", ())),
        place_labels=tuple(data.get("place_labels", ())),
        home_labels=tuple(data.get("home_labels", ())),
        mailbox_purposes=tuple(data.get("mailbox_purposes", ())),
        public_list_formulas=tuple(data.get("public_list_formulas", ())),
        private_roles=tuple(data.get("private_roles", ())),
        private_details=tuple(data.get("private_details", ())),
        org_suffixes=tuple(data.get("org_suffixes", ())),
    )
    object.__setattr__(lex, "role_re", _alternation(lex.role_words))
    object.__setattr__(lex, "hotline_re", _alternation(lex.hotline_words))
    object.__setattr__(lex, "title_re", _alternation(lex.official_titles))
    object.__setattr__(lex, "health_re", regex.compile(
        "(?:" + lex.disability_grade + ")|" + _alternation(lex.health_terms).pattern))
    object.__setattr__(lex, "health_terms_re", _alternation(lex.health_terms))
    object.__setattr__(lex, "surname_firsts", lex.surnames | {s[:1] for s in lex.compound_surnames})
    return lex


def last_word(words_re: regex.Pattern, text: str) -> tuple[str, int] | None:
    """The last occurrence of a lexicon word in ``text`` and its end offset, or None."""
    found = None
    for m in words_re.finditer(text):
        found = (m.group(), m.end())
    return found


# -- table headers ---------------------------------------------------------------------------

_HEADER_NOISE = regex.compile(r"[\s:：*＊]|[（(].*?[）)]")


def _clean_header(text: str) -> str:
    return _HEADER_NOISE.sub("", text) if len(text) < 40 else text


@text_cache(maxsize=8192)
def header_kind(text: str) -> str | None:
    """The personal-data kind a table header announces (姓名 → person_name), or None.

    Cached by text (the lexicon is fixed per process): tables repeat their header words, and
    form layouts ask about every cell.
    """
    t = _clean_header(text)
    if not t or len(t) > 10:
        return None
    exact, suffix, lengths, kinds = _header_tables()
    kind = exact.get(t)
    if kind is not None:
        return kind
    best = None
    for n in lengths:
        if n > len(t):
            break
        rank = suffix.get(t[-n:])
        if rank is not None and (best is None or rank < best):
            best = rank
    return None if best is None else kinds[best]


@lru_cache(maxsize=1)
def _header_tables() -> tuple[dict[str, str], dict[str, int], tuple[int, ...], tuple[str, ...]]:
    """header_kind's lookups: word -> its first kind; suffix word (2+ characters) -> the rank of
    its first kind; the suffix words' lengths; the kinds by rank (the lexicon's order)."""
    kinds = tuple(lexicon().headers)
    exact: dict[str, str] = {}
    suffix: dict[str, int] = {}
    for rank, kind in enumerate(kinds):
        for w in lexicon().headers[kind]:
            exact.setdefault(w, kind)
            if len(w) >= 2:
                suffix.setdefault(w, rank)
    return exact, suffix, tuple(sorted({len(w) for w in suffix})), kinds


@dataclass
class TableInfo:
    """What the headers of one table say about its columns."""

    columns: dict[int, tuple[str, str]] = field(default_factory=dict)  # col -> (kind, header)
    header_rows: set[int] = field(default_factory=set)
    personal: bool = False  # lists people (a 姓名 or 身份证号 column), not offices
    offices: bool = False


#: Column kinds that are an office's published contact data unless the table lists people.
_OFFICE_KINDS = ("phone", "address", "email", "health_info")


@dataclass
class PersonalContext:
    """Per-document facts the personal-data rules share (built once, see Context.fact)."""

    tables: dict[int, TableInfo]
    #: (block index) -> (kind, header word) for a value cell right of a label cell (申请表 forms).
    form_cells: dict[int, tuple[str, str]]
    label: str | None
    #: (table, row) -> block indexes, to relate cells of one row (health info beside a name).
    rows: dict[tuple[int, int], list[int]]

    #: block index -> (kind, header) for every block of the document that is a data cell of a
    #: personal-data column or form field (filled once by personal_context: every rule asks
    #: about every block, with ``columns.get(block.index)``).
    columns: dict[int, tuple[str, str]] = field(default_factory=dict)

    def severity(self, base: Severity, strong: bool) -> tuple[Severity, str | None]:
        """Severity after the document's 公开属性: not-published documents only warn."""
        sev = base if strong else min(base, Severity.WARNING)
        if self.label == "不予公开":
            return Severity.INFO, "文件标注为不予公开"
        if self.label == "依申请公开":
            return min(sev, Severity.WARNING), "文件标注为依申请公开"
        return sev, None


def personal_context(doc: Document, ctx) -> PersonalContext:
    """Build the shared facts: table columns, form fields and the document's label."""
    by_table: dict[int, dict[int, dict[int, Block]]] = {}
    for b in doc.blocks:
        if b.part == "table" and b.table is not None:
            by_table.setdefault(b.table, {}).setdefault(b.row, {})[b.col] = b
    tables: dict[int, TableInfo] = {}
    form: dict[int, tuple[str, str]] = {}
    rows: dict[tuple[int, int], list[int]] = {}
    for t, trs in by_table.items():
        for r, cells in sorted(trs.items()):
            rows[(t, r)] = [c.index for c in cells.values()]
        tables[t] = info = _table_info(trs)
        if not info.header_rows:
            form.update(_form_cells(trs))
    pctx = PersonalContext(tables=tables, form_cells=form, label=_document_label(doc, ctx), rows=rows)
    pctx.columns.update(form)
    for t, trs in by_table.items():
        _data_cells(tables[t], trs, form, pctx.columns)
    return pctx


def _table_info(trs: dict[int, dict[int, Block]]) -> TableInfo:
    """What a table's header row says: the first of its first three rows where at least half the
    cells are header words (office and plain headings count: 名字 | 性别 | 年龄) and that is not a
    form row."""
    info = TableInfo()
    office_headers = lexicon().office_headers
    for r in sorted(trs)[:3]:
        cells = trs[r]
        kinds = {c: header_kind(b.text) for c, b in cells.items()}
        hits = sum(1 for k in kinds.values() if k)
        office = [c for c, b in cells.items() if _clean_header(b.text) in office_headers]
        plain = sum(1 for c, b in cells.items() if not kinds[c] and _plain_header(b.text))
        if hits and (hits + plain) * 2 >= len(cells) and not _looks_like_form(cells, kinds):
            info.header_rows.add(r)
            for c, k in kinds.items():
                if k:
                    info.columns[c] = (k, _clean_header(cells[c].text))
            info.offices = bool(office)
            break
    kinds_present = {k for k, _ in info.columns.values()}
    info.personal = bool(kinds_present & {"person_name", "id_card", "bank_card", "passport"})
    return info


def _form_cells(trs: dict[int, dict[int, Block]]) -> dict[int, tuple[str, str]]:
    """Form layout (姓名 | 张三 | 身份证号 | 5202…): each value cell right of a label cell, by block index."""
    form = {}
    for cells in trs.values():
        for c, b in cells.items():
            k = header_kind(b.text)
            nxt = cells.get(c + 1)
            if k and nxt is not None and nxt.text.strip() and header_kind(nxt.text) is None \
                    and not _plain_header(nxt.text):
                form[nxt.index] = (k, _clean_header(b.text))
    return form


def _data_cells(info: TableInfo, trs: dict[int, dict[int, Block]], form: dict[int, tuple[str, str]],
                columns: dict[int, tuple[str, str]]) -> None:
    """Add the table's data cells of personal-data columns to ``columns`` (form cells keep theirs)."""
    if not info.columns:
        return
    public_too = info.personal  # else an office's phone/address column is published contact data
    first_data = max(info.header_rows) + 1 if info.header_rows else 0  # rows above: a title, a super-heading
    for r, cells in trs.items():
        if r < first_data:
            continue
        for c, b in cells.items():
            col = info.columns.get(c)
            if col is not None and b.index not in form and (public_too or col[0] not in _OFFICE_KINDS):
                columns[b.index] = col


def _document_label(doc: Document, ctx) -> str | None:
    """The document's 公开属性 label, or None (structure analysis is a nicety here, never a reason to miss data)."""
    try:
        from ..attributes.structure import document_label

        found = ctx.fact(document_label) if ctx is not None else document_label(doc)
        return found.value if found else None
    except Exception:
        return None


def _looks_like_form(cells: dict[int, Block], kinds: dict[int, str | None]) -> bool:
    """A row like 姓名 | 张三 | 电话 | 138…: label cells alternate with values (a cell after a label
    that is itself a column heading, 身份证号 | 救助金额, is no value)."""
    cols = sorted(cells)
    return any(kinds.get(c) and kinds.get(c + 1) is None and cells[c + 1].text.strip()
               and not _plain_header(cells[c + 1].text)
               for c in cols if c + 1 in cells) and sum(1 for k in kinds.values() if k) * 2 <= len(cells)


def _plain_header(text: str) -> bool:
    """A column heading that announces no personal data: an office column (单位), or one ending
    like 序号, 救助金额, 发放日期."""
    lex = lexicon()
    t = _clean_header(text)
    return t in lex.office_headers or (len(t) <= 8 and t.endswith(lex.plain_header_endings))
