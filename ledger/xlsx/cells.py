"""Excel column letters ↔ 1-based indexes (A ↔ 1, AA ↔ 27): the one piece of cell addressing every
layer needs, kept here so the patcher imports nothing of the rest of the package."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """1-based column index → Excel letters (1 → A, 27 → AA)."""
    if index < 1:
        raise ValueError(index)
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters → 1-based column index (A → 1, AA → 27)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n
