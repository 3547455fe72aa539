from typing import Any

from django import template

from accounts.models import Account
from handoff.selectors import opportunities_for_account, opportunity_confirmed

register = template.Library()


@register.inclusion_tag("handoff/_opportunity_field.html")
def opportunity_field(account: Account, form: Any, candidate_pk: int) -> dict[str, Any]:
    """The follow-up form's opportunity id: any id (a new one stays pending until an
    import confirms it), with the account's known opportunities offered."""
    return {
        "field": form["opportunity"],
        "known": list(opportunities_for_account(account=account)),
        "candidate_pk": candidate_pk,
    }


@register.inclusion_tag("handoff/_opportunity_label.html")
def follow_up_opportunity(event: Any) -> dict[str, Any]:
    external_id = (event.data or {}).get("opportunity", "")
    pending = bool(external_id) and not opportunity_confirmed(account_id=event.account_id, external_id=external_id)
    return {"external_id": external_id, "pending": pending}


@register.inclusion_tag("handoff/_draft_message.html")
def draft_message(candidate: Any, form: Any) -> dict[str, Any]:
    """The editable draft in the approve form (none for Stop). A re-rendered form keeps
    what the owner typed."""
    from handoff.drafts import draft_for

    draft = draft_for(candidate)
    typed = form["message"].value() if form.is_bound else None
    return {
        "draft": draft,
        "candidate_pk": candidate.pk,
        "field": form["message"],
        "value": typed if typed is not None else (draft.text if draft else ""),
    }
