"""The summary through the REST API: the typed record as JSON, scoped like the page."""

import pytest
from django.contrib.auth.models import User

from planning.records import AccountPlan
from tests.conftest import ApiClientFor
from tests.planning.book import planning_book

pytestmark = pytest.mark.django_db


def test_it_returns_the_record(owner: User, api_client_for: ApiClientFor) -> None:
    planning_book(owner)
    response = api_client_for(owner).get("/api/v1/accounts/acme/plan/")
    assert response.status_code == 200
    plan = AccountPlan.model_validate(response.json())  # the same typed record, round-tripped
    assert plan.account.external_id == "acme"
    assert {r.kind for r in plan.risks} == {"ticket", "conflict", "blocker"}
    assert any(e.id == "acme-ZD-881" for e in plan.evidence)


def test_it_checks_ownership(owner: User, other_owner: User, leader: User, api_client_for: ApiClientFor) -> None:
    planning_book(owner)
    assert api_client_for(other_owner).get("/api/v1/accounts/acme/plan/").status_code == 404
    assert api_client_for(leader).get("/api/v1/accounts/acme/plan/").status_code == 200
    assert api_client_for(None).get("/api/v1/accounts/acme/plan/").status_code in (401, 403)


def test_it_is_in_the_schema(client, admin_user: User) -> None:
    client.force_login(admin_user)
    schema = client.get("/api/schema/?format=json").json()
    get = schema["paths"]["/api/v1/accounts/{external_id}/plan/"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AccountPlan"
    }
    assert "RiskLine" in schema["components"]["schemas"]
