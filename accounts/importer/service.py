import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.importer.readers import PathSource, RawRecord, SourceError, jsonl_record, source_format
from accounts.importer.validate import (
    USAGE,
    LineError,
    Record,
    UsageRow,
    Validated,
    account_reference_error,
    clean_record,
    plain_block,
    plain_usage_block,
    plain_usage_line,
    rejected_reference_lines,
    resolve_references,
    usage_line,
)
from accounts.importer.writers import UsageStream, WriteResult, write_all
from accounts.models import ImportRun, ImportStatus

# Hooks run after a successful, committed import with the ids of accounts whose
# evidence changed (the signal engine registers its rescoring here).
_after_import: list[Callable[[set[int]], None]] = []


def register_after_import(hook: Callable[[set[int]], None]) -> None:
    if hook not in _after_import:
        _after_import.append(hook)


class ImportFailed(Exception):
    """Nothing was written: the import had invalid lines and --skip-invalid was not given."""

    def __init__(self, result: "ImportResult") -> None:
        super().__init__(f"{len(result.rejected)} invalid line(s); nothing was written")
        self.result = result


@dataclass
class ImportResult:
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    rejected: list[tuple[RawRecord, list[LineError]]] = field(default_factory=list)
    owners_created: list[str] = field(default_factory=list)
    changed_account_ids: set[int] = field(default_factory=set)
    dry_run: bool = False
    written: bool = False
    run_id: int | None = None

    def error_lines(self) -> list[str]:
        several = len({e.source for e in self.errors}) > 1
        return [e.format(with_source=several) for e in self.errors]

    def summary_lines(self) -> list[str]:
        lines = []
        for type_name, counts in self.counts.items():
            lines.append(
                f"{type_name}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        if self.owners_created:
            lines.append(f"owners: {len(self.owners_created)} new inactive user(s) for unknown e-mails")
        if self.rejected:
            lines.append(f"rejected: {len(self.rejected)} invalid line(s)")
        return lines


def evidence_import(
    *,
    sources: Iterable[Iterable[RawRecord]],
    skip_invalid: bool = False,
    dry_run: bool = False,
    channel: str = "command",
    source_names: list[str] | None = None,
    user_id: int | None = None,
    progress: Callable[[int], object] | None = None,
    fast_usage: bool | None = None,
) -> ImportResult:
    """Validate everything, then write it all in one transaction, or nothing.

    Raises ImportFailed (nothing written) when a line is invalid and skip_invalid is
    False. With skip_invalid the valid lines are written and the result carries the
    rejected ones with their reasons.

    On PostgreSQL (unless fast_usage is False) usage rows are not held in memory: they
    are streamed into a temporary table inside the import's transaction while the files
    are read, and that transaction is rolled back when any line is invalid.
    """
    stream_usage = connection.vendor == "postgresql" and fast_usage is not False
    if not stream_usage:
        batch = _validate(sources, progress)
        result = _result(batch, dry_run)
        if batch.errors and not skip_invalid:
            _record_run(result, ImportStatus.FAILED, channel, source_names, user_id, skip_invalid)
            raise ImportFailed(result)
        with transaction.atomic():
            _write(batch, result, None, channel, source_names, user_id, skip_invalid)
    else:
        with transaction.atomic():
            stream = UsageStream()
            try:
                batch = _validate(sources, progress, stream)
            finally:
                stream.abort()  # only when reading failed half-way; a no-op after finish()
            result = _result(batch, dry_run)
            failed = bool(batch.errors) and not skip_invalid
            if failed:
                transaction.set_rollback(True)
            else:
                _write(batch, result, stream, channel, source_names, user_id, skip_invalid)
        if failed:
            _record_run(result, ImportStatus.FAILED, channel, source_names, user_id, skip_invalid)
            raise ImportFailed(result)
    if dry_run:
        _record_run(result, ImportStatus.DRY_RUN, channel, source_names, user_id, skip_invalid)
    return result


def _result(batch: Validated, dry_run: bool) -> ImportResult:
    return ImportResult(total=batch.total, errors=batch.errors, rejected=batch.rejected, dry_run=dry_run)


def _write(
    batch: Validated,
    result: ImportResult,
    stream: UsageStream | None,
    channel: str,
    source_names: list[str] | None,
    user_id: int | None,
    skip_invalid: bool,
) -> None:
    """The body of the import's transaction once every line is read and checked."""
    written: WriteResult = write_all(batch, usage_stream=stream)
    result.counts = {name: counts.as_dict() for name, counts in written.counts.items()}
    result.owners_created = written.owners_created
    result.changed_account_ids = written.changed_account_ids
    if result.dry_run:
        transaction.set_rollback(True)
    else:
        result.written = True
        # Committed with the evidence, before the hooks run: a hook that hangs on the
        # broker, or a process killed during post-commit scoring, still leaves the run.
        _record_run(result, ImportStatus.SUCCEEDED, channel, source_names, user_id, skip_invalid)
        changed = set(written.changed_account_ids)
        for hook in _after_import:
            transaction.on_commit(partial(hook, changed))


def _validate(
    sources: Iterable[Iterable[RawRecord]],
    progress: Callable[[int], object] | None,
    stream: UsageStream | None = None,
) -> Validated:
    batch = Validated()
    pending: list[Record] = []
    names: dict[int, str] = {}
    kept: list[Iterable[RawRecord]] = []
    for index, source in enumerate(sources):
        kept.append(source)
        if stream is not None and isinstance(source, PathSource) and source_format(source.path) == "jsonl":
            names[index] = source.name
            _stream_jsonl(index, source, batch, pending, stream, progress)
            continue
        for raw in source:
            batch.total += 1
            names.setdefault(index, raw.source)
            _take(
                raw,
                clean_record(raw),
                index,
                None if isinstance(source, PathSource) else raw.raw,
                batch,
                pending,
                stream,
            )
            if progress is not None:
                progress(1)
    if stream is not None:
        stream.finish()  # before any other statement on the connection
    resolve_references(batch, pending)
    if stream is not None:
        _resolve_streamed(batch, stream, kept, names)
    batch.errors.sort(key=lambda e: (e.source, e.line))
    batch.rejected.sort(key=lambda item: (item[0].source, item[0].line))
    return batch


def _take(
    raw: RawRecord,
    cleaned: tuple[Record | None, list[LineError]],
    index: int,
    raw_text: str | None,
    batch: Validated,
    pending: list[Record],
    stream: UsageStream | None,
) -> None:
    record, errors = cleaned
    if record is None:  # refused: `errors` says why
        batch.errors.extend(errors)
        batch.rejected.append((raw, errors))
    elif stream is not None and record.type is USAGE:
        values = record.values
        row = (
            values["account"],
            values["metric"],
            values["date"],
            values.get("department") or "",
            values["value"],
            values.get("limit"),
            values.get("source") or USAGE.default_source,
        )
        stream.add(index, raw.line, row, raw_text)
    else:
        pending.append(record)


BLOCK_BYTES = 1 << 20


def _blocks(stream: IO[bytes]) -> Iterator[bytes]:
    """The file in blocks of whole lines, about BLOCK_BYTES each (a longer line is a block of its own)."""
    pieces: list[bytes] = []
    while chunk := stream.read(BLOCK_BYTES):
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pieces.append(chunk)
            continue
        pieces.append(chunk[:cut])
        yield b"".join(pieces)
        pieces = [chunk[cut:]] if cut < len(chunk) else []
    if pieces:
        yield b"".join(pieces)


def _decoded(row: UsageRow) -> UsageRow:
    return row


def _stream_jsonl(
    index: int,
    source: PathSource,
    batch: Validated,
    pending: list[Record],
    stream: UsageStream,
    progress: Callable[[int], object] | None,
) -> None:
    """Read a JSON Lines file as bytes: plain usage lines are checked in C and sent to the
    COPY block by block as they are read; every other line takes the general path, line by line.

    The file is read in blocks of lines; a block with no backslash, no whitespace before a
    colon and no carriage return anywhere skips those per-line checks (`plain_block`)."""
    name = source.name
    if not source.path.is_file():
        raise SourceError(f"{source.path}: no such file")
    number = records = streamed = 0
    # Each series' last date while no key has repeated (see UsageStream), checked inline.
    last = stream.last_dates
    # account -> its id when its rows go straight to the usage table, 0 when they are merged
    ids = stream.account_ids
    now = stream.now
    with source.path.open("rb") as file:
        for block in _blocks(file):
            before = number
            stream.begin_block()
            # a line's row, or None for the general path; or, for a block decoded at once, the row itself
            fast: Callable[[Any], UsageRow | None]
            lines: list[Any]
            if not plain_block(block):
                fast, lines = usage_line, io.BytesIO(block).readlines()
            elif (decoded := plain_usage_block(block)) is not None:
                fast, lines = _decoded, decoded  # the whole block decoded in one call: every line is a row
            else:
                fast, lines = plain_usage_line, block.splitlines(keepends=True)  # no \r: splits at \n only
            # The block's rows by where they go (COPY rows, ready to write), and those of
            # accounts not looked up yet: (line, row, whether it may go straight to usage).
            direct: list[tuple] = []
            merged: list[tuple] = []
            unknown: list[tuple[int, UsageRow, bool]] = []
            to_direct, to_merged = direct.append, merged.append
            line: Any
            for line in lines:
                number += 1
                row = fast(line)
                if row is not None:
                    if last is not None:
                        key, day = (row[0], row[1], row[3]), row[2]
                        previous = last.get(key)
                        if previous is not None and previous >= day:
                            last = stream.last_dates = None  # from here on every row is merged
                        else:
                            last[key] = day
                    account_id = ids.get(row[0])
                    if account_id is None:
                        unknown.append((number, row, last is not None))
                    elif account_id and last is not None:
                        account, metric, date, department, value, limit, source_name = row
                        to_direct((account_id, metric, date, department, value, limit, source_name, now, now))
                    else:
                        to_merged((index, number, *row, None))
                    continue
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise SourceError(f"{source.path}: not UTF-8 ({exc.reason} on line {number})") from None
                if number == 1:
                    text = text.lstrip("\ufeff")
                # A lone carriage return ends a line for the text reader too (universal newlines).
                parts = list(io.StringIO(text, newline="")) if "\r" in text.rstrip("\r\n") else [text]
                for offset, part in enumerate(parts):
                    raw = jsonl_record(name, number + offset, part)
                    if raw is not None:
                        records += 1
                        _take(raw, clean_record(raw), index, None, batch, pending, stream)
                number += len(parts) - 1
                last = stream.last_dates  # the general path may have seen a key repeat
            streamed += len(direct) + len(merged) + len(unknown)
            if unknown:
                stream.resolve({row[0] for _, row, _ in unknown})
                now = stream.now
                for line_number, row, may_go_direct in unknown:
                    account_id = ids[row[0]]
                    if account_id and may_go_direct:
                        account, metric, date, department, value, limit, source_name = row
                        to_direct((account_id, metric, date, department, value, limit, source_name, now, now))
                    else:
                        to_merged((index, line_number, *row, None))
            stream.add_block(index, direct, merged, before + 1, number)
            if last is not None and len(last) > stream.MAX_SERIES:
                last = stream.last_dates = None
            if progress is not None:
                progress(number - before)
    batch.total += streamed + records


def _resolve_streamed(
    batch: Validated, stream: UsageStream, sources: list[Iterable[RawRecord]], names: dict[int, str]
) -> None:
    """Usage rows whose account is neither stored nor valid in this import: a line error
    each, quoting the line (read again from its file: the stream keeps no raw text)."""
    valid_accounts = {rec.values["external_id"] for rec in batch.records.get("account", [])}
    merged, direct = stream.unresolved(valid_accounts)
    if not merged and not direct:
        return
    found: dict[tuple[int, int], tuple[str, str | None]] = {
        (src, line): (account, raw_text) for src, line, account, raw_text in merged
    }
    wanted: dict[int, set[int]] = {}
    for src, line, _account, raw_text in merged:
        if raw_text is None:
            wanted.setdefault(src, set()).add(line)
    texts: dict[tuple[int, int], str] = {}
    for src in sorted(wanted.keys() | (stream.direct_sources if direct else set())):
        lines = wanted.get(src, set())
        for raw in sources[src]:
            if raw.line in lines:
                texts[(src, raw.line)] = raw.raw
            elif direct and raw.data is not None and raw.data.get("account") in direct:
                # A row written straight to the usage table: the file is the only record of its line.
                record, _errors = clean_record(raw)
                if record is not None and record.type is USAGE and record.values["account"] in direct:
                    found[(src, raw.line)] = (record.values["account"], None)
                    texts[(src, raw.line)] = raw.raw
    rejected_lines = rejected_reference_lines(batch)
    for (src, line), (account, raw_text) in sorted(found.items()):
        error = LineError(names[src], line, "account", account_reference_error(account, rejected_lines))
        batch.errors.append(error)
        text = raw_text if raw_text is not None else texts.get((src, line), "")
        batch.rejected.append((RawRecord(names[src], line, text, None), [error]))


def _record_run(
    result: ImportResult,
    status: str,
    channel: str,
    source_names: list[str] | None,
    user_id: int | None,
    skip_invalid: bool,
) -> None:
    several = len({e.source for e in result.errors}) > 1
    run = ImportRun.objects.create(
        channel=channel,
        sources=source_names or [],
        user_id=user_id,
        status=status,
        skip_invalid=skip_invalid,
        counts=result.counts,
        error_count=len(result.errors),
        errors_sample=[e.format(with_source=several) for e in result.errors[:50]],
        finished_at=timezone.now(),
    )
    result.run_id = run.pk


def write_rejects(path: Path, result: ImportResult) -> None:
    """One JSON object a line: where the line stood, why it was rejected, and the line unchanged."""
    with path.open("w", encoding="utf-8") as out:
        for raw, errors in result.rejected:
            out.write(
                json.dumps(
                    {
                        "source": raw.source,
                        "line": raw.line,
                        "errors": [f"{e.field}: {e.reason}" for e in errors],
                        "raw": raw.raw,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
