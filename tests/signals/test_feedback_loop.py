"""Learning from owners, end to end: a rejection as false positive records the text, the
reading and the phrase rules; an admin confirms the label in Django admin; retraining
evaluates on held-out writers and activates the model only if it is no worse; the same
text then reads as no signal, and the dashboard's precision per phrase rule shows it."""

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from accounts.models import Interaction
from signals import classifier, feedback
from signals.models import Candidate, ClassifierFeedback, ClassifierModel
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db

# A status question that reads like a seats request to the classifier.
LOOKALIKE = "We need 20 more seats by 1 March, Maria (VP Ops) has signed off."
HELD_OUT = "w3_non_native"


@pytest.fixture(autouse=True)
def fresh_active_model() -> Iterator[None]:
    feedback._ACTIVE = None
    yield
    feedback._ACTIVE = None


def _classify(text: str) -> dict:
    out = StringIO()
    import sys

    stdin, sys.stdin = sys.stdin, StringIO(json.dumps({"id": 1, "text": text}) + "\n")
    try:
        call_command("classify_text", stdout=out)
    finally:
        sys.stdin = stdin
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=False)
def test_reject_confirm_retrain_and_the_same_text_is_no_longer_a_signal(
    tmp_path: Path,
    admin_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    settings: Settings,
) -> None:
    settings.CLASSIFIER_RETRAIN_AFTER = 0  # retrained by the command here
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", LOOKALIKE)
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    reading = Interaction.objects.get(external_id="m1")
    assert reading.signal_type == "seats" and reading.classified_with
    dana = get_user_model().objects.get(email="dana@example.com")

    owner = Client()
    owner.force_login(dana)
    owner.post(f"/candidates/{candidate.pk}/decide/", {"action": "reject", "reason_code": "false_positive"})
    item = ClassifierFeedback.objects.get()
    assert (item.evidence_id, item.text, item.predicted_type) == ("m1", LOOKALIKE, "seats")
    assert item.model_version == reading.classified_with and item.status == "pending"
    assert item.matched_rules == reading.matched_rules

    # The owner's dashboard counts the rejection against the phrase rules that fired.
    rules_csv = owner.get("/dashboard/fp-by-rule.csv?start=2026-01-01&end=2027-12-31").content.decode()
    for rule in reading.matched_rules:
        assert any(line.startswith(f"{rule},1,1,100") for line in rules_csv.splitlines()), rules_csv

    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/signals/classifierfeedback/")
    assert listing.status_code == 200 and "m1" in listing.content.decode()
    admin.post("/admin/signals/classifierfeedback/", {"action": "confirm_not_a_signal", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert (item.status, item.label_type, item.confirmed_by) == ("confirmed", "none", admin_user)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retrain_classifier", "--writers", HELD_OUT, stdout=out)
    assert "Activated" in out.getvalue(), out.getvalue()
    model = ClassifierModel.objects.get(status="active")
    assert list(model.feedback.all()) == [item]
    assert {"precision", "recall", "type", "intent"} <= set(model.evaluation)

    reading.refresh_from_db()
    assert reading.signal_type == "none", "every text was read again by the new model"
    assert reading.classified_with != item.model_version
    assert _classify(LOOKALIKE)["signal_type"] == "none"

    # The same words on another account open no candidate.
    other = Scenario(tmp_path, "birch", name="Birch Ltd")
    other.verified_outcome("o2").message("b1", LOOKALIKE)
    other.import_()
    score("birch")
    assert not Candidate.objects.filter(account__external_id="birch").exists()

    # Rolling back to the corpus-only model brings the reading back.
    with django_capture_on_commit_callbacks(execute=True):
        feedback.classifier_activate(model_id=None)
    reading.refresh_from_db()
    assert reading.signal_type == "seats"


def test_a_worse_model_is_refused(tmp_path: Path, admin_user: User, settings: Settings) -> None:
    """Owners 'confirm' that sixty clear expansion requests are not signals: the model
    trained on that is worse on held-out writers and is not activated."""
    settings.CLASSIFIER_RETRAIN_AFTER = 0
    s = Scenario(tmp_path)
    s.verified_outcome().message("m1", LOOKALIKE)
    s.import_()
    score("acme")
    candidate = Candidate.objects.get()
    signals = [r for r in classifier.load_writers()["w2_helpdesk"] if r["signal_type"] != "none"][:60]
    for i, row in enumerate(signals):
        made = ClassifierFeedback.objects.create(
            candidate=candidate, evidence_id=f"x{i}", text=row["text"], predicted_type=row["signal_type"]
        )
        feedback.feedback_confirm(feedback_id=made.pk, user=admin_user, label_type="none")

    result = feedback.classifier_retrain(user=admin_user, writers=["w2_helpdesk"])
    assert not result.activated, result.message
    assert "Refused" in result.message
    assert ClassifierModel.objects.get().status == "refused"
    assert not ClassifierModel.objects.filter(status="active").exists()
