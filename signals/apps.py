from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Expansion signals"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.importer.service import register_after_import
        from signals.services import rules_seed
        from signals.tasks import enqueue_scoring

        # Default rules exist after migrate and after a flush (test databases).
        post_migrate.connect(rules_seed, sender=self, dispatch_uid="signals.rules_seed")

        # New or changed evidence rescores its accounts, after the import commits.
        register_after_import(enqueue_scoring)
