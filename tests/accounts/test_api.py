from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User

from accounts.models import Account, ImportRun, Ticket
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db

RECORDS = [
    {"type": "account", "external_id": "acme", "name": "Acme Corp", "owner_email": "dana@example.com"},
    {
        "type": "ticket",
        "external_id": "ZD-1",
        "account": "acme",
        "subject": "Exports fail",
        "status": "open",
        "priority": "high",
        "opened_at": "2026-11-10T08:30:00Z",
    },
]


def test_it_requires_a_token(api_client_for: "ApiClientFor") -> None:
    response = api_client_for(None).post("/api/v1/evidence/", {"records": RECORDS}, format="json")
    assert response.status_code == 401


def test_an_owner_may_not_import(api_client_for: "ApiClientFor", owner: User) -> None:
    response = api_client_for(owner).post("/api/v1/evidence/", {"records": RECORDS}, format="json")
    assert response.status_code == 403
    assert Account.objects.count() == 0


def test_a_leader_imports_a_batch(api_client_for: "ApiClientFor", leader: User) -> None:
    response = api_client_for(leader).post("/api/v1/evidence/", {"records": RECORDS}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["ticket"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert body["rejected"] == []
    assert ImportRun.objects.get(pk=body["import_id"]).user == leader

    again = api_client_for(leader).post("/api/v1/evidence/", {"records": RECORDS}, format="json")
    assert again.json()["counts"]["ticket"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_an_invalid_batch_is_400_with_every_error_and_writes_nothing(
    api_client_for: "ApiClientFor", leader: User
) -> None:
    bad = [
        *RECORDS,
        {
            "type": "ticket",
            "external_id": "ZD-2",
            "account": "nope",
            "subject": "x",
            "status": "stuck",
            "opened_at": "2026-11-10T08:30:00Z",
        },
        "not an object",
    ]

    response = api_client_for(leader).post("/api/v1/evidence/", {"records": bad}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "line": 3,
            "field": "status",
            "reason": "must be one of new, open, pending, on_hold, solved, closed (got 'stuck')",
        },
        {"line": 4, "field": "line", "reason": "each record must be a JSON object"},
    ]
    assert Account.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_skip_invalid_through_the_api(api_client_for: "ApiClientFor", leader: User) -> None:
    bad = [
        *RECORDS,
        {"type": "note", "external_id": "n", "account": "ghost", "text": "x", "created_at": "2026-11-10T08:30:00Z"},
    ]
    response = api_client_for(leader).post("/api/v1/evidence/", {"records": bad, "skip_invalid": True}, format="json")
    assert response.status_code == 200
    assert response.json()["rejected"] == [
        {"line": 3, "errors": ["account: unknown account 'ghost' (not in this import or already stored)"]}
    ]
    assert Ticket.objects.count() == 1


def test_an_empty_or_malformed_body_is_400(api_client_for: "ApiClientFor", leader: User) -> None:
    client = api_client_for(leader)
    assert client.post("/api/v1/evidence/", {"records": []}, format="json").status_code == 400
    assert client.post("/api/v1/evidence/", {"nope": 1}, format="json").status_code == 400
    assert client.post("/api/v1/evidence/", "[1,2", content_type="application/json").status_code == 400


def test_an_owner_reads_only_their_accounts(api_client_for: "ApiClientFor", owner: User, other_owner: User) -> None:
    mine = factories.AccountFactory.create(owner=owner, external_id="mine")
    theirs = factories.AccountFactory.create(owner=other_owner, external_id="theirs")
    factories.TicketFactory.create(account=theirs)
    client = api_client_for(owner)

    listed = client.get("/api/v1/accounts/").json()
    assert [a["external_id"] for a in listed["results"]] == ["mine"]
    assert client.get("/api/v1/accounts/mine/").json()["owner_email"] == owner.email
    assert client.get("/api/v1/accounts/theirs/").status_code == 404
    assert client.get("/api/v1/accounts/theirs/tickets/").status_code == 404
    assert mine.pk


def test_search_is_q_and_an_unknown_parameter_is_refused_by_name(
    api_client_for: "ApiClientFor", owner: User, other_owner: User
) -> None:
    """A stranger's `?search=` returned every account; it is now a 400 that names it."""
    factories.AccountFactory.create(owner=owner, external_id="acme-1", name="Acme Corp")
    factories.AccountFactory.create(owner=owner, external_id="globex", name="Globex")
    factories.AccountFactory.create(owner=other_owner, external_id="acme-2", name="Acme Holdings")
    client = api_client_for(owner)

    response = client.get("/api/v1/accounts/?search=Acme")
    assert response.status_code == 400
    assert list(response.json()) == ["search"] and "search with q" in response.json()["search"][0]
    assert client.get("/api/v1/accounts/?q=Acme&sort=name").json() == {
        "sort": ["Unknown query parameter. This list takes q, segment, page (search with q)."]
    }
    found = client.get("/api/v1/accounts/?q=Acme").json()["results"]
    assert [a["external_id"] for a in found] == ["acme-1"], "search never reveals another owner's account"
    assert client.get("/api/v1/accounts/?q=acme-2").json()["results"] == []
    assert client.get("/api/v1/accounts/?q=Acme&page=1").status_code == 200


def test_a_leader_reads_every_account_and_its_evidence(
    api_client_for: "ApiClientFor", leader: User, owner: User
) -> None:
    account = factories.AccountFactory.create(owner=owner, external_id="acme")
    factories.TicketFactory.create(account=account, external_id="ZD-1")
    contact = factories.ContactFactory.create(account=account, external_id="c1")
    factories.InteractionFactory.create(account=account, contact=contact, external_id="m1")
    client = api_client_for(leader)

    assert client.get("/api/v1/accounts/").json()["count"] == 1
    tickets = client.get("/api/v1/accounts/acme/tickets/").json()["results"]
    assert [t["external_id"] for t in tickets] == ["ZD-1"]
    messages = client.get("/api/v1/accounts/acme/interactions/").json()["results"]
    assert messages[0]["contact"] == "c1"
    for kind in ("contacts", "usage", "outcomes", "notes", "opportunities"):
        assert client.get(f"/api/v1/accounts/acme/{kind}/").status_code == 200


def test_the_openapi_schema_is_served(api_client_for: "ApiClientFor", leader: User) -> None:
    response = api_client_for(leader).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/evidence/" in response.json()["paths"]
