"""Build the bundled example drafts (synthetic data; every ID number is a checksum-valid fake).

    python examples/make_examples.py
"""

from __future__ import annotations

from pathlib import Path

from gongkai.formats.compose import DocxBuilder

HERE = Path(__file__).parent


def spring_subsidy() -> DocxBuilder:
    """A 春耕补贴 notice with the mistakes drafters make: no label, 〔〕 typed as [], a
    household list with ID numbers and phones, a typo and a reprint without its source."""
    return _notice(fixed=False)


def spring_subsidy_fixed() -> DocxBuilder:
    """The same notice after the drafter followed gongkai check's suggestions (〔〕, 部署, 日,
    the 公开属性 label); the household list is still there: `gongkai redact` masks it."""
    return _notice(fixed=True)


def _notice(fixed: bool) -> DocxBuilder:
    b = DocxBuilder()
    b.page()
    b.header("勺米镇人民政府")
    b.paragraph("勺米镇人民政府文件", font="方正小标宋简体", size=26, align="center")
    b.paragraph("勺府发〔2025〕3号" if fixed else "勺府发[2025]3号", font="仿宋_GB2312", size=16, align="center")
    b.paragraph("勺米镇人民政府关于发放2025年春耕生产补贴的通知", font="方正小标宋简体", size=22, align="center")
    b.paragraph("各村（社区）、镇直各单位：", font="仿宋_GB2312", size=16)
    b.paragraph("为做好2025年春耕生产工作，经镇人民政府研究，决定对种植大户发放春耕生产补贴。现将有关事项通知如下。",
                font="仿宋_GB2312", size=16)
    b.paragraph("一、补贴对象和标准", font="黑体", size=16)
    b.paragraph(f"在本镇承包土地50亩以上的种植户，每亩补贴80元。各村要把工作{'部署' if fixed else '布署'}到位，"
                "确保补贴及时足额发放。",
                font="仿宋_GB2312", size=16)
    b.paragraph("二、第一批补贴名单", font="黑体", size=16)
    b.table([
        ["序号", "户主姓名", "身份证号", "联系电话", "面积（亩）"],
        ["1", "王德贵", "520221198003154517", "13885811234", "62"],
        ["2", "陈秀英", "520221197508227625", "13985920017", "55"],
    ])
    b.paragraph("三、工作要求", font="黑体", size=16)
    b.paragraph(f"各村于2025年3月20{'日' if fixed else '号'}前将复核结果报镇农业服务中心，联系人：李明，"
                "联系电话：0858-8123456。",
                font="仿宋_GB2312", size=16)
    b.paragraph("勺米镇人民政府", font="仿宋_GB2312", size=16, align="right")
    b.paragraph("2025年3月5日", font="仿宋_GB2312", size=16, align="right")
    if fixed:
        b.paragraph("（此件主动公开）", font="仿宋_GB2312", size=16)
    return b


if __name__ == "__main__":
    for name, build in (("chungeng-butie.docx", spring_subsidy), ("chungeng-butie-xiugai.docx", spring_subsidy_fixed)):
        print(f"wrote {build().save(HERE / name)}")
