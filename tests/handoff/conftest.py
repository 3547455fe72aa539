from collections.abc import Iterator

import pytest

from handoff.models import Endpoint
from tests.handoff.receiver import Receiver, serve


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    server = serve(r)
    yield r
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(db: None, receiver: Receiver) -> Endpoint:
    return Endpoint.objects.create(name="CRM", url=receiver.url, secret="s3cret-for-tests")
