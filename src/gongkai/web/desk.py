"""What the web desk does, without HTTP: accept uploads, check them through the core API, make
the annotated and redacted copies, and record review acts through the store's gate.

Uploads are read with the CLI's limits (``Config.limits``: file size, zip members, ratio,
nesting, unsafe member names) by the CLI's readers; a file is stored (by content hash, under
``blobs``) only after it was read as a document, so a refused upload leaves nothing behind.
Nothing uploaded is ever executed or served back except as a download to those who may see it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from sqlalchemy import select

from ..api import check_document
from ..config import Config
from ..engine import Runner, default_registry
from ..files import write_atomic
from ..formats import UnreadableDocument, read_bytes
from ..formats.fingerprint import FingerprintError, fingerprint_bytes
from ..formats.reader import ARCHIVE_EXTS
from ..formats.sources import iter_archive
from ..models import Document, ReadError, Report
from ..review.checklist import Checklist, Event, Missing, role_text
from ..review.facts import document_facts
from ..store import DocumentRef, Store, identify
from ..store.accounts import Account
from ..store.schema import uploads

log = logging.getLogger("gongkai.web")

#: Roles that see every unit's documents (股室负责人 see their unit's, like everyone else).
SEE_ALL = ("分管领导", "主要领导", "登记员")
#: Roles that may see personal data unmasked (股室负责人 and above, the 党政办); each reveal is logged.
REVEALERS = ("股室负责人", "分管领导", "主要领导", "登记员")
#: Roles that may release (终审通过后，由编辑人员按规定进行信息发布; the 党政办's 登记员 registers).
RELEASERS = ("编辑", "登记员")


@dataclass(frozen=True, slots=True)
class Upload:
    id: int
    account_id: int
    unit_id: int | None
    sha256: str
    filename: str
    size: int
    created_at: str
    summary: dict


@dataclass(frozen=True, slots=True)
class Refused:
    """An upload (or a member of one) that was not accepted, with the reason for the page."""

    name: str
    reason: str


def safe_name(name: str) -> str:
    """The base name of an uploaded file as shown (a client may send ``../../x.docx``)."""
    base = PurePath(name.replace("\\", "/")).name.strip() or "未命名"
    return base[:200]


@dataclass(frozen=True, slots=True)
class Checked:
    """One document read, checked and stored by content hash: what the register and the page need."""

    name: str
    sha256: str
    size: int
    doc: Document
    report: Report


# -- the work of a check: run in a check worker process (``web/checks.py``), or in this one --------
#
# These functions touch no register and hold no state: they take the configuration and the
# folder of stored files, and give back plain data (pickled back from a worker).


def accept_file(filename: str, data: bytes, config: Config, blobs: Path) -> list[Checked | Refused]:
    """Read and check an uploaded file (a .zip: each member); store what was read, by content hash."""
    name = safe_name(filename)
    limits = config.limits
    if len(data) > limits.max_file_mb * 1024 * 1024:
        return [Refused(name, f"文件过大（{len(data) / 2**20:.0f} MB，上限 {limits.max_file_mb:.0f} MB）")]
    if not data:
        return [Refused(name, "文件为空（0 字节）")]
    if Path(name).suffix.lower() in ARCHIVE_EXTS or data[:4] == b"PK\x03\x04" and not _is_office(data):
        return _accept_archive(name, data, config, blobs)
    try:
        return [_accept_one(name, data, config, blobs)]
    except UnreadableDocument as exc:
        return [Refused(name, exc.message)]


def _accept_archive(name: str, data: bytes, config: Config, blobs: Path) -> list[Checked | Refused]:
    limits = config.limits
    out: list[Checked | Refused] = []
    fd, tmp = tempfile.mkstemp(prefix="gongkai-upload-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        found = False
        with open(tmp, "rb") as fh:
            for item in iter_archive(fh, name, tmp, (), limits):
                found = True
                if isinstance(item, ReadError):
                    out.append(Refused(item.file, item.message))
                    continue
                try:
                    member = item.read_bytes(limits)
                    out.append(_accept_one(item.name, member, config, blobs))
                except UnreadableDocument as exc:
                    out.append(Refused(item.name, exc.message))
        if not found:
            out.append(Refused(name, "压缩包中没有可检查的文档"))
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def _accept_one(name: str, data: bytes, config: Config, blobs: Path) -> Checked:
    doc = read_bytes(data, name, config.limits)  # raises UnreadableDocument: nothing stored
    report = check_document(doc, config)
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(blobs, digest)
    if not path.exists():
        write_atomic(path, data)
    return Checked(name, digest, len(data), doc, report)


def blob_path(blobs: Path, digest: str) -> Path:
    """Where the file with this sha256 is stored (the folder made when missing)."""
    folder = Path(blobs) / digest[:2]
    folder.mkdir(exist_ok=True)
    return folder / digest


def check_stored(path: Path, filename: str, config: Config) -> tuple[Document, Report]:
    """A stored upload read and checked again (its report no longer in memory)."""
    doc = read_bytes(Path(path).read_bytes(), filename, config.limits)
    return doc, check_document(doc, config)


def annotated_copy(path: Path, report: Report, source_format: str) -> bytes:
    """A copy with one Word comment per finding, personal data masked in the comments."""
    from ..formats.annotate import annotate_docx

    if source_format != "docx":
        raise UnreadableDocument("unsupported", "只能批注 .docx 文件（请先另存为 .docx）")
    return annotate_docx(Path(path).read_bytes(), report).data


def redacted_copy(path: Path, filename: str, config: Config) -> bytes:
    """The 公开稿: personal data masked in every part, verified by a scan of the copy (fail closed)."""
    from ..formats.package_scan import scan_package
    from ..formats.redact import redact_docx, redact_package

    data = Path(path).read_bytes()
    doc = read_bytes(data, filename, config.limits)
    if doc.source_format != "docx":
        raise UnreadableDocument("unsupported", "只能为 .docx 文件生成遮蔽件（请先另存为 .docx）")
    runner = Runner(default_registry(), config.merged(select=("D1",), ignore=()))
    findings = [f for f in check_document(doc, runner.config, runner=runner).findings if f.sensitive]
    secret = Runner(default_registry(), config.merged(select=("S101",), ignore=()))
    if any(f.rule == "S101" for f in check_document(doc, secret.config, runner=secret).findings):
        raise UnreadableDocument("classified", "标有密级：涉密公文不得公开发布，不生成遮蔽件")
    result = redact_docx(data, doc, findings)
    package = redact_package(result.data, config, runner)
    scan = scan_package(package.data, filename, config.limits, config, runner)
    left = scan.lines()
    if left:
        raise UnreadableDocument("redact_left", f"复查仍发现 {len(left)} 处，未生成遮蔽件：{left[0]}")
    return package.data


def package_print(path: Path) -> tuple[str, dict] | None:
    """The package fingerprint of a stored file (digest, places), or None when it has none."""
    try:
        found = fingerprint_bytes(Path(path).read_bytes())
    except FingerprintError:
        return None
    return found.digest, dict(found.places)


def run_here(fn, *args):
    """Run a check job in this process (the desk without a worker pool)."""
    return fn(*args)


class Desk:
    """The web desk's operations over one register (``store``) and one folder of stored files.

    The work of a check (the functions above) goes through ``run(fn, *args)``: in this thread
    by default, or a check worker's (``Checks.call``) when the server has a pool.
    """

    def __init__(self, store: Store, blobs: Path, config: Config | None = None, cache: int = 64, run=run_here):
        self.store = store
        self.blobs = Path(blobs)
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.config = config or Config()
        self.run = run
        self._cache: OrderedDict[int, tuple[Document, Report]] = OrderedDict()
        #: package fingerprints by the stored file's sha256 (a stored file never changes)
        self._prints: OrderedDict[str, tuple[str, dict] | None] = OrderedDict()
        self._cache_size = cache
        self._lock = threading.Lock()

    # -- uploads ----------------------------------------------------------------------------

    def accept(self, filename: str, data: bytes, account: Account) -> tuple[list[int], list[Refused]]:
        """Read and check an uploaded file (a .zip: each member); store what was read."""
        return self.register(self.run(accept_file, filename, data, self.config, self.blobs), account)

    def register(self, results: list[Checked | Refused], account: Account) -> tuple[list[int], list[Refused]]:
        """Record the documents a check accepted as uploads of ``account`` (ids, and what was refused)."""
        ids: list[int] = []
        refused: list[Refused] = []
        for item in results:
            if isinstance(item, Refused):
                refused.append(item)
                continue
            report = item.report
            summary = {
                "label": report.document.label,
                "suggested": report.attribute.suggested if report.attribute else None,
                "counts": dict(report.summary),
                "format": item.doc.source_format,
            }
            with self.store._guard(), self.store.engine.begin() as conn:
                upload_id = conn.execute(uploads.insert().values(
                    account_id=account.id, unit_id=account.unit_id, sha256=item.sha256, filename=item.name,
                    size=item.size, created_at=self.store.clock(), summary=json.dumps(summary, ensure_ascii=False),
                )).inserted_primary_key[0]
            self.remember(upload_id, item.doc, report)
            log.info("upload #%d checked: %d bytes, %d findings", upload_id, item.size, len(report.findings))
            ids.append(upload_id)
        return ids, refused

    def path(self, upload: Upload) -> Path:
        """The stored file of an upload."""
        return blob_path(self.blobs, upload.sha256)

    def data(self, upload: Upload) -> bytes:
        return self.path(upload).read_bytes()

    # -- who sees what ----------------------------------------------------------------------

    @staticmethod
    def visible(upload: Upload, account: Account) -> bool:
        """The uploader, their unit, and the leaders and the 党政办 see a document."""
        if upload.account_id == account.id or account.has(*SEE_ALL):
            return True
        return account.unit_id is not None and upload.unit_id == account.unit_id

    def upload(self, upload_id: int) -> Upload | None:
        with self.store._guard(), self.store.engine.connect() as conn:
            row = conn.execute(select(uploads).where(uploads.c.id == upload_id)).first()
        return _upload(row) if row else None

    def uploads_for(self, account: Account, limit: int = 200) -> list[Upload]:
        q = select(uploads).order_by(uploads.c.id.desc()).limit(limit)
        if not account.has(*SEE_ALL):
            mine = uploads.c.account_id == account.id
            q = q.where(mine | (uploads.c.unit_id == account.unit_id) if account.unit_id is not None else mine)
        with self.store._guard(), self.store.engine.connect() as conn:
            return [_upload(r) for r in conn.execute(q)]

    # -- reports and copies -----------------------------------------------------------------

    def remember(self, upload_id: int, doc: Document, report: Report) -> None:
        with self._lock:
            self._cache[upload_id] = (doc, report)
            self._cache.move_to_end(upload_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def cached(self, upload: Upload) -> tuple[Document, Report] | None:
        """The document and its report if still in memory (recent uploads)."""
        with self._lock:
            return self._cache.get(upload.id)

    def checked(self, upload: Upload) -> tuple[Document, Report]:
        """The document and its report (kept in memory for recent uploads, else checked again)."""
        hit = self.cached(upload)
        if hit is not None:
            return hit
        doc, report = self.run(check_stored, self.path(upload), upload.filename, self.config)
        self.remember(upload.id, doc, report)
        return doc, report

    # -- review -----------------------------------------------------------------------------

    def ref(self, upload: Upload) -> tuple[Document, DocumentRef]:
        doc, _ = self.checked(upload)
        ref = replace(identify(doc), path=upload.filename)
        found = self._print(upload)
        if found is not None:
            ref = replace(ref, package_sha256=found[0], places=dict(found[1]))
        return doc, ref

    def _print(self, upload: Upload) -> tuple[str, dict] | None:
        """The stored file's package fingerprint: made once (in a check worker), then remembered."""
        with self._lock:
            if upload.sha256 in self._prints:
                return self._prints[upload.sha256]
        found = self.run(package_print, self.path(upload))
        with self._lock:
            self._prints[upload.sha256] = found
            while len(self._prints) > self._cache_size:
                self._prints.popitem(last=False)
        return found

    def review(self, upload: Upload):
        """(record or None, state, missing items, released entry or None) for the document now."""
        doc, report = self.checked(upload)
        _, ref = self.ref(upload)
        roster = self.store.account_roster()
        record = self.store.find_open(ref)
        released = None if record else self.store.released(ref)
        state = self.store.state(record.id, roster) if record else Checklist()
        facts = document_facts(doc, self.config, report, ref)
        from ..review.checklist import gate

        missing = [] if released or record is None else gate(state, facts, roster)
        return record, state, missing, released

    def start(self, upload: Upload, account: Account, important: bool) -> str | None:
        """Open the review; the uploader is recorded as the drafter."""
        _, ref = self.ref(upload)
        drafter = self._drafter(upload) or account.name
        roster = self.store.account_roster()
        event = Event("start", ref.content_sha256, by=drafter, important=important, role=role_text(roster, drafter),
                      package=ref.package_sha256, places=ref.places, note=f"由{account.name}在审核台登记")
        self.store.start(ref, event, signed_in=True)
        return None

    def _drafter(self, upload: Upload) -> str | None:
        from ..store.accounts import Accounts

        owner = Accounts(self.store).by_id(upload.account_id)
        return owner.name if owner else None

    def act(self, upload: Upload, account: Account, kind: str, **fields) -> str | None:
        """Record one act by the signed-in ``account``; the reason when the gate refuses it."""
        _, ref = self.ref(upload)
        record = self.store.find_open(ref)
        if record is None:
            return "没有进行中的审核记录（先开始审核）"
        roster = self.store.account_roster()
        event = Event(kind, ref.content_sha256, by=account.name, role=role_text(roster, account.name),
                      package=ref.package_sha256, places=ref.places, **fields)
        _, why = self.store.append(record.id, event, ref, roster, signed_in=True)
        if why is None:
            log.info("upload #%d: %s by account #%d", upload.id, kind, account.id)
        return why

    def release(self, upload: Upload, account: Account) -> tuple[list[Missing], dict | None]:
        doc, report = self.checked(upload)
        _, ref = self.ref(upload)
        record = self.store.find_open(ref)
        if record is None:
            return [Missing("not_started", "没有进行中的审核记录", "")], None
        roster = self.store.account_roster()
        facts = document_facts(doc, self.config, report, ref)
        return self.store.release(record, ref, facts, roster, by=account.name,
                                  findings_summary=dict(report.summary), signed_in=True)


def _is_office(data: bytes) -> bool:
    """A zip that is an Office/ODF package (checked as one document, not as an archive of files)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist()[:2000])
    except zipfile.BadZipFile:
        return True  # let the reader say what is wrong with it
    return "[Content_Types].xml" in names or "mimetype" in names


def _upload(row) -> Upload:
    m = row._mapping
    return Upload(m["id"], m["account_id"], m["unit_id"], m["sha256"], m["filename"], m["size"], m["created_at"],
                  json.loads(m["summary"]))
