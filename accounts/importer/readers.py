"""Turn files (JSON Lines or CSV) and API payloads into numbered raw records."""

import csv
import io
import json
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
        stripped = line.strip()
        if not stripped:
            continue
        raw = line.rstrip("\r\n")
        try:
            # orjson: the same JSON, parsed several times faster than the standard library
            data = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            yield RawRecord(name, number, raw, None, parse_error=f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(data, dict):
            yield RawRecord(name, number, raw, None, parse_error="each line must be a JSON object")
            continue
        yield RawRecord(name, number, raw, data)


def read_csv(name: str, stream: IO[str], record_type: str | None) -> Iterator[RawRecord]:
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise SourceError(f"{name}: the header row is not valid CSV ({exc})") from None
    header = [column.lstrip("\ufeff").strip() for column in header]
    if "type" not in header and not record_type:
        raise SourceError(f"{name}: no `type` column and no --type given for this CSV file")
    if len(set(header)) != len(header):
        raise SourceError(f"{name}: the header row names a column twice")
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRecord(name, line, "", None, csv=True, parse_error=f"not valid CSV ({exc})")
            return
        start, line = line, reader.line_num + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        raw = _csv_line(row)
        if len(row) != len(header):
            yield RawRecord(name, start, raw, None, csv=True,
                            parse_error=f"has {len(row)} columns, the header has {len(header)}")
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=True):
            data[column] = cell if cell != "" else None
        if record_type and not data.get("type"):
            data["type"] = record_type
        yield RawRecord(name, start, raw, data, csv=True)


def _csv_line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue()


def read_path(path: Path, record_type: str | None = None) -> Iterator[RawRecord]:
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
