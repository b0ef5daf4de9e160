"""The statistical typo detector reports exactly what the committed fixture says (speed-ups must not change it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.proofing import lm

FIXTURE = json.loads((Path(__file__).parent / "data" / "t110_suspects.json").read_text("utf-8"))


@pytest.mark.parametrize("row", FIXTURE, ids=[r["text"][:12] for r in FIXTURE])
def test_suspects_match_the_fixture(row):
    got = [[s.start, s.wrong, s.right, s.gain, s.lm_gain, s.word_log_freq, s.seen_pair, s.seg_gain]
           for s in lm.model().suspects(row["text"])]
    assert len(got) == len(row["suspects"])
    for g, e in zip(got, row["suspects"]):
        assert g[:3] == e[:3] and g[6] == e[6]
        assert g[3:6] + g[7:] == pytest.approx(e[3:6] + e[7:], abs=1e-9)


def test_fixture_has_errors_found_and_clean_text_left_alone():
    assert sum(1 for r in FIXTURE if r["suspects"]) >= 10
    assert sum(1 for r in FIXTURE if not r["suspects"]) >= 20


def test_a_repeated_text_gives_the_same_suspects_again():
    # results may be cached per text: a second call must not differ from the first
    text = "加快推进乡村振兴战略，全面提高农民收如水平。"
    first = lm.model().suspects(text)
    second = lm.model().suspects(text)
    assert [(s.start, s.right, s.gain) for s in first] == [(s.start, s.right, s.gain) for s in second]
    assert [(s.start, s.right) for s in first] == [(18, "入")]
