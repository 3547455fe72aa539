"""Rules added to the defaults in session 5, for installs seeded before them: the conflict
rule for a bare threat to leave ("if it isn't fixed by Friday we will cancel."), and two
negations (the renewal price of the current plan; a friend's company asking). Only added
when not stored yet; an admin's own rules are never changed."""

from django.db import migrations

NAMES = ("conflict.threat_cancel", "neg.renewal_price", "neg.friend_uses_you")


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
    dependencies = [("signals", "0015_candidate_cohort_index")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
