"""jieba's accurate mode, the same words faster: the segmenter behind the name pipeline's spaCy tokenizer.

``Segmenter(tokenizer).cut(text)`` yields exactly what ``tokenizer.cut(text)`` (jieba 0.42,
``cut_all=False, HMM=True``) yields, for any dictionary the tokenizer holds. It runs jieba's
own algorithm with less Python per character:

- the prefix-dictionary DAG and the best route are computed in one backward pass (jieba builds
  the DAG as a dict of lists, then walks it again slicing every word a second time);
- the HMM that joins runs of single characters (``jieba.finalseg``) is jieba's Viterbi over the
  four states B/M/E/S, unrolled, with back-pointers instead of copied path lists.

Every floating-point expression is jieba's, term for term and in the same order
(``log(freq or 1) - log(total) + route``; ``V + trans + emit``), and ties are broken as
jieba's ``max`` over ``(probability, index|state)`` tuples breaks them, so the routes are
identical, not merely close. ``tests/screening/test_segmenter.py`` checks that on generated
text against jieba itself.

When rjieba (jieba-rs, the Rust port, MIT) is installed, the dictionary route and the HMM run
there instead, about ten times faster again. It is given the same dictionary (rjieba's own copy
of jieba's default with the tokenizer's changes, or every word of a tokenizer with a dictionary
of its own) plus one placeholder word that makes its total equal jieba's, so that near-ties
such as 地槽 against 地/槽 fall the same way; the one place it differs is mended after it: an
ASCII run outside the dictionary (0858-8629632, 126.com) is split as jieba's HMM splits it.
Each Segmenter checks the native words on probe sentences and falls back to the pure-Python
path when they differ (or without rjieba). The tests run both paths against jieba.
"""

from __future__ import annotations

import re
from math import log

_MIN_FLOAT = -3.14e100
#: A letter or digit next to other printable ASCII (0858-86, a@b, -5): every word the ASCII
#: re-split of _native_lcut changes holds such a pair. finalseg.re_skip splits a word into
#: runs of [a-zA-Z0-9]+(?:\.\d+)?%? and what lies between; a word without letters or digits, or
#: made of them alone, comes back whole. Letters and digits share a word only with +#&._%-
#: (jieba's re_han_default), never with whitespace or control characters.
_ASCII_MIXED = re.compile(r"[0-9A-Za-z][!-/:-@\[-`{-~]|[!-/:-@\[-`{-~][0-9A-Za-z]")
#: A word that no text segments into (a private-use character outside jieba's Han blocks): it
#: carries the frequency that makes the native dictionary's total equal the tokenizer's.
_BALLAST = "\ue000"
#: What Segmenter.lcut_many joins texts with: a word of its own in jieba's cut (see there).
_SEP = "\x00"


#: Sentences whose words hang on near-ties of the dictionary (地槽 against 地/槽 turns on the
#: total), checked through both paths when a native segmenter is built.
PROBES = ("地槽出过百巧千穷不求上进", "该户户主石世伟反映", "来信人王小明反映道路破损。", "申请人张三，男，身份证号：11010519491231002X。",
          "传真：0858-8629632，邮箱 wang.83677@126.com。", "乒乓球拍卖完了", "结婚的和尚未结婚的", "研究生命起源")


def native_jieba(tokenizer):
    """An rjieba ``Jieba`` holding ``tokenizer``'s dictionary, or None when rjieba is not installed.

    When the tokenizer holds jieba's default dictionary plus some words of its own (the name
    pipeline's role words), rjieba starts from its copy of that dictionary (the same file;
    ~28 MB, against ~35 MB more for half a million words added one by one) and gets only the
    differences. Otherwise every word is added. The probes of :class:`Segmenter` check either
    way that the words are jieba's.
    """
    try:
        import rjieba
    except ImportError:
        return None
    changed = _changes_from_default(tokenizer)
    if changed is not None:
        native, total = _default_instance(rjieba, changed[0]), changed[1]
        for word, freq in changed[0].items():
            native.add_word(word, freq, None)  # rjieba replaces an existing word's frequency in its total
    else:
        native, total = rjieba.Jieba.empty(), 0
        freqs = tokenizer.FREQ
        for word in sorted(freqs):  # in sorted order the double-array trie is half as large
            freq = freqs[word]
            if freq:
                native.add_word(word, freq, None)
                total += freq
    if tokenizer.total > total:
        native.add_word(_BALLAST, tokenizer.total - total, None)
    return native


#: The changes rjieba's module-level instance was given (only one set may ever go there).
_shared_changes: frozenset | None = None


def _default_instance(rjieba, changes: dict[str, int]):
    """rjieba's module-level instance (importing rjieba builds it: 28 MB we would otherwise hold
    twice), for the first set of changes asked for; a fresh instance for any other set.

    The name pipeline's role words are then in that instance, so ``rjieba.cut`` elsewhere in a
    gongkai process sees them too (nothing in gongkai calls it).
    """
    global _shared_changes
    key = frozenset(changes.items())
    shared = getattr(rjieba, "_DEFAULT_JIEBA", None)
    if shared is None:
        return rjieba.Jieba()
    if _shared_changes is None:
        _shared_changes = key
    return shared if _shared_changes == key else rjieba.Jieba()


def _changes_from_default(tokenizer) -> tuple[dict[str, int], int] | None:
    """(words whose frequency differs from jieba's default dictionary, the total rjieba will then
    hold), or None when the tokenizer lacks some default word (then nothing is shared)."""
    import jieba

    default = jieba.dt
    if not default.initialized or tokenizer is default:
        return None if not default.initialized else ({}, default.total)
    base, freqs = default.FREQ, tokenizer.FREQ
    if len(freqs) < len(base):
        return None
    changed = {}
    total = default.total
    # A copy of the default dictionary that says which words it added (names._segmenter) needs
    # only those looked at: add_word leaves every other entry as it was, or adds prefixes of
    # frequency 0, which the full walk skips too. Saves a walk over 350,000 words per start.
    added = getattr(tokenizer, "gongkai_added", None)
    words = ((w, freqs[w]) for w in sorted(added) if w in freqs) if added is not None else freqs.items()
    for word, freq in words:
        old = base.get(word, 0)
        if freq != old:
            if not freq:
                return None  # a default word taken away
            changed[word] = freq
            total += freq - old
    return changed, total


class Segmenter:
    """A drop-in for a jieba ``Tokenizer``'s ``cut(text)`` in accurate mode with HMM."""

    def __init__(self, tokenizer, native: bool = True) -> None:
        """``native``: use rjieba when it is installed (the words are the same either way)."""
        import jieba
        from jieba import finalseg

        tokenizer.check_initialized()
        self.tokenizer = tokenizer
        self._re_han = jieba.re_han_default
        self._re_skip = jieba.re_skip_default
        self._hmm_han = finalseg.re_han
        self._hmm_skip = finalseg.re_skip
        self._force_split = finalseg.Force_Split_Words
        start, trans, emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
        self._start = tuple(start[s] for s in "BMES")
        self._emit = tuple(emit[s] for s in "BMES")

        def tr(a: str, b: str) -> float:
            return trans[a].get(b, _MIN_FLOAT)

        #: words of texts segmented ahead by :meth:`prepare`, handed out once by :meth:`cut`
        self._ready: dict[str, list[str]] = {}
        self._ascii_split = finalseg.re_skip.split  # as jieba's HMM splits 0858-8629632: 0858 / - / 8629632
        # transitions into each state from its two possible predecessors (jieba's PrevStatus)
        self._trans = (tr("E", "B"), tr("S", "B"),  # B <- E | S
                       tr("M", "M"), tr("B", "M"),  # M <- M | B
                       tr("S", "S"), tr("E", "S"),  # S <- S | E
                       tr("B", "E"), tr("M", "E"))  # E <- B | M
        self._native = native_jieba(tokenizer) if native else None
        if self._native is not None and any(self._native_lcut(t) != self._python_lcut(t) for t in PROBES):
            self._native = None  # an rjieba whose dictionary is not jieba's: the Python path, exact by construction

    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True):
        """The words of ``sentence``, as ``jieba.Tokenizer.cut(sentence)`` gives them."""
        if cut_all or not HMM:
            return self.tokenizer.cut(sentence, cut_all=cut_all, HMM=HMM)
        words = self._ready.pop(sentence, None)
        return iter(words if words is not None else self.lcut(sentence))

    def prepare(self, texts) -> None:
        """Segment ``texts`` now, for the spaCy tokenizer's next ``cut`` of each.

        The name pipeline segments a document's paragraphs in one go before spaCy builds
        their docs: jieba's dictionary stays in the processor's cache instead of alternating
        with spaCy's vocabulary. The words are the same either way; a text prepared twice or
        by another thread at the same time is simply segmented again.
        """
        texts = list(texts)
        self._ready = dict(zip(texts, self.lcut_many(texts)))

    def lcut_many(self, texts: list[str]) -> list[list[str]]:
        """:meth:`lcut` of each text; with rjieba, one call over the texts joined by NUL.

        jieba (and jieba-rs) cut a text block by block, a block of Han characters, letters,
        digits and +#&._%- at a time, and hand out any other character that is not whitespace
        as a word of its own. NUL is such a character, and no whitespace that a neighbouring
        ``\r`` could pair with, so the joined text's words are each text's words with a NUL
        word between them (tests/screening/test_segmenter.py). One call instead of one per
        paragraph saves the call's fixed cost, most of the cost of a short paragraph. Texts
        holding NUL themselves are cut one by one.
        """
        native = self._native
        if native is None or len(texts) < 2:
            return [self.lcut(t) for t in texts]
        joined = _SEP.join(texts)
        if joined.count(_SEP) != len(texts) - 1:
            return [self.lcut(t) for t in texts]
        words = native.cut(joined, True)
        out = []
        index = words.index
        start = 0
        for text in texts[:-1]:
            end = index(_SEP, start)
            out.append(self._ascii_resplit(text, words[start:end]))
            start = end + 1
        out.append(self._ascii_resplit(texts[-1], words[start:]))
        return out

    @property
    def backend(self) -> str:
        """``rjieba`` or ``python``: which implementation segments."""
        return "python" if self._native is None else "rjieba"

    def lcut(self, sentence: str) -> list[str]:
        if self._native is not None:
            return self._native_lcut(sentence)
        return self._python_lcut(sentence)

    def _python_lcut(self, sentence: str) -> list[str]:
        out: list[str] = []
        re_han, re_skip = self._re_han, self._re_skip
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                self._cut_block(blk, out)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _native_lcut(self, sentence: str) -> list[str]:
        return self._ascii_resplit(sentence, self._native.cut(sentence, True))

    def _ascii_resplit(self, sentence: str, words: list[str]) -> list[str]:
        """rjieba's ``words`` of ``sentence``, each ASCII run outside the dictionary split as jieba's HMM splits it."""
        if _ASCII_MIXED.search(sentence) is None:
            return words  # no word the re-split would change (nine paragraphs in ten)
        freq = self.tokenizer.FREQ
        if not any(len(w) > 1 and w.isascii() and not freq.get(w) for w in words):
            return words
        out: list[str] = []
        for w in words:
            if len(w) > 1 and w.isascii() and not freq.get(w):
                out.extend(x for x in self._ascii_split(w) if x)
            else:
                out.append(w)
        return out

    def _cut_block(self, sentence: str, out: list[str]) -> None:
        """jieba's ``__cut_DAG``: the best route through the prefix dictionary, single characters joined by the HMM."""
        tok = self.tokenizer
        freq = tok.FREQ
        get = freq.get
        logtotal = log(tok.total)
        n = len(sentence)
        prob = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            bx = k
            i = k
            frag = sentence[k]
            # jieba: DAG[k] = the ends i (ascending) where sentence[k:i+1] has a frequency, else [k];
            # route[k] = max((log(FREQ.get(word) or 1) - logtotal + route[i+1][0], i) for i in DAG[k])
            f = get(frag)
            while f is not None:
                if f:
                    p = log(f) - logtotal + prob[i + 1]
                    if best is None or p >= best:  # ascending i: a tie goes to the longer word, as max() does
                        best = p
                        bx = i
                i += 1
                if i >= n:
                    break
                f = get(sentence[k:i + 1])
            if best is None:
                best = log(freq.get(sentence[k]) or 1) - logtotal + prob[k + 1]
            prob[k] = best
            nxt[k] = bx + 1
        x = 0
        buf_start = -1
        while x < n:
            y = nxt[x]
            if y - x == 1:
                if buf_start < 0:
                    buf_start = x
            else:
                if buf_start >= 0:
                    self._flush(sentence[buf_start:x], out)
                    buf_start = -1
                out.append(sentence[x:y])
            x = y
        if buf_start >= 0:
            self._flush(sentence[buf_start:], out)

    def _flush(self, buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not self.tokenizer.FREQ.get(buf):
            self._hmm(buf, out)
        else:
            out.extend(buf)

    def _hmm(self, sentence: str, out: list[str]) -> None:
        """``jieba.finalseg.cut``."""
        re_han, re_skip, force = self._hmm_han, self._hmm_skip, self._force_split
        for blk in re_han.split(sentence):
            if re_han.match(blk):
                for word in self._viterbi_words(blk):
                    if word not in force:
                        out.append(word)
                    else:
                        out.extend(word)
            else:
                for x in re_skip.split(blk):
                    if x:
                        out.append(x)

    def _viterbi_words(self, sentence: str) -> list[str]:
        """``jieba.finalseg.__cut``: the Viterbi B/M/E/S states, then words from them."""
        eB, eM, eE, eS = self._emit[0], self._emit[1], self._emit[2], self._emit[3]
        tEB, tSB, tMM, tBM, tSS, tES, tBE, tME = self._trans
        c = sentence[0]
        vB = self._start[0] + eB.get(c, _MIN_FLOAT)
        vM = self._start[1] + eM.get(c, _MIN_FLOAT)
        vE = self._start[2] + eE.get(c, _MIN_FLOAT)
        vS = self._start[3] + eS.get(c, _MIN_FLOAT)
        back = []  # per position after the first: the predecessor state of B, M, E, S (0..3 = B, M, E, S)
        for t in range(1, len(sentence)):
            c = sentence[t]
            # max over (prob, state) tuples: on a tie the later letter wins (S > E, M > B)
            em = eB.get(c, _MIN_FLOAT)
            a, b = vE + tEB + em, vS + tSB + em
            nB, pB = (b, 3) if b >= a else (a, 2)
            em = eM.get(c, _MIN_FLOAT)
            a, b = vM + tMM + em, vB + tBM + em
            nM, pM = (a, 1) if a >= b else (b, 0)
            em = eS.get(c, _MIN_FLOAT)
            a, b = vS + tSS + em, vE + tES + em
            nS, pS = (a, 3) if a >= b else (b, 2)
            em = eE.get(c, _MIN_FLOAT)
            a, b = vB + tBE + em, vM + tME + em
            nE, pE = (b, 1) if b >= a else (a, 0)
            vB, vM, vE, vS = nB, nM, nE, nS
            back.append((pB, pM, pE, pS))
        state = 3 if vS >= vE else 2
        n = len(sentence)
        states = [0] * n
        states[n - 1] = state
        for t in range(n - 1, 0, -1):
            state = back[t - 1][state]
            states[t - 1] = state
        words = []
        begin = nexti = 0
        for i, st in enumerate(states):
            if st == 0:
                begin = i
            elif st == 2:
                words.append(sentence[begin:i + 1])
                nexti = i + 1
            elif st == 3:
                words.append(sentence[i])
                nexti = i + 1
        if nexti < n:
            words.append(sentence[nexti:])
        return words
