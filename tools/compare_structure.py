"""Record the full parse_structure result of many documents; compare with a saved run.

    PYTHONPATH=src python3 tools/compare_structure.py save  /tmp/structure_before.jsonl
    PYTHONPATH=src python3 tools/compare_structure.py check /tmp/structure_before.jsonl
    PYTHONPATH=src python3 tools/compare_structure.py time  [REV]

Documents: both labelled splits (benchmarks/data), the govcn-2019 bodies (when
/work/shared is present), every .docx under tests/ and examples/, the label test data, the
examples of every registered rule, and a few hundred synthetic variants (labels in headers,
footers and attachments, 转发/印发 notices, 抄送/印发 tails, dates, 发文字号…), generated
from a fixed seed. Each line holds every field of the Structure (dataclasses.asdict) and the
raw ``labels.find_in_text`` result of every block that has one. ``check`` exits 1 and prints
the first differences when any line differs. Used to prove that speed work changes no output.

``time`` runs parse_structure as committed at REV (default HEAD) and as in the working tree,
in alternate rounds over the labelled test split, the govcn-2019 bodies and eval_dev, and
prints the best of 20 rounds of each in CPU time of the process (steadier than wall time on a
shared machine).
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools"))

from screening_eval import GOVCN, to_document
from snapshot import save_or_check

from gongkai.attributes import labels as L
from gongkai.attributes.structure import parse_structure
from gongkai.models import Block, Document


def _real() -> Iterator[tuple[str, Document]]:
    for split in ("eval_dev", "eval_test"):
        for line in (ROOT / "benchmarks" / "data" / f"{split}.jsonl").open(encoding="utf-8"):
            rec = json.loads(line)
            yield f"{split}/{rec['id']}", to_document(rec)
    if GOVCN.exists():
        for line in GOVCN.open(encoding="utf-8"):
            d = json.loads(line)
            yield f"govcn/{d['id']}", Document.from_text(d["body"], path=d["id"])
    else:
        print(f"(note: {GOVCN} not found, govcn bodies skipped)", file=sys.stderr)
    from gongkai.formats import read_path

    for folder in ("tests", "examples"):
        for path in sorted((ROOT / folder).rglob("*.docx")):
            yield f"docx/{path.relative_to(ROOT)}", read_path(path)
    for line in (ROOT / "tests" / "attributes" / "data" / "govcn_labels.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        yield f"labels/{d['id']}", Document.from_text(d["text"], path=d["id"])


def _rule_examples() -> Iterator[tuple[str, Document]]:
    from gongkai.engine import default_registry

    for rule in default_registry():
        for attr in ("fires", "silent"):
            for i, example in enumerate(getattr(rule, attr)):
                built = example() if callable(example) else Document.from_text(example)
                doc = built[0] if isinstance(built, tuple) else built
                yield f"rule/{rule.code}/{attr}/{i}", doc


# Pieces of synthetic 公文: every list is sampled, some deliberately malformed.
COPY_NUMBERS = ["000123", "份号：000045", "份号 000046", "00012", "0001234"]
SECRETS = ["秘密★1年", "机密", "绝密★10年", "秘密 ☆ 6个月", "机密★长期，不得外传，违者依法追究责任并通报批评"]
URGENCIES = ["特急", "加急", "平急", "特急件"]
BANNERS = ["勺米镇人民政府文件", "云岭区人民政府办公室函", "中共勺米镇委员会文件", "勺米镇党政办公室（便函）函",
           "勺米镇人民政府关于文件", "勺米镇会议纪要", "云岭区应急管理局简报"]
NUMBERS = ["勺府发〔2025〕12号", "勺府办函[2024]3号", "云府发（2023）第5号", "勺党发【2022】 7 号", "云应急〔25〕108号",
           "勺府发〔2025〕12号            签发人：张 三", "签发人：李四四    云府报〔2025〕3号", "国发﹝2019﹞1号",
           "关于勺府发〔2025〕12号文件的说明", "勺府发〔2025〕12号。", "ABC(2020)99号"]
TITLES = [
    ["勺米镇人民政府关于做好", "2025年春季森林防火工作的通知"],
    ["关于开展秸秆禁烧工作的通知"],
    ["勺米镇人民政府关于调整低保标准的请示"],
    ["关于转发《云岭区农村人居环境整治实施方案》的通知"],
    ["勺米镇人民政府关于印发", "勺米镇防汛抗旱应急预案的通知"],
    ["关于商请支持道路建设的函"],
    ["云岭区人民政府办公室关于批转区财政局", "关于2025年预算执行情况报告的通知"],
    ["国务院关于棉粮、糖粮挂钩奖售粮", "几 个 问 题 的 通 知"],
    ["勺米镇2025年工作要点"],
    ["关于公布2025年惠民资金发放名单的公示"],
    ["勺米镇人民政府", "关于2024年度工作情况的报告"],
    ["关于印发《勺米镇财务管理办法（试行）》的通知"],
    ["勺米镇安全生产工作会议纪要"],
    ["关于进一步加强基层治理", "推进乡村振兴", "建立健全长效机制", "的实施意见"],
    ["勺米镇村务公开制度"],
    ["关于转送云岭区应急管理局", "云应急〔2025〕8号文件的通知"],
    ["中共勺米镇委员会 勺米镇人民政府关于表彰先进的决定"],
    ["勺米镇人民政府令"],
    ["勺米镇集镇停车管理办法(试行)"], ["勺米镇村务公开制度（征求意见稿）"],
    ["勺米镇村务公开办法（试行） （征求意见稿）"],
]
RECIPIENTS = ["各村（社区），镇属各单位：", "云岭区人民政府：", "区财政局：", "现将有关事项通知如下：", "各站所:",
              "全体干部职工：", "中共云岭区委：", "云岭区自然资源局：", "市人民政府、区委办公室：",
              "根据工作安排，现将有关事项通知如下：", "上级主管部门：", "附件：名单"]
BODY = [
    "为切实做好春季森林防火工作，现将有关事项通知如下。",
    "一、严格野外火源管控。", "（一）加强巡查。", "1.每日巡山不少于两次。", "第一条 为规范管理，制定本办法。",
    "妥否，请批示。", "特此函告。", "请予以支持为盼。", "请于2025年4月1日前反馈。", "现将2024年工作情况报告如下：",
    "恳请区人民政府给予资金支持和审批。", "特此报告。", "请研究提出意见。",
    "请各村在公示材料上标注“（此件公开发布）”字样，并于5月前完成。",
    "公开方式：主动公开。本通知自发布之日起施行，各单位要认真贯彻执行。",
    "经研究，决定于2025年5月1日起执行新标准，联系电话：0858-8123456。",
    "本文件所称公开，是指依申请公开以外的公开方式。",
    "   ", "",
    "联系人：王五，联系电话：13885811234。",
    "会议于2025年3月5日在镇政府会议室召开，印发了会议材料。",
    "（略）",
    "二、工作要求", "各单位要高度重视，如下：",
]
ATTACHMENT_NOTES = [["附件：1.森林防火责任人名单", "2.森林防火值班表"], ["附件：防汛应急预案"],
                    ["附件：1. 名单", "2、值班表", "（3）联系方式", "4.说明。"], ["附 件 2：补助标准"], []]
ISSUERS = ["勺米镇人民政府", "中共勺米镇委员会", "勺米镇党政办公室", "云岭区应急管理局", "勺米镇人民政府（盖章）",
           "勺米镇人民政府办公室。", "张三"]
DATES = ["2025年3月5日", "二〇二五年三月五日", "2025 年 3 月 5 日", "一九八一年五月十二日", "2025年13月40日",
         "2025年3月5日（星期三）", "2025.3.5"]
NOTES = ["（此件公开发布）", "（此件不予公开）", "（本文有删减）", "（此件依申请公开）", "【此件主动公开】",
         "此件公开发布。",
         "(联系人：王五，电话：0858-8123456)", "（此件免予公开）", "（本件不公开）", "[此件有删减]"]
LABEL_LINES = ["公开方式：主动公开", "公开属性：依申请公开", "信息公开选项：不予公开", "公开类型: 不公开",
               "公开方式：依申请", "公开方式：主动公开  （此件公开发布）", "信息公开属性：免予公开"]
TAILS = [["抄送：云岭区人民政府办公室。", "勺米镇党政办公室          2025年3月5日印发"],
         ["抄 报：区委，区政府。", "主送：各村", "勺米镇党政办公室印发"],
         ["勺米镇党政办公室 2025年3月6日 印发"], ["抄送：区财政局。"], ["主送：各村（社区）。", "2025年3月6日印发"], []]
ATTACHMENT_HEADS = ["附件", "附件1", "附件2：", "附 件", "附件 1"]
INNER_HEADS = [["云岭区人民政府文件", "云府发〔2025〕3号", "云岭区农村人居环境整治实施方案"],
               ["云应急〔2025〕8号", "关于加强汛期值班的通知", "各乡镇：", "请加强值班。"],
               ["勺米镇防汛抗旱应急预案", "一、总则", "（此件公开发布）"],
               ["名单", "1.张三", "2.李四"]]
SIDE_TEXTS = ["（此件公开发布）", "公开方式：依申请公开", "第 1 页 共 3 页", "勺米镇人民政府", "（本文有删减）",
              "请注意：本页内容仅供参考，不得外传，（此件不予公开）的材料须按规定另行管理", ""]
PROPS = [{}, {"公开属性": "主动公开"}, {"disclosure": "依申请公开"}, {"公开方式": "此件不予公开"}, {"其他": "x"}]


def _maybe(rng: random.Random, p: float, items):
    return rng.choice(items) if rng.random() < p else None


def _synthetic_lines(rng: random.Random) -> list[str]:
    lines: list[str] = []
    for items, p in ((COPY_NUMBERS, 0.3), (SECRETS, 0.3), (URGENCIES, 0.3), (BANNERS, 0.5)):
        x = _maybe(rng, p, items)
        if x:
            lines.append(x)
    number = _maybe(rng, 0.6, NUMBERS)
    title = list(rng.choice(TITLES))
    if number and rng.random() < 0.3:
        lines += title + [number]  # web copies: the title before the 发文字号
    else:
        lines += ([number] if number else []) + title
    if rng.random() < 0.8:
        lines.append(rng.choice(RECIPIENTS))
    lines += rng.sample(BODY, rng.randint(1, 8))
    lines += rng.choice(ATTACHMENT_NOTES)
    if rng.random() < 0.8:
        lines.append(rng.choice(ISSUERS))
    if rng.random() < 0.85:
        lines.append(rng.choice(DATES))
    if rng.random() < 0.6:
        lines.append(rng.choice(NOTES))
    if rng.random() < 0.3:
        lines.append(rng.choice(LABEL_LINES))
    if rng.random() < 0.5:
        if rng.random() < 0.7:
            lines.append(rng.choice(ATTACHMENT_HEADS))
        lines += rng.choice(INNER_HEADS) + rng.sample(BODY, rng.randint(0, 3))
        if rng.random() < 0.5:
            lines.append(rng.choice(NOTES + LABEL_LINES))
    lines += rng.choice(TAILS)
    # Drafting noise: stray spaces, half-width colons, a label at a random place.
    out = []
    for line in lines:
        r = rng.random()
        if r < 0.05:
            line = "  " + line + "\u3000"
        elif r < 0.08:
            line = line.replace("：", ":")
        elif r < 0.10:
            line = " ".join(line)
        out.append(line)
    if rng.random() < 0.2:
        out.insert(rng.randrange(len(out) + 1), rng.choice(NOTES + LABEL_LINES))
    return out


def _synthetic(n: int = 400) -> Iterator[tuple[str, Document]]:
    rng = random.Random(9704)
    for i in range(n):
        doc = Document(path=f"synthetic-{i}")
        lines = _synthetic_lines(rng)
        table_at = rng.randrange(len(lines)) if rng.random() < 0.2 else -1
        counters = {"body": 0}
        for j, line in enumerate(lines):
            part = "table" if 0 <= table_at <= j < table_at + 2 else "body"
            doc.add_block(Block(text=line, part=part, paragraph=counters["body"]))
            counters["body"] += 1
        for part in ("header", "footer", "textbox", "footnote", "comment", "endnote"):
            if rng.random() < 0.25:
                doc.add_block(Block(text=rng.choice(SIDE_TEXTS), part=part))
        if rng.random() < 0.15:  # a header read before the body
            doc.blocks.insert(0, Block(text=rng.choice(SIDE_TEXTS), part="header"))
            for k, b in enumerate(doc.blocks):
                b.index = k
        doc.custom_properties.update(rng.choice(PROPS))
        if rng.random() < 0.2:
            doc.core_properties["title"] = rng.choice(
                ["关于做好防汛工作的通知", "工作方案（征求意见稿）", "勺米镇人民政府令", ""])
        yield f"synthetic/{i}", doc
    # Variants of the real labelled documents: a label note or line moved into the header, the
    # footer, the attachment or the middle of the body, and blocks dropped.
    real = [doc for _, doc in _real() if doc.blocks][:120]
    for i in range(200):
        src = rng.choice(real)
        doc = Document(path=f"variant-{i}", custom_properties=dict(src.custom_properties))
        blocks = [dataclasses.replace(b) for b in src.blocks if rng.random() > 0.05]
        for _ in range(rng.randint(1, 3)):
            text = rng.choice(NOTES + LABEL_LINES + ATTACHMENT_HEADS + DATES + ISSUERS + TAILS[0] + NUMBERS)
            part = rng.choice(["body", "body", "body", "header", "footer", "table"])
            blocks.insert(rng.randrange(len(blocks) + 1), Block(text=text, part=part))
        for b in blocks:
            doc.add_block(b)
        yield f"variant/{i}", doc


def documents() -> Iterator[tuple[str, Document]]:
    yield from _real()
    yield from _rule_examples()
    yield from _synthetic()


def records() -> list[str]:
    out = []
    for key, doc in documents():
        s = parse_structure(doc)
        found = {b.index: L.find_in_text(b.text) for b in doc.blocks}
        out.append(json.dumps({"doc": key, "structure": dataclasses.asdict(s),
                               "find_in_text": {i: f for i, f in found.items() if f}},
                              ensure_ascii=False, sort_keys=True, default=repr))
    return out


def _module_at(rev: str):
    """attributes/structure.py (with its labels.py) as committed at ``rev``, as a module."""
    def source(name: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:src/gongkai/attributes/{name}.py"],
                              capture_output=True, text=True, check=True).stdout

    mods = []
    for name, text in (("labels", source("labels")),
                       ("structure", source("structure").replace("from . import labels as L",
                                                                 "from . import _labels_at_rev as L"))):
        mod = types.ModuleType(f"gongkai.attributes._{name}_at_rev")
        mod.__package__ = "gongkai.attributes"
        sys.modules[mod.__name__] = mod  # dataclasses look their module up
        # Our own committed source, not input.
        exec(compile(text, f"{rev}:{name}.py", "exec"), mod.__dict__)  # noqa: S102
        mods.append(mod)
    return mods[1]


def timing(rev: str, rounds: int = 20) -> None:
    import screening_speed

    corpora = screening_speed.corpora()
    with (ROOT / "benchmarks" / "data" / "eval_dev.jsonl").open(encoding="utf-8") as f:
        dev = [to_document(json.loads(line)) for line in f]
    sets = {"labelled test split": [d for d, _ in corpora["labelled test split"]], "eval_dev": dev}
    if "govcn-2019 published" in corpora:
        sets["govcn-2019 published"] = [d for d, _ in corpora["govcn-2019 published"]]
    before = _module_at(rev).parse_structure
    for name, docs in sets.items():
        best = {"rev": 9e9, "tree": 9e9}
        for _ in range(rounds):
            for tag, parse in (("rev", before), ("tree", parse_structure)):
                t = time.process_time()
                for doc in docs:
                    parse(doc)
                best[tag] = min(best[tag], time.process_time() - t)
        print(f"{name:22s} {rev}: {best['rev'] * 1000:6.2f} ms   working tree: {best['tree'] * 1000:6.2f} ms"
              f"   ×{best['rev'] / best['tree']:.2f}  ({len(docs)} documents)")


def main() -> int:
    if sys.argv[1] == "time":
        timing(sys.argv[2] if len(sys.argv) > 2 else "HEAD")
        return 0
    return save_or_check(sys.argv[1], Path(sys.argv[2]), records(), "documents")


if __name__ == "__main__":
    sys.exit(main())
