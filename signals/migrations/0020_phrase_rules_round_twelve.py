"""Round 12: questions about more of the product that the rules did not read ("which plan has
advanced call routing?", "is job costing on every plan or only the fancy ones?", "can the
telehealth product be bought on its own?", "is there an extra I can buy that checks invoices?").
Three new signal rules, added when not stored yet; and "strip the translation add-on out of next
year's quote" read as a removal (conflict.take_off, neg.part_removed widened), updated only where
the stored pattern is still the one it shipped with. Stored readings carry the old rules' version
and are read again by the next classification run."""

from django.db import migrations

ADDED = ("tier.which_plan_has", "cross.standalone", "addon.buy_extra")

# name -> SHA-256 of the pattern the rule shipped with before round 12
PREVIOUS_PATTERNS = {
    "conflict.take_off": "72fd5ed57174aa89316663fd2cac6169e7175f5a0f1c6d79a0c8beb3fbef46a5",
    "neg.part_removed": "37241d83d49b1e410e70dfb34aa49ed05258d0a5dd3a5b0ee866c1f7e6c8ea70",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0019_phrase_rules_round_ten")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
