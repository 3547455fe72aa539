"""Round 12: questions about more of the product that the rules did not read ("which plan has
advanced call routing?", "is job costing on every plan or only the fancy ones?", "can the
telehealth product be bought on its own?", "is there an extra I can buy that checks invoices?").
Three new signal rules, added when not stored yet; nothing stored is changed. Stored readings
carry the old rules' version and are read again by the next classification run."""

from django.db import migrations

ADDED = ("tier.which_plan_has", "cross.standalone", "addon.buy_extra")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)


class Migration(migrations.Migration):
    dependencies = [("signals", "0019_phrase_rules_round_ten")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
