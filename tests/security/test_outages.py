"""The database or the broker goes away during a request: a clear answer, nothing
half-written, and the app works again once the service is back."""

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Account, ImportRun
from measurement.models import MeasurementEvent
from reviews.models import Decision
from signals.models import Candidate
from tests import factories
from tests.broker import broker_down

pytestmark = pytest.mark.django_db(transaction=True)


class DatabaseDown:
    """Point the app's connection at a port where nothing listens: to the app the
    database is down. (SQLite's in-memory test database cannot be taken away.)"""

    def __enter__(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("simulates a PostgreSQL outage")
        connection.close()
        self.saved = dict(connection.settings_dict)
        connection.settings_dict["PORT"] = "1"

    def __exit__(self, *exc: object) -> None:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(self.saved)


def test_a_decision_while_the_database_is_down_is_refused_cleanly_and_works_after(owner: User) -> None:
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    # As a browser sees it: the server's answer, not the exception re-raised into the test.
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    data = {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1"}

    with DatabaseDown():
        response = client.post(f"/candidates/{candidate.pk}/decide/", data)
    assert response.status_code == 503
    assert "nothing was saved" in response.content.decode()
    assert Candidate.objects.get(pk=candidate.pk).status == "pending"
    assert not Decision.objects.exists() and not MeasurementEvent.objects.exists()

    # the database is back: the same request succeeds
    assert client.post(f"/candidates/{candidate.pk}/decide/", data).status_code == 302
    assert Candidate.objects.get(pk=candidate.pk).status == "approved"


def test_the_api_answers_503_json_while_the_database_is_down(owner: User) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(owner)
    with DatabaseDown():
        response = client.get("/api/v1/candidates/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is unavailable")
    assert client.get("/api/v1/candidates/").status_code == 200


def test_an_import_while_the_broker_is_down_is_saved_and_scoring_catches_up(
    leader: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = APIClient()
    client.force_authenticate(leader)
    records = [
        {"type": "account", "external_id": "acme", "name": "Acme"},
        {
            "type": "interaction",
            "external_id": "m1",
            "account": "acme",
            "occurred_at": "2026-11-20T10:00:00Z",
            "text": "We need 20 more seats by March, the VP signed off.",
        },
    ]
    with broker_down(), caplog.at_level(logging.ERROR):
        response = client.post("/api/v1/evidence/", {"records": records}, format="json")
    assert response.status_code == 200
    assert Account.objects.filter(external_id="acme").exists(), "the evidence was saved"
    assert "the nightly rescore will catch up" in caplog.text
    assert not Candidate.objects.exists()

    # the broker is back (tasks in-process again): the next import scores
    client.post("/api/v1/evidence/", {"records": [{**records[1], "external_id": "m2"}]}, format="json")
    assert Candidate.objects.filter(account__external_id="acme", signal_type="seats").exists()


class HungBroker:
    """A TCP server on loopback that accepts connections and never answers: to the app,
    a Redis paused with kill -STOP."""

    def __enter__(self) -> str:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.clients.append(client)

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        for client in self.clients:
            client.close()


@pytest.fixture
def hung_broker() -> Iterator[str]:
    """The app's own broker settings (timeouts included), pointed at a hung broker."""
    from kombu import pools

    from config.celery import app as celery_app
    from core import health

    def reset() -> None:
        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        health.forget()

    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    with HungBroker() as url:
        celery_app.conf.update(task_always_eager=False, broker_url=url)
        reset()
        try:
            yield url
        finally:
            celery_app.conf.update(old)
            reset()


def _within[T](seconds: float, call: Callable[[], T]) -> tuple[T, float]:
    """Run `call` in a thread; (result, elapsed), or fail if it is still running after `seconds`."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s: the hung broker holds the request"
    if "error" in box:
        raise box["error"]
    return box["result"], time.monotonic() - started


def test_an_import_with_a_hung_broker_answers_in_seconds_and_records_the_run(
    leader: User, hung_broker: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = APIClient()
    client.force_authenticate(leader)
    records = [
        {"type": "account", "external_id": "acme", "name": "Acme"},
        {
            "type": "interaction",
            "external_id": "m1",
            "account": "acme",
            "occurred_at": "2026-11-20T10:00:00Z",
            "text": "We need 20 more seats by March, the VP signed off.",
        },
    ]

    with caplog.at_level(logging.ERROR):
        response, elapsed = _within(15, lambda: client.post("/api/v1/evidence/", {"records": records}, format="json"))

    assert response.status_code == 200
    assert elapsed < 5, f"enqueueing took {elapsed:.1f} s"
    assert Account.objects.filter(external_id="acme").exists(), "the evidence was saved"
    run = ImportRun.objects.get()
    assert (run.status, run.pk) == ("succeeded", response.json()["import_id"])
    assert "the nightly rescore will catch up" in caplog.text
    assert not Candidate.objects.exists()


def test_healthz_reports_a_hung_broker_as_degraded_without_waiting_for_it(client: Client, hung_broker: str) -> None:
    response, elapsed = _within(10, lambda: client.get("/healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}
    assert elapsed < 3, f"/healthz took {elapsed:.1f} s"
    # the answer is kept for a few seconds: load balancers polling often do not wait again
    response, elapsed = _within(10, lambda: client.get("/healthz"))
    assert response.json()["status"] == "degraded" and elapsed < 0.5


def test_healthz_without_a_broker_is_ok(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "in-process"}
