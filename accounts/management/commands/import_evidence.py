import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts.importer import ImportFailed, evidence_import
from accounts.importer.readers import SourceError, read_path, source_format
from accounts.importer.schema import RECORD_TYPES
from accounts.importer.service import write_rejects


class Command(BaseCommand):
    help = (
        "Import evidence files (JSON Lines or CSV, docs/import-format.md). All or nothing unless "
        "--skip-invalid; importing the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid lines and write the invalid ones, with their reasons, to a rejects file",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument(
            "--type", choices=sorted(RECORD_TYPES), help="record type of CSV files without a `type` column"
        )
        parser.add_argument(
            "--rejects",
            metavar="FILE",
            help="where --skip-invalid writes rejected lines (default: FIRST_PATH.rejects.jsonl)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]]
        for path in paths:
            try:
                source_format(path)
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            if not path.is_file():
                raise CommandError(f"{path}: no such file")

        show = sys.stderr.isatty() and options["verbosity"] > 0
        # Counting is a read of every file: only for a bar someone sees.
        total_lines = sum(_count_lines(p) for p in paths) if show else None
        with tqdm(total=total_lines, unit=" lines", disable=not show, file=sys.stderr, desc="Reading") as bar:
            try:
                result = evidence_import(
                    sources=[read_path(p, options["type"]) for p in paths],
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                    channel="command",
                    source_names=[str(p) for p in paths],
                    progress=bar.update,
                )
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            except ImportFailed as failed:
                bar.close()
                for line in failed.result.error_lines():
                    self.stderr.write(line)
                raise CommandError(
                    f"{len(failed.result.rejected)} invalid line(s) in {failed.result.total}; nothing was written"
                ) from None

        if result.rejected:
            rejects = Path(options["rejects"] or f"{paths[0]}.rejects.jsonl")
            write_rejects(rejects, result)
            for line in result.error_lines():
                self.stderr.write(line)
            self.stderr.write(f"{len(result.rejected)} invalid line(s) written to {rejects}")
        prefix = "Dry run, nothing written. " if result.dry_run else ""
        self.stdout.write(f"{prefix}Read {result.total} record(s) from {len(paths)} file(s).")
        for line in result.summary_lines():
            self.stdout.write(line)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            count += block.count(b"\n")
    return count
