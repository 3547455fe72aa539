from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from accounts import models as m


class ExternalIdAdmin(admin.ModelAdmin):
    """External ids are the import format's natural keys: changing one here would
    make the next import create a duplicate."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and "external_id" not in readonly:
            readonly.append("external_id")
        return readonly + ["inserted_at", "updated_at"]


@admin.register(m.Account)
class AccountAdmin(ExternalIdAdmin):
    list_display = [
        "name",
        "external_id",
        "owner",
        "segment",
        "plan",
        "seats_purchased",
        "arr",
        "renewal_date",
        "health",
        "outreach_allowed",
    ]
    list_filter = ["segment", "plan", "health", "outreach_allowed", "owner"]
    search_fields = ["name", "external_id", "owner__email"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "renewal_date"


class EvidenceAdmin(ExternalIdAdmin):
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    search_fields = ["external_id", "account__name", "account__external_id"]


@admin.register(m.Contact)
class ContactAdmin(EvidenceAdmin):
    list_display = ["name", "external_id", "account", "title", "role", "department", "active"]
    list_filter = ["role", "active"]
    search_fields = [*EvidenceAdmin.search_fields, "name", "email"]


@admin.register(m.UsageDaily)
class UsageAdmin(admin.ModelAdmin):
    list_display = ["account", "metric", "date", "department", "value", "limit"]
    list_filter = ["metric", "date"]
    search_fields = ["account__name", "account__external_id", "metric"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    date_hierarchy = "date"
    show_full_result_count = False  # counting millions of rows on every page is slow


@admin.register(m.Ticket)
class TicketAdmin(EvidenceAdmin):
    list_display = ["external_id", "subject", "account", "status", "priority", "opened_at", "closed_at"]
    list_filter = ["status", "priority"]
    search_fields = [*EvidenceAdmin.search_fields, "subject"]
    raw_id_fields = ["account", "contact"]
    date_hierarchy = "opened_at"


@admin.register(m.Interaction)
class InteractionAdmin(EvidenceAdmin):
    list_display = ["external_id", "account", "channel", "direction", "occurred_at"]
    list_filter = ["channel", "direction"]
    search_fields = [*EvidenceAdmin.search_fields, "text"]
    raw_id_fields = ["account", "contact"]
    date_hierarchy = "occurred_at"


@admin.register(m.Outcome)
class OutcomeAdmin(EvidenceAdmin):
    list_display = ["title", "external_id", "account", "verified", "recorded_at"]
    list_filter = ["verified"]
    search_fields = [*EvidenceAdmin.search_fields, "title", "goal"]
    date_hierarchy = "recorded_at"


@admin.register(m.Note)
class NoteAdmin(EvidenceAdmin):
    list_display = ["external_id", "account", "author_email", "written_at"]
    search_fields = [*EvidenceAdmin.search_fields, "text"]
    date_hierarchy = "written_at"


@admin.register(m.Opportunity)
class OpportunityAdmin(EvidenceAdmin):
    list_display = ["name", "external_id", "account", "stage", "amount", "opened_at", "closed_at"]
    list_filter = ["stage"]
    search_fields = [*EvidenceAdmin.search_fields, "name", "signal_ref"]


@admin.register(m.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "channel", "status", "user", "error_count", "skip_invalid"]
    list_filter = ["channel", "status"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in m.ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: m.ImportRun | None = None) -> bool:
        return False
