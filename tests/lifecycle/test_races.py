"""Races on PostgreSQL: threads, each with its own database connection, against the
public paths (the REST API and the candidate page). SQLite serialises every writer, so
these run only when DATABASE_URL is PostgreSQL (as tests/integration does)."""

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from measurement.models import MeasurementEvent
from signals.models import Candidate
from tests.lifecycle.lab import SEATS_BUYING, Files, active_user, api, score

pytestmark = pytest.mark.django_db(transaction=True)

APPROVE = {"next_step": "Call Maria about the seats", "consent_reviewed": True, "override_reason": "Checked."}


@pytest.fixture(autouse=True)
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers")


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    return {
        "dana": active_user("dana@example.com"),
        "omar": active_user("omar@example.com"),
        "lee": active_user("lee@example.com", "leader"),
    }


@pytest.fixture
def seats_candidates(tmp_path: Path, people: dict[str, Any]) -> Callable[[int], list[Candidate]]:
    def make(n: int) -> list[Candidate]:
        f = Files(tmp_path)
        names = [f"race{i}" for i in range(n)]
        for name in names:
            f.account(name).proof(name).message(name, f"{name}-m1", SEATS_BUYING, -1)
        f.import_()
        score(0)
        found = list(
            Candidate.objects.filter(account__external_id__in=names, signal_type="seats", status="pending")
            .select_related("account")
            .order_by("account__external_id")
        )
        assert len(found) == n
        return found

    return make


def in_threads(*calls: Callable[[], Any], barrier: bool = True) -> list[Any]:
    """Run each call in its own thread (so its own connection); return results or exceptions."""
    results: list[Any] = [None] * len(calls)
    gate = threading.Barrier(len(calls)) if barrier else None

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            if gate is not None:
                gate.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


def waiting(n: int, timeout: float = 20) -> None:
    """Until n connections wait for a row lock on an account (watched from a connection of
    its own, outside any transaction: pg_stat_activity is a snapshot within one)."""
    watcher = connections.create_connection("default")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with watcher.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE '%%accounts_account%%FOR UPDATE%%'"
                )
                if cur.fetchone()[0] >= n:
                    return
            time.sleep(0.01)
    finally:
        watcher.close()
    raise AssertionError(f"{n} request(s) never waited for the account's lock")


def kinds(candidate: Candidate) -> list[str]:
    return list(MeasurementEvent.objects.filter(candidate=candidate).order_by("pk").values_list("kind", flat=True))


# --------------------------------------------------------------------------- reassignment vs approve


def test_an_approve_queued_behind_a_reassignment_is_refused(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any]
) -> None:
    """The leader's reassignment is first in line for the account's lock (a third
    connection holds it for a moment); the previous owner's approve, sent just after,
    waits behind it and must then see the new owner."""
    (candidate,) = seats_candidates(1)
    account = candidate.account.external_id
    lee, dana = api(people["lee"]), api(people["dana"])
    holder = connections.create_connection("default")
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cur:
            cur.execute("SELECT id FROM accounts_account WHERE id = %s FOR UPDATE", [candidate.account_id])
        out: dict[str, Any] = {}

        def reassign() -> None:
            try:
                out["reassign"] = lee.post(
                    f"/api/v1/accounts/{account}/reassign/", {"owner_email": "omar@example.com"}, format="json"
                )
            finally:
                connections.close_all()

        def approve() -> None:
            try:
                out["approve"] = dana.post(
                    f"/api/v1/candidates/{candidate.pk}/approve/",
                    {**APPROVE, "version": candidate.version},
                    format="json",
                )
            finally:
                connections.close_all()

        first = threading.Thread(target=reassign)
        first.start()
        waiting(1)  # the reassignment is waiting for the account's lock
        second = threading.Thread(target=approve)
        second.start()
        waiting(2)  # and the approve behind it
        holder.rollback()
        first.join(30)
        second.join(30)
    finally:
        holder.close()
    assert out["reassign"].status_code == 200, out["reassign"].content
    assert out["approve"].status_code in (404, 409), (out["approve"].status_code, out["approve"].content)
    candidate.refresh_from_db()
    assert candidate.status == "pending"
    assert candidate.account.owner is not None and candidate.account.owner.email == "omar@example.com"
    assert kinds(candidate).count("reassigned") == 1 and "approved" not in kinds(candidate)


def test_an_approve_sent_just_after_a_reassignment_is_never_accepted_for_the_old_owner(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any]
) -> None:
    """Nine tries, the approve sent 5-20 ms after the reassignment, no lock held by the
    test: whichever wins, the result is consistent, and the answer is never 503."""
    candidates = seats_candidates(9)
    lee, dana = api(people["lee"]), api(people["dana"])
    for i, candidate in enumerate(candidates):
        delay = 0.005 + (i % 4) * 0.005

        def approve(candidate: Candidate = candidate, delay: float = delay) -> Any:
            time.sleep(delay)
            return dana.post(
                f"/api/v1/candidates/{candidate.pk}/approve/", {**APPROVE, "version": candidate.version}, format="json"
            )

        def reassign(candidate: Candidate = candidate) -> Any:
            return lee.post(
                f"/api/v1/accounts/{candidate.account.external_id}/reassign/",
                {"owner_email": "omar@example.com"},
                format="json",
            )

        reassigned, approved = in_threads(reassign, approve)
        assert not isinstance(reassigned, Exception) and not isinstance(approved, Exception), (reassigned, approved)
        assert reassigned.status_code == 200, reassigned.content
        assert approved.status_code in (200, 404, 409), (i, approved.status_code, approved.content)
        candidate.refresh_from_db()
        events = kinds(candidate)
        if approved.status_code == 200:
            # the approval won the lock: it happened while dana still owned the account,
            # so the reassignment found no open candidate to move
            assert candidate.status == "approved" and candidate.decided_by_id == people["dana"].pk
            assert "reassigned" not in events, (i, events)
        else:
            assert candidate.status == "pending" and events.count("reassigned") == 1, (i, events)
            assert "approved" not in events


# --------------------------------------------------------------------------- first views


def test_eight_parallel_first_views_write_one_reviewed_event(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any]
) -> None:
    candidates = seats_candidates(3)
    for candidate in candidates:
        clients = []
        for _ in range(8):
            c = Client()
            c.force_login(people["dana"])
            clients.append(c)
        responses = in_threads(*[lambda c=c, pk=candidate.pk: c.get(f"/candidates/{pk}/") for c in clients])
        assert [getattr(r, "status_code", r) for r in responses] == [200] * 8
        assert kinds(candidate).count("reviewed") == 1, kinds(candidate)


# --------------------------------------------------------------------------- two decisions at once


@pytest.mark.parametrize("pair", [("approve", "reject"), ("approve", "approve"), ("reject", "defer")])
def test_two_concurrent_decisions_have_exactly_one_winner(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any], pair: tuple[str, str]
) -> None:
    from tests.lifecycle.lab import day

    bodies: dict[str, dict[str, Any]] = {
        "approve": APPROVE,
        "reject": {"reason_code": "bad_timing"},
        "defer": {"defer_until": day(30).isoformat(), "reason": "Budget cycle"},
    }
    status_of = {"approve": "approved", "reject": "rejected", "defer": "deferred"}
    candidates = seats_candidates(4)
    for n, candidate in enumerate(candidates):
        seen = candidate.version
        clients = [api(people["dana"]), api(people["dana"])]
        # half the tries name the version seen, half do not (a deferral is still open: a
        # later decision without a version may follow it, so those always name it)
        with_version = n % 2 == 0 or "defer" in pair

        def post(
            i: int, candidate: Candidate = candidate, with_version: bool = with_version, clients: list = clients
        ) -> Any:
            body = {**bodies[pair[i]], **({"version": candidate.version} if with_version else {})}
            return clients[i].post(f"/api/v1/candidates/{candidate.pk}/{pair[i]}/", body, format="json")

        results = in_threads(lambda: post(0), lambda: post(1))
        codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
        assert codes == [200, 409], (pair, with_version, codes, [getattr(r, "content", r) for r in results])
        winner = pair[[getattr(r, "status_code", 0) for r in results].index(200)]
        candidate.refresh_from_db()
        assert candidate.status == status_of[winner]
        events = kinds(candidate)
        decided = [k for k in events if k in ("approved", "rejected", "deferred")]
        assert decided == [status_of[winner]], events
        assert candidate.version == seen + 1, "one transition, one version bump"


# --------------------------------------------------------------------------- lock failures


def test_a_deadlock_with_another_transaction_answers_200_or_409_never_503(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Another connection takes the candidate's row, then the account's, in the reverse
    of the app's order, while an approve is waiting: PostgreSQL breaks the deadlock by
    failing the approve's transaction, which must be retried or answered 409."""
    (candidate,) = seats_candidates(1)
    dana = api(people["dana"])
    other = connections.create_connection("default")
    out: dict[str, Any] = {}
    try:
        other.set_autocommit(False)
        with other.cursor() as cur:
            cur.execute("SET deadlock_timeout = '5s'")  # so the approve, not this one, detects the deadlock
            cur.execute("SELECT id FROM signals_candidate WHERE id = %s FOR UPDATE", [candidate.pk])

        def approve() -> None:
            try:
                out["approve"] = dana.post(
                    f"/api/v1/candidates/{candidate.pk}/approve/",
                    {**APPROVE, "version": candidate.version},
                    format="json",
                )
            except Exception as exc:  # noqa: BLE001
                out["approve"] = exc
            finally:
                connections.close_all()

        thread = threading.Thread(target=approve)
        thread.start()
        waiting_for_candidate()  # the approve holds the account and waits for the candidate
        with other.cursor() as cur:
            cur.execute("SELECT id FROM accounts_account WHERE id = %s FOR UPDATE", [candidate.account_id])
        time.sleep(0.2)
        other.commit()
        thread.join(30)
    finally:
        other.close()
    response = out["approve"]
    assert not isinstance(response, Exception), response
    assert response.status_code in (200, 409), (response.status_code, response.content)
    assert any("lock failure" in r.getMessage() for r in caplog.records), (
        "no deadlock happened: the test proved nothing"
    )
    candidate.refresh_from_db()
    events = kinds(candidate)
    if response.status_code == 200:
        assert candidate.status == "approved" and events.count("approved") == 1
    else:
        assert candidate.status == "pending" and "approved" not in events


def test_persistent_deadlocks_answer_409_never_503(
    seats_candidates: Callable[[int], list[Candidate]], people: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The same deadlock on every attempt of the approve (the other transaction keeps the
    candidate and takes the account in a savepoint each time): after its retries the
    approve answers 409, not 503, and nothing changed."""
    (candidate,) = seats_candidates(1)
    dana = api(people["dana"])
    out: dict[str, Any] = {}
    done = threading.Event()

    def approve() -> None:
        try:
            out["approve"] = dana.post(
                f"/api/v1/candidates/{candidate.pk}/approve/", {**APPROVE, "version": candidate.version}, format="json"
            )
        except Exception as exc:  # noqa: BLE001
            out["approve"] = exc
        finally:
            done.set()
            connections.close_all()

    other = connections.create_connection("default")
    other.set_autocommit(False)
    thread = threading.Thread(target=approve)
    rounds = 0
    try:
        with other.cursor() as cur:
            cur.execute("SET deadlock_timeout = '10s'")  # the approve's attempt is the one that detects it
            cur.execute("SELECT id FROM signals_candidate WHERE id = %s FOR UPDATE", [candidate.pk])
        thread.start()
        while not done.is_set() and rounds < 5:
            waiting_for_candidate()
            if done.is_set():
                break
            with other.cursor() as cur:
                cur.execute("SAVEPOINT take_account")
                cur.execute("SELECT id FROM accounts_account WHERE id = %s FOR UPDATE", [candidate.account_id])
                cur.execute("ROLLBACK TO SAVEPOINT take_account")  # the account again, the candidate kept
            rounds += 1
            done.wait(0.2)
        other.rollback()
        thread.join(30)
    finally:
        other.close()
    response = out["approve"]
    assert not isinstance(response, Exception), response
    failures = [r for r in caplog.records if "lock failure" in r.getMessage()]
    assert len(failures) == 3, [r.getMessage() for r in failures]
    assert response.status_code == 409, (response.status_code, response.content)
    candidate.refresh_from_db()
    assert candidate.status == "pending" and "approved" not in kinds(candidate)


def waiting_for_candidate(timeout: float = 10) -> None:
    """Until a request waits for a candidate's row lock (the app's candidate lock query is
    long: pg_stat_activity cuts it before its FOR UPDATE)."""
    watcher = connections.create_connection("default")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with watcher.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE 'SELECT \"signals_candidate\".%%'"
                )
                if cur.fetchone()[0] >= 1:
                    return
            time.sleep(0.01)
    finally:
        watcher.close()
    raise AssertionError("the approve never waited for the candidate's lock")
