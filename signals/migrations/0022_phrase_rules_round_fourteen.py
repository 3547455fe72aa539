"""Round 14: what a third stranger's messages showed. A count written as a word ("three more
licences") or in another language ("drei weitere Lizenzen") is as concrete as digits; "who do I
talk to about…", "who handles the contract" and "we'd buy 500k up front if…" are buying intent;
a date after a finished verb ("the rollout completed in March") is not a buying date, and a
rollout that finished on a date is done; "we want to stay on Starter" is staying put; "a second
sandbox" is an add-on; "we don't use you yet" and "we are not yet a customer" are a prospect; "passer à l'offre
Premium" is a higher plan; "we'll need the Projects module switched on for everyone" is an add-on. New rules are added when not stored yet; changed ones are updated only
where the stored pattern is still the one they shipped with (an admin's own version is kept).
Stored readings carry the old rules' version and are read again by the next classification
run."""

from django.db import migrations

ADDED = ("buying.intl_quantity", "addon.switch_on")

# name -> SHA-256 of the pattern the rule shipped with before round 14
PREVIOUS_PATTERNS = {
    "buying.quantity": "effb4e785a9f389b5657d5efbb9dc1d644f89a19dfa1e9daefd90fbf76a6aba9",
    "buying.request": "e30a352cccaf1e8f655517703ccf37c6df9103948d55e6fdae771c53e7babe3c",
    "buying.date": "3145ed50fc84faf37d0f50f994829ff4078d6a8b336fe32e361bbc431ebb2bfe",
    "neg.stay_put": "71e31ac5fc3e877647f70dfc06b4f9bb4579ab740209019d50235572c3bfe07b",
    "neg.completed": "325a1dee4a10a1cbeaf8574c722b4e9c593ea742cf6b72b7a0045446f97b46db",
    "addon.services": "0087aabc71e05f53e724c1e6d8398cd17727a7bceec096b7a43f977b51f0b4ce",
    "neg.prospect": "156eee262a7d7f8b272df38317157bdfe69d09e8d3485b0dbb00d3e8e10b42a0",
    "tier.intl_higher_plan": "b5f3aa032cec39f0dd4c3ed151c6b98cdc8dd5e40997701bf934ab75e59063bd",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0021_phrase_rules_round_thirteen")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
