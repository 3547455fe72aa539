from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User

from measurement.models import MeasurementEvent
from signals.models import Candidate
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner: User) -> Candidate:
    return factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner, external_id="acme"))


@pytest.fixture
def theirs(other_owner: User) -> Candidate:
    return factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=other_owner, external_id="globex")
    )


def test_the_candidate_list_is_scoped(
    api_client_for: "ApiClientFor", owner: User, leader: User, mine: Candidate, theirs: Candidate
) -> None:
    assert api_client_for(None).get("/api/v1/candidates/").status_code == 401
    rows = api_client_for(owner).get("/api/v1/candidates/").json()["results"]
    assert [r["account"] for r in rows] == ["acme"]
    assert rows[0]["brief"]["next_step"] == "Propose a short call with Maria."
    assert {r["account"] for r in api_client_for(leader).get("/api/v1/candidates/").json()["results"]} == {
        "acme",
        "globex",
    }
    assert api_client_for(owner).get(f"/api/v1/candidates/{theirs.pk}/").status_code == 404


def test_the_candidate_list_filters_by_status_and_refuses_what_it_does_not_know(
    api_client_for: "ApiClientFor", owner: User, mine: Candidate, theirs: Candidate
) -> None:
    from signals.lifecycle import candidate_reject

    approved = factories.CandidateFactory.create(account=mine.account, signal_type="add_on", status="approved")
    candidate_reject(candidate_id=mine.pk, user=owner, reason_code="bad_timing")
    client = api_client_for(owner)

    def ids(**params: str) -> list[int]:
        response = client.get("/api/v1/candidates/", params)
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids(status="approved") == [approved.pk]
    assert ids(status="rejected") == [mine.pk]
    assert sorted(ids(status="decided")) == sorted([approved.pk, mine.pk])
    assert ids() == []  # pending by default; the other owner's candidate never shows
    # a guessed filter or an unknown value used to answer 200 with the pending list
    for params, field, words in (
        ({"status": "bogus"}, "status", "Unknown value 'bogus'. One of: pending, deferred, decided, approved"),
        ({"owner": "dana"}, "owner", "Unknown query parameter. This list takes status, rec, type, q, page."),
        ({"type": "licences"}, "type", "One of: seats, capacity"),
        ({"rec": "go"}, "rec", "Unknown value 'go'"),
    ):
        response = client.get("/api/v1/candidates/", params)
        assert response.status_code == 400 and words in response.json()[field][0], response.json()


def test_approve_through_the_api_with_the_same_rules(
    api_client_for: "ApiClientFor", owner: User, mine: Candidate
) -> None:
    client = api_client_for(owner)
    refused = client.post(
        f"/api/v1/candidates/{mine.pk}/approve/", {"next_step": "Call Maria", "consent_reviewed": False}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "consent_reviewed": "Confirm that you reviewed consent and the relationship context."
    }

    ok = client.post(
        f"/api/v1/candidates/{mine.pk}/approve/",
        {"next_step": "Call Maria", "consent_reviewed": True, "version": mine.version},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "approved"
    assert list(MeasurementEvent.objects.values_list("kind", flat=True)) == ["approved"]

    again = client.post(f"/api/v1/candidates/{mine.pk}/reject/", {"reason_code": "not_a_fit"}, format="json")
    assert again.status_code == 409
    assert again.json()["candidate"]["status"] == "approved"


def test_reject_defer_and_outcomes_through_the_api(api_client_for: "ApiClientFor", owner: User) -> None:
    client = api_client_for(owner)
    a = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    b = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    assert client.post(f"/api/v1/candidates/{a.pk}/reject/", {"reason_code": "bogus"}, format="json").status_code == 400
    assert (
        client.post(f"/api/v1/candidates/{a.pk}/reject/", {"reason_code": "bad_timing"}, format="json").status_code
        == 200
    )
    assert client.post(
        f"/api/v1/candidates/{b.pk}/defer/", {"defer_until": "2099-01-01", "reason": "x"}, format="json"
    ).json()["errors"] == {"defer_until": "Defer for at most a year."}
    c = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    client.post(f"/api/v1/candidates/{c.pk}/approve/", {"next_step": "Call", "consent_reviewed": True}, format="json")
    won = client.post(f"/api/v1/candidates/{c.pk}/outcomes/", {"kind": "closed_won", "amount": "5000"}, format="json")
    assert won.status_code == 200
    assert MeasurementEvent.objects.filter(kind="closed_won", candidate=c).get().data["amount"] == "5000.00"


def test_another_owner_and_a_leader_cannot_decide(
    api_client_for: "ApiClientFor", other_owner: User, leader: User, mine: Candidate
) -> None:
    data = {"next_step": "Call", "consent_reviewed": True}
    assert (
        api_client_for(other_owner).post(f"/api/v1/candidates/{mine.pk}/approve/", data, format="json").status_code
        == 404
    )
    assert api_client_for(leader).post(f"/api/v1/candidates/{mine.pk}/approve/", data, format="json").status_code == 403
    assert Candidate.objects.get(pk=mine.pk).status == "pending"


def test_clients_cannot_set_status_score_or_owner(api_client_for: "ApiClientFor", owner: User, mine: Candidate) -> None:
    client = api_client_for(owner)
    client.post(
        f"/api/v1/candidates/{mine.pk}/approve/",
        {
            "next_step": "Call",
            "consent_reviewed": True,
            "status": "rejected",
            "score": 3,
            "recommendation": "stop",
            "owner": 999,
            "decided_at": "2020-01-01T00:00:00Z",
        },
        format="json",
    )
    mine.refresh_from_db()
    assert (mine.status, mine.score, mine.recommendation) == ("approved", 80, "pursue")
    assert mine.account.owner == owner
    assert mine.decided_at is not None and mine.decided_at.year > 2020


def test_reassign_through_the_api(
    api_client_for: "ApiClientFor", leader: User, owner: User, other_owner: User, mine: Candidate
) -> None:
    assert (
        api_client_for(owner)
        .post("/api/v1/accounts/acme/reassign/", {"owner_email": other_owner.email}, format="json")
        .status_code
        == 403
    )
    response = api_client_for(leader).post(
        "/api/v1/accounts/acme/reassign/", {"owner_email": other_owner.email}, format="json"
    )
    assert response.status_code == 200
    mine.account.refresh_from_db()
    assert mine.account.owner == other_owner
    assert (
        api_client_for(leader)
        .post("/api/v1/accounts/acme/reassign/", {"owner_email": "nobody@example.com"}, format="json")
        .status_code
        == 400
    )


def test_undo_through_the_api(
    api_client_for: "ApiClientFor", owner: User, other_owner: User, leader: User, mine: Candidate
) -> None:
    client = api_client_for(owner)
    rejected = client.post(f"/api/v1/candidates/{mine.pk}/reject/", {"reason_code": "bad_timing"}, format="json")
    assert rejected.status_code == 200
    body = rejected.json()
    assert body["status"] == "rejected" and body["undo_until"] is not None
    # another owner does not see it; a leader sees it but does not decide
    assert api_client_for(other_owner).post(f"/api/v1/candidates/{mine.pk}/undo/", {}, format="json").status_code == 404
    assert api_client_for(leader).post(f"/api/v1/candidates/{mine.pk}/undo/", {}, format="json").status_code == 403
    # a stale version is a conflict that returns the current state
    stale = client.post(f"/api/v1/candidates/{mine.pk}/undo/", {"version": body["version"] - 1}, format="json")
    assert stale.status_code == 409 and stale.json()["candidate"]["status"] == "rejected"
    undone = client.post(f"/api/v1/candidates/{mine.pk}/undo/", {"version": body["version"]}, format="json")
    assert undone.status_code == 200
    assert undone.json()["status"] == "pending" and undone.json()["undo_until"] is None
    assert MeasurementEvent.objects.filter(candidate=mine, kind="undone").count() == 1
    # nothing left to undo
    assert client.post(f"/api/v1/candidates/{mine.pk}/undo/", {}, format="json").status_code == 409


def test_undo_after_the_window_is_refused(api_client_for: "ApiClientFor", owner: User, mine: Candidate) -> None:
    import datetime as dt

    from signals import lifecycle

    lifecycle.candidate_reject(
        candidate_id=mine.pk,
        user=owner,
        reason_code="bad_timing",
        at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=lifecycle.UNDO_SECONDS + lifecycle.UNDO_GRACE_SECONDS + 1),
    )
    response = api_client_for(owner).post(f"/api/v1/candidates/{mine.pk}/undo/", {}, format="json")
    assert response.status_code == 400
    assert "Too late to undo" in response.json()["errors"]["undo"]
    assert Candidate.objects.get(pk=mine.pk).status == "rejected"


def test_defer_until_a_ticket_is_closed_through_the_api(
    api_client_for: "ApiClientFor", owner: User, other_owner: User, mine: Candidate, theirs: Candidate
) -> None:
    factories.TicketFactory.create(account=mine.account, external_id="ZD-77", status="open")
    factories.TicketFactory.create(account=mine.account, external_id="ZD-78", status="solved")
    factories.TicketFactory.create(account=theirs.account, external_id="ZD-99", status="open")
    client = api_client_for(owner)
    url = f"/api/v1/candidates/{mine.pk}/defer/"
    # a closed ticket, another account's ticket, and no date nor ticket: each named
    closed = client.post(url, {"defer_ticket": "ZD-78", "reason": "x"}, format="json")
    assert closed.status_code == 400
    assert closed.json()["errors"]["defer_ticket"] == "Ticket ZD-78 is already solved."
    assert (
        "has no ticket"
        in client.post(url, {"defer_ticket": "ZD-99", "reason": "x"}, format="json").json()["errors"]["defer_ticket"]
    )
    assert client.post(url, {"reason": "x"}, format="json").json()["errors"] == {
        "defer_until": "Choose the date it should come back."
    }
    # another owner: 404; a stale version: 409
    other = api_client_for(other_owner).post(url, {"defer_ticket": "ZD-77", "reason": "x"}, format="json")
    assert other.status_code == 404
    stale = client.post(url, {"defer_ticket": "ZD-77", "reason": "x", "version": mine.version + 5}, format="json")
    assert stale.status_code == 409
    deferred = client.post(
        url, {"defer_ticket": "ZD-77", "reason": "Wait for the export fix", "version": mine.version}, format="json"
    )
    assert deferred.status_code == 200, deferred.json()
    body = deferred.json()
    assert body["status"] == "deferred" and body["defer_ticket"] == "ZD-77" and body["defer_until"]
    assert client.get(f"/api/v1/candidates/{mine.pk}/").json()["defer_ticket"] == "ZD-77"
    assert client.get("/api/v1/candidates/", {"status": "deferred"}).json()["results"][0]["defer_ticket"] == "ZD-77"


def test_the_schema_documents_undo_and_defer_until_a_ticket(api_client_for: "ApiClientFor", owner: User) -> None:
    schema = api_client_for(owner).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    undo = schema["paths"]["/api/v1/candidates/{id}/undo/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(undo["responses"])
    assert "too late" in undo["responses"]["400"]["description"]
    defer = schema["paths"]["/api/v1/candidates/{id}/defer/"]["post"]
    ref = defer["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][ref]
    assert "defer_ticket" in fields["properties"] and "defer_until" not in fields.get("required", [])
    candidate = schema["components"]["schemas"]["Candidate"]["properties"]
    assert {"defer_ticket", "undo_until"} <= set(candidate)
