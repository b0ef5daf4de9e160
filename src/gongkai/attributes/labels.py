"""公开属性 labels: the 附注 line, a 公开方式/公开属性 line, or a custom document property."""

from __future__ import annotations

from dataclasses import dataclass

import regex

#: Normalised attributes.
ACTIVE, ON_REQUEST, WITHHELD = "主动公开", "依申请公开", "不予公开"

_NORMAL = {
    "公开发布": ACTIVE, "主动公开": ACTIVE, "公开": ACTIVE,
    "依申请公开": ON_REQUEST, "依申请": ON_REQUEST,
    "不予公开": WITHHELD, "不公开": WITHHELD, "免予公开": WITHHELD, "不宜公开": WITHHELD,
}

#: （此件公开发布） and its variants; 本文有删减 means published after redaction.
NOTE = regex.compile(
    r"[（(【\[]\s*(?:此件|本件|此文|本文件)\s*(?P<label>公开发布|主动公开|依申请公开|不予公开|不公开|免予公开)\s*[）)】\]]"
    r"|[（(【\[]\s*(?P<cut>本文有删减|此件有删减)\s*[）)】\]]"
    # Drafters also type the note without brackets, alone on its line.
    r"|^\s*(?:此件|本件)\s*(?P<label>公开发布|主动公开|依申请公开|不予公开|不公开|免予公开)\s*[。.]?\s*$"
)
#: 公开方式：主动公开 / 公开属性：依申请公开 / 信息公开选项：不予公开 / 公开类别：主动公开
LINE = regex.compile(
    r"(?:信息)?公开(?:方式|属性|类型|选项|类别)\s*[:：]\s*(?P<label>主动公开|依申请公开|不予公开|不公开|免予公开|依申请)"
)
#: The field name of a web page's 信息索引 block, its value on the next line (公开类别 / 主动公开).
FIELD_NAME = regex.compile(r"^(?:信息)?公开(?:方式|属性|类型|选项|类别)\s*[:：]?$")
PROPERTY_NAMES = ("公开属性", "公开方式", "信息公开属性", "disclosure", "gongkai:label")


@dataclass(frozen=True, slots=True)
class Label:
    value: str  # one of ACTIVE / ON_REQUEST / WITHHELD
    raw: str  # the text as written
    source: str  # note / line / property
    block: int | None = None  # where it was found
    start: int = 0
    redacted: bool = False  # 本文有删减


def normalise(raw: str) -> str | None:
    return _NORMAL.get(raw.strip())


def find_in_text(text: str) -> list[tuple[int, int, str, str, bool]]:
    """(start, end, raw, normalised, redacted) for every label written in ``text``."""
    if "公开" not in text and "删减" not in text:
        return []  # every form of NOTE and LINE holds one of the two
    out = []
    # Many sentences speak of 公开 without a label; a pattern only runs on a text holding a
    # word every one of its matches holds: NOTE its 此件/本件/此文/本文件 or 删减, LINE the
    # 公开方式/属性/类型/选项 before its colon.
    if "此件" in text or "本件" in text or "此文" in text or "本文件" in text or "删减" in text:
        for m in NOTE.finditer(text):
            raw, cut, label = m.group(0, "cut", "label")
            if cut:
                out.append((*m.span(), raw, ACTIVE, True))
            else:
                out.append((*m.span(), raw, _NORMAL[label], False))
    if "公开方式" in text or "公开属性" in text or "公开类型" in text or "公开选项" in text or "公开类别" in text:
        for m in LINE.finditer(text):
            raw, label = m.group(0, "label")
            out.append((*m.span(), raw, _NORMAL[label], False))
    out.sort()
    return out


def from_properties(custom: dict[str, str]) -> Label | None:
    for name in PROPERTY_NAMES:
        for key, value in custom.items():
            if key.strip().lower() == name.lower():
                norm = normalise(value) or normalise(value.replace("此件", ""))
                if norm:
                    return Label(norm, value, "property")
    return None
