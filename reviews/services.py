"""The owner's decisions and what happened next. Each service changes the candidate with
a conditional update (exactly one of two concurrent decisions wins) and writes its
measurement event in the same transaction. Nothing here contacts a customer."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account, Opportunity
from core.roles import AnyUser, is_leader
from measurement.models import EventKind
from measurement.services import event_record
from reviews.models import Decision, DecisionKind, RejectReason
from signals.models import Candidate
from signals.vocabulary import CandidateStatus, Recommendation

DECIDABLE = (CandidateStatus.PENDING, CandidateStatus.DEFERRED)
OVERRIDE_NEEDED = (Recommendation.STOP, Recommendation.WAIT)
MAX_DEFER_DAYS = 365


class DecisionError(Exception):
    """The input cannot be accepted; `errors` maps a field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class DecisionConflict(Exception):
    """Someone else changed the candidate first; `candidate` is its current state."""

    def __init__(self, candidate: Candidate) -> None:
        who = candidate.decided_by.get_full_name() or candidate.decided_by.username if candidate.decided_by else "someone"
        super().__init__(
            f"This candidate was already {candidate.get_status_display().lower()} by {who}; "
            "nothing was changed. Here is its current state."
            if candidate.status not in DECIDABLE
            else "This candidate changed while you were looking at it; nothing was changed. Review its current state."
        )
        self.candidate = candidate


class NotAllowed(Exception):
    pass


@dataclass(frozen=True)
class NextStep:
    what: str
    who: str = ""
    due: dt.date | None = None


def _require_owner(candidate: Candidate, user: AnyUser) -> None:
    """Only the account's owner decides; software prepares, the owner decides."""
    if candidate.account.owner_id != user.pk:
        raise NotAllowed("Only the account's owner can decide on its candidates.")


def _transition(candidate: Candidate, *, user: AnyUser, expected_version: int | None,
                from_statuses: tuple[str, ...], **changes: Any) -> Candidate:
    """The conditional update: it succeeds only if nobody changed the candidate meanwhile."""
    qs = Candidate.objects.filter(pk=candidate.pk, status__in=from_statuses)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    now = timezone.now()
    rows = qs.update(version=F("version") + 1, updated_at=now, **changes)
    fresh = Candidate.objects.select_related("account", "decided_by").get(pk=candidate.pk)
    if rows != 1:
        raise DecisionConflict(fresh)
    return fresh


def _get(candidate_id: int) -> Candidate:
    return Candidate.objects.select_related("account", "decided_by").get(pk=candidate_id)


@transaction.atomic
def review_approve(*, candidate_id: int, user: AnyUser, next_step: NextStep, consent_reviewed: bool,
                   override_reason: str = "", expected_version: int | None = None) -> Candidate:
    candidate = _get(candidate_id)
    _require_owner(candidate, user)
    errors: dict[str, str] = {}
    if not next_step.what.strip():
        errors["next_step"] = "Say what the next step is."
    if not consent_reviewed:
        errors["consent_reviewed"] = "Confirm that you reviewed consent and the relationship context."
    needs_override = candidate.recommendation in OVERRIDE_NEEDED
    if needs_override and not override_reason.strip():
        errors["override_reason"] = (
            f"The recommendation is {candidate.get_recommendation_display().lower()}: "
            "say why you approve anyway."
        )
    if next_step.due and next_step.due < timezone.now().date():
        errors["next_step_due"] = "The due date is in the past."
    if errors:
        raise DecisionError(errors)
    now = timezone.now()
    candidate = _transition(candidate, user=user, expected_version=expected_version, from_statuses=DECIDABLE,
                            status=CandidateStatus.APPROVED, decided_at=now, decided_by=user, defer_until=None)
    decision = Decision.objects.create(
        candidate=candidate, kind=DecisionKind.APPROVE, decided_by=user, decided_at=now,
        recommendation=candidate.recommendation, next_step=next_step.what.strip(), next_step_who=next_step.who.strip(),
        next_step_due=next_step.due, consent_reviewed=True, override_reason=override_reason.strip() if needs_override else "",
    )
    data = {"decision": decision.pk, "next_step": decision.next_step, "who": decision.next_step_who,
            "due": next_step.due.isoformat() if next_step.due else None, "consent_reviewed": True}
    event_record(kind=EventKind.APPROVED, candidate=candidate, actor=user, data=data, occurred_at=now)
    if needs_override:
        event_record(kind=EventKind.OVERRIDDEN, candidate=candidate, actor=user, occurred_at=now,
                     data={"decision": decision.pk, "reason": decision.override_reason})
    return candidate


@transaction.atomic
def review_reject(*, candidate_id: int, user: AnyUser, reason_code: str, note: str = "",
                  expected_version: int | None = None) -> Candidate:
    candidate = _get(candidate_id)
    _require_owner(candidate, user)
    if reason_code not in RejectReason.values:
        raise DecisionError({"reason_code": "Choose a reason for rejecting."})
    if reason_code == RejectReason.OTHER and not note.strip():
        raise DecisionError({"note": "Say what the other reason is."})
    now = timezone.now()
    candidate = _transition(candidate, user=user, expected_version=expected_version, from_statuses=DECIDABLE,
                            status=CandidateStatus.REJECTED, decided_at=now, decided_by=user, defer_until=None)
    decision = Decision.objects.create(candidate=candidate, kind=DecisionKind.REJECT, decided_by=user, decided_at=now,
                                       recommendation=candidate.recommendation, reason_code=reason_code,
                                       note=note.strip())
    event_record(kind=EventKind.REJECTED, candidate=candidate, actor=user, occurred_at=now,
                 data={"decision": decision.pk, "reason": reason_code, "note": decision.note})
    if reason_code == RejectReason.FALSE_POSITIVE:
        event_record(kind=EventKind.FALSE_POSITIVE, candidate=candidate, actor=user, occurred_at=now,
                     data={"decision": decision.pk})
    return candidate


@transaction.atomic
def review_defer(*, candidate_id: int, user: AnyUser, until: dt.date | None, reason: str,
                 expected_version: int | None = None) -> Candidate:
    candidate = _get(candidate_id)
    _require_owner(candidate, user)
    today = timezone.now().date()
    errors: dict[str, str] = {}
    if until is None:
        errors["defer_until"] = "Choose the date it should come back."
    elif until <= today:
        errors["defer_until"] = "Choose a date after today."
    elif until > today + dt.timedelta(days=MAX_DEFER_DAYS):
        errors["defer_until"] = "Defer for at most a year."
    if not reason.strip():
        errors["reason"] = "Say why you defer it."
    if errors:
        raise DecisionError(errors)
    now = timezone.now()
    candidate = _transition(candidate, user=user, expected_version=expected_version, from_statuses=DECIDABLE,
                            status=CandidateStatus.DEFERRED, decided_at=now, decided_by=user, defer_until=until)
    decision = Decision.objects.create(candidate=candidate, kind=DecisionKind.DEFER, decided_by=user, decided_at=now,
                                       recommendation=candidate.recommendation, defer_until=until, note=reason.strip())
    event_record(kind=EventKind.DEFERRED, candidate=candidate, actor=user, occurred_at=now,
                 data={"decision": decision.pk, "until": until.isoformat(), "reason": decision.note})
    return candidate


@transaction.atomic
def account_reassign(*, account_id: int, user: AnyUser, new_owner_id: int) -> Account:
    """Leaders assign an account (and so its candidates) to an owner."""
    if not is_leader(user):
        raise NotAllowed("Only CS leaders and admins reassign accounts.")
    account = Account.objects.select_for_update().get(pk=account_id)
    new_owner = get_user_model().objects.filter(pk=new_owner_id, is_active=True).first()
    if new_owner is None:
        raise DecisionError({"owner": "Choose an active user."})
    if account.owner_id == new_owner.pk:
        return account
    previous = account.owner_id
    Account.objects.filter(pk=account.pk).update(owner=new_owner, updated_at=timezone.now())
    account.owner = new_owner
    open_candidates = list(account.candidates.filter(status__in=DECIDABLE))
    Candidate.objects.filter(pk__in=[c.pk for c in open_candidates]).update(no_owner=False, version=F("version") + 1)
    for candidate in open_candidates:
        candidate.account = account
        event_record(kind=EventKind.REASSIGNED, candidate=candidate, account=account, actor=user,
                     data={"from": previous, "to": new_owner.pk})
    if not open_candidates:
        event_record(kind=EventKind.REASSIGNED, account=account, actor=user, data={"from": previous, "to": new_owner.pk})
    return account


class OutcomeKind:
    OUTREACH = EventKind.OUTREACH_SENT
    RESPONSE = EventKind.CUSTOMER_RESPONDED
    OPPORTUNITY = EventKind.OPPORTUNITY_CREATED
    WON = EventKind.CLOSED_WON
    LOST = EventKind.CLOSED_LOST
    ALL = (OUTREACH, RESPONSE, OPPORTUNITY, WON, LOST)


RESPONSES = ("positive", "negative", "none")


@transaction.atomic
def outcome_log(*, candidate_id: int, user: AnyUser, kind: str, response: str = "", opportunity: str = "",
                amount: Decimal | None = None, note: str = "", occurred_on: dt.date | None = None) -> Candidate:
    """What happened after approval, as the owner reports it."""
    candidate = Candidate.objects.select_for_update().select_related("account").get(pk=candidate_id)
    _require_owner(candidate, user)
    if candidate.status != CandidateStatus.APPROVED:
        raise DecisionError({"kind": "Log outcomes on approved candidates only."})
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"note": note.strip()}
    if kind not in OutcomeKind.ALL:
        errors["kind"] = "Choose what happened."
    if kind == OutcomeKind.RESPONSE:
        if response not in RESPONSES:
            errors["response"] = "Choose positive, negative or no response."
        data["response"] = response
    if kind == OutcomeKind.OPPORTUNITY and opportunity:
        opp = Opportunity.objects.filter(external_id=opportunity, account=candidate.account).first()
        if opp is None:
            errors["opportunity"] = f"No CRM opportunity {opportunity!r} on {candidate.account.name}."
        else:
            data["opportunity"] = opp.external_id
    if kind == OutcomeKind.WON:
        if amount is None or amount <= 0:
            errors["amount"] = "Enter the closed-won amount."
        else:
            data["amount"] = str(Decimal(amount).quantize(Decimal("0.01")))
            data["currency"] = candidate.account.currency
    today = timezone.now().date()
    if occurred_on and occurred_on > today:
        errors["occurred_on"] = "That date is in the future."
    if errors:
        raise DecisionError(errors)
    when = timezone.now() if not occurred_on or occurred_on == today else dt.datetime.combine(
        occurred_on, dt.time(12), tzinfo=dt.UTC)
    event_record(kind=kind, candidate=candidate, actor=user, data=data, occurred_at=when)
    Candidate.objects.filter(pk=candidate.pk).update(version=F("version") + 1, updated_at=timezone.now())
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def candidate_mark_viewed(*, candidate: Candidate, user: AnyUser) -> None:
    """The first time the owner opens a pending candidate counts as 'reviewed'."""
    from measurement.models import MeasurementEvent

    if candidate.account.owner_id != user.pk or candidate.status != CandidateStatus.PENDING:
        return
    if MeasurementEvent.objects.filter(candidate=candidate, kind=EventKind.REVIEWED).exists():
        return
    event_record(kind=EventKind.REVIEWED, candidate=candidate, actor=user)
