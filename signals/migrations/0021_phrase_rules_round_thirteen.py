"""Round 13: what the customer already has or had done ("we paid for the onboarding package in
May and…", "the payments module we have", "the training sessions we booked", "we had 50 licences
added in Q1"), a refusal or a substitute ("instead of adding more storage…", "we don't want to
raise the cap", "please keep it at 10k", "why would we buy more seats…"), a prospect or an
outsider asking for prices, how a limit they have is defined, another team joining ("add our
Chicago team to the account") and services asked for without the service words ("could your
people run a session for our managers?"). New rules are added when not stored yet;
neg.support_data no longer reads "please revert with quotation" (Indian English for "reply") as a
support problem, updated only where the stored pattern is still the one it shipped with. Stored
readings carry the old rules' version and are read again by the next classification run."""

from django.db import migrations

ADDED = (
    "neg.bought_it",
    "neg.one_we_have",
    "neg.done_for_us",
    "neg.prospect",
    "neg.instead_of",
    "neg.limit_definition",
    "scale.add_team",
    "addon.your_people_run",
)

# name -> SHA-256 of the pattern the rule shipped with before round 13
PREVIOUS_PATTERNS = {
    "neg.support_data": "e898095a42950ae92959e2b6f3d68141891c24a9e0c26d8616ad3f33ccafb3d6",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0020_phrase_rules_round_twelve")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
