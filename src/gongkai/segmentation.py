"""Word segmentation: the one segmenter of gongkai, and jieba's dictionary as data.

* :func:`segmenter` gives a :class:`Segmenter`: jieba's accurate mode (prefix-dictionary route,
  HMM for runs of single characters) over jieba's dictionary, plus words a caller adds (the
  name rules add their role words). It runs on rjieba (jieba-rs, the Rust port, MIT; abi3
  wheels for Linux, macOS and Windows) and falls back to jieba itself where rjieba cannot be
  imported. Both give the same words, except that jieba's HMM splits an ASCII run such as
  0858-8629632 at its punctuation where jieba-rs keeps it whole (no rule reads such a word).
* :func:`dictionary` gives jieba's dictionary file read once as two tables, word → frequency
  and word → part-of-speech tag (what ``jieba.dt.FREQ`` and ``jieba.posseg``'s tag table
  hold, without jieba's prefix entries and without importing jieba): the name rules ask it
  whether a word is common, the typo model takes its frequencies. Reading and splitting the
  8 MB file and converting its numbers is about half the time to build them, so the tables are
  kept between runs in the user cache folder (:func:`_tables`), checked against their file.

Nothing here loads until asked: a run whose rules never segment pays for none of it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import threading
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import __version__
from .config import cache_root
from .files import write_atomic

log = logging.getLogger(__name__)
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Dictionary:
    """jieba's dictionary (``dict.txt``: one ``word frequency tag`` line per word)."""

    freq: dict[str, int]
    tags: dict[str, str]


def _dict_file() -> Path:
    """jieba's ``dict.txt``, found without importing jieba (its import loads the HMM tables)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed")
    return Path(spec.submodule_search_locations[0]) / "dict.txt"


@cache
def dictionary() -> Dictionary:
    """jieba's dictionary as tables, read once per process (a word listed twice: its last line, as jieba)."""
    return _tables(_dict_file(), _cache_file())


def _parse(source: Path) -> Dictionary:
    fields = source.read_text(encoding="utf-8").split()
    words = fields[0::3]
    return Dictionary(dict(zip(words, map(int, fields[1::3]))), dict(zip(words, fields[2::3])))


def _cache_file() -> Path:
    """Where the tables are kept: gongkai's cache folder (``$GONGKAI_CACHE_DIR``, else the user cache folder)."""
    return cache_root() / "jieba-dict.tables"


def _tables(source: Path, cache_file: Path) -> Dictionary:
    """The tables of ``source``, from ``cache_file`` when it holds them, else parsed (and the cache written).

    The cache is a plain binary file, never code: the words (one UTF-8 string), their frequencies
    (an array of int64) and their tags (an index per word into the tag names). It names what it was
    made from, like a .pyc: the source's path, size and modification time, gongkai's version and
    the machine's byte order; a cache that names anything else, or cannot be read or decoded, is
    ignored and written again. Writing goes through a temporary file renamed into place, so a
    reader never sees half a cache; a folder that cannot be written only costs the parse next time.
    """
    stat = source.stat()
    key = f"{__version__} {sys.byteorder} {source.resolve()} {stat.st_size} {stat.st_mtime_ns}"
    try:
        found = _decode(cache_file.read_bytes(), key)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:  # absent, unreadable, garbled
        log.debug("jieba dictionary cache %s not used: %s", cache_file, exc)
        found = None
    if found is not None:
        return found
    tables = _parse(source)
    _store(cache_file, tables, key)
    return tables


def _encode(tables: Dictionary, key: str) -> bytes:
    words = list(tables.freq)
    names = sorted(set(tables.tags.values()))
    number = {name: i for i, name in enumerate(names)}
    text = "\n".join(words).encode("utf-8")
    head = {"key": key, "words": len(words), "bytes": len(text), "tags": names}
    return b"".join((json.dumps(head, ensure_ascii=False).encode("utf-8"), b"\n", text,
                     array("q", tables.freq.values()).tobytes(), bytes(number[tables.tags[w]] for w in words)))


def _decode(data: bytes, key: str) -> Dictionary | None:
    """The tables of a cache written by _encode, None when it was made from something else; a
    cache that does not add up raises ValueError."""
    line, _, body = data.partition(b"\n")
    head = json.loads(line)
    if head["key"] != key:
        return None
    count, size, names = head["words"], head["bytes"], head["tags"]
    if len(body) != size + 9 * count:
        raise ValueError("truncated")
    words = body[:size].decode("utf-8").split("\n")
    freq = array("q")
    freq.frombytes(body[size:size + 8 * count])
    tags = body[size + 8 * count:]
    if len(words) != count:
        raise ValueError("word count")
    return Dictionary(dict(zip(words, freq.tolist())), dict(zip(words, map(names.__getitem__, tags))))


def _store(path: Path, tables: Dictionary, key: str) -> None:
    """The cache of ``tables`` into ``path`` atomically; a folder that cannot be written is let be."""
    try:
        data = _encode(tables, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except (OSError, ValueError) as exc:  # ValueError: over 255 tag names, one byte each cannot number them
        log.debug("jieba dictionary cache %s not written: %s", path, exc)


class Segmenter:
    """``cut(text, hmm=True)``: the words of ``text`` in jieba's accurate mode."""

    def __init__(self, added: frozenset[str] = frozenset(), freq: int = 200_000) -> None:
        """jieba's dictionary plus each word of ``added`` at frequency ``freq``."""
        self.added = added
        try:
            import rjieba
        except ImportError:
            self.backend = "jieba"
            self._jieba = _jieba_tokenizer(added, freq)
            return
        self.backend = "rjieba"
        # rjieba's module-level instance is built when it is imported: taken for the plain
        # dictionary, a new one (≈28 MB) for a dictionary with added words.
        self._rjieba = rjieba._DEFAULT_JIEBA if not added else rjieba.Jieba()
        for word in sorted(added):
            self._rjieba.add_word(word, freq, None)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """The words of ``text``; ``hmm=False``: dictionary words and single characters only."""
        if self.backend == "rjieba":
            return self._rjieba.cut(text, hmm)
        return self._jieba.lcut(text, HMM=hmm)


def _jieba_tokenizer(added: frozenset[str], freq: int):
    """A jieba tokenizer of its own with ``added`` (the global ``jieba.dt`` stays as it is)."""
    jieba = _quiet_jieba()
    tok = jieba.Tokenizer()
    tok.check_initialized()
    for word in sorted(added):
        tok.add_word(word, freq=freq)
    return tok


def _quiet_jieba():
    """The jieba module with its logger lowered to WARNING: it reports building its prefix
    dictionary on stderr, which a clerk must never see."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


_SEGMENTERS: dict[frozenset[str], Segmenter] = {}


def segmenter(added: frozenset[str] = frozenset()) -> Segmenter:
    """The process's segmenter over jieba's dictionary plus ``added`` (built on first use)."""
    seg = _SEGMENTERS.get(added)
    if seg is None:
        with _LOCK:
            seg = _SEGMENTERS.get(added)
            if seg is None:
                seg = _SEGMENTERS[added] = Segmenter(added)
    return seg


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
