"""Personal data recognisers (D1xx): pattern + validator + context, Presidio-style, for Chinese."""

from __future__ import annotations

from ..engine import PatternRule
from ..models import Severity
from .validators import gb11643_valid

ON_REQUEST = "《勺米镇依申请公开制度》第三条（三）"

ID_CARD = PatternRule(
    code="D101", category="personal_data", kind="id_card", severity=Severity.ERROR,
    pattern=r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])",  # no \b: it never fires beside Han
    validate=gb11643_valid,
    context=("身份证", "公民身份号码", "证件号", "身份号码"),
    message="公民身份号码（校验位正确）",
    basis=ON_REQUEST, priority=10, base_confidence=0.7,
    suggest="删除或遮蔽（如 520221********3419）",
    doc="公民身份号码属于个人隐私，公开后可能导致个人合法权益受侵害，主动公开前须删除或遮蔽（区分处理）。"
        "只报告校验位正确且出生日期合理的 18 位号码，项目编码等其他数字串不会误报。",
    fires=["申请人身份证号：11010519491231002X。", "身份证号码11010519491231002x"],
    silent=["项目编码：520221202500123456。", "身份证号：110105********002X", "110105194912310021"],
)

RULES = [ID_CARD]
