"""Measurement events cannot be edited: the database refuses it on PostgreSQL, and the app
offers no path that tries."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client

from measurement.models import EventKind, MeasurementEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(owner: User) -> MeasurementEvent:
    account = factories.AccountFactory.create(owner=owner)
    return MeasurementEvent.objects.create(kind=EventKind.REVIEWED, account=account, owner=owner, actor=owner)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_the_database_refuses_update_and_delete(event: MeasurementEvent) -> None:
    table = MeasurementEvent._meta.db_table
    for sql in (f"UPDATE {table} SET kind = 'approved' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.kind == EventKind.REVIEWED
    with pytest.raises(DatabaseError), transaction.atomic():
        MeasurementEvent.objects.filter(pk=event.pk).update(kind=EventKind.APPROVED)
    with pytest.raises(DatabaseError), transaction.atomic():
        MeasurementEvent.objects.filter(pk=event.pk).delete()
    assert MeasurementEvent.objects.filter(pk=event.pk, kind=EventKind.REVIEWED).exists()


def test_inserting_still_works(event: MeasurementEvent) -> None:
    MeasurementEvent.objects.create(kind=EventKind.APPROVED, account=event.account, owner=event.owner)
    assert MeasurementEvent.objects.count() == 2


def test_the_admin_is_read_only(client: Client, admin_user: User, event: MeasurementEvent) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/measurement/measurementevent/").status_code == 200
    assert client.get("/admin/measurement/measurementevent/add/").status_code == 403
    change = client.get(f"/admin/measurement/measurementevent/{event.pk}/change/")
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert (
        client.post(f"/admin/measurement/measurementevent/{event.pk}/change/", {"kind": "approved"}).status_code == 403
    )
    assert client.post(f"/admin/measurement/measurementevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/measurement/measurementevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.kind == EventKind.REVIEWED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_truncate(owner: User) -> None:
    import psycopg

    account = factories.AccountFactory.create(owner=owner)
    MeasurementEvent.objects.create(kind=EventKind.REVIEWED, account=account, owner=owner, actor=owner)
    # A session of its own, as psql or a stray script would open: no opt-in to truncating.
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )
    with other, pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only: TRUNCATE refused"):
        other.execute(f"TRUNCATE {MeasurementEvent._meta.db_table} CASCADE")
    assert MeasurementEvent.objects.count() == 1
