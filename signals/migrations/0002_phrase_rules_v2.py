"""Installs seeded before the classifier's second rule set get its new phrase rules.

Rules are matched by name. A missing default rule is added; a default rule whose
pattern is still the first release's is updated to the new pattern. Rules an admin
edited keep the admin's pattern.
"""

from django.db import migrations

FIRST_RELEASE_PATTERNS = {
    "seats.more_seats": "\\b(?:more|additional|extra|\\d+\\s+(?:more|additional|extra|another|new))\\s+(?:user\\s+)?(?:seats?|licen[cs]es?|users?|logins?|user accounts?|named users)\\b|\\banother\\s+\\d+\\b(?!\\s*(?:gb|tb|k\\b|m\\b|calls|credits|records|contacts|hours))",
    "neg.package_other_sense": "\\b(?:npm|python|pip|delivery|software)\\s+package\\b|\\bpackage (?:tracking|delivery)\\b|\\b(?:browser|chrome|jira|outlook|firefox|excel)\\s+add[- ]?on\\b|\\badd[- ]?on for (?:jira|chrome|outlook|excel|firefox)\\b|\\bpackage\\b.{0,30}\\b(?:python|environment|dependency|pin)\\b",
}


def forwards(apps, schema_editor):
    from signals.classifier import DEFAULT_PHRASE_RULES

    PhraseRule = apps.get_model("signals", "PhraseRule")
    if not PhraseRule.objects.exists():
        return  # a fresh install is seeded after migrate with the current defaults
    stored = {r.name: r for r in PhraseRule.objects.all()}
    for spec in DEFAULT_PHRASE_RULES:
        rule = stored.get(spec.name)
        if rule is None:
            PhraseRule.objects.create(
                name=spec.name,
                pattern=spec.pattern,
                kind=spec.kind,
                signal_type=spec.signal_type,
                conflict=spec.conflict,
                weight=spec.weight,
            )
        elif FIRST_RELEASE_PATTERNS.get(spec.name) == rule.pattern:
            rule.pattern = spec.pattern
            rule.save(update_fields=["pattern"])


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
