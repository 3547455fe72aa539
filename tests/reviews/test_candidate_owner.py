"""The owner the queue filters candidates by (`Candidate.owner`, signals migration 0014)
is always the account's owner: database triggers set it on insert, on a change of the
candidate's account, on any attempt to write another value, and when the account changes
hands by any path (the lifecycle's reassignment, a queryset update, an account left without owner). The
queue, the candidate page and a decision show an owner only their own candidates."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Account
from signals import lifecycle
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db


def _owners() -> set[tuple[int | None, int | None]]:
    """(candidate's owner, account's owner) of every candidate, read from the database."""
    return set(Candidate.objects.values_list("owner_id", "account__owner_id"))


def _equal() -> bool:
    return all(mine == theirs for mine, theirs in _owners())


def test_it_is_the_accounts_owner_through_every_write(owner: User, other_owner: User, leader: User) -> None:
    account = factories.AccountFactory.create(owner=owner)
    other = factories.AccountFactory.create(owner=other_owner)
    first = factories.CandidateFactory.create(account=account)
    factories.CandidateFactory.create(account=account, signal_type="capacity")
    assert _owners() == {(owner.pk, owner.pk)}

    # A stale instance saved in full cannot write another owner.
    first.owner_id = other_owner.pk
    first.save()
    assert _equal()
    Candidate.objects.filter(pk=first.pk).update(owner_id=other_owner.pk)
    assert _equal() and Candidate.objects.get(pk=first.pk).owner_id == owner.pk

    # The lifecycle's reassignment, a queryset update and a change of account all follow.
    lifecycle.account_reassign(account_id=account.pk, user=leader, new_owner_id=other_owner.pk)
    assert _owners() == {(other_owner.pk, other_owner.pk)}
    Account.objects.filter(pk=account.pk).update(owner=owner)
    assert _owners() == {(owner.pk, owner.pk)}
    Candidate.objects.filter(pk=first.pk).update(account=other)
    assert _equal() and Candidate.objects.get(pk=first.pk).owner_id == other_owner.pk

    # An account left without an owner leaves its candidates without one.
    Account.objects.filter(pk=other.pk).update(owner=None)
    assert _equal() and Candidate.objects.get(pk=first.pk).owner_id is None


def test_after_a_reassignment_each_owner_sees_only_their_own(
    client: Client, owner: User, other_owner: User, leader: User
) -> None:
    account = factories.AccountFactory.create(owner=owner, name="Acme Moves")
    candidate = factories.CandidateFactory.create(account=account)
    client.force_login(owner)
    assert "Acme Moves" in client.get("/queue/").content.decode()
    lifecycle.account_reassign(account_id=account.pk, user=leader, new_owner_id=other_owner.pk)

    assert "Acme Moves" not in client.get("/queue/").content.decode()
    assert client.get(f"/candidates/{candidate.pk}/").status_code == 404
    response = client.post(
        f"/candidates/{candidate.pk}/decide/",
        {"action": "reject", "reason_code": "bad_timing", "version": candidate.version},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="detail",
    )
    assert response.status_code == 404
    assert Candidate.objects.get(pk=candidate.pk).status == "pending"

    theirs = Client()
    theirs.force_login(other_owner)
    assert "Acme Moves" in theirs.get("/queue/").content.decode()
