"""Roles are Django groups. Owner scoping lives here and nowhere else."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

OWNER = "Account owner"
LEADER = "CS leader"
ADMIN = "Admin"
ROLE_NAMES = (OWNER, LEADER, ADMIN)

AnyUser = User | AnonymousUser


def _group_names(user: AnyUser) -> set[str]:
    # Cached on the user object: templates ask several times per request.
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._role_names = cached  # type: ignore[union-attr]  # a per-instance cache, like Django's _perm_cache
    return cached


def signed_in(user: AnyUser) -> User:
    """The user of a request that requires signing in (login_required, the admin, the API)."""
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or ADMIN in _group_names(user)))


def is_leader(user: AnyUser) -> bool:
    """Leaders and admins see every account; owners see only their own."""
    return is_admin(user) or LEADER in _group_names(user)


def scope_accounts[M: Model](qs: QuerySet[M], user: AnyUser, *, field: str = "") -> QuerySet[M]:
    """Restrict any queryset to what `user` may see.

    `field` is the path from the queryset's model to Account ("" when the model is
    Account itself, "account" for evidence, "candidate__account" for events...).
    """
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_leader(user):
        return qs
    owner_path = f"{field}__owner" if field else "owner"
    return qs.filter(**{owner_path: user})


def scope_candidates[M: Model](qs: QuerySet[M], user: AnyUser) -> QuerySet[M]:
    """Restrict a queryset of candidates to what `user` may see, by the owner the database
    keeps on each candidate (equal to its account's owner: signals migration 0014), so an
    owner's candidates are found through one index rather than a join with the accounts."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_leader(user):
        return qs
    return qs.filter(owner_id=user.pk)


# What each role may do in Django admin and the API. Owners work only in the app.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    OWNER: (),
    LEADER: ("accounts.import_evidence", "accounts.view_account", "accounts.view_importrun"),
    ADMIN: ("*",),
}
ADMIN_APPS = (
    "accounts",
    "signals",
    "reviews",
    "measurement",
    "handoff",
    "digests",
    "plays",
    "core",
    "auth",
    "authtoken",
    "axes",
)


def sync_role_permissions(**kwargs: object) -> None:
    """Create the role groups and give them their permissions (runs after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codes == ("*",):
            perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
        else:
            perms = Permission.objects.none()
            for code in codes:
                app_label, codename = code.split(".")
                perms = perms | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*perms)
