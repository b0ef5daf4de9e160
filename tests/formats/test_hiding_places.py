"""The hiding-place generator and its oracle: every place holds what it claims, the oracle can fail."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as open_docx
from tests.formats.hiding_places import ALL_PLACES, ISSUE_PLACES, PLACE_BY_KEY, PLACES, Package, leaks, planted

P = planted(17)
OTHER = planted(4)


def _kinds(found: list[str]) -> set[str]:
    return {line.split(": ", 1)[1].split(" ", 1)[0] for line in found}


def test_there_are_enough_places_and_every_one_the_issue_names():
    assert len(PLACES) >= 56 and len(ALL_PLACES) > len(PLACES)
    assert set(ISSUE_PLACES) <= set(PLACE_BY_KEY)
    assert {pl.key for pl in ALL_PLACES if not pl.inspectable} >= {"embedded_ole", "thumbnail"}


def test_planted_values_are_distinct_between_seeds():
    assert P.name != OTHER.name and P.id_number != OTHER.id_number and P.address_key != OTHER.address_key


@pytest.mark.parametrize("pl", ALL_PLACES, ids=lambda pl: pl.key)
def test_the_oracle_finds_every_value_planted_at_the_place(pl):
    data = pl.build(P)
    found = leaks(data, P)
    assert set(pl.kinds) <= _kinds(found), found
    if not pl.kinds:  # an image: found by its bytes
        assert any("planted image bytes" in line for line in found)
    assert leaks(data, OTHER) == []  # the oracle does not report what is not there


@pytest.mark.parametrize("pl", ALL_PLACES, ids=lambda pl: pl.key)
def test_every_built_place_is_a_valid_package(pl):
    data = pl.build(P)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        assert "[Content_Types].xml" in z.namelist()
    assert open_docx(io.BytesIO(data)).paragraphs[0].text == "关于做好临时救助审核工作的通知"


def test_the_base_document_holds_no_planted_value():
    assert leaks(Package().to_bytes(), P) == []


def test_masked_forms_are_not_leaks():
    masked = (f"申请人{P.name[:1]}***，身份证号{P.id_number[:6]}********{P.id_number[-4:]}，"
              f"联系电话{P.mobile[:3]}****{P.mobile[-4:]}，银行卡号{P.bank_card[:4]}********{P.bank_card[-4:]}，"
              f"家住{P.address[:6]}{'*' * (len(P.address) - 6)}")
    pkg = Package()
    pkg.body.append(f"<w:p><w:r><w:t>{masked}</w:t></w:r></w:p>")
    assert leaks(pkg.to_bytes(), P) == []
    pkg.body.append(f"<w:p><w:r><w:t>{P.mobile}</w:t></w:r></w:p>")
    assert _kinds(leaks(pkg.to_bytes(), P)) == {"mobile"}


@pytest.mark.parametrize("form", ["fullwidth_digits", "spaced_digits", "split_runs", "split_fullwidth",
                                  "hyperlink_rels_query", "alt_chunk_html_entities", "embedded_docx_nested",
                                  "embedded_txt_gbk", "embedded_ole"])
def test_the_oracle_sees_through_disguises(form):
    found = leaks(PLACE_BY_KEY[form].build(P), P)
    assert {"id_card", "mobile"} & _kinds(found), found
