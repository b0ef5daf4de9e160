"""Record every D1xx finding on the labelled splits and the govcn-2019 bodies; compare with a saved run.

    PYTHONPATH=src python3 tools/compare_personal.py save  /tmp/personal_before.jsonl
    PYTHONPATH=src python3 tools/compare_personal.py check /tmp/personal_before.jsonl [--many N]

``check`` exits 1 and prints the first differences when any finding differs in rule, place, text,
severity, message, suggestion, basis, confidence or explanation (with its key order). Used to prove that speed work changes no output.
``--many N`` checks the documents N at a time with ``Runner.run_many`` (its findings must be those of
``run`` one document at a time).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools"))

from gongkai import Config  # noqa: E402
from gongkai.engine import Runner, default_registry  # noqa: E402
from gongkai.models import Document  # noqa: E402
from screening_eval import GOVCN, to_document  # noqa: E402
from snapshot import save_or_check  # noqa: E402


def documents():
    for split in ("eval_dev", "eval_test"):
        for line in (ROOT / "benchmarks" / "data" / f"{split}.jsonl").open(encoding="utf-8"):
            rec = json.loads(line)
            yield f"{split}/{rec['id']}", to_document(rec)
    for line in GOVCN.open(encoding="utf-8"):
        d = json.loads(line)
        yield f"govcn/{d['id']}", Document.from_text(d["body"], path=d["id"])


def records(many: int = 0) -> list[str]:
    runner = Runner(default_registry(), Config(select=("D1",)))
    out = []
    docs = list(documents())
    if many:
        results = []
        for i in range(0, len(docs), many):
            results += [f for f, _ in runner.run_many([d for _, d in docs[i:i + many]])]
    else:
        results = [runner.run(doc)[0] for _, doc in docs]
    for (key, doc), findings in zip(docs, results):
        for f in findings:
            loc = f.location
            out.append(json.dumps({"doc": key, "rule": f.rule, "location": loc.to_dict(), "block": loc.block,
                                   "text": f.text, "confidence": f.confidence, "severity": f.severity.name,
                                   "message": f.message, "suggestion": f.suggestion, "basis": f.basis,
                                   "explanation": list(f.explanation.items())},
                                  ensure_ascii=False, sort_keys=True, default=str))
    return out


def main() -> int:
    many = int(sys.argv[sys.argv.index("--many") + 1]) if "--many" in sys.argv else 0
    return save_or_check(sys.argv[1], Path(sys.argv[2]), records(many), "findings")


if __name__ == "__main__":
    sys.exit(main())
