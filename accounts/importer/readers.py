"""Turn files (JSON Lines or CSV) and API payloads into numbered raw records."""

import csv
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

CSV_SUFFIXES = {".csv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as it came in: where it stood, its text, and its parsed object (or why not)."""

    source: str
    line: int
    raw: str
    data: dict[str, Any] | None
    csv: bool = False
    parse_error: str = ""


class SourceError(Exception):
    """A whole source cannot be read (unknown file type, missing file, bad CSV header)."""


def source_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    raise SourceError(f"{path}: unknown file type {suffix or '(none)'}; use .jsonl or .csv")


def read_jsonl(name: str, stream: IO[str]) -> Iterator[RawRecord]:
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.lstrip("\ufeff")
        record = jsonl_record(name, number, line)
        if record is not None:
            yield record


def jsonl_record(name: str, number: int, line: str) -> RawRecord | None:
    """One line of a JSON Lines file as a raw record; None for a blank line."""
    stripped = line.strip()
    if not stripped:
        return None
    raw = line.rstrip("\r\n")
    try:
        # orjson: the same JSON, parsed several times faster than the standard library
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        return RawRecord(name, number, raw, None, parse_error=f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(data, dict):
        return RawRecord(name, number, raw, None, parse_error="each line must be a JSON object")
    duplicate = _duplicate_key(stripped, data)
    if duplicate is not None:
        return RawRecord(
            name, number, raw, None, parse_error=f"the key {duplicate!r} appears more than once in one object"
        )
    return RawRecord(name, number, raw, data)


# A JSON string, and whether a colon follows it (then it is a key). Outside strings JSON
# has no quote characters, so matching strings left to right finds every key exactly.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?')


def _count_keys(value: Any) -> int:
    # Iterative: a line may nest as deep as the JSON parser allows (1,024 levels).
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _duplicate_key(text: str, data: dict[str, Any]) -> str | None:
    """The first key that an object of this line repeats, or None.

    JSON parsers keep the last of a repeated key silently, so a line that says a ticket is
    both open and solved would import as whichever came last. Fewer keys in the parsed
    objects than in the text means a repeat; only then is the line parsed again to name it.
    """
    written = sum(1 for match in _JSON_STRING.finditer(text) if match.group(1))
    if written == _count_keys(data):
        return None
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and not found:
                found.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except RecursionError:
        return found[0] if found else "(a key nested too deep to name)"
    return found[0] if found else None


# Larger than any cell the format accepts (customer texts are refused above 200,000
# characters, with a line error naming the field), so the validator can say which field
# is too long; the csv module's default (131,072) would fail the whole row instead.
# It also bounds how far an unterminated quote can run before the row is given up.
MAX_CSV_CELL = 1_000_000


class _Lines:
    """The physical lines of a CSV file, numbered, for a strict `csv.reader`.

    The reader pulls as many lines as a record needs (a quoted cell may hold line
    breaks). When a record turns out to be invalid CSV, its first line is given up and
    the others are handed out again: an unterminated quote on one line then costs that
    line alone, not every line after it.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._again: deque[str] = deque()
        self.taken: list[str] = []
        self.exhausted = False
        self.number = 1  # the number of the first line of the record being read

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.popleft()
        else:
            read = next(self._stream, None)
            if read is None:
                self.exhausted = True
                raise StopIteration
            line = read
        self.taken.append(line)
        return line

    def text(self) -> str:
        return "".join(self.taken).rstrip("\r\n")

    def first(self) -> str:
        return self.taken[0].rstrip("\r\n") if self.taken else ""

    def accept(self) -> None:
        """The record read is done with: the next one starts after its last line."""
        self.number += len(self.taken)
        self.taken = []

    def give_up_first(self) -> None:
        """The record read is invalid: skip its first line and read the rest again."""
        self._again.extendleft(reversed(self.taken[1:]))
        self.number += 1
        self.taken = []
        self.exhausted = False


def _csv_problem(exc: csv.Error, lines: _Lines) -> str:
    spanned = len(lines.taken)
    if lines.exhausted and spanned:
        return "not valid CSV: unterminated quote (a quoted cell that starts on this line is never closed)"
    if "field larger than field limit" in str(exc):
        if spanned > 1:
            return (
                f"not valid CSV: unterminated quote (a quoted cell that starts on this line is not closed "
                f"within {MAX_CSV_CELL:,} characters)"
            )
        return f"not valid CSV: a cell is longer than {MAX_CSV_CELL:,} characters"
    if spanned > 1:
        return (
            f"not valid CSV: unterminated quote (a quoted cell that starts on this line runs into "
            f"line {lines.number + spanned - 1}: {exc})"
        )
    return f"not valid CSV ({exc})"


def read_csv(name: str, stream: IO[str], record_type: str | None) -> Iterator[RawRecord]:
    if csv.field_size_limit() < MAX_CSV_CELL:
        csv.field_size_limit(MAX_CSV_CELL)
    lines = _Lines(stream)
    # strict: a stray quote is an error for its row, never silently part of a cell
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise SourceError(f"{name}: the header row is not valid CSV ({exc})") from None
    lines.accept()
    header = [column.lstrip("\ufeff").strip() for column in header]
    if "type" not in header and not record_type:
        raise SourceError(f"{name}: no `type` column and no --type given for this CSV file")
    if len(set(header)) != len(header):
        raise SourceError(f"{name}: the header row names a column twice")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The record's first line is what is rejected (and kept as its raw text); the
            # lines after it are read again as records of their own.
            yield RawRecord(name, lines.number, lines.first(), None, csv=True, parse_error=_csv_problem(exc, lines))
            lines.give_up_first()
            continue
        start, raw = lines.number, lines.text()
        lines.accept()
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield RawRecord(
                name, start, raw, None, csv=True, parse_error=f"has {len(row)} columns, the header has {len(header)}"
            )
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=True):
            data[column] = cell if cell != "" else None
        if record_type and not data.get("type"):
            data["type"] = record_type
        yield RawRecord(name, start, raw, data, csv=True)


class PathSource:
    """A file to import: iterating it reads its records (again on every iteration).

    The importer's PostgreSQL path reads a JSON Lines file as bytes itself (see
    `service._stream_jsonl`) and reads it again only to quote the lines it rejects.
    """

    def __init__(self, path: Path, record_type: str | None = None) -> None:
        self.path = path
        self.record_type = record_type
        self.name = str(path)

    def __iter__(self) -> Iterator[RawRecord]:
        return _read_path(self.path, self.record_type)


def read_path(path: Path, record_type: str | None = None) -> PathSource:
    """The records of a file; a missing or unknown file fails when it is read (SourceError)."""
    return PathSource(path, record_type)


def _read_path(path: Path, record_type: str | None) -> Iterator[RawRecord]:
    kind = source_format(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    # utf-8-sig tolerates a byte-order mark; undecodable bytes are an error for the file.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            if kind == "csv":
                yield from read_csv(str(path), stream, record_type)
            else:
                yield from read_jsonl(str(path), stream)
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_objects(name: str, objects: Iterable[Any]) -> Iterator[RawRecord]:
    """API payloads: a list of objects, numbered from 1 like lines."""
    for number, data in enumerate(objects, start=1):
        raw = json.dumps(data, ensure_ascii=False, default=str)
        if not isinstance(data, dict):
            yield RawRecord(name, number, raw, None, parse_error="each record must be a JSON object")
            continue
        yield RawRecord(name, number, raw, data)
