"""The log boundary: every log record masked, whichever handler writes it.

The masking itself (:func:`~gongkai.masking.mask`, :class:`~gongkai.masking.Masker`) lives in
:mod:`gongkai.masking`, shared with the file writers in ``formats/``.
"""

from __future__ import annotations

import logging

from ..masking import Masker

_LOG_MASKER: Masker | None = None


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its formatted message and traceback masked (in place).

    Logs are masked even under ``--reveal`` (which is about reports): a rule failing with a
    paragraph in its exception message must not write an ID number to the log at any ``-v``
    level. Only recognisable numbers are masked here: a log record knows no report.
    """
    global _LOG_MASKER
    if getattr(record, "_gongkai_masked", False):
        return record
    masker = _LOG_MASKER = _LOG_MASKER or Masker()
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it for logging to report
        return record
    record.msg, record.args = masker(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = masker(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = masker(record.exc_text)
    record._gongkai_masked = True
    return record


_FACTORY = None


def mask_logs() -> None:
    """Mask every log record from now on, whichever handler writes it (idempotent)."""
    global _FACTORY
    if _FACTORY is not None:
        return
    base = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        return mask_record(record)

    _FACTORY = factory
    logging.setLogRecordFactory(factory)
