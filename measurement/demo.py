"""A believable eight-week past for the demo book, so the pilot dashboard is not empty.

`demo_history_create` takes the candidates the engine just scored and replays what
their owners could have done with them over the last eight weeks: opened them,
approved them (with next steps), rejected them (with reasons, false positives among
them) or deferred them, and logged what happened after approval (outreach, responses,
opportunities, closed-won amounts). Every step goes through the lifecycle's actions
(`signals.lifecycle`) with a back-dated `at=`, in the order it happened, so statuses,
decisions and measurement events are written by the one module that writes them.

A decision is never older than the evidence it was decided on: a candidate surfaces
at the first nightly run after its newest trigger evidence and the evidence its
blockers cite, and is decided after that. A candidate whose evidence is from today
could not have been decided yet and stays in the queue. The six named scenario
accounts (`accounts.demo.SCENARIO_ACCOUNTS`) are left alone, so each is pending in its
owner's queue with the recommendation the README promises.

It is a pure function of `seed`, `today`, the book and the moment it runs (nothing is
dated after it): every random stream is a `random.Random` seeded with a string, and
candidates are visited in primary-key order.

What it changes besides replaying: each decided or earlier-surfaced candidate's
surfacing time (`inserted_at`, `first_detected_on`) is moved into the past, because the
engine wrote them all at load time. Their `signal_created` events keep the load time
(events are never edited).
"""

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.demo import SCENARIO_ACCOUNTS
from accounts.models import Interaction, Note, Opportunity, Outcome, Ticket
from core.roles import OWNER
from measurement.models import EventKind, MeasurementEvent, Pilot, PilotSample
from reviews.models import Decision, DecisionKind, RejectReason
from signals import lifecycle
from signals.engine.assess import assess_account
from signals.engine.facts import account_facts
from signals.models import Candidate
from signals.services import accounts_score, rules_lookup
from signals.vocabulary import OPEN_STATUSES, CandidateStatus, Recommendation

HISTORY_DAYS = 56
DEMO_PILOT = "Top 50 healthy accounts · expansion review pilot"

# What owners do with each recommendation: (kind, reason, weight). Curious questions and
# usage blips are where false positives come from; "stop" is rarely approved.
_PLAYBOOK: dict[str, tuple[tuple[str, str, float], ...]] = {
    Recommendation.PURSUE: (
        (DecisionKind.APPROVE, "", 74),
        (DecisionKind.REJECT, RejectReason.ALREADY_IN_PROGRESS, 7),
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 6),
        (DecisionKind.REJECT, RejectReason.BAD_TIMING, 3),
        (DecisionKind.DEFER, "", 10),
    ),
    Recommendation.PROVE_VALUE: (
        (DecisionKind.DEFER, "", 38),
        (DecisionKind.REJECT, RejectReason.NO_VALUE_PROOF, 26),
        (DecisionKind.APPROVE, "", 18),
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 14),
        (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 4),
    ),
    Recommendation.NURTURE: (
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 34),
        (DecisionKind.DEFER, "", 30),
        (DecisionKind.APPROVE, "", 20),
        (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 16),
    ),
    Recommendation.WAIT: (
        (DecisionKind.DEFER, "", 58),
        (DecisionKind.REJECT, RejectReason.BAD_TIMING, 20),
        (DecisionKind.APPROVE, "", 10),
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 12),
    ),
    Recommendation.STOP: (
        (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 38),
        (DecisionKind.REJECT, RejectReason.BAD_TIMING, 22),
        (DecisionKind.DEFER, "", 28),
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 12),
    ),
}
_DEFER_REASONS = (
    "Wait for the open ticket to close before raising it.",
    "Their budget cycle starts next quarter; revisit then.",
    "Champion is on leave; pick it up when she is back.",
    "Let the new department settle in first.",
    "Need the verified outcome from the QBR before any ask.",
)
_OVERRIDE_REASONS = (
    "The VP asked us directly for a proposal this week.",
    "The blocking ticket is a duplicate; support confirmed the fix is live.",
)
_REJECT_NOTES: dict[str, tuple[str, ...]] = {
    RejectReason.FALSE_POSITIVE: (
        "Seasonal spike, not growth.",
        "They were asking how the feature works, not to buy it.",
        "Test accounts inflated the seat count.",
        "",
    ),
    RejectReason.ALREADY_IN_PROGRESS: ("Sales already has an open opportunity.", ""),
    RejectReason.BAD_TIMING: (
        "Renewal negotiation is under way.",
        "Reorg announced last week.",
        "",
    ),
    RejectReason.NOT_A_FIT: ("The add-on does not fit their workflow.", ""),
    RejectReason.NO_VALUE_PROOF: ("No outcome we can point to yet.", ""),
}


NIGHTLY_RUN = dt.time(2)  # the nightly rescore (UTC) that would have surfaced a candidate
RETURN_RUN = dt.time(6)  # the daily deferral returns (UTC)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment on `day` (UTC)."""
    return dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 9 * 60))


def _pick(rng: random.Random, options: tuple[tuple[str, str, float], ...], fp_factor: float) -> tuple[str, str]:
    weights = [w * (fp_factor if reason == RejectReason.FALSE_POSITIVE else 1.0) for _, reason, w in options]
    kind, reason, _ = rng.choices(options, weights=weights)[0]
    return kind, reason


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def decided_on_times(candidates: Iterable[Candidate], *, growth: bool = True) -> dict[int, dt.datetime]:
    """Per candidate, the time of the newest evidence a decision on it rests on: its
    trigger evidence and the evidence its blockers cite. A usage reading counts from the
    start of its day, as the engine dates triggers; an account fact is not dated.
    With `growth=False`, growth triggers are left out: they are dated on the day the
    engine last read the growth, so a rescore as of an earlier day moves them back.
    One query per kind of evidence."""
    candidates = list(candidates)
    refs: dict[int, set[str]] = {c.pk: {e for b in c.blockers for e in b.evidence} for c in candidates}
    wanted = {r for rs in refs.values() for r in rs if not r.startswith(("usage:", "event:"))}
    account_ids = {c.account_id for c in candidates}
    dated: dict[tuple[int, str], dt.datetime] = {}
    sources: tuple[tuple[Any, str], ...] = (
        (Interaction, "occurred_at"),
        (Ticket, "opened_at"),
        (Outcome, "recorded_at"),
        (Note, "written_at"),
        (Opportunity, "opened_at"),
    )
    if wanted:
        for model, when in sources:
            rows = model.objects.filter(account_id__in=account_ids, external_id__in=wanted)
            for account_id, external_id, at in rows.values_list("account_id", "external_id", when):
                dated[(account_id, external_id)] = at
    events = {
        int(r.split(":")[1]) for rs in refs.values() for r in rs if r.startswith("event:") and r.split(":")[1].isdigit()
    }
    event_at = dict(MeasurementEvent.objects.filter(pk__in=events).values_list("pk", "occurred_at")) if events else {}
    out: dict[int, dt.datetime] = {}
    for c in candidates:
        times = [t.at for t in c.triggers if not t.new_since_decision and (growth or t.kind != "growth")]
        for ref in refs[c.pk]:
            if ref.startswith("usage:"):
                times.append(_day_start(dt.date.fromisoformat(ref.rsplit(":", 1)[1])))
            elif ref.startswith("event:"):
                number = ref.split(":", 1)[1]
                if number.isdigit() and int(number) in event_at:
                    times.append(event_at[int(number)])
            elif (c.account_id, ref) in dated:
                times.append(dated[(c.account_id, ref)])
        out[c.pk] = max(times, default=dt.datetime.min.replace(tzinfo=dt.UTC))
    return out


def _detected(account_id: int, as_of: dt.date, lookup: Any) -> set[str]:
    """The signal types the engine would have found on the account as of that day."""
    facts = account_facts(account_ids=[account_id], as_of=as_of, rules_for=lookup).get(account_id)
    if facts is None:
        return set()
    found = assess_account(facts, lookup.for_account(facts.account), as_of, last_outreach=None)
    return {a.signal_type for a in found}


def _surfaced(candidate: Candidate, at: dt.datetime) -> Candidate:
    candidate.inserted_at = at
    candidate.first_detected_on = at.date()
    return candidate


def _rescore_as_of(*, candidate_id: int, at: dt.datetime, as_of: dt.date) -> None:
    """The nightly run that surfaced the candidate, for its account only. Only used when
    the engine finds the same signal types that day as today, so nothing expires."""
    account_id = Candidate.objects.values_list("account_id", flat=True).get(pk=candidate_id)
    accounts_score(account_ids=[account_id], as_of=as_of)


@dataclass(order=True)
class _Step:
    """One thing an owner (or the nightly task) did, replayed in time order."""

    at: dt.datetime
    candidate_id: int
    order: int
    run: Callable[[], object] = field(compare=False)


@transaction.atomic
def demo_history_create(*, seed: int, today: dt.date) -> int:
    """Replay the demo's past through the lifecycle; returns the number of measurement
    events written.

    Does nothing (returns 0) when any decision exists: the history is written once,
    on a freshly scored book.
    """
    if Decision.objects.exists():
        return 0
    # Seeded without the day: the same book gets the same history whatever day it is loaded.
    rng = random.Random(f"demo-history:{seed}")
    # Nothing happens after the demo's today, nor after this moment.
    now = min(
        timezone.now(),
        dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
    )
    candidates = list(
        Candidate.objects.surfaced()  # nobody decides on the holdout
        .filter(
            status=CandidateStatus.PENDING,
            account__owner__isnull=False,
            account__owner__is_active=True,
        )
        .exclude(account__external_id__in=SCENARIO_ACCOUNTS)
        .select_related("account", "account__owner")
        .order_by("pk")
    )
    evidence_at = decided_on_times(candidates)
    without_growth = decided_on_times(candidates, growth=False)
    open_types: dict[int, set[str]] = {}
    for account_id, signal_type in Candidate.objects.filter(status__in=OPEN_STATUSES).values_list(
        "account_id", "signal_type"
    ):
        open_types.setdefault(account_id, set()).add(signal_type)
    lookup = rules_lookup()
    rewound: set[int] = set()
    steps: list[_Step] = []
    moved: list[Candidate] = []
    for candidate in candidates:
        owner = candidate.account.owner
        assert owner is not None
        plan = _Plan(candidate, owner, steps)
        age = min(HISTORY_DAYS - 1, int(rng.triangular(0, HISTORY_DAYS, HISTORY_DAYS * 0.35)))
        # Surfaced by the first nightly run after its evidence, and not before the history starts.
        earliest = dt.datetime.combine(
            evidence_at[candidate.pk].date() + dt.timedelta(days=1), NIGHTLY_RUN, tzinfo=dt.UTC
        )
        wanted = _at(today - dt.timedelta(days=age), rng)
        surfaced = max(wanted, earliest)
        rewind: dt.date | None = None
        if surfaced > now - dt.timedelta(hours=1) and without_growth[candidate.pk] < evidence_at[candidate.pk]:
            # Only its growth reading is from today. The growth was there earlier too: a
            # decision on it is replayed on the candidate as the engine scored it the day
            # before it surfaced.
            day = max(wanted.date(), without_growth[candidate.pk].date() + dt.timedelta(days=1))
            if day < today:
                rewind = day - dt.timedelta(days=1)
                surfaced = dt.datetime.combine(day, NIGHTLY_RUN, tzinfo=dt.UTC)
        if surfaced > now - dt.timedelta(hours=1):
            continue  # its evidence is from today: new in the queue, nothing could have happened yet
        age = (today - surfaced.date()).days
        decide_chance = min(0.95, 0.3 + age / 20)
        if age < 2 or rng.random() > decide_chance:
            if rng.random() < 0.4 and rewind is None:
                seen = surfaced + dt.timedelta(hours=rng.uniform(1, 24 * max(age, 1)))
                if seen < now:
                    plan.review(seen)
            if rewind is None:
                moved.append(_surfaced(candidate, surfaced))
            continue
        # The engine improved as phrase rules were tuned: older weeks had more false positives.
        fp_factor = 0.9 + 1.5 * age / HISTORY_DAYS
        kind, reason = _pick(rng, _PLAYBOOK[candidate.recommendation], fp_factor)
        delay = dt.timedelta(hours=min(rng.lognormvariate(3.7, 0.9), 24 * age))
        decided = min(surfaced + delay, now - dt.timedelta(minutes=30))
        review = rng.random() < 0.85
        opened = max(decided - dt.timedelta(minutes=rng.randint(3, 90)), surfaced)
        if decided <= surfaced:
            continue
        if rewind is not None:
            # Only when the engine finds the same signal types that day as today, so the
            # account's rescore expires nothing.
            if _detected(candidate.account_id, rewind, lookup) != open_types.get(candidate.account_id):
                continue
            plan.add(surfaced, _rescore_as_of, as_of=rewind)
            rewound.add(candidate.account_id)
        moved.append(_surfaced(candidate, surfaced))
        if review:
            plan.review(opened)
        plan.decide(kind, reason, decided, today, now, rng)
    # Surfacing times first (not a state change: the engine stamped them at load time).
    Candidate.objects.bulk_update(moved, ["inserted_at", "first_detected_on"], batch_size=500)
    before = MeasurementEvent.objects.count()
    for step in sorted(steps):
        step.run()
    if rewound:
        # Back to what the engine says today for whatever is still open on those accounts.
        accounts_score(account_ids=sorted(rewound), as_of=today)
    _demo_pilot(today=today)
    return MeasurementEvent.objects.count() - before


def _approve(*, candidate_id: int, at: dt.datetime, user: Any, next_step: lifecycle.NextStep, override: str) -> None:
    """Approve with the override reason the recommendation of that moment needs."""
    recommendation = Candidate.objects.values_list("recommendation", flat=True).get(pk=candidate_id)
    lifecycle.candidate_approve(
        candidate_id=candidate_id,
        user=user,
        next_step=next_step,
        consent_reviewed=True,
        override_reason=override if recommendation in lifecycle.OVERRIDE_NEEDED else "",
        at=at,
    )


class _Plan:
    """What happens to one candidate, as steps for the replay."""

    def __init__(self, candidate: Candidate, owner: Any, steps: list[_Step]) -> None:
        self.candidate, self.owner, self.steps = candidate, owner, steps

    def add(self, at: dt.datetime, action: Callable[..., object], **kwargs: Any) -> None:
        run = functools.partial(action, candidate_id=self.candidate.pk, at=at, **kwargs)
        self.steps.append(_Step(at, self.candidate.pk, len(self.steps), run))

    def review(self, at: dt.datetime) -> None:
        self.add(at, lifecycle.candidate_mark_viewed, user=self.owner)

    def decide(
        self,
        kind: str,
        reason: str,
        decided: dt.datetime,
        today: dt.date,
        now: dt.datetime,
        rng: random.Random,
    ) -> None:
        """One decision and what followed it, through the same actions the app calls."""
        candidate = self.candidate
        if kind == DecisionKind.APPROVE:
            steps = candidate.brief.next_step or []
            what = " ".join(s.text for s in steps)[:1000] or "Propose a short call to scope the expansion."
            due = (decided + dt.timedelta(days=rng.randint(5, 21))).date()
            self.add(
                decided,
                _approve,
                user=self.owner,
                next_step=lifecycle.NextStep(what=what, due=due),
                override=rng.choice(_OVERRIDE_REASONS),
            )
            self._follow_ups(decided, now, rng)
        elif kind == DecisionKind.REJECT:
            note = rng.choice(_REJECT_NOTES.get(reason, ("",)))
            self.add(decided, lifecycle.candidate_reject, user=self.owner, reason_code=reason, note=note)
        else:
            until = decided.date() + dt.timedelta(days=rng.choice((14, 21, 30, 45, 60)))
            until = max(until, today + dt.timedelta(days=1)) if until >= today else until
            self.add(
                decided,
                lifecycle.candidate_defer,
                user=self.owner,
                until=until,
                reason=rng.choice(_DEFER_REASONS),
            )
            if until < today:
                # The daily task brought it back to the queue on its date.
                back = dt.datetime.combine(until, RETURN_RUN, tzinfo=dt.UTC)
                self.add(back, lifecycle.candidate_return, reason="deferral date reached")

    def _follow_ups(self, approved: dt.datetime, now: dt.datetime, rng: random.Random) -> None:
        """Outreach, the customer's response, the opportunity and its close, each only if
        it would already have happened by now."""
        account = self.candidate.account

        def log(kind: str, after: dt.datetime, days: tuple[float, float], **data: Any) -> dt.datetime | None:
            when = after + dt.timedelta(days=rng.uniform(*days))
            if when >= now:
                return None
            self.add(when, lifecycle.follow_up_log, user=self.owner, kind=kind, **data)
            return when

        if rng.random() > 0.82:
            return
        sent = log(EventKind.OUTREACH_SENT, approved, (0.2, 5))
        if sent is None or rng.random() > 0.78:
            return
        response = rng.choices(lifecycle.RESPONSES, weights=(62, 22, 16))[0]
        answered = log(EventKind.CUSTOMER_RESPONDED, sent, (0.5, 7), response=response)
        if answered is None or response != "positive" or rng.random() > 0.72:
            return
        opened = log(EventKind.OPPORTUNITY_CREATED, answered, (1, 8))
        if opened is None or rng.random() > 0.75:
            return
        arr = account.arr or Decimal("24000")
        amount = (Decimal(arr) * Decimal(str(rng.uniform(0.08, 0.32)))).quantize(Decimal("100"))
        if rng.random() < 0.8:
            log(EventKind.CLOSED_WON, opened, (4, 24), amount=amount.quantize(Decimal("0.01")))
        else:
            log(EventKind.CLOSED_LOST, opened, (4, 24))


def _demo_pilot(*, today: dt.date) -> None:
    if Pilot.objects.exists():
        return
    team = list(get_user_model().objects.filter(groups__name=OWNER, is_active=True).order_by("pk"))
    pilot = Pilot.objects.create(
        name=DEMO_PILOT,
        start_date=today - dt.timedelta(days=HISTORY_DAYS - 1),
        duration_days=60,
        sample=PilotSample.TOP_HEALTHY,
        top_n=50,
        threshold=Decimal("0.80"),
    )
    pilot.owner_team.set(team)
