"""Writes of the hand-off: the outbox (inside the decision's transaction) and the
deliveries (claimed with a conditional update, sent outside any transaction)."""

import datetime as dt
import enum
import json
import logging
import time
from collections.abc import Iterable

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from handoff.models import HANDOFF_KINDS, Delivery, DeliveryStatus, Endpoint, OutboxMessage
from handoff.payloads import payload_build
from handoff.signing import EVENT_HEADER, KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from measurement.models import MeasurementEvent

logger = logging.getLogger(__name__)

RESPONSE_KEPT = 2000


def outbox_add(events: MeasurementEvent | Iterable[MeasurementEvent]) -> list[OutboxMessage]:
    """Called by the lifecycle inside its transaction: one outbox row per event that
    leaves the app, and one delivery per active endpoint that wants it. The deliveries
    are enqueued only once the decision commits; a rollback takes them with it."""
    if isinstance(events, MeasurementEvent):
        events = [events]
    events = [e for e in events if e.kind in HANDOFF_KINDS]
    if not events:
        return []
    endpoints = [e for e in Endpoint.objects.filter(active=True) if set(e.event_kinds or [])]
    messages = []
    deliveries = []
    for event in events:
        message = OutboxMessage(
            kind=event.kind,
            event=event if event.pk else None,
            account=event.account,
            candidate=event.candidate,
            created_at=event.occurred_at,
        )
        message.payload = payload_build(event=event, key=str(message.key))
        message.save()
        messages.append(message)
        deliveries += [
            Delivery(message=message, endpoint=endpoint) for endpoint in endpoints if event.kind in endpoint.event_kinds
        ]
    Delivery.objects.bulk_create(deliveries)
    ids = list(Delivery.objects.filter(message__in=messages).values_list("pk", flat=True)) if deliveries else []
    if ids:
        transaction.on_commit(lambda: deliveries_enqueue(ids))
    return messages


def deliveries_enqueue(delivery_ids: list[int]) -> None:
    """After commit. If the broker is down the rows are safe in the database: the
    sweeper (`handoff.deliver_due`, every minute) sends them later."""
    from handoff.tasks import deliver_task

    for pk in delivery_ids:
        try:
            deliver_task.delay(pk)
        except Exception:  # kombu raises OperationalError and friends for an unreachable broker
            logger.exception("could not enqueue delivery %s; the sweeper will send it", pk)
            return


def backoff_seconds(attempts: int) -> int:
    """Exponential: base, 2×base, 4×base... capped (defaults 30 s doubling to 1 h)."""
    base = settings.HANDOFF_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.HANDOFF_RETRY_MAX_SECONDS))


def delivery_claim(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """Take the delivery for one attempt: a conditional UPDATE, so two workers (a retry
    and the sweeper, or a redelivered task) never send it at the same time. A delivery
    left "sending" by a worker that died can be taken again once its lease has passed."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.HANDOFF_LEASE_SECONDS)
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    taken = Delivery.objects.filter(due, pk=delivery_id, endpoint__active=True).update(
        status=DeliveryStatus.SENDING, lease_until=lease, last_attempt_at=now, updated_at=now
    )
    if not taken:
        return None
    return Delivery.objects.select_related("message", "endpoint").get(pk=delivery_id)


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def delivery_attempt(*, delivery_id: int) -> tuple[Outcome, int]:
    """One attempt: claim, sign, POST, record the answer. Returns the outcome and, for a
    retry, the seconds until the next attempt. 2xx delivers; 5xx, 408, 429 and network
    errors are retried with exponential backoff up to HANDOFF_MAX_ATTEMPTS; any other
    answer (the receiver refused it) fails at once, kept for an admin to re-send."""
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return Outcome.SKIPPED, 0
    body = json.dumps(delivery.message.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "expansion-signals-webhook/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
        KEY_HEADER: str(delivery.message.key),
        EVENT_HEADER: delivery.message.kind,
    }
    status_code: int | None = None
    response_text = error = ""
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.HANDOFF_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status_code, response_text = response.status_code, response.text[:RESPONSE_KEPT]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:RESPONSE_KEPT]
    return _delivery_record(delivery, status_code, response_text, error)


def _delivery_record(
    delivery: Delivery, status_code: int | None, response_text: str, error: str
) -> tuple[Outcome, int]:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields = {
        "attempts": attempts,
        "last_status_code": status_code,
        "last_response": response_text,
        "last_error": error,
        "lease_until": None,
        "updated_at": now,
    }
    retry_in = 0
    if status_code is not None and 200 <= status_code < 300:
        outcome = Outcome.DELIVERED
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    elif (
        status_code is None or status_code >= 500 or status_code in (408, 429)
    ) and attempts < settings.HANDOFF_MAX_ATTEMPTS:
        outcome = Outcome.RETRY
        retry_in = backoff_seconds(attempts)
        fields |= {"status": DeliveryStatus.PENDING, "next_attempt_at": now + dt.timedelta(seconds=retry_in)}
    else:
        outcome = Outcome.FAILED
        fields |= {"status": DeliveryStatus.FAILED}
        logger.warning(
            "delivery %s to %s failed after %d attempt(s): %s %s",
            delivery.pk,
            delivery.endpoint.url,
            attempts,
            status_code or "",
            error,
        )
    # Only if we still hold the claim: an admin's re-send meanwhile is not overwritten.
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**fields)
    return outcome, retry_in


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Deliveries the sweeper sends: due and pending (their task was lost, or the broker
    was down at commit), or "sending" with a lease that ran out (the worker died)."""
    now = timezone.now()
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    return list(
        Delivery.objects.filter(due, endpoint__active=True)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_resend(*, delivery_ids: list[int], attempt_now: bool = False) -> int:
    """An admin sends failed (or delivered) deliveries again, with the same idempotency key.
    `attempt_now` makes the attempt in this call instead of queueing it: with no broker
    (tasks run in the request) the admin then sees what happened."""
    now = timezone.now()
    ids = list(
        Delivery.objects.filter(pk__in=delivery_ids).exclude(status=DeliveryStatus.SENDING).values_list("pk", flat=True)
    )
    count = Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now
    )
    if attempt_now:
        for pk in ids:
            delivery_attempt(delivery_id=pk)
    else:
        transaction.on_commit(lambda: deliveries_enqueue(ids))
    return count


def deliveries_enqueue_later(delivery_id: int, seconds: int) -> None:
    from handoff.tasks import deliver_task

    try:
        deliver_task.apply_async((delivery_id,), countdown=seconds)
    except Exception:
        logger.exception("could not schedule the retry of delivery %s; the sweeper will send it", delivery_id)
