"""The outbox through the real path: a decision in the web app or the API, the task,
and a real HTTP receiver on loopback."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from tests.handoff.receiver import Receiver

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor


import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import Account
from handoff import services
from handoff.models import Delivery, DeliveryStatus, Endpoint, OutboxMessage
from handoff.signing import verify
from handoff.tasks import deliver_due_task
from signals import lifecycle
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db


def _approve(owner: User, candidate: Candidate) -> None:
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/candidates/{candidate.pk}/decide/",
        {
            "action": "approve",
            "next_step": "Call Maria about 20 seats",
            "next_step_who": "Maria",
            "next_step_due": "2099-01-15",
            "consent_reviewed": "1",
        },
    )
    assert response.status_code in (200, 302)


@pytest.fixture
def candidate(owner: User) -> Candidate:
    account = factories.AccountFactory.create(owner=owner, external_id="acme", name="Acme Corp", arr=Decimal("50000"))
    return factories.CandidateFactory.create(account=account)


def test_an_approval_is_delivered_signed(
    owner: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    receiver.wait_for(1)
    got = receiver.requests[0]
    assert verify(endpoint.secret, got.headers["X-Expansion-Timestamp"], got.body, got.headers["X-Expansion-Signature"])
    assert not verify(
        "another secret", got.headers["X-Expansion-Timestamp"], got.body, got.headers["X-Expansion-Signature"]
    )
    payload = json.loads(got.body)
    assert payload["type"] == "approved"
    assert payload["id"] == got.headers["Idempotency-Key"]
    assert payload["account"]["external_id"] == "acme"
    assert payload["owner"]["email"] == owner.email
    assert payload["next_step"] == {"what": "Call Maria about 20 seats", "who": "Maria", "due": "2099-01-15"}
    assert payload["task"]["due_date"] == "2099-01-15"
    assert payload["links"]["candidate"].endswith(f"/candidates/{candidate.pk}/")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_the_signature_refuses_an_old_timestamp(endpoint: Endpoint) -> None:
    from handoff.signing import sign

    body = b'{"a": 1}'
    assert verify("k", "1000", body, sign("k", 1000, body), now=1000 + 299)
    assert not verify("k", "1000", body, sign("k", 1000, body), now=1000 + 301)
    assert not verify("k", "1000", b'{"a": 2}', sign("k", 1000, body), now=1000)


def test_a_500_is_retried_with_the_same_key(
    owner: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.HANDOFF_RETRY_BASE_SECONDS = 0  # the backoff itself is tested below
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    receiver.wait_for(3)
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3


def test_after_the_last_attempt_it_is_kept_failed_and_resent_from_admin(
    owner: User,
    admin_user: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.HANDOFF_RETRY_BASE_SECONDS = 0
    settings.HANDOFF_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500]
    receiver.reply = b'{"error": "CRM down"}'
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert delivery.last_status_code == 500 and "CRM down" in delivery.last_response

    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/handoff/delivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 3
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1


def test_a_refusal_fails_at_once(
    owner: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    receiver.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 1


def test_nothing_is_sent_for_a_rolled_back_decision(
    owner: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            lifecycle.candidate_approve(
                candidate_id=candidate.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
            )
            raise RuntimeError("the surrounding work failed")
    deliver_due_task()
    assert not OutboxMessage.objects.exists() and not Delivery.objects.exists()
    assert receiver.requests == []


def test_an_unreachable_receiver_is_retried_later_by_the_sweeper(
    owner: User,
    candidate: Candidate,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    Endpoint.objects.create(name="down", url="http://127.0.0.1:9/nothing-listens", secret="x")
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "ConnectionError" in delivery.last_error
    # the receiver comes up at the same address; once due, the sweeper sends it
    Endpoint.objects.update(url=receiver.url)
    Delivery.objects.update(next_attempt_at=delivery.next_attempt_at.replace(year=2000))
    assert deliver_due_task() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1


def test_endpoints_get_only_their_events_and_inactive_ones_nothing(
    owner: User,
    candidate: Candidate,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    Endpoint.objects.create(name="won only", url=receiver.url, event_kinds=["closed_won"])
    Endpoint.objects.create(name="off", url=receiver.url, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    assert OutboxMessage.objects.count() == 1 and not Delivery.objects.exists()


def test_follow_ups_and_reassignment_are_handed_off(
    owner: User,
    other_owner: User,
    leader: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    api_client_for: "ApiClientFor",
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
        api = api_client_for(owner)
        assert (
            api.post(
                f"/api/v1/candidates/{candidate.pk}/outcomes/", {"kind": "closed_won", "amount": "12500"}, format="json"
            ).status_code
            == 200
        )
        lifecycle.account_reassign(account_id=candidate.account_id, user=leader, new_owner_id=other_owner.pk)
    receiver.wait_for(3)
    kinds = [json.loads(r.body)["type"] for r in receiver.requests]
    assert kinds == ["approved", "closed_won", "reassigned"]
    won = json.loads(receiver.requests[1].body)
    assert won["opportunity"]["amount"] == "12500.00" and won["opportunity"]["stage"] == "won"
    moved = json.loads(receiver.requests[2].body)
    assert moved["reassignment"]["from"]["email"] == owner.email
    assert moved["reassignment"]["to"]["email"] == other_owner.email
    assert moved["owner"]["email"] == other_owner.email


def test_payloads_match_the_documented_schema(
    owner: User,
    leader: User,
    other_owner: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    import jsonschema

    from tests.handoff.test_docs import SCHEMA

    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
        lifecycle.follow_up_log(candidate_id=candidate.pk, user=owner, kind="outreach_sent", note="Sent")
        lifecycle.account_reassign(account_id=candidate.account_id, user=leader, new_owner_id=other_owner.pk)
    for message in OutboxMessage.objects.all():
        jsonschema.validate(message.payload, SCHEMA)


def test_backoff_is_exponential_and_capped(settings: Settings) -> None:
    settings.HANDOFF_RETRY_BASE_SECONDS = 30
    settings.HANDOFF_RETRY_MAX_SECONDS = 3600
    assert [services.backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_a_claimed_delivery_is_not_sent_twice(
    owner: User, candidate: Candidate, endpoint: Endpoint, receiver: Receiver
) -> None:
    lifecycle.candidate_approve(
        candidate_id=candidate.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    delivery = Delivery.objects.get()
    assert services.delivery_claim(delivery_id=delivery.pk) is not None
    assert services.delivery_claim(delivery_id=delivery.pk) is None  # a second worker finds it taken
    assert services.delivery_attempt(delivery_id=delivery.pk)[0] == services.Outcome.SKIPPED
    assert receiver.requests == []
    assert Account.objects.count() == 1


def test_without_a_worker_admin_says_retries_wait_and_send_again_delivers_now(
    owner: User,
    admin_user: User,
    candidate: Candidate,
    endpoint: Endpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """`make run` (no broker, tasks in the request, no beat): a 500 leaves the delivery
    waiting for a retry nothing will make. Admin says so; Send again delivers now."""
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/handoff/delivery/").content.decode()
    assert "a failed delivery is not retried on its own" in page and "make worker" in page
    assert "Needs a worker" in page
    assert (
        "a failed delivery is not retried"
        in client.get(f"/admin/handoff/delivery/{delivery.pk}/change/").content.decode()
    )

    response = client.post(
        "/admin/handoff/delivery/", {"action": "resend", "_selected_action": [delivery.pk]}, follow=True
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 2
    body = response.content.decode()
    assert "1 delivery sent: 1 delivered." in body and "delivery(ies)" not in body
    assert "a failed delivery is not retried on its own" not in body


def test_with_a_worker_send_again_queues_and_counts_in_words(
    owner: User, admin_user: User, candidate: Candidate, endpoint: Endpoint, settings: Settings
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False  # production: the worker sends it after commit
    Endpoint.objects.create(name="Other", url=endpoint.url, secret="another-secret")
    _approve(owner, candidate)  # no on-commit callbacks run here: nothing is sent
    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 2
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=5)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/handoff/delivery/", {"action": "resend", "_selected_action": [d.pk for d in deliveries]}, follow=True
    )
    body = response.content.decode()
    assert "2 deliveries queued again." in body
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0).count() == 2
    assert "not retried on its own" not in client.get("/admin/handoff/delivery/").content.decode()


def test_admin_names_deliveries_by_event_account_and_candidate_and_filters_handed_off_kinds(
    owner: User,
    admin_user: User,
    candidate: Candidate,
    endpoint: Endpoint,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _approve(owner, candidate)
    message = OutboxMessage.objects.get()
    assert str(message) == f"Approved · acme · candidate #{candidate.pk} · {message.created_at:%Y-%m-%d %H:%M}"
    client = Client()
    client.force_login(admin_user)
    for url, param in (("/admin/handoff/delivery/", "message__kind"), ("/admin/handoff/outboxmessage/", "kind")):
        page = client.get(url).content.decode()
        assert f"?{param}=approved" in page and f"?{param}=reassigned" in page
        assert f"?{param}=reviewed" not in page and f"?{param}=held_out" not in page
    assert f"Approved · acme · candidate #{candidate.pk}" in client.get("/admin/handoff/delivery/").content.decode()
    assert client.get("/admin/handoff/delivery/?message__kind=approved").status_code == 200
    form = client.get("/admin/handoff/endpoint/add/").content.decode()
    assert 'value="approved"' in form and 'value="reviewed"' not in form
