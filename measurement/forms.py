"""Parsing the dashboard's and the exports' query strings. Bad values never error: they
fall back to the defaults and say so."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms

from core.dates import OUT_OF_RANGE, validate_date_range
from measurement.models import EventKind, Pilot
from measurement.selectors import EventFilters, default_range, pilot_default

MAX_RANGE_DAYS = 731
BREAKDOWNS = (
    ("owner", "Owner"),
    ("segment", "Segment"),
    ("signal_type", "Signal type"),
    ("recommendation", "Recommendation"),
)
ALL = "all"


class DashboardForm(forms.Form):
    pilot = forms.CharField(required=False)
    start = forms.DateField(required=False, label="From", validators=[validate_date_range])
    end = forms.DateField(required=False, label="To", validators=[validate_date_range])
    dim = forms.ChoiceField(required=False, choices=BREAKDOWNS)
    n = forms.IntegerField(required=False, min_value=1, max_value=100, label="Sample size")
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


@dataclass
class DashboardParams:
    pilot: Pilot | None
    start: dt.date
    end: dt.date
    dim: str = "owner"
    n: int = 10
    seed: int = 1
    notes: list[str] = field(default_factory=list)
    pilot_value: str = ""


class DateOutOfRange(ValueError):
    """A start or end date the dashboard cannot compute with (the view answers 400)."""


def dashboard_params(data: dict, *, pilots: list[Pilot], today: dt.date) -> DashboardParams:
    form = DashboardForm(data)
    form.is_valid()
    # Unlike a typo, a date in year 9999 is no slip to correct silently: refuse it.
    if form.has_error("start", "date_range") or form.has_error("end", "date_range"):
        raise DateOutOfRange(OUT_OF_RANGE)
    clean = form.cleaned_data
    notes: list[str] = []
    by_pk = {str(p.pk): p for p in pilots}
    raw_pilot = (data.get("pilot") or "").strip()
    if raw_pilot == ALL:
        pilot = None
    elif raw_pilot in by_pk:
        pilot = by_pk[raw_pilot]
    else:
        if raw_pilot:
            notes.append("That pilot does not exist; showing the current one.")
        pilot = pilot_default(today=today, pilots=pilots)
    start, end = default_range(pilot=pilot, today=today)
    start = clean.get("start") or start
    end = clean.get("end") or end
    if "start" in form.errors or "end" in form.errors:
        notes.append("A date was not understood; enter dates as YYYY-MM-DD.")
    if start > end:
        notes.append("The start date was after the end date; they were swapped.")
        start, end = end, start
    if (end - start).days >= MAX_RANGE_DAYS:
        start = end - dt.timedelta(days=MAX_RANGE_DAYS - 1)
        notes.append(f"The range was shortened to {MAX_RANGE_DAYS} days.")
    return DashboardParams(
        pilot=pilot,
        start=start,
        end=end,
        dim=clean.get("dim") or "owner",
        n=clean.get("n") or 10,
        seed=seed if (seed := clean.get("seed")) is not None else 1,
        notes=notes,
        pilot_value=str(pilot.pk) if pilot else ALL,
    )


class EventFilterForm(forms.Form):
    kind = forms.CharField(required=False, help_text="One kind or several, comma-separated.")
    since = forms.DateField(required=False, help_text="On or after this day (UTC).", validators=[validate_date_range])
    until = forms.DateField(required=False, help_text="On or before this day (UTC).", validators=[validate_date_range])
    account = forms.CharField(required=False, max_length=200, help_text="The account's external id.")
    candidate = forms.IntegerField(required=False, min_value=1, help_text="The candidate's id.")

    def clean_kind(self) -> tuple[str, ...]:
        kinds = tuple(k.strip() for k in (self.cleaned_data.get("kind") or "").split(",") if k.strip())
        unknown = [k for k in kinds if k not in EventKind.values]
        if unknown:
            raise forms.ValidationError(f"Unknown kind {unknown[0]!r}; use one of {', '.join(EventKind.values)}.")
        return kinds

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("'since' is after 'until'.")
        return data

    def filters(self) -> EventFilters:
        d = self.cleaned_data
        return EventFilters(
            kinds=d.get("kind") or (),
            since=d.get("since"),
            until=d.get("until"),
            account=(d.get("account") or "").strip(),
            candidate=d.get("candidate"),
        )
