"""core/sql.py: rows written from array literals read back exactly as written."""

import datetime as dt

import pytest

from accounts.models import Account
from core.sql import AnyOf, pg_array, rows_insert
from measurement.models import EventKind, MeasurementEvent
from measurement.services import event_for, events_record

pytestmark = pytest.mark.django_db

AWKWARD = ['quote " and backslash \\ and comma ,', "NULL", "", "{braces}", "über ✓", "new\nline", "'single'"]


def test_awkward_text_round_trips() -> None:
    account = Account.objects.create(external_id="sql-1", name='Acme "Labs" \\ Inc')
    at = dt.datetime(2026, 11, 20, 12, 30, 15, 123456, tzinfo=dt.UTC)
    events = [
        event_for(kind=EventKind.OUTREACH_SENT, account=account, occurred_at=at, data={"note": text, "n": n})
        for n, text in enumerate(AWKWARD)
    ]
    events.append(event_for(kind=EventKind.OUTREACH_SENT, account=account, occurred_at=at, data={}))
    events_record(events)
    assert all(e.pk for e in events)
    stored = {e.pk: e for e in MeasurementEvent.objects.filter(account=account)}
    for event in events:
        row = stored[event.pk]
        assert (row.kind, row.occurred_at, row.data, row.owner_id, row.score) == (
            event.kind,
            at,
            event.data,
            None,
            None,
        )


def test_primary_keys_follow_the_order_of_the_rows() -> None:
    accounts = [Account(external_id=f"sql-{n}", name=f"Account {n}") for n in range(50)]
    rows_insert(Account, accounts)
    assert [a.pk for a in accounts] == sorted(a.pk for a in accounts)
    names = dict(Account.objects.filter(AnyOf("pk", [a.pk for a in accounts])).values_list("pk", "name"))
    assert all(names[a.pk] == a.name for a in accounts)
    assert Account.objects.filter(AnyOf("pk", [])).count() == 0


def test_an_array_literal_quotes_every_element() -> None:
    assert pg_array([1, None, 'a"b', True]) == '{"1",NULL,"a\\"b",t}'
