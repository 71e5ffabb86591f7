"""Figures counted from the evaluated tasks and the log: the weekly summary (weekly, plain Python)
and the period / annual statistics (stats, pandas)."""
