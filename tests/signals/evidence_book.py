"""One account whose candidate cites every kind of evidence (and ids that resolve to
nothing), for the tests of the evidence resolver and of the two pages that show it."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from accounts.models import Account, Note, Opportunity
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from tests import factories

OLD = dt.datetime(2024, 1, 15, 9, 30, tzinfo=dt.UTC)  # before every look-back window
LONG = "We need 20 more seats for the Berlin team before the quarter ends. " * 6


@dataclass
class EvidenceBook:
    account: Account
    other: Account
    candidate: Candidate
    event: MeasurementEvent
    refs: list[str]


def evidence_book(owner: User, *, x: str = "ev") -> EvidenceBook:
    """Every id is prefixed with `x`, so one test can hold several books."""
    account = factories.AccountFactory.create(owner=owner, external_id=f"{x}-acct", name="Evident Co", health="good")
    other = factories.AccountFactory.create(owner=owner, external_id=f"{x}-other", name="Other Co")
    maria = factories.ContactFactory.create(account=account, name="Maria Lopez", role="user")
    factories.InteractionFactory.create(
        account=account, external_id=f"{x}-m-out", text=LONG, occurred_at=OLD, direction="outbound"
    )
    factories.InteractionFactory.create(account=account, external_id=f"{x}-m-in", text="Short ask.", occurred_at=OLD)
    factories.InteractionFactory.create(
        account=account, external_id=f"{x}-m-maria", text="From Maria.", occurred_at=OLD, contact=maria, channel="chat"
    )
    factories.InteractionFactory.create(account=other, external_id=f"{x}-m-other", text="Not this account's.")
    factories.TicketFactory.create(
        account=account,
        external_id=f"{x}-t1",
        subject="Exports time out",
        body=LONG,
        status="closed",
        priority="high",
        opened_at=OLD,
        closed_at=OLD + dt.timedelta(days=3),
        contact=maria,
    )
    factories.OutcomeFactory.create(
        account=account,
        external_id=f"{x}-out",
        title="Close down to 3 days",
        goal="Cut month-end close to 3 days",
        metric="close_days",
        baseline=6,
        value=3,
        department="Finance",
        recorded_at=OLD,
    )
    Note.objects.create(
        account=account,
        external_id=f"{x}-note",
        text=LONG,
        written_at=OLD,
        author_email="dana@example.com",
        source="crm",
    )
    Opportunity.objects.create(
        account=account,
        external_id=f"{x}-opp",
        name="Berlin seats",
        stage="open",
        amount=Decimal("12000"),
        opened_at=OLD,
        source="crm",
    )
    day = OLD.date()
    factories.UsageFactory.create(account=account, metric="active_users", date=day, department="Sales", value=30)
    factories.UsageFactory.create(
        account=account, metric="active_users", date=day, department="Ops", value=12.4, limit=20
    )
    candidate = factories.CandidateFactory.create(account=account)
    event = MeasurementEvent.objects.create(
        kind=EventKind.REJECTED,
        occurred_at=OLD,
        actor=owner,
        candidate=candidate,
        account=account,
        owner=owner,
        data={"reason": "false_positive", "note": "Not now."},
    )
    refs = [
        f"{x}-m-out",
        f"{x}-m-in",
        f"{x}-m-maria",
        f"{x}-t1",
        f"{x}-out",
        f"{x}-note",
        f"{x}-opp",
        f"{x}-acct",
        f"usage:active_users:{day.isoformat()}",
        "usage:active_users:2024-01-16",
        f"event:{event.pk}",
        "event:999999",
        f"{x}-m-other",
        "nowhere",
    ]
    candidate.evidence = refs
    candidate.brief = {**candidate.brief, "signal": [{"text": "Everything at once.", "evidence": refs}]}
    candidate.save()
    return EvidenceBook(account=account, other=other, candidate=candidate, event=event, refs=refs)
