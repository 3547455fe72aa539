"""The approve form's "With whom" starts from the play's role and the person the brief
names; the owner can change it, and what they typed survives a re-render."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plays.models import Play
from reviews.forms import who_prefill
from signals.models import Candidate
from signals.records import StakeholderFact
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db

ELIF = StakeholderFact(contact_id=1, name="Elif Sato", role="champion")
WEI = StakeholderFact(contact_id=2, name="Wei Hernandez", role="decision_maker")


def test_who_prefill_names_the_person_in_the_plays_role() -> None:
    assert who_prefill("Account owner + champion", [WEI, ELIF]) == "Account owner + champion Elif Sato"
    assert who_prefill("Account owner + solutions engineer", [WEI]) == (
        "Account owner + solutions engineer; Wei Hernandez (decision maker)"
    )
    assert who_prefill("", [ELIF]) == "Elif Sato (champion)"
    # no role in the play: the brief's first stakeholder (who raised the signal comes first)
    assert who_prefill("Account owner", [WEI, ELIF]) == "Account owner; Wei Hernandez (decision maker)"
    assert who_prefill("Account owner", []) == "Account owner"
    assert who_prefill("Account owner + executive sponsor + champion", [WEI]) == (
        "Account owner + executive sponsor + champion; Wei Hernandez (decision maker)"
    )
    assert who_prefill("", []) == ""


@pytest.fixture
def candidate(tmp_path: Path, owner: User) -> Candidate:
    s = Scenario(tmp_path, segment="enterprise")
    s.contact("maria", role="champion", name="Maria Chen", title="Head of Analytics")
    s.verified_outcome("o1")
    s.message("acme-m7", "Our team is expanding: we need 20 more seats by March for the new analysts.", contact="maria")
    s.import_()
    score("acme")
    return Candidate.objects.select_related("account").get(account__external_id="acme", status="pending")


def _who(html: str) -> str:
    start = html.index('name="next_step_who"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def test_the_approve_form_starts_with_the_plays_role_and_the_briefs_champion(
    client: Client, owner: User, candidate: Candidate
) -> None:
    client.force_login(owner)
    assert _who(client.get(f"/candidates/{candidate.pk}/").content.decode()) == "Maria Chen (champion)"
    Play.objects.create(
        name="Seats", signal_type="seats", next_step="Call the champion.", involve="Account owner + champion"
    )
    assert _who(client.get(f"/candidates/{candidate.pk}/").content.decode()) == "Account owner + champion Maria Chen"
    # the owner's own choice (even an empty one) is kept when the form comes back with an error
    response = client.post(
        f"/candidates/{candidate.pk}/decide/",
        {"action": "approve", "next_step": "", "next_step_who": "Jo from IT", "version": candidate.version},
    )
    assert response.status_code == 400 and _who(response.content.decode()) == "Jo from IT"
    response = client.post(
        f"/candidates/{candidate.pk}/decide/",
        {
            "action": "approve",
            "next_step": "Call Maria",
            "next_step_who": "Jo from IT",
            "consent_reviewed": "1",
            "version": candidate.version,
        },
    )
    assert response.status_code in (200, 302)
    candidate.refresh_from_db()
    assert candidate.status == "approved" and candidate.decisions.get().next_step_who == "Jo from IT"
