"""Masking of personal data (区分处理): ``520221********3419``, ``张**``.

One mask style everywhere: a value keeps its first and last characters and every other
character becomes ``*``, one for one, so the masked form has the value's length and shape
(spaces, hyphens, full-width digits stay where they were). Numbers are masked by their
digits: ``5202 2119 8003 1545 17`` keeps six digits in front and four behind like
``520221198003154517`` does. The advice in findings quotes these same forms (``mask`` makes
them), and ``redact`` writes them into the copy.

:class:`Masker` is the one boundary every human-facing text of a report passes (finding
text, message, suggestion, context, explanation, reasons, comments, results rows, logs).

A module of its own, below both ``formats/`` (redact and annotate write masked copies, the
package scan names what it found masked) and ``output/`` (every emitter masks): the readers
and writers of files must not depend on the report emitters. Logging's boundary stays in
:mod:`gongkai.output.masking`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

import regex

if TYPE_CHECKING:
    from .models import Finding

_AREA_CODE = regex.compile(r"^(\(?0\d{2,3}\)?[-－\s]?)")

#: Kinds whose values are numbers: masked by their digits, found again in any written form.
DIGIT_KINDS = frozenset({"id_card", "mobile", "bank_card", "landline", "passport"})
#: Of these, the kinds masked digit by digit whatever separates the digits.
_BY_DIGITS = frozenset({"id_card", "mobile", "bank_card"})
_HALF = str.maketrans("０１２３４５６７８９ＸｘxＸ", "0123456789XXXX")
_SIGNIFICANT = frozenset("0123456789０１２３４５６７８９XxＸｘ")
#: A number as written: half- or full-width digits, single spaces or hyphens between them,
#: an ID number's check letter at the end. Its digits, normalised, are what values are sought in.
_RUN = regex.compile(r"[0-9０-９](?:[ \u00a0\u2002-\u200a\u3000\-－‐]?[0-9０-９])*"
                  r"(?:[XxＸｘ](?![A-Za-zＡ-Ｚａ-ｚ]))?")
_NUMBERISH = regex.compile(r"[+＋(（]?[0-9０-９XxＸｘ \u00a0\u2002-\u200a\u3000\-－‐)）]+")
_MOBILE = regex.compile(r"(?:86)?1[3-9]\d{9}")
#: Shorter digit runs are never a personal value on their own (a date, an amount).
MIN_DIGITS = 7


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]


def _digit_mask(digits: str, kind: str) -> str:
    if kind == "id_card":  # seventeen digits: an ID whose check letter is cut off
        return _keep(digits, 6, 3 if len(digits) == 17 else 4)
    if kind == "mobile":
        return _keep(digits, len(digits) - 8, 4) if len(digits) >= 11 else _keep(digits, 3, 2)
    return _keep(digits, 4, 4)  # bank_card


def _by_digits(value: str, kind: str) -> str | None:
    """``value`` masked digit by digit, separators kept; None when it is not written as a number."""
    at = [i for i, c in enumerate(value) if c in _SIGNIFICANT]
    if len(at) < MIN_DIGITS or not _NUMBERISH.fullmatch(value):
        return None
    digits = "".join(value[i] for i in at).translate(_HALF)
    out = list(value)
    for i, c in zip(at, _digit_mask(digits, kind)):
        if c == "*":
            out[i] = "*"
    return "".join(out)


def mask(value: str, kind: str) -> str:
    """The masked form of one personal-data value of the given kind (same length as ``value``,
    except an e-mail address, whose local part becomes ``x***``)."""
    v = value
    if kind in _BY_DIGITS:
        shaped = _by_digits(v, kind)
        if shaped is not None:
            return shaped
    if kind == "id_card":
        return _keep(v, 6, 4)
    if kind == "mobile":
        digits = "".join(c for c in v if c.isdecimal())
        if len(digits) >= 11:
            return _keep(v, len(v) - 8, 4) if len(v) > 11 else _keep(v, 3, 4)
        return _keep(v, 3, 2)
    if kind == "bank_card":
        return _keep(v, 4, 4)
    if kind == "landline":
        m = _AREA_CODE.match(v.translate(_HALF))  # ０８５８－ keeps its area code like 0858-
        head = len(m.group(1)) if m else 0
        return _keep(v, head, 2)
    if kind == "email":
        local, _, domain = v.partition("@")
        return (local[:1] + "***@" + domain) if domain else _keep(v, 1, 0)
    if kind == "person_name":
        return v[:1] + "*" * (len(v) - 1) if len(v) > 1 else "*"
    if kind == "address":
        return _keep(v, min(6, len(v) // 2), 0)
    if kind in ("passport", "license_plate"):
        return _keep(v, 2, 2)
    if kind == "health_info":
        return _keep(v, 1, 0)
    return _keep(v, max(1, len(v) // 4), max(1, len(v) // 4))


def mask_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, kind) span replaced by its masked form (same length)."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos:
            start = pos
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append(mask(text[start:end], kind))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _digit_keys(value: str, kind: str) -> list[str]:
    """The digit strings under which a numeric value is sought in other texts."""
    digits = "".join(c for c in value if c in _SIGNIFICANT).translate(_HALF)
    keys = [digits]
    if kind in ("landline", "passport"):
        # 0858-8123456转12: the subscriber number alone also appears (a full-width 8123456
        # that N110 quotes); an unseparated 08588123456 without its area code too
        keys += regex.findall(r"[0-9]+", value.translate(_HALF))
        if kind == "landline" and digits.startswith("0"):
            keys += [digits[3:], digits[4:]]
    return [k for k in dict.fromkeys(keys) if len(k) >= MIN_DIGITS]


def recognised(digits: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the personal numbers the validators recognise in a run of digits:
    a checksum-valid 公民身份号码 (also inside a longer run, or without its check letter X), a
    15-digit legacy one, a mobile number, a Luhn-valid 15–19-digit card number. Masking errs on
    the safe side: a number that merely looks like one of these is masked too."""
    from .screening.validators import gb11643_15_valid, gb11643_valid, luhn_valid

    n = len(digits)
    out = []
    if n >= 18:
        i = 0
        while i <= n - 18:
            if gb11643_valid(digits[i:i + 18]):
                out.append((i, i + 18, "id_card"))
                i += 18
            else:
                i += 1
    if out:
        return out
    if n == 17 and gb11643_valid(digits + "X"):
        return [(0, n, "id_card")]  # an ID number whose check letter X was cut off
    if n == 15 and gb11643_15_valid(digits):
        return [(0, n, "id_card")]
    if _MOBILE.fullmatch(digits):
        return [(0, n, "mobile")]
    if 15 <= n <= 19 and digits.isdigit() and luhn_valid(digits):
        return [(0, n, "bank_card")]
    return []


def _in_groups(run: str, at: list[int], digits: str) -> list[tuple[int, int, str]]:
    """What ``recognised`` finds in consecutive groups of a run written in groups, when the
    whole run is none of them: 2025-03-05 138 8581 1234 holds a mobile number."""
    starts = [0] + [k for k in range(1, len(at)) if at[k] != at[k - 1] + 1]
    if len(starts) < 2:
        return []
    bounds = [*starts, len(at)]
    out: list[tuple[int, int, str]] = []
    pos = 0
    for x in range(len(starts)):
        if bounds[x] < pos:
            continue
        best = None
        for y in range(x + 1, len(bounds)):  # spans of up to 19 digits; the longest found wins
            i, j = bounds[x], bounds[y]
            if j - i > 19:
                break
            if j - i >= MIN_DIGITS and not (x == 0 and y == len(bounds) - 1):
                found = recognised(digits[i:j])
                if found:
                    best = [(i + a, i + b, kind) for a, b, kind in found], j
        if best:
            out += best[0]
            pos = best[1]
    return out


#: Above this many distinct values a report's masker compiles one regular expression.
MANY_VALUES = 48


class Masker:
    """Masks every personal-data value a report found wherever it appears in the report's text.

    Findings of other rules quote text too (a font finding quotes its paragraph, a reason
    quotes the sentence that triggered it, N110 quotes a full-width ID number and suggests
    its half-width digits): masking by value catches personal data in all of them, not only
    in the personal-data findings themselves. Numbers are sought by their digits, however
    they are written (full-width, spaced, hyphenated), and numbers the validators recognise
    (an ID number, a mobile, a card number) are masked even when no rule reported them.
    ``reveal`` turns all of it off; ``Masker()`` (no findings) masks recognised numbers only.
    """

    def __init__(self, findings=(), reveal: bool = False):
        self.reveal = reveal
        self._map: dict[str, str] = {}
        self._digits: dict[str, str] = {}  # digit key -> kind
        if not reveal:
            for f in findings:
                if not f.sensitive or len(f.text) < 2:
                    continue
                if f.kind in DIGIT_KINDS:
                    keys = _digit_keys(f.text, f.kind)
                    for key in keys:
                        self._digits.setdefault(key, f.kind)
                    if keys and _NUMBERISH.fullmatch(f.text):
                        continue  # the digit pass finds it in every written form
                self._map[f.text] = mask(f.text, f.kind)
                if "%" in f.text:  # found URL-encoded (a link, a template path): its decoded form too
                    decoded = unquote(f.text)
                    if decoded != f.text and len(decoded) >= 2:
                        self._map[decoded] = mask(decoded, f.kind)
        self._keys = sorted(self._map, key=len, reverse=True)
        self._lengths = sorted({len(k) for k in self._digits}, reverse=True)
        # Leftmost, then longest, non-overlapping occurrences. A few values are found with
        # str.find (compiling an alternation of them cost more per report than masking all
        # of its text); many (a 公示 list of names) with one alternation, longest first.
        self._re = (regex.compile("|".join(regex.escape(k) for k in self._keys))
                    if len(self._keys) > MANY_VALUES else None)

    def __call__(self, text):
        if not text or self.reveal or not isinstance(text, str):
            return text
        if self._keys:
            text = self._by_value(text)
        return self._numbers(text)

    def _by_value(self, text: str) -> str:
        if self._re is not None:
            return self._re.sub(lambda m: self._map[m.group()], text)
        hits = []
        for key in self._keys:
            at = text.find(key)
            while at != -1:
                hits.append((at, -len(key), key))
                at = text.find(key, at + 1)
        if not hits:
            return text
        hits.sort()
        out, pos = [], 0
        for at, neg_len, key in hits:
            if at < pos:
                continue
            out.append(text[pos:at])
            out.append(self._map[key])
            pos = at - neg_len
        out.append(text[pos:])
        return "".join(out)

    def _numbers(self, text: str) -> str:
        """Mask the known and the recognisable numbers among the digit runs of ``text``."""
        out = None
        for m in _RUN.finditer(text):
            run = m.group()
            at = [i for i, c in enumerate(run) if c in _SIGNIFICANT]
            if len(at) < MIN_DIGITS:
                continue
            digits = "".join(run[i] for i in at).translate(_HALF)
            hits = []
            for n in self._lengths:  # every window of a known value's length: a dict lookup each
                for i in range(len(digits) - n + 1):
                    kind = self._digits.get(digits[i:i + n])
                    if kind is not None:
                        hits.append((i, i + n, kind))
            hits += recognised(digits) or _in_groups(run, at, digits)
            if not hits:
                continue
            if out is None:
                out = list(text)
            hits.sort(key=lambda h: (h[0], h[0] - h[1]))
            pos = 0
            for i, j, kind in hits:
                if i < pos:
                    continue
                a, b = m.start() + at[i], m.start() + at[j - 1] + 1
                out[a:b] = mask("".join(out[a:b]), kind)
                pos = j
        return text if out is None else "".join(out)

    def deep(self, value):
        """``value`` with every string inside it (dicts, lists) masked."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.deep(v) for v in value]
        return value


def shown_text(f: Finding, reveal: bool, masker: Masker | None = None) -> str:
    """The finding's text as a report shows it. ``masker`` is the report's (every value the
    report found); without one, the finding's own value and recognisable numbers are masked."""
    if reveal:
        return f.text
    if f.sensitive:
        return mask(f.text, f.kind)
    return (masker or Masker((f,)))(f.text)
