"""The webhook payload (JSON Schema: docs/handoff.schema.json). Everything a receiver
needs to create a CRM task or opportunity without calling back: the account's external
id, the owner's e-mail, the next step and its due date, amounts, links to the candidate."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from measurement.models import EventKind, MeasurementEvent

SCHEMA_VERSION = 1
FOLLOW_UP_TITLES: dict[str, str] = {
    EventKind.OUTREACH_SENT: "Outreach sent",
    EventKind.CUSTOMER_RESPONDED: "Customer responded",
    EventKind.OPPORTUNITY_CREATED: "Expansion opportunity created",
    EventKind.CLOSED_WON: "Expansion closed won",
    EventKind.CLOSED_LOST: "Expansion closed lost",
    EventKind.FOLLOW_UP_CORRECTED: "Follow-up withdrawn",
}

STAGES: dict[str, str] = {EventKind.CLOSED_WON: "won", EventKind.CLOSED_LOST: "lost"}


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"email": user.email or user.username, "name": user.get_full_name() or user.username}


def _link(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def payload_build(*, event: MeasurementEvent, key: str) -> dict[str, Any]:
    account = event.account
    candidate = event.candidate
    owner = account.owner
    data = event.data or {}
    candidate_block = None
    links: dict[str, str] = {"queue": _link("queue")}
    if candidate is not None:
        candidate_block = {
            "id": candidate.pk,
            "signal_type": candidate.signal_type,
            "signal_label": candidate.get_signal_type_display(),
            "recommendation": candidate.recommendation,
            "score": candidate.score,
            "evidence": list(candidate.evidence or []),
        }
        links["candidate"] = _link("candidate-detail", pk=candidate.pk)
    body: dict[str, Any] = {
        "id": key,
        "type": event.kind,
        "schema_version": SCHEMA_VERSION,
        "occurred_at": event.occurred_at.isoformat(),
        "account": {
            "external_id": account.external_id,
            "name": account.name,
            "segment": account.segment,
            "arr": str(account.arr) if account.arr is not None else None,
            "currency": account.currency,
            "renewal_date": account.renewal_date.isoformat() if account.renewal_date else None,
        },
        "owner": _person(owner),
        "actor": _person(event.actor),
        "candidate": candidate_block,
        "links": links,
    }
    what = f"{candidate.get_signal_type_display()} at {account.name}" if candidate is not None else account.name
    if event.kind == EventKind.APPROVED:
        body["next_step"] = {"what": data.get("next_step", ""), "who": data.get("who", ""), "due": data.get("due")}
        body["message"] = data.get("message", "")
        body["task"] = {
            "subject": f"Expansion: {data.get('next_step', '')}"[:255],
            "body": _task_body(what, data.get("next_step", ""), data.get("who", ""), links),
            "due_date": data.get("due"),
            "owner_email": body["owner"]["email"] if body["owner"] else None,
        }
    elif event.kind in FOLLOW_UP_TITLES:
        follow_up: dict[str, Any] = {"note": data.get("note", "")}
        for name in ("response", "amount", "currency", "corrects", "reason"):
            if name in data:
                follow_up[name] = data[name]
        if event.kind == EventKind.FOLLOW_UP_CORRECTED:
            follow_up["withdrawn_kind"] = data.get("kind", "")
        body["follow_up"] = follow_up
        if data.get("opportunity") or event.kind in (EventKind.CLOSED_WON, EventKind.CLOSED_LOST):
            body["opportunity"] = {
                "id": data.get("opportunity") or None,
                # "pending": typed by the owner, not yet confirmed by an import from the CRM
                "status": data.get("opportunity_status", "known") if data.get("opportunity") else None,
                "stage": STAGES.get(event.kind, "open"),
                "amount": data.get("amount"),
                "currency": data.get("currency", account.currency),
            }
        body["task"] = {
            "subject": f"{FOLLOW_UP_TITLES[event.kind]}: {what}"[:255],
            "body": _task_body(what, data.get("note", ""), "", links),
            "due_date": None,
            "owner_email": body["owner"]["email"] if body["owner"] else None,
        }
    elif event.kind == EventKind.REASSIGNED:
        users = get_user_model().objects.in_bulk([pk for pk in (data.get("from"), data.get("to")) if pk])
        body["reassignment"] = {
            "from": _person(users.get(data.get("from"))),
            "to": _person(users.get(data.get("to"))),
            "source": data.get("source", "app"),
        }
    return body


def _task_body(what: str, text: str, who: str, links: dict[str, str]) -> str:
    lines = [what]
    if text:
        lines.append(text + (f" (with {who})" if who else ""))
    lines.append(links.get("candidate") or links["queue"])
    return "\n".join(lines)
