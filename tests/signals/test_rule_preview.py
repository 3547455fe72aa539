"""Before saving a rule change, the admin sees which accounts and candidates it would
touch: a dry run with the proposed value, in a Celery task that writes nothing but its
own record, started from the change form and read on its own page."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from measurement.models import MeasurementEvent
from signals import preview
from signals.models import Candidate, PreviewStatus, Rule, RulePreviewRun
from signals.records import RulePreviewResult
from signals.tasks import rule_preview_task
from tests import factories
from tests.broker import broker_down
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/signals/rule/preview/"
# session, user, its two permission lookups, its groups (the header), the run
PAGE_QUERIES = 6


@pytest.fixture
def seats_at_92(tmp_path: Path) -> Scenario:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [46.0] * 3)
    s.import_()
    score("acme")
    assert Candidate.objects.get().status == "pending"
    return s


def _snapshot() -> tuple:
    return (
        list(
            Candidate.objects.order_by("pk").values_list(
                "pk", "status", "version", "recommendation", "score", "updated_at"
            )
        ),
        list(MeasurementEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(Rule.objects.order_by("pk").values_list("pk", "key", "segment", "value", "updated_at")),
    )


def _start(
    client: Client, capture: DjangoCaptureOnCommitCallbacks, data: dict[str, object], *, run_task: bool = True
) -> str:
    """Press "Preview the effect before saving"; the task is enqueued when the request's
    work commits: with `run_task`, it runs then (eager, as in the embedded mode)."""
    with capture(execute=run_task):
        response = client.post(PREVIEW, {**data, "_preview": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def _preview_default(client: Client, capture: DjangoCaptureOnCommitCallbacks, key: str, value: str) -> str:
    """The finished preview's page for a new default value of `key`."""
    rule = Rule.objects.get(key=key, segment="")
    page = _start(client, capture, {"_rule_id": rule.pk, "key": key, "segment": "", "value": value})
    return client.get(page).content.decode()


def test_the_change_form_offers_a_preview(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    body = client.get(f"/admin/signals/rule/{rule.pk}/change/").content.decode()
    assert 'formaction="/admin/signals/rule/preview/"' in body
    assert f'name="_rule_id" value="{rule.pk}"' in body


def test_a_preview_lists_the_candidate_that_would_expire_and_saves_nothing(
    client: Client,
    admin_user: User,
    seats_at_92: Scenario,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    before = _snapshot()

    page = _start(
        client,
        django_capture_on_commit_callbacks,
        {"_rule_id": rule.pk, "key": "seats_threshold", "segment": "", "value": "0.95", "note": "tighter"},
    )
    with django_assert_num_queries(PAGE_QUERIES):  # the rows are read from the run: one query however many
        response = client.get(page)

    assert response.status_code == 200
    body = response.content.decode()
    assert _snapshot() == before, "a preview writes nothing but its own run"
    candidate = Candidate.objects.get()
    assert "1 account uses this value, every one assessed" in body
    assert 'http-equiv="refresh"' not in body  # done: nothing to wait for
    row = body.split('id="preview-rows"')[1].split("</table>")[0]
    assert "Acme" in row and f"#{candidate.pk}" in row and "Would expire (no longer detected)" in row
    # the stranger's case: a change saved and reverted had expired 17 candidates for good
    assert "Saving would expire 1 pending candidate for good" in body
    assert "putting the old value back later does not bring them back" in body
    assert "<code>0.90</code> → <code>0.95</code>" in body
    # Saving from the preview goes through the usual change form, with exactly these values.
    assert f'action="/admin/signals/rule/{rule.pk}/change/"' in body
    assert '<input type="hidden" name="value" value="0.95">' in body
    assert '<input type="hidden" name="note" value="tighter">' in body
    run = RulePreviewRun.objects.get()
    assert (run.status, run.requested_by, run.rule, run.accounts, run.assessed) == ("done", admin_user, rule, 1, 1)
    assert isinstance(run.result, RulePreviewResult)
    [stored] = run.result.rows
    assert (stored.account_name, stored.candidate_id, stored.effect, stored.proposed) == (
        "Acme Corp",
        candidate.pk,
        "expires",
        None,
    )
    assert stored.now is not None and stored.now.recommendation == candidate.recommendation


def test_the_page_waits_for_the_task_then_shows_its_result(
    client: Client, admin_user: User, seats_at_92: Scenario, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    page = _start(
        client,
        django_capture_on_commit_callbacks,
        {"_rule_id": rule.pk, "key": "seats_threshold", "segment": "", "value": "0.95"},
        run_task=False,  # a worker has not taken it yet
    )
    run = RulePreviewRun.objects.get()

    waiting = client.get(page).content.decode()
    assert "Waiting for a worker" in waiting and 'http-equiv="refresh" content="2"' in waiting
    assert 'id="preview-rows"' not in waiting and 'name="_save"' in waiting  # saving need not wait

    # Part way through a large book: its progress, as the task records it after each chunk.
    RulePreviewRun.objects.filter(pk=run.pk).update(status=PreviewStatus.RUNNING, accounts=1800, assessed=500)
    running = client.get(page).content.decode()
    assert "Assessing the 1800 accounts this value applies to: 500 done." in running
    assert 'http-equiv="refresh"' in running

    RulePreviewRun.objects.filter(pk=run.pk).update(status=PreviewStatus.QUEUED, accounts=0, assessed=0)
    assert rule_preview_task.delay(run.pk).get() == "done"
    done = client.get(page).content.decode()
    assert "Would expire (no longer detected)" in done and 'http-equiv="refresh"' not in done
    # Run twice (a redelivered task): the finished run is left as it is.
    finished = RulePreviewRun.objects.get(pk=run.pk).finished_at
    assert rule_preview_task.delay(run.pk).get() == "finished already"
    assert RulePreviewRun.objects.get(pk=run.pk).finished_at == finished


def test_a_preview_lists_a_recommendation_change(
    client: Client, admin_user: User, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [46.0] * 3).ticket("ZD-5", priority="high", status="open")
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    assert candidate.recommendation == "wait"
    client.force_login(admin_user)
    before = _snapshot()

    body = _preview_default(client, django_capture_on_commit_callbacks, "blocking_priorities", "urgent")

    row = body.split('id="preview-rows"')[1].split("</table>")[0]
    assert "Recommendation or score changes" in row
    assert "Wait ·" in row and "Pursue ·" in row
    assert _snapshot() == before


def test_a_new_candidate_that_may_appear_is_listed_and_not_created(
    client: Client, admin_user: User, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [40.0] * 3)  # 80% of 50 seats: under the 90% threshold
    s.import_()
    score("acme")
    assert not Candidate.objects.exists()
    client.force_login(admin_user)
    before = _snapshot()

    body = _preview_default(client, django_capture_on_commit_callbacks, "seats_threshold", "0.75")

    assert "New candidate would open: <strong>1</strong>" in body
    assert _snapshot() == before and not Candidate.objects.exists()


def test_a_cool_down_change_lists_the_candidates_it_would_open_or_hold_back(
    client: Client, admin_user: User, owner: User, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    """The stranger's case: the preview of rejection_cooldown_days 60 -> 0 said no candidate
    would change, and saving opened new ones: the store's gates were not previewed."""
    from django.utils import timezone

    from signals.lifecycle import candidate_reject

    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", "We need 20 more seats by March, the VP signed off.", days_ago=40)
    s.import_()
    score("acme", as_of=timezone.now().date())
    first = Candidate.objects.get()
    first.account.owner = owner
    first.account.save()
    candidate_reject(candidate_id=first.pk, user=owner, reason_code="bad_timing")
    # a new request after the rejection: held back by the 60-day cool-down
    s.add(
        "interaction",
        external_id="m2",
        text="Following up: we now need 30 more seats, budget approved.",
        occurred_at=timezone.now().isoformat(),
        channel="email",
    )
    s.import_()
    score("acme", as_of=timezone.now().date())
    assert Candidate.objects.count() == 1
    client.force_login(admin_user)
    before = _snapshot()

    body = _preview_default(client, django_capture_on_commit_callbacks, "rejection_cooldown_days", "0")
    assert "New candidate would open: <strong>1</strong>" in body, body
    assert _snapshot() == before and Candidate.objects.count() == 1

    # and the other way: with no cool-down the candidate opens; a longer one holds it back
    rule = Rule.objects.get(key="rejection_cooldown_days", segment="")
    rule.value = "0"
    rule.save()
    body = _preview_default(client, django_capture_on_commit_callbacks, "rejection_cooldown_days", "60")
    assert "Would no longer open a new candidate: <strong>1</strong>" in body, body


def test_a_segment_rule_previews_only_that_segment(
    client: Client, admin_user: User, seats_at_92: Scenario, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)
    page = _start(
        client, django_capture_on_commit_callbacks, {"key": "seats_threshold", "segment": "enterprise", "value": "0.99"}
    )
    body = client.get(page).content.decode()
    assert "0 accounts use this value" in body and 'id="preview-rows"' not in body
    assert 'action="/admin/signals/rule/add/"' in body
    assert not Rule.objects.filter(segment="enterprise").exists()


def test_an_invalid_value_is_named_and_not_previewed(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    body = client.post(
        PREVIEW, {"_rule_id": rule.pk, "key": "seats_threshold", "segment": "", "value": "1.7"}
    ).content.decode()
    assert "fix the value first" in body and "seats_threshold must be between" in body
    assert 'name="_save"' not in body
    assert Rule.objects.get(pk=rule.pk).value == "0.90"
    assert not RulePreviewRun.objects.exists()


def test_the_whole_book_is_assessed_in_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cap on the accounts any more: every one the change applies to, a chunk at a time,
    with the progress recorded after each chunk."""
    for i in range(5):
        Scenario(tmp_path, external_id=f"co{i}", name=f"Co {i}", segment="smb").verified_outcome().usage(
            "seats_used", [46.0] * 3
        ).import_()
    score(*[f"co{i}" for i in range(5)])
    monkeypatch.setattr(preview, "PREVIEW_CHUNK", 2)
    progress: list[tuple[int, int]] = []

    result = preview.rule_change_preview(
        proposed=Rule(key="seats_threshold", segment="smb", value="0.95"),
        on_progress=lambda done, total: progress.append((done, total)),
    )

    assert progress == [(0, 5), (2, 5), (4, 5), (5, 5)]  # the whole book, two accounts at a time
    assert result.accounts == 5 and result.open_candidates == 5
    assert sorted(r.account_name for r in result.rows) == [f"Co {i}" for i in range(5)]
    assert {r.effect for r in result.rows} == {"expires"}


def test_a_preview_that_cannot_be_queued_says_so_and_stops_refreshing(
    client: Client, admin_user: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)

    with broker_down():
        page = _start(
            client, django_capture_on_commit_callbacks, {"key": "seats_threshold", "segment": "smb", "value": "0.95"}
        )
    body = client.get(page).content.decode()

    assert "The preview could not be completed: The task queue could not be reached" in body
    assert 'http-equiv="refresh"' not in body
    assert RulePreviewRun.objects.get().status == "failed"


def test_only_admins_start_or_read_a_preview(
    client: Client, owner: User, leader: User, admin_user: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)
    page = _start(
        client, django_capture_on_commit_callbacks, {"key": "seats_threshold", "segment": "smb", "value": "0.5"}
    )
    for user in (owner, leader):
        client.force_login(user)
        started = client.post(PREVIEW, {"key": "seats_threshold", "value": "0.5"})
        assert started.status_code == 302 and "/admin/login/" in started["Location"]
        read = client.get(page)
        assert read.status_code == 302 and "/admin/login/" in read["Location"]
    assert RulePreviewRun.objects.count() == 1
    # staff without the rules' permissions neither
    staff = factories.UserFactory.create(username="sam@example.com", is_staff=True)
    client.force_login(staff)
    assert client.post(PREVIEW, {"key": "seats_threshold", "value": "0.5"}).status_code == 403
    assert client.get(page).status_code == 403
