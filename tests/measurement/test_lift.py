"""Proof of lift (measurement/lift.py): the statistics on simulated pilots whose true
lift is known, and the figures read from a seeded synthetic pilot in the database."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Account, Opportunity
from measurement.lift import (
    CandidateRow,
    OpportunityRow,
    candidates_needed,
    lift_compute,
    lift_figures,
    outcome_of,
    two_proportion_interval,
)
from measurement.models import EventKind, MeasurementEvent
from measurement.selectors import DashboardScope
from signals.holdout import holdout_draw
from signals.models import Candidate, Rule

# --------------------------------------------------------------------------- pure statistics


def _simulated_interval(rng: random.Random, n: int, share: float, p1: float, p0: float) -> tuple[float, float, bool]:
    held = sum(rng.random() < share for _ in range(n))
    surfaced = n - held
    x1 = sum(rng.random() < p1 for _ in range(surfaced))
    x0 = sum(rng.random() < p0 for _ in range(held))
    interval = two_proportion_interval(x1, surfaced, x0, held)
    assert interval is not None
    return interval.low, interval.high, interval.significant


def test_the_rate_interval_covers_the_true_lift_about_95_percent_of_the_time() -> None:
    rng = random.Random(15)
    runs = [_simulated_interval(rng, 2000, 0.10, 0.30, 0.18) for _ in range(400)]
    coverage = sum(low <= 0.12 <= high for low, high, _ in runs) / len(runs)
    assert 0.92 <= coverage <= 0.98


def test_without_lift_the_difference_is_rarely_significant() -> None:
    rng = random.Random(16)
    runs = [_simulated_interval(rng, 2000, 0.10, 0.20, 0.20) for _ in range(400)]
    false_alarms = sum(significant for *_, significant in runs) / len(runs)
    assert false_alarms <= 0.08


def test_the_sample_size_matches_the_textbook_and_gives_80_percent_power() -> None:
    # Equal arms, 20% against 10%: (1.96 + 0.84)^2 (0.16 + 0.09) / 0.01 = 196.2 per arm.
    assert candidates_needed(0.20, 0.10, 0.5) == 393
    # A 10% holdout needs far more in all (the small arm dominates the variance).
    needed = candidates_needed(0.20, 0.10, 0.10)
    assert needed == 846  # 7.85 x (0.16 / 0.9 + 0.09 / 0.1) / 0.01
    rng = random.Random(17)
    power = sum(_simulated_interval(rng, needed, 0.10, 0.20, 0.10)[2] for _ in range(300)) / 300
    assert 0.72 <= power <= 0.88
    assert candidates_needed(0.2, 0.2, 0.1) is None  # no difference to find
    assert candidates_needed(0.3, 0.2, 0.0) is None  # no holdout


def test_an_outcome_is_the_same_account_and_area_within_the_window() -> None:
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    c = CandidateRow(1, 10, "add_on", created, held_out=False)

    def opp(account: int = 10, area: str = "add-ons", days: int = 30, won: bool = True) -> OpportunityRow:
        return OpportunityRow(account, area, created + dt.timedelta(days=days), won, 1000.0)

    assert outcome_of(c, [opp()], 120) == (True, 1000.0)
    assert outcome_of(c, [opp(area="cross_sell")], 120) == (True, 1000.0)  # a type code names its area
    assert outcome_of(c, [opp(area="")], 120) == (True, 1000.0)  # no area: counts for every area
    assert outcome_of(c, [opp(won=False)], 120) == (True, 0.0)  # an opportunity, not (yet) won
    assert outcome_of(c, [opp(area="licences")], 120) == (False, 0.0)
    assert outcome_of(c, [opp(account=11)], 120) == (False, 0.0)
    assert outcome_of(c, [opp(days=121)], 120) == (False, 0.0)
    assert outcome_of(c, [opp(days=-1)], 120) == (False, 0.0)


def test_arr_per_candidate_is_the_won_amount_over_every_candidate_of_the_arm() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [CandidateRow(i, i, "seats", now, held_out=i >= 4) for i in range(6)]
    opps = [
        OpportunityRow(0, "licences", now + dt.timedelta(days=5), True, 3000.0),
        OpportunityRow(1, "", now + dt.timedelta(days=5), False, 9000.0),
        OpportunityRow(4, "licences", now + dt.timedelta(days=5), True, 1000.0),
    ]
    lift = lift_compute(rows, opps, share=0.1, window_days=120, now=now + dt.timedelta(days=200))
    assert (lift.surfaced.n, lift.surfaced.expanded, lift.surfaced.arr_per_candidate) == (4, 2, 750.0)
    assert (lift.held_out.n, lift.held_out.expanded, lift.held_out.arr_per_candidate) == (2, 1, 500.0)
    assert lift.in_window == 0
    # one expansion among two held-out candidates: the interval is not to be read
    assert not lift.enough and not lift.significant


def test_an_arm_without_expansions_is_never_called_significant() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [CandidateRow(i, i, "seats", now, held_out=i >= 100) for i in range(112)]
    opps = [OpportunityRow(i, "", now + dt.timedelta(days=1), False, 0.0) for i in range(0, 100, 12)]
    lift = lift_compute(rows, opps, share=0.1, window_days=120, now=now)
    assert lift.held_out.expanded == 0 and lift.surfaced.expanded == 9
    assert lift.rate_diff is not None and lift.rate_diff.significant  # the Wald interval alone would say so
    assert not lift.enough and not lift.significant
    assert lift.in_window == 112


# --------------------------------------------------------------------------- a seeded synthetic pilot

NOW = timezone.now()
CREATED = NOW - dt.timedelta(days=200)


def _pilot(
    *,
    seed: int,
    accounts: int,
    p_surfaced: float,
    p_held: float,
    share: float,
    owner: User,
    stop: tuple[str, ...] = (),
) -> None:
    """One candidate per account (add-on), held out by the real draw at `share`; each
    gets an add-on opportunity with the probability of its arm (won with 20,000), plus
    noise that must not count: another product area, and an opportunity after the window."""
    Rule.objects.update_or_create(key="holdout_share", segment="", defaults={"value": str(share)})
    rng = random.Random(seed)
    made = Account.objects.bulk_create(
        [Account(external_id=f"p{i}", name=f"Pilot {i}", owner=owner, segment="smb") for i in range(accounts)]
    )
    day = CREATED.date()
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                account=a,
                signal_type="add_on",
                intent="buying",
                recommendation="pursue",
                first_detected_on=day,
                scored_on=day,
                held_out=holdout_draw(account_id=a.pk, signal_type="add_on", first_detected_on=day) < share,
            )
            for a in made
        ]
    )
    Candidate.objects.update(inserted_at=CREATED)
    MeasurementEvent.objects.bulk_create(
        [
            MeasurementEvent(
                kind=EventKind.SIGNAL_CREATED,
                candidate=c,
                account=c.account,
                owner=owner,
                signal_type="add_on",
                recommendation="stop" if c.account.external_id in stop else "pursue",
                occurred_at=CREATED,
            )
            for c in candidates
        ]
        + [
            MeasurementEvent(kind=EventKind.HELD_OUT, candidate=c, account=c.account, owner=owner, occurred_at=CREATED)
            for c in candidates
            if c.held_out
        ]
    )
    opportunities = []
    for c in candidates:
        p = p_held if c.held_out else p_surfaced
        if rng.random() < p:
            opportunities.append((c.account, "add-ons", 30, "won"))
        if rng.random() < 0.3:
            opportunities.append((c.account, "licences", 40, "won"))  # another area
        if rng.random() < 0.3:
            opportunities.append((c.account, "add-ons", 130, "won"))  # after the window
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                external_id=f"opp-{n}",
                account=account,
                name="Expansion",
                stage=stage,
                amount=Decimal(20000),
                opened_at=CREATED + dt.timedelta(days=days),
                source="crm",
                extra={"product_area": area},
            )
            for n, (account, area, days, stage) in enumerate(opportunities)
        ]
    )


def _scope(user: User) -> DashboardScope:
    return DashboardScope(user=user, start=CREATED.date(), end=NOW.date(), today=NOW.date())


def test_a_pilot_with_a_known_lift_shows_it(db: None, owner: User, leader: User) -> None:
    _pilot(seed=1, accounts=1500, p_surfaced=0.30, p_held=0.15, share=0.2, owner=owner)
    lift = lift_figures(_scope(leader))
    assert lift is not None and lift.rate_diff is not None and lift.arr_diff is not None
    assert lift.total == 1500
    assert lift.held_out.n == Candidate.objects.filter(held_out=True).count()
    assert 250 < lift.held_out.n < 350  # the real draw at 20%
    assert lift.rate_diff.low <= 0.15 <= lift.rate_diff.high
    assert lift.rate_diff.significant and lift.enough and lift.significant
    # won ARR per candidate is 20,000 x the expansion rate here (every outcome won 20,000)
    assert lift.surfaced.arr_per_candidate == pytest.approx(20000 * lift.surfaced.expanded / lift.surfaced.n)
    assert lift.arr_diff.low <= 20000 * 0.15 <= lift.arr_diff.high
    assert lift.share == 0.2 and lift.window_days == 120 and lift.in_window == 0
    assert lift.more_needed == 0


def test_a_pilot_without_lift_shows_no_significant_difference(db: None, owner: User, leader: User) -> None:
    _pilot(seed=2, accounts=1500, p_surfaced=0.20, p_held=0.20, share=0.2, owner=owner)
    lift = lift_figures(_scope(leader))
    assert lift is not None and lift.rate_diff is not None
    assert lift.rate_diff.low <= 0 <= lift.rate_diff.high
    assert not lift.rate_diff.significant and not lift.significant
    assert lift.more_needed is None or lift.more_needed > 0


def test_stop_candidates_are_left_out_of_both_arms(db: None, owner: User, leader: User) -> None:
    # Stop when created (the events are append-only: written so, not changed afterwards)
    _pilot(seed=3, accounts=40, p_surfaced=0.5, p_held=0.5, share=0.2, owner=owner, stop=("p0", "p1"))
    lift = lift_figures(_scope(leader))
    assert lift is not None
    assert (lift.total, lift.excluded_stop) == (38, 2)


def test_only_leaders_get_the_figures_and_the_panel(db: None, client: Client, owner: User, leader: User) -> None:
    _pilot(seed=4, accounts=200, p_surfaced=0.4, p_held=0.1, share=0.2, owner=owner)
    assert lift_figures(_scope(owner)) is None
    query = {"pilot": "all", "start": CREATED.date().isoformat(), "end": NOW.date().isoformat()}
    client.force_login(owner)
    assert client.get("/dashboard/panels/lift/", query).status_code == 404
    client.force_login(leader)
    page = client.get("/dashboard/panels/lift/", query).content.decode()
    assert "Proof of lift" in page and "two-proportion normal" in page
    assert "Pilot " in page  # the held-out candidates are listed for leaders
    csv_text = client.get("/dashboard/panels/lift/", {**query, "format": "csv"}).content.decode()
    assert csv_text.startswith("# figure,Proof of lift")
    assert "Surfaced,1" in csv_text and "Held out," in csv_text and "candidates needed (80% power)" in csv_text
    client.force_login(owner)
    assert client.get("/dashboard/panels/lift/", {**query, "format": "csv"}).status_code == 404
