"""The summary through the web: one click from the account page, the page with its
citations, the Markdown export, the leaders' document, and who may see what."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.planning.book import planning_book

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_is_one_click_from_the_account_page(owner: User) -> None:
    book = planning_book(owner)
    page = _client(owner).get(f"/accounts/{book.account.pk}/").content.decode()
    assert f'href="/accounts/{book.account.pk}/plan/"' in page


def test_it_shows_the_summary_with_its_evidence(owner: User) -> None:
    book = planning_book(owner)
    response = _client(owner).get(f"/accounts/{book.account.pk}/plan/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "Goals and verified outcomes",
        "Usage trends",
        "Expansion candidates",
        "Stakeholder map",
        "Unresolved risks",
        "Proposed next steps",
    ):
        assert heading in body
    a = book.account.pk
    # a statement's chip links to the cited item, listed with its source on the same page
    assert f'href="#a{a}-ev-acme-ZD-881"' in body and f'id="a{a}-ev-acme-ZD-881"' in body
    assert "Demo the analytics add-on to Maria" in body and "Suggested, not yet approved" in body
    assert 'class="sparkline plan-sparkline"' in body  # the usage charts, server-drawn SVG
    assert "css/planning.css" in body and "cdn" not in body.lower()
    assert f'href="/accounts/{a}/plan.md"' in body


def test_an_empty_account_says_so(owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner, goals=[])
    body = _client(owner).get(f"/accounts/{account.pk}/plan/").content.decode()
    assert "No goals and no outcomes on record" in body
    assert "No open or recent expansion candidates" in body
    assert "No usage readings in the last 90 days" in body
    assert "None open" in body


def test_the_markdown_export(owner: User) -> None:
    book = planning_book(owner)
    response = _client(owner).get(f"/accounts/{book.account.pk}/plan.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="account-plan-')
    text = response.content.decode()
    assert text.startswith("# Acme Corp: account plan for the next QBR")
    assert "## Unresolved risks" in text and "[acme-ZD-881]" in text
    assert "- [acme-ZD-881] Ticket, Scheduled exports fail (support_desk," in text
    assert "**Renewal:**" in text and "Growth, 50 seats" in text


def test_it_checks_ownership(owner: User, other_owner: User, leader: User) -> None:
    book = planning_book(owner)
    for url in (f"/accounts/{book.account.pk}/plan/", f"/accounts/{book.account.pk}/plan.md"):
        assert _client(other_owner).get(url).status_code == 404
        assert _client(leader).get(url).status_code == 200
        assert Client().get(url).status_code == 302  # to sign in


def test_the_leaders_document(owner: User, other_owner: User, leader: User) -> None:
    planning_book(owner, name="Acme Corp", external_id="acme", renewal_in=30)
    planning_book(other_owner, name="Globex", external_id="globex", renewal_in=45)
    planning_book(other_owner, name="Hooli", external_id="hooli", renewal_in=150)

    body = _client(leader).get("/plans/").content.decode()  # next 90 days by default
    assert body.index("Acme Corp") < body.index("Globex") and "Hooli" not in body
    assert "2 accounts" in body
    body = _client(leader).get(f"/plans/?renewal=&owner={other_owner.pk}").content.decode()
    assert "Globex" in body and "Hooli" in body and "Acme Corp" not in body
    text = _client(leader).get("/plans.md?renewal=90").content.decode()
    assert text.startswith("# Account plans for the next QBRs")
    assert "## Acme Corp: account plan" in text and "## Globex: account plan" in text and "### Evidence" in text


def test_an_owner_sees_only_their_own_book(owner: User, other_owner: User) -> None:
    planning_book(owner, name="Acme Corp", external_id="acme", renewal_in=30)
    planning_book(other_owner, name="Globex", external_id="globex", renewal_in=45)
    client = _client(owner)
    for url in ("/plans/?renewal=", f"/plans/?renewal=&owner={other_owner.pk}", "/plans.md?renewal="):
        body = client.get(url).content.decode()
        assert "Acme Corp" in body and "Globex" not in body, url
    assert 'name="owner"' not in client.get("/plans/").content.decode()


def test_the_document_is_capped_with_a_clear_message(leader: User, owner: User, monkeypatch) -> None:
    monkeypatch.setattr("planning.selectors.MAX_ACCOUNTS", 2)
    today = timezone.now().date()
    for i in range(3):
        factories.AccountFactory.create(owner=owner, name=f"Co {i}", renewal_date=today + dt.timedelta(days=i + 1))
    body = _client(leader).get("/plans/").content.decode()
    assert "Showing the first 2 of 3 accounts" in body and "Co 2" not in body
    assert "Showing the first 2 of 3 accounts" in _client(leader).get("/plans.md").content.decode()


def test_bad_filters_are_refused_by_name(leader: User) -> None:
    response = _client(leader).get("/plans/?renewal=7")
    assert response.status_code == 400 and "not one of the available choices" in response.content.decode()
    response = _client(leader).get("/plans.md?owner=abc")
    assert response.status_code == 400 and "owner:" in response.content.decode()


def test_no_accounts_in_the_window(owner: User) -> None:
    factories.AccountFactory.create(owner=owner, renewal_date=timezone.now().date() + dt.timedelta(days=300))
    body = _client(owner).get("/plans/").content.decode()
    assert "No accounts match these filters." in body


def test_the_leaders_document_queries_are_bounded(leader: User, owner: User, django_assert_max_num_queries) -> None:
    for i in range(4):
        planning_book(owner, name=f"Co {i}", external_id=f"co{i}", renewal_in=10 + i)
    with django_assert_max_num_queries(40):
        assert _client(leader).get("/plans/").status_code == 200


def test_the_document_is_linked_from_the_monthly_review_and_each_summary(owner: User) -> None:
    book = planning_book(owner)
    client = _client(owner)
    assert 'href="/plans/"' in client.get("/review/").content.decode()
    assert 'href="/plans/"' in client.get(f"/accounts/{book.account.pk}/plan/").content.decode()


def test_the_markdown_reads_as_prose_not_python(owner: User) -> None:
    """A stranger's QBR export showed raw records, codes, metric keys, doubled full stops
    and the internal id in the file name."""
    from accounts.models import Contact, UsageDaily
    from signals import lifecycle

    book = planning_book(owner)
    # A next step typed with its own full stop, a rejection and a storage metric.
    approved = factories.CandidateFactory.create(
        account=book.account, signal_type="scale", review_facts={"checked": True}
    )
    lifecycle.candidate_approve(
        candidate_id=approved.pk,
        user=owner,
        next_step=lifecycle.NextStep("Agree the seat plan.", "Tom Reyes", timezone.now().date() + dt.timedelta(days=4)),
        consent_reviewed=True,
    )
    maria = Contact.objects.get(account=book.account, name="Maria Lopez")
    rejected = factories.CandidateFactory.create(
        account=book.account,
        signal_type="tier_upgrade",
        # her own id: the factory's default (1) is hers only on a fresh database
        review_facts={
            "checked": True,
            "stakeholders": [{"contact_id": maria.pk, "name": maria.name, "role": "decision_maker"}],
        },
    )
    lifecycle.candidate_reject(candidate_id=rejected.pk, user=owner, reason_code="already_in_progress")
    today = timezone.now().date()
    for days in (3, 2):
        UsageDaily.objects.create(
            account=book.account,
            metric="storage_gb",
            date=today - dt.timedelta(days=days),
            value=900,
            source="warehouse",
        )
    response = _client(owner).get(f"/accounts/{book.account.pk}/plan.md")
    text = response.content.decode()
    assert (
        f"- **Maria Lopez** (VP Finance, Decision maker). Named in the brief of the Seats candidate "
        f"(#{book.pending.pk}) and the Tier upgrade candidate (#{rejected.pk}).\n"
    ) in text
    assert "signal_label=" not in text and "id=" not in text
    assert "Already in progress" in text and "already\\_in\\_progress" not in text and "already_in_progress" not in text
    assert "Storage (GB)" in text and "Storage gb" not in text
    assert "Agree the seat plan with Tom Reyes, due " in text and "plan.," not in text and "plan. with" not in text
    assert "next step: Agree the seat plan, due " in text
    assert response["Content-Disposition"] == (
        f'attachment; filename="account-plan-acme-{timezone.now().date():%Y-%m-%d}.md"'
    )
