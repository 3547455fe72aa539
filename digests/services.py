"""Sending digests: once per user, kind and local period, one task per recipient, failed
sends retried with backoff; nothing when there is nothing to say."""

import datetime as dt
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.roles import is_leader
from digests import selectors
from digests.models import DigestKind, DigestPreference, DigestSent, DigestStatus, Frequency

logger = logging.getLogger(__name__)


def preference_for(user: Any) -> DigestPreference:
    return DigestPreference.objects.filter(user=user).first() or DigestPreference(user=user)


def preference_update(*, user: Any, frequency: str, time_zone: str, pilot_summary: bool) -> DigestPreference:
    if time_zone not in zoneinfo.available_timezones():
        raise ValueError(time_zone)
    pref, _ = DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency, "time_zone": time_zone, "pilot_summary": pilot_summary}
    )
    return pref


def _local(now: dt.datetime, tz_name: str) -> dt.datetime:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.astimezone(dt.UTC)


def _due(user: Any, pref: DigestPreference, kind: str, local: dt.datetime) -> bool:
    """Due from DIGEST_HOUR on the user's local day (Mondays for weekly ones): a run
    later the same day finds who was missed or failed, and a record keeps it to once."""
    if not user.is_active or not user.email or local.hour < settings.DIGEST_HOUR:
        return False
    if kind == DigestKind.OWNER:
        return pref.frequency == Frequency.DAILY or (pref.frequency == Frequency.WEEKLY and local.weekday() == 0)
    return bool(pref.pilot_summary) and is_leader(user) and local.weekday() == 0


def backoff_seconds(attempts: int) -> int:
    """Exponential: base, 2×base, 4×base... capped (defaults 60 s doubling to 30 min)."""
    base = settings.DIGEST_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.DIGEST_RETRY_MAX_SECONDS))


def _record(*, user: Any, kind: str, period: dt.date, now: dt.datetime) -> DigestSent:
    record, _ = DigestSent.objects.get_or_create(user=user, kind=kind, period=period, defaults={"due_at": now})
    return record


def _sendable(record: DigestSent, now: dt.datetime) -> bool:
    if record.status == DigestStatus.PENDING:
        return True
    return record.status == DigestStatus.FAILED and record.next_attempt_at is not None and record.next_attempt_at <= now


def digests_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The hourly run: record a digest for everyone whose local day has reached
    DIGEST_HOUR, and queue one task per recipient for each that is not sent yet (new,
    or failed and past its backoff). Safe to run again the same day: a sent, empty or
    in-flight digest is left alone. Returns how many were queued, by kind."""
    from digests.tasks import send_digest_task

    now = now or timezone.now()
    queued = {DigestKind.OWNER.value: 0, DigestKind.PILOT.value: 0}
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    for user in users:
        try:
            pref = preference_for(user)
            local = _local(now, pref.time_zone)
            for kind in (DigestKind.OWNER, DigestKind.PILOT):
                if not _due(user, pref, kind, local):
                    continue
                record = _record(user=user, kind=kind, period=local.date(), now=now)
                if _sendable(record, timezone.now()):
                    send_digest_task.delay(record.pk)
                    queued[kind.value] += 1
        except Exception:  # one recipient's trouble must not stop the others
            logger.exception("digest for user %s could not be queued; the next run tries again", user.pk)
    return queued


def digests_prune(*, now: dt.datetime | None = None) -> int:
    """Forget digest records older than DIGEST_RECORD_DAYS: one row per user, kind and day
    would otherwise grow without end. Only settled rows go (sent, empty, failed for good);
    a pending or in-flight one is kept whatever its age. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now.date() - dt.timedelta(days=settings.DIGEST_RECORD_DAYS)
    settled = [DigestStatus.SENT, DigestStatus.EMPTY, DigestStatus.FAILED]
    deleted, _ = DigestSent.objects.filter(period__lt=cutoff, status__in=settled).delete()
    return deleted


def _claim(digest_id: int, now: dt.datetime) -> bool:
    """Take the digest for one attempt: a conditional UPDATE, so a retry, a rerun and a
    redelivered task never send it at the same time, and a sent one never again."""
    sendable = Q(status=DigestStatus.PENDING) | Q(status=DigestStatus.FAILED, next_attempt_at__lte=now)
    return bool(
        DigestSent.objects.filter(sendable, pk=digest_id).update(
            status=DigestStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=None
        )
    )


def digest_send(*, digest_id: int) -> str:
    """One attempt at one recipient's digest: "sent", "empty" (nothing to say), "retry"
    (failed, tried again after the backoff), "failed" (out of attempts) or "skipped"
    (sent, in flight or not due)."""
    now = timezone.now()
    if not _claim(digest_id, now):
        return "skipped"
    record = DigestSent.objects.select_related("user").get(pk=digest_id)
    try:
        mail = _mail(record)
        if mail is None:
            DigestSent.objects.filter(pk=digest_id).update(status=DigestStatus.EMPTY, last_error="")
            return "empty"
        mail.send()
    except Exception as exc:
        failed = record.attempts >= settings.DIGEST_MAX_ATTEMPTS
        retry_at = None if failed else timezone.now() + dt.timedelta(seconds=backoff_seconds(record.attempts))
        DigestSent.objects.filter(pk=digest_id).update(
            status=DigestStatus.FAILED, next_attempt_at=retry_at, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("digest %s to user %s failed (attempt %s): %s", digest_id, record.user_id, record.attempts, exc)
        return "failed" if failed else "retry"
    DigestSent.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), items=record.items, last_error=""
    )
    return "sent"


def digest_send_again(*, digest_id: int) -> None:
    """Admin: send a failed digest, or one left in flight by a dead worker, again."""
    from digests.tasks import send_digest_task

    DigestSent.objects.filter(pk=digest_id, status__in=[DigestStatus.FAILED, DigestStatus.SENDING]).update(
        status=DigestStatus.FAILED, next_attempt_at=timezone.now()
    )
    send_digest_task.delay(digest_id)


def _mail(record: DigestSent) -> EmailMultiAlternatives | None:
    """The e-mail for the record (its item count set on it), or None with nothing to say."""
    user = record.user
    now = record.due_at or timezone.now()
    if record.kind == DigestKind.OWNER:
        weekly = preference_for(user).frequency == Frequency.WEEKLY
        days = 7 if weekly else 1
        digest = selectors.owner_digest(user=user, since=now - dt.timedelta(days=days), today=record.period, days=days)
        if not digest.count:
            return None
        record.items = digest.count
        subject = f"Expansion signals: {digest.count} item{'s' if digest.count != 1 else ''} for you"
        return _compose(user, subject, "owner", {"digest": digest, "weekly": weekly})
    from measurement import selectors as m

    end = record.period - dt.timedelta(days=1)
    scope = m.DashboardScope(user=user, start=end - dt.timedelta(days=6), end=end)
    totals = m.summary(scope)
    if not totals.surfaced and not totals.decided:
        return None
    record.items = totals.surfaced
    return _compose(
        user,
        f"Pilot summary, week to {end:%-d %b %Y}",
        "pilot",
        {
            "totals": totals,
            "start": scope.start,
            "end": end,
            "dashboard_url": settings.SITE_URL.rstrip("/") + reverse("dashboard"),
        },
    )


def _compose(user: Any, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "user": user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "settings_url": settings.SITE_URL.rstrip("/") + reverse("digest-settings"),
    }
    mail = EmailMultiAlternatives(subject, render_to_string(f"digests/{template}.txt", context), to=[user.email])
    mail.attach_alternative(render_to_string(f"digests/{template}.html", context), "text/html")
    return mail


def _send_now(*, user_id: int, kind: str, now: dt.datetime | None, force: bool) -> bool:
    user = get_user_model().objects.get(pk=user_id)
    pref = preference_for(user)
    now = now or timezone.now()
    local = _local(now, pref.time_zone)
    if kind == DigestKind.PILOT and not (pref.pilot_summary and is_leader(user)):
        return False
    if force:
        if not user.is_active or not user.email or (kind == DigestKind.OWNER and pref.frequency == Frequency.OFF):
            return False
    elif not _due(user, pref, kind, local):
        return False
    record = _record(user=user, kind=kind, period=local.date(), now=now)
    return digest_send(digest_id=record.pk) == "sent"


def owner_digest_send(*, user_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """The owner's digest now, in this process, if due (or forced) and not yet sent today."""
    return _send_now(user_id=user_id, kind=DigestKind.OWNER, now=now, force=force)


def pilot_summary_send(*, user_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """A leader's weekly pilot summary now, in this process, if due (or forced) and not yet sent."""
    return _send_now(user_id=user_id, kind=DigestKind.PILOT, now=now, force=force)


def digest_enqueue_later(digest_id: int, seconds: int) -> None:
    from digests.tasks import send_digest_task

    try:
        send_digest_task.apply_async((digest_id,), countdown=seconds)
    except Exception:
        logger.exception("could not schedule the retry of digest %s; the next hourly run sends it", digest_id)
