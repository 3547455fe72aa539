"""Follow-ups keep their integrity: dated between the approval and today, closed once,
amounts positive and bounded by the account's ARR, mistakes corrected by an appended
event that the figures honour. Trigger evidence that arrives while a follow-up is open
is shown on the approved candidate, not queued."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from measurement import selectors as figures
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from tests import factories
from tests.signals.scenario import Scenario, export, score

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(owner: User) -> Candidate:
    account = factories.AccountFactory.create(owner=owner, arr=Decimal("50000"), currency="USD")
    candidate = factories.CandidateFactory.create(account=account)
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/candidates/{candidate.pk}/decide/", {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1"}
    )
    assert response.status_code in (200, 302)
    candidate.refresh_from_db()
    assert candidate.status == "approved"
    return candidate


def _log(client: APIClient, candidate: Candidate, **data: object) -> "_MonkeyPatchedResponse":
    return client.post(f"/api/v1/candidates/{candidate.pk}/outcomes/", data, format="json")


def test_a_follow_up_cannot_predate_the_approval_or_lie_in_the_future(
    approved: Candidate, api_client_for: "ApiClientFor", owner: User
) -> None:
    client = api_client_for(owner)
    past = _log(client, approved, kind="outreach_sent", occurred_on="2001-01-01")
    assert past.status_code == 400 and "before the approval" in past.json()["errors"]["occurred_on"]
    future = _log(
        client, approved, kind="outreach_sent", occurred_on=(timezone.now().date() + dt.timedelta(days=3)).isoformat()
    )
    assert future.status_code == 400 and "future" in future.json()["errors"]["occurred_on"]
    assert not MeasurementEvent.objects.filter(kind=EventKind.OUTREACH_SENT).exists()


def test_an_amount_is_positive_and_bounded_by_the_accounts_arr(
    approved: Candidate, api_client_for: "ApiClientFor", owner: User
) -> None:
    client = api_client_for(owner)
    huge = _log(client, approved, kind="closed_won", amount="999999999999.99")
    assert huge.status_code == 400 and "ARR" in huge.json()["errors"]["amount"]
    negative = _log(client, approved, kind="closed_won", amount="-5")
    assert negative.status_code == 400
    ok = _log(client, approved, kind="closed_won", amount="12500")
    assert ok.status_code == 200


def test_won_or_lost_once_and_a_correction_reopens_it(
    approved: Candidate, api_client_for: "ApiClientFor", owner: User, leader: User
) -> None:
    client = api_client_for(owner)
    assert _log(client, approved, kind="closed_won", amount="20000").status_code == 200
    again = _log(client, approved, kind="closed_lost")
    assert again.status_code == 400 and "already closed won" in again.json()["errors"]["kind"]
    assert _log(client, approved, kind="closed_won", amount="30000").status_code == 400

    won = MeasurementEvent.objects.get(kind=EventKind.CLOSED_WON)
    until = timezone.now() + dt.timedelta(days=1)
    assert figures.facts_for(Candidate.objects.all(), until=until)[approved.pk].won_amounts == {
        "USD": Decimal("20000.00")
    }

    corrected = client.post(
        f"/api/v1/candidates/{approved.pk}/follow-ups/{won.pk}/correct/",
        {"reason": "Typed the wrong deal"},
        format="json",
    )
    assert corrected.status_code == 200
    assert MeasurementEvent.objects.filter(kind=EventKind.CLOSED_WON).count() == 1, "the log keeps the original"
    facts = figures.facts_for(Candidate.objects.all(), until=until)[approved.pk]
    assert facts.won_amounts == {} and not facts.won
    twice = client.post(
        f"/api/v1/candidates/{approved.pk}/follow-ups/{won.pk}/correct/", {"reason": "again"}, format="json"
    )
    assert twice.status_code == 400

    assert _log(client, approved, kind="closed_lost").status_code == 200
    by_leader = api_client_for(leader).post(
        f"/api/v1/candidates/{approved.pk}/outcomes/", {"kind": "closed_won"}, format="json"
    )
    assert by_leader.status_code == 403, "only the owner logs follow-ups"


def test_the_page_shows_corrected_follow_ups_and_the_owner_can_correct(
    approved: Candidate, owner: User, other_owner: User
) -> None:
    client = Client()
    client.force_login(owner)
    client.post(f"/candidates/{approved.pk}/outcomes/", {"kind": "outreach_sent"})
    outreach = MeasurementEvent.objects.get(kind=EventKind.OUTREACH_SENT)
    page = client.get(f"/candidates/{approved.pk}/").content.decode()
    assert "Follow-ups" in page and f"/follow-ups/{outreach.pk}/correct/" in page

    stranger = Client()
    stranger.force_login(other_owner)
    assert (
        stranger.post(f"/candidates/{approved.pk}/follow-ups/{outreach.pk}/correct/", {"reason": "x"}).status_code
        == 404
    )
    response = client.post(
        f"/candidates/{approved.pk}/follow-ups/{outreach.pk}/correct/",
        {"reason": "Sent to the wrong contact"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Corrected" in response.content.decode()
    assert MeasurementEvent.objects.get(kind=EventKind.FOLLOW_UP_CORRECTED).corrects_id == outreach.pk


SEATS = "Our team is expanding: we need 20 more seats by 1 March, Maria (VP Ops) has signed off."


def _seats_candidate(tmp_path: Path) -> tuple[Scenario, Candidate, Client, dt.date]:
    """Acme with a verified outcome and a buying seats message, scored today: its one
    candidate, and a client signed in as its owner, Dana."""
    from django.contrib.auth import get_user_model

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS, days_ago=3)
    s.import_()
    today = timezone.now().date()
    score("acme", as_of=today)
    client = Client()
    client.force_login(get_user_model().objects.get(email="dana@example.com"))
    return s, Candidate.objects.get(), client, today


def test_new_trigger_evidence_during_an_open_follow_up_is_attached_not_queued(tmp_path: Path) -> None:
    s, candidate, client, today = _seats_candidate(tmp_path)
    client.post(
        f"/candidates/{candidate.pk}/decide/", {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1"}
    )

    s.add(
        "interaction",
        external_id="m2",
        text="Also, we need 10 more licences for the Lisbon team this month.",
        occurred_at=(timezone.now() + dt.timedelta(minutes=1)).isoformat(),
        channel="email",
    )
    s.import_()
    score("acme", as_of=today + dt.timedelta(days=1))

    assert export("--status", "pending") == [], "not a new queue item"
    candidate.refresh_from_db()
    assert [t.ref for t in candidate.triggers if t.new_since_decision] == ["m2"]
    assert MeasurementEvent.objects.filter(kind=EventKind.NEW_EVIDENCE, candidate=candidate).count() == 1
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "New since you approved" in page and "m2" in page
    # the change itself, not only its date: the customer's words
    section = page[page.index("New since you approved") : page.index("</ul>", page.index("New since you approved"))]
    assert "we need 10 more licences for the Lisbon team this month." in section

    score("acme", as_of=today + dt.timedelta(days=2))
    assert MeasurementEvent.objects.filter(kind=EventKind.NEW_EVIDENCE).count() == 1, "attached once"
    # the attached message is not among the evidence the brief cites: its chip links
    # nowhere rather than to a missing anchor (the stranger's dead link)
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert_no_dead_anchors(page)

    api = APIClient()
    api.force_authenticate(candidate.account.owner)
    assert _log(api, candidate, kind="closed_won", amount="1000").status_code == 200
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "while your follow-up is open" not in page, "the follow-up is closed"
    assert "while your follow-up was open, before it closed" in page


def assert_no_dead_anchors(page: str) -> None:
    targets = set(re.findall(r'href="#([^"]+)"', page))
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert not targets - ids - {"main", "top"}, targets - ids


def test_an_expired_candidate_says_the_engine_expired_it_not_the_owner_who_deferred_it(tmp_path: Path) -> None:
    """The stranger's case: a candidate the owner had deferred, returned and later no
    longer detected said "Expired by Dana" (her deferral was its last decision)."""
    s, candidate, client, today = _seats_candidate(tmp_path)
    until = today + dt.timedelta(days=7)
    response = client.post(
        f"/candidates/{candidate.pk}/decide/", {"action": "defer", "defer_until": until.isoformat(), "reason": "budget"}
    )
    assert response.status_code in (200, 302), response.content.decode()[-3000:]
    candidate.refresh_from_db()
    assert candidate.status == "deferred"
    score("acme", as_of=today + dt.timedelta(days=8))  # back on its date
    score("acme", as_of=today + dt.timedelta(days=200))  # the message has aged out of the window
    candidate.refresh_from_db()
    assert candidate.status == "expired"
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert f"Expired on {timezone.localdate(candidate.closed_at):%-d %b %Y}" in page
    assert "Nobody decided it" in page
    assert "Expired by" not in page and "Deferred until" not in page


def test_a_request_held_by_the_rejections_cool_down_is_shown_on_the_rejected_candidate(tmp_path: Path) -> None:
    """The stranger's case: a new request after a rejection was silently held by the
    cool-down; the rejected candidate now says so, with the message and the date it ends."""
    s, candidate, client, today = _seats_candidate(tmp_path)
    client.post(f"/candidates/{candidate.pk}/decide/", {"action": "reject", "reason_code": "bad_timing"})
    candidate.refresh_from_db()
    assert candidate.status == "rejected"
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "New since you rejected" not in page, "nothing new yet"

    s.add(
        "interaction",
        external_id="m2",
        text="Our COO approved the budget: we would like 15 more seats this month.",
        occurred_at=(timezone.now() + dt.timedelta(minutes=1)).isoformat(),
        channel="email",
    )
    s.import_()
    score("acme", as_of=today)
    assert export("--status", "pending") == [], "held back by the cool-down"
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    until = (timezone.localdate(candidate.closed_at) + dt.timedelta(days=60)).strftime("%-d %b %Y")
    assert f"New since you rejected · held until {until}" in page
    assert "we would like 15 more seats this month." in page and "60-day cool-down" in page


def test_a_message_dated_before_the_decision_but_imported_after_is_shown_not_lost(tmp_path: Path) -> None:
    """The stranger's case: the decision maker's "we now need 40 more seats, not 25", dated
    that morning, reached us after the approval (the CRM export lags). It cannot be new
    evidence (dated before the decision), and it was visible nowhere on the candidate."""
    s, candidate, client, today = _seats_candidate(tmp_path)
    client.post(
        f"/candidates/{candidate.pk}/decide/", {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1"}
    )
    candidate.refresh_from_db()
    assert candidate.status == "approved" and candidate.decided_at is not None
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Reached us after your decision" not in page

    s.add(
        "interaction",
        external_id="m-late",
        text="Update from Maria: we now need 40 more seats, not 25, budget approved.",
        occurred_at=(candidate.decided_at - dt.timedelta(hours=2)).isoformat(),
        channel="email",
    )
    s.import_()
    score("acme", as_of=today)
    assert export("--status", "pending") == [], "dated before the decision: not new evidence"
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Reached us after your decision · dated before it" in page
    assert "we now need 40 more seats, not 25" in page
