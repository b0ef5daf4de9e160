"""Reference copy (R104): the winnowing index finds edited copies and names the reference."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from gongkai import Config, Document, check_document
from gongkai.formats.compose import make_docx
from gongkai.screening import refindex
from gongkai.screening.refindex import RefIndex, normalise, winnow

PHRASES = (
    "农村人居环境整治 乡村振兴战略 高标准农田建设 农业产业结构调整 村集体经济 易地扶贫搬迁 安置点后续扶持 "
    "生态环境保护 森林防火 地质灾害防治 防汛抗旱 安全生产大检查 食品安全 道路交通安全 校园周边环境 "
    "基层党组织建设 党风廉政建设 作风建设 营商环境 政务服务 一网通办 最多跑一次 网格化管理 矛盾纠纷排查化解 "
    "信访工作 民生实事 就业创业 技能培训 医疗保障 养老服务 义务教育 控辍保学 文化惠民 全民健身 "
    "城乡环境卫生 垃圾分类 污水处理 饮水安全 电网改造 通组公路 产业路 茶叶种植 食用菌 生猪养殖 "
    "专业合作社 龙头企业 电商服务站 冷链物流 金融服务 小额信贷 财政资金 项目资金 绩效评价 审计整改"
).split()
VERBS = "加强 推进 落实 完善 健全 提升 强化 深化 抓好 统筹 规范 保障 优化 夯实 巩固 拓展".split()
GLUE = "要 必须 切实 全面 扎实 持续 进一步 着力 认真 及时 严格 积极".split()
ENDS = "工作 机制 体系 措施 责任 制度 成效 水平 能力 质量".split()


def synthetic_text(rng: random.Random, chars: int) -> str:
    """公文-like prose from shared phrases: 5-grams repeat across documents, long runs do not."""
    out, n = [], 0
    while n < chars:
        s = "".join([rng.choice(GLUE), rng.choice(VERBS), rng.choice(PHRASES), rng.choice(ENDS), "，",
                     rng.choice(VERBS), rng.choice(PHRASES), "和", rng.choice(PHRASES), rng.choice(ENDS), "。"])
        out.append(s)
        n += len(s)
    return "".join(out)


def edit(rng: random.Random, text: str, edits: int = 6) -> str:
    """Small edits a drafter makes: a changed character, a dropped one, an inserted word, punctuation."""
    chars = list(text)
    for _ in range(edits):
        i = rng.randrange(5, len(chars) - 5)
        op = rng.choice(("sub", "del", "ins", "punct"))
        if op == "sub":
            chars[i] = "镇"
        elif op == "del":
            del chars[i]
        elif op == "ins":
            chars[i:i] = list("我镇")
        else:
            chars[i] = "、"
    return "".join(chars)


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(20250301)
    return [synthetic_text(rng, 1500) for _ in range(50)]


@pytest.fixture(scope="module")
def index(corpus):
    return RefIndex.build(corpus, [f"区政府/ref{i:02d}.docx" for i in range(50)])


def _draft(text: str) -> Document:
    return Document.from_text("关于做好有关工作的通知\n各村（社区）：\n" + text + "\n勺米镇人民政府\n2025年3月5日")


def _r104(doc, idx):
    return [f for f in check_document(doc, Config(), services={"refindex": idx}).findings if f.rule == "R104"]


def test_normalise_drops_punctuation_and_folds_width():
    codes, offsets = normalise("Ａｂ，中 文1２")
    assert "".join(map(chr, codes)) == "ab中文12"
    assert offsets.tolist() == [0, 1, 3, 5, 6, 7]


def test_winnowing_guarantee_shared_run_of_k_plus_w_minus_1(corpus):
    """Any shared run of K + W - 1 normalised characters yields a shared fingerprint."""
    a, _ = normalise(corpus[0])
    run = a[200: 200 + refindex.K + refindex.W - 1]
    ha, _ = winnow(a)
    hr, _ = winnow(run)
    assert np.intersect1d(ha, hr).size >= 1


def test_copied_passage_with_small_edits_names_its_reference(corpus, index):
    rng = random.Random(7)
    passage = edit(rng, corpus[17][400:700])
    filler_a, filler_b = synthetic_text(random.Random(1), 300), synthetic_text(random.Random(2), 300)
    doc = _draft(filler_a + passage + filler_b)
    hits = _r104(doc, index)
    assert [h.explanation["reference"] for h in hits] == ["区政府/ref17.docx"]
    hit = hits[0]
    assert "ref17" in hit.message and hit.explanation["chars"] >= 250
    # the finding covers the copied passage in the draft
    block = doc.blocks[hit.location.block]
    start = block.text.index(passage[:20])
    assert abs(hit.location.start - start) <= 15


def test_unrelated_draft_is_not_reported(index):
    doc = _draft(synthetic_text(random.Random(99), 1200))
    assert _r104(doc, index) == []


def test_passage_shorter_than_100_characters_is_not_reported(corpus, index):
    doc = _draft(synthetic_text(random.Random(3), 200) + corpus[5][100:170] + synthetic_text(random.Random(4), 200))
    assert _r104(doc, index) == []


def test_passage_spanning_paragraphs_is_reported_once(corpus, index):
    part = corpus[30][100:400]
    doc = _draft(part[:150] + "\n" + part[150:])
    hits = _r104(doc, index)
    assert len(hits) == 1 and hits[0].explanation["end_block"] == hits[0].location.block + 1


def test_boilerplate_shared_by_many_references_is_not_copying():
    rng = random.Random(5)
    stock = "各村（社区）要高度重视，加强组织领导，明确责任分工，细化工作措施，确保各项任务按时保质完成，切实把好事办好、实事办实。" * 2
    refs = [synthetic_text(rng, 600) + stock + synthetic_text(rng, 600) for _ in range(30)]
    idx = RefIndex.build(refs, [f"r{i}" for i in range(30)])
    assert idx.search(synthetic_text(rng, 300) + stock + synthetic_text(rng, 300)) == []


def test_index_round_trips_through_disk(tmp_path, corpus, index):
    index.save(tmp_path / "idx")
    loaded = RefIndex.load(tmp_path / "idx")
    query = corpus[3][50:400]
    assert [(m.name, m.start, m.end) for m in loaded.search(query)] == [(m.name, m.start, m.end) for m in index.search(query)]


@pytest.fixture
def refs_dir(tmp_path, corpus):
    folder = tmp_path / "refs"
    (folder / "区政府").mkdir(parents=True)
    for i, text in enumerate(corpus):
        if i == 17:
            make_docx("水城区人民政府关于做好有关工作的通知", *text.split("。")[:-1], path=folder / "区政府" / "ref17.docx")
        else:
            (folder / "区政府" / f"ref{i:02d}.txt").write_text(text, "utf-8")
    return folder


def test_folder_index_is_cached_by_content(tmp_path, refs_dir, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    first = refindex.open_folder(refs_dir)
    assert first.size == 50 and "区政府/ref17.docx" in first.names
    cached = [p for p in (tmp_path / "cache" / "refindex").iterdir() if p.is_dir()]
    assert len(cached) == 1
    calls = []
    monkeypatch.setattr(refindex, "build_folder", lambda folder: calls.append(folder))
    again = refindex.open_folder(refs_dir)
    assert calls == [] and again.key == first.key  # reused, not rebuilt
    monkeypatch.setattr(refindex, "content_key", lambda *a: pytest.fail("unchanged files are not re-hashed"))
    assert refindex.open_folder(refs_dir).key == first.key
    (refs_dir / "区政府" / "ref00.txt").write_text("改动后的内容。" * 30, "utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    changed = refindex.open_folder(refs_dir)
    assert changed.key != first.key


def test_check_cli_reports_reference_copy(tmp_path, refs_dir, corpus, cli, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    draft = tmp_path / "draft.docx"
    passage = edit(random.Random(11), corpus[17][300:620])
    make_docx("关于做好有关工作的通知", "各村（社区）：", synthetic_text(random.Random(8), 200) + passage, path=draft)
    result = cli("check", "--refs", refs_dir, "--format", "json", draft)
    assert result.exit_code == 1, result.output  # A101: the draft carries no 公开属性 label
    report = json.loads(result.output.splitlines()[0])
    hits = [f for f in report["findings"] if f["rule"] == "R104"]
    assert [h["explanation"]["reference"] for h in hits] == ["区政府/ref17.docx"]
    assert "水城区人民政府关于做好有关工作的通知" in hits[0]["message"]


def test_check_cli_without_refs_has_no_reference_findings(tmp_path, corpus, cli):
    draft = tmp_path / "draft.docx"
    make_docx("关于做好有关工作的通知", corpus[17][300:620], path=draft)
    result = cli("check", "--format", "json", draft)
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"] == "R104"]


def test_winnowing_picks_the_leftmost_minimum_of_every_window():
    rng = np.random.default_rng(3)
    for length in (3, 9, 10, 11, 57, 300):
        codes = rng.integers(0x4E00, 0x4E40, length).astype(np.uint16)  # a small alphabet: many ties
        h = refindex.gram_hashes(codes)
        hashes, positions = winnow(codes)
        if len(h) < refindex.W:
            expected = [int(np.argmin(h))] if len(h) else []
        else:
            expected = []
            for i in range(len(h) - refindex.W + 1):
                j = i + int(np.argmin(h[i:i + refindex.W]))
                if not expected or expected[-1] != j:
                    expected.append(j)
        assert positions.tolist() == expected
        assert hashes.tolist() == h[expected].tolist()
