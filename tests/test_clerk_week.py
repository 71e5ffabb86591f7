"""A new clerk's week (issue 16): init's examples, the command line in Chinese, wrong names and open
files caught before any progress, one output folder, number order, sums that add up, 暂计, the
clerk's own headers in messages, restore without reused numbers, and the paper details."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import task, write_ledger
from ledger.batch import check_workbook, reprint, report_period, run_weekly
from ledger.cli import build_parser, main
from ledger.cli_parser import ChineseArgumentParser, translate
from ledger.core.schema import PARAM_DEFAULTS
from ledger.init_workbook import create_ledger

ROOT = Path(__file__).resolve().parents[1]
RUN = date(2026, 11, 23)
ENGLISH = re.compile(r"usage|positional|options|optional arguments|show this help|required|invalid|"
                     r"unrecognized|expected|argument|error", re.I)


@pytest.fixture
def sample(tmp_path) -> Path:
    book = tmp_path / "督查室" / "示例台账.xlsx"
    book.parent.mkdir()
    shutil.copy(ROOT / "fixtures" / "示例台账.xlsx", book)
    return book


def numbers_in(text: str, color: str) -> list[int]:
    return [int(n) for n in re.findall(color + r"督〔2026〕(\d+)号", text)]


# --- item 11: the command line speaks Chinese -------------------------------------------------------

@pytest.mark.parametrize("argv", [["--help"], *[[c, "--help"] for c in
                                                 ("init", "run", "reprint", "report", "restore", "check", "shortcut")]])
def test_every_help_page_is_chinese(argv, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：ledger")
    assert "选项：" in text and "显示本帮助并退出" in text
    assert not ENGLISH.search(text), text


@pytest.mark.parametrize("argv, message", [
    ([], "ledger：错误：缺少必须填写的参数：命令（可加 -h 查看用法）"),
    (["runn"], "ledger：错误：没有“runn”这个命令，可用的命令：“init”、“run”、“reprint”、“report”、“restore”、"
               "“check”、“shortcut”、“holidays”、“forms”、“collect”"),
    (["run"], "ledger run：错误：缺少必须填写的参数：台账.xlsx（可加 -h 查看用法）"),
    (["run", "a.xlsx", "--bogus"], "ledger：错误：无法识别的参数：--bogus（可加 -h 查看用法）"),
    (["run", "a.xlsx", "--date"], "ledger run：错误：参数 --date 后面需要填写一个值"),
    (["run", "a.xlsx", "--date", "下周一"], "ledger run：错误：参数 --date：日期“下周一”无法识别，请写成 2026-11-23 的形式"),
    (["restore", "a.xlsx", "--pick", "x"], "ledger restore：错误：参数 --pick 的值“x”无效：请填写整数"),
    (["run", "a.xlsx", "--json", "--quiet"], "ledger run：错误：参数 --quiet 不能与 --json 同时使用"),
])
def test_usage_errors_are_chinese(argv, message, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：ledger")
    assert err.rstrip("\n").splitlines()[-1] == message


def test_a_new_subcommand_is_chinese_without_doing_anything(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    extra = sub.add_parser("demo", help="将来的某个命令")
    extra.add_argument("workbook")
    extra.add_argument("--import", dest="source")
    assert isinstance(extra, ChineseArgumentParser)
    text = extra.format_help()
    assert text.startswith("用法：ledger demo [-h] [--import 值] 台账.xlsx")
    assert "位置参数：" in text and not ENGLISH.search(text)
    assert translate("something argparse may say one day") == "命令行参数有误：something argparse may say one day"


def test_unreadable_workbook_is_explained_in_chinese(sample):
    broken = sample.with_name("坏.xlsx")
    with zipfile.ZipFile(sample) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, b"<styleSheet" if item.filename == "xl/styles.xml" else src.read(item))
    r = check_workbook(broken, RUN)
    assert r.exit_code == 2
    assert r.text == ("未能运行：无法读取“坏.xlsx”：文件内容不完整或已损坏（或不是由 Excel/WPS 保存的工作簿）。"
                      "请用 Excel/WPS 打开检查后“另存为”新文件再运行，或用 ledger restore 从备份恢复。")


# --- items 9, 10: wrong names and open files, before any progress ---------------------------------------

def test_a_folder_is_named_as_a_folder(sample, capsys):
    assert main(["run", str(sample.parent), "--date", "2026-11-23"]) == 2
    out, err = capsys.readouterr()
    assert out.strip() == (f"未能运行：“{sample.parent}”是一个文件夹，不是台账文件，其中的台账有：“示例台账.xlsx”。"
                           f"请写出台账的文件名，如“{sample}”。")
    assert err == ""                                          # no progress line, no traceback
    assert not (sample.parent / "ledger-错误详情.txt").exists()


def test_name_without_extension_finds_the_workbook(sample, capsys, monkeypatch):
    monkeypatch.chdir(sample.parent)
    assert main(["check", "示例台账", "--date", "2026-11-23", "--quiet"]) == 1     # the sample's 3 bad rows
    shutil.copy(sample, sample.with_suffix(".xlsm"))
    capsys.readouterr()
    assert main(["check", "示例台账", "--date", "2026-11-23"]) == 2
    assert capsys.readouterr().out.strip() == ("未能运行：有多个名为“示例台账”的文件：“示例台账.xlsx”、“示例台账.xlsm”。"
                                               "请写出带扩展名的完整文件名。")


def test_missing_file_names_the_workbooks_nearby(sample, capsys):
    assert main(["run", str(sample.with_name("示列台账.xlsx"))]) == 2
    out, err = capsys.readouterr()
    assert out.strip() == (f"未能运行：找不到文件“{sample.with_name('示列台账.xlsx')}”：请检查文件名和路径是否正确。"
                           f"“{sample.parent}”中的台账有：“示例台账.xlsx”。")
    assert err == ""


def test_open_workbook_stops_before_any_progress_and_leaves_no_folder(sample, tmp_path, capsys):
    lock = sample.with_name("~$示例台账.xlsx")
    lock.write_bytes(b"")
    before = sample.read_bytes()
    out_dir = tmp_path / "新输出"
    assert main(["run", str(sample), "--date", "2026-11-23", "--out", str(out_dir)]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("未能运行：“示例台账.xlsx”正在被 Excel/WPS 或其他程序打开")
    assert err == ""                                          # not one stage was shown
    assert not out_dir.exists() and not (sample.parent / "督办输出").exists()
    assert sample.read_bytes() == before


def test_a_failed_commit_removes_the_output_folder_it_made(sample, tmp_path, monkeypatch):
    import ledger.writeback as writeback
    from ledger.core import problems as P

    def refuse(*args, **kwargs):
        raise P.FILE_CHANGED.error(name="示例台账.xlsx")

    monkeypatch.setattr(writeback, "check_unchanged", refuse)
    out_root = tmp_path / "a" / "b"
    r = run_weekly(sample, RUN, out_root)
    assert r.exit_code == 2 and not (tmp_path / "a").exists()


# --- item 12: one output folder ----------------------------------------------------------------------

def test_every_command_writes_beside_the_workbook_wherever_it_is_started(sample, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    root = sample.parent / "督办输出"
    assert main(["run", str(sample), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert f"输出文件夹：{root / '2026-11-23'}" in out
    backup = re.search(r"运行前的备份：(.+?)）", out)[1]
    assert Path(backup).is_absolute() and Path(backup).parent == sample.parent / "台账备份"
    assert main(["report", str(sample), "--period", "2026-10", "--date", "2026-11-23"]) == 0
    assert f"  {root / '2026年10月' / '通报_2026年10月.docx'}" in capsys.readouterr().out
    assert main(["reprint", str(sample), "黄督〔2026〕7号"]) == 0
    assert f"  {root / '补打' / '黄督〔2026〕7号' / '黄色督办单.docx'}" in capsys.readouterr().out
    assert list(elsewhere.iterdir()) == []                    # nothing where the command was started
    assert sorted(p.name for p in root.iterdir()) == ["2026-11-23", "2026年10月", "补打"]


def test_output_folder_parameter_relative_to_the_workbook(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [task("A1", date(2026, 11, 2), "5个工作日")],
                        params={"输出目录": "文档/督办"})
    r = run_weekly(book, RUN)
    assert r.out_dir == tmp_path / "文档" / "督办" / "2026-11-23"
    assert (r.out_dir / "运行摘要.txt").is_file()
    assert "留空为台账旁的“督办输出”" in PARAM_DEFAULTS["输出目录"][2]


# --- item 1: init's examples are never issued -------------------------------------------------------------

def test_init_examples_are_never_issued_logged_or_counted_across_weeks(tmp_path, capsys):
    assert main(["init", str(tmp_path / "新台账.xlsx")]) == 0
    said = capsys.readouterr().out
    assert "灰色的 6 行是示例（任务编号以“示例”开头），运行时不计入、不发督办单" in said and "--empty" in said
    book = tmp_path / "台账.xlsx"
    create_ledger(book, today=date(2026, 11, 2))
    # four weeks later most examples would be overdue: still nothing is issued for them
    first = run_weekly(book, date(2026, 11, 30))
    assert first.outcome.new_notices == () and first.outcome.evaluations == ()
    assert "示例行 6 行（督办台账!第3、4、5、6、7、8行，任务编号以“示例”开头）未计入、未发督办单" in first.text
    assert "共 0 项任务" in first.text
    assert openpyxl.load_workbook(book)["督办记录"].max_row == 1     # header only: no number consumed
    # the clerk registers a real task below the examples; only it is counted and escalated
    wb = openpyxl.load_workbook(book)
    ws = wb["督办台账"]
    ws.append(["DB2026-001", "县长批示", "", "修复城区路灯", "县住房和城乡建设局", "", "", "", date(2026, 11, 2),
               "5个工作日"])       # D = 2026-11-09; first run 12-07 is past D + 5: 黄 directly
    wb.save(book)
    second = run_weekly(book, date(2026, 12, 7))
    assert [e.task.id for e in second.outcome.evaluations] == ["DB2026-001"]
    assert [n.number for n in second.outcome.new_notices] == ["黄督〔2026〕1号"]


def test_init_examples_are_marked_on_the_sheet(tmp_path):
    book = tmp_path / "台账.xlsx"
    create_ledger(book, today=date(2026, 12, 3))
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert [ws.cell(r, 1).value for r in range(3, 9)] == [f"示例-{i}" for i in range(1, 7)]
    assert all(ws.cell(r, c).fill.fgColor.rgb == "00EDEDED" for r in range(3, 9) for c in range(1, 19))
    assert "整行删除" in ws["A3"].comment.text
    create_ledger(tmp_path / "空.xlsx", today=date(2026, 12, 3), examples=False)
    assert openpyxl.load_workbook(tmp_path / "空.xlsx")["督办台账"].max_row == 2


# --- item 4: number order ----------------------------------------------------------------------------------

def test_weekly_summary_and_printed_stack_in_number_order(sample):
    r = run_weekly(sample, RUN)
    issued = [n.number for n in r.outcome.new_notices if n.color == "黄"]
    assert issued == [f"黄督〔2026〕{i}号" for i in (7, 8, 9, 10, 11)]
    html = (r.out_dir / "周汇总.html").read_text("utf-8")
    assert numbers_in(html.split("四、本次发出的督办单")[1], "黄") == [7, 8, 9, 10, 11]
    from docx import Document

    stack = "\n".join(p.text for p in Document(str(r.out_dir / "黄色督办单.docx")).paragraphs)
    assert numbers_in(stack, "黄") == [7, 8, 9, 10, 11]


# --- item 5: the 合计 is the column sum ---------------------------------------------------------------------

def test_weekly_total_row_is_the_sum_of_each_column(sample):
    r = run_weekly(sample, RUN)
    html = (r.out_dir / "周汇总.html").read_text("utf-8")
    table = html.split("一、各单位情况")[1].split("</table>")[0]
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]
    rows = [r for r in rows if r]
    *units, total = rows
    assert total[0] == "合计"
    for col in range(1, 13):
        assert int(total[col]) == sum(int(u[col]) for u in units), col
    # DB2026-032 (县住房和城乡建设局、城关镇) got one 黄: two unit rows count it, the note says why
    assert "项任务由两个及以上单位牵头，在“各单位情况”表中每个牵头单位各计一次，表中合计为各单位之和" in html


# --- items 6, 7: periods ---------------------------------------------------------------------------------

def test_a_period_not_begun_is_refused(sample, capsys):
    assert main(["report", str(sample), "--period", "2027", "--date", "2026-12-03"]) == 2
    assert capsys.readouterr().out.strip() == ("未能运行：2027年尚未开始（成文日期2026-12-03）：不能生成尚未开始的期间的通报。"
                                               "请检查 --period，或用 --date 指定成文日期。")
    assert not (sample.parent / "督办输出").exists()


def test_a_running_period_says_zanji_in_the_summary(sample):
    r = report_period(sample, "2026", None, date(2026, 12, 3))
    assert r.text.startswith("已生成2026年通报（暂计：本期尚未结束，数据截至2026-12-03）：")
    wb = openpyxl.load_workbook(r.out_dir / "年度考核_2026年.xlsx")
    assert wb.sheetnames == ["年度考核（暂计）", "说明（暂计）"]


def test_bulletin_numbering_is_explained_where_the_clerk_looks():
    note = PARAM_DEFAULTS["通报字号"][2]
    assert "1—12月为1—12号" in note and "不随印发先后编号" in note
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "按期间固定编号，不按印发先后" in readme


# --- item 8: the clerk's own headers in messages -------------------------------------------------------------

def test_messages_quote_the_clerks_headers(tmp_path):
    header = ["编号", "督办事项", "责任单位", "交办时间", "完成时限", "审核结果"]
    book = write_ledger(tmp_path / "台账.xlsx", [
        {"编号": "A1", "督办事项": "事项一", "交办时间": date(2026, 11, 2), "完成时限": "尽快"},
        {"编号": "A2", "督办事项": "事项二", "责任单位": "县财政局", "交办时间": date(2026, 11, 2),
         "完成时限": "5个工作日", "审核结果": "优秀"},
    ], header=header)
    r = check_workbook(book, RUN)
    assert [p.text() for p in r.outcome.row_problems] == [
        "督办台账!C2 责任单位为空：请填写责任单位。",
        "督办台账!E2 完成时限“尽快”无法识别：请填写日期（如 2026-11-30），或“5个工作日”“10天”“6月底”“年底前”“第三季度”“立即”等。",
        "督办台账!F3 审核结果“优秀”无法识别：请填写“合格”或“不合格”。",
    ]


def test_quoted_cell_text_is_not_renamed(tmp_path):
    book = write_ledger(tmp_path / "台账.xlsx", [
        {"编号": "A1", "督办事项": "事项", "责任单位": "县财政局", "交办时间": date(2026, 11, 2), "完成时限": "办理时限"},
    ], header=["编号", "督办事项", "责任单位", "交办时间", "完成时限"])
    (p,) = check_workbook(book, RUN).outcome.row_problems
    assert p.message == "完成时限“办理时限”无法识别"


# --- item 3: restore never reuses a number that left the building ------------------------------------------

def test_restore_then_run_continues_after_the_numbers_already_sent(sample, capsys):
    run_weekly(sample, RUN)
    week2 = run_weekly(sample, date(2026, 11, 30))
    sent = [n.number for n in week2.outcome.new_notices]
    assert "红督〔2026〕6号" in sent
    assert main(["restore", str(sample)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert "2026-11-30 运行前" in listing[1] and "2026-11-23 运行前" in listing[2]
    assert main(["restore", str(sample), "--pick", "1"]) == 0     # back to before the 11-30 run
    assert capsys.readouterr().out.startswith("已用“2026-11-30 运行前”的备份（")
    again = run_weekly(sample, date(2026, 11, 30))
    renumbered = [n.number for n in again.outcome.new_notices]
    assert set(renumbered).isdisjoint(sent)
    assert renumbered[:2] == ["红督〔2026〕8号", "红督〔2026〕9号"]       # 6号 and 7号 were sent already
    assert f"共 {len(sent)} 个，本次不再使用，新督办单编号接在其后。" in again.text
    assert main(["restore", str(sample)]) == 0
    assert "恢复前" in capsys.readouterr().out


def test_a_backup_copied_over_by_hand_is_caught_from_the_output_folder(sample):
    run_weekly(sample, RUN)
    before_week2 = sample.read_bytes()
    week2 = run_weekly(sample, date(2026, 11, 30))
    sample.write_bytes(before_week2)                  # the clerk copies an old file over the ledger
    again = run_weekly(sample, date(2026, 11, 30), dry_run=True)
    assert {n.number for n in again.outcome.new_notices}.isdisjoint(n.number for n in week2.outcome.new_notices)


# --- item 14: paper ------------------------------------------------------------------------------------------

def test_notice_without_progress_has_no_progress_line(sample):
    r = run_weekly(sample, RUN)
    html = (r.out_dir / "督办单.html").read_text("utf-8")
    assert "未登记" not in html
    from docx import Document

    doc = Document(str(r.out_dir / "红色督办单.docx"))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert not any("未登记" in c for c in cells)
    progress = [n for n in r.outcome.evaluations if n.task.progress and n.issue == "红"]
    assert cells.count("办理进展") == len(progress)


def test_reprint_takes_a_number_without_year_and_lower_case_ids(sample):
    run_weekly(sample, RUN)
    assert reprint(sample, "黄督7号", None, today=RUN).text.startswith("已补打督办单 黄督〔2026〕7号（任务DB2026-026，")
    assert reprint(sample, "db2026-026", None, today=RUN).text.startswith("已补打督办单 黄督〔2026〕7号（任务DB2026-026，")


def test_office_named_the_same_way_by_default():
    assert PARAM_DEFAULTS["督查机构"][0] == PARAM_DEFAULTS["蓝色签发"][0] == "县人民政府督查室"


def test_init_workbook_prints_landscape_one_page_wide_with_the_header_repeated(tmp_path):
    book = tmp_path / "台账.xlsx"
    create_ledger(book, today=date(2026, 12, 3))
    ws = openpyxl.load_workbook(book)["督办台账"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9     # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2"                       # the header row on every page
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice / poppler not installed")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(book)], capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "台账.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height                                     # landscape
    assert "县人民政府督查督办事项台账" in first and "示例-6" in first   # title and every row on page 1
    assert "办理进展" in first                                 # the last column fits on the page width


def test_a_crash_report_lands_beside_the_run_summary_never_in_the_current_folder(sample, tmp_path, monkeypatch, capsys):
    """A bug (not bad input) leaves its details where the clerk looks: the run's output folder when
    it exists, else the workbook's folder — not wherever the command was started (once, the
    repository root)."""
    import ledger.batch
    from ledger.cli import CRASH_DUMP, main

    def broken(*a, **k):
        raise RuntimeError("boom")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(ledger.batch, "run_weekly", broken)
    assert main(["run", str(sample), "--date", "2026-11-23"]) == 3
    dump = sample.parent / CRASH_DUMP
    assert dump.exists() and "RuntimeError: boom" in dump.read_text(encoding="utf-8")
    assert f"详细信息已保存到“{dump}”" in capsys.readouterr().out
    out = sample.parent / "督办输出" / "2026-11-23"
    out.mkdir(parents=True)
    assert main(["run", str(sample), "--date", "2026-11-23"]) == 3
    assert (out / CRASH_DUMP).exists()
    assert not (elsewhere / CRASH_DUMP).exists()


# --- two ledgers kept in one folder ------------------------------------------------------------------

def test_two_ledgers_in_one_folder_keep_their_own_documents_and_numbers(sample):
    """Offices keep several ledgers side by side (e.g. a 县长批示件台账 next to the 督办台账): each
    keeps its own documents, and one's run summaries never hold back the other's notice numbers."""
    folder = sample.parent
    second = folder / "批示件台账.xlsx"
    shutil.copy(sample, second)
    first_run = run_weekly(sample, RUN)
    assert first_run.out_dir == folder / "督办输出" / "2026-11-23"
    other = run_weekly(second, RUN)
    assert other.out_dir == folder / "督办输出（批示件台账）" / "2026-11-23"
    # the same ledger content: the same 13 numbers, none skipped as "issued before a restore"
    assert [n.number for n in other.outcome.new_notices] == [n.number for n in first_run.outcome.new_notices]
    assert numbers_in(other.text, "黄") == [7, 8, 9, 10, 11]
    assert "本次不再使用" not in other.text
    # the first ledger's documents are still its own, and it keeps its folder week after week
    summary = (folder / "督办输出" / "2026-11-23" / "运行摘要.txt").read_text(encoding="utf-8")
    assert summary.splitlines()[1].startswith("台账：示例台账.xlsx，")
    assert run_weekly(sample, date(2026, 11, 30)).out_dir == folder / "督办输出" / "2026-11-30"
    assert run_weekly(second, date(2026, 11, 30)).out_dir == folder / "督办输出（批示件台账）" / "2026-11-30"


def test_an_output_folder_shared_on_purpose_keeps_each_ledgers_run(sample, tmp_path):
    """Both ledgers pointed at one folder (--out): the second run of a date gets its own dated
    folder instead of replacing the first's documents, and takes no numbers from its summary."""
    second = sample.parent / "批示件台账.xlsx"
    shutil.copy(sample, second)
    shared = tmp_path / "共用输出"
    a = run_weekly(sample, RUN, shared)
    b = run_weekly(second, RUN, shared)
    assert (a.out_dir, b.out_dir) == (shared / "2026-11-23", shared / "2026-11-23（批示件台账）")
    assert sorted(p.name for p in a.out_dir.iterdir()) == sorted(p.name for p in b.out_dir.iterdir())
    assert [n.number for n in b.outcome.new_notices] == [n.number for n in a.outcome.new_notices]
    assert run_weekly(second, RUN, shared).out_dir == b.out_dir          # its own rerun: the same folder
