"""The small things: sign-in says E-mail, API docs send a signed-out person to sign in,
friendly error pages, and no id used twice on a page."""

import re
from collections import Counter

import pytest
from django.test import override_settings

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_login_asks_for_an_email(client) -> None:
    body = client.get("/login/").content.decode()
    assert '<label for="id_username">E-mail</label>' in body and 'type="email"' in body


def test_api_docs_signed_out_go_to_sign_in(client, owner) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/api/docs/")
    client.force_login(owner)
    assert client.get("/api/docs/").status_code == 200


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_apps_own(client, owner) -> None:
    client.force_login(owner)
    response = client.get("/candidates/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body and "URLconf" not in body


def test_debug_is_off_unless_asked_for() -> None:
    import importlib
    import os

    from config.settings import base

    saved = os.environ.pop("DEBUG", None)
    try:
        assert importlib.reload(base).DEBUG is False
    finally:
        if saved is not None:
            os.environ["DEBUG"] = saved
        importlib.reload(base)


def test_no_id_is_used_twice(client, owner) -> None:
    account = factories.AccountFactory.create(owner=owner)
    c = factories.CandidateFactory.create(account=account)
    factories.CandidateFactory.create(account=account, signal_type="capacity")
    client.force_login(owner)
    for url in ("/queue/", f"/candidates/{c.pk}/", f"/accounts/{account.pk}/", "/review/", "/dashboard/"):
        ids = Counter(re.findall(r'\sid="([^"]+)"', client.get(url).content.decode()))
        assert [i for i, n in ids.items() if n > 1] == [], url
