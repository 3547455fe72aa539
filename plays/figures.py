"""Per play on the dashboard: decisions, approvals, time to first contact against the
play's target, and wins. Read from the play recorded on each decision (a snapshot), so
the figures stay exact after an admin edits or deletes a play."""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import models

from measurement.models import EventKind, MeasurementEvent
from measurement.selectors import DashboardScope, sample_candidates
from reviews.models import Decision, DecisionKind
from signals.vocabulary import Recommendation, SignalType


def _label(choices: type[models.TextChoices], code: str) -> str:
    """The display label of a code ("Cross-sell"); a code no longer known reads as itself."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code.replace("_", " ").capitalize()


@dataclass
class PlayFigures:
    play_id: int
    name: str
    scope_text: str
    target_days: int | None
    decided: int = 0
    approved: int = 0
    contacted: int = 0
    within_target: int = 0
    won: int = 0
    days_to_contact: list[float] = field(default_factory=list)

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_contact) if self.days_to_contact else None

    @property
    def within_target_rate(self) -> float | None:
        if self.target_days is None or not self.contacted:
            return None
        return self.within_target / self.contacted


def play_figures(scope: DashboardScope) -> list[PlayFigures]:
    """One row per play that applied to a standing decision taken in the range, on the
    candidates the user may see (three queries)."""
    decisions = list(
        Decision.objects.standing()
        .filter(
            candidate__in=sample_candidates(scope).values("pk"),
            decided_at__gte=scope.start_at,
            decided_at__lt=scope.end_at,
            play__isnull=False,
        )
        .order_by("decided_at", "pk")
        .values_list("candidate_id", "kind", "decided_at", "play")
    )
    approved_at: dict[int, tuple[dt.datetime, int]] = {}
    rows: dict[int, PlayFigures] = {}
    for candidate_id, kind, decided_at, play in decisions:
        if not play:
            continue
        row = rows.get(play["play_id"])
        if row is None:
            scope_parts = [_label(SignalType, play["signal_type"]), play["segment"] or "every segment"]
            if play["recommendation"]:
                scope_parts.append(_label(Recommendation, play["recommendation"]).lower())
            row = rows[play["play_id"]] = PlayFigures(
                play["play_id"], play["name"], " · ".join(scope_parts), play.get("target_days")
            )
        row.decided += 1
        if kind == DecisionKind.APPROVE:
            row.approved += 1
            approved_at[candidate_id] = (decided_at, play["play_id"])
    first_contact: dict[int, dt.datetime] = {}
    for candidate_id, at in (
        MeasurementEvent.objects.filter(
            kind=EventKind.OUTREACH_SENT, candidate__in=list(approved_at), corrections__isnull=True
        )
        .order_by("occurred_at", "pk")
        .values_list("candidate_id", "occurred_at")
    ):
        first_contact.setdefault(candidate_id, at)
    won = set(
        MeasurementEvent.objects.filter(
            kind=EventKind.CLOSED_WON, candidate__in=list(approved_at), corrections__isnull=True
        ).values_list("candidate_id", flat=True)
    )
    for candidate_id, (decided_at, play_id) in approved_at.items():
        row = rows[play_id]
        if candidate_id in won:
            row.won += 1
        contact = first_contact.get(candidate_id)
        if contact is None:
            continue
        days = max(0.0, (contact - decided_at).total_seconds() / 86400)
        row.contacted += 1
        row.days_to_contact.append(days)
        if row.target_days is not None and days <= row.target_days:
            row.within_target += 1
    return sorted(rows.values(), key=lambda r: (-r.decided, r.name))
