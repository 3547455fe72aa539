"""Pilots are configured in admin and validated with messages an admin can act on."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from measurement.admin import PilotForm
from measurement.models import Pilot
from tests import factories

pytestmark = pytest.mark.django_db


def form(**data: object) -> PilotForm:
    base = {
        "name": "Q1 pilot",
        "start_date": "2026-03-02",
        "duration_days": 60,
        "threshold": "0.80",
        "sample": "top_healthy",
        "top_n": 50,
        "segment": "",
        "accounts": [],
        "owner_team": [],
    }
    base.update(data)
    return PilotForm(data=base)


def test_defaults_follow_the_seed(owner: User) -> None:
    pilot = Pilot.objects.create(name="Seed", start_date="2026-03-02", top_n=50)
    assert (pilot.duration_days, pilot.threshold, pilot.sample) == (60, Decimal("0.80"), "top_healthy")
    pilot.refresh_from_db()
    assert str(pilot.end_date) == "2026-04-30"


def test_a_valid_pilot_saves(owner: User) -> None:
    f = form(owner_team=[owner.pk])
    assert f.is_valid(), f.errors
    pilot = f.save()
    assert list(pilot.owner_team.all()) == [owner]


def test_each_kind_of_sample_needs_its_own_field_only(owner: User, other_owner: User) -> None:
    mine = factories.AccountFactory.create(owner=owner, name="Acme", segment="smb")
    theirs = factories.AccountFactory.create(owner=other_owner, name="Globex")
    team = [owner.pk]

    f = form(owner_team=team, top_n="")
    assert not f.is_valid() and "between 1 and 1000" in f.errors["top_n"][0]
    f = form(owner_team=team, segment="smb")
    assert "Leave the segment empty" in f.errors["segment"][0]
    f = form(owner_team=team, sample="segment", top_n="", segment="")
    assert "Enter the segment to sample (one of mid-market, smb)" in f.errors["segment"][0]
    f = form(owner_team=team, sample="segment", top_n="", segment="enterprize")
    assert "No account has the segment 'enterprize'" in f.errors["segment"][0]
    f = form(owner_team=team, sample="accounts", top_n="")
    assert "Choose the pilot's accounts" in f.errors["accounts"][0]
    f = form(owner_team=team, sample="accounts", top_n="", accounts=[mine.pk, theirs.pk])
    assert "Globex is not owned by anyone on the pilot team" in f.errors["accounts"][0]
    assert form(owner_team=team, sample="accounts", top_n="", accounts=[mine.pk]).is_valid()
    assert form(owner_team=team, sample="segment", top_n="", segment="smb").is_valid()


def test_team_duration_and_threshold_are_checked(owner: User) -> None:
    f = form(duration_days=0, threshold="1.50")
    assert not f.is_valid()
    assert "at least one account owner" in f.errors["owner_team"][0]
    assert "between 1 and 365 days" in f.errors["duration_days"][0]
    assert "0.80 means 80%" in f.errors["threshold"][0]
    owner.is_active = False
    owner.save()
    assert "inactive" in form(owner_team=[owner.pk]).errors["owner_team"][0]


def test_the_admin_pages_work(client: Client, admin_user: User, owner: User) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/measurement/pilot/add/").status_code == 200
    response = client.post(
        "/admin/measurement/pilot/add/",
        {
            "name": "Admin pilot",
            "start_date": "2026-03-02",
            "duration_days": 60,
            "threshold": "0.80",
            "sample": "top_healthy",
            "top_n": "",
            "segment": "",
            "owner_team": [owner.pk],
        },
    )
    assert response.status_code == 200 and "Enter how many healthy accounts" in response.content.decode()
    response = client.post(
        "/admin/measurement/pilot/add/",
        {
            "name": "Admin pilot",
            "start_date": "2026-03-02",
            "duration_days": 60,
            "threshold": "0.80",
            "sample": "top_healthy",
            "top_n": "50",
            "segment": "",
            "owner_team": [owner.pk],
        },
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(name="Admin pilot")
    assert client.get("/admin/measurement/pilot/").status_code == 200
    assert (
        f"/dashboard/?pilot={pilot.pk}" in client.get(f"/admin/measurement/pilot/{pilot.pk}/change/").content.decode()
    )
