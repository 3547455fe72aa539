"""The engine through a real Celery worker on Redis: an import commits, the scoring task
goes to the broker, the worker scores, the candidate appears."""

from pathlib import Path

import pytest

from signals.models import Candidate
from tests.integration.conftest import StartWorker, wait_for
from tests.signals.scenario import Scenario

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_import_is_scored_by_the_worker(tmp_path: Path, send_to_worker: None, start_worker: StartWorker) -> None:
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

    s.add(
        "ticket",
        external_id="ZD-1",
        subject="Scheduled exports fail",
        status="solved",
        priority="urgent",
        opened_at="2026-11-19T12:00:00Z",
        closed_at="2026-11-20T12:00:00Z",
    )
    s.import_()
    wait_for(
        lambda: Candidate.objects.get(pk=candidate.pk).recommendation == "pursue",
        what="the rescore after the ticket closed",
        worker=worker,
    )
    assert Candidate.objects.count() == 1


def test_every_recommendation_through_the_worker(
    tmp_path: Path, send_to_worker: None, start_worker: StartWorker
) -> None:
    worker = start_worker()
    buying = "We need 20 more seats by 1 March; Maria (VP Ops) signed off."
    expected = {}

    def account(external_id: str, recommendation: str, **fields: object) -> Scenario:
        expected[external_id] = recommendation
        return Scenario(tmp_path, external_id, name=external_id.title(), **fields)

    account("p", "pursue").verified_outcome("p-o").message("p-m", buying, days_ago=1).import_()
    account("s", "stop", outreach_allowed=False).verified_outcome("s-o").message("s-m", buying, days_ago=1).import_()
    account("w", "wait", health="poor").verified_outcome("w-o").message("w-m", buying, days_ago=1).import_()
    account("v", "prove_value").message("v-m", buying, days_ago=1).import_()
    account("n", "nurture").verified_outcome("n-o").message(
        "n-m", "Do you offer volume discounts for larger user bases?", days_ago=1
    ).import_()

    def scored() -> bool:
        return Candidate.objects.filter(account__external_id__in=expected).values("account").distinct().count() == 5

    wait_for(scored, what="five accounts scored by the worker", worker=worker)
    found = {c.account.external_id: c.recommendation for c in Candidate.objects.select_related("account")}
    assert found == expected
