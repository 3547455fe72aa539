import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from signals.services import ScoreSummary, accounts_score, deferrals_return


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = (
        "Detect, score and brief expansion candidates synchronously, and return deferred candidates "
        "whose date has come. As of another day than today it only shows what would change, "
        "unless --write is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--account", action="append", metavar="EXTERNAL_ID", default=[], help="score only this account (repeatable)"
        )
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="score as of this day; on a day other than today nothing is written without --write",
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="store a run as of another day than today (to replay a book day by day, in order): "
            "candidates it expires stay expired, whatever day is scored next",
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
        parser.add_argument(
            "--force",
            action="store_true",
            help="score every account, also those scored for this day whose inputs and rules did not change since",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().date()
        as_of = today
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of: not a date YYYY-MM-DD: {options['as_of']!r}") from None
        if options["write"] and options["dry_run"]:
            raise CommandError("--write and --dry-run contradict each other: choose one")
        # A run as of another day is a simulation: scoring the future expires candidates
        # whose window would have passed, scoring the past hides evidence not yet dated,
        # and an expiry is final. It is stored only when asked for.
        dry_run = options["dry_run"] or (as_of != today and not options["write"])
        account_ids = None
        if options["account"]:
            found = dict(Account.objects.filter(external_id__in=options["account"]).values_list("external_id", "pk"))
            missing = [e for e in options["account"] if e not in found]
            if missing:
                raise CommandError(f"unknown account(s): {', '.join(missing)}")
            account_ids = list(found.values())

        def run() -> tuple[ScoreSummary, int]:
            returned = deferrals_return(today=as_of, account_ids=account_ids)
            return accounts_score(
                account_ids=account_ids, as_of=as_of, summarize=True, force=options["force"]
            ), returned

        if dry_run:
            # everything in one transaction, rolled back: the exact run, then nothing of it
            try:
                with transaction.atomic():
                    summary, returned = run()
                    raise DryRun
            except DryRun:
                pass
        else:
            # a real run commits chunk by chunk, so owners' decisions never wait for the whole book
            summary, returned = run()
        for line in (a.line() for a in summary.per_account):
            self.stdout.write(line)
        counts = (
            f"{summary.created} new, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.expired} expired candidate(s), {returned} deferred candidate(s) returned"
        )
        if dry_run:
            self.stdout.write(
                f"Dry run as of {summary.as_of}, {summary.accounts} account(s): would be {counts}. "
                "Nothing was written"
                + (
                    " (a day other than today: add --write to store it; expiries are final)."
                    if as_of != today and not options["dry_run"]
                    else "."
                )
            )
        else:
            self.stdout.write(f"Scored {summary.accounts} account(s) as of {summary.as_of}: {counts}.")
        if summary.skipped:
            self.stdout.write(
                f"{summary.skipped} account(s) not scored again: same day, rules and inputs as their last "
                "scoring (--force scores them)."
            )
