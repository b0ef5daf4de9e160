"""Times as a clerk reads them: local wall-clock time to the minute.

The store keeps UTC in ISO 8601 with its offset (``2026-12-06T04:29:56+00:00``) and JSON
output shows it as stored; text and CSV meant for people show ``2026-12-06 12:29`` in the
zone of ``[display] timezone`` (an IANA name such as ``Asia/Shanghai``), else the system's.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def display_zone(config=None) -> tzinfo | None:
    """The zone of ``[display] timezone`` in ``config``, or None for the system's own.

    Raises ValueError (in Chinese, naming the setting) for a zone the machine does not know.
    """
    name = config.section("display").get("timezone") if config is not None else None
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"[display] timezone 无效：{name}（应为时区名，如 Asia/Shanghai）") from None


def local_time(iso: str | None, zone: tzinfo | None = None) -> str:
    """``2026-12-06T04:29:56+00:00`` as ``2026-12-06 12:29`` in ``zone`` (None: the system's).

    Text that is not an ISO time is returned as it is; an empty value as an empty string.
    """
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:  # written without an offset: taken as UTC, as the store writes
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
