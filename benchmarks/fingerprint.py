"""Time of the release fingerprint (``package_sha256``) against reading the same .docx.

    PYTHONPATH=src python3 benchmarks/fingerprint.py [--docs 40] [--paragraphs 60]

Every review command reads the document and fingerprints the whole package, so the
fingerprint should cost no more than the read. The documents are built with
``formats.compose`` (python-docx's template: ~800 kB of styles, more than Word writes) with
N body paragraphs, a table and a header; ``--lean`` drops the template's stylesWithEffects
part and most styles, closer to what Word saves. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import zipfile

from gongkai.formats import read_bytes
from gongkai.formats.compose import DocxBuilder
from gongkai.formats.fingerprint import fingerprint_bytes


def build(paragraphs: int, lean: bool, seed: int) -> bytes:
    b = DocxBuilder()
    b.paragraph("勺米镇人民政府关于做好春耕生产工作的通知")
    for i in range(paragraphs):
        b.paragraph(f"第{i + seed}条 为做好今年春耕生产工作，各村（社区）要加强组织领导，确保各项措施落到实处。")
    b.table([["村名", "面积（亩）"], ["勺米村", str(100 + seed)]])
    b.header("勺米镇人民政府")
    data = b.to_bytes()
    if not lean:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename == "word/stylesWithEffects.xml":
                continue
            z.writestr(info, src.read(info.filename))
    return out.getvalue()


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--paragraphs", type=int, default=60)
    ap.add_argument("--lean", action="store_true")
    args = ap.parse_args()
    docs = [build(args.paragraphs, args.lean, i) for i in range(args.docs)]
    fingerprint_bytes(docs[0])  # imports and compiled XPath out of the clock
    read_bytes(docs[0], "warm.docx")
    fp = timed(fingerprint_bytes, docs)
    rd = timed(lambda d: read_bytes(d, "doc.docx"), docs)
    size = statistics.mean(len(d) for d in docs) / 1024
    print(f"{args.docs} documents, {args.paragraphs} paragraphs, {size:.0f} kB each"
          f"{' (lean template)' if args.lean else ''}")
    for name, times in (("fingerprint", fp), ("read (reader)", rd)):
        print(f"  {name:14s} median {statistics.median(times) * 1000:7.1f} ms   "
              f"p90 {sorted(times)[int(len(times) * 0.9) - 1] * 1000:7.1f} ms   {len(times) / sum(times):6.1f} docs/s")
    print(f"  fingerprint / read: {statistics.median(fp) / statistics.median(rd):.2f}")


if __name__ == "__main__":
    main()
