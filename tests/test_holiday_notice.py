"""The State Council holiday notice parser (ledger.reading.holiday_notice) on the real texts.

The notices in fixtures/holiday_notices/ are the official texts of 2017–2026 (with the 2019
劳动节 adjustment and the 2020 春节 extension). Each parsed year is compared with the independent
``chinese_calendar`` package for every day of the year, and every built-in year of
ledger/data/holidays.json must be exactly what its notice parses to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from ledger.core.calendar import BUILTIN_YEARS
from ledger.reading.holiday_notice import NoticeError, as_json_entry, parse_notice, parse_notices

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "fixtures" / "holiday_notices"
TEXTS = {
    2017: ["2017.txt"],
    2018: ["2018.txt"],
    2019: ["2019.txt", "2019-劳动节调整.txt"],
    2020: ["2020.txt", "2020-春节延长.txt"],
    **{y: [f"{y}.txt"] for y in range(2021, 2027)},
}
NUMBERS = {2017: "国办发明电〔2016〕14号", 2018: "国办发明电〔2017〕12号", 2019: "国办发明电〔2018〕15号",
           2020: "国办发明电〔2019〕16号", 2021: "国办发明电〔2020〕27号", 2022: "国办发明电〔2021〕11号",
           2023: "国办发明电〔2022〕16号", 2024: "国办发明电〔2023〕7号", 2025: "国办发明电〔2024〕12号",
           2026: "国办发明电〔2025〕7号"}


def notice(year: int):
    return parse_notices([(NOTICES / name).read_text(encoding="utf-8") for name in TEXTS[year]])


def text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", sorted(TEXTS))
def test_every_day_of_the_year_matches_chinese_calendar(year):
    days = notice(year).days()
    if year + 1 in TEXTS:   # late December belongs to the next year's notice (元旦)
        days.update((d, v) for d, v in notice(year + 1).days().items() if d.year == year)
    mismatches = []
    d = date(year, 1, 1)
    while d.year == year:
        ours = days[d][0] if d in days else d.weekday() < 5
        if ours != chinese_calendar.is_workday(d):
            mismatches.append(f"{d} ours={ours}")
        d += timedelta(days=1)
    assert mismatches == []
    assert notice(year).number == NUMBERS[year]


@pytest.mark.parametrize("year", list(BUILTIN_YEARS))
def test_every_builtin_year_is_what_its_notice_parses_to(year):
    entry = json.loads((ROOT / "ledger" / "data" / "holidays.json").read_text(encoding="utf-8"))[str(year)]
    parsed = as_json_entry(notice(year))
    assert {k: entry[k] for k in ("holidays", "workdays")} == {k: parsed[k] for k in ("holidays", "workdays")}
    # the source may explain the amendments in words; every notice's 文号 is in it
    assert all(number in entry["source"] for number in parsed["source"].split("；"))


def test_2026_as_read():
    n = parse_notice(text(2026))
    assert (n.year, n.title) == (2026, "国务院办公厅关于2026年部分节假日安排的通知")
    table = [(a.name, a.holidays[0], a.holidays[-1], len(a.holidays), a.workdays) for a in n.arrangements]
    assert table == [
        ("元旦", date(2026, 1, 1), date(2026, 1, 3), 3, (date(2026, 1, 4),)),
        ("春节", date(2026, 2, 15), date(2026, 2, 23), 9, (date(2026, 2, 14), date(2026, 2, 28))),
        ("清明节", date(2026, 4, 4), date(2026, 4, 6), 3, ()),
        ("劳动节", date(2026, 5, 1), date(2026, 5, 5), 5, (date(2026, 5, 9),)),
        ("端午节", date(2026, 6, 19), date(2026, 6, 21), 3, ()),
        ("中秋节", date(2026, 9, 25), date(2026, 9, 27), 3, ()),
        ("国庆节", date(2026, 10, 1), date(2026, 10, 7), 7, (date(2026, 9, 20), date(2026, 10, 10))),
    ]


def test_the_forms_of_a_day_off():
    n = parse_notice(text(2017))
    # 1月1日放假，1月2日（星期一）补休
    assert n.arrangements[0].holidays == (date(2017, 1, 1), date(2017, 1, 2))
    # 5月1日放假，与周末连休 (a Monday: the weekend before joins it)
    assert n.arrangements[3].holidays == (date(2017, 4, 29), date(2017, 4, 30), date(2017, 5, 1))
    # 2024: the advice to rest on 除夕 (2月9日) is not a day off
    assert date(2024, 2, 9) not in parse_notice(text(2024)).days()
    # 2025: 1月1日（周三）放假1天，不调休
    assert parse_notice(text(2025)).arrangements[0].holidays == (date(2025, 1, 1),)
    # 2023: a range across the new year, years written
    assert parse_notice(text(2023)).arrangements[0].holidays == (date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2))


def test_the_2020_extension_and_the_2019_adjustment():
    n = notice(2020)
    spring = n.arrangements[1]
    assert (spring.holidays[0], spring.holidays[-1], len(spring.holidays)) == (date(2020, 1, 24), date(2020, 2, 2), 10)
    assert spring.workdays == (date(2020, 1, 19),)           # 2月1日（周六）上班 cancelled
    assert n.source == "国办发明电〔2019〕16号；国办发明电〔2020〕1号"
    labour = notice(2019).arrangements[3]
    assert labour.holidays == tuple(date(2019, 5, d) for d in range(1, 5))
    assert labour.workdays == (date(2019, 4, 28), date(2019, 5, 5))
    with pytest.raises(NoticeError) as info:
        parse_notice((NOTICES / "2020-春节延长.txt").read_text(encoding="utf-8"))
    assert info.value.message == "“国务院办公厅关于延长2020年春节假期的通知”是对已公布安排的延长，请与当年的节假日安排通知一起导入（先导入原通知）"


def test_copied_text_in_any_width_and_weekday_form():
    # a news reprint: no title, no 文号, half-width brackets, 星期 instead of 周, full-width digits,
    # lines broken anywhere
    reprint = (text(2026).split("各省", 1)[1].replace("（", "(").replace("）", ")").replace("周", "星期")
               .replace("2月14日", "２月１４日").replace("放假调休，", "放假\n调休，"))
    n = parse_notice("新华社北京电 " + reprint)
    assert n.year == 2026 and n.number == ""
    assert n.days() == parse_notice(text(2026)).days()
    assert n.source == "国务院办公厅关于2026年部分节假日安排的通知"


BROKEN = [
    # a make-up day lost in copying
    ("2月14日（周六）、2月28日（周六）上班", "2月14日（周六）上班",
     "“春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）上班。”："
     "放假日中有6个工作日、调休上班1天，相抵后放假5天，与法定的春节假期4天不符——可能漏了或多了上班、放假日期，请核对原文"),
    # a range whose 共N天 is wrong
    ("共9天", "共8天",
     "“2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共8天”：2月15日至2月23日共9天，"
     "与原文“共8天”不符，请核对原文"),
    # a 上班 day on a Wednesday
    ("10月10日（周六）上班", "10月14日上班",
     "“9月20日（周日）、10月14日上班”：10月14日是星期三，调休上班日应是周六或周日，请核对原文"),
    # a weekday that is not the date's
    ("9月20日（周日）", "9月20日（周一）",
     "“9月20日（周一）、10月10日（周六）上班”：9月20日是星期日，与括号中的“周一”不符，请核对原文"),
    # a date the parser cannot read
    ("1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。", "一月一日放假。",
     "“一月一日放假”：找不到放假日期，无法识别。请核对原文"),
    # a festival missing altogether
    ("五、端午节：6月19日（周五）至21日（周日）放假，共3天。", "",
     "“国务院办公厅关于2026年部分节假日安排的通知”中找不到端午节的放假安排，请复制通知全文后重试"),
]


@pytest.mark.parametrize("old,new,message", BROKEN, ids=[m[:12] for _, _, m in BROKEN])
def test_mangled_texts_are_refused_quoting_the_sentence(old, new, message):
    assert old in text(2026)
    with pytest.raises(NoticeError) as info:
        parse_notice(text(2026).replace(old, new))
    assert info.value.message == message


def test_a_text_without_its_year_is_refused():
    body = text(2026).replace("国务院办公厅关于2026年部分节假日安排的通知", "").replace("现将2026年", "现将")
    with pytest.raises(NoticeError) as info:
        parse_notice(body)
    assert info.value.message.startswith("找不到通知的年份：")


def test_maintainer_script_prints_the_json_entry():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "add_holiday_year.py"), str(NOTICES / "2025.txt")],
                         capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert json.loads(out) == {"2025": json.loads((ROOT / "ledger" / "data" / "holidays.json")
                                                  .read_text(encoding="utf-8"))["2025"]}
