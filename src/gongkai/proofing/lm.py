"""A character n-gram model for typos no word list anticipates (别字 from sound- or shape-alike characters).

The model ships as ``data/proofing/typo_model.npz`` (built by ``tools/build_typo_model.py``):
sorted 64-bit keys of character 1–4-grams with their counts, and for each character the
characters that sound or look like it (ECSpell's confusion sets plus same-pinyin characters).
A character is suspected when the n-grams through it are rare; each candidate replacement is
scored by the change in smoothed log-probability of the window around it, and a finding is
raised only when the candidate is far more likely *and* attested in context — precision first.

Loading is lazy and happens once per process (:func:`model`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import BytesIO

import numpy as np

ORDER = 4
#: Characters are packed as 16-bit codes; 0 never occurs, so n-grams of different orders differ.
OTHER = 0xFFFF
BOS = 0x0002

_DIGITS = set("0123456789０１２３４５６７８９")
_LATIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def code_of(ch: str) -> int:
    """The 16-bit code of a character after folding digits and Latin letters into one class each."""
    if ch in _DIGITS:
        return ord("0")
    if ch in _LATIN:
        return ord("a")
    o = ord(ch)
    return o if 0 < o < OTHER else OTHER


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def codes(text: str) -> np.ndarray:
    """Codes of ``text`` as uint64, preceded by ORDER-1 sentence-start markers."""
    arr = np.fromiter((code_of(c) for c in text), dtype=np.uint64, count=len(text))
    return np.concatenate([np.full(ORDER - 1, BOS, dtype=np.uint64), arr])


def pack(seq: "list[int] | tuple[int, ...]") -> int:
    """One n-gram (sequence of codes, oldest first) as a 64-bit key."""
    key = 0
    for c in seq:
        key = (key << 16) | c
    return key


def ngram_keys(arr: np.ndarray, n: int) -> np.ndarray:
    """Keys of every n-gram of a code array (vectorised)."""
    if len(arr) < n:
        return np.zeros(0, dtype=np.uint64)
    key = np.zeros(len(arr) - n + 1, dtype=np.uint64)
    for k in range(n):
        key = (key << np.uint64(16)) | arr[k : len(arr) - n + 1 + k]
    return key


@dataclass
class Suspect:
    """A character the model believes is a typo, with its correction."""

    start: int
    wrong: str
    right: str
    gain: float  # log-probability gain of the correction (nats)


class TypoModel:
    """Counts of character n-grams plus candidate sets; scores corrections of a sentence."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray, cand_src: np.ndarray, cand_off: np.ndarray,
                 cand_dst: np.ndarray, pairs: np.ndarray, params: dict):
        self.keys = keys
        self.counts = counts
        self.candidates: dict[int, np.ndarray] = {
            int(s): cand_dst[cand_off[i] : cand_off[i + 1]] for i, s in enumerate(cand_src)
        }
        self.pairs = set(int(p) for p in pairs)  # (wrong << 16 | right) seen in training errors
        self.total = float(params["total"])
        self.vocab = float(params["vocab"])
        self.beta = float(params.get("beta", 2.0))
        self.threshold = float(params.get("threshold", 7.0))
        self.pair_bonus = float(params.get("pair_bonus", 3.0))
        self.suspect_max = int(params.get("suspect_max", 0))
        self.min_context = int(params.get("min_context", 1))
        self.min_word_freq = int(params.get("min_word_freq", 10))
        #: characters this frequent as one-character words (在、与、为…) are never suspected
        self.max_single_freq = int(params.get("max_single_freq", 20000))

    # -- counts -------------------------------------------------------------------------
    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Counts of many keys at once (0 where absent)."""
        idx = np.searchsorted(self.keys, keys)
        idx[idx >= len(self.keys)] = 0
        found = self.keys[idx] == keys
        return np.where(found, self.counts[idx], 0).astype(np.float64)

    def count(self, seq) -> int:
        return int(self.lookup(np.array([pack(seq)], dtype=np.uint64))[0])

    # -- scoring ------------------------------------------------------------------------
    def _window_logprob(self, windows: np.ndarray, centre: int) -> np.ndarray:
        """Sum of log P(w_j | 3 previous) for every j from ``centre`` to the window's end.

        ``windows`` is (m, L) codes; the probability is Dirichlet-smoothed recursively from
        unigrams up: P_n(w|h) = (c(h w) + beta * P_{n-1}(w|h')) / (c(h) + beta).
        """
        m, length = windows.shape
        total = np.zeros(m)
        for j in range(centre, length):
            p = None
            for n in range(1, ORDER + 1):
                if j - n + 1 < 0:
                    break
                gram = windows[:, j - n + 1 : j + 1]
                c_full = self.lookup(_pack_rows(gram))
                if n == 1:
                    p = (c_full + 1.0) / (self.total + self.vocab)
                    continue
                ctx = windows[:, j - n + 1 : j]
                c_ctx = self.lookup(_pack_rows(ctx))
                p = (c_full + self.beta * p) / (c_ctx + self.beta)
            total += np.log(p)
        return total

    def suspects(self, text: str) -> list[Suspect]:
        """Characters of ``text`` (one sentence or paragraph) that are probably typos.

        A Han character is suspected only when no dictionary word covers it and its bigrams
        with its neighbours are rare in the corpus; a candidate must then form a dictionary
        word with its neighbours and raise the window's log-probability by ``threshold``.
        """
        n = len(text)
        if n < 2:
            return []
        words = lexicon_words()
        covered = _covered(text, words)
        arr = codes(text)
        off = ORDER - 1
        out: list[Suspect] = []
        for i in range(n):
            if covered[i] or not is_han(text[i]) or words.get(text[i], 0) >= self.max_single_freq:
                continue
            if _in_name(text, i):
                continue
            cands = self.candidates.get(int(arr[i + off]))
            if cands is None or not len(cands):
                continue
            formed = []
            for c in cands:
                ch = chr(int(c))
                best = 0
                for a in range(max(0, i - 3), i + 1):
                    for b in range(i + 1, min(n, a + 4) + 1):
                        if b - a < 2:
                            continue
                        w = text[a:i] + ch + text[i + 1 : b]
                        f = words.get(w, 0)
                        if f > best:
                            best = f
                if best >= self.min_word_freq:
                    formed.append(c)
            if not formed:
                continue
            s = self._best(arr, i, n, np.array(formed, dtype=np.uint64))
            if s is not None:
                out.append(s)
        # neighbouring suspects usually stem from one error (the typo leaves its neighbour
        # uncovered too): keep the strongest of each cluster
        kept: list[Suspect] = []
        for s in out:
            if kept and s.start - kept[-1].start <= 2:
                if s.gain > kept[-1].gain:
                    kept[-1] = s
                continue
            kept.append(s)
        return kept

    def _best(self, arr: np.ndarray, i: int, n: int, cands: np.ndarray) -> Suspect | None:
        off = ORDER - 1
        lo = i + off - (ORDER - 1)
        hi = min(i + off + ORDER, n + off)
        base = arr[lo:hi]
        centre = ORDER - 1
        windows = np.repeat(base[None, :], len(cands) + 1, axis=0)
        windows[1:, centre] = cands
        lp = self._window_logprob(windows, centre)
        gains = lp[1:] - lp[0]
        wrong = int(arr[i + off])
        bonus = np.array([self.pair_bonus if ((wrong << 16) | int(c)) in self.pairs else 0.0 for c in cands])
        score = gains + bonus
        j = int(np.argmax(score))
        if score[j] < self.threshold:
            return None
        return Suspect(i, chr(wrong), chr(int(cands[j])), float(score[j]))


#: Endings of place and organisation names: characters just before them are likely proper names.
_NAME_END = set("村镇乡县州旗寨屯庄湾坝坪沟岭峪洼铺埠圩垸冲")


def _in_name(text: str, i: int) -> bool:
    """Whether position ``i`` sits in the two characters before a place-name ending (…村、…镇)."""
    for k in (i + 1, i + 2):
        if k < len(text) and text[k] in _NAME_END and all(is_han(ch) for ch in text[i:k]):
            return True
    return False


def _covered(text: str, words: dict) -> list[bool]:
    """Which characters of ``text`` lie inside some dictionary word of two or more characters."""
    n = len(text)
    covered = [False] * n
    for a in range(n):
        for b in range(a + 2, min(n, a + 6) + 1):
            if words.get(text[a:b], 0) > 0:
                for k in range(a, b):
                    covered[k] = True
    return covered


@lru_cache(maxsize=1)
def lexicon_words() -> dict:
    """Word → frequency: jieba's dictionary plus the domain words shipped with the model."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    words = dict(jieba.dt.FREQ)
    ref = resources.files("gongkai.data").joinpath("proofing", "domain_words.txt")
    for line in ref.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts and parts[0]:
            words[parts[0]] = max(words.get(parts[0], 0), int(parts[1]) if len(parts) > 1 else 1)
    return words


def _pack_rows(rows: np.ndarray) -> np.ndarray:
    key = np.zeros(rows.shape[0], dtype=np.uint64)
    for k in range(rows.shape[1]):
        key = (key << np.uint64(16)) | rows[:, k].astype(np.uint64)
    return key


def load(data: bytes) -> TypoModel:
    """A model from the bytes of a ``typo_model.npz``."""
    z = np.load(BytesIO(data), allow_pickle=False)
    params = {k[2:]: float(z[k]) for k in z.files if k.startswith("p_")}
    return TypoModel(z["keys"], z["counts"], z["cand_src"], z["cand_off"], z["cand_dst"], z["pairs"], params)


@lru_cache(maxsize=1)
def model() -> TypoModel:
    """The shipped model, loaded on first use and kept for the process."""
    ref = resources.files("gongkai.data").joinpath("proofing", "typo_model.npz")
    return load(ref.read_bytes())

