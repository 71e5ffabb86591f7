"""参数设置: the office's own settings, read from the workbook (SPEC §2.5).

Missing keys take the defaults of `schema.PARAM_DEFAULTS` (seed 004). An unknown key or an
unreadable value is a problem naming the cell; such problems stop the run before any notice is
issued, because notices issued under a setting the clerk did not intend cannot be taken back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from ..core.dates import is_blank, normalize_text
from ..core import problems as P
from ..core.errors import Problem, RowRef
from .reader import Book, settings_sheet
from ..core.schema import PARAM_DEFAULTS, PARAM_HEADERS, PARAM_SHEET


@dataclass(frozen=True)
class Params:
    """Resolved parameters: every key of PARAM_DEFAULTS present, values typed."""

    values: Mapping[str, object] = field(default_factory=lambda: MappingProxyType(
        {k: v for k, (v, _, _) in PARAM_DEFAULTS.items()}))

    def __getitem__(self, key: str) -> object:
        return self.values[key]

    def int(self, key: str) -> int:
        return int(self.values[key])  # type: ignore[arg-type]

    @property
    def day_mode(self) -> str:
        return str(self.values["计日方式"])

    def grade_limit(self, grade: str) -> int:
        return self.int(f"{grade}时限")

    def signer(self, color: str) -> str:
        return str(self.values[f"{color}色签发"])

    def number_pattern(self, color: str) -> str:
        return str(self.values[f"{color}色编号"])

    @property
    def task_sheets(self) -> tuple[str, ...]:
        """参数“任务工作表”: the task sheets named by the clerk (empty: found automatically)."""
        text = str(self.values.get("任务工作表") or "")
        return tuple(n.strip() for n in re.split(r"[、,，;；\n]+", text) if n.strip())

    def with_values(self, **changes: object) -> "Params":
        merged = dict(self.values)
        merged.update(changes)
        return Params(MappingProxyType(merged))


DEFAULT_PARAMS = Params()

_TRUE = {"是", "true", "1", "y", "yes", "开", "打印", "√"}
_FALSE = {"否", "false", "0", "n", "no", "关", "不打印", "×", ""}
_INT = re.compile(r"^(\d+)(?:个)?(?:工作日|天|日|分|份|%)?$")


def _convert(key: str, raw: object) -> object:
    """Typed value for `key`, or raise ValueError with the hint to show."""
    default, kind, _ = PARAM_DEFAULTS[key]
    if kind == "text":
        return "" if is_blank(raw) else str(raw).strip()
    if kind == "pattern":
        text = str(raw).strip()
        if "{号}" not in text:
            raise ValueError("编号格式必须包含“{号}”（当年序号），可包含“{年}”，如 黄督〔{年}〕{号}号")
        return text
    if kind == "idpattern":
        text = str(raw).strip()
        try:
            sample = text.format(年=2026, 号=1)
        except (KeyError, IndexError, ValueError):
            sample = ""
        if "{号" not in text or not sample:
            raise ValueError("任务编号格式必须包含“{号}”或“{号:03d}”（当年序号），可包含“{年}”，如 DB{年}-{号:03d}")
        return text
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = normalize_text(raw).lower()
        if isinstance(raw, (int, float)):
            text = str(int(raw))
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("请填写“是”或“否”")
    if kind == "daymode":
        text = normalize_text(raw)
        if text in ("自然日", "工作日"):
            return text
        raise ValueError("请填写“自然日”或“工作日”")
    # days: a non-negative whole number
    if isinstance(raw, bool):
        raise ValueError("请填写不小于 0 的整数")
    if isinstance(raw, (int, float)):
        if raw >= 0 and float(raw).is_integer():
            return int(raw)
        raise ValueError("请填写不小于 0 的整数")
    m = _INT.match(normalize_text(raw))
    if m:
        return int(m[1])
    raise ValueError("请填写不小于 0 的整数")


def read_params(book: Book) -> tuple[Params, list[Problem]]:
    problems: list[Problem] = []
    aliases = {normalize_text(h): k for h, k in zip(PARAM_HEADERS, ("key", "value", "note"))}
    aliases.update({"参数名称": "key", "项目": "key", "参数值": "value", "设置值": "value", "备注": "note"})
    found = settings_sheet(book, PARAM_SHEET, aliases, {"key", "value"}, P.PARAM_NO_HEADER, problems)
    if found is None:
        return DEFAULT_PARAMS, problems
    sheet, header = found
    kcol, vcol = header.columns["key"], header.columns["value"]
    values = dict(DEFAULT_PARAMS.values)
    seen: dict[str, int] = {}
    known = {normalize_text(k): k for k in PARAM_DEFAULTS}
    for r in range(header.row + 1, sheet.max_row + 1):
        raw_key = sheet.value(r, kcol)
        if is_blank(raw_key):
            continue
        key = known.get(normalize_text(raw_key))
        ref = RowRef(sheet.name, r)
        if key is None:
            problems.append(ref.problem(P.PARAM_UNKNOWN, kcol, text=raw_key, hint=_suggest_key(normalize_text(raw_key))))
            continue
        if key in seen:
            problems.append(ref.problem(P.PARAM_DUPLICATE, kcol, key=key, first=seen[key]))
            continue
        seen[key] = r
        raw = sheet.value(r, vcol)
        if is_blank(raw) and PARAM_DEFAULTS[key][1] not in ("text",):
            continue  # empty value: the default applies
        try:
            values[key] = _convert(key, raw)
        except ValueError as exc:
            problems.append(ref.problem(P.PARAM_VALUE, vcol, key=key, text=raw, hint=exc))
    return Params(MappingProxyType(values)), problems


def _suggest_key(text: str) -> str:
    import difflib

    close = difflib.get_close_matches(text, list(PARAM_DEFAULTS), n=3, cutoff=0.4)
    if close:
        return "是否想填写：" + "、".join(f"“{c}”" for c in close)
    return "可用的参数见“参数设置”表说明，或删除这一行"
