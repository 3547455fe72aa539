"""On PostgreSQL, refuse UPDATE and DELETE on measurement events at the database level.

TRUNCATE stays allowed: it is what test databases and a deliberate reset use, and no
application path issues it. SQLite (the embedded default) has no trigger here; the app
has no path that edits an event either way.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION measurement_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'measurement events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER measurement_event_append_only
BEFORE UPDATE OR DELETE ON measurement_measurementevent
FOR EACH ROW EXECUTE FUNCTION measurement_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS measurement_event_append_only ON measurement_measurementevent;
DROP FUNCTION IF EXISTS measurement_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("measurement", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
