"""The one CSV writer behind every CSV the app writes (the monthly review, the events
export, the dashboard's figures).

A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage
return or NUL as a formula, so an account name such as `=HYPERLINK(...)` would run
when a leader opens the export. Such cells get a leading single quote, the OWASP
remedy: spreadsheets show the text, and the quote tells a reader it was escaped.
Numbers stay numbers, including negative ones written as text (`-12.5`).
"""

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should see it: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable) -> SafeWriter:
    return SafeWriter(out)
