"""Write an annotated copy of a .docx: one Word comment per finding, anchored on its text.

The reader (formats/docx.py) numbers blocks by walking document.xml; this module walks the
same XML the same way, so block *i* of a Report is paragraph *i* here, and character offsets
inside a block are counted by the reader's own rules (:mod:`.runtext`). Runs are split
where a finding starts or ends, so the comment covers exactly the reported text. Findings in
headers, footers, notes and text boxes (where Word comments cannot be anchored from the
document body) and findings in the file's properties or authors are summarised in one comment
on the first body paragraph. Existing comments
are kept untouched.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from docx import Document as open_docx
from docx.text.paragraph import Paragraph
from docx.text.run import Run as DocxRun

from ..models import Finding, Report
from ..masking import Masker, shown_text
from .runtext import paragraph_runs, paragraph_text, run_piece, run_text
from .xml import MC, w

AUTHOR = "gongkai"
INITIALS = "GK"
ANCHORED_PARTS = ("body", "table")
_P, _TBL, _TR, _TC, _SDT, _SDTC = w("p"), w("tbl"), w("tr"), w("tc"), w("sdt"), w("sdtContent")
_RPR, _DEL = w("rPr"), w("del")
_TXBX, _FALLBACK = w("txbxContent"), f"{{{MC}}}Fallback"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


# -- walking document.xml as the reader does -----------------------------------------------------

def _block_level(parent, out: list) -> None:
    for child in parent:
        tag = child.tag
        if tag == _P:
            out.append(child)
            for box in _boxes(child):
                _block_level(box, out)
        elif tag == _TBL:
            for tr in child.iterfind(_TR):
                for tc in tr:
                    if tc.tag == _TC:
                        _block_level(tc, out)
                    elif tc.tag == _SDT:
                        content = tc.find(_SDTC)
                        for inner in content if content is not None else ():
                            if inner.tag == _TC:
                                _block_level(inner, out)
        elif tag == _SDT:
            content = child.find(_SDTC)
            if content is not None:
                _block_level(content, out)
        elif tag == w("customXml"):
            _block_level(child, out)


def _boxes(p) -> list:
    """Text boxes inside a paragraph, outermost first, skipping mc:Fallback copies."""
    found: list = []

    def walk(el):
        for child in el:
            if child.tag in (_FALLBACK, _DEL) or not isinstance(child.tag, str):
                continue
            if child.tag == _TXBX:
                found.append(child)
            else:
                walk(child)

    walk(p)
    return found


def _split(r, offset: int):
    """Split run ``r`` at ``offset`` characters; returns the second half (inserted after ``r``)."""
    twin = copy.deepcopy(r)
    pos = 0
    for mine, theirs in zip(list(r), list(twin)):
        if mine.tag == _RPR:
            continue
        n = len(run_piece(mine))
        if pos + n <= offset:
            twin.remove(theirs)
        elif pos >= offset:
            r.remove(mine)
        else:  # a w:t straddling the offset
            cut = offset - pos
            mine.text, theirs.text = mine.text[:cut], mine.text[cut:]
            mine.set(_XML_SPACE, "preserve")
            theirs.set(_XML_SPACE, "preserve")
        pos += n
    r.addnext(twin)
    return twin


def _boundary(p, offset: int) -> None:
    """Make ``offset`` fall on a run boundary of paragraph ``p``."""
    pos = 0
    for r in paragraph_runs(p):
        n = len(run_text(r))
        if pos < offset < pos + n:
            _split(r, offset - pos)
            return
        pos += n


def _covering(p, start: int, end: int) -> list:
    """Runs (after splitting) that together cover exactly [start, end) of ``p``."""
    _boundary(p, end)
    _boundary(p, start)
    out, pos = [], 0
    for r in paragraph_runs(p):
        n = len(run_text(r))
        if n and pos >= start and pos + n <= end:
            out.append(r)
        pos += n
    return out


# -- comments -------------------------------------------------------------------------------------

PART_NAMES = {"header": "页眉", "footer": "页脚", "footnote": "脚注", "endnote": "尾注", "textbox": "文本框",
              "comment": "批注", "body": "正文", "table": "表格", "property": "文档属性"}


def comment_text(f: Finding, reveal: bool = False, masker: Masker | None = None) -> str:
    """Rule code, message, the text found (masked unless reveal), suggestion, basis."""
    masker = masker or Masker((f,), reveal)
    lines = [f"[{f.rule}] {masker(f.message)}"]
    shown = shown_text(f, reveal, masker)
    if shown and len(shown) <= 60 and shown not in f.message:
        lines.append(f"原文：{shown}")
    if f.suggestion:
        lines.append(f"建议：{masker(f.suggestion)}")
    if f.basis:
        lines.append(f"依据：{f.basis}")
    return "\n".join(lines)


@dataclass
class AnnotateResult:
    data: bytes
    anchored: int
    summarised: int


def annotate_docx(data: bytes, report: Report, reveal: bool = False) -> AnnotateResult:
    """A copy of the .docx ``data`` with one comment per finding of ``report`` (read from the same bytes)."""
    document = open_docx(io.BytesIO(data))
    body = document.element.body
    paragraphs: list = []
    _block_level(body, paragraphs)
    anchored = 0
    leftovers: list[Finding] = []
    masker = Masker(report.findings, reveal)
    # Later places first, so splitting runs never shifts a place still to be anchored.
    ordered = sorted(report.findings, key=lambda f: (f.location.block, f.location.start), reverse=True)
    for f in ordered:
        loc = f.location
        if loc.part not in ANCHORED_PARTS or loc.block >= len(paragraphs):
            leftovers.append(f)
            continue
        p = paragraphs[loc.block]
        text = paragraph_text(p)
        start, end = loc.start, loc.end
        if f.text and text[start:end] != f.text:
            leftovers.append(f)  # the walk and the reader disagree here: never anchor on the wrong text
            continue
        if end <= start or end > len(text):
            start, end = 0, len(text)
        runs = _covering(p, start, end) if end > start else []
        if not runs:
            leftovers.append(f)
            continue
        last_p = p
        end_block = f.explanation.get("end_block") if isinstance(f.explanation, dict) else None
        if isinstance(end_block, int) and loc.block < end_block < len(paragraphs):
            tail = paragraph_runs(paragraphs[end_block])
            if tail:
                runs = [runs[0], tail[-1]]
                last_p = paragraphs[end_block]
        document.add_comment(
            [DocxRun(runs[0], Paragraph(p, document._body)), DocxRun(runs[-1], Paragraph(last_p, document._body))],
            text=comment_text(f, reveal, masker), author=AUTHOR, initials=INITIALS,
        )
        anchored += 1
    if leftovers:
        _summarise(document, paragraphs, sorted(leftovers, key=Finding.sort_key), reveal, masker)
    out = io.BytesIO()
    document.save(out)
    return AnnotateResult(out.getvalue(), anchored, len(leftovers))


def _summarise(document, paragraphs: list, findings: list[Finding], reveal: bool, masker: Masker) -> None:
    """One comment on the first body paragraph listing findings that cannot be anchored in the body."""
    target = next((p for p in paragraphs if paragraph_text(p).strip() and paragraph_runs(p)), None)
    if target is None:  # the body has no text (everything is in headers or text boxes)
        paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
        paragraph.add_run("")
        target = paragraph._p
    lines = [f"以下 {len(findings)} 条发现位于页眉、页脚、脚注、文本框、文档属性等处，无法在正文中定位："]
    for i, f in enumerate(findings, 1):
        # a property is named (文档属性“作者”); its value is masked like any finding's text
        where = f.location.describe() if f.location.property else PART_NAMES.get(f.location.part, f.location.part)
        lines.append(masker(f"{i}. {where}：") + comment_text(f, reveal, masker).replace("\n", "；"))
    runs = paragraph_runs(target)
    document.add_comment(
        [DocxRun(runs[0], Paragraph(target, document._body)), DocxRun(runs[-1], Paragraph(target, document._body))],
        text="\n".join(lines), author=AUTHOR, initials=INITIALS,
    )
