"""After a decision the queue keeps up: the next candidate opens, the row leaves, the
counts change, and a rejection or deferral can be undone for ten seconds."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from measurement.models import EventKind, MeasurementEvent
from reviews.models import Decision
from signals import lifecycle
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "detail"}


@pytest.fixture
def three(owner):
    """Three pending candidates in queue order: score 90, 80, 70."""
    return [
        factories.CandidateFactory.create(
            account=factories.AccountFactory.create(owner=owner, name=f"Acct {score}"), score=score
        )
        for score in (90, 80, 70)
    ]


def trigger(response) -> dict:
    return json.loads(response["HX-Trigger"])


def next_panel(client, body: str, expected) -> str:
    """The decision's answer names the next candidate, whose panel loads with its own
    GET (hx-trigger="load"); fetch it as htmx would and return it."""
    assert f'<div class="detail-placeholder" hx-get="/candidates/{expected.pk}/" hx-trigger="load"' in body
    assert "data-candidate-id" not in body, "the panel itself is not in the decision's answer"
    response = client.get(f"/candidates/{expected.pk}/", **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_a_decision_opens_the_next_candidate_and_updates_the_list(client, owner, three) -> None:
    first, second, _ = three
    client.force_login(owner)
    response = client.post(
        f"/candidates/{first.pk}/decide/",
        {"action": "reject", "reason_code": "bad_timing", "version": first.version, "status": "pending"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<tr id="candidate-{first.pk}" hx-swap-oob="delete">' in body, "the row leaves the list"
    assert 'id="rec-tabs"' in body and 'hx-swap-oob="true"' in body
    assert 'All <span class="count">2</span>' in body, "the counts follow"
    assert response["HX-Push-Url"] == f"/candidates/{second.pk}/"
    message = trigger(response)["showMessage"]
    assert message["level"] == "success"
    assert message["undo"]["url"] == f"/candidates/{first.pk}/undo/"
    assert message["undo"]["seconds"] == 10
    # auto-advance: the next one opens, and counts as opened by its owner once it has
    assert not MeasurementEvent.objects.filter(candidate=second, kind=EventKind.REVIEWED).exists()
    assert f'data-candidate-id="{second.pk}"' in next_panel(client, body, second)
    assert MeasurementEvent.objects.filter(candidate=second, kind=EventKind.REVIEWED).exists()


def test_an_approval_has_no_undo(client, owner, three) -> None:
    first = three[0]
    client.force_login(owner)
    response = client.post(
        f"/candidates/{first.pk}/decide/",
        {"action": "approve", "next_step": "Call", "consent_reviewed": "1", "version": first.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "undo" not in trigger(response)["showMessage"]


def test_the_last_decision_says_the_queue_is_done(client, owner) -> None:
    only = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    client.force_login(owner)
    response = client.post(
        f"/candidates/{only.pk}/decide/",
        {
            "action": "defer",
            "defer_until": (timezone.now().date() + dt.timedelta(days=7)).isoformat(),
            "reason": "Back from holiday",
            "version": only.version,
        },
        **HTMX,
    )
    assert "No candidates need you today" in response.content.decode()
    assert response["HX-Push-Url"] == "/queue/"


def test_the_counts_follow_the_queue_filters(client, owner, three) -> None:
    three[2].recommendation = "wait"
    three[2].save()
    client.force_login(owner)
    response = client.post(
        f"/candidates/{three[0].pk}/decide/",
        {"action": "reject", "reason_code": "bad_timing", "version": three[0].version, "rec": "pursue"},
        **HTMX,
    )
    body = response.content.decode()
    assert f'data-candidate-id="{three[1].pk}"' in next_panel(client, body, three[1])
    assert 'All <span class="count">2</span>' in body  # the tabs count without the rec filter


def test_undo_brings_the_candidate_back(client, owner, three) -> None:
    first = three[0]
    client.force_login(owner)
    response = client.post(
        f"/candidates/{first.pk}/decide/",
        {"action": "reject", "reason_code": "bad_timing", "version": first.version},
        **HTMX,
    )
    undo = trigger(response)["showMessage"]["undo"]
    response = client.post(undo["url"], {"version": undo["version"]}, **HTMX)
    assert response.status_code == 200
    assert Candidate.objects.get(pk=first.pk).status == "pending"
    assert "queueChanged" in trigger(response)
    assert f'data-candidate-id="{first.pk}"' in response.content.decode()
    # twice is a conflict, not a second change
    again = client.post(undo["url"], {"version": undo["version"]}, **HTMX)
    assert again.status_code == 409


def test_undo_without_javascript(client, owner, three) -> None:
    first = three[0]
    client.force_login(owner)
    response = client.post(
        f"/candidates/{first.pk}/decide/", {"action": "reject", "reason_code": "bad_timing", "version": first.version}
    )
    assert response.status_code == 302
    queue = client.get(response["Location"]).content.decode()
    assert f'action="/candidates/{first.pk}/undo/"' in queue
    # the decided candidate's page offers it too, while the window lasts
    assert f'action="/candidates/{first.pk}/undo/"' in client.get(f"/candidates/{first.pk}/").content.decode()
    response = client.post(f"/candidates/{first.pk}/undo/", {"version": first.version + 1})
    assert response.status_code == 302
    assert Candidate.objects.get(pk=first.pk).status == "pending"


def test_undo_checks_ownership(client, other_owner, three) -> None:
    client.force_login(other_owner)
    assert client.post(f"/candidates/{three[0].pk}/undo/", {}).status_code == 404


def test_snooze_until_a_ticket_from_the_form(client, owner, three) -> None:
    first = three[0]
    factories.TicketFactory.create(account=first.account, external_id="ZD-881", status="open")
    client.force_login(owner)
    page = client.get(f"/candidates/{first.pk}/").content.decode()
    assert '<option value="ZD-881">' in page and "In a week" in page and "After the renewal" in page
    response = client.post(
        f"/candidates/{first.pk}/decide/",
        {"action": "defer", "defer_ticket": "ZD-881", "reason": "Exports first", "version": first.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "until ticket ZD-881 is closed" in trigger(response)["showMessage"]["text"]
    waiting_on = Candidate.objects.get(pk=first.pk).defer_ticket
    assert waiting_on is not None and waiting_on.external_id == "ZD-881"


def test_overdue_next_steps_have_their_tab(client, owner, three) -> None:
    first, second, _ = three
    for c, days in ((first, -3), (second, 5)):
        lifecycle.candidate_approve(
            candidate_id=c.pk, user=owner, next_step=lifecycle.NextStep("Call", "", None), consent_reviewed=True
        )
        Decision.objects.filter(candidate=c).update(next_step_due=timezone.now().date() + dt.timedelta(days=days))
    client.force_login(owner)
    body = client.get("/queue/").content.decode()
    assert 'Overdue <span class="count count-warn">1</span>' in body
    overdue = client.get("/queue/?status=overdue").content.decode()
    assert f'id="candidate-{first.pk}"' in overdue and f'id="candidate-{second.pk}"' not in overdue
    assert "Overdue</span>" in client.get(f"/candidates/{first.pk}/").content.decode()
    lifecycle.follow_up_log(candidate_id=first.pk, user=owner, kind="closed_lost")
    assert f'id="candidate-{first.pk}"' not in client.get("/queue/?status=overdue").content.decode()


def test_the_monthly_review_opens_with_a_summary(client, owner, three) -> None:
    first, second, _ = three
    lifecycle.candidate_approve(
        candidate_id=first.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    lifecycle.follow_up_log(candidate_id=first.pk, user=owner, kind="closed_won", amount=Decimal("12000"))
    lifecycle.candidate_reject(candidate_id=second.pk, user=owner, reason_code="bad_timing")
    lifecycle.candidate_undo(candidate_id=second.pk, user=owner)
    client.force_login(owner)
    body = client.get("/review/").content.decode()
    summary = body.split('id="rv-summary"')[1].split("</section>")[0]
    assert "<dt>Approved</dt><dd>1</dd>" in summary
    assert "<dt>Rejected</dt><dd>0</dd>" in summary, "the undone rejection is left out"
    assert "12,000" in summary
