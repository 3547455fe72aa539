"""Nothing a signed-in user sees may be kept by a browser or a shared cache."""

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/queue/", "/triage/", "/review/", "/review.csv", "/dashboard/", "/dashboard/funnel.csv", "/events.csv"]
)
def test_signed_in_pages_and_exports_are_not_stored(client: Client, leader: User, url: str) -> None:
    client.force_login(leader)

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/api/v1/accounts/", "/api/v1/events/", "/api/v1/candidates/"])
def test_api_answers_to_a_token_are_not_stored(api_client_for: "ApiClientFor", leader: User, url: str) -> None:
    response = api_client_for(leader).get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_health_check_stays_cacheable(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.has_header("Cache-Control")
