from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from digests import services
from digests.models import DigestPreference, DigestSent, DigestStatus


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "time_zone", "pilot_summary"]
    list_filter = ["frequency"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "period", "status", "attempts", "items", "sent_at", "next_attempt_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "user",
        "kind",
        "period",
        "due_at",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "items",
        "sent_at",
    ]
    actions = ["send_again"]

    @admin.action(description="Send again (failed, or left in flight by a stopped worker)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = list(queryset.filter(status__in=[DigestStatus.FAILED, DigestStatus.SENDING]).values_list("pk", flat=True))
        for pk in ids:
            services.digest_send_again(digest_id=pk)
        self.message_user(request, f"{len(ids)} digest(s) queued again.", messages.SUCCESS)
