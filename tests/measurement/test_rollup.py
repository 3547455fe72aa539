"""The dashboard's rollup path gives every figure the live path gives, for every user,
range, pilot and breakdown, on a history with corrections, undone decisions, follow-ups
after the range and events the rollup has not folded in yet."""

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from measurement import figures
from measurement import selectors as s
from measurement.models import EventKind, MeasurementEvent, Pilot, RollupDirty, SignalRollup
from measurement.rollup import FACT_KINDS, rollup_refresh
from reviews.models import Decision, DecisionKind
from signals.lifecycle import follow_up_log
from signals.models import Candidate
from tests.measurement.book import END, START, TODAY, Book, _decide, _event, at, more_signals

pytestmark = pytest.mark.django_db

DIMS = ("owner", "segment", "signal_type", "recommendation", "intent")


def _scope(user: User, start: dt.date, end: dt.date, *, live: bool, pilot: Pilot | None = None) -> s.DashboardScope:
    return s.DashboardScope(user=user, start=start, end=end, pilot=pilot, today=TODAY, live=live)


def _page(scope: s.DashboardScope, dim: str) -> dict[str, Any]:
    """Every figure of the page, as the tables and CSVs show them."""
    out: dict[str, Any] = {}
    for key, fig in figures.dashboard_figures(scope, dim=dim, audit_size=10, audit_seed=3).items():
        if key == "totals":
            out[key] = fig
        else:
            out[key] = (fig.title, fig.range_text, [[(c.display, c.raw) for c in row] for row in fig.table.rows])
    for key, build in figures.CSV_BUILDERS.items():
        fig = build(scope, dim=dim, n=10, seed=3)
        out[f"csv:{key}"] = [[c.raw for c in row] for row in fig.table.rows]
    return out


def _history(book: Book) -> None:
    """Beyond the book: a withdrawn follow-up, an undone decision, follow-ups and a
    decision after the range, another currency, a second owner's own activity."""
    c, dana, omar = book.c, book.dana, book.omar
    wrong = _event(EventKind.CLOSED_WON, book.c["c4"], at(13), omar, amount="999.00", currency="EUR")
    correction = MeasurementEvent(
        kind=EventKind.FOLLOW_UP_CORRECTED,
        occurred_at=at(18),  # after the book's range: the range still counts the follow-up
        actor=omar,
        candidate=c["c4"],
        account=c["c4"].account,
        owner_id=omar.pk,
        corrects=wrong,
    )
    correction.save()
    _event(EventKind.OPPORTUNITY_CREATED, c["c4"], at(12), omar)
    _event(EventKind.CLOSED_WON, c["c4"], at(19), omar, amount="4100.00", currency="EUR")
    # Omar approves c5 and undoes it: the decision no longer stands.
    undone = _decide(c["c5"], "approve", at(14), omar, next_step="Call", consent_reviewed=True)
    _event(EventKind.UNDONE, c["c5"], at(14, 10), omar, decision=undone.pk, undoes="approve")
    Candidate.objects.filter(pk=c["c5"].pk).update(status="pending", decided_at=None, decided_by=None)
    # Dana's c3 deferral is followed by an approval after the range ends.
    _decide(c["c3"], "approve", at(17), dana, next_step="Send the proof", consent_reviewed=True)
    _event(EventKind.OUTREACH_SENT, c["c3"], at(18), dana)
    _event(EventKind.CUSTOMER_RESPONDED, c["c3"], at(19), dana, response="negative")
    more_signals(dana, 6)


RANGES = (
    (START, END),  # the book's range: later events and decisions must not count
    (START, dt.date(2026, 3, 8)),  # ends in the middle of most histories
    (dt.date(2026, 2, 1), TODAY),  # everything has happened
    (dt.date(2025, 3, 21), TODAY),  # a year
)


def _reasons_from_decisions(scope: s.DashboardScope) -> dict[str, int]:
    """The rejection-reasons figure's definition read straight from the decisions (both
    paths fold it from the per-signal facts now)."""
    rows = (
        Decision.objects.standing()
        .filter(
            kind=DecisionKind.REJECT,
            decided_at__lt=scope.end_at,
            candidate__in=s.surfaced_candidates(scope).values("pk"),
        )
        .order_by()
        .values("reason_code")
        .annotate(n=Count("pk"))
    )
    return {row["reason_code"]: row["n"] for row in rows if row["n"]}


def _assert_rollup_equals_live(book: Book, pilot: Pilot | None = None) -> None:
    for user in (book.leader, book.dana, book.omar):
        for start, end in RANGES:
            for dim in DIMS if user == book.leader and (start, end) == (START, END) else ("owner",):
                rolled_scope = _scope(user, live=False, pilot=pilot, start=start, end=end)
                rolled = _page(rolled_scope, dim)
                live = _page(_scope(user, live=True, pilot=pilot, start=start, end=end), dim)
                for key in live:
                    assert rolled[key] == live[key], (user.username, start, end, dim, key)
                reasons = {code: n for code, _, n in s.rejection_reasons(rolled_scope) if n}
                assert reasons == _reasons_from_decisions(rolled_scope), (user.username, start, end)


def test_every_figure_from_the_rollup_equals_the_live_computation(book: Book) -> None:
    _history(book)
    assert rollup_refresh() == Candidate.objects.count()
    assert not RollupDirty.objects.exists()
    _assert_rollup_equals_live(book)
    pilot = Pilot.objects.create(name="Top 2", start_date=START, duration_days=14, sample="top_healthy", top_n=2)
    pilot.owner_team.set([book.dana, book.omar])
    _assert_rollup_equals_live(book, pilot)


def test_the_rollup_holds_each_signals_facts(book: Book) -> None:
    _history(book)
    rollup_refresh()
    c1 = SignalRollup.objects.get(candidate=book.c["c1"])
    assert (c1.approved, c1.outreach, c1.responded, c1.opportunity, c1.won) == (True, True, True, True, True)
    assert c1.won_amounts == {"USD": "15000.50"}
    c4 = SignalRollup.objects.get(candidate=book.c["c4"])
    assert c4.won_amounts == {"EUR": "4100.00"}  # the corrected 999.00 is withdrawn for good
    assert c4.settled_at == at(19)
    c5 = SignalRollup.objects.get(candidate=book.c["c5"])
    assert (c5.approved, c5.first_decision_at, c5.owner_review) == (False, None, True)  # undone; opened by Omar
    assert SignalRollup.objects.get(candidate=book.c["c2"]).rejections == {"false_positive": 1}
    assert SignalRollup.objects.get(candidate=book.c["c6"]).rejections == {"other": 1}
    assert c1.rejections == {}


def test_a_newer_event_or_decision_is_read_live_until_the_rollup_folds_it_in(book: Book) -> None:
    rollup_refresh()
    range_ = (dt.date(2026, 2, 1), TODAY)
    before = s.summary(_scope(book.leader, *range_, live=False))
    # A follow-up and a decision written after the refresh: the triggers mark both signals.
    _event(EventKind.OPPORTUNITY_CREATED, book.c["c4"], at(19), book.omar)
    _decide(book.c["c7"], "reject", at(19), book.omar, reason_code="false_positive")
    assert set(RollupDirty.objects.values_list("candidate_id", flat=True)) == {book.c["c4"].pk, book.c["c7"].pk}
    after = s.summary(_scope(book.leader, *range_, live=False))
    assert after == s.summary(_scope(book.leader, *range_, live=True))
    assert (after.opportunity, after.false_positive) == (before.opportunity + 1, before.false_positive + 1)
    reasons = dict((code, n) for code, _, n in s.rejection_reasons(_scope(book.leader, *range_, live=False)))
    assert reasons == dict((code, n) for code, _, n in s.rejection_reasons(_scope(book.leader, *range_, live=True)))
    assert rollup_refresh() == 2
    assert not RollupDirty.objects.exists()
    assert s.summary(_scope(book.leader, *range_, live=False)) == after


def test_the_dashboard_reads_the_rollup_rows(book: Book) -> None:
    """A rollup row that disagrees with the events shows (so the page does read it), and
    a dirty mark sends that signal back to the live path."""
    rollup_refresh()
    range_ = (dt.date(2026, 2, 1), TODAY)
    live = s.summary(_scope(book.leader, *range_, live=True))
    SignalRollup.objects.filter(candidate=book.c["c1"]).update(won=False, won_amounts={})
    rolled = s.summary(_scope(book.leader, *range_, live=False))
    assert (rolled.won, rolled.won_amounts) == (live.won - 1, {})
    RollupDirty.objects.create(candidate_id=book.c["c1"].pk)
    assert s.summary(_scope(book.leader, *range_, live=False)) == live
    # A range that ends before the signal's facts settled reads it live too.
    SignalRollup.objects.filter(candidate=book.c["c1"]).update(won=False, won_amounts={})
    RollupDirty.objects.all().delete()
    early = (START, dt.date(2026, 3, 11))  # c1's second closed-won is on 12 Mar
    assert s.summary(_scope(book.leader, *early, live=False)) == s.summary(_scope(book.leader, *early, live=True))


def test_an_owner_sees_only_their_own_signals_through_the_rollup(book: Book) -> None:
    _history(book)
    rollup_refresh()
    range_ = (dt.date(2026, 2, 1), TODAY)
    dana = s.signal_facts(_scope(book.dana, *range_, live=False))
    omar = s.signal_facts(_scope(book.omar, *range_, live=False))
    assert dana and omar
    assert {f.owner_id for f in dana} == {book.dana.pk}
    assert {f.owner_id for f in omar} == {book.omar.pk}
    assert s.summary(_scope(book.omar, *range_, live=False)).won_amounts == {"EUR": Decimal("4100.00")}


def test_the_trigger_marks_exactly_the_fact_bearing_kinds(book: Book) -> None:
    migration = importlib.import_module("measurement.migrations.0007_signal_rollup")
    assert tuple(migration.FACT_KINDS) == tuple(str(k) for k in FACT_KINDS)
    RollupDirty.objects.all().delete()
    _event(EventKind.RECOMMENDATION_CHANGED, book.c["c1"], at(19), book.leader)
    _event(EventKind.SIGNAL_CREATED, book.c["c1"], at(19), book.leader)
    assert not RollupDirty.objects.exists()
    for kind in FACT_KINDS:
        _event(kind, book.c["c2"], at(19), book.dana)
    assert RollupDirty.objects.filter(candidate_id=book.c["c2"].pk).count() == len(FACT_KINDS)
    Decision.objects.filter(candidate=book.c["c2"]).update(note="edited")
    assert RollupDirty.objects.filter(candidate_id=book.c["c2"].pk).count() == len(FACT_KINDS) + 1


def _figures(response: Any) -> dict[str, Any]:
    """The page's figures as its tables show them."""
    fig = response.context["fig"]
    return {key: [[c.raw for c in row] for row in f.table.rows] for key, f in fig.items() if key != "totals"}


def _live_figures(user: User, start: dt.date, end: dt.date) -> dict[str, Any]:
    scope = s.DashboardScope(user=user, start=start, end=end, today=timezone.now().date(), live=True)
    page = figures.dashboard_figures(scope, dim="owner", audit_size=10, audit_seed=1)
    return {
        key.replace("-", "_"): [[c.raw for c in row] for row in fig.table.rows]
        for key, fig in page.items()
        if key != "totals"
    }


def test_a_decision_and_a_follow_up_between_two_page_views_show_on_the_next_one(book: Book, client: Client) -> None:
    """Through the page: the rollup is folded, then Omar rejects a signal and logs a
    follow-up through the real lifecycle; his next page view shows both at once (no
    stale figure), equal to the live computation, and Dana's figures do not move."""
    _history(book)
    rollup_refresh()
    today = timezone.now().date()
    params = {"pilot": "all", "start": "2026-02-01", "end": today.isoformat()}
    views: dict[str, list[dict[str, Any]]] = {"omar": [], "dana": [], "lee": []}

    def look() -> None:
        for name, user in (("omar", book.omar), ("dana", book.dana), ("lee", book.leader)):
            client.force_login(user)
            response = client.get("/dashboard/", params)
            assert response.status_code == 200
            views[name].append(_figures(response))
            assert views[name][-1] == _live_figures(user, dt.date(2026, 2, 1), today), name

    look()
    client.force_login(book.omar)
    rejected = client.post(
        f"/candidates/{book.c['c7'].pk}/decide/", {"action": "reject", "reason_code": "false_positive"}
    )
    assert rejected.status_code in (200, 204, 302)
    follow_up_log(candidate_id=book.c["c4"].pk, user=book.omar, kind="opportunity_created", opportunity="OPP-9")
    assert set(RollupDirty.objects.values_list("candidate_id", flat=True)) == {book.c["c7"].pk, book.c["c4"].pk}
    look()
    reasons = {row[0]: row[1] for row in views["omar"][1]["rejection_reasons"]}
    assert (
        reasons["False positive: not an expansion signal"]
        == 1
        + {row[0]: row[1] for row in views["omar"][0]["rejection_reasons"]}["False positive: not an expansion signal"]
    )
    assert views["omar"][1]["funnel"] != views["omar"][0]["funnel"]  # the opportunity counts at once
    assert views["dana"][1] == views["dana"][0]  # Omar's work is not on Dana's page
    assert views["lee"][1] != views["lee"][0]
    rollup_refresh()  # folded in: the same figures from the rollup rows
    assert not RollupDirty.objects.exists()
    look()
    assert views["omar"][2] == views["omar"][1] and views["lee"][2] == views["lee"][1]
