"""benchmarks/ab_speed.py: reading screening_speed.py's table, and the A/B summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import ab_speed  # noqa: E402

# screening_speed.py's output without Presidio installed (header lines shortened)
WITHOUT_PRESIDIO = """\
presidio-analyzer not importable (No module named 'presidio_analyzer'); install the bench extra: pip install -e .[bench]
start-up: gongkai name pipeline (spaCy zh + jieba, built once per process) 1.20 s
gongkai caches results by text (names per paragraph; name words, header cells, ID numbers): '1st pass'
corpus                      chars    1st pass gongkai chars/s  Presidio chars/s  ratio 1st ratio 1st, pairs 1st, 1 doc  recall gongkai / Presidio
labelled test split         42804     198,139         127,053                                                168,477  0.946
govcn-2019 published       170325   1,719,412       3,205,674                                              1,418,925  findings: gongkai 0
"""

WITH_PRESIDIO = """\
corpus                      chars    1st pass gongkai chars/s  Presidio chars/s  ratio 1st ratio 1st, pairs 1st, 1 doc  recall gongkai / Presidio
labelled test split         42804     98,139         127,053            10,000   12.7×      9.8×     9.9×    10.1×  0.946 / 0.700
"""


def test_first_pass_column_is_read_for_each_corpus():
    assert ab_speed.parse_screening(WITHOUT_PRESIDIO) == {"labelled test split": 198139.0,
                                                          "govcn-2019 published": 1719412.0}
    assert ab_speed.parse_screening(WITH_PRESIDIO) == {"labelled test split": 98139.0}


@pytest.mark.parametrize("output", ["", "corpus chars chars/s\nlabelled test split 1 2 3\n",
                                    WITHOUT_PRESIDIO.split("corpus  ")[0]])
def test_output_without_the_table_is_refused(output):
    with pytest.raises(ValueError):
        ab_speed.parse_screening(output)


def test_summary_ratios_are_in_time():
    # throughput: result half as fast is a time ratio of 2
    s = ab_speed.summarise([100.0, 110.0, 90.0], [50.0, 55.0, 45.0], higher_is_faster=True)
    assert (s["median_baseline"], s["median_result"]) == (100.0, 50.0)
    assert s["time_ratio"] == pytest.approx(2.0) and s["paired_time_ratio"] == pytest.approx(2.0)
    # seconds: the paired ratio takes each run's neighbour, not the medians
    s = ab_speed.summarise([10.0, 20.0, 30.0], [11.0, 30.0, 30.0], higher_is_faster=False)
    assert s["time_ratio"] == pytest.approx(30 / 20)
    assert s["paired_time_ratio"] == pytest.approx(1.1)
