"""Results remembered by paragraph text, and shared between the workers of a batch run.

The costly analyses (person names, the statistical typo detector) read nothing but a
paragraph's text and data fixed per process, so their result for a text seen before is
exactly what a new run gives. Documents of one archive repeat paragraphs (letterheads,
contact lines, form rows, boilerplate), so each analysis keeps a :class:`TextMemo`.

A batch worker sees only its share of the archive: with two workers, each would compute
every shared paragraph once for itself. While recording (:func:`record`, switched on in batch
workers only), each memo notes the entries it computes; the pool collects them after every
document (:func:`drain`) and hands them to the other workers with their next tasks
(:func:`absorb`), so a paragraph is analysed about once per run, not once per worker.

Entries are keyed by a 64-bit BLAKE2b digest of the text: small to ship between processes,
and a collision is out of practical reach (about 2^-64 per pair of texts).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, Callable

_MEMOS: dict[str, TextMemo] = {}
_TEXT_CACHES: list = []
_recording = False


def text_cache(maxsize: int) -> Callable:
    """``functools.lru_cache`` for a pure function of a short text (a word, a table cell, a number).

    Such caches fill as documents are read, like the memos; :func:`clear_all` empties them all
    (benchmarks that measure a first pass, tests that count work).
    """

    def wrap(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        _TEXT_CACHES.append(cached)
        return cached

    return wrap


def clear_all() -> None:
    """Forget every result remembered by text: the memos and the :func:`text_cache` caches."""
    for memo in _MEMOS.values():
        memo.clear()
    for cached in _TEXT_CACHES:
        cached.cache_clear()


def key_of(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class TextMemo:
    """A bounded map from a text's digest to a result (emptied when full: no LRU bookkeeping)."""

    __slots__ = ("data", "fresh", "limit", "name")

    def __init__(self, name: str, limit: int = 20_000):
        self.name = name
        self.limit = limit
        self.data: dict[bytes, Any] = {}
        self.fresh: list[tuple[bytes, Any]] | None = [] if _recording else None  # computed here, while recording
        _MEMOS[name] = self

    def get(self, key: bytes) -> Any:
        return self.data.get(key)

    def put(self, key: bytes, value: Any) -> None:
        if len(self.data) >= self.limit:
            self.data.clear()
        self.data[key] = value
        if self.fresh is not None:
            self.fresh.append((key, value))

    def clear(self) -> None:
        self.data.clear()
        if self.fresh is not None:
            self.fresh.clear()

    def __len__(self) -> int:
        return len(self.data)


def record(on: bool = True) -> None:
    """Start (or stop) noting the entries this process computes, for :func:`drain`."""
    global _recording
    _recording = on
    for memo in _MEMOS.values():
        memo.fresh = [] if on else None


def drain() -> list[tuple[str, list[tuple[bytes, Any]]]] | None:
    """The entries computed since the last call, by memo (None when there are none)."""
    out = []
    for memo in _MEMOS.values():
        if memo.fresh:
            out.append((memo.name, memo.fresh))
            memo.fresh = []
    return out or None


def absorb(batches: list[tuple[str, list[tuple[bytes, Any]]]] | None) -> None:
    """Take entries another process computed (memos this process does not have are skipped)."""
    for name, entries in batches or ():
        memo = _MEMOS.get(name)
        if memo is None:
            continue
        data = memo.data
        if len(data) + len(entries) > memo.limit:
            data.clear()
        for key, value in entries:
            data[key] = value


def count(batches: list[tuple[str, list]] | None) -> int:
    return sum(len(entries) for _name, entries in batches or ())
