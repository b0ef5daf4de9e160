"""A reference index for copy detection: winnowing fingerprints in sorted numpy arrays.

Text is normalised to letters and digits (Han, Latin, digits; full-width folded, case
folded), so punctuation and spacing edits do not matter. Every 5-character gram is hashed (40 bits);
winnowing keeps the smallest hash of each window of 10 grams, which guarantees that any
shared run of ``K + W - 1`` = 14 normalised characters yields a shared fingerprint. The index
is three parallel arrays (hash, reference, position) sorted by hash: a query is one
``searchsorted`` per fingerprint. Fingerprints found in many references are boilerplate
(stock phrases such as 加强统筹协调，形成工作合力) and are dropped, as are those of the
stock phrases shipped in ``data/screening/reprint_boilerplate.txt``.

A match is a chain of shared fingerprints on one diagonal (draft position - reference
position, allowing small shifts for edits), extended character by character at both ends
against the stored reference text. DESIGN.md §7 has the measurements behind the choice;
``benchmarks/refindex.py`` re-measures them against datasketch MinHash-LSH.

The index is built once per folder of references and cached on disk, keyed by the content
of the references (``[reprint] cache_dir``, else ``$GONGKAI_CACHE_DIR``, else the user cache
directory); rules receive it through ``ctx.services["refindex"]``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..config import cache_root
from ..files import write_atomic

log = logging.getLogger(__name__)

K = 5  # characters per gram
W = 10  # grams per winnowing window
FORMAT_VERSION = 2
#: Draft parts compared with the references (headers, footers and comments are not content to copy).
QUERY_PARTS = ("body", "table", "textbox", "footnote", "endnote")

_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_BASE = np.uint64(1_000_003)


# -- normalisation and fingerprints ----------------------------------------------------------

def normalise(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, offsets): the kept characters as uint16 codes and their offsets in ``text``.

    Kept: Han (BMP and beyond, the latter folded to U+FFFD), ASCII and full-width letters
    and digits (folded to lower-case ASCII). Everything else — punctuation, spaces, symbols —
    is dropped.
    """
    if not text:
        return np.zeros(0, np.uint16), np.zeros(0, np.int64)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    wide = (cp >= 0xFF10) & (cp <= 0xFF5A)
    cp[wide] -= 0xFEE0  # full-width ASCII -> ASCII
    upper = (cp >= 0x41) & (cp <= 0x5A)
    cp[upper] += 0x20
    keep = (
        ((cp >= 0x30) & (cp <= 0x39)) | ((cp >= 0x61) & (cp <= 0x7A))
        | ((cp >= 0x3400) & (cp <= 0x9FFF)) | ((cp >= 0xF900) & (cp <= 0xFAFF)) | (cp >= 0x20000)
    )
    offsets = np.nonzero(keep)[0]
    codes = cp[offsets]
    codes[codes > 0xFFFF] = 0xFFFD
    return codes.astype(np.uint16), offsets.astype(np.int64)


HASH_BITS = 40  # fingerprints keep 40 bits: ~1e-6 false hits per query against 10,000 references
_POS_BITS = 64 - HASH_BITS
_POS_MASK = np.uint64((1 << _POS_BITS) - 1)


def gram_hashes(codes: np.ndarray) -> np.ndarray:
    """A 40-bit hash of every K-gram of ``codes`` (uint64 values, len(codes) - K + 1 of them)."""
    n = len(codes) - K + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    c = codes.astype(np.uint64)
    h = np.zeros(n, np.uint64)
    with np.errstate(over="ignore"):
        for j in range(K):
            h = h * _BASE + c[j: j + n]
        h ^= h >> np.uint64(33)
        h *= _MIX1
        h ^= h >> np.uint64(33)
        h *= _MIX2
        h ^= h >> np.uint64(33)
    return h >> np.uint64(_POS_BITS)


def winnow(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, positions) selected by winnowing: the leftmost minimum of every window of W grams.

    Hash and position are packed in one uint64 (hash in the high 40 bits), so one sliding
    minimum (van Herk/Gil-Werman: prefix and suffix minima over blocks of W) yields both.
    """
    h = gram_hashes(codes)
    m = len(h)
    if m == 0:
        return h, np.zeros(0, np.int64)
    if m >= 1 << _POS_BITS:
        raise ValueError("reference text too long to index (over 16 million characters)")
    keys = (h << np.uint64(_POS_BITS)) | np.arange(m, dtype=np.uint64)
    if m < W:
        best = keys.min(keepdims=True)
    else:
        pad = (-m) % W
        blocks = np.concatenate([keys, np.full(pad, np.iinfo(np.uint64).max, np.uint64)]).reshape(-1, W)
        prefix = np.minimum.accumulate(blocks, axis=1).ravel()
        suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
        n = m - W + 1
        best = np.minimum(suffix[:n], prefix[W - 1: W - 1 + n])
        change = np.ones(n, bool)
        change[1:] = best[1:] != best[:-1]
        best = best[change]
    return best >> np.uint64(_POS_BITS), (best & _POS_MASK).astype(np.int64)


def _sort_by_hash(h: np.ndarray) -> np.ndarray:
    """The stable order of ``h`` (40-bit values): one np.sort of packed keys, far faster than argsort."""
    if len(h) < 1 << _POS_BITS:
        keys = (h << np.uint64(_POS_BITS)) | np.arange(len(h), dtype=np.uint64)
        keys.sort()
        return (keys & _POS_MASK).astype(np.int64)
    return np.argsort(h, kind="stable")


@lru_cache(maxsize=1)
def stock_hashes() -> np.ndarray:
    """Fingerprints of the shipped stock phrases (never evidence of copying)."""
    text = resources.files("gongkai.data").joinpath("screening/reprint_boilerplate.txt").read_text("utf-8")
    phrases = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = [gram_hashes(normalise(p)[0]) for p in phrases]
    return np.unique(np.concatenate(out)) if out else np.zeros(0, np.uint64)


# -- matches -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Match:
    """A passage the query shares with one reference (offsets in the query's original text)."""

    ref: int
    name: str
    title: str
    start: int  # offsets in the query text
    end: int
    ref_start: int  # normalised offsets in the reference
    ref_end: int
    shared: int  # normalised characters of the passage
    coverage: float  # share of the passage's query fingerprints found in the reference
    others: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Passage:
    """A query text prepared once: normalised codes, offsets and fingerprints."""

    text: str
    codes: np.ndarray
    offsets: np.ndarray
    hashes: np.ndarray
    positions: np.ndarray

    @classmethod
    def of(cls, text: str) -> "Passage":
        codes, offsets = normalise(text)
        h, p = winnow(codes)
        return cls(text, codes, offsets, h, p)


# -- the index ----------------------------------------------------------------------------------

@dataclass
class RefIndex:
    """Winnowing index over reference texts. Build with :meth:`build`, persist with :meth:`save`."""

    hashes: np.ndarray  # uint64, sorted
    refs: np.ndarray  # uint32, reference id per fingerprint
    positions: np.ndarray  # uint32, normalised position in the reference
    text: np.ndarray  # uint16, all normalised reference texts one after another
    starts: np.ndarray  # int64, offset of each reference in ``text`` (len = refs + 1)
    names: list[str]
    titles: list[str]
    max_df: int
    key: str = ""
    warnings: list[str] = field(default_factory=list)

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def build(cls, texts: Iterable[str], names: Sequence[str], titles: Sequence[str] | None = None,
              max_df: int | None = None) -> "RefIndex":
        """Index reference texts (one string per reference)."""
        all_h, all_r, all_p, codes_list = [], [], [], []
        count = 0
        for i, text in enumerate(texts):
            codes, _ = normalise(text)
            h, p = winnow(codes)
            all_h.append(h)
            all_r.append(np.full(len(h), i, np.uint32))
            all_p.append(p.astype(np.uint32))
            codes_list.append(codes)
            count += 1
        if max_df is None:
            max_df = max(10, count // 100)
        h = np.concatenate(all_h) if all_h else np.zeros(0, np.uint64)
        r = np.concatenate(all_r) if all_r else np.zeros(0, np.uint32)
        p = np.concatenate(all_p) if all_p else np.zeros(0, np.uint32)
        # References were appended in order and positions rise within each, so a stable sort
        # by hash alone leaves every hash's postings ordered by (reference, position).
        order = _sort_by_hash(h)
        h, r, p = h[order], r[order], p[order]
        del order
        h, r, p = _drop_boilerplate(h, r, p, max_df)
        lengths = np.array([len(c) for c in codes_list], np.int64)
        starts = np.zeros(count + 1, np.int64)
        np.cumsum(lengths, out=starts[1:])
        text = np.concatenate(codes_list) if codes_list else np.zeros(0, np.uint16)
        titles = list(titles) if titles is not None else [""] * count
        return cls(h, r, p, text.astype(np.uint16), starts, list(names), titles, max_df)

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.refs.nbytes + self.positions.nbytes + self.text.nbytes + self.starts.nbytes)

    # -- persistence -------------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write the index to ``folder`` atomically (built beside it, then renamed into place)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".refindex-", dir=folder.parent))
        try:
            for name in ("hashes", "refs", "positions", "text", "starts"):
                np.save(tmp / f"{name}.npy", getattr(self, name), allow_pickle=False)
            meta = {"version": FORMAT_VERSION, "k": K, "w": W, "max_df": self.max_df, "key": self.key,
                    "names": self.names, "titles": self.titles, "warnings": self.warnings}
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "RefIndex":
        """Open a saved index; the arrays are memory-mapped, so opening is cheap."""
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        if meta.get("version") != FORMAT_VERSION or meta.get("k") != K or meta.get("w") != W:
            raise ValueError(f"{folder}: index format {meta.get('version')} is not {FORMAT_VERSION}")
        arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False)
                  for n in ("hashes", "refs", "positions", "text", "starts")}
        return cls(**arrays, names=meta["names"], titles=meta["titles"], max_df=meta["max_df"],
                   key=meta.get("key", ""), warnings=meta.get("warnings", []))

    # -- searching ---------------------------------------------------------------------------
    def search(self, text: "str | Passage", min_chars: int = 100, min_coverage: float = 0.35) -> list[Match]:
        """Passages of at least ``min_chars`` characters of ``text`` shared with a reference."""
        q = text if isinstance(text, Passage) else Passage.of(text)
        if len(q.hashes) == 0 or len(self.hashes) == 0:
            return []
        qh, qp = q.hashes, q.positions
        stock = stock_hashes()
        if len(stock):
            keep = ~np.isin(qh, stock)
            qh, qp = qh[keep], qp[keep]
        lo = np.searchsorted(self.hashes, qh, "left")
        hi = np.searchsorted(self.hashes, qh, "right")
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return []
        # Expand every query fingerprint into its postings without a Python loop.
        rep_q = np.repeat(qp, counts)
        first = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        idx = first + np.arange(total)
        refs = np.asarray(self.refs[idx])
        rpos = np.asarray(self.positions[idx]).astype(np.int64)
        min_hits = max(3, int(min_chars * 2 / (W + 1) * min_coverage * 0.8))
        order = np.argsort(refs, kind="stable")
        refs, rep_q, rpos = refs[order], rep_q[order], rpos[order]
        ids, first_hit, n = np.unique(refs, return_index=True, return_counts=True)
        strong = np.flatnonzero(n >= min_hits)
        strong = strong[np.argsort(-n[strong], kind="stable")][:200]  # most hits first
        found: list[Match] = []
        for i in strong.tolist():
            a, b = first_hit[i], first_hit[i] + n[i]
            for chain in _chains(rep_q[a:b], rpos[a:b]):
                m = self._match(q, int(ids[i]), chain, min_chars, min_coverage)
                if m is not None:
                    found.append(m)
        return _best_per_passage(found)

    def _match(self, q: Passage, ref: int, chain: list[tuple[int, int]], min_chars: int,
               min_coverage: float) -> Match | None:
        q0, r0 = chain[0]
        q1, r1 = chain[-1]
        q1 += K
        r1 += K
        base = int(self.starts[ref])
        rtext = self.text[base: int(self.starts[ref + 1])]
        # Extend exactly at both ends.
        while q0 > 0 and r0 > 0 and q.codes[q0 - 1] == rtext[r0 - 1]:
            q0 -= 1
            r0 -= 1
        while q1 < len(q.codes) and r1 < len(rtext) and q.codes[q1] == rtext[r1]:
            q1 += 1
            r1 += 1
        start = int(q.offsets[q0])
        end = int(q.offsets[q1 - 1]) + 1
        if end - start < min_chars:
            return None
        inside = int(((q.positions >= q0) & (q.positions <= q1 - K)).sum())
        coverage = len({a for a, _ in chain}) / max(1, inside)
        if coverage < min_coverage:
            return None
        return Match(ref, self.names[ref], self.titles[ref], start, end, r0, r1, q1 - q0, round(coverage, 2))


def _drop_boilerplate(h, r, p, max_df):
    """Drop fingerprints that occur in more than ``max_df`` references (h sorted, then r)."""
    if len(h) == 0:
        return h, r, p
    new_hash = np.ones(len(h), bool)
    new_hash[1:] = h[1:] != h[:-1]
    new_pair = new_hash.copy()
    new_pair[1:] |= r[1:] != r[:-1]
    starts = np.flatnonzero(new_hash)
    df = np.add.reduceat(new_pair.astype(np.int32), starts)
    counts = np.diff(np.append(starts, len(h)))
    drop = np.repeat(df > max_df, counts)
    stock = stock_hashes()
    if len(stock):
        drop |= np.isin(h, stock)
    if not drop.any():
        return h, r, p
    keep = ~drop
    return h[keep], r[keep], p[keep]


MAX_GAP = 60  # normalised characters between two fingerprints of one passage (edits break a few)
MAX_SHIFT = 30  # drift of the diagonal a passage may accumulate through insertions/deletions


def _chains(qpos: np.ndarray, rpos: np.ndarray) -> list[list[tuple[int, int]]]:
    """Group (query, reference) hit positions into runs along a diagonal."""
    order = np.lexsort((rpos, qpos))
    chains: list[list[tuple[int, int]]] = []
    open_: list[list[tuple[int, int]]] = []
    for q, r in zip(qpos[order].tolist(), rpos[order].tolist()):
        best = None
        for c in open_:
            lq, lr = c[-1]
            if q - lq > MAX_GAP or q == lq:
                continue
            if r > lr and abs((r - q) - (lr - lq)) <= MAX_SHIFT:
                best = c
                break
        if best is None:
            best = []
            open_.append(best)
            chains.append(best)
        best.append((q, r))
        open_ = [c for c in open_ if q - c[-1][0] <= MAX_GAP]
    return [c for c in chains if len(c) >= 3]


def _best_per_passage(found: list[Match]) -> list[Match]:
    """Where several references share one passage of the query, keep the longest; name the others."""
    found.sort(key=lambda m: (-m.shared, -m.coverage, m.ref))
    kept: list[Match] = []
    others: dict[int, list[str]] = {}
    for m in found:
        clash = next((i for i, k in enumerate(kept) if m.start < k.end and k.start < m.end), None)
        if clash is None:
            kept.append(m)
        else:
            others.setdefault(clash, []).append(m.name)
    out = []
    for i, m in enumerate(kept):
        names = tuple(dict.fromkeys(n for n in others.get(i, ()) if n != m.name))
        out.append(Match(m.ref, m.name, m.title, m.start, m.end, m.ref_start, m.ref_end, m.shared, m.coverage, names))
    out.sort(key=lambda m: m.start)
    return out


# -- folders of references, cached on disk ------------------------------------------------------

def reference_files(folder: Path) -> list[Path]:
    """Document files under ``folder`` (hidden files, Word lock files and our cache skipped)."""
    from ..formats.reader import ARCHIVE_EXTS, DOCUMENT_EXTS

    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith((".", "~$")):
                continue
            if Path(f).suffix.lower() in DOCUMENT_EXTS | ARCHIVE_EXTS:
                out.append(Path(root) / f)
    return out


def stat_signature(folder: Path, files: list[Path]) -> str:
    """Names, sizes and modification times of the reference files: a cheap proxy for their content."""
    h = hashlib.sha256(str(folder.resolve()).encode("utf-8"))
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8"))
    return h.hexdigest()


def content_key(folder: Path, files: list[Path] | None = None) -> str:
    """A key for the references' content: names and bytes of every document file."""
    h = hashlib.sha256(f"refindex/{FORMAT_VERSION}/{K}/{W}".encode())
    for path in files if files is not None else reference_files(folder):
        h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        try:
            with open(path, "rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def document_text(doc) -> str:
    """The text of a Document that copy detection compares (body, tables, text boxes, notes)."""
    return "\n".join(b.text for b in doc.blocks if b.part in QUERY_PARTS)


def build_folder(folder: Path) -> RefIndex:
    """Read every reference document under ``folder`` and index it."""
    from ..formats import iter_sources, read_source
    from ..models import ReadError

    texts, names, titles, warnings = [], [], [], []
    for item in iter_sources([folder]):
        if isinstance(item, ReadError):
            warnings.append(item.line())
            continue
        doc = read_source(item)
        if isinstance(doc, ReadError):
            warnings.append(doc.line())
            continue
        try:
            name = Path(item.name).resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            name = item.name
        texts.append(document_text(doc))
        names.append(name)
        titles.append(next((b.text.strip() for b in doc.body if b.text.strip()), "")[:80])
    index = RefIndex.build(texts, names, titles)
    index.warnings = warnings
    return index


def open_folder(folder: str | Path, section: dict | None = None) -> RefIndex:
    """The index of a folder of references: from the cache when its content is unchanged, else built."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: 参考文件夹不存在")
    root = cache_root((section or {}).get("cache_dir")) / "refindex"  # [reprint] cache_dir
    files = reference_files(folder)
    # Hashing 10,000 files' bytes takes seconds; unchanged names, sizes and mtimes reuse the
    # content key computed last time (kept in a small memo beside the indexes).
    signature = stat_signature(folder, files)
    memo = root / "stat-keys.json"
    try:
        known = json.loads(memo.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    key = known.get(signature) or content_key(folder, files)
    where = root / key[:32]
    if (where / "meta.json").is_file():
        try:
            index = RefIndex.load(where)
            if index.key == key:
                if known.get(signature) != key:
                    _remember(memo, signature, key)
                return index
        except (OSError, ValueError, KeyError) as exc:
            log.warning("cached reference index %s unusable (%s); rebuilding", where, exc)
    index = build_folder(folder)
    index.key = key
    try:
        index.save(where)
        _remember(memo, signature, key)
        return RefIndex.load(where)
    except OSError as exc:  # a read-only cache must not stop the check
        log.warning("cannot cache the reference index in %s: %s", where, exc)
        return index


def _remember(memo: Path, signature: str, key: str) -> None:
    """Record signature -> key (best effort; the memo keeps the latest 64 entries)."""
    try:
        known = json.loads(memo.read_text("utf-8")) if memo.is_file() else {}
    except (OSError, ValueError):
        known = {}
    known.pop(signature, None)
    known[signature] = key
    known = dict(list(known.items())[-64:])
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(memo, json.dumps(known))
    except OSError:
        pass


@lru_cache(maxsize=4)
def _shared(folder: str, cache_dir: str | None) -> RefIndex:
    return open_folder(folder, {"cache_dir": cache_dir} if cache_dir else None)


def services_for(config) -> dict:
    """The services a run needs for ``config``: ``{"refindex": RefIndex}`` when refs are set."""
    refs = getattr(config, "refs", None)
    if not refs:
        return {}
    cache_dir = config.section("reprint").get("cache_dir")
    return {"refindex": _shared(str(Path(refs).resolve()), cache_dir)}
