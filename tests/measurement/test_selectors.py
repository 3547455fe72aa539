"""Every dashboard figure on the hand-built book (tests/measurement/book.py), whose right
answers are worked out in its docstring and again here."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from measurement import selectors as s
from measurement.models import Pilot
from signals.models import PhraseRule, Rule
from signals.rules import RULE_SPECS
from tests.measurement.book import END, START, TODAY, Book, more_signals

pytestmark = pytest.mark.django_db


def scope(user: User, pilot: Pilot | None = None, **kw: dt.date) -> s.DashboardScope:
    return s.DashboardScope(
        user=user, start=kw.get("start", START), end=kw.get("end", END), pilot=pilot, today=kw.get("today", TODAY)
    )


def test_the_funnel_counts_each_stage_by_the_end_of_the_range(book: Book) -> None:
    totals = s.summary(scope(book.leader))
    stages = {st.key: st.count for st in s.funnel(totals)}
    # c9's approval on 16 March falls after the range; c4's 'none' response is not a response.
    assert stages == {
        "surfaced": 10,
        "reviewed": 8,
        "approved": 2,
        "outreach": 2,
        "responded": 1,
        "opportunity": 1,
        "won": 1,
    }
    assert totals.won_amounts == {"USD": Decimal("15000.50")}
    funnel = s.funnel(totals)
    assert funnel[2].of_previous == pytest.approx(2 / 8)
    assert funnel[-1].of_surfaced == pytest.approx(1 / 10)


def test_review_quality_counts_each_part_and_all_six(book: Book) -> None:
    totals = s.summary(scope(book.leader))
    assert totals.parts == {
        "source_evidence": 9,
        "value_proof": 9,
        "stakeholder_fit": 7,
        "open_issue_check": 9,
        "owner_review": 8,
        "next_action": 6,
    }
    assert totals.complete == 4
    assert totals.quality == pytest.approx(0.4)


def test_quality_gaps_name_what_each_signal_lacks(book: Book) -> None:
    gaps = {g.candidate.pk: g.missing for g in s.quality_gaps(scope(book.leader), limit=None)}
    c = book.c
    assert gaps == {
        c["c3"].pk: ["value_proof"],
        c["c5"].pk: ["open_issue_check", "next_action"],
        c["c6"].pk: ["source_evidence", "stakeholder_fit"],
        c["c7"].pk: ["stakeholder_fit", "owner_review", "next_action"],
        c["c9"].pk: ["next_action"],
        c["c11"].pk: ["stakeholder_fit", "owner_review", "next_action"],
    }
    # oldest first
    assert [g.candidate.pk for g in s.quality_gaps(scope(book.leader), limit=2)] == [c["c3"].pk, c["c11"].pk]


def test_the_threshold_overall_and_per_owner(book: Book) -> None:
    totals = s.summary(scope(book.leader))
    assert (totals.threshold_met, totals.surfaced) == (4, 10)
    rows = {r.name: (r.measures.threshold_met, r.measures.surfaced) for r in s.by_owner(scope(book.leader))}
    # Dana: c1, c2, c8 of c1 c2 c3 c8 c9 c11; Omar: c4 of c4 c5 c6 c7 (c6 cites no evidence).
    assert rows == {"Dana": (3, 6), "Omar": (1, 4)}


def test_false_positives_overall_by_type_intent_week_and_reasons(book: Book) -> None:
    sc = scope(book.leader)
    totals = s.summary(sc)
    assert (totals.false_positive, totals.decided) == (2, 5)
    assert totals.false_positive_rate == pytest.approx(0.4)
    by_type = {k: (m.false_positive, m.decided) for k, m in s.measures_by(sc, "signal_type").items()}
    assert by_type == {
        "seats": (0, 2),
        "capacity": (1, 1),
        "add_on": (0, 0),
        "tier_upgrade": (0, 0),
        "volume_pricing": (0, 1),
        "scale": (0, 0),
        "cross_sell": (1, 1),
    }
    by_intent = {k: (m.false_positive, m.decided) for k, m in s.measures_by(sc, "intent").items()}
    assert by_intent == {"buying": (1, 3), "curious": (1, 1), "inferred": (0, 1)}
    weeks = [(monday, m.false_positive, m.decided) for monday, m in s.measures_by_week(sc)]
    assert weeks == [(dt.date(2026, 3, 2), 1, 3), (dt.date(2026, 3, 9), 1, 2)]
    reasons = {code: n for code, _, n in s.rejection_reasons(sc)}
    assert reasons["false_positive"] == 2 and reasons["other"] == 1
    assert reasons["bad_timing"] == 0  # c12 was surfaced before the range


def test_time_to_decision_median_and_p90(book: Book) -> None:
    durations = s.time_to_decision(scope(book.leader))
    # 12, 24, 24, 48, 72, 96 hours (c9 was decided after the range)
    assert durations.count == 6
    assert durations.median == dt.timedelta(hours=36)
    assert durations.p90 == dt.timedelta(hours=96)


def test_queue_age_counts_pending_signals_today(book: Book) -> None:
    age = s.queue_age(scope(book.leader))
    # pending now: c10 (28 days), c11 (15), c5 (14), c7 (10); c3 is deferred, c9 approved
    assert age.pending == 4
    assert age.median_days == 14.5
    assert age.p90_days == 28 and age.oldest_days == 28
    assert age.buckets == [("0–7 days", 0), ("8–14 days", 2), ("15–30 days", 2), ("31+ days", 0)]


def test_decisions_per_owner_counts_decisions_made_in_the_range(book: Book) -> None:
    rows = {
        r.name: (r.total, r.approved, r.rejected, r.deferred, r.false_positive)
        for r in s.decisions_per_owner(scope(book.leader))
    }
    # Dana: c1, c2, c3, c8 and c12 (surfaced earlier, decided in the range); c9 on 16 March is outside.
    assert rows == {"Dana": (5, 1, 3, 1, 2), "Omar": (2, 1, 1, 0, 0)}


def test_breakdowns_by_segment_and_recommendation(book: Book) -> None:
    sc = scope(book.leader)
    segments = {k: (m.surfaced, m.complete) for k, m in s.measures_by(sc, "segment").items()}
    assert segments == {"enterprise": (6, 4), "smb": (3, 0), "mid-market": (1, 0)}  # c1 c2 c8 and c4
    recs = {k: m.surfaced for k, m in s.measures_by(sc, "recommendation").items()}
    assert recs == {"pursue": 6, "nurture": 2, "prove_value": 1, "wait": 1}
    owners = s.measures_by(sc, "owner")
    assert owners[book.dana.pk].won_amounts == {"USD": Decimal("15000.50")}
    assert owners[book.omar.pk].won_amounts == {}


def test_the_weekly_trend_fills_every_week(book: Book) -> None:
    weeks = s.measures_by_week(scope(book.leader))
    assert [(monday, m.surfaced, m.complete) for monday, m in weeks] == [
        (dt.date(2026, 3, 2), 6, 3),
        (dt.date(2026, 3, 9), 4, 1),
    ]
    longer = s.measures_by_week(scope(book.leader, start=dt.date(2026, 2, 23), end=dt.date(2026, 3, 22)))
    assert [m.surfaced for _, m in longer] == [0, 6, 4, 0]


def test_an_owner_sees_only_their_own_figures(book: Book) -> None:
    dana = s.summary(scope(book.dana))
    assert {st.key: st.count for st in s.funnel(dana)} == {
        "surfaced": 6,
        "reviewed": 5,
        "approved": 1,
        "outreach": 1,
        "responded": 1,
        "opportunity": 1,
        "won": 1,
    }
    assert (dana.complete, dana.threshold_met, dana.false_positive, dana.decided) == (3, 3, 2, 3)
    assert dana.won_amounts == {"USD": Decimal("15000.50")}
    durations = s.time_to_decision(scope(book.dana))
    assert (durations.median, durations.p90) == (dt.timedelta(hours=24), dt.timedelta(hours=96))
    assert [r.name for r in s.by_owner(scope(book.dana))] == ["Dana"]
    assert [r.name for r in s.decisions_per_owner(scope(book.dana))] == ["Dana"]

    omar = s.summary(scope(book.omar))
    assert {st.key: st.count for st in s.funnel(omar)} == {
        "surfaced": 4,
        "reviewed": 3,
        "approved": 1,
        "outreach": 1,
        "responded": 0,
        "opportunity": 0,
        "won": 0,
    }
    assert omar.won_amounts == {}
    assert s.queue_age(scope(book.omar)).pending == 2
    # An owner's figure is the leader's row for that owner.
    leader_rows = {r.owner_id: r.measures for r in s.by_owner(scope(book.leader))}
    assert leader_rows[book.omar.pk].threshold_met == omar.threshold_met
    assert leader_rows[book.omar.pk].complete == omar.complete


def test_a_top_n_healthy_pilot_samples_the_highest_arr_good_accounts_of_its_team(book: Book) -> None:
    pilot = Pilot.objects.create(name="Top 2", start_date=START, duration_days=14, sample="top_healthy", top_n=2)
    pilot.owner_team.set([book.dana, book.omar])
    # good health: Delta 200k, Acme 100k, Birch 50k -> Delta and Acme (Fjord is poor, Cobalt neutral)
    assert set(s.pilot_accounts(pilot).values_list("name", flat=True)) == {"Delta", "Acme"}
    totals = s.summary(scope(book.leader, pilot))
    assert (totals.surfaced, totals.complete, totals.threshold_met) == (6, 3, 3)  # c1 c2 c6 c7 c8 c9
    pilot.owner_team.set([book.dana])
    assert set(s.pilot_accounts(pilot).values_list("name", flat=True)) == {"Acme", "Birch"}
    # Omar sees nothing of a pilot whose sample is Dana's accounts.
    assert s.summary(scope(book.omar, pilot)).surfaced == 0


def test_segment_and_explicit_pilots(book: Book) -> None:
    smb = Pilot.objects.create(name="SMB", start_date=START, sample="segment", segment="smb")
    smb.owner_team.set([book.dana, book.omar])
    assert s.summary(scope(book.leader, smb)).surfaced == 3  # c3, c6, c7
    listed = Pilot.objects.create(name="Cobalt only", start_date=START, sample="accounts")
    listed.owner_team.set([book.omar])
    listed.accounts.set([book.accounts["A3"]])
    assert s.summary(scope(book.leader, listed)).surfaced == 2  # c4, c5


def test_readiness_checks_usage_criteria_and_review(book: Book) -> None:
    from tests import factories

    for spec in RULE_SPECS:
        Rule.objects.get_or_create(key=spec.key, segment="", defaults={"value": spec.default})
    PhraseRule.objects.create(name="asks for seats", pattern=r"more seats", kind="signal", signal_type="seats")
    factories.UsageFactory.create(account=book.accounts["A1"], date=dt.date(2026, 3, 18))
    factories.UsageFactory.create(account=book.accounts["A3"], date=dt.date(2026, 3, 1))  # too old
    checks = {c.key: c for c in s.readiness(scope(book.leader))}
    assert checks["usage"].passed and checks["usage"].detail.startswith("1 of 5 accounts")
    assert checks["review"].passed and checks["review"].detail.startswith("5 decisions by 2 owners")
    assert checks["criteria"].passed, checks["criteria"].detail

    Rule.objects.filter(key="value_proof_days", segment="").delete()
    later = {c.key: c for c in s.readiness(scope(book.leader, today=dt.date(2026, 6, 1)))}
    assert not later["usage"].passed and not later["review"].passed and not later["criteria"].passed
    assert "value_proof_days" in later["criteria"].detail


def test_the_audit_sample_is_reproducible_and_marks_each_item(book: Book) -> None:
    sc = scope(book.leader)
    population, first = s.audit_sample(sc, size=4, seed=7)
    _, again = s.audit_sample(sc, size=4, seed=7)
    _, other = s.audit_sample(sc, size=4, seed=8)
    assert population == 10 and len(first) == 4
    assert [r.candidate.pk for r in first] == [r.candidate.pk for r in again]
    assert [r.candidate.pk for r in first] != [r.candidate.pk for r in other]

    _, everything = s.audit_sample(sc, size=100, seed=1)
    marks = {r.candidate.pk: [m.state for m in r.marks] for r in everything}
    c = book.c
    # usage, value, health, support, stakeholders, approval, opportunity
    assert marks[c["c1"].pk] == ["present"] * 7
    assert marks[c["c2"].pk] == ["missing", "present", "present", "present", "present", "na", "na"]
    assert marks[c["c3"].pk] == ["present", "missing", "present", "present", "present", "missing", "na"]
    assert marks[c["c4"].pk][5:] == ["present", "missing"]
    assert marks[c["c9"].pk][5] == "missing"  # approved only after the range
    assert marks[c["c11"].pk][2] == "present" and marks[c["c11"].pk][4] == "missing"


def test_query_counts_do_not_grow_with_rows(book: Book, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    from measurement import figures

    def run() -> None:
        figures.dashboard_figures(scope(book.leader), dim="segment", audit_size=10, audit_seed=1)

    with django_assert_max_num_queries(19):
        run()
    more_signals(book.dana, 40)
    with django_assert_max_num_queries(19):
        run()


def test_a_decision_through_the_real_services_counts_today(owner: User) -> None:
    from django.utils import timezone

    from signals import lifecycle as services
    from tests import factories

    account = factories.AccountFactory.create(owner=owner)
    factories.ContactFactory.create(account=account, role="decision_maker")
    candidate = factories.CandidateFactory.create(
        account=account,
        evidence=["m1"],
        brief={"risk_timing": [{"text": "No unresolved support tickets.", "evidence": []}]},
    )
    services.candidate_approve(
        candidate_id=candidate.pk, user=owner, consent_reviewed=True, next_step=services.NextStep("Call the champion")
    )
    today = timezone.now().date()
    totals = s.summary(s.DashboardScope(user=owner, start=today, end=today, today=today))
    assert (totals.surfaced, totals.complete, totals.threshold_met, totals.approved) == (1, 1, 1, 1)
