"""任务编号 the tool keeps (SPEC §2.1 Ids).

Most ledgers number their rows with 序号 and have no task id, yet the notice log needs one id per
task that never changes: 序号 is renumbered whenever the clerk inserts or sorts rows, so it
cannot be that id. A task row without an id gets one here, following 参数“任务编号格式”
(default ``DB{年}-{号:03d}``): 年 is the year of its 交办日期, 号 one more than the highest number
already used for that year in any task sheet or in 督办记录. Write-back puts the new ids into the
sheet (its id column, or a 任务编号 column the tool adds), so later runs read them like any other
id and they never change.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import replace

from .tasks import TaskBook, normalize_id

DEFAULT_FORMAT = "DB{年}-{号:03d}"


def id_pattern(fmt: str) -> re.Pattern[str]:
    """A regex matching the ids `fmt` produces, with groups 年 and 号 (as normalised ids)."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(fmt):
        parts.append(re.escape(normalize_id(literal)) if literal.strip() else "")
        if name == "年":
            parts.append(r"(?P<年>\d{4})")
        elif name == "号":
            parts.append(r"(?P<号>\d+)")
    return re.compile("^" + "".join(parts) + "$")


def assign_ids(book: TaskBook, log_ids: Iterable[str], fmt: str = DEFAULT_FORMAT) -> TaskBook:
    """Every task without an id (and with a 交办日期) gets the next free id of its year, in sheet
    and row order. Tasks without 交办日期 keep no id: their row already carries that error."""
    pattern = id_pattern(fmt)
    highest: dict[int | None, int] = {}
    for tid in (*(t.id for t in book.tasks), *(normalize_id(i) for i in log_ids)):
        m = pattern.match(tid)
        if m:
            year = int(m["年"]) if "年" in m.groupdict() else None
            highest[year] = max(highest.get(year, 0), int(m["号"]))
    by_year = "{年" in fmt
    sheets = []
    for ts in book.sheets:
        new_ids: dict[int, str] = {}
        tasks = []
        for t in ts.tasks:
            if not t.id and t.assigned is not None:
                year = t.assigned.year if by_year else None
                highest[year] = highest.get(year, 0) + 1
                new_ids[t.row] = normalize_id(fmt.format(年=t.assigned.year, 号=highest[year]))
                t = replace(t, id=new_ids[t.row])
            tasks.append(t)
        sheets.append(replace(ts, tasks=tuple(tasks), new_ids=new_ids) if new_ids else ts)
    return TaskBook.of(sheets, book.incomplete)
