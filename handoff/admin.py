from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

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


# With no broker (`make run`), tasks run in the request and there is no beat: a delivery
# waiting for its retry is sent again only by "Send again". Said where it matters.
NO_WORKER = (
    "This server runs tasks in the request, with no worker and no beat: a failed delivery is not retried on "
    "its own. Use “Send again”, or run Redis with make worker and make beat (see the README)."
)


def _eager() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


class HandoffKindFilter(admin.SimpleListFilter):
    """By kind, offering only the events that are handed off (not every measurement kind)."""

    title = "kind"
    parameter_name = "kind"
    field = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return HANDOFF_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class DeliveryKindFilter(HandoffKindFilter):
    parameter_name = "message__kind"
    field = "message__kind"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "account", "candidate", "created_at", "key"]
    list_filter = [HandoffKindFilter]
    list_select_related = ["account"]
    search_fields = ["key", "account__external_id", "account__name"]
    readonly_fields = ["key", "kind", "event", "account", "candidate", "payload", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message", "endpoint", "status", "attempts", "last_status_code", "next_attempt", "delivered_at"]
    list_filter = ["status", "endpoint", DeliveryKindFilter]
    search_fields = ["message__key", "message__account__external_id"]
    list_select_related = ["message", "message__account", "endpoint"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Next attempt", ordering="next_attempt_at")
    def next_attempt(self, obj: Delivery) -> object:
        if _eager() and obj.status == DeliveryStatus.PENDING and obj.attempts:
            return "Needs a worker"
        return obj.next_attempt_at

    def _warn_without_worker(self, request: HttpRequest, deliveries: QuerySet[Delivery]) -> None:
        waiting = deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], attempts__gt=0)
        if _eager() and waiting.exists():
            messages.warning(request, NO_WORKER)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and isinstance(response, TemplateResponse):
            self._warn_without_worker(request, Delivery.objects.all())
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method == "GET" and object_id.isdigit():
            self._warn_without_worker(request, Delivery.objects.filter(pk=int(object_id)))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Send the selected deliveries again (same idempotency key)")
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = deliveries_resend(delivery_ids=ids, attempt_now=_eager())
        skipped = len(ids) - count
        delivered = count
        if _eager():
            # No broker: the attempt ran in this request, so say how it went, not "queued".
            delivered = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DELIVERED).count()
            text = ngettext("%(n)d delivery sent: %(ok)d delivered.", "%(n)d deliveries sent: %(ok)d delivered.", count)
            text %= {"n": count, "ok": delivered}
        else:
            text = ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", count) % {"n": count}
        if skipped:
            text += " " + ngettext(
                "%(n)d being sent right now was left alone.", "%(n)d being sent right now were left alone.", skipped
            ) % {"n": skipped}
        messages.success(request, text)
        if _eager() and delivered < count:
            messages.warning(request, NO_WORKER)


__all__ = ["DeliveryStatus"]
