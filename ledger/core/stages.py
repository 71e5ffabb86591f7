"""How far a run has got: named stages with a count of work done, for the console's progress bars.

The library never prints. The long loops (reading rows, evaluating tasks, rendering notices,
patching rows) call `advance()`; the CLI installs a reporter around the run with `reporting()`
and draws what it is told. With no reporter installed every call here is a cheap no-op, so tests
and library callers pay nothing. A context variable, not a parameter threaded through every
layer, carries the reporter: the loops that report are four calls deep in unrelated modules.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Protocol

EVERY = 500     # loops over rows report in steps of this many


class Reporter(Protocol):
    def begin(self, name: str, total: int | None) -> None: ...

    def total(self, total: int) -> None: ...

    def advance(self, n: int) -> None: ...

    def end(self) -> None: ...


_current: ContextVar[Reporter | None] = ContextVar("ledger_stage_reporter", default=None)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Send the stages of everything run inside the block to `reporter`."""
    token = _current.set(reporter)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[None]:
    """A named stage; `total` units of work when known (else set later, or never: a pulsing bar)."""
    reporter = _current.get()
    if reporter is None:
        yield
        return
    reporter.begin(name, total)
    try:
        yield
    finally:
        reporter.end()


def set_total(total: int) -> None:
    reporter = _current.get()
    if reporter is not None:
        reporter.total(total)


def advance(n: int = 1) -> None:
    reporter = _current.get()
    if reporter is not None and n:
        reporter.advance(n)
