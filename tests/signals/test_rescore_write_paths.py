"""The same-day skip never skips an account whose evidence changed, whatever wrote it.

The skip compares the account's evidence watermark, which the database bumps on every
write to usage, tickets, messages, outcomes and contacts (accounts migration 0004).
Each test scores a small book twice (the second run skips every account), writes one
piece of evidence for the first account through one write path (the import API, the
import command, the admin, a bulk `update()` that leaves `updated_at` alone, plain SQL),
and shows the next same-day run scores that account again and stores what changed.
With the watermark's trigger for that table or operation missing, the account would be
skipped and the assertion fails."""

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client

from accounts.models import Account, Contact, EvidenceWatermark, Interaction, Outcome, Ticket, UsageDaily
from signals.models import Candidate
from signals.services import accounts_score
from tests.signals.rescore_book import AS_OF, NOON, make_book

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db

FULL = {"storage_gb": 95.0}  # over the capacity threshold: a capacity candidate


def _scored_twice(n: int = 2) -> list[int]:
    ids = make_book(n)
    accounts_score(account_ids=ids, as_of=AS_OF)
    again = accounts_score(account_ids=ids, as_of=AS_OF)
    assert again.skipped == n
    return ids


def _rescored(ids: list[int]) -> None:
    """The next same-day run scores the first account and skips the others."""
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == len(ids) - 1, "the changed account was skipped"


def _external_id(pk: int) -> str:
    return Account.objects.values_list("external_id", flat=True).get(pk=pk)


def _capacity(account_id: int) -> Candidate | None:
    return Candidate.objects.filter(account_id=account_id, signal_type="capacity").first()


def _usage_record(account: str, value: float = 95.0) -> dict:
    return {
        "type": "usage",
        "account": account,
        "metric": "storage_gb",
        "date": AS_OF.isoformat(),
        "value": value,
        "limit": 100,
    }


def test_a_usage_row_imported_through_the_api_is_seen(api_client_for: "ApiClientFor", leader: User) -> None:
    ids = _scored_twice()
    response = api_client_for(leader).post(
        "/api/v1/evidence/", {"records": [_usage_record(_external_id(ids[0]))]}, format="json"
    )
    assert response.status_code == 200, response.content
    _rescored(ids)
    capacity = _capacity(ids[0])
    assert capacity is not None and capacity.status == "pending"


def test_a_ticket_imported_by_the_command_is_seen(tmp_path: Path) -> None:
    ids = _scored_twice()
    path = tmp_path / "evidence.jsonl"
    ticket = {
        "type": "ticket",
        "external_id": "ZD-7",
        "account": _external_id(ids[0]),
        "subject": "Exports fail",
        "status": "open",
        "priority": "high",
        "opened_at": (NOON - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
    }
    path.write_text(json.dumps(ticket) + "\n", encoding="utf-8")
    call_command("import_evidence", str(path), stdout=None)
    _rescored(ids)
    assert Candidate.objects.get(account_id=ids[0]).recommendation == "wait"
    assert Candidate.objects.get(account_id=ids[1]).recommendation == "pursue"


def test_a_changed_usage_value_imported_again_is_seen(tmp_path: Path) -> None:
    ids = make_book(2)
    path = tmp_path / "usage.jsonl"
    path.write_text(json.dumps(_usage_record(_external_id(ids[0]), 20.0)) + "\n", encoding="utf-8")
    call_command("import_evidence", str(path), stdout=None)
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert accounts_score(account_ids=ids, as_of=AS_OF).skipped == 2
    assert _capacity(ids[0]) is None
    # The same row, a new value: the importer's merge updates it in place.
    path.write_text(json.dumps(_usage_record(_external_id(ids[0]), 96.0)) + "\n", encoding="utf-8")
    call_command("import_evidence", str(path), stdout=None)
    _rescored(ids)
    assert _capacity(ids[0]) is not None


def test_usage_added_changed_and_deleted_in_the_admin_is_seen(admin_client: Client) -> None:
    ids = _scored_twice()
    assert "(96%)" not in Candidate.objects.get(account_id=ids[0]).brief.model_dump_json()
    form = {
        "account": ids[0],
        "metric": "storage_gb",
        "date": AS_OF.isoformat(),
        "department": "",
        "value": "95",
        "limit": "100",
        "source": "product_analytics",
    }
    response = admin_client.post("/admin/accounts/usagedaily/add/", form)
    assert response.status_code == 302, response.content
    _rescored(ids)
    capacity = _capacity(ids[0])
    assert capacity is not None and capacity.status == "pending"

    reading = UsageDaily.objects.get(account_id=ids[0], metric="storage_gb")
    response = admin_client.post(f"/admin/accounts/usagedaily/{reading.pk}/change/", {**form, "value": "96"})
    assert response.status_code == 302, response.content
    _rescored(ids)
    capacity.refresh_from_db()
    assert "(96%)" in capacity.brief.model_dump_json()

    response = admin_client.post(f"/admin/accounts/usagedaily/{reading.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content
    _rescored(ids)
    capacity.refresh_from_db()
    assert capacity.status == "expired"


def test_a_ticket_added_in_the_admin_is_seen(admin_client: Client) -> None:
    ids = _scored_twice()
    response = admin_client.post(
        "/admin/accounts/ticket/add/",
        {
            "external_id": "ZD-9",
            "account": ids[0],
            "subject": "Exports fail",
            "body": "",
            "status": "open",
            "priority": "high",
            "opened_at_0": (AS_OF - dt.timedelta(days=1)).isoformat(),
            "opened_at_1": "12:00:00",
            "source": "support_desk",
            "extra": "{}",
            "signal_type": "",
            "intent": "",
            "conflict": "",
            "classified_with": "",
            "matched_rules": "[]",
        },
    )
    assert response.status_code == 302, response.content
    _rescored(ids)
    assert Candidate.objects.get(account_id=ids[0]).recommendation == "wait"


def test_a_bulk_update_that_leaves_updated_at_alone_is_seen() -> None:
    """`QuerySet.update()` does not stamp `updated_at`: a fingerprint made of the rows'
    stamps missed this write; the watermark does not."""
    ids = _scored_twice()
    reading = UsageDaily.objects.create(account_id=ids[0], metric="storage_gb", date=AS_OF, value=20, limit=100)
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert _capacity(ids[0]) is None
    UsageDaily.objects.filter(pk=reading.pk).update(value=95)
    _rescored(ids)
    assert _capacity(ids[0]) is not None


@pytest.mark.parametrize("model", [Outcome, Interaction, Contact, Ticket, UsageDaily])
def test_plain_sql_on_each_evidence_table_is_seen(model: type[Model]) -> None:
    ids = make_book(2)
    Ticket.objects.create(
        account_id=ids[0], external_id="ZD-2", subject="Old", status="solved", priority="low", opened_at=NOON
    )
    Contact.objects.create(account_id=ids[0], external_id="c-1", name="Priya")
    UsageDaily.objects.create(account_id=ids[0], metric="active_users", date=AS_OF, value=3)
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert accounts_score(account_ids=ids, as_of=AS_OF).skipped == 2
    before = EvidenceWatermark.objects.get(account_id=ids[0]).version
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET source = 'manual' WHERE account_id = %s", [ids[0]])
    assert EvidenceWatermark.objects.get(account_id=ids[0]).version > before
    _rescored(ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE account_id = %s", [ids[0]])
    _rescored(ids)
