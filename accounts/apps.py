from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and evidence"

    def ready(self) -> None:
        post_migrate.connect(evidence_triggers_ensure, sender=self)


def evidence_triggers_ensure(using: str = "default", **kwargs: Any) -> None:
    """On SQLite, put back any evidence-watermark trigger a later migration lost.

    SQLite changes a table by rebuilding it, which drops its triggers: a later AddField on
    usage, tickets, messages, outcomes or contacts would silently stop the watermark (and
    the rescore would skip accounts whose evidence changed). PostgreSQL alters tables in
    place and keeps them. Runs after every migrate; creates only what is missing."""
    import importlib

    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'accounts_evidencewatermark'")
        if cursor.fetchone() is None:
            return  # not migrated that far (or migrated back)
        migration = importlib.import_module("accounts.migrations.0006_evidence_watermark")
        for sql in migration.SQLITE:
            cursor.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
