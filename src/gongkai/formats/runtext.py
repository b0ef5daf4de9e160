"""How a Word paragraph reads as text: the one definition the reader, redact and annotate share.

A paragraph's text is the text of its runs (``w:r``) in document order, through hyperlinks,
insertions, smart tags, content controls and the like, but not through what Word does not show
as the paragraph's text: its properties (``w:pPr``), deleted revisions (``w:del``), the
``mc:Fallback`` copy of a text box and the text box itself (``w:txbxContent``: read as
paragraphs of their own). Within a run each child gives (:func:`run_piece`): ``w:t`` its text,
``w:tab`` a tab, ``w:br`` and ``w:cr`` a line break, ``w:noBreakHyphen`` a hyphen, ``w:sym``
the character its ``w:char`` names in hex (nothing when unreadable); everything else gives
nothing — run properties, ``w:delText``, field instructions (``w:instrText``), ``w:softHyphen``
(shown only where Word breaks the line), drawings.

Redaction writes masks at the reader's offsets and annotation splits runs at them, so the
three must count alike: each of them reads runs through this module.
"""

from __future__ import annotations

from .xml import MC, w

T, R = w("t"), w("r")
SYM, CHAR = w("sym"), w("char")
#: Children of a paragraph (at any depth) whose subtree is not the paragraph's own text.
NOT_INLINE = frozenset({w("pPr"), w("del"), f"{{{MC}}}Fallback", w("txbxContent")})
#: Run children that stand for one fixed character.
_FIXED = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def run_piece(el) -> str:
    """The text one child element of a ``w:r`` gives its paragraph ('' for none)."""
    tag = el.tag
    if tag == T:
        return el.text or ""
    fixed = _FIXED.get(tag)
    if fixed is not None:
        return fixed
    if tag == SYM:
        return symbol(el.get(CHAR))
    return ""


def symbol(char: str | None) -> str:
    """The character a ``w:sym``'s ``w:char`` names (hex, ``F04A``); '' when missing or unreadable."""
    if not char:
        return ""
    try:
        return chr(int(char, 16))
    except (ValueError, OverflowError):  # not hex, or beyond Unicode
        return ""


def paragraph_runs(p) -> list:
    """The ``w:r`` elements that carry paragraph ``p``'s text, in reading order."""
    out: list = []

    def walk(parent):
        for child in parent:
            tag = child.tag
            if tag == R:
                out.append(child)
            elif isinstance(tag, str) and tag not in NOT_INLINE:
                walk(child)

    walk(p)
    return out


def run_text(r) -> str:
    """The text of one run."""
    return "".join(run_piece(child) for child in r)


def paragraph_text(p) -> str:
    """Paragraph ``p``'s text, as the reader builds it (``Block.text``)."""
    return "".join(run_text(r) for r in paragraph_runs(p))
