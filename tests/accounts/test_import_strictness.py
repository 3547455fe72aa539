"""What the importer refuses rather than guesses: repeated keys, dates in forms the format
does not promise, negative amounts. Each through the real command, all or nothing."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, Ticket, UsageDaily

pytestmark = pytest.mark.django_db

ACCOUNT = '{"type": "account", "external_id": "acme", "name": "Acme Corp"}'


def errors_of(path: Path) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="invalid line"):
        call_command("import_evidence", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def test_a_repeated_key_is_a_line_error_naming_the_key(write_file: Callable[[str, str | bytes], Path]) -> None:
    lines = [
        ACCOUNT,
        '{"type": "ticket", "external_id": "T-1", "account": "acme", "subject": "Exports fail", '
        '"status": "open", "status": "solved", "opened_at": "2026-11-10T08:30:00Z"}',
        # in an extra field's object too; a key-like text inside a string is not a key
        '{"type": "note", "external_id": "n-1", "account": "acme", "text": "said \\"a\\": 1, \\"a\\": 2", '
        '"created_at": "2026-11-10T08:30:00Z", "crm": {"stage": 1, "stage": 2}}',
    ]
    errors = errors_of(write_file("dup.jsonl", "\n".join(lines) + "\n"))
    assert errors == [
        "2: line: the key 'status' appears more than once in one object",
        "3: line: the key 'stage' appears more than once in one object",
    ]
    assert not Account.objects.exists() and not Ticket.objects.exists()


def test_text_that_looks_like_a_repeated_key_is_fine(write_file: Callable[[str, str | bytes], Path]) -> None:
    line = (
        '{"type": "note", "external_id": "n-1", "account": "acme", "text": "{\\"a\\": 1, \\"a\\": 2}", '
        '"created_at": "2026-11-10T08:30:00Z"}'
    )
    call_command("import_evidence", str(write_file("ok.jsonl", f"{ACCOUNT}\n{line}\n")), stdout=StringIO())
    assert Account.objects.get().notes.get().text == '{"a": 1, "a": 2}'


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("renewal_date", "2026-W01-1"),  # ISO week date
        ("renewal_date", "2026-W01"),
        ("renewal_date", "2026-001"),  # ordinal date
        ("renewal_date", "20260101"),  # basic form
        ("renewal_date", "２０２６-01-01"),  # full-width digits
    ],
)
def test_only_calendar_dates_are_dates(write_file: Callable[[str, str | bytes], Path], field: str, value: str) -> None:
    line = f'{{"type": "account", "external_id": "acme", "name": "Acme", "{field}": "{value}"}}'
    assert errors_of(write_file("d.jsonl", line + "\n")) == [f"1: {field}: must be a date YYYY-MM-DD (got {value!r})"]
    assert not Account.objects.exists()


@pytest.mark.parametrize("value", ["2026-W01-1T08:30:00Z", "2026-W01-1", "2026-001T08:30:00Z", "20260101T083000Z"])
def test_a_timestamp_has_a_calendar_date(write_file: Callable[[str, str | bytes], Path], value: str) -> None:
    line = (
        f'{{"type": "ticket", "external_id": "T-1", "account": "acme", "subject": "x", "status": "open", '
        f'"opened_at": "{value}"}}'
    )
    assert errors_of(write_file("t.jsonl", f"{ACCOUNT}\n{line}\n")) == [
        f"2: opened_at: must be an ISO 8601 timestamp (got {value!r})"
    ]


def test_the_documented_date_and_timestamp_forms_still_import(write_file: Callable[[str, str | bytes], Path]) -> None:
    lines = [
        '{"type": "account", "external_id": "acme", "name": "Acme", "renewal_date": "2027-03-01"}',
        *(
            f'{{"type": "ticket", "external_id": "T-{n}", "account": "acme", "subject": "x", "status": "open", '
            f'"opened_at": "{stamp}"}}'
            for n, stamp in enumerate(
                [
                    "2026-11-10T08:30:00Z",
                    "2026-11-10T08:30:00+02:00",
                    "2026-11-10 08:30",
                    "2026-11-10T08:30:00.123456",
                    "2026-11-10",
                ]
            )
        ),
    ]
    call_command("import_evidence", str(write_file("ok.jsonl", "\n".join(lines) + "\n")), stdout=StringIO())
    assert Ticket.objects.count() == 5


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"type": "account", "external_id": "neg", "name": "Neg", "arr": -60000}', "arr"),
        ('{"type": "account", "external_id": "neg", "name": "Neg", "arr": "-0.01"}', "arr"),
        ('{"type": "usage", "account": "acme", "metric": "seats_used", "value": -3, "date": "2026-11-02"}', "value"),
        (
            '{"type": "usage", "account": "acme", "metric": "seats_used", "value": 3, "limit": -50, "date": "2026-11-02"}',
            "limit",
        ),
        (
            '{"type": "usage", "account": "acme", "metric": "seats_used", "value": -0.5, "date": "2026-11-02", '
            '"department": "Ops"}',
            "value",
        ),
    ],
)
def test_negative_usage_limits_and_arr_are_refused(
    write_file: Callable[[str, str | bytes], Path], line: str, field: str
) -> None:
    errors = errors_of(write_file("n.jsonl", f"{ACCOUNT}\n{line}\n"))
    assert len(errors) == 1 and errors[0].startswith(f"2: {field}: must not be negative")
    assert not Account.objects.exists() and not UsageDaily.objects.exists()


def test_negative_values_in_csv_are_refused_too(write_file: Callable[[str, str | bytes], Path]) -> None:
    call_command("import_evidence", str(write_file("a.jsonl", ACCOUNT + "\n")), stdout=StringIO())
    path = write_file(
        "u.csv",
        "type,account,metric,value,date,limit\nusage,acme,seats_used,-3,2026-11-02,\n"
        "usage,acme,seats_used,3,2026-11-03,-1\n",
    )
    assert errors_of(path) == ["2: value: must not be negative (got '-3')", "3: limit: must not be negative (got '-1')"]
    assert not UsageDaily.objects.exists()
