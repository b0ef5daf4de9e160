"""Lexicons: curated wrong→right word lists kept as YAML data, each entry with its own specs.

A lexicon file (``src/gongkai/data/proofing/*.yaml``) looks like::

    code: T101
    kind: typo                  # a proofing kind of the vocabulary
    severity: warning
    basis: 《勺米镇政务公开信息审核发布管理制度》一（一）
    source: where the entries come from (standard, dictionary)
    entries:
      - wrong: 截止
        right: 截至
        when: {before: "(目前|今天|[0-9]{1,4}年)"}   # regex on the text right after the word
        specs: ["截止目前 -> 截至目前"]               # input -> text after the fix (same = silent)
        keep: ["报名截止日期"]                        # must not fire
        except: ["截止日期"]                          # correct phrases containing the word

``when`` may hold ``before`` / ``not_before`` (a regex matched right after the word: the word
stands *before* such text) and ``after`` / ``not_after`` (a regex matched right before the
word). ``except`` phrases silence a match that lies inside one of them. ``renamed: YYYY-MM-DD``
marks the old name of a renamed organ: documents whose 成文日期 is earlier keep it. Loading a lexicon runs
every entry's specs; a broken entry raises :class:`LexiconError` naming file and line.
"""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

import ahocorasick
import regex
import yaml

from ..data import SAFE_LOADER

#: How many characters of context ``when`` conditions may look at on either side.
WINDOW = 12


class LexiconError(ValueError):
    """A lexicon file or entry is malformed or fails its own specs."""


@dataclass(frozen=True)
class Entry:
    """One wrong→right pair with the conditions under which it applies."""

    wrong: str
    right: str
    line: int
    before: regex.Pattern | None = None
    not_before: regex.Pattern | None = None
    after: regex.Pattern | None = None
    not_after: regex.Pattern | None = None
    exceptions: tuple[str, ...] = ()
    specs: tuple[tuple[str, str], ...] = ()
    keep: tuple[str, ...] = ()
    note: str = ""
    basis: str = ""
    #: The old name of a renamed organ is right in documents dated before this day.
    renamed: dt.date | None = None

    def applies(self, text: str, start: int, end: int) -> bool:
        """Whether the word at ``text[start:end]`` is wrong here (conditions and exceptions)."""
        tail = text[end : end + WINDOW]
        head = text[max(0, start - WINDOW) : start]
        if self.before is not None and not self.before.match(tail):
            return False
        if self.not_before is not None and self.not_before.match(tail):
            return False
        if self.after is not None and not self.after.search(head):
            return False
        if self.not_after is not None and self.not_after.search(head):
            return False
        for phrase in self.exceptions:
            # the exception phrase must cover the match: look for it in a window around it
            lo = max(0, start - len(phrase))
            hi = end + len(phrase)
            i = text.find(phrase, lo, hi)
            while i != -1:
                if i <= start and i + len(phrase) >= end:
                    return False
                i = text.find(phrase, i + 1, hi)
        return True


@dataclass(frozen=True)
class Hit:
    """A lexicon entry matched at ``start:end`` of a text."""

    start: int
    end: int
    entry: Entry


@dataclass
class Lexicon:
    """A loaded lexicon file: rule metadata plus entries, matched with one Aho–Corasick automaton."""

    name: str
    code: str
    kind: str
    severity: str
    basis: str
    message: str
    doc: str
    source: str
    entries: list[Entry]
    _automaton: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        auto = ahocorasick.Automaton()
        by_word: dict[str, list[Entry]] = {}
        for e in self.entries:
            by_word.setdefault(e.wrong, []).append(e)
        for word, group in by_word.items():
            auto.add_word(word, (len(word), tuple(group)))
        auto.make_automaton()
        self._automaton = auto

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits in ``text`` (the longest match wins where two overlap)."""
        if not self.entries or not text:
            return []
        raw: list[Hit] = []
        for end_index, (length, group) in self._automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            for entry in group:
                if entry.applies(text, start, end):
                    raw.append(Hit(start, end, entry))
                    break
        raw.sort(key=lambda h: (h.start, -(h.end - h.start)))
        out: list[Hit] = []
        for h in sorted(raw, key=lambda h: -(h.end - h.start)):
            if all(h.end <= o.start or o.end <= h.start for o in out):
                out.append(h)
        out.sort(key=lambda h: h.start)
        return out

    def fix(self, text: str) -> str:
        """``text`` with every hit replaced by its correction (what the specs check)."""
        parts, pos = [], 0
        for h in self.find(text):
            parts.append(text[pos : h.start])
            parts.append(h.entry.right)
            pos = h.end
        parts.append(text[pos:])
        return "".join(parts)

    def examples(self) -> tuple[list[str], list[str]]:
        """(must-fire, must-not-fire) texts drawn from the specs and keeps."""
        fires, silent = [], []
        for e in self.entries:
            for src, dst in e.specs:
                if src != dst:
                    fires.append(src)
                silent.append(dst)
            silent.extend(e.keep)
        return fires, silent


class _LineLoader(SAFE_LOADER):
    """A safe YAML loader that records the line of every mapping (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

_WHEN_KEYS = {"before", "not_before", "after", "not_after"}
_ENTRY_KEYS = {"wrong", "right", "when", "specs", "keep", "except", "note", "basis", "renamed", "__line__"}


def parse(text: str, name: str = "<lexicon>", *, check_specs: bool = True) -> Lexicon:
    """Parse a lexicon from YAML text; run its specs unless told not to."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: a lexicon is a mapping with code, kind, severity, basis, entries")
    for key in ("code", "kind", "severity", "basis", "message", "doc", "entries"):
        if not data.get(key):
            raise LexiconError(f"{name}:{data.get('__line__', 1)}: missing '{key}'")
    entries = []
    for raw in data["entries"]:
        if not isinstance(raw, dict):
            raise LexiconError(f"{name}:{data['__line__']}: entry {raw!r} is not a mapping")
        entries.append(_entry(raw, name))
    lex = Lexicon(
        name=name, code=str(data["code"]), kind=str(data["kind"]), severity=str(data["severity"]),
        basis=str(data["basis"]), message=str(data["message"]), doc=_unfold(str(data["doc"])),
        source=str(data.get("source") or ""), entries=entries,
    )
    if check_specs:
        check(lex)
    return lex


def _entry(raw: dict, name: str) -> Entry:
    """One entry of lexicon ``name`` from its YAML mapping; errors name the file and line."""
    line = raw["__line__"]

    def fail(msg: str) -> LexiconError:
        return LexiconError(f"{name}:{line}: {msg}")

    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}")
    wrong, right = raw.get("wrong"), raw.get("right")
    if not isinstance(wrong, str) or not isinstance(right, str) or not wrong or not right:
        raise fail("an entry needs 'wrong' and 'right' strings")
    if wrong == right:
        raise fail(f"'{wrong}': wrong and right are the same")
    compiled = _conditions(raw.get("when") or {}, fail)
    specs = _specs(raw.get("specs") or (), wrong, fail)
    renamed = _renamed(raw.get("renamed"), fail)
    return Entry(
        wrong=wrong, right=right, line=line,
        before=compiled.get("before"), not_before=compiled.get("not_before"),
        after=compiled.get("after"), not_after=compiled.get("not_after"),
        exceptions=tuple(raw.get("except") or ()), specs=specs,
        keep=tuple(raw.get("keep") or ()), note=str(raw.get("note") or ""),
        basis=str(raw.get("basis") or ""), renamed=renamed,
    )


def _conditions(when, fail) -> dict[str, regex.Pattern]:
    """An entry's ``when`` compiled: ``before``/``not_before`` match right after the word,
    ``after``/``not_after`` right before it (anchored at the word)."""
    if not isinstance(when, dict):
        raise fail("'when' must be a mapping")
    bad = set(when) - _WHEN_KEYS - {"__line__"}
    if bad:
        raise fail(f"unknown condition(s) {sorted(bad)} (before, not_before, after, not_after)")
    compiled = {}
    for key in _WHEN_KEYS:
        if key in when:
            pat = when[key]
            try:
                compiled[key] = regex.compile(f"(?:{pat})$" if key.endswith("after") else pat)
            except regex.error as exc:
                raise fail(f"bad regex in when.{key}: {exc}") from None
    return compiled


def _specs(raw_specs, wrong: str, fail) -> tuple[tuple[str, str], ...]:
    """An entry's specs as (input, expected) pairs; at least one is required."""
    specs = []
    for spec in raw_specs:
        if not isinstance(spec, str) or spec.count("->") != 1:
            raise fail(f"spec {spec!r} must read 'input -> expected'")
        src, dst = (s.strip() for s in spec.split("->"))
        specs.append((src, dst))
    if not specs:
        raise fail(f"'{wrong}' needs at least one spec ('input -> expected')")
    return tuple(specs)


def _renamed(renamed, fail) -> dt.date | None:
    """``renamed``: a YAML date, or text in ISO form."""
    if renamed is not None and not isinstance(renamed, dt.date):
        try:
            renamed = dt.date.fromisoformat(str(renamed))
        except ValueError:
            raise fail(f"'renamed' must be a date (YYYY-MM-DD), not {renamed!r}") from None
    return renamed


def _unfold(text: str) -> str:
    """YAML folding joins lines with a space; Chinese text takes none."""
    return regex.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text.strip())


def check(lex: Lexicon) -> None:
    """Run every entry's specs against the whole lexicon; raise naming file and line on failure."""
    for e in lex.entries:
        for src, dst in e.specs:
            got = lex.fix(src)
            if got != dst:
                raise LexiconError(f"{lex.name}:{e.line}: '{e.wrong}→{e.right}' spec failed: "
                                   f"{src!r} gives {got!r}, expected {dst!r}")
            if src != dst and not any(h.entry is e for h in lex.find(src)):
                raise LexiconError(f"{lex.name}:{e.line}: '{e.wrong}→{e.right}' spec {src!r} "
                                   "is fixed by another entry, not by this one")
        for text in e.keep:
            hits = lex.find(text)
            if hits:
                h = hits[0]
                raise LexiconError(f"{lex.name}:{e.line}: keep {text!r} must not fire, but "
                                   f"'{h.entry.wrong}' (line {h.entry.line}) does")


def load_file(path) -> Lexicon:
    """Load and check one lexicon file (a path or an importlib.resources Traversable)."""
    return parse(path.read_text(encoding="utf-8"), name=str(getattr(path, "name", path)))


@lru_cache(maxsize=None)
def builtin(name: str) -> Lexicon:
    """A lexicon shipped with the package (``data/proofing/NAME.yaml``), loaded once."""
    ref = resources.files("gongkai.data").joinpath("proofing", f"{name}.yaml")
    return parse(ref.read_text(encoding="utf-8"), name=f"data/proofing/{name}.yaml")


def iter_hits(lex: Lexicon, texts: Iterable[str]) -> Iterator[tuple[int, Hit]]:
    """(index of text, hit) for every hit in a sequence of texts."""
    for i, t in enumerate(texts):
        for h in lex.find(t):
            yield i, h
