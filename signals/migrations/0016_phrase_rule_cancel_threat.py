"""Rules added to the defaults in session 5, for installs seeded before them: the conflict
rule for a bare threat to leave ("if it isn't fixed by Friday we will cancel."), and two
negations (the renewal price of the current plan; a friend's company asking). Only added
when not stored yet; an admin's own rules are never changed."""

from django.db import migrations

NAMES = ("conflict.threat_cancel", "neg.renewal_price", "neg.friend_uses_you")


def add(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing

    add_missing(apps.get_model("signals", "PhraseRule"), NAMES)


class Migration(migrations.Migration):
    dependencies = [("signals", "0015_candidate_cohort_index")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
