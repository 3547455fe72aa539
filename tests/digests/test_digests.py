"""Digests through a real SMTP server started by the test (aiosmtpd on loopback): the
owner's digest at 08:00 in their time zone, HTML with a plain-text part, once per
period, nothing when empty; the leaders' weekly pilot summary; the settings page."""

import datetime as dt
from email.message import Message

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

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
    assert len(smtp.messages) == 1 and DigestSent.objects.get().status == "sent"
    # and so does a run later the same day
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=5))["owner"] == 0
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
    digests_due(now=BERLIN_8AM_MONDAY)
    assert smtp.messages == [] and DigestSent.objects.get().status == "empty"
    # the day is settled: a candidate arriving later that day waits for tomorrow's digest
    factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=dana))
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=2))["owner"] == 0
    assert smtp.messages == []


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


def test_the_time_zone_list_is_canonical_grouped_and_common_first(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    html = client.get("/settings/email/").content.decode()
    assert html.index('<optgroup label="Common">') < html.index('<optgroup label="Africa">')
    assert html.index('<optgroup label="Europe">') < html.index('<optgroup label="Pacific">')
    assert 'value="Asia/Kolkata"' in html and 'value="Europe/Kyiv"' in html and 'value="UTC"' in html
    for legacy in (
        "Africa/Asmera",
        "America/Argentina/ComodRivadavia",
        "US/Eastern",
        "Etc/GMT+5",
        "Asia/Calcutta",
        "EST5EDT",
        "GB",
    ):
        assert f'value="{legacy}"' not in html, legacy
    # never saved: the page asks the browser for its zone; saved once: it shows the saved one
    assert "data-browser-zone" in html
    for legacy in ("US/Eastern", "Asia/Calcutta"):
        assert client.post("/settings/email/", {"frequency": "daily", "time_zone": legacy}).status_code == 400
    assert not DigestPreference.objects.filter(user=owner).exists()
    assert client.post("/settings/email/", {"frequency": "daily", "time_zone": "Asia/Kolkata"}).status_code == 302
    html = client.get("/settings/email/").content.decode()
    assert "data-browser-zone" not in html and '<option value="Asia/Kolkata" selected>' in html


def test_a_legacy_zone_saved_earlier_stays_selectable_for_its_owner(owner: User) -> None:
    DigestPreference.objects.create(user=owner, frequency="daily", time_zone="US/Eastern")
    client = Client()
    client.force_login(owner)
    assert '<option value="US/Eastern" selected>' in client.get("/settings/email/").content.decode()
    assert client.post("/settings/email/", {"frequency": "weekly", "time_zone": "US/Eastern"}).status_code == 302
    assert DigestPreference.objects.get(user=owner).frequency == "weekly"


def _owners(n: int) -> list[User]:
    users = []
    for i in range(n):
        user = User.objects.create_user(f"owner{i}", email=f"owner{i}@example.com")
        DigestPreference.objects.create(user=user, frequency="daily", time_zone="Europe/Berlin")
        factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=user, name=f"Account {i}"))
        users.append(user)
    return users


def test_one_refused_recipient_does_not_stop_the_others_and_a_rerun_sends_only_to_it(smtp: Inbox) -> None:
    first, failing, last = _owners(3)
    smtp.refuse = {"owner1@example.com"}
    assert digests_due(now=BERLIN_8AM_MONDAY)["owner"] == 3  # one task per recipient
    assert sorted(m["To"] for m in smtp.messages) == ["owner0@example.com", "owner2@example.com"]
    failed = DigestSent.objects.get(user=failing)
    assert (failed.status, failed.attempts) == ("failed", 1) and "SMTPRecipientsRefused" in failed.last_error
    # retried with backoff: not before its time, however often the task runs
    assert failed.next_attempt_at is not None
    assert 50 <= (failed.next_attempt_at - timezone.now()).total_seconds() <= 60
    smtp.refuse = set()
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1))["owner"] == 0
    assert len(smtp.messages) == 2
    # once the backoff has passed, the next run the same day sends to that recipient only
    DigestSent.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1))["owner"] == 1
    assert [m["To"] for m in smtp.messages] == ["owner0@example.com", "owner2@example.com", "owner1@example.com"]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 2)
    assert set(DigestSent.objects.values_list("status", flat=True)) == {"sent"}
    # a rerun after everyone is sent sends nothing
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=2))["owner"] == 0
    assert len(smtp.messages) == 3


def test_the_backoff_doubles_and_a_digest_out_of_attempts_waits_for_admin(smtp: Inbox, settings: Settings) -> None:
    from digests.services import backoff_seconds, digest_send, digest_send_again

    settings.DIGEST_MAX_ATTEMPTS = 2
    assert [backoff_seconds(n) for n in (1, 2, 3, 7)] == [60, 120, 240, 1800]
    (user,) = _owners(1)
    smtp.refuse = {user.email}
    digests_due(now=BERLIN_8AM_MONDAY)
    record = DigestSent.objects.get()
    DigestSent.objects.filter(pk=record.pk).update(next_attempt_at=timezone.now())
    assert digest_send(digest_id=record.pk) == "failed"  # the second and last attempt
    record.refresh_from_db()
    assert (record.status, record.attempts, record.next_attempt_at) == ("failed", 2, None)
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1))["owner"] == 0
    smtp.refuse = set()
    digest_send_again(digest_id=record.pk)
    record.refresh_from_db()
    assert record.status == "sent" and [m["To"] for m in smtp.messages] == [user.email]


def test_a_digest_being_sent_is_never_sent_twice(smtp: Inbox) -> None:
    from digests.services import digest_send

    (user,) = _owners(1)
    digests_due(now=BERLIN_8AM_MONDAY)
    record = DigestSent.objects.get()
    assert record.status == "sent" and digest_send(digest_id=record.pk) == "skipped"
    # a worker that died mid-send leaves the record in flight: no run or retry sends it again
    DigestSent.objects.filter(pk=record.pk).update(status="sending")
    assert digest_send(digest_id=record.pk) == "skipped"
    assert digests_due(now=BERLIN_8AM_MONDAY + dt.timedelta(hours=1))["owner"] == 0
    assert len(smtp.messages) == 1


def test_admin_lists_the_records_and_sends_a_failed_one_again(smtp: Inbox, admin_client: Client) -> None:
    (user,) = _owners(1)
    smtp.refuse = {user.email}
    digests_due(now=BERLIN_8AM_MONDAY)
    record = DigestSent.objects.get()
    page = admin_client.get("/admin/digests/digestsent/").content.decode()
    assert "Digest records" in page and "Failed" in page
    assert (
        "SMTPRecipientsRefused" in admin_client.get(f"/admin/digests/digestsent/{record.pk}/change/").content.decode()
    )
    smtp.refuse = set()
    response = admin_client.post(
        "/admin/digests/digestsent/", {"action": "send_again", "_selected_action": [record.pk]}, follow=True
    )
    assert "1 digest(s) queued again." in response.content.decode()
    record.refresh_from_db()
    assert record.status == "sent" and [m["To"] for m in smtp.messages] == [user.email]


def test_old_settled_records_are_pruned_and_pending_ones_kept(settings: Settings) -> None:
    from digests.tasks import prune_task

    settings.DIGEST_RECORD_DAYS = 90
    (user,) = _owners(1)
    today = timezone.now().date()
    old = today - dt.timedelta(days=91)
    kept_age = today - dt.timedelta(days=89)
    for offset, status in enumerate(["sent", "empty", "failed", "pending", "sending"]):
        DigestSent.objects.create(user=user, kind="owner", period=old - dt.timedelta(days=offset), status=status)
    DigestSent.objects.create(user=user, kind="owner", period=kept_age, status="sent")

    assert prune_task.delay().get() == 3
    left = sorted(DigestSent.objects.values_list("status", "period"))
    assert left == sorted(
        [("pending", old - dt.timedelta(days=3)), ("sending", old - dt.timedelta(days=4)), ("sent", kept_age)]
    )
