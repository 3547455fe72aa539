"""One cap on request bodies for pages and the API: over it, a 413 that states the limit."""

import json
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from pytest_django import Settings

from accounts.models import Account

if TYPE_CHECKING:
    from tests.conftest import ApiClientFor

pytestmark = pytest.mark.django_db
LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def batch(n: int, name_length: int = 250) -> str:
    return json.dumps(
        {"records": [{"type": "account", "external_id": f"a{i}", "name": "x" * name_length} for i in range(n)]}
    )


def test_the_limit_holds_a_full_batch_of_ordinary_records(api_client_for: "ApiClientFor", leader: User) -> None:
    body = batch(10_000)
    assert 2_500_000 < len(body) < LIMIT  # over Django's default of 2.5 MB

    response = api_client_for(leader).post("/api/v1/evidence/", body, content_type="application/json")

    assert response.status_code == 200, response.content[:300]
    assert Account.objects.count() == 10_000


def test_an_api_body_over_the_limit_is_a_413_that_states_it(api_client_for: "ApiClientFor", leader: User) -> None:
    body = batch(9_000, name_length=300) + " " * (LIMIT - 9_000 * 300)
    assert len(body) > LIMIT
    client = api_client_for(leader)
    client.raise_request_exception = False

    response = client.post("/api/v1/evidence/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["limit_bytes"] == LIMIT == 10 * 1024 * 1024
    assert "the limit is 10.0 MB (10,485,760 bytes)" in response.json()["detail"]
    assert not Account.objects.exists()


def test_a_form_body_over_the_limit_is_a_413_page_that_states_it(owner: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(owner)

    response = client.post("/queue/", {"note": "x" * (LIMIT + 1)})

    assert response.status_code == 413
    assert "the limit is 10.0 MB (10,485,760 bytes)" in response.content.decode()


def test_a_body_found_too_large_while_read_is_a_413_too(rf: RequestFactory, settings: Settings) -> None:
    from django.core.exceptions import RequestDataTooBig

    from core.views import bad_request

    response = bad_request(rf.post("/api/v1/evidence/"), RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert json.loads(response.content)["limit_bytes"] == LIMIT
