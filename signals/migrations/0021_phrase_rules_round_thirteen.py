"""Round 13: what the customer already has or had done ("we paid for the onboarding package in
May and…", "the payments module we have", "the training sessions we booked", "we had 50 licences
added in Q1"), a refusal or a substitute ("instead of adding more storage…", "we don't want to
raise the cap", "please keep it at 10k", "why would we buy more seats…"), a prospect or an
outsider asking for prices, how a limit they have is defined, another team joining ("add our
Chicago team to the account") and services asked for without the service words ("could your
people run a session for our managers?"), and asks written in Dutch (and German phrasings the
other-language rules missed). New rules are added when not stored yet;
neg.support_data no longer reads "please revert with quotation" (Indian English for "reply") as a
support problem, updated only where the stored pattern is still the one it shipped with. The
other-language signal rules count twice as much (the statistical model knows little beyond
English, so a rule alone was outvoted by its "none": "Wir brauchen 5 zusätzliche Lizenzen" read
none), where an admin has not changed the rule's pattern or weight. Stored readings carry the
old rules' version and are read again by the next classification run."""

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
    "seats.intl_nl",
    "capacity.intl_nl",
    "tier.intl_nl",
    "addon.intl_interest",
    "scale.intl_nl_de",
    "volume.intl_nl_de",
    "neg.intl_nl_no_need",
)

# name -> the weight it shipped with before round 13 (the pattern is unchanged)
REWEIGHTED = {
    "seats.intl_more_users": 1.0,
    "capacity.intl_more_space": 1.0,
    "tier.intl_higher_plan": 1.0,
    "addon.intl_module": 1.0,
    "scale.intl_new_site": 1.0,
    "volume.intl_discount": 1.0,
    "cross.intl_interest": 0.7,
}

# name -> SHA-256 of the pattern the rule shipped with before round 13
PREVIOUS_PATTERNS = {
    "neg.support_data": "e898095a42950ae92959e2b6f3d68141891c24a9e0c26d8616ad3f33ccafb3d6",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)
    reweigh_unedited(phrase_rule)


def reweigh_unedited(phrase_rule):  # type: ignore[no-untyped-def]
    """The new weight of each REWEIGHTED rule whose stored pattern and weight are still the shipped ones."""
    from signals.classifier import DEFAULT_PHRASE_RULES

    current = {spec.name: spec for spec in DEFAULT_PHRASE_RULES}
    for rule in phrase_rule.objects.filter(name__in=list(REWEIGHTED)):
        spec = current[rule.name]
        if rule.pattern == spec.pattern and abs(rule.weight - REWEIGHTED[rule.name]) < 1e-9:
            rule.weight = spec.weight
            rule.save(update_fields=["weight"])


class Migration(migrations.Migration):
    dependencies = [("signals", "0020_phrase_rules_round_twelve")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
