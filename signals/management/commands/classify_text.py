import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals.feedback import classify_readings
from signals.services import phrase_rule_specs

BATCH = 2000


class Command(BaseCommand):
    help = (
        'Read JSON Lines {"id": ..., "text": ...} on standard input; write '
        '{"id", "signal_type", "intent", "confidence"} per line, in the same order.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--explain",
            action="store_true",
            help="also write conflict, matched_rules, truncated and model_version",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.explain = options["explain"]
        specs = phrase_rule_specs()
        batch: list[tuple[Any, str]] = []
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{number}: line: not valid JSON ({exc.msg})") from None
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                raise CommandError(f"{number}: text: required, a string")
            batch.append((data.get("id"), data["text"]))
            if len(batch) >= BATCH:
                self._flush(batch, specs)
                batch = []
        if batch:
            self._flush(batch, specs)

    def _flush(self, batch: list[tuple[Any, str]], specs: tuple) -> None:
        _, results = classify_readings([text for _, text in batch], specs)  # the active model
        for (item_id, _), result in zip(batch, results, strict=True):
            line: dict[str, Any] = {
                "id": item_id,
                "signal_type": result.signal_type,
                "intent": result.intent,
                "confidence": round(result.confidence, 4),
            }
            if self.explain:
                line |= {
                    "conflict": result.conflict,
                    "matched_rules": list(result.matched_rules),
                    "truncated": result.truncated,
                    "model_version": result.model_version,
                }
            self.stdout.write(json.dumps(line))
