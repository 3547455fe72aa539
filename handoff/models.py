"""The transactional outbox: what leaves this app for the account team's systems.

A lifecycle action writes an `OutboxMessage` (and one `Delivery` per subscribed
endpoint) in the same transaction as its decision, so a rolled-back decision sends
nothing and a committed one is never lost: the delivery row waits in the database
until a worker has had a 2xx from the receiver.
"""

import secrets
import uuid

from django.db import models
from django.utils import timezone

from core.models import TimestampedModel
from measurement.models import EventKind

# What leaves the app: the approval, the owner's follow-ups and reassignments.
HANDOFF_KINDS: tuple[str, ...] = (
    EventKind.APPROVED,
    EventKind.OUTREACH_SENT,
    EventKind.CUSTOMER_RESPONDED,
    EventKind.OPPORTUNITY_CREATED,
    EventKind.CLOSED_WON,
    EventKind.CLOSED_LOST,
    EventKind.FOLLOW_UP_CORRECTED,
    EventKind.REASSIGNED,
)
HANDOFF_CHOICES = [(k, EventKind(k).label) for k in HANDOFF_KINDS]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def all_kinds() -> list[str]:
    return list(HANDOFF_KINDS)


class Endpoint(TimestampedModel):
    """A receiver an admin configured: a CRM integration, Zapier, an iPaaS flow..."""

    name = models.CharField(max_length=120, unique=True)
    url = models.URLField(max_length=500, help_text="Receives a POST with the JSON payload (docs/handoff.md).")
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Shared with the receiver: it checks the HMAC-SHA256 signature with it.",
    )
    event_kinds = models.JSONField(default=all_kinds, help_text="The events this endpoint receives.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutboxMessage(models.Model):
    """One event to hand off, written in the decision's transaction. Its key is the
    idempotency key receivers dedupe on: a redelivery carries the same key."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    event = models.ForeignKey(
        "measurement.MeasurementEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "signals.Candidate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # By event, account and candidate (an admin reads lists of these), not by row ids.
        parts = [self.get_kind_display(), self.account.external_id]
        if self.candidate_id:
            parts.append(f"candidate #{self.candidate_id}")
        return " · ".join([*parts, f"{self.created_at:%Y-%m-%d %H:%M}"])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (re-send from admin)"


class Delivery(TimestampedModel):
    """One message to one endpoint, tried until the receiver answers 2xx, or failed."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts since it was created or re-sent.")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker that claimed it and died leaves it "sending"; after this it can be claimed again.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True, help_text="The receiver's last answer (truncated).")
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "endpoint"], name="delivery_one_per_endpoint"),
        ]
        indexes = [
            # the sweeper: deliveries that are due (pending) or whose worker died (sending)
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint}"
