"""The full rescore reads the next chunk on a second connection while it stores this one
(signals.services._chunks_read, PostgreSQL outside a transaction): the same candidates as
reading in turn, and the skip still sees a change."""

import os
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from accounts.models import Ticket
from signals import services
from signals.models import Candidate
from tests.signals.rescore_book import AS_OF, NOON, make_book


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (DATABASE_URL): the reads run in turn on SQLite")


@pytest.fixture
def reader_threads() -> Any:
    """Names of the threads that opened a database connection during the test."""
    names: list[str] = []

    def opened(sender: Any, **kwargs: Any) -> None:
        names.append(threading.current_thread().name)

    connection_created.connect(opened, weak=False)
    yield names
    connection_created.disconnect(opened)


def _candidates() -> list[tuple]:
    return list(
        Candidate.objects.order_by("account_id", "signal_type").values_list(
            "account_id", "signal_type", "status", "recommendation", "score", "version"
        )
    )


def test_reading_ahead_stores_what_reading_in_turn_stores(
    postgres: None, reader_threads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK", 2)
    ids = make_book(5, prefix="ahead")
    Ticket.objects.create(
        account_id=ids[3], external_id="ZD-9", subject="Exports fail", status="open", priority="high", opened_at=NOON
    )
    summary = services.accounts_score(as_of=AS_OF)
    assert summary.created == 5
    assert any(name.startswith("rescore-read") for name in reader_threads)
    ahead = _candidates()
    assert [rec for _, _, _, rec, _, _ in ahead] == ["pursue", "pursue", "pursue", "wait", "pursue"]

    # The same book read in turn (force: every account scored again) stores nothing new.
    monkeypatch.setattr(services, "RESCORE_PREFETCH", False)
    again = services.accounts_score(as_of=AS_OF, force=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert _candidates() == ahead


def test_reading_ahead_skips_unchanged_accounts_and_sees_a_change(
    postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK", 2)
    ids = make_book(5, prefix="skip")
    services.accounts_score(as_of=AS_OF)
    assert services.accounts_score(as_of=AS_OF).skipped == 5
    ticket = Ticket.objects.create(
        account_id=ids[4], external_id="ZD-10", subject="Exports fail", status="open", priority="high", opened_at=NOON
    )
    summary = services.accounts_score(as_of=AS_OF)
    assert (summary.skipped, summary.updated) == (4, 1)
    assert Candidate.objects.get(account_id=ids[4]).recommendation == "wait"
    ticket.status = "closed"
    ticket.save()
    assert services.accounts_score(as_of=AS_OF).updated == 1
    assert Candidate.objects.get(account_id=ids[4]).recommendation == "pursue"
