"""The queue's table rows, written as HTML in Python.

The queue page shows 50 rows of about 20 values each. Through the template engine those
1,000 variable lookups, filters and escapes were two thirds of the page's Python time
(docs/benchmarks-load.md, issue 14); the same markup built here with `html.escape` costs a
few percent of that. The markup is the one `templates/reviews/queue.html` had, byte for
byte (the queue pages of `bench/load/view_profile.py --dump` compared before and after,
for an owner and the leader); tests/reviews/test_queue_rows.py pins what a row shows.
Every value from the database is escaped; labels come from the vocabulary's choices.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from html import escape
from typing import TypedDict

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from reviews.templatetags.review_tags import money_short
from signals.vocabulary import CandidateStatus, Intent, Recommendation, SignalType

# The columns one row shows (`QuerySet.values(*QUEUE_ROW_VALUES)`): no model instances,
# none of the candidate's JSON.
QUEUE_ROW_VALUES = (
    "pk",
    "account_id",
    "signal_type",
    "intent",
    "status",
    "recommendation",
    "score",
    "first_detected_on",
    "defer_until",
    "defer_ticket__external_id",
    "account__name",
    "account__arr",
    "account__currency",
    "account__renewal_date",
    "account__owner__username",
    "account__owner__first_name",
    "account__owner__last_name",
)


class QueueRow(TypedDict):
    pk: int
    account_id: int
    signal_type: str
    intent: str
    status: str
    recommendation: str
    score: int
    first_detected_on: dt.date
    defer_until: dt.date | None
    defer_ticket__external_id: str | None
    account__name: str
    account__arr: Decimal | None
    account__currency: str
    account__renewal_date: dt.date | None
    account__owner__username: str | None
    account__owner__first_name: str | None
    account__owner__last_name: str | None


_TYPE = {code: escape(str(label)) for code, label in SignalType.choices}
_INTENT = {code: escape(str(label)) for code, label in Intent.choices}
_STATUS = {code: escape(str(label)) for code, label in CandidateStatus.choices}
_REC = {code: escape(str(label)) for code, label in Recommendation.choices}
_SEP = '<span class="sep" aria-hidden="true">·</span>'


def _renews(renewal: dt.date | None, today: dt.date) -> str:
    if renewal is None:
        return "—"
    days = (renewal - today).days
    if days < 0:
        return '<span class="muted">passed</span>'
    if days <= 45:
        return f'<span class="soon">{days} d</span>'
    return f"{days} d"


def _day(day: dt.date) -> str:
    """7 Dec: a deferral is at most a year ahead, so the month names it, and the year
    would not fit the row's second line."""
    return f"{day.day} {day:%b}"


def _owner_name(row: QueueRow) -> str:
    # User.get_full_name(), else the username (as the template's `get_full_name|default:username`)
    full = f"{row['account__owner__first_name'] or ''} {row['account__owner__last_name'] or ''}".strip()
    return full or row["account__owner__username"] or ""


def queue_rows_html(rows: Iterable[QueueRow], *, show_owner: bool) -> SafeString:
    """The `<tr>` of each row, in order. `show_owner`: the leader's queue names each
    row's owner."""
    today = timezone.now().date()
    detail = reverse("candidate-detail", args=[0]).removesuffix("0/")
    account = reverse("account-detail", args=[0]).removesuffix("0/")
    out = []
    for row in rows:
        pk = row["pk"]
        name = escape(row["account__name"])
        kind = _TYPE.get(row["signal_type"]) or escape(row["signal_type"])
        href = f"{detail}{pk}/"
        status = row["status"]
        meta = f"{kind}{_SEP}{_INTENT.get(row['intent']) or escape(row['intent'])}"
        if status == CandidateStatus.DEFERRED:
            # when it comes back, not just that it is away
            if row["defer_ticket__external_id"]:
                meta += f"{_SEP}Back when {escape(row['defer_ticket__external_id'])} closes"
            elif row["defer_until"] is not None:
                meta += f"{_SEP}Back {_day(row['defer_until'])}"
            else:
                meta += f"{_SEP}{_STATUS[status]}"
        elif status != CandidateStatus.PENDING:
            meta += f"{_SEP}{_STATUS.get(status) or escape(status)}"
        if show_owner and (owner := _owner_name(row)):
            meta += f"{_SEP}{escape(owner)}"
        rec = row["recommendation"]
        arr = escape(money_short(row["account__arr"], row["account__currency"]))
        first = row["first_detected_on"]
        age = (today - first).days if first is not None else None
        out.append(
            f"""
          <tr id="candidate-{pk}" class="qrow" data-queue-row>
            <td class="col-select"><input type="checkbox" name="ids" value="{pk}" form="bulk-form" aria-label="Select {name} · {kind}"></td>
            <td class="cell-wide"><a class="qrow-account" data-row-link href="{href}" hx-get="{href}" hx-target="#detail" hx-swap="innerHTML scroll:top" hx-push-url="true" hx-indicator="#detail">{name}</a>
              <span class="qrow-meta">{meta}{_SEP}<a class="qrow-acct" href="{account}{row["account_id"]}/" aria-label="Account page of {name}">Account</a></span></td>
            <td class="cell-rec"><span class="rec rec-{escape(rec)}">{_REC.get(rec) or escape(rec)}</span></td>
            <td class="num score" data-label="Score">{row["score"]}</td>
            <td class="num" data-label="ARR">{arr}</td>
            <td class="num" data-label="Renews">{_renews(row["account__renewal_date"], today)}</td>
            <td class="num" data-label="Age">{age} d</td>
          </tr>
          """
        )
    return mark_safe("".join(out))  # noqa: S308  every value above is escaped
