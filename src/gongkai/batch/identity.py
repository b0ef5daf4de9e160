"""Who a document is, cheaply: the keys that let ``--resume`` skip work already done.

Hashing every file of an archive on every resume would re-read it all, which is most of the
cost of reading it. So a source is recognised by what the file system and the zip directory
already know:

* a file on disk: ``f:<size>:<mtime_ns>`` (one ``stat`` call). A file copied or touched keeps
  its content but gets a new mtime: then the worker hashes it and compares with the sha256
  stored with the earlier report before checking it again (sha256 fallback);
* a zip member: ``z:<crc32>:<size>`` of the first-level member, read from the archive's central
  directory (no decompression). A member inside a nested zip is identified by its name within
  the nested zip and the nested zip's own CRC and size. A CRC changes with every content
  change that matters in practice; an accidental collision at equal size and name is a
  1-in-2³² event, acceptable for skipping a re-check, never for deciding what to publish.

The ``settings`` fingerprint covers what else decides a report: tool version, the rule
selection and configuration, and whether personal data is stored unmasked. A document
checked under other settings is checked again.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import replace

from .. import __version__
from ..config import Config
from ..formats import Source

#: Configuration that does not change a report: how a run goes ([batch]) and the exit code.
_NOT_IN_REPORT = {"batch"}


def settings_fingerprint(config: Config, reveal: bool) -> str:
    """A short stable digest of everything besides the file that shapes a report.

    The contents of a ``refs`` folder are not part of it (only its path): after changing the
    reference documents, run with ``--overwrite``.
    """
    shaping = replace(
        config, fail_on=None, source=None,
        sections={k: v for k, v in sorted(config.sections.items()) if k not in _NOT_IN_REPORT},
    )
    text = f"{__version__}|{int(reveal)}|{shaping!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class SourceKeys:
    """Computes quick identity keys; keeps the directory of the archive last seen open."""

    def __init__(self) -> None:
        self._archive: str | None = None
        self._stamp: tuple[int, int] | None = None
        self._members: dict[str, tuple[int, int]] = {}

    def key(self, source: Source) -> str | None:
        """The quick key of ``source``, or None when it cannot be had (the file is gone)."""
        try:
            if not source.members:
                st = os.stat(source.path)
                return f"f:{st.st_size}:{st.st_mtime_ns}"
            crc, size = self._member(source.path, source.members[0])
        except (OSError, KeyError, zipfile.BadZipFile, ValueError):
            return None
        return f"z:{crc:08x}:{size}"

    def _member(self, path: str, member: str) -> tuple[int, int]:
        st = os.stat(path)
        stamp = (st.st_size, st.st_mtime_ns)
        if path != self._archive or stamp != self._stamp:
            # Reading the central directory only: no member is decompressed.
            with zipfile.ZipFile(path) as zf:
                self._members = {i.filename: (i.CRC, i.file_size) for i in zf.infolist()}
            self._archive, self._stamp = path, stamp
        return self._members[member]
