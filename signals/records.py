"""Typed records stored on a candidate: blockers, the brief, score components, trigger
evidence and the review-quality facts. Each is validated when it is stored and when it
is read (`TypedJSONField`), so nothing downstream parses prose to learn a fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from signals.vocabulary import Blocker, CandidateStatus, Recommendation, SignalType


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access, so templates and exports can read a record like a mapping."""
        return getattr(self, key, default)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


# --- blockers ------------------------------------------------------------------------------


class BlockerRecord(Record):
    """One reason the candidate should not simply be pursued; `message` is rendered from
    the code and `params`, and `evidence` lists what it rests on."""

    code: Blocker
    message: str
    evidence: list[str] = Field(default_factory=list)
    params: dict[str, str | int | float | None] = Field(default_factory=dict)


# --- brief ---------------------------------------------------------------------------------


class Statement(Record):
    text: str
    evidence: list[str] = Field(default_factory=list)


BriefPart = Literal["signal", "value", "risk_timing", "stakeholders", "next_step"]


class Brief(Record):
    signal: list[Statement] = Field(default_factory=list)
    value: list[Statement] = Field(default_factory=list)
    risk_timing: list[Statement] = Field(default_factory=list)
    stakeholders: list[Statement] = Field(default_factory=list)
    next_step: list[Statement] = Field(default_factory=list)

    def text_of(self, part: str) -> str:
        return " ".join(s.text for s in getattr(self, part, []))


# --- score ---------------------------------------------------------------------------------


class ScoreComponent(Record):
    points: float
    max: float
    reason: str


class ScoreComponents(Record):
    intent: ScoreComponent | None = None
    corroboration: ScoreComponent | None = None
    value: ScoreComponent | None = None
    stakeholder: ScoreComponent | None = None
    recency: ScoreComponent | None = None

    def items(self) -> Iterator[tuple[str, ScoreComponent]]:
        for name in ("intent", "corroboration", "value", "stakeholder", "recency"):
            component = getattr(self, name)
            if component is not None:
                yield name, component


# --- trigger evidence ----------------------------------------------------------------------

TriggerKind = Literal["message", "ticket", "seats", "capacity", "growth", "new_department"]


class Trigger(Record):
    """An item that makes the signal (not one that merely supports it).

    `ref` is stable for as long as it is the same evidence: a message's id, a threshold
    crossing (`seats:<first day at or over the threshold>`), a department's first use, a
    metric's growth episode. Fresh daily readings of one crossing keep the same ref.
    """

    ref: str
    kind: TriggerKind
    at: dt.datetime
    evidence: str = ""  # the id the brief cites for it (a message id, usage:METRIC:DATE)
    numbers: dict[str, float] = Field(default_factory=dict)
    rules: list[str] = Field(default_factory=list)  # the phrase rules that fired on a message or ticket
    new_since_decision: bool = False  # attached to an approved candidate after its approval


# --- review-quality facts -----------------------------------------------------------------


class ValueProofFact(Record):
    verified: bool = False
    outcome: str | None = None  # the verified outcome's external id
    title: str = ""


class StakeholderFact(Record):
    contact_id: int
    name: str
    role: str  # decision_maker | champion


class TicketFact(Record):
    id: str
    status: str
    priority: str
    blocking: bool


class ReviewFacts(Record):
    """What the engine checked when it last scored the candidate: the facts behind the
    pilot's review-quality parts (source evidence, value proof, stakeholder fit, open
    issue check). The dashboard reads these, never the brief's wording."""

    checked: bool = False  # False only for candidates the engine has not scored with facts
    source_evidence: list[str] = Field(default_factory=list)
    value_proof: ValueProofFact = Field(default_factory=ValueProofFact)
    stakeholders: list[StakeholderFact] = Field(default_factory=list)
    open_issues_checked: bool = False
    tickets_checked: list[TicketFact] = Field(default_factory=list)
    tickets_checked_on: dt.date | None = None

    @property
    def stakeholder_fit(self) -> bool:
        return bool(self.stakeholders)


# --- the field -----------------------------------------------------------------------------


class TypedJSONField(models.JSONField):
    """A JSONField whose value is validated against a pydantic type on the way in and out."""

    def __init__(self, *args: Any, schema: Any = None, **kwargs: Any) -> None:
        self.schema = schema
        self.adapter: TypeAdapter[Any] = TypeAdapter(schema)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        # Migrations store a plain JSONField: the schema is Python-side validation only.
        return name, "django.db.models.JSONField", args, kwargs

    def validate_value(self, value: Any) -> Any:
        try:
            return self.adapter.validate_python(value)
        except PydanticValidationError as exc:
            raise ValidationError(f"{self.name}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and self._is_whole_value(expression):
            # Parse and validate in one pass (pydantic-core): json.loads and then
            # validate_python was most of the time of reading candidates in bulk.
            try:
                return self.adapter.validate_json(value)
            except PydanticValidationError as exc:
                raise ValidationError(f"{self.name}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
        raw = super().from_db_value(value, expression, connection)
        if raw is None or not self._is_whole_value(expression):
            return raw
        return self.validate_value(raw)

    def _is_whole_value(self, expression: Any) -> bool:
        # Key transforms (brief__signal) read a part; only the column itself is typed.
        return getattr(expression, "target", None) is self or getattr(expression, "field", None) is self

    def to_python(self, value: Any) -> Any:
        return self.validate_value(value) if value is not None else value

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, str | int | float | bool):
            # A scalar is the right-hand side of a key lookup (review_facts__checked=True).
            return super().get_prep_value(value)
        return super().get_prep_value(self.adapter.dump_python(self.validate_value(value), mode="json"))


def dump(value: Any) -> Any:
    """A record (or list of records) as plain JSON data (exports, events, the API)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [dump(v) for v in value]
    return value


# --- a rule change's preview -----------------------------------------------------------------

PreviewEffect = Literal["changes", "expires", "stays_deferred", "may_appear", "held_back"]
# In the order the preview lists them.
PREVIEW_EFFECT_LABELS: dict[str, str] = {
    "changes": "Recommendation or score changes",
    "expires": "Would expire (no longer detected)",
    "stays_deferred": "No longer detected; stays deferred until its date",
    "may_appear": "New candidate would open",
    "held_back": "Would no longer open a new candidate",
}


class PreviewScore(Record):
    recommendation: Recommendation
    score: int

    @property
    def text(self) -> str:
        return f"{Recommendation(self.recommendation).label} · {self.score}"


class PreviewRow(Record):
    """One account and signal type the proposed rule would touch, as assessed with the
    rules in force (`now`) and with the proposed value (`proposed`); None: not detected."""

    account_id: int
    account_name: str
    segment: str = ""
    signal_type: SignalType
    candidate_id: int | None = None  # its open candidate, if any
    candidate_status: CandidateStatus | None = None
    effect: PreviewEffect
    now: PreviewScore | None = None
    proposed: PreviewScore | None = None

    @property
    def signal_label(self) -> str:
        return SignalType(self.signal_type).label

    @property
    def effect_label(self) -> str:
        return PREVIEW_EFFECT_LABELS[self.effect]

    @property
    def candidate_status_label(self) -> str:
        return CandidateStatus(self.candidate_status).label if self.candidate_status else ""


class RulePreviewResult(Record):
    accounts: int = 0  # the accounts the changed value applies to, every one assessed
    open_candidates: int = 0  # theirs, the holdout left out
    rows: list[PreviewRow] = Field(default_factory=list)

    @property
    def expiring(self) -> int:
        """Pending candidates the change would expire: for good (an expired candidate
        comes back only on new evidence, not when the old value is put back)."""
        return sum(1 for r in self.rows if r.effect == "expires")

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(label, rows) per effect that occurs, in the listing's order."""
        return [
            (label, n)
            for code, label in PREVIEW_EFFECT_LABELS.items()
            if (n := sum(1 for r in self.rows if r.effect == code))
        ]
