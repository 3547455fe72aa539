""" "Expansion opportunity created" takes an id the owner just created in the CRM: kept
pending until an import confirms it; the account's known opportunities are offered."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor, WriteFile


import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Opportunity
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(owner: User) -> Candidate:
    account = factories.AccountFactory.create(owner=owner, external_id="acme", name="Acme Corp", arr=Decimal("50000"))
    candidate = factories.CandidateFactory.create(account=account)
    client = Client()
    client.force_login(owner)
    client.post(
        f"/candidates/{candidate.pk}/decide/", {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1"}
    )
    candidate.refresh_from_db()
    assert candidate.status == "approved"
    return candidate


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_id_is_accepted_as_pending_until_an_import_confirms_it(
    approved: Candidate, owner: User, write_file: "WriteFile"
) -> None:
    client = _client(owner)
    response = client.post(
        f"/candidates/{approved.pk}/outcomes/", {"kind": "opportunity_created", "opportunity": "OPP-9001"}
    )
    assert response.status_code in (200, 302)
    event = MeasurementEvent.objects.get(kind=EventKind.OPPORTUNITY_CREATED)
    assert event.data["opportunity"] == "OPP-9001" and event.data["opportunity_status"] == "pending"
    page = client.get(f"/candidates/{approved.pk}/").content.decode()
    assert "OPP-9001" in page and "Pending import" in page

    path = write_file(
        "opps.jsonl",
        json.dumps(
            {
                "type": "opportunity",
                "external_id": "OPP-9001",
                "account": "acme",
                "name": "Acme: 20 seats",
                "stage": "open",
                "created_at": timezone.now().isoformat(),
            }
        )
        + "\n",
    )
    call_command("import_evidence", str(path))
    page = client.get(f"/candidates/{approved.pk}/").content.decode()
    assert "OPP-9001" in page and "Pending import" not in page


def test_a_known_id_is_offered_and_recorded_as_known(
    approved: Candidate, owner: User, api_client_for: "ApiClientFor"
) -> None:
    Opportunity.objects.create(
        external_id="OPP-1",
        account=approved.account,
        name="Acme upsell",
        stage="open",
        opened_at=timezone.now(),
        source="crm",
    )
    page = _client(owner).get(f"/candidates/{approved.pk}/").content.decode()
    assert '<option value="OPP-1">Acme upsell · Open</option>' in page
    response = api_client_for(owner).post(
        f"/api/v1/candidates/{approved.pk}/outcomes/",
        {"kind": "opportunity_created", "opportunity": "OPP-1"},
        format="json",
    )
    assert response.status_code == 200
    assert MeasurementEvent.objects.get(kind=EventKind.OPPORTUNITY_CREATED).data["opportunity_status"] == "known"


def test_another_accounts_opportunity_or_a_malformed_id_is_refused(
    approved: Candidate, owner: User, api_client_for: "ApiClientFor"
) -> None:
    other = factories.AccountFactory.create(name="Other Co")
    Opportunity.objects.create(
        external_id="OPP-2", account=other, name="Theirs", stage="open", opened_at=timezone.now(), source="crm"
    )
    client = api_client_for(owner)
    theirs = client.post(
        f"/api/v1/candidates/{approved.pk}/outcomes/",
        {"kind": "opportunity_created", "opportunity": "OPP-2"},
        format="json",
    )
    assert theirs.status_code == 400 and "another account" in theirs.json()["errors"]["opportunity"]
    assert "Other Co" not in theirs.content.decode()
    bad = client.post(
        f"/api/v1/candidates/{approved.pk}/outcomes/",
        {"kind": "opportunity_created", "opportunity": "OPP 9001; drop"},
        format="json",
    )
    assert bad.status_code == 400
    assert not MeasurementEvent.objects.filter(kind=EventKind.OPPORTUNITY_CREATED).exists()


def test_the_candidate_page_offers_opportunities_in_one_query(
    approved: Candidate, owner: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(5):
        Opportunity.objects.create(
            external_id=f"OPP-{i}",
            account=approved.account,
            name=f"Opp {i}",
            stage="open",
            opened_at=timezone.now(),
            source="crm",
        )
    client = _client(owner)
    client.get(f"/candidates/{approved.pk}/")
    with django_assert_max_num_queries(40):
        client.get(f"/candidates/{approved.pk}/")
