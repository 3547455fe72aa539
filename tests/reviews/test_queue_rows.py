"""The queue's rows (reviews/queue_rows.py, built without the template engine): what
each row shows, escaped, for an owner and a leader."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def rows(body: str) -> list[str]:
    return [part.split("</tr>")[0] for part in body.split('<tr id="candidate-')[1:]]


def test_a_row_shows_the_candidate_and_escapes_what_was_imported(client: Client, owner: User) -> None:
    today = timezone.now().date()
    account = factories.AccountFactory.create(
        owner=owner, name='<b>"Tom & Jerry\'s"</b>', arr=Decimal("1250000"), renewal_date=today + dt.timedelta(days=10)
    )
    candidate = factories.CandidateFactory.create(
        account=account,
        signal_type="seats",
        intent="buying",
        recommendation="wait",
        score=77,
        first_detected_on=today - dt.timedelta(days=3),
    )
    client.force_login(owner)
    (row,) = rows(client.get("/queue/").content.decode())
    name = "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;&lt;/b&gt;"
    assert row.startswith(f'{candidate.pk}" class="qrow" data-queue-row>')
    assert f'aria-label="Select {name} · Seats"' in row
    assert f'href="/candidates/{candidate.pk}/" hx-get="/candidates/{candidate.pk}/"' in row
    assert f">{name}</a>" in row and "<b>" not in row
    assert f'href="/accounts/{account.pk}/" aria-label="Account page of {name}">Account</a>' in row
    assert '<span class="rec rec-wait">Wait</span>' in row
    assert 'data-label="Score">77</td>' in row
    assert 'data-label="ARR">$1.2M</td>' in row
    assert 'data-label="Renews"><span class="soon">10 d</span></td>' in row
    assert 'data-label="Age">3 d</td>' in row
    assert "Pending" not in row, "a pending row does not repeat its status"
    assert owner.username not in row and "Dana" not in row, "an owner's own rows do not name the owner"


@pytest.mark.parametrize(
    ("renewal_in", "shown"),
    [(None, "—"), (-1, '<span class="muted">passed</span>'), (45, '<span class="soon">45 d</span>'), (46, "46 d")],
)
def test_renewal_column(client: Client, owner: User, renewal_in: int | None, shown: str) -> None:
    today = timezone.now().date()
    renewal = None if renewal_in is None else today + dt.timedelta(days=renewal_in)
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner, renewal_date=renewal))
    client.force_login(owner)
    (row,) = rows(client.get("/queue/").content.decode())
    assert f'data-label="Renews">{shown}</td>' in row


def test_the_leader_sees_each_rows_owner_and_status(client: Client, owner: User, leader: User) -> None:
    owner.first_name, owner.last_name = "Dana", "<Scott>"
    owner.save()
    factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=owner),
        status="deferred",
        defer_until=timezone.now().date() + dt.timedelta(days=5),
    )
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=None))
    client.force_login(leader)
    deferred, unowned = (
        rows(client.get("/queue/?status=deferred").content.decode())[0],
        rows(client.get("/queue/").content.decode())[0],
    )
    sep = '<span class="sep" aria-hidden="true">·</span>'
    back = timezone.now().date() + dt.timedelta(days=5)
    when = f"{back.day} {back:%b}"
    assert f"Seats{sep}Buying{sep}Back {when}{sep}Dana &lt;Scott&gt;{sep}<a" in deferred
    assert f"Seats{sep}Buying{sep}<a" in unowned, "no owner, no name"


def test_a_deferred_row_says_when_it_comes_back(client: Client, owner: User) -> None:
    """A stranger: the deferred list did not show when each row returns."""
    today = timezone.now().date()
    on_date = factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=owner, name="Dated"),
        status="deferred",
        defer_until=dt.date(today.year + 1, 1, 7),
    )
    ticket = factories.TicketFactory.create(account=on_date.account, external_id="ZD-<77>")
    factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=owner, name="On a ticket"),
        status="deferred",
        defer_ticket=ticket,
    )
    client.force_login(owner)
    body = client.get("/queue/?status=deferred").content.decode()
    assert "Back 7 Jan<" in body, "no year: a deferral is at most a year ahead"
    assert "Back when ZD-&lt;77&gt; closes" in body
