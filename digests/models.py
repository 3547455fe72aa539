"""E-mail digests: each owner's preference, and what was sent (so a digest goes out
once per period, however often the hourly task runs)."""

from django.conf import settings
from django.db import models

from core.models import TimestampedModel


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"
    OFF = "off", "Off"


class DigestKind(models.TextChoices):
    OWNER = "owner", "Owner digest"
    PILOT = "pilot", "Weekly pilot summary"


class DigestPreference(TimestampedModel):
    """No row means the defaults: a daily digest at 08:00 UTC, and the pilot summary for leaders."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    time_zone = models.CharField(max_length=64, default="UTC")
    pilot_summary = models.BooleanField(default=True, help_text="CS leaders: the weekly pilot summary.")

    def __str__(self) -> str:
        return f"{self.user} · {self.frequency}"


class DigestStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    EMPTY = "empty", "Nothing to say"


class DigestSent(models.Model):
    """One digest of a kind for one user and period (their local day): the record that
    makes the hourly task safe to run again the same day. A row is claimed (SENDING)
    before the mail goes out, so a rerun or a retry never sends it twice; a failed send
    is tried again with backoff. A row left in SENDING (the worker died mid-send) is
    not sent again automatically: admin's "Send again" does it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    period = models.DateField(help_text="The owner's local date the digest covers up to.")
    due_at = models.DateTimeField(null=True, help_text="When the run that found it due started.")
    status = models.CharField(max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period", "-pk"]
        verbose_name = "digest record"
        verbose_name_plural = "digest records"
        constraints = [
            # one digest of a kind per user and period: the hourly task is safe to run twice
            models.UniqueConstraint(fields=["user", "kind", "period"], name="digest_once_per_period"),
        ]
        indexes = [models.Index(fields=["status", "period"], name="digest_status_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} · {self.period}"
