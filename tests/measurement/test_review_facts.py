"""The pilot's review-quality parts come from facts the engine stored, not from the
brief's wording: rewording every sentence of every brief moves no figure."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings

from measurement import selectors
from signals.engine.assess import Assessment
from signals.engine.facts import AccountFacts
from signals.models import Candidate
from signals.records import Brief, Statement
from tests.signals.scenario import AS_OF, Scenario, score

pytestmark = pytest.mark.django_db

SEATS = "Our team is expanding: we need 20 more seats by 1 March, Maria (VP Ops) has signed off."


class PlainWriter:
    """A writer that says everything differently: no 'ticket', no 'decision maker',
    no 'No unresolved support tickets' anywhere, and cites nothing."""

    def write(self, assessment: Assessment, facts: AccountFacts, as_of: dt.date) -> Brief:
        return Brief(
            signal=[Statement(text="Something came up.")],
            value=[Statement(text="See the account.")],
            risk_timing=[Statement(text="Have a look first.")],
            stakeholders=[Statement(text="Talk to people.")],
            next_step=[Statement(text="Decide.")],
        )


def _parts() -> dict[int, tuple[bool, bool, bool, bool]]:
    until = dt.datetime.combine(AS_OF + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC)
    facts = selectors.facts_for(Candidate.objects.all(), until=until)
    return {pk: (f.source_evidence, f.value_proof, f.stakeholder_fit, f.open_issue_check) for pk, f in facts.items()}


def test_a_reworded_brief_moves_no_review_quality_part(tmp_path: Path) -> None:
    proven = Scenario(tmp_path, "acme")
    proven.contact("acme-dm", "decision_maker", name="Maria Lopez")
    proven.verified_outcome().ticket("T-1", priority="normal", days_ago=2).message("m1", SEATS, contact="acme-dm")
    proven.import_()
    bare = Scenario(tmp_path, "birch", name="Birch Ltd")
    bare.message("b1", "Could we get more seats at some point? Just asking.")
    bare.import_()
    score("acme", "birch")

    before = _parts()
    assert len(before) == 2
    acme = Candidate.objects.get(account__external_id="acme")
    birch = Candidate.objects.get(account__external_id="birch")
    assert before[acme.pk] == (True, True, True, True)
    assert before[birch.pk] == (True, False, False, True), "the parts are not all trivially true"
    assert acme.review_facts.tickets_checked[0].id == "T-1"
    assert acme.review_facts.stakeholders[0].name == "Maria Lopez"
    assert acme.evidence and acme.review_facts.source_evidence[0] == "m1"

    with override_settings(BRIEF_WRITER="tests.measurement.test_review_facts.PlainWriter"):
        score("acme", "birch")
    acme.refresh_from_db()
    assert acme.brief.text_of("risk_timing") == "Have a look first.", "the brief was rewritten"
    assert "m1" not in acme.evidence, "and cites nothing of its own"
    assert _parts() == before
