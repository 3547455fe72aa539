from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Expansion signals"

    def ready(self) -> None:
        from accounts.importer.service import register_after_import
        from signals.tasks import enqueue_scoring

        # New or changed evidence rescores its accounts, after the import commits.
        register_after_import(enqueue_scoring)
