"""The workbook contract (SPEC §2): sheet names, headers and their aliases, parameter defaults.

Everything the reader recognises and everything `ledger init` writes comes from these tables,
so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .dates import normalize_text

TASK_SHEET = "督办台账"
LOG_SHEET = "督办记录"
UNIT_SHEET = "单位名录"
PARAM_SHEET = "参数设置"
HOLIDAY_SHEET = "节假日"




@dataclass(frozen=True)
class Field:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"          # text | date | units | grade | review | limit
    width: float = 12           # column width used by `ledger init`
    note: str = ""              # explanation shown in `ledger init`'s header comment

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


TASK_FIELDS: tuple[Field, ...] = (
    Field("id", "任务编号", ("编号", "督办编号", "事项编号"), True, "text", 12, "不得重复；留空则由程序按参数“任务编号格式”填写"),
    Field("source", "任务来源", ("来源", "交办来源", "事项来源"), False, "text", 14,
          "如 县长批示、常务会议、政府工作报告、群众诉求"),
    Field("basis", "交办依据", ("文号", "依据", "会议纪要"), False, "text", 18),
    Field("content", "任务内容", ("督办事项", "事项内容", "工作任务"), True, "text", 40, "必填"),
    Field("lead", "牵头单位", ("承办单位", "责任单位", "主办单位"), True, "units", 16,
          "必填；多个单位用顿号、逗号、分号或换行分隔"),
    Field("assist", "协办单位", ("配合单位",), False, "units", 16),
    Field("leader", "责任领导", ("分管领导", "包保领导"), False, "text", 10),
    Field("grade", "紧急程度", ("缓急程度", "办件类别"), False, "grade", 10, "急件 / 要件 / 普件"),
    Field("assigned", "交办日期", ("交办时间", "立项日期"), True, "date", 12, "必填日期"),
    Field("limit", "办理时限", ("完成时限", "办结时限", "时限要求"), False, "limit", 14,
          "日期，或“5个工作日”“10天”“6月底”“年底前”“第三季度”“立即”等"),
    Field("ext_to", "延期至", ("批准延期至",), False, "date", 12, "批准延期后的日期，须同时填写延期审批人"),
    Field("ext_by", "延期审批人", ("延期批准人",), False, "text", 10),
    Field("ext_applied", "延期申请日期", (), False, "date", 12),
    Field("done", "办结日期", ("完成日期", "办结时间"), False, "date", 12),
    Field("review", "办结审核", ("审核结果", "办结质量"), False, "review", 10, "合格 / 不合格"),
    Field("reason", "正当理由", ("客观原因", "暂缓理由"), False, "text", 16,
          "填写后（督查室认可的正当理由）暂不发黄色、红色督办单"),
    Field("closed", "销号日期", ("销号时间",), False, "date", 12),
    Field("progress", "办理进展", ("进展情况", "办理情况"), False, "text", 30),
)

EXAMPLE_ID_PREFIX = "示例"
"""`ledger init`'s example rows have ids 示例-1, 示例-2 …: such a row is never issued a notice,
logged or counted, whatever else it says (a clerk who forgets to delete them loses nothing)."""


def is_example_id(task_id: object) -> bool:
    return normalize_text(task_id).startswith(EXAMPLE_ID_PREFIX)

GRADES = ("急件", "要件", "普件")
REVIEWS = ("合格", "不合格")

# Status columns written by the tool (SPEC §2.2), in order.
STATUS_HEADERS: tuple[tuple[str, float], ...] = (
    ("应办结日期", 12),
    ("当前状态", 10),
    ("剩余工作日", 10),
    ("逾期天数", 9),
    ("督办等级", 9),
    ("督办单编号", 16),
    ("下一步", 28),
    ("程序提示", 40),
    ("更新日期", 12),
)
STATUS_NAMES = tuple(h for h, _ in STATUS_HEADERS)
# The tool marks each status column it created with a hidden, sheet-scoped defined name pointing at
# its header cell (``_ledger_state`` → '督办台账'!$Q$3). Excel/WPS/LibreOffice move the reference with
# the column, so the tool finds its columns wherever the clerk moved them, and never takes a column
# the clerk made (say their own 逾期天数 with a formula) for one of its own.
STATUS_MARKERS = dict(zip(STATUS_NAMES, ("_ledger_due", "_ledger_state", "_ledger_remaining", "_ledger_overdue",
                                         "_ledger_level", "_ledger_number", "_ledger_next", "_ledger_hints",
                                         "_ledger_updated")))
AUTO_SUFFIX = "（自动）"      # the tool's header when the clerk already has a column of that name



class Color(StrEnum):
    """The three 督办 colours (seed 004 附件), in escalation order. A member equals its bare string."""

    BLUE = "蓝"
    YELLOW = "黄"
    RED = "红"

    @property
    def rank(self) -> int:
        return _COLOR_ORDER.index(self) + 1

    @property
    def cn(self) -> str:
        """蓝色 / 黄色 / 红色, as printed."""
        return self.value + "色"

    @property
    def code(self) -> str:
        """blue / yellow / red: CSS classes and file-safe names."""
        return self.name.lower()

    @property
    def hex(self) -> str:
        """Band colour of the printed notice (RRGGBB)."""
        return _COLOR_HEX[self]

    @property
    def fill(self) -> str:
        """Light fill (AARRGGBB) of the 督办等级 cell, in the ledger and in the units' 反馈表."""
        return _COLOR_FILL[self]

    @property
    def level_word(self) -> str:
        """提醒 / 警告 / 严重警告 (第四—六条)."""
        return _LEVEL_WORD[self]


_COLOR_ORDER = tuple(Color)
_COLOR_HEX = {Color.BLUE: "1F4E9A", Color.YELLOW: "C9A000", Color.RED: "C00000"}
_COLOR_FILL = {Color.BLUE: "FF9BC2E6", Color.YELLOW: "FFFFE699", Color.RED: "FFFF7C80"}
_LEVEL_WORD = {Color.BLUE: "提醒", Color.YELLOW: "警告", Color.RED: "严重警告"}


class State(StrEnum):
    """当前状态 of a task row (SPEC §2.2), in the order summaries list them."""

    NOT_DUE = "未到期"
    NEAR = "临期"
    DUE_TODAY = "今日到期"
    OVERDUE = "逾期"
    DONE_ON_TIME = "按时办结"
    DONE_LATE = "逾期办结"
    CLOSED = "已销号"
    ONGOING = "持续推进"            # long-term tasks and report duties (SPEC §3.2 rule 4): never a notice
    UNVERIFIED_DONE = "待核实办结"  # 进展 says done, 办结日期 empty (SPEC §2.2): no notice while it stands
    BAD_DATA = "数据有误"

    @property
    def is_done(self) -> bool:
        return self in (State.DONE_ON_TIME, State.DONE_LATE, State.CLOSED)

    @property
    def is_pending(self) -> bool:
        """Open and on the deadline track (未到期, 临期, 今日到期, 逾期): what 7日内到期 counts."""
        return self in (State.NOT_DUE, State.NEAR, State.DUE_TODAY, State.OVERDUE)

    @property
    def fill(self) -> str | None:
        """Fill (AARRGGBB) of the 当前状态 cell for the states a clerk must see at a glance."""
        return _STATE_FILL.get(self)


STATES = tuple(State)
_STATE_FILL = {State.OVERDUE: "FFFFC7CE", State.BAD_DATA: "FFF8CBAD"}

# Headers a clerk's ledger commonly has that the tool reads but never uses: 序号 is renumbered
# whenever rows are inserted or sorted, so it can never identify a task.
UNUSED_HEADERS = ("序号", "顺序号", "排序号", "序")
ID_HEADER = "任务编号"

LOG_HEADERS: tuple[tuple[str, float], ...] = (
    ("督办单编号", 18),
    ("任务编号", 12),
    ("督办等级", 9),
    ("发出日期", 12),
    ("被督办单位", 24),
    ("应办结日期", 12),
    ("逾期天数", 9),
    ("签发人", 14),
    ("批次", 22),
    ("应办结日期依据", 26),
)
LOG_OPTIONAL_KEYS = frozenset({"basis"})
"""Log fields an older 督办记录 may lack: the column is added only when a notice has a value for it."""

UNIT_HEADERS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("单位名称", ("单位", "名称"), 20),
    ("别名", ("简称",), 24),
    ("类别", ("单位类别",), 12),
    ("主要负责人", ("负责人",), 12),
    ("联系电话", ("电话", "手机", "手机号码"), 16),
)

PARAM_HEADERS = ("参数", "值", "说明")
HOLIDAY_HEADERS = ("日期", "类型", "名称", "依据")
HOLIDAY_BASIS_ALIASES = ("来源", "文号")

# 参数设置 defaults (SPEC §2.5, from seed 004 unless noted): key → (default, kind, note).
# kind: text | int | days (non-negative int) | daymode | bool | pattern | percent
PARAM_DEFAULTS: dict[str, tuple[object, str, str]] = {
    "督查机构": ("县人民政府督查室", "text", "督办单上的发出机构"),
    "发文机关": ("县人民政府办公室", "text", "通报的发文机关"),
    "默认办理时限": (7, "days", "未填办理时限和紧急程度时，自交办日期起的工作日数（三色督办单制度第三条）"),
    "急件时限": (1, "days", "急件的办理时限（工作日）"),
    "要件时限": (3, "days", "要件的办理时限（工作日）"),
    "普件时限": (5, "days", "普件的办理时限（工作日）"),
    "临期提醒": (2, "days", "应办结日期前多少个工作日内显示为“临期”"),
    "截止日顺延": (True, "bool", "应办结日期落在周末或节假日时顺延至下一个工作日（民法典第二百零三条）"),
    "蓝色督办": (0, "days", "应办结日期后第几天发蓝色督办单（0 = 时限当天，第四条）"),
    "黄色督办": (5, "days", "应办结日期后第几天发黄色督办单（第五条）"),
    "红色督办": (10, "days", "黄色督办单发出后第几天发红色督办单（第六条）"),
    "红色重复": (10, "days", "红色督办单发出后第几天再发红色督办单；0 = 不重复"),
    "计日方式": ("自然日", "daymode", "上面四项天数按“自然日”还是“工作日”计算"),
    "蓝色签发": ("县人民政府督查室", "text", "蓝色督办单签发人（第七条）"),
    "黄色签发": ("常务副县长", "text", "黄色督办单签发人（第七条）"),
    "红色签发": ("县长", "text", "红色督办单签发人（第七条）"),
    "蓝色编号": ("蓝督〔{年}〕{号}号", "pattern", "蓝色督办单编号格式，{年}为年份，{号}为当年序号"),
    "黄色编号": ("黄督〔{年}〕{号}号", "pattern", "黄色督办单编号格式"),
    "红色编号": ("红督〔{年}〕{号}号", "pattern", "红色督办单编号格式"),
    "回执时限": (5, "days", "黄色、红色督办单要求书面回复的期限（工作日）"),
    "蓝色扣分": (1, "days", "每收到一次蓝色督办单扣分（第九条）"),
    "黄色扣分": (2, "days", "每收到一次黄色督办单扣分（第九条）"),
    "红色扣分": (5, "days", "每收到一次红色督办单扣分（第九条）"),
    "蓝色打印": (False, "bool", "蓝色督办单是否也打印（默认以短信发送，第七条）"),
    "督办单按单位排列": (False, "bool", "否：打印的督办单按编号顺序排列（与发文登记一致）；是：同一单位的排在一起（单位名录顺序）"),
    "通报字号": ("督通〔{年}〕{号}号", "pattern",
                 "通报发文字号格式。{年}为印发年度（期间结束的次日所在年），{号}按期间固定："
                 "1—12月为1—12号，一至四季度为13—16号，上、下半年为17、18号，年度为19号；"
                 "不随印发先后编号，因此补发、重印都不会重号或跳号（12月等期间的通报次年1月印发，编入次年）"),
    "模板目录": ("", "text", "自定义模板所在文件夹（留空使用内置模板）"),
    "任务工作表": ("", "text", "任务清单所在的工作表名称，多个用顿号分隔（留空：“督办台账”，没有时自动识别）"),
    "任务编号格式": ("DB{年}-{号:03d}", "idpattern",
                 "本工具填写任务编号的格式，{年}为交办年份，{号}为当年序号（{号:03d}补足三位）"),
    "输出目录": ("", "text", "督办单、周汇总、通报等输出到哪个文件夹（留空为台账旁的“督办输出”；相对路径从台账所在文件夹算起）"),
    "备份份数": (20, "days", "保留的台账备份份数"),
    "反馈时限": (3, "days", "反馈表发出后几个工作日内交回（ledger forms）"),
    "反馈联系方式": ("", "text", "反馈表上写明的报送方式，如“电话 0000-1234567，邮箱 dc@example.gov.cn”"),
    "蓝色延期审批": ("县政府办主任", "text", "尚未发督办单或已发蓝色督办单的任务，延期由谁同意（第八条）"),
    "黄色延期审批": ("常务副县长", "text", "已发黄色督办单的任务，延期由谁同意（第八条）"),
    "红色延期审批": ("县长", "text", "已发红色督办单的任务，延期由谁同意（第八条）"),
    "加分门槛": (5, "days", "承办任务数达到此数的单位参加加分（第九条）"),
    "无黄加分": (10, "days", "全年未收到黄色督办单的加分（第九条）"),
    "无红加分": (5, "days", "全年未收到红色督办单的加分（第九条）"),
    "高门槛": (20, "days", "承办任务数达到此数的单位另行加分（第九条）"),
    "高门槛无黄加分": (20, "days", "承办任务数达到高门槛且全年无黄色督办单的另加分"),
    "高门槛无黄优岗": (3, "days", "同上，增加的优岗比例（%）"),
    "高门槛无红加分": (10, "days", "承办任务数达到高门槛且全年无红色督办单的另加分"),
    "高门槛无红优岗": (2, "days", "同上，增加的优岗比例（%）"),
    "通报批评红单数": (2, "days", "年度内累计收到红色督办单达到此数：通报批评并书面检讨（第十条）"),
    "诫勉谈话红单数": (3, "days", "年度内累计收到红色督办单达到此数：诫勉谈话（第十条）"),
}

# Unit feedback (SPEC §5): the tool-owned record of applied returns, and the columns an extension
# request is written to (the clerk's 延期至 / 延期审批人 stay the leader's decision).
FEEDBACK_SHEET = "反馈记录"
FEEDBACK_HEADERS: tuple[tuple[str, float], ...] = (
    ("时间", 12),
    ("文件", 30),
    ("单位", 16),
    ("任务编号", 12),
    ("字段", 12),
    ("原值", 40),
    ("新值", 40),
    ("反馈表日期", 12),
    ("填报人", 10),
    ("联系电话", 14),
    ("反馈表编号", 28),
)
REQUEST_HEADERS: tuple[tuple[str, float], ...] = (
    ("延期申请至", 12),
    ("延期申请理由", 30),
    ("延期申请日期", 12),
)
