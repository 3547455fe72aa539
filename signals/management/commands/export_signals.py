import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals.models import Candidate
from signals.selectors import candidate_export_rows
from signals.vocabulary import CandidateStatus


class Command(BaseCommand):
    help = "Write candidate signals as JSON Lines on standard output (the contract's export object)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", action="append", metavar="EXTERNAL_ID", default=[])
        parser.add_argument(
            "--status",
            action="append",
            metavar="STATUS",
            default=[],
            help=f"one of {', '.join(CandidateStatus.values)} (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = [s for s in options["status"] if s not in CandidateStatus.values]
        if unknown:
            raise CommandError(f"unknown status {unknown[0]!r}; use {', '.join(CandidateStatus.values)}")
        qs = Candidate.objects.surfaced()  # the holdout is never surfaced, exports included
        if options["account"]:
            qs = qs.filter(account__external_id__in=options["account"])
        if options["status"]:
            qs = qs.filter(status__in=options["status"])
        for row in candidate_export_rows(queryset=qs):
            self.stdout.write(json.dumps(row, ensure_ascii=False))
