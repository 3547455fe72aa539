"""A rule change's preview on a real Celery worker and Redis: the admin's page waits while
no worker has taken it, shows the result once one has, and nothing but the run is written."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from measurement.models import MeasurementEvent
from signals.models import Candidate, Rule, RulePreviewRun
from tests.integration.conftest import StartWorker, wait_for
from tests.signals.scenario import Scenario, score

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None, tmp_path: Path) -> None:
    """One account with a pending seats candidate, imported and scored in this process
    (before `send_to_worker`: nothing of it waits on the worker's queue)."""
    Scenario(tmp_path, segment="smb").verified_outcome().usage("seats_used", [46.0] * 3).import_()
    score("acme")


def test_the_worker_assesses_the_preview_and_the_page_shows_it(
    client: Client, admin_user: User, scored: None, send_to_worker: None, start_worker: StartWorker
) -> None:
    candidates = list(Candidate.objects.values_list("pk", "status", "version", "recommendation", "score"))
    events = MeasurementEvent.objects.count()
    rule = Rule.objects.get(key="seats_threshold", segment="")
    client.force_login(admin_user)

    started = client.post(
        "/admin/signals/rule/preview/",
        {"_rule_id": rule.pk, "key": "seats_threshold", "segment": "", "value": "0.95", "_preview": "1"},
    )
    assert started.status_code == 302
    page = started["Location"]
    waiting = client.get(page).content.decode()
    assert "Waiting for a worker" in waiting and 'http-equiv="refresh"' in waiting

    worker = start_worker()
    wait_for(lambda: RulePreviewRun.objects.get().finished, what="the preview to finish", worker=worker)

    run = RulePreviewRun.objects.get()
    assert run.status == "done", run.error
    body = client.get(page).content.decode()
    assert "Would expire (no longer detected)" in body and 'http-equiv="refresh"' not in body
    assert list(Candidate.objects.values_list("pk", "status", "version", "recommendation", "score")) == candidates
    assert MeasurementEvent.objects.count() == events
