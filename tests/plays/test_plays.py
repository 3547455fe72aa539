"""Plays: resolution (most specific wins), admin, the candidate page and approve form,
the draft message, and the per-play figures recorded on decisions."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from handoff.drafts import draft_for
from plays.demo import demo_plays_create
from plays.figures import play_figures
from plays.models import Play
from plays.selectors import play_for, play_pick
from reviews.models import Decision
from signals import lifecycle
from signals.models import Candidate
from tests.handoff.test_drafts import GOOD, FakeLLM, fake_llm  # noqa: F401  (the loopback fixture)
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db


def _play(signal_type: str = "seats", segment: str = "", recommendation: str = "", **fields: object) -> Play:
    return Play.objects.create(
        name=str(fields.pop("name", f"{signal_type}/{segment or '*'}/{recommendation or '*'}")),
        signal_type=signal_type,
        segment=segment,
        recommendation=recommendation,
        next_step=str(fields.pop("next_step", "Call the champion.")),
        **fields,
    )


def test_the_most_specific_play_wins() -> None:
    default = _play()
    by_rec = _play(recommendation="pursue")
    by_segment = _play(segment="enterprise")
    both = _play(segment="enterprise", recommendation="pursue")
    _play(signal_type="add_on", segment="enterprise", recommendation="pursue")  # another type never applies

    def pick(segment: str, rec: str) -> Play | None:
        return play_for(signal_type="seats", segment=segment, recommendation=rec)

    assert pick("enterprise", "pursue") == both
    assert pick("enterprise", "wait") == by_segment  # segment beats recommendation
    assert pick("smb", "pursue") == by_rec
    assert pick("smb", "wait") == default
    assert pick("", "pursue") == by_rec  # an account without a segment
    both.delete()
    assert pick("enterprise", "pursue") == by_segment
    by_segment.delete()
    assert pick("enterprise", "pursue") == by_rec
    assert play_pick([], segment="smb", recommendation="pursue") is None
    assert play_for(signal_type="scale", segment="smb", recommendation="pursue") is None


def test_one_play_per_type_segment_and_recommendation(client: Client, admin_user: User) -> None:
    _play()
    client.force_login(admin_user)
    form = {
        "name": "Duplicate",
        "signal_type": "seats",
        "segment": "",
        "recommendation": "",
        "next_step": "x",
        "message_quotes_customer": "on",
    }
    response = client.post("/admin/plays/play/add/", form)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    response = client.post(
        "/admin/plays/play/add/", {**form, "segment": "smb", "message_ask": "Can we offer a 20% discount?"}
    )
    assert response.status_code == 200 and "may not mention prices or press" in response.content.decode()
    response = client.post("/admin/plays/play/add/", {**form, "segment": "smb", "target_days": "5"})
    assert response.status_code == 302
    assert Play.objects.get(segment="smb").target_days == 5


def test_owners_and_leaders_cannot_edit_plays(client: Client, owner: User, leader: User) -> None:
    for user in (owner, leader):
        client.force_login(user)
        assert client.get("/admin/plays/play/").status_code in (302, 403)


@pytest.fixture
def enterprise(tmp_path: Path, owner: User) -> Candidate:
    s = Scenario(tmp_path, segment="enterprise")
    s.contact("maria", role="decision_maker", name="Maria Chen", title="VP Finance")
    s.verified_outcome("o1")
    s.message("acme-m7", "Our team is expanding: we need 20 more seats by March for the new analysts.", contact="maria")
    s.import_()
    score("acme")
    candidate = Candidate.objects.select_related("account").get(account__external_id="acme", status="pending")
    assert candidate.recommendation == "pursue", candidate.blockers
    return candidate


def test_the_candidate_shows_the_play_and_the_form_starts_from_its_next_step(
    client: Client, owner: User, enterprise: Candidate
) -> None:
    client.force_login(owner)
    before = client.get(f"/candidates/{enterprise.pk}/").content.decode()
    assert 'id="play-' not in before  # no play, no panel; the brief's next step pre-fills
    _play(name="Default seats", next_step="Call the champion.")
    _play(
        segment="enterprise",
        name="Enterprise seats",
        next_step="Agree a value review with the sponsor.",
        involve="Account owner + executive sponsor",
        proof="Seats used by department.",
        questions="Who joins, and when?\nWho signs off?",
        avoid="No pricing in the first message.",
        target_days=7,
    )
    page = client.get(f"/candidates/{enterprise.pk}/").content.decode()
    assert "Enterprise seats" in page and "Default seats" not in page
    assert "Account owner + executive sponsor" in page and "Who signs off?" in page
    assert "No pricing in the first message." in page and "First contact within 7 days" in page
    assert 'name="next_step" rows="3" required maxlength' in page
    assert ">Agree a value review with the sponsor.</textarea>" in page
    # what the owner typed survives a re-render of the form (the play does not overwrite it)
    response = client.post(
        f"/candidates/{enterprise.pk}/decide/",
        {"action": "approve", "next_step": "My own step", "version": enterprise.version},
    )
    assert response.status_code == 400
    assert ">My own step</textarea>" in response.content.decode()


def test_the_draft_follows_the_play(enterprise: Candidate) -> None:
    plain = draft_for(enterprise)
    assert plain is not None and "“" in plain.text and "30-minute conversation" in plain.text
    _play(
        segment="enterprise",
        message_ask="Would a short value review with your sponsor be useful?",
        message_quotes_customer=False,
        avoid="No pricing in the first message.",
    )
    draft = draft_for(enterprise)
    assert draft is not None
    assert "“" not in draft.text and "you wrote" not in draft.text  # no quote of the customer
    assert draft.text.startswith("Hi Maria,")
    assert draft.text.split("\n\n")[2] == "Would a short value review with your sponsor be useful?"


def test_a_model_draft_that_quotes_against_the_play_is_refused(
    enterprise: Candidate,
    fake_llm: FakeLLM,  # noqa: F811
) -> None:
    _play(segment="enterprise", message_quotes_customer=False, avoid="No pricing in the first message.")
    quoting = {
        "sentences": [
            *GOOD["sentences"][:2],
            {"text": "You wrote “we need 20 more seats by March”.", "evidence": ["acme-m7"]},
        ]
    }
    fake_llm.answer = quoting
    draft = draft_for(enterprise)
    assert draft is not None and draft.writer == "TemplateDraftWriter"
    assert "quotes the customer" in draft.fallback_reason
    sent = json.loads(fake_llm.requests[0]["body"]["messages"][1]["content"])
    assert sent["play"] == {
        "close_with": "",
        "do_not": ["No pricing in the first message."],
        "may_quote_customer": False,
    }
    fake_llm.answer = GOOD
    # a refused answer is kept for this version of the candidate: the model is not asked again
    assert draft_for(enterprise).writer == "TemplateDraftWriter"  # type: ignore[union-attr]
    assert len(fake_llm.requests) == 1
    cache.clear()  # as after the cache's lifetime
    assert draft_for(enterprise).writer == "OpenAIDraftWriter"  # type: ignore[union-attr]


def test_the_decision_records_the_play_and_the_figures_survive_edits(
    client: Client, owner: User, leader: User, enterprise: Candidate
) -> None:
    play = _play(segment="enterprise", name="Enterprise seats", target_days=3)
    approved_at = timezone.now()
    lifecycle.candidate_approve(
        candidate_id=enterprise.pk,
        user=owner,
        next_step=lifecycle.NextStep(what="Call Maria", who="Maria", due=None),
        consent_reviewed=True,
    )
    decision = Decision.objects.get(candidate=enterprise)
    assert decision.play is not None
    assert (decision.play.play_id, decision.play.name, decision.play.target_days) == (play.pk, "Enterprise seats", 3)
    lifecycle.follow_up_log(candidate_id=enterprise.pk, user=owner, kind=lifecycle.FollowUpKind.OUTREACH)
    lifecycle.follow_up_log(
        candidate_id=enterprise.pk, user=owner, kind=lifecycle.FollowUpKind.WON, amount=Decimal(5000)
    )
    # the admin renames the play and changes its target: the figures keep what applied
    Play.objects.filter(pk=play.pk).update(name="Renamed", target_days=30)

    from measurement.selectors import DashboardScope

    today = timezone.now().date()
    scope = DashboardScope(user=leader, start=today - dt.timedelta(days=7), end=today, today=today)
    (row,) = play_figures(scope)
    assert (row.name, row.target_days, row.decided, row.approved, row.contacted, row.within_target, row.won) == (
        "Enterprise seats",
        3,
        1,
        1,
        1,
        1,
        1,
    )
    assert row.median_days is not None and row.median_days < 1
    assert (timezone.now() - approved_at).total_seconds() < 600

    query = {"pilot": "all", "start": scope.start.isoformat(), "end": today.isoformat()}
    client.force_login(leader)
    assert "/dashboard/panels/plays/" in client.get("/dashboard/", query).content.decode()
    panel = client.get("/dashboard/panels/plays/", query, headers={"HX-Request": "true"}).content.decode()
    assert "Enterprise seats" in panel and "Renamed" not in panel
    exported = client.get("/dashboard/panels/plays/", {**query, "format": "csv"}).content.decode()
    assert "Enterprise seats,Seats · enterprise,1,1,100,1," in exported
    # rounded like the other dashboard CSVs: days to 1 decimal, shares in whole percent
    import csv
    import io

    header, row_out = list(csv.reader(io.StringIO(exported)))[4:6]
    values = dict(zip(header, row_out, strict=True))
    assert values["median_days_to_contact"] == f"{round(row.median_days, 1)}"
    assert (values["within_target"], values["within_target_pct"], values["target_days"]) == ("1", "100", "3")
    # another owner's decisions are not in their figures
    other = User.objects.create_user("omar@example.com")
    from django.contrib.auth.models import Group

    from core.roles import OWNER

    other.groups.add(Group.objects.get(name=OWNER))
    client.force_login(other)
    panel = client.get("/dashboard/panels/plays/", query, headers={"HX-Request": "true"}).content.decode()
    assert "Enterprise seats" not in panel and "No decision in this range had a play." in panel


def test_the_plays_panel_names_signal_types_by_their_labels() -> None:
    from plays.figures import _label
    from signals.vocabulary import Recommendation, SignalType

    assert _label(SignalType, "cross_sell") == "Cross-sell" and _label(SignalType, "add_on") == "Add-on"
    assert _label(Recommendation, "prove_value") == "Prove value" and _label(SignalType, "gone_type") == "Gone type"


def test_the_demo_plays_cover_every_signal_type() -> None:
    from signals.vocabulary import SignalType

    demo_plays_create()
    assert demo_plays_create() == Play.objects.count()  # idempotent
    for signal_type in SignalType.values:
        default = play_for(signal_type=signal_type, segment="smb", recommendation="pursue")
        assert default is not None and default.segment == "" and default.target_days
    enterprise = play_for(signal_type="add_on", segment="enterprise", recommendation="pursue")
    assert enterprise is not None and not enterprise.message_quotes_customer
    for play in Play.objects.all():
        play.full_clean()


def test_an_edit_of_the_play_reaches_the_next_draft(enterprise: Candidate) -> None:
    """Drafts are cached per candidate version; the play that shapes them is part of the key."""
    play = _play(segment="enterprise", message_ask="Shall we look at the rollout together?")
    assert draft_for(enterprise).text.split("\n\n")[2].endswith("look at the rollout together?")  # type: ignore[union-attr]
    play.message_ask = "Would a short call with your sponsor help?"
    play.save()
    assert draft_for(enterprise).text.split("\n\n")[2].endswith("short call with your sponsor help?")  # type: ignore[union-attr]
