"""The full rescore as chunk tasks and a summary (a chord), run eagerly here; through
real workers in tests/integration/test_rescore_workers.py."""

import datetime as dt

import pytest

from accounts.models import Account
from measurement.models import EventKind, MeasurementEvent
from signals import lifecycle
from signals.models import Candidate, Rule
from signals.tasks import rescore_all_task, rescore_chunk_task, rescore_fan_out
from tests.signals.rescore_book import AS_OF, make_book, state

pytestmark = pytest.mark.django_db


def test_the_fan_out_scores_every_chunk_and_adds_up_their_counts() -> None:
    make_book(7)
    summary = rescore_fan_out(as_of=AS_OF, chunk_size=3).get()
    assert summary["chunks"] == 3
    assert summary["accounts"] == 7
    assert summary["created"] == Candidate.objects.count() == 7
    assert summary["open"] == {"pending": 7}
    assert MeasurementEvent.objects.filter(kind=EventKind.SIGNAL_CREATED).count() == 7


def test_the_nightly_task_runs_the_fan_out() -> None:
    make_book(3)
    rescore_all_task.delay(AS_OF.isoformat(), 2)
    assert Candidate.objects.filter(status="pending").count() == 3


def test_a_chunk_run_again_leaves_the_same_state() -> None:
    ids = make_book(4)
    rescore_fan_out(as_of=AS_OF, chunk_size=2).get()
    before = state()
    again = rescore_chunk_task.apply(args=(ids[:2], AS_OF.isoformat())).get()
    assert again == {
        "accounts": 2,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "expired": 0,
        "attached": 0,
        "returned": 0,
        "classified": 0,
        "skipped": 2,  # same day, rules and inputs: not scored again (tests/signals/test_rescore_skip.py)
    }
    assert state() == before


def test_a_rerun_after_decisions_keeps_them() -> None:
    """Decided stays decided, deferred stays deferred, through a chunk run twice."""
    ids = make_book(3)
    rescore_fan_out(as_of=AS_OF, chunk_size=3).get()
    owner = Account.objects.get(pk=ids[0]).owner
    assert owner is not None
    first, second, third = Candidate.objects.filter(account_id__in=ids).order_by("account_id")
    lifecycle.candidate_reject(candidate_id=first.pk, user=owner, reason_code="bad_timing")
    lifecycle.candidate_defer(
        candidate_id=second.pk, user=owner, until=dt.date.today() + dt.timedelta(days=30), reason="after budget"
    )
    before = state()
    for _ in range(2):
        rescore_chunk_task.apply(args=(ids, AS_OF.isoformat())).get()
    assert state() == before
    assert Candidate.objects.filter(account_id=ids[0]).count() == 1
    assert Candidate.objects.get(pk=second.pk).status == "deferred"
    assert Candidate.objects.get(pk=third.pk).status == "pending"


def test_a_new_rules_version_is_stored_without_a_new_candidate_version() -> None:
    """A rule change that does not move these candidates' assessment: the rules version
    is written quietly (version unchanged, no event)."""
    ids = make_book(2)
    rescore_fan_out(as_of=AS_OF, chunk_size=2).get()
    before = {c.pk: (c.version, c.rules_version_id) for c in Candidate.objects.all()}
    events = MeasurementEvent.objects.count()
    Rule.objects.update_or_create(key="rejection_cooldown_days", segment="", defaults={"value": "61"})
    summary = rescore_chunk_task.apply(args=(ids, AS_OF.isoformat())).get()
    assert (summary["updated"], summary["unchanged"]) == (0, 2)
    after = {c.pk: (c.version, c.rules_version_id) for c in Candidate.objects.all()}
    assert after.keys() == before.keys()
    for pk, (version, rules_version) in after.items():
        assert version == before[pk][0]
        assert rules_version is not None and rules_version != before[pk][1]
    assert MeasurementEvent.objects.count() == events
