"""The planning summary as a typed record: every part present, every statement citing
evidence that resolves, honest empty parts, and a fixed number of queries."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.http import Http404
from django.utils import timezone

from planning.records import AccountPlan
from planning.selectors import PlanFilters, account_plan, account_plans, plan_set
from reviews.models import Decision
from signals import lifecycle
from tests import factories
from tests.planning.book import planning_book

pytestmark = pytest.mark.django_db


def _cited(plan: AccountPlan) -> list[tuple[str, list[str]]]:
    lines: list[tuple[str, list[str]]] = []
    for g in plan.goals:
        lines += [(o.text, o.evidence) for o in g.outcomes]
    lines += [(o.text, o.evidence) for o in plan.other_outcomes]
    lines += [(u.text, u.evidence) for u in plan.usage]
    for c in plan.candidates:
        if c.decision:
            lines.append((c.decision.text, c.decision.evidence))
        lines += [(f.text, f.evidence) for f in c.follow_ups]
    lines += [(a.text, a.evidence) for s in plan.stakeholders for a in s.asks]
    lines += [(r.text, r.evidence) for r in plan.risks]
    lines += [(s.text, s.evidence) for s in plan.next_steps if s.approved]
    return lines


def test_it_assembles_every_part(owner: User) -> None:
    book = planning_book(owner)
    plan = account_plan(user=owner, pk=book.account.pk)

    assert plan.account.renewal_days == 60 and plan.account.plan == "Growth" and plan.account.seats_purchased == 50
    close, access = plan.goals
    assert close.goal == "Cut month-end close to 3 days" and close.verified == 1
    assert close.outcomes[0].evidence == ["acme-out-1"] and "6 → 3" in close.outcomes[0].text
    assert access.verified == 0 and access.outcomes == []
    assert [o.id for o in plan.other_outcomes] == ["acme-out-2"]

    active = next(u for u in plan.usage if u.metric == "active_users")
    # a ramp from 30 to 59 over 30 days: first week's average 33, last week's 56
    assert (active.first, active.last, active.days) == (33, 56, 30) and "up 70%" in active.text
    assert active.evidence[-1] == f"usage:active_users:{timezone.now().date().isoformat()}"

    by_type = {c.signal_type: c for c in plan.candidates}
    assert by_type["seats"].open and by_type["seats"].decision is None
    add_on = by_type["add_on"]
    assert add_on.decision is not None and add_on.decision.kind == "approve"
    assert add_on.decision.evidence[0].startswith("event:")
    assert [f.kind for f in add_on.follow_ups] == ["outreach_sent"]

    maria = next(s for s in plan.stakeholders if s.name == "Maria Lopez")
    assert [(c.id, c.signal_label) for c in maria.candidates] == [(book.pending.pk, "Seats")]
    assert {a.evidence[0] for a in maria.asks} == {"acme-msg-seats", "acme-note-1"}
    jon = next(s for s in plan.stakeholders if s.name == "Jon Park")
    assert [a.evidence for a in jon.asks] == [["acme-msg-reduce"]]  # the thank-you note is no ask

    kinds = {r.kind: r for r in plan.risks}
    assert "acme-ZD-881" in kinds["ticket"].text and "holds back the Capacity candidate" in kinds["ticket"].text
    assert kinds["conflict"].text.startswith("Jon Park asked to reduce")
    assert kinds["blocker"].text.startswith("Capacity candidate (wait): the customer is mid-migration")
    assert not any("ZD-700" in r.text for r in plan.risks)  # closed

    approved, suggested = plan.next_steps
    assert approved.approved and approved.due == timezone.now().date() + dt.timedelta(days=10)
    assert approved.who == "Maria Lopez" and not approved.overdue
    assert not suggested.approved and suggested.text.startswith("Propose a short call")


def test_every_statement_cites_evidence_that_resolves(owner: User) -> None:
    plan = account_plan(user=owner, pk=planning_book(owner).account.pk)
    found = plan.evidence_by_id
    for text, ids in _cited(plan):
        assert ids, f"no evidence for: {text}"
        for i in ids:
            assert i in found and found[i].kind != "Missing", (text, i)
    # and the evidence list holds only what is cited
    cited = {i for _, ids in _cited(plan) for i in ids} | {i for c in plan.candidates for i in c.evidence}
    cited |= {i for s in plan.next_steps for i in s.evidence}
    assert set(found) == cited


def test_an_account_with_nothing_yet_has_empty_parts(owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner, goals=[], renewal_date=None)
    plan = account_plan(user=owner, pk=account.pk)
    assert plan.goals == [] and plan.usage == [] and plan.candidates == [] and plan.stakeholders == []
    assert plan.risks == [] and plan.next_steps == [] and plan.evidence == []
    assert plan.account.renewal_date is None and plan.account.renewal_days is None


def test_an_overdue_step_is_flagged_and_a_closed_one_leaves(owner: User) -> None:
    book = planning_book(owner)
    Decision.objects.filter(candidate=book.approved).update(next_step_due=timezone.now().date() - dt.timedelta(days=2))
    plan = account_plan(user=owner, pk=book.account.pk)
    assert plan.next_steps[0].overdue and "(overdue)" in plan.next_steps[0].text
    lifecycle.follow_up_log(candidate_id=book.approved.pk, user=owner, kind="closed_lost", note="Budget cut")
    plan = account_plan(user=owner, pk=book.account.pk)
    assert all(not s.approved for s in plan.next_steps)


def test_it_checks_ownership(owner: User, other_owner: User, leader: User) -> None:
    book = planning_book(owner)
    with pytest.raises(Http404):
        account_plan(user=other_owner, pk=book.account.pk)
    assert account_plans(user=other_owner, accounts=[book.account]) == []  # even if a caller forgets to scope
    assert account_plan(user=leader, pk=book.account.pk).account.name == "Acme Corp"


def test_the_document_covers_the_window_and_is_capped(owner: User, other_owner: User, leader: User) -> None:
    today = timezone.now().date()
    soon = factories.AccountFactory.create(owner=owner, renewal_date=today + dt.timedelta(days=10), name="Soon")
    later = factories.AccountFactory.create(owner=owner, renewal_date=today + dt.timedelta(days=200), name="Later")
    theirs = factories.AccountFactory.create(owner=other_owner, renewal_date=today + dt.timedelta(days=20))
    factories.AccountFactory.create(owner=owner, renewal_date=today - dt.timedelta(days=1), name="Passed")

    names = [p.account.name for p in plan_set(user=leader, filters=PlanFilters(renewal_within=90)).plans]
    assert names == ["Soon", theirs.name]
    mine = plan_set(user=owner, filters=PlanFilters(renewal_within=None, owner_id=other_owner.pk))
    assert {p.account.name for p in mine.plans} == {"Soon", "Later", "Passed"}  # an owner's own book only
    assert later.pk in {p.account.id for p in mine.plans} and soon.pk in {p.account.id for p in mine.plans}
    capped = plan_set(user=leader, filters=PlanFilters(renewal_within=None), limit=2)
    assert capped.capped and capped.total == 4 and len(capped.plans) == 2


def test_its_queries_do_not_grow_with_the_accounts(owner: User, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = [planning_book(owner).account]
    with CaptureQueriesContext(connection) as single:
        account_plans(user=owner, accounts=one)
    many = one + [planning_book(owner, name=f"Co {i}", external_id=f"co{i}").account for i in range(3)]
    with django_assert_max_num_queries(len(single.captured_queries)):
        plans = account_plans(user=owner, accounts=many)
    assert [p.account.id for p in plans] == [a.pk for a in many]
