"""Texts carry whether the customer refuses sales outreach in them (signals/consent.py).

New texts get it when they are classified; the texts already stored are read here once,
in batches (only the inbound ones: our own messages are not the customer's words), so a
refusal written before this release stops its account's candidates at the next rescore.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BATCH = 5000


def read_stored_texts(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from signals.consent import opt_out_found

    interaction = apps.get_model("accounts", "Interaction")
    ticket = apps.get_model("accounts", "Ticket")
    for model, fields, text_of in (
        (interaction, ("text",), lambda o: o.text),
        (ticket, ("subject", "body"), lambda o: f"{o.subject}. {o.body}"),
    ):
        qs = model.objects.all()
        if model is interaction:
            qs = qs.filter(direction="inbound")
        found = [o.pk for o in qs.only(*fields).iterator(chunk_size=BATCH) if opt_out_found(text_of(o))]
        for i in range(0, len(found), BATCH):
            model.objects.filter(pk__in=found[i : i + BATCH]).update(opt_out=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_usage_account_checked_by_the_importer"),
    ]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="opt_out",
            field=models.BooleanField(
                default=False, help_text="The customer refuses sales outreach in this text (signals/consent.py)."
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="opt_out",
            field=models.BooleanField(
                default=False, help_text="The customer refuses sales outreach in this text (signals/consent.py)."
            ),
        ),
        migrations.RunPython(read_stored_texts, migrations.RunPython.noop),
    ]
