"""Skipping unchanged accounts (signals/engine/inputs.py): a rescore for the same day,
under the same rules, of an account whose inputs did not change is skipped; any change
the engine reads brings it back. Each test first shows the account skipped, then
changes one input and shows the next run sees it: with that input left out of the
fingerprint, the second run would be skipped too and the assertion fails."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Interaction, Ticket, UsageDaily
from signals import lifecycle
from signals.engine.inputs import inputs_fingerprints
from signals.models import Candidate, Rule
from signals.services import accounts_score
from signals.tasks import rescore_chunk_task
from tests.signals.rescore_book import AS_OF, NOON, make_book, state

pytestmark = pytest.mark.django_db


def _scored_twice(n: int = 2) -> list[int]:
    """A book scored once, then again the same day: the second run skips every account."""
    ids = make_book(n)
    first = accounts_score(account_ids=ids, as_of=AS_OF)
    assert first.created == n and first.skipped == 0
    before = state()
    again = accounts_score(account_ids=ids, as_of=AS_OF)
    assert (again.accounts, again.skipped, again.created, again.updated, again.unchanged) == (n, n, 0, 0, 0)
    assert state() == before
    return ids


def _candidate(account_id: int) -> Candidate:
    return Candidate.objects.get(account_id=account_id, status__in=("pending", "deferred"))


def test_a_skipped_run_reads_no_facts_and_writes_nothing() -> None:
    ids = make_book(3)
    accounts_score(account_ids=ids, as_of=AS_OF)
    with CaptureQueriesContext(connection) as ctx:
        summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 3
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "accounts_evidencewatermark" in sql  # the fingerprint reads the watermark
    assert "accounts_usagedaily" not in sql  # and no evidence history
    assert "signals_candidate" not in sql  # no store: no candidate read or written
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for q in ctx.captured_queries)


def test_the_same_run_through_the_chunk_task_is_skipped_and_forced_is_not() -> None:
    ids = make_book(2)
    rescore_chunk_task.apply(args=(ids, AS_OF.isoformat())).get()
    again = rescore_chunk_task.apply(args=(ids, AS_OF.isoformat())).get()
    assert again["skipped"] == 2 and again["unchanged"] == 0
    before = state()
    forced = accounts_score(account_ids=ids, as_of=AS_OF, force=True)
    assert (forced.skipped, forced.unchanged, forced.updated) == (0, 2, 0)
    assert state() == before  # the full path finds nothing to write either


def test_a_new_day_scores_every_account_again() -> None:
    ids = _scored_twice()
    summary = accounts_score(account_ids=ids, as_of=AS_OF + dt.timedelta(days=1))
    assert summary.skipped == 0
    assert set(Candidate.objects.values_list("scored_on", flat=True)) == {AS_OF + dt.timedelta(days=1)}


def test_a_rule_change_scores_every_account_again() -> None:
    ids = _scored_twice()
    Rule.objects.update_or_create(key="value_proof_days", segment="", defaults={"value": "10"})
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 0
    # The verified outcome (20 days old) no longer counts: prove value first.
    assert {c.recommendation for c in Candidate.objects.filter(account_id__in=ids)} == {"prove_value"}


def test_a_usage_row_written_again_is_seen() -> None:
    ids = _scored_twice()
    reading = UsageDaily.objects.create(account_id=ids[0], metric="storage_gb", date=AS_OF, value=20, limit=100)
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert not Candidate.objects.filter(account_id=ids[0], signal_type="capacity").exists()
    # The same row now over the threshold: a capacity candidate.
    reading.value = 95
    reading.save()
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 1  # the other account
    assert Candidate.objects.filter(account_id=ids[0], signal_type="capacity", status="pending").exists()


def test_a_deleted_usage_row_is_seen() -> None:
    ids = _scored_twice()
    UsageDaily.objects.create(account_id=ids[0], metric="storage_gb", date=AS_OF, value=95, limit=100)
    accounts_score(account_ids=ids, as_of=AS_OF)
    capacity = Candidate.objects.get(account_id=ids[0], signal_type="capacity")
    UsageDaily.objects.filter(account_id=ids[0]).delete()
    accounts_score(account_ids=ids, as_of=AS_OF)
    capacity.refresh_from_db()
    assert capacity.status == "expired"


def test_a_new_ticket_and_its_closing_are_seen() -> None:
    ids = _scored_twice()
    ticket = Ticket.objects.create(
        account_id=ids[0],
        external_id="ZD-1",
        subject="Exports fail",
        status="open",
        priority="high",
        opened_at=NOON - dt.timedelta(days=1),
    )
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert _candidate(ids[0]).recommendation == "wait"
    assert _candidate(ids[1]).recommendation == "pursue"
    ticket.status = "solved"
    ticket.save()
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert _candidate(ids[0]).recommendation == "pursue"


def test_a_new_message_is_seen() -> None:
    ids = _scored_twice()
    Interaction.objects.create(
        account_id=ids[0],
        external_id="m-cancel",
        occurred_at=NOON - dt.timedelta(hours=1),
        source="cs_platform",
        text="We are evaluating alternatives and plan to cancel at renewal.",
    )
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.classified == 1 and summary.skipped == 1
    assert _candidate(ids[0]).recommendation == "stop"


def test_the_account_record_and_its_owner_are_seen() -> None:
    ids = _scored_twice(3)
    Account.objects.filter(pk=ids[0]).update(outreach_allowed=False)  # no updated_at: read field by field
    owner = Account.objects.get(pk=ids[1]).owner
    assert owner is not None
    accounts_score(account_ids=ids, as_of=AS_OF)
    assert _candidate(ids[0]).recommendation == "stop"
    assert _candidate(ids[2]).recommendation == "pursue"
    owner.is_active = False
    owner.save()
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 0  # one owner holds all three accounts
    assert _candidate(ids[1]).no_owner


def test_a_decision_is_seen_and_decided_stays_decided() -> None:
    ids = _scored_twice()
    owner = Account.objects.get(pk=ids[0]).owner
    assert owner is not None
    rejected = _candidate(ids[0])
    lifecycle.candidate_reject(candidate_id=rejected.pk, user=owner, reason_code="bad_timing")
    summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 1 and summary.created == 0
    assert Candidate.objects.filter(account_id=ids[0]).count() == 1
    assert Candidate.objects.get(pk=rejected.pk).status == "rejected"


def test_a_row_rewritten_with_an_older_stamp_changes_the_fingerprint() -> None:
    """A row written by a transaction that started before the newest row's: its stamp is
    older than the newest, so a max(updated_at) would miss it; the sum does not."""
    ids = make_book(1)
    older = UsageDaily.objects.create(account_id=ids[0], metric="seats_used", date=AS_OF, value=20)
    UsageDaily.objects.create(account_id=ids[0], metric="seats_used", date=AS_OF - dt.timedelta(days=1), value=20)
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=ids).select_related("owner")}
    before = inputs_fingerprints(accounts)
    stamp = UsageDaily.objects.get(pk=older.pk).updated_at
    UsageDaily.objects.filter(pk=older.pk).update(value=49, updated_at=stamp - dt.timedelta(seconds=1))
    assert inputs_fingerprints(accounts) != before


def test_the_command_says_what_it_skipped_and_force_scores_them() -> None:
    from io import StringIO

    from django.core.management import call_command

    make_book(2)
    call_command("score_accounts", "--as-of", AS_OF.isoformat(), "--write", stdout=StringIO())
    out = StringIO()
    call_command("score_accounts", "--as-of", AS_OF.isoformat(), "--write", stdout=out)
    assert "2 account(s) not scored again" in out.getvalue()
    out = StringIO()
    call_command("score_accounts", "--as-of", AS_OF.isoformat(), "--write", "--force", stdout=out)
    assert "0 new, 0 updated, 2 unchanged" in out.getvalue()
    assert "not scored again" not in out.getvalue()


def test_another_brief_writer_scores_every_account_again() -> None:
    from django.test import override_settings

    ids = _scored_twice()
    with override_settings(BRIEF_WRITER="tests.measurement.test_review_facts.PlainWriter"):
        summary = accounts_score(account_ids=ids, as_of=AS_OF)
    assert summary.skipped == 0
    assert _candidate(ids[0]).brief.text_of("risk_timing") == "Have a look first."
