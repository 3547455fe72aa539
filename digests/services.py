"""Sending digests: once per user, kind and local period; nothing when there is nothing to say."""

import datetime as dt
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.roles import is_leader
from digests import selectors
from digests.models import DigestKind, DigestPreference, DigestSent, Frequency

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


def _send(*, user: Any, kind: str, period: dt.date, subject: str, template: str, context: dict, items: int) -> bool:
    """Record and send in one transaction: a second run finds the record and sends nothing;
    a failed send rolls the record back so the next run tries again."""
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, kind=kind, period=period, items=items)
            context = {
                **context,
                "user": user,
                "site_url": settings.SITE_URL.rstrip("/"),
                "settings_url": settings.SITE_URL.rstrip("/") + reverse("digest-settings"),
            }
            mail = EmailMultiAlternatives(
                subject, render_to_string(f"digests/{template}.txt", context), to=[user.email]
            )
            mail.attach_alternative(render_to_string(f"digests/{template}.html", context), "text/html")
            mail.send()
    except IntegrityError:
        return False
    return True


def owner_digest_send(*, user_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """The owner's digest if it is due in their time zone (08:00 local, Mondays for
    weekly) and has something to say."""
    user = get_user_model().objects.get(pk=user_id)
    pref = preference_for(user)
    if not user.is_active or not user.email or pref.frequency == Frequency.OFF:
        return False
    local = _local(now or timezone.now(), pref.time_zone)
    weekly = pref.frequency == Frequency.WEEKLY
    if not force and (local.hour != settings.DIGEST_HOUR or (weekly and local.weekday() != 0)):
        return False
    days = 7 if weekly else 1
    since = (now or timezone.now()) - dt.timedelta(days=days)
    digest = selectors.owner_digest(user=user, since=since, today=local.date(), days=days)
    if not digest.count:
        return False
    subject = f"Expansion signals: {digest.count} item{'s' if digest.count != 1 else ''} for you"
    return _send(
        user=user,
        kind=DigestKind.OWNER,
        period=local.date(),
        subject=subject,
        template="owner",
        context={"digest": digest, "weekly": weekly},
        items=digest.count,
    )


def pilot_summary_send(*, user_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """A leader's weekly summary of the pilot dashboard's headline figures (Mondays, 08:00 local)."""
    from measurement import selectors as m

    user = get_user_model().objects.get(pk=user_id)
    pref = preference_for(user)
    if not user.is_active or not user.email or not is_leader(user) or not pref.pilot_summary:
        return False
    local = _local(now or timezone.now(), pref.time_zone)
    if not force and (local.hour != settings.DIGEST_HOUR or local.weekday() != 0):
        return False
    end = local.date() - dt.timedelta(days=1)
    scope = m.DashboardScope(user=user, start=end - dt.timedelta(days=6), end=end)
    totals = m.summary(scope)
    if not totals.surfaced and not totals.decided:
        return False
    return _send(
        user=user,
        kind=DigestKind.PILOT,
        period=local.date(),
        template="pilot",
        subject=f"Pilot summary, week to {end:%-d %b %Y}",
        context={
            "totals": totals,
            "start": scope.start,
            "end": end,
            "dashboard_url": settings.SITE_URL.rstrip("/") + reverse("dashboard"),
        },
        items=totals.surfaced,
    )


def digests_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The hourly run: everyone whose local 08:00 it is."""
    sent = {"owner": 0, "pilot": 0}
    users = get_user_model().objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True)
    for pk in users:
        try:
            sent["owner"] += owner_digest_send(user_id=pk, now=now)
            sent["pilot"] += pilot_summary_send(user_id=pk, now=now)
        except Exception:
            logger.exception("digest for user %s failed; the next hourly run does not retry a past hour", pk)
    return sent
