"""Forms that say what is wrong: limits shown and enforced alike, each error beside its
field, free text shown as typed, and no pre-filled next step against Stop."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from signals import lifecycle
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "detail"}


@pytest.fixture
def mine(owner):
    return factories.CandidateFactory.create(account=factories.AccountFactory.create(owner=owner, name="Acme Corp"))


def test_the_forms_limits_are_the_servers(client, owner, mine) -> None:
    client.force_login(owner)
    body = client.get(f"/candidates/{mine.pk}/").content.decode()
    assert (
        f'id="ap-who-{mine.pk}" name="next_step_who" list="ap-people-{mine.pk}" maxlength="{lifecycle.MAX_WHO}"' in body
    )
    assert f'name="next_step" rows="3" required maxlength="{lifecycle.MAX_TEXT}"' in body
    # the counters start from the text the form is pre-filled with ("With whom": the brief's person)
    who = re.search(rf'id="ap-who-{mine.pk}" name="next_step_who"[^>]* value="([^"]*)"', body)
    assert who is not None
    assert f'data-counter-for="ap-who-{mine.pk}" aria-live="off">{len(who.group(1))} / 200<' in body
    assert "0 / 2,000" in body


def test_a_too_long_who_is_shown_beside_the_field(client, owner, mine) -> None:
    client.force_login(owner)
    response = client.post(
        f"/candidates/{mine.pk}/decide/",
        {
            "action": "approve",
            "next_step": "Call",
            "next_step_who": "x" * 250,
            "consent_reviewed": "1",
            "version": mine.version,
        },
        **HTMX,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(rf'<p id="ap-who-{mine.pk}-err" class="field-error">[^<]*200', body)
    text = json.loads(response["HX-Trigger"])["showMessage"]["text"]
    assert text.startswith("Not saved: Who:")


def test_a_too_long_outcome_note_is_shown_beside_the_field(client, owner, mine) -> None:
    lifecycle.candidate_approve(
        candidate_id=mine.pk, user=owner, next_step=lifecycle.NextStep("Call"), consent_reviewed=True
    )
    client.force_login(owner)
    response = client.post(f"/candidates/{mine.pk}/outcomes/", {"kind": "outreach_sent", "note": "n" * 2500}, **HTMX)
    assert response.status_code == 400
    assert "2000 characters" in response.content.decode().split(f'id="oc-note-{mine.pk}"')[1].split("</div>")[0]


def test_free_text_is_shown_as_typed(client, owner, mine) -> None:
    client.force_login(owner)
    reason = "Wait until ZD-33971 is fixed, then talk to Priya"
    lifecycle.candidate_defer(
        candidate_id=mine.pk, user=owner, reason=reason, until=timezone.now().date() + dt.timedelta(days=9)
    )
    assert reason in client.get(f"/candidates/{mine.pk}/").content.decode()


def test_approving_against_stop_leaves_the_next_step_empty(client, owner) -> None:
    stop = factories.CandidateFactory.create(
        account=factories.AccountFactory.create(owner=owner),
        recommendation="stop",
        brief={"next_step": [{"text": "Do not raise an expansion. Stop: no consent.", "evidence": []}]},
    )
    client.force_login(owner)
    body = client.get(f"/candidates/{stop.pk}/").content.decode()
    step = body.split(f'id="ap-step-{stop.pk}"')[1].split("</textarea>")[0]
    assert step.endswith(">"), "nothing pre-filled"
    assert f'id="ap-override-{stop.pk}"' in body
    response = client.post(
        f"/candidates/{stop.pk}/decide/",
        {"action": "approve", "next_step": "Call the CFO", "consent_reviewed": "1", "version": stop.version},
        **HTMX,
    )
    assert response.status_code == 400
    assert "say why you approve anyway" in response.content.decode()
    response = client.post(
        f"/candidates/{stop.pk}/decide/",
        {
            "action": "approve",
            "next_step": "Call the CFO",
            "override_reason": "The CFO asked us to call",
            "consent_reviewed": "1",
            "version": stop.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    body = client.get(f"/candidates/{stop.pk}/").content.decode()
    assert "The CFO asked us to call" in body and "Call the CFO" in body
