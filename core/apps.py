from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.roles import sync_role_permissions

        # Wiring only: permissions exist once every app has migrated.
        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")

        from celery.signals import task_failure

        from core.tasks import record_task_failure

        task_failure.connect(record_task_failure, dispatch_uid="core.record_task_failure", weak=False)
