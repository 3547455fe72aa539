"""Append-only measurement events: every signal, decision and later outcome.

Nothing in the app updates or deletes an event; on PostgreSQL a trigger refuses it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventKind(models.TextChoices):
    SIGNAL_CREATED = "signal_created", "Signal created"
    RECOMMENDATION_CHANGED = "recommendation_changed", "Recommendation changed"
    REVIEWED = "reviewed", "Reviewed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    RETURNED = "returned", "Returned from deferral"
    OVERRIDDEN = "overridden", "Approved against the recommendation"
    REASSIGNED = "reassigned", "Reassigned"
    EXPIRED = "expired", "Expired"
    OUTREACH_SENT = "outreach_sent", "Outreach sent"
    CUSTOMER_RESPONDED = "customer_responded", "Customer responded"
    OPPORTUNITY_CREATED = "opportunity_created", "Expansion opportunity created"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"
    FALSE_POSITIVE = "false_positive", "Marked false positive"


class MeasurementEvent(models.Model):
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        "signals.Candidate", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The account's owner at that moment (dashboards slice by it).",
    )
    signal_type = models.CharField(max_length=20, blank=True)
    recommendation = models.CharField(max_length=12, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [
            # dashboards: events of a kind in a date range
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time"),
            # candidate history on the detail page
            models.Index(fields=["candidate", "occurred_at"], name="event_candidate_time"),
            # an owner's slice of the dashboard
            models.Index(fields=["owner", "kind", "occurred_at"], name="event_owner_kind_time"),
            # outreach cool-down per account
            models.Index(fields=["account", "kind", "occurred_at"], name="event_account_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"
