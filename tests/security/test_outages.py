"""The database or the broker goes away during a request: a clear answer, nothing
half-written, and the app works again once the service is back."""

import logging

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Account
from measurement.models import MeasurementEvent
from reviews.models import Decision
from signals.models import Candidate
from tests import factories

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


def test_a_decision_while_the_database_is_down_is_refused_cleanly_and_works_after(owner) -> None:
    candidate = factories.CandidateFactory(account=factories.AccountFactory(owner=owner))
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


def test_the_api_answers_503_json_while_the_database_is_down(owner) -> None:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(owner)
    with DatabaseDown():
        response = client.get("/api/v1/candidates/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is unavailable")
    assert client.get("/api/v1/candidates/").status_code == 200


def test_an_import_while_the_broker_is_down_is_saved_and_scoring_catches_up(leader, caplog) -> None:
    from config.celery import app as celery_app

    client = APIClient()
    client.force_authenticate(leader)
    records = [{"type": "account", "external_id": "acme", "name": "Acme"},
               {"type": "interaction", "external_id": "m1", "account": "acme", "occurred_at": "2026-11-20T10:00:00Z",
                "text": "We need 20 more seats by March, the VP signed off."}]
    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "broker_connection_retry",
                                           "broker_connection_max_retries", "broker_transport_options")}
    # Nothing listens on this port: the broker is down.
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0",
                           broker_connection_retry=False, broker_connection_max_retries=0,
                           broker_transport_options={"max_retries": 0, "socket_connect_timeout": 1})
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        with caplog.at_level(logging.ERROR):
            response = client.post("/api/v1/evidence/", {"records": records}, format="json")
    finally:
        celery_app.conf.update(old)
        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    assert response.status_code == 200
    assert Account.objects.filter(external_id="acme").exists(), "the evidence was saved"
    assert "the nightly rescore will catch up" in caplog.text
    assert not Candidate.objects.exists()

    # the broker is back (tasks in-process again): the next import scores
    client.post("/api/v1/evidence/", {"records": [{**records[1], "external_id": "m2"}]}, format="json")
    assert Candidate.objects.filter(account__external_id="acme", signal_type="seats").exists()
