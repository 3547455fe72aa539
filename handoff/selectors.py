"""Reads for the hand-off: the account's known CRM opportunities, and whether an id an
owner typed has been confirmed by an import yet."""

from django.db.models import QuerySet

from accounts.models import Account, Opportunity


def opportunities_for_account(*, account: Account) -> QuerySet[Opportunity]:
    """The account's opportunities as imported from the CRM, newest first (the caller
    already holds the account, so it is scoped to the user)."""
    return (
        Opportunity.objects.filter(account=account)
        .only("external_id", "name", "stage", "opened_at")
        .order_by("-opened_at")[:50]
    )


def opportunity_confirmed(*, account_id: int, external_id: str) -> bool:
    return Opportunity.objects.filter(account_id=account_id, external_id=external_id).exists()
