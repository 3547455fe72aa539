"""Per-endpoint rate limits on the REST API, through the real throttle and the cache:
each scope (reads, other writes, decisions, imports) has its own budget per user, and
over it the API answers 429 with Retry-After and the API's JSON error shape."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.throttling import ScopedRateThrottle

from tests import factories

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rates are read once, when DRF loads; the counting is the real one, in the cache.
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {"read": "3/min", "write": "2/min", "decisions": "2/min", "ingest": "1/min"},
    )


def test_the_defaults_come_from_settings() -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert isinstance(rates, dict) and set(rates) == {"read", "write", "decisions", "ingest"}
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["core.api.ScopedThrottle"]


def test_reads_over_the_limit_get_429_with_retry_after_and_a_json_error(
    rates: None, api_client_for: "ApiClientFor", owner: User, other_owner: User
) -> None:
    client = api_client_for(owner)
    codes = [client.get(url).status_code for url in ("/api/v1/candidates/", "/api/v1/accounts/", "/api/v1/candidates/")]
    assert codes == [200, 200, 200]  # one budget for every read endpoint
    response = client.get("/api/v1/candidates/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    }
    # per user: another owner still reads
    assert api_client_for(other_owner).get("/api/v1/candidates/").status_code == 200


def test_decisions_imports_and_reads_count_apart(
    rates: None, api_client_for: "ApiClientFor", owner: User, leader: User
) -> None:
    client = api_client_for(owner)
    assert [client.get("/api/v1/candidates/").status_code for _ in range(4)] == [200, 200, 200, 429]
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    reject = f"/api/v1/candidates/{candidate.pk}/reject/"
    codes = [client.post(reject, {"reason_code": "bogus"}, format="json").status_code for _ in range(3)]
    assert codes == [400, 400, 429]  # reads used up do not block decisions, nor the other way
    importer = api_client_for(leader)
    records = {"records": [{"type": "account", "external_id": "a", "name": "A"}]}
    assert [importer.post("/api/v1/evidence/", records, format="json").status_code for _ in range(2)] == [200, 429]
    assert importer.get("/api/v1/accounts/").status_code == 200
