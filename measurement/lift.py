"""Proof of lift: surfaced candidates against the holdout (docs/measurement.md).

Each candidate created in the range is in one arm: surfaced, or held out
(`signals/holdout.py`). Its outcome is read from the CRM import, the same way for both
arms: an expansion opportunity on the same account and product area opened within the
outcome window (rule `outcome_window_days`, default 120) after the candidate was
created; its ARR is the amount of those opportunities that closed won.

The figures:
- expansion rate per arm and their difference, with a 95% two-proportion normal
  (Wald, unpooled) interval;
- won ARR per candidate per arm and their difference, with a 95% normal interval on
  the difference of means (Welch standard error);
- how many candidates in all the pilot needs for 80% power to find the observed
  difference significant at 5% (two-sided), with the arms split by the holdout share,
  and how many more than it has.

Candidates whose recommendation was Stop when created are left out of both arms:
neither arm surfaces them, so they carry no treatment (the exclusion does not depend
on the arm, so it does not bias the comparison).

Leaders only: `lift_figures` returns None for anyone else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Opportunity, OpportunityStage
from core.roles import is_leader, scope_accounts
from measurement.models import EventKind, MeasurementEvent
from measurement.selectors import DashboardScope, pilot_accounts
from signals.vocabulary import Recommendation, SignalType

Z_95 = 1.959964  # two-sided 95%
Z_80_POWER = 0.841621  # one-sided 80%
MIN_OUTCOMES = 5  # per arm, expanded and not, before the normal interval is read

# The product area a signal type is about; an opportunity's area comes from the CRM
# import (`product_area`, an extra attribute of the opportunity record). Either may be
# given as an area or as a signal type code.
PRODUCT_AREAS: dict[str, str] = {
    SignalType.SEATS: "licences",
    SignalType.VOLUME_PRICING: "licences",
    SignalType.CAPACITY: "platform",
    SignalType.SCALE: "platform",
    SignalType.TIER_UPGRADE: "plan",
    SignalType.ADD_ON: "add-ons",
    SignalType.CROSS_SELL: "add-ons",
}


def product_area(value: str) -> str:
    """The area of a signal type code or area name ("" when unknown)."""
    value = (value or "").strip().lower()
    return PRODUCT_AREAS.get(value, value)


# --------------------------------------------------------------------------- pure statistics


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        """The 95% interval excludes no difference."""
        return self.low > 0 or self.high < 0


def two_proportion_interval(x1: int, n1: int, x0: int, n0: int, z: float = Z_95) -> Interval | None:
    """p1 - p0 with the unpooled normal (Wald) interval; None without both arms."""
    if n1 == 0 or n0 == 0:
        return None
    p1, p0 = x1 / n1, x0 / n0
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    d = p1 - p0
    return Interval(d, d - z * se, d + z * se)


def mean_difference_interval(a: Sequence[float], b: Sequence[float], z: float = Z_95) -> Interval | None:
    """mean(a) - mean(b) with a normal interval on the Welch standard error."""
    if len(a) < 2 or len(b) < 2:
        return None
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1)
    se = math.sqrt(va / len(a) + vb / len(b))
    d = ma - mb
    return Interval(d, d - z * se, d + z * se)


def candidates_needed(
    p1: float, p0: float, share: float, z_alpha: float = Z_95, z_power: float = Z_80_POWER
) -> int | None:
    """Candidates in all (both arms, held out at `share`) for the two-proportion test to
    find a true difference of p1 - p0 significant with 80% power; None when there is no
    difference to find or no holdout."""
    d = abs(p1 - p0)
    if d == 0 or not 0 < share < 1:
        return None
    variance = p1 * (1 - p1) / (1 - share) + p0 * (1 - p0) / share
    if variance == 0:
        return None
    return math.ceil((z_alpha + z_power) ** 2 * variance / d**2)


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class CandidateRow:
    candidate_id: int
    account_id: int
    signal_type: str
    created_at: dt.datetime
    held_out: bool


@dataclass(frozen=True)
class OpportunityRow:
    account_id: int
    area: str  # "" when the CRM did not say
    opened_at: dt.datetime
    won: bool
    amount: float


def outcome_of(
    candidate: CandidateRow, opportunities: Iterable[OpportunityRow], window_days: int
) -> tuple[bool, float]:
    """(expanded, won ARR): opportunities on the same account and product area opened
    within the window after the candidate was created. An opportunity without an area
    counts for every area (docs/measurement.md, limits)."""
    area = product_area(candidate.signal_type)
    end = candidate.created_at + dt.timedelta(days=window_days)
    expanded, arr = False, 0.0
    for o in opportunities:
        if o.account_id != candidate.account_id or not candidate.created_at <= o.opened_at <= end:
            continue
        if o.area and product_area(o.area) != area:
            continue
        expanded = True
        if o.won:
            arr += o.amount
    return expanded, arr


@dataclass
class Arm:
    label: str
    n: int = 0
    expanded: int = 0
    arr: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.expanded / self.n if self.n else None

    @property
    def arr_per_candidate(self) -> float | None:
        return sum(self.arr) / self.n if self.n else None


@dataclass
class Lift:
    surfaced: Arm
    held_out: Arm
    share: float
    window_days: int
    rate_diff: Interval | None
    arr_diff: Interval | None
    needed: int | None
    excluded_stop: int
    in_window: int  # candidates whose window has not yet ended: their outcome may still come

    @property
    def total(self) -> int:
        return self.surfaced.n + self.held_out.n

    @property
    def enough(self) -> bool:
        """The normal interval is trusted only with at least MIN_OUTCOMES candidates that
        expanded and MIN_OUTCOMES that did not, in each arm (with 0 expansions in an arm
        its standard error is 0 and the interval is falsely narrow)."""
        return all(
            arm.expanded >= MIN_OUTCOMES and arm.n - arm.expanded >= MIN_OUTCOMES
            for arm in (self.surfaced, self.held_out)
        )

    @property
    def significant(self) -> bool:
        return self.enough and self.rate_diff is not None and self.rate_diff.significant

    @property
    def more_needed(self) -> int | None:
        return None if self.needed is None else max(0, self.needed - self.total)


def lift_compute(
    candidates: Sequence[CandidateRow],
    opportunities: Sequence[OpportunityRow],
    *,
    share: float,
    window_days: int,
    now: dt.datetime,
) -> Lift:
    by_account: dict[int, list[OpportunityRow]] = defaultdict(list)
    for o in opportunities:
        by_account[o.account_id].append(o)
    surfaced, held = Arm("Surfaced"), Arm("Held out")
    in_window = 0
    for c in candidates:
        arm = held if c.held_out else surfaced
        expanded, arr = outcome_of(c, by_account.get(c.account_id, []), window_days)
        arm.n += 1
        arm.expanded += int(expanded)
        arm.arr.append(arr)
        if c.created_at + dt.timedelta(days=window_days) > now:
            in_window += 1
    rate = two_proportion_interval(surfaced.expanded, surfaced.n, held.expanded, held.n)
    needed = None
    if surfaced.rate is not None and held.rate is not None:
        needed = candidates_needed(surfaced.rate, held.rate, share)
    return Lift(
        surfaced=surfaced,
        held_out=held,
        share=share,
        window_days=window_days,
        rate_diff=rate,
        arr_diff=mean_difference_interval(surfaced.arr, held.arr),
        needed=needed,
        excluded_stop=0,
        in_window=in_window,
    )


# --------------------------------------------------------------------------- reading the database


def lift_figures(scope: DashboardScope, *, now: dt.datetime | None = None) -> Lift | None:
    """The lift for the candidates created in the scope's range and sample (leaders only)."""
    from django.utils import timezone

    from signals.services import rules_lookup

    if not is_leader(scope.user):
        return None
    now = now or timezone.now()
    rules = rules_lookup().default
    created = scope_accounts(
        MeasurementEvent.objects.filter(
            kind=EventKind.SIGNAL_CREATED,
            candidate__isnull=False,
            candidate__inserted_at__gte=scope.start_at,
            candidate__inserted_at__lt=scope.end_at,
        ),
        scope.user,
        field="account",
    )
    if scope.pilot is not None:
        created = created.filter(account__in=pilot_accounts(scope.pilot).values("pk"))
    rows: dict[int, CandidateRow] = {}
    stop = 0
    for candidate_id, account_id, signal_type, recommendation, inserted_at, held_out in created.order_by(
        "occurred_at", "pk"
    ).values_list(
        "candidate_id",
        "account_id",
        "candidate__signal_type",
        "recommendation",
        "candidate__inserted_at",
        "candidate__held_out",
    ):
        if candidate_id in rows:
            continue
        if recommendation == Recommendation.STOP:
            stop += 1
            continue
        rows[candidate_id] = CandidateRow(candidate_id, account_id, signal_type, inserted_at, held_out)
    accounts = {r.account_id for r in rows.values()}
    earliest = min((r.created_at for r in rows.values()), default=now)
    opportunities = [
        OpportunityRow(
            account_id=account_id,
            area=product_area(str((extra or {}).get("product_area", ""))),
            opened_at=opened_at,
            won=stage == OpportunityStage.WON,
            amount=float(amount or Decimal(0)),
        )
        for account_id, opened_at, stage, amount, extra in Opportunity.objects.filter(
            account_id__in=accounts, opened_at__gte=earliest
        ).values_list("account_id", "opened_at", "stage", "amount", "extra")
    ]
    lift = lift_compute(
        list(rows.values()),
        opportunities,
        share=float(rules.holdout_share),
        window_days=int(rules.outcome_window_days),
        now=now,
    )
    lift.excluded_stop = stop
    return lift


def held_out_list(scope: DashboardScope, *, limit: int = 50) -> list[MeasurementEvent]:
    """The held-out candidates of the range (leaders only): their holdout events."""
    if not is_leader(scope.user):
        return []
    qs = MeasurementEvent.objects.filter(
        kind=EventKind.HELD_OUT, occurred_at__gte=scope.start_at, occurred_at__lt=scope.end_at
    )
    if scope.pilot is not None:
        qs = qs.filter(account__in=pilot_accounts(scope.pilot).values("pk"))
    return list(qs.select_related("account", "candidate").order_by("-occurred_at", "-pk")[:limit])
