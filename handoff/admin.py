from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from handoff.models import HANDOFF_CHOICES, Delivery, DeliveryStatus, Endpoint, OutboxMessage
from handoff.services import deliveries_resend


class EndpointForm(forms.ModelForm):
    event_kinds = forms.MultipleChoiceField(
        choices=HANDOFF_CHOICES, widget=forms.CheckboxSelectMultiple, help_text="The events this endpoint receives."
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "secret", "event_kinds", "active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "active", "updated_at"]
    list_filter = ["active"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("endpoint", "status", "attempts", "last_status_code", "last_attempt_at", "delivered_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "account", "candidate", "created_at", "key"]
    list_filter = ["kind"]
    search_fields = ["key", "account__external_id", "account__name"]
    readonly_fields = ["key", "kind", "event", "account", "candidate", "payload", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "endpoint", "message__kind"]
    search_fields = ["message__key", "message__account__external_id"]
    list_select_related = ["message", "endpoint"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Send the selected deliveries again (same idempotency key)")
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        messages.success(
            request,
            f"{count} delivery(ies) queued again."
            + (f" {skipped} being sent right now were left alone." if skipped else ""),
        )


__all__ = ["DeliveryStatus"]
