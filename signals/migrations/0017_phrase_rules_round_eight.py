"""Round 8's default rules, for installs seeded before them: rules for customers who write in
Portuguese, Spanish, Italian, French, German, Polish or Japanese; three English signal rules
(a stated intent to upgrade, a limit set to a number, a seat true-up) and five negations (rate
in another sense, a person added to a contact list, a how-to question about what they have,
someone else's plan, what they already have); and eleven changed rules (the plan-direction
fixes, "we're happy where we are"). New rules are added when not stored yet; a changed rule is
updated only where its stored pattern is still the one it shipped with. Stored readings carry
the old rules' version and are read again by the next classification run."""

from django.db import migrations

ADDED = (
    "tier.will_upgrade",
    "capacity.set_to_number",
    "seats.true_up",
    "neg.rate_other_sense",
    "neg.contact_list",
    "neg.support_can_we",
    "neg.their_purchase",
    "neg.already_ours",
    "seats.intl_more_users",
    "capacity.intl_more_space",
    "tier.intl_higher_plan",
    "addon.intl_module",
    "cross.intl_interest",
    "scale.intl_new_site",
    "volume.intl_discount",
    "conflict.intl_reduce",
    "conflict.intl_cheaper",
    "conflict.intl_cancel",
    "conflict.intl_other_vendor",
    "neg.intl_no_need",
    "neg.intl_support",
    "neg.intl_already",
    "buying.intl_quote",
)

# name -> SHA-256 of the pattern the rule shipped with before round 8
PREVIOUS_PATTERNS = {
    "neg.fine_as_is": "45e5b1ba325c45823b842c00ab39888b2a2a003cd61cd9c9a40b9a31847a5f97",
    "tier.named_plan": "46e6f5fbd816c88d550504b38b46d258834024690b4701dee5bf1738481a8f3b",
    "tier.from_lower_to_higher": "ce9686619a3b60767361adcba58d1ea79bc7dede67561f248678cba4919d46fc",
    "cross.launched": "6e844b33a3632509cf2be6dfc6fc77a8fd541c77a77d4c792995271e3924a8b3",
    "tier.move_to_plan": "298e34dc9a4fadab7cdef5b198901c5b3fd3d7b99700d5baaaa7ea8d41cef88c",
    "tier.price_of_higher_plan": "ce28161105ff9739d60bf0b56e44a6f804864d179260b9d68ba6f34dbd5eac23",
    "tier.plan_as_version": "5531a66147e21a02590258679e8c81dc4cacd244947d5668aa206e30c9ccf515",
    "addon.services": "96a29305a6389b58af50bdf82d68879a45c1cdbfcbddb437f1ba149ec3bf3aa9",
    "conflict.lower_plan": "28d8ccb34c7abc54203010092a705878d45ffde6e8752ea565e3294ade3e4a22",
    "neg.downgrade_is_not_upgrade": "9f851ea1888f2161e44b958cbb11d057651e4a608af2c38efde1c8e5839275fb",
    "neg.upgrade_is_not_downgrade": "ce9686619a3b60767361adcba58d1ea79bc7dede67561f248678cba4919d46fc",
}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signals.phrase_rule_defaults import add_missing, update_unedited

    phrase_rule = apps.get_model("signals", "PhraseRule")
    add_missing(phrase_rule, ADDED)
    update_unedited(phrase_rule, PREVIOUS_PATTERNS)


class Migration(migrations.Migration):
    dependencies = [("signals", "0016_phrase_rule_cancel_threat")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
