"""Round 9: the default rule buying.date ends at a word edge ("on Mondays", "this weekend" are
not dates to buy by). Its regex matched them, but the rule index (which runs a rule only when
one of its words is in the clause) skipped it there, so the rule fired on them or not depending
on what else the clause said. Updated only where the stored pattern is still the one it
shipped with; stored readings carry the old rules' version and are read again by the next
classification run."""

from django.db import migrations

# name -> SHA-256 of the pattern the rule shipped with before round 9
PREVIOUS_PATTERNS = {
    "buying.date": "d06484e3bb2665827f45398b215359fd9d073d8bcdb1d9ca16baca1ccb6de469",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import update_unedited

    update_unedited(apps.get_model("signals", "PhraseRule"), PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0017_phrase_rules_round_eight")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
