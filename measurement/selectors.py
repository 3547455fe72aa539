"""Reads for the pilot dashboard, the events API and the CSV exports.

Every read starts from what the user may see (`core.roles.scope_accounts`: leaders and
admins see every account, an owner only the accounts they own now) and, when a pilot
is chosen, from the pilot's sample. Figures are aggregated in SQL: one query per
figure however many events there are; Python only fills empty weeks and takes
percentiles of per-candidate durations.

"Signals" are candidates; a signal is *surfaced* when the engine writes the candidate
(`Candidate.inserted_at`, the moment an owner could first see it). The dashboard's
date range selects the signals surfaced in it (a cohort) and measures what happened
to them up to the end of the range, so a closed range never changes afterwards.
The definitions below are shown beside each figure.
"""

import bisect
import datetime as dt
import functools
import math
import operator
import random
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, compress
from operator import itemgetter
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from accounts.models import (
    UNRESOLVED_TICKET_STATUSES,
    Account,
    Health,
    Ticket,
    UsageDaily,
)
from core.roles import AnyUser, is_leader, scope_accounts
from measurement.models import EventKind, MeasurementEvent, Pilot, PilotSample
from reviews.models import Decision, DecisionKind, RejectReason
from signals.models import Candidate, PhraseKind, PhraseRule, Rule
from signals.rules import RULE_SPECS
from signals.vocabulary import CandidateStatus

DEFAULT_THRESHOLD = Decimal("0.80")
DEFAULT_RANGE_DAYS = 56  # eight weeks when no pilot is chosen
READINESS_DAYS = 14
MAX_AUDIT_SAMPLE = 100

# --------------------------------------------------------------------------- definitions

PARTS: tuple[tuple[str, str, str], ...] = (
    (
        "source_evidence",
        "Source evidence",
        "When the engine last scored it, the candidate cited at least one evidence item (a stored fact: the ids it "
        "cited).",
    ),
    (
        "value_proof",
        "Value proof",
        "When the engine last scored it, the account had a verified outcome within the value-proof window (rule "
        "value_proof_days); the fact names that outcome. An unverified outcome does not count.",
    ),
    (
        "stakeholder_fit",
        "Stakeholder fit",
        "When the engine last scored it, the account had an active decision maker or champion in the CRM; the fact "
        "names who.",
    ),
    (
        "open_issue_check",
        "Open-issue check",
        "The engine checked the account's unresolved support tickets when it last scored it; the fact lists each "
        "ticket with its status, priority and whether it blocks. It does not show that the owner read the tickets "
        "(owner review covers that).",
    ),
    (
        "owner_review",
        "Owner review",
        "By the end of the range the account’s owner decided on it (approve, reject or defer: only the owner can), "
        "or opened it (a ‘reviewed’ event whose actor was the account’s owner at that moment).",
    ),
    (
        "next_action",
        "Next action",
        "By the end of the range it has an approval with a next step, a rejection with a reason (and a note when the "
        "reason is ‘other’), or a deferral with a return date.",
    ),
)
PART_KEYS = tuple(key for key, _, _ in PARTS)
PART_SHORT = {
    "source_evidence": "Evidence",
    "value_proof": "Value",
    "stakeholder_fit": "Stakeholder",
    "open_issue_check": "Issues",
    "owner_review": "Review",
    "next_action": "Next",
}
PART_LABELS = {key: label for key, label, _ in PARTS}

DEFINITIONS: dict[str, str] = {
    "surfaced": "Signals (candidates) the engine wrote in the range, in the sample and in your view.",
    "funnel": (
        "Of the signals surfaced in the range, how many reached each stage by the end of the range. Reviewed: "
        "owner review as in review quality. Owner-approved: an approval decision. Outreach, customer responses "
        "(positive or negative; ‘no response’ does not count), opportunities and closed-won: at least one such "
        "event logged on the signal. Closed-won amount: the sum of the amounts logged, per currency."
    ),
    "quality": (
        "The share of signals surfaced in the range that have all six parts "
        "by the end of the range, each as defined on the dashboard's review-quality panel."
    ),
    "threshold": (
        "Share of signals surfaced in the range that, by the end of the range, were accepted or rejected with an "
        "evidence-backed reason and a next action: the signal cites evidence, and the owner approved it with a "
        "next step (consent and relationship context confirmed), or rejected it with a reason code (and a note for "
        "‘other’; the rejection's next action is that nothing goes to the customer and the cool-down applies). "
        "Deferred, pending and expired signals count against it."
    ),
    "false_positives": (
        "False-positive rate: of the signals surfaced in the range that the owner approved or rejected by the end "
        "of the range, the share rejected as ‘False positive: not an expansion signal’. Deferrals are not verdicts "
        "and are left out. Intent ‘inferred’ means usage detectors alone produced the signal; ‘buying’ and "
        "‘curious’ mean the classifier's phrase rules read a customer text."
    ),
    "time_to_decision": (
        "From the moment a signal was surfaced to the owner's first decision on it (approve, reject or defer), for "
        "signals surfaced in the range and decided by its end. Median: the middle value (the mean of the two middle "
        "values for an even count). p90: nearest rank, the smallest time within which 90% of them were decided."
    ),
    "queue_age": (
        "Signals pending today (in the sample and your view, whenever surfaced), by whole days since they were "
        "surfaced. Median and p90 as for time to decision."
    ),
    "decisions_per_owner": (
        "Decisions made in the range on signals in the sample, by the person who decided (only the account's "
        "owner can decide). A false positive is a rejection with that reason."
    ),
    "breakdown": (
        "The same measures per group, for signals surfaced in the range. Owner and segment are the account's now; "
        "the recommendation is the candidate's (a decided candidate keeps the one it was decided on)."
    ),
    "weekly": (
        "Signals grouped by the week (Monday to Sunday, UTC) they were surfaced, measured at the end of the range: "
        "recent weeks have had less time for review."
    ),
    "readiness": (
        "The conditions under which the pilot's figures cannot be trusted (no usage signals, no expansion criteria, "
        "no owner review), checked for the last 14 days up to today, for the sample and your view."
    ),
    "audit": (
        "A reproducible random sample of the pilot's signals (the same sample number, size and signals always draw "
        "the same sample), each checked for seven things: usage signal, value evidence, health, open support "
        "issues, stakeholder context, owner approval and opportunity creation."
    ),
}


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class DashboardScope:
    user: AnyUser
    start: dt.date
    end: dt.date
    pilot: Pilot | None = None
    today: dt.date = field(default_factory=lambda: timezone.now().date())
    # True: every figure from decisions and events alone, never the rollup (tests and the
    # benchmark compare the two; settings.DASHBOARD_ROLLUP = False makes it the default).
    live: bool = field(default_factory=lambda: not settings.DASHBOARD_ROLLUP)
    # Per-request memo: the per-signal facts are read by most figures.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def start_at(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """Exclusive: the first moment after the range."""
        return day_start(self.end + dt.timedelta(days=1))

    @property
    def threshold(self) -> Decimal:
        return self.pilot.threshold if self.pilot else DEFAULT_THRESHOLD

    @property
    def range_text(self) -> str:
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def pilot_list() -> QuerySet[Pilot]:
    return Pilot.objects.order_by("-start_date", "name")


def pilot_default(*, today: dt.date, pilots: Iterable[Pilot]) -> Pilot | None:
    """The pilot that started most recently (one running today wins over one ahead)."""
    started = [p for p in pilots if p.start_date <= today]
    return max(started, key=lambda p: (p.start_date, -p.pk)) if started else None


def default_range(*, pilot: Pilot | None, today: dt.date) -> tuple[dt.date, dt.date]:
    if pilot is None:
        return today - dt.timedelta(days=DEFAULT_RANGE_DAYS - 1), today
    return pilot.start_date, max(pilot.start_date, min(pilot.end_date, today))


def pilot_accounts(pilot: Pilot) -> QuerySet[Account]:
    """The pilot's sample, unscoped: its accounts, segment or top N healthy accounts by
    ARR, among the accounts owned by the pilot's team."""
    qs = Account.objects.filter(owner__in=pilot.owner_team.all())
    if pilot.sample == PilotSample.ACCOUNTS:
        return qs.filter(pk__in=pilot.accounts.all().values("pk"))
    if pilot.sample == PilotSample.SEGMENT:
        return qs.filter(segment=pilot.segment)
    ranked = qs.filter(health=Health.GOOD).order_by(F("arr").desc(nulls_last=True), "pk")
    return Account.objects.filter(pk__in=ranked.values("pk")[: pilot.top_n or 0])


def sample_accounts(scope: DashboardScope) -> QuerySet[Account]:
    qs = scope_accounts(Account.objects.all(), scope.user)
    if scope.pilot is not None:
        qs = qs.filter(pk__in=pilot_accounts(scope.pilot).values("pk"))
    return qs


def sample_candidates(scope: DashboardScope) -> QuerySet[Candidate]:
    """Every candidate in the sample and the user's view, whenever surfaced."""
    qs = scope_accounts(Candidate.objects.surfaced(), scope.user, field="account")
    if scope.pilot is not None:
        qs = qs.filter(account__in=pilot_accounts(scope.pilot).values("pk"))
    return qs


def in_sample(decisions: QuerySet[Decision], scope: DashboardScope) -> QuerySet[Decision]:
    """Decisions on signals in the sample and the user's view. A leader with no pilot sees
    every signal: no filter then (a semi-join with every candidate cost more than the
    decisions it filtered)."""
    if scope.pilot is None and is_leader(scope.user):
        return decisions
    return decisions.filter(candidate__in=sample_candidates(scope).values("pk"))


def surfaced_candidates(scope: DashboardScope) -> QuerySet[Candidate]:
    return sample_candidates(scope).filter(inserted_at__gte=scope.start_at, inserted_at__lt=scope.end_at)


# --------------------------------------------------------------------------- per-signal facts
#
# Every figure about the signals of the range is folded from one list of per-signal
# facts. They come from a fixed number of set-based queries: the signals with the parts
# that live on the candidate (evidence, blockers, brief), the accounts with a decision
# maker or champion, and the decisions and the events of those signals aggregated to
# one row per signal with conditional counts. Correlated EXISTS per signal and per
# measure were tried first: on PostgreSQL each costs a sub-plan per row, and a year
# of 40,000 signals took seconds per figure; these queries scan each table once.


def _has_reason_and_next_action() -> Q:
    """A decision that says what happens next: an approval with a next step, a
    rejection with a reason (a note for 'other'), a deferral with a date."""
    return (
        (Q(kind=DecisionKind.APPROVE) & ~Q(next_step=""))
        | (Q(kind=DecisionKind.REJECT) & ~Q(reason_code="") & ~Q(reason_code=RejectReason.OTHER, note=""))
        | Q(kind=DecisionKind.DEFER, defer_until__isnull=False)
    )


def _evidence_backed_verdict() -> Q:
    """Accepted or rejected with a reason and a next action (the seed's threshold)."""
    return (Q(kind=DecisionKind.APPROVE, consent_reviewed=True) & ~Q(next_step="")) | (
        Q(kind=DecisionKind.REJECT) & ~Q(reason_code="") & ~Q(reason_code=RejectReason.OTHER, note="")
    )


def _bool(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


@dataclass(slots=True)
class SignalFacts:
    """One signal as the definitions see it at the end of the range."""

    pk: int
    account_id: int
    owner_id: int | None
    segment: str
    signal_type: str
    intent: str
    recommendation: str
    surfaced_at: dt.datetime
    source_evidence: bool = False
    value_proof: bool = False
    stakeholder_fit: bool = False
    open_issue_check: bool = False
    owner_review: bool = False
    next_action: bool = False
    threshold: bool = False
    approved: bool = False
    rejected: bool = False
    false_positive: bool = False
    decided: bool = False  # approved or rejected (a deferral is not a verdict)
    outreach: bool = False
    responded: bool = False
    opportunity: bool = False
    won: bool = False
    first_decision_at: dt.datetime | None = None
    won_amounts: dict[str, Decimal] = field(default_factory=dict)
    rules: tuple[str, ...] = ()  # the phrase rules that fired on its trigger messages
    complete: bool = False  # all six parts; set once the facts are gathered
    week: dt.date = dt.date.min  # the Monday (UTC) of the week it was surfaced

    @property
    def missing(self) -> list[str]:
        return [key for key in PART_KEYS if not getattr(self, key)]


# The decision and follow-up facts of a signal (the rest of SignalFacts comes from the
# candidate and its account as they are now). measurement.rollup stores these per signal.
OUTCOME_FIELDS = (
    "owner_review",
    "approved",
    "rejected",
    "false_positive",
    "decided",
    "next_action",
    "verdict",
    "first_decision_at",
    "outreach",
    "responded",
    "opportunity",
    "won",
    "won_amounts",
)
# The dashboard's figures never use the rollup beyond this many live signals at once: a
# list of ids that long is slower than reading the events of the whole cohort.
LIVE_IDS_MAX = 2000


def outcomes_for(ids: Any, *, until: dt.datetime) -> dict[int, dict[str, Any]]:
    """The decision and follow-up facts, as of `until`, of the signals `ids` (a queryset
    of candidate pks or a list), read live from decisions and events in five queries.
    Signals with neither are left out (all their facts are false)."""
    out: dict[int, dict[str, Any]] = {}

    def get(pk: int) -> dict[str, Any]:
        if pk not in out:
            out[pk] = {
                **dict.fromkeys(OUTCOME_FIELDS, False),
                "first_decision_at": None,
                "won_amounts": {},
                "rejections": {},
            }
        return out[pk]

    decisions = (
        Decision.objects.standing()
        .filter(candidate__in=ids, decided_at__lt=until)
        .order_by()
        .values("candidate_id")
        .annotate(
            n=Count("pk"),
            approved=Count("pk", filter=Q(kind=DecisionKind.APPROVE)),
            rejected=Count("pk", filter=Q(kind=DecisionKind.REJECT)),
            false_positive=Count("pk", filter=Q(kind=DecisionKind.REJECT, reason_code=RejectReason.FALSE_POSITIVE)),
            next_action=Count("pk", filter=_has_reason_and_next_action()),
            verdict=Count("pk", filter=_evidence_backed_verdict()),
            first=Min("decided_at"),
        )
    )
    # Standing rejections by reason code (the rejection-reasons figure counts decisions).
    reasons = (
        Decision.objects.standing()
        .filter(candidate__in=ids, decided_at__lt=until, kind=DecisionKind.REJECT)
        .order_by()
        .values("candidate_id", "reason_code")
        .annotate(n=Count("pk"))
    )
    # A follow-up withdrawn by a correction (before the end of the range) does not count.
    corrected = MeasurementEvent.objects.filter(
        kind=EventKind.FOLLOW_UP_CORRECTED, occurred_at__lt=until, candidate__in=ids
    ).values("corrects_id")
    events = (
        MeasurementEvent.objects.exclude(pk__in=corrected)
        .filter(
            candidate__in=ids,
            occurred_at__lt=until,
            kind__in=(
                EventKind.REVIEWED,
                EventKind.OUTREACH_SENT,
                EventKind.CUSTOMER_RESPONDED,
                EventKind.OPPORTUNITY_CREATED,
                EventKind.CLOSED_WON,
            ),
        )
        .order_by()
        .values("candidate_id")
        .annotate(
            reviewed=Count("pk", filter=Q(kind=EventKind.REVIEWED, actor_id=F("owner_id"))),
            outreach=Count("pk", filter=Q(kind=EventKind.OUTREACH_SENT)),
            responded=Count(
                "pk", filter=Q(kind=EventKind.CUSTOMER_RESPONDED, data__response__in=("positive", "negative"))
            ),
            opportunity=Count("pk", filter=Q(kind=EventKind.OPPORTUNITY_CREATED)),
            won=Count("pk", filter=Q(kind=EventKind.CLOSED_WON)),
        )
    )
    amounts = (
        MeasurementEvent.objects.exclude(pk__in=corrected)
        .filter(candidate__in=ids, occurred_at__lt=until, kind=EventKind.CLOSED_WON)
        .annotate(
            currency=KeyTextTransform("currency", "data"),
            amount=Cast(KeyTextTransform("amount", "data"), DecimalField(max_digits=16, decimal_places=2)),
        )
        .order_by()
        .values("candidate_id", "currency")
        .annotate(total=Sum("amount"))
    )
    for row in decisions:
        o = get(row["candidate_id"])
        o["owner_review"] = row["n"] > 0
        o["approved"], o["rejected"] = row["approved"] > 0, row["rejected"] > 0
        o["false_positive"], o["decided"] = row["false_positive"] > 0, (row["approved"] + row["rejected"]) > 0
        o["next_action"] = row["next_action"] > 0
        o["verdict"] = row["verdict"] > 0
        o["first_decision_at"] = row["first"]
    for rejection in reasons:
        get(rejection["candidate_id"])["rejections"][rejection["reason_code"]] = rejection["n"]
    for logged in events:
        o = get(logged["candidate_id"])
        o["owner_review"] = o["owner_review"] or logged["reviewed"] > 0
        o["outreach"], o["responded"] = logged["outreach"] > 0, logged["responded"] > 0
        o["opportunity"], o["won"] = logged["opportunity"] > 0, logged["won"] > 0
    for won in amounts:
        currency = won["currency"] or "USD"
        o = get(won["candidate_id"])
        total = Decimal(str(won["total"] or 0)).quantize(Decimal("0.01"))  # SQLite sums decimals as floats
        o["won_amounts"][currency] = o["won_amounts"].get(currency, Decimal("0.00")) + total
    return out


@functools.lru_cache(maxsize=4096)
def _rule_names(stored: str | None) -> tuple[str, ...]:
    """The sorted, distinct rule names of a candidate's `trigger_rules` column: a JSON
    array of names on PostgreSQL, the triggers' JSON on SQLite (signals.models.
    TriggerRuleNames). A few rule combinations recur across thousands of signals: cached."""
    if not stored or stored == "[]":
        return ()
    items = orjson.loads(stored)
    if items and isinstance(items[0], dict):
        return tuple(sorted({r for t in items for r in t.get("rules") or ()}))
    return tuple(sorted(set(items)))


# The review-quality parts the engine stored, as the candidate's generated columns.
_PART_COLUMNS = (
    ("source_evidence", "has_source_evidence"),
    ("value_proof", "has_value_proof"),
    ("stakeholder_fit", "has_stakeholders"),
    ("open_issue_check", "has_open_issue_check"),
)


def _packed(conditions: Iterable[Q]) -> Any:
    """One integer whose bit k says whether the k-th condition holds (NULL counts as false)."""
    terms = [
        Case(When(condition, then=Value(1 << k)), default=Value(0), output_field=IntegerField())
        for k, condition in enumerate(conditions)
    ]
    # A plain Field as the output: the driver returns an int already, and an integer
    # output field would run int() on every row's value in Python.
    return ExpressionWrapper(functools.reduce(operator.add, terms), output_field=Field())


# The per-signal booleans that every group sums, in the order of the fold's matrix columns.
FOLD_COLUMNS = (
    "owner_review",
    "approved",
    "rejected",
    "outreach",
    "responded",
    "opportunity",
    "won",
    "decided",
    "false_positive",
    "threshold",
    "complete",
    *PART_KEYS,
)
_FOLD_INDEX = {name: i for i, name in enumerate(FOLD_COLUMNS)}
_MEASURE_NAMES = {"owner_review": "reviewed", "threshold": "threshold_met"}
# The outcome booleans, as the rollup row and `outcomes_for` name them.
_OUTCOME_FLAGS = (
    "owner_review",
    "approved",
    "rejected",
    "false_positive",
    "next_action",
    "verdict",
    "outreach",
    "responded",
    "opportunity",
    "won",
)


@dataclass
class FactTable:
    """The facts of a set of signals as columns, oldest first (surfaced, then id): what
    every figure folds. One 0/1 matrix instead of one Python object per signal, so a
    range of thousands of signals folds in a few array operations; `facts(i)` builds the
    `SignalFacts` of one row for the few figures that list signals."""

    pks: list[int]
    surfaced: list[dt.datetime]
    # the attributes the figures group by (SignalFacts' names), one list per attribute
    keys: dict[str, list[Any]]
    matrix: np.ndarray  # rows x FOLD_COLUMNS, int64 0/1
    first_decision_at: list[dt.datetime | None]
    won_amounts: dict[int, dict[str, Decimal]]  # by row: only the signals with an amount
    rejections: dict[int, dict[str, int]]  # by row: standing rejections per reason code, only the rejected
    rules: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.pks)

    def flags(self, name: str) -> list[bool]:
        return self.matrix[:, _FOLD_INDEX[name]].astype(bool).tolist()

    def facts(self, i: int) -> SignalFacts:
        row = self.matrix[i].tolist()
        flags = {name: bool(row[j]) for j, name in enumerate(FOLD_COLUMNS)}
        k = self.keys
        return SignalFacts(
            self.pks[i],
            k["account_id"][i],
            k["owner_id"][i],
            k["segment"][i],
            k["signal_type"][i],
            k["intent"][i],
            k["recommendation"][i],
            self.surfaced[i],
            first_decision_at=self.first_decision_at[i],
            won_amounts=dict(self.won_amounts.get(i, {})),
            rules=self.rules[i],
            week=k["week"][i],
            **flags,
        )


def _weeks(surfaced: list[dt.datetime]) -> list[dt.date]:
    """The Monday (UTC) of each moment's week; `surfaced` is in ascending order, so each
    week is one run of it, found by bisection."""
    if not surfaced:
        return []
    first = surfaced[0].astimezone(dt.UTC).date()
    monday = first - dt.timedelta(days=first.weekday())
    weeks: list[dt.date] = []
    start = 0
    while start < len(surfaced):
        following = day_start(monday + dt.timedelta(days=7))
        end = bisect.bisect_left(surfaced, following, lo=start)
        weeks += [monday] * (end - start)
        start = end
        monday += dt.timedelta(days=7)
    return weeks


def fact_table(candidates: QuerySet[Candidate], *, until: dt.datetime, rollup: bool = True) -> FactTable:
    """The facts of `candidates` as of `until`, as columns.

    The decision and follow-up facts come from each signal's rollup row
    (measurement.rollup) when it is up to date (no `RollupDirty` row) and settled before
    `until`; for every other signal (and for all with `rollup=False`) they are read live
    from the decisions and events, as the rollup itself computes them."""
    from measurement.models import RollupDirty

    # The review-quality parts are facts the engine stored when it scored the candidate
    # (signals.records.ReviewFacts), never a search of the brief's prose; the database
    # keeps them, and the triggers' rule names, in generated columns beside the JSON.
    # Every boolean of a row travels as one bit of one integer (`_FLAG_BITS`): thousands
    # of rows of fifteen booleans each were most of the time spent decoding the rows.
    flags: list[tuple[str, Q]] = [(name, Q(**{column: True})) for name, column in _PART_COLUMNS]
    if rollup:
        flags += [(name, Q(**{f"rollup__{name}": True})) for name in _OUTCOME_FLAGS]
        # The row holds for `until`: present, up to date and settled before it.
        flags.append(
            (
                "holds",
                Q(rollup__candidate_id__isnull=False)
                & ~Exists(RollupDirty.objects.filter(candidate_id=OuterRef("pk")))
                & (Q(rollup__settled_at__isnull=True) | Q(rollup__settled_at__lt=until)),
            )
        )
    qs = candidates.order_by().annotate(f_bits=_packed(condition for _, condition in flags))
    columns = [
        "pk",
        "account_id",
        "account__owner_id",
        "account__segment",
        "signal_type",
        "intent",
        "recommendation",
        "inserted_at",
        "f_bits",
        "trigger_rules",
    ]
    if rollup:
        qs = qs.annotate(
            # the amounts' JSON only where there is something to read
            # as text, parsed here with orjson (Django's JSON converter is the stdlib's)
            r_amounts=Case(
                When(rollup__won=True, then=Cast("rollup__won_amounts", TextField())),
                default=None,
                output_field=TextField(),
            ),
            r_rejections=Case(
                When(rollup__rejected=True, then=Cast("rollup__rejections", TextField())),
                default=None,
                output_field=TextField(),
            ),
        )
        columns += ["rollup__first_decision_at", "r_amounts", "r_rejections"]
    # Oldest first; sorted here, where the rows are tuples already (PostgreSQL sorted the
    # wide rows, triggers' text included, in about a sixth of the query's time).
    rows = sorted(qs.values_list(*columns), key=itemgetter(7, 0))
    n = len(rows)
    cols: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    by_name = dict(zip(columns, cols, strict=True))
    pks = list(cols[0])
    surfaced = list(cols[7])
    bits = np.fromiter(by_name["f_bits"], dtype=np.int64, count=n)
    bit = {name: ((bits >> k) & 1).astype(bool) for k, (name, _) in enumerate(flags)}
    have = {name: bit[name] for name, _ in _PART_COLUMNS}
    # The outcome facts: the rollup row's where it holds for `until`, else read live.
    got: dict[str, np.ndarray]
    first_decision_at: list[dt.datetime | None]
    if rollup:
        got = {name: bit[name] for name in _OUTCOME_FLAGS}
        first_decision_at = list(by_name["rollup__first_decision_at"])
        amounts: list[Any] = [orjson.loads(v) if v else None for v in by_name["r_amounts"]]
        rejected: list[Any] = [orjson.loads(v) if v else None for v in by_name["r_rejections"]]
        live = np.flatnonzero(~bit["holds"]).tolist()
    else:
        got = {name: np.zeros(n, dtype=bool) for name in _OUTCOME_FLAGS}
        first_decision_at = [None] * n
        amounts = [None] * n
        rejected = [None] * n
        live = list(range(n))
    won_amounts: dict[int, dict[str, Decimal]] = {
        i: {cur: Decimal(amount) for cur, amount in value.items()} for i, value in enumerate(amounts) if value
    }
    rejections: dict[int, dict[str, int]] = {i: value for i, value in enumerate(rejected) if value}
    if live:
        if len(live) == n or len(live) > LIVE_IDS_MAX:
            read = outcomes_for(candidates.values("pk"), until=until)
        else:
            read = outcomes_for([pks[i] for i in live], until=until)
        empty: dict[str, Any] = {
            **dict.fromkeys(_OUTCOME_FLAGS, False),
            "first_decision_at": None,
            "won_amounts": {},
            "rejections": {},
        }
        for i in live:
            o = read.get(pks[i], empty)
            for name in _OUTCOME_FLAGS:
                got[name][i] = o[name]
            first_decision_at[i] = o["first_decision_at"]
            won_amounts.pop(i, None)
            if o["won_amounts"]:
                won_amounts[i] = dict(o["won_amounts"])
            rejections.pop(i, None)
            if o["rejections"]:
                rejections[i] = dict(o["rejections"])

    have["owner_review"] = got["owner_review"]
    have["next_action"] = got["next_action"]
    derived = {
        **got,
        "decided": got["approved"] | got["rejected"],
        "threshold": have["source_evidence"] & got["verdict"],
        "complete": np.logical_and.reduce([have[key] for key in PART_KEYS]) if n else np.zeros(0, dtype=bool),
        **have,
    }
    matrix = (
        np.column_stack([derived[name] for name in FOLD_COLUMNS]).astype(np.int64)
        if n
        else np.zeros((0, len(FOLD_COLUMNS)), dtype=np.int64)
    )
    return FactTable(
        pks=pks,
        surfaced=surfaced,
        keys={
            "account_id": list(cols[1]),
            "owner_id": list(cols[2]),
            "segment": list(cols[3]),
            "signal_type": list(cols[4]),
            "intent": list(cols[5]),
            "recommendation": list(cols[6]),
            "week": _weeks(surfaced),
        },
        matrix=matrix,
        first_decision_at=first_decision_at,
        won_amounts=won_amounts,
        rejections=rejections,
        rules=[_rule_names(t) for t in by_name["trigger_rules"]],
    )


def facts_for(candidates: QuerySet[Candidate], *, until: dt.datetime, rollup: bool = True) -> dict[int, SignalFacts]:
    """The facts of `candidates` as of `until`, one record per signal (`fact_table`)."""
    table = fact_table(candidates, until=until, rollup=rollup)
    return {pk: table.facts(i) for i, pk in enumerate(table.pks)}


def signal_table(scope: DashboardScope) -> FactTable:
    """The facts of the signals surfaced in the range, computed once per scope."""
    if "table" not in scope.cache:
        scope.cache["table"] = fact_table(surfaced_candidates(scope), until=scope.end_at, rollup=not scope.live)
    return scope.cache["table"]


def signal_facts(scope: DashboardScope) -> list[SignalFacts]:
    """The facts of the signals surfaced in the range, oldest first, one record each."""
    table = signal_table(scope)
    return [table.facts(i) for i in range(len(table))]


@dataclass
class Measures:
    """One group's counts, and the shares the dashboard shows."""

    surfaced: int = 0
    reviewed: int = 0
    approved: int = 0
    rejected: int = 0
    outreach: int = 0
    responded: int = 0
    opportunity: int = 0
    won: int = 0
    decided: int = 0
    false_positive: int = 0
    threshold_met: int = 0
    complete: int = 0
    parts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PART_KEYS, 0))
    won_amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def quality(self) -> float | None:
        return share(self.complete, self.surfaced)

    @property
    def threshold_share(self) -> float | None:
        return share(self.threshold_met, self.surfaced)

    @property
    def false_positive_rate(self) -> float | None:
        return share(self.false_positive, self.decided)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def fold(table: FactTable, attr: str | None = None) -> dict[Any, Measures]:
    """Sum the signals' booleans per value of `attr` (one group when None), groups in the
    order they first occur. The rows are sorted by group and each group's block summed
    (`np.add.reduceat`), so a year of signals folds in milliseconds."""
    n = len(table)
    if not n:
        return {}
    keys: list[Any] = table.keys[attr] if attr else [None] * n
    index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    rows = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=n)
    counts = np.bincount(rows, minlength=len(index))
    order = np.argsort(rows, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.add.reduceat(table.matrix[order], starts, axis=0).tolist()
    out: dict[Any, Measures] = {}
    for group, i in index.items():
        values = dict(zip(FOLD_COLUMNS, sums[i], strict=True))
        m = Measures(surfaced=int(counts[i]), parts={key_: values[key_] for key_ in PART_KEYS})
        for column in FOLD_COLUMNS[:11]:
            setattr(m, _MEASURE_NAMES.get(column, column), values[column])
        out[group] = m
    groups = list(index)  # position i holds the group of row index i
    for i, amounts in sorted(table.won_amounts.items()):
        target = out[groups[rows[i]]]
        for currency, amount in amounts.items():
            target.won_amounts[currency] = target.won_amounts.get(currency, Decimal("0.00")) + amount
    return out


def summary(scope: DashboardScope) -> Measures:
    """Every headline count for the range."""
    return fold(signal_table(scope)).get(None, Measures())


GROUPS: dict[str, tuple[str, str]] = {
    # key: (label, the attribute of SignalFacts it groups by)
    "owner": ("Owner", "owner_id"),
    "segment": ("Segment", "segment"),
    "signal_type": ("Signal type", "signal_type"),
    "recommendation": ("Recommendation", "recommendation"),
    "intent": ("Intent", "intent"),
}


def measures_by(scope: DashboardScope, group: str) -> dict[Any, Measures]:
    """The same measures per owner, segment, signal type, recommendation or intent."""
    return fold(signal_table(scope), GROUPS[group][1])


def measures_by_rule(scope: DashboardScope) -> dict[str, Measures]:
    """Decided and false-positive signals per phrase rule that fired on their trigger
    messages (a signal counts under each of its rules; signals from usage alone have none)."""
    table = signal_table(scope)
    surfaced = Counter(chain.from_iterable(table.rules))
    decided = Counter(chain.from_iterable(compress(table.rules, table.flags("decided"))))
    false_positive = Counter(chain.from_iterable(compress(table.rules, table.flags("false_positive"))))
    out = {
        rule: Measures(surfaced=n, decided=decided[rule], false_positive=false_positive[rule])
        for rule, n in surfaced.items()
    }
    return dict(sorted(out.items(), key=lambda kv: (-kv[1].false_positive, -kv[1].decided, kv[0])))


def measures_by_week(scope: DashboardScope) -> list[tuple[dt.date, Measures]]:
    """One row per week (Monday to Sunday, UTC) of the range, empty weeks included."""
    found = fold(signal_table(scope), "week")
    weeks = []
    monday = scope.start - dt.timedelta(days=scope.start.weekday())
    while monday <= scope.end:
        weeks.append((monday, found.get(monday, Measures())))
        monday += dt.timedelta(days=7)
    return weeks


# --------------------------------------------------------------------------- figures


@dataclass
class Stage:
    key: str
    label: str
    count: int
    of_previous: float | None = None
    of_surfaced: float | None = None


def funnel(measures: Measures) -> list[Stage]:
    stages = [
        Stage("surfaced", "Signals surfaced", measures.surfaced),
        Stage("reviewed", "Reviewed by the owner", measures.reviewed),
        Stage("approved", "Owner-approved", measures.approved),
        Stage("outreach", "Outreach logged", measures.outreach),
        Stage("responded", "Customer responded", measures.responded),
        Stage("opportunity", "Expansion opportunity", measures.opportunity),
        Stage("won", "Closed-won", measures.won),
    ]
    for previous, stage in zip(stages, stages[1:], strict=False):
        stage.of_previous = share(stage.count, previous.count)
        stage.of_surfaced = share(stage.count, measures.surfaced)
    stages[0].of_surfaced = 1.0 if measures.surfaced else None
    return stages


# A candidate's JSON that the gaps list and the audit sample never show: parsing and
# validating it was most of the time of loading their rows.
_UNSHOWN_JSON = ("score_components", "blockers", "brief", "triggers", "review_facts")


@dataclass
class Gap:
    candidate: Candidate
    missing: list[str]


def quality_gaps(scope: DashboardScope, *, limit: int | None = 25) -> list[Gap]:
    """Signals that lack at least one of the six parts, oldest first, with what they lack."""
    table = signal_table(scope)
    rows = np.flatnonzero(table.matrix[:, _FOLD_INDEX["complete"]] == 0).tolist()
    if limit is not None:
        rows = rows[:limit]
    lacking = [table.facts(i) for i in rows]
    candidates = (
        Candidate.objects.select_related("account", "account__owner")
        .defer(*_UNSHOWN_JSON)
        .in_bulk([f.pk for f in lacking])
    )
    return [Gap(candidates[f.pk], f.missing) for f in lacking if f.pk in candidates]


@dataclass
class OwnerRow:
    owner_id: int | None
    name: str
    measures: Measures


def user_names(ids: Iterable[int | None], scope: DashboardScope | None = None) -> dict[int | None, str]:
    """Display names by user id; with a scope, remembered for the request (the owner
    rows, the breakdown and decisions per owner name the same people)."""
    from django.contrib.auth import get_user_model

    known: dict[int | None, str] = scope.cache.setdefault("names", {None: "No owner"}) if scope else {None: "No owner"}
    wanted = list(ids)
    missing = [i for i in wanted if i is not None and i not in known]
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing).only("first_name", "last_name", "username"):
            known[user.pk] = user.get_full_name() or user.username
    return {i: known[i] for i in [None, *wanted] if i in known}


def by_owner(scope: DashboardScope) -> list[OwnerRow]:
    """Per owner, the pilot's team first (with zero rows for members with no signals)."""
    groups = measures_by(scope, "owner")
    ids: list[int | None] = list(groups)
    if scope.pilot is not None:
        team = scope.pilot.owner_team.all() if is_leader(scope.user) else [scope.user]
        ids += [u.pk for u in team if u.pk not in groups]
    names = user_names(ids, scope)
    rows = [OwnerRow(i, names.get(i, "Former user"), groups.get(i, Measures())) for i in ids]
    return sorted(rows, key=lambda r: (r.owner_id is None, r.name.lower()))


def rejection_reasons(scope: DashboardScope) -> list[tuple[str, str, int]]:
    """Rejections by reason code, for signals surfaced in the range, decided by its end
    (standing rejections: an undone one does not count)."""
    counts: dict[str, int] = {}
    for reasons in signal_table(scope).rejections.values():
        for code, n in reasons.items():
            counts[code] = counts.get(code, 0) + n
    return [(code, label, counts.get(code, 0)) for code, label in RejectReason.choices]


@dataclass
class Durations:
    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None
    values: list[dt.timedelta] = field(default_factory=list)


def nearest_rank(sorted_values: list[Any], fraction: float) -> Any:
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def _durations(values: list[dt.timedelta]) -> Durations:
    values = sorted(values)
    if not values:
        return Durations(0, None, None)
    seconds = statistics.median(v.total_seconds() for v in values)
    return Durations(len(values), dt.timedelta(seconds=seconds), nearest_rank(values, 0.9), values)


def time_to_decision(scope: DashboardScope) -> Durations:
    table = signal_table(scope)
    return _durations(
        [at - surfaced for at, surfaced in zip(table.first_decision_at, table.surfaced, strict=True) if at]
    )


@dataclass
class QueueAge:
    pending: int
    median_days: float | None
    p90_days: int | None
    oldest_days: int | None
    buckets: list[tuple[str, int]]


AGE_BUCKETS = ((0, 7, "0–7 days"), (8, 14, "8–14 days"), (15, 30, "15–30 days"), (31, None, "31+ days"))


def queue_age(scope: DashboardScope) -> QueueAge:
    # Counted per day surfaced (UTC) in SQL: a few hundred rows however long the queue.
    per_day = (
        sample_candidates(scope)
        .filter(status=CandidateStatus.PENDING)
        .order_by()
        .annotate(day=TruncDate("inserted_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts = sorted(((scope.today - day).days, n) for day, n in per_day)
    ages = [age for age, n in counts for _ in range(n)]
    buckets = [
        (label, sum(n for age, n in counts if age >= lo and (hi is None or age <= hi))) for lo, hi, label in AGE_BUCKETS
    ]
    return QueueAge(
        pending=len(ages),
        median_days=statistics.median(ages) if ages else None,
        p90_days=nearest_rank(ages, 0.9),
        oldest_days=ages[-1] if ages else None,
        buckets=buckets,
    )


@dataclass
class DecisionCounts:
    decided_by_id: int
    name: str
    total: int
    approved: int
    rejected: int
    deferred: int
    false_positive: int


def decisions_per_owner(scope: DashboardScope) -> list[DecisionCounts]:
    rows = list(
        in_sample(Decision.objects.standing(), scope)
        .filter(decided_at__gte=scope.start_at, decided_at__lt=scope.end_at)
        .order_by()
        .values("decided_by")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(kind=DecisionKind.APPROVE)),
            rejected=Count("pk", filter=Q(kind=DecisionKind.REJECT)),
            deferred=Count("pk", filter=Q(kind=DecisionKind.DEFER)),
            false_positive=Count("pk", filter=Q(kind=DecisionKind.REJECT, reason_code=RejectReason.FALSE_POSITIVE)),
        )
    )
    names = user_names((r["decided_by"] for r in rows), scope)
    out = [
        DecisionCounts(
            r["decided_by"],
            names.get(r["decided_by"], "Former user"),
            r["total"],
            r["approved"],
            r["rejected"],
            r["deferred"],
            r["false_positive"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r.total, r.name.lower()))


@dataclass
class Check:
    key: str
    name: str
    passed: bool
    detail: str


def readiness(scope: DashboardScope) -> list[Check]:
    """The seed's 'Not ready if' conditions, for the sample and the user's view."""
    since = scope.today - dt.timedelta(days=READINESS_DAYS)
    usage = sample_accounts(scope).aggregate(
        accounts=Count("pk"),
        with_usage=Count("pk", filter=Exists(UsageDaily.objects.filter(account=OuterRef("pk"), date__gte=since))),
    )
    latest = UsageDaily.objects.filter(account__in=sample_accounts(scope).values("pk"), date__gte=since).aggregate(
        latest=Max("date")
    )["latest"]
    defaults = set(Rule.objects.filter(segment="").values_list("key", flat=True))
    missing_rules = [spec.key for spec in RULE_SPECS if spec.key not in defaults]
    phrase_rules = PhraseRule.objects.filter(active=True, kind=PhraseKind.SIGNAL).count()
    decisions = (
        in_sample(Decision.objects.standing(), scope)
        .filter(decided_at__gte=day_start(since))
        .aggregate(n=Count("pk"), owners=Count("decided_by", distinct=True))
    )
    return [
        Check(
            "usage",
            "Usage signals are available",
            usage["with_usage"] > 0,
            f"{usage['with_usage']} of {usage['accounts']} accounts have usage rows since {since:%-d %b}"
            + (f"; latest reading {latest:%-d %b %Y}." if latest else "; none in the last 14 days."),
        ),
        Check(
            "criteria",
            "Expansion criteria are defined",
            not missing_rules and phrase_rules > 0,
            (
                f"All {len(RULE_SPECS)} rules have a default"
                if not missing_rules
                else f"{len(missing_rules)} rule(s) have no default: {', '.join(missing_rules)}"
            )
            + f"; {phrase_rules} active signal phrase rule{'s' if phrase_rules != 1 else ''}.",
        ),
        Check(
            "review",
            "Account owners are reviewing",
            decisions["n"] > 0,
            f"{decisions['n']} decision{'s' if decisions['n'] != 1 else ''} by {decisions['owners']} "
            f"owner{'s' if decisions['owners'] != 1 else ''} since {since:%-d %b}.",
        ),
    ]


# --------------------------------------------------------------------------- audit


AUDIT_ITEMS: tuple[tuple[str, str], ...] = (
    ("usage", "Usage signal"),
    ("value", "Value evidence"),
    ("health", "Health"),
    ("support", "Open support issues"),
    ("stakeholders", "Stakeholder context"),
    ("approval", "Owner approval"),
    ("opportunity", "Opportunity creation"),
)
PRESENT, MISSING, NOT_APPLICABLE = "present", "missing", "na"


@dataclass
class AuditMark:
    state: str  # present | missing | na
    detail: str


@dataclass
class AuditRow:
    candidate: Candidate
    marks: list[AuditMark]


def audit_sample(scope: DashboardScope, *, size: int, seed: int) -> tuple[int, list[AuditRow]]:
    """A seeded random sample of the range's signals: (population, rows). Drawn from the
    ids in ascending order with `random.Random(seed)`, so it is reproducible."""
    table: FactTable | None = scope.cache.get("table")
    if table is not None:
        ids = sorted(table.pks)
    else:
        ids = list(surfaced_candidates(scope).order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(size, len(ids))) if ids else []
    chosen_qs = Candidate.objects.filter(pk__in=chosen)
    # The page has the facts of every signal already; the audit partial alone fetches its sample's.
    if table is not None:
        row_of = {pk: i for i, pk in enumerate(table.pks)}
        facts = {pk: table.facts(row_of[pk]) for pk in chosen}
    else:
        facts = facts_for(chosen_qs, until=scope.end_at, rollup=not scope.live)
    latest = (
        Decision.objects.standing()
        .filter(candidate=OuterRef("pk"), decided_at__lt=scope.end_at)
        .order_by("-decided_at", "-pk")
    )
    rows = (
        chosen_qs.select_related("account", "account__owner")
        .defer(*_UNSHOWN_JSON)
        .annotate(
            open_tickets=Subquery(
                Ticket.objects.filter(account_id=OuterRef("account_id"), status__in=UNRESOLVED_TICKET_STATUSES)
                .order_by()
                .values("account_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            decision_kind=Subquery(latest.values("kind")[:1]),
            decision_reason=Subquery(latest.values("reason_code")[:1]),
        )
    )
    by_pk = {c.pk: c for c in rows}
    return len(ids), [AuditRow(by_pk[pk], _audit_marks(by_pk[pk], facts[pk])) for pk in chosen if pk in by_pk]


def _audit_marks(c: Any, f: SignalFacts) -> list[AuditMark]:
    usage_ids = [e for e in c.evidence if str(e).startswith("usage:")]
    reason = RejectReason(c.decision_reason).label if c.decision_reason in RejectReason.values else ""
    if f.approved:
        approval = AuditMark(PRESENT, "Approved by the owner")
    elif c.decision_kind == DecisionKind.REJECT:
        approval = AuditMark(NOT_APPLICABLE, f"Rejected: {reason}" if reason else "Rejected")
    elif c.decision_kind == DecisionKind.DEFER:
        approval = AuditMark(MISSING, "Deferred; no approval yet")
    else:
        approval = AuditMark(MISSING, "No decision by the end of the range")
    if f.opportunity:
        opportunity = AuditMark(PRESENT, "Opportunity logged" + (" · closed-won" if f.won else ""))
    elif f.approved:
        opportunity = AuditMark(MISSING, "Approved, no opportunity yet")
    else:
        opportunity = AuditMark(NOT_APPLICABLE, "Not approved")
    open_tickets = c.open_tickets or 0
    return [
        AuditMark(PRESENT, f"{len(usage_ids)} usage item{'s' if len(usage_ids) != 1 else ''} cited")
        if usage_ids
        else AuditMark(MISSING, "No usage evidence cited"),
        AuditMark(PRESENT, "Verified outcome") if f.value_proof else AuditMark(MISSING, "No verified outcome"),
        AuditMark(PRESENT, f"Health {c.account.get_health_display().lower()}")
        if c.account.health
        else AuditMark(MISSING, "No health score recorded"),
        AuditMark(PRESENT, f"Checked; {open_tickets} unresolved now" if open_tickets else "Checked; none unresolved")
        if f.open_issue_check
        else AuditMark(MISSING, "Ticket check not in the brief"),
        AuditMark(PRESENT, "Decision maker or champion on record")
        if f.stakeholder_fit
        else AuditMark(MISSING, "No decision maker or champion"),
        approval,
        opportunity,
    ]


# --------------------------------------------------------------------------- events (API, CSV)


@dataclass(frozen=True)
class EventFilters:
    kinds: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    account: str = ""  # the account's external id
    candidate: int | None = None


def events_list(*, user: AnyUser, filters: EventFilters) -> QuerySet[MeasurementEvent]:
    """Events the user may see (owners: events on the accounts they own), oldest first."""
    qs = scope_accounts(MeasurementEvent.objects.all(), user, field="account")
    if not is_leader(user):  # the holdout's events are for leaders only
        qs = qs.exclude(candidate__held_out=True)
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.since:
        qs = qs.filter(occurred_at__gte=day_start(filters.since))
    if filters.until:
        qs = qs.filter(occurred_at__lt=day_start(filters.until + dt.timedelta(days=1)))
    if filters.account:
        qs = qs.filter(account__external_id=filters.account)
    if filters.candidate:
        qs = qs.filter(candidate_id=filters.candidate)
    return qs.order_by("occurred_at", "pk")


__all__ = [
    "AUDIT_ITEMS",
    "DEFINITIONS",
    "GROUPS",
    "PARTS",
    "DashboardScope",
    "EventFilters",
    "Measures",
    "audit_sample",
    "by_owner",
    "decisions_per_owner",
    "default_range",
    "events_list",
    "facts_for",
    "fold",
    "funnel",
    "measures_by",
    "measures_by_week",
    "pilot_accounts",
    "pilot_default",
    "pilot_list",
    "quality_gaps",
    "queue_age",
    "readiness",
    "rejection_reasons",
    "signal_facts",
    "signal_table",
    "summary",
    "time_to_decision",
]
