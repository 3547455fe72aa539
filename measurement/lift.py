"""Proof of lift: surfaced candidates against the holdout (docs/measurement.md).

Each candidate created in the range is in one arm: surfaced, or held out
(`signals/holdout.py`). Its outcome is read from the CRM import, the same way for both
arms: an expansion opportunity on the same account and product area opened within the
outcome window (rule `outcome_window_days`, default 120) after the candidate was
created; its ARR is the amount of those opportunities that closed won.

The figures:
- expansion rate per arm and their difference, with Newcombe's hybrid score interval
  (method 10, from the Wilson interval of each arm; right at small counts and at 0 or n
  events), called significant only when it excludes 0 and each arm has MIN_OUTCOMES
  candidates that expanded and MIN_OUTCOMES that did not;
- won ARR per candidate per arm and their difference, with a 95% normal interval on
  the difference of means (Welch standard error), shown only when each arm has
  MIN_WINS candidates with won ARR ("no wins yet" / "too few wins" otherwise);
- how many candidates in all the pilot needs for 80% power (5%, two-sided) to detect a
  lift of LIFT_MIN_DETECTABLE (default 10 percentage points) over the pooled observed
  rate floored at BASE_RATE_FLOOR, with the arms split by the holdout share, and how
  many more than it has.

Candidates whose recommendation was Stop when created are left out of both arms:
neither arm surfaces them, so they carry no treatment (the exclusion does not depend
on the arm, so it does not bias the comparison). So are candidates on accounts exempt
from the holdout: they could never be held out.

Leaders only: `lift_figures` returns None for anyone else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Account, Opportunity, OpportunityStage
from core.roles import is_leader, scope_accounts
from measurement.models import EventKind, MeasurementEvent
from measurement.selectors import DashboardScope, pilot_accounts
from signals.holdout import EXEMPT, EXPLICIT_ASK
from signals.vocabulary import Recommendation, SignalType

Z_95 = 1.959964  # two-sided 95%
Z_80_POWER = 0.841621  # one-sided 80%
MIN_OUTCOMES = 5  # per arm, expanded and not, before a difference is called significant
MIN_WINS = 5  # per arm, candidates with won ARR, before the ARR interval is shown
BASE_RATE_FLOOR = 0.05  # the lowest held-out expansion rate the sample size plans for
DEFAULT_MIN_DETECTABLE = 0.10  # the lift the sample size is planned to detect (setting LIFT_MIN_DETECTABLE)

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


def wilson_interval(x: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion x / n (n > 0): never degenerate at 0 or
    n events, unlike the normal one."""
    p = x / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_difference_interval(x1: int, n1: int, x0: int, n0: int, z: float = Z_95) -> Interval | None:
    """p1 - p0 with Newcombe's hybrid score interval (1998, method 10), built from the
    Wilson interval of each arm; None without both arms."""
    if n1 == 0 or n0 == 0:
        return None
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson_interval(x1, n1, z)
    l0, u0 = wilson_interval(x0, n0, z)
    d = p1 - p0
    return Interval(d, d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


def enough_outcomes(x: int, n: int) -> bool:
    """An arm with at least MIN_OUTCOMES candidates that expanded and MIN_OUTCOMES that did not."""
    return x >= MIN_OUTCOMES and n - x >= MIN_OUTCOMES


def called_significant(x1: int, n1: int, x0: int, n0: int) -> bool:
    """The panel's rule: the 95% interval excludes 0 and both arms have enough outcomes."""
    interval = rate_difference_interval(x1, n1, x0, n0)
    return interval is not None and interval.significant and enough_outcomes(x1, n1) and enough_outcomes(x0, n0)


def mean_difference_interval(a: Sequence[float], b: Sequence[float], z: float = Z_95) -> Interval | None:
    """mean(a) - mean(b) with a normal interval on the Welch standard error (read only
    with MIN_WINS non-zero values in each arm: see `lift_compute`)."""
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


def _binomial_pmf(n: int, p: float) -> list[float]:
    log_p, log_q = math.log(p), math.log1p(-p)
    return [
        math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q)
        for k in range(n + 1)
    ]


def rule_power(n: int, p1: float, p0: float, share: float) -> float:
    """The chance that the panel's own rule calls a true lift p1 > p0 significant with n
    candidates held out at `share`: exactly, over the binomial outcomes of both arms (the
    interval must lie above 0 and each arm needs MIN_OUTCOMES expanded and not)."""
    n0 = round(n * share)
    n1 = n - n0
    if n0 < 2 * MIN_OUTCOMES or n1 < 2 * MIN_OUTCOMES:
        return 0.0
    pmf1, pmf0 = _binomial_pmf(n1, p1), _binomial_pmf(n0, p0)
    tail = [0.0] * (n1 + 2)  # tail[k] = P(X1 >= k and X1 <= n1 - MIN_OUTCOMES)
    for k in range(n1 - MIN_OUTCOMES, -1, -1):
        tail[k] = tail[k + 1] + pmf1[k]
    power = 0.0
    for x0 in range(MIN_OUTCOMES, n0 - MIN_OUTCOMES + 1):
        if pmf0[x0] < 1e-12:
            continue
        lo, hi = MIN_OUTCOMES, n1 - MIN_OUTCOMES + 1  # the least x1 whose interval lies above 0
        while lo < hi:
            mid = (lo + hi) // 2
            interval = rate_difference_interval(mid, n1, x0, n0)
            if interval is not None and interval.low > 0:
                hi = mid
            else:
                lo = mid + 1
        power += pmf0[x0] * tail[lo]
    return power


def candidates_for_power(p1: float, p0: float, share: float, power: float = 0.80) -> int | None:
    """The fewest candidates in all for `rule_power` to reach `power` (searched from the
    normal-approximation size `candidates_needed`, which the score interval and the
    minimum counts make too small at a small holdout); None when there is nothing to find."""
    start = candidates_needed(p1, p0, share)
    if start is None or p1 <= p0:
        return None
    lo, hi = max(start // 2, 1), start
    while rule_power(hi, p1, p0, share) < power:
        lo, hi = hi, hi * 2
        if hi > 10_000_000:
            return None
    while lo < hi:
        mid = (lo + hi) // 2
        if rule_power(mid, p1, p0, share) >= power:
            hi = mid
        else:
            lo = mid + 1
    return hi


def planning_base_rate(expanded: int, n: int) -> float:
    """The held-out rate the sample size is planned for: the pooled observed rate of both
    arms (never the held-out arm's alone, which is 0 or 1 with few candidates), floored at
    BASE_RATE_FLOOR and capped so the lift still fits under 100%."""
    pooled = expanded / n if n else 0.0
    return min(max(pooled, BASE_RATE_FLOOR), 0.5)


def min_detectable_lift() -> float:
    """Setting LIFT_MIN_DETECTABLE (environment; a share, default 0.10: ten percentage points)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    value = float(getattr(settings, "LIFT_MIN_DETECTABLE", DEFAULT_MIN_DETECTABLE))
    if not 0.01 <= value <= 0.5:
        raise ImproperlyConfigured(f"LIFT_MIN_DETECTABLE must be a share between 0.01 and 0.5, not {value}.")
    return value


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class CandidateRow:
    candidate_id: int
    account_id: int
    signal_type: str
    created_at: dt.datetime
    held_out: bool
    currency: str = "USD"  # the account's: its opportunities' amounts are in it


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
    # won ARR of each candidate on an account in the comparison's currency (Lift.currency)
    arr: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.expanded / self.n if self.n else None

    @property
    def arr_per_candidate(self) -> float | None:
        return sum(self.arr) / len(self.arr) if self.arr else None

    @property
    def wins(self) -> int:
        """Candidates with won ARR."""
        return sum(1 for a in self.arr if a > 0)


def points(value: float) -> str:
    """A difference of rates in plain words ("+4.2 percentage points")."""
    return f"{100 * value:+.1f} percentage points"


def money(value: float) -> str:
    return f"{value:+,.0f}"


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
    min_detectable: float = DEFAULT_MIN_DETECTABLE
    base_rate: float = BASE_RATE_FLOOR
    excluded_exempt: int = 0
    excluded_asked: int = 0  # customers' own concrete requests, never held out (signals/holdout.py)
    # Amounts are never converted: ARR is compared in the currency most candidates'
    # accounts are billed in; candidates on accounts in other currencies count for the
    # expansion rate but are left out of the ARR comparison.
    currency: str = "USD"
    other_currency: int = 0

    @property
    def total(self) -> int:
        return self.surfaced.n + self.held_out.n

    @property
    def enough(self) -> bool:
        """A difference is called significant only with at least MIN_OUTCOMES candidates
        that expanded and MIN_OUTCOMES that did not, in each arm."""
        return all(enough_outcomes(arm.expanded, arm.n) for arm in (self.surfaced, self.held_out))

    @property
    def significant(self) -> bool:
        return self.enough and self.rate_diff is not None and self.rate_diff.significant

    @property
    def show_rate_range(self) -> bool:
        """The 95% range is shown only when it can be read: with enough outcomes (then a
        range that excludes 0 is significant by definition)."""
        return self.enough and self.rate_diff is not None

    @property
    def more_needed(self) -> int | None:
        return None if self.needed is None else max(0, self.needed - self.total)

    @property
    def arr_enough(self) -> bool:
        return self.arr_diff is not None

    # Sentences shared by the panel and its CSV, so both always say the same.

    @property
    def arms(self) -> tuple[Arm, Arm]:
        return self.surfaced, self.held_out

    @property
    def verdict_label(self) -> str:
        return "Significant." if self.significant else "Not enough evidence yet."

    @property
    def verdict_detail(self) -> str:
        d = self.rate_diff
        if d is None:
            return "Each group needs candidates before the two can be compared."
        rates = (
            f"Expansion rate {100 * (self.surfaced.rate or 0):.1f}% surfaced against "
            f"{100 * (self.held_out.rate or 0):.1f}% held out"
        )
        if self.significant:
            direction = "higher" if d.estimate > 0 else "lower"
            return (
                f"{rates}: surfaced candidates expanded at a {direction} rate, {points(d.estimate)} "
                f"(95% range {points(d.low)} to {points(d.high)})."
            )
        if not self.enough:
            return (
                f"{rates}, a difference of {points(d.estimate)} so far, but each group needs at least "
                f"{MIN_OUTCOMES} candidates that expanded and {MIN_OUTCOMES} that did not before it can be judged."
            )
        return (
            f"{rates}, a difference of {points(d.estimate)} so far, but no difference at all is still possible "
            f"(95% range {points(d.low)} to {points(d.high)})."
        )

    @property
    def verdict(self) -> str:
        return f"{self.verdict_label} {self.verdict_detail}"

    @property
    def sample_size_text(self) -> str:
        if self.needed is None:
            return "No holdout in force, so no sample size can be worked out."
        head = (
            f"To detect a lift of {100 * self.min_detectable:.0f} percentage points (from an expansion rate of "
            f"{100 * self.base_rate:.0f}% without surfacing) with an 80% chance, the pilot needs about "
            f"{self.needed:,} candidates in all at a {100 * self.share:.0f}% holdout"
        )
        if self.more_needed:
            return f"{head}: about {self.more_needed:,} more than it has."
        return f"{head}; it has them. A smaller lift would need more."

    @property
    def arr_text(self) -> str:
        if self.surfaced.n == 0 or self.held_out.n == 0:
            return "—"
        if self.surfaced.wins == 0 or self.held_out.wins == 0:
            return (
                "No wins yet"
                if self.surfaced.wins == self.held_out.wins == 0
                else (f"No wins yet in the {'surfaced' if self.surfaced.wins == 0 else 'held-out'} group")
            )
        if self.arr_diff is None:
            return f"Too few wins yet for a range (each group needs {MIN_WINS})"
        d = self.arr_diff
        return f"{money(d.estimate)} {self.currency} (95% range {money(d.low)} to {money(d.high)})"


def lift_compute(
    candidates: Sequence[CandidateRow],
    opportunities: Sequence[OpportunityRow],
    *,
    share: float,
    window_days: int,
    now: dt.datetime,
    min_detectable: float = DEFAULT_MIN_DETECTABLE,
) -> Lift:
    by_account: dict[int, list[OpportunityRow]] = defaultdict(list)
    for o in opportunities:
        by_account[o.account_id].append(o)
    surfaced, held = Arm("Surfaced"), Arm("Held out")
    currency = main_currency(candidates)
    in_window = other_currency = 0
    for c in candidates:
        arm = held if c.held_out else surfaced
        expanded, arr = outcome_of(c, by_account.get(c.account_id, []), window_days)
        arm.n += 1
        arm.expanded += int(expanded)
        if c.currency == currency:
            arm.arr.append(arr)
        else:
            other_currency += 1
        if c.created_at + dt.timedelta(days=window_days) > now:
            in_window += 1
    rate = rate_difference_interval(surfaced.expanded, surfaced.n, held.expanded, held.n)
    base = planning_base_rate(surfaced.expanded + held.expanded, surfaced.n + held.n)
    needed = candidates_for_power(min(base + min_detectable, 0.99), base, share)
    arr_diff = None
    if surfaced.wins >= MIN_WINS and held.wins >= MIN_WINS:
        arr_diff = mean_difference_interval(surfaced.arr, held.arr)
    return Lift(
        surfaced=surfaced,
        held_out=held,
        share=share,
        window_days=window_days,
        rate_diff=rate,
        arr_diff=arr_diff,
        needed=needed,
        excluded_stop=0,
        in_window=in_window,
        min_detectable=min_detectable,
        base_rate=base,
        currency=currency,
        other_currency=other_currency,
    )


def main_currency(candidates: Sequence[CandidateRow]) -> str:
    """The currency most candidates' accounts are billed in (USD on a tie with it, else
    the first alphabetically): the one the ARR comparison is made in."""
    counts = Counter(c.currency for c in candidates)
    if not counts:
        return "USD"
    return min(counts, key=lambda cur: (-counts[cur], cur != "USD", cur))


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
    stop = exempt = 0
    # Accounts exempt from the holdout can never be held out: counting them in the
    # surfaced group only would compare different accounts, so both groups leave them out.
    never = set(
        Account.objects.filter(extra__holdout=EXEMPT, pk__in=created.values("account_id")).values_list("pk", flat=True)
    )
    asked = 0
    for candidate_id, account_id, signal_type, recommendation, inserted_at, held_out, currency, why in created.order_by(
        "occurred_at", "pk"
    ).values_list(
        "candidate_id",
        "account_id",
        "candidate__signal_type",
        "recommendation",
        "candidate__inserted_at",
        "candidate__held_out",
        "account__currency",
        "data__holdout_exempt",
    ):
        if candidate_id in rows:
            continue
        if recommendation == Recommendation.STOP:
            stop += 1
            continue
        if account_id in never:
            exempt += 1
            continue
        if why == EXPLICIT_ASK:  # a customer's own request is never held out: not in either group
            asked += 1
            continue
        rows[candidate_id] = CandidateRow(candidate_id, account_id, signal_type, inserted_at, held_out, currency)
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
        min_detectable=min_detectable_lift(),
    )
    lift.excluded_stop = stop
    lift.excluded_exempt = exempt
    lift.excluded_asked = asked
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
