"""Findings: what a rule says about a place in a document."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

from .document import Location

#: The finding vocabulary (DESIGN.md §2): category -> kinds. Extend, never rename.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "personal_data": (
        "id_card", "mobile", "landline", "bank_card", "email", "person_name", "address",
        "passport", "license_plate", "health_info", "im_account",
    ),
    "secret": ("classification_mark", "internal_marking", "trade_secret", "process_draft", "embedded_object"),
    "reprint": ("central_document", "district_document", "reprint_unlabelled", "reference_copy"),
    "approval": ("negative_info", "major_decision", "policy_interpretation"),
    "attribute": ("label_missing", "label_conflict", "public_with_restricted", "forwarded_attribute"),
    "proofing": ("typo", "punctuation", "number_format", "date_format", "word_usage"),
    "format": ("doc_number_format", "heading_numbering", "element_missing", "font", "page_layout"),
    "completeness": (
        "service_guide", "consultation", "pre_disclosure", "interpretation_plan", "catalogue_entry",
        "closing_formula", "one_matter",
    ),
}

#: What a clerk reads for each category and kind (text reports, tables, CSV); JSON and SARIF
#: keep the codes above. A meta-test requires a label for every kind of the vocabulary.
CATEGORY_LABELS: dict[str, str] = {
    "personal_data": "个人信息", "secret": "涉密与内部", "reprint": "转载", "approval": "审批",
    "attribute": "公开属性", "proofing": "文字校对", "format": "公文格式", "completeness": "要素完整性",
}
KIND_LABELS: dict[str, str] = {
    "id_card": "身份证号", "mobile": "手机号码", "landline": "固定电话", "bank_card": "银行卡号",
    "email": "电子邮箱", "person_name": "个人姓名", "address": "住址", "passport": "护照号码",
    "license_plate": "车牌号码", "health_info": "健康信息", "im_account": "即时通信账号",
    "classification_mark": "密级标志", "internal_marking": "内部资料标注", "trade_secret": "商业秘密",
    "process_draft": "过程稿", "embedded_object": "无法读取的嵌入内容",
    "central_document": "转载中央文件", "district_document": "转载区级文件",
    "reprint_unlabelled": "转载未注明来源", "reference_copy": "与参考文件重合",
    "negative_info": "负面信息", "major_decision": "重大决策预公开", "policy_interpretation": "政策解读",
    "label_missing": "未标识公开属性", "label_conflict": "公开属性不一致",
    "public_with_restricted": "公开件夹带不公开内容", "forwarded_attribute": "转发件公开属性",
    "typo": "错别字", "punctuation": "标点符号", "number_format": "数字用法", "date_format": "日期写法",
    "word_usage": "用词",
    "doc_number_format": "发文字号", "heading_numbering": "层次序号", "element_missing": "缺少要素",
    "font": "字体字号", "page_layout": "版面",
    "service_guide": "办事指南要素", "consultation": "征求意见要素", "pre_disclosure": "预公开要素",
    "interpretation_plan": "解读方案要素", "catalogue_entry": "目录要素",
    "closing_formula": "结束语与文种不符", "one_matter": "一文多事",
}


def kind_label(kind: str, category: str | None = None) -> str:
    """The Chinese label of a kind (个人姓名), with its category's when given (个人信息/个人姓名)."""
    label = KIND_LABELS.get(kind, kind)
    if category is None:
        return label
    return f"{CATEGORY_LABELS.get(category, category)}/{label}"


#: Categories whose matched text is personal data and is masked in every output by default.
SENSITIVE_CATEGORIES = frozenset({"personal_data"})


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return {1: "提示", 2: "警告", 3: "错误"}[self.value]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (error, warning or info)") from None


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The text around a finding, with the personal-data spans inside it (for masking)."""

    text: str
    start: int  # the finding's span within ``text``
    end: int
    sensitive: tuple[tuple[int, int, str], ...] = ()


@dataclass(slots=True)
class Finding:
    """One problem at one place. ``text`` is the raw matched text; emitters mask it.

    A value, like :class:`Location` (not frozen for the same reason): derive a changed one
    with ``dataclasses.replace`` or :meth:`with_severity`, never assign to a field.
    """

    rule: str
    category: str
    kind: str
    severity: Severity
    message: str
    location: Location
    text: str = ""
    suggestion: str | None = None
    basis: str | None = None
    confidence: float = 1.0
    #: How the finding came about: pattern, validation, context word… (Presidio-style explanation).
    explanation: dict[str, Any] = field(default_factory=dict)
    excerpt: Excerpt | None = None

    @property
    def sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    def with_severity(self, severity: Severity) -> "Finding":
        return replace(self, severity=severity)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.block, loc.start, -self.severity, self.rule)
