"""Stage reporting: what a run tells the console's progress bars (ledger.core.stages)."""

from datetime import date

from conftest import task, write_ledger
from ledger.core import stages
from ledger.batch import run_weekly


class Recorder:
    """A reporter that keeps (stage, total, units advanced) for every stage that ended."""

    def __init__(self):
        self.ended: list[tuple[str, int | None, int]] = []
        self.open: list = []

    def begin(self, name, total):
        self.open.append([name, total, 0])

    def total(self, total):
        self.open[-1][1] = total

    def advance(self, n):
        self.open[-1][2] += n

    def end(self):
        self.ended.append(tuple(self.open.pop()))


def test_a_run_reports_its_stages_with_their_work(tmp_path):
    rows = [task(f"T{i:04d}", date(2026, 10, 8), "10个工作日", unit="县财政局") for i in range(1, 1201)]
    book = write_ledger(tmp_path / "台账.xlsx", rows)
    recorder = Recorder()
    with stages.reporting(recorder):
        report = run_weekly(book, date(2026, 11, 23), tmp_path / "out")
    assert report.exit_code == 0 and len(report.outcome.new_notices) == 1200
    assert recorder.open == []
    assert recorder.ended == [
        ("读取台账", 1200, 1000),                        # rows, reported every 500
        ("计算应办结日期和状态", 1200, 1000),
        ("生成督办单（1200 份新发）和周汇总", 1201, 1201),  # every notice, then the weekly summary
        ("备份并写回台账", 1200, 1000),                  # patched rows, every 500
    ]


def test_without_a_reporter_stages_cost_nothing_and_say_nothing(capsys):
    with stages.stage("读取台账", 10):
        stages.advance(5)
        stages.set_total(20)
    assert capsys.readouterr() == ("", "")


def test_the_run_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    """run_weekly pauses collection while reading and freezes the loaded rows; a library caller
    gets its collector back, after a clean run and after a refused one."""
    import gc

    book = write_ledger(tmp_path / "台账.xlsx", [task("T1", date(2026, 11, 2), "5个工作日")])
    run_weekly(book, date(2026, 11, 23), tmp_path / "out")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    refused = run_weekly(book, date(2026, 11, 1), tmp_path / "out")       # earlier than the log: exit 2
    assert refused.exit_code == 2
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_period_report_reports_its_stages(tmp_path):
    from ledger.batch import report_period

    book = write_ledger(tmp_path / "台账.xlsx", [task(f"T{i}", date(2026, 10, 8), "5个工作日") for i in range(3)])
    recorder = Recorder()
    with stages.reporting(recorder):
        report = report_period(book, "2026-10", tmp_path / "out", date(2026, 11, 2))
    assert report.exit_code == 0
    assert [name for name, _, _ in recorder.ended] == ["读取台账", "计算应办结日期和状态", "生成2026年10月通报"]
