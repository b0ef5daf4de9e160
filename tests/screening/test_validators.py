"""The checksums behind D101/D104 agree with python-stdnum, their reference."""

import random

from stdnum import luhn
from stdnum.cn import ric

from gongkai.screening.validators import gb11643_valid, luhn_valid, plausible_birth


def test_luhn_valid_agrees_with_stdnum():
    rng = random.Random(3)
    for _ in range(20000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(13, 21)))
        want = 15 <= len(digits) <= 19 and luhn.is_valid(digits)
        assert luhn_valid(digits) is want, digits
        spaced = " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
        assert luhn_valid(spaced) is want, spaced


def test_luhn_valid_reads_other_digits_like_stdnum():
    card = "622202123456789" + luhn.calc_check_digit("622202123456789")
    assert luhn_valid(card) and luhn.is_valid(card)
    assert not luhn_valid(card[:-1] + str((int(card[-1]) + 1) % 10))
    wide = card.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert luhn_valid(wide) is luhn.is_valid(wide)  # the rules read full-width digits as ASCII first


def test_gb11643_valid_agrees_with_the_check_digit_and_birth_date():
    rng = random.Random(4)
    for _ in range(5000):
        body = rng.choice(["11", "52", "44", "99"]) + "".join(rng.choice("0123456789") for _ in range(4))
        body += f"{rng.randint(1890, 2030)}{rng.randint(1, 13):02d}{rng.randint(1, 31):02d}"
        body += "".join(rng.choice("0123456789") for _ in range(3))
        for last in (ric.calc_check_digit(body + "0"), rng.choice("0123456789X")):
            number = body + last
            want = ric.calc_check_digit(number) == last and plausible_birth(number[6:14]) and body[:2] != "99"
            assert gb11643_valid(number) is want, number
            assert gb11643_valid(number.lower()) is want


def test_uscc_valid_agrees_with_stdnum():
    from stdnum.cn import uscc

    from gongkai.screening.validators import uscc_valid

    rng = random.Random(5)
    checked = valid = 0
    for _ in range(20000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        for last in (uscc.calc_check_digit(body + "0"), rng.choice("0123456789"), rng.choice("ABX")):
            number = body + last
            assert uscc_valid(number) is uscc.is_valid(number), number
            checked += 1
            valid += uscc_valid(number)
    assert valid > 10000 and checked - valid > 10000  # both outcomes well exercised
    for other in ("91520200MA6DL1234X", "9152 0200 MA6D L123 4X", "１２３", "", "91520200123456789"):
        assert uscc_valid(other) is uscc.is_valid(other), other  # not 18 ASCII digits: stdnum decides


def test_plausible_birth_asks_the_date_again_after_midnight(monkeypatch):
    import datetime as dt

    from gongkai.screening import validators

    day = [dt.date(2026, 11, 27)]
    calls = []
    monkeypatch.setattr(validators, "_CLOCK", validators._Clock())
    monkeypatch.setattr(validators, "_date_today", lambda: calls.append(1) or day[0])
    now = dt.datetime(2026, 11, 27, 23, 59, 0).timestamp()
    monkeypatch.setattr(validators._time, "time", lambda: now)
    assert not plausible_birth("20261128")  # tomorrow
    assert plausible_birth("20261127")
    assert len(calls) == 1  # the second check reused the date
    day[0] = dt.date(2026, 11, 28)
    now += 120  # past midnight
    assert plausible_birth("20261128")
    assert len(calls) == 2
