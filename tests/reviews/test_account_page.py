"""The account page: facts, every candidate with its decision and follow-ups, usage
sparklines, one evidence timeline; owners see only their own accounts."""

import datetime as dt

import pytest
from django.utils import timezone

from signals import lifecycle
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(owner):
    account = factories.AccountFactory.create(owner=owner, name="Acme Corp")
    today = timezone.now().date()
    for i in range(10):
        factories.UsageFactory.create(
            account=account, metric="active_users", date=today - dt.timedelta(days=i), value=40 - i
        )
    factories.TicketFactory.create(account=account, external_id="ZD-881", subject="Scheduled exports fail")
    factories.InteractionFactory.create(account=account, text="We need 20 more seats by March")
    factories.OutcomeFactory.create(account=account, title="Close down to 3 days")
    return account


def test_it_shows_the_account(client, owner, account) -> None:
    old = factories.CandidateFactory.create(account=account, signal_type="capacity")
    lifecycle.candidate_approve(
        candidate_id=old.pk, user=owner, next_step=lifecycle.NextStep("Call Maria"), consent_reviewed=True
    )
    lifecycle.follow_up_log(candidate_id=old.pk, user=owner, kind="outreach_sent")
    current = factories.CandidateFactory.create(account=account)
    client.force_login(owner)
    body = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Acme Corp" in body
    assert f'href="/candidates/{old.pk}/"' in body and f'href="/candidates/{current.pk}/"' in body
    assert "Call Maria" in body and "Outreach sent" in body
    assert '<polyline class="sparkline-line"' in body and "31 → <strong>40</strong>" in body
    for text in ("ZD-881 Scheduled exports fail", "We need 20 more seats by March", "Close down to 3 days"):
        assert text in body


def test_it_checks_ownership(client, other_owner, leader, account) -> None:
    client.force_login(other_owner)
    assert client.get(f"/accounts/{account.pk}/").status_code == 404
    client.force_login(leader)
    assert client.get(f"/accounts/{account.pk}/").status_code == 200


def test_it_is_linked_from_the_queue_and_the_candidate(client, owner, account) -> None:
    c = factories.CandidateFactory.create(account=account)
    client.force_login(owner)
    assert f'href="/accounts/{account.pk}/"' in client.get("/queue/").content.decode()
    assert f'href="/accounts/{account.pk}/"' in client.get("/queue/?q=Acme").content.decode()
    assert f'href="/accounts/{account.pk}/"' in client.get(f"/candidates/{c.pk}/").content.decode()


def test_its_queries_are_bounded(client, owner, account, django_assert_max_num_queries) -> None:
    for kind in ("seats", "capacity", "add_on"):
        factories.CandidateFactory.create(account=account, signal_type=kind)
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        assert client.get(f"/accounts/{account.pk}/").status_code == 200
