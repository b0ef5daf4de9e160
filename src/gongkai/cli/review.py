"""``gongkai review …`` (三审三校 checklist), ``gongkai release`` (gate + 登记归档), ``gongkai archive``.

Exit codes: 0 done; 1 refused by the review rules (a stage out of order, a missing role, an
unmet release condition); 2 unusable input: unreadable document, bad configuration, or a
database that cannot be opened (one line naming it, never a traceback).
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

import click

from ..api import check_document
from ..config import Config, ConfigError, for_path, load
from ..formats import UnreadableDocument, read_bytes
from ..formats.fingerprint import FingerprintError, fingerprint_bytes
from ..formats.reader import read_file
from ..models import Document, Report
from ..output.timefmt import display_zone, local_time
from ..output import spreadsheet
from ..review.checklist import (
    PROOF,
    PROOF_ROUNDS,
    READ_ALOUD,
    SECRECY,
    SIGN,
    STAGES,
    START,
    WAIVE,
    Checklist,
    Event,
    Facts,
    FindingFact,
    CLASSIFIED_RULES,
    Missing,
    changed_places,
    gate,
    parse_stage,
    role_text,
    same_document,
    validate_roster,
)
from ..review.facts import document_facts, gate_findings
from ..store import DocumentRef, Record, SignInRequired, Store, StoreError, identify
from ..store.chain import Head
from ..store.database import ENV_DB
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, error_line, output_stream


def _fail(message: str, code: int) -> None:
    error_line(message)
    raise SystemExit(code)


def db_option(f):
    return click.option(
        "--db", envvar=ENV_DB, metavar="PATH|URL",
        help="审核登记库：SQLite 文件路径或 postgresql://… 地址（默认用户数据目录下的 review.sqlite3；也可设 GONGKAI_DB）。",
    )(f)


def config_option(f):
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False),
        help="配置文件（默认从文档所在文件夹向上查找 gongkai.toml），其中 [roster] 为人员名册。",
    )(f)


@dataclass
class Session:
    """The document as read now, the config and roster that apply to it, and the store."""

    doc: Document
    ref: DocumentRef
    config: Config
    roster: dict[str, str] | None
    store: Store

    def open_record(self) -> Record:
        record = self.store.find_open(self.ref)
        if record is None:
            done = self.store.released(self.ref)
            if done:
                _fail(f"{self.ref.path}: 该文档已于 {_when(done['released_at'], self.config)} 发布登记归档，"
                      "没有进行中的审核", EXIT_FINDINGS)
            _fail(f"{self.ref.path}: 没有进行中的审核记录（先运行 gongkai review start）", EXIT_FINDINGS)
        return record

    def check(self) -> Report:
        return check_document(self.doc, self.config)

    def event(self, kind: str, by: str, **fields) -> Event:
        """An event by ``by`` on the document as it is now, with their role from the roster."""
        return Event(kind, self.ref.content_sha256, by=by, role=role_text(self.roster, by),
                     package=self.ref.package_sha256, places=self.ref.places, **fields)

    def facts(self, report: Report) -> Facts:
        return document_facts(self.doc, self.config, report, self.ref)

    def gate_findings(self, report: Report) -> tuple[FindingFact, ...]:
        """The findings the release gate judges (review.facts: GATE_RULES whatever the configuration)."""
        return gate_findings(self.doc, self.config, report)

    def changed(self, state: Checklist) -> bool:
        """Whether the file differs from the one the review state was recorded on."""
        return state.content is not None and not same_document(
            state, self.ref.content_sha256, self.ref.package_sha256)


def _config(doc_path: str | None, config_path: str | None) -> Config:
    try:
        if config_path:
            return load(config_path)
        return for_path(doc_path or "./_")
    except ConfigError as exc:
        _fail(str(exc), EXIT_UNUSABLE)


def _when(iso: str | None, config: Config) -> str:
    """A stored UTC time as the clerk's local 2026-12-06 12:29 (output.timefmt)."""
    try:
        return local_time(iso, display_zone(config))
    except ValueError as exc:
        _fail(f"{config.source or '配置'}: {exc}", EXIT_UNUSABLE)


def _roster(config: Config) -> dict[str, str] | None:
    raw = config.section("roster")
    if not raw:
        return None
    try:
        return validate_roster(raw)
    except ValueError as exc:
        _fail(f"{config.source or '配置'}: {exc}", EXIT_UNUSABLE)


ENV_KEY_FILE = "GONGKAI_REGISTER_KEY_FILE"


def _register_settings(config: Config | None) -> tuple[bytes | None, str | None]:
    """``[register] key_file`` (else $GONGKAI_REGISTER_KEY_FILE) read, and ``head_file``; paths
    relative to the configuration file's folder."""
    raw = config.section("register") if config else {}
    unknown = set(raw) - {"key_file", "head_file"}
    where = (config.source if config and config.source else None) or "配置"
    if unknown:
        _fail(f"{where}: [register] 未知配置项 {', '.join(sorted(unknown))}（应为 key_file、head_file）", EXIT_UNUSABLE)
    base = Path(config.source).parent if config and config.source else Path.cwd()

    def resolve(value) -> Path:
        if not isinstance(value, str) or not value.strip():
            _fail(f"{where}: [register] 的路径应为非空字符串", EXIT_UNUSABLE)
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path

    key = None
    key_file = resolve(raw["key_file"]) if "key_file" in raw else (
        Path(os.environ[ENV_KEY_FILE]) if os.environ.get(ENV_KEY_FILE) else None)
    if key_file is not None:
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            _fail(f"{key_file}: 无法读取登记库密钥文件（{exc.strerror or exc}）", EXIT_UNUSABLE)
        if len(key) < 16:
            _fail(f"{key_file}: 登记库密钥太短（至少 16 个字节，例如 openssl rand -hex 32 的输出）", EXIT_UNUSABLE)
    head = str(resolve(raw["head_file"])) if "head_file" in raw else None
    return key, head


def _store(db: str | None, config: Config | None = None) -> Store:
    key, head = _register_settings(config)
    try:
        return Store(db, key=key, head_file=head)
    except StoreError as exc:
        _fail(str(exc), EXIT_UNUSABLE)


def _session(path: str, db: str | None, config_path: str | None) -> Session:
    config = _config(path, config_path)
    try:
        data = read_file(path, config.limits.max_file_mb)  # read once: the text and the fingerprint agree
        doc = read_bytes(data, str(path), config.limits)
    except UnreadableDocument as exc:
        _fail(f"{path}: {exc.message}", EXIT_UNUSABLE)
    try:
        print_ = fingerprint_bytes(data)
    except FingerprintError as exc:
        _fail(f"{path}: 无法计算发布指纹：{exc}", EXIT_UNUSABLE)
    ref = replace(identify(doc), package_sha256=print_.digest, places=dict(print_.places))
    store = _store(db, config)
    # once the office has accounts, their roles are the roster (the config's [roster] no longer applies)
    roster = store.account_roster() or _roster(config)
    return Session(doc, ref, config, roster, store)


def _guarded(fn):
    """Turn store errors raised mid-command into one line and exit 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SignInRequired as exc:  # the register has accounts: sign in at the desk
            _fail(str(exc), EXIT_FINDINGS)
        except StoreError as exc:
            _fail(str(exc), EXIT_UNUSABLE)

    return wrapper


def _masked(text: str | None) -> str | None:
    """A title, path or note as shown to anyone: numbers a validator recognises (an ID, a mobile, a
    card) masked. Review output has no report to say which names are personal; the register keeps
    the text as it was."""
    from ..masking import Masker

    return Masker()(text)


def _name(ref: DocumentRef) -> str:
    title = f"《{_masked(ref.title)}》" if ref.title else _masked(ref.path)
    return f"{title}（{ref.doc_number}）" if ref.doc_number else title


def _masked_entry(entry: dict) -> dict:
    """An archive entry for listing: title, path and the reasons and notes people wrote, masked."""
    out = {**entry, "title": _masked(entry.get("title")), "path": _masked(entry.get("path"))}
    out["waivers"] = [{**w, "reason": _masked(w.get("reason"))} for w in entry.get("waivers") or []]
    return out


def _record_event(s: Session, ev: Event, done: str) -> Checklist:
    record = s.open_record()
    before = s.store.state(record.id, s.roster)
    state, why = s.store.append(record.id, ev, s.ref, s.roster)
    if why is not None:
        _fail(f"{s.ref.path}: {why}", EXIT_FINDINGS)
    click.echo(f"{_name(s.ref)}：{done}")
    if before.content is not None and not same_document(before, ev.content, ev.package):
        redo = "、".join(st for st in state.redo) or "无"
        click.echo(f"注意：文档内容与上次审核记录不同，此前的审核作废；须重做的审核：{redo}，校对重新计数")
    return state


# --- review ------------------------------------------------------------------------------


@click.group()
def review() -> None:
    """三审三校：初审、复审、终审，三个校次，全文书面诵读，保密审查。

    依据《勺米镇政务公开信息审核发布管理制度》第一条、第二条、第九条。文档以发文字号（无则
    标题）识别，改名的副本仍对应同一审核记录；文档内容改动后，此前的签署作废，须重做。
    """


@review.command("start")
@click.argument("doc", type=click.Path())
@click.option("--important", is_flag=True, help="重要信息：发布前还须全文书面诵读。")
@click.option("--by", default="", help="起草人（可选）：起草人不得签署复审、终审，也不得进行全文书面诵读。")
@db_option
@config_option
@_guarded
def review_start(doc, important, by, db, config_path):
    """开始（或继续）一份文档的审核记录。"""
    s = _session(doc, db, config_path)
    existing = s.store.find_open(s.ref)
    before = s.store.state(existing.id, s.roster) if existing else None
    record, created = s.store.start(s.ref, s.event(START, by, important=important))
    state = s.store.state(record.id, s.roster)
    what = "已开始审核" if created else "继续已有的审核记录"
    round_ = f"，第 {record.round} 轮" if record.round > 1 else ""
    click.echo(f"{_name(s.ref)}：{what}（记录 #{record.id}{round_}{'，重要信息' if state.important else ''}）")
    click.echo(f"审核登记库：{s.store.name}（以后的 review、release、archive 命令须用同一个库：--db 或环境变量 GONGKAI_DB）")
    if before is not None and s.changed(before):
        redo = "、".join(state.redo) or "无"
        click.echo(f"注意：文档内容与上次审核记录不同，此前的审核作废；须重做的审核：{redo}，校对重新计数")


@review.command("sign")
@click.argument("doc", type=click.Path())
@click.option("--stage", required=True, help="审核阶段：初审/复审/终审（或 first/second/final）。")
@click.option("--by", required=True, help="签署人姓名。")
@click.option("--reject", is_flag=True, help="退回：该阶段重新打开，其后各阶段的签署作废。")
@click.option("--note", default="", help="意见。")
@db_option
@config_option
@_guarded
def review_sign(doc, stage, by, reject, note, db, config_path):
    """签署（或退回）一个审核阶段：须按初审→复审→终审的顺序。"""
    try:
        stage = parse_stage(stage)
    except ValueError as exc:
        _fail(str(exc), EXIT_UNUSABLE)
    s = _session(doc, db, config_path)
    ev = s.event(SIGN, by, stage=stage, reject=reject, note=note)
    _record_event(s, ev, f"{stage}已{'退回' if reject else '签署'}（{by}）")


@review.command("proof")
@click.argument("doc", type=click.Path())
@click.option("--by", required=True, help="校对人姓名。")
@click.option("--note", default="")
@db_option
@config_option
@_guarded
def review_proof(doc, by, note, db, config_path):
    """登记一个校次（每次调用一个校次，不少于三个校次）。"""
    s = _session(doc, db, config_path)
    state = _record_event(s, s.event(PROOF, by, note=note),
                          f"校对已登记（{by}）")
    click.echo(f"当前内容已校对 {len(state.proofs)} 个校次（至少 {PROOF_ROUNDS} 个）")


@review.command("read-aloud")
@click.argument("doc", type=click.Path())
@click.option("--by", required=True, help="诵读人姓名。")
@click.option("--note", default="")
@db_option
@config_option
@_guarded
def review_read_aloud(doc, by, note, db, config_path):
    """登记全文书面诵读（重要信息必须）。"""
    s = _session(doc, db, config_path)
    _record_event(s, s.event(READ_ALOUD, by, note=note),
                  f"全文书面诵读已登记（{by}）")


@review.command("secrecy")
@click.argument("doc", type=click.Path())
@click.option("--by", required=True, help="保密审查人姓名。")
@click.option("--note", default="")
@db_option
@config_option
@_guarded
def review_secrecy(doc, by, note, db, config_path):
    """登记保密审查（谁发布谁审查、事前审查）。"""
    s = _session(doc, db, config_path)
    _record_event(s, s.event(SECRECY, by, note=note),
                  f"保密审查已登记（{by}）")


@review.command("waive")
@click.argument("doc", type=click.Path())
@click.option("--rule", required=True, help="豁免的规则代码或前缀，如 D101；D1 豁免全部 D1xx。")
@click.option("--by", required=True, help="终审签署人姓名。")
@click.option("--reason", required=True, help="豁免理由。")
@db_option
@config_option
@_guarded
def review_waive(doc, rule, by, reason, db, config_path):
    """终审签署人豁免一条规则的发现（须写明理由）。"""
    s = _session(doc, db, config_path)
    rule = rule.strip().upper()
    report = s.check()
    # A code or a prefix, as in --select: D1 waives every D1xx finding, one waiver per code.
    codes = sorted({f.rule for f in s.gate_findings(report) if f.rule.startswith(rule)})
    if not rule or not codes:
        _fail(f"{s.ref.path}: 当前文档没有规则 {rule} 的发现，无需豁免", EXIT_FINDINGS)
    if rule not in codes:  # a prefix never takes a 密级 mark along (S1 waives S102, not S101)
        codes = [c for c in codes if c not in CLASSIFIED_RULES] or codes
    for code in codes:
        _record_event(s, s.event(WAIVE, by, rule=code, note=reason), f"已豁免 {code}（{by}：{reason}）")


@review.command("status")
@click.argument("doc", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@config_option
@_guarded
def review_status(doc, fmt, db, config_path):
    """审核进度、须重做的阶段和发布前还缺的事项。"""
    s = _session(doc, db, config_path)
    record = s.store.find_open(s.ref)
    released = None if record else s.store.released(s.ref)
    report = s.check()
    facts = s.facts(report)
    state = s.store.state(record.id, s.roster) if record else Checklist()
    missing = [] if released else gate(state, facts, s.roster)
    data = _status_dict(s, record, state, facts, missing, released)
    data["log"] = [
        {k: _masked(row[k]) if k in ("note", "path") else row[k]
         for k in ("kind", "stage", "actor", "role", "at", "reject", "rule", "note", "content_sha256",
                   "file_sha256", "path")}
        for row in (s.store.log(record.id) if record else [])
    ]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in _status_lines(data, lambda iso: _when(iso, s.config)):
            click.echo(line)
    raise SystemExit(EXIT_OK)


@review.command("stamp")
@click.argument("doc", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="写入的 .docx 副本。")
@db_option
@config_option
@_guarded
def review_stamp(doc, output, db, config_path):
    """把审核进度写入 .docx 副本的自定义属性（随文件流转，仅供参考，以登记库为准）。"""
    from pathlib import Path


    from ..store.stamp import stamp_docx

    s = _session(doc, db, config_path)
    if s.doc.source_format != "docx":
        _fail(f"{doc}: 只能写入 .docx 文件", EXIT_UNUSABLE)
    if Path(output).resolve() == Path(doc).resolve():
        _fail(f"{output}: 请写入副本，不要覆盖原文件", EXIT_UNUSABLE)
    record = s.store.find_open(s.ref)
    released = None if record else s.store.released(s.ref)
    if record is None and released is None:
        _fail(f"{doc}: 没有审核记录（先运行 gongkai review start）", EXIT_FINDINGS)
    state = s.store.state(record.id, s.roster) if record else Checklist()
    changed = s.changed(state)
    props = {"说明": "审核进度仅供参考，以审核登记库为准", "内容指纹": s.ref.content_sha256,
             "发布指纹": s.ref.package_sha256 or ""}
    if released:
        props["登记归档"] = f"登记号 {released['id']}，{released['released_at']}"
        for stage in STAGES:
            act = released["reviewers"].get(stage)
            props[stage] = f"{act['by']} {act['at']}" if act else ""
    else:
        props["审核记录"] = f"#{record.id}"
        for stage in STAGES:
            act = None if changed else state.signed.get(stage)
            props[stage] = f"{act.by} {act.at}" if act else ("须重做" if changed or stage in state.redo else "未签署")
        props["校对"] = f"{0 if changed else len(state.proofs)}/{PROOF_ROUNDS}"
        props["保密审查"] = "已完成" if state.secrecy and not changed else "未完成"
        if state.important:
            props["全文书面诵读"] = "已完成" if state.read_aloud and not changed else "未完成"
    try:
        data = stamp_docx(Path(doc).read_bytes(), props)
        Path(output).write_bytes(data)
    except OSError as exc:
        _fail(f"{output}: 无法写入（{exc.strerror or exc}）", EXIT_UNUSABLE)
    except UnreadableDocument as exc:  # a damaged member, a DTD, a part past the limits
        _fail(f"{doc}: {exc.message}", EXIT_UNUSABLE)
    except (ValueError, KeyError) as exc:
        _fail(f"{doc}: 无法写入自定义属性（{exc}）", EXIT_UNUSABLE)
    click.echo(f"{_name(s.ref)}：审核进度已写入 {output}")


def _act(act) -> dict | None:
    return None if act is None else {"by": act.by, "at": act.at, "note": _masked(act.note)}


def _status_dict(s: Session, record, state: Checklist, facts: Facts, missing: list[Missing], released) -> dict:
    changed = s.changed(state)
    stages = []
    for stage in STAGES:
        act = None if changed else state.signed.get(stage)
        if act:
            status = "signed"
        elif changed and (stage in state.signed or stage in state.redo) or stage in state.redo:
            status = "redo"
        elif stage in state.rejected and not changed:
            status = "rejected"
        else:
            status = "open"
        entry = {"stage": stage, "status": status, "signed": _act(act)}
        if status == "rejected":
            entry["rejected"] = _act(state.rejected[stage])
        stages.append(entry)

    def current(v):
        return None if changed else v

    return {
        "document": {
            "key": s.ref.key, "title": _masked(s.ref.title), "doc_number": s.ref.doc_number,
            "path": _masked(s.ref.path),
            "sha256": s.ref.file_sha256, "content_sha256": s.ref.content_sha256,
            "package_sha256": s.ref.package_sha256, "label": facts.label,
        },
        "record": None if record is None else {"id": record.id, "round": record.round, "created_at": record.created_at},
        "released": released,
        "important": state.important,
        "content_changed": changed,
        "changed_places": changed_places(state, facts) if changed else [],
        "stages": stages,
        "redo": [st["stage"] for st in stages if st["status"] == "redo"],
        "proofs": {"count": 0 if changed else len(state.proofs), "required": PROOF_ROUNDS,
                   "rounds": [] if changed else [_act(a) for a in state.proofs]},
        "read_aloud": {"required": state.important, "done": _act(current(state.read_aloud))},
        "secrecy": _act(current(state.secrecy)),
        "waivers": [] if changed else [
            {"rule": rule, "by": a.by, "reason": a.note, "at": a.at} for rule, a in state.waivers.items()
        ],
        "findings": {"error": sum(f.severity == "error" for f in facts.findings),
                     "unwaived_errors": sorted({f.rule for f in facts.findings if f.severity == "error"
                                                and (changed or f.rule not in state.waivers)})},
        "roster": s.roster is not None,
        "releasable": released is None and record is not None and not missing,
        "missing": [m.to_dict() for m in missing],
    }


STATUS_WORDS = {"signed": "已签署", "open": "未签署", "redo": "须重做", "rejected": "被退回"}


def _status_lines(d: dict, when=local_time) -> list[str]:
    doc = d["document"]
    head = f"《{doc['title']}》" if doc["title"] else doc["path"]
    if doc["doc_number"]:
        head += f"（{doc['doc_number']}）"
    lines = [head, f"  内容指纹 {doc['content_sha256'][:16]}…  公开属性 {doc['label'] or '未标注'}"]
    if d["released"]:
        r = d["released"]
        lines.append(f"  已于 {when(r['released_at'])} 发布登记归档（登记号 {r['id']}）")
        return lines
    if d["record"] is None:
        lines.append("  没有审核记录（gongkai review start 开始）")
        return lines
    lines[0] += f"  记录 #{d['record']['id']}" + ("  重要信息" if d["important"] else "")
    if d["content_changed"]:
        lines.append("  ！文档内容在审核记录之后已改动：此前的签署、校对、诵读和保密审查均须重做")
        if d["changed_places"]:
            lines.append("    改动之处：" + "、".join(d["changed_places"]))
    for st in d["stages"]:
        who = f"  {st['signed']['by']}  {when(st['signed']['at'])}" if st["signed"] else ""
        if st["status"] == "rejected":
            r = st["rejected"]
            who = f"  {r['by']} 退回  {when(r['at'])}" + (f"：{r['note']}" if r["note"] else "")
        lines.append(f"  {st['stage']}  {STATUS_WORDS[st['status']]}{who}")
    p = d["proofs"]
    lines.append(f"  校对  {p['count']}/{p['required']} 个校次" + (
        "（" + "、".join(r["by"] for r in p["rounds"]) + "）" if p["rounds"] else ""))
    if d["read_aloud"]["required"]:
        ra = d["read_aloud"]["done"]
        lines.append(f"  全文书面诵读  {'已完成  ' + ra['by'] if ra else '未完成'}")
    sc = d["secrecy"]
    lines.append(f"  保密审查  {'已完成  ' + sc['by'] if sc else '未完成'}")
    for w in d["waivers"]:
        lines.append(f"  豁免 {w['rule']}  {w['by']}：{w['reason']}")
    if d["missing"]:
        lines.append(f"  发布前还缺 {len(d['missing'])} 项：")
        lines += [f"    - {m['message']}（{m['basis']}）" for m in d["missing"]]
    else:
        lines.append("  各项齐备，可以发布（gongkai release）")
    return lines


# --- release -----------------------------------------------------------------------------


@click.command()
@click.argument("doc", type=click.Path())
@click.option("--by", default="", help="发布人（可选，记入登记）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@config_option
@_guarded
def release(doc, by, fmt, db, config_path):
    """发布闸门：三审、三校、诵读、保密审查、公开属性、错误级发现和内容未改动全部满足时
    登记归档（退出码 0）；否则列出所缺各项（退出码 1）。"""
    s = _session(doc, db, config_path)
    record = s.store.find_open(s.ref)
    if record is None:
        done = s.store.released(s.ref)
        if done:
            _emit_release(fmt, s, done, [], already=True)
            raise SystemExit(EXIT_OK)
        missing = [Missing("not_started", "没有进行中的审核记录（gongkai review start）", "")]
        _emit_release(fmt, s, None, missing)
        raise SystemExit(EXIT_FINDINGS)
    report = s.check()
    summary = dict(report.summary)
    missing, entry = s.store.release(record, s.ref, s.facts(report), s.roster, by=by, findings_summary=summary)
    _emit_release(fmt, s, entry, missing)
    raise SystemExit(EXIT_FINDINGS if missing else EXIT_OK)


def _emit_release(fmt: str, s: Session, entry, missing: list[Missing], already: bool = False) -> None:
    head = _entry_head(entry) if entry and not missing else None
    if fmt == "json":
        click.echo(json.dumps({"released": not missing, "already": already, "archive": entry,
                               "register_head": head.token() if head else None,
                               "missing": [m.to_dict() for m in missing],
                               "document": {"path": s.ref.path, "content_sha256": s.ref.content_sha256,
                                            "package_sha256": s.ref.package_sha256}},
                              ensure_ascii=False, indent=2))
        return
    if missing:
        click.echo(f"{_name(s.ref)}：不能发布，还缺 {len(missing)} 项：")
        for m in missing:
            click.echo(f"  - {m.message}" + (f"（{m.basis}）" if m.basis else ""))
    elif already:
        click.echo(f"{_name(s.ref)}：已于 {_when(entry['released_at'], s.config)} 发布登记归档"
                   f"（登记号 {entry['id']}），未重复登记")
    else:
        click.echo(f"{_name(s.ref)}：审核齐备，已登记归档（登记号 {entry['id']}，{_when(entry['released_at'], s.config)}）")
    if entry and not missing:
        for w in entry.get("waivers") or []:
            click.echo(f"  终审签署人说明理由后发布：{w['rule']}（{w['by']}：{w['reason']}）")
    if head:
        click.echo(f"  登记库链头：{head.text()}（请随回执留存；gongkai archive verify --head {head.seq}:… 可核对）")


def _entry_head(entry: dict) -> Head | None:
    """The chain's head as it was when ``entry`` was written (its own link)."""
    if entry.get("seq") is None or not entry.get("link_hash"):
        return None
    return Head(entry["seq"], entry["link_hash"])


# --- archive -----------------------------------------------------------------------------


@click.group()
def archive() -> None:
    """网站信息发布登记归档（《勺米镇政务公开信息审核发布管理制度》第十二条）。"""


ARCHIVE_COLUMNS = (
    ("id", "登记号"), ("released_at", "发布登记时间"), ("title", "标题"), ("doc_number", "文号"),
    ("label", "公开属性"), ("content_sha256", "内容指纹"), ("file_sha256", "文件sha256"), ("path", "文件"),
    ("初审", "初审"), ("复审", "复审"), ("终审", "终审"), ("校对", "校对"), ("全文书面诵读", "全文书面诵读"),
    ("保密审查", "保密审查"), ("waivers", "豁免"), ("released_by", "发布人"),
)


def _flat(entry: dict, when=local_time) -> dict:
    r = entry["reviewers"]

    def who(a):
        return f"{a['by']} {when(a['at'])}" if a else ""

    row = {k: entry.get(k) or "" for k, _ in ARCHIVE_COLUMNS if k in entry}
    row["released_at"] = when(entry.get("released_at"))
    for stage in STAGES:
        row[stage] = who(r.get(stage))
    row["校对"] = "；".join(who(a) for a in r.get("校对", []))
    row["全文书面诵读"] = who(r.get("全文书面诵读"))
    row["保密审查"] = who(r.get("保密审查"))
    row["waivers"] = "；".join(f"{w['rule']} {w['by']}：{w['reason']}" for w in entry["waivers"])
    return row


def _archive_config(config_path: str | None) -> Config:
    return _config(None, config_path)


@archive.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="csv 带 UTF-8 BOM，可直接用 Excel 打开。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
@db_option
@config_option
@_guarded
def archive_list(fmt, output, db, config_path):
    """列出全部登记归档记录：标题、文号、公开属性、内容指纹、审核人和时间，以及登记库的链头。"""
    store = _store(db, _archive_config(config_path))
    entries = [_masked_entry(e) for e in store.archive_entries()]
    head = store.head()
    head_line = f"登记库链头：{head.text()}" if head.seq else "登记库链头：（尚无链上记录）"
    config = _config(None, config_path)

    def when(iso):
        return _when(iso, config)

    if fmt == "json":
        text = json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
        error_line(head_line)  # the list stays a JSON array; the head goes to standard error
    elif fmt == "csv":
        buf = io.StringIO()
        writer = spreadsheet.writer(buf)  # formula-like cells (a title "=HYPERLINK(…)") written as text
        # two columns more: the entry's own place on the chain, and the head when exported
        writer.writerow([label for _, label in ARCHIVE_COLUMNS] + ["登记链接", "导出时登记库链头"])
        for e in entries:
            row = _flat(e, when)
            own = _entry_head(e)
            writer.writerow([row.get(k, "") for k, _ in ARCHIVE_COLUMNS]
                            + [own.token() if own else "", head.token() if head.seq else ""])
        text = "\ufeff" + buf.getvalue()
    else:
        lines = []
        for e in entries:
            row = _flat(e, when)
            lines.append(f"#{e['id']}  {row['released_at']}  《{e['title'] or e['path']}》  {e['doc_number'] or '无文号'}"
                         f"  {e['label'] or ''}  {e['content_sha256'][:12]}")
            lines.append(f"    初审 {row['初审']}；复审 {row['复审']}；终审 {row['终审']}")
            lines.append(f"    校对 {row['校对']}；保密审查 {row['保密审查']}"
                         + (f"；全文书面诵读 {row['全文书面诵读']}" if row["全文书面诵读"] else ""))
            if row["waivers"]:
                lines.append(f"    豁免 {row['waivers']}")
        lines.append(f"共 {len(entries)} 条登记归档记录")
        lines.append(head_line)
        text = "\n".join(lines) + "\n"
    if output and fmt == "csv":
        try:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            _fail(f"{output}: 无法写入输出文件（{exc.strerror or exc}）", EXIT_UNUSABLE)
        return
    try:
        with output_stream(output) as out:
            out.write(text)
    except click.ClickException as exc:
        _fail(exc.format_message(), EXIT_UNUSABLE)


def _parse_head(value: str | None) -> Head | None:
    if not value:
        return None
    seq, _, link = value.strip().partition(":")
    link = link.strip()
    if not seq.strip().isdigit() or len(link.rpartition(":")[2]) < 16:
        _fail(f"--head {value!r}: 应为 序号:链接（回执上的“第 N 条 …”，链接至少写前 16 位），"
              "如 12:sha256:3f5a…", EXIT_UNUSABLE)
    return Head(int(seq), link)


@archive.command("verify")
@click.option("--head", "expected", metavar="序号:链接", help="发布回执或导出上记下的链头，核对它仍在链上。")
@db_option
@config_option
@_guarded
def archive_verify(expected, db, config_path):
    """核验登记库的哈希链：逐条重算链接，对照头文件，报告第一处断链（退出码 0 完整，1 有断链）。"""
    want = _parse_head(expected)
    store = _store(db, _archive_config(config_path))
    verdict = store.verify(want)
    keyed = "（链接以密钥计算）" if store.key else ""
    if verdict.ok:
        if verdict.rows:
            click.echo(f"{store.name}: 登记库完整：{verdict.rows} 条链上记录{keyed}，链头 {verdict.head.text()}")
        else:
            click.echo(f"{store.name}: 登记库尚无链上记录")
        if verdict.legacy:
            click.echo(f"注意：另有 {verdict.legacy} 条记录写于哈希链启用之前，不受链保护")
        if store.head_path is None:
            click.echo("注意：此登记库没有头文件（PostgreSQL 可在 [register] head_file 配置），"
                       "最后几条记录是否被删除须以发布回执上的链头（--head）核对")
        raise SystemExit(EXIT_OK)
    click.echo(f"{store.name}: 登记库被改动：{verdict.problems[0]}")
    click.echo(f"（已核验的链上记录 {verdict.rows} 条；依据《勺米镇政务公开信息审核发布管理制度》第十二条，"
               "登记归档须完整可查，请从备份恢复并查明原因）")
    raise SystemExit(EXIT_FINDINGS)


@archive.command("backup")
@click.argument("dest", metavar="备份文件", type=click.Path(dir_okay=False))
@db_option
@config_option
@_guarded
def archive_backup(dest, db, config_path):
    """用 SQLite 在线备份接口把登记库复制到备份文件（连同其头文件“备份文件.head”），复制过程中照常可写。"""
    store = _store(db, _archive_config(config_path))
    path, verdict = store.backup(dest)
    head = f"，链头 {verdict.head.text()}" if verdict.head.seq else ""
    click.echo(f"{store.name}: 已备份到 {path}（头文件 {path}.head）{head}")
    if not verdict.ok:
        click.echo(f"注意：备份中的登记库核验未通过：{verdict.problems[0]}")
        raise SystemExit(EXIT_FINDINGS)
