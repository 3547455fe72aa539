from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from core.roles import signed_in
from signals.feedback import classifier_activate, feedback_confirm
from signals.models import (
    Candidate,
    ClassifierFeedback,
    ClassifierModel,
    FeedbackStatus,
    PhraseRule,
    Rule,
    RulePreviewRun,
)
from signals.preview import rule_preview_start
from signals.services import rules_changed

# A preview's page lists this many rows at most (the counts cover them all) and, while the
# task runs, reloads itself this often.
PREVIEW_ROWS_SHOWN = 1000
PREVIEW_REFRESH_SECONDS = 2


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

    def get_urls(self) -> list[URLPattern]:
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="signals_rule_preview"),
            path(
                "preview/<int:run_id>/",
                self.admin_site.admin_view(self.preview_run_view),
                name="signals_rule_preview_run",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The change form's "Preview" button: the proposed value is validated; a valid one
        starts a preview (a task assesses the accounts it applies to, without saving) and
        the admin is sent to its page; an invalid one is named here."""
        if request.method != "POST":
            return redirect("admin:signals_rule_changelist")
        rule_id = request.POST.get("_rule_id", "")
        obj = self.get_object(request, rule_id) if rule_id.isdigit() else None
        if rule_id and obj is None:
            raise Http404
        allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = self.get_form(request, obj, change=obj is not None)(request.POST, instance=obj)
        if form.is_valid():
            run = rule_preview_start(user=signed_in(request.user), proposed=form.instance)
            return redirect("admin:signals_rule_preview_run", run.pk)
        context = {
            **self._preview_context(request, obj.pk if obj else None),
            "form": form,
            "fields": [(name, request.POST.get(name, "")) for name in ("key", "segment", "value", "note")],
        }
        return TemplateResponse(request, "admin/signals/rule/preview.html", context)

    def preview_run_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """A preview's page: its progress until the task is done (the page refreshes
        itself), then what the change would touch, and the form that saves it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(RulePreviewRun, pk=run_id)
        rows = run.result.rows if run.result else []
        context = {
            **self._preview_context(request, run.rule_id),
            "run": run,
            "rows": rows[:PREVIEW_ROWS_SHOWN],
            "rows_not_shown": max(0, len(rows) - PREVIEW_ROWS_SHOWN),
            "fields": [("key", run.key), ("segment", run.segment), ("value", run.value), ("note", run.note)],
        }
        return TemplateResponse(request, "admin/signals/rule/preview.html", context)

    def _preview_context(self, request: HttpRequest, rule_id: int | None) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Preview a rule change",
            # Saving from the preview goes through the usual change form, with exactly these values.
            "save_url": reverse("admin:signals_rule_change", args=[rule_id])
            if rule_id
            else reverse("admin:signals_rule_add"),
            "refresh_seconds": PREVIEW_REFRESH_SECONDS,
        }

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
    list_display = [
        "account",
        "signal_type",
        "intent",
        "recommendation",
        "score",
        "status",
        "first_detected_on",
        "scored_on",
    ]
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


@admin.register(ClassifierFeedback)
class ClassifierFeedbackAdmin(admin.ModelAdmin):
    """Owners' false-positive rejections: confirm the correct label to teach the next model."""

    list_display = [
        "evidence_id",
        "excerpt",
        "predicted_type",
        "rules",
        "status",
        "label_type",
        "reported_by",
        "inserted_at",
    ]
    list_filter = ["status", "predicted_type", "label_type"]
    search_fields = ["evidence_id", "text"]
    list_select_related = ["reported_by"]
    readonly_fields = [
        "candidate",
        "evidence_id",
        "text",
        "predicted_type",
        "predicted_intent",
        "matched_rules",
        "model_version",
        "reported_by",
        "confirmed_by",
        "confirmed_at",
        "inserted_at",
    ]
    fields = ["status", "label_type", "label_intent", "label_conflict", *readonly_fields]
    actions = ["confirm_not_a_signal"]

    @admin.display(description="Text")
    def excerpt(self, obj: ClassifierFeedback) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    @admin.display(description="Phrase rules that fired")
    def rules(self, obj: ClassifierFeedback) -> str:
        return ", ".join(obj.matched_rules) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # feedback comes from owners' rejections

    def save_model(self, request: HttpRequest, obj: ClassifierFeedback, form: forms.ModelForm, change: bool) -> None:
        if obj.status == FeedbackStatus.CONFIRMED:
            feedback_confirm(
                feedback_id=obj.pk,
                user=signed_in(request.user),
                label_type=obj.label_type,
                label_intent=obj.label_intent,
                label_conflict=obj.label_conflict,
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Confirm: not an expansion signal")
    def confirm_not_a_signal(self, request: HttpRequest, queryset: QuerySet[ClassifierFeedback]) -> None:
        for item in queryset:
            feedback_confirm(feedback_id=item.pk, user=signed_in(request.user), label_type="none")
        messages.success(
            request,
            f"Confirmed {queryset.count()} item(s) as not an expansion signal. "
            "`manage.py retrain_classifier` (or the automatic retrain) will learn from them.",
        )


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """Every trained classifier version; activate an earlier one to roll back."""

    list_display = ["version", "status", "precision", "recall", "feedback_count", "created_at", "activated_at"]
    list_filter = ["status"]
    readonly_fields = ["version", "status", "evaluation", "baseline", "created_by", "created_at", "activated_at"]
    fields = [*readonly_fields, "note"]
    actions = ["activate", "use_corpus_only"]

    @admin.display(description="Precision (held-out writers)")
    def precision(self, obj: ClassifierModel) -> str:
        return f"{obj.evaluation.get('precision', 0):.3f} (was {obj.baseline.get('precision', 0):.3f})"

    @admin.display(description="Recall (held-out writers)")
    def recall(self, obj: ClassifierModel) -> str:
        return f"{obj.evaluation.get('recall', 0):.3f} (was {obj.baseline.get('recall', 0):.3f})"

    @admin.display(description="Feedback items")
    def feedback_count(self, obj: ClassifierModel) -> int:
        return obj.feedback.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models are trained by retrain_classifier

    @admin.action(description="Activate this version (roll back or forward)")
    def activate(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        if queryset.count() != 1:
            messages.error(request, "Choose exactly one version to activate.")
            return
        classifier_activate(model_id=queryset.get().pk)
        messages.success(request, "Activated. Every text is read again with it and every account rescored.")

    @admin.action(description="Use the corpus-only model (no owner feedback)")
    def use_corpus_only(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        classifier_activate(model_id=None)
        messages.success(request, "Back to the corpus-only model. Every text is read again and rescored.")
