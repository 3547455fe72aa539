from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals import classifier
from signals.classifier.corpus import load_writer_file
from signals.classifier.evaluation import build_report, tag_scores_text
from signals.services import phrase_rule_specs


class Command(BaseCommand):
    help = (
        "Leave-one-writer-out precision, recall, type and intent (per writer, pooled, per "
        "hard-case tag) with the current phrase rules; --heldout for the original writer's "
        "held-out report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--heldout",
            action="store_true",
            help="print the original writer's held-out report instead (a same-writer split)",
        )
        parser.add_argument(
            "--writer",
            action="append",
            default=[],
            help="hold out only this writer (repeatable); training still uses all the others",
        )
        parser.add_argument(
            "--errors",
            action="store_true",
            help="also list the misclassified messages of the held-out writers",
        )
        parser.add_argument(
            "--sealed",
            metavar="WRITER",
            help="score a sealed writer (corpus/sealed/WRITER.jsonl, never trained on) with the "
            "production model; read only its figures, never its texts, or it is no longer sealed",
        )
        parser.add_argument(
            "--file",
            metavar="PATH",
            help="score a labelled JSONL file of a writer the model never trained on (a new writer's "
            "file before it is copied into corpus/writers/) with the production model: the unseen-writer figure",
        )
        parser.add_argument(
            "--external",
            metavar="NAME",
            help="score a third-party set (corpus/external/NAME.jsonl, every line 'none', never trained "
            "on) with the production model: the share predicted as a signal (false positives)",
        )
        parser.add_argument(
            "--refit-decision",
            action="store_true",
            help="decide each held-out writer with a decision model fitted on the other writers' out-of-fold "
            "readings, not the shipped coefficients (which saw every writer): the stricter figure",
        )
        parser.add_argument(
            "--default-rules",
            action="store_true",
            help="use the shipped phrase rules rather than those in the database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = None if options["default_rules"] else (phrase_rule_specs() or None)
        if options["sealed"]:
            try:
                rows = classifier.load_corpus(f"sealed/{options['sealed']}")
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            predictions = classifier.classify_texts([r["text"] for r in rows], rules)
            self.stdout.write(build_report(f"sealed writer {options['sealed']}", rows, predictions).as_text())
            self.stdout.write("\n" + tag_scores_text(rows, predictions))
            return
        if options["file"]:
            try:
                rows = load_writer_file(Path(options["file"]))
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            predictions = classifier.classify_texts([r["text"] for r in rows], rules)
            self.stdout.write(build_report(f"unseen writer file {options['file']}", rows, predictions).as_text())
            self.stdout.write("\n" + tag_scores_text(rows, predictions))
            return
        if options["external"]:
            self._external(options["external"], rules, options["errors"])
            return
        if options["heldout"]:
            self.stdout.write(classifier.evaluate(rules).as_text())
            return
        try:
            result = classifier.evaluate_by_writer(
                rules, writers=options["writer"] or None, refit_decision=options["refit_decision"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.as_text())
        if options["errors"]:
            for writer, errors in result.errors.items():
                self.stdout.write(f"\nErrors of {writer} ({len(errors)}):")
                for row, prediction in errors:
                    self.stdout.write(
                        f"- true {row['signal_type']}/{row['intent']}/{row['conflict']}"
                        f" predicted {prediction.signal_type}/{prediction.intent}/"
                        f"{prediction.conflict} {prediction.confidence:.2f}"
                        f" [{', '.join(prediction.matched_rules)}]\n  {row['text']!r}"
                    )

    def _external(self, name: str, rules: Any, show_errors: bool) -> None:
        try:
            rows = classifier.load_corpus(f"external/{name}")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        predictions = classifier.classify_texts([r["text"] for r in rows], rules)
        negatives = [(r, p) for r, p in zip(rows, predictions, strict=True) if r["signal_type"] == "none"]
        false_signals = [(r, p) for r, p in negatives if p.signal_type != "none"]
        false_conflicts = [(r, p) for r, p in negatives if r["conflict"] is None and p.conflict is not None]
        share = len(false_signals) / len(negatives) if negatives else 0.0
        conflict_share = len(false_conflicts) / len(negatives) if negatives else 0.0
        self.stdout.write(
            f"External set {name} ({len(rows)} messages, {len(negatives)} labelled none; never trained on)\n"
            f"false positives (predicted as an expansion signal): {len(false_signals)} = {share:.1%}\n"
            f"false conflicts (a conflict on a message without one): {len(false_conflicts)} = {conflict_share:.1%}"
        )
        if show_errors:
            for row, prediction in false_signals + false_conflicts:
                self.stdout.write(
                    f"- [{row.get('source_category') or '-'}] predicted {prediction.signal_type}/"
                    f"{prediction.conflict} {prediction.confidence:.2f} [{', '.join(prediction.matched_rules)}]"
                    f"\n  {row['text']!r}"
                )
