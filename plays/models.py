"""Plays: what to do about a signal type in a segment (docs/plays in the README's guide).

Resolution (`plays.selectors.play_for`), most specific first: signal type + segment +
recommendation, signal type + segment, signal type + recommendation, then the signal
type's default (no segment, no recommendation).
"""

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Segment
from core.models import TimestampedModel
from signals.vocabulary import Recommendation, SignalType


class Play(TimestampedModel):
    name = models.CharField(max_length=120, help_text="Shown to the owner and on the dashboard.")
    signal_type = models.CharField(max_length=20, choices=SignalType.choices)
    segment = models.CharField(
        max_length=50, blank=True, choices=Segment.choices, help_text="Leave empty for every segment."
    )
    recommendation = models.CharField(
        max_length=12, blank=True, choices=Recommendation.choices, help_text="Leave empty for every recommendation."
    )
    next_step = models.TextField(help_text="The recommended next step; pre-fills the approve form.")
    involve = models.CharField(max_length=200, blank=True, verbose_name="who to involve", help_text="A role.")
    proof = models.TextField(blank=True, verbose_name="proof to bring")
    questions = models.TextField(blank=True, verbose_name="questions to ask", help_text="One per line.")
    avoid = models.TextField(blank=True, verbose_name="what not to do", help_text="One per line.")
    target_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="target days to first contact",
        help_text="From the approval to the first outreach the owner logs.",
    )
    message_ask = models.CharField(
        max_length=300,
        blank=True,
        verbose_name="first message ends with",
        help_text="The question the draft first message closes with (no prices, no pressure). Empty: the default.",
    )
    message_quotes_customer = models.BooleanField(
        default=True,
        verbose_name="first message may quote the customer",
        help_text="Untick where quoting the customer's own words back is unwelcome (e.g. enterprise buyers).",
    )

    class Meta:
        ordering = ["signal_type", "segment", "recommendation", "pk"]
        constraints = [
            # one play per (type, segment, recommendation): resolution is never ambiguous
            models.UniqueConstraint(fields=["signal_type", "segment", "recommendation"], name="play_one_per_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def avoid_list(self) -> list[str]:
        return [line.strip() for line in self.avoid.splitlines() if line.strip()]

    @property
    def scope_text(self) -> str:
        parts = [self.get_signal_type_display()]
        parts.append(self.get_segment_display() if self.segment else "every segment")
        if self.recommendation:
            parts.append(self.get_recommendation_display())
        return " · ".join(parts)

    def clean(self) -> None:
        from handoff.drafts.checks import pressure_found, pricing_found

        if self.message_ask and (found := pressure_found(self.message_ask) + pricing_found(self.message_ask)):
            raise ValidationError(
                {"message_ask": f"The first message may not mention prices or press: {', '.join(found)}."}
            )
