"""A candidate's life: every change of its state, and nothing else writes one.

Each action is one atomic block that locks the account and then the candidate (always
in that order, so two actions cannot deadlock each other), checks the version the
caller saw and the current owner, makes the change, bumps the version and appends its
measurement event in the same transaction. Views, the API, Celery tasks, the importer,
the demo and the scoring engine all call these; docs/engine.md has the map.

| action | from | to | event |
|---|---|---|---|
| candidates_store (scoring) | - / pending / deferred | pending, deferred, expired | signal_created, recommendation_changed, returned, expired, new_evidence |
| candidate_approve | pending, deferred | approved | approved (+ overridden) |
| candidate_reject | pending, deferred | rejected | rejected (+ false_positive) |
| candidate_defer | pending, deferred | deferred (until a date, or until a ticket is closed) | deferred |
| candidate_undo | rejected, deferred (by the same owner, within UNDO_SECONDS) | pending | undone |
| candidate_return | deferred | pending | returned |
| candidates_return_on_tickets (importer) | deferred until a ticket now solved/closed | pending | returned |
| candidate_mark_viewed | pending | pending | reviewed (once) |
| account_reassign | open candidates | same status, new owner | reassigned |
| follow_up_log / follow_up_correct | approved | approved | outreach ... closed_lost, follow_up_corrected |
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import OperationalError, connection, transaction
from django.db.models import Field, JSONField, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Account, Interaction, Opportunity, Outcome, Ticket, TicketStatus
from core.roles import AnyUser, is_leader, signed_in
from core.sql import AnyOf, column_values, json_text, pg_array, rows_insert
from handoff.services import outbox_add
from measurement.models import CLOSING_KINDS, FOLLOW_UP_KINDS, EventKind, MeasurementEvent
from measurement.services import event_for, event_record, events_record
from plays.selectors import play_applied
from reviews.models import Decision, DecisionKind, RejectReason
from signals.holdout import holdout_decide, holdout_events, holdout_exemption
from signals.models import Candidate, RulesVersion
from signals.records import BlockerRecord, ReviewFacts, Trigger
from signals.rules import RuleSet
from signals.vocabulary import OPEN_STATUSES, Blocker, CandidateStatus, Recommendation, queue_rank

if TYPE_CHECKING:
    from signals.engine.assess import Assessment

logger = logging.getLogger(__name__)

DECIDABLE = OPEN_STATUSES
CLOSED_STATUSES = (CandidateStatus.APPROVED, CandidateStatus.REJECTED, CandidateStatus.EXPIRED)
OVERRIDE_NEEDED = (Recommendation.STOP, Recommendation.WAIT)
MAX_DEFER_DAYS = 365
# The Undo toast shows for UNDO_SECONDS; the server accepts a little longer so that a
# click in the toast's last second, still in flight, lands.
UNDO_SECONDS = 10
UNDO_GRACE_SECONDS = 5
TICKET_DONE = (TicketStatus.SOLVED, TicketStatus.CLOSED)
MAX_TEXT = 2000
MAX_MESSAGE = 5000
MAX_WHO = 200
# When the account has no ARR on record, a closed-won amount is bounded by this instead.
MAX_AMOUNT_WITHOUT_ARR = Decimal("10000000")
RESPONSES = ("positive", "negative", "none")
DEADLOCK_RETRIES = 3
OPPORTUNITY_ID = re.compile(r"[\w.:/#-]{1,200}")


class DecisionError(Exception):
    """The input cannot be accepted; `errors` maps a field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class DecisionConflict(Exception):
    """Someone else changed the candidate first; `candidate` is its current state."""

    def __init__(self, candidate: Candidate, message: str = "") -> None:
        if not message:
            if candidate.status not in DECIDABLE:
                by = candidate.decided_by
                who = (by.get_full_name() or by.username) if by else "the engine"
                message = (
                    f"This candidate was already {candidate.get_status_display().lower()} by {who}; "
                    "nothing was changed. Here is its current state."
                )
            else:
                message = (
                    "This candidate changed while you were looking at it; nothing was changed. "
                    "Review its current state."
                )
        super().__init__(message)
        self.candidate = candidate


class NotAllowed(Exception):
    pass


@dataclass(frozen=True)
class NextStep:
    what: str
    who: str = ""
    due: dt.date | None = None


class FollowUpKind:
    OUTREACH = EventKind.OUTREACH_SENT
    RESPONSE = EventKind.CUSTOMER_RESPONDED
    OPPORTUNITY = EventKind.OPPORTUNITY_CREATED
    WON = EventKind.CLOSED_WON
    LOST = EventKind.CLOSED_LOST
    ALL = FOLLOW_UP_KINDS


# --------------------------------------------------------------------------- the common steps


def _is_lock_failure(exc: OperationalError) -> bool:
    code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    return code in ("40P01", "40001") or "deadlock" in str(exc).lower()


def _atomic[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """One transaction per action; a deadlock or serialization failure is retried, and
    if it persists the caller gets a conflict (409), never a 503."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(DEADLOCK_RETRIES):
            try:
                with transaction.atomic():
                    return fn(*args, **kwargs)
            except OperationalError as exc:
                if not _is_lock_failure(exc):
                    raise
                logger.warning("%s: lock failure (attempt %d): %s", fn.__name__, attempt + 1, exc)
                if attempt == DEADLOCK_RETRIES - 1:
                    candidate_id = kwargs.get("candidate_id")
                    if isinstance(candidate_id, int):
                        current = Candidate.objects.select_related("account", "decided_by").get(pk=candidate_id)
                        raise DecisionConflict(
                            current,
                            "Someone else was changing this candidate at the same moment; nothing was "
                            "changed. Review its current state and try again.",
                        ) from None
                    raise
        raise AssertionError("unreachable")

    return run


def _lock_accounts(account_ids: list[int]) -> None:
    list(
        Account.objects.select_for_update().filter(AnyOf("pk", account_ids)).order_by("pk").values_list("pk", flat=True)
    )


def _lock(candidate_id: int) -> Candidate:
    """Lock the candidate's account, then the candidate; raise Candidate.DoesNotExist if gone.
    The account is found and locked in one statement (a candidate never changes account)."""
    locked = (
        Account.objects.select_for_update()
        .filter(pk=Subquery(Candidate.objects.filter(pk=candidate_id).values("account_id")[:1]))
        .values_list("pk", flat=True)
    )
    if not list(locked):
        raise Candidate.DoesNotExist(f"No candidate {candidate_id}")
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("account", "account__owner", "decided_by")
        .get(pk=candidate_id)
    )


def _check(
    candidate: Candidate, user: AnyUser | None, expected_version: int | None, from_statuses: tuple[str, ...]
) -> None:
    """Under the lock: the user still owns the account, and nothing changed since they looked."""
    if user is not None and candidate.account.owner_id != user.pk:
        if is_leader(user):
            raise NotAllowed("Only the account's owner can decide on its candidates.")
        owner = candidate.account.owner
        to = f" to {owner.get_full_name() or owner.username}" if owner else ""
        raise DecisionConflict(candidate, f"This account was reassigned{to}; nothing was changed.")
    if candidate.status not in from_statuses or (
        expected_version is not None and candidate.version != expected_version
    ):
        raise DecisionConflict(candidate)


def _save(candidate: Candidate, at: dt.datetime, **changes: Any) -> Candidate:
    changes["version"] = candidate.version + 1
    changes["updated_at"] = at
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.save(update_fields=list(changes))
    return candidate


_STATUS_OF = {
    DecisionKind.APPROVE: CandidateStatus.APPROVED,
    DecisionKind.REJECT: CandidateStatus.REJECTED,
    DecisionKind.DEFER: CandidateStatus.DEFERRED,
}


def _decide(
    candidate: Candidate,
    decider: User,
    now: dt.datetime,
    kind: DecisionKind,
    *,
    defer_until: dt.date | None = None,
    ticket: Ticket | None = None,
    **fields: Any,
) -> Decision:
    """The owner's decision: the candidate's new status and the Decision row. Approving and
    rejecting close it; deferring keeps it open until `defer_until` (or `ticket` closes)."""
    status = _STATUS_OF[kind]
    _save(
        candidate,
        now,
        status=status,
        decided_at=now,
        decided_by=decider,
        defer_until=defer_until,
        defer_ticket=ticket,
        **({"closed_at": now} if status in CLOSED_STATUSES else {}),
    )
    return Decision.objects.create(
        candidate=candidate,
        kind=kind,
        decided_by=decider,
        decided_at=now,
        recommendation=candidate.recommendation,
        defer_until=defer_until,
        play=play_applied(candidate),
        **fields,
    )


def _now(at: dt.datetime | None) -> dt.datetime:
    # `at` is for replaying history (the demo); the app always acts now.
    return at or timezone.now()


def _text(value: str, limit: int, field_name: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[field_name] = f"Keep it under {limit:,} characters (this is {len(value):,})."
    return value


# --------------------------------------------------------------------------- the owner's decisions


@_atomic
def candidate_approve(
    *,
    candidate_id: int,
    user: AnyUser,
    next_step: NextStep,
    consent_reviewed: bool,
    override_reason: str = "",
    message: str = "",
    message_as_written: bool = False,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Candidate:
    """`message` is the first customer message as the owner approved it (kept with the
    approval event and handed off; the app never sends it). The owner's own wording goes
    through the draft's checks too: pressure or pricing in it is refused unless the owner
    confirms it (`message_as_written`), and what was confirmed is recorded."""
    decider = signed_in(user)
    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, expected_version, DECIDABLE)
    errors: dict[str, str] = {}
    what = _text(next_step.what, MAX_TEXT, "next_step", errors)
    message = _text(message, MAX_MESSAGE, "message", errors)
    who = _text(next_step.who, MAX_WHO, "next_step_who", errors)
    if not what:
        errors["next_step"] = "Say what the next step is."
    if not consent_reviewed:
        errors["consent_reviewed"] = "Confirm that you reviewed consent and the relationship context."
    needs_override = candidate.recommendation in OVERRIDE_NEEDED
    override = _text(override_reason, MAX_TEXT, "override_reason", errors)
    if needs_override and not override:
        errors["override_reason"] = (
            f"The recommendation is {candidate.get_recommendation_display().lower()}: say why you approve anyway."
        )
    if next_step.due and next_step.due < now.date():
        errors["next_step_due"] = "The due date is in the past."
    flagged = message_flags(message)
    if flagged and not message_as_written:
        errors["message"] = (
            f"The message has wording the draft never uses: {', '.join(repr(f) for f in flagged)} "
            "(pressure or a price). Edit it, or confirm that you want it kept as written."
        )
    if errors:
        raise DecisionError(errors)
    decision = _decide(
        candidate,
        decider,
        now,
        DecisionKind.APPROVE,
        next_step=what,
        next_step_who=who,
        next_step_due=next_step.due,
        consent_reviewed=True,
        override_reason=override if needs_override else "",
    )
    data = {
        "decision": decision.pk,
        "next_step": what,
        "who": who,
        "due": next_step.due.isoformat() if next_step.due else None,
        "consent_reviewed": True,
        "message": message,
        **({"message_flags": flagged} if flagged else {}),
    }
    outbox_add(event_record(kind=EventKind.APPROVED, candidate=candidate, actor=user, data=data, occurred_at=now))
    if needs_override:
        event_record(
            kind=EventKind.OVERRIDDEN,
            candidate=candidate,
            actor=user,
            occurred_at=now,
            data={"decision": decision.pk, "reason": decision.override_reason},
        )
    return candidate


def message_flags(message: str) -> list[str]:
    """Pressure and pricing wording in a customer message (the draft's own checks)."""
    from handoff.drafts.checks import pressure_found, pricing_found

    return list(dict.fromkeys(pressure_found(message) + pricing_found(message))) if message else []


@_atomic
def candidate_reject(
    *,
    candidate_id: int,
    user: AnyUser,
    reason_code: str,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Candidate:
    decider = signed_in(user)
    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, expected_version, DECIDABLE)
    errors: dict[str, str] = {}
    note = _text(note, MAX_TEXT, "note", errors)
    if reason_code not in RejectReason.values:
        errors["reason_code"] = "Choose a reason for rejecting."
    elif reason_code == RejectReason.OTHER and not note:
        errors["note"] = "Say what the other reason is."
    if errors:
        raise DecisionError(errors)
    decision = _decide(
        candidate,
        decider,
        now,
        DecisionKind.REJECT,
        reason_code=reason_code,
        note=note,
    )
    event_record(
        kind=EventKind.REJECTED,
        candidate=candidate,
        actor=user,
        occurred_at=now,
        data={"decision": decision.pk, "reason": reason_code, "note": note},
    )
    if reason_code == RejectReason.FALSE_POSITIVE:
        from signals.feedback import feedback_record

        event_record(
            kind=EventKind.FALSE_POSITIVE,
            candidate=candidate,
            actor=user,
            occurred_at=now,
            data={"decision": decision.pk, "rules": sorted({r for t in candidate.triggers for r in t.rules})},
        )
        feedback_record(candidate=candidate, user=decider)
    return candidate


@_atomic
def candidate_defer(
    *,
    candidate_id: int,
    user: AnyUser,
    until: dt.date | None,
    reason: str,
    ticket: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Candidate:
    """Defer to a date, or until one of the account's open tickets is solved or closed
    (`ticket`, its external id; the date is then optional and a year at most)."""
    decider = signed_in(user)
    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, expected_version, DECIDABLE)
    today = now.date()
    errors: dict[str, str] = {}
    waiting_on = None
    ticket = (ticket or "").strip()
    if ticket:
        waiting_on = Ticket.objects.filter(account_id=candidate.account_id, external_id=ticket).first()
        if waiting_on is None:
            errors["defer_ticket"] = f"{candidate.account.name} has no ticket {ticket[:50]!r}."
        elif waiting_on.status in TICKET_DONE:
            errors["defer_ticket"] = (
                f"Ticket {waiting_on.external_id} is already {waiting_on.get_status_display().lower()}."
            )
        elif until is None:
            until = today + dt.timedelta(days=MAX_DEFER_DAYS)
    if until is None:
        errors.setdefault("defer_until", "Choose the date it should come back.")
    elif until <= today:
        errors["defer_until"] = "Choose a date after today."
    elif until > today + dt.timedelta(days=MAX_DEFER_DAYS):
        errors["defer_until"] = "Defer for at most a year."
    reason = _text(reason, MAX_TEXT, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "Say why you defer it."
    if errors:
        raise DecisionError(errors)
    assert until is not None
    decision = _decide(candidate, decider, now, DecisionKind.DEFER, defer_until=until, note=reason, ticket=waiting_on)
    data: dict[str, Any] = {"decision": decision.pk, "until": until.isoformat(), "reason": reason}
    if waiting_on is not None:
        data["ticket"] = waiting_on.external_id
    event_record(kind=EventKind.DEFERRED, candidate=candidate, actor=user, occurred_at=now, data=data)
    return candidate


def undo_deadline(candidate: Candidate, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when the owner may still take back the candidate's rejection or deferral
    (None when there is nothing to undo)."""
    if candidate.status not in (CandidateStatus.REJECTED, CandidateStatus.DEFERRED) or candidate.decided_at is None:
        return None
    deadline = candidate.decided_at + dt.timedelta(seconds=UNDO_SECONDS)
    return deadline if deadline >= _now(now) else None


@_atomic
def candidate_undo(
    *, candidate_id: int, user: AnyUser, expected_version: int | None = None, at: dt.datetime | None = None
) -> Candidate:
    """Take back a rejection or deferral within UNDO_SECONDS: the candidate is pending
    again, and an appended `undone` event withdraws the decision's events (the
    dashboard's figures leave an undone decision out; its rows stay in the log)."""
    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, expected_version, (CandidateStatus.REJECTED, CandidateStatus.DEFERRED))
    decision = Decision.objects.filter(candidate=candidate).order_by("-decided_at", "-pk").first()
    late = candidate.decided_at is None or now > candidate.decided_at + dt.timedelta(
        seconds=UNDO_SECONDS + UNDO_GRACE_SECONDS
    )
    if decision is None or decision.decided_by_id != user.pk or decision.kind == DecisionKind.APPROVE or late:
        raise DecisionError({"undo": f"Too late to undo: a decision can be taken back for {UNDO_SECONDS} seconds."})
    kinds = (EventKind.REJECTED, EventKind.FALSE_POSITIVE, EventKind.DEFERRED)
    withdrawn = [
        e
        for e in MeasurementEvent.objects.filter(candidate=candidate, kind__in=kinds, corrections__isnull=True)
        if e.data.get("decision") == decision.pk
    ]
    _save(
        candidate,
        now,
        status=CandidateStatus.PENDING,
        decided_at=None,
        decided_by=None,
        defer_until=None,
        defer_ticket=None,
        closed_at=None,
    )
    if decision.reason_code == RejectReason.FALSE_POSITIVE:
        from signals.models import ClassifierFeedback, FeedbackStatus

        # Not yet reviewed by an admin: the owner's report is withdrawn with the decision.
        ClassifierFeedback.objects.filter(candidate=candidate, status=FeedbackStatus.PENDING).delete()
    events_record(
        [
            event_for(
                kind=EventKind.UNDONE,
                candidate=candidate,
                actor=user,
                occurred_at=now,
                corrects=e,
                data={"decision": decision.pk, "undoes": e.kind, "event": e.pk},
            )
            for e in withdrawn
        ]
        or [
            event_for(
                kind=EventKind.UNDONE,
                candidate=candidate,
                actor=user,
                occurred_at=now,
                data={"decision": decision.pk, "undoes": decision.kind},
            )
        ]
    )
    return candidate


@_atomic
def candidate_return(
    *, candidate_id: int, reason: str, at: dt.datetime | None = None, ticket_id: int | None = None
) -> Candidate | None:
    """A deferred candidate whose date has come (or, with `ticket_id`, whose ticket was
    closed) goes back to the queue; None if it is no longer deferred that way: decided,
    already returned or deferred again meanwhile."""
    now = _now(at)
    candidate = _lock(candidate_id)
    if candidate.status != CandidateStatus.DEFERRED:
        return None
    if ticket_id is not None and candidate.defer_ticket_id != ticket_id:
        return None
    _save(candidate, now, status=CandidateStatus.PENDING, defer_until=None, defer_ticket=None)
    event_record(kind=EventKind.RETURNED, candidate=candidate, occurred_at=now, data={"reason": reason})
    return candidate


def candidates_return_on_tickets(*, ticket_ids: list[int], at: dt.datetime | None = None) -> int:
    """The importer saw these tickets solved or closed: candidates deferred until one of
    them return to the queue, each through candidate_return (its own lock and event)."""
    done = dict(Ticket.objects.filter(pk__in=ticket_ids, status__in=TICKET_DONE).values_list("pk", "external_id"))
    if not done:
        return 0
    waiting = (
        Candidate.objects.filter(status=CandidateStatus.DEFERRED, defer_ticket_id__in=list(done))
        .order_by("account_id", "pk")
        .values_list("pk", "defer_ticket_id")
    )
    returned = 0
    for candidate_id, ticket_id in waiting:
        if (
            candidate_return(
                candidate_id=candidate_id, reason=f"ticket {done[ticket_id]} closed", at=at, ticket_id=ticket_id
            )
            is not None
        ):
            returned += 1
    return returned


@_atomic
def candidate_mark_viewed(*, candidate_id: int, user: AnyUser, at: dt.datetime | None = None) -> bool:
    """The first time the owner opens a pending candidate counts as 'reviewed', once:
    the lock makes parallel first views write one event."""
    now = _now(at)
    candidate = _lock(candidate_id)
    if candidate.account.owner_id != user.pk or candidate.status != CandidateStatus.PENDING:
        return False
    if MeasurementEvent.objects.filter(candidate=candidate, kind=EventKind.REVIEWED).exists():
        return False
    event_record(kind=EventKind.REVIEWED, candidate=candidate, actor=user, occurred_at=now)
    return True


# --------------------------------------------------------------------------- ownership


def _owner_blockers(blockers: list[BlockerRecord], account: Account, has_owner: bool) -> list[BlockerRecord]:
    kept = [b for b in blockers if b.code != Blocker.NO_OWNER]
    if not has_owner:
        kept.append(
            BlockerRecord(
                code=Blocker.NO_OWNER,
                evidence=[account.external_id],
                message=f"No owner: {account.name} has no active owner; it waits in the leaders' triage list until "
                "someone is assigned.",
            )
        )
    return kept


@_atomic
def account_reassign(
    *, account_id: int, user: AnyUser | None, new_owner_id: int | None, source: str = "app"
) -> Account:
    """Give an account (and so its open candidates) to another owner. Leaders do it in
    the app; an import that changes `owner_email` does it with no user (source "import")."""
    if user is not None and not is_leader(user):
        raise NotAllowed("Only CS leaders and admins reassign accounts.")
    _lock_accounts([account_id])
    account = Account.objects.select_related("owner").get(pk=account_id)
    new_owner = None
    if new_owner_id is not None:
        new_owner = get_user_model().objects.filter(pk=new_owner_id).first()
        if new_owner is None or (user is not None and not new_owner.is_active):
            raise DecisionError({"owner": "Choose an active user."})
    if account.owner_id == new_owner_id:
        return account
    previous = account.owner_id
    now = timezone.now()
    account.owner = new_owner
    account.save(update_fields=["owner", "updated_at"])
    has_owner = bool(new_owner and new_owner.is_active)
    open_candidates = list(Candidate.objects.select_for_update().filter(account=account, status__in=OPEN_STATUSES))
    data = {"from": previous, "to": new_owner_id, "source": source}
    events = []
    for candidate in open_candidates:
        candidate.account = account
        _save(
            candidate,
            now,
            no_owner=not has_owner,
            blockers=_owner_blockers(list(candidate.blockers), account, has_owner),
        )
        events.append(
            event_for(
                kind=EventKind.REASSIGNED, candidate=candidate, account=account, actor=user, data=data, occurred_at=now
            )
        )
    if not open_candidates:
        events.append(event_for(kind=EventKind.REASSIGNED, account=account, actor=user, data=data, occurred_at=now))
    events_record(events)
    outbox_add(events)
    return account


# --------------------------------------------------------------------------- follow-ups


def _follow_up_events(candidate: Candidate) -> list[MeasurementEvent]:
    """The candidate's follow-ups that stand (not withdrawn by a correction)."""
    return list(
        MeasurementEvent.objects.filter(
            candidate=candidate, kind__in=FOLLOW_UP_KINDS, corrections__isnull=True
        ).order_by("occurred_at", "pk")
    )


def max_amount(account: Account, rules: RuleSet) -> Decimal:
    arr = Decimal(account.arr or 0)
    return arr * Decimal(str(rules.follow_up_max_arr_multiple)) if arr > 0 else MAX_AMOUNT_WITHOUT_ARR


@_atomic
def follow_up_log(
    *,
    candidate_id: int,
    user: AnyUser,
    kind: str,
    response: str = "",
    opportunity: str = "",
    amount: Decimal | None = None,
    note: str = "",
    occurred_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Candidate:
    """What happened after the approval, as the owner reports it. A follow-up may not
    predate the approval or lie in the future; a candidate is won or lost once; an
    amount is positive and bounded by the account's ARR."""
    from signals.services import rules_lookup

    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, None, tuple(CandidateStatus.values))
    if candidate.status != CandidateStatus.APPROVED:
        raise DecisionError({"kind": "Log follow-ups on approved candidates only."})
    errors: dict[str, str] = {}
    note = _text(note, MAX_TEXT, "note", errors)
    data: dict[str, Any] = {"note": note}
    if kind not in FollowUpKind.ALL:
        errors["kind"] = "Choose what happened."
    if kind == FollowUpKind.RESPONSE:
        if response not in RESPONSES:
            errors["response"] = "Choose positive, negative or no response."
        data["response"] = response
    if kind == FollowUpKind.OPPORTUNITY and opportunity:
        # An id the owner just created in the CRM is accepted before any import has it:
        # it stays "pending" until an import brings an opportunity with that id.
        opportunity = opportunity.strip()
        opp = Opportunity.objects.filter(external_id=opportunity).only("account_id").first()
        if not OPPORTUNITY_ID.fullmatch(opportunity):
            errors["opportunity"] = (
                "Enter the opportunity's id as the CRM shows it (letters, digits and - _ . : / #, at most 200)."
            )
        elif opp is not None and opp.account_id != candidate.account_id:
            errors["opportunity"] = f"CRM opportunity {opportunity!r} belongs to another account."
        else:
            data["opportunity"] = opportunity
            data["opportunity_status"] = "known" if opp is not None else "pending"
    if kind in CLOSING_KINDS:
        closed = [e for e in _follow_up_events(candidate) if e.kind in CLOSING_KINDS]
        if closed:
            errors["kind"] = (
                f"This candidate is already {closed[0].get_kind_display().lower()} "
                f"({closed[0].occurred_at:%-d %b %Y}); correct that entry first if it was a mistake."
            )
    if kind == FollowUpKind.WON:
        limit = max_amount(candidate.account, rules_lookup().for_account(candidate.account))
        try:
            value = Decimal(amount) if amount is not None else None
        except (InvalidOperation, TypeError, ValueError):
            value = None
        if value is None or not value.is_finite() or value <= 0:
            errors["amount"] = "Enter the closed-won amount (more than zero)."
        elif value > limit:
            errors["amount"] = (
                f"{value:,.2f} is more than {limit:,.0f} {candidate.account.currency}, the most this "
                "account's ARR allows; check the amount."
            )
        else:
            data["amount"] = str(value.quantize(Decimal("0.01")))
            data["currency"] = candidate.account.currency
    today = now.date()
    approved_on = candidate.decided_at.date() if candidate.decided_at else today
    if occurred_on and occurred_on > today:
        errors["occurred_on"] = "That date is in the future."
    elif occurred_on and occurred_on < approved_on:
        errors["occurred_on"] = f"That is before the approval on {approved_on:%-d %b %Y}."
    if errors:
        raise DecisionError(errors)
    when = (
        now if not occurred_on or occurred_on == today else dt.datetime.combine(occurred_on, dt.time(12), tzinfo=dt.UTC)
    )
    if candidate.decided_at and when < candidate.decided_at:
        when = candidate.decided_at
    outbox_add(event_record(kind=kind, candidate=candidate, actor=user, data=data, occurred_at=when))
    _save(candidate, now)
    return candidate


@_atomic
def follow_up_correct(
    *, candidate_id: int, user: AnyUser, event_id: int, reason: str, at: dt.datetime | None = None
) -> Candidate:
    """Withdraw a follow-up logged by mistake: an appended correction, which the figures
    honour; the original stays in the log."""
    now = _now(at)
    candidate = _lock(candidate_id)
    _check(candidate, user, None, tuple(CandidateStatus.values))
    if candidate.status != CandidateStatus.APPROVED:
        raise DecisionError({"event": "Correct follow-ups on approved candidates only."})
    errors: dict[str, str] = {}
    reason = _text(reason, MAX_TEXT, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "Say what was wrong with the entry."
    target = next((e for e in _follow_up_events(candidate) if e.pk == event_id), None)
    if target is None:
        errors["event"] = "Choose a follow-up of this candidate that is not already corrected."
    if errors:
        raise DecisionError(errors)
    outbox_add(
        event_record(
            kind=EventKind.FOLLOW_UP_CORRECTED,
            candidate=candidate,
            actor=user,
            occurred_at=now,
            corrects=target,
            data={"corrects": event_id, "kind": target.kind if target else "", "reason": reason},
        )
    )
    _save(candidate, now)
    return candidate


def follow_up_open(candidate: Candidate, closing_events: set[int], rules: RuleSet, as_of_end: dt.datetime) -> bool:
    """An approval's follow-up is open until it is closed won or lost, or its window passes."""
    if candidate.status != CandidateStatus.APPROVED or candidate.pk in closing_events:
        return False
    approved = candidate.closed_at or candidate.decided_at
    return approved is not None and approved >= as_of_end - dt.timedelta(days=rules.follow_up_window_days)


# --------------------------------------------------------------------------- scoring


@dataclass
class StoreCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    expired: int = 0
    attached: int = 0
    returned: int = 0


@dataclass
class _History:
    """The closed candidates of one account and signal type."""

    refs: set[str] = field(default_factory=set)
    growth_levels: dict[str, float] = field(default_factory=dict)
    latest: Candidate | None = None


def _history(account_ids: list[int]) -> dict[tuple[int, str], _History]:
    out: dict[tuple[int, str], _History] = defaultdict(_History)
    closed = (
        Candidate.objects.filter(AnyOf("account_id", account_ids), status__in=CLOSED_STATUSES)
        .only("pk", "account_id", "signal_type", "status", "closed_at", "decided_at", "triggers", "version")
        .order_by("closed_at", "pk")
    )
    for c in closed:
        h = out[(c.account_id, c.signal_type)]
        for t in c.triggers:
            h.refs.add(t.ref)
            if t.kind == "growth" and "level" in t.numbers:
                h.growth_levels[t.ref] = max(h.growth_levels.get(t.ref, 0.0), t.numbers["level"])
        h.latest = c  # ordered by closed_at: the last one wins
    return out


def decided_through(candidate: Candidate) -> dt.datetime | None:
    """The moment up to which a closed candidate's evidence was decided on. An owner's
    decision covers everything up to the decision. An expiry is the engine's, on the
    evidence it had: its newest trigger (a message dated later that reached us after the
    expiry, or a replayed day, is new evidence)."""
    if candidate.status == CandidateStatus.EXPIRED and candidate.triggers:
        return max(t.at for t in candidate.triggers)
    return candidate.closed_at or candidate.decided_at


def new_triggers(found: list[Trigger], history: _History, rules: RuleSet) -> list[Trigger]:
    """Trigger evidence that was not part of any decision: not decided on, and dated after
    the last one. Growth of a metric counts again only once it has grown by the growth
    threshold beyond the level it was decided at."""
    latest = history.latest
    since = decided_through(latest) if latest else None
    out = []
    for t in found:
        if since is not None and t.at <= since:
            continue
        if t.kind == "growth" and t.ref in history.growth_levels:
            if t.numbers.get("level", 0.0) < history.growth_levels[t.ref] * (1 + rules.growth_threshold):
                continue
        elif t.ref in history.refs:
            continue
        out.append(t)
    return out


CreationHeld = Literal["decided", "attach", "cooldown"]
History = _History  # the closed candidates of one account and signal type (read by the preview)


def creation_held(
    triggers: list[Trigger], history: _History | None, rules: RuleSet, closing: set[int], end: dt.datetime
) -> tuple[CreationHeld | None, list[Trigger]]:
    """Why a detected signal with no open candidate does not open one now, with the trigger
    evidence that is new since the last decision: "decided" (nothing new since the last
    one: it does not come back), "attach" (an approval's follow-up is open: the new
    evidence goes to it), "cooldown" (a rejection's cool-down; the evidence is still new
    when it ends); None: a new candidate opens. The store and the rule preview both ask."""
    if history is None or history.latest is None:
        return None, list(triggers)
    fresh = new_triggers(triggers, history, rules)
    if not fresh:
        return "decided", fresh
    latest = history.latest
    if follow_up_open(latest, closing, rules, end):
        return "attach", fresh
    until = cooldown_until(latest, rules)
    if until is not None and end < until:
        return "cooldown", fresh
    return None, fresh


def cooldown_until(candidate: Candidate, rules: RuleSet) -> dt.datetime | None:
    """When a rejection's cool-down ends (None: not a rejection): until then no new
    candidate of its account and signal type opens, whatever new evidence arrives."""
    if candidate.status != CandidateStatus.REJECTED or not candidate.closed_at:
        return None
    return candidate.closed_at + dt.timedelta(days=rules.rejection_cooldown_days)


def closing_events(history: dict[tuple[int, str], _History]) -> set[int]:
    """The approved candidates among the latest decided ones whose follow-up was closed
    (won or lost, uncorrected): their follow-up is no longer open."""
    approved = [h.latest.pk for h in history.values() if h.latest and h.latest.status == CandidateStatus.APPROVED]
    return set(
        MeasurementEvent.objects.filter(
            candidate_id__in=approved, kind__in=CLOSING_KINDS, corrections__isnull=True
        ).values_list("candidate_id", flat=True)
    )


def history_of(account_ids: list[int]) -> dict[tuple[int, str], _History]:
    """The closed candidates of these accounts, per signal type (read-only)."""
    return _history(account_ids)


def _values(a: Assessment) -> dict[str, Any]:
    return {
        "intent": a.intent,
        "score": a.score,
        "score_components": a.components,
        "recommendation": a.recommendation,
        "queue_rank": queue_rank(a.recommendation),
        "blockers": a.blockers,
        "no_owner": a.no_owner,
        "evidence": a.evidence,
        "brief": a.brief,
        "triggers": a.triggers,
        "review_facts": a.review_facts,
        "latest_evidence_at": a.latest_evidence_at,
    }


_VALUE_FIELDS = (
    "intent",
    "score",
    "score_components",
    "recommendation",
    "queue_rank",
    "blockers",
    "no_owner",
    "evidence",
    "brief",
    "triggers",
    "review_facts",
    "latest_evidence_at",
)


# Re-scoring the same evidence on another day changes only these; they are written
# without bumping the version and do not count as a change of the candidate.
_QUIET = ("review_facts",)
# Every column a scoring run may write on an existing candidate.
_SCORED_FIELDS = (*_VALUE_FIELDS, "status", "closed_at", "defer_until", "scored_on", "rules_version")
_JSON_FIELDS = tuple(name for name in _VALUE_FIELDS if isinstance(Candidate._meta.get_field(name), JSONField))


def _values_set(candidate: Candidate, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(candidate, name, value)


@dataclass
class _Write:
    """One candidate to write in the chunk's set-based UPDATE: `expected` is the version
    read under the lock; `bump` says whether this is a change of the candidate (version
    and updated_at move) or a quiet refresh (rules version, review facts)."""

    candidate: Candidate
    expected: int
    bump: bool
    # The JSON columns' text to write, where already known (dumped to compare, or as stored).
    texts: dict[str, str | None] = field(default_factory=dict)


def candidates_store(
    *,
    account_ids: list[int],
    accounts: dict[int, Account],
    assessments: dict[int, list[Assessment]],
    rules_for: Callable[[Account], RuleSet],
    as_of: dt.date,
    rules_version: RulesVersion | None,
    counts: StoreCounts,
) -> None:
    """Store one scoring run of these accounts (docs/engine.md, "A candidate's life").

    - An open candidate is updated; a deferred one stays deferred unless new evidence
      changed its recommendation; one no longer detected expires (a deferred one waits
      for its date).
    - No open candidate: create one, unless a closed one of the same account and type
      exists and the trigger evidence holds nothing new since it closed; after a
      rejection, not before the cool-down ends; while an approval's follow-up is open,
      new trigger evidence is attached to it instead.

    Writes are set-based: one UPDATE for every changed candidate of the call (each row
    carrying the version it was read at), one bulk INSERT of the new candidates and one
    of the events. A candidate whose assessment differs only by the as-of day (the day
    its ticket check ran) is not written at all.
    """
    from signals.engine.facts import day_end

    now = timezone.now()
    end = day_end(as_of)
    with transaction.atomic():
        _lock_accounts(account_ids)
        # The open candidates' JSON columns are read as stored text, not validated into
        # records: a rescore compares them with the new assessment's JSON and parses one
        # only where its record is needed (a deferral's blockers, an expiry's evidence).
        stored: dict[int, dict[str, str | None]] = {}
        open_by_key: dict[tuple[int, str], Candidate] = {}
        for c in (
            Candidate.objects.select_for_update(of=("self",))
            .filter(AnyOf("account_id", account_ids), status__in=OPEN_STATUSES)
            .select_related("account")
            .defer(*_JSON_FIELDS)
            .annotate(**{f"stored_{name}": Cast(name, TextField()) for name in _JSON_FIELDS})
        ):
            stored[c.pk] = {name: getattr(c, f"stored_{name}") for name in _JSON_FIELDS}
            open_by_key[(c.account_id, c.signal_type)] = c
        history = _history(account_ids)
        closing = closing_events(history)
        version_id = rules_version.pk if rules_version else None
        new: list[Candidate] = []
        writes: list[_Write] = []
        events: list[MeasurementEvent] = []
        seen: set[tuple[int, str]] = set()
        for account_id, found in assessments.items():
            account = accounts[account_id]
            rules = rules_for(account)
            for a in found:
                key = (account_id, a.signal_type)
                seen.add(key)
                values = _values(a)
                current = open_by_key.get(key)
                if current is not None:
                    _rescore(current, stored[current.pk], values, writes, events, counts, now, version_id)
                    continue
                h = history.get(key)
                held, fresh = creation_held(a.triggers, h, rules, closing, end)
                if held == "attach" and h is not None and h.latest is not None:
                    _attach(h.latest, fresh, events, now)
                    counts.attached += 1
                if held is not None:
                    continue
                # The creation path: every new candidate is made here and only here.
                new.append(
                    Candidate(
                        account=account,
                        signal_type=a.signal_type,
                        status=CandidateStatus.PENDING,
                        first_detected_on=as_of,
                        scored_on=as_of,
                        rules_version_id=version_id,
                        held_out=holdout_decide(
                            account=account,
                            signal_type=a.signal_type,
                            first_detected_on=as_of,
                            rules=rules,
                            exemption=holdout_exemption(intent=a.intent, triggers=a.triggers),
                        ),
                        **values,
                    )
                )
        for key, current in open_by_key.items():
            if key in seen or current.account_id not in accounts or current.status != CandidateStatus.PENDING:
                continue  # a deferred candidate waits for its date even if no longer detected
            for name, text in stored[current.pk].items():
                setattr(current, name, _stored_value(name, text))
            current.status = CandidateStatus.EXPIRED
            current.closed_at = now
            writes.append(_Write(current, current.version, bump=True, texts=stored[current.pk]))
            events.append(
                event_for(
                    kind=EventKind.EXPIRED,
                    candidate=current,
                    occurred_at=now,
                    data={"reason": "no longer detected", "rules_version": version_id},
                )
            )
            counts.expired += 1
        for w in writes:
            w.candidate.scored_on = as_of
            w.candidate.rules_version_id = version_id
            if w.bump:
                w.candidate.version = w.expected + 1
                w.candidate.updated_at = now
        _candidates_write(writes)
        rows_insert(Candidate, new)
        for candidate in new:
            events.append(
                event_for(
                    kind=EventKind.SIGNAL_CREATED,
                    candidate=candidate,
                    occurred_at=now,
                    data={
                        "rules_version": version_id,
                        "triggers": [t.ref for t in candidate.triggers],
                        **({"holdout_exempt": x} if (x := _exemption(candidate)) else {}),
                    },
                )
            )
        events.extend(holdout_events(new, now, rules_for))
        counts.created += len(new)
        events_record(events)


def _exemption(candidate: Candidate) -> str | None:
    if not settings.HOLDOUT_ENABLED:
        return None
    return holdout_exemption(intent=candidate.intent, triggers=candidate.triggers)


def _candidates_write(writes: list[_Write]) -> None:
    """Write the scored columns of these candidates in one statement, each row only if its
    version is still the one read under the lock. The locks make a mismatch impossible;
    if one happens anyway the transaction is rolled back rather than losing a change."""
    if not writes:
        return
    fields = [_concrete(name) for name in (*_SCORED_FIELDS, "version", "updated_at")]
    if connection.vendor != "postgresql":
        for w in writes:
            count = Candidate.objects.filter(pk=w.candidate.pk, version=w.expected).update(
                **{f.attname: getattr(w.candidate, f.attname) for f in fields}
            )
            if count != 1:
                raise RuntimeError(f"candidate {w.candidate.pk} changed under its lock; nothing stored")
        return
    columns, arrays, sets = ["id bigint", "expected integer"], [], []
    for f in fields:
        column = connection.ops.quote_name(f.column or f.attname)
        if f.name in _JSON_FIELDS:
            texts = (
                w.texts[f.name] if f.name in w.texts else json_text(f, getattr(w.candidate, f.attname)) for w in writes
            )
            literal, db_type = pg_array(texts), "text"
        else:
            literal, db_type = column_values(f, [getattr(w.candidate, f.attname) for w in writes], connection)
        arrays.append(literal)
        columns.append(f"{column} {db_type}")
        sets.append(f"{column} = v.{column}::jsonb" if isinstance(f, JSONField) else f"{column} = v.{column}")
    casts = ", ".join(f"%s::{c.split(' ', 1)[1]}[]" for c in columns)
    names = ", ".join(c.split(" ", 1)[0] for c in columns)
    sql = (
        f"UPDATE {Candidate._meta.db_table} AS c SET {', '.join(sets)} "
        f"FROM unnest({casts}) AS v({names}) "
        "WHERE c.id = v.id AND c.version = v.expected RETURNING c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pg_array(w.candidate.pk for w in writes), pg_array(w.expected for w in writes), *arrays])
        written = {row[0] for row in cursor.fetchall()}
    missing = [w.candidate.pk for w in writes if w.candidate.pk not in written]
    if missing:
        raise RuntimeError(f"candidates {missing[:5]} changed under their lock; nothing stored")


def _concrete(name: str) -> Field[Any, Any]:
    found = Candidate._meta.get_field(name)
    assert isinstance(found, Field)
    return found


def _date_only(before: ReviewFacts, after: ReviewFacts) -> bool:
    """The review facts differ by the day the check ran and nothing else."""
    return before.model_copy(update={"tickets_checked_on": after.tickets_checked_on}) == after


def _json_differs(stored: str | None, new: str | None) -> bool:
    """Two JSON texts hold different values (the database's text spaces and orders keys
    its own way, so compare the parsed values)."""
    if stored is None or new is None:
        return stored != new
    return stored != new and orjson.loads(stored) != orjson.loads(new)


def _stored_value(name: str, text: str | None) -> Any:
    """A JSON column's stored text as the model reads it (a record for a typed column)."""
    f = _concrete(name)
    return None if text is None else f.from_db_value(text, f.get_col(Candidate._meta.db_table), connection)  # type: ignore[attr-defined]


def _rescore(
    current: Candidate,
    stored: dict[str, str | None],
    values: dict[str, Any],
    writes: list[_Write],
    events: list[MeasurementEvent],
    counts: StoreCounts,
    now: dt.datetime,
    version_id: int | None,
) -> None:
    """`current` is the open candidate without its JSON columns (deferred: `stored` holds
    their text); every value is set on it before it is written or its events made."""
    texts = {name: json_text(_concrete(name), values[name]) for name in _JSON_FIELDS}
    diff = {k for k, v in values.items() if k not in texts and getattr(current, k) != v}
    diff |= {name for name in _JSON_FIELDS if _json_differs(stored[name], texts[name])}
    if not diff - set(_QUIET):
        counts.unchanged += 1
        # Nothing but the date changed: no write at all. A new rules version, or review
        # facts that changed beyond their date, are stored quietly (no new version).
        if current.rules_version_id != version_id or (
            "review_facts" in diff
            and not _date_only(_stored_value("review_facts", stored["review_facts"]), values["review_facts"])
        ):
            _values_set(current, values)
            writes.append(_Write(current, current.version, bump=False, texts=texts))
        return
    previous = current.recommendation
    deferred_moved = current.status == CandidateStatus.DEFERRED and "recommendation" in diff
    if deferred_moved:
        previous_blockers = list(_stored_value("blockers", stored["blockers"]))
        previous_refs = {t.ref for t in _stored_value("triggers", stored["triggers"])}
    _values_set(current, values)
    returned = False
    if deferred_moved and _new_evidence_since_deferral(current, previous_blockers, previous_refs):
        # New evidence changed what the engine recommends: back before its date.
        current.status, current.defer_until = CandidateStatus.PENDING, None
        returned = True
        counts.returned += 1
    writes.append(_Write(current, current.version, bump=True, texts=texts))
    counts.updated += 1
    if "recommendation" in diff:
        events.append(
            event_for(
                kind=EventKind.RECOMMENDATION_CHANGED,
                candidate=current,
                occurred_at=now,
                data={"from": previous, "to": current.recommendation, "rules_version": version_id},
            )
        )
    if returned:
        events.append(
            event_for(
                kind=EventKind.RETURNED,
                candidate=current,
                occurred_at=now,
                data={"reason": "new evidence changed the recommendation"},
            )
        )


def _new_evidence_since_deferral(
    candidate: Candidate, previous_blockers: list[BlockerRecord], previous_refs: set[str]
) -> bool:
    """Did evidence that arrived after the deferral change the recommendation, rather
    than a rule? Yes if a trigger dated after the deferral is new, or if a blocker came
    or went whose evidence (a ticket, a message, an outcome, the account record, a usage
    reading) changed after the deferral. A rule change alone moves blockers whose
    evidence did not change, and the candidate stays deferred."""
    since = candidate.decided_at
    if since is None:
        return True
    if any(t.at > since and t.ref not in previous_refs for t in candidate.triggers):
        return True
    before = {e for b in previous_blockers for e in b.evidence}
    after = {e for b in candidate.blockers for e in b.evidence}
    moved = before ^ after
    if not moved:
        return False
    for evidence_id in moved:
        if evidence_id.startswith("usage:") and evidence_id.rsplit(":", 1)[-1] > since.date().isoformat():
            return True
    account = candidate.account_id
    for qs in (Ticket.objects, Interaction.objects, Outcome.objects):
        if qs.filter(account_id=account, external_id__in=moved, updated_at__gt=since).exists():
            return True
    return Account.objects.filter(pk=account, external_id__in=moved, updated_at__gt=since).exists()


def _attach(candidate: Candidate, fresh: list[Trigger], events: list[MeasurementEvent], now: dt.datetime) -> None:
    """New trigger evidence while an approval's follow-up is open: shown to its owner as
    new since they approved, not queued as a new candidate."""
    locked = Candidate.objects.select_for_update(of=("self",)).select_related("account").get(pk=candidate.pk)
    added = [t.model_copy(update={"new_since_decision": True}) for t in fresh]
    _save(locked, now, triggers=[*locked.triggers, *added])
    candidate.triggers = locked.triggers
    events.append(
        event_for(
            kind=EventKind.NEW_EVIDENCE,
            candidate=locked,
            occurred_at=now,
            data={"triggers": [t.ref for t in added], "evidence": [t.evidence for t in added]},
        )
    )
