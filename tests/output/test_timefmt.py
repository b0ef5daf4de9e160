"""Times shown to people: local wall-clock time to the minute; the stored UTC form stays in JSON."""

from __future__ import annotations

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gongkai.config import from_mapping
from gongkai.output.timefmt import display_zone, local_time


@pytest.mark.parametrize("iso, zone, shown", [
    ("2026-12-06T04:29:56+00:00", ZoneInfo("Asia/Shanghai"), "2026-12-06 12:29"),
    ("2026-12-06T20:05:00+00:00", ZoneInfo("Asia/Shanghai"), "2026-12-07 04:05"),  # the next day in Beijing
    ("2026-12-06T04:29:56+00:00", timezone(timedelta(hours=-5)), "2026-12-05 23:29"),
    ("2026-12-06T04:29:56", ZoneInfo("Asia/Shanghai"), "2026-12-06 12:29"),  # no offset: UTC, as stored
    ("", None, ""),
    ("不是时间", None, "不是时间"),
])
def test_local_time(iso, zone, shown):
    assert local_time(iso, zone) == shown


def test_system_zone_when_none_is_configured(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_time("2026-12-06T04:29:56+00:00") == "2026-12-06 12:29"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_display_timezone_from_config():
    assert display_zone(from_mapping({})) is None
    assert display_zone(from_mapping({"display": {"timezone": "Asia/Shanghai"}})) == ZoneInfo("Asia/Shanghai")
    with pytest.raises(ValueError, match="timezone 无效"):
        display_zone(from_mapping({"display": {"timezone": "Mars/Base"}}))
