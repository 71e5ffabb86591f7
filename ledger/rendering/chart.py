"""The bar chart of 按时办结率 by unit in the 通报 (SPEC §4.2).

Drawn with matplotlib (imported lazily: the command line must start fast) in a CJK font found on
the machine — Noto Sans/Serif CJK (Debian fonts-noto-cjk), Source Han, Microsoft YaHei, SimHei,
SimSun, WenQuanYi … — after checking that the font really has a glyph for every character of every
label. Chinese labels must never print as empty boxes (tofu): when no font covers them, or
matplotlib is missing, `rate_chart_png` returns None and the documents fall back to `text_bars`, a
native table of unit names with bars drawn as █ runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

# Preferred families, first match wins (sans first: small chart labels read better without serifs).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei",
    "SimHei", "DengXian", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Serif CJK SC", "Source Han Serif SC",
    "SimSun", "NSimSun", "FangSong", "KaiTi", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN",
    "Arial Unicode MS",
)
BAR_CELLS = 20          # width of a text bar at 100 %
BAR_COLOR = "#1F4E9A"
LOW_COLOR = "#C00000"   # bars below the line the 通报 cares about
TARGET = 1.0            # seed 003: 按时办结率 100 %


@dataclass(frozen=True)
class TextBar:
    unit: str
    bar: str            # █ run, BAR_CELLS long at 100 %
    rate_text: str      # 87.5%
    low: bool           # below TARGET


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".0%", "%")


def text_bars(rows: list[tuple[str, float]]) -> list[TextBar]:
    """The fallback chart: one line per unit, a bar of █ proportional to the rate."""
    return [TextBar(unit, "█" * round(rate * BAR_CELLS) or "▏", rate_text(rate), rate < TARGET)
            for unit, rate in rows]


@lru_cache(maxsize=1)
def _cjk_candidates() -> tuple[str, ...]:
    """Font files of installed CJK families, in preference order."""
    try:
        from matplotlib import font_manager
    except ImportError:
        return ()
    by_name: dict[str, list[str]] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    files: list[str] = []
    for family in CJK_FAMILIES:
        regular = sorted(by_name.get(family, ()), key=lambda f: ("Bold" in f or "Light" in f, f))
        files += [f for f in regular if f not in files]
    return tuple(files)


def _covers(path: str, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in set(text) if not ch.isspace())


def find_cjk_font(text: str) -> str | None:
    """Path of an installed font with a glyph for every character of `text`, or None."""
    return next((path for path in _cjk_candidates() if _covers(path, text)), None)


def rate_chart_png(rows: list[tuple[str, float]], title: str = "") -> bytes | None:
    """A horizontal bar chart of (unit, rate 0…1) rows, top to bottom in the given order, as PNG;
    None when there is nothing to draw or no font can draw the labels (use `text_bars`)."""
    if not rows:
        return None
    labels = "".join(unit for unit, _ in rows) + title + "0123456789%."
    font_path = find_cjk_font(labels)      # None as well when matplotlib is not installed
    if font_path is None:
        return None
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font = font_manager.FontProperties(fname=font_path, size=10)
    n = len(rows)
    fig = Figure(figsize=(6.3, 1.0 + 0.34 * n), dpi=200)
    ax = fig.add_subplot()
    units = [u for u, _ in rows][::-1]
    values = [r * 100 for _, r in rows][::-1]
    bars = ax.barh(range(n), values, height=0.6,
                   color=[BAR_COLOR if v >= TARGET * 100 else LOW_COLOR for v in values])
    for bar, v in zip(bars, values):
        ax.text(min(v, 100) + 1.2, bar.get_y() + bar.get_height() / 2, rate_text(v / 100),
                va="center", ha="left", fontproperties=font)
    ax.set_yticks(range(n), units, fontproperties=font)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20%", "40%", "60%", "80%", "100%"])
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.axvline(100, color="#7F7F7F", linewidth=0.6, linestyle="--")
    if title:
        ax.set_title(title, fontproperties=font_manager.FontProperties(fname=font_path, size=12))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.5)
    ax.set_axisbelow(True)
    fig.tight_layout()
    buffer = BytesIO()
    # no Software/date metadata: the same figures give the same bytes
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
