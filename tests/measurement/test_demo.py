"""The demo's past: written through the real models, consistent with itself."""

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from measurement import selectors
from measurement.demo import demo_history_create
from measurement.models import EventKind, MeasurementEvent, Pilot
from reviews.models import Decision
from signals.models import Candidate

pytestmark = pytest.mark.django_db

DECISION_EVENT = {"approve": EventKind.APPROVED, "reject": EventKind.REJECTED, "defer": EventKind.DEFERRED}
OUTCOMES = (
    EventKind.OUTREACH_SENT,
    EventKind.CUSTOMER_RESPONDED,
    EventKind.OPPORTUNITY_CREATED,
    EventKind.CLOSED_WON,
    EventKind.CLOSED_LOST,
)


@pytest.fixture(scope="module")
def demo_book(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[tuple[int, dt.date]]:
    """One small scored book with its history, shared by this module's tests (rolled back after)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        from signals.services import accounts_score

        with transaction.atomic():
            call_command("load_demo", "--accounts", "40", stdout=StringIO())
            # The import scores on commit, which never comes inside this block: score here.
            accounts_score()
            today = timezone.now().date()
            written = demo_history_create(seed=7, today=today)
            yield written, today
            transaction.set_rollback(True)


def test_it_writes_a_believable_past(demo_book: tuple[int, dt.date]) -> None:
    written, today = demo_book
    assert written > 0 and Decision.objects.exists()
    assert (
        Decision.objects.filter(kind="approve").exists()
        and Decision.objects.filter(reason_code="false_positive").exists()
    )
    assert MeasurementEvent.objects.filter(kind=EventKind.REVIEWED).exists()
    assert Candidate.objects.filter(status="pending").exists(), "the owners' queues are not emptied"
    assert demo_history_create(seed=7, today=today) == 0, "written once"
    pilot = Pilot.objects.get()
    assert pilot.top_n == 50 and pilot.owner_team.exists()


def test_decisions_events_and_statuses_agree(demo_book: tuple[int, dt.date]) -> None:
    now = timezone.now()
    for decision in Decision.objects.select_related("candidate", "candidate__account"):
        candidate = decision.candidate
        assert decision.decided_by_id == candidate.account.owner_id
        assert candidate.inserted_at <= decision.decided_at <= now
        assert MeasurementEvent.objects.filter(
            candidate=candidate,
            kind=DECISION_EVENT[decision.kind],
            occurred_at=decision.decided_at,
            data__decision=decision.pk,
        ).exists()
        if decision.kind == "approve":
            assert candidate.status == "approved" and decision.next_step and decision.consent_reviewed
        elif decision.kind == "reject":
            assert candidate.status == "rejected" and decision.reason_code
        elif candidate.status == "deferred":
            assert decision.defer_until is not None
            assert candidate.defer_until == decision.defer_until and decision.defer_until > now.date()
        else:
            assert candidate.status == "pending"
            assert MeasurementEvent.objects.filter(candidate=candidate, kind=EventKind.RETURNED).exists()
    for event in MeasurementEvent.objects.filter(kind__in=OUTCOMES).select_related("candidate"):
        approved = Decision.objects.get(candidate=event.candidate, kind="approve")
        assert event.candidate is not None
        assert event.candidate.status == "approved" and event.occurred_at > approved.decided_at
        assert event.occurred_at <= now
    for event in MeasurementEvent.objects.filter(kind=EventKind.CLOSED_WON):
        assert float(event.data["amount"]) > 0 and event.data["currency"]


def test_the_dashboard_has_something_to_show(demo_book: tuple[int, dt.date]) -> None:
    from django.contrib.auth import get_user_model

    _, today = demo_book
    leader = get_user_model().objects.get(username="lee@example.com")
    pilot = Pilot.objects.get()
    start, end = selectors.default_range(pilot=None, today=today)
    totals = selectors.summary(selectors.DashboardScope(user=leader, start=start, end=end, today=today))
    assert totals.surfaced == Candidate.objects.filter(inserted_at__date__gte=start).count() > 0
    assert totals.reviewed > 0 and totals.decided > 0 and totals.approved > 0
    assert selectors.default_range(pilot=pilot, today=today)[0] == pilot.start_date
