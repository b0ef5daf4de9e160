"""Writing a file so that a reader never sees half of it: written beside it, then renamed into place.

Each store of gongkai (the register's head, batch results, audits, uploaded files, caches) used to
write its own temporary file; some left it behind when the write failed, some did not flush it
to disk before the rename. Here it is once:

* :func:`replacing` — a context manager giving a binary file to write; when the block ends
  normally the file replaces ``path`` in one rename, otherwise it is removed and ``path`` is
  untouched. The temporary file is new and unique in ``path``'s folder (a rename across file
  systems is not atomic), so two writers never share one.
* :func:`write_atomic` — the same for bytes or text already in memory.
* ``durable=True`` flushes the file to disk before the rename and the folder after it, for what
  must survive a power cut (the register's head, batch results); caches and uploads skip it.

Errors are the caller's: an ``OSError`` (folder missing or read-only, disk full) propagates after
the temporary file is removed. Callers for which the file is only a cache suppress it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator


@contextlib.contextmanager
def replacing(path: str | os.PathLike, *, durable: bool = False) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the ``with`` block ends without an exception."""
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_folder(path)


def write_atomic(path: str | os.PathLike, data: bytes | str, *, durable: bool = False) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one rename."""
    with replacing(path, durable=durable) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def fsync_folder(path: str | os.PathLike) -> None:
    """Flush the folder holding ``path`` (its entries: a rename into it) to disk, where the
    platform allows it (Windows does not open folders)."""
    try:
        fd = os.open(Path(path).parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
