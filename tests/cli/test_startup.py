"""Start-up of `gongkai check` (issue #20): the garbage collector paused while the models load."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from gongkai.cli.common import frozen_start_up

EXAMPLE = Path(__file__).parents[2] / "examples" / "chungeng-butie.docx"


@pytest.fixture
def collector_restored():
    """Whatever a test does to the collector, the next test finds it on and nothing frozen."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_until_the_first_result_then_on(collector_restored):
    with frozen_start_up() as started:
        assert not gc.isenabled()
        started()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        started()  # once per result: the first one freezes
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_an_error_before_the_first_result_leaves_the_collector_on(collector_restored):
    with pytest.raises(OSError), frozen_start_up():
        raise OSError("unreadable")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_the_caller_turned_off_stays_off(collector_restored):
    gc.disable()
    with frozen_start_up() as started:
        started()
        assert not gc.isenabled()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_objects_the_caller_froze_stay_frozen(collector_restored):
    gc.freeze()
    before = gc.get_freeze_count()
    with frozen_start_up() as started:
        started()
        assert gc.isenabled() and gc.get_freeze_count() == before
    assert gc.get_freeze_count() == before


@pytest.mark.parametrize("extra", [[], ["missing.docx"]])
def test_check_in_process_leaves_the_collector_as_it_was(cli, extra, collector_restored):
    result = cli("check", EXAMPLE, *extra)
    assert result.exit_code == (2 if extra else 1)
    assert gc.isenabled() and gc.get_freeze_count() == 0
