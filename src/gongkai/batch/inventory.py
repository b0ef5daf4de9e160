"""A quick count of the documents under some paths, for the progress bar's total and ETA.

It walks folders and reads zip central directories only (nothing is decompressed); a zip
inside a zip counts as one until the run itself opens it, so the count is an estimate that
the run corrects as it goes.
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..formats import DOCUMENT_EXTS

ARCHIVE_EXTS = {".zip"}


def _skip(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or "__MACOSX/" in name


def _archive(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            n = 0
            for info in zf.infolist():
                if info.is_dir() or _skip(info.filename):
                    continue
                ext = Path(info.filename).suffix.lower()
                if ext in DOCUMENT_EXTS or ext in ARCHIVE_EXTS:
                    n += 1
            return n
    except (OSError, zipfile.BadZipFile, ValueError):
        return 1


def count_documents(paths: Iterable[str | os.PathLike], stop: threading.Event | None = None) -> int:
    """Documents (files and archive members) under ``paths``; stops early when ``stop`` is set."""
    total = 0
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                if stop is not None and stop.is_set():
                    return total
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for fname in files:
                    if _skip(fname):
                        continue
                    ext = Path(fname).suffix.lower()
                    if ext in ARCHIVE_EXTS:
                        total += _archive(Path(root) / fname)
                    elif ext in DOCUMENT_EXTS:
                        total += 1
        elif p.suffix.lower() in ARCHIVE_EXTS and p.exists():
            total += _archive(p)
        else:
            total += 1
    return total
