import logging
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client

from signals.models import Candidate
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db


def test_sign_in_works_and_wrong_passwords_are_refused(client: Client, owner: User) -> None:
    bad = client.post("/login/", {"username": owner.username, "password": "nope"})
    assert bad.status_code == 200
    assert "That e-mail or password is not right." in bad.content.decode()
    good = client.post("/login/", {"username": owner.username, "password": "pw-for-tests-only"})
    assert good.status_code == 302


def test_logins_are_throttled_after_five_failures(
    client: Client, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(5):
        client.post("/login/", {"username": owner.username, "password": "wrong"})
    locked = client.post("/login/", {"username": owner.username, "password": "pw-for-tests-only"})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert any("login failure" in r.getMessage() and owner.username in r.getMessage() for r in caplog.records)


def test_denied_access_is_logged_with_who_and_what(
    client: Client, owner: User, other_owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    theirs = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=other_owner))
    client.force_login(owner)
    with caplog.at_level(logging.WARNING, logger="security"):
        client.get(f"/candidates/{theirs.pk}/")
    message = next(r.getMessage() for r in caplog.records if r.name == "security")
    assert f"status=404 user={owner.username}" in message
    assert f"path=/candidates/{theirs.pk}/" in message


def test_csrf_is_enforced_on_state_changes(owner: User) -> None:
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    data = {"action": "approve", "next_step": "Call", "consent_reviewed": "1"}
    assert client.post(f"/candidates/{candidate.pk}/decide/", data).status_code == 403
    assert client.post(f"/candidates/{candidate.pk}/decide/", data, HTTP_HX_REQUEST="true").status_code == 403
    assert Candidate.objects.get(pk=candidate.pk).status == "pending"

    # With the token the page carries (the form field, or htmx's X-CSRFToken header), it works.
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    ok = client.post(f"/candidates/{candidate.pk}/decide/", data, HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 302
    assert Candidate.objects.get(pk=candidate.pk).status == "approved"


def test_session_authenticated_api_writes_need_csrf_too(owner: User) -> None:
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        f"/api/v1/candidates/{candidate.pk}/approve/",
        {"next_step": "Call", "consent_reviewed": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Candidate.objects.get(pk=candidate.pk).status == "pending"


def test_pages_send_a_content_security_policy_without_inline_scripts(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.get("/queue/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    body = response.content.decode()
    assert "<script>" not in body and " style=" not in body and " onclick=" not in body


def test_a_nul_character_in_a_query_is_a_clear_400(client: Client, owner: User, api_client_for: "ApiClientFor") -> None:
    client.force_login(owner)
    assert client.get("/queue/?q=a%00b").status_code == 400
    response = api_client_for(owner).get("/api/v1/accounts/?q=%00")
    assert response.status_code == 400
    assert response.json()["detail"] == "Query parameters must not contain NUL characters."


def test_api_ingest_and_decisions_are_throttled(
    api_client_for: "ApiClientFor", leader: User, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"ingest": "2/min", "decisions": "2/min"})
    client = api_client_for(leader)
    records = {"records": [{"type": "account", "external_id": "a", "name": "A"}]}
    assert [client.post("/api/v1/evidence/", records, format="json").status_code for _ in range(3)] == [200, 200, 429]
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    owner_client = api_client_for(owner)
    codes = [
        owner_client.post(
            f"/api/v1/candidates/{candidate.pk}/reject/", {"reason_code": "bogus"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


def test_no_form_or_serializer_lets_a_client_set_protected_fields(
    client: Client, api_client_for: "ApiClientFor", owner: User, other_owner: User
) -> None:
    protected = {
        "owner": other_owner.pk,
        "owner_id": other_owner.pk,
        "status": "approved",
        "score": 1,
        "recommendation": "stop",
        "version": 99,
        "decided_at": "2020-01-01T00:00:00Z",
        "inserted_at": "2020-01-01T00:00:00Z",
        "account": 999,
    }
    web = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    client.force_login(owner)
    client.post(f"/candidates/{web.pk}/decide/", {"action": "defer", "defer_until": "2099-01-01", **protected})
    client.post(f"/candidates/{web.pk}/decide/", {"action": "reject", "reason_code": "other", **protected})
    api = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    api_client_for(owner).post(
        f"/api/v1/candidates/{api.pk}/defer/", {"defer_until": "2099-01-01", "reason": "x", **protected}, format="json"
    )
    for candidate in (web, api):
        fresh = Candidate.objects.select_related("account").get(pk=candidate.pk)
        assert (fresh.status, fresh.score, fresh.recommendation, fresh.version) == ("pending", 80, "pursue", 1)
        assert fresh.account.owner == owner
        assert fresh.decided_at is None and fresh.inserted_at.year > 2020
