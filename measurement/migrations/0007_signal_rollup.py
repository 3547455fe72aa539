"""The dashboard's per-signal rollup (measurement.rollup) and the triggers that keep it honest.

Every decision written, and every event that bears on a figure (an owner opening the
signal, a follow-up, a correction, an undo), adds a `RollupDirty` row for its candidate
in the same transaction, so a reader never uses a rollup row older than what it can see:
the figures read such signals live until `rollup_refresh` folds them in. Both PostgreSQL
and SQLite have row triggers with a WHEN condition; the nightly rescore's
`recommendation_changed` events (most of the stream) do not match it.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Must match measurement.rollup.FACT_KINDS (a test checks it).
FACT_KINDS = (
    "reviewed",
    "outreach_sent",
    "customer_responded",
    "opportunity_created",
    "closed_won",
    "follow_up_corrected",
    "undone",
)
_KINDS = ", ".join(f"'{k}'" for k in FACT_KINDS)
_MARK = "INSERT INTO measurement_rollupdirty (candidate_id) VALUES (NEW.candidate_id)"

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION measurement_rollup_mark() RETURNS trigger AS $$
BEGIN
    {_MARK};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    f"""
CREATE TRIGGER measurement_event_rollup AFTER INSERT ON measurement_measurementevent
FOR EACH ROW WHEN (NEW.candidate_id IS NOT NULL AND NEW.kind IN ({_KINDS}))
EXECUTE FUNCTION measurement_rollup_mark()""",
    """
CREATE TRIGGER reviews_decision_rollup AFTER INSERT OR UPDATE ON reviews_decision
FOR EACH ROW EXECUTE FUNCTION measurement_rollup_mark()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS measurement_event_rollup ON measurement_measurementevent",
    "DROP TRIGGER IF EXISTS reviews_decision_rollup ON reviews_decision",
    "DROP FUNCTION IF EXISTS measurement_rollup_mark()",
]
SQLITE = [
    f"""
CREATE TRIGGER measurement_event_rollup AFTER INSERT ON measurement_measurementevent
FOR EACH ROW WHEN NEW.candidate_id IS NOT NULL AND NEW.kind IN ({_KINDS})
BEGIN {_MARK}; END""",
    f"CREATE TRIGGER reviews_decision_rollup_insert AFTER INSERT ON reviews_decision BEGIN {_MARK}; END",
    f"CREATE TRIGGER reviews_decision_rollup_update AFTER UPDATE ON reviews_decision BEGIN {_MARK}; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS measurement_event_rollup",
    "DROP TRIGGER IF EXISTS reviews_decision_rollup_insert",
    "DROP TRIGGER IF EXISTS reviews_decision_rollup_update",
]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []:
        schema_editor.execute(sql, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0006_refuse_truncate"),
        ("signals", "0007_phrase_rules_second_round"),
        ("reviews", "0002_saved_views_duplicate"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupDirty",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("candidate_id", models.BigIntegerField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="SignalRollup",
            fields=[
                (
                    "candidate",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rollup",
                        serialize=False,
                        to="signals.candidate",
                    ),
                ),
                ("settled_at", models.DateTimeField(blank=True, null=True)),
                ("owner_review", models.BooleanField(default=False)),
                ("approved", models.BooleanField(default=False)),
                ("rejected", models.BooleanField(default=False)),
                ("false_positive", models.BooleanField(default=False)),
                ("next_action", models.BooleanField(default=False)),
                ("verdict", models.BooleanField(default=False)),
                ("first_decision_at", models.DateTimeField(blank=True, null=True)),
                ("outreach", models.BooleanField(default=False)),
                ("responded", models.BooleanField(default=False)),
                ("opportunity", models.BooleanField(default=False)),
                ("won", models.BooleanField(default=False)),
                ("won_amounts", models.JSONField(blank=True, default=dict)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
