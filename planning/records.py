"""The account-planning summary as a typed record (the same pydantic `Record` base as the
candidate's brief). Every line carries the sentence it is shown as and the ids of the
evidence it rests on, like the brief's statements; `evidence` resolves each cited id to
its source, date, who and text."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from signals.records import Record


class EvidenceLine(Record):
    id: str
    kind: str  # Message, Ticket, Outcome, Owner note, Opportunity, Usage, Decision, Follow-up, Missing
    source: str = ""
    at: dt.datetime | None = None
    who: str = ""
    title: str = ""
    text: str = ""


class OutcomeLine(Record):
    id: str
    title: str
    recorded_on: dt.date
    verified: bool
    goal: str = ""
    metric: str = ""
    baseline: float | None = None
    value: float | None = None
    text: str
    evidence: list[str] = Field(default_factory=list)


class GoalLine(Record):
    goal: str
    verified: int  # verified outcomes against it
    outcomes: list[OutcomeLine] = Field(default_factory=list)


class UsageLine(Record):
    metric: str
    label: str  # "feature:workflow_library" -> "Feature: workflow library"
    days: int
    first: float  # the first week's average of daily totals (the first reading, under two weeks)
    last: float  # the last week's average (the last reading, under two weeks)
    change: float | None  # last against first, as a share; None when first is 0
    values: list[float] = Field(default_factory=list)  # daily totals, oldest first
    text: str
    evidence: list[str] = Field(default_factory=list)


class DecisionLine(Record):
    kind: str
    kind_label: str
    decided_on: dt.date
    by: str = ""
    text: str
    evidence: list[str] = Field(default_factory=list)


class FollowUpLine(Record):
    kind: str
    kind_label: str
    on: dt.date
    amount: float | None = None
    currency: str = ""
    text: str
    evidence: list[str] = Field(default_factory=list)


class CandidateLine(Record):
    id: int
    signal_type: str
    signal_label: str
    intent: str
    score: int
    recommendation: str
    recommendation_label: str
    status: str
    status_label: str
    first_detected_on: dt.date
    open: bool
    text: str  # the brief's signal statement
    evidence: list[str] = Field(default_factory=list)
    decision: DecisionLine | None = None
    follow_ups: list[FollowUpLine] = Field(default_factory=list)


class AskLine(Record):
    text: str
    on: dt.date
    evidence: list[str] = Field(default_factory=list)


class CandidateRef(Record):
    id: int
    signal_label: str


class StakeholderLine(Record):
    name: str
    title: str = ""
    role: str = ""
    role_label: str = ""
    candidates: list[CandidateRef] = Field(default_factory=list)  # candidates whose brief names them
    asks: list[AskLine] = Field(default_factory=list)


RiskKind = Literal["ticket", "blocker", "conflict"]


class RiskLine(Record):
    kind: RiskKind
    text: str
    evidence: list[str] = Field(default_factory=list)


class NextStepLine(Record):
    candidate_id: int
    signal_label: str
    approved: bool  # False: the engine's suggestion on an open candidate, not yet decided
    text: str
    who: str = ""
    due: dt.date | None = None
    overdue: bool = False
    evidence: list[str] = Field(default_factory=list)


class AccountFacts(Record):
    id: int
    external_id: str
    name: str
    owner: str = ""
    segment: str = ""
    segment_label: str = ""
    plan: str = ""
    seats_purchased: int | None = None
    arr: float | None = None
    currency: str = "USD"
    renewal_date: dt.date | None = None
    renewal_days: int | None = None
    health: str = ""


class AccountPlan(Record):
    """One account's planning summary for its next QBR, as of `as_of`."""

    as_of: dt.date
    account: AccountFacts
    goals: list[GoalLine] = Field(default_factory=list)
    other_outcomes: list[OutcomeLine] = Field(default_factory=list)  # against no stated goal
    usage: list[UsageLine] = Field(default_factory=list)
    candidates: list[CandidateLine] = Field(default_factory=list)
    stakeholders: list[StakeholderLine] = Field(default_factory=list)
    risks: list[RiskLine] = Field(default_factory=list)
    next_steps: list[NextStepLine] = Field(default_factory=list)
    evidence: list[EvidenceLine] = Field(default_factory=list)

    @property
    def evidence_by_id(self) -> dict[str, EvidenceLine]:
        return {e.id: e for e in self.evidence}
