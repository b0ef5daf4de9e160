"""Masking of personal data in every output (区分处理): ``520221********3419``, ``张*``."""

from __future__ import annotations

import re

import regex


_AREA_CODE = regex.compile(r"^(\(?0\d{2,3}\)?[-－\s]?)")


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]


def mask(value: str, kind: str) -> str:
    """The masked form of one personal-data value of the given kind."""
    v = value
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
        m = _AREA_CODE.match(v)
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


#: Above this many distinct values a report's masker compiles one regular expression.
MANY_VALUES = 48


class Masker:
    """Masks every personal-data value a report found wherever it appears in the report's text.

    Findings of other rules quote text too (a font finding quotes its paragraph, a reason
    quotes the sentence that triggered it): masking by value catches personal data in all of
    them, not only in the personal-data findings themselves. ``reveal`` turns it off.
    """

    def __init__(self, findings=(), reveal: bool = False):
        self._map: dict[str, str] = {}
        if not reveal:
            for f in findings:
                if f.sensitive and len(f.text) >= 2:
                    self._map[f.text] = mask(f.text, f.kind)
        self._keys = sorted(self._map, key=len, reverse=True)
        # Leftmost, then longest, non-overlapping occurrences. A few values are found with
        # str.find (compiling an alternation of them cost more per report than masking all
        # of its text); many (a 公示 list of names) with one alternation, longest first.
        self._re = (re.compile("|".join(re.escape(k) for k in self._keys))
                    if len(self._keys) > MANY_VALUES else None)

    def __call__(self, text):
        if not text or not self._keys:
            return text
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
