"""The demo's ledger (一台账两清单), in the numbers of the Ankang report.

The report: "形成准确、具体、有分量的县级领导问题清单27条，整改措施52条，专项整治项目11个，
形成基层党组织问题清单650余条，制定整改措施730余条 … 由经济发展、教育、不动产登记管理、
社区管理、卫健等10个部门牵头，对乡村振兴、教育、医疗、住房等10个重点领域开展专项整治，
并梳理形成专项整治项目16个 … 对各单位专项整治情况进行3轮审核检查，现场向单位“一把手”
反馈问题16个，责令9个单位重新检视问题". This loader makes exactly those figures:

* ten domains and 16 grassroots drives (专项整治) led by ten departments, one per domain
  or more; 11 drives of the county-level leadership, led by nine of those departments in
  the same domains (so the zone as a whole still counts ten leading departments and ten
  domains);
* the leadership list: 27 problems of the zone, each owned by a county-level leader, with
  52 measures carried out mostly by departments; it went up and down three times (三上三下)
  before the campaign office accepted it;
* 650 grassroots problems with 730 measures in the lists of 37 units: the 13 communities
  and villages, the 3 streets and towns, the 16 departments and the 5 branches of the
  non-public sector; each list accepted after one to three rounds; 60 of the problems
  fixed at once (立行立改);
* three inspection rounds by the campaign office with discipline inspection, with 16
  findings fed back to unit heads; nine of them order the unit to re-examine its list,
  which adds the problem it had missed and submits the list again.

Everything goes through ``rectification.services`` (so every change has its event, every
closure request its evidence: a small generated PNG), acting as the person who would do
it: clerks enter and report, the level above (the street head for its communities and
villages, the campaign office for the rest) reviews lists, approves closures and decides
extensions. Statuses are set relative to ``context.today`` so the lights show: most
problems closed (a few as duplicates, explained or not actionable), some with closure
requested, the rest being rectified, of which some overdue (red), some due within three
working days (yellow), some on an approved extension (original deadline kept).

Dates: the campaign keeps its real period (2023), but the ledger is shown as a running
one, so the days problems were found, their deadlines and the inspection rounds are set
in the weeks around ``context.today``. Closures happen when the demo is loaded.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Channel
from core.calendar import add_working_days
from core.demo import DEMO_ROOT_CODE, DemoContext, words
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.demo import (
    CAMPAIGN_OFFICE_CODE,
    COURIER_BRANCH_CODE,
    DEPARTMENTS,
    NON_PUBLIC_PARTY_COMMITTEE_CODE,
    RIDER_BRANCH_CODE,
    STREETS,
    XIANDAICHENG_CODE,
)
from orgs.models import Org, RoleGrant, User
from rectification import services
from rectification.choices import ClosureKind, ItemStatus, ProblemLevel
from rectification.models import Domain, Measure, Problem, ProblemList, SpecialRectification

# The report's figures, which the demo makes exactly (its "650余条 … 730余条" as 650 and 730).
LEADERSHIP_PROBLEMS = 27
LEADERSHIP_MEASURES = 52
LEADERSHIP_DRIVES = 11
GRASSROOTS_PROBLEMS = 650
GRASSROOTS_MEASURES = 730
GRASSROOTS_DRIVES = 16
DRIVE_DEPARTMENTS = 10
DRIVE_DOMAINS = 10
INSPECTION_ROUNDS = 3
FINDINGS_FED_BACK = 16
UNITS_REEXAMINING = 9
IMMEDIATE_PROBLEMS = 60

DOMAINS = words("乡村振兴 教育 医疗 住房 不动产登记 社区管理 卫生健康 营商环境 安全生产 生态环境")


def _code(suffix: str) -> str:
    return f"{DEMO_ROOT_CODE}-{suffix}"


# --- Special drives (专项整治) ------------------------------------------------------------


@dataclass(frozen=True)
class Drive:
    key: str
    department: str  # suffix of the leading department's code
    domain: str
    name: str
    description: str


GRASSROOTS_DRIVE_SPECS: tuple[Drive, ...] = (
    Drive(
        "G1",
        "NYJ",
        "乡村振兴",
        "农村人居环境整治提升专项整治",
        "垃圾、污水、厕所“三大革命”和村容村貌提升，建立长效管护机制。",
    ),
    Drive(
        "G2",
        "NYJ",
        "乡村振兴",
        "村级集体经济“薄弱村”提升专项整治",
        "一村一策发展壮大集体经济，规范“三资”管理和土地流转。",
    ),
    Drive(
        "G3",
        "RSJ",
        "乡村振兴",
        "防止规模性返贫和稳岗就业专项整治",
        "防返贫动态监测帮扶，失地农民和脱贫劳动力技能培训、稳岗就业。",
    ),
    Drive("G4", "JYJ", "教育", "校外培训机构规范治理专项整治", "查处无证办学、“隐形变异”违规培训和在职教师有偿补课。"),
    Drive(
        "G5",
        "JYJ",
        "教育",
        "校园食品安全和膳食经费管理专项整治",
        "学校食堂、营养餐和校园周边食品安全，膳食经费专款专用。",
    ),
    Drive("G6", "WJJ", "医疗", "医药领域腐败问题集中整治", "医药购销、医保基金使用和医疗服务中的不正之风和腐败问题。"),
    Drive(
        "G7",
        "WJJ",
        "医疗",
        "基层医疗卫生服务能力提升专项整治",
        "社区卫生服务站、村卫生室标准化建设和家庭医生签约服务。",
    ),
    Drive("G8", "WJJ", "卫生健康", "医养结合和居家养老服务短板专项整治", "社区养老服务站、老年助餐和居家上门服务。"),
    Drive(
        "G9", "ZJJ", "住房", "老旧小区改造和物业服务质量专项整治", "老旧小区管网、电梯、照明改造，物业服务企业监管。"
    ),
    Drive("G10", "ZJJ", "住房", "拖欠农民工工资问题专项整治", "在建项目工资专户、实名制和欠薪投诉限时办结。"),
    Drive(
        "G11",
        "BDC",
        "不动产登记",
        "不动产登记“办证难”历史遗留问题专项整治",
        "安置小区和商品房办证遗留问题逐个化解，推行“交房即交证”。",
    ),
    Drive(
        "G12",
        "SQJ",
        "社区管理",
        "社区“小马拉大车”突出问题专项整治",
        "清理规范社区工作事项、机制牌子和证明事项，为社区减负。",
    ),
    Drive("G13", "SQJ", "社区管理", "居民诉求“接诉即办”专项整治", "12345热线和网格上报诉求限时办结、回访评价。"),
    Drive(
        "G14", "JFJ", "营商环境", "涉企违规收费和拖欠企业账款专项整治", "清理涉企违规收费、多头检查和拖欠中小企业账款。"
    ),
    Drive(
        "G15",
        "YJJ",
        "安全生产",
        "安全生产重大事故隐患专项排查整治",
        "企业、小区、村组重大事故隐患排查整治，消防通道和电动车充电。",
    ),
    Drive("G16", "ZRJ", "生态环境", "月河流域生态环境问题专项整治", "沿河排污口、河道垃圾、违法占地和扬尘污染整治。"),
)

LEADERSHIP_DRIVE_SPECS: tuple[Drive, ...] = (
    Drive("L1", "ZJJ", "住房", "防范化解房地产领域风险专项整治", "问题楼盘“一楼一策”，保交楼、稳民生。"),
    Drive("L2", "ZRJ", "乡村振兴", "征地拆迁“老大难”问题专项整治", "逐片区、逐户化解征地拆迁遗留问题。"),
    Drive("L3", "RSJ", "乡村振兴", "失地农民就业保障专项行动", "技能培训与园区企业用工需求精准对接。"),
    Drive("L4", "JFJ", "营商环境", "工业企业发展难题破解专项行动", "用工、用电、配套、产品销售和资金融通难题。"),
    Drive("L5", "JFJ", "营商环境", "“项目管家”服务提质增效专项整治", "项目审批帮办代办，建成项目达产达效。"),
    Drive("L6", "JYJ", "教育", "城区学位供给不足专项整治", "新建学校、学区调整和“大班额”化解。"),
    Drive("L7", "WJJ", "医疗", "群众看病就医急难愁盼专项整治", "基层医疗服务能力和家庭医生签约服务。"),
    Drive("L8", "BDC", "不动产登记", "安置小区不动产权证办理专项整治", "安置小区“办证难”逐小区销号。"),
    Drive("L9", "SQJ", "社区管理", "安置社区治理短板专项整治", "“红色物业”、停车和邻里纠纷。"),
    Drive("L10", "YJJ", "安全生产", "工业园区安全生产和消防隐患专项整治", "园区企业隐患“拉网式”排查整治。"),
    Drive("L11", "ZRJ", "生态环境", "环保督察反馈问题整改专项整治", "逐项明确责任和时限，按月销号。"),
)


# --- The leadership list (县级领导班子问题清单) --------------------------------------------


@dataclass(frozen=True)
class LeadershipProblem:
    title: str
    owner: str  # a county-level leader by name
    channel: str
    domain: str | None
    drive: str | None
    # (title, department suffix or "" for the zone itself, the department head's or "")
    measures: tuple[tuple[str, str], ...]


def _lp(
    title: str, owner: str, channel: str, domain: str | None, drive: str | None, *measures: str
) -> LeadershipProblem:
    """Measures are written "单位后缀|措施": an empty suffix leaves the measure with the zone."""
    parsed = tuple((text.split("|", 1)[1], text.split("|", 1)[0]) for text in measures)
    return LeadershipProblem(title, owner, channel, domain, drive, parsed)


LEADERSHIP_LIST: tuple[LeadershipProblem, ...] = (
    _lp(
        "理论学习往深里走、往实里走不够，学用结合、以学促干还有差距",
        "罗武侠",
        "symposium",
        None,
        None,
        "DZB|制定党工委理论学习中心组年度学习计划，每月开展一次专题研讨",
        "|县级领导每人结合分管领域形成一篇学习转化成果",
    ),
    _lp(
        "调查研究存在“走读式”“蜻蜓点水”现象，调研成果转化运用不够",
        "陈帆",
        "research",
        None,
        None,
        "ZTJY|建立县级领导调研课题清单和成果转化台账，逐项跟踪",
        "|每名县级领导每季度到联系点蹲点调研不少于1次",
    ),
    _lp(
        "防范化解房地产领域风险措施不够有力，个别项目逾期交房风险未有效化解",
        "王建军",
        "research",
        "住房",
        "L1",
        "ZJJ|对问题楼盘建立“一楼一策”工作专班",
        "ZJJ|督促开发企业制定复工交房计划并按月调度",
        "CZJ|设立预售资金监管专户，确保专款用于项目建设",
    ),
    _lp(
        "征地拆迁“老大难”问题化解不力，部分片区遗留问题久拖未决",
        "张志刚",
        "petition",
        "乡村振兴",
        "L2",
        "ZRJ|逐户建立征地拆迁遗留问题台账，一户一策化解",
        "|县级领导包抓重点片区，带案下访、现场办公",
    ),
    _lp(
        "失地农民就业保障不到位，技能培训与园区企业用工需求衔接不紧",
        "刘晓燕",
        "research",
        "乡村振兴",
        "L3",
        "RSJ|开展失地农民技能培训“订单班”",
        "RSJ|建立园区企业用工需求与失地农民求职信息对接平台",
    ),
    _lp(
        "破解企业产品销售、资金融通等关键性问题办法不多、成效不明显",
        "罗武侠",
        "research",
        "营商环境",
        "L4",
        "JFJ|每季度组织一次产销对接会和银企对接会",
        "CZJ|用好产业发展基金，为中小企业提供过桥融资",
        "JFJ|建立县级领导包抓企业问题清单，限时办结",
    ),
    _lp(
        "企业用工、用电、配套等要素保障协调不及时",
        "陈帆",
        "research",
        "营商环境",
        "L4",
        "JFJ|建立企业要素保障周调度机制",
        "JFJ|协调供电部门完成园区变电站增容改造",
    ),
    _lp(
        "“项目管家”服务机制落实不到位，个别项目审批手续办理慢",
        "王建军",
        "supervision",
        "营商环境",
        "L5",
        "JFJ|推行项目审批“容缺受理”和全程帮办代办",
    ),
    _lp(
        "重点项目推进“重开工、轻投产”，部分项目建成后达产达效慢",
        "张志刚",
        "research",
        "营商环境",
        "L5",
        "JFJ|对建成项目开展达产达效跟踪评估",
        "ZSZX|落实“领导包抓+项目专班+业务专组+调度跟进”机制",
    ),
    _lp(
        "招商引资项目履约率不高，部分签约项目资金到位慢",
        "王建军",
        "audit",
        "营商环境",
        None,
        "ZSZX|建立签约项目履约监管台账，按月通报",
        "ZSZX|对长期未履约项目依法依约清理退出",
    ),
    _lp(
        "城区学位供给不足，部分学校“大班额”问题突出",
        "刘晓燕",
        "petition",
        "教育",
        "L6",
        "JYJ|加快新建学校建设，确保明年秋季投用",
        "JYJ|统筹学区划分，合理调配学位",
        "ZJJ|新建小区配套学校同步规划、同步建设、同步交付",
    ),
    _lp(
        "群众看病就医不便，基层医疗卫生服务能力偏弱",
        "刘晓燕",
        "hotline",
        "医疗",
        "L7",
        "WJJ|推进社区卫生服务中心标准化建设",
        "WJJ|做实家庭医生签约服务，重点人群签约全覆盖",
    ),
    _lp(
        "安置小区不动产权证办理滞后，群众反映强烈",
        "张志刚",
        "petition",
        "不动产登记",
        "L8",
        "BDC|成立安置小区办证工作专班，逐小区分析原因",
        "BDC|对具备条件的小区推行“交房即交证”",
        "ZRJ|协调解决安置小区土地手续遗留问题",
    ),
    _lp(
        "安置社区治理基础薄弱，物业服务、停车等矛盾较多",
        "曹英忠",
        "symposium",
        "社区管理",
        "L9",
        "SQJ|推行“红色物业”，建立党支部领导下的物业服务协商机制",
        "ZJJ|规划建设安置社区公共停车场",
    ),
    _lp(
        "工业园区安全生产主体责任落实不到位，消防隐患整改不彻底",
        "张志刚",
        "supervision",
        "安全生产",
        "L10",
        "YJJ|开展园区企业安全隐患“拉网式”排查，建立隐患整改台账",
    ),
    _lp(
        "环保督察反馈问题整改进度滞后",
        "王建军",
        "supervision",
        "生态环境",
        "L11",
        "ZRJ|逐项明确责任单位和完成时限，按月销号",
        "ZRJ|开展月河沿岸入河排污口排查整治",
    ),
    _lp(
        "村级集体经济发展不平衡，部分村集体经济收入偏低",
        "陈帆",
        "research",
        "乡村振兴",
        None,
        "NYJ|一村一策制定集体经济发展方案，培育主导产业",
    ),
    _lp(
        "形式主义、官僚主义问题仍有发生，文山会海、督查检查考核过多过频",
        "曹英忠",
        "symposium",
        None,
        None,
        "DZB|精简会议文件，推行“无会日”",
        "DZB|统筹督查检查考核事项，年度计划外一律不开展",
    ),
    _lp(
        "干部队伍担当作为不够，个别干部“躺平”“怕担责”",
        "曹英忠",
        "symposium",
        None,
        None,
        "DGW|完善干部容错纠错和激励关怀机制",
        "DGW|开展干部能力提升专题培训",
    ),
    _lp(
        "“两新”组织党建工作不平衡，部分党组织作用发挥不明显",
        "赵明辉",
        "supervision",
        None,
        None,
        "DGW-LX|推进“小个专”党建全覆盖，划片成立联合党支部",
        "DGW-LX|为快递员、外卖员等新就业群体建设“红色驿站”",
    ),
    _lp(
        "全面从严治党“一岗双责”落实不够严格，重点领域廉政风险防控有短板",
        "李文博",
        "patrol",
        None,
        None,
        "JGW|开展工程建设、征地拆迁领域廉政风险排查",
        "JGW|建立重点领域廉政风险防控清单",
    ),
    _lp(
        "巡察反馈问题整改不够彻底，个别问题出现反弹",
        "李文博",
        "patrol",
        None,
        None,
        "JGW|对巡察反馈问题整改情况开展“回头看”",
    ),
    _lp(
        "审计发现的财政资金使用不规范问题整改不到位",
        "陈帆",
        "audit",
        None,
        None,
        "CZJ|对专项资金使用情况全面清查",
        "CZJ|建立财政资金绩效评价和结果运用制度",
    ),
    _lp(
        "联系服务群众不够深入，“四下基层”制度化常态化不够",
        "罗武侠",
        "symposium",
        None,
        None,
        "|县级领导每月至少一次接访下访，带案下访",
    ),
    _lp(
        "信访积案化解进度慢，重复信访问题时有发生",
        "张志刚",
        "petition",
        None,
        None,
        "|县级领导包案化解信访积案，逐案销号",
        "DZB|建立信访事项首接首办责任制",
    ),
    _lp(
        "机关党建与业务工作融合不够，“两张皮”问题依然存在",
        "黄荣荣",
        "symposium",
        None,
        None,
        "DGW-JGDW|开展“党建+业务”融合示范支部创建",
    ),
    _lp(
        "民生实事办理质量不高，“群众最操心的十件事”推进不平衡",
        "罗武侠",
        "hotline",
        None,
        None,
        "ZTJY|建立“群众最操心的十件事”破难行动清单，挂图作战",
        "ZTJY|每月通报破难行动进展，排名靠后的单位约谈",
    ),
)

LEADERSHIP_ROUNDS = (
    "问题查摆不够深入，请对照党章党规、群众意见和巡察审计反馈再剖析，补充调研发现的问题。",
    "部分问题表述不够具体，整改措施须明确责任单位、责任人和完成时限。",
)
LEADERSHIP_ACCEPTED = "问题清单准确、具体、有分量，同意按此推进整改。"


# --- The grassroots lists (基层党组织问题清单) ---------------------------------------------


@dataclass(frozen=True)
class Template:
    title: str
    measure: str
    domain: str | None = None
    drive: str | None = None
    channels: tuple[str, ...] = ("supervision",)
    second: str | None = None


def _t(
    title: str,
    measure: str,
    domain: str | None = None,
    drive: str | None = None,
    channels: str = "supervision",
    second: str | None = None,
) -> Template:
    return Template(title, measure, domain, drive, tuple(channels.split()), second)


# Problems any grassroots party organisation may find in itself.
COMMON = (
    _t(
        "理论学习流于形式，“三会一课”学习内容与工作实际结合不紧",
        "制定支部年度学习计划，每月主题党日开展专题学习",
        None,
        None,
        "symposium",
        "建立党员学习台账和学习积分制度",
    ),
    _t(
        "组织生活会批评与自我批评“辣味”不足，相互批评避重就轻",
        "重新召开专题组织生活会，逐一开展批评与自我批评",
        None,
        None,
        "symposium",
    ),
    _t(
        "发展党员程序不够规范，个别发展对象档案材料不齐全",
        "对近三年发展党员档案逐份核查补齐",
        None,
        None,
        "supervision",
    ),
    _t("个别党员未按规定标准按月交纳党费", "逐人核定党费交纳基数，补交欠交党费", None, None, "audit"),
    _t(
        "流动党员底数不清，与流出党员联系不紧密",
        "逐人核实流出党员去向，落实寄送资料、打电话、征建议“三个一”措施",
        None,
        None,
        "research",
        "建立流动党员微信联系群，每月推送学习内容",
    ),
    _t(
        "年老体弱党员送学上门不及时，学习存在“掉队”现象",
        "落实“四个一”措施，确定帮联党员送学上门",
        None,
        None,
        "research",
    ),
    _t(
        "主题教育学习研讨质量不高，个别党员存在“抄学”现象",
        "重新组织专题研讨，逐人撰写心得体会并交流",
        None,
        None,
        "supervision",
    ),
    _t(
        "为民办实事台账不完善，群众诉求办理后回访不到位",
        "完善为民办实事台账，办结事项逐一电话回访",
        None,
        None,
        "hotline",
    ),
    _t("意识形态阵地管理不规范，宣传栏内容更新不及时", "明确专人管理宣传阵地，每月更新内容", None, None, "supervision"),
    _t(
        "党员先锋模范作用发挥不明显，“亮身份、作表率”不够",
        "设立党员示范岗和责任区，开展承诺践诺",
        None,
        None,
        "symposium",
    ),
    _t("办公场所消防器材过期、应急通道堆放杂物", "更换过期消防器材，清理应急通道", "安全生产", "G15", "supervision"),
    _t(
        "支部“三会一课”记录不规范，存在事后补记现象",
        "规范会议记录本，由支部书记每月审核签字",
        None,
        None,
        "supervision",
    ),
    _t(
        "干部服务群众态度生硬，群众反映“脸难看、事难办”",
        "开展作风纪律专项教育，公开服务承诺和监督电话",
        None,
        None,
        "hotline online",
        "建立群众评价和投诉回访制度",
    ),
    _t("联系服务群众不经常，入户走访流于形式", "落实党员干部联系户制度，每月入户走访并记录", None, None, "symposium"),
)

COMMUNITY = (
    _t(
        "{place}楼道堆放杂物、电动车“飞线充电”问题反复出现",
        "开展楼道杂物集中清理，劝导住户规范充电",
        "安全生产",
        "G15",
        "hotline online",
        "在小区加装电动车集中充电桩",
    ),
    _t(
        "{place}物业服务不到位，卫生保洁和设施维修不及时",
        "约谈物业服务企业，限期整改并公示",
        "住房",
        "G9",
        "hotline",
        "指导成立业主委员会，建立物业服务评价机制",
    ),
    _t("{place}雨污管网老化，雨季污水外溢", "纳入老旧小区改造计划，更换破损管网", "住房", "G9", "online hotline"),
    _t(
        "{place}停车位不足，车辆乱停乱放堵塞消防通道",
        "清理消防通道，施划停车位和禁停标线",
        "社区管理",
        "G13",
        "hotline",
        "协调周边单位错时共享停车位",
    ),
    _t(
        "{place}垃圾分类投放点设置不合理，清运不及时",
        "调整垃圾投放点位，协调环卫部门日产日清",
        "生态环境",
        None,
        "opinion_box online",
    ),
    _t(
        "{place}安置房不动产权证迟迟未办理",
        "协调不动产登记中心集中受理，建立办证进度台账",
        "不动产登记",
        "G11",
        "petition",
    ),
    _t("{place}二次供水设施老化，高峰时段水压不足", "协调供水企业改造二次供水泵房", "住房", "G9", "hotline"),
    _t("{place}路灯损坏，夜间照明不足", "摸排损坏路灯并协调维修", "住房", None, "online opinion_box"),
    _t("{place}高空抛物现象时有发生", "加装高空监控探头，开展入户宣传", "安全生产", "G15", "hotline"),
    _t(
        "{place}电梯故障频发，维保责任落实不到位",
        "督促物业和维保单位限期维修，建立电梯安全台账",
        "住房",
        "G9",
        "hotline petition",
    ),
    _t(
        "社区承担事项过多，“小马拉大车”，工作人员疲于填表报数",
        "梳理社区工作事项清单，取消无依据的填表报数",
        "社区管理",
        "G12",
        "symposium",
        "清理规范社区挂牌和证明事项",
    ),
    _t(
        "社区养老服务站运营不正常，老年助餐覆盖不足",
        "引进专业机构运营养老服务站，开设老年助餐点",
        "卫生健康",
        "G8",
        "research",
    ),
    _t(
        "网格员入户走访不到位，网格信息更新滞后", "落实网格员每日巡查、每月走访全覆盖", "社区管理", "G13", "supervision"
    ),
    _t("12345热线工单回复不及时，群众满意率偏低", "建立工单“接诉即办”限时办结和回访机制", "社区管理", "G13", "hotline"),
    _t(
        "“红色驿站”开放时间不固定，新就业群体使用率低", "固定开放时间，增设充电、饮水、休息设施", None, None, "research"
    ),
    _t("居家养老上门服务不规范，服务记录不完整", "制定上门服务规范，建立服务对象档案", "卫生健康", "G8", "opinion_box"),
    _t("辖区校外培训机构无证办学", "联合教育部门排查取缔无证培训机构", "教育", "G4", "petition hotline"),
    _t(
        "在职党员“双报到”作用发挥不明显，认领“微心愿”积极性不高",
        "建立在职党员社区服务积分，定期通报认领情况",
        None,
        None,
        "symposium",
    ),
    _t("社区卫生服务站药品短缺、就诊排队时间长", "协调卫健部门调配常用药品，推行预约就诊", "医疗", "G7", "hotline"),
    _t(
        "社区服务大厅“一窗通办”落实不到位，群众办事多头跑",
        "整合服务窗口，推行“一窗受理、全科服务”",
        "社区管理",
        "G12",
        "online",
    ),
    _t("广场舞音响噪音扰民", "与广场舞队签订文明公约，规定活动时段和音量", "社区管理", None, "hotline"),
    _t("{place}周边餐饮油烟扰民", "督促商户安装油烟净化设施", "生态环境", None, "hotline online"),
    _t("邻里矛盾纠纷排查化解不及时", "建立网格矛盾纠纷每周排查、每月研判机制", "社区管理", None, "petition"),
    _t("{place}公共绿地被毁绿种菜", "清理毁绿种菜，恢复绿化", "生态环境", None, "online"),
)
COMMUNITY_PLACES = {
    "XDC": words("现代城一期 现代城二期 汉江明珠小区 锦绣华庭小区"),
    "JS": words("居尚小区 居尚安置小区 馨苑小区"),
    "GXHY": words("高新花园一期 高新花园二期 学府名苑小区"),
    "TB": words("天宝家园安置小区 天宝新村 康城丽景小区"),
    "DTSQ": words("大同安置小区 大同老街片区 阳光城小区"),
    "WLSQ": words("五里安置小区 五里铺老街片区 月河湾小区"),
}

VILLAGE = (
    _t(
        "{place}人居环境“脏乱差”，生活垃圾乱堆乱放",
        "组织集中清理，配置分类垃圾桶，落实保洁员",
        "乡村振兴",
        "G1",
        "supervision",
        "将人居环境整治纳入村规民约",
    ),
    _t("村集体经济收入低，产业项目带动作用弱", "制定集体经济发展方案，盘活闲置资产资源", "乡村振兴", "G2", "research"),
    _t("{place}通组道路破损，群众出行不便", "争取项目资金修复通组道路", "乡村振兴", None, "petition"),
    _t("{place}安全饮水水源不稳定，旱季供水不足", "新建蓄水池，接通备用水源", "乡村振兴", "G1", "hotline"),
    _t(
        "防返贫动态监测不及时，个别监测户帮扶措施不精准",
        "开展防返贫集中排查，一户一策落实帮扶",
        "乡村振兴",
        "G3",
        "supervision",
    ),
    _t(
        "村务公开不及时、不规范，“三资”管理不透明",
        "规范村务公开栏，按季度公开财务收支",
        "乡村振兴",
        "G2",
        "audit",
        "开展村级“三资”清产核资",
    ),
    _t("失地农民参加就业技能培训积极性不高", "对接园区企业开设订单式培训班", "乡村振兴", "G3", "research"),
    _t(
        "{place}改厕后使用率不高，后续管护跟不上",
        "建立改厕问题摸排整改台账，落实管护人员",
        "乡村振兴",
        "G1",
        "supervision",
    ),
    _t("村卫生室设施简陋，村医服务能力不足", "协调卫健部门配齐基本设备，组织村医轮训", "医疗", "G7", "research"),
    _t("土地流转合同不规范，流转费兑付不及时", "清理规范土地流转合同，限期兑付流转费", "乡村振兴", "G2", "petition"),
    _t("宅基地审批不规范，存在未批先建", "排查违规建房，依法依规处置", "生态环境", "G16", "patrol"),
    _t("{place}河道乱倒垃圾，汛期行洪不畅", "清理河道垃圾，落实村级河长巡河", "生态环境", "G16", "supervision"),
    _t("留守老人、留守儿童关爱服务不到位", "建立留守人员关爱台账，党员结对帮扶", "卫生健康", "G8", "research"),
    _t("城乡居民医保参保动员不到位，个别群众漏缴", "逐户摸排参保情况，动员应保尽保", "乡村振兴", "G3", "supervision"),
    _t("{place}农村自建房安全隐患排查不彻底", "开展自建房安全隐患复查，建立整治台账", "安全生产", "G15", "supervision"),
    _t("{place}秸秆露天焚烧禁而不止", "落实网格禁烧巡查责任，推广秸秆还田", "生态环境", "G16", "online"),
    _t("村“两委”干部坐班值班制度落实不严", "公示干部坐班表，群众可随时监督", None, None, "online"),
    _t(
        "征地补偿款分配方案公示不充分，群众有意见",
        "重新公示分配方案，召开村民代表会议解释",
        "乡村振兴",
        None,
        "petition",
    ),
    _t("易地搬迁群众后续扶持措施落实不到位", "开展就业帮扶和产业扶持，落实后续扶持政策", "乡村振兴", "G3", "research"),
    _t("{place}高标准农田建成后管护不到位", "落实农田设施管护责任人", "乡村振兴", "G1", "research"),
    _t("村级公益性岗位人员管理不规范", "规范公益性岗位考勤和考核", "乡村振兴", "G3", "audit"),
)
VILLAGE_PLACES = words("一组 二组 三组 四组 五组 六组 七组 八组")

STREET = (
    _t(
        "信访积案化解不力，重复访时有发生",
        "领导包案化解信访积案，逐案销号",
        "社区管理",
        None,
        "petition",
        "建立信访问题源头排查和首问负责制度",
    ),
    _t(
        "征地拆迁遗留问题推进慢，群众诉求长期得不到解决",
        "逐户建立遗留问题台账，一户一策化解",
        "乡村振兴",
        None,
        "petition",
    ),
    _t("网格化管理“一张网”融合不够，多头下派任务", "整合各类网格，统一网格事项准入", "社区管理", "G13", "research"),
    _t(
        "辖区小作坊、小餐饮安全隐患多，监管存在盲区", "开展“三小”场所安全隐患排查整治", "安全生产", "G15", "supervision"
    ),
    _t(
        "向村（社区）摊派事项多，社区减负要求落实不到位",
        "清理向村（社区）下派事项，建立准入审核制度",
        "社区管理",
        "G12",
        "symposium",
    ),
    _t("辖区在建项目拖欠农民工工资投诉较多", "建立欠薪线索台账，督促总包单位限期支付", "住房", "G10", "hotline"),
    _t("便民服务中心办事流程繁琐，材料要求多", "精简办事材料，公开办事指南和时限", None, None, "online"),
    _t("地质灾害隐患点监测预警不到位", "落实隐患点群测群防员，汛期加密巡查", "安全生产", "G15", "supervision"),
    _t("辖区占道经营、乱搭乱建问题反复", "开展市容秩序集中整治", "社区管理", None, "hotline"),
    _t("辖区企业诉求响应慢，包联干部走访不到位", "落实包联干部每月走访企业制度", "营商环境", "G14", "symposium"),
    _t("对村（社区）党组织书记管理培训不够", "开展村（社区）书记轮训，实行星级评定", None, None, "symposium"),
    _t(
        "人居环境整治长效机制不健全，农村垃圾清运不及时",
        "建立“户分类、村收集、镇转运”清运体系",
        "乡村振兴",
        "G1",
        "supervision",
    ),
    _t("防汛应急物资储备不足，应急队伍演练少", "补充防汛物资，每季度组织应急演练", "安全生产", "G15", "supervision"),
)

DEPARTMENT = (
    _t(
        "政务服务事项办理时限长，“一次办好”落实不到位",
        "梳理办事事项，压缩办理时限",
        "营商环境",
        None,
        "online",
        "推行预约办、延时办和帮办代办",
    ),
    _t("发文开会多，基层负担重", "精简发文和会议，能合并的合并召开", None, None, "symposium"),
    _t("对基层业务指导不够，“重部署、轻落实”", "建立科室包联基层制度，每月下沉指导", None, None, "symposium"),
    _t("政策宣传解读不到位，群众和企业知晓率低", "制作政策“明白卡”，开展政策进社区、进企业", None, None, "research"),
    _t("财务报销审核不严，个别票据不规范", "开展财务票据专项自查，完善报销审核制度", None, None, "audit"),
    _t("政府采购程序不规范，个别项目未按规定公开", "规范采购流程，严格执行公开招标要求", None, None, "audit"),
    _t("干部业务能力不强，培训针对性不够", "制定年度业务培训计划，开展岗位练兵", None, None, "symposium"),
    _t("12345热线转办工单办理质量不高，存在“一回了之”", "建立工单办理质量内部复核制度", "社区管理", "G13", "hotline"),
    _t("公务用车使用管理不规范", "完善公务用车派车登记和审批制度", None, None, "audit"),
    _t("档案管理不规范，资料收集归档不及时", "开展档案集中整理，明确专人管理", None, None, "supervision"),
    _t("督查检查考核多头重复，增加基层负担", "统筹督查检查事项，推行“综合查一次”", None, None, "symposium"),
)

DEPARTMENT_OWN: dict[str, tuple[Template, ...]] = {
    "BDC": (
        _t(
            "不动产登记办理时限长，“一窗受理”未全面落实",
            "推行登记、交易、缴税“一窗受理、集成服务”",
            "不动产登记",
            "G11",
            "online",
        ),
        _t(
            "安置小区“办证难”历史遗留问题化解慢",
            "逐小区建立问题清单，分类化解",
            "不动产登记",
            "G11",
            "petition",
            "对具备条件的小区开展集中办证",
        ),
        _t("不动产登记档案数字化滞后，查询不便", "推进登记档案数字化扫描", "不动产登记", "G11", "research"),
        _t("企业项目“交地即交证”推进慢", "对新供地项目实行“交地即交证”", "不动产登记", "G11", "symposium"),
    ),
    "CZJ": (
        _t("涉企奖补资金拨付不及时", "建立涉企资金拨付限时办结制度", "营商环境", "G14", "audit"),
        _t("专项资金绩效评价流于形式", "开展重点专项资金绩效评价，结果与预算挂钩", None, None, "audit"),
        _t("惠民惠农补贴“一卡通”发放管理不规范", "开展补贴发放专项清理，核实发放对象", "乡村振兴", "G3", "audit"),
    ),
    "DZB": (
        _t("公文办理流转慢，个别文件超期办理", "推行公文网上流转，建立超期提醒", None, None, "supervision"),
        _t("12345热线工单督办不力，超期工单较多", "建立超期工单通报和约谈制度", "社区管理", "G13", "hotline"),
        _t("信息报送质量不高，存在“报喜不报忧”", "规范信息报送审核，实行质量通报", None, None, "symposium"),
    ),
    "JFJ": (
        _t(
            "拖欠中小企业账款清理不彻底",
            "建立拖欠账款台账，限期清偿",
            "营商环境",
            "G14",
            "audit",
            "建立防止拖欠企业账款长效机制",
        ),
        _t("涉企检查多头重复，企业负担重", "推行“综合查一次”和涉企检查备案", "营商环境", "G14", "symposium"),
        _t(
            "企业诉求办理“兜圈子”，个别诉求久拖不决",
            "建立企业诉求“首接负责、限时办结”制度",
            "营商环境",
            "G14",
            "online",
        ),
        _t("工业企业“招工难”对接服务不够", "每季度举办园区企业专场招聘会", "营商环境", None, "research"),
    ),
    "JGW": (
        _t(
            "监督执纪存在“宽松软”，对苗头性问题提醒不及时",
            "运用“第一种形态”，对苗头性问题及时谈话提醒",
            None,
            None,
            "patrol",
        ),
        _t("对专项整治的监督跟进不够", "建立专项整治监督台账，定期督查通报", None, None, "supervision"),
        _t("纪检干部业务能力与新形势要求不相适应", "开展纪检干部全员轮训和以案代训", None, None, "symposium"),
    ),
    "JYJ": (
        _t("校外培训机构无证办学问题查处不到位", "联合街道开展校外培训机构拉网式排查", "教育", "G4", "petition"),
        _t("学校食堂膳食经费管理不规范", "开展食堂财务专项审计，实行膳食经费公示", "教育", "G5", "audit"),
        _t("课后服务收费不规范，家长有意见", "规范课后服务收费标准和公示", "教育", "G4", "hotline"),
        _t(
            "在职教师违规有偿补课问题时有发生",
            "开展师德师风专项整治，公开举报电话",
            "教育",
            "G4",
            "petition",
            "与在职教师签订拒绝有偿补课承诺书",
        ),
        _t("学生营养餐配送质量监管不到位", "建立营养餐家长陪餐和质量抽检制度", "教育", "G5", "hotline"),
        _t("校园周边交通安全隐患整治不到位", "协调交警在校门口设置护学岗和警示标志", None, None, "opinion_box"),
    ),
    "NYJ": (
        _t(
            "农村人居环境整治长效管护机制不健全",
            "制定村庄保洁考核办法，奖补与考核挂钩",
            "乡村振兴",
            "G1",
            "supervision",
        ),
        _t("高标准农田建设质量不高，部分设施损毁", "对已建项目开展质量排查并限期修复", "乡村振兴", "G1", "audit"),
        _t("村集体经济项目资金监管不严", "建立项目资金全过程监管台账", "乡村振兴", "G2", "audit"),
        _t("农业产业化龙头企业带动作用不强", "推行“龙头企业+合作社+农户”利益联结机制", "乡村振兴", "G2", "research"),
    ),
    "RSJ": (
        _t("农民工欠薪投诉处理不及时", "建立欠薪投诉“绿色通道”，限时办结", "住房", "G10", "hotline"),
        _t(
            "失地农民就业培训与企业需求脱节",
            "按企业岗位需求开设订单班",
            "乡村振兴",
            "G3",
            "research",
            "建立培训后就业跟踪回访制度",
        ),
        _t("社保待遇资格认证服务不便", "推行社保认证“静默认证”和上门认证", None, None, "online"),
        _t("就业援助对象帮扶不精准", "对就业困难人员逐人制定帮扶计划", "乡村振兴", "G3", "research"),
    ),
    "SJS": (
        _t("校园周边食品安全监管存在盲区", "开展校园周边食品经营户专项检查", "教育", "G5", "hotline"),
        _t("“小餐饮”食品安全监管不到位", "开展“小餐饮”食品安全专项检查", "卫生健康", None, "hotline online"),
        _t("涉企收费检查不够，个别单位违规收费", "开展涉企收费专项检查", "营商环境", "G14", "supervision"),
        _t("电梯等特种设备安全隐患排查不彻底", "开展特种设备安全隐患专项排查", "安全生产", "G15", "supervision"),
    ),
    "SQJ": (
        _t("社区工作事项准入制度落实不到位", "制定社区工作事项准入清单并公开", "社区管理", "G12", "symposium"),
        _t(
            "社区工作者薪酬待遇落实不到位，队伍不稳定",
            "落实社区工作者薪酬体系和晋升通道",
            "社区管理",
            "G12",
            "symposium",
        ),
        _t("物业服务企业信用评价机制不健全", "建立物业服务企业信用评价和退出机制", "住房", "G9", "hotline"),
        _t("社区养老服务设施利用率低", "引入社会力量运营社区养老设施", "卫生健康", "G8", "research"),
    ),
    "WJJ": (
        _t(
            "医药购销领域不正之风问题查处不力",
            "开展医药购销领域专项检查",
            "医疗",
            "G6",
            "patrol",
            "建立医药代表接待登记备案制度",
        ),
        _t("个别医疗机构存在“大处方”“大检查”", "开展处方点评和合理检查专项督查", "医疗", "G6", "hotline"),
        _t("家庭医生签约服务“签而不约”", "落实签约服务履约考核", "医疗", "G7", "research"),
        _t("基层医疗机构专业人才短缺", "推行区域医共体人才下沉", "医疗", "G7", "research"),
        _t("医养结合服务供给不足", "推动社区卫生服务中心与养老机构签约合作", "卫生健康", "G8", "research"),
        _t("医保基金使用不规范，存在违规收费", "开展医保基金使用专项检查，追回违规资金", "医疗", "G6", "audit"),
    ),
    "YJJ": (
        _t(
            "企业安全生产主体责任落实不到位",
            "开展企业安全生产主体责任专项检查",
            "安全生产",
            "G15",
            "supervision",
            "建立重大事故隐患挂牌督办制度",
        ),
        _t("应急预案演练流于形式", "修订应急预案，每季度开展实战化演练", "安全生产", "G15", "supervision"),
        _t("危险化学品企业隐患整改不到位", "对危化品企业开展专家会诊式检查", "安全生产", "G15", "supervision"),
        _t("防汛应急物资储备不足", "补充防汛物资并建立储备台账", "安全生产", None, "research"),
    ),
    "ZJJ": (
        _t(
            "老旧小区改造进度慢，群众有意见",
            "倒排工期挂图作战，每周调度进度",
            "住房",
            "G9",
            "hotline",
            "改造前后征求居民意见，实行居民验收",
        ),
        _t("在建项目拖欠农民工工资问题时有发生", "全面落实工资专户和实名制管理", "住房", "G10", "hotline"),
        _t("物业服务企业监管不力，投诉多", "开展物业服务质量专项检查并通报", "住房", "G9", "hotline"),
        _t("保障性住房分配管理不规范", "开展保障性住房分配使用专项清查", "住房", None, "audit"),
        _t("建筑工地扬尘防治措施落实不到位", "落实工地扬尘治理“六个百分之百”", "生态环境", "G16", "hotline"),
    ),
    "ZRJ": (
        _t("违法占用耕地和违法建设查处不及时", "开展卫片执法专项行动，依法查处", "生态环境", "G16", "patrol"),
        _t("月河沿岸入河排污口排查整治不彻底", "逐一排查排污口并建立整治台账", "生态环境", "G16", "supervision"),
        _t("征地报批进度慢，影响项目落地", "建立征地报批周调度机制", "营商环境", None, "symposium"),
        _t("地质灾害隐患点监测不到位", "落实隐患点专职监测员", "安全生产", "G15", "supervision"),
    ),
    "ZSZX": (
        _t("招商项目履约监管不到位", "建立签约项目履约监管台账", "营商环境", None, "audit"),
        _t("项目落地“最后一公里”服务不到位", "推行“项目管家”全程跟踪服务", "营商环境", "G14", "symposium"),
        _t("招商承诺的优惠政策兑现不及时", "梳理招商政策兑现清单，限期兑现", "营商环境", "G14", "petition"),
    ),
    "ZTJY": (
        _t("主题教育督导“重材料、轻实效”", "改进督导方式，以现场查看和群众评价为主", None, None, "symposium"),
        _t(
            "问题清单审核把关不严，个别清单“上下一般粗”",
            "建立问题清单分级审核和退回重新检视机制",
            None,
            None,
            "supervision",
        ),
        _t("主题教育简报信息报送不及时", "明确信息报送时限和责任人", None, None, "supervision"),
    ),
}

NON_PUBLIC = (
    _t("“小个专”经营户党员底数不清，组织关系未转接", "逐户摸排“小个专”党员，动员转接组织关系", None, None, "research"),
    _t("党员流动性大，组织生活难以集中开展", "推行线上线下结合的组织生活方式", None, None, "supervision"),
    _t("快递员、外卖员等新就业群体权益诉求响应不及时", "建立新就业群体诉求收集和转办机制", None, None, "symposium"),
    _t("“红色驿站”服务功能单一，使用率不高", "增设充电、饮水、休息、阅读等服务", None, None, "research"),
    _t("党员示范岗作用发挥不明显", "设立党员先锋岗，开展“亮身份”活动", None, None, "symposium"),
    _t("支部活动阵地缺乏，学习场所不固定", "协调“红色驿站”作为支部活动阵地", None, None, "research"),
    _t("新就业群体交通安全和消防安全教育不够", "联合交警、消防开展快递员、骑手安全培训", "安全生产", "G15", "hotline"),
    _t("非公企业党建与生产经营融合不够", "开展“党建+生产经营”融合共建", "营商环境", None, "symposium"),
)

# 立行立改: small things fixed the same week.
IMMEDIATE = {
    "common": (
        ("办公区消防器材过期未更换", "立即更换过期灭火器"),
        ("党员活动室制度上墙内容陈旧", "更新上墙制度和党员承诺"),
        ("宣传栏内容过期未更新", "当天更新宣传栏内容"),
        ("值班电话无人接听", "落实值班带班，公布值班电话"),
        ("服务窗口未公示监督电话", "公示监督电话和服务承诺"),
    ),
    "community": (
        ("{place}消防通道被车辆占用", "清理消防通道，施划禁停标线"),
        ("{place}单元门禁损坏", "协调物业当天修复门禁"),
        ("{place}垃圾桶满溢未及时清运", "协调环卫部门当天清运"),
        ("{place}楼道照明灯损坏", "更换楼道照明灯"),
        ("社区服务大厅叫号机故障", "修复叫号机，设置临时引导员"),
        ("{place}井盖破损存在安全隐患", "当天更换破损井盖"),
    ),
    "village": (
        ("村务公开栏内容未及时更新", "更新村务公开内容"),
        ("{place}路边垃圾堆放", "组织保洁员当天清理"),
        ("村便民服务室无人值守", "落实村干部轮流坐班"),
        ("{place}河道护栏损坏", "修复护栏并设置警示标志"),
        ("村卫生室药品柜存放过期药品", "清理过期药品，建立药品台账"),
    ),
    "department": (
        ("办事指南与实际要求不一致", "当天更新办事指南"),
        ("网站政务公开信息未及时更新", "更新网站公开信息"),
        ("窗口工作人员未佩戴工作牌", "规范佩戴工作牌，公示岗位信息"),
    ),
}

# Review rounds (三上三下) of grassroots lists: what the reviewer sends back.
RETURN_COMMENTS = (
    "问题查摆不够具体，请对照群众反映和上级反馈逐条细化。",
    "整改措施笼统，缺少完成时限和责任人，请补充完善。",
    "个别问题表述“上下一般粗”，请结合本单位实际修改。",
    "请补充信访、12345热线和网格上报的问题，不得避重就轻。",
    "部分问题与专项整治任务衔接不够，请对照专项整治清单补充。",
)
ACCEPT_COMMENTS = ("同意。", "问题清单查摆到位，同意按此整改。", "同意，请抓好整改落实。", "")


@dataclass(frozen=True)
class Finding:
    round: int
    unit: str  # org code
    description: str
    # The problem a unit ordered to re-examine had missed: (title, measure, domain, drive).
    missed: tuple[str, str, str | None, str | None] | None = None


INSPECTION_SPECS = (
    ("第一轮审核检查：问题清单质量", -45, -40),
    ("第二轮审核检查：整改措施落实", -30, -26),
    ("第三轮审核检查：专项整治成效", -14, -10),
)
FINDINGS: tuple[Finding, ...] = (
    Finding(
        1,
        _code("DT-LJB"),
        "问题查摆避重就轻，群众反映强烈的土地流转费兑付问题未列入清单。",
        ("土地流转费兑付不及时，群众多次反映", "清理土地流转合同，限期兑付拖欠流转费", "乡村振兴", "G2"),
    ),
    Finding(
        1,
        _code("JM-TB"),
        "问题清单照搬上级文件，与社区实际结合不紧，“上下一般粗”。",
        ("天宝家园安置小区电梯故障频发，维保责任不清", "明确电梯维保责任主体，限期完成维修", "住房", "G9"),
    ),
    Finding(
        1,
        _code("SJS"),
        "对校园周边食品安全监管问题查摆不深，整改措施笼统、无完成时限。",
        ("校园周边流动摊贩食品安全监管存在盲区", "联合学校和街道开展校园周边流动摊贩集中整治", "教育", "G5"),
    ),
    Finding(1, XIANDAICHENG_CODE, "问题整改台账佐证材料不齐全，部分销号问题缺少现场照片。"),
    Finding(1, _code("JFJ"), "涉企问题整改进度滞后，个别问题未按时限销号。"),
    Finding(1, _code("JM-LJL"), "流出党员“三个一”措施落实台账不完整。"),
    Finding(
        2,
        _code("WL-GN"),
        "防返贫监测户帮扶问题未纳入问题清单，查摆不全面。",
        ("防返贫监测户识别不及时，帮扶措施针对性不强", "开展防返贫监测集中排查，一户一策落实帮扶", "乡村振兴", "G3"),
    ),
    Finding(
        2,
        _code("DT-SQC"),
        "人居环境问题整改“以文件落实文件”，现场垃圾堆放问题依旧。",
        ("河道沿线垃圾堆放问题整改不彻底", "组织河道沿线垃圾集中清理，落实保洁责任段", "乡村振兴", "G1"),
    ),
    Finding(
        2,
        _code("ZJJ"),
        "对在建项目拖欠农民工工资问题查摆不到位，清单未体现。",
        ("部分在建项目农民工工资专户制度落实不到位", "逐项目核查工资专户和实名制台账", "住房", "G10"),
    ),
    Finding(
        2,
        _code("JM-MK"),
        "群众对征地补偿款分配意见较大，问题未列入清单。",
        ("征地补偿款分配方案公示不充分，群众意见大", "重新公示分配方案，召开村民代表会议逐项说明", "乡村振兴", None),
    ),
    Finding(2, _code("WJJ"), "医药领域腐败问题集中整治自查自纠不深入。"),
    Finding(2, _code("JM-JS"), "小区物业问题整改后群众满意度不高。"),
    Finding(
        3,
        _code("DT"),
        "对村（社区）减负要求落实不力的问题查摆不深。",
        ("镇级向村（社区）摊派填表报数任务过多", "清理镇级下派事项，未经准入一律不得下派", "社区管理", "G12"),
    ),
    Finding(
        3,
        _code("JYJ"),
        "校外培训治理问题清单“大而空”，整改措施不具体。",
        ("校外培训机构“隐形变异”违规培训查处不力", "建立校外培训线索快查快处机制，开展联合执法", "教育", "G4"),
    ),
    Finding(3, _code("BDC"), "办证难问题整改进度滞后，个别安置小区仍未启动办证。"),
    Finding(3, _code("SQJ"), "“小马拉大车”整治中社区工作事项清单未向社会公布。"),
)
# Besides the units with findings, each round also looked at these.
INSPECTED_TOO = (
    (_code("JM-XDC"), _code("DT-FJH"), _code("NYJ"), _code("JM"), _code("WL-WLSQ")),
    (_code("JM-GXHY"), _code("WL-SJ"), _code("RSJ"), _code("WL"), _code("YJJ")),
    (_code("DT-DTSQ"), _code("ZRJ"), _code("JFJ"), _code("JM-XDC"), _code("WJJ")),
)


# --- Statuses ---------------------------------------------------------------------------

# What becomes of each grassroots problem that was not fixed at once, and of each
# leadership problem: (plan, how many).
GRASSROOTS_PLANS = (
    ("closed", 330),
    ("closed_late", 20),
    ("closed_after_send_back", 10),
    ("duplicate", 8),
    ("explained", 7),
    ("not_actionable", 5),
    ("requested", 40),
    ("sent_back", 8),
    ("red", 28),
    ("yellow", 22),
    ("extended", 12),
    ("extension_refused", 3),
    ("extension_pending", 4),
    ("green", 93),
)
LEADERSHIP_PLANS = (
    ("closed", 13),
    ("closed_after_send_back", 2),
    ("requested", 3),
    ("red", 1),
    ("yellow", 2),
    ("extended", 2),
    ("green", 4),
)
CLOSED_PLANS = frozenset(
    {"closed", "closed_late", "closed_after_send_back", "duplicate", "explained", "not_actionable", "immediate"}
)
# The plans the demo's clerk (现代城社区) must see in its own list.
CLERK_SHOWS = ("red", "yellow", "requested", "extended", "green", "closed", "sent_back")

CLOSURE_KINDS = {
    "duplicate": ClosureKind.DUPLICATE,
    "explained": ClosureKind.EXPLAINED,
    "not_actionable": ClosureKind.NOT_ACTIONABLE,
}
CLOSURE_COMMENTS = {
    "explained": "经核实，系群众对政策不了解所致，已当面解释清楚，不属于本单位履职问题。",
    "not_actionable": "该问题涉及上级事权，本级无法整改，已向上级主管部门反映，转为长期跟踪。",
}
APPROVE_COMMENTS = ("经核查，整改到位，同意销号。", "佐证材料齐全，同意销号。", "现场核验整改到位，同意销号。", "")
SEND_BACK_COMMENTS = (
    "佐证材料不充分，缺少整改前后对比照片，请补充后重新申请。",
    "经回访，群众对整改结果不满意，请继续整改。",
    "整改措施未全部落实到位，暂不同意销号。",
)
PROGRESS_TEXTS = (
    "已制定整改方案，明确责任人和时间节点，正在推进。",
    "已完成前期摸排，正在组织实施。",
    "整改已完成过半，剩余工作按计划推进。",
    "已协调相关部门现场办公，正在落实。",
)
EXTENSION_REASONS = (
    "涉及资金申请和招标程序，需延期完成。",
    "需协调上级部门审批，原定时限内难以完成。",
    "受天气影响施工进度，申请延期。",
)


# --- Evidence ---------------------------------------------------------------------------


def _png(width: int = 24, height: int = 16, rgb: tuple[int, int, int] = (46, 125, 50)) -> bytes:
    """A small valid PNG of one colour, built in memory."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


EVIDENCE_PNG = _png()


def _evidence(name: str = "整改佐证照片.png") -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, EVIDENCE_PNG, content_type="image/png")]


# --- The loader -------------------------------------------------------------------------


@dataclass
class Unit:
    """A grassroots unit with a problem list, and who acts for it."""

    org: Org
    kind: str  # community, village, street, department, nonpublic
    actor: User  # enters problems, submits the list, reports, asks for closure
    reviewer: User  # the level above: reviews the list, approves, decides extensions
    owners: list[User]
    places: tuple[str, ...] = ()
    count: int = 0
    immediate: int = 0


@dataclass
class Planned:
    """A problem to make, and what becomes of it."""

    unit: Unit | None
    title: str
    level: str
    owner: User
    channel: str
    domain: str | None
    drive: str | None
    measures: list[dict[str, Any]]
    requester: User
    approver: User
    plan: str = "green"
    immediate: bool = False
    measures_done: int = 0
    problem: Problem | None = None
    measure_objects: list[Measure] = field(default_factory=list)


class _Loader:
    def __init__(self, context: DemoContext) -> None:
        assert context.root is not None and context.campaign is not None, "rectification.demo runs after campaigns.demo"
        self.context = context
        self.rng = context.random
        self.today = context.today
        self.campaign = context.campaign
        self.supervisor = context.people.get("supervisor", context.installer)
        self.inspector = context.people.get("inspector", context.installer)
        self.users: dict[int, User] = {}
        for person in context.people.values():
            self.users.setdefault(person.pk, person)
        root = context.root
        self.orgs: dict[str, Org] = {
            org.code: org
            for org in Org.objects.filter(code__startswith=DEMO_ROOT_CODE).select_related("head").order_by("path")
        }
        self.root = self.orgs[root.code]
        self.clerks: dict[int, User] = {}
        for grant in RoleGrant.objects.filter(role=Role.CLERK, org__code__startswith=DEMO_ROOT_CODE).select_related(
            "user"
        ):
            self.clerks.setdefault(grant.org_id, self.user(grant.user))
        self.channels = {channel.code: channel for channel in Channel.objects.filter(campaign=self.campaign)}
        self.domains: dict[str, Domain] = {}
        self.drives: dict[str, SpecialRectification] = {}
        self.serial = 0

    # --- helpers

    def user(self, person: User) -> User:
        """One instance per person, so the grants cached on it are read once."""
        return self.users.setdefault(person.pk, person)

    def head(self, code: str) -> User | None:
        head = self.orgs[code].head
        return self.user(head) if head is not None else None

    def leader(self, name: str) -> User:
        return self.context.people.get(name) or self.context.installer

    def green_deadline(self, low: int = 6, high: int = 45) -> datetime.date:
        return add_working_days(self.today, self.rng.randint(low, high))

    def deadline_for(self, plan: str) -> datetime.date:
        rng, today = self.rng, self.today
        if plan == "closed_late":
            return today - datetime.timedelta(days=rng.randint(3, 30))
        if plan in {"red", "extension_refused"}:
            return today - datetime.timedelta(days=rng.randint(1, 20))
        if plan in {"yellow", "extension_pending"}:
            return add_working_days(today, rng.randint(0, 3))
        if plan == "extended":
            return today - datetime.timedelta(days=rng.randint(0, 8))
        if plan == "requested":
            return add_working_days(today, rng.randint(1, 25))
        if plan in CLOSED_PLANS:
            return today + datetime.timedelta(days=rng.randint(0, 45))
        return self.green_deadline()

    def found_for(self, deadline: datetime.date, *, immediate: bool = False) -> datetime.date:
        if immediate:
            return self.today - datetime.timedelta(days=self.rng.randint(0, 6))
        found = deadline - datetime.timedelta(days=self.rng.randint(20, 60))
        # The lists were drawn up some two months ago.
        return min(found, self.today - datetime.timedelta(days=self.rng.randint(40, 75)))

    # --- steps

    def domains_and_drives(self) -> None:
        for name in DOMAINS:
            self.domains[name] = services.domain_add(campaign=self.campaign, name=name, acting_user=self.supervisor)
        for spec, level in [(d, ProblemLevel.LEADERSHIP) for d in LEADERSHIP_DRIVE_SPECS] + [
            (d, ProblemLevel.GRASSROOTS) for d in GRASSROOTS_DRIVE_SPECS
        ]:
            self.drives[spec.key] = services.special_rectification_create(
                campaign=self.campaign,
                org=self.orgs[_code(spec.department)],
                name=spec.name,
                level=level,
                domain=self.domains[spec.domain],
                description=spec.description,
                acting_user=self.supervisor,
            )
        self.context.counts["special rectifications"] += len(self.drives)

    def create(self, planned: Planned, *, org: Org, acting_user: User) -> None:
        deadline = self.deadline_for("immediate" if planned.immediate else planned.plan)
        if planned.immediate:
            found = self.found_for(deadline, immediate=True)
            deadline = max(found + datetime.timedelta(days=7), self.today)
        else:
            found = self.found_for(deadline)
        # Measures done before the problem's own closure: all of a problem whose closure
        # is asked for, sometimes the earlier ones of a problem still being rectified.
        last = len(planned.measures) - 1
        if planned.plan in CLOSED_PLANS | {"requested", "sent_back"}:
            planned.measures_done = last + 1
        else:
            planned.measures_done = last if last and self.rng.random() < 0.5 else 0
        measures = []
        for index, data in enumerate(planned.measures):
            measure_deadline = deadline
            if index < min(last, planned.measures_done):
                # Earlier steps fall due first; those done on time fell due from today on.
                low = max(found, min(self.today, deadline))
                measure_deadline = low + datetime.timedelta(days=self.rng.randint(0, (deadline - low).days))
            measures.append({**data, "deadline": measure_deadline})
        channel = self.channels.get(planned.channel)
        planned.problem = services.problem_create(
            acting_user=acting_user,
            campaign=self.campaign,
            org=org,
            title=planned.title,
            level=planned.level,
            owner=planned.owner,
            deadline=deadline,
            channel=channel,
            domain=self.domains.get(planned.domain) if planned.domain else None,
            special_rectification=self.drives.get(planned.drive) if planned.drive else None,
            description=_description(planned, channel),
            found_date=found,
            immediate=planned.immediate,
            measures=measures,
        )
        planned.measure_objects = list(Measure.objects.filter(problem=planned.problem).order_by("pk"))
        self.context.counts["problems"] += 1
        self.context.counts["measures"] += len(planned.measure_objects)

    # --- the leadership list

    def leadership(self) -> list[Planned]:
        assert len(LEADERSHIP_LIST) == LEADERSHIP_PROBLEMS
        assert sum(len(p.measures) for p in LEADERSHIP_LIST) == LEADERSHIP_MEASURES
        plans = _deal(LEADERSHIP_PLANS, self.rng)
        made = []
        for spec, plan in zip(LEADERSHIP_LIST, plans, strict=True):
            owner = self.leader(spec.owner)
            measures = []
            for title, suffix in spec.measures:
                if suffix:
                    org = self.orgs[_code(suffix)]
                    measures.append({"title": title, "org": org, "owner": self.head(org.code) or owner})
                else:
                    measures.append({"title": title, "owner": owner})
            planned = Planned(
                unit=None,
                title=spec.title,
                level=ProblemLevel.LEADERSHIP,
                owner=owner,
                channel=spec.channel,
                domain=spec.domain,
                drive=spec.drive,
                measures=measures,
                requester=owner,
                approver=self.supervisor,
                plan=plan,
            )
            self.create(planned, org=self.root, acting_user=self.supervisor)
            made.append(planned)
        # 三上三下: three times up, twice returned, then accepted by the campaign office.
        submitter = self.leader("曹英忠")
        problem_list = None
        for comment in LEADERSHIP_ROUNDS:
            services.problem_list_submit(campaign=self.campaign, org=self.root, acting_user=submitter)
            problem_list = ProblemList.objects.get(campaign=self.campaign, org=self.root)
            services.problem_list_return(problem_list=problem_list, acting_user=self.supervisor, comment=comment)
        services.problem_list_submit(
            campaign=self.campaign, org=self.root, acting_user=submitter, comment="已按审核意见第三次修改完善。"
        )
        problem_list = ProblemList.objects.get(campaign=self.campaign, org=self.root)
        services.problem_list_accept(
            problem_list=problem_list, acting_user=self.supervisor, comment=LEADERSHIP_ACCEPTED
        )
        return made

    # --- the grassroots lists

    def units(self) -> list[Unit]:
        units: list[Unit] = []
        for street in STREETS:
            street_code = _code(street.suffix)
            street_head = self.head(street_code)
            assert street_head is not None
            for locality in street.localities:
                code = f"{street_code}-{locality.suffix}"
                org = self.orgs[code]
                clerk = self.clerks[org.pk]
                community = locality.kind == OrgKind.COMMUNITY
                units.append(
                    Unit(
                        org=org,
                        kind="community" if community else "village",
                        actor=clerk,
                        reviewer=street_head,
                        owners=[self.head(code) or clerk, clerk],
                        places=COMMUNITY_PLACES[locality.suffix] if community else VILLAGE_PLACES,
                    )
                )
            units.append(
                Unit(
                    org=self.orgs[street_code],
                    kind="street",
                    actor=self.clerks[self.orgs[street_code].pk],
                    reviewer=self.supervisor,
                    owners=[street_head, self.clerks[self.orgs[street_code].pk]],
                    places=tuple(locality.name for locality in street.localities),
                )
            )
        for department in DEPARTMENTS:
            code = _code(department.suffix)
            org = self.orgs[code]
            clerk = self.clerks[org.pk]
            units.append(
                Unit(
                    org=org,
                    kind="department",
                    actor=clerk,
                    reviewer=self.supervisor,
                    owners=[self.head(code) or clerk, self.head(code) or clerk, clerk],
                )
            )
        secretary = self.leader("赵明辉")
        branch_codes = sorted(
            code
            for code, org in self.orgs.items()
            if code.startswith(NON_PUBLIC_PARTY_COMMITTEE_CODE + "-") and org.kind == OrgKind.PARTY_BRANCH
        )
        for code in branch_codes:
            org = self.orgs[code]
            owner = self._branch_secretary(code) or secretary
            units.append(Unit(org=org, kind="nonpublic", actor=secretary, reviewer=self.supervisor, owners=[owner]))
        return units

    def _branch_secretary(self, code: str) -> User | None:
        """A member of the branch who acts as its secretary: one living in the trade branch,
        or for a "小个专" branch a scattered member of its area."""
        members = User.objects.filter(is_party_member=True).order_by("pk")
        if code in (COURIER_BRANCH_CODE, RIDER_BRANCH_CODE):
            person = members.filter(home_org__code=code).first()
        else:
            street_code = _code(code.rsplit("-", 1)[-1])
            person = members.filter(
                member_category=MemberCategory.SCATTERED, home_org__code__startswith=street_code + "-"
            ).first()
        return self.user(person) if person is not None else None

    def allocate(self, units: list[Unit]) -> None:
        """Share the 650 problems among the units (the clerk's community has the longest
        list), and the 60 fixed at once among them."""
        weights = {"community": 26.0, "village": 22.0, "street": 19.0, "department": 14.0, "nonpublic": 7.0}
        raw = []
        for unit in units:
            weight = weights[unit.kind] * self.rng.uniform(0.8, 1.2)
            if unit.org.code == XIANDAICHENG_CODE:
                weight = 34.0
            raw.append(weight)
        counts = _apportion(GRASSROOTS_PROBLEMS, raw)
        for unit, count in zip(units, counts, strict=True):
            unit.count = count
        immediate_weights = [float(unit.count) if unit.kind != "nonpublic" else 0.0 for unit in units]
        for unit, count in zip(units, _apportion(IMMEDIATE_PROBLEMS, immediate_weights), strict=True):
            unit.immediate = count

    def grassroots(self, units: list[Unit]) -> tuple[list[Planned], dict[str, Unit]]:
        by_code = {unit.org.code: unit for unit in units}
        missed = {finding.unit: finding for finding in FINDINGS if finding.missed}
        regular: list[Planned] = []
        immediate: list[Planned] = []
        for unit in units:
            # One problem of each unit ordered to re-examine is the one it had missed.
            reserved = 1 if unit.org.code in missed else 0
            templates = self.templates_for(unit)
            for template, place in self.pick(templates, unit, unit.count - unit.immediate - reserved):
                regular.append(self.planned(unit, template.title.format(place=place), template))
            for title, measure in self.pick_immediate(unit):
                immediate.append(
                    self.planned(
                        unit, title, Template(title, measure, channels=("supervision", "research")), immediate=True
                    )
                )
        extra_measures = GRASSROOTS_MEASURES - GRASSROOTS_PROBLEMS
        for planned in self.rng.sample(regular, extra_measures):
            first = planned.measures[0]
            planned.measures.append({"title": first["second"], "owner": first["owner"]})
        for planned in regular + immediate:
            for data in planned.measures:
                data.pop("second", None)
        reexamined = [self.missed_planned(by_code[code], finding) for code, finding in missed.items()]
        # Statuses: every plan in its number, the clerk's community showing each light.
        plans = _deal(GRASSROOTS_PLANS, self.rng)
        assert len(plans) == len(regular) + len(reexamined)
        for planned, plan in zip(regular + reexamined, plans, strict=True):
            planned.plan = plan
        _make_shown(
            [p for p in regular if p.unit is not None and p.unit.org.code == XIANDAICHENG_CODE], regular, CLERK_SHOWS
        )
        _from_residents(regular)
        for planned in immediate:
            planned.plan = "immediate"
        # Enter the lists, then review them round by round.
        for unit in units:
            for planned in regular:
                if planned.unit is unit:
                    self.create(planned, org=unit.org, acting_user=unit.actor)
            self.review(unit)
        return regular + immediate + reexamined, by_code

    def templates_for(self, unit: Unit) -> list[Template]:
        if unit.kind == "community":
            return list(COMMUNITY) + list(COMMON)
        if unit.kind == "village":
            return list(VILLAGE) + list(COMMON)
        if unit.kind == "street":
            return list(STREET) + list(COMMON)
        if unit.kind == "department":
            suffix = unit.org.code.removeprefix(DEMO_ROOT_CODE + "-")
            return list(DEPARTMENT_OWN.get(suffix, ())) + list(DEPARTMENT) + list(COMMON)
        return list(NON_PUBLIC) + list(COMMON)

    def pick(self, templates: list[Template], unit: Unit, count: int) -> list[tuple[Template, str]]:
        """``count`` distinct problems: the unit's own kinds first, a template with a
        place used once per place."""
        own = [t for t in templates if t not in COMMON]
        common = [t for t in templates if t in COMMON]
        self.rng.shuffle(common)
        chosen: list[tuple[Template, str]] = []
        places = list(unit.places)
        used: set[str] = set()
        pool = own + common
        rounds = 0
        while len(chosen) < count:
            rounds += 1
            if rounds > 5:
                raise RuntimeError(f"Not enough demo problem templates for {unit.org.name}.")
            for template in pool:
                if len(chosen) >= count:
                    break
                place = ""
                if "{place}" in template.title:
                    free = [p for p in places if template.title.format(place=p) not in used]
                    if not free:
                        continue
                    place = self.rng.choice(free)
                title = template.title.format(place=place)
                if title in used:
                    continue
                used.add(title)
                chosen.append((template, place))
        self.rng.shuffle(chosen)
        return chosen

    def pick_immediate(self, unit: Unit) -> list[tuple[str, str]]:
        bank = list(IMMEDIATE.get(unit.kind, ())) + list(IMMEDIATE["common"])
        self.rng.shuffle(bank)
        picked = []
        for index in range(unit.immediate):
            title, measure = bank[index % len(bank)]
            place = self.rng.choice(unit.places) if "{place}" in title and unit.places else ""
            picked.append((title.format(place=place), measure))
        return picked

    def planned(self, unit: Unit, title: str, template: Template, *, immediate: bool = False) -> Planned:
        owner = self.rng.choice(unit.owners)
        second = template.second or self.rng.choice(GENERIC_SECOND_MEASURES)
        return Planned(
            unit=unit,
            title=title,
            level=ProblemLevel.GRASSROOTS,
            owner=owner,
            channel=self.rng.choice(template.channels),
            domain=template.domain,
            drive=template.drive,
            measures=[{"title": template.measure, "owner": owner, "second": second}],
            requester=unit.actor,
            approver=unit.reviewer,
            immediate=immediate,
        )

    def missed_planned(self, unit: Unit, finding: Finding) -> Planned:
        assert finding.missed is not None
        title, measure, domain, drive = finding.missed
        owner = unit.owners[0]
        return Planned(
            unit=unit,
            title=title,
            level=ProblemLevel.GRASSROOTS,
            owner=owner,
            channel="supervision",
            domain=domain,
            drive=drive,
            measures=[{"title": measure, "owner": owner}],
            requester=unit.actor,
            approver=unit.reviewer,
        )

    def review(self, unit: Unit) -> None:
        """One to three rounds up and down until the reviewer accepts the unit's list."""
        rounds = self.rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
        problem_list = None
        for number in range(1, rounds + 1):
            services.problem_list_submit(
                campaign=self.campaign,
                org=unit.org,
                acting_user=unit.actor,
                comment="" if number == 1 else "已按审核意见修改完善。",
            )
            problem_list = problem_list or ProblemList.objects.get(campaign=self.campaign, org=unit.org)
            problem_list.refresh_from_db()
            if number < rounds:
                services.problem_list_return(
                    problem_list=problem_list, acting_user=unit.reviewer, comment=self.rng.choice(RETURN_COMMENTS)
                )
                problem_list.refresh_from_db()
        assert problem_list is not None
        services.problem_list_accept(
            problem_list=problem_list, acting_user=unit.reviewer, comment=self.rng.choice(ACCEPT_COMMENTS)
        )

    # --- inspections (督查) and re-examination (重新检视)

    def inspections(self, planned: list[Planned], by_code: dict[str, Unit]) -> None:
        office = self.orgs[CAMPAIGN_OFFICE_CODE]
        missed = {id(p.unit): p for p in planned if p.problem is None and not p.immediate}
        for number, (title, start, end) in enumerate(INSPECTION_SPECS, start=1):
            findings = [finding for finding in FINDINGS if finding.round == number]
            codes = list(dict.fromkeys([finding.unit for finding in findings] + list(INSPECTED_TOO[number - 1])))
            end_date = self.today + datetime.timedelta(days=end)
            inspection = services.inspection_create(
                campaign=self.campaign,
                org=office,
                number=number,
                title=title,
                start_date=self.today + datetime.timedelta(days=start),
                end_date=end_date,
                inspector=self.inspector,
                supervisor=self.supervisor,
                units=[self.orgs[code] for code in codes],
                acting_user=self.inspector,
            )
            self.context.counts["inspection rounds"] += 1
            services.inspection_move(inspection=inspection, action="start", acting_user=self.inspector)
            for finding in findings:
                org = self.orgs[finding.unit]
                services.inspection_finding_add(
                    inspection=inspection,
                    org=org,
                    description=finding.description,
                    acting_user=self.inspector,
                    fed_back_to=self.head(finding.unit),
                    fed_back_on=end_date,
                    orders_reexamination=finding.missed is not None,
                )
                if finding.missed is None:
                    continue
                # The unit re-examines: adds what it had missed and submits the list again;
                # the reviewer has accepted the lists of the earlier rounds since.
                unit = by_code[finding.unit]
                self.create(missed[id(unit)], org=unit.org, acting_user=unit.actor)
                services.problem_list_submit(
                    campaign=self.campaign,
                    org=unit.org,
                    acting_user=unit.actor,
                    comment="已按督查反馈意见重新检视，补充查摆问题并制定整改措施。",
                )
                if number < INSPECTION_ROUNDS:
                    problem_list = ProblemList.objects.get(campaign=self.campaign, org=unit.org)
                    services.problem_list_accept(
                        problem_list=problem_list, acting_user=unit.reviewer, comment="重新检视到位，同意。"
                    )
            if end_date < self.today:
                services.inspection_move(
                    inspection=inspection, action="conclude", acting_user=self.inspector, comment="本轮督查结束。"
                )

    def immediate(self, planned: list[Planned]) -> None:
        """立行立改: found this week, entered into the accepted lists (rolling), fixed at once."""
        for item in planned:
            if item.immediate:
                assert item.unit is not None
                self.create(item, org=item.unit.org, acting_user=item.unit.actor)

    # --- progress, closure and extensions

    def settle(self, planned: list[Planned]) -> None:
        for item in planned:
            assert item.problem is not None
            getattr(self, f"_settle_{item.plan}", self._settle_open)(item)

    def _close_measures(self, item: Planned, kind: str = ClosureKind.RECTIFIED, *, count: int | None = None) -> None:
        comment = CLOSURE_COMMENTS.get(kind, "") if kind != ClosureKind.DUPLICATE else self._duplicate_comment(item)
        for measure in item.measure_objects[:count]:
            services.item_request_closure(
                item=measure,
                acting_user=self.users.get(measure.owner_id, item.requester),
                evidence=_evidence(),
                comment=f"已完成：{measure.title}。",
            )
            services.item_approve_closure(
                item=measure,
                acting_user=item.approver,
                closure_kind=kind,
                comment=comment if kind != ClosureKind.RECTIFIED else "",
            )

    def _duplicate_comment(self, item: Planned) -> str:
        return "与本单位清单中同类问题重复，并入同类问题一并整改。"

    def _request(self, item: Planned) -> None:
        self._close_measures(item)
        services.item_request_closure(
            item=item.problem,
            acting_user=item.requester,
            evidence=_evidence("整改前后对比照片.png"),
            comment="整改措施已全部落实，申请销号。",
        )

    def _approve(self, item: Planned, kind: str = ClosureKind.RECTIFIED) -> None:
        comment = self.rng.choice(APPROVE_COMMENTS) if kind == ClosureKind.RECTIFIED else CLOSURE_COMMENTS.get(kind, "")
        if kind == ClosureKind.DUPLICATE:
            comment = self._duplicate_comment(item)
        services.item_approve_closure(item=item.problem, acting_user=item.approver, closure_kind=kind, comment=comment)
        self.context.counts["problems closed"] += 1

    def _send_back(self, item: Planned) -> None:
        services.item_send_back(
            item=item.problem, acting_user=item.approver, comment=self.rng.choice(SEND_BACK_COMMENTS)
        )

    def _settle_closed(self, item: Planned) -> None:
        self._request(item)
        self._approve(item)

    _settle_closed_late = _settle_closed
    _settle_immediate = _settle_closed

    def _settle_closed_after_send_back(self, item: Planned) -> None:
        self._request(item)
        self._send_back(item)
        services.item_request_closure(
            item=item.problem,
            acting_user=item.requester,
            evidence=_evidence("补充佐证材料.png"),
            comment="已按要求补充佐证材料，再次申请销号。",
        )
        self._approve(item)

    def _settle_without_fix(self, item: Planned) -> None:
        kind = CLOSURE_KINDS[item.plan]
        self._close_measures(item, kind)
        services.item_request_closure(
            item=item.problem,
            acting_user=item.requester,
            evidence=_evidence("情况说明.png"),
            comment="情况已核实，申请销号。",
        )
        self._approve(item, kind)

    _settle_duplicate = _settle_without_fix
    _settle_explained = _settle_without_fix
    _settle_not_actionable = _settle_without_fix

    def _settle_requested(self, item: Planned) -> None:
        self._request(item)

    def _settle_sent_back(self, item: Planned) -> None:
        self._request(item)
        self._send_back(item)

    def _settle_open(self, item: Planned) -> None:
        """Being rectified: earlier measures may be done; progress is reported."""
        if item.measures_done:
            self._close_measures(item, count=item.measures_done)
        if item.plan in {"green", "yellow"} and self.rng.random() < 0.25:
            # The next measure is done and waits for the level above to approve it.
            measure = item.measure_objects[item.measures_done]
            services.item_request_closure(
                item=measure,
                acting_user=self.users.get(measure.owner_id, item.requester),
                evidence=_evidence(),
                comment=f"已完成：{measure.title}。",
            )
        services.progress_report(
            item=item.problem,
            acting_user=item.requester,
            text=self.rng.choice(PROGRESS_TEXTS),
            percent=self.rng.choice((20, 30, 40, 50, 60, 70, 80)),
        )

    _settle_red = _settle_open
    _settle_yellow = _settle_open
    _settle_green = _settle_open

    def _extend(self, item: Planned, *, decide: bool | None) -> None:
        assert item.problem is not None
        new_deadline = add_working_days(self.today, self.rng.randint(10, 30))
        reason = self.rng.choice(EXTENSION_REASONS)
        items: list[Problem | Measure] = [item.problem]
        if decide:
            items += [measure for measure in item.measure_objects if measure.status != ItemStatus.CLOSED]
        for target in items:
            extension = services.extension_request(
                item=target, acting_user=item.requester, requested_deadline=new_deadline, reason=reason
            )
            if decide is None:
                continue
            services.extension_decide(
                extension=extension,
                acting_user=item.approver,
                approve=decide,
                comment="同意延期，请按新时限完成。" if decide else "理由不充分，请按原定时限完成整改。",
            )

    def _settle_extended(self, item: Planned) -> None:
        self._settle_open(item)
        self._extend(item, decide=True)

    def _settle_extension_refused(self, item: Planned) -> None:
        self._settle_open(item)
        self._extend(item, decide=False)

    def _settle_extension_pending(self, item: Planned) -> None:
        self._settle_open(item)
        self._extend(item, decide=None)


GENERIC_SECOND_MEASURES = (
    "建立长效管理机制，每月开展一次“回头看”",
    "举一反三开展自查，防止问题反弹",
    "将整改情况纳入年度考核，定期通报",
    "完善相关制度，明确责任分工",
)


def _description(planned: Planned, channel: Channel | None) -> str:
    source = channel.name if channel is not None else "自查"
    if planned.immediate:
        return f"通过{source}发现，属立行立改事项。"
    if planned.level == ProblemLevel.LEADERSHIP:
        return f"县级领导班子对照检视，结合{source}反馈形成。"
    return f"通过{source}发现，经支部（单位）研究列入问题清单。"


def _deal(plans: Sequence[tuple[str, int]], rng: Any) -> list[str]:
    """Every plan as many times as it is wanted, in random order."""
    dealt = [name for name, count in plans for _ in range(count)]
    rng.shuffle(dealt)
    return dealt


def _make_shown(mine: list[Planned], everyone: list[Planned], wanted: Iterable[str]) -> None:
    """Swap plans so that ``mine`` holds each plan in ``wanted`` at least once."""
    for plan in wanted:
        if any(p.plan == plan for p in mine):
            continue
        counts = Counter(p.plan for p in mine)
        spare = next(p for p in mine if (counts[p.plan] > 1 and p.plan not in wanted) or counts[p.plan] > 3)
        other = next(p for p in everyone if p.plan == plan and p not in mine)
        spare.plan, other.plan = other.plan, spare.plan


# Channels through which residents speak: a problem closed as explained or as not
# actionable (beyond the unit's powers) is one a resident raised.
RESIDENT_CHANNELS = frozenset({"petition", "hotline", "online", "opinion_box"})


def _from_residents(planned: list[Planned]) -> None:
    """Swap plans so that problems explained or not actionable came from residents."""
    spare = [p for p in planned if p.plan == "closed" and p.channel in RESIDENT_CHANNELS]
    for item in planned:
        if item.plan in {"explained", "not_actionable"} and item.channel not in RESIDENT_CHANNELS:
            other = spare.pop()
            item.plan, other.plan = other.plan, item.plan


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Whole numbers in proportion to ``weights`` adding up to exactly ``total``."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def load(context: DemoContext) -> None:
    """Domains and drives, the leadership list, the grassroots lists, the inspection rounds,
    then progress and closures as they stand today."""
    loader = _Loader(context)
    loader.domains_and_drives()
    leadership = loader.leadership()
    units = loader.units()
    loader.allocate(units)
    grassroots, by_code = loader.grassroots(units)
    loader.inspections(grassroots, by_code)
    loader.immediate(grassroots)
    loader.settle(leadership + grassroots)
