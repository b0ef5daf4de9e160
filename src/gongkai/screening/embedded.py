"""S105 嵌入对象无法检查: what the reader found in the package but could not read as text.

A .docx may carry a binary OLE object (an old Excel table, a Visio drawing, a packaged file),
macros, the thumbnail of its first page or a picture no part shows. None of these can be
screened for personal data or secrets, and all of them are handed to whoever downloads the
published file. The reader lists them (``Document.uninspectable``); this rule reports each one
so that a person opens it or removes it before publishing: fail closed, never silent.
"""

from __future__ import annotations

from ..engine import FunctionRule
from ..models import Document, Finding, Location, Severity
from ..models.document import Block

BASIS = "《勺米镇政务公开信息审核发布管理制度》九"
#: Reasons that only say "a person should glance at it": the thumbnail shows the first page.
_MINOR = ("缩略图",)


def _uninspectable(rule: FunctionRule, doc: Document, ctx) -> list[Finding]:
    out = []
    for i, (member, reason) in enumerate(doc.uninspectable):
        minor = reason in _MINOR
        out.append(Finding(
            rule.code, rule.category, rule.kind, Severity.INFO if minor else rule.severity,
            f"嵌入对象无法检查：{member}（{reason}）",
            Location("embedded" if "embeddings/" in member or "›" in member else "other", i, 0, 0,
                     block=-1, source=member), member,
            "缩略图可能是修改前的首页画面，发布前删除（另存时不保存缩略图）" if minor else
            "打开该对象逐项核对是否含个人信息或涉密内容；无法核对的，发布前删除该对象或改为正文文字",
            rule.basis, 1.0, {"member": member, "reason": reason},
        ))
    return out


def _with(*members: tuple[str, str]):
    def build() -> Document:
        doc = Document(path="示例.docx")
        doc.add_block(Block(text="关于做好春耕工作的通知", part="body"))
        doc.uninspectable.extend(members)
        return doc

    return build


UNINSPECTABLE = FunctionRule(
    code="S105", category="secret", kind="embedded_object", severity=Severity.WARNING,
    message="嵌入对象无法检查", basis=BASIS, func=_uninspectable,
    doc="文档包里除正文外还可能带着二进制 OLE 对象（旧版 Excel 表格、Visio 图、打包的文件）、宏代码、"
        "首页缩略图或正文未使用的图片。这些内容无法按文字检查是否含个人信息或涉密内容，却会随文件一起"
        "公开给所有下载者。按信息发布保密审查“事前审查”的要求，每个这样的对象单独报告："
        "由人打开核对，或在发布前删除。缩略图只作提示（它通常就是首页画面，但可能是修改前的样子）。",
    fires=[_with(("word/embeddings/oleObject1.bin", "二进制 OLE 对象")),
           _with(("docProps/thumbnail.jpeg", "缩略图"))],
    silent=["关于做好春耕工作的通知", _with()],
)

RULES = [UNINSPECTABLE]
