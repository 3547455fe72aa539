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


FACTS_VARIANTS = [
    # (review_facts, the four parts as the JSON says them)
    ({}, (False, False, False, False)),
    ({"checked": True, "open_issues_checked": True}, (False, False, False, True)),
    ({"source_evidence": ["m1"], "value_proof": {"verified": False, "outcome": "o1"}}, (True, False, False, False)),
    (
        {
            "source_evidence": ["m1", "m2"],
            "value_proof": {"verified": True, "outcome": "o1"},
            "stakeholders": [{"contact_id": 1, "name": "Ann", "role": "champion"}],
            "open_issues_checked": False,
        },
        (True, True, True, False),
    ),
]
TRIGGER_VARIANTS = [
    ([], ()),
    ([{"ref": "seats:x", "kind": "seats", "at": "2026-01-01T00:00:00Z"}], ()),
    (
        [
            {"ref": "m1", "kind": "message", "at": "2026-01-01T00:00:00Z", "rules": ["upgrade-ask", "more-seats"]},
            {"ref": "m2", "kind": "message", "at": "2026-01-02T00:00:00Z", "rules": ["more-seats"]},
            {"ref": "t1", "kind": "ticket", "at": "2026-01-03T00:00:00Z", "rules": []},
        ],
        ("more-seats", "upgrade-ask"),
    ),
]


def test_the_stored_columns_say_what_the_json_says_and_follow_each_write() -> None:
    """The dashboard reads the review-quality parts and the rule names from columns the
    database generates from `review_facts` and `triggers`; they must equal the JSON on
    insert and after every later write of it (the engine's rescore rewrites both)."""
    from django.db.models import F

    from tests.factories import CandidateFactory

    def stored(c: Candidate) -> tuple[tuple[bool, bool, bool, bool], tuple[str, ...]]:
        row = Candidate.objects.values_list(
            "has_source_evidence", "has_value_proof", "has_stakeholders", "has_open_issue_check", "trigger_rules"
        ).get(pk=c.pk)
        return tuple(bool(v) for v in row[:4]), selectors._rule_names(row[4])  # type: ignore[return-value]

    candidates = [
        CandidateFactory.create(review_facts=facts, triggers=triggers, signal_type=kind)
        for (facts, _), (triggers, _), kind in zip(
            FACTS_VARIANTS,
            [*TRIGGER_VARIANTS, TRIGGER_VARIANTS[0]],
            ("seats", "capacity", "scale", "add_on"),
            strict=True,
        )
    ]
    for c, (_, parts), (_, rules) in zip(
        candidates, FACTS_VARIANTS, [*TRIGGER_VARIANTS, TRIGGER_VARIANTS[0]], strict=True
    ):
        assert stored(c) == (parts, rules)
    # A later write (a model save, then a queryset update as the rescore's) moves them.
    first = candidates[0]
    first.review_facts = FACTS_VARIANTS[3][0]
    first.triggers = TRIGGER_VARIANTS[2][0]
    first.save()
    assert stored(first) == (FACTS_VARIANTS[3][1], TRIGGER_VARIANTS[2][1])
    Candidate.objects.filter(pk=first.pk).update(review_facts=FACTS_VARIANTS[1][0], triggers=F("triggers"))
    assert stored(first) == (FACTS_VARIANTS[1][1], TRIGGER_VARIANTS[2][1])
    # And the dashboard's facts are those columns.
    facts = selectors.facts_for(
        Candidate.objects.filter(pk__in=[c.pk for c in candidates]), until=dt.datetime.now(dt.UTC)
    )
    assert facts[first.pk].rules == TRIGGER_VARIANTS[2][1]
    assert (facts[first.pk].source_evidence, facts[first.pk].open_issue_check) == (False, True)
