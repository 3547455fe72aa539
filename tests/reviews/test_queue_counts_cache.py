"""The queue's tab counts are cached under the database snapshot they were counted in
(PostgreSQL only, outside a transaction): a repeat view reads them from the cache, and
any commit (a decision, an undo, a new candidate) shows at once, in every process."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import selectors
from signals import lifecycle
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the snapshot key is PostgreSQL's (other databases count every time)"
)
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "detail"}


def _counting_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/queue/").content.decode()
    return body, sum(1 for q in queries.captured_queries if "COUNT(" in q["sql"].upper())


@pytest.mark.django_db(transaction=True)
def test_counts_come_from_the_cache_until_anything_commits(client, owner, other_owner) -> None:
    mine = [
        factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner), score=s)
        for s in (90, 80)
    ]
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=other_owner))
    client.force_login(owner)
    body, counted = _counting_queries(client)
    assert 'All <span class="count">2</span>' in body and counted >= 2
    # A repeat view counts nothing. (Snapshots are cluster-wide: a write to another
    # database on a shared server gives a new key too, so allow a few tries.)
    repeats = [_counting_queries(client) for _ in range(5)]
    assert all('All <span class="count">2</span>' in body for body, _ in repeats)
    assert 0 in [counted for _, counted in repeats], "a repeat view counts nothing"

    # A decision commits: the very next view counts again and shows it.
    lifecycle.candidate_reject(
        candidate_id=mine[0].pk, user=owner, expected_version=mine[0].version, reason_code="bad_timing", note=""
    )
    body, counted = _counting_queries(client)
    assert 'All <span class="count">1</span>' in body and counted >= 2

    # Another owner's decision elsewhere also gives a new snapshot (never a stale count).
    theirs = Candidate.objects.get(account__owner=other_owner)
    lifecycle.candidate_reject(
        candidate_id=theirs.pk, user=other_owner, expected_version=theirs.version, reason_code="bad_timing", note=""
    )
    body, counted = _counting_queries(client)
    assert 'All <span class="count">1</span>' in body and counted >= 2


@pytest.mark.django_db(transaction=True)
def test_the_cache_is_per_user_and_filters(owner, other_owner) -> None:
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner), recommendation="wait")
    cache.clear()
    mine, _ = selectors.tab_counts(user=owner, filters=selectors.QueueFilters())
    theirs, _ = selectors.tab_counts(user=other_owner, filters=selectors.QueueFilters())
    assert sum(mine.values()) == 1 and sum(theirs.values()) == 0
    only_seats, _ = selectors.tab_counts(user=owner, filters=selectors.QueueFilters(signal_type="capacity"))
    assert sum(only_seats.values()) == 0


@pytest.mark.django_db(transaction=True)
def test_a_decision_posted_through_the_page_updates_the_tabs(client, owner) -> None:
    first, _ = (
        factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner), score=s)
        for s in (90, 80)
    )
    client.force_login(owner)
    assert 'All <span class="count">2</span>' in client.get("/queue/").content.decode()
    response = client.post(
        f"/candidates/{first.pk}/decide/",
        {"action": "reject", "reason_code": "bad_timing", "version": first.version, "status": "pending"},
        **HTMX,
    )
    assert 'All <span class="count">1</span>' in response.content.decode()
    assert 'All <span class="count">1</span>' in client.get("/queue/").content.decode()
