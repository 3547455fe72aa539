"""Tests for signals.classifier: pure Python + scikit-learn, no database, no Django."""

from __future__ import annotations

import dataclasses
import json
import re
from bisect import bisect_right
from pathlib import Path

import pytest

from signals import classifier
from signals.classifier import (
    CONFLICTS,
    DEFAULT_PHRASE_RULES,
    SIGNAL_TYPES,
    TYPE_LABELS,
    PhraseRuleSpec,
    TextClassification,
    classify_text,
    classify_texts,
    evaluate,
    load_corpus,
    load_writers,
    training_rows,
    validate_phrase_rule,
)
from signals.classifier.corpus import near_duplicates
from signals.classifier.cues import has_conflict_cue
from signals.classifier.direction import count_lowered_spans, mark_number_direction
from signals.classifier.evaluation import EvaluationReport
from signals.classifier.model import (
    MIN_SIGNAL_CONFIDENCE,
    _model_text,
    classify_with,
    normalize_text,
    strip_frame,
    train_models,
)
from signals.classifier.rules import (
    RuleIndex,
    clause_starts,
    compile_rules,
    is_anchored,
    needs_non_ascii,
    rule_index,
    split_alternatives,
)

# The nine messages of the seed 004 table, with the type the contract maps them to.
SEED_TABLE = [
    ("We're considering adding more users to our account. What are our options?", "seats"),
    ("Is there a way to increase our storage capacity?", "capacity"),
    ("Can you tell me about your enterprise-level plans?", "tier_upgrade"),
    ("We're growing rapidly and need to scale our current solution.", "scale"),
    ("What features do we get if we upgrade to the next tier?", "tier_upgrade"),
    ("I heard you have a new product line. Can you provide more information?", "cross_sell"),
    ("Our team is expanding. How can we add more seats to our license?", "seats"),
    ("We're interested in exploring your advanced analytics package.", "add_on"),
    ("Do you offer volume discounts for larger user bases?", "volume_pricing"),
]


@pytest.fixture(scope="module")
def heldout_report() -> EvaluationReport:
    return evaluate()


# ------------------------------------------------------------------ seed table


@pytest.mark.parametrize(("text", "expected"), SEED_TABLE)
def test_seed_table_message_gets_its_type(text: str, expected: str) -> None:
    result = classify_text(text)
    assert result.signal_type == expected
    assert result.intent in ("buying", "curious")
    assert result.conflict is None


def test_seed_table_exploratory_questions_are_curious() -> None:
    # Questions with no number, date, plan or decision maker are curiosity, not buying.
    for text, _ in [SEED_TABLE[1], SEED_TABLE[2], SEED_TABLE[5], SEED_TABLE[8]]:
        assert classify_text(text).intent == "curious", text


# ------------------------------------------------------------------ held-out quality


def test_heldout_binary_precision_and_recall(heldout_report: EvaluationReport) -> None:
    assert heldout_report.binary_precision >= 0.9, heldout_report.as_text()
    assert heldout_report.binary_recall >= 0.9, heldout_report.as_text()


def test_heldout_report_shape(heldout_report: EvaluationReport) -> None:
    rows = load_corpus("heldout")
    assert heldout_report.n_examples == len(rows)
    assert heldout_report.labels == TYPE_LABELS
    assert len(heldout_report.confusion) == len(TYPE_LABELS)
    assert all(len(row) == len(TYPE_LABELS) for row in heldout_report.confusion)
    assert sum(map(sum, heldout_report.confusion)) == len(rows)
    assert set(heldout_report.per_type) == set(SIGNAL_TYPES)
    text = heldout_report.as_text()
    assert "precision" in text and "Confusion matrix" in text
    assert 0.0 <= heldout_report.intent_accuracy <= 1.0
    assert 0.0 <= heldout_report.conflict_precision <= 1.0


# ------------------------------------------------------------------ hard negatives


@pytest.mark.parametrize(
    "text",
    [
        "We don't need more seats right now, the current 40 are plenty.",
        "No plans to add users this year.",
        "Not this year. We'll revisit the premium tier in 2028.",
        "Thanks, but we're not interested in the advanced analytics package.",
        "We won't need extra storage, we're only at 20% of the quota.",
    ],
)
def test_negations_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "After upgrading to v5.2 the exports fail with a timeout.",
        "Please upgrade your browser to the latest Firefox and try again.",
        "Since the upgrade to version 4.1 our SSO login loops.",
        "We upgraded the connector to 2.0 and the field mapping disappeared.",
    ],
)
def test_software_version_upgrades_are_not_tier_upgrades(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "We upgraded to Enterprise last year and it's been great.",
        "The 10 seats we added in March are all assigned now, thanks.",
        "Since we bought the analytics package, month-end reporting is twice as fast.",
    ],
)
def test_past_purchases_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Please rate your experience on a scale of 1 to 10.",
        "The y-axis scale on the revenue chart starts at 50.",
        "Our store sells child car seats and the product import fails on the colour field.",
        "The seat of our legal team is in Frankfurt, so please address invoices there.",
        "In my capacity as admin, please reset two-factor for Jamie.",
        "Our meal plan subscribers aren't getting the confirmation email.",
    ],
)
def test_other_senses_of_keywords_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "The dashboard takes a minute to load this morning.",
        "Please send us a copy of invoice INV-1042.",
        "Can we move Thursday's call to 3pm?",
        "Thanks so much for the quick fix yesterday!",
        "Your last release broke our export and nobody has replied to my ticket.",
    ],
)
def test_ordinary_support_traffic_is_none(text: str) -> None:
    result = classify_text(text)
    assert (result.signal_type, result.intent, result.conflict) == ("none", "none", None)


# ------------------------------------------------------------------ support tickets and support language

# Support tickets from the demo book, as the engine reads them ("SUBJECT. BODY"). They
# used to come out as seats (0.92), capacity (0.55) and capacity (0.41).
DEMO_SUPPORT_TICKETS = [
    "Invoice shows wrong seat count. Invoice INV-2026-4603 lists more seats than we have; please check and reissue.",
    "API returns 429 during nightly batch. Our nightly batch gets HTTP 429 after about 39 "
    "thousand calls. Is there a burst limit we should know",
    "API returns 429 during nightly batch. Our nightly batch gets HTTP 429 after about 12 "
    "thousand calls. Is there a burst limit we should know about?",
    "Question about data retention settings. Legal asked how long deleted items are kept and "
    "whether we can shorten it.",
]


@pytest.mark.parametrize("text", DEMO_SUPPORT_TICKETS)
def test_demo_support_tickets_are_not_signals(text: str) -> None:
    result = classify_text(text)
    assert (result.signal_type, result.intent, result.conflict) == ("none", "none", None), result
    # Also without the minimum-confidence filter: the model and rules themselves say none.
    assert classify_text(text, min_confidence=0.0).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        # billing corrections
        "Our renewal invoice charges for 75 licences; the order form we signed says 60. "
        "Please send a corrected invoice.",
        "Billing error: we were invoiced for the Premium tier in April, but we are still on Standard.",
        "We were charged for the storage add-on after we cancelled it in January. Please refund it.",
        # rate limits and API errors
        "Webhook endpoint returning 429 Too Many Requests since this morning, is there an incident?",
        "Our integration is being rate limited when it pulls contacts. What is the limit per minute?",
        # retention settings
        "How long do you keep backups of deleted projects, and can we shorten that to 30 days?",
        "Where do I configure the retention period for audit logs? Our security team wants to review it.",
        # SSO and permission problems
        "SSO broken for new users. Users added to the Okta group this week get an error on login.",
        "Permission problem. An editor in Marketing can't open the shared budget workflow even "
        "though the whole team has access.",
        "Locked out of admin. Our admin lost access after changing her email; please help us "
        "regain access to the workspace.",
        # bug reports that mention seats, limits, storage or plans
        "Storage meter stuck. The storage meter has said 480 GB for two weeks even though we've deleted lots of files.",
        "Seat count wrong in the admin panel. It says 58 of 60 seats are used but we have 44 users.",
        "The plan comparison page crashes in Safari when I click on Enterprise.",
        "The record limit warning appears even though we're nowhere near our limit.",
        "After the upgrade to version 6.1 the add-on menu is empty.",
    ],
)
def test_support_language_is_not_a_signal(text: str) -> None:
    result = classify_text(text)
    assert result.signal_type == "none", result
    assert result.intent == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We're out of seats again and the new hires get an error when they try to log in. "
            "Please add 8 seats today.",
            "seats",
        ),
        (
            "Our storage is full and uploads fail. Can you add 2 TB before Friday? Approved by our CTO.",
            "capacity",
        ),
        (
            "We keep hitting the 429 rate limit every night. Please raise our API limit to 200 "
            "requests a minute from next month.",
            "capacity",
        ),
        (
            "Please extend our audit log retention from 1 year to 7 years; compliance needs it "
            "before the audit in October.",
            "capacity",
        ),
        # round 6 read it as none (the billing thanks outweighed the ask); round 8 reads the
        # part after "Now," on its own as well (model.topic_parts)
        (
            "We were billed correctly, thanks. Now, could we get pricing for the Enterprise plan?",
            "tier_upgrade",
        ),
    ],
)
def test_support_context_does_not_hide_a_real_need(text: str, expected: str) -> None:
    assert classify_text(text).signal_type == expected


@pytest.mark.parametrize(
    "text",
    [
        "New hires can't log in because we've run out of licences, we need 5 more.",
        "The export keeps failing since we hit the API cap, can we raise it to 2 million calls?",
    ],
)
def test_problem_and_need_in_one_sentence(text: str) -> None:
    assert classify_text(text).signal_type != "none"


# ------------------------------------------------------------------ minimum confidence


def test_min_confidence_turns_a_weak_signal_into_none() -> None:
    text = "Call note: walked Grace through the forms setup; they might try it in the Product team next quarter."
    raw = classify_text(text, min_confidence=0.0)
    assert raw.signal_type != "none"  # the argmax is a (weak) signal
    strict = classify_text(text, min_confidence=raw.confidence + 0.01)
    assert (strict.signal_type, strict.intent) == ("none", "none")
    assert strict.confidence < raw.confidence  # now the probability of "none"
    assert strict.conflict == raw.conflict  # the conflict is decided independently
    assert strict.matched_rules == raw.matched_rules


def test_the_minimum_confidence_compares_the_confidence_as_reported() -> None:
    """A probability of 0.50497 is reported as 0.505; at min_confidence 0.505 it must stay a
    signal (it was dropped, and reported as none at 0.495)."""
    import numpy as np

    from signals.classifier.model import signal_decision

    proba = np.array([0.50497, 0.50494, 0.6, 0.4])
    signal, confidence = signal_decision(proba, 0.505)
    assert signal.tolist() == [True, False, True, False]
    assert [round(c, 4) for c in confidence.tolist()] == [0.505, 0.4951, 0.6, 0.6]


def test_reported_signals_meet_the_minimum_confidence() -> None:
    assert 0.0 < MIN_SIGNAL_CONFIDENCE < 1.0
    texts = [row["text"] for row in load_corpus("train")[:400]]
    raw = classify_texts(texts, min_confidence=0.0)
    default = classify_texts(texts)
    assert default == classify_texts(texts, min_confidence=MIN_SIGNAL_CONFIDENCE)
    for before, after in zip(raw, default, strict=True):
        if before.signal_type == "none" or before.confidence >= MIN_SIGNAL_CONFIDENCE:
            assert after == before
        else:
            assert (after.signal_type, after.intent) == ("none", "none")
            assert after.conflict == before.conflict
        if after.signal_type != "none":
            assert after.confidence >= MIN_SIGNAL_CONFIDENCE


# ------------------------------------------------------------------ known weak spots


@pytest.mark.parametrize(
    "text",
    [
        "CN: Paulo says they're walking away at renewal; the new COO has a preferred vendor for everything.",
        "Finance asked us not to raise the renewal invoice this year.",
        "We'll be closing the account after the project wraps up in May.",
        "We'll let the subscription lapse at the end of June.",
        "Leadership decided to pull the plug on the platform when this term ends.",
    ],
)
def test_cancel_idioms_are_cancel_conflicts(text: str) -> None:
    result = classify_text(text)
    assert (result.signal_type, result.conflict) == ("none", "cancel"), result


@pytest.mark.parametrize(
    "text",
    [
        "No interest in your Payments product, thanks.",
        "We won't require additional storage after the archive project.",
        "Volume pricing isn't relevant at our size.",
        "Premium support would be overkill for a team like ours.",
        "We'll pass on the onboarding package.",
    ],
)
def test_negations_without_not_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Reporting has been better since the Enterprise upgrade they did in January.",
        "Since adding the HL7 module in 2023 the integrations have been stable.",
        "The storage increase you processed last week shows up fine.",
        "The HR module we purchased works well for the payroll team.",
    ],
)
def test_past_purchases_as_nouns_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Take the Events product off our renewal.",
        "Please strip the translation add-on out of next year's quote.",
        "We no longer want the Kiosk app on our contract.",
    ],
)
def test_removing_one_product_is_reduce_not_cross_sell(text: str) -> None:
    result = classify_text(text)
    assert (result.signal_type, result.conflict) == ("none", "reduce"), result


# ------------------------------------------------------------------ conflicts


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        ("We need to cut our licences from 50 to 35 at renewal.", "reduce"),
        ("Please remove the 10 unused seats from our contract.", "reduce"),
        ("We'd like to downgrade from Enterprise to Business when the term ends.", "downgrade"),
        (
            "Please move us back to the Starter plan, we don't use the advanced features.",
            "downgrade",
        ),
        ("We will not be renewing our subscription when it ends in March.", "cancel"),
        ("Please cancel our account effective the end of this month.", "cancel"),
        ("We're evaluating other vendors ahead of the renewal.", "alternatives"),
        ("Procurement has asked us to run an RFP with two competitors.", "alternatives"),
    ],
)
def test_conflict_only_messages_are_none_with_a_conflict(text: str, conflict: str) -> None:
    result = classify_text(text)
    assert result.conflict == conflict
    assert result.signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Can we cancel tomorrow's meeting? Half the team is out.",
        "How can we reduce the load time of the big dashboard?",
        "Downgrading Chrome to version 120 fixed the rendering issue.",
        "We compared several tools years ago and chose you. Still the best decision.",
    ],
)
def test_conflict_words_in_harmless_senses_are_not_conflicts(text: str) -> None:
    assert classify_text(text).conflict is None


def test_conflict_and_signal_can_coexist() -> None:
    result = classify_text(
        "We're evaluating other vendors for analytics, but regardless we need 20 more seats for support this month."
    )
    assert result.signal_type == "seats"
    assert result.conflict == "alternatives"


# ------------------------------------------------------------------ mixed messages and intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The export has failed all week, really frustrating. Separately, we need 15 more seats for hires on Monday.",
            "seats",
        ),
        (
            "We upgraded to Enterprise last year and love it. Now we need 20 more seats for the new support team.",
            "seats",
        ),
        (
            "Support was slow last week. Anyway, could you tell us what the Premium plan includes?",
            "tier_upgrade",
        ),
    ],
)
def test_mixed_messages_still_find_the_need(text: str, expected: str) -> None:
    assert classify_text(text).signal_type == expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Please add 12 seats before Monday, our CFO approved the spend.", "buying"),
        (
            "We'd like to move to Enterprise at renewal on 1 July. Please send the contract.",
            "buying",
        ),
        ("Just curious, how does seat pricing work if we add people later?", "curious"),
        ("Is there a way to get more storage at some point?", "curious"),
    ],
)
def test_intent_separates_buying_from_curiosity(text: str, intent: str) -> None:
    assert classify_text(text).intent == intent


# ------------------------------------------------------------------ admin-tunable rules


def test_custom_phrase_rule_changes_a_result() -> None:
    # "Osprey" means nothing to the shipped rules or corpus; an admin teaches it.
    text = "Could you tell us a bit about Osprey?"
    baseline = classify_text(text)
    custom = DEFAULT_PHRASE_RULES + (
        PhraseRuleSpec(
            name="admin.osprey",
            pattern=r"\bosprey\b",
            kind="signal",
            signal_type="cross_sell",
            weight=2.0,
        ),
    )
    tuned = classify_text(text, custom)
    assert baseline.signal_type == "none"
    assert tuned.signal_type == "cross_sell"
    assert "admin.osprey" in tuned.matched_rules


def test_custom_negation_rule_suppresses_a_signal() -> None:
    text = "We'd like 5 more seats for the Lighthouse project team."
    assert classify_text(text).signal_type == "seats"

    def with_negation(weight: float) -> tuple[PhraseRuleSpec, ...]:
        rule = PhraseRuleSpec(
            name="admin.lighthouse_is_internal", pattern=r"\blighthouse\b", kind="negation", weight=weight
        )
        return DEFAULT_PHRASE_RULES + (rule,)

    # weight 3 or more is decisive (round 14): none, whatever the statistical models say
    assert classify_text(text, with_negation(3.0)) == dataclasses.replace(
        classify_text(text, with_negation(3.0)), signal_type="none", intent="none", confidence=1.0
    )
    # ... unless another clause asks for something on its own
    other_clause = "Lighthouse is on track. Separately, we need 5 more seats for the sales team."
    assert classify_text(other_clause, with_negation(3.0)).signal_type == "seats"
    # a weaker one counts for none; this confident reading outweighs it
    weaker = classify_text(text, with_negation(2.0))
    assert weaker.signal_type == "seats" and weaker.confidence < classify_text(text).confidence


def test_matched_rules_explain_the_decision() -> None:
    result = classify_text("We don't need more seats this year.")
    assert "neg.no_need" in result.matched_rules
    assert "seats.more_seats" in result.matched_rules


def test_default_rules_are_valid_and_uniquely_named() -> None:
    names = [rule.name for rule in DEFAULT_PHRASE_RULES]
    assert len(names) == len(set(names))
    for rule in DEFAULT_PHRASE_RULES:
        assert validate_phrase_rule(rule) == [], rule.name


def test_invalid_rules_are_reported_and_skipped() -> None:
    bad_regex = PhraseRuleSpec(name="bad", pattern="(unclosed", kind="signal", signal_type="seats")
    bad_type = PhraseRuleSpec(name="bad2", pattern="x", kind="signal", signal_type="laptops")
    assert validate_phrase_rule(bad_regex)
    assert validate_phrase_rule(bad_type)
    result = classify_text("We need 10 more seats.", DEFAULT_PHRASE_RULES + (bad_regex, bad_type))
    assert result.signal_type == "seats"
    assert "bad" not in result.matched_rules


def test_rule_prefilter_never_changes_matches() -> None:
    # compile_rules derives literal "triggers" to skip regexes cheaply; it must be exact.
    texts = [normalize_text(row["text"]) for row in load_corpus("train")]
    for rule in compile_rules(DEFAULT_PHRASE_RULES):
        for text in texts:
            expected = [m.start() for m in rule.regex.finditer(text)]
            assert rule.search_all(text, text.lower()) == expected, (rule.spec.name, text)


def test_no_rules_means_statistical_model_only() -> None:
    result = classify_text("Can we add 12 more seats before Monday?", phrase_rules=[])
    assert result.matched_rules == ()
    assert result.signal_type in TYPE_LABELS


# ------------------------------------------------------------------ API shape and determinism


def test_batch_matches_single_and_keeps_order() -> None:
    texts = [text for text, _ in SEED_TABLE] + ["", "Thanks!"]
    batch = classify_texts(texts)
    assert len(batch) == len(texts)
    assert batch == [classify_text(text) for text in texts]
    assert classify_texts([]) == []


def test_result_shape() -> None:
    result = classify_text("Do you offer volume discounts for larger user bases?")
    assert isinstance(result, TextClassification)
    assert dataclasses.is_dataclass(result)
    assert 0.0 <= result.confidence <= 1.0
    assert isinstance(result.matched_rules, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.signal_type = "seats"  # type: ignore[misc]  # frozen: the point of the test


def test_training_is_deterministic() -> None:
    rows = load_corpus("train")
    texts = [row["text"] for row in load_corpus("heldout")]
    first = classify_with(train_models(rows), texts, None)
    second = classify_with(train_models(rows), texts, None)
    assert first == second
    assert classify_texts(texts) == classify_texts(texts)


# ------------------------------------------------------------------ corpus


def test_corpus_sizes_and_labels() -> None:
    train, heldout = load_corpus("train"), load_corpus("heldout")
    assert len(train) >= 700
    assert len(heldout) >= 250
    for rows in (train, heldout):
        types = {row["signal_type"] for row in rows}
        assert types == set(TYPE_LABELS)
        conflicts = {row["conflict"] for row in rows} - {None}
        assert conflicts == set(CONFLICTS)
        for row in rows:
            assert {"buying", "curious"} >= {row["intent"]} or row["signal_type"] == "none"


def test_no_near_duplicates_between_train_and_heldout() -> None:
    pairs = near_duplicates(load_corpus("heldout"), load_corpus("train"), threshold=0.8)
    assert pairs == []


def test_unknown_corpus_name_is_rejected() -> None:
    with pytest.raises(ValueError):
        load_corpus("validation")


# ------------------------------------------------------------------ clauses: polarity, tense, party


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        ("Please switch off the reporting bundle at renewal.", "reduce"),
        ("Can we freeze six licences during the off season?", "reduce"),
        ("End the e-signature add-on at renewal, please.", "reduce"),
        ("We no longer need the bigger storage tier, the migration was scrapped.", None),
        ("We've chosen not to proceed with the planning module.", None),
    ],
)
def test_expansion_words_used_to_shrink_or_stop_are_not_signals(text: str, conflict: str | None) -> None:
    result = classify_text(text)
    assert (result.signal_type, result.conflict) == ("none", conflict), result


@pytest.mark.parametrize(
    "text",
    [
        "The extra storage is live and uploads work again, thanks!",
        "The signed amendment for the new seats arrived, all set.",
        "We lifted our rate limit last spring.",
    ],
)
def test_things_already_done_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


# A completed state in any domain's words (neg.completed): each of these was a signal
# before the rule.
COMPLETED = [
    "The 6 additional logins for the second clinic were activated yesterday, thank you.",
    "Quick update: the bigger storage allowance is now enabled on our workspace.",
]


@pytest.mark.parametrize("text", COMPLETED)
def test_a_completed_state_is_not_a_signal(text: str) -> None:
    result = classify_text(text)
    assert result.signal_type == "none", result
    assert "neg.completed" in result.matched_rules
    without = [rule for rule in DEFAULT_PHRASE_RULES if rule.name != "neg.completed"]
    # the rule pushes towards none (since round 6 the model alone may already say none)
    unruled = classify_text(text, without)
    assert unruled.signal_type != "none" or unruled.confidence < result.confidence


@pytest.mark.parametrize(
    "text",
    [
        "Onboarding call recap: all 9 new nurses logged in, setup done last week. Nothing open.",
        "Our switch to the Plus edition two summers back has really paid off for the front desk.",
    ],
)
def test_work_finished_in_the_past_is_not_a_signal(text: str) -> None:
    result = classify_text(text)
    assert result.signal_type == "none" and "neg.completed" in result.matched_rules, result


@pytest.mark.parametrize(
    ("text", "signal_type"),
    [
        # a condition on something being done is not a completed state: the need stands
        ("Once the data migration is completed, we would like 12 more seats for the new clinic.", "seats"),
        ("We will sign for the reporting module as soon as procurement is done, about 30 users.", "add_on"),
        ("We need the extra storage in place by Monday.", "capacity"),
    ],
)
def test_a_need_waiting_on_something_being_done_is_still_a_signal(text: str, signal_type: str) -> None:
    result = classify_text(text)
    assert result.signal_type == signal_type, result
    assert "neg.completed" not in result.matched_rules


@pytest.mark.parametrize(
    "text",
    [
        "We don't use you yet - what would 40 users cost?",
        "Our Slack workspace doubled to 200 members this year.",
        "Great, an upgrade so we can have twice the downtime.",
        "The new price list makes Premium far too expensive for what it is.",
    ],
)
def test_someone_elses_expansion_and_sarcasm_are_not_signals(text: str) -> None:
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("When the sync error is resolved we'd like 15 extra licences.", "seats"),
        (
            "Our jobs hit the rate limit every hour and we need it raised tenfold before launch.",
            "capacity",
        ),
        ("We are needing logins for nine new collaborators of the Porto office.", "seats"),
        (
            "The direction wants to pass from the Standard formula to the Premium formula.",
            "tier_upgrade",
        ),
        ("Is possible better price if we take three years?", "volume_pricing"),
        ("We'd like an extra test environment for the integration team.", "add_on"),
        ("Do you offer a training package for new admins?", "add_on"),
    ],
)
def test_other_writers_phrasings_are_read(text: str, expected: str) -> None:
    result = classify_text(text)
    assert result.signal_type == expected, result
    assert result.conflict is None


def test_a_clause_per_problem_and_per_need() -> None:
    from signals.classifier.rules import clause_starts

    text = "New hires can't log in because we've run out of licences, we need 5 more."
    starts = clause_starts(text)
    clauses = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]
    assert clauses == [
        "New hires can't log in ",
        "because we've run out of licences, ",
        "we need 5 more.",
    ]


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        # a second request joined by "and": the reduce rule no longer cancels the add-on ask
        (
            "Drop us from 40 to 25 users and add the SMS add-on.",
            ["Drop us from 40 to 25 users and ", "add the SMS add-on."],
        ),
        ("Cut two seats and also order the audit module.", ["Cut two seats and ", "also order the audit module."]),
        # "and" before anything else joins one thing
        ("Reports and dashboards are slow.", ["Reports and dashboards are slow."]),
        ("Add and remove users in bulk?", ["Add and remove users in bulk?"]),
        ("Drop us and additionally bill us monthly.", ["Drop us and additionally bill us monthly."]),
    ],
)
def test_and_before_a_request_verb_starts_a_clause(text: str, clauses: list[str]) -> None:
    from signals.classifier.rules import clause_starts

    starts = clause_starts(text)
    assert [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)], strict=True)] == clauses


@pytest.mark.parametrize(
    ("text", "continued"),
    [
        ("Drop us from 40 to 25 users and add the SMS add-on.", [1]),
        ("Drop two seats and add storage and upgrade to Pro.", [1, 2]),
        ("Drop two seats, and add storage.", []),  # the comma break: a clause of its own
        ("Uploads fail. Please cut a seat and also order the audit module", [2]),
        ("Reports and dashboards are slow.", []),
        # a clause after "and" that another break starts ("… and I need …") is no and-request half
        ("Our admin left suddenly and I need to transfer her rights to me.", []),
    ],
)
def test_the_clauses_an_and_request_starts_are_named(text: str, continued: list[int]) -> None:
    from signals.classifier.rules import and_request_clauses

    assert and_request_clauses(text) == continued


def test_a_reduction_and_an_add_on_in_one_sentence_read_as_both() -> None:
    """Round 11 read it none/reduce: the reduce rule cancelled the add-on rule of its clause."""
    reading = classify_text("Drop us from 40 to 25 users and add the SMS add-on.")
    assert (reading.signal_type, reading.conflict) == ("add_on", "reduce")


@pytest.mark.parametrize(
    "text",
    [
        "We don't plan to add anyone and raise our storage cap this quarter.",
        "We're happy with Pro and don't need to upgrade and add the analytics module.",
        "Honestly we have no budget to upgrade and add the analytics module.",
        "We're not hiring this year and won't need to add users and raise the storage cap.",
        "The button to add users and increase storage is greyed out for me.",
        "Just to be clear, we are not going to buy more seats and upgrade the plan.",
    ],
)
def test_without_a_conflict_the_halves_of_an_and_request_are_one_statement(text: str) -> None:
    """A reviewer's cases: split at "and add/upgrade…", the negation (or the support problem)
    of one half no longer covered the other, and each read as a buying signal."""
    assert classify_text(text).signal_type == "none"


@pytest.mark.parametrize(
    ("text", "signal_type", "conflict"),
    [
        ("Please cancel 5 of our seats and add the compliance module instead.", "add_on", "reduce"),
        ("Remove the old Teams connector and add the Salesforce integration add-on.", "add_on", "reduce"),
        ("We'd like to drop the chat module and add 10 users with the savings.", "seats", "reduce"),
    ],
)
def test_with_a_conflict_each_half_of_an_and_request_keeps_its_reading(
    text: str, signal_type: str, conflict: str
) -> None:
    reading = classify_text(text)
    assert (reading.signal_type, reading.conflict) == (signal_type, conflict)


def test_a_fix_condition_spelled_with_letters_that_only_fold_is_still_read_out() -> None:
    """The fix-condition regex is case-insensitive, so "fıxed" (dotless i) matches it; the quick
    ASCII gate in front of it must not skip such a text."""
    from signals.classifier.model import _model_text

    assert _model_text("Once the sync bug is fıxed, we'd like 10 more seats.") == "we'd like NUM more seats."
    assert _model_text("Once the sync bug is fixed, we'd like 10 more seats.") == "we'd like NUM more seats."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the issue's own shape turned round: the need first, the fix condition after it
        ("We'd like 15 extra licences once the sync error is resolved.", "seats"),
        ("We'll want the analytics add-on when the dashboard bug is solved.", "add_on"),
        ("After the billing error is corrected we want to upgrade to Premium.", "tier_upgrade"),
        ("We want to add the Berlin team, 30 users, once the SSO problem is fixed.", "seats"),
        # a condition that holds the need back is not a need
        ("We won't add licences until the sync error is fixed.", "none"),
        ("The sync error is still there, we can't add anyone until it is resolved.", "none"),
    ],
)
def test_a_need_keeps_its_reading_with_a_fix_condition_before_or_after_it(text: str, expected: str) -> None:
    assert classify_text(text).signal_type == expected


def test_a_fix_condition_after_a_need_is_read_out_only_after_a_need() -> None:
    from signals.classifier.model import _model_text

    assert (
        _model_text("We'd like 15 extra licences once the sync error is resolved.") == "We'd like NUM extra licences."
    )
    # no need before it in its sentence: the condition stays (it is what the message is about)
    assert _model_text("Thanks. The report runs again once the cache is cleared up.") == (
        "Thanks. The report runs again once the cache is cleared up."
    )


# ------------------------------------------------------------------ size, speed, explanations


def test_a_very_long_text_is_cut_and_says_so() -> None:
    import tracemalloc

    from signals.classifier import MAX_TEXT_CHARS

    text = "The dashboard loads fine and the team is happy with the reports. " * 160_000
    text += "Please add 40 more seats by Friday."
    assert len(text) > 10_000_000
    tracemalloc.start()
    result = classify_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.truncated
    assert result.signal_type == "none"  # the ask lies beyond the first MAX_TEXT_CHARS characters
    assert peak < 50 * MAX_TEXT_CHARS * 8  # a few MB for the prefix, not the 10 MB text
    short = classify_text("Please add 40 more seats by Friday.")
    assert not short.truncated and short.signal_type == "seats"


def test_results_carry_the_model_version_and_the_rules_that_fired() -> None:
    from signals.classifier import model_version

    result = classify_text("We need 10 more seats by Friday.")
    assert result.model_version == model_version()
    assert len(result.model_version) == 16
    assert "seats.more_seats" in result.matched_rules
    fewer = tuple(r for r in DEFAULT_PHRASE_RULES if r.name != "seats.more_seats")
    other = classify_text("We need 10 more seats by Friday.", fewer)
    assert other.model_version == model_version(fewer) != result.model_version
    assert "seats.more_seats" not in other.matched_rules


def test_fast_scorer_equals_the_training_matrix() -> None:
    import numpy as np

    from signals.classifier.model import _model_text, get_models

    models = get_models()
    texts = [_model_text(normalize_text(row["text"])) for row in load_corpus("heldout")]
    texts += ["", "ünïcödé wörds and   spaces", "x" * 500]
    matrix = models.featurizer.transform(texts)
    expected = np.hstack(
        [
            models.type_model.decision_function(matrix),
            models.intent_model.decision_function(matrix)[:, None],
            models.conflict_model.decision_function(matrix),
            models.signal_model.decision_function(matrix)[:, None],
        ]
    )
    assert np.allclose(models.scorer.scores(texts), expected, atol=1e-9)


def _reference_hits(index: RuleIndex, text: str) -> list[tuple[int, int]]:
    """RuleIndex.hits the straightforward way: every rule's whole regex, gated only by the
    rule's own word pieces (not by its branches', nor by a whole-text rule's gate)."""
    starts = clause_starts(text)
    found: set[tuple[int, int]] = set()
    for number, (start, end) in enumerate(zip(starts, starts[1:] + [len(text)], strict=True)):
        clause = text[start:end]
        found |= {(n, number) for n in index.candidates(clause) if index.rules[n].regex.search(clause)}
    possible = index._complete(index._satisfied(text))
    for n, rule in enumerate(index.rules):
        if rule.whole_text and (not rule.pieces or n in possible):
            found |= {(n, bisect_right(starts, m.start()) - 1) for m in rule.regex.finditer(text)}
    return sorted(found)


def test_rule_index_fast_path_gives_the_straightforward_hits() -> None:
    """Split rules, branch pieces and whole-text gates are speed only: same (rule, clause) hits."""
    from signals.classifier.corpus import training_rows

    index = rule_index(DEFAULT_PHRASE_RULES)
    assert any(rule.branches for rule in index.rules)
    texts = [normalize_text(row["text"]) for row in training_rows()[::2]]
    texts.append(" ".join(texts[:40]))  # a long thread: many clauses, whole-text rules across them
    for text in texts:
        assert index.hits(text) == _reference_hits(index, text), text


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        ("割引", True),
        ("(?:減ら|削減|外し)", True),
        (".{0,12}他社", True),
        ("(?:割)+x", True),
        ("(?:割)?x", False),  # may be absent
        ("a|割", False),  # one branch is ASCII
        ("[割引]", False),  # a class: not looked into (in doubt, runs everywhere)
        ("\u212a", False),  # the Kelvin sign matches "k" case-insensitively
        ("\u017f", False),  # and the long s "s"
        ("caf\u00e9", True),  # "é" matches "é" and "É" only
    ],
)
def test_needs_non_ascii_reads_what_every_match_contains(pattern: str, needs: bool) -> None:
    assert needs_non_ascii(pattern) is needs


def test_a_non_ascii_branch_runs_only_on_clauses_with_non_ascii_text() -> None:
    """Japanese branches have no [a-z0-9] piece to index; they are skipped on ASCII clauses
    (which they cannot match) and still match where the text is Japanese."""
    index = rule_index(DEFAULT_PHRASE_RULES)
    assert index._non_ascii_branches and not index._unconditional_branches
    texts = [
        "営業部に新メンバーが5名加わりますので、ユーザーアカウントを5つ追加購入したく存じます。Please send the estimate.",
        "来年の契約は解約を検討しています。",
        "Our team grew; 上位プランへのアップグレードを希望します",
        "Café owners want 10 more seats, déjà vu. 割引はありますか",
        "We need ten more seats for the Porto office.",
    ]
    for text in map(normalize_text, texts):
        assert index.hits(text) == _reference_hits(index, text), text
    names = {index.rules[n].spec.name for n, _ in index.hits(normalize_text(texts[1]))}
    assert "conflict.intl_cancel" in names


def test_a_split_rule_matches_through_any_of_its_branches() -> None:
    rules = (
        PhraseRuleSpec("split", r"\bfoo\w* (?:bar|qux)\b|baz\b|[|]zap", "signal", signal_type="seats"),
        PhraseRuleSpec("currency", r"\bspend limit\b|[£$] limit\b", "negation"),  # "$" in a class: no anchor
        PhraseRuleSpec("whole", r"^our spend limit\b|\btoo$", "negation"),
    )
    assert split_alternatives(rules[0].pattern) == [r"\bfoo\w* (?:bar|qux)\b", r"baz\b", r"[|]zap"]
    assert split_alternatives(r"(a)|\1b") == [r"(a)|\1b"]  # a group reference: not split
    index = rule_index(rules)
    assert len(index.rules[0].branches) == 3
    assert not index.rules[1].whole_text and len(index.rules[1].branches) == 2
    assert index.rules[2].whole_text and 2 in index._whole_gates
    for text, expected in [
        ("Foozle qux now. Nothing here.", [(0, 0)]),
        ("Nothing here. We want a baz", [(0, 1)]),
        # the rule's own pieces take "baz" as a whole word (required_pieces): kept as it was
        ("sbaz", []),
        ("x |zap", [(0, 0)]),
        ("foo baz", [(0, 0)]),
        ("foo bar", [(0, 0)]),
        ("food barn", []),
        ("Our spend limit. A $ limit too", [(1, 0), (1, 1), (2, 0), (2, 1)]),
        ("A $ limit. Our spend limit too", [(1, 0), (1, 1), (2, 1)]),
        ("spending limit", []),
    ]:
        assert index.hits(text) == expected == _reference_hits(index, text), text


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [
        (r"^hi\b", True),
        (r"\bthanks$", True),
        (r"\Aok", True),
        (r"ok\Z", True),
        (r"add \d+ more(?=\s*(?:[.,]|$))", True),  # inside a lookahead: still the text's end
        (r"(?!.*\bif\b)^done", True),
        (r"[£$€]\s?\d+ limit\b", False),  # a currency sign in a class
        (r"[^a-z]\d", False),  # a negated class
        (r"[]$]x", False),  # "]" first in a class is a literal
        (r"\$\d+", False),  # an escaped dollar
        (r"\\$", True),  # an escaped backslash, then the end
        (r"\bseats?\b", False),
        (r"[", True),  # does not parse: in doubt, whole text
    ],
)
def test_a_rule_runs_over_the_whole_text_only_when_anchored(pattern: str, anchored: bool) -> None:
    assert is_anchored(pattern) is anchored


def test_only_the_known_default_rules_run_over_the_whole_text() -> None:
    """A whole-text rule runs its regex over every message its words occur in, not clause by
    clause: a first version of scale.add_team ended a branch with "$" and made the rule pass a
    third slower on the benchmark's messages (round 13). A new anchored default rule must be
    a choice, made here."""
    from signals.classifier.rules import rule_index

    index = rule_index(tuple(classifier.DEFAULT_PHRASE_RULES))
    assert {r.spec.name for r in index.rules if r.whole_text} == {
        "seats.more_seats",
        "conflict.threat_cancel",
        "neg.completed",
        "curious.question",
    }


def test_identical_texts_in_a_batch_get_identical_results() -> None:
    texts = ["Please add 5 seats.", "Thanks!", "Please add 5 seats."]
    first, second, third = classify_texts(texts)
    assert first == third
    assert first.signal_type == "seats" and second.signal_type == "none"


# ------------------------------------------------------------------ writers


def test_every_writer_is_tagged_and_labelled() -> None:
    from signals.classifier import load_writers
    from signals.classifier.corpus import TAGS

    writers = load_writers()
    assert len(writers) >= 6  # w0_original and at least five independent writers
    for name, rows in writers.items():
        assert rows and all(row["writer"] == name for row in rows)
        assert {row["signal_type"] for row in rows} == set(TYPE_LABELS), name
        assert all(set(row["tags"]) <= set(TAGS) for row in rows)


def test_leave_one_writer_out_report() -> None:
    from signals.classifier import evaluate_by_writer

    result = evaluate_by_writer(writers=["w5_public_sector"])
    assert list(result.per_writer) == ["w5_public_sector"]
    report = result.per_writer["w5_public_sector"]
    assert report.binary_precision >= 0.85 and report.binary_recall >= 0.8, result.as_text()
    assert {score.tag for score in result.per_tag} >= {"polarity", "past", "support"}
    text = result.as_text()
    assert "Leave-one-writer-out" in text and "pooled" in text and "polarity" in text


# ------------------------------------------------------------------ commands


@pytest.mark.django_db
def test_classify_text_command_explains_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import json

    from django.core.management import call_command

    lines = [{"id": 1, "text": "Please add 10 more seats by Friday."}, {"id": 2, "text": "Thanks!"}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x) for x in lines)))
    out = io.StringIO()
    call_command("classify_text", "--explain", stdout=out)
    first, second = [json.loads(line) for line in out.getvalue().splitlines()]
    assert first["id"] == 1 and first["signal_type"] == "seats"
    assert "seats.more_seats" in first["matched_rules"]
    assert first["truncated"] is False and len(first["model_version"]) == 16
    assert second["signal_type"] == "none"


@pytest.mark.django_db
def test_evaluate_classifier_command_reports_by_writer_and_held_out() -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("evaluate_classifier", "--writer", "w2_helpdesk", "--errors", stdout=out)
    text = out.getvalue()
    assert "Leave-one-writer-out" in text and "w2_helpdesk" in text
    assert "Per hard-case tag" in text and "Errors of w2_helpdesk" in text
    out = io.StringIO()
    call_command("evaluate_classifier", "--heldout", stdout=out)
    assert "Evaluation on heldout" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("evaluate_classifier", "--writer", "nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_evaluate_classifier_command_scores_an_unseen_writer_file(tmp_path: Path) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    lines = [
        {"text": "Please add 10 more seats by Friday.", "signal_type": "seats", "intent": "buying", "conflict": None},
        {"text": "Login fails with a 500 error.", "signal_type": "none", "intent": "none", "tags": ["support"]},
    ]
    path = tmp_path / "w99_new.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate_classifier", "--default-rules", "--file", str(path), stdout=out)
    text = out.getvalue()
    assert "unseen writer file" in text and "(2 messages)" in text
    assert "precision 1.000  recall 1.000" in text
    assert "support" in text.split("Per hard-case tag:")[1]
    path.write_text(json.dumps({"text": "x", "signal_type": "lots", "intent": "none"}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("evaluate_classifier", "--file", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("evaluate_classifier", "--file", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())


# ------------------------------------------------------------------ signal detector (round 3)


@pytest.mark.parametrize(
    "text",
    [
        # curious questions without trigger words ("more seats", "upgrade", "add-on" ...)
        "What happens on our bill if two more colleagues start using it in the spring? Just wondering, nothing decided.",
        "Could the finance people here get something out of your tool too, in principle?",
        pytest.param(
            "When we go past the monthly allowance, does everything stop or are we charged for the overage?",
            # Round 14: the NB detector reads how the overage works as support (0.25). The issue lists
            # this shape as a curious signal; the corpus's writers label it so only with a sign of
            # growth ("volumes are climbing"), and the second stranger labelled it support.
            marks=pytest.mark.xfail(strict=True, reason="read as support since round 14 (docs, Limits)"),
        ),
    ],
)
def test_curious_questions_without_trigger_words_are_signals(text: str) -> None:
    result = classify_text(text)
    assert result.signal_type != "none", result
    assert result.intent == "curious", result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a need in the same sentence as a problem: the problem must not cancel the need
        (
            "The export keeps timing out, and once that's sorted we want eight more licences for the Leeds office.",
            "seats",
        ),
        (
            "Our webhook calls are throttled all afternoon and we need the ceiling lifted fivefold before the campaign.",
            "capacity",
        ),
    ],
)
def test_need_joined_to_a_problem_is_detected(text: str, expected: str) -> None:
    assert classify_text(text).signal_type == expected


@pytest.mark.parametrize(
    "text",
    [
        "The export keeps timing out since Tuesday; can you look at it?",
        "Password reset emails are not arriving for two of our users.",
        "Thanks, the invoice is correct now.",
    ],
)
def test_problem_alone_stays_none(text: str) -> None:
    assert classify_text(text).signal_type == "none"


def test_signal_decision_confidence_is_consistent_with_the_threshold() -> None:
    import numpy as np

    from signals.classifier.model import signal_decision

    proba = np.array([0.3, 0.5, 0.55, 0.7, 0.45])
    signal, confidence = signal_decision(proba, 0.6)
    assert signal.tolist() == [False, False, False, True, False]
    assert np.allclose(confidence[signal], [0.7])
    # a "none" reports one minus the signal probability
    assert np.allclose(confidence[~signal], 1 - proba[~signal])
    # without a minimum, "more likely than not" still holds
    loose, _ = signal_decision(proba, 0.0)
    assert loose.tolist() == [False, False, True, True, False]


def test_decision_model_reads_rule_kinds_and_scores() -> None:
    import numpy as np

    from signals.classifier.model import DECISION_COEF, DECISION_FEATURES, get_models, raw_scores

    assert len(DECISION_COEF) == len(DECISION_FEATURES)
    texts = ["We need 10 more seats by Friday, please send the order form.", "Thanks, the invoice is correct now."]
    scores = raw_scores(get_models(), texts, None)
    features = dict(zip(DECISION_FEATURES, scores.decision_features[0], strict=True))
    assert features["signal_rules"] >= 1 and features["buying_cues"] >= 1
    assert scores.signal_proba[0] > 0.9 > 0.1 > scores.signal_proba[1]
    assert np.allclose(scores.decision_features[:, DECISION_FEATURES.index("question")], 0.0)


# ------------------------------------------------------------------ external evaluation set


def test_external_set_is_all_none_and_never_trained_on() -> None:
    from signals.classifier.corpus import corpus_files, external_names

    assert "banking77_support" in external_names()
    rows = load_corpus("external/banking77_support")
    assert len(rows) >= 300
    assert {(r["signal_type"], r["intent"], r["conflict"]) for r in rows} == {("none", "none", None)}
    assert all(r["source_category"] for r in rows)
    assert not any("external" in str(path) for path in corpus_files())
    trained = {r["text"] for r in training_rows()}
    assert not trained & {r["text"] for r in rows}


def test_training_negatives_are_none_weighted_and_apart_from_the_external_set() -> None:
    from signals.classifier import corpus as corpus_module
    from signals.classifier.corpus import corpus_files, load_negatives, negative_names

    assert "banking77_train" in negative_names()
    negatives = load_negatives()
    assert len(negatives) >= 150
    assert {(r["signal_type"], r["intent"], r["conflict"]) for r in negatives} == {("none", "none", None)}
    assert {r["weight"] for r in negatives} == {corpus_module.NEGATIVE_WEIGHT}
    # trained on by the production model, and part of its version (a change retrains)
    trained = {r["text"] for r in training_rows()}
    assert {r["text"] for r in negatives} <= trained
    assert any("negatives" in str(path) for path in corpus_files())
    # never a writer: leave-one-writer-out never holds them out nor scores them
    assert not {r["writer"] for r in negatives} & set(load_writers())
    # the external evaluation slice shares neither a line nor a source intent with them
    external = load_corpus("external/banking77_support")
    assert not {r["text"] for r in negatives} & {r["text"] for r in external}
    assert not {r["source_category"] for r in negatives} & {r["source_category"] for r in external}


def test_a_negatives_file_with_a_signal_line_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from signals.classifier import corpus as corpus_module

    folder = tmp_path / "negatives"
    folder.mkdir()
    line = {"text": "Please add 5 seats.", "signal_type": "seats", "intent": "buying", "conflict": None}
    (folder / "bad.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    monkeypatch.setattr(corpus_module, "NEGATIVES_DIR", folder)
    with pytest.raises(ValueError, match="bad.jsonl"):
        corpus_module.load_negatives()


# ------------------------------------------------------------------ local model cache


def test_trained_model_is_cached_privately_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from signals.classifier import model as engine

    cache = tmp_path / "cache"
    monkeypatch.setenv(engine.CACHE_ENV, str(cache))
    rows = load_corpus("heldout")
    texts = ["We need 12 more seats by Friday.", "The export fails with a timeout."]
    first = engine.cached_train_models(rows)
    [stored] = list(cache.glob("*.pickle"))
    assert stored.name == f"{engine.cache_key(rows)}.pickle"
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert stored.stat().st_mode & 0o077 == 0
    loaded = engine._cache_load(str(cache), engine.cache_key(rows))
    assert loaded is not None
    assert classify_with(loaded, texts, None) == classify_with(first, texts, None)
    # another writer could swap a group-writable file: it is ignored, and retrained over
    os.chmod(stored, 0o666)
    assert engine._cache_load(str(cache), engine.cache_key(rows)) is None
    # a torn file is retrained over, never fatal
    os.chmod(stored, 0o600)
    stored.write_bytes(b"not a pickle")
    again = engine.cached_train_models(rows)
    assert classify_with(again, texts, None) == classify_with(first, texts, None)
    assert engine._cache_load(str(cache), engine.cache_key(rows)) is not None
    # other rows, another key
    assert engine.cache_key(rows[:-1]) != engine.cache_key(rows)


def test_model_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from signals.classifier import model as engine

    monkeypatch.setenv(engine.CACHE_ENV, "off")
    assert engine.cache_dir() is None
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path))
    assert engine.cache_dir() == str(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        # a stranger's add request read as "reduce" turned a buying signal into Stop
        "We'd like to add the Advanced Analytics module to our contract starting next month.",
        "Please add the Advanced Analytics module to our contract from next month",
    ],
)
def test_a_plain_request_to_add_carries_no_conflict(text: str) -> None:
    result = classify_text(text)
    assert result.signal_type == "add_on" and result.intent == "buying"
    assert result.conflict is None


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        ("Please remove the analytics module from our contract next month", "reduce"),
        ("We plan to cut 20 seats at renewal", "reduce"),
        ("We're moving the support team over to another vendor in the new quarter.", "alternatives"),
    ],
)
def test_a_written_conflict_is_still_read(text: str, conflict: str) -> None:
    assert classify_text(text).conflict == conflict


def test_the_conflict_cues_cover_the_corpus_conflicts() -> None:
    """The gate keeps a conflict reading only where a cue is written: nearly every labelled
    conflict of the training writers carries one (a gate, not a detector)."""
    from signals.classifier.corpus import training_rows

    conflicts = [r for r in training_rows() if r.get("conflict")]
    missed = [r["text"] for r in conflicts if not has_conflict_cue(r["text"])]
    assert len(conflicts) > 800 and len(missed) <= len(conflicts) // 100, missed


@pytest.mark.django_db
def test_an_install_seeded_before_gets_the_newer_default_rules_once() -> None:
    """An install seeded before rounds 4-6 kept reading with the old rules: the data
    migration adds the missing ones, and never one an admin already has."""
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0012_phrase_rules_rounds_four_to_six")
    PhraseRule.objects.filter(name__in=migration.NAMES).delete()
    kept = PhraseRule.objects.create(name="neg.fine_as_is", pattern=r"\bours\b", kind="negation")
    migration.add(apps, None)
    names = set(PhraseRule.objects.values_list("name", flat=True))
    assert set(migration.NAMES) <= names
    kept.refresh_from_db()
    assert kept.pattern == r"\bours\b", "an admin's own version is left alone"
    assert PhraseRule.objects.filter(name="neg.feature_request").count() == 1


def test_a_replys_quoted_history_is_not_what_the_customer_says_now() -> None:
    """The stranger's case: a thank-you that quoted a March 2025 request ("On 3 Mar 2025
    Chris wrote: > We need 30 more seats by April.") became a seats candidate "stated" today."""
    reply = (
        "Thanks Sam, the invoice is fine now.\n\n"
        "On Mon, 3 Mar 2025 at 09:12, Chris Doe <chris@acme.example> wrote:\n"
        "> We need 30 more seats by April for the new analysts, budget approved.\n"
    )
    assert classifier.classify_text(reply).signal_type == "none"
    assert classifier.classify_text(reply.split("\n\nOn ")[1].split("wrote:\n> ")[1]).signal_type == "seats"
    # a forwarded block without a reply header is the customer's colleague, and current
    forwarded = "fwd from our COO below, can you help?\n\n> Team, we need 30 more seats by April, budget approved."
    assert classifier.classify_text(forwarded).signal_type == "seats"
    assert classifier.own_words("-----Original Message-----\nFrom: x") == ""


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        ("If the 2FA issue isn't solved by Friday we will cancel.", "cancel"),
        ("Fix the sync by Monday or we are cancelling the contract.", "cancel"),
        ("We will cancel the meeting on Thursday, the room is taken.", None),
    ],
)
def test_a_bare_threat_to_cancel_is_a_conflict(text: str, conflict: str | None) -> None:
    """The stranger's case: "if the 2FA issue isn't solved by Friday we will cancel" was read
    with no conflict, so an account with a buying message beside it was Pursue."""
    assert classify_text(text).conflict == conflict


@pytest.mark.parametrize(
    "text",
    [
        "Is the price going up at renewal? We need to plan our budget.",
        "Will our fees increase at the renewal next spring? Finance is asking.",
        "My friend's company uses you; how much is the analytics add-on for them?",
    ],
)
def test_the_current_plans_renewal_price_and_a_friends_question_are_not_signals(text: str) -> None:
    """Two of the stranger's false signals, and the issue's "the renewal price of the
    current plan": a question about what they already pay, and someone else's."""
    assert classify_text(text).signal_type == "none"


def test_a_need_beside_a_renewal_price_question_is_still_read() -> None:
    reading = classify_text("We need 15 more seats before renewal, and is the price per seat going up at renewal?")
    assert (reading.signal_type, reading.intent) == ("seats", "buying")


@pytest.mark.django_db
def test_an_install_seeded_before_gets_the_cancel_threat_rule() -> None:
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0016_phrase_rule_cancel_threat")
    PhraseRule.objects.filter(name__in=migration.NAMES).delete()
    migration.add(apps, None)
    migration.add(apps, None)
    for name in migration.NAMES:
        assert PhraseRule.objects.filter(name=name).count() == 1, name


# ------------------------------------------------------------------ round 8


@pytest.mark.django_db
def test_an_install_seeded_before_round_eight_gets_its_rules_and_unedited_rules_updated() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0017_phrase_rules_round_eight")
    PhraseRule.objects.filter(name__in=migration.ADDED).delete()
    # one changed rule as it shipped before (hash matches), one an admin edited
    shipped = PhraseRule.objects.get(name="conflict.lower_plan")
    shipped.pattern = "OLD"
    shipped.save()
    edited = PhraseRule.objects.get(name="tier.move_to_plan")
    edited.pattern = r"\bour own\b"
    edited.save()
    previous = {**migration.PREVIOUS_PATTERNS, "conflict.lower_plan": hashlib.sha256(b"OLD").hexdigest()}
    from signals.phrase_rule_defaults import add_missing, update_unedited

    add_missing(apps.get_model("signals", "PhraseRule"), migration.ADDED)
    update_unedited(apps.get_model("signals", "PhraseRule"), previous)
    migration.forward(apps, None)  # twice is harmless
    for name in migration.ADDED:
        assert PhraseRule.objects.filter(name=name).count() == 1, name
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    shipped.refresh_from_db()
    edited.refresh_from_db()
    assert shipped.pattern == current["conflict.lower_plan"]
    assert edited.pattern == r"\bour own\b", "an admin's own version is left alone"


@pytest.mark.parametrize(
    "text",
    [
        "We'd like to move from Enterprise to Plus on the next term. The board feels Enterprise is more than we need.",
        "Please put us on the standard plan instead of Premier from next month.",
        "Please switch us off the Pro plan to Starter from January.",
        "AM: budget pressure, they want Pro → Essentials from March.",
    ],
)
def test_a_move_to_a_lower_plan_is_a_downgrade_whatever_the_word_order(text: str) -> None:
    reading = classify_text(text)
    assert (reading.signal_type, reading.conflict) == ("none", "downgrade")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bom dia, preciso de mais 5 usuários para os técnicos novos, pode mandar orçamento?", "seats"),
        (
            "Wir möchten unser Paket von Starter auf Pro umstellen, ab dem nächsten Monat. Bitte senden Sie ein Angebot.",
            "tier_upgrade",
        ),
        ("dzień dobry, chcemy dokupić moduł raportów od stycznia. Prosimy o ofertę.", "add_on"),
        # Japanese alone is still mostly missed (docs/classifier.md, "Round 8"); with English beside it:
        (
            "営業部に新メンバーが5名加わりますので、ユーザーアカウントを5つ追加購入したく存じます。Please send the estimate.",
            "seats",
        ),
        ("dzien dobry, chcemy przejść na tańszy pakiet od lutego.", "none"),
        ("olá, gostaria de cancelar a assinatura no fim do contrato.", "none"),
        ("bom dia, o aplicativo não abre no meu celular desde ontem", "none"),
    ],
)
def test_a_customer_writing_in_their_own_language_is_read(text: str, expected: str) -> None:
    assert classify_text(text).signal_type == expected


def test_a_need_after_a_new_topic_is_read_on_its_own() -> None:
    """ "Separately," after thanks for a fix: read whole, the thanks spoke for none."""
    assert classifier.topic_parts("Thanks, fixed. Separately, we need 8 seats.") == [
        "Thanks, fixed.",
        "Separately, we need 8 seats.",
    ]
    assert classifier.topic_parts("We need 8 seats, also for Leeds.") == []
    assert (
        classify_text("The invoice is fine now, thanks. Separately, we need 8 more seats for June.").signal_type
        == "seats"
    )
    # the problem after the new topic does not hide the need before it either
    assert (
        classify_text("We need 20 more seats by May. Separately, the export fails with a 500 error.").signal_type
        == "seats"
    )
    # a thanks and a how-to question stay none
    assert classify_text("Thanks for the quick fix. Also, where do I change my password?").signal_type == "none"


def test_the_decision_model_only_moves_with_its_evidence() -> None:
    """Round 8: the decision's coefficients keep the sign DECISION_SIGNS gives them, so more
    signal evidence never lowers the probability (three tier rules used to count -0.56 each)."""
    from signals.classifier.model import DECISION_COEF, DECISION_SIGNS

    for coef, sign in zip(DECISION_COEF, DECISION_SIGNS, strict=True):
        assert coef * sign >= 0
    assert classify_text("Our CIO approved the upgrade to the Premium tier. Can we switch this month?").signal_type == (
        "tier_upgrade"
    )


def test_a_price_question_from_a_customer_happy_where_they_are_is_none() -> None:
    """A stranger's case (round 8): the plan-comparison rule fired though the sender said
    they were happy where they are."""
    text = (
        "What's the price difference between your plans? Asking only for our annual budget review "
        "— we're happy where we are."
    )
    assert classify_text(text).signal_type == "none"
    assert classify_text("What's the price difference between your plans?").signal_type == "tier_upgrade"


@pytest.mark.parametrize(
    "text",
    [
        "Rating scale on reviews. Can we change the performance review rating scale from 1-5 to 1-10?",
        "Is there a way to merge two duplicate accounts?",
        "The general contractor is upgrading their Procore plan; does that change anything for our integration?",
        "We already moved to the bigger plan in May. Where's the labour forecast button?",
    ],
)
def test_how_to_questions_other_parties_and_what_they_already_have_are_none(text: str) -> None:
    assert classify_text(text).signal_type == "none"


def test_a_call_to_plan_a_rollout_is_still_a_signal() -> None:
    text = "Our Cardiff practices want to be on the platform by 1 March. Can we set up a call this week to plan the rollout?"
    assert classify_text(text).signal_type == "scale"


def test_everyday_words_of_other_languages_do_not_fire_their_rules() -> None:
    """ "vous avez" (you have) is everyday French, not a question about what the vendor sells."""
    reading = classify_text("Bonjour, vous avez reçu notre facture ? Le paiement est parti hier.")
    assert reading.signal_type == "none" and "cross.intl_interest" not in reading.matched_rules
    assert "cross.intl_interest" in classify_text("Bonjour, vous vendez aussi un module de planning ?").matched_rules


# ------------------------------------------------------------------ round 9


@pytest.mark.django_db
def test_an_install_seeded_before_round_nine_gets_the_word_ending_date_rule_unless_edited() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0018_phrase_rule_buying_date_word_end")
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    stored = PhraseRule.objects.get(name="buying.date")
    assert hashlib.sha256(current["buying.date"].encode()).hexdigest() != migration.PREVIOUS_PATTERNS["buying.date"]
    # as shipped before round 9 (the code's pattern without its closing word edge, nor the
    # finished verbs it does not follow since round 14)
    from signals.classifier.rules import _NOT_FINISHED

    round_13 = current["buying.date"].replace(_NOT_FINISHED, "")
    stored.pattern = round_13.removesuffix(r"\b")
    stored.save()
    assert hashlib.sha256(stored.pattern.encode()).hexdigest() == migration.PREVIOUS_PATTERNS["buying.date"]
    migration.forward(apps, None)
    stored.refresh_from_db()
    assert stored.pattern == current["buying.date"]
    stored.pattern = r"\bby (?:friday|monday)"  # an admin's own version
    stored.save()
    migration.forward(apps, None)
    stored.refresh_from_db()
    assert stored.pattern == r"\bby (?:friday|monday)"


@pytest.mark.parametrize(
    "text", ["The office is closed on Mondays and the 3rd.", "Can someone look at it for this weekend, not today?"]
)
def test_a_recurring_day_or_a_weekend_is_not_a_date_to_buy_by(text: str) -> None:
    # another word in the clause ("3rd", "today") makes the rule index run the rule; before round 9
    # its regex then matched "on Mondays" / "for this week(end)"
    assert "buying.date" not in classify_text(text).matched_rules
    assert "buying.date" in classify_text("We need them by Monday.").matched_rules


def test_the_rule_index_is_exact_on_every_line_the_classifier_is_judged_on() -> None:
    """No default rule is skipped on a clause its regex matches: every training line, every
    sealed writer's and the external set's (a third of the training lines was checked
    before round 9, and buying.date's "on Mondays" slipped through)."""
    from signals.classifier.corpus import training_rows
    from signals.classifier.rules import clause_starts, rule_index

    corpus_dir = Path(classifier.__file__).parent / "corpus"
    texts = [row["text"] for row in training_rows()]
    for path in [*sorted((corpus_dir / "sealed").glob("*.jsonl")), *sorted((corpus_dir / "external").glob("*.jsonl"))]:
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    index = rule_index(DEFAULT_PHRASE_RULES)
    missed = []
    for raw in texts:
        text = normalize_text(raw)
        starts = clause_starts(text)
        for start, end in zip(starts, starts[1:] + [len(text)], strict=True):
            clause = text[start:end]
            candidates = index.candidates(clause)
            missed += [
                (rule.spec.name, clause)
                for number, rule in enumerate(index.rules)
                if not rule.whole_text and number not in candidates and rule.regex.search(clause)
            ]
    assert missed == []


def test_a_curious_storage_question_is_a_capacity_signal() -> None:
    reading = classify_text("Is there a way to increase our storage capacity?")
    assert (reading.signal_type, reading.intent) == ("capacity", "curious")


def test_a_curious_storage_question_in_an_email_frame_is_a_capacity_signal() -> None:
    """Round 9 read it 0.48 (the bare question 0.87): the statistical model took the greeting
    and sign-off for support. Since round 10 it reads the message without its frame."""
    reading = classify_text("Hi,\n\nIs there a way to increase our storage capacity?\n\nThanks,\nNaomi")
    assert (reading.signal_type, reading.intent) == ("capacity", "curious")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "Hi, Is there a way to increase our storage capacity? Thanks, Naomi",
            "Is there a way to increase our storage capacity?",
        ),
        ("Hello team, we need 10 more seats. Kind regards, Priya Shah, Practice Manager", "we need 10 more seats."),
        ("Dear Sam, can you upgrade us? Best, Jo", "can you upgrade us?"),
        ("hi how do i set a different shipping rate?", "how do i set a different shipping rate?"),
        ("Please add 5 seats. Thanks!", "Please add 5 seats."),
        ("We love it. Cheers Mate", "We love it."),
        # not a frame: a request after "Thanks," (lower case), thanks inside a sentence, "Regards" as a word
        ("Thanks, please add 5 seats", "Thanks, please add 5 seats"),
        ("Thank you to send the contract.", "Thank you to send the contract."),
        ("Thanks to the team.", "Thanks to the team."),
        ("Regards the invoice, it is wrong.", "Regards the invoice, it is wrong."),
        ("Highlights: we need more storage", "Highlights: we need more storage"),
        ("Hi", "Hi"),  # nothing else: kept
    ],
)
def test_the_model_reads_a_message_without_its_greeting_and_sign_off(text: str, body: str) -> None:
    assert strip_frame(text) == body


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("We want to go from 25 to 40 users", "We want to go from 25 to 40 numup users"),
        ("please cut us from 60 to 40 seats", "please cut us from 60 to 40 numdown seats"),
        ("from 15 active projects to 5", "from 15 active projects to 5 numdown"),
        ("from 60 down to 40.", "from 60 down to 40 numdown."),
        ("from ~2,000 to ~20,000 events", "from ~2,000 to ~20,000 numup events"),
        # sizes compare by size, a unit on one side counts for both
        ("from 500 GB to 2 TB", "from 500 GB to 2 TB numup"),
        ("from 2TB to 500GB", "from 2TB to 500GB numdown"),
        ("from 1M to 500k calls", "from 1M to 500k numdown calls"),
        ("from 1.2 TB to 1.9", "from 1.2 TB to 1.9 numup"),
        # a unit on one side counts for both; thousands written either way; durations
        ("go from 10 to 4 million API calls", "go from 10 to 4 million numdown API calls"),
        ("from 200k to 300 thousand", "from 200k to 300 thousand numup"),
        ("go from 1.200 to 900 seats", "go from 1.200 to 900 numdown seats"),
        ("go from 2 years to 18 months", "go from 2 years to 18 months numdown"),
        ("go from 3 marketing seats to 8", "go from 3 marketing seats to 8 numup"),  # "mar" is no month
        # not a count changing: dates, times, years, equal numbers, prices, percentages, ranges, versions
        ("from 23 December to 2 January", "from 23 December to 2 January"),
        ("from 1 to 15 March", "from 1 to 15 March"),
        ("from 2023 to 2025", "from 2023 to 2025"),
        ("open from 9am to 5pm", "open from 9am to 5pm"),
        ("call me from 9 am to 5 pm", "call me from 9 am to 5 pm"),
        ("from 10 to 10 users", "from 10 to 10 users"),
        ("from 3.2p to 2.5p per text", "from 3.2p to 2.5p per text"),
        ("the price go from $18 to $14", "the price go from $18 to $14"),
        ("from 12 to 9 dollars a seat", "from 12 to 9 dollars a seat"),
        ("churn down from 8 to 3 percent", "churn down from 8 to 3 percent"),
        ("from 10 to 15-20 users", "from 10 to 15-20 users"),
        ("from 4.2.1 to 4.3", "from 4.2.1 to 4.3"),
    ],
)
def test_the_model_reads_which_way_a_count_changes(text: str, marked: str) -> None:
    assert mark_number_direction(text) == marked


def test_the_direction_survives_the_numbers_collapsing() -> None:
    assert _model_text("We want to go from 25 to 40 users") == "We want to go from NUM to NUM numup users"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("We want to go from 25 to 40 users next month.", False),
        ("We'd like to go from 40 to 25 users next month.", True),  # "go from", down
        ("Moving from 10 to 15 seats and from Pro to Basic.", True),  # the plan move is still a cue
        ("We want to go from 25 to 40 users but drop the analytics module.", True),
        # a price coming down is a volume-pricing ask, not a request to shrink
        ("If we commit to 300 seats, can the per-seat price go from $18 to $14?", False),
        ("We'd like to go from 10 to 4 million API calls next cycle.", True),  # down, in millions
    ],
)
def test_a_count_going_up_is_no_conflict_cue(text: str, cue: bool) -> None:
    assert has_conflict_cue(text) is cue


def test_a_count_going_up_is_growth_without_a_conflict() -> None:
    """Round 10 read a reduce conflict into it: the numbers looked the same both ways."""
    reading = classify_text("We want to go from 25 to 40 users next month.")
    assert (reading.signal_type, reading.conflict) == ("seats", None)


def test_a_count_going_down_is_a_reduce_request_not_a_seats_signal() -> None:
    """The seats from-to rules fired on it (a regex cannot compare numbers): seats with a reduce
    conflict. A clause where a count goes down is no evidence of more seats."""
    reading = classify_text("We'd like to go from 40 to 25 users next month.")
    assert (reading.signal_type, reading.conflict) == ("none", "reduce")
    assert "seats.from_to" not in reading.matched_rules


@pytest.mark.parametrize(
    ("text", "lowered"),
    [
        ("We'd like to go from 40 to 25 users next month.", True),
        ("Please take our licences from 30 to 20.", True),
        ("Could we go from 1.200 to 900 seats at renewal?", True),
        # not a head count going down: a time, a rate, a price, other things
        ("Call me from 9 am to 5 pm about adding 25 seats.", False),
        ("With churn down from 8 to 3 percent, add 20 more seats.", False),
        ("Bring the per-seat price from 12 to 9 dollars for 500 seats.", False),
        ("We cut projects from 15 to 5 and need 10 more seats.", False),
    ],
)
def test_only_a_head_count_going_down_silences_the_seats_rules(text: str, lowered: bool) -> None:
    assert bool(count_lowered_spans(text)) is lowered


def test_a_price_coming_down_stays_a_volume_pricing_signal() -> None:
    reading = classify_text("If we commit to 300 seats, can the per-seat price go from $18 to $14?")
    assert (reading.signal_type, reading.conflict) == ("volume_pricing", None)


@pytest.mark.parametrize(
    ("text", "conflict", "rule"),
    [
        (
            "Please drop the premium support package at renewal; the standard SLA covers us.",
            "reduce",
            "neg.part_removed",
        ),
        ("We would like to discontinue the translation add on from next quarter.", "reduce", "neg.part_removed"),
        ("Can we stop paying for the analytics module from June?", "reduce", "neg.part_removed"),
        ("take the reporting pack off, please - nobody opens it", "reduce", "neg.part_removed"),
        ("We are reducing from 40 to 25 users after the reorganisation.", "reduce", "neg.reduce_request"),
        (
            "Could you lower our contact allowance from 50k to 30k contacts from next month?",
            "reduce",
            "neg.reduce_request",
        ),
        (
            "Is there a cut-down edition for teams under ten people? We would move to it at renewal.",
            "downgrade",
            "neg.lower_edition",
        ),
        ("Too much for us now: please move us to the one below when the term ends.", "downgrade", "neg.lower_edition"),
    ],
)
def test_a_request_to_remove_or_shrink_a_part_is_a_conflict_not_a_signal(text: str, conflict: str, rule: str) -> None:
    """Round 10: the signal rules read "premium support", "add on", "users", "edition" as needs;
    the rule named is the one that reads the removal (several texts were `none` before too)."""
    reading = classify_text(text)
    assert (reading.signal_type, reading.conflict) == ("none", conflict)
    assert rule in reading.matched_rules


@pytest.mark.parametrize(
    ("text", "signal_type"),
    [
        ("Is the 5.1 upgrade of the Xero connector mandatory?", "none"),  # a numbered release
        ("We need premium support added before the launch on 3 March.", "add_on"),
        ("Please add the reporting pack for our finance team this month.", "add_on"),
        # the review's cases: a removal or cheaper-edition word inside a real request
        ("We'd like to buy the end-to-end encryption add-on for 50 users.", "add_on"),
        ("Please add the Dropbox integration to our plan this month.", "add_on"),
        ("We are on the Lite plan and want to upgrade to Pro for 25 users.", "tier_upgrade"),
        ("Please take the analytics add-on off trial and make it permanent for all 40 users.", "add_on"),
        ("Happy to pay the 2.50 upgrade per seat: we need 40 more seats from March.", "seats"),
        ("We cut onboarding time from 10 to 3 days, so we'd like 15 more seats.", "seats"),
    ],
)
def test_a_numbered_release_is_not_a_need_and_adding_a_part_still_is(text: str, signal_type: str) -> None:
    reading = classify_text(text)
    assert reading.signal_type == signal_type
    if signal_type != "none":
        # (the conflict model may still read "off trial" or "cut … from 10 to 3" as reduce: docs, Limits)
        assert not {"neg.part_removed", "neg.lower_edition", "neg.version_number"} & set(reading.matched_rules)


@pytest.mark.django_db
def test_an_install_seeded_before_round_ten_gets_its_rules_unless_edited() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0019_phrase_rules_round_ten")
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    assert set(migration.ADDED) <= set(current) and set(migration.PREVIOUS_PATTERNS) <= set(current)
    PhraseRule.objects.filter(name__in=migration.ADDED).delete()
    # as shipped before round 10: each widened rule is its old pattern plus one alternative
    for name in migration.PREVIOUS_PATTERNS:
        assert hashlib.sha256(current[name].encode()).hexdigest() != migration.PREVIOUS_PATTERNS[name]
    old = {}
    for name in migration.PREVIOUS_PATTERNS:
        branches = current[name].split("|")
        for cut in range(len(branches), 0, -1):
            candidate = "|".join(branches[:cut])
            if hashlib.sha256(candidate.encode()).hexdigest() == migration.PREVIOUS_PATTERNS[name]:
                old[name] = candidate
                break
    assert set(old) == set(migration.PREVIOUS_PATTERNS), "each widened rule starts with its old pattern"
    for name, pattern in old.items():
        PhraseRule.objects.filter(name=name).update(pattern=pattern)
    PhraseRule.objects.filter(name="conflict.reduce").update(pattern=r"\breduce\b")  # an admin's own version
    migration.forward(apps, None)
    stored = dict(PhraseRule.objects.values_list("name", "pattern"))
    assert all(stored[name] == current[name] for name in migration.ADDED)
    assert all(stored[name] == current[name] for name in old if name != "conflict.reduce")
    assert stored["conflict.reduce"] == r"\breduce\b"


@pytest.mark.parametrize(
    ("text", "signal_type", "rule"),
    [
        (
            "Which plan has the audit trail export? We might need it for the regulator.",
            "tier_upgrade",
            "tier.which_plan_has",
        ),
        ("Is the route optimiser on every plan or only the Premier one?", "tier_upgrade", "tier.which_plan_has"),
        (
            "Our board wants e-voting; I believe that's only in the higher packages. What would it cost us?",
            "tier_upgrade",
            "tier.which_plan_has",
        ),
        ("Could the scheduling app be purchased on its own for our sister company?", "cross_sell", "cross.standalone"),
        ("Is there an extra we can buy that flags duplicate invoices before payment?", "add_on", "addon.buy_extra"),
        ("Does the system have an optional part for mileage claims?", "add_on", "addon.buy_extra"),
    ],
)
def test_questions_about_more_of_the_product_are_read(text: str, signal_type: str, rule: str) -> None:
    """Round 12: leave-one-writer-out missed these shapes (no trigger word the older rules knew)."""
    reading = classify_text(text)
    assert reading.signal_type == signal_type
    assert rule in reading.matched_rules


@pytest.mark.parametrize(
    "text",
    [
        "Which plan are we on at the moment? Finance needs it for the audit.",
        "The add-on we bought last month can't be opened by two of our users.",
        "Which licence key do I enter on the new laptop?",
    ],
)
def test_the_round_twelve_rules_leave_support_questions_alone(text: str) -> None:
    names = {"tier.which_plan_has", "cross.standalone", "addon.buy_extra"}
    reading = classify_text(text)
    assert not names & set(reading.matched_rules)


@pytest.mark.django_db
def test_an_install_seeded_before_round_twelve_gets_the_new_rules_unless_it_has_its_own() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0020_phrase_rules_round_twelve")
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    assert set(migration.ADDED) <= set(current)
    PhraseRule.objects.filter(name__in=migration.ADDED).exclude(name="cross.standalone").delete()
    PhraseRule.objects.filter(name="cross.standalone").update(pattern=r"\bstandalone\b")  # an admin's own version
    # the two widened rules as shipped before round 12: without the last branch of _PART_TAKEN_OFF
    new_branch = r"|\b(?:strip|stripping|strike|striking)"
    for name in migration.PREVIOUS_PATTERNS:
        before = current[name].split(new_branch)[0]
        assert hashlib.sha256(before.encode()).hexdigest() == migration.PREVIOUS_PATTERNS[name]
    PhraseRule.objects.filter(name="neg.part_removed").update(pattern=current["neg.part_removed"].split(new_branch)[0])
    PhraseRule.objects.filter(name="conflict.take_off").update(pattern=r"\btake off\b")  # an admin's own version
    migration.forward(apps, None)
    stored = dict(PhraseRule.objects.values_list("name", "pattern"))
    assert stored["neg.part_removed"] == current["neg.part_removed"]
    assert stored["conflict.take_off"] == r"\btake off\b"
    assert stored["tier.which_plan_has"] == current["tier.which_plan_has"]
    assert stored["addon.buy_extra"] == current["addon.buy_extra"]
    assert stored["cross.standalone"] == r"\bstandalone\b"


def test_the_annotators_labels_still_point_at_the_lines_they_judged() -> None:
    """corpus/agreement/round9_annotator.jsonl names writer files and lines (no texts copied):
    editing a writer's file would silently re-point it. The figures docs/classifier.md quotes
    ("Round 9": 150 of 150 signals found, 2 false, 0 of 250 support lines) are recomputed here."""
    corpus_dir = Path(classifier.__file__).parent / "corpus"
    labels = [
        json.loads(line) for line in (corpus_dir / "agreement" / "round9_annotator.jsonl").read_text().splitlines()
    ]
    files: dict[str, list[str]] = {}
    found = false = support = support_called = 0
    for label in labels:
        lines = files.setdefault(
            label["writer"], (corpus_dir / "writers" / f"{label['writer']}.jsonl").read_text().splitlines()
        )
        row = json.loads(lines[label["line"] - 1])
        is_signal, called = row["signal_type"] != "none", label["signal_type"] != "none"
        found += is_signal and called
        false += called and not is_signal
        if not is_signal and "support" in row["tags"]:
            support += 1
            support_called += called
    assert (len(labels), found, false, support, support_called) == (500, 150, 2, 250, 0)


@pytest.mark.parametrize(
    "text",
    [
        "  Please\tadd\n\n5 seats  ",
        "no\u00a0break\u2003em\u2028line\x1cfile\x1fsep",  # Unicode whitespace of every kind
        "zero\u200bwidth stays",  # not whitespace for either
        "\u2019quoted\u2019 \u201cwords\u201d",
        "",
        " \t\n ",
    ],
)
def test_normalize_text_collapses_exactly_the_whitespace_a_regex_would(text: str) -> None:
    """normalize_text joins str.split() (fast); it must equal collapsing r"\\s+" and stripping."""
    unified = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    assert normalize_text(text) == re.sub(r"\s+", " ", unified).strip()


def test_the_scorers_tokens_are_the_vectorizers() -> None:
    """The scorer finds words with a faster regex than the vectorizer's token_pattern; same tokens."""
    from signals.classifier.corpus import training_rows
    from signals.classifier.features import _WORD_TOKEN_RE, WORD_TOKEN_PATTERN

    texts = [_model_text(normalize_text(row["text"])).lower() for row in training_rows()[::3]]
    texts += ["a_b é日本語 x?y ?? _ __init__ 3.5 ÀÉ", "ǅungla Ⅻ ² ½ naïve"]
    reference = re.compile(WORD_TOKEN_PATTERN)
    for text in texts:
        assert _WORD_TOKEN_RE.findall(text) == reference.findall(text), text


@pytest.mark.parametrize(
    "text",
    [
        "We paid for the onboarding package in March and nobody has booked the second session.",
        "We signed the order form for 6 additional users on Monday but the console still shows 12.",
        "Does the payments module we have take Apple Pay?",
        "We have your SSO add-on; will the new Microsoft accounts sign in by themselves?",
    ],
)
def test_what_they_already_have_is_not_a_buying_signal(text: str) -> None:
    """Round 13: support about a purchase that is done, or about what they have."""
    reading = classify_text(text)
    assert reading.signal_type == "none", reading
    assert {"neg.bought_it", "neg.one_we_have"} & set(reading.matched_rules)


@pytest.mark.parametrize(
    "text",
    [
        "If we bought the tax return module, would it pull in last year's figures?",
        "We have the budget for the analytics module now, please send the order form.",
        "What is the difference with the plan we have? We want to move to Federation.",
    ],
)
def test_the_round_thirteen_rules_leave_a_purchase_to_come_alone(text: str) -> None:
    reading = classify_text(text)
    assert not {"neg.bought_it", "neg.one_we_have"} & set(reading.matched_rules)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("The onboarding sessions we booked in May still have no date, can you send invites?", "neg.done_for_us"),
        ("We had 30 licences added in March, could you resend that invoice?", "neg.done_for_us"),
        ("Rather than adding extra seats we will rotate the logins between shifts.", "neg.instead_of"),
        ("We do not intend to increase our quota this year, please keep it at 50k.", "neg.instead_of"),
        ("Why would we pay for more licences when half of them sit idle?", "neg.instead_of"),
        ("Why would we need more storage if you keep losing our uploads?", "neg.instead_of"),
        ("Glad we didn't upgrade to Premium after seeing this week's outage.", "neg.instead_of"),
        ("We're evaluating vendors for our team of 60, what are your per-seat prices?", "neg.prospect"),
        ("I'm a journalist writing about SaaS pricing, how do your bulk discounts work?", "neg.prospect"),
        ("Is the storage quota per account or per workspace?", "neg.limit_definition"),
        ("What's the maximum video length we can upload?", "neg.limit_definition"),
    ],
)
def test_a_refusal_a_done_purchase_a_prospect_or_a_limit_question_is_not_a_signal(text: str, rule: str) -> None:
    """Round 13: shapes a stranger found (reworded here): the rule fires and the message reads none."""
    reading = classify_text(text)
    assert rule in reading.matched_rules
    assert reading.signal_type == "none", reading


@pytest.mark.parametrize(
    ("text", "signal_type", "rule"),
    [
        ("We'd love to add our Madrid team to the account in January.", "scale", "scale.add_team"),
        ("Please add our Paris office to the account, 12 people.", "scale", "scale.add_team"),
        ("Could we bring the Lyon office onto the platform next quarter?", "scale", "scale.add_team"),
        ("Would your team be able to deliver a training session for the new hires?", "add_on", ""),
        ("Kindly revert with quotation for 25 additional licences.", "seats", ""),
    ],
)
def test_another_team_joining_services_and_a_quote_request_are_read(text: str, signal_type: str, rule: str) -> None:
    reading = classify_text(text)
    assert reading.signal_type == signal_type, reading
    assert not rule or rule in reading.matched_rules
    assert "neg.support_data" not in reading.matched_rules  # "revert with" is a reply, not an undo


def test_a_need_after_an_auxiliary_is_not_a_clause_of_its_own() -> None:
    """ "Why would | we need more storage" split into a question word and a statement of need."""
    from signals.classifier.rules import clause_starts

    assert clause_starts("Why would we need more storage if you keep losing our files?") == [0]
    assert clause_starts("Uploads fail we need 2 TB more.") == [0, len("Uploads fail ")]


@pytest.mark.django_db
def test_an_install_seeded_before_round_thirteen_gets_the_new_rules_unless_it_has_its_own() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0021_phrase_rules_round_thirteen")
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    assert set(migration.ADDED) <= set(current)
    PhraseRule.objects.filter(name__in=migration.ADDED).exclude(name="neg.one_we_have").delete()
    PhraseRule.objects.filter(name="neg.one_we_have").update(pattern=r"\bwe have it\b")  # an admin's own version
    # neg.support_data as shipped before round 13: "revert" without the reply exception
    new_part = r"(?!\s+(?:back\s+)?(?:with|to (?:us|me)))"
    before = current["neg.support_data"].replace(new_part, "")
    assert hashlib.sha256(before.encode()).hexdigest() == migration.PREVIOUS_PATTERNS["neg.support_data"]
    PhraseRule.objects.filter(name="neg.support_data").update(pattern=before)
    # the other-language rules as shipped before round 13: weight 1 (0.7); an admin's own weight is kept
    for name, weight in migration.REWEIGHTED.items():
        PhraseRule.objects.filter(name=name).update(weight=weight)
    PhraseRule.objects.filter(name="scale.intl_new_site").update(weight=1.3)
    migration.forward(apps, None)
    weights = dict(PhraseRule.objects.values_list("name", "weight"))
    shipped = {spec.name: spec.weight for spec in classifier.DEFAULT_PHRASE_RULES}
    assert all(weights[n] == shipped[n] for n in migration.REWEIGHTED if n != "scale.intl_new_site")
    assert weights["seats.intl_more_users"] == 2.0
    assert weights["scale.intl_new_site"] == 1.3
    stored = dict(PhraseRule.objects.values_list("name", "pattern"))
    assert all(stored[name] == current[name] for name in migration.ADDED if name != "neg.one_we_have")
    assert stored["neg.one_we_have"] == r"\bwe have it\b"
    assert stored["neg.support_data"] == current["neg.support_data"]


@pytest.mark.parametrize(
    ("text", "signal_type", "conflict"),
    [
        ("Please move us from the Team plan to the Business plan.", "tier_upgrade", None),
        ("We're moving up to the Premium tier from next month.", "tier_upgrade", None),
        ("Please move us from Premier to Plus at renewal, the board wants to cut costs.", "none", "downgrade"),
        ("We'd like to go down from Business to Team at renewal.", "none", "downgrade"),
    ],
)
def test_an_upgrade_is_never_reported_with_a_downgrade(text: str, signal_type: str, conflict: str | None) -> None:
    """Round 13: strangers found upgrades flagged "downgrade" (the owner is told to wait on a real
    upgrade); the stronger of the two readings is kept."""
    reading = classify_text(text)
    assert (reading.signal_type, reading.conflict) == (signal_type, conflict), reading


def test_no_reading_of_the_corpus_is_a_tier_upgrade_with_a_downgrade() -> None:
    from signals.classifier.corpus import load_writers

    texts = [row["text"] for rows in load_writers().values() for row in rows]
    clashes = [
        t
        for t, r in zip(texts, classify_texts(texts), strict=True)
        if (r.signal_type, r.conflict) == ("tier_upgrade", "downgrade")
    ]
    assert clashes == []


@pytest.mark.parametrize(
    ("text", "signal_type"),
    [
        ("Hoi, we willen het systeem ook uitrollen naar onze vestiging in Gent. Kunnen jullie helpen?", "scale"),
        ("Goedemorgen, we hebben 5 extra licenties nodig voor de nieuwe collega's.", "seats"),
        ("We willen overstappen naar het pakket Premium per 1 januari.", "tier_upgrade"),
        ("Hallo, wir hätten Interesse an dem Zusatzmodul für Reisekosten. Was kostet das?", "add_on"),
        ("Gibt es Mengenrabatt ab 100 Nutzern?", "volume_pricing"),
        ("Wir brauchen 5 zusätzliche Lizenzen für die neuen Kollegen.", "seats"),
        ("We hebben geen extra licenties nodig, dank je.", "none"),
        ("Het dashboard laadt niet, kunnen jullie kijken?", "none"),
    ],
)
def test_asks_in_dutch_and_german_are_read(text: str, signal_type: str) -> None:
    """Round 13: a stranger's asks wholly in Dutch or German read none with no rule firing, and an
    other-language rule alone was outvoted by the model's "none" (it knows little beyond English)."""
    assert classify_text(text).signal_type == signal_type


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("We have three new starters in sales, can we get three more licences on the same plan?", "buying"),
        ("Wir haben zwei neue Kolleginnen. Können wir zwei weitere Lizenzen bekommen?", "buying"),
        ("Who should I speak to about moving to the Business edition? We've outgrown Basic.", "buying"),
        ("Any bulk rate on SMS credits? We'd buy 300k up front if the price is right.", "buying"),
        ("Out of interest, is there a discount for larger user numbers?", "curious"),
    ],
)
def test_a_count_in_words_a_contact_ask_or_a_conditional_order_is_buying_intent(text: str, intent: str) -> None:
    """Round 14: a third stranger's buying asks phrased as questions read curious (reworded here)."""
    reading = classify_text(text)
    assert reading.signal_type != "none", reading
    assert reading.intent == intent, reading


@pytest.mark.parametrize(
    ("text", "signal_type"),
    [
        ("We added 12 seats in April and they're all taken already. Could we get the same again?", "seats"),
        ("We bought 20 licences in May and every one of them is in use now. We need 10 more.", "seats"),
        ("We added 10 seats in March and they're all taken already, thanks for the quick turnaround.", "none"),
        ("We upgraded to Pro last year and we need more time to learn it.", "none"),
    ],
)
def test_a_bare_need_after_a_past_purchase_is_still_read(text: str, signal_type: str) -> None:
    """Round 14: the past purchase's negation read "we need 15 more" (no product word) as a thank-you."""
    assert classify_text(text).signal_type == signal_type


def test_a_bare_need_is_a_need_for_more_of_something_not_for_time_or_help() -> None:
    from signals.classifier.model import _BARE_NEED_RE

    needs = ["we need 15 more", "Can we do the same again?", "we'd like another 5", "could we get another 3?"]
    needs += ["we need another 20 for the new hires", "We'll need 10 more but not before May"]
    others = ["we need 2 more days to test", "we need another week", "i need more time", "we need help"]
    others += ["We need 2 more test accounts reset, they are locked.", "We need 2 more sandboxes refreshed."]
    assert all(_BARE_NEED_RE.search(t) for t in needs)
    assert not any(_BARE_NEED_RE.search(t) for t in others)


@pytest.mark.parametrize(
    ("text", "signal_type"),
    [
        ("Call with Ana (Ops): the rollout to the Porto offices finished in May, all 4 sites are live.", "none"),
        ("Our intro price on the Team plan ends next month. What will we pay then? We want to stay on Team.", "none"),
        ("Please add a second sandbox for the QA team.", "add_on"),
        ("We'd like to roll out to the Porto offices in May.", "scale"),
    ],
)
def test_a_finished_rollout_staying_on_a_plan_and_a_second_sandbox(text: str, signal_type: str) -> None:
    assert classify_text(text).signal_type == signal_type


def test_a_finished_verb_takes_the_buying_date_away() -> None:
    assert "buying.date" not in classify_text("The migration completed in March and works well.").matched_rules
    assert "buying.date" in classify_text("Please complete the migration in March.").matched_rules


@pytest.mark.django_db
def test_an_install_seeded_before_round_fourteen_gets_the_new_rules_unless_it_has_its_own() -> None:
    import hashlib
    import importlib

    from django.apps import apps

    from signals.models import PhraseRule

    migration = importlib.import_module("signals.migrations.0022_phrase_rules_round_fourteen")
    current = {spec.name: spec.pattern for spec in classifier.DEFAULT_PHRASE_RULES}
    assert set(migration.ADDED) <= set(current)
    # each changed rule as shipped before round 14: the round's additions taken out again
    from signals.classifier.rules import _NOT_FINISHED, NUMBER_WORD

    before = {
        "buying.quantity": current["buying.quantity"].replace(
            r"\b(?:\d[\d,.]{0,15}\s*(?:k|m|%)?\s*(?:more\s+|additional\s+|extra\s+|new\s+)?|"
            + NUMBER_WORD
            + r"\s+(?:more|additional|extra|new)\s+)",
            r"\b\d[\d,.]*\s*(?:k|m|%)?\s*(?:more\s+|additional\s+|extra\s+|new\s+)?",
        ),
        "buying.request": current["buying.request"].split(r"|\bwho (?:do|should")[0],
        "buying.date": current["buying.date"].replace(_NOT_FINISHED, ""),
        "neg.stay_put": current["neg.stay_put"].replace(
            r"\b(?:want|like|plan|intend|prefer|happy|going) to (?:stay|remain) on (?:the )?[\w-]+"
            r"(?: (?:plan|tier|edition|package))?(?!\s*[\w-])|",
            "",
        ),
        "neg.completed": current["neg.completed"].split(r"|(?<!to be )")[0] + ")",
        "neg.prospect": current["neg.prospect"].replace(
            r"\b(?:we|i) (?:don'?t|do not) use you yet\b|\bwe(?:'re| are) not (?:yet )?(?:a )?"
            r"customers?\b|\bnot (?:a )?customers? (?:yet|of yours)\b|",
            "",
        ),
        "tier.intl_higher_plan": current["tier.intl_higher_plan"].replace(r"l'offre\s+|l'abonnement\s+|", ""),
        "addon.services": current["addon.services"].replace(
            r"\b(?:a second|another|an extra|an additional|extra|additional|more) (?:sandbox(?:es)?|staging|uat)\b|",
            "",
        ),
    }
    assert set(before) == set(migration.PREVIOUS_PATTERNS)
    for name, pattern in before.items():
        assert hashlib.sha256(pattern.encode()).hexdigest() == migration.PREVIOUS_PATTERNS[name], name
        PhraseRule.objects.filter(name=name).update(pattern=pattern)
    PhraseRule.objects.filter(name__in=migration.ADDED).delete()
    PhraseRule.objects.filter(name="neg.stay_put").update(pattern=r"\bstay put\b")  # an admin's own version
    migration.forward(apps, None)
    stored = dict(PhraseRule.objects.values_list("name", "pattern"))
    assert all(stored[name] == current[name] for name in migration.ADDED)
    assert all(stored[name] == current[name] for name in before if name != "neg.stay_put")
    assert stored["neg.stay_put"] == r"\bstay put\b"


def test_which_messages_read_as_another_language() -> None:
    from signals.classifier.model import is_other_language

    assert is_other_language("Hallo, wir hätten Interesse an dem Zusatzmodul. Was kostet das?")
    assert is_other_language("Bonjour, nous souhaitons passer à l'offre Premium le mois prochain.")
    assert is_other_language("Goedemorgen, we hebben 5 extra licenties nodig voor de nieuwe collega's.")
    assert not is_other_language("Hi, we need 5 more seats for the new starters in Berlin. Danke!")
    assert not is_other_language("Which OS do you support for the desktop app?")
    assert not is_other_language("")


def test_the_nb_ratio_favours_features_of_the_positive_texts() -> None:
    import numpy as np
    from scipy.sparse import csr_matrix

    from signals.classifier.model import nb_log_count_ratio

    # feature 0 only in positives, 1 only in negatives, 2 in both (values are tf-idf weights, not counts)
    features = csr_matrix(np.array([[0.5, 0.0, 0.2], [0.9, 0.0, 0.1], [0.0, 0.7, 0.3], [0.0, 0.4, 0.6]]))
    ratio = nb_log_count_ratio(features, np.array([1, 1, 0, 0]), alpha=0.5)
    assert ratio[0] > 0 > ratio[1]
    assert abs(ratio[2]) < 1e-12  # in every text of both classes: no evidence either way
    assert ratio[0] == pytest.approx(-ratio[1])


@pytest.mark.parametrize(
    ("text", "signal_type", "rule"),
    [
        ("We don't have your SSO yet and would love to add it for all 40 users.", "cross_sell", "neg.prospect"),
        ("We're happy to stay on the Team plan and add the audit log module.", "add_on", "neg.stay_put"),
        ("Three people on our team get a 403 when opening reports.", "none", "buying.quantity"),
    ],
)
def test_the_round_fourteen_rules_leave_these_alone(text: str, signal_type: str, rule: str) -> None:
    """A reviewer's cases: a customer who lacks a module is no prospect, staying on a plan while adding
    a module is an ask, a count of people with a problem is no quantity to buy."""
    reading = classify_text(text)
    assert reading.signal_type == signal_type, reading
    assert rule not in reading.matched_rules


def test_a_deadline_for_finishing_is_still_a_buying_date() -> None:
    assert (
        "buying.date"
        in classify_text("Can the Enterprise upgrade be finished by the end of the quarter?").matched_rules
    )
    assert "neg.completed" not in classify_text("The migration needs to be completed in March.").matched_rules


def test_a_decisive_negation_covers_a_new_topic_and_an_and_joined_request() -> None:
    rule = PhraseRuleSpec(name="admin.lighthouse", pattern=r"\blighthouse\b", kind="negation", weight=3.0)
    rules = DEFAULT_PHRASE_RULES + (rule,)
    topic = "Lighthouse status: all good. Also, how much would it cost if our 40 contractors used it too?"
    assert classify_text(topic, rules).signal_type == "none"
    joined = "Please add 5 seats for Lighthouse and add 10 more please for the pilot."
    assert classify_text(joined, rules).signal_type == "none"


@pytest.mark.parametrize(
    "text",
    [
        "LA team needs 5 more licences",
        "Chicago, IL branch - 12 more users asap",
        "Des Moines office needs 12 more users",
    ],
)
def test_an_english_message_with_a_foreign_looking_word_is_english(text: str) -> None:
    from signals.classifier.model import is_other_language

    assert not is_other_language(text)


@pytest.mark.parametrize(
    ("text", "signal_type", "rule"),
    [
        (
            "Bonjour, nous voulons passer à l'offre Premium le mois prochain. Merci, Claire",
            "tier_upgrade",
            "tier.intl_higher_plan",
        ),
        (
            "We're retiring two tools, so we'll need the Invoicing and Timesheets modules switched on for all staff.",
            "add_on",
            "addon.switch_on",
        ),
    ],
)
def test_a_french_plan_move_and_modules_switched_on_are_read(text: str, signal_type: str, rule: str) -> None:
    """Round 14: shapes from the third stranger's set (reworded)."""
    reading = classify_text(text)
    assert rule in reading.matched_rules
    assert reading.signal_type == signal_type, reading


def test_a_module_switched_on_by_mistake_is_not_an_ask() -> None:
    assert (
        "addon.switch_on" not in classify_text("The SMS module got switched on for everyone by mistake.").matched_rules
    )
