"""The link in the digest e-mail opens the candidate in the browser (after signing in)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from digests.models import DigestPreference
from digests.services import digests_due
from tests import factories
from tests.browser.conftest import DEMO_PASSWORD
from tests.digests.smtp import Inbox

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_link_in_the_digest_opens_the_candidate(
    browser: Browser, live_server: LiveServer, smtp: Inbox, settings: Settings
) -> None:
    owner = factories.owner(username="dana@example.com", email="dana@example.com", first_name="Dana")
    owner.set_password(DEMO_PASSWORD)
    owner.save()
    DigestPreference.objects.create(user=owner, frequency="daily", time_zone="UTC")
    candidate = factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=owner, name="Acme Corp")
    )
    settings.SITE_URL = live_server.url
    digests_due(now=dt.datetime.now(dt.UTC).replace(hour=settings.DIGEST_HOUR, minute=0))
    text = next(
        payload.decode()
        for p in smtp.messages[0].walk()
        if p.get_content_type() == "text/plain" and isinstance(payload := p.get_payload(decode=True), bytes)
    )
    found = re.search(rf"{re.escape(live_server.url)}/candidates/\d+/", text)
    assert found is not None, text
    link = found.group(0)

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(link)  # signed out: the sign-in page, then back to the link
    page.fill("#id_username", "dana@example.com")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/candidates/{candidate.pk}/")
    assert "Acme Corp" in page.locator("main").inner_text()
    context.close()
