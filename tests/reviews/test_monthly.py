"""The monthly review: one collapsible section per account, a summary first, the
override reasons the approve form promises, and the follow-ups logged in the month."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reviews.models import Decision
from signals import lifecycle
from tests import factories

pytestmark = pytest.mark.django_db


def _section(body: str, account_pk: int) -> str:
    return body.split(f'id="account-{account_pk}"')[1].split("</details>")[0]


def test_a_closed_won_logged_this_month_shows_on_the_account(client, owner) -> None:
    # The Acme case: approved last month, won this month; the review said
    # "None recorded this month".
    acme = factories.AccountFactory.create(owner=owner, name="Acme")
    candidate = factories.CandidateFactory.create(account=acme)
    lifecycle.candidate_approve(
        candidate_id=candidate.pk,
        user=owner,
        next_step=lifecycle.NextStep("Call Maria"),
        consent_reviewed=True,
        at=timezone.now() - dt.timedelta(days=40),
    )
    lifecycle.follow_up_log(
        candidate_id=candidate.pk, user=owner, kind="closed_won", amount=Decimal("18000"), note="20 seats"
    )
    client.force_login(owner)
    section = _section(client.get("/review/").content.decode(), acme.pk)
    assert "Closed won $18,000" in section
    assert "20 seats" in section
    assert "None recorded this month" not in section
    assert "1 follow-up" in section


def test_a_withdrawn_follow_up_is_left_out(client, owner) -> None:
    acme = factories.AccountFactory.create(owner=owner, name="Acme")
    candidate = factories.CandidateFactory.create(account=acme)
    lifecycle.candidate_approve(
        candidate_id=candidate.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    lifecycle.follow_up_log(candidate_id=candidate.pk, user=owner, kind="closed_won", amount=Decimal("5000"))
    event = candidate.events.get(kind="closed_won")
    lifecycle.follow_up_correct(candidate_id=candidate.pk, user=owner, event_id=event.pk, reason="wrong account")
    client.force_login(owner)
    section = _section(client.get("/review/").content.decode(), acme.pk)
    assert "Closed won" not in section
    assert "None recorded this month" in section


def test_the_override_reason_shows_where_the_approve_form_promises(client, owner) -> None:
    account = factories.AccountFactory.create(owner=owner, name="Initech")
    candidate = factories.CandidateFactory.create(account=account, recommendation="wait")
    lifecycle.candidate_approve(
        candidate_id=candidate.pk,
        user=owner,
        next_step=lifecycle.NextStep("Call the CFO"),
        consent_reviewed=True,
        override_reason="The CFO asked for <b>a quote</b> today",
    )
    client.force_login(owner)
    section = _section(client.get("/review/").content.decode(), account.pk)
    assert "against Wait" in section
    assert "Why go ahead:</span> The CFO asked for &lt;b&gt;a quote&lt;/b&gt; today" in section


def test_each_account_is_a_collapsible_section_and_the_summary_counts_approved_arr(client, owner) -> None:
    accounts = [factories.AccountFactory.create(owner=owner, name=f"Acct {i}", arr=Decimal("50000")) for i in (1, 2)]
    for a in accounts:
        c = factories.CandidateFactory.create(account=a)
        lifecycle.candidate_approve(
            candidate_id=c.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
        )
    Decision.objects.filter(candidate__account=accounts[0]).update(
        next_step_due=timezone.now().date() - dt.timedelta(days=2)
    )
    client.force_login(owner)
    body = client.get("/review/").content.decode()
    assert body.count('<details class="review-account"') == 2
    assert 'data-details-all="open"' in body
    summary = body.split('id="rv-summary"')[1].split("</section>")[0]
    assert "<dt>ARR of accounts approved</dt><dd>$100,000</dd>" in summary
    assert "1 overdue next step" in _section(body, accounts[0].pk)
    assert "overdue" not in _section(body, accounts[1].pk)


def test_another_owners_accounts_stay_out(client, owner, other_owner) -> None:
    mine = factories.AccountFactory.create(owner=owner, name="Mine")
    theirs = factories.AccountFactory.create(owner=other_owner, name="Theirs Inc")
    for a, who in ((mine, owner), (theirs, other_owner)):
        c = factories.CandidateFactory.create(account=a)
        lifecycle.candidate_approve(
            candidate_id=c.pk, user=who, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
        )
        lifecycle.follow_up_log(candidate_id=c.pk, user=who, kind="closed_won", amount=Decimal("7000"))
    client.force_login(owner)
    body = client.get("/review/").content.decode()
    assert "Theirs Inc" not in body
    assert f'id="account-{theirs.pk}"' not in body
    assert "$7,000" in body.split('id="rv-summary"')[1].split("</section>")[0]


def test_the_csv_carries_follow_ups_and_decisions(client, owner) -> None:
    import csv
    import io

    acme = factories.AccountFactory.create(owner=owner, name="Acme")
    candidate = factories.CandidateFactory.create(account=acme, recommendation="wait")
    lifecycle.candidate_approve(
        candidate_id=candidate.pk,
        user=owner,
        next_step=lifecycle.NextStep("Call"),
        consent_reviewed=True,
        override_reason="CFO asked today",
    )
    lifecycle.follow_up_log(candidate_id=candidate.pk, user=owner, kind="closed_won", amount=Decimal("18000"))
    client.force_login(owner)
    rows = list(csv.DictReader(io.StringIO(client.get("/review.csv").content.decode())))
    assert rows[0]["follow_ups"].endswith("Closed won 18000.00 USD")
    assert "Approved Seats (why: CFO asked today)" in rows[0]["decisions"]
