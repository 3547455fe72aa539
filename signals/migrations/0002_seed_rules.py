"""A fresh install starts from the contract's defaults and the classifier's phrase rules."""

from django.db import migrations


def seed(apps, schema_editor):
    from signals.classifier import DEFAULT_PHRASE_RULES
    from signals.rules import RULE_SPECS

    Rule = apps.get_model("signals", "Rule")
    PhraseRule = apps.get_model("signals", "PhraseRule")
    for spec in RULE_SPECS:
        Rule.objects.get_or_create(key=spec.key, segment="", defaults={"value": spec.default})
    for spec in DEFAULT_PHRASE_RULES:
        PhraseRule.objects.get_or_create(
            name=spec.name,
            defaults={
                "pattern": spec.pattern,
                "kind": spec.kind,
                "signal_type": spec.signal_type,
                "conflict": spec.conflict,
                "weight": spec.weight,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
