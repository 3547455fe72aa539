"""A long customer text is stored whole, and the candidate page shows a bounded prefix
that says it is truncated and how long the whole text is."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reviews.selectors import evidence_items
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_candidate_page_shows_a_bounded_prefix_of_a_long_text(client: Client, owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner)
    text = "We need 20 more seats. " + "a" * 40_000 + "THE-END"
    factories.InteractionFactory.create(account=account, external_id="m-long", text=text)
    candidate = factories.CandidateFactory.create(account=account, evidence=["m-long"])
    client.force_login(owner)

    response = client.get(f"/candidates/{candidate.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    shown = 20_000 - len("We need 20 more seats. ")
    assert "a" * shown in body and "a" * (shown + 1) not in body
    assert "THE-END" not in body
    assert "Truncated: the first 20,000 of 40,030 characters are shown" in body


def test_a_short_text_is_shown_whole_without_a_note(owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner)
    factories.InteractionFactory.create(account=account, external_id="m1", text="We need 20 more seats.")
    item = evidence_items(factories.CandidateFactory.create(account=account, evidence=["m1"]))["m1"]
    assert (item.text, item.full_length, item.truncated) == ("We need 20 more seats.", 22, False)
