"""Write tests/proofing/data/t110_suspects.json: what the statistical typo detector reports on fixed texts.

    PYTHONPATH=src python3 tools/make_typo_fixture.py

The texts are the T110 rule's own examples, the typo tests' sample sentences and synthetic
sentences with sound- or shape-alike errors (no file from /work/shared). The fixture pins every
field of every suspect, so a change meant only to make the detector faster can be checked by
``tests/proofing/test_typo_fixture.py``. Regenerate it only when the detector is meant to change.
"""

from __future__ import annotations

import json
from pathlib import Path

from gongkai.proofing import lm

OUT = Path(__file__).resolve().parents[1] / "tests" / "proofing" / "data" / "t110_suspects.json"

TEXTS = [
    # the rule's examples and the typo tests' sentences
    "推动大数局产业加快发展。", "确保人民群众生命材产安全。", "提升群众满意杜。",
    "推动大数据产业加快发展。", "确保人民群众生命财产安全。", "提升群众满意度。",
    "落实银担合作条件，夯实银担合作基础。",
    "各乡镇人民政府要加强组织领导，确保各项工作落到实处。",
    "镇政府将于下周召开安全生产工作会议，请各村委会主任准时参加。",
    "进一步健全完善政务公开制度，推进决策、执行、管理、服务、结果公开。",
    "平乐县张家镇老埠村驻村第一书记", "贾高建\u3000\u3000中央党史和文献研究院", "推动“大数局”产业加快发展。",
    "认真贯切落实上级部署。", "工作布署到位。", "及时拔付补助资金。", "希望大家再接再励。",
    "截止目前，已完成80%。", "报名截止日期为2025年5月1日。", "截至2024年底，全镇共有农户1200户。",
    "支付主任补贴。", "燃气泄漏事故应急预案。", "原国土资源部印发的文件继续有效。",
    "政府绿色采购中增加循环利用产品种类。", "发展大数局产业",
    # synthetic sentences with sound- or shape-alike errors
    "加快推进乡村振兴战略，全面提高农民收如水平。",
    "各部门要严格落实安全生产责任制，坚决遏制重特大事故发声。",
    "进一步优化营商环境，激发市场主体活立。",
    "切实加强对困难群众的基本生活保樟。",
    "做好疫情防空和经济社会发展工作。",
    "推进政务服务一网通办，提高行政效律。",
    "加强生态环境保护，打好污染防治功坚战。",
    "完善社会保障体系，扩大养老保险覆盖面积和保障水瓶。",
    "严历打击各类违法犯罪活动，维护社会和谐稳定。",
    "健全基层医疗卫生服务体系，提升服务能利。",
    "坚持以人民为中心的发展思想，不断增进民生福址。",
    "各村要认真组织开展人居环境整治，清理生活垃圾和卫生死角，做到村容村貌整洁有序。",
    "本办法自印发之日起施行，由县人民政府办公室负责解释。",
    "请各单位于3月15日前将材料报送至镇党政办，联系电话：0851-12345678。",
    "会议强调，要坚持问题导向，强化责任担当，以钉钉子精神抓好各项任务落实。",
    "2024年全镇完成固定资产投资3.2亿元，同比增长12.5%，城乡居民人均可支配收入分别达到38000元和16000元。",
    "（一）加强组织领导。各地要高度重视，成立工作专班，明确职责分工。",
    "建立健全长效机制，确保整改工作取得实效，坚决防止问题反弹回潮。",
    "推进农业产业化经营，培育新型农业经营主体，带动农户增收至富。",
    "规范行政执法行为，全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。",
    "加快构建现代化基础设施体系，统筹推进传统基础设施和新型基础设施建没。",
    # synthetic sentences for the word path (a two-character string typed for a same-sounding
    # word), the completion path (a rare character no confusion set links to the right one) and
    # their clean counterparts
    "加快构建现代产业提喜。", "切实加强基层干部堆物建设。", "本市各类优先公司应当依法纳税。",
    "建立部门练习会议制度。", "落实各项安全防范错失。", "各级嫩民政府要加强组织领导。",
    "加快构建现代产业体系。", "切实加强基层干部队伍建设。", "本市各类有限公司应当依法纳税。",
    "建立部门联席会议制度。", "落实各项安全防范措施。", "各级人民政府要加强组织领导。",
    "同学们在操场上练习跑步。", "优先发展教育事业。",
]


def main() -> None:
    rows = []
    for text in TEXTS:
        rows.append({"text": text, "suspects": [
            [s.start, s.wrong, s.right, s.gain, s.lm_gain, s.word_log_freq, s.seen_pair, s.seg_gain]
            for s in lm.model().suspects(text)]})
    OUT.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(rows)} texts, {sum(len(r['suspects']) for r in rows)} suspects -> {OUT}")


if __name__ == "__main__":
    main()
