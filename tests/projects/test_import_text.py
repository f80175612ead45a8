"""Text dumps in: the seed files field by field, each kind of mess a dump has, and the import command."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Indicator, IndicatorFramework
from projects import services
from projects.exchange import textimport
from projects.exchange.importing import import_text, import_text_file
from projects.models import FiscalYear, Organization, PerformanceForm, Status
from projects.services import _fit
from projects.exchange.textimport import Vocabulary, clean_cell, json_text, parse_money, parse_text
from tests.factories import FiscalYearFactory, OrganizationFactory, framework

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SHANGHAI = SEEDS / "shanghai_2020_project_forms.txt"
HENGDONG = SEEDS / "hengdong_2021_department_form.txt"
SH_UNIT = "上海市建设工程安全质量监督总站"
HD_UNIT = "衡东县建设工程质量安全监督站"

# --- What the seed files say, written out by hand from the files ---------------------------

SH_HEADERS = [
    {
        "申报单位名称": "上海市建设工程安全质量监督总站",
        "项目名称": "安全质量监督查处",
        "项目类别": "其他一次性项目",
        "计划开始日期": "2020-01-01",
        "计划完成日期": "2020-12-31",
        "是否含有政府购买服务": "否",
        "绩效类型": "其他类",
        "项目概况": (
            "1.安全生产条件动态监管--企业安全生产条件事后监管；2.安全生产事故管理--事故现场影像制作、事故涉及企业人员强"
            "制培训；3.工程现场建筑起重机械监管--建筑起重机械使用安全监督检测。4、工程现场建筑起重机械监管--市管工程项目"
            "建筑起重机械使用安全监督检测。5、质量事故处置。"
        ),
        "立项依据": (
            "1、关于印发《房屋建筑和市政基础设施工程施工安全监督工作规程》的通知（建质【2014】154号）2、关于印发《上海市"
            "建设工程质量安全监督工作规定》的通知（沪建交【2012】896号）3、上海市建筑施工企业安全生产许可批后监督管理办"
            "法（沪住建规范【2019】5号）4、关于印发《上海市建设工程生产安全事故管理规定》的通知（沪建质安【2019】367号）"
            "5、关于发布《上海市建筑起重机械监督管理规定》的通知（沪建管【2014】755号）6、《关于上海市建设工程安全质量监"
            "督总站内设机构职责调整的通知》沪建安质监[2018]12号。"
        ),
        "项目设立的必要性": (
            "根据三定方针，总站对全市建设工程安全实施业务指导；依据法律法规规范性文件，不断完善推进落实安全监管相关措施"
            "；着力解决政策实践过程中的难点，新政策的研究，社会各界关心的热点、重点问题的探讨研究等，力求与社会发展同步"
            "；以上这些工作都是常态化的，每年在总站的年度工作计划中均体现，在相关科室的工作安排中，进行细化。负责对市管"
            "项目的建筑材料和建筑起重机械在工程施工现场使用的质量和安全实施监管。负责本市建设工程质量的监管和管理，依法"
            "对发现的违法违规行为进行调查、取证，并提出处罚或处理意见；负责或参与建设工程质量事故的调查、处理及善后处置"
            "工作。"
        ),
        "保证项目实施的制度、措施": (
            "职能科室依据国家法律、法规、部门规章及市行政主管部门的管理要求，落实具体的工作内容，拟定工作计划，申报本年"
            "度预算计划。待批复后，细化工作内容，签订合同，明确预算使用方式及金额，报站领导审批预算使用计划；合同实施过"
            "程中，职能科室组织开会，和合同签订方细化明确工作内容；合同实施中期，组织评估检查执行情况，提出下一步工作要"
            "求；安全管理科针对购买服务的工作内容，要求被委托单位完成合同约定任务后，提供相应成果（表现形式为：影像资料"
            "、小结、报告等）。相关资料装订成册，电子资料汇总收集，专人保管。使用过程中，根据站财务管理要求，完成审批支"
            "付流程。"
        ),
        "项目实施计划": "资金使用计划为：（1）1-6月，完成30% （2）1-10月，完成80% （3）1-11月，完成100%",
        "总目标及阶段性目标": (
            "预期总目标:进一步规范建筑施工企业安全生产条件，提高建设参与各方的安全意识和管理水平，落实安全生产责任，提升"
            "施工安全生产监督管理整体水平和效果。消除质量隐患，以达到建筑物的安全可靠和正常使用各项功能及寿命要求，并保"
            "证施工的正常运行。阶段性目标:落实本市建筑工程管理各项规定,加强施工现场的监管。"
        ),
    },
    {
        "申报单位名称": "上海市建设工程安全质量监督总站",
        "项目名称": "建设工程安全质量管控",
        "项目类别": "其他一次性项目",
        "计划开始日期": "2020-01-01",
        "计划完成日期": "2020-12-31",
        "是否含有政府购买服务": "否",
        "绩效类型": "其他类",
        "项目概况": (
            "1、安全月/质量月活动：结合安全月/质量月主题要求，组织相关活动，如开展市级综合创优工程观摩活动等，编制宣传资"
            "料；2、施工规范标准宣传推广：购买相关标准、规范及专业书籍及网络版工程建设标准库维护更新；3、监督系统人员培"
            "训：根据总站职责，负责本市区（县）和特定园区管委会建设工程安全质量监督机构的业务指导和考核，组织开展相关监"
            "督人员的业务培训；4、新技术新工艺应用管理，监管信息化相关研究。\n5、质量保证体系建设。\n6、检测工作管理、相"
            "关课题的研究。\n7、优化营商环境政策研究。"
        ),
        "立项依据": (
            "1、住建部工程质量安全监管司2019年工作要点（建质综函〔2019〕4号）2、《国家信息化发展战略纲要》3、住建部《201"
            "6-2020建筑业信息化发展纲要》（建质函〔2016〕183号）4、上海市人民政府办公厅转发市建设交通委等四部门《关于进"
            "一步加强本市建设工程质量安全监督机构及队伍建设意见的通知》（沪府办〔2012〕36号）5、《上海市建设工程质量安全"
            "监督管理规定》（沪建质安〔2018〕210号）6、进一步推进本市社会投资项目审批改革工作（沪建规范联〔2018〕3号）7"
            "、进一步深化本市社会投资项目审批改革实施细则（沪社审改〔2018〕1号）8、进一步深化本市社会投资项目审批改革实"
            "施办法（沪府办发〔2018〕4号）9、社会投资项目竣工验收改革实施办法（沪社审改〔2018〕2号）\n10、《关于上海市建"
            "设工程安全质量监督总站内设机构职责调整的通知》沪建安质监〔2018〕12号\n11、《2018年工程质量监督管理工作重点"
            "及实施意见》沪建安质监〔2018〕17号"
        ),
        "项目设立的必要性": (
            "深入贯彻党中央、国务院、住建部、市住建委对于工程安全/质量的重要指示要求，进一步提高全市建设工程安全、质量、"
            "文明施工的水平。根据总站三定方案及工程质量监督管理工作重点及实施意见，质量管理科负责本市建设工程质量的监督"
            "和管理，负责本市建筑工程施工质量标准化管理工作，负责本市建设工程监督机构质量监督管理工作指导和培训，参与本"
            "市相关行业协会的业务指导工作。"
        ),
        "保证项目实施的制度、措施": (
            "职能科室依据国家法律、法规、部门规章及市行政管理部门的管理要求，落实具体的工作内容，议定工作计划，项目实施"
            "前先制作方案，排好项目计划节点，申报本年度预算计划。待批复后，签订合同，细化工作内容，明确预算使用方式及金"
            "额，报站领导审批预算使用计划。合同实施过程中，职能科室加强跟踪管理，在项目运行过程中根据项目开展情况做好记"
            "录。被委托单位完成合同约定任务后，做好工作的汇总总结，进行服务质量小结自评，对服务效果、工作质量等方面进行"
            "客观评价，编写报告并报领导审批，并提供相应成果。"
        ),
        "项目实施计划": "资金使用计划为：（1）1-6月，完成30%\n（2）1-10月，完成80%\n（3）1-11月，完成100%",
        "总目标及阶段性目标": (
            "1、形成安全月、质量月活动宣传的影像资料，在相关报刊上刊登综合观摩活动的专题报道，扩大观摩活动效应。2、根据"
            "各科室需求购买相关的标准规范及专业书籍、资料，对工程建设标准库网络版库中现有的标准规范及时更新、补充，确保"
            "系统中标准规范的有效性，有助于监管人员方便地熟悉、了解、掌握各类专业知识，满足在工程监管执法工作中需要。3、"
            "组织监督系统人员的分类培训，形成培训资料，提高质量安全监管工作的水平和工作能力。4、对新技术新工艺应用管理，"
            "包括监管信息化相关研究，进一步规范工程质量安全监管行为、提升监管水平。\n加强本市质量监督工作的管理；本市建"
            "设工程能够严格执行国家有关建筑施工规范标准及设计图纸规定的质量标准进行施工；现场五方责任人职责分工明确；加"
            "强对原材料、工程实体质量的控制；加强质量行为的监管。"
        ),
    },
    {
        "申报单位名称": "上海市建设工程安全质量监督总站",
        "项目名称": "建设工程监督检测",
        "项目类别": "其他一次性项目",
        "计划开始日期": "2020-01-01",
        "计划完成日期": "2020-12-31",
        "是否含有政府购买服务": "否",
        "绩效类型": "其他类",
        "项目概况": (
            "为保障在建工程的安全质量，在建设全过程中对与建筑物有关的地基、建筑材料、施工工艺、建筑结构进行测试的一项重"
            "要工作。依据《上海市建设工程检测管理办法》(上海市人民政府令第73号)及《上海市建设工程监督检测管理办法》(沪建"
            "交[2013]231号文件规定，上海市建设工程安全质量监督总站负责本市相关专业建设工程检测活动的日常监督管理，具体工"
            "作主要有：组织全市检测机构的执法检查和投诉追查工作，组织全市工程建材和实体监督检测工作，以及抽检样品管理，"
            "同时为确保总站直管建筑工程质量，对施工过程中的建材和工程实体质量实施随机监督抽检。关于抽检工作：2018年度总"
            "共抽检了357组样品(含钢管扣件100组)；2018年现场采检总共结构混凝土1008个测区，混凝土取芯120个；钢筋保护层30构"
            "件；楼板厚度38构件；搅拌桩长度及强度4个；钻孔灌注桩长度及强度2个；节能构造22组；保温层拉拔18组；"
        ),
        "立项依据": (
            "1、73号市长令2、关于2014年全市建设工程监督抽检的工作报告3、沪建交(2013)231《上海市城乡建设和交通委员会关于"
            "发布<上海市建设工程监督检测管理办法>的通知》4、关于印发《房屋建筑和市政基础设施工程施工监督工作规程》的通知"
            "(建质【2014】154号)5、关于印发《上海市建设工程质量安全监督工作规定》的通知(沪建交【2012】896号)6、关于印发"
            "《建筑施工现场钢管扣件安全管理规定》的通知(沪建质安【2016】256号)7、关于贯彻落实《建筑施工现场钢管扣件安全"
            "管理规定》的通知(沪建安质监【2017】93号)"
        ),
        "项目设立的必要性": (
            "根据总站三定方案及2019年工程质量监督管理工作重点及实施意见，强化结构工程、防水工程、节能工程质量管控，继续"
            "深入开展工程内在质量治理；加强现场检查管理工作，充分发挥监督抽检作用。根据三定方针，总站对全市建设工程安全"
            "实施业务指导；依据法律法规规范文件，不断完善推进落实安全监管相关措施；着力解决政策实践过程中的难点，新政策"
            "的研究，社会各界关心的热点、重点问题的探讨研究等，力求与社会发展同步；以上这些工作都是常态化的，每年在总站"
            "的年度工作计划中均体现，在相关科室的工作安排中，进行细化。"
        ),
        "保证项目实施的制度、措施": (
            "职能科室依据国家法律、法规、部门规章及市行政主管部门的管理要求，落实具体的工作内容，拟定工作计划，申报本年"
            "度预算计划。待批复后，细化工作内容，使用过程中，根据站财务管理要求，完成审批支付流程。"
        ),
        "项目实施计划": "资金使用计划为：(1)1-6月，完成30% (2)1-10月，完成80% (3)1-11月，完成100%",
        "总目标及阶段性目标": (
            "总目标：保证工程质量。为了加强本市建筑施工钢管、扣件等构配件的规范管理，防范安全事故，保障人民群众生命财产"
            "安全。阶段性目标：落实工程参建各方的质量责任，注重施工现场实体质量、建材质量。督促施工现场加强钢管扣件的日"
            "常管理工作。注重基坑工程勘察设计现场服务，施工现场实体质量、建材质量，按图施工情况，保证工程质量。"
        ),
    },
]

SH_BUDGETS = [
    {"项目总预算": 517500, "项目当年预算": 517500, "同名项目上年预算额": 529000, "同名项目上年预算执行数": 529000},
    {"项目总预算": 935200, "项目当年预算": 935200, "同名项目上年预算额": 1239600, "同名项目上年预算执行数": 1239600},
    {
        "项目总预算": 1530000,
        "项目当年预算": 1530000,
        "同名项目上年预算额": 1810000,
        "同名项目上年预算执行数": 1810000,
    },
]

SH_ROWS = [
    [
        ("投入与管理", "投入管理", "投入时间", "2020年度"),
        ("产出目标", "数量", "抽查特级一级企业及承建项目数", "=50家"),
        ("产出目标", "数量", "事故现场影像汇总光盘", "=1套"),
        ("产出目标", "数量", "对19年度涉事故企业(含施工单位和监理单位)强制培训", "=1项"),
        ("产出目标", "数量", "建筑起重机械使用安全监督检查抽查工地数", "=30个"),
        ("产出目标", "数量", "建筑起重机械使用安全监督检查出具报告数", "=60份"),
        ("产出目标", "质量", "全年发生事故的施工项目影像年度分析报告", "=1份"),
        ("产出目标", "质量", "培训情况总结", "=1份"),
        ("产出目标", "质量", "对违规企业进行处罚并形成总结报告数", "=1份"),
        # The dump lost this row's leading tab: 时效 stands in the first column.
        ("产出目标", "时效", "对违规企业进行处罚并形成总结报告完成时间", "=11月底前"),
        (
            "效果目标",
            "社会效益",
            "进一步规范建筑施工企业安全生产条件,提高建设参与各方的安全意识和管理水平,落实安全生产责任,"
            "提升施工安全生产监督管理整体水平和效果.通过检查发现企业及施工现场存在隐患和问题,为同类通病治理提供经验。",
            ">=90%",
        ),
        ("效果目标", "满意度", "群众满意度", ">=90%"),
        (
            "影响力目标",
            "长效管理",
            "防止较大及以上生产安全事故发生,减少一般生产安全事故发生,控制和减少施工扰民,提高整体安全生产管理水平。",
            "提高管理水平",
        ),
    ],
    [
        ("投入与管理", "投入管理", "投入时间", "2020年度"),
        ("产出目标", "数量", "2020年研究课题项目数", "=2项"),
        ("产出目标", "数量", "相关审改文件的整理和汇编", "=1项"),
        ("产出目标", "质量", "配合起草相关综合竣工验收配套文件、世行年度测评报告解读分析", "=1份"),
        ("产出目标", "质量", "综合竣工验收的流程图解、一问一答及说明", "完善"),
        ("产出目标", "时效", "2020年课题研究时间", "=3月份~11月份"),
        # No leading tabs and an empty middle cell.
        ("产出目标", "时效", "相关审改文件的整理和汇编进行时间", "=3月~11月"),
        (
            "效果目标",
            "社会效益",
            "以问题导向为目标，通过课题研究，使我们的课题研究成果更接近现场，更接近企业，"
            "并使研究结果能应用到现场质量管理；通过检测工作管理，使检测的结果更加真实有效",
            ">=90%",
        ),
        ("效果目标", "满意度", "群众满意度", ">=90%"),
        (
            "影响力目标",
            "长效管理",
            "充分利用行业专家的能力更好的使我们的课题研究真实有效。通过检测工作管理，"
            "使我们的监督抽检更加的真实有效，更具有行业威慑力",
            "威慑作用",
        ),
    ],
    [
        ("投入与管理", "投入管理", "投入时间", "2020年度"),
        ("产出目标", "数量", "根据工作安排，专项检查数", "=5个"),
        ("产出目标", "数量", "根据工作安排，检查项目数", "=120个"),
        ("产出目标", "数量", "形成施工现场材料检测报告数", "=150份"),
        ("产出目标", "数量", "形成施工现场实体检测报告数", "=80份"),
        ("产出目标", "数量", "通过检查形成检查通报文件或检查小结数", "=5份"),
        ("产出目标", "数量", "对在建的工程项目实施建材监督抽检率", "=30%"),
        ("产出目标", "数量", "对在建的工程项目实施工程实体监督抽检率", "=20%"),
        ("产出目标", "数量", "安全类抽查工地数", "=36个"),
        ("产出目标", "数量", "安全类抽查检测报告及小结数", "=1份"),
        ("产出目标", "数量", "监督抽检覆盖率", ">=5%"),
        # A 三级 name in the 二级 column.
        (
            "产出目标",
            "数量",
            "每年检查涉及全市16个区县，对所有检查中涉及建材监督抽检以及实体检测不合格的工程进行处置率",
            "16",
        ),
        ("产出目标", "质量", "建材监督抽检合格率", ">=85%"),
        ("产出目标", "质量", "通过此项监督抽检工作，保证上海市的材料及实体检测合格率较19年提升率", "=1~2%"),
        (
            "产出目标",
            "时效",
            "11月之前相关的专项检查结束（专项检查安排为4月、5月、7月、9月、10月各一个），"
            "相关的检测报告在规定时间内由检测单位直接汇总给总站。",
            "11月前",
        ),
        ("产出目标", "时效", "安全类抽查在每年6~8月份。相关小结在检查结束后形成时间", "<=45天"),
        (
            "效果目标",
            "社会效益",
            "通过各项抽检和检查监管等手段，对一些数据的整理，梳理存在的问题，形成通报文件或工作报告。"
            "作为推进相应后续管理工作，包括管理措施、相关文件，规范标准的制订等的依据，"
            "对相应的参建各方形成震慑作用的同时，也有效的提高上海市建设工程安全、质量监管水平，"
            "从而有效的保障了相关政策的推进落实、企业管理、区县管理等。",
            ">=90%",
        ),
        ("效果目标", "满意度", "群众满意度", ">=90%"),
        (
            "影响力目标",
            "长效管理",
            "通过发布抽检结果，考核结果，通报讲评，放大效应，提高震慑力。并为下一阶段工作提供依据。"
            "通过双随机式的监督抽检，对工程在建材使用形成威慑力，确保工程质量。"
            "提高参建各方的质量、安全意识，提高各区级监督机构的监督意识。保证在建工程的安全、质量。",
            "震慑作用",
        ),
    ],
]

HD_DUTIES = "\n".join(
    [
        (
            "(一)贯彻执行《建筑法》、《建设工程质量管理条例》、《建设工程安全生产管理条例》、《民用建筑节能条例》、《湖"
            "南省建设工程质量和安全生产管理条例》等有关工程建设质量和安全监督的法律法规和政策。"
        ),
        (
            "(二)负责全县行政区域内建设工程的质量和安全日常监督管理；经授权负责查处违反《建筑法》《建设工程质量管理条例"
            "》《建设工程安全生产管理条例》《民用建筑节能条例》《湖南省建设工程质量和安全生产管理条例》等相关法律法规的"
            "各种违法行为；纠正建设工程违章作业。"
        ),
        (
            "（三）负责涉及工程主体结构安全和主要使用功能的工程实体质量、主要建筑材料、建筑构配件质量的监督，负责施工质"
            "量管理标准化和项目施工安全生产标准化考评。"
        ),
        (
            "(四)负责全县建筑业企业安全管理人员的考核、申报、继续教育。负责工程竣工验收条件的审查监督工作；负责工程质量"
            "和安全竣工验收及备案工作。"
        ),
        "(五)丞担建设工程施工许可初审、工程质量安全监督注册事务性工作。",
        "(六)负责预拌(商品)混凝土企业、预制构件生产企业、检测机构等日常监督服务。",
        "(七)负责全县建设工程质量安全状况的统计分析；负责组织开展建设工程创优活动。",
        "(八)负责建设工程质量安全技术咨询服务工作；负责民用建筑节能工程质量监督工作；参与建设工程质量安全事故的调查。",
        (
            "(九)负责外地入县施工企业、监理企业和检测机构的登记等事务性工作，组织协调建筑施工企业参与对外工程承包和劳务"
            "合作。"
        ),
        "(十)负责建筑劳务用工实名制工作；协助处理拖欠农民工工资投诉。",
        "(十一)负责工程施工安全和质量(保修期内)投诉处理。",
        "（十二)负责施工、监理合同管理，负责建筑市场监管信息平台工作。",
        "(十三)协助做好全县建筑业企业的资质管理和有关执业资格论证、报批和管理。",
        "(十四)指导建筑业协会工作。",
        "(十五)负责全县建设工程应急救援工作。",
        "(十六)完成上级部门交办的其它工作。",
    ]
)

HD_GOAL = (
    "通过预算执行，保证单位各项工作正常运转。\n"
    "通过对县域内建设工程的质量安全；设备检测；建筑原材料检测；商品混凝土等工作的指导与监管，"
    "确保建设工程的质量与安全生产。为县委、县政府建设工程质量与安全提供决策依据。"
)

HD_HEADER = {"填报单位": HD_UNIT, "部门名称": HD_UNIT, "部门职能职责概述": HD_DUTIES, "整体绩效目标": HD_GOAL}

# 万元 on the form, 元 here.
HD_BUDGET = {
    "资金总额": 5606100,
    "一般公共预算": 4844800,
    "政府性基金拨款": None,
    "纳入专户管理的非税收入拨款": 761300,
    "其他资金": None,
    "基本支出": 4806100,
    "项目支出": 800000,
}

HD_ROWS = [
    ("产出指标", "数量指标", "本单位财政供养人员", "在职人数43人，退休人员14人"),
    ("产出指标", "数量指标", "部门单位履职、运转", "予以保障"),
    ("产出指标", "数量指标", "质量安全生产大检查及季度考评", "10次"),
    ("产出指标", "数量指标", "安全日常巡查", "500次"),
    ("产出指标", "数量指标", "执法检查每月巡查工地", "2次"),
    ("产出指标", "数量指标", "每季对建筑工地使用商品混凝土质量进行监督抽测", "50个工地"),
    ("产出指标", "数量指标", "执法检查每月巡查商品混凝土公司", "1次"),
    ("产出指标", "数量指标", "检查商品混凝土公司", "5个"),
    ("产出指标", "数量指标", "发放质量安全宣传资料", "6000份"),
    ("产出指标", "数量指标", "竣工验收备案项目", "35个次"),
    ("产出指标", "数量指标", "办理施工许可证", "80个"),
    ("产出指标", "质量指标", "在职人员控制率", "≤100%"),
    ("产出指标", "质量指标", "公用经费控制率", "≤100%"),
    ("产出指标", "质量指标", "质量安全生产大检查及季度考评覆盖率", "100%"),
    ("产出指标", "质量指标", "安全日常巡查覆盖率", "100%"),
    ("产出指标", "质量指标", "执法检查每月巡查工地覆盖率", "100%"),
    ("产出指标", "质量指标", "每季对建筑工地使用商品混凝土质量进行监督抽测覆盖率", "100%"),
    ("产出指标", "质量指标", "执法检查每月巡查商品混凝土公司覆盖率", "100%"),
    ("产出指标", "质量指标", "……检查公司商品混凝土合格率", "100%"),
    ("产出指标", "质量指标", "质量安全宣传知晓率", "≧95%"),
    ("产出指标", "质量指标", "竣工验收合格率", "100%"),
    ("产出指标", "质量指标", "办证符合率", "100%"),
    ("产出指标", "成本指标", "人员经费", "≤371.29万元"),
    ("产出指标", "成本指标", "公用经费", "≤109.32万元"),
    ("产出指标", "成本指标", "安全生产经费", "≤30万元"),
    ("产出指标", "成本指标", "工程实体质量比对监督检测", "≤50万元"),
    ("产出指标", "时效指标", "完成单位职责及县委、县政府交办的各项任务", "年度内及时完成"),
    ("产出指标", "时效指标", "质量安全生产大检查及季度考评", "每季按时完成"),
    ("产出指标", "时效指标", "安全日常巡查", "每月按时完成"),
    ("产出指标", "时效指标", "执法检查每月巡查工地", "每月按时完成"),
    ("产出指标", "时效指标", "每季对建筑工地使用商品混凝土质量进行监督抽测", "每季按时完成"),
    ("产出指标", "时效指标", "执法检查每月巡查商品混凝土公司", "每月按时完成"),
    ("产出指标", "时效指标", "发放质量安全宣传资料", "年度内完成"),
    ("产出指标", "时效指标", "竣工验收备案", "按工程竣工后及时完成"),
    # The dump lost the merged 一级 cells of the last rows: the framework supplies them.
    ("效益指标", "社会效益", "施工质量保证率", "100%"),
    ("效益指标", "社会效益", "商品混凝土质量保证率", "达到国家质量标准"),
    ("效益指标", "社会效益", "安全事故控制率", "≤1.5‰"),
    ("效益指标", "可持续影响指标", "规范建筑市场秩序，促进本县建筑市场持续平稳发展。", ""),
    ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
]

# Model field of each project header label, and what the field holds for the seeds' values.
PROJECT_FIELDS = {
    "项目名称": "project_name",
    "项目类别": "category",
    "绩效类型": "performance_type",
    "项目概况": "overview",
    "立项依据": "basis",
    "项目设立的必要性": "necessity",
    "保证项目实施的制度、措施": "safeguards",
    "项目实施计划": "implementation_plan",
    "总目标及阶段性目标": "goals",
}
PROJECT_BUDGET_FIELDS = {
    "项目总预算": "total_budget",
    "项目当年预算": "current_budget",
    "同名项目上年预算额": "prev_budget",
    "同名项目上年预算执行数": "prev_executed",
}
DEPARTMENT_BUDGET_FIELDS = {
    "资金总额": "fund_total",
    "一般公共预算": "fund_general",
    "政府性基金拨款": "fund_gov_fund",
    "纳入专户管理的非税收入拨款": "fund_special_nontax",
    "其他资金": "fund_other",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
}

ROW_KEYS = ("level1", "level2", "level3", "value")


def as_rows(indicators: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    return [tuple(row[k] for k in ROW_KEYS) for row in indicators]


def db_rows(perf_form: PerformanceForm) -> list[tuple[str, str, str, str]]:
    return list(perf_form.indicators.order_by("position").values_list(*ROW_KEYS))


# --- The seed files ---------------------------------------------------------------------------


def test_shanghai_seed_parses_every_header_budget_and_row():
    forms = parse_text(SHANGHAI.read_text(encoding="utf-8"))

    assert len(forms) == 3
    for form, header, budget, rows in zip(forms, SH_HEADERS, SH_BUDGETS, SH_ROWS, strict=True):
        assert (form.kind, form.year, form.unit, form.department) == ("project", 2020, SH_UNIT, None)
        assert form.skipped_reason is None
        assert form.project == header["项目名称"]
        assert form.header == header
        assert form.budget == budget
        assert as_rows(form.indicators) == rows


def test_hengdong_seed_parses_every_header_budget_and_row():
    [form] = parse_text(HENGDONG.read_text(encoding="utf-8"))

    assert (form.kind, form.year, form.unit, form.department, form.project) == (
        "department",
        2021,
        HD_UNIT,
        HD_UNIT,
        None,
    )
    assert form.skipped_reason is None
    assert form.header == HD_HEADER
    assert form.budget == HD_BUDGET
    assert as_rows(form.indicators) == HD_ROWS


@pytest.mark.django_db
def test_seed_files_import_every_field():
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)

    assert PerformanceForm.objects.count() == 4
    for header, budget, rows in zip(SH_HEADERS, SH_BUDGETS, SH_ROWS, strict=True):
        perf_form = PerformanceForm.objects.get(project_name=header["项目名称"])
        assert (perf_form.kind, perf_form.status, perf_form.year.year) == ("project", Status.DRAFT, 2020)
        assert perf_form.framework.code == "shanghai-2020-project"
        assert perf_form.unit.name == SH_UNIT
        for label, field_name in PROJECT_FIELDS.items():
            assert getattr(perf_form, field_name) == header[label], label
        assert (perf_form.planned_start, perf_form.planned_end) == (date(2020, 1, 1), date(2020, 12, 31))
        assert perf_form.gov_purchase is False
        for label, field_name in PROJECT_BUDGET_FIELDS.items():
            assert getattr(perf_form, field_name) == Decimal(budget[label]), label
        assert db_rows(perf_form) == rows

    department_form = PerformanceForm.objects.get(kind="department")
    assert (department_form.status, department_form.year.year, department_form.project_name) == (Status.DRAFT, 2021, "")
    assert department_form.framework.code == "department-2021"
    assert (department_form.duties, department_form.overall_goal) == (HD_DUTIES, HD_GOAL)
    for label, field_name in DEPARTMENT_BUDGET_FIELDS.items():
        expected = None if HD_BUDGET[label] is None else Decimal(HD_BUDGET[label])
        assert getattr(department_form, field_name) == expected, label
    assert db_rows(department_form) == HD_ROWS


@pytest.mark.django_db
def test_seed_import_builds_organizations_and_years():
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)

    unit = Organization.objects.get(name=SH_UNIT)
    assert (unit.kind, unit.parent.name, unit.parent.kind) == ("unit", "导入单位（待归属）", "department")
    assert (unit.parent.parent.name, unit.parent.parent.kind) == ("财政局", "finance")
    department = Organization.objects.get(name=HD_UNIT)
    assert (department.kind, department.parent.name) == ("department", "财政局")
    assert PerformanceForm.objects.get(kind="department").unit == department
    frameworks = {y.year: (y.project_framework.code, y.department_framework.code) for y in FiscalYear.objects.all()}
    assert frameworks == {
        2020: ("shanghai-2020-project", "department-2021"),
        2021: ("national-2021-project", "department-2021"),
    }


# --- Messy dumps, on small handmade snippets -------------------------------------------------

TITLE = "财政项目支出绩效目标表 (2020年度)\t\t\t"
TABLE_HEAD = "2020年绩效目标\t\t\t\n一级目标\t二级目标\t三级目标\t指标目标值"


def project_form(name: str = "测试项目", *, title: str = TITLE, unit: str = "测试单位", body: str = "") -> str:
    """A small project form: title, the header lines a test needs, and one indicator row."""
    return "\n".join(
        [
            title,
            f"申报单位名称：{unit}\t\t\t",
            f"项目名称：\t{name}\t项目类别：\t经常性项目",
            "计划开始日期：\t2020-01-01\t计划完成日期：\t2020-12-31",
            "是否含有政府购买服务：\t是\t绩效类型：\t其他类",
            body,
            "",
            TABLE_HEAD,
            "产出目标\t数量\t检查项目数\t=10个",
            "",
        ]
    )


def only_form(text: str):
    [form] = parse_text(text)
    assert form.skipped_reason is None
    return form


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("财政项目支出绩效目标表 (2020年度)\t\t\t", "project", 2020),
        ("财政项目支出绩效目标表\t\t\t\n(2020年度)\t\t\t", "project", 2020),
        ("财政项目支出绩效目标表\n\n（2019年度）", "project", 2019),
        ("2021年项目支出绩效目标表", "project", 2021),
    ],
)
def test_parse_text_title_gives_kind_and_year(title, kind, year):
    form = only_form(project_form(title=title))

    assert (form.kind, form.year, form.project) == (kind, year, "测试项目")


def test_parse_text_rows_without_leading_tabs_fall_under_framework_names():
    table = "\n".join(
        [
            TABLE_HEAD,
            "产出目标\t数量\t检查项目数\t=10个",
            "\t\t三级医院检查数\t=3家",
            "时效\t检查完成时间\t=11月底前\t",
            "汇编进行时间\t\t=3月~11月\t",
            "\t按时完成率\t100%\t",
            "影响力目标\t长效管理\t长效机制\t健全",
            "社会效益\t群众知晓率\t>=80%\t",
            "\t\t满意度\t>=90%",
            "满意度\t>=95%\t\t",
        ]
    )
    [form] = parse_text(f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙\n{table}")

    assert as_rows(form.indicators) == [
        ("产出目标", "数量", "检查项目数", "=10个"),
        ("产出目标", "数量", "三级医院检查数", "=3家"),
        ("产出目标", "时效", "检查完成时间", "=11月底前"),
        ("产出目标", "时效", "汇编进行时间", "=3月~11月"),
        ("产出目标", "时效", "按时完成率", "100%"),
        ("影响力目标", "长效管理", "长效机制", "健全"),
        # 社会效益 belongs to 效果目标, not to the 一级 of the row before.
        ("效果目标", "社会效益", "群众知晓率", ">=80%"),
        # A 三级 that shares a 二级's name: in the 三级 column, or followed only by a target.
        ("效果目标", "社会效益", "满意度", ">=90%"),
        ("效果目标", "社会效益", "满意度", ">=95%"),
    ]


def test_parse_text_uses_the_names_of_the_framework_given():
    national = {"产出指标": ["数量指标", "时效指标"], "效益指标": ["社会效益指标"]}
    aliases = {"产出指标": ["产出目标"], "数量指标": ["数量"], "时效指标": ["时效"], "社会效益指标": ["社会效益"]}
    table = f"{TABLE_HEAD}\n产出目标\t数量\t检查项目数\t=10个\n时效\t完成时间\t年底前\t\n社会效益\t知晓率\t>=80%"

    [form] = parse_text(
        f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙\n{table}",
        lambda kind, year: Vocabulary(national, aliases),
    )

    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "检查项目数", "=10个"),
        ("产出指标", "时效指标", "完成时间", "年底前"),
        ("效益指标", "社会效益指标", "知晓率", ">=80%"),
    ]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("<p>第一段</p> <p>第二段</p>", "第一段\n第二段"),
        ("甲<br>乙<br/>丙", "甲\n乙\n丙"),
        ("<p>项目实施计划：</p>", "项目实施计划："),
        ("依据&lt;办法&gt;&nbsp;执行 A&amp;B", "依据<办法> 执行 A&B"),
        ("关于发布<上海市建设工程监督检测管理办法>的通知", "关于发布<上海市建设工程监督检测管理办法>的通知"),
        ('<span style="color:red">红字</span><script>alert(1)</script>', "红字"),
        ("  =50家 ", "=50家"),
    ],
)
def test_clean_cell_returns_plain_text(cell, text):
    assert clean_cell(cell) == text


def test_parse_text_strips_markup_around_labels_values_and_cells():
    body = "\n".join(
        [
            "<p>项目实施计划：</p>\t<p>资金使用计划为：（1）1-6月</p> <p>（2）1-10月</p>\t\t",
            "项目概况：\t<p>依据《办法》<br>和&lt;规定&gt;</p>\t\t",
        ]
    )
    form = only_form(project_form(body=body).replace("\t检查项目数\t=10个", "\t<p>检查项目数</p>\t<p>=10个</p>"))

    assert form.header["项目实施计划"] == "资金使用计划为：（1）1-6月\n（2）1-10月"
    assert form.header["项目概况"] == "依据《办法》\n和<规定>"
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]


def test_parse_text_values_run_over_lines_and_start_on_the_next_line():
    body = "\n".join(
        [
            "项目概况：\t\t\t",
            "\t第一段。",
            "第二段。\t\t",
            "",
            "立项依据：\t依据一；",
            "依据二。",
            "项目实施计划：",
            "<p>按季度实施</p>",
        ]
    )
    form = only_form(project_form(body=body))

    assert form.header["项目概况"] == "第一段。\n第二段。"
    assert form.header["立项依据"] == "依据一；\n依据二。"
    assert form.header["项目实施计划"] == "按季度实施"


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("1,530,000", "元", 1530000),
        ("517500", "元", 517500),
        ("１，２００", "元", 1200),
        ("12.5", "元", Decimal("12.50")),
        ("560.61万元", "元", 5606100),
        ("76.13万元", "元", 761300),
        ("560.61", "万元", 5606100),
        ("80万元", "元", 800000),
        ("", "元", None),
        ("  ", "万元", None),
        ("—", "元", None),
    ],
)
def test_parse_money_gives_yuan(text, unit, amount):
    assert parse_money(text, unit) == amount


# The last is longer than Decimal's precision: quantize used to raise InvalidOperation.
@pytest.mark.parametrize("text", ["约50万", "0.001", "0.0000001万元", "-5", "五十万元", "1" * 30])
def test_parse_money_unreadable_raises(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_parse_text_budget_labels_in_either_bracket_and_empty_last_year():
    body = "\n".join(
        [
            "本项目上年度市级财政资金使用情况\t\t\t",
            "项目总预算(元)：\t1,530,000\t项目当年预算（元）：\t1,230,000.50",
            "同名项目上年预算额（元）：\t\t同名项目上年预算执行数(元)：\t",
        ]
    )
    form = only_form(project_form(body=body))

    assert form.budget == {
        "项目总预算": 1530000,
        "项目当年预算": Decimal("1230000.50"),
        "同名项目上年预算额": None,
        "同名项目上年预算执行数": None,
    }


def test_parse_text_unreadable_amount_skips_the_form():
    [form] = parse_text(project_form(body="项目总预算（元）：\t约五十万\t项目当年预算（元）：\t1"))

    assert form.skipped_reason == "第1张表: 金额无法识别（项目总预算：约五十万）"


def test_parse_text_ignores_separator_and_blank_lines():
    text = project_form(body="------------\n\n项目概况：\t概况\n————————\n").replace(
        TABLE_HEAD, f"------------\n{TABLE_HEAD}\n\n------------"
    )

    form = only_form(text)

    assert form.header["项目概况"] == "概况"
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]


def test_parse_text_truncated_form_at_start_is_reported_and_the_rest_read():
    text = "\t\t培训情况总结\t=1份\n影响力目标\t长效管理\t长效机制\t健全\n\n" + project_form("完整项目")

    truncated, form = parse_text(text)

    assert truncated.skipped_reason.startswith("第1张表: 缺少表头")
    assert truncated.indicators == []
    assert (form.number, form.project, form.skipped_reason) == (2, "完整项目", None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (project_form(""), "第1张表: 缺少项目名称"),
        (project_form(unit=""), "第1张表: 缺少申报单位名称"),
        (project_form(title="财政项目支出绩效目标表"), "第1张表: 缺少年度"),
    ],
)
def test_parse_text_form_missing_identity_is_skipped(text, reason):
    [form] = parse_text(text)

    assert form.skipped_reason == reason


def test_parse_text_year_fills_a_missing_year_and_refuses_another():
    without_year, other_year = parse_text(
        project_form("甲", title="财政项目支出绩效目标表") + project_form("乙", title="2019年项目支出绩效目标表"),
        year=2020,
    )

    assert (without_year.year, without_year.skipped_reason) == (2020, None)
    assert other_year.skipped_reason == "第2张表: 表上的年度（2019）与指定的年度（2020）不符"


DEPARTMENT_FORM = "\n".join(
    [
        "2021年部门整体支出绩效目标表",
        "填报单位：甲局",
        "\t部门名称",
        "\t甲局",
        "\t年度预算申请",
        "（万元）",
        "\t资金总额：12.5",
        "\t其中：  一般公共预算：10万元",
        "\t       政府性基金拨款：",
        "\t部门职能",
        "",
        "职责概述",
        "\t(一)负责甲。",
        "(二)负责乙。",
        "\t整体绩效目标",
        "\t目标一。",
        "",
        "目标二。",
        "",
        "\t部门整体支出年度绩效指标",
        "\t一级指标",
        "\t二级指标",
        "\t三级指标",
        "\t指标值及单位",
        "",
        "\t",
        "\t产出指标",
        "\t数量指标",
        "\t巡查次数",
        "\t500次",
        "",
        "\t",
        "\t",
        "\t社会效益",
        "\t事故控制率",
        "\t≤1.5‰",
        "",
        "\t",
        "\t",
        "\t可持续影响指标",
        "\t规范市场秩序。",
        "\t",
        "",
        "\t",
        "\t",
        "\t社会公众或服务对象满意度",
        "\t服务对象满意度",
        "\t≧90%",
        " ",
    ]
)


def test_parse_text_department_form_one_cell_per_line():
    form = only_form(DEPARTMENT_FORM)

    assert (form.kind, form.year, form.unit, form.department, form.project) == (
        "department",
        2021,
        "甲局",
        "甲局",
        None,
    )
    assert form.header == {
        "填报单位": "甲局",
        "部门名称": "甲局",
        "部门职能职责概述": "(一)负责甲。\n(二)负责乙。",
        "整体绩效目标": "目标一。\n目标二。",
    }
    # A bare number under the （万元） heading is in 万元 as well.
    assert form.budget == {"资金总额": 125000, "一般公共预算": 100000, "政府性基金拨款": None}
    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "可持续影响指标", "规范市场秩序。", ""),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


def test_parsed_form_to_json_has_exactly_the_specified_keys():
    [form] = parse_text(project_form(body="项目总预算（元）：\t12.5"))

    data = form.to_json()

    assert set(data) == {"kind", "year", "unit", "project", "header", "budget", "indicators", "skipped_reason"}
    assert data["budget"] == {"项目总预算": Decimal("12.50")}
    assert data["indicators"] == [{"level1": "产出目标", "level2": "数量", "level3": "检查项目数", "value": "=10个"}]
    assert json.loads(json_text(data), parse_float=Decimal)["budget"] == {"项目总预算": Decimal("12.50")}


# --- Rows, titles and units the reviewer found misread --------------------------------------------

SHORT_FORM_HEAD = f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙"


def test_parse_text_department_row_without_its_empty_lines_keeps_its_levels():
    text = HENGDONG.read_text(encoding="utf-8")
    lost = text.replace("\n\t\n\t\n\t质量指标\n", "\n\t质量指标\n")
    assert lost != text

    [form] = parse_text(lost)

    assert as_rows(form.indicators) == HD_ROWS


def test_parse_text_department_tab_layout_finds_framework_names_in_any_column():
    table = "\n".join(
        [
            "部门整体支出年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值及单位",
            "\t产出指标\t数量指标\t巡查次数\t500次",
            "\t\t质量指标\t合格率\t100%",
            "成本指标\t人员经费\t≤10万元",
            "\t\t社会效益\t事故控制率\t≤1.5‰",
            "满意度\t≧90%",
            "社会公众或服务对象满意度\t服务对象满意度\t≧90%",
        ]
    )
    text = DEPARTMENT_FORM[: DEPARTMENT_FORM.index("\t部门整体支出年度绩效指标")] + table

    form = only_form(text)

    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("产出指标", "质量指标", "合格率", "100%"),
        ("产出指标", "成本指标", "人员经费", "≤10万元"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "社会效益", "满意度", "≧90%"),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("财政项目支出绩效目标表\t(2020年度)", "project", 2020),
        ("财政项目支出绩效目标表(2020)", "project", 2020),
        ("财政项目支出绩效目标表\n(2019)", "project", 2019),
        ("衡东县2021年部门整体支出绩效目标表", "department", 2021),
    ],
)
def test_parse_text_title_variants_start_a_new_form(title, kind, year):
    second = DEPARTMENT_FORM.replace("2021年部门整体支出绩效目标表", title) if kind == "department" else ""
    second = second or project_form("第二个", title=title)

    first, form = parse_text(project_form("第一个") + second)

    assert as_rows(first.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]
    assert (form.number, form.kind, form.year, form.skipped_reason) == (2, kind, year, None)


def test_parse_text_missed_title_never_runs_into_the_previous_table():
    missed = project_form("第二个", title="财政项目支出绩效目标申报表\t\t\n（二〇二〇年度）")

    first, second = parse_text(project_form("第一个") + missed)

    assert (first.project, first.skipped_reason) == ("第一个", None)
    assert as_rows(first.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]
    assert second.project == "第二个"
    assert second.skipped_reason == "第2张表: 没有识别出表的标题（“……绩效目标表”及年度），请检查标题行"


def test_parse_text_form_without_title_or_table_heading_is_split_at_its_second_unit_label():
    second_form = "申报单位名称：丙\n项目名称：\t丁\n产出目标\t数量\t抽查数\t=1个"
    text = f"{SHORT_FORM_HEAD}\n产出目标\t数量\t检查数\t=5个\n{second_form}"

    first, second = parse_text(text)

    assert as_rows(first.indicators) == [("产出目标", "数量", "检查数", "=5个")]
    assert (second.unit, second.project) == ("丙", "丁")
    assert second.skipped_reason.startswith("第2张表: 没有识别出表的标题")


def test_parse_text_unit_in_the_heading_cell_applies_to_the_amounts_below():
    form = only_form(project_form(body="年度预算申请（万元）\t\t\t\n项目总预算：\t12.5\t项目当年预算（元）：\t3"))

    assert form.budget == {"项目总预算": 125000, "项目当年预算": 3}


def test_parse_text_department_budget_without_a_unit_is_in_ten_thousands():
    text = DEPARTMENT_FORM.replace("（万元）\n", "")
    assert text != DEPARTMENT_FORM

    form = only_form(text)

    assert form.budget == {"资金总额": 125000, "一般公共预算": 100000, "政府性基金拨款": None}


def test_parse_text_wrapped_target_and_name_join_the_row_before():
    table = "\n".join(
        [
            TABLE_HEAD,
            "产出目标\t数量\t检查数",
            "=5个",
            "\t\t对在建的工程项目实施建材",
            "监督抽检率\t",
            "\t\t\t≥30%",
            "\t\t竣工验收备案\t",
            "质量",
            "合格率\t100%",
        ]
    )

    form = only_form(f"{SHORT_FORM_HEAD}\n{table}")

    assert as_rows(form.indicators) == [
        ("产出目标", "数量", "检查数", "=5个"),
        ("产出目标", "数量", "对在建的工程项目实施建材监督抽检率", "≥30%"),
        # A 二级 name on its own line opens a category; it does not continue the name.
        ("产出目标", "数量", "竣工验收备案", ""),
        ("产出目标", "质量", "合格率", "100%"),
    ]


def test_parse_text_table_without_its_heading_starts_at_a_level1_row():
    body = "\n".join(
        [
            "项目总预算（元）：\t517,500\t项目当年预算（元）：\t517,500",
            "同名项目上年预算额（元）：\t\t同名项目上年预算执行数（元）：\t",
            "产出目标\t数量\t检查数\t=5个",
            "\t\t抽查数\t=3个",
        ]
    )

    form = only_form(f"{SHORT_FORM_HEAD}\n{body}")

    assert form.budget == {
        "项目总预算": 517500,
        "项目当年预算": 517500,
        "同名项目上年预算额": None,
        "同名项目上年预算执行数": None,
    }
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查数", "=5个"), ("产出目标", "数量", "抽查数", "=3个")]


def test_parse_text_department_table_without_its_heading_keeps_its_columns():
    heading = "\t部门整体支出年度绩效指标\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值及单位\n\n"
    assert heading in DEPARTMENT_FORM

    form = only_form(DEPARTMENT_FORM.replace(heading, ""))

    assert form.header["整体绩效目标"] == "目标一。\n目标二。"
    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "可持续影响指标", "规范市场秩序。", ""),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


def test_parse_text_form_that_breaks_the_parser_is_reported_and_the_rest_read(monkeypatch):
    read_table = textimport._read_table
    calls = []

    def failing(lines, names):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return read_table(lines, names)

    monkeypatch.setattr(textimport, "_read_table", failing)

    first, second, third = parse_text(project_form("第一个") + project_form("第二个") + project_form("第三个"))

    assert [first.skipped_reason, third.skipped_reason] == [None, None]
    assert second.skipped_reason == "第2张表: 读取时出错（boom），已跳过"
    assert as_rows(third.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]


# --- Importing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_text_twice_creates_no_duplicates():
    first = [import_text_file(SHANGHAI), import_text_file(HENGDONG)]
    ids = sorted(Indicator.objects.values_list("pk", flat=True))

    second = [import_text_file(SHANGHAI), import_text_file(HENGDONG)]

    assert [(r.created, r.updated) for r in first] == [(3, 0), (1, 0)]
    assert [(r.created, r.updated) for r in second] == [(0, 3), (0, 1)]
    assert PerformanceForm.objects.count() == 4
    assert Organization.objects.count() == 4
    assert FiscalYear.objects.count() == 2
    assert sorted(Indicator.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_import_text_updates_an_editable_form(status):
    import_text(project_form(body="项目概况：\t旧概况"))
    perf_form = PerformanceForm.objects.get()
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=status, category="手改")

    report = import_text(
        project_form(body="项目概况：\t新概况").replace("检查项目数\t=10个", "检查项目数\t=12个\n\t\t抽查数\t=3个")
    )

    perf_form.refresh_from_db()
    assert [o.action for o in report.outcomes] == ["updated"]
    assert (perf_form.overview, perf_form.category, perf_form.version) == ("新概况", "经常性项目", 2)
    assert db_rows(perf_form) == [("产出目标", "数量", "检查项目数", "=12个"), ("产出目标", "数量", "抽查数", "=3个")]
    assert perf_form.indicators.get(level3="检查项目数").target_low == Decimal("12")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.DEPT_APPROVED, Status.APPROVED])
def test_import_text_leaves_a_form_in_review_untouched(status):
    import_text(project_form("送审项目", body="项目概况：\t旧概况"))
    PerformanceForm.objects.update(status=status)

    report = import_text(project_form("送审项目", body="项目概况：\t新概况"))

    perf_form = PerformanceForm.objects.get()
    assert (perf_form.overview, perf_form.status, perf_form.version) == ("旧概况", status, 1)
    assert [o.action for o in report.outcomes] == ["untouched"]
    assert report.untouched[0].reason.startswith("第1张表: 「送审项目」状态为")
    assert "没有改动" in report.untouched[0].reason


@pytest.mark.django_db
def test_import_text_broken_form_in_the_middle_is_reported_and_the_others_imported():
    text = project_form("第一个") + project_form("") + project_form("第三个")

    report = import_text(text)

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    assert (report.created, [o.reason for o in report.skipped]) == (2, ["第2张表: 缺少项目名称"])


@pytest.mark.django_db
def test_import_text_form_the_database_refuses_is_skipped_alone():
    broken = project_form("日期有误").replace("2020-12-31", "2020-13-45")
    reversed_dates = project_form("日期颠倒", unit="新单位").replace("2020-12-31", "2019-12-31")

    report = import_text(project_form("第一个") + broken + reversed_dates + project_form("第四个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第四个"]
    assert [o.reason.split(":")[0] for o in report.skipped] == ["第2张表", "第3张表"]
    assert report.skipped[0].reason == "第2张表: 计划完成日期无法识别：2020-13-45"
    assert report.skipped[1].reason == "第3张表: 计划完成日期早于计划开始日期"
    assert not Organization.objects.filter(name="新单位").exists()


@pytest.mark.django_db
def test_import_text_puts_a_new_unit_under_the_department_the_form_names():
    existing = OrganizationFactory(name="老单位")
    text = project_form("甲", unit="新单位", body="主管部门名称：\t某委员会") + project_form("乙", unit="老单位")

    import_text(text)

    new_unit = Organization.objects.get(name="新单位")
    assert (new_unit.kind, new_unit.parent.name, new_unit.parent.kind) == ("unit", "某委员会", "department")
    assert new_unit.parent.parent.kind == "finance"
    assert Organization.objects.get(name="老单位").parent == existing.parent
    assert not Organization.objects.filter(name="导入单位（待归属）").exists()


@pytest.mark.django_db
def test_import_text_uses_the_framework_of_an_existing_year():
    FiscalYearFactory(year=2020, project_framework=framework("national-2021-project"))

    import_text(project_form("甲"))

    perf_form = PerformanceForm.objects.get()
    assert perf_form.framework.code == "national-2021-project"
    assert db_rows(perf_form) == [("产出指标", "数量指标", "检查项目数", "=10个")]


@pytest.mark.django_db
def test_import_text_department_form_of_a_registered_unit_is_skipped():
    OrganizationFactory(name="甲局")

    report = import_text(DEPARTMENT_FORM)

    assert [o.reason for o in report.skipped] == ["第1张表: 「甲局」已登记为预算单位，不是主管部门"]
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_department_form_needs_a_department_framework_for_its_year():
    FiscalYearFactory(year=2021, project_framework=framework("national-2021-project"), department_framework=None)

    report = import_text(DEPARTMENT_FORM)

    assert [o.reason for o in report.skipped] == ["第1张表: 2021年度没有设置部门整体指标体系"]
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_dry_run_writes_nothing():
    report = import_text(SHANGHAI.read_text(encoding="utf-8"), dry_run=True)

    assert (report.created, report.indicator_rows) == (3, 42)
    for model in (PerformanceForm, Indicator, Organization, FiscalYear, IndicatorFramework):
        assert model.objects.count() == 0, model


@pytest.mark.django_db
def test_import_text_dry_run_reports_the_real_outcome():
    import_text(project_form("甲") + project_form("乙"))
    PerformanceForm.objects.filter(project_name="乙").update(status=Status.SUBMITTED)

    report = import_text(
        project_form("甲", body="项目概况：\t新") + project_form("乙") + project_form("丙"), dry_run=True
    )

    assert [o.action for o in report.outcomes] == ["updated", "untouched", "created"]
    assert PerformanceForm.objects.count() == 2
    assert PerformanceForm.objects.get(project_name="甲").overview == ""


@pytest.mark.django_db
def test_import_text_unexpected_error_skips_only_that_form(monkeypatch):
    write_content = services.write_content

    def failing(perf_form, values, rows):
        if perf_form.project_name == "出错":
            raise RuntimeError("boom")
        return write_content(perf_form, values, rows)

    monkeypatch.setattr(services, "write_content", failing)

    report = import_text(project_form("第一个") + project_form("出错") + project_form("第三个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    assert [o.reason for o in report.skipped] == ["第2张表: 导入时出错（boom），已跳过"]


LONG = "长" * 501


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (project_form("甲").replace("=10个", LONG), "第2张表: 第1行指标的指标目标值超过500个字：" + "长" * 30 + "…"),
        (project_form("甲").replace("\t数量\t", f"\t{LONG[:101]}\t"), "第2张表: 第1行指标的二级指标超过100个字："),
        (project_form(LONG[:201]), "第2张表: 项目名称超过200个字："),
        (project_form("甲", unit=LONG[:201]), "第2张表: 单位名称超过200个字："),
        (project_form("甲", body="项目总预算（元）：\t" + "9" * 14), "第2张表: 项目总预算（元）金额过大：" + "9" * 14),
    ],
)
def test_import_text_value_too_long_for_its_column_is_skipped_with_a_reason(broken, reason):
    report = import_text(project_form("第一个") + broken + project_form("第三个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    [skipped] = report.skipped
    assert skipped.reason.startswith(reason)


@pytest.mark.parametrize(
    ("number", "fitted"),
    [
        (Decimal("1" * 5000), None),
        (Decimal("1" * 19), None),
        (Decimal("999999999999999999.9999999"), None),
        (Decimal("1" * 18), Decimal("1" * 18)),
        (Decimal("12.12345678"), Decimal("12.123457")),
        (Decimal("50"), Decimal("50")),
        (None, None),
    ],
)
def test_fit_keeps_what_the_target_column_holds(number, fitted):
    assert _fit(number) == fitted


# --- The command ------------------------------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_text", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_text_command_prints_a_summary_in_chinese(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text("\t\t截断的行\t=1份\n" + project_form("甲") + project_form(""), encoding="utf-8")

    out, _err = run_command(path)

    assert "找到 3 张表，新导入 1 张，更新 0 张，跳过 2 张，未改动（已不是草稿）0 张；读取指标 2 行。" in out
    assert "跳过：第1张表: 缺少表头" in out
    assert "跳过：第3张表: 缺少项目名称" in out


@pytest.mark.django_db
def test_import_text_command_reports_untouched_forms(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲"), encoding="utf-8")
    run_command(path)
    PerformanceForm.objects.update(status=Status.APPROVED)

    out, _err = run_command(path)

    assert "未改动（已不是草稿）1 张" in out
    assert "未改动：第1张表: 「甲」状态为“已批复”，没有改动" in out


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_text_command_reads_the_usual_encodings(tmp_path, encoding):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("编码测试"), encoding=encoding)

    run_command(path)

    assert PerformanceForm.objects.get().project_name == "编码测试"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件"),
        (b"\xff\xfe\xff\xfe\x80\x80\xff", "无法识别为文本"),
    ],
)
def test_import_text_command_unreadable_file_raises(tmp_path, content, message):
    good = tmp_path / "good.txt"
    good.write_text(project_form("甲"), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run_command(good, bad)

    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_command_missing_file_raises(tmp_path):
    with pytest.raises(CommandError, match="无法打开文件"):
        run_command(tmp_path / "missing.txt")


@pytest.mark.django_db
def test_import_text_command_dry_run_json_prints_the_forms():
    out, err = run_command(SHANGHAI, HENGDONG, "--dry-run", "--json")

    forms = json.loads(out)
    assert [f["project"] for f in forms] == [header["项目名称"] for header in SH_HEADERS] + [None]
    for form in forms:
        assert set(form) == {"kind", "year", "unit", "project", "header", "budget", "indicators", "skipped_reason"}
    assert forms[3]["budget"]["资金总额"] == 5606100
    assert "试运行" in err
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_command_dry_run_json_gives_the_reasons_of_the_import(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲") + project_form("日期颠倒").replace("2020-12-31", "2019-12-31"), encoding="utf-8")

    out, _err = run_command(path, "--dry-run", "--json")

    forms = json.loads(out)
    assert [f["skipped_reason"] for f in forms] == [None, "第2张表: 计划完成日期早于计划开始日期"]


@pytest.mark.django_db
def test_import_text_command_json_budget_is_numbers_written_exactly(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(
        project_form(body="项目总预算（元）：\t1,530,000\t项目当年预算（元）：\t1,230,000.10"), encoding="utf-8"
    )

    out, _err = run_command(path, "--dry-run", "--json")

    assert '"项目当年预算": 1230000.10' in out
    [form] = json.loads(out, parse_float=Decimal)
    assert form["budget"] == {"项目总预算": 1530000, "项目当年预算": Decimal("1230000.10")}
    assert type(form["budget"]["项目总预算"]) is int


@pytest.mark.django_db
def test_import_text_command_year_option_checks_the_forms(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲", title="财政项目支出绩效目标表") + project_form("乙"), encoding="utf-8")

    out, _err = run_command(path, "--year", "2021")

    assert PerformanceForm.objects.get().year.year == 2021
    assert "第2张表: 表上的年度（2020）与指定的年度（2021）不符" in out
