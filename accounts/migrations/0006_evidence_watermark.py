"""The evidence watermark and the departments' first days, kept by the database.

Every write to an account's evidence (usage, tickets, messages, outcomes, contacts)
bumps its `EvidenceWatermark` in the same statement's transaction, whatever wrote it:
the importer (COPY and its merge), the API, the admin, the demo, a bulk `update()` or
plain SQL. The rescore's skip (signals/engine/inputs.py) compares the watermark instead
of summing every row's `updated_at` over the whole history. Every write to usage keeps
`DepartmentFirstUse` (the first day per account and department), so a new department is
found from a few rows instead of the history (signals/engine/facts.py).

PostgreSQL: statement-level triggers with transition tables (one statement per write,
however many rows: an import of a million rows adds two grouped upserts). SQLite (the
embedded default): row-level triggers with the same effect. A deletion only bumps an
existing watermark (an account being deleted may have lost its row already: Django
deletes the account's dependants before it); every insert creates the row, and the
backfill below creates it for the evidence already stored.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

EVIDENCE_TABLES = (
    "accounts_usagedaily",
    "accounts_ticket",
    "accounts_interaction",
    "accounts_outcome",
    "accounts_contact",
)
USAGE = "accounts_usagedaily"
MARK = "accounts_evidencewatermark"
FIRSTS = "accounts_departmentfirstuse"

_BUMP = f"""INSERT INTO {MARK} AS w (account_id, version)
            SELECT account_id, 1 FROM ({{ids}}) AS touched GROUP BY account_id ORDER BY account_id
            ON CONFLICT (account_id) DO UPDATE SET version = w.version + 1"""
# The first day of each (account, department) key, read again from usage: a key with no
# reading left loses its row. Each key is one index range scan (the natural key leads
# with account_id).
_REFRESH = f"""WITH keys AS ({{keys}}),
            firsts AS (
                SELECT k.account_id, k.department,
                       (SELECT MIN(u.date) FROM {USAGE} u
                        WHERE u.account_id = k.account_id AND u.department = k.department) AS first_on
                FROM keys k
            ),
            gone AS (
                DELETE FROM {FIRSTS} f USING firsts
                WHERE firsts.first_on IS NULL AND f.account_id = firsts.account_id
                  AND f.department = firsts.department
            )
            INSERT INTO {FIRSTS} AS f (account_id, department, first_on)
            SELECT account_id, department, first_on FROM firsts WHERE first_on IS NOT NULL
            ORDER BY account_id, department
            ON CONFLICT (account_id, department) DO UPDATE SET first_on = EXCLUDED.first_on"""

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION accounts_evidence_touch() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_BUMP.format(ids="SELECT account_id FROM new_rows")};
    ELSIF TG_OP = 'UPDATE' THEN
        {_BUMP.format(ids="SELECT account_id FROM new_rows UNION ALL SELECT account_id FROM old_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {MARK} AS w SET version = w.version + 1
        FROM (SELECT DISTINCT account_id FROM old_rows) AS touched WHERE w.account_id = touched.account_id;
    ELSE  -- TRUNCATE: every account may have lost evidence
        UPDATE {MARK} SET version = version + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    f"""
CREATE OR REPLACE FUNCTION accounts_usage_departments() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- one pass over the new rows for both tables (usage has no insert trigger of
        -- accounts_evidence_touch: the watermark is bumped here)
        WITH firsts AS (
            SELECT account_id, department, MIN(date) AS first_on FROM new_rows GROUP BY account_id, department
        ),
        marked AS (
            {_BUMP.format(ids="SELECT account_id FROM firsts")}
        )
        INSERT INTO {FIRSTS} AS f (account_id, department, first_on)
        SELECT account_id, department, first_on FROM firsts ORDER BY account_id, department
        ON CONFLICT (account_id, department) DO UPDATE SET first_on = EXCLUDED.first_on
        WHERE EXCLUDED.first_on < f.first_on;
    ELSIF TG_OP = 'UPDATE' THEN
        -- only rows whose account, department or day changed can move a first day
        {
        _REFRESH.format(
            keys='''SELECT o.account_id, o.department FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.account_id, o.department, o.date) IS DISTINCT FROM (n.account_id, n.department, n.date)
                  UNION
                  SELECT n.account_id, n.department FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.account_id, o.department, o.date) IS DISTINCT FROM (n.account_id, n.department, n.date)'''
        )
    };
    ELSIF TG_OP = 'DELETE' THEN
        {_REFRESH.format(keys="SELECT DISTINCT account_id, department FROM old_rows")};
    ELSE
        DELETE FROM {FIRSTS};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
]
for _table in EVIDENCE_TABLES:
    if _table != USAGE:  # usage's insert trigger below bumps the watermark in the same pass
        POSTGRES.append(
            f"""CREATE TRIGGER {_table}_mark_insert AFTER INSERT ON {_table} REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION accounts_evidence_touch()"""
        )
    POSTGRES += [
        f"""CREATE TRIGGER {_table}_mark_update AFTER UPDATE ON {_table}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION accounts_evidence_touch()""",
        f"""CREATE TRIGGER {_table}_mark_delete AFTER DELETE ON {_table} REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION accounts_evidence_touch()""",
        f"""CREATE TRIGGER {_table}_mark_truncate AFTER TRUNCATE ON {_table}
            FOR EACH STATEMENT EXECUTE FUNCTION accounts_evidence_touch()""",
    ]
POSTGRES += [
    f"""CREATE TRIGGER {USAGE}_firsts_insert AFTER INSERT ON {USAGE} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_usage_departments()""",
    f"""CREATE TRIGGER {USAGE}_firsts_update AFTER UPDATE ON {USAGE}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_usage_departments()""",
    f"""CREATE TRIGGER {USAGE}_firsts_delete AFTER DELETE ON {USAGE} REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_usage_departments()""",
    f"""CREATE TRIGGER {USAGE}_firsts_truncate AFTER TRUNCATE ON {USAGE}
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_usage_departments()""",
]
POSTGRES_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {_table}_mark_{op} ON {_table}"
        for _table in EVIDENCE_TABLES
        for op in ("insert", "update", "delete", "truncate")
    ),
    *(f"DROP TRIGGER IF EXISTS {USAGE}_firsts_{op} ON {USAGE}" for op in ("insert", "update", "delete", "truncate")),
    "DROP FUNCTION IF EXISTS accounts_evidence_touch()",
    "DROP FUNCTION IF EXISTS accounts_usage_departments()",
]


def _sqlite_bump(row: str) -> str:
    return (
        f"INSERT INTO {MARK} (account_id, version) VALUES ({row}.account_id, 1) "
        "ON CONFLICT (account_id) DO UPDATE SET version = version + 1;"
    )


def _sqlite_refresh(row: str) -> str:
    key = f"account_id = {row}.account_id AND department = {row}.department"
    return (
        f"DELETE FROM {FIRSTS} WHERE {key}; "
        f"INSERT INTO {FIRSTS} (account_id, department, first_on) "
        f"SELECT account_id, department, MIN(date) FROM {USAGE} WHERE {key} GROUP BY account_id, department;"
    )


SQLITE = []
for _table in EVIDENCE_TABLES:
    SQLITE += [
        f"CREATE TRIGGER {_table}_mark_insert AFTER INSERT ON {_table} BEGIN {_sqlite_bump('NEW')} END",
        f"CREATE TRIGGER {_table}_mark_update AFTER UPDATE ON {_table} "
        f"BEGIN {_sqlite_bump('NEW')} {_sqlite_bump('OLD')} END",
        f"CREATE TRIGGER {_table}_mark_delete AFTER DELETE ON {_table} "
        f"BEGIN UPDATE {MARK} SET version = version + 1 WHERE account_id = OLD.account_id; END",
    ]
SQLITE += [
    f"""CREATE TRIGGER {USAGE}_firsts_insert AFTER INSERT ON {USAGE} BEGIN
        INSERT INTO {FIRSTS} (account_id, department, first_on) VALUES (NEW.account_id, NEW.department, NEW.date)
        ON CONFLICT (account_id, department) DO UPDATE SET first_on = excluded.first_on
        WHERE excluded.first_on < first_on; END""",
    f"""CREATE TRIGGER {USAGE}_firsts_update AFTER UPDATE ON {USAGE}
        WHEN OLD.account_id IS NOT NEW.account_id OR OLD.department IS NOT NEW.department OR OLD.date IS NOT NEW.date
        BEGIN {_sqlite_refresh("OLD")} {_sqlite_refresh("NEW")} END""",
    f"CREATE TRIGGER {USAGE}_firsts_delete AFTER DELETE ON {USAGE} BEGIN {_sqlite_refresh('OLD')} END",
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {_table}_mark_{op}"
        for _table in EVIDENCE_TABLES
        for op in ("insert", "update", "delete")
    ),
    *(f"DROP TRIGGER IF EXISTS {USAGE}_firsts_{op}" for op in ("insert", "update", "delete")),
]
BACKFILL = [
    f"INSERT INTO {MARK} (account_id, version) SELECT DISTINCT account_id, 1 FROM ("
    + " UNION ".join(f"SELECT account_id FROM {t}" for t in EVIDENCE_TABLES)
    + ") AS evidence",
    f"INSERT INTO {FIRSTS} (account_id, department, first_on) "
    f"SELECT account_id, department, MIN(date) FROM {USAGE} GROUP BY account_id, department",
]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for sql in [*BACKFILL, *(POSTGRES if vendor == "postgresql" else SQLITE)]:
        schema_editor.execute(sql, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_texts_opt_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceWatermark",
            fields=[
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="accounts.account",
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="DepartmentFirstUse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("department", models.CharField(blank=True, default="", max_length=200)),
                ("first_on", models.DateField()),
                (
                    "account",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.account",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("account", "department"), name="department_first_use_key")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
