"""Checksums and plausibility checks for identity numbers (python-stdnum where it fits)."""

from __future__ import annotations

import datetime as _dt
import time as _time
from operator import mul as _mul

from stdnum import luhn
from stdnum.cn import ric, uscc

from ..memo import text_cache


def gb11643_valid(value: str) -> bool:
    """公民身份号码 (GB 11643-1999): ISO 7064 MOD 11-2 check digit and a plausible birth date.

    The check digit comes from stdnum.cn.ric; its is_valid() also demands that the area code existed in the birth year, which rejects
    real numbers issued before an administrative renaming; only the checksum and the date
    matter for finding them in a document, so the two are checked here directly.
    """
    v = value.upper()
    return _gb11643_checksum_ok(v) and plausible_birth(v[6:14]) and v[:2] in PROVINCES


@text_cache(maxsize=4096)
def _gb11643_checksum_ok(v: str) -> bool:
    """Form and check digit (cached: the ID, bank-card and health rules ask about the same numbers)."""
    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return False
    return ric.calc_check_digit(v) == v[17]  # takes the whole number, check digit included


def gb11643_15_valid(value: str) -> bool:
    """The 15-digit legacy form (before 1999): area code + YYMMDD + sequence, no check digit."""
    return len(value) == 15 and value.isdigit() and value[:2] in PROVINCES and plausible_birth("19" + value[6:12])


def plausible_birth(yyyymmdd: str, today: _dt.date | None = None) -> bool:
    """A real date from 1900-01-01 to ``today`` (default: the current date)."""
    return _born_between(yyyymmdd, today or _today())


_date_today = _dt.date.today

class _Clock:
    """``date.today()``, asked again only after midnight: the rules check every ID number's birth
    date, and ``date.today()`` costs several times the cached check itself."""

    def __init__(self) -> None:
        self.day: _dt.date | None = None
        self.midnight = 0.0  # the timestamp of the local midnight after ``day``

    def today(self) -> _dt.date:
        if self.day is None or _time.time() >= self.midnight:
            self.day = _date_today()
            self.midnight = _dt.datetime.combine(self.day + _dt.timedelta(days=1), _dt.time()).timestamp()
        return self.day


_CLOCK = _Clock()


def _today() -> _dt.date:
    return _CLOCK.today()


@text_cache(maxsize=8192)
def _born_between(yyyymmdd: str, today: _dt.date) -> bool:
    try:
        born = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= born <= today


def luhn_valid(value: str) -> bool:
    """15–19 digits with a correct Luhn check digit (bank cards)."""
    digits = value if value.isascii() and value.isdigit() else "".join(c for c in value if c.isdigit())
    if not 15 <= len(digits) <= 19:
        return False
    if not digits.isascii():
        return luhn.is_valid(digits)  # other scripts' digits: python-stdnum reads them
    # the Luhn sum over ASCII digits, inline: python-stdnum's luhn.is_valid is the reference
    # (tests/screening/test_validators.py compares them) but three times slower, and the bank-card
    # rule asks it about every 15–19-digit number of a form
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = ord(c) - 48
        if i & 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


#: The 统一社会信用代码 alphabet and the weights of its check character (GB 32100-2015).
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_ZEROS = 48 * sum(_USCC_WEIGHTS)


def uscc_valid(value: str) -> bool:
    """A valid 统一社会信用代码: python-stdnum's ``uscc.is_valid``, inline for 18 ASCII digits.

    The bank-card rule asks about every 18-digit number that is no ID number; stdnum raises and
    catches an exception for each invalid one, ten times the cost of the sum
    (tests/screening/test_validators.py compares the two).
    """
    if len(value) != 18 or not (value.isascii() and value.isdigit()):
        return uscc.is_valid(value)
    total = sum(map(_mul, value[:17].encode(), _USCC_WEIGHTS)) - _USCC_ZEROS  # digit bytes: 48 + the digit
    return _USCC_ALPHABET[(31 - total) % 31] == value[17]


#: First two digits of 行政区划代码 (GB/T 2260 provinces).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def plate_serial_valid(plate: str) -> bool:
    """A plate's serial (after the province and the office letter) holds a digit and at most three
    Latin letters (贵州ABCDE is not a plate)."""
    tail = plate[2:]
    return any(c.isdigit() for c in tail) and sum(c.isalpha() and c.isascii() for c in tail) <= 3


#: Validators by the name a recognizer declaration gives them (data/recognizers.yaml).
VALIDATORS = {
    "gb11643": gb11643_valid,
    "gb11643_15": gb11643_15_valid,
    "luhn": luhn_valid,
    "plate_serial": plate_serial_valid,
}
