"""督办单 content: one `NoticeView` per notice, every field already worded for a template (SPEC §3.4).

A view holds only plain text, numbers and lists, so the Word and HTML templates stay free of
logic and a clerk can edit them. The wording follows the 三色督办单制度 (seed 004 附件):
蓝 提醒 with the deadline and standard (第四条), 黄 警告 and 限期整改 (第五条), 红 严重警告 and
督办直至办结 with the 第十条 consequences (第六条); points per 第九条; signers per 第七条.

`build_views` reads a run's `Outcome`. A notice re-printed later keeps what was logged when it was
issued (its deadline, days overdue, signer), not what the ledger says today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Iterable

from ..core.calendar import WorkCalendar, YearNotCovered
from ..core import problems as P
from ..reading.notice_log import Notice, number_key
from ..core.dates import cn_date
from ..core.schema import Color
from ..reading.params import DEFAULT_PARAMS, Params
from ..rules.ladder import Rung, is_justified, next_rungs

if TYPE_CHECKING:
    from ..pipeline import Outcome

REPLY_DAYS = 5              # working days for the written reply, unless 参数设置 has 回执时限
UNKNOWN_RANK = 1_000_000    # units missing from 单位名录 sort after the listed ones
SHORT_CONTENT = 30

# XML 1.0 cannot carry most C0 controls; \f \v would be page breaks in docxtpl, \a a new paragraph
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNCLEAN = re.compile(r"[\t\r\x0b\x0c\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")   # what clean_text changes


@dataclass(frozen=True)
class UnitContact:
    """A lead unit and who receives its SMS (单位名录 主要负责人, 联系电话)."""

    unit: str
    head: str = ""
    phone: str = ""
    rank: int = UNKNOWN_RANK    # position in 单位名录 (orders the SMS list)


@dataclass(frozen=True)
class NoticeView:
    """Everything a 督办单 template may use (``{{ n.<field> }}``), already formatted."""

    number: str                 # 黄督〔2026〕7号
    color: str                  # 蓝 / 黄 / 红
    color_name: str             # 黄色
    color_code: str             # blue / yellow / red (CSS class in the HTML template)
    color_hex: str              # band colour in the Word template
    level_word: str             # 提醒 / 警告 / 严重警告
    office: str                 # 督查机构
    signer: str                 # 签发 (常务副县长 …)
    issued: str                 # 2026年11月23日
    issued_iso: str             # 2026-11-23
    units: list[str]            # lead units (addressees)
    addressee: str              # 县财政局、县教育局
    copy_units: list[str]       # 协办单位 (抄送)
    copy_text: str
    task_id: str
    content: str
    content_short: str          # one line for the 回执 and the SMS
    source: str
    basis: str
    assigned: str               # 交办日期
    leader: str                 # 责任领导
    deadline: str               # effective deadline D
    original_deadline: str      # '' unless an extension moved D
    overdue_days: int
    overdue_text: str           # 8天 / 今日到期
    status_text: str            # 已超过规定完成时限8天，至今未办结
    progress: str               # 办理进展 as recorded ('' when none)
    demand: str                 # the colour's 督办要求 paragraph
    next_step: str              # when the next colour falls due, or ''
    reply_by: str               # 回执 / written reply due date
    repeat: int = 1             # this is the n-th notice of this colour for the task
    unit_rank: int = UNKNOWN_RANK
    contacts: list[UnitContact] = field(default_factory=list)


def clean_text(value: object) -> str:
    """Cell text made safe for XML and docxtpl; line breaks kept as \\n."""
    if value is None:
        return ""
    s = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    s = s.replace("\t", " ")
    s = _CONTROL.sub("", s)
    if _SURROGATE.search(s):
        s = _SURROGATE.sub("\ufffd", s)
    return s.strip()


def is_clean(text: str) -> bool:
    """clean_text would leave `text` as it is (one regex pass instead of seven)."""
    return not _UNCLEAN.search(text) and text == text.strip()


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, ending in … when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: max(limit - 1, 0)] + "…"


def sort_key(view: NoticeView, by_unit: bool = False) -> tuple:
    """Number order, as in the 发文登记簿 (黄督〔2026〕7号, 8号 … 11号); with `by_unit` (参数
    “督办单按单位排列”) grouped by unit first (单位名录 order, then name) for handing out."""
    if not by_unit:
        return (number_key(view.number),)
    first = view.units[0] if view.units else ""
    return view.unit_rank, first, number_key(view.number)


def _demand(color: str, office: str, deadline: str, reply_by: str, repeat: int, params: Params) -> str:
    points = params.int(f"{color}色扣分")
    if color == Color.BLUE:
        return (f"特此提醒。该事项规定完成时限为{deadline}，应按交办依据和交办要求确定的标准办结。"
                f"请你单位抓紧办理，于{reply_by}前将办理结果书面报送{office}；因客观原因确需延期的，"
                f"请书面说明进展情况及滞后原因，按程序申请延期。按照三色督办单制度第九条，"
                f"本单计入年度综合绩效考评，扣{points}分。")
    if color == Color.YELLOW:
        return (f"现予警告，责令限期整改。请你单位主要负责人亲自过问，查明滞后原因，落实整改措施，"
                f"于{reply_by}前完成整改，并将整改情况及滞后原因书面报送{office}。按照三色督办单制度第九条，"
                f"本单计入年度综合绩效考评，扣{points}分。")
    government = office[:-3] if office.endswith("督查室") and len(office) > 3 else "县人民政府"
    criticise, admonish = params.int("通报批评红单数"), params.int("诫勉谈话红单数")
    again = f"这是该事项第{repeat}次收到红色督办单。" if repeat > 1 else ""
    return (f"{again}现予严重警告。请你单位主要负责人亲自负责，于{reply_by}前将办理情况书面报送{office}；"
            f"该事项将持续督办直至办结。依照三色督办单制度第九条、第十条，本单扣{points}分；"
            f"年度内累计{criticise}次或同一事项{criticise}次收到红色督办单的，予以通报批评，并责令单位主要负责人"
            f"向{government}作出书面检讨；累计{admonish}次的，对单位主要负责人进行诫勉谈话；"
            f"造成重大不良影响的，提请严肃追究相关责任人的责任。")


def _next_step(color: str, rung: Rung | None, params: Params) -> str:
    """如至…仍未办结, said from the ladder's next rung (`rules.ladder.next_rungs`)."""
    if rung is None:
        return ""
    when, nxt = cn_date(rung.on), rung.color
    if nxt == color:
        return f"如至{when}仍未办结，将再次发出{nxt.cn}督办单。"
    return f"如至{when}仍未办结，将发出{nxt.cn}督办单（{params.signer(nxt)}签发），予以{nxt.level_word}。"


def compose(*, number: str, color: str, issued: date, units: Iterable[str], task_id: str, content: str,
            deadline: date, params: Params = DEFAULT_PARAMS, signer: str = "", source: str = "",
            basis: str = "", assigned: date | None = None, leader: str = "", copy_units: Iterable[str] = (),
            original_deadline: date | None = None, overdue_days: int | None = None, progress: str = "",
            next_rung: Rung | None = None, reply_by: date | None = None, repeat: int = 1,
            review_failed: bool = False, unit_rank: int = UNKNOWN_RANK,
            contacts: Iterable[UnitContact] = ()) -> NoticeView:
    """A view from plain facts; all wording is made here so every template says the same."""
    office = clean_text(params["督查机构"]) or "县人民政府督查室"
    units = [clean_text(u) for u in units if clean_text(u)]
    copies = [clean_text(u) for u in copy_units if clean_text(u) and clean_text(u) not in units]
    content = clean_text(content)
    overdue = (issued - deadline).days if overdue_days is None else overdue_days
    reply = reply_by or issued + timedelta(days=REPLY_DAYS + 2)
    if overdue > 0:
        status = f"已超过规定完成时限{overdue}天，至今未办结"
    elif overdue == 0:
        status = "今日到期，尚未办结"
    else:
        status = "尚未办结"
    if review_failed:   # reported done, but the office's review found it below standard (第五条)
        status = "办理结果经审核未达到标准要求" + (f"，已超过规定完成时限{overdue}天" if overdue > 0 else "")
    return NoticeView(
        number=clean_text(number), color=color, color_name=Color(color).cn, color_code=Color(color).code,
        color_hex=Color(color).hex, level_word=Color(color).level_word, office=office,
        signer=clean_text(signer) or params.signer(color), issued=cn_date(issued), issued_iso=issued.isoformat(),
        units=units, addressee="、".join(units), copy_units=copies, copy_text="、".join(copies),
        task_id=clean_text(task_id), content=content, content_short=shorten(content, SHORT_CONTENT),
        source=clean_text(source), basis=clean_text(basis), assigned=cn_date(assigned), leader=clean_text(leader),
        deadline=cn_date(deadline), original_deadline=cn_date(original_deadline) if original_deadline else "",
        overdue_days=overdue, overdue_text=f"{overdue}天" if overdue > 0 else ("今日到期" if overdue == 0 else "—"),
        status_text=status, progress=clean_text(progress),
        demand=_demand(color, office, cn_date(deadline), cn_date(reply), repeat, params),
        next_step=_next_step(color, next_rung, params), reply_by=cn_date(reply), repeat=repeat,
        unit_rank=unit_rank, contacts=list(contacts) or [UnitContact(u) for u in units],
    )


def reply_days(params: Params) -> int:
    value = params.values.get("回执时限", REPLY_DAYS)
    return int(value) if isinstance(value, int) and value > 0 else REPLY_DAYS


def _next_rung(notice: Notice, deadline: date, justified: bool, params: Params, cal: WorkCalendar) -> Rung | None:
    """The colour that falls due next, and when, if the task stays undone (`rules.ladder`)."""
    try:
        rungs = next_rungs(notice.color, notice.issued, deadline, justified, params, cal)
    except YearNotCovered:
        return None
    return rungs[0] if rungs else None


def build_views(outcome: Outcome, notices: Iterable[Notice] | None = None) -> list[NoticeView]:
    """Views of `notices` (default: the notices issued in this run), in the order given.

    Raises LedgerError when a notice's task is no longer in the ledger (a reprint of a deleted row).
    """
    loaded = outcome.loaded
    params, cal, directory = loaded.params, loaded.calendar, loaded.units
    chosen = list(outcome.new_notices if notices is None else notices)
    rows = {}
    for task, ev in zip(loaded.tasks.tasks, outcome.evaluations):
        rows.setdefault(task.id, (task, ev))
    missing = [n for n in chosen if n.task_id not in rows]
    if missing:
        listed = "、".join(f"{n.number}（任务编号“{n.task_id}”）" for n in missing[:10])
        raise P.RUN_NOTICE_ORPHAN.error(listed=listed)
    earlier: dict[tuple[str, str], list[tuple]] = {}     # (task, colour) → order keys of its notices
    for m in {m.number: m for m in (*loaded.log, *outcome.new_notices)}.values():
        earlier.setdefault((m.task_id, m.color), []).append((m.issued, number_key(m.number)))
    views = []
    for n in chosen:
        task, ev = rows[n.task_id]
        deadline = n.deadline or ev.deadline.due or n.issued
        extended = ev.deadline.extended and ev.deadline.due == deadline
        me = (n.issued, number_key(n.number))
        repeat = max(sum(1 for k in earlier.get((n.task_id, n.color), ()) if k <= me), 1)
        try:
            reply = cal.add_working_days(n.issued, reply_days(params))
        except YearNotCovered:
            reply = None
        # the written reply is never asked for later than the day the next colour falls due
        rung = _next_rung(n, deadline, is_justified(task.reason), params, cal)
        next_due = rung.on if rung else None
        units = list(n.units or task.lead)
        contacts = []
        for name in units:
            unit = directory.resolve(name) if directory else None
            contacts.append(UnitContact(name, unit.head, unit.phone, unit.order) if unit else UnitContact(name))
        views.append(compose(
            number=n.number, color=n.color, issued=n.issued, units=units, task_id=task.id, content=task.content,
            deadline=deadline, params=params, signer=n.signer, source=task.source or task.category, basis=task.basis,
            assigned=task.assigned, leader=task.leader, copy_units=task.assist,
            original_deadline=ev.deadline.original if extended else None, overdue_days=n.overdue_days,
            progress=task.progress, next_rung=rung, reply_by=min(reply, next_due) if reply and next_due else reply,
            repeat=repeat, review_failed=task.done is not None and task.review == "不合格",
            unit_rank=contacts[0].rank if contacts else UNKNOWN_RANK, contacts=contacts,
        ))
    return views
