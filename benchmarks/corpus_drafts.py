"""Drafts of real text for benchmarks/serve.py ``--source corpus``.

The template drafts of serve.py repeat six paragraphs with other numbers, so anything that
remembers what it has read (the typo model's results by surroundings) sees most of a new draft
before. These drafts are published text instead, every paragraph used once across all drafts:
the govcn-2019 bodies, the realdocs-dev documents and the corrected sentences of ECSpell's
odw.train (../shared/data; read by the benchmark only). About 67 drafts of 5,000 characters.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_eval import GOVCN  # noqa: E402

#: ../shared/data, where screening_eval finds govcn-2019.
DATA = GOVCN.parents[1]


def paragraphs(data: Path = DATA) -> list[str]:
    """Every distinct non-trivial paragraph of the corpora, in a fixed shuffled order."""
    found: list[str] = []
    for line in (data / "govcn-2019" / "documents.jsonl").open(encoding="utf-8"):
        found += json.loads(line)["body"].splitlines()
    for path in sorted((data / "realdocs-dev").glob("*.txt")):
        found += path.read_text(encoding="utf-8").splitlines()
    sentences = [line.split("\t")[2].strip() for line in (data / "ecspell" / "odw.train").open(encoding="utf-8")
                 if line.count("\t") >= 2]
    found += ["".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    unique = list(dict.fromkeys(p.strip() for p in found if len(p.strip()) >= 8))
    random.Random(19).shuffle(unique)
    return unique


def bodies(chars: int, data: Path = DATA) -> list[list[str]]:
    """Draft bodies of at least ``chars`` characters, no paragraph in two of them."""
    out, body, size = [], [], 0
    for p in paragraphs(data):
        body.append(p)
        size += len(p)
        if size >= chars:
            out.append(body)
            body, size = [], 0
    return out
