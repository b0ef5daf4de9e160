"""Reader throughput: gongkai's reader next to bare zipfile+lxml and python-docx on the same files.

    PYTHONPATH=src python3 benchmarks/read.py [--copies 3] [--min-seconds 3]

The corpus is the 60 govcn-2019 documents (``/work/shared/data/govcn-2019/documents.jsonl``)
rendered to .docx in memory with ``formats.compose.render_text``, each rendered ``--copies``
times with a distinct first line so no reader can profit from repetition. Every reader goes
over the whole corpus in rounds until ``--min-seconds`` have passed; the figures are
documents/s and characters/s (characters of text each reader returned), and gongkai's
throughput as a ratio of each reference.

* gongkai: ``formats.read_bytes`` — the whole ``Document`` (every part, runs with resolved
  fonts, hostile-input limits): what ``check`` pays before any rule runs.
* bare: ``zipfile`` + ``lxml.etree.iterparse`` collecting all ``w:t`` text of
  ``word/document.xml`` — the floor for reading a .docx in Python.
* python-docx: ``docx.Document`` and the text of every body paragraph and table cell.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

GOVCN = Path("/work/shared/data/govcn-2019/documents.jsonl")
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def govcn_documents(path: Path = GOVCN) -> list[dict]:
    """The govcn-2019 documents (id, title, body, …), one dict each."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def govcn_corpus(copies: int = 1, path: Path = GOVCN) -> list[tuple[str, bytes]]:
    """(name, .docx bytes) for every govcn document, ``copies`` distinct renderings each."""
    from gongkai.formats.compose import render_text

    out = []
    for copy in range(copies):
        for d in govcn_documents(path):
            body = d["body"] if d["body"].startswith(d["title"][:6]) else f"{d['title']}\n{d['body']}"
            if copy:
                body = f"{body.splitlines()[0]}（第{copy + 1}稿）\n" + "\n".join(body.splitlines()[1:])
            out.append((f"{d['id']}-{copy}.docx", render_text(body)))
    return out


def bare_text(data: bytes) -> str:
    """All w:t text of word/document.xml: zipfile + lxml iterparse, nothing else."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml")
    parts = []
    for _event, el in etree.iterparse(io.BytesIO(xml), tag=W_T, resolve_entities=False, no_network=True):
        parts.append(el.text or "")
        el.clear()
    return "".join(parts)


def gongkai_text(data: bytes, name: str = "x.docx") -> str:
    from gongkai.formats import read_bytes

    return "".join(b.text for b in read_bytes(data, name).blocks)


def python_docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "".join(parts)


def measure(reader, corpus: list[tuple[str, bytes]], min_seconds: float) -> tuple[float, float, int]:
    """(documents/s, characters/s, characters per round) over whole rounds of the corpus."""
    docs = chars = rounds = 0
    start = time.perf_counter()
    while True:
        for _name, data in corpus:
            chars += len(reader(data))
            docs += 1
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return docs / elapsed, chars / elapsed, chars // rounds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=3, help="distinct renderings of each govcn document")
    ap.add_argument("--min-seconds", type=float, default=3.0, help="time each reader at least this long")
    ap.add_argument("--data", type=Path, default=GOVCN)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"read.py: {args.data} not found (the benchmark needs the govcn-2019 corpus)", file=sys.stderr)
        return 2
    corpus = govcn_corpus(args.copies, args.data)
    size = sum(len(d) for _n, d in corpus)
    print(f"corpus: {len(corpus)} .docx rendered from govcn-2019, {size / 2**20:.1f} MB")
    readers = [("gongkai formats.read_bytes", gongkai_text), ("bare zipfile+lxml (w:t)", bare_text),
               ("python-docx", python_docx_text)]
    figures = {}
    for label, reader in readers:
        reader(corpus[0][1])  # warm imports
        figures[label] = measure(reader, corpus, args.min_seconds)
    print(f"{'reader':<28}{'docs/s':>10}{'chars/s':>14}{'chars/round':>14}")
    for label, (dps, cps, per_round) in figures.items():
        print(f"{label:<28}{dps:>10.1f}{cps:>14,.0f}{per_round:>14,}")
    g = figures["gongkai formats.read_bytes"][0]
    print(f"gongkai / bare zipfile+lxml: {g / figures['bare zipfile+lxml (w:t)'][0]:.2f}x docs/s")
    print(f"gongkai / python-docx:       {g / figures['python-docx'][0]:.2f}x docs/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
