"""Generate the labelled personal-data evaluation set (synthetic 公文, fixed seed).

    python3 benchmarks/data/make_eval.py        # writes eval_dev.jsonl and eval_test.jsonl here

Every value is a synthetic fake: identity numbers are checksum-valid (or deliberately invalid
near-misses), bank cards Luhn-valid, names drawn from a surname pool and a given-name pool of its
own (a few surnames on purpose missing from the product's lexicon), addresses assembled from
invented place names. Each document has body paragraphs, a table (list or form layout),
header, footer and sometimes footnotes, comments and text boxes. Each record lists its blocks,
the gold personal-data spans and the near-miss negatives (values that look personal but are
published contacts, officials, masked values, codes, amounts, places).

Templates are split: the dev split uses the shared templates; the test split uses the shared
templates *and* a held-out set (other role words, other phrasing, other table headers) that
the rules were never tuned on. Tune on dev, report on test.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from stdnum import luhn
from stdnum.cn import ric, uscc

HERE = Path(__file__).resolve().parent
SEED = 20251126

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文")
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫"]
RARE = ["禚", "笪", "亓", "仉", "逯"]  # not in the product's surname list: honest misses
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志军海波文斌林峰宇浩然子涵欣怡思远小凤春燕德福永贵光荣发财正学世昌兴旺金银")
VILLAGES = ["新华", "团结", "红旗", "光明", "胜利", "和平", "大湾", "石门", "杨柳", "龙井", "马场", "黄泥", "周家", "沙坝", "青山", "水井"]
TOWNS = ["勺米", "大河", "汪家寨", "董地", "野鸡坪", "发耳", "蟠龙", "玉舍", "米箩", "都格"]
COUNTIES = [("贵州省", "六盘水市", "钟山区"), ("贵州省", "六盘水市", "水城区"), ("贵州省", "毕节市", "威宁县"),
            ("四川省", "凉山州", "会理县"), ("云南省", "曲靖市", "宣威市")]
AREAS = ["520201", "520221", "520203", "520222", "520521", "510105", "530381", "110105", "440306", "320102"]
ROADS = ["人民路", "钟山大道", "凉都大道", "建设路", "黄土坡路", "荷城北路"]
DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com", "hotmail.com"]
PROVINCE_ABBR = "贵川云渝湘粤京沪苏浙"
OFFICIALS = ["镇长", "副镇长", "党委书记", "党委副书记", "镇人大主席", "党政办主任", "民政办主任"]
DISEASES = ["尿毒症", "白血病", "精神分裂症", "肝硬化", "脑梗塞", "乳腺癌", "肺结核", "先天性心脏病"]
DISABILITY = ["肢体残疾二级", "视力残疾一级", "智力残疾三级", "精神残疾二级", "听力残疾四级"]


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng

    # -- values ------------------------------------------------------------------------------
    def name(self, allow_rare=True) -> str:
        r = self.r
        x = r.random()
        if allow_rare and x < 0.03:
            sur = r.choice(RARE)
        elif x < 0.08:
            sur = r.choice(COMPOUND)
        else:
            sur = r.choice(SURNAMES)
        n = 1 if r.random() < 0.3 else 2
        return sur + "".join(r.choice(GIVEN) for _ in range(n))

    def id18(self) -> str:
        r = self.r
        base = r.choice(AREAS) + f"{r.randint(1940, 2008)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
        return base + ric.calc_check_digit(base + "0")

    def id18_bad(self) -> str:
        v = self.id18()
        wrong = "0123456789X".replace(v[-1], "")
        return v[:-1] + self.r.choice(wrong)

    def id15(self) -> str:
        r = self.r
        return r.choice(AREAS) + f"{r.randint(40, 98)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"

    def id_text(self) -> str:
        v = self.id18()
        return v if self.r.random() < 0.85 else f"{v[:6]} {v[6:14]} {v[14:]}"

    def mobile(self) -> str:
        r = self.r
        d = r.choice(["13", "15", "18", "17", "19", "14"]) + str(r.randint(0, 9)) + f"{r.randint(0, 99999999):08d}"
        x = r.random()
        if x < 0.7:
            return d
        if x < 0.8:
            return f"{d[:3]} {d[3:7]} {d[7:]}"
        if x < 0.9:
            return f"{d[:3]}-{d[3:7]}-{d[7:]}"
        return "+86 " + d

    def landline(self, area=True) -> str:
        r = self.r
        code = r.choice(["0858", "0851", "0857", "010", "021", "0755", "028"])
        num = str(r.randint(2, 8)) + f"{r.randint(0, 9999999 if len(code) == 3 else 999999):0{7 if len(code) == 3 else 6}d}"
        if not area:
            return num
        x = r.random()
        s = f"{code}-{num}" if x < 0.6 else (f"（{code}）{num}" if x < 0.8 else f"{code} {num}")
        if r.random() < 0.15:
            s += r.choice(["转", "-"]) + str(r.randint(1, 899))
        return s

    def bank(self) -> str:
        r = self.r
        bin_ = r.choice(["622202", "621700", "622848", "621226", "623052", "622908", "621799"])
        length = r.choice([16, 19, 19])
        body = bin_ + "".join(str(r.randint(0, 9)) for _ in range(length - len(bin_) - 1))
        v = body + luhn.calc_check_digit(body)
        if len(v) == 18:
            return self.bank()
        return v if r.random() < 0.7 else " ".join(v[i:i + 4] for i in range(0, len(v), 4))

    def email(self) -> str:
        r = self.r
        local = r.choice(["zhang", "li", "wang", "chen", "xiao", "hz", "ymx", "lao"]) + r.choice(["", "_", "."]) + str(r.randint(1, 99999))
        return f"{local}@{r.choice(DOMAINS)}"

    def passport(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.6:
            return "E" + f"{r.randint(0, 99999999):08d}"
        if x < 0.8:
            return "E" + r.choice("ABCDEFGH") + f"{r.randint(0, 9999999):07d}"
        return "G" + f"{r.randint(0, 99999999):08d}"

    def plate(self) -> str:
        r = self.r
        p = r.choice(PROVINCE_ABBR) + r.choice("ABCDEFGHJK")
        if r.random() < 0.3:
            tail = r.choice("DF") + r.choice("ABCDEFGHJK0123456789") + f"{r.randint(0, 9999):04d}"
        else:
            tail = "".join(r.choice("0123456789ABCDEFGHJKLMN" if i < 2 else "0123456789") for i in range(5))
        sep = r.choice(["", "", "·"])
        return p + sep + tail

    def village_addr(self, full=True) -> str:
        r = self.r
        prov, city, county = r.choice(COUNTIES)
        parts = []
        level = r.random() if full else 1
        if level < 0.3:
            parts += [prov, city, county]
        elif level < 0.55:
            parts += [county]
        parts += [r.choice(TOWNS) + "镇", r.choice(VILLAGES) + "村"]
        parts.append(f"{r.randint(1, 12)}组" if r.random() < 0.7 else r.choice("一二三四五六七") + "组")
        if r.random() < 0.75:
            parts.append(f"{r.randint(1, 150)}号")
        return "".join(parts)

    def urban_addr(self) -> str:
        r = self.r
        county = r.choice(COUNTIES)[2]
        if r.random() < 0.5:
            return f"{county}{r.choice(ROADS)}{r.randint(1, 300)}号{r.randint(1, 20)}栋{r.randint(1, 4)}单元{r.randint(1, 30)}0{r.randint(1, 4)}室"
        return f"{r.choice(TOWNS)}镇{r.choice(VILLAGES)}社区{r.choice(['幸福', '康居', '阳光', '和谐'])}小区{r.randint(1, 30)}栋{r.randint(101, 2804)}室"

    def address(self) -> str:
        return self.village_addr() if self.r.random() < 0.65 else self.urban_addr()

    def health(self) -> str:
        return self.r.choice(DISEASES + DISABILITY)

    def uscc(self) -> str:
        r = self.r
        body = "91" + r.choice(AREAS) + "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return body + uscc.calc_check_digit(body)


# -- documents -------------------------------------------------------------------------------

class DocBuilder:
    def __init__(self):
        self.blocks: list[dict] = []
        self.spans: list[dict] = []
        self.negatives: list[dict] = []

    def add(self, part: str, pieces: list, table=None, row=None, col=None):
        """pieces: plain strings, ("kind", value) for gold spans, ("~kind", value) for near-misses."""
        text, spans, negs = "", [], []
        for p in pieces:
            if isinstance(p, str):
                text += p
                continue
            kind, value = p
            start = len(text)
            text += value
            rec = {"block": len(self.blocks), "start": start, "end": len(text), "kind": kind.lstrip("~")}
            (negs if kind.startswith("~") else spans).append(rec)
        self.blocks.append({"part": part, "text": text, "table": table, "row": row, "col": col})
        self.spans += spans
        self.negatives += negs


ROLES_SHARED = ["申请人", "来信人", "户主", "当事人", "联系人", "村民", "投诉人", "举报人"]
ROLES_HELDOUT = ["求助人", "困难群众", "该户户主", "留言人", "信访人", "受助人", "监护人"]


def personal_paragraphs(g: Gen, held: bool) -> list[list]:
    """Paragraph templates that carry personal data (gold spans)."""
    r = g.r
    role = r.choice(ROLES_HELDOUT if held and r.random() < 0.5 else ROLES_SHARED)
    n1, n2, n3 = g.name(), g.name(), g.name()
    t = [
        [f"{role}", ("person_name", n1), "，身份证号：", ("id_card", g.id_text()), "，联系电话：", ("mobile", g.mobile()), "。"],
        [f"{role}", ("person_name", n1), "家住", ("address", g.address()), "，反映其家庭生活困难，申请临时救助。"],
        [f"经核实，{role}", ("person_name", n1), "（公民身份号码", ("id_card", g.id_text()), "）患", ("health_info", r.choice(DISEASES)), "，长期", ("health_info", "住院治疗"), "。"],
        ["村民", ("person_name", n1), "、", ("person_name", n2), "、", ("person_name", n3), "反映组内道路年久失修。"],
        [f"{role}", ("person_name", n1), "，", r.choice(["男", "女"]), f"，{r.randint(1940, 2000)}年出生，", ("health_info", r.choice(DISABILITY)), "。"],
        ["补助资金已打入户主", ("person_name", n1), "的银行卡（卡号", ("bank_card", g.bank()), "）。"],
        [f"{role}", ("person_name", n1), "邮箱：", ("email", g.email()), "，请承办单位在5个工作日内回复。"],
        [f"{role}", ("person_name", n1), "持护照（护照号码", ("passport", g.passport()), "）申请办理相关手续。"],
        [f"{role}", ("person_name", n1), "驾驶", ("license_plate", g.plate()), "号小型轿车在村道发生碰撞。"],
        [f"{role}", ("person_name", n1), "（家庭电话：", ("landline", g.landline()), "）对处理结果表示满意。"],
        ["申请人：", ("person_name", n1), "，住址：", ("address", g.address()), "，手机：", ("mobile", g.mobile()), "。"],
        ["来信人", ("person_name", n1), "的配偶", ("person_name", n2), "系", ("health_info", r.choice(DISABILITY)), "，无劳动能力。"],
    ]
    held_t = [
        [("person_name", n1), "，", r.choice(["男", "女"]), "，现住", ("address", g.address()), "，手机号码", ("mobile", g.mobile()), "。"],
        ["该户户主", ("person_name", n1), "因病致贫，经医院诊断为", ("health_info", r.choice(DISEASES)), "。"],
        ["据求助人", ("person_name", n1), "陈述，其子", ("person_name", n2), "于今年3月确诊为", ("health_info", r.choice(DISEASES)), "。"],
        ["请与", ("person_name", n1), "先生联系（手机", ("mobile", g.mobile()), "，住宅电话", ("landline", g.landline()), "）。"],
        ["信访人", ("person_name", n1), "（身份证号", ("id_card", g.id15() if r.random() < 0.5 else g.id_text()), "）再次到镇信访办反映问题。"],
        ["留言人", ("person_name", n1), "称其车辆（号牌", ("license_plate", g.plate()), "）被扣留。"],
        ["受助人", ("person_name", n1), "的账户", ("bank_card", g.bank()), "已收到救助金。"],
    ]
    return t + held_t if held else t


def near_miss_paragraphs(g: Gen, held: bool) -> list[list]:
    """Paragraphs with values that look personal but are not private data (negatives)."""
    r = g.r
    off_title = r.choice(OFFICIALS)
    t = [
        ["监督电话：", ("~landline", g.landline()), "；投诉举报电话：", ("~landline", g.landline()), "。"],
        ["值班电话：", ("~mobile", g.mobile()), "（24小时）。"],
        [f"{off_title}", ("~person_name", g.name(False)), "主持召开专题会议，研究部署春耕生产工作。"],
        [("~person_name", g.name(False)), "同志任勺米镇党政办主任。"],
        ["统一社会信用代码：", ("~id_card", g.uscc()), "。"],
        ["项目编码：", ("~id_card", f"2025-520221-{r.randint(10, 99)}-01-{r.randint(100000, 999999)}"), "，总投资", ("~bank_card", f"{r.randint(1000000, 99999999)}.00"), "元。"],
        ["申请人", ("~person_name", g.name()[0] + r.choice(["某", "某某", "*", "**"])), "的身份证号为", ("~id_card", g.id18()[:6] + "********" + g.id18()[-4:]), "。"],
        ["联系电话：", ("~mobile", g.mobile()[:3] + "****" + str(r.randint(1000, 9999))), "（已遮蔽）。"],
        [("~address", r.choice(VILLAGES) + f"村{r.randint(1, 9)}组"), "通组路硬化工程已完工，惠及群众", str(r.randint(50, 500)), "人。"],
        ["办公地址：", ("~address", r.choice(TOWNS) + "镇人民政府" + r.choice(["二楼", "三楼", "便民服务大厅"])), "。"],
        ["电子邮箱：", ("~email", f"smz{r.randint(1, 99)}@shaomi.gov.cn"), "。"],
        ["对患重大疾病的困难群众，按规定给予医疗救助和临时救助。"],
        ["高度重视黄金周期间安全生产工作，", "做好残疾人两项补贴发放工作。"],
        [f"勺府发〔{r.randint(2019, 2025)}〕{r.randint(1, 99)}号文件要求，于{r.randint(2019, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日前完成。"],
        ["公务用车", ("~license_plate", g.plate()), "已按规定封存。"],
        ["原合同编号", ("~bank_card", g.bank().replace(" ", "")), "已作废。"],
        ["该批次编号", ("~id_card", g.id18_bad()), "的物资已入库。"],
        ["镇党政办联系电话：", ("~landline", g.landline()), "，传真：", ("~landline", g.landline()), "。"],
    ]
    held_t = [
        ["咨询电话：", ("~landline", g.landline()), "，受理窗口：镇便民服务中心。"],
        ["党委书记", ("~person_name", g.name(False)), "、镇长", ("~person_name", g.name(False)), "出席会议并讲话。"],
        ["高铁G", str(r.randint(1000, 9999)), "次列车", "，", "执行GB 11643-1999标准。"],
        ["举报邮箱：", ("~email", g.email()), "。"],
        ["订单号", ("~bank_card", "".join(str(r.randint(0, 9)) for _ in range(18))), "。"],
        ["受理地点：", ("~address", r.choice(TOWNS) + "镇" + r.choice(VILLAGES) + "村村委会"), "。"],
    ]
    return t + (held_t if held else [])


HEADERS_SHARED = [["序号", "姓名", "身份证号", "联系电话", "家庭住址"], ["序号", "户主姓名", "身份证号码", "银行卡号", "备注"]]
HEADERS_HELDOUT = [["编号", "申请人", "证件号码", "手机号", "居住地址"], ["序号", "救助对象", "公民身份号码", "病种", "联系方式"]]
KIND_OF = {"姓名": "person_name", "户主姓名": "person_name", "申请人": "person_name", "救助对象": "person_name",
           "身份证号": "id_card", "身份证号码": "id_card", "证件号码": "id_card", "公民身份号码": "id_card",
           "联系电话": "phone", "手机号": "phone", "联系方式": "phone", "家庭住址": "address", "居住地址": "address",
           "银行卡号": "bank_card", "病种": "health_info"}


def table_rows(g: Gen, held: bool, b: DocBuilder, t: int):
    r = g.r
    header = r.choice(HEADERS_HELDOUT if held and r.random() < 0.5 else HEADERS_SHARED)
    for c, h in enumerate(header):
        b.add("table", [h], table=t, row=0, col=c)
    for row in range(1, r.randint(3, 6)):
        for c, h in enumerate(header):
            kind = KIND_OF.get(h)
            if kind is None:
                value = str(row) if h in ("序号", "编号") else r.choice(["", "低保户", "脱贫户", "已核实"])
                b.add("table", [value], table=t, row=row, col=c)
                continue
            if kind == "person_name":
                v = g.name()
            elif kind == "id_card":
                v = g.id18()
            elif kind == "phone":
                kind, v = ("mobile", g.mobile()) if r.random() < 0.8 else ("landline", g.landline())
            elif kind == "address":
                v = g.address() if r.random() < 0.5 else r.choice(VILLAGES) + f"村{r.randint(1, 9)}组"
            elif kind == "bank_card":
                v = g.bank()
            else:
                v = g.health()
            b.add("table", [(kind, v)], table=t, row=row, col=c)


def office_table(g: Gen, b: DocBuilder, t: int):
    r = g.r
    for c, h in enumerate(["单位", "联系人", "联系电话"] if r.random() < 0.3 else ["单位", "值班电话", "办公地址"]):
        b.add("table", [h], table=t, row=0, col=c)
    header = [blk["text"] for blk in b.blocks[-3:]]
    for row in range(1, 4):
        unit = r.choice(["党政办", "民政办", "农业服务中心", "社会事务办", "派出所", "卫生院"])
        b.add("table", [unit], table=t, row=row, col=0)
        if header[1] == "联系人":
            b.add("table", [("person_name", g.name())], table=t, row=row, col=1)
            b.add("table", [("mobile", g.mobile())], table=t, row=row, col=2)
        else:
            b.add("table", [("~landline", g.landline())], table=t, row=row, col=1)
            b.add("table", [("~address", r.choice(TOWNS) + "镇人民政府" + r.choice(["一楼", "二楼"]))], table=t, row=row, col=2)


def form_table(g: Gen, b: DocBuilder, t: int):
    rows = [[["姓名"], [("person_name", g.name())], ["身份证号"], [("id_card", g.id18())]],
            [["家庭住址"], [("address", g.address())], ["联系电话"], [("mobile", g.mobile())]]]
    for r_, row in enumerate(rows):
        for c, cell in enumerate(row):
            b.add("table", cell, table=t, row=r_, col=c)


TITLES = ["关于{n}申请临时救助的复函", "关于2025年第{k}批城乡低保对象的公示", "关于群众来信反映问题办理情况的报告",
          "勺米镇2025年残疾人两项补贴发放情况通报", "关于{n}信访事项的处理意见", "关于做好春耕生产工作的通知"]


def document(g: Gen, i: int, held: bool) -> dict:
    r = g.r
    b = DocBuilder()
    b.add("body", [r.choice(TITLES).format(n=g.name()[0] + "某", k=r.randint(1, 9))])
    b.add("body", [r.choice(["各村（社区）、镇直各单位：", "镇党政办：", "区民政局："])])
    pers = personal_paragraphs(g, held)
    near = near_miss_paragraphs(g, held)
    for _ in range(r.randint(4, 7)):
        b.add("body", r.choice(pers))
        b.add("body", r.choice(near))
        if r.random() < 0.5:
            b.add("body", ["按照《勺米镇依申请公开制度》规定，现将有关情况公示如下，公示期为5个工作日。"])
    x = r.random()
    t = 0
    if x < 0.5:
        table_rows(g, held, b, t)
    elif x < 0.75:
        form_table(g, b, t)
    else:
        office_table(g, b, t)
    b.add("body", ["勺米镇人民政府"])
    b.add("body", [f"2025年{r.randint(1, 12)}月{r.randint(1, 28)}日"])
    b.add("body", [r.choice(["（此件公开发布）", "（此件依申请公开）", "（此件主动公开）"])])
    # header / footer / footnote / comment / textbox
    if r.random() < 0.5:
        b.add("header", [r.choice(["经办人", "联系人"]), "：", ("person_name", g.name()), "  电话：", ("mobile", g.mobile())])
    else:
        b.add("header", ["勺米镇人民政府文件"])
    if r.random() < 0.5:
        b.add("footer", ["监督电话：", ("~landline", g.landline()), "  第1页"])
    else:
        b.add("footer", ["来信人", ("person_name", g.name()), "住址：", ("address", g.address())])
    if r.random() < 0.5:
        b.add("footnote", ["注：当事人", ("person_name", g.name()), "身份证号", ("id_card", g.id18()), "已核实。"])
    if r.random() < 0.5:
        b.add("comment", ["请核实来信人", ("person_name", g.name()), "的电话", ("mobile", g.mobile()), "是否需要遮蔽"])
    if r.random() < 0.4:
        b.add("textbox", ["户主", ("person_name", g.name()), "车牌号：", ("license_plate", g.plate())])
    return {"id": f"{'test' if held else 'dev'}-{i:03d}", "blocks": b.blocks, "spans": b.spans, "negatives": b.negatives}


def main() -> None:
    rng = random.Random(SEED)
    g = Gen(rng)
    for split, held, n in (("dev", False, 60), ("test", True, 60)):
        docs = [document(g, i, held) for i in range(n)]
        path = HERE / f"eval_{split}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        spans = sum(len(d["spans"]) for d in docs)
        negs = sum(len(d["negatives"]) for d in docs)
        print(f"{path.name}: {n} documents, {spans} personal-data spans, {negs} near-miss negatives")


if __name__ == "__main__":
    main()
