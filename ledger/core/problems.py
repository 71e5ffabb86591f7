"""Every kind of problem the tool can report, in one place: code, sentence, fix, severity.

The code is the stable name a script reads from `--json` (the Chinese sentence may be reworded;
the code is not). Sentences are `str.format` templates (`{text!q}` quotes cell text); the place —
sheet, row, column — is never part of the sentence but of the Problem's Location, so one kind
reads the same on every sheet and in every 程序提示 cell. Grouped by who reports them:

- ``file-*``, ``run-*``: the workbook or the command cannot be used at all (a `LedgerError`)
- ``date-*``, ``limit-*``: a cell that is not a date / 办理时限 (`BadValue`, located by the reader)
- ``task-*``, ``formula-*``, ``status-*``: a row of a task sheet
- ``param-*``, ``unit-*``, ``holiday-*``, ``log-*``, ``header-*``: the tool's own sheets
- ``rule-*``, ``calendar-*``: what the rules could not decide for a row
- ``template-*``: the clerk's own templates
- ``form-*``, ``return-*``: the units' returned 反馈表
"""

from __future__ import annotations

from .errors import Kind, Severity

W = Severity.WARNING

DATE_HINT = "请填写日期，如 2026-11-23、2026年11月23日 或 11月23日"
LIMIT_HINT = "请填写日期（如 2026-11-30），或“5个工作日”“10天”“6月底”“年底前”“第三季度”“立即”等"
RELOAD_HINT = "请在 Excel 或 WPS 中打开台账、保存一次（让公式算出结果）后再运行，或把公式改为直接填写的内容"
FROM_BACKUP = "此表由程序维护，请勿改动表头；如已误改，请从备份恢复"
NOT_WRITTEN = "本次未写入台账、未发出督办单"

# --- the workbook file -------------------------------------------------------------------------
FILE_NOT_FOUND = Kind("file-not-found", "找不到文件“{path}”", "请检查路径是否正确")
FILE_MISSING = Kind("file-missing", "找不到文件“{path}”", "请检查文件名和路径是否正确。{inside}")
FILE_IS_FOLDER = Kind("file-is-folder", "“{path}”是一个文件夹，不是台账文件{inside}。请写出台账的文件名，如“{example}”")
FILE_AMBIGUOUS = Kind("file-ambiguous", "有多个名为“{name}”的文件：{found}。请写出带扩展名的完整文件名")
FILE_OLD_FORMAT = Kind("file-old-format", "“{name}”是旧版 {suffix} 格式，本工具只能读写 .xlsx",
                       "请在 Excel 或 WPS 中打开它，选择“另存为”→“Excel 工作簿(*.xlsx)”，然后用新文件运行")
FILE_NOT_XLSX = Kind("file-not-xlsx", "“{name}”不是 Excel 工作簿（.xlsx）", "请选择督办台账的 .xlsx 文件")
FILE_ENCRYPTED = Kind("file-encrypted", "“{name}”实际是加密的或旧版（.xls）格式的文件",
                      "如设置了打开密码，请在 Excel/WPS 中取消密码；如是旧版格式，请“另存为”.xlsx 后再运行")
FILE_NOT_ZIP = Kind("file-not-zip", "“{name}”不是有效的 .xlsx 文件（文件已损坏，或是改了扩展名的其他文件）",
                    "请用 Excel/WPS 打开确认，或从备份恢复")
FILE_DAMAGED = Kind("file-damaged", "“{name}”无法打开", "文件可能已损坏，请从备份恢复")
FILE_ZIP_NOT_WORKBOOK = Kind("file-zip-not-workbook", "“{name}”是压缩包但不是 Excel 工作簿", "请选择督办台账的 .xlsx 文件")
FILE_TOO_BIG = Kind("file-too-big", "“{name}”中的“{part}”解压后达 {mb} MB，远超正常台账的规模"
                    "（文件可能已损坏或被恶意构造），为安全起见未读取", "请用 Excel/WPS 打开后另存，再运行")
FILE_UNREADABLE = Kind("file-unreadable", "无法读取“{name}”{where}：文件内容不完整或已损坏（或不是由 Excel/WPS 保存的工作簿）。"
                       "请用 Excel/WPS 打开检查后“另存为”新文件再运行，或用 ledger restore 从备份恢复")
FILE_OPEN_ELSEWHERE = Kind("file-open-elsewhere", "“{name}”正在被 Excel/WPS 或其他程序打开（发现锁定文件“{lock}”）",
                           "请先保存并关闭该文件后再运行；本次未发出任何督办单，也未占用督办单编号。"
                           "如确认文件并未打开，可删除该锁定文件后重试")
FILE_READ_ONLY = Kind("file-read-only", "“{name}”无法写入（可能正被 Excel/WPS 打开，或文件为只读）",
                      "请关闭该文件或取消只读后再运行；本次未发出任何督办单，也未占用督办单编号")
FILE_CHANGED = Kind("file-changed", "“{name}”在本次运行期间被修改过",
                    "为避免覆盖您的修改，本次未写入任何内容，也未占用督办单编号。请保存并关闭文件后重新运行")
FILE_REPLACE_BLOCKED = Kind("file-replace-blocked", "无法替换“{name}”（文件被其他程序占用）",
                            "本次结果已另存为“{fallback}”。请关闭占用的程序，把“{fallback}”改名替换原文件")
FILE_LOCKED_BY_RUN = Kind("file-locked-by-run", "“{name}”正由另一个督办台账程序运行中",
                          "请等它结束后再运行。如确认没有其他运行，可删除锁定文件“{lock}”后重试")
FILE_LOCK_FAILED = Kind("file-lock-failed", "无法锁定“{name}”", "请稍后重试")
FILE_WRITE_REFUSED = Kind("file-write-refused", "写入台账失败：{reason}。{untouched}")
FILE_WRITE_DAMAGED = Kind("file-write-damaged", "“{name}”内部已损坏（{reason}），无法安全写入", "{untouched}{advice}")

# --- the command ---------------------------------------------------------------------------------
RUN_DATE_BEFORE_LOG = Kind("run-date-before-log", "运行日期{date}早于督办记录中最近一次运行（{latest}）",
                           "督办记录只能向后追加，请使用不早于{latest}的日期（--date），或不加 --date 按今天运行")
RUN_DATE_BEFORE_UPDATE = Kind("run-date-before-update", "运行日期{date}早于台账中记录的上次运行日期（{cell} 更新日期 {latest}）",
                              "请使用不早于{latest}的日期（--date），或不加 --date 按今天运行")
RUN_LOG_CUT = Kind("run-log-cut", "任务表的督办单编号列中有{shown}督办单，“{log}”中却没有记录",
                   "督办记录可能被删除或删减。为免重复使用已经发出的编号，" + NOT_WRITTEN + "。"
                   "请用 ledger restore 从“台账备份”中选一份督办记录完整的备份恢复（恢复前会先备份当前文件），"
                   "或把缺少的督办单补回“{log}”后再运行")
RUN_SETTINGS = Kind("run-settings", "{sheets}中有{count}处设置需要更正，" + NOT_WRITTEN)
RUN_TEMPLATES = Kind("run-templates", "模板有误，" + NOT_WRITTEN)
RUN_NOTICE_TEMPLATES = Kind("run-notice-templates", "督办单模板有误，本次未生成督办单")
RUN_PERIOD_UNREADABLE = Kind("run-period-unreadable", "{reason}")
RUN_PERIOD_FUTURE = Kind("run-period-future", "{label}尚未开始（成文日期{date}）",
                         "不能生成尚未开始的期间的通报。请检查 --period，或用 --date 指定成文日期")
RUN_NOTICE_UNKNOWN = Kind("run-notice-unknown", "督办记录中找不到“{key}”",
                          "请填写督办单编号（如 黄督〔2026〕7号）或任务编号")
RUN_NOTICE_ORPHAN = Kind("run-notice-orphan", "督办台账中找不到这些督办单对应的任务：{listed}",
                         "请核对任务编号，或从备份恢复被删除的行")
RUN_NO_BACKUP = Kind("run-no-backup", "没有序号为 {pick} 的备份", "现有 {count} 份，请先运行 ledger restore {name} 查看")
RUN_FORM_DEADLINE = Kind("run-form-deadline", "无法计算反馈截止日期：{reason}", "请在“节假日”表中补充该年度的放假安排")
INIT_NOT_XLSX = Kind("init-not-xlsx", "新建台账只能保存为 .xlsx 格式，“{name}”的扩展名不是 .xlsx",
                     "请改用如“督办台账.xlsx”的文件名")
INIT_EXISTS = Kind("init-exists", "文件“{path}”已经存在，为防止覆盖已有台账，未做任何改动", "请换一个文件名{more}")
INIT_CANNOT_CREATE = Kind("init-cannot-create", "无法创建文件“{path}”：{reason}", "请检查文件夹是否存在、是否有写入权限")
SHORTCUT_PLATFORM = Kind("shortcut-platform", "暂不支持在此系统（{platform}）上创建桌面快捷方式", "目前支持 Windows 和 Linux")
SHORTCUT_NO_WORKBOOK = Kind("shortcut-no-workbook", "找不到台账文件“{path}”",
                            "请检查文件名和所在文件夹，或先用 ledger init 新建台账")
SHORTCUT_NOT_XLSX = Kind("shortcut-not-xlsx", "“{name}”不是 .xlsx/.xlsm 台账", "旧版 .xls 请先在 Excel/WPS 中“另存为”.xlsx 格式")
SHORTCUT_NO_PYTHON = Kind("shortcut-no-python", "无法确定 Python 程序的位置",
                          "请在安装了督办台账的 Python 中运行 ledger shortcut")
SHORTCUT_NO_DESKTOP = Kind("shortcut-no-desktop", "找不到桌面文件夹{where}", "请用 --desktop 指定要放快捷方式的文件夹")
SHORTCUT_CANNOT_WRITE = Kind("shortcut-cannot-write", "无法在“{folder}”中写入快捷方式（{reason}）", "请检查该文件夹是否可写")
SHORTCUT_BAD_PATH = Kind("shortcut-bad-path", "路径“{path}”中含有{what}，无法写入{target}", "请把文件夹或文件改名后重试")
HOLIDAY_NOT_HTML = Kind("holiday-notice-not-html", "“{name}”不是可读的网页", "请把通知全文复制到文本文件后重试")
HOLIDAY_ENCODING = Kind("holiday-notice-encoding", "“{name}”的文字编码无法识别", "请另存为 UTF-8 文本后重试")
HOLIDAY_NOTICE_MISSING = Kind("holiday-notice-missing", "找不到通知文件“{path}”",
                              "请写出保存通知的文件名（.txt、.html），或用“-”从标准输入读入")
HOLIDAY_NOTICE_UNREADABLE = Kind("holiday-notice-unreadable", "无法读取通知文件“{path}”（{reason}）")
HOLIDAY_NOTICE_INVALID = Kind("holiday-notice-invalid", "无法导入放假安排：{reason}。台账未作任何改动")
HOLIDAY_SHEET_NO_HEADER = Kind("holiday-sheet-no-header", "“节假日”表找不到“日期”“类型”表头",
                               "请在前10行内设置表头（日期、类型、名称、依据）后重试。台账未作任何改动")
HOLIDAY_SHEET_MISSING_HEADER = Kind("holiday-sheet-missing-header", "“节假日”表缺少“日期”或“类型”表头",
                                    "请补上后重试。台账未作任何改动")

# --- finding the task sheets ---------------------------------------------------------------------
SHEET_NAMED_UNKNOWN = Kind("sheet-named-unknown", "参数“任务工作表”中的“{name}”不是本工作簿的工作表（现有：{names}）",
                           "请改为任务清单所在工作表的名称，多个用顿号分隔")
SHEET_NO_HEADER = Kind("sheet-no-header", "“{name}”前10行中找不到表头",
                       "表头行至少要有“任务内容”“牵头单位”“交办日期”等列名中的三个")
SHEET_MISSING_COLUMNS = Kind("sheet-missing-columns", "表头缺少必填列：{missing}（已识别：{found}）",
                             "请添加这些列，或把现有列名改为标准名称（别名见说明）")
SHEET_NO_TASKS = Kind("sheet-no-tasks", "工作簿中没有找到任务清单（现有工作表：{names}{detail}）",
                      "任务表的表头（前10行内）须有“任务内容”“牵头单位”“交办日期”三列（可用别名，如 工作任务、责任单位、交办时间），"
                      "或在“参数设置”中用“任务工作表”指明")
HEADER_DUPLICATE = Kind("header-duplicate", "表头“{name}”与{other_column}列“{other}”表示同一项", "请删除或改名其中一列，只保留一列")

# --- a cell that should be a date or a 办理时限 (located by whoever read the cell) ------------------
DATE_INVALID = Kind("date-invalid", "“{text}”不是有效日期", DATE_HINT)
DATE_YEAR = Kind("date-year", "“{text}”的年份{year}不合理", DATE_HINT)
DATE_NOT_A_DATE = Kind("date-not-a-date", "“{text}”不是日期", DATE_HINT)
DATE_IS_TIME = Kind("date-is-time", "单元格是时间而不是日期", DATE_HINT)
DATE_EMPTY = Kind("date-empty", "日期为空", DATE_HINT)
DATE_NO_YEAR = Kind("date-no-year", "“{text}”缺少年份", "请写明年份，如 2026年11月23日")
DATE_UNREADABLE = Kind("date-unreadable", "“{text}”无法识别为日期", DATE_HINT)
LIMIT_NUMBER = Kind("limit-number", "办理时限“{number}”含义不明确", "请写成“10个工作日”或“10天”，或填写具体日期")
LIMIT_TWO = Kind("limit-two", "办理时限{text!q}含有两个时限",
                 "一行只能有一个时限：请把该任务拆成每个时限一行（如“市级”“区、县”各一行）")
LIMIT_UNREADABLE = Kind("limit-unreadable", "办理时限{text!q}无法识别", LIMIT_HINT)

# --- a task row ----------------------------------------------------------------------------------
TASK_CONTENT_EMPTY = Kind("task-content-empty", "任务内容为空", "请填写任务内容")
TASK_ASSIGNED_EMPTY = Kind("task-assigned-empty", "交办日期为空", "请填写交办日期，如 2026-11-23")
TASK_ASSIGNED_FUTURE = Kind("task-assigned-future", "交办日期{day}晚于本次运行日期{date}", "请核对交办日期", W)
TASK_LEAD_EMPTY = Kind("task-lead-empty", "牵头单位为空", "请填写牵头单位")
TASK_LEAD_NONE = Kind("task-lead-none", "牵头单位{text!q}中没有牵头单位",
                      "督办单发给牵头单位：请至少填写一个不带（配合）（协办）的单位名称，配合单位可写在“协办单位”列")
TASK_UNIT_UNKNOWN = Kind("task-unit-unknown", "{field}“{name}”不在单位名录中", "{hint}")
TASK_GRADE = Kind("task-grade", "紧急程度{text!q}无法识别", "请填写 急件、要件 或 普件")
TASK_REVIEW = Kind("task-review", "办结审核{text!q}无法识别", "请填写“合格”或“不合格”")
TASK_EXTENSION_UNAPPROVED = Kind("task-extension-unapproved", "填写了延期至，但延期审批人为空",
                                 "延期须经审批（三色督办单制度第八条），请填写延期审批人，或清空延期至")
TASK_DONE_FUTURE = Kind("task-done-future", "办结日期{day}晚于本次运行日期{date}",
                        "办结日期不能是将来的日期，请核对（任务尚未办结时请留空）")
TASK_DONE_BEFORE_ASSIGNED = Kind("task-done-before-assigned", "办结日期{day}早于交办日期{assigned}",
                                 "请核对办结日期和交办日期（常见为年份或月份录错）")
TASK_CLOSED_NOT_DONE = Kind("task-closed-not-done", "已填写销号日期但没有办结日期", "请补填办结日期", W)
TASK_ID_CHANGED = Kind("task-id-changed", "任务编号“{id}”与本行的督办单编号{number}不符：督办记录中这份督办单发给的是任务“{old}”",
                       "任务编号发出督办单后不能更改，请改回“{old}”；如本行确是另一项新任务，请清空本行的督办单编号")
TASK_ID_DUPLICATE = Kind("task-id-duplicate", "任务编号“{id}”与{where}重复", "任务编号不得重复，请修改其中一行")
TASK_LIMIT_BEFORE_ASSIGNED = Kind("task-limit-before-assigned", "办理时限{day}早于交办日期{assigned}", "请核对办理时限和交办日期")
TASK_EXTENSION_EARLIER = Kind("task-extension-earlier", "延期至{day}早于原办理时限{base}", "请核对延期日期", W)
TASK_EXTENSION_LATE = Kind("task-extension-late", "延期申请日期{day}晚于原办理时限{base}",
                           "按三色督办单制度第八条，延期应在规定时限内申请；已按批准的延期日期计算", W)
TASK_REVIEW_FAILED = Kind("task-review-failed", "办结审核不合格，任务仍在督办", "", W)
TASK_SAYS_DONE = Kind("task-says-done", "办理进展“{progress}”表示已办结，但办结日期为空",
                      "请核实后填写办结日期；核实前不发督办单", W)
FORMULA_ERROR = Kind("formula-error", "{field}公式{formula!q}的结果是错误值{error}", "请修正公式，或改为直接填写的内容")
FORMULA_NO_RESULT = Kind("formula-no-result", "{field}是公式{formula!q}，但文件中没有保存它的计算结果", RELOAD_HINT)
FORMULA_NOT_UNIT = Kind("formula-not-unit", "{field}公式{formula!q}的结果“{value}”不是单位名称", RELOAD_HINT)
FORMULA_VOLATILE = Kind("formula-volatile", "{field}公式{formula!q}的结果每天都会变化",
                        "请改为直接填写固定的日期或内容，否则应办结日期和督办时间会随打开文件的日期而变", W)
STATUS_TYPED_OVER = Kind("status-typed-over", "{column}列由程序填写，手工填入的{text!q}已按本次计算结果覆盖", "{hint}", W)

# --- what the rules could not decide ---------------------------------------------------------------
CALENDAR_YEAR_MISSING = Kind("calendar-year-missing", "{reason}")
CALENDAR_PROVISIONAL = Kind("calendar-provisional", "{text}", "{hint}", W)
RULE_REMAINING_UNKNOWN = Kind("rule-remaining-unknown", "剩余工作日暂无法计算（{reason}）", "", W)
RULE_DATE_UNKNOWN = Kind("rule-date-unknown", "督办日期无法计算：{reason}")
RULE_NEXT_UNKNOWN = Kind("rule-next-unknown", "下一步督办日期暂无法计算（{reason}）", "", W)
RULE_DUTY_NEXT_UNKNOWN = Kind("rule-duty-next-unknown", "下次报送日期暂无法计算（{reason}）", "", W)
RULE_NOTICE_MOVED = Kind("rule-notice-moved",
                         "{number}（{issued}发出）是按推算的应办结日期{then}发出的，按已公布的放假安排应办结日期为{now}，"
                         "该{color}督办单发出时尚不应发", "请核实并向被督办单位说明；督办记录中的这份督办单保留，不删除、不改号", W)

# --- 参数设置 / 单位名录 / 节假日 / 督办记录 ----------------------------------------------------------
PARAM_NO_HEADER = Kind("param-no-header", "找不到“参数”“值”表头", "请在前10行内设置表头：参数、值、说明")
PARAM_UNKNOWN = Kind("param-unknown", "参数{text!q}不认识", "{hint}")
PARAM_DUPLICATE = Kind("param-duplicate", "参数“{key}”重复（第{first}行已设置）", "请只保留一行")
PARAM_VALUE = Kind("param-value", "参数“{key}”的值{text!q}无法识别", "{hint}")
UNIT_NO_HEADER = Kind("unit-no-header", "找不到“单位名称”表头", "请在前10行内设置表头：单位名称、别名、类别、主要负责人、联系电话")
UNIT_NAME_CONFLICT = Kind("unit-name-conflict", "名称“{key}”同时指向“{first}”（第{first_row}行）和“{name}”",
                          "同一名称或别名只能属于一个单位，请删除其中一处")
HOLIDAY_NO_HEADER = Kind("holiday-no-header", "找不到“日期”“类型”表头", "请在前10行内设置表头：日期、类型、名称、依据")
HOLIDAY_KIND = Kind("holiday-kind", "类型{text!q}无法识别", "请填写“休”（放假）或“班”（调休上班）")
HOLIDAY_DUPLICATE = Kind("holiday-duplicate", "日期{day}重复（第{first}行已填写）", "请只保留一行")
LOG_NO_HEADER = Kind("log-no-header", "找不到督办记录的表头", FROM_BACKUP)
LOG_MISSING_HEADER = Kind("log-missing-header", "缺少表头：{missing}", FROM_BACKUP)
LOG_NUMBER_EMPTY = Kind("log-number-empty", "督办单编号为空", "此表由程序维护，请从备份恢复这一行")
LOG_COLOR = Kind("log-color", "督办等级{text!q}无法识别", "应为 蓝、黄 或 红")
LOG_NUMBER_DUPLICATE = Kind("log-number-duplicate", "督办单编号“{number}”重复（第{first}行）", "编号不得重复，请从备份恢复督办记录")

# --- the clerk's templates ------------------------------------------------------------------------
TEMPLATE_FOLDER_MISSING = Kind("template-folder-missing", "模板目录“{folder}”不存在",
                               "请检查参数设置“模板目录”或 --templates 指定的文件夹；留空则使用内置模板")
TEMPLATE_UNOPENABLE = Kind("template-unopenable", "模板“{name}”无法打开（{reason}）", "请确认它是用 Word/WPS 另存的 .docx 文件")
TEMPLATE_MARKUP = Kind("template-markup", "模板“{name}”中的 {{{{ }}}} 或 {{% %}} 标记有误（{reason}）",
                       "请检查最近修改过的字段，或改回内置模板")
TEMPLATE_LINE = Kind("template-line", "模板“{name}”第{line}行有误（{reason}）", "请检查该行的 {{{{ }}}} 或 {{% %}} 标记")
TEMPLATE_ENCODING = Kind("template-encoding", "模板“{name}”无法读取（{reason}）", "请以 UTF-8 编码保存")
TEMPLATE_UNKNOWN_NAME = Kind("template-unknown-name", "模板“{name}”使用了程序不提供的变量“{variable}”",
                             "可用的变量是 {context}，每份督办单在 for 循环中用“n.字段名”，请改正或删除")
TEMPLATE_UNKNOWN_FIELD = Kind("template-unknown-field", "模板“{name}”使用了督办单没有的字段“{field}”",
                              "可用字段有 {fields}，请改正或删除")
TEMPLATE_UNDEFINED = Kind("template-undefined", "模板“{name}”使用了程序不提供的字段（{reason}）",
                          "请改正或改回内置模板，本次未生成该文件")
TEMPLATE_SYNTAX = Kind("template-syntax", "模板“{name}”中的 {{{{ }}}} 或 {{% %}} 标记有误（第{line}行：{reason}）",
                       "请检查最近修改过的字段，或改回内置模板")
TEMPLATE_BROKEN_OUTPUT = Kind("template-broken-output", "模板“{name}”生成的文档结构有误：{reason}。本次未生成该文件，也可改回内置模板")
TEMPLATE_UNUSABLE = Kind("template-unusable", "模板“{name}”无法使用（{reason}）",
                         "请确认它是用 Word/WPS 另存的 .docx 文件，或改回内置模板")
TEMPLATE_RENDER_FAILED = Kind("template-render-failed", "督办单模板无法生成文档（{reason}）",
                              "请检查最近对模板（{files}）的修改，或清空参数设置“模板目录”改用内置模板。本次未生成督办单")

# --- returned 反馈表 --------------------------------------------------------------------------------
FORM_FILE_MISSING = Kind("form-file-missing", "找不到该文件", "请检查文件名和路径")
FORM_OLD_FORMAT = Kind("form-old-format", "是旧版 {suffix} 格式", "请让该单位用 Excel/WPS 打开后“另存为”.xlsx 再发送")
FORM_UNREADABLE = Kind("form-unreadable", "无法读取（{reason}）", "请检查文件是否被其他程序占用")
FORM_ENCRYPTED = Kind("form-encrypted", "设置了打开密码（或是旧版 .xls 文件），无法读取",
                      "请让该单位取消密码（文件→信息→保护工作簿）或另存为 .xlsx 后重新发送")
FORM_NOT_XLSX = Kind("form-not-xlsx", "不是 Excel 工作簿（.xlsx）", "请选择反馈表文件")
FORM_DAMAGED = Kind("form-damaged", "文件已损坏，无法打开", "请让该单位重新发送")
FORM_TOO_BIG = Kind("form-too-big", "解压后过大，不像反馈表（文件可能已损坏或被恶意构造），为安全起见未读取", "请让该单位重新发送")
FORM_UNOPENABLE = Kind("form-unopenable", "无法打开（{reason}）", "文件可能已损坏：请让该单位用 Excel/WPS 打开确认后重新发送")
FORM_NOT_OURS = Kind("form-not-ours", "不是督办台账反馈表（没有反馈表标识）",
                     "请使用 ledger forms 生成的反馈表填报；如该单位另制了表格，请手工录入")
FORM_IDENTITY_TAMPERED = Kind("form-identity-tampered", "{reason}", "请让该单位在原反馈表上重新填报")
FORM_NO_HEADER = Kind("form-no-header", "找不到反馈表的表头（任务编号、本次进展……）", "表格结构被改动：请让该单位在原反馈表上重新填报")
RETURN_ID_EMPTY = Kind("return-id-empty", "任务编号为空，本行未写入", "任务编号列已锁定，请勿改动；请让该单位在原反馈表上填报")
RETURN_ID_TWICE = Kind("return-id-twice", "任务编号“{id}”在本表中出现两次（第{first}行），本行未写入",
                       "请让该单位在原反馈表上填报，每项任务一行")
RETURN_ID_FOREIGN = Kind("return-id-foreign", "任务编号“{id}”不是本表发出的任务，本行未写入",
                         "任务编号列已锁定，请勿改动；请让该单位在原反馈表上填报")
RETURN_ID_GONE = Kind("return-id-gone", "台账中没有任务编号“{id}”，本行未写入", "该任务可能已被删除或改号：请核对后手工处理")
RETURN_ID_AMBIGUOUS = Kind("return-id-ambiguous", "台账中任务编号“{id}”不止一行，本行未写入", "请先更正台账中重复的任务编号")
RETURN_WRONG_UNIT = Kind("return-wrong-unit", "任务“{id}”的牵头单位是“{lead}”，不是本表的填报单位“{unit}”，本行未写入",
                         "请核对是否错用了其他单位的反馈表")
RETURN_CLOSED = Kind("return-closed", "任务“{id}”已于{closed}销号，本行未写入", "已销号的任务不再接受反馈")
RETURN_OLDER = Kind("return-older", "已收集任务“{id}”{newer}的反馈表，本表（{form_date}）较早，本行未写入",
                    "以较新的反馈为准；如确需采用本表内容，请在台账中手工修改")
RETURN_DONE_FUTURE = Kind("return-done-future", "办结日期{day}晚于今天（{today}），未写入", "办结日期只能填写已经办结的日子")
RETURN_DONE_BEFORE_ASSIGNED = Kind("return-done-before-assigned", "办结日期{day}早于交办日期{assigned}，未写入", "请核对办结日期")
RETURN_DONE_CONFLICT = Kind("return-done-conflict", "台账已记录办结日期{recorded}，本表填写{day}，未写入", "如需更正，请直接在台账中修改")
RETURN_ALREADY_COLLECTED = Kind("return-already-collected", "本表已于{when}收集过，已写入的内容未重复写入", "", W)
RETURN_REASON_ONLY = Kind("return-reason-only", "填写了延期理由，但申请延期至为空，延期申请未写入", "请填写申请延期到哪一天")
RETURN_NO_REASON = Kind("return-no-reason", "填写了申请延期至，但延期理由为空，延期申请未写入", "延期须书面说明理由（三色督办单制度第八条）")
RETURN_EXTENSION_EARLY = Kind("return-extension-early", "申请延期至{day}不晚于{what}{floor}，延期申请未写入", "申请延期至应晚于{what}")
RETURN_NOT_A_DATE = Kind("return-not-a-date", "{column}{text!q}不是日期，未写入", "请填写日期，如 2026-11-30")
RETURN_LOCKED_EDITED = Kind("return-locked-edited", "“{column}”是台账记录，被改为{text!q}，已忽略",
                            "台账记录以台账为准；如确需更正，请直接在台账中修改", W)


def catalogue() -> dict[str, Kind]:
    """Every kind by code (the codes are unique: a test checks)."""
    return {k.code: k for k in globals().values() if isinstance(k, Kind)}
