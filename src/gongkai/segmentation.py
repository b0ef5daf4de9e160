"""Word segmentation: the one way gongkai loads jieba, quietly.

jieba reports building its prefix dictionary ("Building prefix dict from the default
dictionary ... Loading model cost ...") on stderr through a logger of its own at DEBUG level;
a clerk must never see that. Every module that uses jieba gets it from :func:`jieba` (or
:func:`dictionary`), which lowers that logger to WARNING before anything can load the
dictionary — including spaCy's Chinese tokenizer, which loads it when it is built.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
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


def pos_tags() -> dict[str, str]:
    """jieba's word → part-of-speech table (``jieba.posseg.dt.word_tag_tab``), from a cache.

    Building it means importing jieba.posseg (its HMM tables are large Python modules) and
    parsing the 350,000 lines of the dictionary: about a second of every start-up that runs
    the name rules. The table is kept as a marshal file in the user cache directory
    (``$GONGKAI_CACHE_DIR`` if set), keyed by the dictionary file's path, size and time and
    jieba's version, and read back in a tenth of that. Any problem with the cache falls back
    to jieba itself.
    """
    import hashlib
    import marshal

    module = jieba()
    # the file jieba.posseg reads: the default tokenizer's dictionary (None = the bundled one)
    source = Path(module.dt.dictionary or os.path.join(os.path.dirname(module.__file__), "dict.txt"))
    cache = None
    try:
        stat = source.stat()
        key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{getattr(module, '__version__', '')}"
        cache = _cache_dir() / f"jieba-pos-{hashlib.sha1(key.encode()).hexdigest()[:16]}.marshal"
        with open(cache, "rb") as fh:
            table = marshal.load(fh)
        if isinstance(table, dict) and all(isinstance(v, str) for v in list(table.values())[:100]):
            return table
    except (OSError, AttributeError, ValueError, EOFError, TypeError):
        pass
    from jieba import posseg  # (import jieba.posseg would bind the name of the function above)

    table = posseg.dt.word_tag_tab
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                marshal.dump(table, fh)
            os.replace(tmp, cache)
        except OSError:
            pass
    return table


def _cache_dir() -> Path:
    configured = os.environ.get("GONGKAI_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gongkai"))


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
