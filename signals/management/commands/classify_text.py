import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from signals.feedback import classify_readings
from signals.services import phrase_rule_specs

BATCH = 2000


class Command(BaseCommand):
    help = (
        'Read JSON Lines {"id": ..., "text": ...} on standard input; write '
        '{"id", "signal_type", "intent", "confidence"} per line, in the same order.'
    )

    def handle(self, *args: Any, **options: Any) -> None:
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
            self.stdout.write(json.dumps({
                "id": item_id,
                "signal_type": result.signal_type,
                "intent": result.intent,
                "confidence": round(result.confidence, 4),
            }))
