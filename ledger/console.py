"""What the clerk sees in the console window: progress bars while the run works, then the summary
with its figures as tables (rich). Only for a terminal: piped or redirected output (a log file, a
script, the tests) gets plain stage lines and the plain summary, the text of 运行摘要.txt.

rich writes box-drawing characters and bar blocks only where the console's encoding is UTF-8; on
a GBK (cp936) Windows console it draws them in ASCII, so nothing can fail to encode.
"""

from __future__ import annotations

import sys
import time

from .core.schema import Color, State

NOTICE_ROWS = 20        # notices listed in the console table; the rest are in the output folder
_STYLE = {Color.RED: "bold red", Color.YELLOW: "bold yellow", Color.BLUE: "bold blue"}
_STATE_STYLE = {State.OVERDUE: "red", State.DUE_TODAY: "yellow", State.NEAR: "yellow", State.BAD_DATA: "magenta",
                State.DONE_ON_TIME: "green", State.DONE_LATE: "green", State.CLOSED: "green"}


def terminal(stream) -> bool:
    """Whether `stream` is a console to draw on (rich's test: a tty, or FORCE_COLOR / TTY_COMPATIBLE=1)."""
    from rich.console import Console

    return Console(file=stream).is_terminal


class LineReporter:
    """Stage lines with the seconds each took, on stderr: for logs and redirected output."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.started: float | None = None

    def begin(self, name: str, total: int | None) -> None:
        print(f"… {name}", end="", file=self.stream, flush=True)
        self.started = time.perf_counter()

    def total(self, total: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def end(self) -> None:
        print(f"（{time.perf_counter() - self.started:.1f} 秒）", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class BarReporter:
    """A rich progress bar per stage, left on screen when done with the time it took."""

    def __init__(self, stream=None):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(bar_width=32), TaskProgressColumn(),
                                 TimeElapsedColumn(), console=Console(file=stream or sys.stderr), transient=False)
        self.task = None

    def begin(self, name: str, total: int | None) -> None:
        if not self.progress.live.is_started:
            self.progress.start()
        self.task = self.progress.add_task(name, total=total)

    def total(self, total: int) -> None:
        self.progress.update(self.task, total=max(total, 1))

    def advance(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def end(self) -> None:
        done = next(t for t in self.progress.tasks if t.id == self.task).total or 1
        self.progress.update(self.task, total=done, completed=done)
        self.progress.stop_task(self.task)

    def close(self) -> None:
        self.progress.stop()


def reporter_for(stream=None):
    stream = stream or sys.stderr
    return BarReporter(stream) if terminal(stream) else LineReporter(stream)


def print_summary(summary, stream=None) -> None:
    """The summary with the state counts and the notices as tables."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream or sys.stdout, highlight=False)
    for line in summary.head:
        console.print(Text(line), soft_wrap=True)     # long lines: the console wraps them, as print would
    if summary.states:
        states = Table(title="任务状态", title_justify="left", show_edge=True)
        for name in summary.states:
            states.add_column(name, justify="right", style=_STATE_STYLE.get(name))
        states.add_row(*(str(v) for v in summary.states.values()))
        console.print(states)
    console.print(Text(summary.issued_title, style="bold"))
    if summary.notices:
        table = Table(show_edge=True)
        for name, justify in (("督办单编号", "left"), ("任务编号", "left"), ("被督办单位", "left"), ("逾期", "right")):
            table.add_column(name, justify=justify, overflow="fold")
        for n in summary.notices[:NOTICE_ROWS]:
            late = f"{n.overdue_days} 天" if n.overdue_days else "今日到期"
            table.add_row(Text(n.number, style=_STYLE[n.color]), n.task_id, "、".join(n.units), late)
        console.print(table)
        rest = len(summary.notices) - NOTICE_ROWS
        if rest > 0:
            shown = "、".join(Color(c).cn for c in dict.fromkeys(n.color for n in summary.notices[NOTICE_ROWS:]))
            console.print(Text(f"……另有 {rest} 份（{shown}），全部见输出文件夹中的督办单和运行摘要.txt"), soft_wrap=True)
    for line in (*summary.body, *summary.tail):
        console.print(Text(line), soft_wrap=True)
