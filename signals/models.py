from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, Func, Q

from accounts.models import Account
from core.models import TimestampedModel
from signals.records import BlockerRecord as BlockerRecord
from signals.records import Brief, ReviewFacts, RulePreviewResult, ScoreComponents, Trigger, TypedJSONField
from signals.rules import RULE_KEYS, RULE_SPECS, parse_rule
from signals.vocabulary import (
    OPEN_STATUSES,
    CandidateStatus,
    Intent,
    Recommendation,
    SignalType,
)


def _segment_typo(segment: str) -> str | None:
    """The existing segment a new one is a near-miss of ("Enterprize" for "enterprise"),
    or None: a new segment that resembles none is allowed (its accounts may come later)."""
    import difflib

    from accounts.models import Account

    known = {s.lower(): s for s in Account.objects.exclude(segment="").values_list("segment", flat=True).distinct()}
    if segment in known.values():
        return None
    near = difflib.get_close_matches(segment.lower(), list(known), n=1, cutoff=0.8)
    return known[near[0]] if near else None


class Rule(TimestampedModel):
    """A configurable window, threshold or weight; segment "" is the default for all."""

    key = models.CharField(max_length=50, choices=[(s.key, s.key) for s in RULE_SPECS])
    segment = models.CharField(
        max_length=50, blank=True, help_text="Leave empty for the default; a segment overrides it for that segment."
    )
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True, help_text="Why this value (for the next admin).")

    class Meta:
        ordering = ["key", "segment"]
        constraints = [models.UniqueConstraint(fields=["key", "segment"], name="rule_key_segment")]

    def __str__(self) -> str:
        return f"{self.key}{f' [{self.segment}]' if self.segment else ''} = {self.value}"

    def clean(self) -> None:
        try:
            parse_rule(self.key, self.value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None
        self.segment = self.segment.strip()
        if self.segment and (near := _segment_typo(self.segment)):
            raise ValidationError(
                {
                    "segment": f"No account is in segment {self.segment!r}; did you mean {near!r}? "
                    "(A segment nobody is in is allowed only when it is not one letter off an existing one.)"
                }
            )

    @property
    def help(self) -> str:
        spec = RULE_KEYS.get(self.key)
        return spec.help if spec else ""


class PhraseKind(models.TextChoices):
    SIGNAL = "signal", "Signal (points to a signal type)"
    CONFLICT = "conflict", "Conflict (reduce, downgrade, cancel, alternatives)"
    NEGATION = "negation", "Negation (suppresses a signal)"
    BUYING_CUE = "buying_cue", "Buying cue (concrete need)"
    CURIOUS_CUE = "curious_cue", "Curious cue (exploring)"


class ConflictKind(models.TextChoices):
    REDUCE = "reduce", "Reduce"
    DOWNGRADE = "downgrade", "Downgrade"
    CANCEL = "cancel", "Cancel"
    ALTERNATIVES = "alternatives", "Evaluating alternatives"


class PhraseRule(TimestampedModel):
    """An admin-editable phrase rule of the classifier (a case-insensitive regular expression)."""

    name = models.CharField(max_length=80, unique=True)
    pattern = models.TextField(help_text="A case-insensitive regular expression.")
    kind = models.CharField(max_length=20, choices=PhraseKind.choices)
    signal_type = models.CharField(max_length=20, choices=SignalType.choices, blank=True)
    conflict = models.CharField(max_length=20, choices=ConflictKind.choices, blank=True)
    weight = models.FloatField(default=1.0)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from signals.classifier import PhraseRuleSpec, validate_phrase_rule

        problems = validate_phrase_rule(
            PhraseRuleSpec(
                name=self.name or "",
                pattern=self.pattern or "",
                kind=self.kind or "",
                signal_type=self.signal_type or "",
                conflict=self.conflict or "",
                weight=self.weight,
            )
        )
        if problems:
            raise ValidationError("; ".join(problems).capitalize() + ".")


class RulesVersion(models.Model):
    """The rules in force for a scoring run: every effective rule value per segment and
    the classifier's fingerprint, stored once per distinct set. A candidate and its
    scoring events point at the version that scored them, so "why did this account get
    wait last Tuesday" is answerable after an admin changes a rule."""

    digest = models.CharField(max_length=64, unique=True)
    values = models.JSONField(help_text="{segment or '': {rule key: value}}")
    classifier = models.CharField(max_length=64, blank=True, help_text="Phrase rules and corpus fingerprint.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Rules {self.digest[:10]} ({self.created_at:%Y-%m-%d %H:%M})"


class CandidateQuerySet(models.QuerySet["Candidate"]):
    def surfaced(self) -> "CandidateQuerySet":
        """Candidates anyone works on: all but the holdout (signals/holdout.py), which no
        queue, page, API, export or digest shows; leaders see it only in the lift panel."""
        return self.filter(held_out=False)


class TriggerRuleNames(Func):
    """The phrase-rule names in a candidate's triggers, for a stored generated column: on
    PostgreSQL the JSON array of every trigger's `rules` (duplicates kept; the reader sorts
    and dedupes), on SQLite, whose generated columns cannot unnest JSON, the triggers'
    JSON itself. `measurement.selectors.rule_names` reads either form."""

    arity = 1
    output_field = models.TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(jsonb_path_query_array(%(expressions)s, '$[*].rules[*]'))::text", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)


def _stored_fact(condition: Q) -> models.GeneratedField:
    return models.GeneratedField(
        expression=ExpressionWrapper(condition, output_field=models.BooleanField()),
        output_field=models.BooleanField(),
        db_persist=True,
    )


class Candidate(TimestampedModel):
    """One expansion candidate: one open candidate per account and signal type."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="candidates")
    # The account's owner, kept equal to `account.owner` by database triggers (migration
    # signals.0014) on every insert, on every change of the candidate's account and on
    # every change of the account's owner, in the same statement. The queue filters and
    # sorts an owner's candidates by it through one index instead of joining every
    # candidate to its account; it is for queries: an instance's value is not refreshed.
    owner = models.ForeignKey(
        "auth.User",
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    signal_type = models.CharField(max_length=20, choices=SignalType.choices)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    intent = models.CharField(max_length=10, choices=Intent.choices)
    score = models.PositiveSmallIntegerField(default=0)
    score_components = TypedJSONField(schema=ScoreComponents, default=dict)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices)
    queue_rank = models.PositiveSmallIntegerField(default=0, help_text="Position of the recommendation in the queue.")
    blockers = TypedJSONField(
        schema=list[BlockerRecord], default=list, help_text="[{code, message, evidence: [ids], params}]"
    )
    no_owner = models.BooleanField(default=False)
    evidence = models.JSONField(default=list, help_text="Ids of every evidence item the brief relies on.")
    brief = TypedJSONField(schema=Brief, default=dict)
    triggers = TypedJSONField(
        schema=list[Trigger],
        default=list,
        help_text="The items that make the signal (docs/engine.md, A candidate's life).",
    )
    review_facts = TypedJSONField(
        schema=ReviewFacts, default=dict, help_text="What the engine checked: the review-quality parts as facts."
    )
    rules_version = models.ForeignKey(RulesVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    latest_evidence_at = models.DateTimeField(null=True, blank=True)
    first_detected_on = models.DateField()
    scored_on = models.DateField(help_text="The as-of day of the last scoring run.")
    defer_until = models.DateField(null=True, blank=True)
    # Snoozed until this ticket is solved or closed (defer_until is then the backstop).
    defer_ticket = models.ForeignKey(
        "accounts.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it left the open set (approved, rejected or expired)."
    )
    # Bumped on every state change; decisions are conditional updates on it.
    version = models.PositiveIntegerField(default=1)
    held_out = models.BooleanField(
        default=False, editable=False, help_text="In the holdout: never surfaced (signals/holdout.py)."
    )

    # The review-quality facts and the triggers' rule names as the pilot dashboard reads
    # them, written by the database whenever the engine writes `review_facts` or
    # `triggers`: the dashboard reads thousands of candidates per view, and looking into
    # the JSON of each (detoasting it) was half of that query's time.
    has_source_evidence = _stored_fact(Q(review_facts__source_evidence__0__isnull=False))
    has_value_proof = _stored_fact(Q(review_facts__value_proof__verified=True))
    has_stakeholders = _stored_fact(Q(review_facts__stakeholders__0__isnull=False))
    has_open_issue_check = _stored_fact(Q(review_facts__open_issues_checked=True))
    trigger_rules = models.GeneratedField(
        expression=TriggerRuleNames("triggers"), output_field=models.TextField(), db_persist=True
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "signal_type"],
                condition=Q(status__in=OPEN_STATUSES),
                name="candidate_one_open_per_account_type",
            ),
        ]
        indexes = [
            # the queue: by status, recommendation in queue order, then score (an index scan
            # with LIMIT even over 100,000 pending candidates)
            models.Index(fields=["status", "queue_rank", "-score", "-id"], name="candidate_queue_rank"),
            # counts per recommendation
            models.Index(fields=["status", "recommendation"], name="candidate_status_rec"),
            # engine: the open and recently closed candidates of the accounts being scored
            models.Index(fields=["account", "signal_type", "status"], name="candidate_account_type"),
            # deferral return (beat task)
            models.Index(fields=["status", "defer_until"], name="candidate_defer"),
            # the dashboard: the signals surfaced in a date range (its cohort), with every
            # column its facts query reads, so PostgreSQL answers it from the index (an
            # index-only scan: a cohort's rows are wide, its JSON inline, and reading them
            # from the table was most of the query's buffers)
            models.Index(
                fields=["inserted_at"],
                include=[
                    "id",
                    "account",
                    "signal_type",
                    "intent",
                    "recommendation",
                    "held_out",
                    "has_source_evidence",
                    "has_value_proof",
                    "has_stakeholders",
                    "has_open_issue_check",
                    "trigger_rules",
                ],
                name="candidate_cohort",
            ),
            # an owner's queue in queue order, its tab counts and the next candidate after
            # a decision: the owner's own rows only
            models.Index(fields=["owner", "status", "queue_rank", "-score", "-id"], name="candidate_owner_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.get_signal_type_display()} ({self.recommendation})"

    @property
    def public_id(self) -> str:
        return str(self.pk)


class ClassifierModelStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive (replaced or rolled back)"
    REFUSED = "refused", "Refused (evaluated worse than the active model)"


class ClassifierModel(models.Model):
    """A trained version of the text classifier: the corpus plus the owners' confirmed
    feedback it was trained on, how it evaluated on held-out writers, and whether it is
    the one in use. Every reading of a text stores the version that made it."""

    version = models.CharField(max_length=32, unique=True)
    feedback: "models.ManyToManyField[ClassifierFeedback, Any]" = models.ManyToManyField(
        "ClassifierFeedback", blank=True, related_name="models"
    )
    evaluation = models.JSONField(default=dict, help_text="Held-out writers: precision, recall, type, intent.")
    baseline = models.JSONField(default=dict, help_text="The model it was compared with, on the same writers.")
    status = models.CharField(max_length=10, choices=ClassifierModelStatus.choices)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="classifier_one_active"),
        ]

    def __str__(self) -> str:
        return f"Classifier {self.version} ({self.get_status_display().lower()})"


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an admin"
    CONFIRMED = "confirmed", "Confirmed (in the feedback corpus)"
    DISMISSED = "dismissed", "Dismissed"


class ClassifierFeedback(TimestampedModel):
    """An owner rejected a candidate as a false positive: the text it stood on, what the
    classifier read and which phrase rules fired. An admin confirms the correct label,
    which adds the text to the feedback corpus the next model trains on."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="feedback")
    evidence_id = models.CharField(max_length=200, help_text="The message or ticket id.")
    text = models.TextField()
    predicted_type = models.CharField(max_length=20, choices=SignalType.choices)
    predicted_intent = models.CharField(max_length=10, blank=True)
    matched_rules = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=32, blank=True)
    reported_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING)
    label_type = models.CharField(
        max_length=20,
        blank=True,
        choices=[*SignalType.choices, ("none", "None (not an expansion signal)")],
        help_text="The correct signal type; none when it is not an expansion signal.",
    )
    label_intent = models.CharField(
        max_length=10, blank=True, choices=[("buying", "Buying"), ("curious", "Curious"), ("none", "None")]
    )
    label_conflict = models.CharField(max_length=20, blank=True, choices=ConflictKind.choices)
    confirmed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-inserted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "evidence_id"], name="feedback_once_per_text"),
        ]
        indexes = [
            # the admin's list of what waits for a label
            models.Index(fields=["status", "-inserted_at"], name="feedback_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id}: read as {self.predicted_type}"

    def clean(self) -> None:
        from signals.feedback import label_errors

        errors = label_errors(self.label_type, self.label_intent, self.status)
        if errors:
            raise ValidationError(errors)


class PreviewStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Assessing"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class RulePreviewRun(TimestampedModel):
    """A rule change an admin asked to preview before saving it (signals/preview.py): the
    proposed values, the progress of the task that assesses the accounts with them, and
    the result. The run writes this row and nothing else."""

    requested_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The row it would replace."
    )
    # the rule as it would be saved (validated when the preview was asked for)
    key = models.CharField(max_length=50)
    segment = models.CharField(max_length=50, blank=True)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    before_value = models.CharField(max_length=200, blank=True, help_text="The value in force when it was asked for.")
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=PreviewStatus.choices, default=PreviewStatus.QUEUED)
    accounts = models.PositiveIntegerField(default=0, help_text="Accounts to assess (known once the task starts).")
    assessed = models.PositiveIntegerField(default=0)
    result = TypedJSONField(schema=RulePreviewResult | None, null=True, blank=True, default=None)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-inserted_at", "-pk"]

    def __str__(self) -> str:
        return f"Preview of {self.key}{f' [{self.segment}]' if self.segment else ''} = {self.value}"

    @property
    def finished(self) -> bool:
        return self.status in (PreviewStatus.DONE, PreviewStatus.FAILED)

    def proposed_rule(self) -> Rule:
        """The rule as it would be saved; not saved (its pk is the row it replaces)."""
        return Rule(pk=self.rule_id, key=self.key, segment=self.segment, value=self.value, note=self.note)


class AccountScoring(models.Model):
    """The last scoring of an account: the day it was scored for, the rules version, and a
    fingerprint of every input the engine read for it (signals/engine/inputs.py). A
    rescore with the same day, rules version and fingerprint would store nothing new,
    so it is skipped."""

    account = models.OneToOneField(Account, primary_key=True, on_delete=models.CASCADE, related_name="+")
    scored_on = models.DateField()
    rules_version = models.ForeignKey(RulesVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    inputs = models.CharField(max_length=32, help_text="Digest of the inputs read before scoring.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"account {self.account_id} scored for {self.scored_on}"
