"""The pure engine on in-memory facts: gates, score, triggers, review facts and the
lifecycle's notion of new evidence. No database; milliseconds each."""

import datetime as dt
from typing import Any

from accounts.models import Account, Outcome, Ticket
from signals.engine.assess import Assessment, assess_account, review_facts_of
from signals.engine.brief import TemplateBriefWriter, cited_evidence, get_brief_writer
from signals.engine.facts import AccountFacts, Item, Stakeholder, TextSignal, UsageSignal
from signals.lifecycle import _History, new_triggers
from signals.models import Candidate
from signals.records import Brief, Trigger, TriggerKind
from signals.rules import default_rules

AS_OF = dt.date(2026, 11, 20)
RULES = default_rules()


def at(days_ago: float) -> dt.datetime:
    return dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC) - dt.timedelta(days=days_ago)


def facts(**kwargs: Any) -> AccountFacts:
    account = Account(
        pk=1,
        external_id="acme",
        name="Acme",
        outreach_allowed=kwargs.pop("consent", True),
        health=kwargs.pop("health", "good"),
        goals=["Faster close"],
        seats_purchased=50,
    )
    f = AccountFacts(account=account, owner_active=kwargs.pop("owner_active", True))
    for name, value in kwargs.items():
        setattr(f, name, value)
    return f


def text(
    item_id: str, signal_type: str = "seats", intent: str = "buying", days_ago: float = 3, role: str = "decision_maker"
) -> TextSignal:
    return TextSignal(
        item=Item(item_id, "interaction", at(days_ago), "We need 20 more seats"),
        signal_type=signal_type,
        intent=intent,
        contact_id=7,
        contact_name="Maria",
        contact_role=role,
        contact_title="VP Ops",
        department="",
        text="We need 20 more seats",
    )


def proof() -> list[Outcome]:
    return [Outcome(external_id="o1", title="Close down to 3 days", recorded_at=at(30), verified=True)]


def only(f: AccountFacts) -> Assessment:
    found = assess_account(f, RULES, AS_OF)
    assert len(found) == 1
    return found[0]


def test_a_proven_buying_request_is_pursued_with_its_message_as_trigger() -> None:
    a = only(facts(texts=[text("m1")], verified_outcomes=proof()))
    assert (a.recommendation, a.intent, a.blockers) == ("pursue", "buying", [])
    assert [(t.ref, t.kind) for t in a.triggers] == [("m1", "message")]
    assert a.score == 75, "intent 30 + value 20 + stakeholder 15 + recency 9.7; no corroboration"


def test_a_blocking_ticket_waits_and_the_blocker_carries_its_parameters() -> None:
    ticket = Ticket(external_id="ZD-1", subject="Exports fail", status="open", priority="high", opened_at=at(6))
    a = only(facts(texts=[text("m1")], verified_outcomes=proof(), unresolved_tickets=[ticket]))
    assert a.recommendation == "wait"
    blocker = a.blockers[0]
    assert (blocker.code, blocker.params["ticket"], blocker.params["priority"]) == (
        "open_support_issue",
        "ZD-1",
        "high",
    )
    assert blocker.evidence == ["ZD-1"]


def test_missing_consent_stops_whatever_else_is_true() -> None:
    a = only(facts(consent=False, texts=[text("m1")], verified_outcomes=proof()))
    assert a.recommendation == "stop" and a.blockers[0].code == "consent_missing"


def test_no_verified_outcome_means_prove_value_first() -> None:
    unverified = [Outcome(external_id="o2", title="Maybe faster", recorded_at=at(10), verified=False)]
    a = only(facts(texts=[text("m1")], unverified_outcomes=unverified))
    assert a.recommendation == "prove_value" and a.blockers[0].evidence == ["o2"]


def test_a_lone_question_is_nurtured() -> None:
    a = only(facts(texts=[text("m1", intent="curious", role="user")], verified_outcomes=proof()))
    assert a.recommendation == "nurture" and [b.code for b in a.blockers] == ["curiosity_only"]


def test_a_decision_maker_writing_about_something_else_does_not_turn_a_question_into_pursue() -> None:
    """The stranger's case: "out of curiosity, what's above our plan?" from a user became
    Pursue 81 because the CFO had written in the window about something else. It stays
    Nurture; a second person asking about it lifts the gate."""
    cfo = Stakeholder(9, "Chris", "decision_maker", "CFO", "", at(40), at(2))
    curious = text("m1", intent="curious", role="user")
    a = only(facts(texts=[curious], stakeholders=[cfo], verified_outcomes=proof()))
    assert a.recommendation == "nurture" and [b.code for b in a.blockers] == ["curiosity_only"]

    second = TextSignal(
        **{**curious.__dict__, "item": Item("m2", "interaction", at(1), "And for us?"), "contact_id": 8}
    )
    a = only(facts(texts=[curious, second], stakeholders=[cfo], verified_outcomes=proof()))
    assert "curiosity_only" not in [b.code for b in a.blockers]


def test_no_owner_is_a_blocker_that_leaves_the_recommendation_alone() -> None:
    a = only(facts(owner_active=False, texts=[text("m1")], verified_outcomes=proof()))
    assert a.recommendation == "pursue" and [b.code for b in a.blockers] == ["no_owner"] and a.no_owner


def test_a_seats_crossing_is_one_trigger_whatever_day_it_is_read() -> None:
    def seats_on(day: dt.date) -> list:
        return [
            UsageSignal(
                "seats",
                "seats",
                Item(f"usage:seats_used:{day}", "usage", day, "48 of 50 seats"),
                "",
                {"used": 48, "purchased": 50, "share": 0.96, "crossed_on": "2026-11-01"},
            )
        ]

    monday = only(facts(usage=seats_on(AS_OF), verified_outcomes=proof()))
    tuesday = only(facts(usage=seats_on(AS_OF + dt.timedelta(days=1)), verified_outcomes=proof()))
    assert monday.triggers[0].ref == tuesday.triggers[0].ref == "seats:2026-11-01"
    assert monday.triggers[0].evidence != tuesday.triggers[0].evidence, "the brief cites the latest reading"


def trigger(ref: str, days_ago: float, kind: TriggerKind = "message", **numbers: float) -> Trigger:
    return Trigger(ref=ref, kind=kind, at=at(days_ago), evidence=ref, numbers=numbers)


def closed(at: dt.datetime) -> Candidate:
    """The latest closed candidate, unsaved: new_triggers reads only its dates."""
    return Candidate(closed_at=at, decided_at=at)


def test_only_trigger_evidence_not_decided_on_and_dated_after_the_decision_is_new() -> None:
    history = _History(refs={"m1", "seats:2026-11-01"}, latest=closed(at(5)))
    found = [
        trigger("m1", 8),
        trigger("m-old-late-import", 7),
        trigger("seats:2026-11-01", 20, "seats"),
        trigger("m2", 1),
        trigger("seats:2026-11-19", 1, "seats"),
    ]
    assert [t.ref for t in new_triggers(found, history, RULES)] == ["m2", "seats:2026-11-19"]


def test_growth_counts_again_only_past_the_threshold_beyond_its_decided_level() -> None:
    history = _History(
        refs={"growth:active_users"}, growth_levels={"growth:active_users": 100.0}, latest=closed(at(30))
    )
    assert new_triggers([trigger("growth:active_users", 1, "growth", level=115.0)], history, RULES) == []
    assert len(new_triggers([trigger("growth:active_users", 1, "growth", level=125.0)], history, RULES)) == 1


def test_review_facts_name_what_was_checked() -> None:
    ticket = Ticket(external_id="ZD-2", subject="Slow", status="pending", priority="normal", opened_at=at(3))
    dm = Stakeholder(7, "Maria", "decision_maker", "VP Ops", "", at(40), at(3))
    f = facts(texts=[text("m1")], verified_outcomes=proof(), unresolved_tickets=[ticket], stakeholders=[dm])
    a = only(f)
    rf = review_facts_of(a, f, RULES, AS_OF)
    assert rf.value_proof.outcome == "o1" and rf.stakeholders[0].name == "Maria"
    assert [(t.id, t.blocking) for t in rf.tickets_checked] == [("ZD-2", False)]
    assert rf.open_issues_checked and rf.source_evidence == ["m1"]


def test_the_brief_is_a_typed_record_that_cites_its_evidence() -> None:
    f = facts(texts=[text("m1")], verified_outcomes=proof())
    a = only(f)
    brief = get_brief_writer().write(a, f, AS_OF)
    assert isinstance(brief, Brief)
    assert {"m1", "o1"} <= set(cited_evidence(brief, a.blockers))
    assert isinstance(TemplateBriefWriter().write(a, f, AS_OF), dict), "a writer may return plain data"


def test_a_conflict_does_not_let_the_renewal_raise_the_score() -> None:
    def assessed(conflicts: list) -> Assessment:
        f = facts(texts=[text("m1")], verified_outcomes=proof(), conflicts=conflicts)
        f.account.renewal_date = AS_OF + dt.timedelta(days=40)
        return only(f)

    calm = assessed([])
    cutting = assessed([(Item("m9", "interaction", at(2), "We will cut 20 seats at renewal"), "reduce")])
    assert "timing" in calm.components["corroboration"]["reason"]
    assert cutting.recommendation == "stop"
    assert "timing" not in cutting.components["corroboration"]["reason"]
    assert cutting.score < calm.score
