"""A customer who writes "stop sending us upgrade offers" has refused consent: Stop."""

import pytest

from signals.consent import opt_out_found
from signals.models import Candidate
from tests.signals.scenario import Scenario, export, score

pytestmark = pytest.mark.django_db

SEATS = "We need 10 more seats by January 15 for the new support hires, budget is approved."


@pytest.mark.parametrize(
    "text",
    [
        "Please stop sending us upsell and upgrade offers. We are not interested in buying anything more this year.",
        "Stop sending me upgrade offers.",
        "Take us off your marketing list, please.",
        "We don't want any more sales calls this quarter.",
        "Kindly unsubscribe us from your marketing emails.",
    ],
)
def test_a_refusal_of_sales_outreach_is_read(text: str) -> None:
    assert opt_out_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Please stop sending the daily report emails to the whole team.",
        "How do I unsubscribe our users from notification emails?",
        "Stop sending invoices to the old address, use billing@acme.example.",
        "Could you send an offer for 20 more seats?",
        "Remove me from the weekly usage digest.",
    ],
)
def test_other_stop_and_remove_requests_are_not_refusals(text: str) -> None:
    assert not opt_out_found(text)


def test_a_written_refusal_stops_the_candidate_and_cites_it(tmp_path) -> None:
    """The stranger's case: a champion's seats request and, from the CFO, "please stop
    sending us upsell offers": the candidate was Pursue 87."""
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS, days_ago=5)
    s.message(
        "m2",
        "Please stop sending us upsell and upgrade offers. We are not interested in buying anything more this year.",
        days_ago=2,
    )
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    assert candidate.recommendation == "stop"
    consent = [b for b in candidate.blockers if b.code == "consent_missing"]
    assert consent and consent[0].evidence == ["m2"] and "not to receive sales offers" in consent[0].message
    row = export()[0]
    assert "consent_missing" in row["blockers"] and "m2" in row["evidence"]


def test_a_request_to_stop_a_report_does_not_stop_anything(tmp_path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", SEATS, days_ago=5)
    s.message("m2", "Please stop sending the daily report emails to the whole team, it is too noisy.", days_ago=2)
    s.import_()
    score("acme")
    assert Candidate.objects.get().recommendation != "stop"
