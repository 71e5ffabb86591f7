"""A run's documents: staged before the workbook commit, published after, reproducible, reprintable."""

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ledger.batch import normalize_number, reprint, run_weekly
from ledger.outputs import safe_filename

ROOT = Path(__file__).resolve().parents[1]
RUN = date(2026, 11, 23)


@pytest.fixture
def sample(tmp_path) -> Path:
    book = tmp_path / "示例台账.xlsx"
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    return book


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def test_run_publishes_the_documents_of_its_notices(sample, tmp_path):
    out = tmp_path / "out"
    r = run_weekly(sample, RUN, out)
    day = out / "2026-11-23"
    assert sorted(p.name for p in day.iterdir()) == ["周汇总.docx", "周汇总.html", "督办单.html", "红色督办单.docx",
                                                      "蓝色督办短信.xlsx", "运行摘要.txt", "黄色督办单.docx"]
    assert not list(out.glob(".staging-*"))
    red = docx_text(day / "红色督办单.docx")
    assert all(n.number in red for n in r.outcome.new_notices if n.color == "红")
    assert "蓝督" not in red
    html = (day / "督办单.html").read_text(encoding="utf-8")
    assert all(n.number in html for n in r.outcome.new_notices)
    # rerunning the same date re-renders the same documents from the log
    first = {p.name: p.read_bytes() for p in day.iterdir() if p.suffix != ".txt"}
    (day / "红色督办单.docx").unlink()                      # e.g. lost, or the run was cut off
    again = run_weekly(sample, RUN, out)
    assert again.outcome.new_notices == ()
    assert {p.name: p.read_bytes() for p in day.iterdir() if p.suffix != ".txt"} == first


def test_broken_template_stops_before_the_workbook_is_touched(sample, tmp_path):
    from ledger.rendering.notices import builtin_templates

    mine = tmp_path / "我的模板"
    mine.mkdir()
    html = (builtin_templates() / "督办单.html").read_text(encoding="utf-8")
    (mine / "督办单.html").write_text(html.replace("</body>", "{{ 不存在的变量 }}</body>"), encoding="utf-8")
    before = sample.read_bytes()
    r = run_weekly(sample, RUN, tmp_path / "out", templates=mine)
    assert r.exit_code == 2
    assert r.text.startswith("未能运行：模板有误，本次未写入台账、未发出督办单")
    assert "不存在的变量" in r.text
    assert sample.read_bytes() == before
    assert not (tmp_path / "out" / "2026-11-23").exists()


def test_reprint_by_number_in_any_bracket_form_and_by_task_id(sample, tmp_path):
    run_weekly(sample, RUN, tmp_path / "out")
    r = reprint(sample, "黄督[2026]7号", tmp_path / "out", today=RUN)
    assert r.exit_code == 0
    folder = tmp_path / "out" / "补打" / "黄督〔2026〕7号"
    assert "黄督〔2026〕7号" in docx_text(folder / "黄色督办单.docx")
    r = reprint(sample, "DB2026-031", tmp_path / "out", today=RUN)   # latest notice of that task: a blue one
    assert (tmp_path / "out" / "补打" / "蓝督〔2026〕10号" / "蓝色督办单.docx").exists()
    r = reprint(sample, "无此编号", tmp_path / "out", today=RUN)
    assert (r.exit_code, r.text) == (2, "未能运行：督办记录中找不到“无此编号”：请填写督办单编号（如 黄督〔2026〕7号）或任务编号。")


def test_normalize_number():
    assert normalize_number(" 红督（2026）3号 ") == normalize_number("红督[2026]3号") == "红督〔2026〕3号"
    assert normalize_number("红督【2026】3号") == "红督〔2026〕3号"


@pytest.mark.parametrize("text, expected", [
    ("../../x", "___x"), ("/etc/passwd", "_etc_passwd"), ("C:\\Windows", "C__Windows"), ("CON", "_CON"),
    ("aux.docx", "_aux.docx"), ("黄督〔2026〕7号", "黄督〔2026〕7号"), ("a<b>:c", "a_b__c"), ("..", "_"),
])
def test_safe_filename_stays_in_its_folder(text, expected, tmp_path):
    name = safe_filename(text)
    assert name == expected
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_period_bulletin_on_the_first_run_of_a_new_month_and_again_on_a_rerun(sample, tmp_path):
    out = tmp_path / "out"
    run_weekly(sample, RUN, out)
    # no notice between the runs is needed: 更新日期 remembers the previous run
    first = run_weekly(sample, date(2026, 12, 7), out)
    names = sorted(p.name for p in (out / "2026-12-07").iterdir())
    assert "通报_2026年11月.docx" in names and "通报_2026年11月.html" in names
    assert not [n for n in names if "第四季度" in n]
    bulletin = (out / "2026-12-07" / "通报_2026年11月.docx").read_bytes()
    again = run_weekly(sample, date(2026, 12, 7), out)
    assert again.outcome.new_notices == () and first.outcome.new_notices
    assert (out / "2026-12-07" / "通报_2026年11月.docx").read_bytes() == bulletin
    later = run_weekly(sample, date(2026, 12, 14), out)
    assert not [p for p in (out / "2026-12-14").iterdir() if p.name.startswith("通报")]
    assert later.exit_code == 1


def test_report_command_for_a_quarter_and_a_bad_period(sample, tmp_path):
    from ledger.batch import report_period

    run_weekly(sample, RUN, tmp_path / "out")
    r = report_period(sample, "2026Q4", tmp_path / "out", date(2026, 12, 7))
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out" / "2026年第四季度").iterdir()) == [
        "通报_2026年第四季度.docx", "通报_2026年第四季度.html"]
    r = report_period(sample, "2026Q5", tmp_path / "out", date(2026, 12, 7))
    assert r.exit_code == 2 and r.text.startswith("未能运行：期间“2026Q5”无法识别")
