from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from signals.models import Candidate, PhraseRule, Rule
from signals.services import rules_changed


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["key", "segment", "value", "help", "updated_at"]
    list_filter = ["segment", "key"]
    search_fields = ["key", "segment", "note"]
    readonly_fields = ["help", "inserted_at", "updated_at"]
    fields = ["key", "segment", "value", "help", "note", "inserted_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Rule, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        count = rules_changed(segment=obj.segment)
        messages.info(request, f"Rescoring {count} account(s) with the new rule.")

    def delete_model(self, request: HttpRequest, obj: Rule) -> None:
        segment = obj.segment
        super().delete_model(request, obj)
        rules_changed(segment=segment)


@admin.register(PhraseRule)
class PhraseRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "signal_type", "conflict", "weight", "active", "updated_at"]
    list_filter = ["kind", "signal_type", "conflict", "active"]
    search_fields = ["name", "pattern", "note"]
    list_editable = ["active"]
    readonly_fields = ["inserted_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: PhraseRule, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        count = rules_changed(segment=None)
        messages.info(request, f"Customer texts will be read again and {count} account(s) rescored.")

    def delete_model(self, request: HttpRequest, obj: PhraseRule) -> None:
        super().delete_model(request, obj)
        rules_changed(segment=None)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["account", "signal_type", "intent", "recommendation", "score", "status", "first_detected_on",
                    "scored_on"]
    list_filter = ["status", "recommendation", "signal_type", "intent", "no_owner"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account"]
    raw_id_fields = ["account", "decided_by"]
    readonly_fields = [f.name for f in Candidate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Candidate | None = None) -> bool:
        # Candidates change through the engine and the owner's decisions only.
        return False


