"""督办台账 — the weekly batch for a county 督查室's 一单四制 task ledger.

The package is a library; `ledger.cli` is the thin command line on top of it.
"""

__version__ = "0.1.0"
