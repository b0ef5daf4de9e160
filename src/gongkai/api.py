"""The pure core: Document in, Report out."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from pathlib import Path

from .attributes.structure import parse_structure
from .attributes.suggest import suggest_attribute
from .config import Config
from .engine import Context, Registry, Runner, default_registry
from .formats import read_path
from .models import Document, DocumentInfo, Excerpt, Finding, ReadError, Report


def describe(doc: Document, ctx: Context) -> DocumentInfo:
    """The ``document`` section of a report, from the structure analysis."""
    s = ctx.fact(parse_structure)
    return DocumentInfo(
        title=s.title.text if s.title else None,
        doc_type=s.doc_type,
        doc_number=s.doc_number.text if s.doc_number else None,
        issuer=s.issuer.text if s.issuer else None,
        recipients=s.recipients.text if s.recipients else None,
        forwarded=s.forwarded,
        label=s.label.value if s.label else None,
        chars=doc.chars,
        direction=s.direction,
        date=s.date.text if s.date else None,
    )


EXCERPT_WINDOW = 16


class _Sensitive:
    """The personal-data spans of one block, sorted, to find those near a window in log time."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _, _ in self.spans]
        self.longest = max(e - s for s, e, _ in self.spans)

    def overlapping(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """The spans with some character in [a, b) (a zero-width span at a counts, as it always did)."""
        lo = bisect_left(self.starts, a - self.longest)
        hi = bisect_left(self.starts, b)
        return [sp for sp in self.spans[lo:hi] if sp[1] > a]


def with_excerpts(doc: Document, findings: list[Finding]) -> list[Finding]:
    """Attach to each finding the text around it and the personal-data spans in that window.

    The window is widened until it cuts no personal-data value in two (each is masked whole).
    A paragraph may hold thousands of values (a text file without line breaks): the spans near
    a window are found by bisection, not by a scan of the paragraph's every value.
    """
    by_place: dict[int | str, list[tuple[int, int, str]]] = {}
    for f in findings:
        if f.sensitive:
            by_place.setdefault(_place(f), []).append((f.location.start, f.location.end, f.kind))
    sensitive = {place: _Sensitive(spans) for place, spans in by_place.items()}
    out = []
    for f in findings:
        loc = f.location
        if loc.property is not None:
            text = doc.property_value(loc.property)
            if text is None:
                out.append(f)
                continue
        elif not doc.blocks or not 0 <= loc.block < len(doc.blocks):
            out.append(f)
            continue
        else:
            text = doc.blocks[loc.block].text
        a = max(0, loc.start - EXCERPT_WINDOW)
        b = min(len(text), max(loc.end, loc.start) + EXCERPT_WINDOW)
        near = sensitive.get(_place(f))
        spans: tuple = ()
        if near is not None:
            moved = True
            while moved:  # never cut a value in two: mask it whole
                moved = False
                for s, e, _k in near.overlapping(a, b):
                    if s < a < e:
                        a, moved = s, True
                    if s < b < e:
                        b, moved = e, True
            spans = tuple((max(s, a) - a, min(e, b) - a, k) for s, e, k in near.overlapping(a, b))
        out.append(replace(f, excerpt=Excerpt(text[a:b], loc.start - a, loc.end - a, spans)))
    return out


QUOTE_CHARS = 12  # the longest stretch of text quoted for a clerk to search for


def with_reader_places(doc: Document, findings: list[Finding]) -> list[Finding]:
    """Give each finding's location the reader's label (第3段, 表1第2行第3列) and a quote to
    search for: the finding's own text, or, where that is personal data, the words beside it.
    A quote never holds a personal-data value, so it needs no masking."""
    labels = doc.reader_labels()
    spans: dict[int, list[tuple[int, int, str]]] = {}
    values = set()  # every value found, wherever: a name found in one paragraph, quoted in another
    for f in findings:
        if f.sensitive and f.location.property is None:
            spans.setdefault(f.location.block, []).append((f.location.start, f.location.end, f.kind))
            if 0 <= f.location.block < len(doc.blocks):
                values.add(doc.blocks[f.location.block].text[f.location.start:f.location.end])
    values.discard("")
    near = {block: _Sensitive(s) for block, s in spans.items()}
    out = []
    for f in findings:
        loc = f.location
        if loc.property is not None or not 0 <= loc.block < len(doc.blocks):
            out.append(f)
            continue
        quote = _without_values(_quote(doc.blocks[loc.block].text, loc.start, loc.end, near.get(loc.block)), values)
        out.append(replace(f, location=replace(loc, label=labels[loc.block], quote=quote)))
    return out


def _without_values(quote: str | None, values: set[str]) -> str | None:
    """The longest stretch of ``quote`` that holds none of ``values`` (None if under two characters)."""
    if not quote or not values:
        return quote
    # Every substring of the short quote looked up (not every value searched for): the cost does
    # not grow with the number of values in a form-heavy document.
    n = len(quote)
    kept = [True] * n
    for a in range(n):
        for b in range(a + 1, n + 1):
            if quote[a:b] in values:
                kept[a:b] = [False] * (b - a)
    pieces = "".join(c if k else "\0" for c, k in zip(quote, kept)).split("\0")
    best = max((p.strip() for p in pieces), key=len)
    return best if len(best) >= 2 else None


def _quote(text: str, start: int, end: int, near: "_Sensitive | None") -> str | None:
    values = near.overlapping(max(0, start - QUOTE_CHARS), end + QUOTE_CHARS) if near else []
    if not any(s < max(end, start + 1) and e > start for s, e, _ in values):
        # The finding's own text, widened to a few characters when it is short.
        a, b = start, min(end, start + QUOTE_CHARS)
        while b - a < 6 and (a > 0 or b < len(text)):
            a, b = max(0, a - 1), min(len(text), b + 1)
        a = max([a, *(e for s, e, _ in values if e <= start)])
        b = min([b, *(s for s, e, _ in values if s >= end)])
        return text[a:b].strip() or None
    # Personal data: the words before it, else those after it, up to the next value.
    before = text[max([start - QUOTE_CHARS, 0, *(e for s, e, _ in values if e <= start)]):start].strip()
    if len(before) >= 2:
        return before
    after = text[end:min([end + QUOTE_CHARS, len(text), *(s for s, e, _ in values if s >= end)])].strip()
    return after if len(after) >= 2 else None


def _place(f: Finding) -> int | str:
    """The block index of a finding, or its property key for a finding in the file's metadata."""
    return f.location.property if f.location.property is not None else f.location.block


def check_document(
    doc: Document, config: Config | None = None, registry: Registry | None = None,
    services: dict | None = None, runner: Runner | None = None,
) -> Report:
    """Run every selected rule over ``doc`` and assemble its Report."""
    runner = runner or Runner(registry or default_registry(), config)
    ctx = Context(doc, runner.config, services=services)
    findings, ctx = runner.run(doc, ctx)
    return _report(doc, findings, ctx)


def check_documents(
    docs: "list[Document]", config: Config | None = None, registry: Registry | None = None,
    services: dict | None = None, runner: Runner | None = None,
) -> list[Report]:
    """:func:`check_document` for each of ``docs``, the same Reports, faster together.

    The rules' batch preparation (:meth:`Runner.run_many`) runs once over all of them: the
    name pipeline reads every document's paragraphs in one pass. Hand in a few dozen
    documents at a time (:data:`GROUP`); all of them stay in memory until the last is checked.
    """
    runner = runner or Runner(registry or default_registry(), config)
    ctxs = [Context(doc, runner.config, services=services) for doc in docs]
    return [_report(doc, findings, ctx) for doc, (findings, ctx) in zip(docs, runner.run_many(docs, ctxs))]


#: How many documents (and at most how many characters) ``gongkai check`` reads before checking
#: them together with check_documents. Larger groups gain a little more, but hold more in
#: memory and delay the first report.
GROUP = 64
GROUP_CHARS = 500_000


def _report(doc: Document, findings: list[Finding], ctx: Context) -> Report:
    findings = with_reader_places(doc, with_excerpts(doc, findings))
    return Report(
        file=doc.path,
        sha256=doc.sha256,
        content_sha256=doc.content_sha256,
        document=describe(doc, ctx),
        attribute=ctx.fact(suggest_attribute),
        findings=findings,
        warnings=list(doc.warnings),
    )


def check(source: "str | Path | Document", config: Config | None = None, **kwargs) -> Report:
    """Check a document file (or an already built Document). Raises UnreadableDocument."""
    if isinstance(source, Document):
        doc = source
    else:
        doc = read_path(source, (config or Config()).limits)
    return check_document(doc, config, **kwargs)


def check_text(text: str, config: Config | None = None, **kwargs) -> Report:
    """Check plain text, one paragraph a line (handy in tests and scripts)."""
    return check_document(Document.from_text(text), config, **kwargs)


def check_source(source, config: Config | None = None, **kwargs) -> "Report | ReadError":
    """Read and check one Source (file or archive member); unreadable input becomes a ReadError."""
    from .formats import read_source

    config = config or Config()
    doc = read_source(source, config.limits)
    if isinstance(doc, ReadError):
        return doc
    return check_document(doc, config, **kwargs)


#: A small draft that sends every rule down its lazy paths (name pipeline, typo model,
#: lexicons, structure), so a worker can load them before its first real document.
WARM_UP_TEXT = """勺米镇人民政府关于做好春耕备耕工作的通知
勺府发〔2025〕3号
各村（社区）：
申请人王德贵，联系电话13885811234，住址勺米镇某村一组。请各村把工作布署到位。
勺米镇人民政府
2025年3月5日
（此件公开发布）"""


def warm_up(config: Config | None = None) -> float:
    """Load every lazily built resource now; returns the seconds it took."""
    import time

    t = time.perf_counter()
    check_text(WARM_UP_TEXT, config)
    return time.perf_counter() - t
