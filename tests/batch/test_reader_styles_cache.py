"""The reader's style-table cache (it makes batch reading ~5x faster) never mixes templates."""

from __future__ import annotations

import io
import zipfile

from gongkai.formats import read_bytes
from gongkai.formats.compose import make_docx


def with_default_size(data: bytes, half_points: int) -> bytes:
    """The same .docx with another default font size in styles.xml (another template)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/styles.xml":
                body = body.replace(b'<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang',
                                    f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/><w:lang'.encode(), 1)
            dst.writestr(info, body)
    return out.getvalue()


def test_documents_with_other_templates_get_their_own_styles():
    plain = make_docx("正文")
    bigger = with_default_size(plain, 32)
    assert bigger != plain
    sizes = [read_bytes(d, "x.docx").blocks[0].runs[0].size_pt for d in (plain, bigger, plain, bigger)]
    assert sizes == [11.0, 16.0, 11.0, 16.0]
