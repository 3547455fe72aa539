"""The rollup also holds each signal's standing rejections by reason code, so the
dashboard's rejection-reasons figure folds the rollup instead of reading the decisions.

The rows written before this column have no reasons: they are removed, and
`rollup_refresh` rebuilds them (a signal with no row is read live until then, so no
figure is wrong meanwhile)."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forget_rows(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("measurement", "SignalRollup").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0008_merge_20261130_0539"),
    ]

    operations = [
        migrations.AddField(
            model_name="signalrollup",
            name="rejections",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forget_rows, migrations.RunPython.noop),
    ]
