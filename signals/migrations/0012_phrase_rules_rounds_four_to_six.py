"""Phrase rules added to the classifier's defaults since the second round (rounds 4 to 6,
and the feature-request negation), for installs seeded before them: without this an
existing install kept reading with the old rules while a fresh one read with the new.
Only rules whose name is not stored yet are added; none is changed or re-added if an
admin had it before. Their definitions come from the code, as they are now."""

from django.db import migrations

NAMES = (
    "neg.completed",
    "neg.fine_as_is",
    "neg.will_ask_later",
    "neg.permission_setting",
    "neg.spending_limit",
    "neg.other_party",
    "neg.feature_request",
)


def add(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.classifier import DEFAULT_PHRASE_RULES

    PhraseRule = apps.get_model("signals", "PhraseRule")
    if not PhraseRule.objects.exists():
        return  # a fresh install is seeded whole after migrating (signals.services.rules_seed)
    stored = set(PhraseRule.objects.values_list("name", flat=True))
    PhraseRule.objects.bulk_create(
        [
            PhraseRule(
                name=spec.name,
                pattern=spec.pattern,
                kind=spec.kind,
                signal_type=spec.signal_type or "",
                conflict=spec.conflict or "",
                weight=spec.weight,
            )
            for spec in DEFAULT_PHRASE_RULES
            if spec.name in NAMES and spec.name not in stored
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("signals", "0011_merge_0010_account_scoring_0010_rule_preview_run")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
