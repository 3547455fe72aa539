from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from measurement.models import MeasurementEvent, Pilot
from measurement.services import pilot_errors


@admin.register(MeasurementEvent)
class MeasurementEventAdmin(admin.ModelAdmin):
    """Read-only: events are append-only (a trigger refuses edits on PostgreSQL)."""

    list_display = ["occurred_at", "kind", "account", "candidate_id", "owner", "actor", "signal_type", "recommendation"]
    list_filter = ["kind", "signal_type", "recommendation"]
    search_fields = ["account__name", "account__external_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["account", "owner", "actor"]
    readonly_fields = [f.name for f in MeasurementEvent._meta.fields]
    show_full_result_count = False  # no COUNT(*) over millions of rows on every list page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MeasurementEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MeasurementEvent | None = None) -> bool:
        return False


class PilotForm(forms.ModelForm):
    class Meta:
        model = Pilot
        fields = [
            "name",
            "start_date",
            "duration_days",
            "threshold",
            "sample",
            "accounts",
            "segment",
            "top_n",
            "owner_team",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        errors = pilot_errors(
            sample=data.get("sample", ""),
            accounts=data.get("accounts") or [],
            segment=(data.get("segment") or "").strip(),
            top_n=data.get("top_n"),
            owner_team=data.get("owner_team") or [],
            duration_days=data.get("duration_days"),
            threshold=data.get("threshold"),
        )
        if errors:
            raise ValidationError({name: message for name, message in errors.items()})
        return data


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    form = PilotForm
    list_display = ["name", "start_date", "end_date", "sample_text", "threshold", "team_size"]
    search_fields = ["name"]
    filter_horizontal = ["owner_team"]
    autocomplete_fields = ["accounts"]
    readonly_fields = ["dashboard_link", "inserted_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "start_date", "duration_days", "threshold", "dashboard_link"]}),
        ("Sample: choose one kind and fill only its field", {"fields": ["sample", "accounts", "segment", "top_n"]}),
        ("Team", {"fields": ["owner_team"]}),
        ("Record", {"fields": ["inserted_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pilot]:
        return super().get_queryset(request).prefetch_related("owner_team")

    @admin.display(description="sample")
    def sample_text(self, obj: Pilot) -> str:
        if obj.sample == "segment":
            return f"Segment {obj.segment}"
        if obj.sample == "top_healthy":
            return f"Top {obj.top_n} healthy accounts by ARR"
        return "Listed accounts"

    @admin.display(description="team")
    def team_size(self, obj: Pilot) -> int:
        return len(obj.owner_team.all())

    @admin.display(description="dashboard")
    def dashboard_link(self, obj: Pilot) -> str:
        if not obj.pk:
            return "Save the pilot to open its dashboard."
        return format_html('<a href="/dashboard/?pilot={}">Open the pilot dashboard</a>', obj.pk)
