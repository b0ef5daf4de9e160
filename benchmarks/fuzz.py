"""Fuzz the readers with mutated packages: 0 tracebacks, every file accounted for in the JSON.

    PYTHONPATH=src python3 benchmarks/fuzz.py [--count 3000] [--seed 18] [--command check]

Builds a few valid drafts (body, tables, headers, footers, footnotes, comments, properties),
writes ``--count`` mutated copies into one folder and runs ``python -m gongkai check FOLDER
--format json`` once over it (``--command audit`` runs ``audit --format json``). Mutations:

* ``bitflip``    — 1 to 16 random bits flipped anywhere in the file;
* ``truncate``   — the file cut at a random offset;
* ``deflate``    — bytes of one member's compressed stream garbled (headers and CRC intact);
* ``crc``        — the CRC-32 recorded for a member changed;
* ``header``     — a field of a local or central zip header overwritten (sizes, offsets,
                   name length, compression method, flags);
* ``xml``        — one XML part damaged and the package rebuilt: a slice cut out, a tag left
                   open, a DOCTYPE (also behind 70 KB of comment), an undefined entity,
                   invalid UTF-8, 300 levels of nesting, a 10 MB text node;
* ``rename``     — a part renamed (document.xml, its relationships, styles, [Content_Types].xml);
* ``mixed``      — two of the above in a row.

Reported: files by mutation and by outcome (report / error code), tracebacks and internal
errors on stderr (must be 0), files missing from or repeated in the JSON (must be 0), the
catch-all reader message (an exception no handler names; should be 0), time. The unit test
``tests/formats/test_fuzz.py`` runs the same mutators, seeded and bounded, in the suite.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKE_ID = "11010519491231002X"  # the checksum-valid example of GB 11643 itself, no real person


def seeds() -> list[bytes]:
    """Valid drafts whose packages hold every part the reader knows."""
    from gongkai.formats.compose import DocxBuilder, make_docx

    plain = make_docx("关于做好春耕工作的通知", "各村（社区）：", f"申请人身份证号：{FAKE_ID}。", "（此件公开发布）")
    b = DocxBuilder()
    b.paragraph("勺米镇人民政府关于发放补贴的通知")
    p = b.paragraph("各村（社区）：联系人张三")
    b.table([["姓名", "身份证号"], ["张三", FAKE_ID]])
    b.header("勺米镇人民政府")
    b.footer("联系电话：13885811234")
    b.footnote(p, "申请人李四，电话13885811234")
    b.comment(p, "请核实身份证号")
    b.textbox("文本框中的住址：勺米镇新华村3组")
    b.revision("修订的文字", author="王五")
    b.core_property("title", "补贴发放")
    b.custom_property("经办人", "赵六")
    rich = b.to_bytes()
    return [plain, rich]


def members(data: bytes) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.infolist()


def rebuild(data: bytes, change) -> bytes:
    """The package rebuilt with ``change(name, bytes) -> (name, bytes) | None`` applied to each member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            got = change(info.filename, src.read(info.filename))
            if got is not None:
                dst.writestr(got[0], got[1])
    return out.getvalue()


def bitflip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _stream(info: zipfile.ZipInfo) -> int:
    return info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)


def deflate(rng: random.Random, data: bytes) -> bytes:
    info = rng.choice([i for i in members(data) if i.compress_size > 16])
    start = _stream(info)
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[start + rng.randrange(min(info.compress_size, 4096))] = rng.randrange(256)
    return bytes(out)


def crc(rng: random.Random, data: bytes) -> bytes:
    info = rng.choice(members(data))
    old = struct.pack("<I", info.CRC)
    return data.replace(old, struct.pack("<I", info.CRC ^ rng.randrange(1, 2**32)))


#: (signature, offset of the field, struct format) for fields of local and central headers.
_FIELDS = [
    (b"PK\x03\x04", 6, "<H"), (b"PK\x03\x04", 8, "<H"), (b"PK\x03\x04", 18, "<I"), (b"PK\x03\x04", 22, "<I"),
    (b"PK\x03\x04", 26, "<H"), (b"PK\x03\x04", 28, "<H"),
    (b"PK\x01\x02", 8, "<H"), (b"PK\x01\x02", 10, "<H"), (b"PK\x01\x02", 20, "<I"), (b"PK\x01\x02", 24, "<I"),
    (b"PK\x01\x02", 28, "<H"), (b"PK\x01\x02", 30, "<H"), (b"PK\x01\x02", 42, "<I"),
    (b"PK\x05\x06", 10, "<H"), (b"PK\x05\x06", 12, "<I"), (b"PK\x05\x06", 16, "<I"),
]


def header(rng: random.Random, data: bytes) -> bytes:
    sig, offset, fmt = rng.choice(_FIELDS)
    found, pos = [], data.find(sig)
    while pos >= 0:
        found.append(pos)
        pos = data.find(sig, pos + 1)
    if not found:
        return bitflip(rng, data)
    pos = rng.choice(found) + offset
    size = struct.calcsize(fmt)
    value = rng.choice([0, 1, 8, 99, 0xFFFF if size == 2 else 0xFFFFFFFF, rng.randrange(256 ** size)])
    out = bytearray(data)
    struct.pack_into(fmt, out, pos, value)
    return bytes(out)


_LETTERS = bytes(97 + i % 26 for i in range(256))


def _damage_xml(rng: random.Random, xml: bytes) -> bytes:
    kind = rng.randrange(8)
    if kind == 0 and len(xml) > 10:  # a slice cut out
        a = rng.randrange(len(xml) - 1)
        return xml[:a] + xml[a + rng.randint(1, min(200, len(xml) - a)):]
    if kind == 1:  # a tag left open
        return xml.replace(b"</", b"<", 1)
    if kind == 2:  # a DOCTYPE, sometimes behind a long comment, with an entity before the text
        head, _, rest = xml.partition(b"?>")
        pad = b"<!--" + b"x" * 70_000 + b"-->" if rng.random() < 0.5 else b""
        rest = rest.replace(b"<w:t>", b"<w:t>&e;", 1)
        return head + b"?>" + pad + b'<!DOCTYPE x [<!ENTITY e "">]>' + rest
    if kind == 3:  # an undefined entity
        return xml.replace(b"<w:t>", b"<w:t>&undefined;", 1)
    if kind == 4:  # invalid UTF-8
        a = rng.randrange(len(xml))
        return xml[:a] + b"\xff\xfe\xc3" + xml[a:]
    if kind == 5:  # nesting past the parser's depth limit
        return xml.replace(b"<w:body>", b"<w:body>" + b"<w:tbl><w:tr><w:tc>" * 100 + b"<w:p/>"
                           + b"</w:tc></w:tr></w:tbl>" * 100, 1)
    if kind == 6:  # a text node past the parser's size limit (random letters: not a zip-ratio refusal)
        text = rng.randbytes(10 * 2**20 + 100).translate(_LETTERS)
        return xml.replace(b"<w:t>", b"<w:t>" + text, 1)
    return xml.replace(b"<w:p>", b"<w:p><w:p>", 1)  # a stray tag


def xml(rng: random.Random, data: bytes) -> bytes:
    target = rng.choice([i.filename for i in members(data) if i.filename.endswith((".xml", ".rels"))])
    return rebuild(data, lambda n, b: (n, _damage_xml(rng, b) if n == target else b))


def rename(rng: random.Random, data: bytes) -> bytes:
    names = [i.filename for i in members(data)]
    preferred = [n for n in ("word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml",
                             "[Content_Types].xml", "_rels/.rels") if n in names]
    target = rng.choice(preferred or names)
    new = rng.choice([target.upper(), target + ".bak", target.replace("word/", "Word/"), "word/other.xml"])
    return rebuild(data, lambda n, b: (new if n == target else n, b))


MUTATORS = {"bitflip": bitflip, "truncate": truncate, "deflate": deflate, "crc": crc, "header": header,
            "xml": xml, "rename": rename}


def mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """(mutation name, mutated bytes); ``mixed`` applies two in a row."""
    if rng.random() < 0.1:
        first, second = rng.sample(sorted(MUTATORS), 2)
        once = MUTATORS[first](rng, data)
        try:
            return "mixed", MUTATORS[second](rng, once)
        except Exception:  # noqa: BLE001 - the first one broke the zip the second one needs to rebuild
            return "mixed", bitflip(rng, once)
    name = rng.choice(sorted(MUTATORS))
    return name, MUTATORS[name](rng, data)


def corpus(folder: Path, count: int, seed: int) -> dict[str, str]:
    """Write ``count`` mutated files into ``folder``; returns {file name: mutation}."""
    rng = random.Random(seed)
    bases = seeds()
    made = {}
    for i in range(count):
        kind, data = mutate(rng, rng.choice(bases))
        name = f"{i:05d}-{kind}.docx"
        (folder / name).write_bytes(data)
        made[name] = kind
    return made


def run(folder: Path, command: str = "check") -> tuple[int, list[dict], str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gongkai", command, str(folder), "--format", "json"],
                          capture_output=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    out = proc.stdout.decode("utf-8", "replace")
    if command == "audit":
        records = json.loads(out)["documents"] if out.strip() else []
    else:
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
    return proc.returncode, records, proc.stderr.decode("utf-8", "replace"), seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--command", choices=["check", "audit"], default="check")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        made = corpus(folder, args.count, args.seed)
        built = time.perf_counter() - t0
        code, records, stderr, seconds = run(folder, args.command)
    files = Counter(os.path.basename(r.get("file") or "") for r in records)
    missing = sorted(set(made) - set(files))
    repeated = sorted(n for n, c in files.items() if c > 1)
    outcome: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    for r in records:
        name = os.path.basename(r.get("file") or "")
        err = r.get("error")
        if args.command == "audit":  # audit rows carry no error code: the status says unreadable
            err = {"code": "unreadable"} if r.get("status") == "unreadable" else None
        result = f"error:{err.get('code')}" if isinstance(err, dict) else "report"
        outcome[result] += 1
        by_kind.setdefault(made.get(name, "?"), Counter())[result] += 1
    tracebacks = stderr.count("Traceback")
    internal = stderr.count("内部错误")
    catch_all = stderr.count("读取程序出错")
    english = sum(1 for line in stderr.splitlines() if "Error" in line or "XML_PARSE_HUGE" in line)
    print(f"gongkai {args.command} over {args.count} mutated files (seed {args.seed}); corpus built in {built:.1f} s")
    print(f"run: {seconds:.1f} s, exit {code}, {len(records)} JSON records")
    print(f"tracebacks on stderr: {tracebacks}   内部错误: {internal}   catch-all reader message: {catch_all}"
          f"   English error lines: {english}")
    print(f"files missing from the JSON: {len(missing)}   repeated: {len(repeated)}")
    print("outcome:", ", ".join(f"{k} {v}" for k, v in outcome.most_common()))
    for kind in sorted(by_kind):
        print(f"  {kind:<9} {sum(by_kind[kind].values()):>5}: "
              + ", ".join(f"{k} {v}" for k, v in by_kind[kind].most_common()))
    if missing[:5] or repeated[:5]:
        print("e.g. missing", missing[:5], "repeated", repeated[:5])
    for line in [x for x in stderr.splitlines() if "Traceback" in x or "内部错误" in x or "读取程序出错" in x][:5]:
        print("  stderr:", line[:200])
    bad = tracebacks or internal or missing or repeated or code not in (0, 1, 2)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
