"""Train a classifier on the corpus plus owners' confirmed feedback; activate it only if
it is no worse on held-out writers than the active one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals.feedback import classifier_retrain


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--writers",
            nargs="*",
            metavar="WRITER",
            help="hold out only these writers when evaluating (default: every writer)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = classifier_retrain(writers=options["writers"] or None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.message)
