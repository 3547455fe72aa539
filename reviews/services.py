"""Writes of the review screens that are not a candidate's transition (those live in
signals/lifecycle.py): saved views, and bulk actions that call the lifecycle per item."""

from dataclasses import dataclass, field

from django.db import transaction
from django.http import QueryDict

from core.roles import AnyUser, is_leader, signed_in
from reviews.models import RejectReason, SavedView
from signals import lifecycle
from signals.models import Candidate

SAVED_VIEW_PARAMS = ("q", "type", "rec", "segment", "renewal_within", "status", "owner", "tab")
MAX_SAVED_VIEWS = 30
BULK_LIMIT = 100


@transaction.atomic
def saved_view_save(*, user: AnyUser, name: str, params: QueryDict) -> SavedView:
    """Save the queue's current filters under a name (the same name replaces them)."""
    name = (name or "").strip()
    if not name:
        raise lifecycle.DecisionError({"name": "Give the view a name."})
    if len(name) > 80:
        raise lifecycle.DecisionError({"name": f"Keep the name under 80 characters (this is {len(name)})."})
    query = QueryDict(mutable=True)
    for key in SAVED_VIEW_PARAMS:
        if params.get(key):
            query[key] = params.get(key, "")[:100]
    existing = SavedView.objects.filter(user=signed_in(user), name=name).first()
    if existing is None and SavedView.objects.filter(user=signed_in(user)).count() >= MAX_SAVED_VIEWS:
        raise lifecycle.DecisionError({"name": f"You have {MAX_SAVED_VIEWS} saved views; delete one first."})
    view, _ = SavedView.objects.update_or_create(user=signed_in(user), name=name, defaults={"query": query.urlencode()})
    return view


def saved_view_delete(*, user: AnyUser, view_id: int) -> bool:
    return SavedView.objects.filter(user=signed_in(user), pk=view_id).delete()[0] > 0


@dataclass
class BulkResult:
    done: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)


def candidates_bulk(
    *, user: AnyUser, candidates: list[Candidate], action: str, owner_id: int | None = None, note: str = ""
) -> BulkResult:
    """Assign an owner (leaders; through lifecycle.account_reassign, once per account) or
    reject as duplicate with one reason (through lifecycle.candidate_reject, which only
    the account's owner may do: the others are skipped and reported). Each item is its
    own transaction, so one conflict does not undo the rest."""
    result = BulkResult()
    if action == "assign":
        if not is_leader(user):
            raise lifecycle.NotAllowed("Only CS leaders and admins reassign accounts.")
        if owner_id is None:
            raise lifecycle.DecisionError({"owner": "Choose an owner."})
        seen: set[int] = set()
        for c in candidates:
            if c.account_id not in seen:
                lifecycle.account_reassign(account_id=c.account_id, user=user, new_owner_id=owner_id)
                seen.add(c.account_id)
            result.done.append(c)
        return result
    if action == "reject_duplicate":
        note = (note or "").strip()
        if not note:
            raise lifecycle.DecisionError({"note": "Say what they duplicate; the note goes on every rejection."})
        for c in candidates:
            try:
                lifecycle.candidate_reject(candidate_id=c.pk, user=user, reason_code=RejectReason.DUPLICATE, note=note)
                result.done.append(c)
            except lifecycle.NotAllowed:
                result.skipped.append((c, "only its owner can reject it"))
            except lifecycle.DecisionConflict as exc:
                result.skipped.append((c, str(exc)))
        return result
    raise lifecycle.DecisionError({"action": "Choose what to do with the selected candidates."})
