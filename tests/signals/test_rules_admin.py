"""Admins tune the rules in Django admin; a change rescores the accounts it applies to."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from signals.models import Candidate, PhraseRule, Rule
from tests.signals.scenario import Scenario, score

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats_at_92(tmp_path: Path) -> Scenario:
    s = Scenario(tmp_path, segment="smb")
    s.verified_outcome().usage("seats_used", [46.0] * 3)
    s.import_()
    score("acme")
    assert Candidate.objects.get().status == "pending"
    return s


class CommittingClient(Client):
    """Admin saves enqueue rescoring after commit: run those callbacks when each request ends."""

    def __init__(self, capture: DjangoCaptureOnCommitCallbacks) -> None:
        super().__init__()
        self.capture = capture

    def post(self, *args: Any, **kwargs: Any) -> "_MonkeyPatchedWSGIResponse":
        with self.capture(execute=True):
            return super().post(*args, **kwargs)


@pytest.fixture
def client(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Client:
    return CommittingClient(django_capture_on_commit_callbacks)


def change_rule(client: Client, key: str, value: str, segment: str = "") -> "_MonkeyPatchedWSGIResponse":
    rule, _ = Rule.objects.get_or_create(key=key, segment=segment, defaults={"value": value})
    return client.post(
        f"/admin/signals/rule/{rule.pk}/change/",
        {"key": key, "segment": segment, "value": value, "note": "pilot tuning"},
    )


def test_a_rule_change_in_admin_rescores(client: Client, admin_user: User, seats_at_92: Scenario) -> None:
    client.force_login(admin_user)
    response = change_rule(client, "seats_threshold", "0.95")
    assert response.status_code == 302
    # 46 of 50 is 92%: below the new threshold, so the seats signal is no longer detected
    assert Candidate.objects.get().status == "expired"


def test_a_segment_rule_overrides_the_default_for_that_segment_only(
    client: Client, admin_user: User, seats_at_92: Scenario
) -> None:
    client.force_login(admin_user)
    response = client.post(
        "/admin/signals/rule/add/", {"key": "seats_threshold", "segment": "enterprise", "value": "0.99"}
    )
    assert response.status_code == 302
    assert Candidate.objects.get().status == "pending", "acme is smb: the enterprise rule does not apply"
    client.post("/admin/signals/rule/add/", {"key": "seats_threshold", "segment": "smb", "value": "0.99"})
    assert Candidate.objects.get().status == "expired"


def test_an_invalid_rule_value_is_refused_with_a_clear_message(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    rule = Rule.objects.get(key="text_window_days", segment="")
    response = client.post(
        f"/admin/signals/rule/{rule.pk}/change/", {"key": "text_window_days", "segment": "", "value": "ninety"}
    )
    assert response.status_code == 200
    assert "text_window_days must be a number." in response.content.decode()
    response = client.post(
        f"/admin/signals/rule/{rule.pk}/change/",
        {"key": "blocking_priorities", "segment": "x", "value": "high,critical"},
    )
    assert "Unknown priority &#x27;critical&#x27;" in response.content.decode()
    assert Rule.objects.get(pk=rule.pk).value == "90"


def test_a_misspelt_segment_is_refused_with_the_one_meant(client: Client, admin_user: User) -> None:
    """The stranger's case: segment "Enterprize" saved silently and applied to nobody."""
    from tests import factories

    factories.AccountFactory.create(segment="enterprise")
    client.force_login(admin_user)
    post = {"key": "seats_threshold", "value": "0.5"}
    response = client.post("/admin/signals/rule/add/", {**post, "segment": "Enterprize"})
    assert response.status_code == 200
    assert "No account is in segment &#x27;Enterprize&#x27;; did you mean &#x27;enterprise&#x27;?" in (
        response.content.decode()
    )
    assert not Rule.objects.filter(segment="Enterprize").exists()
    # the segment itself, and a new segment that resembles none (its accounts may come later)
    assert client.post("/admin/signals/rule/add/", {**post, "segment": "enterprise"}).status_code == 302
    assert client.post("/admin/signals/rule/add/", {**post, "segment": "public_sector"}).status_code == 302


def test_an_invalid_phrase_rule_is_refused(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    response = client.post(
        "/admin/signals/phraserule/add/",
        {"name": "broken", "pattern": "more (seats", "kind": "signal", "signal_type": "seats", "weight": "1"},
    )
    assert response.status_code == 200
    assert "invalid regular expression" in response.content.decode().lower()
    assert not PhraseRule.objects.filter(name="broken").exists()


def test_a_new_phrase_rule_changes_how_texts_read(client: Client, admin_user: User, tmp_path: Path) -> None:
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", "Tell us about Zeppelin for the ops team.")
    s.import_()
    score("acme")
    before = Candidate.objects.filter(signal_type="add_on").exists()
    client.force_login(admin_user)
    response = client.post(
        "/admin/signals/phraserule/add/",
        {
            "name": "add_on.zeppelin",
            "pattern": r"\bzeppelin\b",
            "kind": "signal",
            "signal_type": "add_on",
            "weight": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert not before
    assert Candidate.objects.filter(signal_type="add_on").exists()


def test_owners_and_leaders_cannot_edit_rules(client: Client, owner: User, leader: User) -> None:
    for user in (owner, leader):
        client.force_login(user)
        response = client.get("/admin/signals/rule/")
        assert response.status_code == 302  # not staff: sent to the admin login


def test_a_share_threshold_above_one_is_refused() -> None:
    import pytest as _pytest
    from django.core.exceptions import ValidationError

    from signals.rules import parse_rule

    for key in ("seats_threshold", "capacity_threshold"):
        with _pytest.raises(ValidationError):
            parse_rule(key, "1.7")
        assert parse_rule(key, "0.95") == 0.95
