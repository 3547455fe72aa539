"""Every recommendation and blocker through import_evidence -> score_accounts -> export_signals."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from tests.signals.scenario import AS_OF, Scenario, export, only, score, ts

pytestmark = pytest.mark.django_db

SEATS_BUYING = "Our team is expanding: we need 20 more seats by 1 March, Maria (VP Ops) has signed off."


def seed_example(tmp_path: Path) -> Scenario:
    """The seed's example: a second department starts using the product and asks about
    reporting, a verified outcome from the first department, one open high-priority ticket."""
    s = Scenario(
        tmp_path,
        "northwind",
        name="Northwind Analytics",
        goals=["Cut month-end close to 3 days", "Self-serve reporting for every team"],
    )
    s.contact("nw-cfo", "decision_maker", name="Marta Jensen", title="CFO", department="Finance")
    s.contact("nw-priya", "champion", name="Priya Shah", title="Head of Reporting", department="Reporting")
    s.verified_outcome("nw-o1", days_ago=60, department="Finance")
    s.ticket("ZD-881", priority="high", days_ago=6, contact="nw-priya")
    s.usage("active_users", [30.0] * 180, department="Finance")
    s.usage("active_users", [6.0 + i for i in range(25)], department="Reporting")
    s.message(
        "nw-m7",
        "Our reporting team has started using the workflow library. What does the advanced "
        "analytics package add for reporting?",
        days_ago=3,
        contact="nw-priya",
    )
    return s


def test_the_seed_example_waits_then_pursues_once_the_ticket_is_closed(tmp_path: Path) -> None:
    s = seed_example(tmp_path)
    s.import_()
    score("northwind")

    rows = export()
    assert len(rows) == 1, "one candidate, not one per piece of evidence"
    candidate = rows[0]
    assert candidate["recommendation"] == "wait"
    assert candidate["blockers"] == ["open_support_issue"]
    assert {"nw-o1", "ZD-881", "nw-m7"} <= set(candidate["evidence"])
    assert "ZD-881" in candidate["brief"]["risk_timing"]
    assert "Month-end close down from 6 to 3 days" in candidate["brief"]["value"]
    assert "second department" in candidate["brief"]["stakeholders"]
    assert candidate["brief"]["next_step"].startswith("Wait: resolve ZD-881 first")

    s.add(
        "ticket",
        external_id="ZD-881",
        subject="Scheduled exports fail",
        status="solved",
        priority="high",
        opened_at=ts(6),
        closed_at=ts(1),
    )
    s.import_()
    score("northwind")

    after = export()
    assert len(after) == 1 and after[0]["id"] == candidate["id"]
    assert after[0]["recommendation"] == "pursue"
    assert after[0]["blockers"] == []
    changed = MeasurementEvent.objects.filter(kind=EventKind.RECOMMENDATION_CHANGED).last()
    assert changed is not None
    assert (changed.data["from"], changed.data["to"]) == ("wait", "pursue")
    assert changed.data["rules_version"] is not None


def test_pursue_when_seats_are_full_the_customer_is_buying_and_value_is_proven(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.contact("c1", "decision_maker", name="Maria Lopez", title="VP Operations")
    s.usage("seats_used", [48.0] * 10)
    s.verified_outcome()
    s.message("m1", SEATS_BUYING, contact="c1")
    s.import_()
    score("acme")

    row = only(export(), signal_type="seats")
    assert (row["intent"], row["recommendation"], row["blockers"]) == ("buying", "pursue", [])
    assert f"usage:seats_used:{AS_OF.isoformat()}" in row["evidence"]
    assert "48 of 50 purchased seats in use (96%)" in row["brief"]["signal"]
    assert row["score"] >= 80


def test_stop_when_outreach_is_not_allowed(tmp_path: Path) -> None:
    s = Scenario(tmp_path, outreach_allowed=False)
    s.verified_outcome().message("m1", SEATS_BUYING)
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert row["recommendation"] == "stop"
    assert "consent_missing" in row["blockers"]
    assert "acme" in row["evidence"]


def test_stop_when_the_customer_asks_to_cut_back(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome()
    s.message("m1", "What features do we get if we upgrade to the next tier?", days_ago=10)
    s.message("m2", "Ahead of renewal we want to reduce our seats from 50 to 30, budgets are tight.", days_ago=4)
    s.import_()
    score("acme")
    row = only(export(), signal_type="tier_upgrade")
    assert row["recommendation"] == "stop"
    assert "context_conflict" in row["blockers"]
    assert "m2" in row["evidence"]


def test_an_old_unresolved_ticket_of_any_priority_waits_a_recent_normal_one_does_not(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().usage("seats_used", [49.0] * 3).message("m1", SEATS_BUYING)
    s.ticket("T-recent", priority="normal", days_ago=5)
    s.import_()
    score("acme")
    assert only(export(), signal_type="seats")["recommendation"] == "pursue"

    s.ticket("T-old", status="pending", priority="low", days_ago=45, subject="SSO setup question")
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert row["recommendation"] == "wait"
    assert "T-old" in row["evidence"] and "T-recent" not in row["brief"]["risk_timing"].split("Wait")[0]


def test_wait_on_poor_health_label(tmp_path: Path) -> None:
    s = Scenario(tmp_path, health="poor")
    s.verified_outcome().message("m1", SEATS_BUYING)
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert (row["recommendation"], row["blockers"]) == ("wait", ["poor_health"])


def test_wait_on_a_sustained_usage_decline(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING)
    # 8 weeks falling from 100 to 55 daily active users
    s.usage("active_users", [100.0 - i * 0.8 for i in range(56)])
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert row["recommendation"] == "wait"
    assert "poor_health" in row["blockers"]
    assert "down" in row["brief"]["risk_timing"]


def test_prove_value_without_a_verified_outcome(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.add("outcome", external_id="o-unverified", title="Faster onboarding", recorded_at=ts(20), verified=False)
    s.add("outcome", external_id="o-old", title="Old win", recorded_at=ts(400), verified=True)
    s.message("m1", SEATS_BUYING)
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert (row["recommendation"], row["blockers"]) == ("prove_value", ["no_value_proof"])
    assert "o-unverified" in row["evidence"] and "o-old" not in row["evidence"]


def test_nurture_a_question_that_nothing_corroborates(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", "Do you offer volume discounts for larger user bases?")
    s.import_()
    score("acme")
    row = only(export(), signal_type="volume_pricing")
    assert (row["intent"], row["recommendation"], row["blockers"]) == ("curious", "nurture", ["curiosity_only"])


def test_a_question_corroborated_by_usage_is_not_curiosity_only(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome()
    s.usage("seats_used", [47.0] * 3)
    s.message("m1", "Is there a way to add a few more seats to our license?")
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert row["recommendation"] == "pursue"
    assert "curiosity_only" not in row["blockers"]


def test_no_owner_routes_to_triage_without_changing_the_recommendation(tmp_path: Path) -> None:
    s = Scenario(tmp_path, owner_email=None)
    s.verified_outcome().message("m1", SEATS_BUYING)
    s.import_()
    score("acme")
    row = only(export(), signal_type="seats")
    assert row["recommendation"] == "pursue"
    assert Candidate.objects.get().no_owner is True


def test_capacity_near_its_limit(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().usage("storage_gb", [88.0, 90.0, 92.0], limit=100)
    s.import_()
    score("acme")
    row = only(export(), signal_type="capacity")
    assert row["intent"] == "inferred"
    assert f"usage:storage_gb:{AS_OF.isoformat()}" in row["evidence"]
    assert "92 of a 100 limit (92%)" in row["brief"]["signal"]


def test_a_single_spike_is_not_sustained_growth(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome()
    s.usage("active_users", [40.0] * 50 + [90.0] + [40.0] * 5)
    s.import_()
    score("acme")
    assert export() == []


def test_sustained_growth_is_a_scale_signal(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome()
    s.usage("active_users", [40.0 + i * 0.5 for i in range(56)])
    s.import_()
    score("acme")
    row = only(export(), signal_type="scale")
    assert row["intent"] == "inferred"
    assert "over 8 weeks" in row["brief"]["signal"]


def test_new_evidence_attaches_to_the_open_candidate_and_rescoring_is_idempotent(tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", "Can you tell me about your enterprise-level plans?", days_ago=20)
    s.import_()
    score("acme")
    first = only(export(), signal_type="tier_upgrade")
    events = MeasurementEvent.objects.count()

    score("acme")
    assert MeasurementEvent.objects.count() == events, "a rescore of unchanged evidence writes nothing"

    s.message("m2", "We want to move to the Enterprise tier before our March renewal, please send a quote.", days_ago=2)
    s.import_()
    score("acme")
    after = only(export(), signal_type="tier_upgrade")
    assert after["id"] == first["id"]
    assert after["intent"] == "buying"
    assert {"m1", "m2"} <= set(after["evidence"])
    assert Candidate.objects.count() == 1


def test_export_filters_by_account_and_status(tmp_path: Path) -> None:
    Scenario(tmp_path).verified_outcome().message("m1", SEATS_BUYING).import_()
    Scenario(tmp_path, "globex", name="Globex").verified_outcome("g-o").message("g1", SEATS_BUYING).import_()
    score()
    assert {r["account"] for r in export()} == {"acme", "globex"}
    assert [r["account"] for r in export("--account", "globex")] == ["globex"]
    assert export("--status", "approved") == []
    row = export("--account", "acme")[0]
    assert set(row) == {
        "id",
        "account",
        "signal_type",
        "intent",
        "score",
        "recommendation",
        "blockers",
        "evidence",
        "status",
        "brief",
    }
    assert set(row["brief"]) == {"signal", "value", "risk_timing", "stakeholders", "next_step"}
    assert 0 <= row["score"] <= 100
    json.dumps(row)


def test_an_unknown_account_or_bad_date_is_an_error(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="unknown account"):
        call_command("score_accounts", "--account", "nope")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("score_accounts", "--as-of", "20-11-2026")


def test_a_rejection_holds_through_its_cool_down_and_new_evidence_returns_after_it(tmp_path: Path, owner: User) -> None:
    from signals.lifecycle import candidate_reject

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING, days_ago=20)
    s.import_()
    score("acme")
    first = Candidate.objects.get()
    first.account.owner = owner
    first.account.save()
    candidate_reject(candidate_id=first.pk, user=owner, reason_code="bad_timing")

    score("acme")
    assert Candidate.objects.count() == 1, "the same evidence does not bring a rejected candidate back"

    # New evidence after the rejection (the decision happened at the real now).
    today = timezone.now().date()
    s.add(
        "interaction",
        external_id="m2",
        text="Following up: we now need 30 more seats, the VP approved the budget.",
        occurred_at=timezone.now().isoformat(),
    )
    s.import_()
    score("acme", as_of=today)
    assert export("--status", "pending") == [], "not before the rejection's cool-down (60 days) ends"

    score("acme", as_of=today + dt.timedelta(days=61))
    row = only(export("--status", "pending"), signal_type="seats")
    assert row["recommendation"] == "pursue"
    assert "m2" in row["evidence"]
    created = MeasurementEvent.objects.filter(kind=EventKind.SIGNAL_CREATED).last()
    assert created is not None and "m2" in created.data["triggers"]


def test_wait_while_logged_outreach_is_in_its_cool_down(tmp_path: Path, owner: User) -> None:
    from signals.lifecycle import NextStep
    from signals.lifecycle import candidate_approve as review_approve
    from signals.lifecycle import follow_up_log as outcome_log

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING, days_ago=10)
    s.import_()
    score("acme")
    seats = Candidate.objects.get()
    seats.account.owner = owner
    seats.account.save()
    review_approve(candidate_id=seats.pk, user=owner, next_step=NextStep("Call Maria"), consent_reviewed=True)
    outcome_log(candidate_id=seats.pk, user=owner, kind="outreach_sent")

    s.message("m2", "Separately, can you tell me about your enterprise-level plans?", days_ago=0.1)
    s.import_()
    score("acme")
    row = only(export("--status", "pending"), signal_type="tier_upgrade")
    assert row["recommendation"] == "wait"
    assert "poor_timing" in row["blockers"]
    assert "outreach was logged" in row["brief"]["risk_timing"]


def test_a_deferred_candidate_comes_back_early_when_new_evidence_changes_its_recommendation(
    tmp_path: Path, owner: User
) -> None:
    import datetime as dt

    from signals.lifecycle import candidate_defer as review_defer

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING, days_ago=5)
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    candidate.account.owner = owner
    candidate.account.save()
    review_defer(
        candidate_id=candidate.pk,
        user=owner,
        until=timezone.now().date() + dt.timedelta(days=30),
        reason="Waiting for their budget",
    )

    score("acme")
    assert Candidate.objects.get().status == "deferred", "the same evidence leaves it deferred"

    s.ticket("ZD-9", priority="urgent", days_ago=1, subject="Sync is down")
    s.import_()
    score("acme")
    back = Candidate.objects.get()
    assert (back.status, back.recommendation, back.defer_until) == ("pending", "wait", None)
    kinds = list(MeasurementEvent.objects.filter(candidate=back).values_list("kind", flat=True))
    assert kinds[-2:] == ["recommendation_changed", "returned"]


def _statuses() -> dict[int, tuple[str, int]]:
    return {pk: (status, version) for pk, status, version in Candidate.objects.values_list("pk", "status", "version")}


def test_a_run_as_of_another_day_writes_nothing_unless_asked(tmp_path: Path) -> None:
    """The stranger's report: `--as-of` a future day expired live candidates for good (their
    message would have aged out by then), and rescoring today never brought them back."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING, days_ago=20)
    s.import_()
    call_command("score_accounts", stdout=StringIO())  # today: written
    before, events = _statuses(), MeasurementEvent.objects.count()
    assert [status for status, _ in before.values()] == ["pending"]

    today = timezone.now().date()
    for day in (today + dt.timedelta(days=120), today - dt.timedelta(days=60)):
        out = StringIO()
        call_command("score_accounts", "--as-of", day.isoformat(), stdout=out)
        assert "would be 0 new, 0 updated, 0 unchanged, 1 expired" in out.getvalue()
        assert "Nothing was written (a day other than today: add --write" in out.getvalue()
        assert _statuses() == before and MeasurementEvent.objects.count() == events

    out = StringIO()
    call_command("score_accounts", "--dry-run", stdout=out)
    assert "Dry run as of" in out.getvalue() and _statuses() == before

    call_command("score_accounts", "--as-of", (today + dt.timedelta(days=120)).isoformat(), "--write", stdout=out)
    assert [status for status, _ in _statuses().values()] == ["expired"]  # asked for: a replay, final
    with pytest.raises(CommandError, match="contradict"):
        call_command("score_accounts", "--write", "--dry-run")


def test_a_rescore_returns_deferred_candidates_whose_date_has_come(tmp_path: Path, owner: User) -> None:
    """Without a scheduler (make run) a deferral came back only through the beat task."""
    from io import StringIO

    from django.core.management import call_command

    from signals.lifecycle import candidate_defer

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS_BUYING, days_ago=20)
    s.import_()
    call_command("score_accounts", stdout=StringIO())
    candidate = Candidate.objects.get()
    candidate.account.owner = owner
    candidate.account.save()
    today = timezone.now().date()
    candidate_defer(
        candidate_id=candidate.pk, user=owner, until=today + dt.timedelta(days=7), reason="after the offsite"
    )

    out = StringIO()
    call_command("score_accounts", stdout=out)
    assert "0 deferred candidate(s) returned" in out.getvalue()
    out = StringIO()
    call_command("score_accounts", "--as-of", (today + dt.timedelta(days=7)).isoformat(), stdout=out)
    assert "1 deferred candidate(s) returned" in out.getvalue()
    assert Candidate.objects.get().status == "deferred", "a dry run"
    call_command("score_accounts", "--as-of", (today + dt.timedelta(days=7)).isoformat(), "--write", stdout=out)
    assert Candidate.objects.get().status == "pending"
    assert MeasurementEvent.objects.filter(kind=EventKind.RETURNED, candidate=candidate).exists()
