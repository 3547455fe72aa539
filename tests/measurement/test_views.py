"""The dashboard, its CSV exports and the events CSV through the test client."""

import csv
import io
from typing import TYPE_CHECKING

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from measurement.models import MeasurementEvent, Pilot
from tests.measurement.book import RANGE, START, Book, more_signals

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

ALL = {"pilot": "all", **RANGE}


def _csv(response: "_MonkeyPatchedWSGIResponse") -> list[list[str]]:
    body = b"".join(response.streaming_content) if isinstance(response, StreamingHttpResponse) else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def _table(rows: list[list[str]]) -> list[list[str]]:
    """The data rows of a figure export (after the # header lines and the column row)."""
    return [r for r in rows if not r[0].startswith("#")][1:]


def test_the_dashboard_needs_a_login(client: Client) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_leader_sees_every_figure_of_the_whole_team(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    response = client.get("/dashboard/", ALL)
    assert response.status_code == 200
    fig = response.context["fig"]
    totals = response.context["totals"]
    assert [st.count for st in fig["funnel"].extra["stages"]] == [10, 8, 2, 2, 1, 1, 1]
    assert fig["funnel"].extra["won_amounts"] == "$15,000"
    assert (totals.complete, totals.surfaced, totals.threshold_met, totals.false_positive, totals.decided) == (
        4,
        10,
        4,
        2,
        5,
    )
    assert {row.name for row, _, _ in fig["threshold"].extra["owners"]} == {"Dana", "Omar"}
    durations = fig["time_to_decision"].extra["durations"]
    assert durations.median.total_seconds() == 36 * 3600
    body = response.content.decode()
    for text in (
        "Funnel",
        "Review quality",
        "False positives by week",
        "Readiness",
        "Sample audit",
        "Cobalt",
        "Acme",
        "40.0",
    ):
        assert text in body
    assert 'style="' not in body, "the CSP forbids inline styles"
    assert "<svg" in body and "chart-bar" in body


def test_an_owner_sees_only_their_slice(client: Client, book: Book) -> None:
    client.force_login(book.omar)
    response = client.get("/dashboard/", ALL)
    body = response.content.decode()
    assert [st.count for st in response.context["fig"]["funnel"].extra["stages"]] == [4, 3, 1, 1, 0, 0, 0]
    assert "Cobalt" in body and "Delta" in body
    assert "Acme" not in body and "Birch" not in body and "Dana" not in body
    assert "your own accounts only" in body

    client.force_login(book.dana)
    response = client.get("/dashboard/", ALL)
    totals = response.context["totals"]
    assert (totals.surfaced, totals.complete, totals.false_positive, totals.decided) == (6, 3, 2, 3)
    assert "Cobalt" not in response.content.decode() and "Omar" not in response.content.decode()


def test_the_dashboard_defaults_to_the_running_pilot(client: Client, book: Book) -> None:
    pilot = Pilot.objects.create(
        name="Top 2 healthy", start_date=START, duration_days=14, sample="top_healthy", top_n=2
    )
    pilot.owner_team.set([book.dana, book.omar])
    client.force_login(book.leader)
    response = client.get("/dashboard/")
    assert response.context["params"].pilot == pilot
    assert response.context["params"].start == START
    assert "Top 2 healthy accounts by ARR · 2 owners" in response.content.decode()
    response = client.get("/dashboard/", {"pilot": str(pilot.pk), **RANGE})
    assert response.context["totals"].surfaced == 6


def test_bad_parameters_fall_back_and_say_so(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    response = client.get(
        "/dashboard/",
        {"pilot": "999", "start": "2026-03-15", "end": "2026-03-02", "dim": "nonsense", "n": "-3", "seed": "x"},
    )
    assert response.status_code == 200
    notes = " ".join(response.context["params"].notes)
    assert "does not exist" in notes and "swapped" in notes
    assert response.context["params"].dim == "owner" and response.context["params"].n == 10


def test_htmx_partials_swap_the_breakdown_and_the_audit(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    response = client.get(
        "/dashboard/", {**ALL, "dim": "recommendation"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="breakdown"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="panel" id="breakdown"')
    assert 'class="rec rec-pursue"' in body and "<html" not in body
    response = client.get("/dashboard/", {**ALL, "n": "3", "seed": "5"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit")
    assert response.content.decode().lstrip().startswith('<section class="panel" id="audit"')
    partial = [r.candidate.pk for r in response.context["fig"]["audit"].extra["rows"]]
    assert len(partial) == 3
    page = client.get("/dashboard/", {**ALL, "n": "3", "seed": "5"})
    assert [r.candidate.pk for r in page.context["fig"]["audit"].extra["rows"]] == partial, "the same sample"


def test_every_figure_exports_its_numbers_as_csv(client: Client, book: Book) -> None:
    from measurement.figures import CSV_BUILDERS

    client.force_login(book.leader)
    for figure in CSV_BUILDERS:
        response = client.get(f"/dashboard/{figure}.csv", ALL)
        assert response.status_code == 200, figure
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv(response)
        assert rows[0][0] == "# figure", figure
        if figure not in ("queue-age", "readiness"):  # those two are about today, and say so
            assert rows[1] == ["# range", "2 Mar 2026 – 15 Mar 2026"], figure
        assert rows[3][0] == "# definition" and rows[3][1], figure
    funnel = _table(_csv(client.get("/dashboard/funnel.csv", ALL)))
    assert [(r[0], r[1]) for r in funnel] == [
        ("Signals surfaced", "10"),
        ("Reviewed by the owner", "8"),
        ("Owner-approved", "2"),
        ("Outreach logged", "2"),
        ("Customer responded", "1"),
        ("Expansion opportunity", "1"),
        ("Closed-won", "1"),
    ]
    assert funnel[-1][4] == "USD 15000.50"
    quality = _table(_csv(client.get("/dashboard/quality.csv", ALL)))
    assert [r[1] for r in quality] == ["9", "9", "7", "9", "8", "6", "4"]
    assert quality[-1][3] == "40.0"
    threshold = _table(_csv(client.get("/dashboard/threshold.csv", ALL)))
    assert [r[:4] for r in threshold] == [
        ["All owners", "10", "4", "40.0"],
        ["Dana", "6", "3", "50.0"],
        ["Omar", "4", "1", "25.0"],
    ]
    gaps = _table(_csv(client.get("/dashboard/quality-gaps.csv", ALL)))
    assert len(gaps) == 6 and gaps[0][3] == "Value proof"
    assert client.get("/dashboard/nope.csv").status_code == 404


def test_an_owner_exports_only_their_slice(client: Client, book: Book) -> None:
    client.force_login(book.omar)
    funnel = _table(_csv(client.get("/dashboard/funnel.csv", ALL)))
    assert funnel[0][1] == "4"
    breakdown = _table(_csv(client.get("/dashboard/breakdown.csv", {**ALL, "dim": "owner"})))
    assert [r[0] for r in breakdown] == ["Omar"]


def test_the_events_csv_streams_the_users_slice(client: Client, book: Book) -> None:
    client.force_login(book.leader)
    response = client.get("/events.csv")
    assert response.streaming
    rows = _csv(response)
    assert rows[0][:4] == ["id", "occurred_at", "kind", "account"]
    assert len(rows) - 1 == MeasurementEvent.objects.count()

    client.force_login(book.omar)
    rows = _csv(client.get("/events.csv"))[1:]
    assert rows and {r[3] for r in rows} == {"cobalt", "delta"}
    only = _csv(client.get("/events.csv", {"kind": "approved,rejected", "since": "2026-03-01", "until": "2026-03-31"}))[
        1:
    ]
    assert sorted(r[2] for r in only) == ["approved", "rejected"]
    assert _csv(client.get("/events.csv", {"account": "acme"}))[1:] == []  # not Omar's account
    assert client.get("/events.csv", {"kind": "bogus"}).status_code == 400


def test_the_dashboard_query_count_does_not_grow_with_rows(
    client: Client, book: Book, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(book.leader)
    with django_assert_max_num_queries(24):
        client.get("/dashboard/", ALL)
    more_signals(book.dana, 30)
    with django_assert_max_num_queries(24):
        response = client.get("/dashboard/", ALL)
    assert response.context["totals"].surfaced == 40
    client.force_login(book.dana)
    with django_assert_max_num_queries(24):
        client.get("/dashboard/", ALL)
