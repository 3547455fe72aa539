"""Leaders' queue tools: the owner filter, saved views per user, and bulk actions with a
confirmation, each through the lifecycle."""

import pytest

from measurement.models import EventKind, MeasurementEvent
from reviews.models import Decision, SavedView
from signals.models import Candidate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(owner, other_owner):
    return [
        factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner, name=f"Mine {i}"))
        for i in range(2)
    ] + [factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=other_owner, name="Theirs"))]


def test_a_leader_filters_the_queue_by_owner(client, leader, owner, rows) -> None:
    client.force_login(leader)
    body = client.get(f"/queue/?owner={owner.pk}").content.decode()
    assert 'id="f-owner"' in body
    assert "Mine 0" in body and "Theirs" not in body


def test_saved_views_are_per_user(client, owner, other_owner, rows) -> None:
    client.force_login(owner)
    response = client.post("/queue/views/", {"name": "Pursue now", "back": "rec=pursue&status=pending&bogus=1"})
    assert response.status_code == 302 and response["Location"] == "/queue/?rec=pursue&status=pending"
    view = SavedView.objects.get(user=owner)
    assert view.name == "Pursue now"
    assert "Pursue now</a>" in client.get("/queue/").content.decode()
    client.force_login(other_owner)
    assert "Pursue now" not in client.get("/queue/").content.decode()
    assert client.post(f"/queue/views/{view.pk}/delete/").status_code == 404
    client.force_login(owner)
    assert client.post("/queue/views/", {"name": ""}).status_code == 302
    assert SavedView.objects.count() == 1
    client.post(f"/queue/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_bulk_assign_asks_for_confirmation_then_reassigns(client, leader, other_owner, rows) -> None:
    client.force_login(leader)
    ids = [c.pk for c in rows[:2]]
    data = {"ids": ids, "bulk_action": "assign", "owner": other_owner.pk}
    confirm = client.post("/queue/bulk/", data)
    assert confirm.status_code == 200 and "Confirm" in confirm.content.decode()
    assert Candidate.objects.filter(pk__in=ids, account__owner=other_owner).count() == 0
    response = client.post("/queue/bulk/", {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert Candidate.objects.filter(pk__in=ids, account__owner=other_owner).count() == 2
    assert MeasurementEvent.objects.filter(kind=EventKind.REASSIGNED, candidate_id__in=ids).count() == 2


def test_an_owner_cannot_bulk_assign(client, owner, other_owner, rows) -> None:
    client.force_login(owner)
    client.post(
        "/queue/bulk/", {"ids": [rows[0].pk], "bulk_action": "assign", "owner": other_owner.pk, "confirm": "yes"}
    )
    assert Candidate.objects.get(pk=rows[0].pk).account.owner_id == owner.pk


def test_bulk_reject_as_duplicate_through_the_lifecycle(client, owner, rows) -> None:
    client.force_login(owner)
    ids = [c.pk for c in rows]  # the third is another owner's: not even visible
    response = client.post(
        "/queue/bulk/",
        {"ids": ids, "bulk_action": "reject_duplicate", "note": "Same as the Q3 seats request", "confirm": "yes"},
    )
    assert response.status_code == 302
    decisions = Decision.objects.filter(reason_code="duplicate")
    assert sorted(d.candidate_id for d in decisions) == ids[:2]
    assert {d.note for d in decisions} == {"Same as the Q3 seats request"}
    assert Candidate.objects.get(pk=ids[2]).status == "pending"


def test_a_leader_cannot_reject_for_the_owner(client, leader, rows) -> None:
    client.force_login(leader)
    client.post(
        "/queue/bulk/",
        {"ids": [rows[0].pk], "bulk_action": "reject_duplicate", "note": "dup", "confirm": "yes"},
        follow=True,
    )
    assert Candidate.objects.get(pk=rows[0].pk).status == "pending"


def test_a_leader_is_told_why_rejecting_others_candidates_is_refused(client, leader, rows) -> None:
    client.force_login(leader)
    response = client.post(
        "/queue/bulk/", {"ids": [rows[0].pk, rows[2].pk], "bulk_action": "reject_duplicate", "note": "dup"}, follow=True
    )
    body = response.content.decode()
    assert "Only an account&#x27;s owner can reject its candidates" in body
    assert "none of the selected accounts is yours" in body
    assert "Confirm:" not in body, "no confirmation page for a rejection that could do nothing"


def test_a_leader_who_owns_some_accounts_sees_which_will_be_skipped(client, leader, other_owner) -> None:
    mine = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=leader, name="Lee's own"))
    theirs = factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=other_owner, name="Omar's")
    )
    client.force_login(leader)
    body = client.post(
        "/queue/bulk/", {"ids": [mine.pk, theirs.pk], "bulk_action": "reject_duplicate", "note": "dup"}
    ).content.decode()
    assert "Confirm: reject as duplicate" in body
    assert "1 of the selected is on accounts you do not own and will be skipped" in body
    assert body.count("Skipped: not your account") == 1
    assert body.split("Omar&#x27;s")[1].split("</li>")[0].count("Skipped") == 1


def test_the_bulk_bar_says_who_may_do_what(client, owner, leader, rows) -> None:
    client.force_login(leader)
    body = client.get("/queue/").content.decode()
    assert '<option value="assign">Assign an owner</option>' in body
    assert "Reject as duplicate (your own accounts)" in body
    assert 'aria-describedby="bulk-hint"' in body and "Leaders assign owners;" in body
    client.force_login(owner)
    body = client.get("/queue/").content.decode()
    assert 'value="assign"' not in body and 'id="bulk-owner"' not in body
    assert "Reject as duplicate</option>" in body
