import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.importer import evidence_import
from accounts.importer.readers import read_path
from accounts.models import (
    Account,
    Contact,
    ImportRun,
    Interaction,
    Note,
    Opportunity,
    Outcome,
    Ticket,
    UsageDaily,
)

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)

SPEC_EXAMPLE = """\
{"type": "account", "external_id": "acme", "name": "Acme Corp", "owner_email": "dana@example.com", "plan": "Growth", "seats_purchased": 50, "arr": 60000, "renewal_date": "2027-03-01", "goals": ["Cut month-end close to 3 days"]}
{"type": "contact", "external_id": "acme-c1", "account": "acme", "name": "Priya Shah", "title": "Head of Reporting", "role": "champion", "department": "Reporting"}
{"type": "usage", "account": "acme", "metric": "active_users", "value": 12, "date": "2026-11-02", "department": "Reporting"}
{"type": "outcome", "external_id": "acme-o1", "account": "acme", "title": "Month-end close down from 6 to 3 days", "goal": "Cut month-end close to 3 days", "department": "Finance", "verified": true, "recorded_at": "2026-10-15T09:00:00Z"}
{"type": "ticket", "external_id": "ZD-881", "account": "acme", "subject": "Scheduled exports fail", "status": "open", "priority": "high", "opened_at": "2026-11-10T08:30:00Z"}
{"type": "interaction", "external_id": "acme-m7", "account": "acme", "contact": "acme-c1", "channel": "email", "occurred_at": "2026-11-12T14:00:00Z", "text": "Our reporting team would like to know what the advanced analytics package adds."}
"""


def run(*args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_evidence", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict[str, list]:
    """Everything the importer can write, to prove that a failed import wrote nothing."""
    models = [Account, Contact, UsageDaily, Ticket, Interaction, Outcome, Note, Opportunity]
    return {m.__name__: sorted(map(str, m._default_manager.values_list())) for m in models}


def test_it_imports_the_spec_example(write_file: Callable[[str, str | bytes], Path]) -> None:
    out, _ = run(str(write_file("example.jsonl", SPEC_EXAMPLE)))

    assert "account: 1 created, 0 updated, 0 unchanged" in out
    assert "interaction: 1 created" in out
    acme = Account.objects.get(external_id="acme")
    assert acme.goals == ["Cut month-end close to 3 days"]
    assert str(acme.arr) == "60000.00"
    assert acme.outreach_allowed is True
    assert acme.owner is not None
    assert acme.owner.email == "dana@example.com"
    assert acme.owner.is_active is False  # unknown e-mail: kept as an inactive user
    ticket = Ticket.objects.get(external_id="ZD-881")
    assert (ticket.status, ticket.priority, ticket.source) == ("open", "high", "support_desk")
    contact = Interaction.objects.get().contact
    assert contact is not None and contact.external_id == "acme-c1"
    usage = UsageDaily.objects.get()
    assert (usage.metric, usage.value, usage.department) == ("active_users", 12.0, "Reporting")
    assert ImportRun.objects.get().status == "succeeded"


def test_a_second_import_of_the_same_file_changes_nothing(write_file: Callable[[str, str | bytes], Path]) -> None:
    path = str(write_file("example.jsonl", SPEC_EXAMPLE))
    run(path)
    before = {m.__name__: list(m.objects.values_list("updated_at", flat=True)) for m in (Account, Ticket, UsageDaily)}

    out, _ = run(path)

    for type_name in ("account", "contact", "usage", "outcome", "ticket", "interaction"):
        assert f"{type_name}: 0 created, 0 updated, 1 unchanged" in out
    after = {m.__name__: list(m.objects.values_list("updated_at", flat=True)) for m in (Account, Ticket, UsageDaily)}
    assert before == after
    assert get_user_model().objects.filter(email="dana@example.com").count() == 1


def test_a_ticket_status_change_is_an_update_not_a_new_ticket(write_file: Callable[[str, str | bytes], Path]) -> None:
    run(str(write_file("a.jsonl", SPEC_EXAMPLE)))
    solved = {
        "type": "ticket",
        "external_id": "ZD-881",
        "account": "acme",
        "subject": "Scheduled exports fail",
        "status": "solved",
        "priority": "high",
        "opened_at": "2026-11-10T08:30:00Z",
        "closed_at": "2026-11-14T10:00:00Z",
    }

    out, _ = run(str(write_file("b.jsonl", json.dumps(solved) + "\n")))

    assert "ticket: 0 created, 1 updated, 0 unchanged" in out
    ticket = Ticket.objects.get()
    assert ticket.status == "solved"
    assert ticket.closed_at is not None and ticket.closed_at.isoformat() == "2026-11-14T10:00:00+00:00"


def test_invalid_lines_write_nothing_and_are_all_reported(write_file: Callable[[str, str | bytes], Path]) -> None:
    run(str(write_file("good.jsonl", SPEC_EXAMPLE)))
    before = snapshot()
    bad = (
        "\n".join(
            [
                '{"type": "account", "external_id": "new-co", "name": "New Co"}',
                '{"type": "usage", "account": "acme", "metric": "seats_used", "value": "lots", "date": "2026-11-02"}',
                '{"type": "ticket", "external_id": "T-2", "account": "acme", "subject": "x", "status": "broken", "opened_at": "yesterday"}',
                '{"type": "widget", "external_id": "w"}',
                '{"type": "interaction", "external_id": "m-9", "account": "ghost", "text": "hi", "occurred_at": "2026-11-01T00:00:00Z"}',
                "{not json",
                '{"type": "contact", "external_id": "c-9", "account": "acme", "name": ""}',
            ]
        )
        + "\n"
    )

    with pytest.raises(CommandError, match="6 invalid line"):
        from io import StringIO

        err = StringIO()
        try:
            call_command("import_evidence", str(write_file("bad.jsonl", bad)), stdout=StringIO(), stderr=err)
        finally:
            errors = err.getvalue().splitlines()

    assert errors == [
        "2: value: must be a number (got 'lots')",
        "3: status: must be one of new, open, pending, on_hold, solved, closed (got 'broken')",
        "3: opened_at: must be an ISO 8601 timestamp (got 'yesterday')",
        "4: type: unknown record type 'widget' (expected one of account, contact, usage, ticket, interaction, outcome, note, opportunity)",
        "5: account: unknown account 'ghost' (not in this import or already stored)",
        "6: line: not valid JSON (unexpected character, expected a string key at column 2)",
        "7: name: required",
    ]
    assert snapshot() == before
    assert ImportRun.objects.filter(status="failed").count() == 1


def test_skip_invalid_imports_the_valid_lines_and_writes_rejects(
    write_file: Callable[[str, str | bytes], Path], tmp_path: Path
) -> None:
    lines = SPEC_EXAMPLE + '{"type": "usage", "account": "acme", "metric": "x", "value": 1, "date": "2026-02-30"}\n'
    lines += '{"type": "note", "external_id": "n1", "account": "nobody", "text": "hi", "created_at": "2026-11-01T09:00:00"}\n'
    path = write_file("mixed.jsonl", lines)
    rejects = tmp_path / "rejects.jsonl"

    out, err = run(str(path), "--skip-invalid", "--rejects", str(rejects))

    assert "account: 1 created" in out
    assert "rejected: 2 invalid line(s)" in out
    assert "7: date: must be a date YYYY-MM-DD (got '2026-02-30')" in err
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["errors"]) for r in rows] == [
        (7, ["date: must be a date YYYY-MM-DD (got '2026-02-30')"]),
        (8, ["account: unknown account 'nobody' (not in this import or already stored)"]),
    ]
    # the rejected line is kept exactly as it was, so it can be fixed and imported again
    assert rows[0]["raw"] == lines.splitlines()[6]
    assert Note.objects.count() == 0
    assert UsageDaily.objects.count() == 1


def test_a_record_may_refer_to_an_account_later_in_the_file(write_file: Callable[[str, str | bytes], Path]) -> None:
    reordered = "".join(reversed(SPEC_EXAMPLE.splitlines(keepends=True)))
    out, _ = run(str(write_file("reordered.jsonl", reordered)))
    assert "contact: 1 created" in out
    assert Interaction.objects.get().account.external_id == "acme"


def test_records_referring_to_a_rejected_account_are_rejected_too(
    write_file: Callable[[str, str | bytes], Path],
) -> None:
    lines = '{"type": "account", "external_id": "bad", "name": "Bad", "arr": "lots"}\n'
    lines += (
        '{"type": "note", "external_id": "n1", "account": "bad", "text": "hi", "created_at": "2026-11-01T09:00:00Z"}\n'
    )
    with pytest.raises(CommandError):
        from io import StringIO

        err = StringIO()
        try:
            call_command("import_evidence", str(write_file("x.jsonl", lines)), stdout=StringIO(), stderr=err)
        finally:
            output = err.getvalue()
    assert "2: account: account 'bad' is invalid in this import (line 1)" in output


def test_a_contact_of_another_account_is_an_error(write_file: Callable[[str, str | bytes], Path]) -> None:
    lines = SPEC_EXAMPLE + '{"type": "account", "external_id": "other", "name": "Other"}\n'
    lines += '{"type": "ticket", "external_id": "T-9", "account": "other", "contact": "acme-c1", "subject": "s", "status": "open", "opened_at": "2026-11-01T00:00:00Z"}\n'
    with pytest.raises(CommandError):
        from io import StringIO

        err = StringIO()
        try:
            call_command("import_evidence", str(write_file("x.jsonl", lines)), stdout=StringIO(), stderr=err)
        finally:
            output = err.getvalue()
    assert "8: contact: contact 'acme-c1' belongs to account 'acme', not 'other'" in output


def test_unknown_fields_are_kept_as_extra_attributes(write_file: Callable[[str, str | bytes], Path]) -> None:
    line = '{"type": "account", "external_id": "x", "name": "X", "crm_tier": "gold", "nps": 42}\n'
    run(str(write_file("x.jsonl", line)))
    assert Account.objects.get().extra == {"crm_tier": "gold", "nps": 42}


def test_csv_with_a_type_column_lists_and_a_byte_order_mark(write_file: Callable[[str, str | bytes], Path]) -> None:
    content = (
        "type,external_id,name,goals,outreach_allowed,seats_purchased\r\n"
        "account,globex,Globex,Grow revenue; Cut churn,false,120\r\n"
        'account,initech,"Initech, Inc.",,true,\r\n'
    )
    out, _ = run(str(write_file("accounts.csv", "\ufeff" + content)))

    assert "account: 2 created" in out
    globex = Account.objects.get(external_id="globex")
    assert globex.goals == ["Grow revenue", "Cut churn"]
    assert globex.outreach_allowed is False
    assert globex.seats_purchased == 120
    initech = Account.objects.get(external_id="initech")
    assert (initech.name, initech.goals, initech.seats_purchased) == ("Initech, Inc.", [], None)


def test_csv_with_the_type_given_on_the_command_line(write_file: Callable[[str, str | bytes], Path]) -> None:
    run(str(write_file("a.jsonl", SPEC_EXAMPLE)))
    content = (
        "account,metric,value,date,limit\nacme,storage_gb,90.5,2026-11-03,100\nacme,storage_gb,91,2026-11-04,100\n"
    )
    out, _ = run(str(write_file("usage.csv", content)), "--type", "usage")
    assert "usage: 2 created" in out
    assert UsageDaily.objects.filter(metric="storage_gb", limit=100).count() == 2


def test_csv_without_a_type_is_refused(write_file: Callable[[str, str | bytes], Path]) -> None:
    with pytest.raises(CommandError, match="no `type` column and no --type"):
        run(str(write_file("usage.csv", "account,metric\nacme,x\n")))


def test_csv_errors_name_the_line(write_file: Callable[[str, str | bytes], Path]) -> None:
    content = "type,external_id,name,arr\naccount,a,A,100\naccount,b,,abc\n"
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_evidence", str(write_file("a.csv", content)), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["3: name: required", "3: arr: must be a decimal number (got 'abc')"]
    assert Account.objects.count() == 0


def test_dry_run_counts_but_writes_nothing(write_file: Callable[[str, str | bytes], Path]) -> None:
    out, _ = run(str(write_file("a.jsonl", SPEC_EXAMPLE)), "--dry-run")
    assert out.startswith("Dry run, nothing written.")
    assert "account: 1 created" in out
    assert Account.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_an_unknown_file_type_is_refused(write_file: Callable[[str, str | bytes], Path]) -> None:
    with pytest.raises(CommandError, match="unknown file type .xml"):
        run(str(write_file("a.xml", "<a/>")))


def test_ten_thousand_lines(write_file: Callable[[str, str | bytes], Path]) -> None:
    lines = [json.dumps({"type": "account", "external_id": f"a{i}", "name": f"A {i}"}) for i in range(100)]
    for i in range(100):
        for day in range(1, 100):
            lines.append(
                json.dumps(
                    {
                        "type": "usage",
                        "account": f"a{i}",
                        "metric": "active_users",
                        "value": day + i,
                        "date": (START + dt.timedelta(days=day)).isoformat(),
                    }
                )
            )
    path = write_file("big.jsonl", "\n".join(lines) + "\n")
    assert len(lines) == 10_000

    out, _ = run(str(path))
    assert "usage: 9900 created" in out
    assert UsageDaily.objects.count() == 9900

    out, _ = run(str(path))
    assert "usage: 0 created, 0 updated, 9900 unchanged" in out


@pytest.mark.parametrize("fast", [True, False], ids=["copy", "portable"])
def test_both_usage_writers_agree(write_file: Callable[[str, str | bytes], Path], fast: bool) -> None:
    if fast and connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL only")
    base = '{"type": "account", "external_id": "a", "name": "A"}\n'
    rows = [
        '{"type": "usage", "account": "a", "metric": "m", "value": 1, "date": "2026-01-01"}',
        '{"type": "usage", "account": "a", "metric": "m", "value": 2, "date": "2026-01-02"}',
        '{"type": "usage", "account": "a", "metric": "m", "value": 3, "date": "2026-01-02", "department": "Ops"}',
    ]
    first = evidence_import(sources=[read_path(write_file("1.jsonl", base + "\n".join(rows)))], fast_usage=fast)
    assert first.counts["usage"] == {"created": 3, "updated": 0, "unchanged": 0}
    rows[1] = rows[1].replace('"value": 2', '"value": 5')
    rows.append('{"type": "usage", "account": "a", "metric": "m", "value": 2, "date": "2026-01-01"}')
    second = evidence_import(sources=[read_path(write_file("2.jsonl", "\n".join(rows)))], fast_usage=fast)
    # the same key twice in one file: the later line wins
    assert second.counts["usage"] == {"created": 0, "updated": 2, "unchanged": 1}
    assert sorted(UsageDaily.objects.values_list("date", "department", "value")) == [
        (dt.date(2026, 1, 1), "", 2.0),
        (dt.date(2026, 1, 2), "", 5.0),
        (dt.date(2026, 1, 2), "Ops", 3.0),
    ]
    assert second.changed_account_ids == {Account.objects.get().pk}


def test_an_absent_field_keeps_its_value_and_a_null_resets_it(write_file: Callable[[str, str | bytes], Path]) -> None:
    run(str(write_file("a.jsonl", SPEC_EXAMPLE)))
    run(str(write_file("b.jsonl", '{"type": "account", "external_id": "acme", "name": "Acme Corp", "plan": null}\n')))
    acme = Account.objects.get()
    assert acme.plan == ""
    assert acme.seats_purchased == 50
    assert acme.owner is not None


def test_all_record_types(write_file: Callable[[str, str | bytes], Path]) -> None:
    more = SPEC_EXAMPLE + (
        '{"type": "note", "external_id": "n1", "account": "acme", "text": "Priya wants a QBR", "created_at": "2026-11-01T09:00:00", "author_email": "Dana@Example.com"}\n'
        '{"type": "opportunity", "external_id": "opp-1", "account": "acme", "name": "Acme +20 seats", "stage": "open", "amount": "12000.50", "created_at": "2026-11-02T09:00:00+01:00", "signal": "abc"}\n'
    )
    run(str(write_file("a.jsonl", more)))
    note = Note.objects.get()
    assert note.author_email == "dana@example.com"
    assert note.written_at.isoformat() == "2026-11-01T09:00:00+00:00"  # no offset means UTC
    opp = Opportunity.objects.get()
    assert (str(opp.amount), opp.signal_ref, opp.opened_at.isoformat()) == (
        "12000.50",
        "abc",
        "2026-11-02T08:00:00+00:00",
    )
    assert Outcome.objects.get().verified is True
