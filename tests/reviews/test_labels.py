"""Codes are shown by their display labels: the segment "smb" is "SMB" everywhere (queue
filter, candidate and account headers, dashboard breakdowns), and an account without a
health score says so."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from measurement.figures import _group_labels
from tests import factories

pytestmark = pytest.mark.django_db


def test_segments_show_their_labels_and_a_missing_health_score_is_explained(client: Client, owner: User) -> None:
    account = factories.AccountFactory.create(owner=owner, name="Elmbridge", segment="smb", health="")
    candidate = factories.CandidateFactory.create(account=account)
    healthy = factories.AccountFactory.create(owner=owner, segment="mid-market", health="good")
    factories.CandidateFactory.create(account=healthy)
    client.force_login(owner)
    queue = client.get("/queue/").content.decode()
    assert '<option value="smb">SMB</option>' in queue and ">Smb<" not in queue
    assert '<option value="mid-market">Mid-market</option>' in queue
    for url in (f"/candidates/{candidate.pk}/", f"/accounts/{account.pk}/"):
        page = client.get(url).content.decode()
        assert "<span>SMB</span>" in page and "Smb" not in page, url
        assert "No health score imported" in page, url
    page = client.get(f"/accounts/{healthy.pk}/").content.decode()
    assert "No health score imported" not in page and "<dd>Good</dd>" in page


def test_dashboard_breakdowns_use_the_segment_labels() -> None:
    assert _group_labels("segment", ["smb", "mid-market", "enterprise", "", "other"]) == {
        "smb": "SMB",
        "mid-market": "Mid-market",
        "enterprise": "Enterprise",
        "": "No segment",
        "other": "other",
    }
