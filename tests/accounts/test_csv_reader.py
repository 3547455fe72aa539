"""The strict CSV reader: a broken row is an error for its own line, never a reason to
lose the rows after it."""

import json
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Interaction

if TYPE_CHECKING:
    from tests.conftest import WriteFile

pytestmark = pytest.mark.django_db
HEADER = "type,external_id,account,occurred_at,text\n"
ACCOUNT = '{"type": "account", "external_id": "acme", "name": "Acme"}\n'


def row(external_id: str, text: str) -> str:
    return f"interaction,{external_id},acme,2026-11-12T14:00:00Z,{text}\n"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_evidence", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_unterminated_quote_is_an_error_for_its_line_and_the_rows_after_it_are_read(write_file: "WriteFile") -> None:
    content = HEADER + row("m1", '"Customer wrote: our 5"" screens') + row("m2", "second") + row("m3", "third")
    path = write_file("messages.csv", content)
    run(str(write_file("accounts.jsonl", ACCOUNT)))

    with pytest.raises(CommandError, match="1 invalid line"):
        run(str(path))
    assert not Interaction.objects.exists()

    out, err = run(str(path), "--skip-invalid")
    assert "Read 3 record(s)" in out
    assert "interaction: 2 created" in out
    assert err.splitlines()[0] == (
        "2: line: not valid CSV: unterminated quote (a quoted cell that starts on this line is never closed)"
    )
    assert dict(Interaction.objects.values_list("external_id", "text")) == {"m2": "second", "m3": "third"}
    rejects = [json.loads(line) for line in (path.parent / "messages.csv.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["raw"]) for r in rejects] == [
        (2, 'interaction,m1,acme,2026-11-12T14:00:00Z,"Customer wrote: our 5"" screens')
    ]


def test_a_stray_quote_inside_a_cell_is_an_error_not_part_of_the_cell(write_file: "WriteFile") -> None:
    run(str(write_file("accounts.jsonl", ACCOUNT)))
    content = HEADER + row("m1", '"quoted" then more') + row("m2", "fine")
    out, err = run(str(write_file("messages.csv", content)), "--skip-invalid")
    assert "interaction: 1 created" in out
    assert err.startswith("2: line: not valid CSV (")


def test_a_quoted_cell_may_span_lines_and_the_next_row_keeps_its_own_number(write_file: "WriteFile") -> None:
    run(str(write_file("accounts.jsonl", ACCOUNT)))
    content = HEADER + row("m1", '"first line\nsecond ""line"""') + row("m2", "Bad,")
    with pytest.raises(CommandError):
        call_command(
            "import_evidence", str(write_file("messages.csv", content)), stdout=StringIO(), stderr=(err := StringIO())
        )
    assert err.getvalue().splitlines() == ["4: line: has 6 columns, the header has 5"]


def test_with_skip_invalid_a_huge_cell_is_rejected_with_its_line_and_the_reader_goes_on(
    write_file: "WriteFile",
) -> None:
    run(str(write_file("accounts.jsonl", ACCOUNT)))
    huge = "x" * 204_800  # 200 KB: over the csv module's default cell limit and the text limit
    content = HEADER + row("m1", "before") + row("m2", huge) + row("m3", "after") + row("m4", "last")
    path = write_file("messages.csv", content)

    out, err = run(str(path), "--skip-invalid")

    assert "Read 4 record(s)" in out and "interaction: 3 created" in out
    assert err.splitlines()[0] == "3: text: longer than 200,000 characters (got 204,800)"
    assert sorted(Interaction.objects.values_list("external_id", flat=True)) == ["m1", "m3", "m4"]
    (reject,) = [json.loads(line) for line in (path.parent / "messages.csv.rejects.jsonl").read_text().splitlines()]
    assert reject["line"] == 3
    assert reject["raw"] == row("m2", huge).rstrip("\n")


def test_a_cell_over_the_readers_limit_is_an_error_for_its_line(write_file: "WriteFile") -> None:
    run(str(write_file("accounts.jsonl", ACCOUNT)))
    content = HEADER + row("m1", "y" * 1_200_000) + row("m2", "after")
    path = write_file("messages.csv", content)

    out, err = run(str(path), "--skip-invalid")

    assert "interaction: 1 created" in out
    assert err.splitlines()[0] == "2: line: not valid CSV: a cell is longer than 1,000,000 characters"
    (reject,) = [json.loads(line) for line in (path.parent / "messages.csv.rejects.jsonl").read_text().splitlines()]
    assert len(reject["raw"]) == len(row("m1", "y" * 1_200_000)) - 1
