"""The 403, 404 and 500 pages are the app's own, in its look; the 500 page needs
neither the request's context nor the database; the favicon is served."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import permission_denied

from core.views import server_error
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_500_page_needs_no_request_context_or_database() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = server_error(RequestFactory().get("/candidates/1/"))
    assert response.status_code == 500
    assert len(queries) == 0
    body = response.content.decode()
    assert "Something went wrong" in body and 'class="error-card"' in body
    assert "/static/css/app.css" in body and "/static/favicon.svg" in body
    assert "csrf" not in body.lower()


def test_the_403_page_is_in_the_apps_look(owner) -> None:
    request = RequestFactory().get("/queue/bulk/")
    request.user = owner
    response = permission_denied(request, PermissionDenied("Only CS leaders and admins reassign accounts."))
    body = response.content.decode()
    assert response.status_code == 403
    assert 'class="error-card"' in body and "Error 403" in body
    assert "Only CS leaders and admins reassign accounts." in body
    assert 'class="topnav"' in body, "the nav stays, so the person can go on"
    assert "Back to my queue" in body


def test_the_403_page_signed_out_offers_to_sign_in() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/queue/")
    request.user = AnonymousUser()
    body = permission_denied(request, PermissionDenied()).content.decode()
    assert "Sign in" in body and "Your role does not give access" in body


def test_the_404_page_is_in_the_apps_look(client, owner, other_owner) -> None:
    theirs = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=other_owner))
    client.force_login(owner)
    response = client.get(f"/candidates/{theirs.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="error-card"' in body and "Error 404" in body and "URLconf" not in body


def test_every_page_links_the_favicon(client, owner) -> None:
    client.force_login(owner)
    body = client.get("/queue/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    for name, kind in (("favicon.svg", b"<svg"), ("favicon.ico", b"\x00\x00\x01\x00")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert content.startswith(kind), name


def test_the_admin_links_the_favicon(client, admin_user) -> None:
    client.force_login(admin_user)
    body = client.get("/admin/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body


def test_the_root_favicon_redirects_to_the_static_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
