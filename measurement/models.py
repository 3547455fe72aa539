"""Append-only measurement events: every signal, decision and later outcome.

Nothing in the app updates or deletes an event; on PostgreSQL a trigger refuses it.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import TimestampedModel


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
    NEW_EVIDENCE = "new_evidence", "New evidence since approval"
    FOLLOW_UP_CORRECTED = "follow_up_corrected", "Follow-up corrected"
    UNDONE = "undone", "Decision undone"
    HELD_OUT = "held_out", "Held out (proof of lift)"


# What the owner logs after an approval (a follow-up), in the order it usually happens.
FOLLOW_UP_KINDS: tuple[str, ...] = (
    EventKind.OUTREACH_SENT,
    EventKind.CUSTOMER_RESPONDED,
    EventKind.OPPORTUNITY_CREATED,
    EventKind.CLOSED_WON,
    EventKind.CLOSED_LOST,
)
CLOSING_KINDS: tuple[str, ...] = (EventKind.CLOSED_WON, EventKind.CLOSED_LOST)


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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The account's owner at that moment (dashboards slice by it).",
    )
    signal_type = models.CharField(max_length=20, blank=True)
    recommendation = models.CharField(max_length=12, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text="For a correction: the follow-up it withdraws (the figures leave that one out).",
    )

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


class PilotSample(models.TextChoices):
    ACCOUNTS = "accounts", "An explicit list of accounts"
    SEGMENT = "segment", "One segment"
    TOP_HEALTHY = "top_healthy", "Top N healthy accounts by ARR"


class Pilot(TimestampedModel):
    """A time-boxed pilot the CS leader judges against its threshold (configured in admin).

    The sample is evaluated when the dashboard is read: the chosen accounts, the
    segment, or the N accounts with health "good" and the highest ARR, always limited
    to accounts whose owner is on the pilot's team.
    """

    name = models.CharField(max_length=120, unique=True)
    start_date = models.DateField()
    duration_days = models.PositiveSmallIntegerField(default=60)
    sample = models.CharField(max_length=12, choices=PilotSample.choices, default=PilotSample.TOP_HEALTHY)
    accounts = models.ManyToManyField(
        "accounts.Account",
        blank=True,
        related_name="pilots",
        help_text="Only for an explicit sample: the accounts in the pilot.",
    )
    segment = models.CharField(max_length=50, blank=True, help_text="Only for a segment sample.")
    top_n = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="top N",
        help_text="Only for a top-N sample: how many healthy accounts, highest ARR first.",
    )
    owner_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="pilots",
        help_text="The account owners in the pilot; the sample is limited to their accounts.",
    )
    threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        help_text="Share of candidates accepted or rejected with an evidence-backed reason and a next action.",
    )

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def end_date(self) -> dt.date:
        """The last day of the pilot (inclusive)."""
        return self.start_date + dt.timedelta(days=self.duration_days - 1)


class SignalRollup(models.Model):
    """One signal's decision and follow-up facts, folded from its decisions and events
    (measurement.rollup): what `selectors.facts_for` would compute from them with no end
    date. The dashboard reads these instead of the event stream for every signal whose
    facts were settled before the end of its range (`settled_at`, the latest decision or
    fact-bearing event) and that has no newer event or decision (`RollupDirty`); the
    other signals it computes live, so the figures are always those of the live path."""

    candidate = models.OneToOneField(
        "signals.Candidate", primary_key=True, on_delete=models.CASCADE, related_name="rollup"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    owner_review = models.BooleanField(default=False)  # a decision, or opened by its owner
    approved = models.BooleanField(default=False)
    rejected = models.BooleanField(default=False)
    false_positive = models.BooleanField(default=False)
    next_action = models.BooleanField(default=False)
    verdict = models.BooleanField(default=False)  # an evidence-backed verdict, if the signal cites evidence
    first_decision_at = models.DateTimeField(null=True, blank=True)
    outreach = models.BooleanField(default=False)
    responded = models.BooleanField(default=False)
    opportunity = models.BooleanField(default=False)
    won = models.BooleanField(default=False)
    won_amounts = models.JSONField(default=dict, blank=True)  # {"USD": "1200.00"}
    rejections = models.JSONField(default=dict, blank=True)  # standing rejections by reason: {"false_positive": 1}

    def __str__(self) -> str:
        return f"Rollup of candidate {self.candidate_id}"


class RollupDirty(models.Model):
    """A signal whose rollup is behind: a database trigger adds a row, in the same
    transaction, for every decision and every fact-bearing event written (migration
    0007), and `rollup_refresh` removes the rows it has folded in."""

    candidate_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"Rollup of candidate {self.candidate_id} is behind"
