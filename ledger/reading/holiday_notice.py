"""The State Council's holiday notice (国务院办公厅关于X年部分节假日安排的通知), read from its text.

Clerks get the notice as text copied from the government website or a news reprint, or as a
saved page; the built-in data (``ledger/data/holidays.json``) is made from the same texts by
``tools/add_holiday_year.py``. One parser serves both, so a year typed by nobody is never wrong
in a way nobody checked.

The notice's sentences are few and regular: ``2月15日（农历腊月二十八、周日）至23日（农历正月初七、
周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。``, ``1月1日放假，1月2日（星期一）
补休。``, ``6月10日放假，与周末连休。``. Besides the annual notice there are amendments: one
that replaces a festival's arrangement (关于调整2019年劳动节假期安排的通知) and one that extends a
holiday (关于延长2020年春节假期的通知), applied on top of the annual notice.

What was read is checked before anything is written, and a text that fails is refused with the
sentence quoted: the year must be stated; a weekday written beside a date must be that date's; a
range's 共N天 must be its length; every 上班 day must be a Saturday or Sunday; and each festival
must balance — weekdays off minus make-up days equals the days the law grants it (《全国年节及纪念
日放假办法》: 元旦 1, 春节 3 (4 from 2025), 清明 1, 劳动节 1 (2 from 2025), 端午 1, 中秋 1, 国庆 3),
which is what catches a make-up day lost in copying.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def law_days(festival: str, year: int) -> int:
    """Days off the law grants a festival (《全国年节及纪念日放假办法》, amended from 2025)."""
    if festival == "春节":
        return 4 if year >= 2025 else 3
    if festival == "劳动节":
        return 2 if year >= 2025 else 1
    return 3 if festival == "国庆节" else 1


class NoticeError(Exception):
    """The text could not be read as a holiday notice; the message quotes what failed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Arrangement:
    """One festival's arrangement: ``六、国庆节、中秋节：10月1日至8日放假调休，共8天。…``."""

    name: str                        # as the notice names it: 国庆节、中秋节
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]
    text: str                        # the item as read (for messages)


@dataclass(frozen=True)
class HolidayNotice:
    """A year's schedule as one or more notices fixed it."""

    year: int
    number: str                      # 文号, e.g. 国办发明电〔2025〕7号 ("" when the text lacks it)
    title: str
    arrangements: tuple[Arrangement, ...]
    amendments: tuple[str, ...] = field(default=())   # 文号 or titles of notices applied on top

    @property
    def source(self) -> str:
        """What the days rest on, as the built-in data and the 节假日 sheet's 依据 say it."""
        base = self.number or self.title
        return "；".join([base, *self.amendments])

    def days(self) -> dict[date, tuple[bool, str]]:
        """date → (is_working_day, festival name)."""
        out: dict[date, tuple[bool, str]] = {}
        for a in self.arrangements:
            out.update((d, (False, a.name)) for d in a.holidays)
            out.update((d, (True, a.name)) for d in a.workdays)
        return out


# ---------------------------------------------------------------------------------------------
# Text


_PUNCT = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]", "～": "~",
                        "—": "-", "–": "-", "－": "-", "﹝": "[", "﹞": "]", "．": "."})


def normalize(text: str) -> str:
    """Full-width → half-width (NFKC), brackets unified, all whitespace dropped (Chinese text
    needs none, and copied pages break lines anywhere)."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return re.sub(r"\s+", "", text)


_NUMBER = re.compile(r"国办发明电\[(\d{4})\](\d+)号")
_TITLE = re.compile(r"国务院办公厅关于(?:(调整|延长))?(\d{4})年(.{0,20}?)(?:假期)?(?:安排)?的通知")
_YEAR_IN_TEXT = re.compile(r"现将(\d{4})年(?:元旦|春节|部分节假日)")
_ITEM = re.compile(r"(?:^|(?<=[。:;]))[一二三四五六七八九十]{1,3}、((?:%s)(?:、(?:%s))*):" %
                   ("|".join(FESTIVALS), "|".join(FESTIVALS)))
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?")
_WEEKDAY = re.compile(r"(?:星期|周)([一二三四五六日天])")
_TOTAL = re.compile(r"共(\d+)天")
_RANGE_JOIN = re.compile(r"^(?:至|到|-|~)$")
_END = re.compile(r"节假日期间|国务院办公厅\d{4}年")


_SHOW = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "[": "〔", "]": "〕"})


def _q(sentence: str) -> str:
    """A sentence quoted in a message, with the notice's full-width punctuation."""
    return f"“{sentence.translate(_SHOW)}”"


def _dates(sentence: str, year: int, whole: str | None = None) -> list[tuple[date, int, int]]:
    """Every date of a sentence with its span in the sentence; month and year carry over from the
    previous date (``2月15日…至23日``), the notice's year when none was written. `whole` is the
    sentence to quote when `sentence` is part of it."""
    q = _q(whole or sentence)
    out: list[tuple[date, int, int]] = []
    month: int | None = None
    for m in _DATE.finditer(sentence):
        y = int(m[1]) if m[1] else (out[-1][0].year if out else year)
        if m[2]:
            month = int(m[2])
        if month is None:
            raise NoticeError(f"{q}：日期“{m[0].translate(_SHOW)}”缺少月份，无法识别。请核对原文")
        try:
            d = date(y, month, int(m[3]))
        except ValueError:
            raise NoticeError(f"{q}：日期“{m[0].translate(_SHOW)}”不存在，请核对原文") from None
        if m[4]:
            w = _WEEKDAY.search(m[4])
            if w and "一二三四五六日".index(w[1].replace("天", "日")) != d.weekday():
                raise NoticeError(f"{q}：{d.month}月{d.day}日是星期{'一二三四五六日'[d.weekday()]}，"
                                  f"与括号中的“{w[0]}”不符，请核对原文")
        out.append((d, m.start(), m.end()))
    return out


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _weekend_joined(d: date) -> list[date]:
    """``与周末连休``: the day and the weekend it joins (a Monday the weekend before, a Friday the
    weekend after)."""
    if d.weekday() == 0:
        return [d - timedelta(days=2), d - timedelta(days=1), d]
    if d.weekday() == 4:
        return [d, d + timedelta(days=1), d + timedelta(days=2)]
    return [d]


def _holiday_sentence(sentence: str, year: int) -> list[date]:
    found = _dates(sentence, year)
    if not found:
        raise NoticeError(f"{_q(sentence)}：找不到放假日期，无法识别。请核对原文")
    days: list[date] = []
    i = 0
    while i < len(found):
        d, _, end = found[i]
        if i + 1 < len(found) and _RANGE_JOIN.match(sentence[end:found[i + 1][1]]):
            last = found[i + 1][0]
            if last < d:
                raise NoticeError(f"{_q(sentence)}：结束日期早于开始日期，请核对原文")
            days += _span(d, last)
            total = _TOTAL.search(sentence)
            if total and int(total[1]) != (last - d).days + 1:
                raise NoticeError(f"{_q(sentence)}：{d.month}月{d.day}日至{last.month}月{last.day}日共"
                                  f"{(last - d).days + 1}天，与原文“{total[0]}”不符，请核对原文")
            i += 2
            continue
        days += _weekend_joined(d) if "与周末连休" in sentence[end:] and i == 0 else [d]
        i += 1
    return days


def _workday_sentence(sentence: str, year: int) -> list[date]:
    head = sentence[:sentence.rindex("上班")]
    found = _dates(head, year, sentence)
    if not found:
        raise NoticeError(f"{_q(sentence)}：找不到上班日期，无法识别。请核对原文")
    rest = _DATE.sub("", head)
    if rest.strip("、,，和及"):
        raise NoticeError(f"{_q(sentence)}：无法识别（上班日期之间只应有顿号），请核对原文")
    for d, _, _ in found:
        if d.weekday() < 5:
            raise NoticeError(f"{_q(sentence)}：{d.month}月{d.day}日是星期{'一二三四五六日'[d.weekday()]}，"
                              f"调休上班日应是周六或周日，请核对原文")
    return [d for d, _, _ in found]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。;])", text) if s.strip("。;")]


def _arrangement(name: str, body: str, year: int) -> Arrangement:
    holidays: list[date] = []
    workdays: list[date] = []
    for sentence in _sentences(body):
        s = sentence.rstrip("。;")
        if "上班" in s and not ("放假" in s or "补休" in s):
            workdays += _workday_sentence(s, year)
        elif "放假" in s or "补休" in s:
            if "上班" in s:   # 放假…。上班 run together without a full stop
                cut = s.rindex("放假") if "放假" in s else s.rindex("补休")
                tail = s.index("。", cut) if "。" in s[cut:] else None
                if tail is None:
                    m = re.search(r"[,，](?=[^,，]*上班$)", s)
                    if not m:
                        raise NoticeError(f"{_q(s)}：无法识别，请核对原文")
                    tail = m.start()
                holidays += _holiday_sentence(s[:tail], year)
                workdays += _workday_sentence(s[tail + 1:], year)
            else:
                holidays += _holiday_sentence(s, year)
        # other sentences (鼓励…在除夕休息, 节假日期间…) are advice, not days
    if not holidays:
        raise NoticeError(f"{_q(name + '：' + body)}：找不到放假日期，无法识别。请核对原文")
    _check_year(name, body, year, holidays + workdays)
    overlap = sorted(set(holidays) & set(workdays))
    if overlap:
        raise NoticeError(f"{_q(name + '：' + body)}：{overlap[0].month}月{overlap[0].day}日既是放假日又是上班日，请核对原文")
    return Arrangement(name, tuple(sorted(set(holidays))), tuple(sorted(set(workdays))), f"{name}：{body}")


def _check_year(name: str, body: str, year: int, days: list[date]) -> None:
    for d in days:
        if not (d.year == year or (d.year == year - 1 and d.month == 12)):
            raise NoticeError(f"{_q(name + '：' + body)}：{d.isoformat()}不在{year}年，请核对原文")


def _check_balance(a: Arrangement, year: int) -> None:
    """Weekdays off minus make-up days = the days the law grants (a lost 上班 date shows here)."""
    names = a.name.split("、")
    granted = sum(law_days(n, year) for n in names)
    off = sum(1 for d in a.holidays if d.weekday() < 5)
    net = off - len(a.workdays)
    if net != granted:
        raise NoticeError(
            f"{_q(a.text)}：放假日中有{off}个工作日、调休上班{len(a.workdays)}天，相抵后放假{net}天，"
            f"与法定的{a.name}假期{granted}天不符——可能漏了或多了上班、放假日期，请核对原文")


# ---------------------------------------------------------------------------------------------
# Notices


def _header(text: str) -> tuple[str | None, int, str, str]:
    """(kind: None for the annual notice, 调整 or 延长; year; title; 文号)."""
    t = _TITLE.search(text)
    number = ""
    n = _NUMBER.search(text)
    if n:
        number = f"国办发明电〔{n[1]}〕{n[2]}号"
    if t:
        kind, year = t[1], int(t[2])
        title = unicodedata.normalize("NFKC", t[0])
        return kind, year, title, number
    y = _YEAR_IN_TEXT.search(text)
    if y:
        year = int(y[1])
        return None, year, f"国务院办公厅关于{year}年部分节假日安排的通知", number
    raise NoticeError("找不到通知的年份：标题应为“国务院办公厅关于X年部分节假日安排的通知”，或正文写明“现将X年元旦、春节……"
                      "放假调休日期的具体安排通知如下”。请复制通知全文（含标题）后重试")


def parse_notice(text: str) -> HolidayNotice:
    """The annual notice → the year's schedule. Raises NoticeError quoting what failed."""
    text = normalize(text)
    kind, year, title, number = _header(text)
    if kind is not None:
        raise NoticeError(f"“{title}”是对已公布安排的{kind}，请与当年的节假日安排通知一起导入（先导入原通知）")
    items = list(_ITEM.finditer(text))
    if not items:
        raise NoticeError(f"“{title}”中找不到“一、元旦：……”这样的放假安排，请复制通知全文后重试")
    arrangements: list[Arrangement] = []
    for i, m in enumerate(items):
        body = text[m.end(): items[i + 1].start() if i + 1 < len(items) else len(text)]
        end = _END.search(body)
        if end:
            body = body[:end.start()]
        a = _arrangement(m[1], body, year)
        _check_balance(a, year)
        arrangements.append(a)
    named = {n for a in arrangements for n in a.name.split("、")}
    missing = [f for f in FESTIVALS if f not in named]
    if missing:
        raise NoticeError(f"“{title}”中找不到{'、'.join(missing)}的放假安排，请复制通知全文后重试")
    _check_disjoint(arrangements)
    return HolidayNotice(year, number, title, tuple(arrangements))


def _check_disjoint(arrangements: list[Arrangement]) -> None:
    seen: dict[date, str] = {}
    for a in arrangements:
        for d in (*a.holidays, *a.workdays):
            if d in seen:
                raise NoticeError(f"{_q(a.text)}：{d.month}月{d.day}日已出现在{seen[d]}的安排中，请核对原文")
            seen[d] = a.name


_EXTEND = re.compile(r"延长(\d{4})年((?:%s))假期至" % "|".join(FESTIVALS))
_ADJUST_BODY = re.compile(r"(?:调整(?:安排)?(?:通知)?如下|调整为)[:：]?")


def amend(notice: HolidayNotice, text: str) -> HolidayNotice:
    """Apply a notice that adjusts (调整) or extends (延长) the year's published schedule."""
    text = normalize(text)
    kind, year, title, number = _header(text)
    if year != notice.year:
        raise NoticeError(f"“{title}”是{year}年的通知，与{notice.year}年的安排不是同一年")
    if kind is None:
        raise NoticeError(f"“{title}”不是调整或延长假期的通知")
    label = number or title
    if kind == "延长":
        m = _EXTEND.search(text)
        if not m:
            raise NoticeError(f"“{title}”中找不到“延长{year}年……假期至X月X日”，请核对原文")
        sentence = text[m.start():].split("。")[0]
        found = _dates(text[m.end():m.end() + 40], year)
        if not found:
            raise NoticeError(f"{_q(sentence)}：找不到延长到的日期，请核对原文")
        last = found[0][0]
        out = []
        hit = False
        for a in notice.arrangements:
            if m[2] in a.name.split("、"):
                hit = True
                start = max(a.holidays) + timedelta(days=1)
                added = _span(start, last) if last >= start else []
                a = Arrangement(a.name, tuple(sorted({*a.holidays, *added})),
                                tuple(d for d in a.workdays if not start <= d <= last), a.text)
            out.append(a)
        if not hit:
            raise NoticeError(f"{_q(sentence)}：{year}年的安排中没有{m[2]}")
        return HolidayNotice(notice.year, notice.number, notice.title, tuple(out), (*notice.amendments, label))
    # 调整: the body restates one festival's arrangement
    festival = next((f for f in FESTIVALS if f in title), None)
    body_start = _ADJUST_BODY.search(text)
    if festival is None or body_start is None:
        raise NoticeError(f"“{title}”中找不到调整后的安排（“……调整为：X月X日至X日放假调休，共X天。”），请核对原文")
    body = text[body_start.end():]
    end = _END.search(body)
    if end:
        body = body[:end.start()]
    replaced = False
    out = []
    for a in notice.arrangements:
        if festival in a.name.split("、"):
            a = _arrangement(a.name, body, year)
            _check_balance(a, year)
            replaced = True
        out.append(a)
    if not replaced:
        raise NoticeError(f"“{title}”：{year}年的安排中没有{festival}")
    _check_disjoint(out)
    return HolidayNotice(notice.year, notice.number, notice.title, tuple(out), (*notice.amendments, label))


def parse_notices(texts: list[str]) -> HolidayNotice:
    """The annual notice followed by any notices amending it, in order."""
    if not texts:
        raise NoticeError("没有通知文本")
    notice = parse_notice(texts[0])
    for text in texts[1:]:
        notice = amend(notice, text)
    return notice


def as_json_entry(notice: HolidayNotice) -> dict:
    """The year's entry of ``ledger/data/holidays.json``: days off as ranges of consecutive days,
    make-up days one by one (as the notice lists them)."""
    def ranges(days: tuple[date, ...]) -> list[str]:
        out: list[str] = []
        run: list[date] = []
        for d in sorted(days):
            if run and d == run[-1] + timedelta(days=1):
                run.append(d)
                continue
            if run:
                out.append(run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}")
            run = [d]
        if run:
            out.append(run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}")
        return out

    return {
        "source": notice.source,
        "holidays": {a.name: ranges(a.holidays) for a in notice.arrangements},
        "workdays": {a.name: [d.isoformat() for d in a.workdays] for a in notice.arrangements if a.workdays},
    }
