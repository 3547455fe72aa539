"""On PostgreSQL, refuse TRUNCATE of measurement events too.

The row-level trigger of 0002 refuses UPDATE and DELETE, but TRUNCATE fires no row
triggers, so it emptied the table in one statement. A statement-level trigger closes that
door. A deliberate reset (a test database being flushed between tests) opts in
explicitly for its own session or transaction with
`SET measurement.allow_truncate = 'on'`; nothing in the application does.
SQLite has no TRUNCATE.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION measurement_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('measurement.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'measurement events are append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER measurement_event_no_truncate
BEFORE TRUNCATE ON measurement_measurementevent
FOR EACH STATEMENT EXECUTE FUNCTION measurement_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS measurement_event_no_truncate ON measurement_measurementevent;
DROP FUNCTION IF EXISTS measurement_event_no_truncate();
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("measurement", "0005_defer_ticket_undone")]
    operations = [migrations.RunPython(forwards, backwards)]
