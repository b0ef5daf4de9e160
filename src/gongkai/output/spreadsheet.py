"""CSV for Excel: a cell a spreadsheet would run as a formula is written as text (OWASP's rule).

A title taken from a document (``=HYPERLINK("http://…","点此")``), a reviewer's note or a file
name can begin with ``=``, ``+``, ``-`` or ``@``; Excel and LibreOffice evaluate such a cell,
and a leading tab or carriage return hides the same trick. Every CSV gongkai writes goes
through :func:`writer`, which prefixes such a cell with an apostrophe: shown as text, the
value otherwise unchanged. Numbers are written as they are (a count is never a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

#: OWASP "CSV Injection": cells starting with these are interpreted as formulas.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will show it, never evaluate it: text with a formula start gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of ``row`` through :func:`safe_cell`."""
    return [safe_cell(v) for v in row]


class SafeWriter:
    """``csv.writer`` whose rows are neutralised; CRLF line ends as Excel expects."""

    def __init__(self, out: TextIO, **kwargs: Any):
        kwargs.setdefault("lineterminator", "\r\n")
        self._w = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._w.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **kwargs: Any) -> SafeWriter:
    """A CSV writer for ``out`` that never writes a live formula; use it for every CSV the tool writes."""
    return SafeWriter(out, **kwargs)
