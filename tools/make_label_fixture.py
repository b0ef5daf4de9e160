"""Build tests/attributes/data/govcn_labels.jsonl from the govcn-2019 corpus.

    python3 tools/make_label_fixture.py [/work/shared/data/govcn-2019/documents.jsonl]

For each document with a printed 附注 label: the label line with the lines around it (the
signature, date and the first lines that follow), and the printed label as the expected
answer. For each document without one: its last lines, expected None. The product tests read
this small committed file, never /work/shared; the benchmark checks the full corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/work/shared/data/govcn-2019/documents.jsonl")
TARGET = ROOT / "tests" / "attributes" / "data" / "govcn_labels.jsonl"
BEFORE, AFTER, TAIL = 3, 2, 4
MAX_LINE = 120  # long body paragraphs are cut: the test is about the label, not the prose


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    rows = []
    for line in source.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        lines = d["body"].split("\n")
        want = d.get("printed_annotation")
        if want:
            i = next(k for k, x in enumerate(lines) if x.strip() == want)
            part = lines[max(0, i - BEFORE) : i + AFTER + 1]
        else:
            part = lines[-TAIL:]
        part = [x if len(x) <= MAX_LINE else x[:MAX_LINE] + "…" for x in part]
        rows.append({"id": d["id"], "title": d["title"], "expected": want, "text": "\n".join(part)})
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    labelled = sum(r["expected"] is not None for r in rows)
    print(f"{len(rows)} tails ({labelled} with a printed label) -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
