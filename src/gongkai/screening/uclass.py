r"""regex's \p{Han}, \s and \d as character-class bodies for the stdlib re (put them inside [...]).

The short name and address patterns run thousands of times on a few characters each, and the
stdlib ``re`` costs about half of ``regex`` per call; but ``re`` has no ``\p{Han}``, its ``\s``
also takes the control characters \x1c-\x1f, and its ``\d`` follows Python's Unicode data,
older than regex's. So the three classes are read from the installed ``regex`` when this
module is imported (a few hundredths of a second): whatever its version, the ``re`` patterns
built on them match exactly what the ``regex`` patterns did. The planes read are those that
hold characters with a script or a numeric type at all: 0–3 and 14 (planes 4–13 are
unassigned, 15–16 are for private use); tests/screening/test_personal_data_speed.py checks
the result against regex over every code point.
"""

from __future__ import annotations

import sys
from array import array

import regex

#: Code-point ranges read (end excluded): planes 0–3 without the surrogates, and plane 14.
PLANES = ((0, 0xD800), (0xE000, 0x40000), (0xE0000, 0xF0000))
#: Characters that mean something inside [...] and are written escaped.
_SPECIAL = frozenset("\\]^-[")


#: 32-bit code units in the machine's byte order, and the codec that reads them
_UNIT = next(code for code in "IL" if array(code).itemsize == 4)
_CODEC = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def _planes() -> list[tuple[int, str]]:
    """(first code point, every character of the range in order) for each range of PLANES."""
    return [(start, array(_UNIT, range(start, end)).tobytes().decode(_CODEC)) for start, end in PLANES]


def ranges(pattern: str, planes: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """The (first, last) code points of the runs of characters ``regex`` matches with ``pattern`` in ``planes``."""
    out: list[tuple[int, int]] = []
    for start, text in planes:
        for m in regex.finditer(pattern + "+", text):
            out.append((start + m.start(), start + m.end() - 1))
    return out


def _char(c: int) -> str:
    ch = chr(c)
    return "\\" + ch if ch in _SPECIAL else ch


def class_body(pattern: str, planes: list[tuple[int, str]]) -> str:
    """A [...] body for re holding what ``pattern`` (one regex class) matches."""
    return "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges(pattern, planes))


_read = _planes()
#: \p{Han}: the Han script
HAN = class_body(r"\p{Han}", _read)
#: \s as regex reads it (Unicode White_Space), without the \x1c-\x1f that re's \s also takes
SPACE = class_body(r"\s", _read)
#: \d as regex reads it (Unicode decimal digits, regex's Unicode version)
DIGIT = class_body(r"\d", _read)
del _read
