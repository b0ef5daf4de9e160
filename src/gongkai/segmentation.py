"""Word segmentation: the one way gongkai loads jieba, quietly.

jieba reports building its prefix dictionary ("Building prefix dict from the default
dictionary ... Loading model cost ...") on stderr through a logger of its own at DEBUG level;
a clerk must never see that. Every module that uses jieba gets it from :func:`jieba` (or
:func:`dictionary`), which lowers that logger to WARNING before anything can load the
dictionary — including spaCy's Chinese tokenizer, which loads it when it is built.
"""

from __future__ import annotations

import logging
from types import ModuleType


def jieba() -> ModuleType:
    """The jieba module, its progress messages silenced."""
    import jieba as module

    module.setLogLevel(logging.WARNING)
    return module


def dictionary():
    """jieba's default tokenizer with its dictionary loaded."""
    dt = jieba().dt
    dt.check_initialized()
    return dt
