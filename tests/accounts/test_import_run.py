"""The ImportRun is committed with the evidence, before the after-import hooks run."""

import pytest

from accounts.importer import evidence_import
from accounts.importer.readers import read_objects
from accounts.importer.service import _after_import
from accounts.models import Account, ImportRun

pytestmark = pytest.mark.django_db(transaction=True)


class ScoringDied(Exception):
    pass


def test_the_run_is_recorded_even_if_a_hook_dies_after_commit() -> None:
    def dies(account_ids: set[int]) -> None:
        raise ScoringDied  # as a process killed, or a broker hung, during post-commit scoring

    _after_import.append(dies)
    try:
        with pytest.raises(ScoringDied):
            evidence_import(
                sources=[read_objects("records", [{"type": "account", "external_id": "acme", "name": "Acme"}])],
                channel="api",
            )
    finally:
        _after_import.remove(dies)

    assert Account.objects.filter(external_id="acme").exists()
    run = ImportRun.objects.get()
    assert (run.status, run.channel, run.counts["account"]["created"]) == ("succeeded", "api", 1)


def test_a_dry_run_is_recorded_as_one() -> None:
    evidence_import(
        sources=[read_objects("records", [{"type": "account", "external_id": "acme", "name": "Acme"}])], dry_run=True
    )
    assert not Account.objects.exists()
    assert ImportRun.objects.get().status == "dry_run"
