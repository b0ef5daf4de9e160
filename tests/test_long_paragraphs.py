"""A paragraph far longer than any real one (a text file without line breaks) is read in pieces."""

from __future__ import annotations

from gongkai.screening import names
from gongkai.segmentation import pieces


def test_pieces_cover_the_text_and_cut_after_sentence_ends():
    text = "甲乙丙。" * 10 + "无标点" * 20
    cut = pieces(text, 25)
    assert "".join(p for _, p in cut) == text
    assert all(len(p) <= 25 for _, p in cut)
    assert [off for off, _ in cut] == [0, 24, 40, 65, 90]
    assert cut[0][1].endswith("。") and cut[1][1].endswith("。")
    assert pieces("短句。", 25) == [(0, "短句。")]


def test_names_in_a_paragraph_beyond_spacys_limit_are_found_at_their_offsets(monkeypatch):
    sentence = "来信人王小明反映道路破损。"
    text = sentence * 3000  # 39,000 characters: two pieces at PIECE = 20,000
    monkeypatch.setattr(names, "PIECE", 20_000)
    (found,) = names.find_names([text])
    assert len(found) == 3000
    assert all(text[n.start:n.end] == "王小明" for n in found)


def test_over_spacys_max_length():
    text = "来信人王小明反映道路破损。" * 80_000  # 1,040,000 characters: spaCy alone refuses it
    assert len(text) > names.pipeline().max_length
    (found,) = names.find_names([text])
    assert len(found) == 80_000


def test_a_typo_far_into_a_long_paragraph_is_found_at_its_offset(check_text, monkeypatch):
    from gongkai.proofing import typos

    monkeypatch.setattr(typos, "PIECE", 200)
    clean = "各村要按照统一部署认真做好春耕备耕工作。"
    text = clean * 30 + "确保人民群众生命材产安全。" + clean * 5  # one paragraph of 815 characters
    found = [f for f in check_text(text, select=("T110",)).findings]
    assert [(f.text, f.suggestion) for f in found] == [("材", "财")]
    assert found[0].location.start == len(clean) * 30 + text[len(clean) * 30:].index("材")
