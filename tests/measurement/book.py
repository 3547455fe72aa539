"""A small hand-built book whose every dashboard figure is worked out by hand.

Range under test: Monday 2 March 2026 to Sunday 15 March 2026 (two weeks, UTC).
Dana owns Acme (A1), Birch (A2) and Fjord (A5); Omar owns Cobalt (A3) and Delta (A4).

Per signal, the six parts of review quality as of the end of the range
(ev = source evidence, val = value proof, stk = stakeholder fit, iss = open-issue
check, rev = owner review, nxt = next action), then the threshold (thr), whether it
was approved or rejected (dec) and whether as a false positive (fp):

    sig  owner account  type            surfaced      ev val stk iss rev nxt  all thr dec fp
    c1   Dana  A1       seats           02 Mar 09:00   1   1   1   1   1   1    1   1   1  0   approved 03 Mar 09:00 (24 h)
    c2   Dana  A1       capacity        03 Mar 09:00   1   1   1   1   1   1    1   1   1  1   rejected FP 03 Mar 21:00 (12 h)
    c3   Dana  A2       add_on          04 Mar 09:00   1   0   1   1   1   1    0   0   0  0   deferred 08 Mar 09:00 (96 h)
    c4   Omar  A3       seats           05 Mar 09:00   1   1   1   1   1   1    1   1   1  0   approved 07 Mar 09:00 (48 h)
    c5   Omar  A3       tier_upgrade    06 Mar 09:00   1   1   1   0   1   0    0   0   0  0   opened by Omar, no decision
    c6   Omar  A4       volume_pricing  09 Mar 09:00   0   1   0   1   1   1    0   0   1  0   rejected 'other' 12 Mar 09:00 (72 h)
    c7   Omar  A4       scale           10 Mar 09:00   1   1   0   1   0   0    0   0   0  0   opened by the leader only
    c8   Dana  A1       cross_sell      13 Mar 09:00   1   1   1   1   1   1    1   1   1  1   rejected FP 14 Mar 09:00 (24 h)
    c9   Dana  A1       add_on          14 Mar 09:00   1   1   1   1   1   0    0   0   0  0   opened 15 Mar; approved 16 Mar (after the range)
    c11  Dana  A5       seats           05 Mar 09:00   1   1   0   1   0   0    0   0   0  0   untouched
    sums (10 signals)                                  9   9   7   9   8   6    4   4   5  2

Outside the cohort: c10 (A1 seats, surfaced 20 Feb, pending) and c12 (A2 capacity,
surfaced 10 Feb, rejected 'bad timing' by Dana on 3 Mar).

After approval: c1 has outreach (4 Mar), a positive response (5 Mar), an opportunity
(6 Mar) and two closed-won events (10 Mar: 12,000.00 USD; 12 Mar: 3,000.50 USD); c4 has
outreach (9 Mar) and a 'none' response (11 Mar), which is not a customer response.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Account, Contact
from measurement.models import EventKind, MeasurementEvent
from measurement.services import event_for
from reviews.models import Decision
from signals.models import Candidate
from tests import factories

START = dt.date(2026, 3, 2)
END = dt.date(2026, 3, 15)
TODAY = dt.date(2026, 3, 20)
RANGE: dict[str, str] = {"start": START.isoformat(), "end": END.isoformat()}

NO_TICKETS = {"text": "No unresolved support tickets.", "evidence": []}
ONE_TICKET = {
    "text": "1 open ticket, not blocking under the current rule: T-3 priority normal, 2 days old.",
    "evidence": ["T-3"],
}


def at(day: int, hour: int = 9, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def brief(*, risk: list | None = None, stakeholders: list | None = None) -> dict:
    return {
        "signal": [{"text": "Asked for more.", "evidence": []}],
        "value": [],
        "risk_timing": [NO_TICKETS] if risk is None else risk,
        "stakeholders": stakeholders or [],
        "next_step": [{"text": "Propose a short call.", "evidence": []}],
    }


@dataclass
class Book:
    dana: User
    omar: User
    leader: User
    accounts: dict[str, Account]
    c: dict[str, Candidate]


# The four parts the engine stores as facts, per signal (ev, val, stk, iss in the table).
PARTS_OF = {
    "c1": "1111",
    "c2": "1111",
    "c3": "1011",
    "c4": "1111",
    "c5": "1110",
    "c6": "0101",
    "c7": "1101",
    "c8": "1111",
    "c9": "1111",
    "c11": "1101",
    "c10": "1111",
    "c12": "1111",
}


def review_facts(parts: str, evidence: list | None = None) -> dict:
    ev, val, stk, iss = (flag == "1" for flag in parts)
    return {
        "checked": True,
        "source_evidence": (evidence or ["m"]) if ev else [],
        "value_proof": {"verified": val, "outcome": "o1" if val else None, "title": "Proof" if val else ""},
        "stakeholders": [{"contact_id": 1, "name": "Ann Archer", "role": "decision_maker"}] if stk else [],
        "open_issues_checked": iss,
        "tickets_checked": [],
        "tickets_checked_on": "2026-03-01" if iss else None,
    }


def _candidate(name: str, account: Account, surfaced: dt.datetime, **kwargs: Any) -> Candidate:
    kwargs.setdefault("brief", brief())
    kwargs.setdefault("review_facts", review_facts(PARTS_OF.get(name, "1111"), kwargs.get("evidence")))
    candidate = factories.CandidateFactory.create(account=account, **kwargs)
    # The engine stamps inserted_at when it writes a candidate; the book back-dates it.
    Candidate.objects.filter(pk=candidate.pk).update(inserted_at=surfaced, first_detected_on=surfaced.date())
    candidate.refresh_from_db()
    return candidate


def _event(kind: str, candidate: Candidate, when: dt.datetime, actor: User, **data: object) -> MeasurementEvent:
    event = event_for(kind=kind, candidate=candidate, actor=actor, occurred_at=when, data=data)
    event.save()
    return event


def _decide(candidate: Candidate, kind: str, when: dt.datetime, by: User, **fields: object) -> Decision:
    decision = Decision.objects.create(
        candidate=candidate,
        kind=kind,
        decided_by=by,
        decided_at=when,
        recommendation=candidate.recommendation,
        **fields,
    )
    event_kind = {"approve": EventKind.APPROVED, "reject": EventKind.REJECTED, "defer": EventKind.DEFERRED}[kind]
    _event(event_kind, candidate, when, by, decision=decision.pk)
    if fields.get("reason_code") == "false_positive":
        _event(EventKind.FALSE_POSITIVE, candidate, when, by, decision=decision.pk)
    status = {"approve": "approved", "reject": "rejected", "defer": "deferred"}[kind]
    Candidate.objects.filter(pk=candidate.pk).update(
        status=status, decided_at=when, decided_by=by, defer_until=fields.get("defer_until")
    )
    return decision


def build(dana: User, omar: User, leader: User) -> Book:
    a1 = factories.AccountFactory.create(
        name="Acme", external_id="acme", owner=dana, segment="enterprise", health="good", arr=Decimal("100000")
    )
    a2 = factories.AccountFactory.create(
        name="Birch", external_id="birch", owner=dana, segment="smb", health="good", arr=Decimal("50000")
    )
    a3 = factories.AccountFactory.create(
        name="Cobalt",
        external_id="cobalt",
        owner=omar,
        segment="enterprise",
        health="neutral",
        arr=Decimal("80000"),
        currency="EUR",
    )
    a4 = factories.AccountFactory.create(
        name="Delta", external_id="delta", owner=omar, segment="smb", health="good", arr=Decimal("200000")
    )
    a5 = factories.AccountFactory.create(
        name="Fjord", external_id="fjord", owner=dana, segment="mid-market", health="poor", arr=Decimal("300000")
    )
    factories.ContactFactory.create(account=a1, name="Ann Archer", role="decision_maker")
    factories.ContactFactory.create(account=a3, name="Cal Chen", role="champion")
    factories.ContactFactory.create(account=a4, name="Dee Dorn", role="user")
    factories.ContactFactory.create(account=a5, name="Fay Finch", role="decision_maker", active=False)
    c: dict[str, Candidate] = {}
    c["c1"] = _candidate(
        "c1",
        a1,
        at(2),
        signal_type="seats",
        intent="buying",
        recommendation="pursue",
        evidence=["m1", "usage:seats_used:2026-03-01"],
    )
    c["c2"] = _candidate(
        "c2",
        a1,
        at(3),
        signal_type="capacity",
        intent="curious",
        recommendation="nurture",
        evidence=["m2"],
        blockers=[{"code": "curiosity_only", "message": "Nurture: …", "evidence": []}],
    )
    c["c3"] = _candidate(
        "c3",
        a2,
        at(4),
        signal_type="add_on",
        intent="inferred",
        recommendation="prove_value",
        evidence=["usage:reports:2026-03-01"],
        blockers=[{"code": "no_value_proof", "message": "Prove value first: …", "evidence": []}],
        brief=brief(
            risk=[ONE_TICKET],
            stakeholders=[{"text": "Bea Brown, Head of Ops, champion; last wrote on 1 Mar 2026.", "evidence": []}],
        ),
    )
    c["c4"] = _candidate(
        "c4", a3, at(5), signal_type="seats", intent="buying", recommendation="pursue", evidence=["m4"]
    )
    c["c5"] = _candidate(
        "c5",
        a3,
        at(6),
        signal_type="tier_upgrade",
        intent="curious",
        recommendation="nurture",
        evidence=["m5"],
        brief=brief(risk=[]),
    )
    c["c6"] = _candidate(
        "c6", a4, at(9), signal_type="volume_pricing", intent="inferred", recommendation="pursue", evidence=[]
    )
    c["c7"] = _candidate(
        "c7",
        a4,
        at(10),
        signal_type="scale",
        intent="buying",
        recommendation="wait",
        evidence=["T-7"],
        brief=brief(risk=[]),
        blockers=[{"code": "open_support_issue", "message": "Wait: ticket T-7 …", "evidence": ["T-7"]}],
    )
    c["c8"] = _candidate(
        "c8", a1, at(13), signal_type="cross_sell", intent="buying", recommendation="pursue", evidence=["m8"]
    )
    c["c9"] = _candidate(
        "c9", a1, at(14), signal_type="add_on", intent="buying", recommendation="pursue", evidence=["m9"]
    )
    c["c11"] = _candidate(
        "c11", a5, at(5), signal_type="seats", intent="buying", recommendation="pursue", evidence=["m11"]
    )
    c["c12"] = _candidate(
        "c12", a2, at(10, month=2), signal_type="capacity", intent="buying", recommendation="pursue", evidence=["m12"]
    )

    _event(EventKind.REVIEWED, c["c1"], at(2, 10), dana)
    _decide(c["c1"], "approve", at(3), dana, next_step="Call Ann about 20 seats", consent_reviewed=True)
    _event(EventKind.OUTREACH_SENT, c["c1"], at(4), dana)
    _event(EventKind.CUSTOMER_RESPONDED, c["c1"], at(5), dana, response="positive")
    _event(EventKind.OPPORTUNITY_CREATED, c["c1"], at(6), dana)
    _event(EventKind.CLOSED_WON, c["c1"], at(10), dana, amount="12000.00", currency="USD")
    _event(EventKind.CLOSED_WON, c["c1"], at(12), dana, amount="3000.50", currency="USD")
    _decide(c["c2"], "reject", at(3, 21), dana, reason_code="false_positive")
    _decide(c["c3"], "defer", at(8), dana, defer_until=dt.date(2026, 4, 1), note="Wait for the QBR proof")
    _decide(c["c4"], "approve", at(7), omar, next_step="Send the proposal", consent_reviewed=True)
    _event(EventKind.OUTREACH_SENT, c["c4"], at(9), omar)
    _event(EventKind.CUSTOMER_RESPONDED, c["c4"], at(11), omar, response="none")
    _event(EventKind.REVIEWED, c["c5"], at(6, 12), omar)
    _decide(c["c6"], "reject", at(12), omar, reason_code="other", note="Duplicate of an open deal")
    _event(EventKind.REVIEWED, c["c7"], at(10, 12), leader)  # a leader opening it is not owner review
    _decide(c["c8"], "reject", at(14), dana, reason_code="false_positive")
    _event(EventKind.REVIEWED, c["c9"], at(15, 10), dana)
    _decide(c["c9"], "approve", at(16), dana, next_step="Demo the add-on", consent_reviewed=True)
    _decide(c["c12"], "reject", at(3), dana, reason_code="bad_timing")
    # One open candidate per account and type: c10 can exist only once c1 (also seats on Acme) is decided.
    c["c10"] = _candidate(
        "c10", a1, at(20, month=2), signal_type="seats", intent="buying", recommendation="pursue", evidence=["m10"]
    )
    for candidate in c.values():
        candidate.refresh_from_db()
    return Book(dana, omar, leader, {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5}, c)


def more_signals(owner: User, n: int) -> None:
    """Extra decided signals with events, to show that query counts do not grow with rows."""
    for i in range(n):
        account = factories.AccountFactory.create(owner=owner, health="good")
        Contact.objects.create(
            account=account, external_id=f"extra-contact-{i}-{account.pk}", name="X", role="champion"
        )
        candidate = _candidate(f"x{i}", account, at(3 + i % 10), evidence=["m"])
        _event(EventKind.REVIEWED, candidate, at(3 + i % 10, 10), owner)
        _decide(
            candidate,
            "approve" if i % 2 else "reject",
            at(3 + i % 10, 12),
            owner,
            **({"next_step": "Call", "consent_reviewed": True} if i % 2 else {"reason_code": "not_a_fit"}),
        )
        if i % 2:
            _event(EventKind.OUTREACH_SENT, candidate, at(3 + i % 10, 13), owner)


__all__ = ["END", "RANGE", "START", "TODAY", "Book", "build", "more_signals", "timezone"]
