"""No input crashes the importer or writes part of a batch (hypothesis)."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.importer import ImportFailed, evidence_import
from accounts.importer.readers import read_objects, read_path
from accounts.models import (
    Account,
    Contact,
    Interaction,
    Note,
    Opportunity,
    Outcome,
    Ticket,
    UsageDaily,
)

pytestmark = pytest.mark.django_db

MODELS = [Account, Contact, UsageDaily, Ticket, Interaction, Outcome, Note, Opportunity]
TYPES = ["account", "contact", "usage", "ticket", "interaction", "outcome", "note", "opportunity", "widget", ""]
FIELDS = [
    "external_id",
    "name",
    "account",
    "contact",
    "metric",
    "value",
    "date",
    "limit",
    "department",
    "subject",
    "status",
    "priority",
    "opened_at",
    "closed_at",
    "text",
    "occurred_at",
    "title",
    "recorded_at",
    "verified",
    "created_at",
    "stage",
    "amount",
    "owner_email",
    "seats_purchased",
    "arr",
    "goals",
    "outreach_allowed",
    "health",
    "role",
    "channel",
    "direction",
    "currency",
    "renewal_date",
    "source",
    "extra_thing",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "acme",
            "2026-11-20",
            "2026-11-20T10:00:00Z",
            "open",
            "high",
            "won",
            "true",
            "1e400",
            "NaN",
            "2026-02-30",
            "a@b.co",
            "USD",
            "seats_used",
            "\x00",
            "‮",
            "9" * 30,
        ]
    ),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
records = st.fixed_dictionaries({"type": st.sampled_from(TYPES)}).flatmap(
    lambda base: st.dictionaries(st.sampled_from(FIELDS), values, max_size=10).map(lambda extra: {**extra, **base})
)


def snapshot() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def seed() -> None:
    evidence_import(
        sources=[
            read_objects(
                "seed",
                [
                    {"type": "account", "external_id": "acme", "name": "Acme"},
                    {"type": "contact", "external_id": "c1", "account": "acme", "name": "Priya"},
                ],
            )
        ]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.one_of(records, scalars), min_size=1, max_size=8))
def test_any_api_batch_is_all_or_nothing(batch: list) -> None:
    if not Account.objects.filter(external_id="acme").exists():
        seed()
    before = snapshot()
    try:
        result = evidence_import(sources=[read_objects("fuzz", batch)], dry_run=True)
    except ImportFailed as failed:
        assert failed.result.errors, "a failed import says why"
        assert all(e.line >= 1 and e.field and e.reason for e in failed.result.errors)
        assert snapshot() == before, "nothing is written when a line is invalid"
        return
    assert not result.errors
    assert snapshot() == before  # dry run


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.one_of(records.map(json.dumps), st.text(alphabet=string.printable, max_size=40)), min_size=1, max_size=6
    )
)
def test_any_file_is_all_or_nothing(lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.jsonl"
    path.write_text("\n".join(line.replace("\n", " ") for line in lines) + "\n", encoding="utf-8")
    before = snapshot()
    try:
        evidence_import(sources=[read_path(path)])
    except ImportFailed as failed:
        assert snapshot() == before
        assert failed.result.errors
        return
    # Written: every record was valid, so the whole file went in.
    assert sum(snapshot().values()) >= sum(before.values())


def test_a_nul_character_anywhere_is_a_clear_error() -> None:
    batch = [{"type": "account", "external_id": "x", "name": "X", "crm": {"note": "a\x00b"}}]
    with pytest.raises(ImportFailed) as failed:
        evidence_import(sources=[read_objects("nul", batch)])
    assert failed.value.result.error_lines() == ["1: crm: contains a NUL character"]
    assert Account.objects.count() == 0
