"""A candidate's life (signals-contract.md, "A candidate's life"), through the public path
only: evidence files through import_evidence, score_accounts --as-of, export_signals,
decisions through the REST API with a token, and rule changes in Django admin.

Decisions through the API happen now, so every date here is relative to the real today:
evidence "before the decision" is dated in the past, evidence "after the decision" is
dated on a later day and scored as of that day."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from signals.services import deferrals_return
from tests.lifecycle.lab import (
    ADD_ON,
    SEATS_AGAIN,
    SEATS_BUYING,
    Files,
    api,
    approve,
    candidates,
    change_rule,
    day,
    defer,
    events,
    export,
    reject,
    rows,
    score,
)

pytestmark = pytest.mark.django_db


def seats_and_add_on(tmp_path: Path, account: str = "acme", used: float = 47) -> Files:
    """A seats signal (a buying message and seats over 90% for a week) and an add-on question."""
    f = Files(tmp_path)
    f.account(account).proof(account).message(account, f"{account}-m1", SEATS_BUYING, -2)
    f.message(account, f"{account}-m2", ADD_ON, -2)
    for offset in range(-6, 1):
        f.seats(account, used, offset)
    f.import_()
    score(0)
    return f


def open_rows(account: str, signal_type: str) -> list[dict]:
    return [r for r in rows(account, signal_type) if r["status"] in ("pending", "deferred")]


def the_one(account: str, signal_type: str, status: str = "pending") -> dict:
    found = rows(account, signal_type)
    assert [r["status"] for r in found] == [status], found
    return found[0]


def assert_stays(account: str, signal_type: str, statuses: list[str], when: str) -> None:
    found = [r["status"] for r in rows(account, signal_type)]
    assert found == statuses, f"{when}: {account} {signal_type} candidates are {found}, expected {statuses}"


# --------------------------------------------------------------------------- decided stays decided


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decided_candidate_does_not_come_back_on_its_evidence(
    decision: str,
    tmp_path: Path,
    owner: User,
    admin_user: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    f = seats_and_add_on(tmp_path)
    first_file = f.last
    seats = the_one("acme", "seats")
    dana = api(owner)
    response = (approve if decision == "approve" else reject)(dana, seats["id"], version=None)
    assert response.status_code == 200, response.content
    status = response.json()["status"]
    assert status == ("approved" if decision == "approve" else "rejected")

    # rescoring right after the decision and on later days
    for offset in (0, 1, 2, 7):
        score(offset)
        assert_stays("acme", "seats", [status], f"rescored as of day +{offset}")
    # fresh daily readings that stay over the threshold are the same crossing
    for offset in range(1, 8):
        f.seats("acme", 48, offset)
    f.import_()
    score(7)
    assert_stays("acme", "seats", [status], "after fresh daily seats readings over the threshold")
    # a re-import of the unchanged first file (its records are all 'unchanged')
    out = f.import_(first_file)
    assert "0 created, 0 updated" in out, out
    score(7)
    assert_stays("acme", "seats", [status], "after re-importing the unchanged file")
    # rule changes in admin (each rescores), then a rescore on the scenario's day
    client.force_login(admin_user)
    change_rule(client, "weight_intent", "25", django_capture_on_commit_callbacks)
    assert_stays("acme", "seats", [status], "after a weight change in admin")
    change_rule(client, "seats_threshold", "0.80", django_capture_on_commit_callbacks)
    change_rule(client, "text_window_days", "120", django_capture_on_commit_callbacks)
    score(7)
    assert_stays("acme", "seats", [status], "after lowering the seats threshold and widening the text window")
    # the other candidate of the account was untouched by the decision and is still one
    assert len(open_rows("acme", "add_on")) == 1
    assert events(seats["id"], "signal_created") == ["signal_created"]


def test_an_expired_candidate_does_not_come_back_when_the_rule_is_restored(
    tmp_path: Path,
    owner: User,
    admin_user: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    seats_and_add_on(tmp_path)
    add_on = the_one("acme", "add_on")
    client.force_login(admin_user)
    # the add-on message is two days old: a one-day text window no longer sees it
    change_rule(client, "text_window_days", "1", django_capture_on_commit_callbacks)
    assert_stays("acme", "add_on", ["expired"], "after narrowing the text window")
    assert events(add_on["id"], "expired") == ["expired"]
    change_rule(client, "text_window_days", "90", django_capture_on_commit_callbacks)
    score(0)
    score(3)
    assert_stays("acme", "add_on", ["expired"], "after restoring the text window: same message, same decision")


def test_an_expired_seats_signal_comes_back_only_on_a_new_crossing(tmp_path: Path, owner: User) -> None:
    f = Files(tmp_path)
    f.account("beta").proof("beta")
    for offset in range(-6, 1):
        f.seats("beta", 47, offset)
    f.import_()
    score(0)
    first = the_one("beta", "seats")
    # readings fall below the threshold: no longer detected, so the candidate expires
    f.seats("beta", 30, 1).import_()
    score(1)
    assert_stays("beta", "seats", ["expired"], "after the seats fell below the threshold")
    assert events(first["id"], "expired") == ["expired"]
    # still below: nothing
    f.seats("beta", 31, 2).import_()
    score(2)
    assert_stays("beta", "seats", ["expired"], "while below the threshold")
    # over again: a new crossing, a new candidate
    f.seats("beta", 47, 3).import_()
    score(3)
    assert_stays("beta", "seats", ["expired", "pending"], "after a new crossing")
    # and fresh readings of that new run do not add a third
    for offset in (4, 5, 6):
        f.seats("beta", 48, offset)
    f.import_()
    score(6)
    assert_stays("beta", "seats", ["expired", "pending"], "fresh readings of the new run")


# --------------------------------------------------------------------------- after an approval


def test_new_trigger_evidence_is_attached_to_an_open_approval_not_queued(tmp_path: Path, owner: User) -> None:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    dana = api(owner)
    assert approve(dana, seats["id"]).status_code == 200
    version = candidates("acme", "seats")[0].version

    f.message("acme", "acme-m3", SEATS_AGAIN, 1).import_()
    score(1)
    score(2)
    assert_stays("acme", "seats", ["approved"], "new seats message while the follow-up is open")
    approved = candidates("acme", "seats")[0]
    assert "acme-m3" in [t.ref for t in approved.triggers], "the new message is attached to the approval"
    assert [t.new_since_decision for t in approved.triggers if t.ref == "acme-m3"] == [True]
    assert events(seats["id"], "new_evidence") == ["new_evidence"], "attached once, even when rescored twice"
    assert approved.version > version

    # seats fall below and cross again while the follow-up is still open: attached too
    f.seats("acme", 30, 3).import_()
    score(3)
    f.seats("acme", 47, 4).import_()
    score(4)
    assert_stays("acme", "seats", ["approved"], "a new crossing while the follow-up is open")
    assert events(seats["id"], "new_evidence") == ["new_evidence", "new_evidence"]


def test_after_closed_won_a_new_message_opens_a_new_candidate(tmp_path: Path, owner: User) -> None:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    dana = api(owner)
    assert approve(dana, seats["id"]).status_code == 200
    # the owner's own follow-up (outreach written as an event) is not trigger evidence
    sent = dana.post(f"/api/v1/candidates/{seats['id']}/outcomes/", {"kind": "outreach_sent"}, format="json")
    assert sent.status_code == 200, sent.content
    score(0)
    score(1)
    assert_stays("acme", "seats", ["approved"], "after logging outreach")
    won = dana.post(
        f"/api/v1/candidates/{seats['id']}/outcomes/", {"kind": "closed_won", "amount": "12500.00"}, format="json"
    )
    assert won.status_code == 200, won.content
    # the decided-on evidence still does not bring it back once the follow-up is closed
    score(1)
    score(30)
    assert_stays("acme", "seats", ["approved"], "follow-up closed, same evidence")
    # a new message of the same type, dated after the decision, opens a new one
    f.message("acme", "acme-m3", SEATS_AGAIN, 31).import_()
    score(31)
    assert_stays("acme", "seats", ["approved", "pending"], "a new seats message after closed won")
    new = candidates("acme", "seats")[1]
    assert "acme-m3" in [t.ref for t in new.triggers], "the new one rests on the new message"


def test_after_the_follow_up_window_a_new_message_opens_a_new_candidate(tmp_path: Path, owner: User) -> None:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    assert approve(api(owner), seats["id"]).status_code == 200
    f.message("acme", "acme-m3", SEATS_AGAIN, 95).import_()
    score(95)
    assert_stays("acme", "seats", ["approved", "pending"], "a new seats message 95 days after the approval")
    assert events(seats["id"], "new_evidence") == []


# --------------------------------------------------------------------------- after a rejection


def test_a_rejection_cools_down_for_60_days_then_new_evidence_opens_a_new_candidate(
    tmp_path: Path, owner: User
) -> None:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    assert reject(api(owner), seats["id"]).status_code == 200
    # only the decided-on evidence: nothing, even after the cool-down ends
    score(61)
    assert_stays("acme", "seats", ["rejected"], "after the cool-down with no new evidence")
    # a new seats message during the cool-down
    f.message("acme", "acme-m3", SEATS_AGAIN, 5).import_()
    for offset in (5, 30, 58):
        score(offset)
        assert_stays("acme", "seats", ["rejected"], f"new message inside the cool-down (day +{offset})")
    score(61)
    assert_stays("acme", "seats", ["rejected", "pending"], "the cool-down ended and the message is new")
    score(62)
    assert_stays("acme", "seats", ["rejected", "pending"], "rescored the next day: still one open")


def test_after_a_rejection_fresh_readings_do_not_reopen_but_a_new_crossing_does(tmp_path: Path, owner: User) -> None:
    f = Files(tmp_path)
    f.account("beta").proof("beta")
    for offset in range(-6, 1):
        f.seats("beta", 47, offset)
    f.import_()
    score(0)
    first = the_one("beta", "seats")
    assert reject(api(owner), first["id"]).status_code == 200
    # over the threshold every day for ten weeks: the same crossing, never a new candidate
    for offset in range(1, 71):
        f.seats("beta", 46 + offset % 3, offset)
    f.import_()
    for offset in (1, 30, 61, 70):
        score(offset)
        assert_stays("beta", "seats", ["rejected"], f"fresh readings over the threshold (day +{offset})")
    # falls below, then crosses again after the cool-down: a new candidate
    f.seats("beta", 20, 71).import_()
    score(71)
    f.seats("beta", 47, 72).import_()
    score(72)
    assert_stays("beta", "seats", ["rejected", "pending"], "fell below and crossed again")


# --------------------------------------------------------------------------- deferrals


def defer_seats(tmp_path: Path, owner: User, until_offset: int = 20) -> tuple[Files, dict]:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    response = defer(api(owner), seats["id"], day(until_offset))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "deferred"
    return f, seats


def test_a_deferral_holds_through_rescores_rule_changes_and_reimports_and_returns_on_its_date(
    tmp_path: Path,
    owner: User,
    admin_user: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    f, seats = defer_seats(tmp_path, owner)
    first_file = f.last
    client.force_login(admin_user)
    # a rule change that changes the recommendation (no value proof within one day) is not new evidence
    change_rule(client, "value_proof_days", "1", django_capture_on_commit_callbacks)
    assert_stays("acme", "seats", ["deferred"], "after a rule change that changed the recommendation")
    assert the_one("acme", "seats", "deferred")["recommendation"] == "prove_value"
    change_rule(client, "value_proof_days", "365", django_capture_on_commit_callbacks)
    f.import_(first_file)
    for offset in (1, 5, 19):
        score(offset)
        assert_stays("acme", "seats", ["deferred"], f"rescored as of day +{offset}")
    assert events(seats["id"], "returned") == []
    assert deferrals_return(today=day(19)) == 0
    assert deferrals_return(today=day(20)) == 1
    assert_stays("acme", "seats", ["pending"], "on its date")
    assert events(seats["id"], "returned") == ["returned"]
    assert deferrals_return(today=day(21)) == 0, "returned once"


def test_a_deferral_returns_early_when_new_evidence_changes_its_recommendation(tmp_path: Path, owner: User) -> None:
    f, seats = defer_seats(tmp_path, owner)
    score(1)
    assert_stays("acme", "seats", ["deferred"], "rescored")
    f.ticket("acme", "ZD-9", 2, priority="urgent").import_()
    score(2)
    row = the_one("acme", "seats")
    assert row["recommendation"] == "wait" and "open_support_issue" in row["blockers"]
    assert events(seats["id"], "returned") == ["returned"]


def test_a_deferral_does_not_return_early_when_a_rule_not_the_new_evidence_changes_its_recommendation(
    tmp_path: Path,
    owner: User,
    admin_user: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """New evidence that does not change the recommendation, then a rule change that does:
    the recommendation changed because of the rule, so the deferral holds."""
    f, seats = defer_seats(tmp_path, owner)
    f.ticket("acme", "ZD-3", 0, status="solved", priority="low").import_()
    score(0)
    assert_stays("acme", "seats", ["deferred"], "a solved low ticket changes nothing")
    assert the_one("acme", "seats", "deferred")["recommendation"] == "pursue"
    client.force_login(admin_user)
    change_rule(client, "value_proof_days", "1", django_capture_on_commit_callbacks)
    assert_stays("acme", "seats", ["deferred"], "a rule change after unrelated new evidence")
    assert events(seats["id"], "returned") == []


# --------------------------------------------------------------------------- owners


def test_an_import_that_changes_the_owner_reassigns_open_candidates(
    tmp_path: Path, owner: User, other_owner: User
) -> None:
    f = seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    add_on = the_one("acme", "add_on")
    dana, omar = api(owner), api(other_owner)
    assert reject(dana, add_on["id"]).status_code == 200
    seen = dana.get(f"/api/v1/candidates/{seats['id']}/").json()["version"]

    f.account("acme", owner_email="omar@example.com").import_()
    score(0)
    assert events(seats["id"], "reassigned") == ["reassigned"]
    assert events(add_on["id"], "reassigned") == [], "a decided candidate is not reassigned"
    now = candidates("acme", "seats")[0]
    assert now.version > seen
    response = approve(dana, seats["id"], version=seen)
    assert response.status_code in (404, 409), (response.status_code, response.content)
    response = approve(dana, seats["id"])
    assert response.status_code in (404, 409), "the previous owner cannot decide even with no version"
    assert the_one("acme", "seats")["status"] == "pending"
    assert approve(omar, seats["id"], version=now.version).status_code == 200


def test_no_owner_is_listed_in_export_blockers(tmp_path: Path, owner: User) -> None:
    f = seats_and_add_on(tmp_path)
    assert all("no_owner" not in r["blockers"] for r in export())
    # the owner's e-mail is unknown: an inactive user keeps the assignment, nobody active owns it
    f.account("acme", owner_email="left-the-company@example.com").import_()
    score(0)
    for row in open_rows("acme", "seats") + open_rows("acme", "add_on"):
        assert "no_owner" in row["blockers"], row
        assert row["recommendation"] in ("pursue", "nurture"), "no_owner does not change the recommendation"
    f.account("acme", owner_email="dana@example.com").import_()
    score(1)
    assert all("no_owner" not in r["blockers"] for r in export())
    # a brand-new account imported with no owner at all
    g = Files(tmp_path / "g")
    (tmp_path / "g").mkdir()
    g.account("orphan", owner_email=None).proof("orphan").message("orphan", "or-m1", SEATS_BUYING, -1).import_()
    score(1)
    assert "no_owner" in the_one("orphan", "seats")["blockers"]


def test_a_leaders_reassignment_through_the_api_stops_the_previous_owner(
    tmp_path: Path, owner: User, other_owner: User, leader: User
) -> None:
    seats_and_add_on(tmp_path)
    seats = the_one("acme", "seats")
    dana = api(owner)
    seen = dana.get(f"/api/v1/candidates/{seats['id']}/").json()["version"]
    response = api(leader).post("/api/v1/accounts/acme/reassign/", {"owner_email": "omar@example.com"}, format="json")
    assert response.status_code == 200, response.content
    assert events(seats["id"], "reassigned") == ["reassigned"]
    for version in (seen, None):
        response = approve(dana, seats["id"], version=version)
        assert response.status_code in (404, 409), (response.status_code, response.content)
        response = reject(dana, seats["id"], version=version)
        assert response.status_code in (404, 409), (response.status_code, response.content)
    assert the_one("acme", "seats")["status"] == "pending"
    assert events(seats["id"], "approved") == [] and events(seats["id"], "rejected") == []
    assert api(other_owner).get(f"/api/v1/candidates/{seats['id']}/").json()["version"] == seen + 1


# --------------------------------------------------------------------------- replaying days with --as-of


@pytest.mark.parametrize("signal_type,text", [("add_on", ADD_ON), ("seats", SEATS_BUYING)])
def test_replayed_days_a_message_after_an_expiry_opens_a_new_candidate(
    tmp_path: Path, owner: User, signal_type: str, text: str
) -> None:
    """score_accounts --as-of replays past days: a candidate that expired as of day -10
    (its message aged out of the 90-day window) was decided as of that day, so a message
    of the same type dated day -3 is new trigger evidence."""
    f = Files(tmp_path)
    f.account("acme").proof("acme", offset=-120).message("acme", "acme-m1", text, -101).import_()
    score(-100)
    first = the_one("acme", signal_type)
    score(-10)
    assert_stays("acme", signal_type, ["expired"], "the message aged out of the text window")
    assert events(first["id"], "expired") == ["expired"]
    f.message("acme", "acme-m2", text, -3).import_()
    score(-3)
    score(0)
    assert_stays("acme", signal_type, ["expired", "pending"], "a new message dated after the expiry")
