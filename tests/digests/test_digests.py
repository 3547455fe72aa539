"""Digests through a real SMTP server started by the test (aiosmtpd on loopback): the
owner's digest at 08:00 in their time zone, HTML with a plain-text part, once per
period, nothing when empty; the leaders' weekly pilot summary; the settings page."""

import datetime as dt
from email.message import Message

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from digests.models import DigestPreference, DigestSent
from digests.services import digests_due, owner_digest_send, pilot_summary_send
from signals import lifecycle
from signals.models import Candidate
from tests import factories
from tests.digests.smtp import Inbox

pytestmark = pytest.mark.django_db


def _parts(message: Message) -> dict[str, str]:
    out = {}
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            out[part.get_content_type()] = payload.decode().replace("\r\n", "\n")
    return out


# 08:00 in Berlin on a Monday (07:00 UTC in winter)
BERLIN_8AM_MONDAY = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def dana(owner: User) -> User:
    owner.email = "dana@example.com"
    owner.save()
    DigestPreference.objects.create(user=owner, frequency="daily", time_zone="Europe/Berlin")
    return owner


def test_the_daily_digest_arrives_at_8_local_with_html_and_text(dana: User, smtp: Inbox) -> None:
    account = factories.AccountFactory.create(owner=dana, name="Acme Corp")
    candidate = factories.CandidateFactory.create(account=account)
    assert not owner_digest_send(user_id=dana.pk, now=BERLIN_8AM_MONDAY - dt.timedelta(hours=1))  # 07:00 Berlin
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 1
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "dana@example.com" and "1 item" in message["Subject"]
    parts = _parts(message)
    link = f"https://signals.example.com/candidates/{candidate.pk}/"
    assert link in parts["text/plain"] and f'href="{link}"' in parts["text/html"]
    assert "Acme Corp" in parts["text/plain"]
    # the hourly task running again in the same hour sends nothing more
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 0
    assert len(smtp.messages) == 1 and DigestSent.objects.count() == 1


def test_the_link_opens_the_candidate_for_its_owner(dana: User, smtp: Inbox) -> None:
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana))
    digests_due(now=BERLIN_8AM_MONDAY)
    link = next(line.strip() for line in _parts(smtp.messages[0])["text/plain"].splitlines() if "/candidates/" in line)
    client = Client()
    client.force_login(dana)
    response = client.get(link.removeprefix("https://signals.example.com"))
    assert response.status_code == 200 and candidate.account.name in response.content.decode()


def test_nothing_is_sent_when_there_is_nothing_to_say(dana: User, smtp: Inbox) -> None:
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 0
    assert smtp.messages == [] and not DigestSent.objects.exists()


def test_off_and_weekly(dana: User, smtp: Inbox) -> None:
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana))
    DigestPreference.objects.filter(user=dana).update(frequency="off")
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 0
    DigestPreference.objects.filter(user=dana).update(frequency="weekly")
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(days=1))["owner"] == 0  # Tuesday
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 1


def test_the_digest_lists_returning_deferrals_overdue_steps_and_approvals_awaiting_follow_up(
    dana: User, smtp: Inbox
) -> None:
    today = BERLIN_8AM_MONDAY.date()
    account = factories.AccountFactory.create(owner=dana, name="Globex")
    factories.CandidateFactory.create(
        account=account, signal_type="capacity", status="deferred", defer_until=today + dt.timedelta(days=1)
    )
    overdue = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana, name="Initech"))
    lifecycle.candidate_approve(
        candidate_id=overdue.pk,
        user=dana,
        consent_reviewed=True,
        next_step=lifecycle.NextStep("Call Bill", due=timezone.now().date()),
        at=BERLIN_8AM_MONDAY - dt.timedelta(days=10),
    )
    from reviews.models import Decision

    Decision.objects.filter(candidate=overdue).update(next_step_due=today - dt.timedelta(days=2))
    quiet = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana, name="Hooli"))
    lifecycle.candidate_approve(
        candidate_id=quiet.pk,
        user=dana,
        consent_reviewed=True,
        next_step=lifecycle.NextStep("Email Gavin"),
        at=BERLIN_8AM_MONDAY - dt.timedelta(days=5),
    )
    digests_due(now=BERLIN_8AM_MONDAY)
    text = _parts(smtp.messages[0])["text/plain"]
    assert "Deferrals coming back:\n- Globex" in text
    assert "Overdue next steps:\n- Initech: Call Bill" in text
    assert "Approved, nothing logged since:\n- Hooli" in text


def test_another_owners_candidates_never_appear(dana: User, other_owner: User, smtp: Inbox) -> None:
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana, name="Mine"))
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=other_owner, name="Not Mine"))
    digests_due(now=BERLIN_8AM_MONDAY)
    assert all("Not Mine" not in _parts(m)["text/plain"] for m in smtp.messages if m["To"] == "dana@example.com")


def test_leaders_get_the_weekly_pilot_summary(leader: User, owner: User, smtp: Inbox) -> None:
    leader.email = "lee@example.com"
    leader.save()
    candidate = factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner))
    Candidate.objects.filter(pk=candidate.pk).update(inserted_at=BERLIN_8AM_MONDAY - dt.timedelta(days=2))
    assert pilot_summary_send(user_id=leader.pk, now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1))  # 08:00 UTC Monday
    message = smtp.messages[-1]
    assert message["To"] == "lee@example.com" and message["Subject"].startswith("Pilot summary")
    parts = _parts(message)
    assert "Signals surfaced: 1" in parts["text/plain"] and "text/html" in parts
    assert not pilot_summary_send(user_id=owner.pk, now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1), force=True)


def test_the_settings_page_saves_the_preference(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    assert client.get("/settings/email/").status_code == 200
    response = client.post("/settings/email/", {"frequency": "weekly", "time_zone": "America/New_York"})
    assert response.status_code == 302
    pref = DigestPreference.objects.get(user=owner)
    assert (pref.frequency, pref.time_zone, pref.pilot_summary) == ("weekly", "America/New_York", False)
    assert client.post("/settings/email/", {"frequency": "weekly", "time_zone": "Mars/Olympus"}).status_code == 400
