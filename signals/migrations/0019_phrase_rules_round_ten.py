"""Round 10: requests to shrink or stop that the signal rules read as needs ("drop premium
support", "discontinue the fraud screening add on", "take the screening add-on off", "cutting
from 35 to 22 users", "is there a cut-down edition?", "the one below"). One new negation
(neg.lower_edition), one for numbered releases ("the 4.6 upgrade of the QuickBooks
connector", neg.version_number) and six rules widened. New rules are added when not stored yet; a changed
rule is updated only where its stored pattern is still the one it shipped with. Stored readings
carry the old rules' version and are read again by the next classification run."""

from django.db import migrations

ADDED = ("neg.lower_edition", "neg.version_number")

# name -> SHA-256 of the pattern the rule shipped with before round 10
PREVIOUS_PATTERNS = {
    "conflict.reduce": "bac2feedab408d3ad5f46fae46d22b77c4e9c26379e48b2f7baaa900eb4e6e80",
    "conflict.remove_part": "fa3fd1d8b6391c2fff1bcfa9bb1d578622b1101ce4d4da7b7efdd9e09727c1de",
    "conflict.take_off": "4bc10a48f78acc139d2bfc53c94ddd37ba520c9cfe286e9a1074bcc30d430b11",
    "conflict.lower_plan": "763b4476bdd6c812c306e36d3aacd485c70e490bfe6e946e3ea761c40c227b43",
    "neg.reduce_request": "1a243fb3e55f58890e1c706388e8e6de3e8b344098df518ae84b8e467e8635c6",
    "neg.part_removed": "7e0a897e9a60d95fe73a6a4f74de6aeb8470da3df975d1b4a3f35bfe118622d2",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0018_phrase_rule_buying_date_word_end")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
