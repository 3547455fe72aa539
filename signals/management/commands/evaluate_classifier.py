from typing import Any

from django.core.management.base import BaseCommand

from signals import classifier
from signals.services import phrase_rule_specs


class Command(BaseCommand):
    help = "Print precision, recall and the confusion matrix on the held-out set, with the current phrase rules."

    def handle(self, *args: Any, **options: Any) -> None:
        report = classifier.evaluate(phrase_rule_specs() or None)
        self.stdout.write(report.as_text())
