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


_JIEBA: ModuleType | None = None


def jieba() -> ModuleType:
    """The jieba module, its progress messages silenced.

    The level is set once: ``setLogLevel`` clears the cache of every logger of the process
    (tens of microseconds), and the name and typo rules ask for jieba per word or text.
    """
    global _JIEBA
    if _JIEBA is None:
        import jieba as module

        module.setLogLevel(logging.WARNING)
        _JIEBA = module
    return _JIEBA


def dictionary():
    """jieba's default tokenizer with its dictionary loaded."""
    dt = jieba().dt
    dt.check_initialized()
    return dt


#: Where an over-long paragraph may be cut: after a sentence's end, else after a comma.
_SENTENCE_ENDS = "。！？；!?;\n"
_CLAUSE_ENDS = "，、,："


def pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pieces of at most ``limit`` characters, cut after sentence ends.

    For models whose cost or memory grows with the length of what they read at once (spaCy's
    ``max_length``, the typo model's lattice): a text file without line breaks is one
    "paragraph" of millions of characters. A text within the limit is one piece, itself.
    Each cut falls after the last sentence end in the window, else the last comma, else at
    the limit.
    """
    if len(text) <= limit:
        return [(0, text)]
    out = []
    start = 0
    n = len(text)
    while n - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(c) for c in _SENTENCE_ENDS)
        if cut < limit // 4:
            cut = max(cut, max(window.rfind(c) for c in _CLAUSE_ENDS))
        end = start + (cut + 1 if cut >= limit // 4 else limit)
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out
