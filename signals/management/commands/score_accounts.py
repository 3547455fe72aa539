import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Account
from signals.services import accounts_score


class Command(BaseCommand):
    help = "Detect, score and brief expansion candidates synchronously, as of a day (default today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--account", action="append", metavar="EXTERNAL_ID", default=[], help="score only this account (repeatable)"
        )
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="score as of this day, for reproducible runs")
        parser.add_argument(
            "--force",
            action="store_true",
            help="score every account, also those scored for this day whose inputs and rules did not change since",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of: not a date YYYY-MM-DD: {options['as_of']!r}") from None
        account_ids = None
        if options["account"]:
            found = dict(Account.objects.filter(external_id__in=options["account"]).values_list("external_id", "pk"))
            missing = [e for e in options["account"] if e not in found]
            if missing:
                raise CommandError(f"unknown account(s): {', '.join(missing)}")
            account_ids = list(found.values())
        summary = accounts_score(account_ids=account_ids, as_of=as_of, summarize=True, force=options["force"])
        for line in (a.line() for a in summary.per_account):
            self.stdout.write(line)
        self.stdout.write(
            f"Scored {summary.accounts} account(s) as of {summary.as_of}: {summary.created} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.expired} expired candidate(s)."
            + (
                f" {summary.skipped} account(s) not scored again: same day, rules and inputs as their last scoring "
                "(--force scores them)."
                if summary.skipped
                else ""
            )
        )
