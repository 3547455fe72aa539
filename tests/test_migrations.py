"""Every model change ships with its migration: a merge that changes a model (or the
choices it shares with another app) without one fails here, not on a deploy."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    # --check exits with status 1 (SystemExit) when a change has no migration
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)
