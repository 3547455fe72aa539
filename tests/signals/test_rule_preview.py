"""Before saving a rule change, the admin sees which accounts and candidates it would
touch: a dry run with the proposed value that writes nothing."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from measurement.models import MeasurementEvent
from signals.models import Candidate, Rule
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats_at_92(tmp_path: Path) -> Scenario:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [46.0] * 3)
    s.import_()
    score("acme")
    assert Candidate.objects.get().status == "pending"
    return s


def _snapshot() -> tuple:
    return (
        list(Candidate.objects.order_by("pk").values_list("pk", "status", "version", "recommendation", "score")),
        MeasurementEvent.objects.count(),
        list(Rule.objects.order_by("pk").values_list("pk", "key", "segment", "value")),
    )


def test_the_change_form_offers_a_preview(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    body = client.get(f"/admin/signals/rule/{rule.pk}/change/").content.decode()
    assert 'formaction="/admin/signals/rule/preview/"' in body
    assert f'name="_rule_id" value="{rule.pk}"' in body


def test_a_preview_lists_the_candidate_that_would_expire_and_saves_nothing(
    client: Client, admin_user: User, seats_at_92: Scenario
) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    before = _snapshot()
    response = client.post(
        "/admin/signals/rule/preview/",
        {
            "_rule_id": rule.pk,
            "key": "seats_threshold",
            "segment": "",
            "value": "0.95",
            "note": "tighter",
            "_preview": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert _snapshot() == before, "a preview writes nothing"
    candidate = Candidate.objects.get()
    assert "1 account uses this value" in body
    row = body.split('id="preview-rows"')[1].split("</table>")[0]
    assert "Acme" in row and f"#{candidate.pk}" in row and "Would expire (no longer detected)" in row
    assert "<code>0.90</code> → <code>0.95</code>" in body
    # Saving from the preview goes through the usual change form, with exactly these values.
    assert f'action="/admin/signals/rule/{rule.pk}/change/"' in body
    assert '<input type="hidden" name="value" value="0.95">' in body


def test_a_preview_lists_a_recommendation_change(client: Client, admin_user: User, tmp_path: Path) -> None:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [46.0] * 3).ticket("ZD-5", priority="high", status="open")
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    assert candidate.recommendation == "wait"
    client.force_login(admin_user)
    rule = Rule.objects.get(key="blocking_priorities", segment="")
    body = client.post(
        "/admin/signals/rule/preview/",
        {"_rule_id": rule.pk, "key": "blocking_priorities", "segment": "", "value": "urgent"},
    ).content.decode()
    row = body.split('id="preview-rows"')[1].split("</table>")[0]
    assert "Recommendation or score changes" in row
    assert "Wait ·" in row and "Pursue ·" in row
    assert Candidate.objects.get().recommendation == "wait"


def test_a_segment_rule_previews_only_that_segment(client: Client, admin_user: User, seats_at_92: Scenario) -> None:
    client.force_login(admin_user)
    body = client.post(
        "/admin/signals/rule/preview/", {"key": "seats_threshold", "segment": "enterprise", "value": "0.99"}
    ).content.decode()
    assert "0 accounts use this value" in body and 'id="preview-rows"' not in body
    assert 'action="/admin/signals/rule/add/"' in body
    assert not Rule.objects.filter(segment="enterprise").exists()


def test_an_invalid_value_is_named_and_not_previewed(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="seats_threshold", segment="")
    body = client.post(
        "/admin/signals/rule/preview/", {"_rule_id": rule.pk, "key": "seats_threshold", "segment": "", "value": "1.7"}
    ).content.decode()
    assert "fix the value first" in body and "seats_threshold must be between" in body
    assert 'name="_save"' not in body
    assert Rule.objects.get(pk=rule.pk).value == "0.90"


def test_only_admins_preview(client: Client, owner: User, leader: User) -> None:
    for user in (owner, leader):
        client.force_login(user)
        response = client.post("/admin/signals/rule/preview/", {"key": "seats_threshold", "value": "0.5"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
