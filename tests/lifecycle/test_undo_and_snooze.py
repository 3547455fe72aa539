"""Undo of a rejection or deferral, and snoozing until a ticket is closed: both through
signals/lifecycle.py, each with its appended event."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.importer.readers import read_path
from accounts.importer.service import evidence_import
from measurement.models import EventKind, MeasurementEvent
from reviews.models import Decision
from signals import lifecycle
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner):
    account = factories.AccountFactory.create(owner=owner, name="Acme Corp", external_id="acme")
    return factories.CandidateFactory.create(account=account)


def kinds(candidate: Candidate) -> list[str]:
    return list(MeasurementEvent.objects.filter(candidate=candidate).order_by("pk").values_list("kind", flat=True))


def test_it_undoes_a_rejection_within_the_window(owner, mine) -> None:
    lifecycle.candidate_reject(candidate_id=mine.pk, user=owner, reason_code="false_positive")
    rejected = Decision.objects.get(candidate=mine)
    c = lifecycle.candidate_undo(candidate_id=mine.pk, user=owner)
    assert c.status == "pending" and c.decided_at is None and c.closed_at is None
    assert kinds(mine) == ["rejected", "false_positive", "undone", "undone"]
    undone = MeasurementEvent.objects.filter(kind=EventKind.UNDONE)
    assert {e.corrects.kind for e in undone if e.corrects} == {"rejected", "false_positive"}
    assert all(e.data["decision"] == rejected.pk for e in undone)
    # the decision row stays; the figures leave it out
    assert Decision.objects.filter(candidate=mine).count() == 1
    assert not Decision.objects.standing().filter(candidate=mine).exists()


def test_it_undoes_a_deferral(owner, mine) -> None:
    lifecycle.candidate_defer(
        candidate_id=mine.pk, user=owner, until=timezone.now().date() + dt.timedelta(days=7), reason="Back from holiday"
    )
    c = lifecycle.candidate_undo(candidate_id=mine.pk, user=owner)
    assert c.status == "pending" and c.defer_until is None
    assert kinds(mine)[-1] == "undone"


def test_it_refuses_an_undo_after_the_window(owner, mine) -> None:
    then = timezone.now() - dt.timedelta(seconds=lifecycle.UNDO_SECONDS + lifecycle.UNDO_GRACE_SECONDS + 1)
    lifecycle.candidate_reject(candidate_id=mine.pk, user=owner, reason_code="bad_timing", at=then)
    with pytest.raises(lifecycle.DecisionError) as exc:
        lifecycle.candidate_undo(candidate_id=mine.pk, user=owner)
    assert "Too late" in exc.value.errors["undo"]
    assert Candidate.objects.get(pk=mine.pk).status == "rejected"


def test_it_refuses_to_undo_an_approval_or_someone_elses_decision(owner, other_owner, mine) -> None:
    lifecycle.candidate_approve(
        candidate_id=mine.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    with pytest.raises(lifecycle.DecisionConflict):
        lifecycle.candidate_undo(candidate_id=mine.pk, user=owner)
    other = factories.CandidateFactory.create(account=mine.account, signal_type="capacity")
    lifecycle.candidate_reject(candidate_id=other.pk, user=owner, reason_code="bad_timing")
    with pytest.raises(lifecycle.DecisionConflict):
        lifecycle.candidate_undo(candidate_id=other.pk, user=other_owner)


def test_it_checks_the_version(owner, mine) -> None:
    c = lifecycle.candidate_reject(candidate_id=mine.pk, user=owner, reason_code="bad_timing")
    with pytest.raises(lifecycle.DecisionConflict):
        lifecycle.candidate_undo(candidate_id=mine.pk, user=owner, expected_version=c.version - 1)
    assert lifecycle.candidate_undo(candidate_id=mine.pk, user=owner, expected_version=c.version).status == "pending"


def test_a_candidate_snoozed_until_a_ticket_returns_when_the_import_closes_it(owner, mine, write_file) -> None:
    ticket = factories.TicketFactory.create(account=mine.account, external_id="ZD-881", status="open", priority="high")
    c = lifecycle.candidate_defer(
        candidate_id=mine.pk, user=owner, until=None, ticket="ZD-881", reason="Wait until the exports work"
    )
    assert c.status == "deferred" and c.defer_ticket_id == ticket.pk
    assert c.defer_until == timezone.now().date() + dt.timedelta(days=lifecycle.MAX_DEFER_DAYS)

    def import_ticket(status: str) -> None:
        line = {
            "type": "ticket",
            "external_id": "ZD-881",
            "account": "acme",
            "subject": "Scheduled exports fail",
            "status": status,
            "priority": "high",
            "opened_at": ticket.opened_at.isoformat(),
        }
        path = write_file("t.jsonl", json.dumps(line) + "\n")
        evidence_import(sources=[read_path(path)])

    import_ticket("pending")
    assert Candidate.objects.get(pk=mine.pk).status == "deferred"
    import_ticket("solved")
    back = Candidate.objects.get(pk=mine.pk)
    assert back.status == "pending" and back.defer_ticket_id is None
    returned = MeasurementEvent.objects.filter(candidate=mine, kind=EventKind.RETURNED).get()
    assert returned.data["reason"] == "ticket ZD-881 closed"


def test_it_refuses_to_snooze_on_a_closed_or_unknown_ticket(owner, mine) -> None:
    factories.TicketFactory.create(account=mine.account, external_id="ZD-1", status="closed")
    for ticket in ("ZD-1", "ZD-404"):
        with pytest.raises(lifecycle.DecisionError) as exc:
            lifecycle.candidate_defer(candidate_id=mine.pk, user=owner, until=None, ticket=ticket, reason="Wait")
        assert "defer_ticket" in exc.value.errors
