from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "failed_at", "exception", "retried_at"]
    list_filter = ["task_name"]
    search_fields = ["task_id", "exception"]
    readonly_fields = [f.name for f in FailedTask._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Run the selected tasks again")
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        from config.celery import app

        for failed in queryset:
            app.send_task(failed.task_name, args=failed.args, kwargs=failed.kwargs)
        count = queryset.update(retried_at=timezone.now())
        messages.success(request, f"{count} task(s) sent again.")
