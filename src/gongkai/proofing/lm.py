"""A character n-gram model for typos no word list anticipates (别字 from sound- or shape-alike characters).

The model ships as ``data/proofing/typo_model.npz`` (built by ``tools/build_typo_model.py``):
sorted 64-bit keys of character 1–4-grams with their counts, and for each character the
characters that sound or look like it (ECSpell's confusion sets plus same-pinyin characters).
A character is suspected when jieba's dictionary segmentation leaves it outside every
frequent word (and it is no common one-character word, proper name or quoted coinage); each
candidate that forms a dictionary word with its neighbours is scored by the gain in smoothed
log-probability of the window around it, plus a bonus for confusions seen in training errors
and the log frequency of the word it forms. Only a high score is reported — precision first.

Three further paths catch what single sound/shape-alike characters miss, each with a higher bar:
the *word path* replaces a two-character string by a frequent word that sounds the same (tones
ignored; a homophone table ships in the model) or that stood for it in the training errors
(提喜→体系、练习→联席); the *completion path* replaces a rare, out-of-place character by
any character that completes a very frequent word with a neighbour (嫩民→人民) when one
completion clearly wins; and the *out-of-place path* tries the characters of a frequent
two-character word whose trigrams with both neighbours never occur in the counts like uncovered
ones (不旅行→不履行、传染病防止法→传染病防治法: a real word typed for another).

The counts come from official writing: the corrected ECSpell sentences, published State Council
documents, the seed regulations and the articles of 378 national laws (see the build script).
``GONGKAI_TYPO_MODEL`` may name another model file (a tuning model); unset, the shipped one is used.

Loading is lazy and happens once per process (:func:`model`). Per process, results are
remembered by text and by each position's surroundings (``_position_memo``); a text's own
n-grams and segmentation terms are looked up once per text (:class:`_Text`, :class:`_Segmentation`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from io import BytesIO
from itertools import compress

import numpy as np

from .. import segmentation
from ..memo import TextMemo, key_of

ORDER = 4
#: Characters are packed as 16-bit codes; 0 never occurs, so n-grams of different orders differ.
OTHER = 0xFFFF
BOS = 0x0002
_PAD = 0x0003  # beyond the end of a text (masked out of every score)

_DIGITS = set("0123456789０１２３４５６７８９")
_LATIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


_HASH_BITS = 23
_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2^64/phi
_HASH_SHIFT = np.uint64(64 - _HASH_BITS)


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


def _chars(text: str) -> np.ndarray:
    """The characters of ``text`` as uint64 code points, unfolded (words are looked up by these);
    those outside 1 … 0xFFFE become OTHER, which no word of the table contains."""
    arr = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    arr[(arr == 0) | (arr >= OTHER)] = OTHER
    return arr


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


@dataclass(frozen=True)
class Suspect:
    """A character the model believes is a typo, with its correction."""

    start: int
    wrong: str
    right: str
    gain: float  # the decision score: LM gain + pair bonus + word_weight * log10(word frequency)
    lm_gain: float = 0.0  # log-probability gain of the correction (nats)
    word_log_freq: float = 0.0  # log10 frequency of the dictionary word the correction forms
    seen_pair: bool = False  # the wrong→right pair occurs among the training errors
    seg_gain: float = 0.0  # gain in best-segmentation log-probability (word unigram model)


class _Text:
    """One text being checked: its codes, and (looked up on first use) the counts of every n-gram of
    its own characters and the log-probability of each character given the three before it.

    Every window the paths score around one of its characters shares these: only the n-grams
    through a replaced character are looked up per candidate (:meth:`TypoModel._replaced_logprob`).
    """

    def __init__(self, model: "TypoModel", text: str):
        self.text = text
        self.n = len(text)
        self.arr = codes(text)
        #: codes: ORDER-1 sentence starts, the text, ORDER paddings; text position i is index i + ORDER - 1
        self.padded = np.concatenate([self.arr, np.full(ORDER, _PAD, dtype=np.uint64)])
        self._model = model
        self._counts: np.ndarray | None = None
        self._logprob: np.ndarray | None = None
        self._segmentation: _Segmentation | None = None

    @property
    def counts(self) -> np.ndarray:
        """counts[k, q]: the count of the k-gram ending at padded index q (0 where q < k - 1; k = 0 unused)."""
        if self._counts is None:
            size = len(self.padded)
            keys = [ngram_keys(self.padded, k) for k in range(1, ORDER + 1)]
            found = self._model.lookup(np.concatenate(keys))
            self._counts = np.zeros((ORDER + 1, size))
            at = 0
            for k in range(1, ORDER + 1):
                self._counts[k, k - 1 :] = found[at : at + size - k + 1]
                at += size - k + 1
        return self._counts

    @property
    def logprob(self) -> np.ndarray:
        """log P(code at padded index q | the 3 before it), Dirichlet-smoothed as in :meth:`TypoModel._replaced_logprob`."""
        if self._logprob is None:
            m, c = self._model, self.counts
            p = (c[1] + 1.0) / (m.total + m.vocab)
            for k in range(2, ORDER + 1):
                before = np.concatenate([[0.0], c[k - 1][:-1]])  # the (k-1)-gram ending just before q
                p = (c[k] + m.beta * p) / (before + m.beta)
            self._logprob = np.log(p)
        return self._logprob

    @property
    def segmentation(self) -> "_Segmentation":
        """Best segmentations of the windows around its characters (made on first use)."""
        if self._segmentation is None:
            self._segmentation = _Segmentation(self.text, lexicon_words())
        return self._segmentation

    def window_logprob(self, positions: list[int], cols: int) -> np.ndarray:
        """The unchanged text's log-probabilities of the characters at positions i … i+cols-1, one row per i."""
        q = np.asarray(positions, dtype=np.intp)[:, None] + (ORDER - 1) + np.arange(cols)[None, :]
        return self.logprob[q]


class TypoModel:
    """Counts of character n-grams plus candidate sets; scores corrections of a sentence."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray, cand_src: np.ndarray, cand_off: np.ndarray,
                 cand_dst: np.ndarray, pairs: np.ndarray, params: dict, homophones: dict | None = None):
        self.keys = keys
        self.counts = counts
        #: a one-hash Bloom filter of the keys (8 MB, ~14% set): False means the key is absent
        self._maybe = np.zeros(1 << _HASH_BITS, dtype=bool)
        self._maybe[((keys * _HASH_MUL) >> _HASH_SHIFT).astype(np.intp)] = True
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
        #: a dictionary word this frequent covering a character vouches for it
        self.cover_freq = int(params.get("cover_freq", 1))
        self.segment = int(params.get("segment", 0))
        self.word_weight = float(params.get("word_weight", 0.0))
        self.seg_weight = float(params.get("seg_weight", 0.0))
        #: characters this frequent as one-character words (在、与、为…) are never suspected
        self.max_single_freq = int(params.get("max_single_freq", 20000))
        #: word path: a two-character string replaced by a same-sounding frequent word
        self.word_threshold = float(params.get("word_threshold", math.inf))
        self.word_lm_min = float(params.get("word_lm_min", 0.0))
        #: completion path: rare characters (one-character word frequency below ``completion_max_single``)
        #: replaced by any character forming a word of ``completion_min_freq`` with a neighbour
        self.completion_threshold = float(params.get("completion_threshold", math.inf))
        #: out-of-place path: characters of a two-character word whose trigrams with both
        #: neighbours are unseen, reported at this score (inf: path off)
        self.covered_threshold = float(params.get("covered_threshold", math.inf))
        self.completion_min_freq = int(params.get("completion_min_freq", 1000))
        self.completion_max_single = int(params.get("completion_max_single", 3000))
        self.completion_seg = float(params.get("completion_seg", 0.0))
        #: candidates of the completion path with a smaller n-gram gain are dropped before the
        #: (costly) segmentation gain is computed
        self.completion_lm_min = float(params.get("completion_lm_min", -math.inf))
        #: any character is a candidate there, so the best must clearly beat the runner-up
        #: (拔付: 支付、预付、交付… all fit, no correction is certain)
        self.completion_margin = float(params.get("completion_margin", 0.0))
        #: word path: a two-character confusion seen in the training errors (起夜→企业) adds
        #: ``word_pair_bonus`` when the correction improves the segmentation by ``word_pair_seg``
        self.word_pair_bonus = float(params.get("word_pair_bonus", 0.0))
        self.word_pair_seg = float(params.get("word_pair_seg", 0.0))
        h = homophones or {}
        #: character → its readings (syllable ids, tones ignored)
        self.readings: dict[str, tuple[int, ...]] = h.get("readings", {})
        #: syllable pair key → the frequent two-character words that sound so
        self.homophones: dict[int, tuple[str, ...]] = h.get("words", {})
        self.syllables = int(h.get("syllables", 0))
        #: wrong two-character string → the words it stood for in the training errors
        self.word_pairs: dict[str, tuple[str, ...]] = h.get("pairs", {})
        #: (side, neighbour code, character code) → counts of the character's candidates next to it
        self._near_cache: dict[tuple[int, int, int], np.ndarray] = {}
        #: text → its suspects (documents repeat boilerplate paragraphs; the result depends on the text only)
        self._text_cache = TextMemo("typo-suspects", 20_000)  # results by text (see gongkai.memo)
        #: ((threshold, lm_min), the characters within _REACH, offset) → the position's best one-character
        #: correction or None; ("word", the characters around the pair, offset, tried as a token) → the
        #: position's best word (:meth:`_best_words`) or None
        self._position_memo: dict[tuple, Suspect | None] = {}
        #: (lexicon, its frequent words' keys, their frequencies) (:meth:`_word_table`)
        self._words: tuple | None = None
        #: character → its candidate codes as a set (completion path)
        self._usual_sets: dict[str, frozenset] = {}

    # -- counts -------------------------------------------------------------------------
    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Counts of many keys at once (0 where absent)."""
        # most keys tried are absent (~80%: a candidate beside a neighbour it never meets); one bit
        # per hash of the keys present rules most of them out before the binary search, whose
        # cache misses in the 10 MB of keys dominate (lookups ~2x faster on govcn-2019)
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.zeros(len(keys))
        sel = np.flatnonzero(self._maybe[((keys * _HASH_MUL) >> _HASH_SHIFT).astype(np.intp)])
        if len(sel):
            needles = keys[sel]
            idx = np.searchsorted(self.keys, needles)
            idx[idx >= len(self.keys)] = 0
            out[sel] = np.where(self.keys[idx] == needles, self.counts[idx], 0)
        return out

    def count(self, seq) -> int:
        return int(self.lookup(np.array([pack(seq)], dtype=np.uint64))[0])

    def unigram_prob(self, ch: str) -> float:
        """Smoothed probability of one character in the build corpus."""
        return (self.count([code_of(ch)]) + 1.0) / (self.total + self.vocab)

    # -- scoring ------------------------------------------------------------------------
    def _replaced_logprob(self, t: _Text, at: np.ndarray, repl: list[np.ndarray], cols: int) -> np.ndarray:
        """log P(w_j | 3 previous) for j = i … i+cols-1 of each row, where row r puts the codes
        ``repl[0][r], repl[1][r], …`` at text positions ``at[r]``, ``at[r]+1``, …; an (rows, cols) array.

        The probability is Dirichlet-smoothed recursively from unigrams up:
        P_n(w|h) = (c(h w) + beta * P_{n-1}(w|h')) / (c(h) + beta). Only the n-grams through a
        replaced character are looked up (one vectorised call); the others are the text's own
        (:class:`_Text`), the same counts.
        """
        h = ORDER - 1  # window column h is the first replaced character (text position i)
        width = h + cols
        last = h + len(repl) - 1  # the last replaced column
        q = np.asarray(at, dtype=np.intp)[:, None] + np.arange(width)  # padded index of each window column
        win = t.padded[q]
        for k, r in enumerate(repl):
            win[:, h + k] = r
        # counts[n, r, j]: the count of the n-gram ending at column j of row r; the text's, then
        # those through a replaced column (starting at columns h-n+1 … last) looked up
        counts = t.counts[:, q]
        key, through = win, []
        for n in range(1, ORDER + 1):
            if n > 1:
                key = (key[:, :-1] << np.uint64(16)) | win[:, n - 1 :]  # key[:, s]: the n-gram from column s
            lo, hi = max(0, h - n + 1), min(last, width - n) + 1
            through.append((n, lo, key[:, lo:hi]))
        found = self.lookup(np.concatenate([k.ravel() for _, _, k in through]))
        done = 0
        for n, lo, k in through:
            counts[n, :, lo + n - 1 : lo + n - 1 + k.shape[1]] = found[done : done + k.size].reshape(k.shape)
            done += k.size
        p = (counts[1, :, h:] + 1.0) / (self.total + self.vocab)
        for n in range(2, ORDER + 1):
            p = (counts[n, :, h:] + self.beta * p) / (counts[n - 1, :, h - 1 : width - 1] + self.beta)
        return np.log(p)

    def suspects(self, text: str) -> list[Suspect]:
        """Characters of ``text`` (one sentence or paragraph) that are probably typos.

        A Han character is suspected only when no frequent dictionary word of the segmentation
        covers it; a candidate must then form a dictionary word with its neighbours and reach
        ``threshold`` (log-probability gain + pair bonus + word_weight × log10 word frequency).
        """
        key = key_of(text)
        cached = self._text_cache.get(key)
        if cached is None:
            cached = tuple(self._suspects(text))
            self._text_cache.put(key, cached)
        return list(cached)

    def clear_caches(self) -> None:
        """Forget the per-process caches (results by text, neighbour counts); results do not change."""
        self._text_cache.clear()
        self._near_cache.clear()
        self._position_memo.clear()

    def _suspects(self, text: str) -> list[Suspect]:
        n = len(text)
        if n < 2:
            return []
        words = lexicon_words()
        tokens = segmentation.segmenter().cut(text, hmm=False) if self.segment or self.homophones else None
        covered = _covered_by_tokens(tokens, words, self.cover_freq) if self.segment else _covered(text, words, self.cover_freq)
        t = _Text(self, text)
        quoted = _quoted(text)
        listed = _listed_names(text)
        # names, list entries and quotations are deliberate wording
        named = _before_name_end(text)
        skip = [q or li or na for q, li, na in zip(quoted, listed, named)]
        # the uncovered characters, and those of out-of-place words (scored in the same pass)
        groups = [(None, None, -math.inf)]
        if self.covered_threshold < math.inf and tokens is not None:
            # a correction the n-grams do not prefer at all is never reported there: skip its segmentation gain
            groups.append((self._out_of_place(t, tokens, covered), self.covered_threshold, 0.0))
        found, *out_of_place = self._char_groups(t, words, covered, skip, groups)
        if out_of_place:
            near = {k for s in found for k in range(s.start - 2, s.start + 3)}
            found += [s for s in out_of_place[0] if s.start not in near]
            found.sort(key=lambda s: s.start)
        if self.completion_threshold < math.inf:
            near = {k for s in found for k in range(s.start - 2, s.start + 3)}
            found += [s for s in self._completion_suspects(t, words, covered, skip) if s.start not in near]
            found.sort(key=lambda s: s.start)
        if self.homophones and self.word_threshold < math.inf:
            near = {k for s in found for k in range(s.start - 1, s.start + 2)}
            for s in self._word_suspects(t, tokens, skip, words):
                if s.start not in near and s.start + 1 not in near:
                    found.append(s)
            found.sort(key=lambda s: s.start)
        return found

    def _char_groups(self, t: _Text, words: dict, covered: list, skip: list,
                     groups: list[tuple[list[int] | None, float | None, float]]) -> list[list[Suspect]]:
        """One-character corrections: sound- or shape-alike characters that form a frequent word; a
        list of them for each ``(at, threshold, lm_min)`` of ``groups``.

        The characters tried are those no frequent word covers (``at`` None) or the positions
        ``at``; a correction is reported at ``threshold`` (None: the model's ``threshold``);
        candidates whose n-gram gain is below ``lm_min`` are dropped before their segmentation gain
        is computed. The positions of all groups are scored together (one pass through the
        candidates' words and n-grams) unless a position is in two groups.
        """
        text, n = t.text, t.n
        off = ORDER - 1
        code_list = t.padded.tolist()  # plain ints: indexing a list is much cheaper than a numpy array
        candidates = self.candidates
        # what a position yields depends on the characters within _REACH of it only: positions
        # whose surroundings were scored before (boilerplate recurs) take that result
        memo = self._position_memo
        if len(memo) > 100_000:
            memo.clear()
        found: list[list[Suspect]] = []
        keys: list[dict[int, tuple]] = []
        limits: dict[int, tuple[float | None, float]] = {}  # position → (threshold, lm_min) of those to score
        overlap = False
        for at, threshold, lm_min in groups:
            if at is None:
                eligible = [
                    i for i in range(n)
                    if not covered[i] and not skip[i] and is_han(text[i]) and words.get(text[i], 0) < self.max_single_freq
                    and code_list[i + off] in candidates
                ]
            else:
                eligible = [i for i in at if not skip[i] and code_list[i + off] in candidates]
            mode = (threshold, lm_min)
            group_keys = {i: (mode, text[max(0, i - _REACH) : i + _REACH + 1], min(i, _REACH)) for i in eligible}
            found.append([replace(memo[k], start=i) for i, k in group_keys.items() if memo.get(k) is not None])
            group_keys = {i: k for i, k in group_keys.items() if k not in memo}
            keys.append(group_keys)
            overlap = overlap or any(i in limits for i in group_keys)
            limits.update((i, mode) for i in group_keys)
        if overlap:  # a position in two groups: each group on its own
            passes = [{i: groups[g][1:] for i in group_keys} for g, group_keys in enumerate(keys)]
        else:
            passes = [limits] if limits else []
        scored: dict[tuple, Suspect] = {}  # (threshold, lm_min, position) → its suspect
        for todo in passes:
            for s in self._scored(t, words, todo):
                scored[(*todo[s.start], s.start)] = s
        for group, group_keys, (_, threshold, lm_min) in zip(found, keys, groups):
            if not group_keys:
                continue
            for i, k in group_keys.items():
                s = memo[k] = scored.get((threshold, lm_min, i))
                if s is not None:
                    group.append(s)
            group.sort(key=lambda s: s.start)
        return [_strongest_per_cluster(group) for group in found]

    def _scored(self, t: _Text, words: dict, limits: dict[int, tuple[float | None, float]]) -> list[Suspect]:
        """The best correction of each position of ``limits`` that reaches its bar, ``limits[i]`` its
        ``(threshold, lm_min)`` (:meth:`_char_groups`)."""
        eligible = list(limits)
        text, n = t.text, t.n
        off = ORDER - 1
        code_list = t.padded.tolist()
        candidates = self.candidates
        # a word through the candidate implies its bigram with a neighbour is in the counts
        # (dictionary words are counted): one vectorised filter before the word loop
        sets = [candidates[code_list[i + off]] for i in eligible]
        pos = np.repeat(np.array(eligible), [len(c) for c in sets])
        cand = np.concatenate(sets).astype(np.uint64)
        near = self._near(code_list, eligible)
        keep = ((near[0] >= 2) & (pos > 0)) | ((near[1] >= 2) & (pos + 1 < n))
        rows = self._word_rows(text, pos[keep], cand[keep], near[0][keep], near[1][keep], words)
        if not rows:
            return []
        return self._score(t, rows, limits=limits)

    def _out_of_place(self, t: _Text, tokens: list[str], covered: list) -> list[int]:
        """Real-word slips (不旅行→不履行、防止法→防治法、高治病性→高致病性): a frequent two-character word
        whose trigrams with both neighbours never occur in the counts is out of place; its characters
        (returned) are tried like uncovered ones, and reported at ``covered_threshold`` (above
        ``threshold``: a word that is there was usually meant) when the n-grams prefer it too.
        """
        n = t.n
        spans = []
        pos = 0
        for tok in tokens:
            if len(tok) == 2 and 0 < pos and pos + 2 < n and covered[pos] and is_han(tok[0]) and is_han(tok[1]):
                spans.append(pos)
            pos += len(tok)
        if not spans:
            return []
        # the trigrams (left neighbour, word) and (word, right neighbour) end at padded index i + ORDER, i + ORDER + 1
        tri = t.counts[3]
        out_of_place = [i for i in spans if tri[i + ORDER] < 1 and tri[i + ORDER + 1] < 1]
        if not out_of_place:
            return []
        return [k for i in out_of_place for k in (i, i + 1)]

    def _completion_suspects(self, t: _Text, words: dict, covered: list, skip: list) -> list[Suspect]:
        """Rare characters that no confusion set links to the right one (申国→中国、审汁→审计): any
        character that makes a very frequent two-character word with a neighbour is a candidate, and
        only a score of ``completion_threshold`` (well above ``threshold``) with a segmentation gain
        of ``completion_seg`` (the character completes a word) is reported.
        """
        text, n = t.text, t.n
        left, right = _completions(self.completion_min_freq)
        at = [i for i in range(n) if not covered[i] and not skip[i] and is_han(text[i])
              and words.get(text[i], 0) < self.completion_max_single]
        if not at:
            return []
        # only characters out of place: neither bigram with a neighbour occurs in the counts
        pos = np.array(at) + (ORDER - 1)
        bigram = t.counts[2]  # the bigram ending at each padded index
        big = [bigram[pos].tolist(), bigram[pos + 1].tolist(), bigram[pos - 1].tolist(), bigram[pos + 2].tolist()]
        # a neighbour whose bigram on its far side is unseen may be the typo itself (民生福址: 址 is
        # wrong, not 福): no word is completed with it
        sides = {i: (far_l >= 1, far_r >= 1) for i, a, b, far_l, far_r in zip(at, *big) if a < 1 and b < 1}
        at = list(sides)
        usual_sets = self._usual_sets
        rows: list[tuple[int, int, int]] = []
        for i in at:
            ch = text[i]
            usual = usual_sets.get(ch)
            if usual is None:
                cand = self.candidates.get(ord(ch))
                usual = usual_sets[ch] = frozenset(cand.tolist()) if cand is not None else frozenset()
            best: dict[int, int] = {}
            use_left, use_right = sides[i]
            if i > 0 and use_left:
                for c, f in right.get(text[i - 1], ()):
                    best[c] = max(best.get(c, 0), f)
            if i + 1 < n and use_right:
                for c, f in left.get(text[i + 1], ()):
                    best[c] = max(best.get(c, 0), f)
            rows.extend((i, c, f) for c, f in best.items() if c not in usual and c != ord(ch))
        if not rows:
            return []
        out = self._score(t, rows, self.completion_threshold, self.completion_lm_min, self.completion_margin)
        return _strongest_per_cluster([s for s in out if s.seg_gain >= self.completion_seg])

    def _word_suspects(self, t: _Text, tokens: list[str], skip: list, words: dict) -> list[Suspect]:
        """Two-character strings that a same-sounding frequent word fits much better (别字 typed by pinyin:
        堆物→队伍、提喜→体系、优先公司→有限公司).

        The strings tried are the two-character words of the segmentation and two adjacent
        one-character tokens; each word of the homophone table that sounds like the string (tones
        ignored) is scored by the gain in n-gram log-probability of the window (the two characters
        and the three after them) plus the gain in best-segmentation log-probability; the best
        word of a string is reported when the sum reaches ``word_threshold``.
        """
        text, n = t.text, t.n
        starts = [i for i in _word_starts(tokens) if not (skip[i] or skip[i + 1])]
        seen_words = self.word_pairs
        paired = [i for i in range(n - 1) if text[i : i + 2] in seen_words and not (skip[i] or skip[i + 1])]
        # a position's best word depends on the characters from _REACH before it to _REACH after the
        # pair (n-gram and segmentation windows) and on whether the segmentation tried it: positions
        # seen before in the same surroundings take that result (as in _char_groups)
        memo, tried = self._position_memo, set(starts)
        keys = {i: ("word", text[max(0, i - _REACH) : i + _REACH + 2], min(i, _REACH), i in tried)
                for i in sorted(tried.union(paired))}
        best = {i: memo[k] for i, k in keys.items() if memo.get(k) is not None}
        todo = {i for i, k in keys.items() if k not in memo}
        if todo:
            rows = self._homophone_rows(text, [i for i in starts if i in todo], [i for i in paired if i in todo])
            if rows:
                rows = self._fitting_rows(rows, t.padded)
            found = self._best_words(t, rows, words) if rows else {}
            for i in todo:
                memo[keys[i]] = found.get(i)
            best.update(found)
        out: list[Suspect] = []
        for i in sorted(best):
            score, c, gain, seg, seen = best[i]
            s = Suspect(i, text[i : i + 2], c, score, gain, math.log10(max(1, words.get(c, 1))), seen, seg)
            if out and i - out[-1].start <= 1:
                if score > out[-1].gain:
                    out[-1] = s
                continue
            out.append(s)
        return out

    def _homophone_rows(self, text: str, starts: list[int], paired: list[int]) -> list[tuple[int, str]]:
        """(position, word) for each word of the homophone table that sounds like the two characters at
        one of ``starts``, and each word the training errors saw typed as the two characters at one of ``paired``."""
        readings, table, syl = self.readings, self.homophones, self.syllables
        rows: list[tuple[int, str]] = []
        for i in starts:
            w = text[i : i + 2]
            for ra in readings.get(text[i], ()):
                for rb in readings.get(text[i + 1], ()):
                    rows += [(i, c) for c in table.get(ra * syl + rb, ()) if c != w]
        for i in paired:
            rows.extend((i, c) for c in self.word_pairs[text[i : i + 2]])
        return list(dict.fromkeys(rows))

    def _fitting_rows(self, rows: list[tuple[int, str]], padded: np.ndarray) -> list[tuple[int, str]]:
        """The rows whose word makes a counted trigram with the character before or after it (a word
        that fits its place does): one vectorised lookup before the full windows are scored."""
        off = ORDER - 1
        sh = np.uint64(16)
        at = np.array([i + off for i, _ in rows])
        c0 = np.array([ord(c[0]) for _, c in rows], dtype=np.uint64)
        c1 = np.array([ord(c[1]) for _, c in rows], dtype=np.uint64)
        m = len(rows)
        tri = self.lookup(np.concatenate([((padded[at - 1] << sh) | c0) << sh | c1, ((c0 << sh) | c1) << sh | padded[at + 2]]))
        return [r for r, a, b in zip(rows, tri[:m].tolist(), tri[m:].tolist()) if a >= 1 or b >= 1]

    def _best_words(self, t: _Text, rows: list[tuple[int, str]], words: dict) -> dict[int, tuple]:
        """Position → (score, word, n-gram gain, segmentation gain, seen in training) of the best word
        of each position whose score reaches ``word_threshold``."""
        text, n = t.text, t.n
        seen_words = self.word_pairs
        positions = sorted({i for i, _ in rows})
        idx = {i: k for k, i in enumerate(positions)}
        # the two characters and the three after them, unchanged (one row per position) and replaced
        repl = [np.array([ord(c[0]) for _, c in rows], dtype=np.uint64), np.array([ord(c[1]) for _, c in rows], dtype=np.uint64)]
        per_j = np.concatenate([t.window_logprob(positions, 5), self._replaced_logprob(t, [i for i, _ in rows], repl, 5)])
        ends = np.array([min(5, n - i) for i in positions] + [min(5, n - i) for i, _ in rows])
        lp = (per_j * (np.arange(5)[None, :] < ends[:, None])).sum(axis=1).tolist()
        first = len(positions)
        best: dict[int, tuple] = {}
        orig: dict[int, float] = {}
        for k, (i, c) in enumerate(rows):
            gain = lp[first + k] - lp[idx[i]]
            seen = c in seen_words.get(text[i : i + 2], ())
            if gain < (0.0 if seen else self.word_lm_min):
                continue
            a, b = max(0, i - 4), min(n, i + 6)
            if i not in orig:
                orig[i] = _segmentation_logprob(text[a:b], words)
            seg = _segmentation_logprob(text[a:i] + c + text[i + 2 : b], words) - orig[i]
            score = gain + seg
            if seen and seg >= self.word_pair_seg:
                score += self.word_pair_bonus
            if score >= self.word_threshold and (i not in best or score > best[i][0]):
                best[i] = (score, c, gain, seg, seen)
        return best

    def _near(self, padded: list[int], eligible: list[int]) -> np.ndarray:
        """Counts of (left neighbour, candidate) and (candidate, right neighbour) for every candidate
        of every eligible position, as a (2, pairs) array in the order of the candidates.

        The counts of one character's candidates next to one neighbour are kept for the process
        (text repeats its character pairs), so only pairs never seen before are looked up.
        """
        off = ORDER - 1
        cache = self._near_cache
        if len(cache) > 200_000:
            cache.clear()
        keys = []
        for i in eligible:
            x = padded[i + off]
            keys.append((0, padded[i + off - 1], x))
            keys.append((1, padded[i + off + 1], x))
        missing = list(dict.fromkeys(k for k in keys if k not in cache))
        if missing:
            sets = [self.candidates[x] for _, _, x in missing]
            sizes = [len(c) for c in sets]
            cands = np.concatenate(sets).astype(np.uint64)
            nb = np.repeat(np.array([k[1] for k in missing], dtype=np.uint64), sizes)
            left = np.repeat(np.array([k[0] == 0 for k in missing]), sizes)
            sh16 = np.uint64(16)
            counts = self.lookup(np.where(left, (nb << sh16) | cands, (cands << sh16) | nb))
            at = 0
            for k, size in zip(missing, sizes):
                cache[k] = counts[at : at + size]
                at += size
        return np.stack([np.concatenate([cache[k] for k in keys[0::2]]), np.concatenate([cache[k] for k in keys[1::2]])])

    def _word_rows(self, text: str, pos: np.ndarray, cand: np.ndarray, left: np.ndarray,
                   right: np.ndarray, words: dict) -> list[tuple[int, int, int]]:
        """(position, candidate, frequency of the best word it forms) where that word is frequent enough.

        The words tried are the 2–4-character substrings through ``pos`` with ``cand`` in its
        place, looked up in the table of the lexicon's words of at least ``min_word_freq``
        (:meth:`_word_table`), one vectorised search per shape. Every substring of
        such a word is an n-gram of the counts (the build counts every dictionary and domain word;
        tests/proofing/test_typo_speed.py checks the shipped model), so only the words whose
        bigrams with the neighbours occur (``left``, ``right``) are looked up.
        """
        n = len(text)
        m = len(pos)
        sh16 = np.uint64(16)
        # the rows that may form each shape: the bigram with each neighbour it reaches occurs (longer
        # words are looked up in the table directly: cheaper than their n-grams among all the counts)
        left_ok, right_ok = (left >= 1) & (pos >= 1), (right >= 1) & (pos + 2 <= n)
        both = left_ok & right_ok
        has = {"L2": left_ok, "R2": right_ok, "L3": left_ok & (pos >= 2), "M3": both,
               "R3": right_ok & (pos + 3 <= n), "L4": left_ok & (pos >= 3), "ML4": both & (pos >= 2),
               "MR4": both & (pos + 3 <= n), "R4": right_ok & (pos + 4 <= n)}
        # (prefix length, suffix length) of each shape; each row's words as keys of the text's own
        # characters (no folding) with the candidate in place
        shapes = {"L2": (1, 0), "R2": (0, 1), "L3": (2, 0), "M3": (1, 1), "R3": (0, 2),
                  "L4": (3, 0), "ML4": (2, 1), "MR4": (1, 2), "R4": (0, 3)}
        table, freqs = self._word_table(words)
        chars = _chars(text)
        best = np.zeros(m, dtype=np.int64)
        for name, (lp, ls) in shapes.items():
            rows = np.flatnonzero(has[name])
            if not len(rows):
                continue
            at = pos[rows]
            key = np.zeros(len(rows), dtype=np.uint64)
            for k in range(-lp, ls + 1):
                key = (key << sh16) | (cand[rows] if k == 0 else chars[at + k])
            idx = np.searchsorted(table, key)
            idx[idx >= len(table)] = 0
            f = np.where(table[idx] == key, freqs[idx], 0)
            best[rows] = np.maximum(best[rows], f)
        keep = np.flatnonzero(best)
        return list(zip(pos[keep].tolist(), cand[keep].tolist(), best[keep].tolist()))

    def _word_table(self, words: dict) -> tuple[np.ndarray, np.ndarray]:
        """The lexicon's 2–4-character words of at least ``min_word_freq`` as sorted keys of their
        characters (:func:`_chars`), with their frequencies; made once per lexicon."""
        made = self._words
        if made is None or made[0] is not words:
            least = max(self.min_word_freq, 1)
            freqs = np.fromiter(words.values(), dtype=np.int64, count=len(words))
            size = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
            chosen = (freqs >= least) & (size >= 2) & (size <= 4)
            found = list(compress(words, chosen.tolist()))
            freqs, size = freqs[chosen], size[chosen]
            codes = np.frombuffer("".join(found).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            start = np.cumsum(size) - size
            keys = np.zeros(len(found), dtype=np.uint64)
            for k in range(4):
                more = k < size
                keys[more] = keys[more] << np.uint64(16) | codes[start[more] + k]
            # words with characters no key holds (none, or beyond 16 bits) never match
            other = np.add.reduceat((codes == 0) | (codes >= OTHER), start) if len(found) else np.zeros(0, dtype=bool)
            keys, freqs = keys[other == 0], freqs[other == 0]
            order = np.argsort(keys)
            made = self._words = (words, keys[order], freqs[order])
        return made[1], made[2]

    def _score(self, t: _Text, rows: list[tuple[int, int, int]], threshold: float | None = None,
               lm_min: float = -math.inf, margin: float = 0.0,
               limits: dict[int, tuple[float | None, float]] | None = None) -> list[Suspect]:
        """Score every (position, candidate) at once; the best candidate per position above threshold
        (``limits``: each position's own ``(threshold, lm_min)`` instead)."""
        text, n, padded = t.text, t.n, t.padded
        off = ORDER - 1
        positions = sorted({r[0] for r in rows})
        if limits is None:
            limits = dict.fromkeys(positions, (threshold, lm_min))
        reported = {i: self.threshold if limits[i][0] is None else limits[i][0] for i in positions}
        # the window of the character and the three after it: unchanged (one row per position), then per candidate
        idx = {i: k for k, i in enumerate(positions)}
        per_j = np.concatenate([t.window_logprob(positions, ORDER),
                                self._replaced_logprob(t, [r[0] for r in rows], [np.array([r[1] for r in rows], dtype=np.uint64)], ORDER)])
        # mask the padding beyond the end of the text
        ends = np.array([min(ORDER, n - i) for i in positions] + [min(ORDER, n - r[0]) for r in rows])
        mask = np.arange(ORDER)[None, :] < ends[:, None]
        lp = (per_j * mask).sum(axis=1)
        out: list[Suspect] = []
        best: dict[int, tuple] = {}
        second: dict[int, float] = {}  # the runner-up's score per position (with ``margin``)
        # a row whose score cannot reach this even with the largest segmentation gain possible at its
        # position is neither reported nor a runner-up that could cost the best its margin
        bars = {i: reported[i] - margin - 1e-6 for i in positions}
        lp_l = lp.tolist()  # Python floats: the same doubles, cheaper to index
        first = len(positions)
        code_list = padded.tolist()
        for k, (i, c, f) in enumerate(rows):
            gain = lp_l[first + k] - lp_l[idx[i]]
            if gain < limits[i][1]:
                continue
            wrong = code_list[i + off]
            seen = ((wrong << 16) | c) in self.pairs
            wf = math.log10(max(1, f))
            score = gain + (self.pair_bonus if seen else 0.0) + self.word_weight * wf
            seg = 0.0
            if self.seg_weight and text:
                if self.seg_weight > 0 and score + self.seg_weight * t.segmentation.bound(i) < bars[i]:
                    continue
                seg = t.segmentation.gain(i, chr(c))
                score += self.seg_weight * seg
            if i not in best or score > best[i][0]:
                if margin and i in best:
                    second[i] = best[i][0]
                best[i] = (score, c, gain, wf, seen, seg)
            elif margin and score > second.get(i, -math.inf):
                second[i] = score
        for i in positions:
            if i not in best:
                continue
            score, c, gain, wf, seen, seg = best[i]
            if score < reported[i]:
                continue
            if margin and score - second.get(i, -math.inf) < margin:
                continue
            out.append(Suspect(i, chr(int(padded[i + off])), chr(c), score, gain, wf, seen, seg))
        return out


_SEG_SPAN = 4
_SEG_RADIUS = 4  # the segmentation gain's window: this many characters either side
#: How far a position's one-character correction looks: its n-gram windows (ORDER - 1 characters
#: either side), the words through it (up to 4 characters) and the segmentation window
_REACH = max(ORDER - 1, 3, _SEG_RADIUS)
_LOG_TOTAL = None
_LOG_MAX = None


def _word_starts(tokens: list[str]) -> list[int]:
    """Where the segmentation's two-character Han words start, and pairs of adjacent one-character
    Han tokens."""
    starts = []
    pos, single = 0, -2  # single: start of the previous one-character Han token
    for tok in tokens:
        if len(tok) == 2:
            if is_han(tok[0]) and is_han(tok[1]):
                starts.append(pos)
            single = -2
        elif len(tok) == 1 and is_han(tok):
            if single == pos - 1:
                starts.append(single)
            single = pos
        else:
            single = -2
        pos += len(tok)
    return starts


def _log_total(words: dict) -> float:
    global _LOG_TOTAL
    if _LOG_TOTAL is None:
        _LOG_TOTAL = math.log(sum(v for v in words.values() if v > 0))
    return _LOG_TOTAL


def _log_max(words: dict) -> float:
    """The largest log frequency of a word: no term of a segmentation exceeds it."""
    global _LOG_MAX
    if _LOG_MAX is None:
        _LOG_MAX = math.log(max(1, max(words.values(), default=1)))
    return _LOG_MAX


def _term(words: dict, piece: str) -> float | None:
    """The log frequency of ``piece`` as a term of a segmentation; None: no word (an unknown single
    character counts as frequency 0.5)."""
    f = words.get(piece, 0)
    if f <= 0:
        return None if len(piece) > 1 else _HALF
    return math.log(f)


_HALF = math.log(0.5)


def _best_prefixes(terms: list[list], best: list[float], start: int = 1) -> list[float]:
    """Fill ``best[start:]``: best[b] is the log-probability of the best segmentation of a window's
    first b characters under a word unigram model, where ``terms[a][k]`` is the log frequency of
    its characters a … a+k-1 as a word (:func:`_term`) and best[:start] is known."""
    log_total = _LOG_TOTAL
    for b in range(start, len(best)):
        top = best[b]
        for a in range(b - _SEG_SPAN if b > _SEG_SPAN else 0, b):
            lf = terms[a][b - a]
            if lf is None:
                continue
            v = best[a] + lf - log_total
            if v > top:
                top = v
        best[b] = top
    return best


def _piece_terms(text: str, words: dict, s: int) -> list:
    """[None, term of text[s], of text[s:s+2], …] up to _SEG_SPAN characters (:func:`_term`, inlined)."""
    get, log = words.get, math.log
    f = get(text[s], 0)
    row = [None, log(f) if f > 0 else _HALF]
    for e in range(s + 2, min(s + _SEG_SPAN, len(text)) + 1):
        f = get(text[s:e], 0)
        row.append(log(f) if f > 0 else None)
    return row


def _window_terms(window: str, words: dict) -> list[list]:
    """terms[a][k] of :func:`_best_prefixes` for every piece of ``window``."""
    return [_piece_terms(window, words, a) for a in range(len(window))]


def _segmentation_logprob(window: str, words: dict) -> float:
    """Best segmentation of ``window`` under a word unigram model (jieba's frequencies)."""
    _log_total(words)
    return _best_prefixes(_window_terms(window, words), [0.0] + [-1e18] * len(window))[len(window)]


class _Segmentation:
    """The best segmentations of the windows of ``radius`` characters around the characters of one
    text, and how they change when one character is replaced (:meth:`gain`).

    The terms of the text's pieces are looked up once; a window's table of best prefixes is made
    once per position, and a replacement only recomputes the prefixes from the changed character
    on, looking up only the pieces through it.
    """

    def __init__(self, text: str, words: dict, radius: int = _SEG_RADIUS):
        self.text, self.words, self.radius = text, words, radius
        _log_total(words)
        self._terms: list[list | None] = [None] * len(text)  # terms of the pieces starting at each character
        self._best: dict[int, list[float]] = {}
        self._bound: dict[int, float] = {}

    def _window(self, i: int) -> tuple[int, int]:
        return max(0, i - self.radius), min(len(self.text), i + self.radius + 1)

    def terms(self, a: int, b: int) -> list[list]:
        """terms[s - a][k]: the term of the text's piece of k characters from s, for s in a … b-1 (looked up once)."""
        known = self._terms
        for s in range(a, b):
            if known[s] is None:
                known[s] = _piece_terms(self.text, self.words, s)
        return known[a:b]

    def best(self, i: int) -> list[float]:
        """The best prefixes of the window around ``i``, text unchanged."""
        best = self._best.get(i)
        if best is None:
            a, b = self._window(i)
            best = self._best[i] = _best_prefixes(self.terms(a, b), [0.0] + [-1e18] * (b - a))
        return best

    def gain(self, i: int, ch: str) -> float:
        """Gain in best-segmentation log-probability of the window around ``i`` when ``text[i]`` becomes ``ch``."""
        a, b = self._window(i)
        base, p = self.best(i), i - a
        fixed = self.text[a:i] + ch + self.text[i + 1 : b]
        terms = self.terms(a, b)
        # pieces through the changed character are looked up again; those after it are the text's
        for s in range(max(0, p + 1 - _SEG_SPAN), p + 1):
            terms[s] = terms[s][: p - s + 1] + [_term(self.words, fixed[s:e]) for e in range(p + 1, min(b - a, s + _SEG_SPAN) + 1)]
        # segmentations before the changed character are the original window's
        best = _best_prefixes(terms, base[: p + 1] + [-1e18] * (b - a - p), p + 1)
        return best[b - a] - base[b - a]

    def bound(self, i: int) -> float:
        """An upper bound of :meth:`gain` at ``i`` for every replacement character, from the original
        window's table alone (no dictionary look-up).

        With ``best`` that table and ``p`` the changed index, the corrected window's best
        segmentation has one piece ``(a, b)`` through ``p``: it is ``best[a] + term - log_total +
        rest(b)`` with ``rest(b)`` the best segmentation of the window from ``b``, and
        ``best[b] + rest(b)`` never exceeds the original's best; so the gain is at most
        ``best[a] - best[b] + log_max - log_total`` over the pieces through ``p``. It spares the
        exact gain of most candidates (their score stays below the bar whatever it is).
        """
        top = self._bound.get(i)
        if top is None:
            a0, b0 = self._window(i)
            best, p = self.best(i), i - a0
            top = max(best[a] - best[b] for a in range(max(0, p + 1 - _SEG_SPAN), p + 1)
                      for b in range(p + 1, min(b0 - a0, a + _SEG_SPAN) + 1))
            top = self._bound[i] = top + _log_max(self.words) - _LOG_TOTAL
        return top


def _strongest_per_cluster(suspects: list[Suspect]) -> list[Suspect]:
    """Neighbouring suspects (within two characters) usually stem from one error (the typo
    leaves its neighbour uncovered too): keep the strongest of each cluster, in order."""
    kept: list[Suspect] = []
    for s in suspects:
        if kept and s.start - kept[-1].start <= 2:
            if s.gain > kept[-1].gain:
                kept[-1] = s
            continue
        kept.append(s)
    return kept


#: Endings of place and organisation names: characters just before them are likely proper names.
_NAME_END = set("村镇乡县州旗寨屯庄湾坝坪沟岭峪洼铺埠圩垸冲")


def _before_name_end(text: str) -> list[bool]:
    """Which characters sit in the two Han characters before a place-name ending (…村、…镇): one
    pass over the endings, which are rare."""
    out = [False] * len(text)
    for k, ch in enumerate(text):
        if ch in _NAME_END:
            for i in (k - 1, k - 2):
                if i >= 0 and all(is_han(c) for c in text[i:k]):
                    out[i] = True
    return out


def _quoted(text: str, longest: int = 10) -> list[bool]:
    """Characters inside short quotations (“以药养医”): coined slogans and names are deliberate wording."""
    out = [False] * len(text)
    start = None
    for k, ch in enumerate(text):
        if ch in "“「『":
            start = k
        elif ch in "”」』" and start is not None:
            if k - start - 1 <= longest:
                for j in range(start + 1, k):
                    out[j] = True
            start = None
    return out


def _listed_names(text: str) -> list[bool]:
    """Which characters of ``text`` are in a short Han run (at most four) set off by whitespace: names
    in a list (贾某某　教授). One pass over the Han runs."""
    n = len(text)
    out = [False] * n
    a = 0
    while a < n:
        if not is_han(text[a]):
            a += 1
            continue
        b = a
        while b < n and is_han(text[b]):
            b += 1
        if b - a <= 4 and ((a > 0 and text[a - 1].isspace()) or (b < n and text[b].isspace())):
            for k in range(a, b):
                out[k] = True
        a = b
    return out


def _covered_by_tokens(tokens: list[str], words: dict, min_freq: int = 1) -> list[bool]:
    """Which characters a segmentation's ``tokens`` put inside a word of two or more characters
    that the lexicon counts at least ``min_freq`` times."""
    covered = [False] * sum(len(t) for t in tokens)
    pos = 0
    for tok in tokens:
        if len(tok) >= 2 and words.get(tok, 0) >= min_freq:
            for k in range(pos, pos + len(tok)):
                covered[k] = True
        pos += len(tok)
    return covered


def _covered(text: str, words: dict, min_freq: int = 1) -> list[bool]:
    """Which characters of ``text`` lie inside some dictionary word of two or more characters."""
    n = len(text)
    covered = [False] * n
    for a in range(n):
        for b in range(a + 2, min(n, a + 6) + 1):
            if words.get(text[a:b], 0) >= min_freq:
                for k in range(a, b):
                    covered[k] = True
    return covered


@lru_cache(maxsize=4)
def _completions(min_freq: int) -> tuple[dict, dict]:
    """(left, right): for a character, the characters that precede / follow it in a lexicon word of
    two Han characters at least ``min_freq`` frequent, with that frequency (as (code, frequency) pairs)."""
    left: dict[str, list] = {}
    right: dict[str, list] = {}
    for w, f in lexicon_words().items():
        if len(w) == 2 and f >= min_freq and is_han(w[0]) and is_han(w[1]):
            right.setdefault(w[0], []).append((ord(w[1]), f))
            left.setdefault(w[1], []).append((ord(w[0]), f))
    return left, right


#: Environment variable naming another model file (``tools/build_typo_model.py --out``) to use instead
#: of the shipped one, for tuning and benchmarks; the ``domain_words.txt`` written next to it comes
#: with it. Unset (the default), the shipped model is used.
MODEL_ENV = "GONGKAI_TYPO_MODEL"


def _model_override():
    path = os.environ.get(MODEL_ENV)
    if not path:
        return None
    from pathlib import Path

    return Path(path)


@lru_cache(maxsize=1)
def lexicon_words() -> dict:
    """Word → frequency: jieba's dictionary plus the domain words shipped with the model."""
    words = dict(segmentation.dictionary().freq)
    override = _model_override()
    if override is not None and (override.parent / "domain_words.txt").exists():
        ref = override.parent / "domain_words.txt"
    else:
        ref = resources.files("gongkai.data").joinpath("proofing", "domain_words.txt")
    for line in ref.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts and parts[0]:
            words[parts[0]] = max(words.get(parts[0], 0), int(parts[1]) if len(parts) > 1 else 1)
    return words


def load(data: bytes) -> TypoModel:
    """A model from the bytes of a ``typo_model.npz``."""
    z = np.load(BytesIO(data), allow_pickle=False)
    params = {k[2:]: float(z[k]) for k in z.files if k.startswith("p_")}
    homophones = None
    if "hw_key" in z.files:
        # readings: (character code, syllable id) rows; words: (syllable pair key, word as two codes)
        readings: dict[str, tuple[int, ...]] = {}
        for c, r in zip(z["rd_char"].tolist(), z["rd_syl"].tolist()):
            readings[chr(c)] = readings.get(chr(c), ()) + (r,)
        table: dict[int, tuple[str, ...]] = {}
        for k, w in zip(z["hw_key"].tolist(), z["hw_word"].tolist()):
            table[k] = table.get(k, ()) + (chr(w >> 16) + chr(w & 0xFFFF),)
        pairs: dict[str, tuple[str, ...]] = {}
        for k in z["word_pairs"].tolist() if "word_pairs" in z.files else ():
            w = chr(k >> 48) + chr((k >> 32) & 0xFFFF)
            pairs[w] = pairs.get(w, ()) + (chr((k >> 16) & 0xFFFF) + chr(k & 0xFFFF),)
        homophones = {"readings": readings, "words": table, "syllables": int(z["p_syllables"]), "pairs": pairs}
    return TypoModel(z["keys"], z["counts"], z["cand_src"], z["cand_off"], z["cand_dst"], z["pairs"], params,
                     homophones)


@lru_cache(maxsize=1)
def model() -> TypoModel:
    """The shipped model (or the one :data:`MODEL_ENV` names), loaded on first use and kept for the process."""
    override = _model_override()
    if override is not None:
        return load(override.read_bytes())
    ref = resources.files("gongkai.data").joinpath("proofing", "typo_model.npz")
    return load(ref.read_bytes())



def clear_caches() -> None:
    """Forget every per-process cache of the typo detector (for benchmarks of a cold process)."""
    if model.cache_info().currsize:
        model().clear_caches()
