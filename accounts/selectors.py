"""Reads, always scoped to what the user may see."""

from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.models import Account
from core.roles import AnyUser, scope_accounts


def account_list(*, user: AnyUser, search: str = "", segment: str = "") -> QuerySet[Account]:
    qs = scope_accounts(Account.objects.select_related("owner"), user)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(external_id__iexact=search)
    if segment:
        qs = qs.filter(segment=segment)
    return qs.order_by("name", "pk")


def account_get(*, user: AnyUser, external_id: str) -> Account:
    """The account, or 404 when it does not exist or the user may not see it."""
    account = scope_accounts(Account.objects.select_related("owner"), user).filter(external_id=external_id).first()
    if account is None:
        raise Http404("No such account")
    return account


def evidence_list[M: Model](*, account: Account, model: type[M]) -> QuerySet[M]:
    """The account's evidence of one kind; the caller got `account` through account_get."""
    qs = model._default_manager.filter(account=account)
    if hasattr(model, "contact"):
        qs = qs.select_related("contact")
    return qs
