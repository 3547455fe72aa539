"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis):
no server error and no response that breaks the schema, for any generated input."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tests import factories

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, so Django's request signals would close
    the test's connection (CONN_MAX_AGE) in the middle of its transaction. Django's own
    test client disconnects the same handler for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth(db: None) -> dict[str, str]:
    leader = factories.leader(username="lee@example.com")
    owner = factories.owner(username="dana@example.com")
    account = factories.AccountFactory.create(owner=owner, external_id="acme")
    factories.CandidateFactory.create(account=account)
    factories.TicketFactory.create(account=account)
    token, _ = Token.objects.get_or_create(user=leader)
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_schema(case: schemathesis.Case, auth: dict[str, str]) -> None:
    # No server error and nothing that contradicts the schema. (Lenient query parsing,
    # such as an empty `page` meaning the first page, is deliberate: the negative-data
    # checks are not used.)
    case.call_and_validate(
        headers=auth,
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
            checks.response_headers_conformance,
        ],
        excluded_checks=[checks.negative_data_rejection, checks.positive_data_acceptance],
    )
