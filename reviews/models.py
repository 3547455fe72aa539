"""The owner's decisions on candidates. A decision row is written once and never edited;
the candidate's status says which decision is current."""

from django.conf import settings
from django.db import models

from core.models import TimestampedModel
from plays.records import PlayApplied
from signals.records import TypedJSONField


class DecisionKind(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    DEFER = "defer", "Deferred"


class RejectReason(models.TextChoices):
    FALSE_POSITIVE = "false_positive", "False positive: not an expansion signal"
    NO_VALUE_PROOF = "no_value_proof", "No value proof yet"
    BAD_TIMING = "bad_timing", "Bad timing"
    ALREADY_IN_PROGRESS = "already_in_progress", "Already in progress"
    DUPLICATE = "duplicate", "Duplicate of another candidate"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    OTHER = "other", "Other"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def standing(self) -> "DecisionQuerySet":
        """Decisions not taken back by the owner's Undo (an `undone` event names the
        decision it withdraws); every figure counts only these."""
        from django.db.models.fields.json import KeyTextTransform
        from django.db.models.functions import Cast

        from measurement.models import EventKind, MeasurementEvent

        undone = (
            MeasurementEvent.objects.filter(kind=EventKind.UNDONE)
            .annotate(decision_id=Cast(KeyTextTransform("decision", "data"), models.IntegerField()))
            .values("decision_id")
        )
        return self.exclude(pk__in=undone)


class Decision(models.Model):
    candidate = models.ForeignKey("signals.Candidate", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    recommendation = models.CharField(max_length=12, help_text="The engine's recommendation when decided.")
    # approve
    next_step = models.TextField(blank=True)
    next_step_who = models.CharField(max_length=200, blank=True)
    next_step_due = models.DateField(null=True, blank=True)
    consent_reviewed = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    # reject
    reason_code = models.CharField(max_length=30, choices=RejectReason.choices, blank=True)
    # defer
    defer_until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The play that applied when decided (a snapshot: per-play figures survive edits to plays).
    play = TypedJSONField(schema=PlayApplied | None, null=True, blank=True, default=None)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            # the latest decision of a candidate (detail page, monthly review)
            models.Index(fields=["candidate", "-decided_at"], name="decision_candidate_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.decided_by} on {self.decided_at:%Y-%m-%d}"


class SavedView(TimestampedModel):
    """A named set of queue filters, per user (the query string the queue understands)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        # one name per user; also serves listing a user's views on the queue
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_user_name")]

    def __str__(self) -> str:
        return self.name
