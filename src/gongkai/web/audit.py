"""The web desk's attribute audit (党政办), without HTTP: a set of issued documents — uploaded, or
read from a folder under the configured ``audit_root`` — checked through the desk (so every row
opens as that document's report), one row each from the core's ``attributes.audit.row_for``
(masked there), kept as a small JSON file per audit under the desk's data folder.

A folder is named relative to ``audit_root`` and must stay inside it: ``..``, an absolute path
elsewhere and a symbolic link leading out are refused; nothing outside the root is ever read.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from ..attributes.audit import STATUS_NAMES, AuditRow, row_for, summarise, summary_line
from ..files import write_atomic
from ..formats import UnreadableDocument, iter_sources
from ..masking import Masker
from ..models import ReadError
from ..store.accounts import Account
from .desk import SEE_ALL, Desk, Refused, safe_name

#: The page's filters: name → (label, test on a stored row).
FILTERS = {
    "missing": "未标识",
    "conflict": "不一致",
    "restricted-content": "主动公开夹带不公开内容",
    "forwarded": "转发公文属性未继承",
    "unreadable": "无法读取",
}
#: Most documents one folder audit reads (a larger archive: ``gongkai audit`` or ``gongkai batch``).
MAX_FOLDER_DOCUMENTS = 500


class AuditError(ValueError):
    """A refused audit request: one line for the page."""


@dataclass(frozen=True, slots=True)
class Audit:
    id: int
    account_id: int
    unit_id: int | None
    created_at: str
    source: str
    rows: list[dict]  # AuditRow.to_dict() + "upload" (id or None) + "forwarded" (bool)

    @property
    def summary(self) -> dict[str, int]:
        return summarise(_row(r) for r in self.rows)

    @property
    def summary_line(self) -> str:
        return summary_line(self.summary)

    def matching(self, name: str | None) -> list[dict]:
        if not name:
            return list(self.rows)
        if name == "forwarded":
            return [r for r in self.rows if r.get("forwarded")]
        return [r for r in self.rows if r["status"] == name]


def _row(d: dict) -> AuditRow:
    return AuditRow(**{k: d[k] for k in AuditRow.__dataclass_fields__})


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def inside(root: Path, given: str) -> Path:
    """The folder ``given`` (relative to ``root``, or absolute) if it lies inside ``root``; else AuditError."""
    given = (given or "").strip()
    if "\x00" in given:
        raise AuditError("文件夹路径含非法字符")
    parts = Path(given.replace("\\", "/")).parts
    if ".." in parts:
        raise AuditError("文件夹路径不能含“..”：只能审核允许的根文件夹之内的文件夹")
    base = root.resolve()
    target = (base / given).resolve()  # symbolic links resolved: one leading out is refused below
    if target != base and base not in target.parents:
        raise AuditError("只能审核允许的根文件夹之内的文件夹")
    if not target.is_dir():
        raise AuditError("没有这个文件夹")
    return target


class Audits:
    """Audits kept as ``<folder>/<id>.json``; the documents themselves are the desk's uploads."""

    def __init__(self, desk: Desk, folder: Path, root: Path | None = None):
        self.desk = desk
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.root = Path(root) if root is not None else None
        self._lock = threading.Lock()

    # -- making an audit --------------------------------------------------------------------

    def from_files(self, files: list[tuple[str, bytes]], account: Account) -> Audit:
        rows: list[dict] = []
        for name, data in files:
            ids, refused = self.desk.accept(name, data, account)
            rows += [self._checked(i) for i in ids]
            rows += [self._refused(r) for r in refused]
        return self._save(rows, account, f"上传 {len(files)} 个文件")

    def from_folder(self, given: str, account: Account) -> Audit:
        if self.root is None:
            raise AuditError("未配置可审核的服务器文件夹（启动时用 gongkai serve --audit-root 指定）")
        target = inside(self.root, given)
        limits = self.desk.config.limits
        rows: list[dict] = []
        for item in iter_sources([target], limits):
            if len(rows) >= MAX_FOLDER_DOCUMENTS:
                raise AuditError(f"文件夹中的文档超过 {MAX_FOLDER_DOCUMENTS} 份：请用 gongkai audit 或 gongkai batch")
            if isinstance(item, ReadError):
                rows.append(self._refused(Refused(_relative(item.file, target), item.message)))
                continue
            try:
                data = item.read_bytes(limits)
            except UnreadableDocument as exc:  # an unreadable file is a row, not a failed audit
                rows.append(self._refused(Refused(_relative(item.name, target), exc.message)))
                continue
            ids, refused = self.desk.accept(_relative(item.name, target), data, account)
            rows += [self._checked(i) for i in ids]
            rows += [self._refused(r) for r in refused]
        shown = str(target.relative_to(self.root.resolve())) if target != self.root.resolve() else "（根文件夹）"
        return self._save(rows, account, f"文件夹 {shown}")

    def _checked(self, upload_id: int) -> dict:
        upload = self.desk.upload(upload_id)
        _, report = self.desk.checked(upload)
        row = row_for(report)
        row.file = Masker(report.findings)(upload.filename)
        d = row.to_dict()
        d["upload"] = upload_id
        d["forwarded"] = any(f.kind == "forwarded_attribute" for f in report.findings)
        return d

    @staticmethod
    def _refused(r: Refused) -> dict:
        d = row_for(ReadError(Masker()(r.name), "unreadable", r.reason)).to_dict()
        d["upload"], d["forwarded"] = None, False
        return d

    def _save(self, rows: list[dict], account: Account, source: str) -> Audit:
        with self._lock:
            taken = [int(p.stem) for p in self.folder.glob("*.json") if p.stem.isdigit()]
            audit = Audit(max(taken, default=0) + 1, account.id, account.unit_id, self.desk.store.clock(), source, rows)
            path = self.folder / f"{audit.id}.json"
            write_atomic(path, json.dumps({"id": audit.id, "account_id": audit.account_id, "unit_id": audit.unit_id,
                                           "created_at": audit.created_at, "source": audit.source, "rows": rows},
                                          ensure_ascii=False))
        return audit

    # -- reading ----------------------------------------------------------------------------

    def get(self, audit_id: int) -> Audit | None:
        path = self.folder / f"{int(audit_id)}.json"
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Audit(d["id"], d["account_id"], d["unit_id"], d["created_at"], d["source"], d["rows"])

    def all_for(self, account: Account) -> list[Audit]:
        found = [self.get(int(p.stem)) for p in self.folder.glob("*.json") if p.stem.isdigit()]
        return sorted((a for a in found if a and visible(a, account)), key=lambda a: -a.id)


def visible(audit: Audit, account: Account) -> bool:
    """As a document: its maker, their unit, the leaders and the 党政办."""
    if audit.account_id == account.id or account.has(*SEE_ALL):
        return True
    return account.unit_id is not None and audit.unit_id == account.unit_id


def _relative(name: str, root: Path) -> str:
    try:
        return str(Path(name).relative_to(root))
    except ValueError:
        return safe_name(name)
