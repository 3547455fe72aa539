"""One account with every part of a planning summary, through the factories and the real
lifecycle (approval and follow-up), for the planning tests and the browser test."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Account, Note
from signals import lifecycle
from signals.models import Candidate
from tests import factories


@dataclass
class Book:
    account: Account
    pending: Candidate
    approved: Candidate
    waiting: Candidate


def planning_book(owner: User, *, name: str = "Acme Corp", external_id: str = "acme", renewal_in: int = 60) -> Book:
    now = timezone.now()
    today = now.date()
    account = factories.AccountFactory.create(
        owner=owner,
        name=name,
        external_id=external_id,
        plan="Growth",
        seats_purchased=50,
        arr=Decimal("60000"),
        renewal_date=today + dt.timedelta(days=renewal_in),
        goals=["Cut month-end close to 3 days", "Automate quarterly access reviews"],
        health="good",
    )
    x = external_id
    for i in range(30):
        factories.UsageFactory.create(
            account=account, metric="active_users", date=today - dt.timedelta(days=29 - i), value=30 + i
        )
        factories.UsageFactory.create(
            account=account, metric="seats_used", date=today - dt.timedelta(days=29 - i), value=44 + i // 5
        )
    factories.OutcomeFactory.create(
        account=account,
        external_id=f"{x}-out-1",
        title="Month-end close down from 6 to 3 days",
        goal="Cut month-end close to 3 days",
        metric="close_days",
        baseline=6,
        value=3,
        verified=True,
        recorded_at=now - dt.timedelta(days=20),
    )
    factories.OutcomeFactory.create(
        account=account,
        external_id=f"{x}-out-2",
        title="Finance team trained",
        goal="",
        verified=False,
        recorded_at=now - dt.timedelta(days=40),
    )
    maria = factories.ContactFactory.create(
        account=account, external_id=f"{x}-maria", name="Maria Lopez", title="VP Finance", role="decision_maker"
    )
    jon = factories.ContactFactory.create(account=account, external_id=f"{x}-jon", name="Jon Park", role="user")
    factories.InteractionFactory.create(
        account=account,
        external_id=f"{x}-msg-seats",
        contact=maria,
        text="We need 20 more seats by March for the new AP team.",
        signal_type="seats",
        intent="buying",
        occurred_at=now - dt.timedelta(days=5),
    )
    factories.InteractionFactory.create(
        account=account,
        external_id=f"{x}-msg-reduce",
        contact=jon,
        text="Our team might reduce the number of licences next year.",
        conflict="reduce",
        occurred_at=now - dt.timedelta(days=9),
    )
    factories.InteractionFactory.create(
        account=account, external_id=f"{x}-msg-thanks", contact=jon, text="Thanks for the help yesterday."
    )
    factories.TicketFactory.create(
        account=account,
        external_id=f"{x}-ZD-881",
        subject="Scheduled exports fail",
        status="open",
        priority="high",
        opened_at=now - dt.timedelta(days=6),
    )
    factories.TicketFactory.create(account=account, external_id=f"{x}-ZD-700", subject="Old issue", status="closed")
    Note.objects.create(
        account=account,
        external_id=f"{x}-note-1",
        text="Maria wants the AP team live before the audit.",
        written_at=now - dt.timedelta(days=3),
        author_email=owner.email or owner.username,
        source="crm",
    )
    brief = {
        "signal": [{"text": "Maria Lopez asked for 20 more seats.", "evidence": [f"{x}-msg-seats"]}],
        "value": [{"text": "Month-end close is down to 3 days.", "evidence": [f"{x}-out-1"]}],
        "risk_timing": [],
        "stakeholders": [{"text": "Maria Lopez is the decision maker.", "evidence": [f"{x}-msg-seats"]}],
        "next_step": [{"text": "Propose a short call with Maria about the AP team.", "evidence": [f"{x}-msg-seats"]}],
    }
    facts = {
        "checked": True,
        "source_evidence": [f"{x}-msg-seats"],
        "value_proof": {"verified": True, "outcome": f"{x}-out-1", "title": "Month-end close"},
        "stakeholders": [{"contact_id": maria.pk, "name": maria.name, "role": "decision_maker"}],
        "open_issues_checked": True,
    }
    pending = factories.CandidateFactory.create(
        account=account, signal_type="seats", brief=brief, review_facts=facts, evidence=[f"{x}-msg-seats"], score=82
    )
    waiting = factories.CandidateFactory.create(
        account=account,
        signal_type="capacity",
        recommendation="wait",
        score=55,
        review_facts={"checked": True},
        blockers=[
            {
                "code": "open_support_issue",
                "message": f"Wait: ticket {x}-ZD-881 'Scheduled exports fail' is open, high priority, 6 days old.",
                "evidence": [f"{x}-ZD-881"],
            },
            {
                "code": "poor_timing",
                "message": "Wait: the customer is mid-migration until the end of the month.",
                "evidence": [f"{x}-msg-reduce"],
            },
        ],
        brief={"signal": [{"text": "Storage at 92% of the limit.", "evidence": []}]},
    )
    approved = factories.CandidateFactory.create(
        account=account,
        signal_type="add_on",
        review_facts={"checked": True},
        brief={"signal": [{"text": "Asked about the analytics add-on.", "evidence": [f"{x}-msg-seats"]}]},
    )
    lifecycle.candidate_approve(
        candidate_id=approved.pk,
        user=owner,
        next_step=lifecycle.NextStep(
            "Demo the analytics add-on to Maria", "Maria Lopez", today + dt.timedelta(days=10)
        ),
        consent_reviewed=True,
    )
    lifecycle.follow_up_log(candidate_id=approved.pk, user=owner, kind="outreach_sent", note="Sent the agenda")
    approved.refresh_from_db()
    return Book(account, pending, approved, waiting)
