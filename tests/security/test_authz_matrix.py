"""The authorization matrix: every URL pattern and every API route, for anonymous, another
owner, the owner, a leader and an admin. A route without an entry here fails the test."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_owner", "owner", "leader", "admin")
LOGIN = 302  # pages send anonymous users to the sign-in page


@dataclass(frozen=True)
class Rule:
    method: str
    expect: dict[str, int | tuple[int, ...]]
    data: dict = field(default_factory=dict)
    # list views: the other owner gets 200 but must not see the owner's rows
    hides_rows: bool = False
    api: bool = False


def page(
    anonymous: int = LOGIN, other_owner: int = 200, owner: int = 200, leader: int = 200, admin: int = 200, **kw: Any
) -> Rule:
    return Rule(
        "get",
        {"anonymous": anonymous, "other_owner": other_owner, "owner": owner, "leader": leader, "admin": admin},
        **kw,
    )


def api(
    method: str = "get",
    anonymous: int = 401,
    other_owner: int | tuple = 200,
    owner: int | tuple = 200,
    leader: int | tuple = 200,
    admin: int | tuple = 200,
    **kw: Any,
) -> Rule:
    return Rule(
        method,
        {"anonymous": anonymous, "other_owner": other_owner, "owner": owner, "leader": leader, "admin": admin},
        api=True,
        **kw,
    )


DECIDE = {"action": "approve", "next_step": "Call", "consent_reviewed": "1"}
OWNER_DECIDES: dict[str, int | tuple[int, ...]] = dict(
    anonymous=LOGIN, other_owner=404, owner=(200, 302), leader=403, admin=403
)

MATRIX: dict[str, Rule] = {
    # pages
    "home": page(owner=302, other_owner=302, leader=302, admin=302),
    "login": page(anonymous=200),
    "logout": Rule("post", {r: 302 for r in ROLES}),
    "healthz": page(anonymous=200),
    "favicon": Rule("get", {r: 301 for r in ROLES}),
    "queue": page(hides_rows=True),
    "candidate-detail": page(other_owner=404),
    "candidate-decide": Rule("post", OWNER_DECIDES, data=DECIDE),
    "candidate-undo": Rule("post", dict(anonymous=LOGIN, other_owner=404, owner=302, leader=403, admin=403)),
    "candidate-outcome": Rule(
        "post", dict(anonymous=LOGIN, other_owner=404, owner=400, leader=403, admin=403), data={"kind": "outreach_sent"}
    ),
    "candidate-follow-up-correct": Rule(
        "post", dict(anonymous=LOGIN, other_owner=404, owner=302, leader=403, admin=403), data={"reason": "typo"}
    ),
    "account-detail": page(other_owner=404),
    "account-plan": page(other_owner=404),
    "account-plan-md": page(other_owner=404),
    "plans": page(hides_rows=True),
    "plans-md": page(hides_rows=True),
    # per-user writes: nothing of anyone else's is reachable (tests/reviews/test_leader_tools.py)
    "saved-view-save": Rule("post", {r: 302 for r in ROLES}),
    "saved-view-delete": Rule("post", dict(anonymous=LOGIN, other_owner=404, owner=404, leader=404, admin=404)),
    "queue-bulk": Rule("post", {r: 302 for r in ROLES}, data={"bulk_action": "assign"}),
    "triage": page(other_owner=404, owner=404),
    "account-reassign": Rule(
        "post", dict(anonymous=LOGIN, other_owner=404, owner=404, leader=302, admin=302), data={"owner": "OWNER_PK"}
    ),
    "monthly-review": page(hides_rows=True),
    "monthly-review-csv": page(hides_rows=True),
    "dashboard": page(hides_rows=True),
    "dashboard-csv": page(hides_rows=True),
    "dashboard-plays": page(),  # figures per play, no rows of accounts; scoping: tests/plays/test_plays.py
    "dashboard-lift": page(other_owner=404, owner=404),  # the holdout exists for leaders only
    "events-csv": page(),  # streamed; its scoping is tested in tests/measurement/test_views.py
    "digest-settings": page(),  # each user's own preferences; nothing of anyone else's
    # API
    "api-schema": api(),
    "api-docs": page(),  # a browser page: signed out, it sends the person to sign in
    "api-evidence-import": api("post", other_owner=403, owner=403, leader=400, admin=400, data={"records": []}),
    "api-account-list": api(hides_rows=True),
    "api-account-detail": api(other_owner=404),
    "api-account-plan": api(other_owner=404),
    **{
        f"api-account-{kind}": api(other_owner=404)
        for kind in ("contacts", "usage", "tickets", "interactions", "outcomes", "notes", "opportunities")
    },
    "api-account-reassign": api(
        "post", other_owner=404, owner=403, leader=400, admin=400, data={"owner_email": "nobody@example.com"}
    ),
    "api-candidate-list": api(hides_rows=True),
    "api-event-list": api(other_owner=403, owner=403),
    "api-candidate-detail": api(other_owner=404),
    "api-candidate-approve": api(
        "post", other_owner=404, owner=200, leader=403, admin=403, data={"next_step": "Call", "consent_reviewed": True}
    ),
    "api-candidate-reject": api(
        "post", other_owner=404, owner=200, leader=403, admin=403, data={"reason_code": "not_a_fit"}
    ),
    "api-candidate-defer": api(
        "post", other_owner=404, owner=400, leader=403, admin=403, data={"defer_until": "2020-01-01", "reason": "x"}
    ),
    # nothing to undo on a pending candidate: a conflict with its current state
    "api-candidate-undo": api("post", other_owner=404, owner=409, leader=403, admin=403),
    "api-candidate-outcome": api(
        "post", other_owner=404, owner=400, leader=403, admin=403, data={"kind": "outreach_sent"}
    ),
    "api-candidate-follow-up-correct": api(
        "post", other_owner=404, owner=400, leader=403, admin=403, data={"reason": "typo"}
    ),
}

# Django admin is staff-only and tested by Django; static files are public.
SKIP_PREFIXES = ("admin/", "static/")


def named_routes() -> dict[str, str]:
    """Every named route in the project, name -> pattern."""
    found: dict[str, str] = {}

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIP_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                assert p.name, f"route {route} has no name, so the matrix cannot cover it"
                found[p.name] = route

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_matrix_entry() -> None:
    routes = named_routes()
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"routes without an authorization rule: {missing}"
    stale = sorted(set(MATRIX) - set(routes))
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_every_openapi_path_is_a_covered_route(api_client_for: "ApiClientFor", admin_user: User) -> None:
    schema = api_client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    covered = {
        "/"
        + route.replace("<str:external_id>", "{external_id}")
        .replace("<int:pk>", "{pk}")
        .replace("<int:event_id>", "{event_id}")
        for name, route in named_routes().items()
        if name.startswith("api-")
    }
    paths = {p.replace("{id}", "{pk}") for p in schema["paths"]}
    assert paths <= covered


@pytest.fixture
def world(owner: User, other_owner: User, leader: User, admin_user: User) -> dict[str, Any]:
    account = factories.AccountFactory.create(owner=owner, external_id="secret-acct", name="Secretive Holdings")
    factories.TicketFactory.create(account=account)
    factories.AccountFactory.create(owner=other_owner, external_id="theirs", name="Other Co")
    return {
        "anonymous": None,
        "other_owner": other_owner,
        "owner": owner,
        "leader": leader,
        "admin": admin_user,
        "account": account,
    }


def url_for(name: str, route: str, world: dict) -> str:
    from django.urls import reverse

    candidate = factories.CandidateFactory.create(account=world["account"])
    kwargs = {}
    if "<int:pk>" in route:
        kwargs["pk"] = (
            world["account"].pk
            if name in ("account-reassign", "account-detail", "account-plan", "account-plan-md")
            else candidate.pk
        )
    if "<int:event_id>" in route:
        kwargs["event_id"] = 999999
    if "<slug:figure>" in route:
        kwargs["figure"] = "quality-gaps"
    if "<str:external_id>" in route:
        kwargs["external_id"] = world["account"].external_id
    if name in ("monthly-review", "monthly-review-csv"):
        # activity this month, so the owner's account is listed
        factories.InteractionFactory.create(account=world["account"], text="We need 20 more seats")
    if name in ("plans", "plans-md"):
        return reverse(name) + "?renewal="  # any renewal date: the whole book in scope
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(name: str, role: str, world: dict) -> None:
    rule = MATRIX[name]
    route = named_routes()[name]
    url = url_for(name, route, world)
    user = world[role]
    data = {k: (world["owner"].pk if v == "OWNER_PK" else v) for k, v in rule.data.items()}
    if rule.api:
        api_client = APIClient()
        if user is not None:
            api_client.force_authenticate(user)
        response = (
            getattr(api_client, rule.method)(url, data, format="json") if rule.method == "post" else api_client.get(url)
        )
    else:
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.post(url, data) if rule.method == "post" else client.get(url)
    expected = rule.expect[role]
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed, f"{role} {rule.method.upper()} {url}: {response.status_code}"
    if rule.hides_rows and role == "other_owner":
        body = response.content.decode()
        assert "Secretive Holdings" not in body and "secret-acct" not in body
    if rule.hides_rows and role in ("owner", "leader"):
        assert "secret-acct" in response.content.decode() or "Secretive Holdings" in response.content.decode()
