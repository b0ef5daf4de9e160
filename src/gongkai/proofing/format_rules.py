"""GB/T 9704 format rules (F1xx) that read the document's layout."""

from __future__ import annotations

from ..attributes.structure import DOC_NUMBER
from ..engine import FunctionRule
from ..models import Severity

GB9704 = "《党政机关公文格式》(GB/T 9704-2012)"


def _doc_numbers(rule, doc, ctx):
    for block in doc.blocks:
        if block.part not in ("body", "table") or "号" not in block.text:
            continue
        for m in DOC_NUMBER.finditer(block.text):
            problems = []
            if m["open"] != "〔" or m["close"] != "〕":
                problems.append(f"年份应使用六角括号〔〕，不用“{m['open']}{m['close']}”")
            if len(m["year"]) != 4:
                problems.append("年份应标全称（四位数字）")
            if m["di"]:
                problems.append("序号前不加“第”")
            if len(m["seq"]) > 1 and m["seq"].startswith("0"):
                problems.append("序号不编虚位（不加前导0）")
            if not problems:
                continue
            year = m["year"]
            if len(year) == 2:
                year = ("20" if int(year) < 50 else "19") + year
            fixed = f"{m['org']}〔{year}〕{int(m['seq'])}号"
            yield rule.finding(
                block, m.start("org"), m.end(),
                message=f"发文字号格式不规范：{'；'.join(problems)}",
                suggestion=fixed,
                explanation={"problems": problems},
            )


DOC_NUMBER_FORMAT = FunctionRule(
    code="F101", category="format", kind="doc_number_format", severity=Severity.WARNING,
    message="发文字号格式不规范", basis=f"{GB9704} 7.2.4", func=_doc_numbers,
    doc="发文字号由发文机关代字、年份、发文顺序号组成。年份、发文顺序号用阿拉伯数字标注；年份应标全称，"
        "用六角括号“〔〕”括入；发文顺序号不加“第”字，不编虚位（即1不编为01），在阿拉伯数字后加“号”字。"
        "正文中引用的发文字号同样适用。",
    fires=["勺府发[2025]3号", "勺府发（2025）3号", "勺府发〔25〕3号", "勺府发〔2025〕第3号", "勺府发〔2025〕03号",
           "根据《区人民政府关于加强管理的通知》（水府发【2024】12号）要求"],
    silent=["勺府发〔2025〕3号", "根据《区人民政府关于加强管理的通知》（水府发〔2024〕12号）要求",
            "共发放补贴3号楼住户"],
)

RULES = [DOC_NUMBER_FORMAT]
