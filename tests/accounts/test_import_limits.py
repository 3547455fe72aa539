"""Customer texts are kept whole up to 200,000 characters and refused above that, with a
line error naming the field and the limit (docs/import-format.md, Limits)."""

import pytest

from accounts.importer import ImportFailed, evidence_import
from accounts.importer.fields import MAX_TEXT_CHARS
from accounts.importer.readers import read_objects
from accounts.models import Interaction, Note, Ticket

pytestmark = pytest.mark.django_db
ACCOUNT = {"type": "account", "external_id": "acme", "name": "Acme"}
AT = "2026-11-12T14:00:00Z"


def records(text: str) -> list[dict]:
    return [
        ACCOUNT,
        {"type": "interaction", "external_id": "m1", "account": "acme", "occurred_at": AT, "text": text},
        {
            "type": "ticket",
            "external_id": "T-1",
            "account": "acme",
            "subject": "Exports",
            "status": "open",
            "opened_at": AT,
            "body": text,
        },
        {"type": "note", "external_id": "n1", "account": "acme", "created_at": AT, "text": text},
    ]


def test_a_text_at_the_limit_is_kept_whole() -> None:
    text = "word " * (MAX_TEXT_CHARS // 5)
    assert len(text) == MAX_TEXT_CHARS == 200_000

    evidence_import(sources=[read_objects("records", records(text))])

    assert len(Interaction.objects.get().text) == MAX_TEXT_CHARS
    assert len(Ticket.objects.get().body) == MAX_TEXT_CHARS
    assert len(Note.objects.get().text) == MAX_TEXT_CHARS


def test_a_text_over_the_limit_is_a_line_error_naming_the_field_and_the_limit() -> None:
    with pytest.raises(ImportFailed) as failed:
        evidence_import(sources=[read_objects("records", records("x" * (MAX_TEXT_CHARS + 1)))])

    assert failed.value.result.error_lines() == [
        "2: text: longer than 200,000 characters (got 200,001)",
        "3: body: longer than 200,000 characters (got 200,001)",
        "4: text: longer than 200,000 characters (got 200,001)",
    ]
    assert not Interaction.objects.exists()


def test_a_ticket_subject_keeps_its_own_limit() -> None:
    batch = [
        ACCOUNT,
        {
            "type": "ticket",
            "external_id": "T-1",
            "account": "acme",
            "subject": "s" * 501,
            "status": "open",
            "opened_at": AT,
        },
    ]
    with pytest.raises(ImportFailed) as failed:
        evidence_import(sources=[read_objects("records", batch)])
    assert failed.value.result.error_lines() == ["2: subject: longer than 500 characters"]
