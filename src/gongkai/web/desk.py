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
from ..formats import UnreadableDocument, read_bytes
from ..formats.fingerprint import FingerprintError, fingerprint_bytes
from ..formats.reader import ARCHIVE_EXTS
from ..formats.sources import iter_archive
from ..models import Document, ReadError, Report
from ..masking import Masker
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


class Desk:
    """The web desk's operations over one register (``store``) and one folder of stored files."""

    def __init__(self, store: Store, blobs: Path, config: Config | None = None, cache: int = 64):
        self.store = store
        self.blobs = Path(blobs)
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.config = config or Config()
        self._cache: OrderedDict[int, tuple[Document, Report]] = OrderedDict()
        self._cache_size = cache
        self._lock = threading.Lock()

    # -- uploads ----------------------------------------------------------------------------

    def accept(self, filename: str, data: bytes, account: Account) -> tuple[list[int], list[Refused]]:
        """Read and check an uploaded file (a .zip: each member); store what was read."""
        name = safe_name(filename)
        limits = self.config.limits
        if len(data) > limits.max_file_mb * 1024 * 1024:
            return [], [Refused(name, f"文件过大（{len(data) / 2**20:.0f} MB，上限 {limits.max_file_mb:.0f} MB）")]
        if not data:
            return [], [Refused(name, "文件为空（0 字节）")]
        if Path(name).suffix.lower() in ARCHIVE_EXTS or data[:4] == b"PK\x03\x04" and not _is_office(data):
            return self._accept_archive(name, data, account)
        try:
            upload_id = self._accept_one(name, data, account)
        except UnreadableDocument as exc:
            return [], [Refused(name, exc.message)]
        return [upload_id], []

    def _accept_archive(self, name: str, data: bytes, account: Account) -> tuple[list[int], list[Refused]]:
        limits = self.config.limits
        ids: list[int] = []
        refused: list[Refused] = []
        fd, tmp = tempfile.mkstemp(prefix="gongkai-upload-", suffix=".zip")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            found = False
            with open(tmp, "rb") as fh:
                for item in iter_archive(fh, name, tmp, (), limits):
                    found = True
                    if isinstance(item, ReadError):
                        refused.append(Refused(item.file, item.message))
                        continue
                    try:
                        member = item.read_bytes(limits)
                        ids.append(self._accept_one(item.name, member, account))
                    except UnreadableDocument as exc:
                        refused.append(Refused(item.name, exc.message))
            if not found:
                refused.append(Refused(name, "压缩包中没有可检查的文档"))
        finally:
            Path(tmp).unlink(missing_ok=True)
        return ids, refused

    def _accept_one(self, name: str, data: bytes, account: Account) -> int:
        doc = read_bytes(data, name, self.config.limits)  # raises UnreadableDocument: nothing stored
        report = check_document(doc, self.config)
        digest = hashlib.sha256(data).hexdigest()
        path = self._blob(digest)
        if not path.exists():
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        summary = {
            "label": report.document.label,
            "suggested": report.attribute.suggested if report.attribute else None,
            "counts": dict(report.summary),
            "format": doc.source_format,
        }
        with self.store._guard(), self.store.engine.begin() as conn:
            upload_id = conn.execute(uploads.insert().values(
                account_id=account.id, unit_id=account.unit_id, sha256=digest, filename=name, size=len(data),
                created_at=self.store.clock(), summary=json.dumps(summary, ensure_ascii=False),
            )).inserted_primary_key[0]
        self._remember(upload_id, doc, report)
        log.info("upload #%d checked: %d bytes, %d findings", upload_id, len(data), len(report.findings))
        return upload_id

    def _blob(self, digest: str) -> Path:
        folder = self.blobs / digest[:2]
        folder.mkdir(exist_ok=True)
        return folder / digest

    def data(self, upload: Upload) -> bytes:
        return self._blob(upload.sha256).read_bytes()

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

    def _remember(self, upload_id: int, doc: Document, report: Report) -> None:
        with self._lock:
            self._cache[upload_id] = (doc, report)
            self._cache.move_to_end(upload_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def checked(self, upload: Upload) -> tuple[Document, Report]:
        """The document and its report (kept in memory for recent uploads, else checked again)."""
        with self._lock:
            hit = self._cache.get(upload.id)
        if hit is not None:
            return hit
        doc = read_bytes(self.data(upload), upload.filename, self.config.limits)
        report = check_document(doc, self.config)
        self._remember(upload.id, doc, report)
        return doc, report

    def annotated(self, upload: Upload) -> bytes:
        """A copy with one Word comment per finding, personal data masked in the comments."""
        from ..formats.annotate import annotate_docx

        doc, report = self.checked(upload)
        if doc.source_format != "docx":
            raise UnreadableDocument("unsupported", "只能批注 .docx 文件（请先另存为 .docx）")
        return annotate_docx(self.data(upload), report).data

    def redacted(self, upload: Upload) -> bytes:
        """The 公开稿: personal data masked in every part, verified by a scan of the copy (fail closed)."""
        from ..formats.package_scan import scan_package
        from ..formats.redact import redact_docx, redact_package

        data = self.data(upload)
        doc, _ = self.checked(upload)
        if doc.source_format != "docx":
            raise UnreadableDocument("unsupported", "只能为 .docx 文件生成遮蔽件（请先另存为 .docx）")
        runner = Runner(default_registry(), self.config.merged(select=("D1",), ignore=()))
        findings = [f for f in check_document(doc, runner.config, runner=runner).findings if f.sensitive]
        secret = Runner(default_registry(), self.config.merged(select=("S101",), ignore=()))
        if any(f.rule == "S101" for f in check_document(doc, secret.config, runner=secret).findings):
            raise UnreadableDocument("classified", "标有密级：涉密公文不得公开发布，不生成遮蔽件")
        result = redact_docx(data, doc, findings)
        package = redact_package(result.data, self.config, runner)
        scan = scan_package(package.data, upload.filename, self.config.limits, self.config, runner)
        left = scan.lines()
        if left:
            raise UnreadableDocument("redact_left", f"复查仍发现 {len(left)} 处，未生成遮蔽件：{left[0]}")
        return package.data

    # -- review -----------------------------------------------------------------------------

    def ref(self, upload: Upload) -> tuple[Document, DocumentRef]:
        doc, _ = self.checked(upload)
        try:
            print_ = fingerprint_bytes(self.data(upload))
        except FingerprintError:
            print_ = None
        ref = replace(identify(doc), path=upload.filename)
        if print_ is not None:
            ref = replace(ref, package_sha256=print_.digest, places=dict(print_.places))
        return doc, ref

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


def masker_for(report: Report, reveal: bool = False) -> Masker:
    return Masker(report.findings, reveal)
