"""A district government office's 办文 history, generated: the vocabulary and the text.

Titles, bodies and attachments are assembled from phrases real 公文 use (关于做好……工作的通知,
现就有关事项通知如下, 特此函告), over topics drawn with a Zipf-like skew, so that a search
for 通知 or 安全 matches a large share of the register and a search for a rare topic a few
dozen documents, as in a real unit. Everything is seeded: two runs build the same unit.
"""

from __future__ import annotations

import itertools
import random

# 来文单位 with the 机关代字 of their own 发文字号 (厦府〔2024〕12号).
AGENCIES = [
    ("国务院办公厅", "国办发"),
    ("中共福建省委办公厅", "闽委办"),
    ("福建省人民政府", "闽政"),
    ("福建省人民政府办公厅", "闽政办"),
    ("福建省发展和改革委员会", "闽发改"),
    ("福建省财政厅", "闽财"),
    ("福建省应急管理厅", "闽应急"),
    ("福建省生态环境厅", "闽环"),
    ("福建省住房和城乡建设厅", "闽建"),
    ("福建省教育厅", "闽教"),
    ("福建省卫生健康委员会", "闽卫"),
    ("福建省人力资源和社会保障厅", "闽人社"),
    ("福建省市场监督管理局", "闽市监"),
    ("福建省自然资源厅", "闽自然资"),
    ("福建省民政厅", "闽民"),
    ("福建省公安厅", "闽公"),
    ("福建省交通运输厅", "闽交"),
    ("福建省文化和旅游厅", "闽文旅"),
    ("福建省农业农村厅", "闽农"),
    ("福建省统计局", "闽统"),
    ("中共厦门市委办公厅", "厦委办"),
    ("厦门市人民政府", "厦府"),
    ("厦门市人民政府办公厅", "厦府办"),
    ("厦门市发展和改革委员会", "厦发改"),
    ("厦门市财政局", "厦财"),
    ("厦门市教育局", "厦教"),
    ("厦门市科学技术局", "厦科"),
    ("厦门市工业和信息化局", "厦工信"),
    ("厦门市公安局", "厦公"),
    ("厦门市民政局", "厦民"),
    ("厦门市司法局", "厦司"),
    ("厦门市人力资源和社会保障局", "厦人社"),
    ("厦门市自然资源和规划局", "厦资源规划"),
    ("厦门市生态环境局", "厦环"),
    ("厦门市住房和建设局", "厦建"),
    ("厦门市交通运输局", "厦交"),
    ("厦门市农业农村局", "厦农"),
    ("厦门市商务局", "厦商务"),
    ("厦门市文化和旅游局", "厦文旅"),
    ("厦门市卫生健康委员会", "厦卫"),
    ("厦门市退役军人事务局", "厦退役"),
    ("厦门市应急管理局", "厦应急"),
    ("厦门市审计局", "厦审"),
    ("厦门市市场监督管理局", "厦市监"),
    ("厦门市体育局", "厦体"),
    ("厦门市统计局", "厦统"),
    ("厦门市医疗保障局", "厦医保"),
    ("厦门市城市管理行政执法局", "厦执法"),
    ("厦门市市政园林局", "厦市政园林"),
    ("厦门市信访局", "厦信访"),
    ("厦门市大数据管理局", "厦数据"),
    ("厦门市政务服务中心管理委员会", "厦政务"),
    ("厦门市人民防空办公室", "厦人防"),
    ("厦门市地方金融监督管理局", "厦金融"),
    ("厦门市消防救援支队", "厦消"),
    ("厦门市气象局", "厦气"),
    ("厦门市税务局", "厦税"),
    ("厦门市总工会", "厦工"),
    ("共青团厦门市委员会", "厦团"),
    ("厦门市妇女联合会", "厦妇"),
    ("中共思明区委办公室", "思委办"),
    ("思明区人民代表大会常务委员会办公室", "思人大办"),
    ("政协厦门市思明区委员会办公室", "思政协办"),
    ("中共思明区纪律检查委员会", "思纪"),
    ("中共思明区委组织部", "思组"),
    ("中共思明区委宣传部", "思宣"),
    ("中共思明区委统战部", "思统"),
    ("中共思明区委政法委员会", "思政法"),
    ("思明区发展和改革局", "思发改"),
    ("思明区教育局", "思教"),
    ("思明区科技和工业信息化局", "思科工信"),
    ("思明区民政局", "思民"),
    ("思明区司法局", "思司"),
    ("思明区财政局", "思财"),
    ("思明区人力资源和社会保障局", "思人社"),
    ("思明区城市建设和管理局", "思建管"),
    ("思明区农业农村和水利局", "思农水"),
    ("思明区商务局", "思商"),
    ("思明区文化和旅游局", "思文旅"),
    ("思明区卫生健康局", "思卫"),
    ("思明区退役军人事务局", "思退役"),
    ("思明区应急管理局", "思应急"),
    ("思明区审计局", "思审"),
    ("思明区市场监督管理局", "思市监"),
    ("思明区统计局", "思统计"),
    ("思明区医疗保障局", "思医保"),
    ("思明区信访局", "思信访"),
    ("思明区人民法院", "思法"),
    ("思明区人民检察院", "思检"),
    ("厦门市公安局思明分局", "思公"),
    ("思明区中华街道办事处", "中华街"),
    ("思明区鹭江街道办事处", "鹭江街"),
    ("思明区厦港街道办事处", "厦港街"),
    ("思明区开元街道办事处", "开元街"),
    ("思明区梧村街道办事处", "梧村街"),
    ("思明区筼筜街道办事处", "筼筜街"),
    ("思明区莲前街道办事处", "莲前街"),
    ("思明区嘉莲街道办事处", "嘉莲街"),
    ("思明区滨海街道办事处", "滨海街"),
    ("思明区鼓浪屿管理委员会", "鼓管委"),
]

# (name, code) of the unit's departments; the first is where the office staff sit.
DEPARTMENTS = [
    ("办公室", "BGS"),
    ("秘书科", "MSK"),
    ("综合科", "ZHK"),
    ("督查科", "DCK"),
    ("法制科", "FZK"),
    ("财务科", "CWK"),
    ("人事科", "RSK"),
    ("信息科", "XXK"),
    ("政务服务科", "ZWFW"),
    ("应急管理科", "YJGL"),
    ("经济发展科", "JJFZ"),
    ("社会事务科", "SHSW"),
    ("城市管理科", "CSGL"),
    ("安全生产科", "AQSC"),
    ("机关党委", "JGDW"),
]
# How the lead department (主办部门) of incoming documents is spread: a few departments
# carry most of the load. Index 4 (法制科) is where the plain staff reader sits.
DEPARTMENT_LOAD = [4, 6, 10, 8, 3, 6, 5, 4, 9, 10, 9, 10, 9, 8, 3]

# Topics (事项), most frequent first: the draw is Zipf-like, so the last ones are rare.
TOPICS = [
    "安全生产",
    "疫情防控",
    "防汛防台风",
    "党风廉政建设",
    "财政预算",
    "干部培训",
    "营商环境",
    "消防安全",
    "信访维稳",
    "文明城市创建",
    "食品安全",
    "安全隐患排查整治",
    "项目建设",
    "招商引资",
    "政务公开",
    "垃圾分类",
    "扫黑除恶",
    "人大代表建议和政协提案办理",
    "道路交通安全",
    "网络安全",
    "乡村振兴",
    "统计调查",
    "社会救助",
    "森林防火",
    "审计整改",
    "国有资产管理",
    "疫苗接种",
    "老旧小区改造",
    "地质灾害防治",
    "就业创业",
    "生态环境保护",
    "河长制",
    "保密工作",
    "档案管理",
    "政府采购",
    "机关事务管理",
    "应急值守",
    "节假日值班",
    "征兵工作",
    "民族宗教",
    "未成年人保护",
    "普法宣传",
    "法治政府建设",
    "数字政府建设",
    "政务服务“一网通办”",
    "优化营商环境",
    "人口普查",
    "经济普查",
    "第三次全国国土调查",
    "农村人居环境整治",
    "燃气安全",
    "自建房安全专项整治",
    "校园安全",
    "特种设备安全",
    "危险化学品安全",
    "建筑施工安全",
    "安全生产月",
    "节能降耗",
    "碳达峰碳中和",
    "养老服务",
    "残疾人就业",
    "医疗保障",
    "双拥共建",
    "退役军人服务保障",
    "拥军优属",
    "反诈宣传",
    "禁毒工作",
    "平安建设",
    "综治中心建设",
    "网格化服务管理",
    "社区治理",
    "物业管理",
    "停车管理",
    "市容环境卫生",
    "违法建设治理",
    "公共文化服务",
    "全民健身",
    "文物保护",
    "旅游市场整治",
    "知识产权保护",
    "质量强区",
    "金融风险防范",
    "非法集资防范",
    "防范电信网络诈骗",
    "防汛备汛",
    "台风“杜苏芮”防御",
    "抗旱",
    "爱国卫生运动",
    "病媒生物防制",
    "控烟工作",
    "无偿献血",
    "红十字会",
    "慈善募捐",
    "对口支援",
    "东西部协作",
    "山海协作",
    "闽台交流",
    "侨务工作",
    "外事接待",
    "会议精简",
    "公文处理",
    "督查督办",
    "绩效考评",
    "作风建设",
    "基层减负",
    "公务用车管理",
    "办公用房清理",
    "公共机构节能",
    "政务信息报送",
    "舆情处置",
    "新闻发布",
    "政府网站",
    "12345热线",
    "诉求办理",
    "历史建筑保护",
    "鼓浪屿世界文化遗产保护",
    "筼筜湖综合治理",
    "白鹭洲公园提升",
    "沙坡尾片区改造",
    "中山路步行街提升",
    "古树名木保护",
    "地名普查",
    "方言文化保护",
    "海漂垃圾治理",
    "白海豚保护",
]

# Title templates per 文种 ({t} topic, {y} year, {a} agency).
TITLES = {
    "通知": [
        "关于做好{y}年{t}工作的通知",
        "关于印发《{t}工作方案》的通知",
        "关于开展{t}专项检查的通知",
        "关于召开{t}工作会议的通知",
        "关于转发{a}关于加强{t}工作文件的通知",
        "关于进一步加强{t}工作的通知",
        "关于报送{y}年{t}工作总结的通知",
        "关于组织{t}培训的通知",
    ],
    "请示": [
        "关于{t}经费的请示",
        "关于申请{y}年{t}专项资金的请示",
        "关于{t}有关事项的请示",
    ],
    "报告": [
        "关于{y}年{t}工作情况的报告",
        "关于{t}自查情况的报告",
        "关于{t}整改落实情况的报告",
    ],
    "函": [
        "关于商请协助做好{t}工作的函",
        "关于{t}有关事项的复函",
        "关于征求《{t}实施意见（征求意见稿）》意见的函",
    ],
    "意见": ["关于进一步加强{t}工作的实施意见", "关于推进{t}的指导意见"],
    "通报": ["关于{y}年{t}检查情况的通报", "关于{t}工作进展情况的通报"],
    "批复": ["关于同意{t}实施方案的批复", "关于{t}有关问题的批复"],
    "纪要": ["{t}专题会议纪要", "{y}年第{n}次{t}工作联席会议纪要"],
    "决定": ["关于表彰{y}年度{t}先进集体和先进个人的决定", "关于调整{t}领导小组成员的决定"],
    "公告": ["关于{t}有关事项的公告"],
    "通告": ["关于{t}期间实施临时交通管制的通告", "关于开展{t}集中整治的通告"],
    "决议": ["关于{t}的决议"],
    "公报": ["{y}年{t}统计公报"],
    "议案": ["关于提请审议{t}有关事项的议案"],
    "命令": ["关于{t}的命令"],
}
# 文种 as they are spread in a district office's registers.
INCOMING_TYPES = [
    ("通知", 45), ("函", 15), ("通报", 8), ("报告", 7), ("意见", 6), ("请示", 5), ("批复", 4),
    ("纪要", 4), ("决定", 3), ("公告", 1), ("通告", 1), ("决议", 0.4), ("公报", 0.3), ("议案", 0.2),
    ("命令", 0.1),
]  # fmt: skip
OUTGOING_TYPES = [
    ("通知", 35), ("报告", 20), ("请示", 15), ("函", 15), ("纪要", 5), ("意见", 5), ("通报", 3),
    ("批复", 2),
]  # fmt: skip

OPENINGS = {
    "通知": "为深入贯彻落实{a}关于{t}的决策部署，切实做好{t}工作，经研究，现就有关事项通知如下：",
    "请示": "根据{a}有关要求，为扎实推进{t}工作，现将有关事项请示如下：",
    "报告": "根据{a}工作部署，我办认真组织开展{t}工作，现将有关情况报告如下：",
    "函": "为做好{t}工作，根据工作需要，现就有关事项函告如下：",
    "意见": "为进一步加强{t}工作，推动各项任务落地见效，结合本区实际，提出如下意见：",
    "通报": "近期，区政府组织对各单位{t}工作进行了检查，现将检查情况通报如下：",
    "批复": "你单位关于{t}的请示收悉。经研究，现批复如下：",
    "纪要": "{y}年{m}月{d}日，区政府召开{t}专题会议，研究部署有关工作。会议纪要如下：",
}
DEFAULT_OPENING = "为做好{t}工作，现将有关事项明确如下："
CLOSINGS = {
    "通知": "请各单位认真贯彻落实。特此通知。",
    "请示": "妥否，请批示。",
    "报告": "特此报告。",
    "函": "特此函告，请予支持为盼。",
    "意见": "各单位要结合实际认真抓好落实。",
    "通报": "请各单位对照检查，举一反三，抓好整改。特此通报。",
    "批复": "此复。",
    "纪要": "会议要求，各相关单位要按照职责分工抓好落实。",
}
DEFAULT_CLOSING = "特此公告。"
HEADINGS = [
    "提高思想认识", "强化责任落实", "加强组织领导", "突出工作重点", "加强隐患排查", "严格督查考核",
    "做好宣传引导", "强化经费保障", "健全工作机制", "及时报送信息", "加强统筹协调", "狠抓问题整改",
]  # fmt: skip
SENTENCES = [
    "各单位要充分认识做好{t}工作的重要性和紧迫性，坚决克服麻痹思想和侥幸心理",
    "严格落实主要领导负责制，层层压实责任，确保各项措施落到实处",
    "对辖区内重点区域、重点部位开展拉网式排查，建立问题清单和整改台账",
    "要加强值班值守，严格执行领导带班和二十四小时值班制度",
    "发现重大情况要第一时间报告，不得迟报、漏报、瞒报",
    "请于{m}月{d}日前将工作开展情况书面报送区政府办公室",
    "区政府将适时组织督查，对工作不力的单位予以通报",
    "各街道要结合实际制定具体实施方案，明确时间表和路线图",
    "要充分利用报纸、网站、微信公众号等渠道加强宣传，营造良好氛围",
    "所需经费由区财政统筹安排，专款专用",
    "要加强与市级有关部门的沟通衔接，形成工作合力",
    "对检查中发现的问题要立行立改，不能立即整改的要明确整改时限",
    "{t}工作涉及面广、政策性强，各单位要高度重视，周密部署",
    "全区共排查{t}隐患{n}处，已整改{n}处，整改率达百分之九十以上",
    "截至{m}月底，累计投入资金{n}万元，完成年度计划的百分之{n}",
    "下一步，我们将继续加大工作力度，确保完成全年目标任务",
    "联系人：综合科，联系电话：{p}",
    "当前正值{t}关键时期，形势依然严峻复杂，各单位不得有丝毫松懈",
    "要坚持人民至上、生命至上，切实保障人民群众生命财产安全",
    "要严格执行中央八项规定精神，厉行勤俭节约，反对铺张浪费",
]  # fmt: skip
ATTACHMENT_NAMES = [
    "{t}工作方案", "{t}情况统计表", "{t}责任分工表", "{t}检查情况汇总表", "{t}联络员名单",
    "{t}工作考核评分细则", "{t}典型案例汇编",
]  # fmt: skip
ATTACHMENT_KINDS = [
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pdf", "application/pdf"),
    ("ofd", "application/ofd"),
]
MAIN_RECIPIENTS = [
    "各街道办事处，区直各部门，各有关单位",
    "区政府",
    "各街道办事处",
    "区直各部门",
    "市政府办公厅",
    "区委办，区人大办，区政协办",
]
COPY_TO = ["", "", "区委办，区人大办，区政协办，区纪委监委", "市政府办公厅", "区委各部门，区人武部"]
PHONES = [f"0592-{n}" for n in (2158801, 2158802, 2158836, 2158870, 2066351, 2066352, 5163270, 5163271)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕"
GIVEN = "建国华明丽红军伟芳敏静强磊洋勇艳杰娟涛超秀霞平刚桂英志文斌慧颖鹏宇晨浩然雪梅晓东海燕丹玲琳欣怡婷"


def weighted(rng: random.Random, choices: list[tuple[str, float]]):
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for value, weight in choices:
        x -= weight
        if x <= 0:
            return value
    return choices[-1][0]


class Corpus:
    """Draws topics, titles, bodies and attachments from the vocabulary above."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Zipf-like (s = 1.1): the first topic comes up ~3,000 times as often as the last.
        self.topic_weights = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(TOPICS))))
        # District offices and the city government write most often; the province and the
        # State Council less; the street offices in between.
        self.agency_weights = list(
            itertools.accumulate(
                0.5
                if name.startswith(("国务院", "福建", "中共福建"))
                else 3
                if "厦门市人民政府" in name
                else 1.5
                for name, _ in AGENCIES
            )
        )

    def topic(self) -> str:
        return self.rng.choices(TOPICS, cum_weights=self.topic_weights)[0]

    def agency(self) -> tuple[str, str]:
        return self.rng.choices(AGENCIES, cum_weights=self.agency_weights)[0]

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def _fill(self, template: str, *, topic: str, year: int, agency: str) -> str:
        rng = self.rng
        return template.format(
            t=topic,
            y=year,
            a=agency,
            n=rng.randrange(2, 60),
            m=rng.randrange(1, 13),
            d=rng.randrange(1, 29),
            p=rng.choice(PHONES),
        )

    def title(self, doc_type: str, *, topic: str, year: int, agency: str) -> str:
        return self._fill(self.rng.choice(TITLES[doc_type]), topic=topic, year=year, agency=agency)[:200]

    def paragraphs(self, doc_type: str, *, topic: str, year: int, agency: str) -> list[str]:
        """Opening, two to five numbered items, closing: 150–450 characters."""
        rng = self.rng
        out = [self._fill(OPENINGS.get(doc_type, DEFAULT_OPENING), topic=topic, year=year, agency=agency)]
        numerals = "一二三四五六"
        for i, heading in enumerate(rng.sample(HEADINGS, rng.randrange(2, 6))):
            sentences = "，".join(
                self._fill(s, topic=topic, year=year, agency=agency)
                for s in rng.sample(SENTENCES, rng.randrange(1, 3))
            )
            out.append(f"{numerals[i]}、{heading}。{sentences}。")
        out.append(CLOSINGS.get(doc_type, DEFAULT_CLOSING))
        return out

    def attachment(self, *, topic: str, year: int, agency: str) -> tuple[str, str, str, str]:
        """(file name, kind, mime type, extracted text) of one attachment."""
        rng = self.rng
        kind, mime = rng.choice(ATTACHMENT_KINDS)
        stem = self._fill(rng.choice(ATTACHMENT_NAMES), topic=topic, year=year, agency=agency)
        text = "。".join(
            self._fill(s, topic=topic, year=year, agency=agency)
            for s in rng.sample(SENTENCES, rng.randrange(4, 11))
        )
        return f"{stem}.{kind}", kind, mime, f"{stem}\n{text}。"
