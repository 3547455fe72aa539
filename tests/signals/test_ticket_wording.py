"""An open ticket the current rule lets through is named as not blocking (with its
priority and age), never shown as a blocker, and never hidden as 'no open issue'."""

import pytest

from accounts.models import Ticket
from signals.engine.assess import assess_account
from signals.engine.brief import TemplateBriefWriter
from signals.rules import RuleSet, default_rules
from tests import factories
from tests.signals.test_assess import AS_OF, at, facts, proof, text


def _urgent_only() -> RuleSet:
    rules = default_rules()
    return RuleSet({**rules.values, "blocking_priorities": ("urgent",)})


def _risk(rules: RuleSet, tickets: list[Ticket]) -> tuple[str, list[str]]:
    f = facts(texts=[text("m1")], verified_outcomes=proof(), unresolved_tickets=tickets)
    [a] = assess_account(f, rules, AS_OF)
    brief = TemplateBriefWriter().write(a, f, AS_OF)
    return a.recommendation, [s["text"] if isinstance(s, dict) else s.text for s in brief["risk_timing"]]


def test_a_high_ticket_under_an_urgent_only_rule_is_named_as_not_blocking() -> None:
    high = Ticket(external_id="ZD-3", subject="Slow export", status="open", priority="high", opened_at=at(4))
    assert default_rules().blocking_priorities != ("urgent",)
    recommendation, risk = _risk(_urgent_only(), [high])
    assert recommendation == "pursue"
    assert "1 open ticket, not blocking under the current rule: ZD-3 priority high, 4 days old." in risk
    assert not any("No unresolved" in r for r in risk)
    # Under the default rule the same ticket blocks and is the Wait's reason.
    recommendation, risk = _risk(default_rules(), [high])
    assert recommendation == "wait" and risk[0].startswith("Wait: ticket ZD-3")
    assert not any("not blocking" in r for r in risk)


def test_blocking_and_quiet_tickets_are_told_apart() -> None:
    urgent = Ticket(external_id="ZD-4", subject="Down", status="open", priority="urgent", opened_at=at(1))
    normal = Ticket(external_id="ZD-5", subject="Typo", status="new", priority="normal", opened_at=at(1))
    recommendation, risk = _risk(default_rules(), [urgent, normal])
    assert recommendation == "wait"
    assert risk[0].startswith("Wait: ticket ZD-4")
    assert "1 open ticket, not blocking under the current rule: ZD-5 priority normal, 1 day old." in risk


@pytest.mark.django_db
def test_the_candidate_page_marks_only_the_blocking_ticket(client, owner) -> None:
    account = factories.AccountFactory.create(owner=owner)
    factories.TicketFactory.create(account=account, external_id="ZD-8", priority="urgent", status="open")
    factories.TicketFactory.create(account=account, external_id="ZD-9", priority="normal", status="open")
    candidate = factories.CandidateFactory.create(
        account=account,
        recommendation="wait",
        evidence=["ZD-8", "ZD-9"],
        blockers=[
            {
                "code": "open_support_issue",
                "message": "Wait: ticket ZD-8 ‘Down’ is open, urgent priority, 1 day old.",
                "evidence": ["ZD-8"],
                "params": {"ticket": "ZD-8", "priority": "urgent"},
            }
        ],
    )
    client.force_login(owner)
    body = client.get(f"/candidates/{candidate.pk}/").content.decode()
    row8 = body.split('<span class="ticket-id">ZD-8</span>')[1].split("</li>")[0]
    row9 = body.split('<span class="ticket-id">ZD-9</span>')[1].split("</li>")[0]
    assert ">Blocking</span>" in row8
    assert ">Blocking</span>" not in row9 and ">Not blocking</span>" in row9
