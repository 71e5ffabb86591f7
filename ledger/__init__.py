"""督办台账 — the weekly batch for a county 督查室's 一单四制 task ledger.

The package is a library; `ledger.cli` is the thin command line on top of it. A weekly run
(`batch.run_weekly`, top to bottom) is, layer by layer (lower never imports higher —
tests/test_layers.py):

    xlsx/      the lossless zip/XML patcher: the only code that writes the clerk's workbook
    core/      records, vocabulary (Color, State), problems and their catalogue, dates, calendar
    reading/   workbook → Params, UnitDirectory, Notice log, TaskBook (rows carry their problems)
    rules/     deadline D on the working-day calendar → the one escalation ladder → Evaluation
    figures/   weekly and period statistics from the evaluations and the log
    rendering/ 督办单, 周汇总, 通报 as docx/HTML from the (clerk-overridable) Jinja templates
    top level  pipeline (read + evaluate), outputs (staging, publish), writeback (the commit),
               workbook_io (lock, backup, atomic replace), batch (the stories), cli (the edge)
"""

__version__ = "0.1.0"
