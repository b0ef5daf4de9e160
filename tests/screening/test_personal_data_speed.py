"""The shortcuts the personal-data rules take for speed find exactly what the plain scans find."""

import random
import re

from gongkai.screening import personal_data as pd
from gongkai.screening.recognizers import FOUR_DIGITS

PIECES = ["贵州省", "六盘水市", "钟山区", "勺米镇", "新华村", "和谐小区", "石门社区", "人民路", "幸福街", "花园",
          "3组", "12号", "16栋", "1761室", "二单元", "五组", "家住", "住址：", "现住", "户主", "李四海", "村委会",
          "的", "在", "于", "和", "办公", "，", "。", "、", "：", " ", "\n", "（", "）", "12", "２３", "abc", "No.5",
          "街道办事处", "大道", "巷", "屯", "寨", "苑", "居委会", "新村", "家园", "号楼", "单元", "楼", "室"]


def _texts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))


def test_address_scan_by_stretches_equals_the_whole_scan():
    for text in _texts(4000, seed=11):
        assert [m.span() for m in pd._address_matches(text)] == [m.span() for m in pd.ADDRESS.finditer(text)], text


def test_address_hint_equals_one_alternation():
    import re

    from gongkai.screening.context import lexicon

    words = "|".join(re.escape(w) for w in lexicon().address_context)
    one = re.compile(r"(?:\d|[一二三四五六七八九十])(?:组|号|栋|幢|单元|室|户)|" + words)
    for text in _texts(4000, seed=12):
        assert pd._address_hint(text) == bool(one.search(text)), text


def test_number_patterns_need_four_digits_in_a_row():
    """numeric_blocks drops blocks without four digits in a row: no number pattern matches there."""
    rng = random.Random(7)
    alphabet = "0123456789０１２３-－ () （）转分机ext.EGDSPCHMXx+86 号电话身份证"
    patterns = [pd.ID18, pd.ID15, pd.MOBILE, pd.LANDLINE, pd.BANK, pd.PASSPORT]
    checked = 0
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30)))
        if FOUR_DIGITS.search(text):
            continue
        checked += 1
        assert not any(p.search(text) for p in patterns), text
    assert checked > 1000


def test_sentence_before_equals_the_scan_for_the_last_end():
    def reference(text, start, limit=60):
        window = text[max(0, start - limit):start]
        ends = [m.end() for m in re.finditer(r"[。；;！？!?\n]", window)]
        return window[ends[-1]:] if ends else window

    rng = random.Random(9)
    alphabet = "申请人张三，电话。；;！？!?\n\r 住址abc1"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        start = rng.randint(0, len(text))
        assert pd._sentence_before(text, start) == reference(text, start), (text, start)


def test_plate_start_is_implied_by_the_plate_pattern():
    rng = random.Random(17)
    alphabet = "贵京沪ABDFHIO0123456789·• 挂学警州省"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if pd.PLATE.search(text):
            assert pd.PLATE_START.search(text), text


def test_health_matches_equal_the_full_alternation():
    from gongkai.screening.context import lexicon

    lex = lexicon()
    rng = random.Random(21)
    pieces = list(lex.health_terms) + ["残疾", "肢体", "二级", "三级残疾", "残疾等级：", "一", "4", "级", "，", "患", "张三",
                                       "视力", "精神", "高", "心", "重度", "等"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        assert [m.span() for m in lex.health_matches(text)] == [m.span() for m in lex.health_re.finditer(text)], text
    # every disability-grade match holds 残疾: the shortcut's premise
    import re

    grade = re.compile(lex.disability_grade)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        assert all("残疾" in m.group() for m in grade.finditer(text)), text


def test_gap_strip_equals_the_role_gap_pattern():
    import regex

    from gongkai.screening import names

    role_gap = regex.compile(r"[：:\s，,为是系即\"“”（(]*$")  # the pattern _GAP_CHARS replaced

    rng = random.Random(23)
    alphabet = "：:，,为是系即\"“”（(申请人张三\t\n\r \x1c\x1f\x85\xa0\u2000\u200a\u200b\u3000a1"
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert text.rstrip(names._GAP_CHARS) == role_gap.sub("", text), repr(text)


def test_recognizer_findings_are_what_rule_finding_builds():
    """The engine's findings: the place, text, basis and suggestion Rule.finding gives."""
    from gongkai import Config
    from gongkai.engine import Runner, default_registry
    from gongkai.models import Document

    doc = Document.from_text("来信人王小明（身份证号11010519491231002X，电话13885811234）家住勺米镇新华村3组12号，患尿毒症。")
    runner = Runner(default_registry(), Config(select=("D1",)))
    findings, _ = runner.run(doc)
    assert {f.rule for f in findings} >= {"D101", "D102", "D108", "D109", "D110"}
    rules = {r.code: r for r in default_registry()}
    for f in findings:
        block = doc.blocks[f.location.block]
        rule = rules[f.rule]
        ref = rule.finding(block, f.location.start, f.location.end, message=f.message, severity=f.severity,
                           suggestion=f.suggestion, confidence=f.confidence, explanation=f.explanation)
        assert f == ref
        assert f.suggestion and f.basis == rule.basis


def header_kind_plain(text: str) -> str | None:
    """header_kind as the lexicon states it (the reference): the first kind with ``text`` among
    its header words, else the first kind with a word of two characters or more that ``text``
    ends with."""
    from gongkai.screening.context import _clean_header, lexicon

    t = _clean_header(text)
    if not t or len(t) > 10:
        return None
    for kind, words in lexicon().headers.items():
        if t in words:
            return kind
    for kind, words in lexicon().headers.items():
        if any(t.endswith(w) for w in words if len(w) >= 2):
            return kind
    return None


def test_header_kind_lookups_equal_the_lexicon_scan():
    """header_kind's exact and suffix tables give the kind the lexicon's ordered scan gives."""
    from gongkai.screening.context import header_kind, lexicon

    words = [w for ws in lexicon().headers.values() for w in ws]
    rng = random.Random(11)
    texts = words + [w + "：" for w in words] + [f"（{w}）" for w in words]
    texts += ["".join(rng.choice(words + ["申请人", "家庭", "本人", "号", "码", " ", "*"]) for _ in range(rng.randint(1, 3)))
              for _ in range(3000)]
    for text in texts:
        header_kind.cache_clear()
        assert header_kind(text) == header_kind_plain(text), text


def column_of(pctx, block):
    """What ``PersonalContext.columns`` holds for ``block``, cell by cell (the reference):
    personal_context works it out table by table."""
    from gongkai.screening.context import _OFFICE_KINDS

    if block.index in pctx.form_cells:
        return pctx.form_cells[block.index]
    if block.table is None or block.part != "table":
        return None
    info = pctx.tables.get(block.table)
    if info is None or (info.header_rows and block.row <= max(info.header_rows)):
        return None  # the header row, or a title or super-heading above it
    col = info.columns.get(block.col)
    if col is None:
        return None
    if col[0] in _OFFICE_KINDS and not info.personal:
        return None  # an office's phone/address column is published contact data
    return col


def test_personal_columns_equal_the_cell_by_cell_rule():
    """personal_context's columns, worked out table by table, are what column_of says of each cell."""
    from gongkai.models import Block, Document
    from gongkai.screening.context import lexicon, personal_context

    heads = [w for ws in lexicon().headers.values() for w in ws[:3]] + ["序号", "备注", "单位", "办公电话", "科室"]
    values = ["张三", "13885811234", "新华村3组", "520221199003072372", "", "李四", "1", "党政办", "无"]
    rng = random.Random(12)
    for _ in range(300):
        doc = Document(path="t.docx")
        doc.add_block(Block(text="关于公示的通知", part="body", paragraph=0))
        for t in range(rng.randint(1, 3)):
            cols = rng.randint(1, 5)
            form = rng.random() < 0.3
            for r in range(rng.randint(1, 5)):
                for c in range(cols):
                    header_row = r == 0 and not form
                    pick = heads if header_row or (form and c % 2 == 0) else values
                    doc.add_block(Block(text=rng.choice(pick), part="table", table=t, row=r, col=c))
        pctx = personal_context(doc, None)
        expected = {}
        for b in doc.blocks:
            col = column_of(pctx, b)
            if col is not None:
                expected[b.index] = col
        assert pctx.columns == expected


def test_joined_texts_answer_as_each_text_alone():
    """Joined.matching and Joined.holding: the texts a per-text search or substring test picks."""
    import regex

    from gongkai.screening.context import Joined, occurs

    rng = random.Random(31)
    pieces = PIECES + ["\n", "", "申请人", "张", "@", "ＱＱ", "贵A", "1234", "０８５８", " "]
    patterns = [regex.compile(r"\d{4}"), pd.PLATE_START, occurs(["户主", "申请人", "住址"], r"\s*[张李]"),
                regex.compile(r"(?<![0-9])\d{2}组")]
    for _ in range(800):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 8))]
        joined = Joined(texts)
        for p in patterns:
            assert joined.matching(p) == {i for i, t in enumerate(texts) if p.search(t)}, (p.pattern, texts)
        for strings in (["@"], ["ＱＱ", "张"], list("０１２３４５６７８９")):
            assert joined.holding(strings) == {i for i, t in enumerate(texts) if any(s in t for s in strings)}, texts


def test_occurs_answers_as_the_plain_alternation():
    """context.occurs (the class of last characters, then a lookbehind) finds a word where the
    longest-first alternation does, followed by the same continuation."""
    import regex

    from gongkai.screening.context import lexicon, occurs

    words = list(lexicon().role_words) + list(lexicon().name_only_roles)
    then = r"[：:\s为是系即]*[张王李]"
    plain = regex.compile("(?:" + "|".join(map(regex.escape, sorted(set(words), key=len, reverse=True))) + ")" + then)
    ours = occurs(words, then)
    rng = random.Random(37)
    pieces = ["申请", "人", "户", "主", "被", "申请人", "负责人", "施工", "：", " ", "张", "王", "为", "村", "民", "的"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert bool(ours.search(text)) == bool(plain.search(text)), text
