"""The evidence watermark's triggers exist on every evidence table after migrating, on
either database (SQLite loses a table's triggers whenever a migration rebuilds it)."""

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db

TABLES = ("accounts_usagedaily", "accounts_ticket", "accounts_interaction", "accounts_outcome", "accounts_contact")


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {(table, name) for table, name in cursor.fetchall()}


def test_every_evidence_table_bumps_the_watermark() -> None:
    found = _triggers()
    for table in TABLES:
        assert (table, f"{table}_mark_delete") in found, (table, sorted(found))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps triggers when it alters a table")
def test_a_lost_trigger_comes_back_at_the_next_migrate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER accounts_ticket_mark_insert")
    assert ("accounts_ticket", "accounts_ticket_mark_insert") not in _triggers()
    call_command("migrate", verbosity=0)
    assert ("accounts_ticket", "accounts_ticket_mark_insert") in _triggers()
