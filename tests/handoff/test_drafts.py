"""The draft first message: built from the engine's candidate, checked for citations,
pressure and pricing; the owner's edit is kept with the approval; an OpenAI-compatible
writer is used only when its draft passes, tested against a fake server on loopback."""

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from handoff.drafts import PRESSURE_PHRASES, Draft, draft_problems
from handoff.drafts import draft_for as draft_or_none
from handoff.drafts.checks import pressure_found, pricing_found
from handoff.drafts.facts import DraftFacts, signal_excerpt
from handoff.drafts.writers import TemplateDraftWriter
from measurement.models import EventKind, MeasurementEvent
from signals.models import Candidate
from tests.conftest import ApiClientFor
from tests.signals.scenario import Scenario, score

pytestmark = pytest.mark.django_db


def draft_for(candidate: Candidate) -> Draft:
    draft = draft_or_none(candidate)
    assert draft is not None
    return draft


@pytest.fixture
def pursue(tmp_path: Path, owner: User) -> Candidate:
    s = Scenario(tmp_path)
    s.contact("maria", role="decision_maker", name="Maria Chen", title="VP Finance")
    s.verified_outcome("o1")
    s.message("acme-m7", "Our team is expanding: we need 20 more seats by March for the new analysts.", contact="maria")
    s.import_()
    score("acme")
    candidate = Candidate.objects.get(account__external_id="acme", status="pending")
    assert candidate.recommendation == "pursue", candidate.blockers
    return candidate


def test_the_template_draft_leads_with_goal_and_outcome_quotes_the_need_and_proposes_a_talk(pursue: Candidate) -> None:
    draft = draft_for(pursue)
    assert draft.writer == "TemplateDraftWriter"
    text = draft.text
    assert text.startswith("Hi Maria,")
    body = text.split("\n\n")[1]
    assert body.startswith("You set out to cut month-end close to 3 days, and month-end close down from 6 to 3 days")
    assert "“Our team is expanding: we need 20 more seats by March for the new analysts.”" in body
    assert body.index("verified on") < body.index("you wrote")
    assert "conversation" not in body and text.endswith("Dana")
    assert text.split("\n\n")[2].startswith("Would a 30-minute conversation")
    assert draft.evidence == ["o1", "acme-m7"]
    assert draft_problems(draft.sentences, {"o1", "acme-m7"}) == []
    assert not pressure_found(text) and not pricing_found(text)


def test_an_acronym_at_the_start_of_the_outcome_keeps_its_capitals(tmp_path: Path, owner: User) -> None:
    s = Scenario(tmp_path)
    s.contact("maria", role="decision_maker", name="Maria Chen", title="VP Finance")
    s.verified_outcome("o1", title="PO approval down from 5 days to 1")
    s.message("acme-m7", "Our team is expanding: we need 20 more seats by March for the new analysts.", contact="maria")
    s.import_()
    score("acme")
    text = draft_for(Candidate.objects.get(account__external_id="acme", status="pending")).text
    assert "cut month-end close to 3 days, and PO approval down from 5 days to 1 (verified on" in text


def test_only_the_sentence_carrying_the_signal_is_quoted(tmp_path: Path, owner: User) -> None:
    s = Scenario(tmp_path)
    s.contact("maria", role="decision_maker", name="Maria Chen", title="VP Finance")
    s.verified_outcome("o1")
    s.message(
        "acme-m7",
        "Hi Dana,\n\nHope you are well. The close went smoothly this month. Our team is expanding: we need "
        "20 more seats by March for the new analysts. Let me know what you think.\n\nThanks,\nMaria",
        contact="maria",
    )
    s.import_()
    score("acme")
    draft = draft_for(Candidate.objects.get(account__external_id="acme", status="pending"))
    assert "you wrote: “Our team is expanding: we need 20 more seats by March for the new analysts.”" in draft.text
    assert "Hope you are well" not in draft.text and "Thanks,\nMaria" not in draft.text
    paragraphs = draft.text.split("\n\n")
    assert paragraphs[2].startswith("Would a 30-minute conversation") and paragraphs[2].endswith("?")


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    long = "We have been talking internally about " + "the reporting setup and " * 12 + "we need 40 more seats soon."
    excerpt = signal_excerpt(f"Hello team,\n{long}\nBest regards,\nMaria", [r"\bmore seats\b"])
    assert len(excerpt) <= 200 and "more seats" in excerpt
    assert excerpt.startswith("…") and not excerpt.startswith("… ")
    assert "Hello" not in excerpt and "regards" not in excerpt
    assert all(word in long for word in excerpt.strip("…").split())


@pytest.mark.parametrize(
    ("kind", "said", "expected"),
    [
        (
            "seats",
            "48 of 50 purchased seats in use (96%) on 30 Nov.",
            "Our records show 48 of 50 purchased seats in use (96%) on 30 Nov.",
        ),
        (
            "capacity",
            "Storage gb (Finance) at 950 of a 1,000 limit (95%) on 3 Nov.",
            "Our records show storage gb (Finance) at 950 of a 1,000 limit (95%) on 3 Nov.",
        ),
        (
            "growth",
            "API calls up 40% over 8 weeks (weekly average 1,000 → 1,400), rising 6 of 7 weeks.",
            "Our records show API calls up 40% over 8 weeks (weekly average 1,000 → 1,400), rising 6 of 7 weeks.",
        ),
        (
            "new_department",
            "Finance started using the product on 3 Nov; 12 active users on 5 Nov.",
            "Our records show Finance started using the product on 3 Nov; 12 active users on 5 Nov.",
        ),
    ],
)
def test_every_usage_fact_reads_as_a_sentence_and_keeps_its_citation(kind: str, said: str, expected: str) -> None:
    facts = DraftFacts(
        account_name="Acme",
        account_id="acme",
        recommendation="pursue",
        signal_label="seats",
        usage=("usage:x:2026-11-30", said),
        usage_kind=kind,
    )
    sentences = TemplateDraftWriter().write(facts)
    usage = next(s for s in sentences if s["evidence"] == ["usage:x:2026-11-30"])
    assert usage["text"] == expected


def test_a_model_draft_quoting_the_whole_email_is_refused() -> None:
    whole = "Hi Dana, " + "we are growing and need more seats for the team. " * 6 + "Thanks, Maria"
    problems = draft_problems([{"text": f"You wrote: “{whole}”", "evidence": ["m1"]}], {"m1"})
    assert any("quotes more than the sentence" in p for p in problems)


def test_wait_is_labelled_for_after_the_blocker_and_stop_gets_no_draft(pursue: Candidate) -> None:
    Candidate.objects.filter(pk=pursue.pk).update(recommendation="wait")
    pursue.refresh_from_db()
    assert draft_for(pursue).label == "Draft for after the blocker clears"
    Candidate.objects.filter(pk=pursue.pk).update(recommendation="stop")
    pursue.refresh_from_db()
    assert draft_or_none(pursue) is None


@pytest.mark.parametrize("phrase", PRESSURE_PHRASES)
def test_every_pressure_phrase_is_caught(phrase: str) -> None:
    assert pressure_found(f"Happy to help. {phrase.capitalize()} on this one.")


@pytest.mark.parametrize(
    "text",
    [
        "It is only $12 per seat.",
        "We can send a quote.",
        "Renew now and save 20%.",
        "The contract runs to March.",
        "Pricing starts at 40k.",
        "About 500 USD.",
    ],
)
def test_prices_and_contracts_are_caught(text: str) -> None:
    assert pricing_found(text)


def test_the_customers_own_words_are_not_held_against_the_draft() -> None:
    assert not pricing_found("You wrote: “Can we talk about volume pricing before the contract ends?”")
    assert not pressure_found("You wrote: “This is urgent for us.”")


def test_the_owner_edits_the_draft_and_the_approved_text_is_kept(pursue: Candidate, owner: User) -> None:
    client = Client()
    client.force_login(owner)
    page = client.get(f"/candidates/{pursue.pk}/").content.decode()
    assert 'name="message"' in page and "Hi Maria," in page and "Draft first message" in page
    edited = "Hi Maria,\n\nGreat to hear the team is growing. Could we talk next week?\n\nDana"
    client.post(
        f"/candidates/{pursue.pk}/decide/",
        {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1", "message": edited},
    )
    assert MeasurementEvent.objects.get(kind=EventKind.APPROVED).data["message"] == edited


def test_the_owners_own_pressure_or_price_wording_is_refused_unless_kept_as_written(
    pursue: Candidate, owner: User, api_client_for: ApiClientFor
) -> None:
    """The stranger's case: "act now: limited time offer, 40% discount" saved as the
    approved message, though the draft is never allowed such wording."""
    client = Client()
    client.force_login(owner)
    pushy = "Hi Maria,\n\nAct now: limited time offer, 40% discount if you sign by Friday. Price is $9/seat.\n\nDana"
    post = {"action": "approve", "next_step": "Call Maria", "consent_reviewed": "1", "message": pushy}
    response = client.post(f"/candidates/{pursue.pk}/decide/", post)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The message has wording the draft never uses:" in page and "&#x27;act now&#x27;" in page
    assert 'name="message_as_written"' in page
    pursue.refresh_from_db()
    assert pursue.status == "pending"
    api = api_client_for(owner)
    refused = api.post(
        f"/api/v1/candidates/{pursue.pk}/approve/",
        {"next_step": "Call Maria", "consent_reviewed": True, "message": pushy},
        format="json",
    )
    assert refused.status_code == 400 and "message" in refused.json()["errors"], refused.json()

    response = client.post(f"/candidates/{pursue.pk}/decide/", {**post, "message_as_written": "1"})
    assert response.status_code in (200, 302)
    approved = MeasurementEvent.objects.get(kind=EventKind.APPROVED)
    assert approved.data["message"] == pushy
    assert "act now" in approved.data["message_flags"] and "limited time" in approved.data["message_flags"]


# --------------------------------------------------------------------------- the language-model writer


class FakeLLM:
    def __init__(self) -> None:
        self.answer: dict = {}
        self.requests: list[dict] = []
        self.status = 200


@pytest.fixture
def fake_llm(settings: Settings) -> Iterator[FakeLLM]:
    llm = FakeLLM()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            llm.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            reply = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": json.dumps(llm.answer)}}]}
            ).encode()
            self.send_response(llm.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MESSAGE_WRITER = "handoff.drafts.llm.OpenAIDraftWriter"
    settings.MESSAGE_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.MESSAGE_LLM_MODEL = "tiny"
    settings.MESSAGE_LLM_KEY = "k-123"
    yield llm
    server.shutdown()
    server.server_close()


GOOD = {
    "sentences": [
        {"text": "Hi Maria,", "evidence": []},
        {"text": "Your close now takes three days instead of six, as you set out to do.", "evidence": ["o1"]},
        {"text": "You mentioned that the team needs 20 more seats for the new analysts.", "evidence": ["acme-m7"]},
        {"text": "Shall we find half an hour to talk it through?", "evidence": []},
    ]
}


def test_a_checked_model_draft_is_offered(pursue: Candidate, fake_llm: FakeLLM) -> None:
    fake_llm.answer = GOOD
    draft = draft_for(pursue)
    assert draft.writer == "OpenAIDraftWriter" and "instead of six" in draft.text
    sent = fake_llm.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k-123"
    assert sent["body"]["model"] == "tiny" and "acme-m7" in sent["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            {
                "sentences": [
                    *GOOD["sentences"][:3],
                    {"text": "Act now: this offer expires Friday.", "evidence": ["o1"]},
                ]
            },
            "pressure",
        ),
        (
            {
                "sentences": [
                    *GOOD["sentences"][:3],
                    {"text": "Seats are only $9 per user this month.", "evidence": ["o1"]},
                ]
            },
            "pricing",
        ),
        (
            {
                "sentences": [
                    GOOD["sentences"][0],
                    {"text": "Your usage doubled in the last quarter alone.", "evidence": []},
                ]
            },
            "cites no evidence",
        ),
        (
            {
                "sentences": [
                    GOOD["sentences"][0],
                    {"text": "Your CFO approved the budget last week.", "evidence": ["x-99"]},
                ]
            },
            "not on the candidate",
        ),
        ({"no": "sentences"}, "KeyError"),
    ],
)
def test_a_model_draft_that_fails_a_check_falls_back_to_the_template(
    pursue: Candidate, fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture, answer: dict, reason: str
) -> None:
    fake_llm.answer = answer
    with caplog.at_level(logging.WARNING, logger="handoff.drafts.writers"):
        draft = draft_for(pursue)
    assert draft.writer == "TemplateDraftWriter" and reason in draft.fallback_reason
    assert draft.text.startswith("Hi Maria,")
    assert reason in caplog.text


def test_an_unreachable_model_falls_back(pursue: Candidate, settings: Settings) -> None:
    settings.MESSAGE_WRITER = "handoff.drafts.llm.OpenAIDraftWriter"
    settings.MESSAGE_LLM_URL = "http://127.0.0.1:9/v1"
    draft = draft_for(pursue)
    assert draft.writer == "TemplateDraftWriter" and "ConnectionError" in draft.fallback_reason


# --------------------------------------------------------------------------- the draft is cached per version


def _view(client: Client, candidate: Candidate) -> str:
    page = client.get(f"/candidates/{candidate.pk}/")
    assert page.status_code == 200
    return page.content.decode()


def test_the_model_is_asked_once_per_candidate_version(
    pursue: Candidate, owner: User, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.answer = GOOD
    client = Client()
    client.force_login(owner)
    assert "instead of six" in _view(client, pursue)
    assert "instead of six" in _view(client, pursue)
    assert len(fake_llm.requests) == 1
    # a rescore that changes the candidate bumps its version: the model is asked again
    (tmp_path / "again").mkdir()
    s = Scenario(tmp_path / "again")
    s.message("acme-m8", "We also need the analytics add-on for the new analysts.", days_ago=1, contact="maria")
    s.import_()
    score("acme")
    rescored = Candidate.objects.get(pk=pursue.pk)
    assert rescored.version > pursue.version
    _view(client, rescored)
    _view(client, rescored)
    assert len(fake_llm.requests) == 2


def test_a_refused_model_draft_is_kept_with_its_reason_for_the_version(
    pursue: Candidate, owner: User, fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    fake_llm.answer = {"sentences": [*GOOD["sentences"][:3], {"text": "Act now, it expires.", "evidence": ["o1"]}]}
    with caplog.at_level(logging.WARNING, logger="handoff.drafts.writers"):
        first, second = draft_for(pursue), draft_for(pursue)
    assert len(fake_llm.requests) == 1 and caplog.text.count("refused") == 1
    for draft in (first, second):
        assert draft.writer == "TemplateDraftWriter" and "pressure" in draft.fallback_reason
        assert draft.text.startswith("Hi Maria,")


def test_another_writer_configuration_is_another_draft(
    pursue: Candidate, fake_llm: FakeLLM, settings: Settings
) -> None:
    fake_llm.answer = GOOD
    assert draft_for(pursue).writer == "OpenAIDraftWriter"
    settings.MESSAGE_LLM_MODEL = "bigger"
    assert draft_for(pursue).writer == "OpenAIDraftWriter"
    assert [r["body"]["model"] for r in fake_llm.requests] == ["tiny", "bigger"]
    settings.MESSAGE_WRITER = "handoff.drafts.writers.TemplateDraftWriter"
    assert draft_for(pursue).writer == "TemplateDraftWriter" and len(fake_llm.requests) == 2


def test_a_model_that_fails_is_asked_again_only_after_the_retry_time(
    pursue: Candidate, fake_llm: FakeLLM, settings: Settings
) -> None:
    fake_llm.status = 503
    assert "HTTPError" in draft_for(pursue).fallback_reason
    assert "HTTPError" in draft_for(pursue).fallback_reason
    assert len(fake_llm.requests) == 1
    from django.core.cache import cache

    settings.MESSAGE_LLM_RETRY_SECONDS = 0  # a failure is not kept at all
    cache.clear()
    assert "HTTPError" in draft_for(pursue).fallback_reason
    fake_llm.answer, fake_llm.status = GOOD, 200
    assert draft_for(pursue).writer == "OpenAIDraftWriter"
    assert draft_for(pursue).writer == "OpenAIDraftWriter"  # a good answer is kept
    assert len(fake_llm.requests) == 3


def test_a_view_while_another_is_asking_the_model_does_not_ask_again(
    pursue: Candidate, fake_llm: FakeLLM, settings: Settings
) -> None:
    from django.core.cache import cache

    from handoff.drafts.writers import _cache_key

    fake_llm.answer = GOOD
    settings.MESSAGE_LLM_TIMEOUT_SECONDS = 0  # wait at most the 5-second margin for the other request
    cache.add(_cache_key(pursue) + ":writing", 1)  # another request holds the pen and never finishes
    draft = draft_for(pursue)
    assert draft.writer == "TemplateDraftWriter" and "still writing" in draft.fallback_reason
    assert fake_llm.requests == []
