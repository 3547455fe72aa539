"""A believable eight-week past for the demo book, so the pilot dashboard is not empty.

`demo_history_create` takes the candidates the engine just scored and pretends they
were surfaced over the last eight weeks: owners opened them, approved (with next
steps), rejected (with reasons, false positives among them) or deferred them, and
logged what happened after approval (outreach, responses, opportunities, closed-won
amounts). It writes through the real models only, inserts decisions and measurement
events with back-dated times, and moves each candidate to the status its decisions
imply. It is a pure function of `seed`, `today` and the book: every random stream is
a `random.Random` seeded with a string, and candidates are visited in primary-key order.

What it changes besides inserting: each candidate's surfacing time (`inserted_at`,
`first_detected_on`) is moved into the past, because the engine wrote them all at
load time. Their `signal_created` events keep the load time (events are never edited).
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.roles import OWNER
from measurement.models import EventKind, MeasurementEvent, Pilot, PilotSample
from measurement.services import event_for, events_record
from reviews.models import Decision, DecisionKind, RejectReason
from signals.models import Candidate
from signals.vocabulary import CandidateStatus, Recommendation

HISTORY_DAYS = 56
DEMO_PILOT = "Top 50 healthy accounts · expansion review pilot"

# What owners do with each recommendation: (kind, reason, weight). Curious questions and
# usage blips are where false positives come from; "stop" is rarely approved.
_PLAYBOOK: dict[str, tuple[tuple[str, str, float], ...]] = {
    Recommendation.PURSUE: (
        (DecisionKind.APPROVE, "", 74), (DecisionKind.REJECT, RejectReason.ALREADY_IN_PROGRESS, 7),
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 6), (DecisionKind.REJECT, RejectReason.BAD_TIMING, 3),
        (DecisionKind.DEFER, "", 10),
    ),
    Recommendation.PROVE_VALUE: (
        (DecisionKind.DEFER, "", 38), (DecisionKind.REJECT, RejectReason.NO_VALUE_PROOF, 26),
        (DecisionKind.APPROVE, "", 18), (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 14),
        (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 4),
    ),
    Recommendation.NURTURE: (
        (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 34), (DecisionKind.DEFER, "", 30),
        (DecisionKind.APPROVE, "", 20), (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 16),
    ),
    Recommendation.WAIT: (
        (DecisionKind.DEFER, "", 58), (DecisionKind.REJECT, RejectReason.BAD_TIMING, 20),
        (DecisionKind.APPROVE, "", 10), (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 12),
    ),
    Recommendation.STOP: (
        (DecisionKind.REJECT, RejectReason.NOT_A_FIT, 38), (DecisionKind.REJECT, RejectReason.BAD_TIMING, 22),
        (DecisionKind.DEFER, "", 28), (DecisionKind.REJECT, RejectReason.FALSE_POSITIVE, 12),
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
_REJECT_NOTES = {
    RejectReason.FALSE_POSITIVE: ("Seasonal spike, not growth.", "They were asking how the feature works, not to buy it.",
                                  "Test accounts inflated the seat count.", ""),
    RejectReason.ALREADY_IN_PROGRESS: ("Sales already has an open opportunity.", ""),
    RejectReason.BAD_TIMING: ("Renewal negotiation is under way.", "Reorg announced last week.", ""),
    RejectReason.NOT_A_FIT: ("The add-on does not fit their workflow.", ""),
    RejectReason.NO_VALUE_PROOF: ("No outcome we can point to yet.", ""),
}


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment on `day` (UTC)."""
    return dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 9 * 60))


def _pick(rng: random.Random, options: tuple[tuple[str, str, float], ...], fp_factor: float) -> tuple[str, str]:
    weights = [w * (fp_factor if reason == RejectReason.FALSE_POSITIVE else 1.0) for _, reason, w in options]
    kind, reason, _ = rng.choices(options, weights=weights)[0]
    return kind, reason


@transaction.atomic
def demo_history_create(*, seed: int, today: dt.date) -> int:
    """Write the demo's past; returns the number of measurement events written.

    Does nothing (returns 0) when any decision exists: the history is written once,
    on a freshly scored book.
    """
    if Decision.objects.exists():
        return 0
    rng = random.Random(f"demo-history:{seed}:{today.isoformat()}")
    now = timezone.now()
    candidates = list(
        Candidate.objects.filter(status=CandidateStatus.PENDING, account__owner__isnull=False,
                                 account__owner__is_active=True)
        .select_related("account", "account__owner").order_by("pk")
    )
    decisions: list[Decision] = []
    events: list[MeasurementEvent] = []
    changed: list[Candidate] = []
    for candidate in candidates:
        owner = candidate.account.owner
        age = min(HISTORY_DAYS - 1, int(rng.triangular(0, HISTORY_DAYS, HISTORY_DAYS * 0.35)))
        surfaced = _at(today - dt.timedelta(days=age), rng)
        surfaced = min(surfaced, now - dt.timedelta(hours=1))
        candidate.inserted_at = surfaced
        candidate.first_detected_on = surfaced.date()
        changed.append(candidate)
        decide_chance = min(0.92, 0.15 + age / 30)
        if age < 2 or rng.random() > decide_chance:
            if rng.random() < 0.4:
                seen = surfaced + dt.timedelta(hours=rng.uniform(1, 24 * max(age, 1)))
                if seen < now:
                    events.append(event_for(kind=EventKind.REVIEWED, candidate=candidate, actor=owner,
                                            occurred_at=seen))
            continue
        # The engine improved as phrase rules were tuned: older weeks had more false positives.
        fp_factor = 0.6 + 1.2 * age / HISTORY_DAYS
        kind, reason = _pick(rng, _PLAYBOOK[candidate.recommendation], fp_factor)
        delay = dt.timedelta(hours=min(rng.lognormvariate(3.7, 0.9), 24 * age))
        decided = min(surfaced + delay, now - dt.timedelta(minutes=30))
        if rng.random() < 0.85:
            opened = decided - dt.timedelta(minutes=rng.randint(3, 90))
            events.append(event_for(kind=EventKind.REVIEWED, candidate=candidate, actor=owner,
                                    occurred_at=max(opened, surfaced)))
        events.extend(_decide(candidate, owner, kind, reason, decided, today, now, rng, decisions))
    Candidate.objects.bulk_update(
        changed, ["inserted_at", "first_detected_on", "status", "decided_at", "decided_by", "defer_until", "version",
                  "updated_at"], batch_size=500)
    Decision.objects.bulk_create(decisions, batch_size=500)
    for event in events:
        if event.data.get("decision") == "?":
            event.data["decision"] = event.data.pop("_decision").pk
        event.data.pop("_decision", None)
    events.sort(key=lambda e: (e.occurred_at, e.candidate_id or 0))
    events_record(events)
    _demo_pilot(today=today)
    return len(events)


def _decide(candidate: Candidate, owner: object, kind: str, reason: str, decided: dt.datetime, today: dt.date,
            now: dt.datetime, rng: random.Random, decisions: list[Decision]) -> list[MeasurementEvent]:
    """One decision and what followed it, as the review services would have written them."""
    out: list[MeasurementEvent] = []
    decision = Decision(candidate=candidate, kind=kind, decided_by=owner, decided_at=decided,
                        recommendation=candidate.recommendation)
    decisions.append(decision)
    candidate.decided_at, candidate.decided_by = decided, owner  # type: ignore[assignment]
    candidate.version += 1
    candidate.updated_at = decided

    def record(kind_: str, when: dt.datetime, **data: object) -> None:
        out.append(event_for(kind=kind_, candidate=candidate, actor=owner, occurred_at=when,
                             data={"decision": "?", "_decision": decision, **data}))

    if kind == DecisionKind.APPROVE:
        steps = candidate.brief.get("next_step") or [{"text": "Propose a short call to scope the expansion."}]
        decision.next_step = " ".join(s["text"] for s in steps)[:1000]
        decision.next_step_due = (decided + dt.timedelta(days=rng.randint(5, 21))).date()
        decision.consent_reviewed = True
        if candidate.recommendation in (Recommendation.STOP, Recommendation.WAIT):
            decision.override_reason = rng.choice(_OVERRIDE_REASONS)
        candidate.status = CandidateStatus.APPROVED
        candidate.defer_until = None
        record(EventKind.APPROVED, decided, next_step=decision.next_step, who="",
               due=decision.next_step_due.isoformat(), consent_reviewed=True)
        if decision.override_reason:
            record(EventKind.OVERRIDDEN, decided, reason=decision.override_reason)
        out.extend(_outcomes(candidate, owner, decided, now, rng))
    elif kind == DecisionKind.REJECT:
        decision.reason_code = reason
        decision.note = rng.choice(_REJECT_NOTES.get(reason, ("",)))
        candidate.status = CandidateStatus.REJECTED
        candidate.defer_until = None
        record(EventKind.REJECTED, decided, reason=reason, note=decision.note)
        if reason == RejectReason.FALSE_POSITIVE:
            record(EventKind.FALSE_POSITIVE, decided)
    else:
        until = decided.date() + dt.timedelta(days=rng.choice((14, 21, 30, 45, 60)))
        decision.defer_until = until
        decision.note = rng.choice(_DEFER_REASONS)
        record(EventKind.DEFERRED, decided, until=until.isoformat(), reason=decision.note)
        if until <= today:
            # The nightly task brought it back to the queue on its date.
            back = dt.datetime.combine(until, dt.time(6), tzinfo=dt.UTC)
            out.append(event_for(kind=EventKind.RETURNED, candidate=candidate, occurred_at=back,
                                 data={"reason": "deferral date reached"}))
            candidate.status = CandidateStatus.PENDING
            candidate.defer_until = None
            candidate.version += 1
        else:
            candidate.status = CandidateStatus.DEFERRED
            candidate.defer_until = until
    return out


def _outcomes(candidate: Candidate, owner: object, approved: dt.datetime, now: dt.datetime,
              rng: random.Random) -> list[MeasurementEvent]:
    """Outreach, the customer's response, the opportunity and its close, each only if it
    would already have happened by now."""
    out: list[MeasurementEvent] = []

    def log(kind: str, after: dt.datetime, days: tuple[float, float], **data: object) -> dt.datetime | None:
        when = after + dt.timedelta(days=rng.uniform(*days))
        if when >= now:
            return None
        out.append(event_for(kind=kind, candidate=candidate, actor=owner, occurred_at=when,
                             data={"note": "", **data}))
        return when

    if rng.random() > 0.82:
        return out
    sent = log(EventKind.OUTREACH_SENT, approved, (0.2, 5))
    if sent is None or rng.random() > 0.78:
        return out
    response = rng.choices(("positive", "negative", "none"), weights=(62, 22, 16))[0]
    answered = log(EventKind.CUSTOMER_RESPONDED, sent, (0.5, 7), response=response)
    if answered is None or response != "positive" or rng.random() > 0.72:
        return out
    opened = log(EventKind.OPPORTUNITY_CREATED, answered, (1, 8))
    if opened is None or rng.random() > 0.75:
        return out
    arr = candidate.account.arr or Decimal("24000")
    amount = (Decimal(arr) * Decimal(str(rng.uniform(0.08, 0.32)))).quantize(Decimal("100"))
    if rng.random() < 0.8:
        log(EventKind.CLOSED_WON, opened, (4, 24), amount=str(amount.quantize(Decimal("0.01"))),
            currency=candidate.account.currency)
    else:
        log(EventKind.CLOSED_LOST, opened, (4, 24))
    return out


def _demo_pilot(*, today: dt.date) -> None:
    if Pilot.objects.exists():
        return
    team = list(get_user_model().objects.filter(groups__name=OWNER, is_active=True).order_by("pk"))
    pilot = Pilot.objects.create(name=DEMO_PILOT, start_date=today - dt.timedelta(days=HISTORY_DAYS - 1),
                                 duration_days=60, sample=PilotSample.TOP_HEALTHY, top_n=50,
                                 threshold=Decimal("0.80"))
    pilot.owner_team.set(team)
