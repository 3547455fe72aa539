"""Round 13: what the customer already has, said with the thing after the verb ("we paid for the
onboarding package in May and…", "we signed the order form for 6 additional users") or as "the
payments module we have" / "we have your SSO add-on". Two new negation rules, added when not
stored yet. Stored readings carry the old rules' version and are read again by the next
classification run."""

from django.db import migrations

ADDED = ("neg.bought_it", "neg.one_we_have")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing

    add_missing(apps.get_model("signals", "PhraseRule"), ADDED)


class Migration(migrations.Migration):
    dependencies = [("signals", "0020_phrase_rules_round_twelve")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
