"""Archives built in code: valid drafts, corrupt and encrypted files, zip bombs, nested zips."""

from __future__ import annotations

import io
import signal
import struct
import zipfile
from pathlib import Path

import pytest

import gongkai.batch  # noqa: F401  (before any chdir: pins relative PYTHONPATH entries for workers)
from gongkai.formats.compose import make_docx

# A checksum-valid fake: the standard's own example number (GB 11643).
FAKE_ID = "11010519491231002X"


def draft(i: int, extra: str = "") -> bytes:
    """A small, distinct draft notice."""
    return make_docx(
        f"关于做好第{i}批春耕补贴发放工作的通知",
        "各村（社区）：",
        f"现将第{i}批补贴发放有关事项通知如下，请各村于{i % 28 + 1}日前上报名单。{extra}",
        "勺米镇人民政府",
    )


def encrypted_docx() -> bytes:
    """A password-protected .docx (an OLE container with EncryptionInfo), as Word writes it."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(make_docx("加密文档", "正文"))).encrypt("secret", out)
    return out.getvalue()


def declare_size(zip_bytes: bytes, member: str, size: int) -> bytes:
    """Rewrite the declared uncompressed size of ``member`` in both zip headers (a lying bomb)."""
    data = bytearray(zip_bytes)
    name = member.encode()
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) >= 0:
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if data[pos + 30: pos + 30 + n] == name:
            struct.pack_into("<I", data, pos + 22, size)
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46: pos + 46 + n] == name:
            struct.pack_into("<I", data, pos + 24, size)
        pos += 4
    return bytes(data)


def bomb_zip(valid: int = 2) -> bytes:
    """Valid members beside two bombs: 8 MB of zeros (ratio ≈ 1000:1) and one declaring 300 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(valid):
            zf.writestr(f"正常{i}.docx", draft(100 + i))
        with zf.open("炸弹.docx", "w") as fh:  # streamed: never held in memory whole
            chunk = bytes(1 << 20)
            for _ in range(8):
                fh.write(chunk)
        zf.writestr("巨型.docx", bytes(1 << 16))
    return declare_size(buf.getvalue(), "巨型.docx", 300 * 2**20)


def nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("内层/a.docx", draft(201))
        zf.writestr("内层/b.docx", draft(202, f"申请人身份证号：{FAKE_ID}。"))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("外层.docx", draft(200))
        zf.writestr("inner.zip", inner.getvalue())
    return outer.getvalue()


#: What the mixed archive holds: name -> expected error code (None = a readable document).
MIXED = {
    "a/01.docx": None,
    "a/02.docx": None,
    "a/03.docx": None,
    "a/个人信息.docx": None,
    "a/损坏.docx": "unreadable",
    "a/加密.docx": "encrypted",
    "a/说明.txt": None,
    "b/bombs.zip!正常0.docx": None,
    "b/bombs.zip!正常1.docx": None,
    "b/bombs.zip!炸弹.docx": "archive_limit",
    "b/bombs.zip!巨型.docx": "archive_limit",
    "b/nested.zip!外层.docx": None,
    "b/nested.zip!inner.zip!内层/a.docx": None,
    "b/nested.zip!inner.zip!内层/b.docx": None,
    "b/坏包.zip": "unreadable",
}


def build_mixed(root: Path) -> Path:
    """The mixed archive under ``root/archive``; names in results start with ``archive/``."""
    base = root / "archive"
    (base / "a").mkdir(parents=True)
    (base / "b").mkdir()
    for i in (1, 2, 3):
        (base / "a" / f"0{i}.docx").write_bytes(draft(i))
    (base / "a" / "个人信息.docx").write_bytes(draft(4, f"申请人身份证号：{FAKE_ID}，联系电话：13885811234。"))
    (base / "a" / "损坏.docx").write_bytes(draft(5)[:300])
    (base / "a" / "加密.docx").write_bytes(encrypted_docx())
    (base / "a" / "说明.txt").write_text("关于档案整理的说明\n本文件夹为2025年草稿。\n", encoding="gbk")
    (base / "b" / "bombs.zip").write_bytes(bomb_zip())
    (base / "b" / "nested.zip").write_bytes(nested_zip())
    (base / "b" / "坏包.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return base


@pytest.fixture
def mixed_archive(tmp_path, monkeypatch):
    """(folder, expected) with the working directory at its parent, so names are relative."""
    monkeypatch.chdir(tmp_path)
    build_mixed(tmp_path)
    return Path("archive"), {f"archive/{k}": v for k, v in MIXED.items()}


@pytest.fixture
def kit():
    """The builders above, for tests that make their own archives."""
    import types

    return types.SimpleNamespace(draft=draft, FAKE_ID=FAKE_ID, bomb_zip=bomb_zip, nested_zip=nested_zip,
                                 encrypted_docx=encrypted_docx, build_mixed=build_mixed, MIXED=MIXED)


def run_batch_into(paths, out, *, jobs=2, resume=False, reveal=False, timeout_s=60.0, config=None, executor=None):
    from gongkai.batch import BatchOptions, local_executor, open_results, run_batch
    from gongkai.config import Config

    config = config or Config()
    with open_results(out, resume=resume) as results:
        results.start_run([str(p) for p in paths], {})
        return run_batch(
            [str(p) for p in paths], results, executor or local_executor(jobs, timeout_s),
            config_for=lambda _p: config, options=BatchOptions(resume=resume, reveal=reveal, timeout_s=timeout_s),
        )


def read_records(out) -> dict[str, dict]:
    from gongkai.batch.results import iter_jsonl, iter_sqlite_records

    out = Path(out)
    it = iter_jsonl(out) if out.suffix == ".jsonl" else iter_sqlite_records(out)
    return {r["file"]: r for r in it}


@pytest.fixture
def sigint_raises():
    """SIGINT raises KeyboardInterrupt in this process for the test, as under an interactive shell,
    even when the shell that started pytest ignored it (Python then leaves it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def batch_run():
    """batch_run(paths, out, jobs=2, resume=False, reveal=False, timeout_s=60, config=None) -> Stats."""
    return run_batch_into


@pytest.fixture
def results_of():
    """results_of(out) -> {file: record} (the latest record of each document)."""
    return read_records
