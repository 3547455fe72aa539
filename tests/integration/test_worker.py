"""The engine through a real Celery worker on Redis: an import commits, the scoring task
goes to the broker, the worker scores, the candidate appears."""

from pathlib import Path

import pytest

from signals.models import Candidate
from tests.integration.conftest import wait_for
from tests.signals.scenario import Scenario

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_import_is_scored_by_the_worker(tmp_path: Path, send_to_worker, start_worker) -> None:
    worker = start_worker()
    s = Scenario(tmp_path)
    s.contact("c1", "decision_maker", name="Maria Lopez")
    s.verified_outcome(days_ago=10)
    s.ticket("ZD-1", priority="urgent", days_ago=1)
    s.message("m1", "We need 20 more seats by 1 March; Maria (VP Ops) signed off.", days_ago=1, contact="c1")
    s.import_()

    wait_for(lambda: Candidate.objects.filter(signal_type="seats").exists(), what="the worker to score", worker=worker)
    candidate = Candidate.objects.get(signal_type="seats")
    assert (candidate.intent, candidate.recommendation) == ("buying", "wait")

    s.add("ticket", external_id="ZD-1", subject="Scheduled exports fail", status="solved", priority="urgent",
          opened_at="2026-11-19T12:00:00Z", closed_at="2026-11-20T12:00:00Z")
    s.import_()
    wait_for(lambda: Candidate.objects.get(pk=candidate.pk).recommendation == "pursue",
             what="the rescore after the ticket closed", worker=worker)
    assert Candidate.objects.count() == 1
