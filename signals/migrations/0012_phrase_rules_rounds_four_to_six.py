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
    from signals.phrase_rule_defaults import add_missing

    add_missing(apps.get_model("signals", "PhraseRule"), NAMES)


class Migration(migrations.Migration):
    dependencies = [("signals", "0011_merge_0010_account_scoring_0010_rule_preview_run")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
