"""Reference search for copy detection (R104): winnowing index vs datasketch MinHash-LSH.

Builds N synthetic reference documents (default 10,000, ~3,600 characters each) from the
govcn-2019 bodies — a word-bigram chain over the jieba segmentation of the real documents
(their words and short phrases mixed into new sequences) plus whole sentences copied from the
real documents (the boilerplate that real references share) — then plants 300-character
passages of 40 references, with small edits, into fresh drafts and measures for each method:
build time, index size, peak memory, per-query time, recall on the planted passages (the
planted reference must be reported) and false alarms on 40 drafts that copy nothing.

    PYTHONPATH=src python3 benchmarks/refindex.py                 # both methods, 10,000 refs
    PYTHONPATH=src python3 benchmarks/refindex.py --refs 2000 --methods winnowing

Each method runs in its own child process so its peak memory (VmHWM) is its own. The
winnowing run also times the command line's path on a folder of the references written as
.txt files: reading, indexing and caching (cold) and opening the cached index (warm); set
REFINDEX_FOLDER=0 to skip it.
Needs /work/shared/data/govcn-2019 (or --corpus) and, for MinHash, `pip install datasketch`
(the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gongkai.screening.refindex import RefIndex, gram_hashes, normalise  # noqa: E402

DEFAULT_CORPUS = "/work/shared/data/govcn-2019/documents.jsonl"
PASSAGE = 300
PLANTED = 40


# -- synthetic corpus ------------------------------------------------------------------------------

def load_bodies(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["body"] for line in fh if line.strip()]


class Generator:
    """Word-bigram chain over the real documents, with real sentences mixed in."""

    def __init__(self, bodies: list[str], seed: int = 1, sentence_rate: float = 0.004):
        import jieba

        jieba.setLogLevel(60)
        self.rng = random.Random(seed)
        self.sentence_rate = sentence_rate
        self.sentences = [s + "。" for b in bodies for line in b.splitlines() for s in line.split("。") if len(s) > 12]
        tokens: list[str] = []
        for b in bodies:
            for line in b.splitlines():
                tokens.extend(jieba.lcut(line))
                tokens.append("\n")
        vocab = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
        self.words = list(vocab)
        ids = [vocab[t] for t in tokens]
        succ: dict[int, list[int]] = {}
        for a, b in zip(ids, ids[1:]):
            succ.setdefault(a, []).append(b)
        self.succ = [succ.get(i, [0]) for i in range(len(self.words))]
        # A word with one or two successors would replay the source verbatim: jump instead.
        self.narrow = [len(set(s)) < 3 for s in self.succ]
        self.starts = [ids[i + 1] for i, t in enumerate(ids[:-1]) if self.words[t] == "\n"]

    def text(self, chars: int) -> str:
        rng, words, succ = self.rng, self.words, self.succ
        out, n = [], 0
        state = rng.choice(self.starts)
        while n < chars:
            if rng.random() < self.sentence_rate:  # a real sentence: shared boilerplate
                s = rng.choice(self.sentences)
                out.append(s)
                n += len(s)
                state = rng.choice(self.starts)
                continue
            w = words[state]
            out.append(w)
            n += len(w)
            if self.narrow[state] and rng.random() < 0.5:
                state = rng.randrange(len(words))
            else:
                state = rng.choice(succ[state])
        return "".join(out)


def edit(rng: random.Random, text: str, edits: int = 8) -> str:
    chars = list(text)
    for _ in range(edits):
        i = rng.randrange(5, len(chars) - 5)
        op = rng.choice(("sub", "del", "ins", "punct"))
        if op == "sub":
            chars[i] = "镇"
        elif op == "del":
            del chars[i]
        elif op == "ins":
            chars[i:i] = list("我镇")
        else:
            chars[i] = "，"
    return "".join(chars)


def make_queries(refs: list[str], gen: Generator, seed: int = 7):
    """40 drafts each carrying an edited 300-character passage of a known reference, and 40 that copy nothing."""
    rng = random.Random(seed)
    planted = []
    for ref in rng.sample(range(len(refs)), PLANTED):
        text = refs[ref]
        start = rng.randrange(0, max(1, len(text) - PASSAGE))
        draft = gen.text(600) + edit(rng, text[start:start + PASSAGE]) + gen.text(600)
        planted.append((ref, draft))
    fresh = Generator.__new__(Generator)
    fresh.__dict__.update(gen.__dict__, sentence_rate=0.0)
    clean = [fresh.text(1500) for _ in range(PLANTED)]
    return planted, clean


# -- measurement helpers -------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# -- methods --------------------------------------------------------------------------------------------

def run_winnowing(refs, planted, clean, out):
    base = rss_mb()
    t0 = time.perf_counter()
    names = [f"ref{i:05d}" for i in range(len(refs))]
    index = RefIndex.build(refs, names)
    build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index.save(Path(tmp) / "idx")
        save = time.perf_counter() - t0
        disk = sum(f.stat().st_size for f in (Path(tmp) / "idx").iterdir())
        t0 = time.perf_counter()
        loaded = RefIndex.load(Path(tmp) / "idx")
        loaded.search(clean[0])
        load = time.perf_counter() - t0
    folder = {}
    if os.environ.get("REFINDEX_FOLDER", "1") == "1":
        folder = _folder_figures(refs)
    hits, times = 0, []
    for ref, draft in planted:
        t0 = time.perf_counter()
        found = index.search(draft)
        times.append(time.perf_counter() - t0)
        hits += any(m.name == names[ref] for m in found)
    false = 0
    for draft in clean:
        t0 = time.perf_counter()
        false += bool(index.search(draft))
        times.append(time.perf_counter() - t0)
    out.put({
        "method": "winnowing k=5 w=10 (numpy, boilerplate df filter)", "build_s": build, "save_s": save,
        "open_cached_s": load, "index_mb": index.nbytes / 2**20, "disk_mb": disk / 2**20,
        "fingerprints": int(len(index.hashes)), "peak_rss_mb": peak_rss_mb(), "rss_growth_mb": rss_mb() - base,
        "query_ms": 1000 * float(np.mean(times)), "query_p95_ms": 1000 * float(np.percentile(times, 95)),
        "recall": f"{hits}/{len(planted)}", "false_alarms": f"{false}/{len(clean)}", **folder,
    })


def _folder_figures(refs) -> dict:
    """The CLI's path: a folder of .txt references read, indexed and cached, then opened again."""
    from gongkai.screening import refindex

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "refs"
        root.mkdir()
        for i, text in enumerate(refs):
            (root / f"ref{i:05d}.txt").write_text(text, "utf-8")
        section = {"cache_dir": str(Path(tmp) / "cache")}
        t0 = time.perf_counter()
        refindex.open_folder(root, section)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        refindex.open_folder(root, section)
        warm = time.perf_counter() - t0
    return {"folder_cold_s": cold, "folder_warm_s": warm}


CHUNK, STEP, PERMS, THRESHOLD = 150, 75, 64, 0.3
_PRIME = np.uint64((1 << 61) - 1)


def _signatures(shingle_sets: list[np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signatures (affine hashing modulo a Mersenne prime, as datasketch does), vectorised."""
    sets = [x for x in shingle_sets if len(x)]
    if not sets:
        return np.zeros((0, PERMS), np.uint64)
    lengths = np.array([len(x) for x in sets])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    allv = np.concatenate(sets) & np.uint64(0xFFFFFFFF)
    with np.errstate(over="ignore"):
        h = ((allv[:, None] * a[None, :] + b[None, :]) % _PRIME) & np.uint64(0xFFFFFFFF)
    return np.minimum.reduceat(h, starts, axis=0)


def _chunks(text: str) -> list[np.ndarray]:
    codes, _ = normalise(text)
    h = gram_hashes(codes)
    if len(h) == 0:
        return []
    return [np.unique(h[i:i + CHUNK]) for i in range(0, max(1, len(h) - CHUNK + STEP), STEP)]


def run_minhash(refs, planted, clean, out):
    from datasketch import LeanMinHash, MinHashLSH

    base = rss_mb()
    rng = np.random.RandomState(1)
    a = rng.randint(1, 2**31 - 1, PERMS).astype(np.uint64)
    b = rng.randint(0, 2**31 - 1, PERMS).astype(np.uint64)
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMS)
    chunks = 0
    for i, text in enumerate(refs):
        sets = _chunks(text)
        for j, sig in enumerate(_signatures(sets, a, b)):
            lsh.insert(f"{i}:{j}", LeanMinHash(seed=1, hashvalues=sig, scheme="affine32"), check_duplication=False)
        chunks += len(sets)
    build = time.perf_counter() - t0
    size = len(pickle.dumps(lsh, protocol=pickle.HIGHEST_PROTOCOL))

    def query(draft):
        found = {}
        for sig in _signatures(_chunks(draft), a, b):
            for key in lsh.query(LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")):
                ref = int(key.split(":")[0])
                found[ref] = found.get(ref, 0) + 1
        return found

    hits, times = 0, []
    for ref, draft in planted:
        t0 = time.perf_counter()
        found = query(draft)
        times.append(time.perf_counter() - t0)
        hits += ref in found
    false = 0
    for draft in clean:
        t0 = time.perf_counter()
        false += bool(query(draft))
        times.append(time.perf_counter() - t0)
    out.put({
        "method": f"datasketch MinHash-LSH, {CHUNK}-char chunks step {STEP}, {PERMS} perms, threshold {THRESHOLD}",
        "build_s": build, "index_mb": size / 2**20, "chunks": chunks, "peak_rss_mb": peak_rss_mb(),
        "rss_growth_mb": rss_mb() - base, "query_ms": 1000 * float(np.mean(times)),
        "query_p95_ms": 1000 * float(np.percentile(times, 95)),
        "recall": f"{hits}/{len(planted)}", "false_alarms": f"{false}/{len(clean)}",
    })


def run_whole_minhash(refs, planted, clean, out):
    """Whole-document MinHash (one signature per reference): the naive baseline."""
    from datasketch import LeanMinHash, MinHashLSH

    rng = np.random.RandomState(1)
    a = rng.randint(1, 2**31 - 1, PERMS).astype(np.uint64)
    b = rng.randint(0, 2**31 - 1, PERMS).astype(np.uint64)
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMS)
    for i, text in enumerate(refs):
        sig = _signatures([np.unique(gram_hashes(normalise(text)[0]))], a, b)[0]
        lsh.insert(str(i), LeanMinHash(seed=1, hashvalues=sig, scheme="affine32"), check_duplication=False)
    build = time.perf_counter() - t0
    hits, times = 0, []
    for ref, draft in planted:
        t0 = time.perf_counter()
        sig = _signatures([np.unique(gram_hashes(normalise(draft)[0]))], a, b)[0]
        found = {int(k) for k in lsh.query(LeanMinHash(seed=1, hashvalues=sig, scheme="affine32"))}
        times.append(time.perf_counter() - t0)
        hits += ref in found
    out.put({"method": "datasketch MinHash-LSH, whole documents", "build_s": build, "peak_rss_mb": peak_rss_mb(),
             "query_ms": 1000 * float(np.mean(times)), "recall": f"{hits}/{len(planted)}"})


METHODS = {"winnowing": run_winnowing, "minhash": run_minhash, "minhash-whole": run_whole_minhash}


def _child(name, refs, planted, clean, out):
    try:
        METHODS[name](refs, planted, clean, out)
    except BaseException as exc:  # report, never leave the parent waiting
        import traceback

        out.put({"method": name, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refs", type=int, default=10_000)
    ap.add_argument("--chars", type=int, default=3_600, help="characters per reference")
    ap.add_argument("--methods", default="winnowing,minhash,minhash-whole")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = ap.parse_args()

    t0 = time.perf_counter()
    gen = Generator(load_bodies(args.corpus))
    refs = [gen.text(args.chars) for _ in range(args.refs)]
    planted, clean = make_queries(refs, Generator(load_bodies(args.corpus), seed=2))
    total = sum(map(len, refs))
    print(f"corpus: {len(refs)} synthetic references, {total / 1e6:.1f} M characters "
          f"(generated in {time.perf_counter() - t0:.1f} s); {len(planted)} planted {PASSAGE}-character passages "
          f"with small edits, {len(clean)} drafts that copy nothing; machine: {os.cpu_count()} cores", flush=True)
    ctx = mp.get_context("fork")
    for name in args.methods.split(","):
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(name.strip(), refs, planted, clean, q))
        p.start()
        result = q.get()
        p.join()
        print(f"\n{result.pop('method')}")
        for key, value in result.items():
            print(f"  {key:>14}: {value:.2f}" if isinstance(value, float) else f"  {key:>14}: {value}", flush=True)


if __name__ == "__main__":
    main()
