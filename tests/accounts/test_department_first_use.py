"""`DepartmentFirstUse` (the first day per account and department, kept by the database
from every write to usage) always equals the live MIN(date) over the usage rows, after
inserts, imports, moves, deletions and an account's deletion; and the engine's new
department facts read from it."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Min

from accounts.models import Account, DepartmentFirstUse, UsageDaily
from signals.engine.facts import account_facts
from signals.services import rules_lookup

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)


def _live() -> dict[tuple[int, str], dt.date]:
    rows = UsageDaily.objects.values("account_id", "department").annotate(first=Min("date"))
    return {(r["account_id"], r["department"]): r["first"] for r in rows}


def _kept() -> dict[tuple[int, str], dt.date]:
    return {(a, d): f for a, d, f in DepartmentFirstUse.objects.values_list("account_id", "department", "first_on")}


def _reading(account: Account, days_ago: int, department: str = "", metric: str = "active_users") -> UsageDaily:
    return UsageDaily(
        account=account, metric=metric, date=DAY - dt.timedelta(days=days_ago), department=department, value=5
    )


def test_it_follows_every_kind_of_write() -> None:
    a = Account.objects.create(external_id="a", name="A")
    b = Account.objects.create(external_id="b", name="B")
    UsageDaily.objects.bulk_create(
        [_reading(a, d) for d in range(30, 0, -1)] + [_reading(a, d, "Finance") for d in (5, 4, 3)] + [_reading(b, 9)]
    )
    assert _kept() == _live() and _kept()[(a.pk, "Finance")] == DAY - dt.timedelta(days=5)

    UsageDaily.objects.create(
        **{f: getattr(_reading(a, 8, "Finance"), f) for f in ("account", "metric", "date", "department", "value")}
    )
    assert _kept() == _live() and _kept()[(a.pk, "Finance")] == DAY - dt.timedelta(days=8)

    # The first row moves later, to another department, to another account.
    first = UsageDaily.objects.get(account=a, department="Finance", date=DAY - dt.timedelta(days=8))
    UsageDaily.objects.filter(pk=first.pk).update(date=DAY - dt.timedelta(days=1))
    assert _kept() == _live() and _kept()[(a.pk, "Finance")] == DAY - dt.timedelta(days=5)
    moved = UsageDaily.objects.get(account=a, department="Finance", date=DAY - dt.timedelta(days=5))
    moved.department = "Sales"
    moved.save()
    assert _kept() == _live()
    UsageDaily.objects.filter(account=a, department="Sales").update(account=b)
    assert _kept() == _live() and (a.pk, "Sales") not in _kept() and (b.pk, "Sales") in _kept()

    # Deleting the earliest rows, then every row of a department.
    UsageDaily.objects.filter(account=a, department="", date__lt=DAY - dt.timedelta(days=20)).delete()
    assert _kept() == _live() and _kept()[(a.pk, "")] == DAY - dt.timedelta(days=20)
    UsageDaily.objects.filter(account=a, department="Finance").delete()
    assert _kept() == _live() and (a.pk, "Finance") not in _kept()

    b.delete()
    assert _kept() == _live() and {k[0] for k in _kept()} == {a.pk}


def test_it_follows_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    records = [{"type": "account", "external_id": "acme", "name": "Acme"}] + [
        {
            "type": "usage",
            "account": "acme",
            "metric": "active_users",
            "date": (DAY - dt.timedelta(days=d)).isoformat(),
            "department": department,
            "value": 4,
        }
        for d in range(12, 0, -1)
        for department in ("", "Reporting")
        if department == "" or d <= 4
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    call_command("import_evidence", str(path), stdout=None)
    acme = Account.objects.get(external_id="acme")
    assert (
        _kept()
        == _live()
        == {(acme.pk, ""): DAY - dt.timedelta(days=12), (acme.pk, "Reporting"): DAY - dt.timedelta(days=4)}
    )


def test_a_new_department_is_found_as_of_each_day() -> None:
    """A department whose first reading is in the window, after the account's first
    reading, is new; as of a day before its first reading it does not exist yet, and
    once its first day is out of the window it is no longer new."""
    acme = Account.objects.create(external_id="acme", name="Acme")
    UsageDaily.objects.bulk_create(
        [_reading(acme, d) for d in range(60, -1, -1)] + [_reading(acme, d, "Reporting") for d in range(10, -1, -1)]
    )
    lookup = rules_lookup()
    window = lookup.default.new_department_days

    def new_departments(as_of: dt.date) -> list[str]:
        facts = account_facts(account_ids=[acme.pk], as_of=as_of, rules_for=lookup)
        return [u.department for u in facts[acme.pk].usage if u.code == "new_department"]

    assert new_departments(DAY) == ["Reporting"]
    assert new_departments(DAY - dt.timedelta(days=11)) == []  # before its first reading
    assert new_departments(DAY - dt.timedelta(days=10) + dt.timedelta(days=window)) == []  # out of the window
    # Its first reading deleted: the department starts a day later, still new.
    UsageDaily.objects.filter(account=acme, department="Reporting", date=DAY - dt.timedelta(days=10)).delete()
    facts = account_facts(account_ids=[acme.pk], as_of=DAY, rules_for=lookup)
    (found,) = [u for u in facts[acme.pk].usage if u.code == "new_department"]
    assert found.numbers["first"] == (DAY - dt.timedelta(days=9)).isoformat()
