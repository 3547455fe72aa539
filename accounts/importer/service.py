import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.importer.readers import RawRecord
from accounts.importer.validate import (
    LineError,
    Record,
    Validated,
    clean_record,
    resolve_references,
)
from accounts.importer.writers import WriteResult, write_all
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
    """
    batch = _validate(sources, progress)
    result = ImportResult(total=batch.total, errors=batch.errors, rejected=batch.rejected, dry_run=dry_run)
    if batch.errors and not skip_invalid:
        _record_run(result, ImportStatus.FAILED, channel, source_names, user_id, skip_invalid)
        raise ImportFailed(result)

    with transaction.atomic():
        written: WriteResult = write_all(batch, fast_usage=fast_usage)
        result.counts = {name: counts.as_dict() for name, counts in written.counts.items()}
        result.owners_created = written.owners_created
        result.changed_account_ids = written.changed_account_ids
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
            # Committed with the evidence, before the hooks run: a hook that hangs on the
            # broker, or a process killed during post-commit scoring, still leaves the run.
            _record_run(result, ImportStatus.SUCCEEDED, channel, source_names, user_id, skip_invalid)
            changed = set(written.changed_account_ids)
            for hook in _after_import:
                transaction.on_commit(partial(hook, changed))
    if dry_run:
        _record_run(result, ImportStatus.DRY_RUN, channel, source_names, user_id, skip_invalid)
    return result


def _validate(sources: Iterable[Iterable[RawRecord]], progress: Callable[[int], object] | None) -> Validated:
    batch = Validated()
    pending: list[Record] = []
    for source in sources:
        for raw in source:
            batch.total += 1
            record, errors = clean_record(raw)
            if record is None:  # refused: `errors` says why
                batch.errors.extend(errors)
                batch.rejected.append((raw, errors))
            else:
                pending.append(record)
            if progress is not None:
                progress(1)
    resolve_references(batch, pending)
    batch.errors.sort(key=lambda e: (e.source, e.line))
    batch.rejected.sort(key=lambda item: (item[0].source, item[0].line))
    return batch


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
