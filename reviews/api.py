"""Decisions through the REST API (CRM and chat integrations): the same services and rules."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import account_get
from core.api import ScopedThrottle
from core.roles import is_leader
from reviews import selectors
from reviews.models import RejectReason
from signals import lifecycle as services
from signals.engine.brief import brief_text
from signals.models import Candidate
from signals.vocabulary import Recommendation, SignalType


class CandidateSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.external_id")
    account_name = serializers.CharField(source="account.name")
    owner_email = serializers.CharField(source="account.owner.email", default=None)
    blockers = serializers.JSONField()
    brief = serializers.SerializerMethodField()
    brief_statements = serializers.JSONField(source="brief")
    defer_ticket = serializers.CharField(
        source="defer_ticket.external_id",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="While deferred until a ticket is closed: that ticket's id.",
    )
    undo_until = serializers.SerializerMethodField(
        help_text="Until when the owner who rejected or deferred it may still undo that (null: nothing to undo)."
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "account",
            "account_name",
            "owner_email",
            "signal_type",
            "intent",
            "score",
            "score_components",
            "recommendation",
            "blockers",
            "no_owner",
            "evidence",
            "status",
            "brief",
            "brief_statements",
            "defer_until",
            "defer_ticket",
            "undo_until",
            "decided_at",
            "version",
            "first_detected_on",
            "updated_at",
        ]
        read_only_fields = fields

    def get_brief(self, candidate: Candidate) -> dict[str, str]:
        return brief_text(candidate.brief)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_undo_until(self, candidate: Candidate) -> dt.datetime | None:
        return services.undo_deadline(candidate)


class CandidateListApi(ListAPIView):
    serializer_class = CandidateSerializer

    # A filter that is misspelt, guessed (`?owner=`) or given a value it does not know is
    # refused by name with 400: silently answering with the pending list looked like data.
    CHOICES: dict[str, list[str]] = {
        "status": list(selectors.STATUS_FILTERS),
        "rec": list(Recommendation.values),
        "type": list(SignalType.values),
    }
    QUERY_PARAMETERS = ("status", "rec", "type", "q", "page", "format")

    @extend_schema(
        description="The caller's candidates, pending by default. Unknown query parameters and unknown "
        "values are refused with 400 naming them.",
        parameters=[
            OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
            OpenApiParameter("rec", str, enum=Recommendation.values),
            OpenApiParameter("type", str, enum=SignalType.values),
            OpenApiParameter("q", str, description="account name or exact external id"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        p = request.query_params
        errors = {
            name: [f"Unknown query parameter. This list takes {', '.join(self.QUERY_PARAMETERS[:5])}."]
            for name in p
            if name not in self.QUERY_PARAMETERS
        }
        for name, allowed in self.CHOICES.items():
            if name in p and p[name] not in allowed:
                errors[name] = [f"Unknown value {p[name]!r}. One of: {', '.join(allowed)}."]
        if errors:
            raise ValidationError(errors)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Candidate]:
        p = self.request.query_params
        filters = selectors.QueueFilters(
            signal_type=p.get("type", ""),
            recommendation=p.get("rec", ""),
            q=p.get("q", "")[:100],
            status=p.get("status", "pending"),
        )
        # defer_ticket: the serializer names the ticket a deferral waits on.
        return selectors.queue_list(user=self.request.user, filters=filters).select_related("defer_ticket")


class CandidateDetailApi(APIView):
    @extend_schema(responses=CandidateSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CandidateSerializer(selectors.candidate_get(user=request.user, pk=pk)).data)


class _DecisionApi(APIView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "decisions"

    def decide(
        self,
        request: Request,
        pk: int,
        input_serializer: type[serializers.Serializer],
        call: Callable[[dict[str, Any]], Candidate],
    ) -> Response:
        """Validate the input (400 with the field errors), then apply `call` to it for a
        candidate the user may see (404 otherwise) and answer as every decision does."""
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        selectors.candidate_get(user=request.user, pk=pk)  # 404 for what the user may not see
        try:
            candidate = call(data.validated_data)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except services.DecisionError as exc:
            return Response({"detail": "Not saved.", "errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        except services.DecisionConflict as exc:
            return Response(
                {"detail": str(exc), "candidate": CandidateSerializer(exc.candidate).data},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(CandidateSerializer(candidate).data)


# A refused decision (`detail` and `errors`), or invalid input (a list of messages per field).
NOT_SAVED = inline_serializer(
    name="NotSaved",
    fields={
        "detail": serializers.CharField(required=False),
        "errors": serializers.DictField(
            child=serializers.CharField(), required=False, help_text="What is wrong, per field."
        ),
    },
)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    candidate = CandidateSerializer(help_text="The candidate as it is now.")


def _decision_responses(bad_request: str) -> dict[int, Any]:
    """The answers of a decision; 401, 403, 404 and the rest come from core.schema."""
    return {
        200: CandidateSerializer,
        400: OpenApiResponse(NOT_SAVED, description=bad_request),
        409: OpenApiResponse(
            ConflictSerializer,
            description="The candidate changed since `version` (or is not in a state this applies to); "
            "nothing was changed and the body carries its current state.",
        ),
    }


class VersionField(serializers.IntegerField):
    def __init__(self) -> None:
        super().__init__(
            required=False,
            allow_null=True,
            help_text="The version you reviewed; the decision fails with 409 if it changed since.",
        )


class ApproveApi(_DecisionApi):
    class ApproveInputSerializer(serializers.Serializer):
        next_step = serializers.CharField(max_length=2000)
        next_step_who = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        next_step_due = serializers.DateField(required=False, allow_null=True, default=None)
        consent_reviewed = serializers.BooleanField()
        override_reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
        message = serializers.CharField(
            max_length=5000,
            required=False,
            default="",
            allow_blank=True,
            help_text="The first customer message as approved; never sent by the app.",
        )
        message_as_written = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Keep a message with pressure or pricing wording as written (refused otherwise).",
        )
        version = VersionField()

    @extend_schema(request=ApproveInputSerializer, responses={200: CandidateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(
            request,
            pk,
            self.ApproveInputSerializer,
            lambda d: services.candidate_approve(
                candidate_id=pk,
                user=request.user,
                expected_version=d.get("version"),
                next_step=services.NextStep(d["next_step"], d["next_step_who"], d["next_step_due"]),
                consent_reviewed=d["consent_reviewed"],
                override_reason=d["override_reason"],
                message=d["message"],
                message_as_written=d["message_as_written"],
            ),
        )


class RejectApi(_DecisionApi):
    class RejectInputSerializer(serializers.Serializer):
        reason_code = serializers.ChoiceField(choices=RejectReason.values)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
        version = VersionField()

    @extend_schema(request=RejectInputSerializer, responses={200: CandidateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(
            request,
            pk,
            self.RejectInputSerializer,
            lambda d: services.candidate_reject(
                candidate_id=pk,
                user=request.user,
                expected_version=d.get("version"),
                reason_code=d["reason_code"],
                note=d["note"],
            ),
        )


class DeferApi(_DecisionApi):
    class DeferInputSerializer(serializers.Serializer):
        defer_until = serializers.DateField(
            required=False,
            allow_null=True,
            default=None,
            help_text="The day it comes back. Required unless `defer_ticket` is given; at most a year ahead.",
        )
        defer_ticket = serializers.CharField(
            max_length=200,
            required=False,
            default="",
            allow_blank=True,
            help_text=(
                "Defer until this ticket of the account (its external id) is solved or closed: the candidate "
                "returns when an import sees that, or on `defer_until` if that comes first (a year without it)."
            ),
        )
        reason = serializers.CharField(max_length=2000)
        version = VersionField()

    @extend_schema(
        summary="Defer a candidate to a date or until a ticket is closed",
        request=DeferInputSerializer,
        responses=_decision_responses("Not saved: `errors` names each field (an unknown or closed ticket, the date)."),
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(
            request,
            pk,
            self.DeferInputSerializer,
            lambda d: services.candidate_defer(
                candidate_id=pk,
                user=request.user,
                expected_version=d.get("version"),
                until=d["defer_until"],
                reason=d["reason"],
                ticket=d["defer_ticket"],
            ),
        )


class UndoApi(_DecisionApi):
    """Take back your own rejection or deferral within the undo window (ten seconds): the
    candidate is pending again and an appended `undone` event withdraws the decision from
    every figure. Approvals are not undone."""

    class UndoInputSerializer(serializers.Serializer):
        version = VersionField()

    @extend_schema(
        summary="Undo a rejection or deferral",
        request=UndoInputSerializer,
        responses=_decision_responses(
            "Not undone: `errors.undo` says it is too late (the window is ten seconds) or the decision is not yours."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(
            request,
            pk,
            self.UndoInputSerializer,
            lambda d: services.candidate_undo(candidate_id=pk, user=request.user, expected_version=d.get("version")),
        )


class OutcomeApi(_DecisionApi):
    class OutcomeInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=list(services.FollowUpKind.ALL))
        response = serializers.ChoiceField(choices=list(services.RESPONSES), required=False, default="")
        opportunity = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        amount = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
        )
        occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    @extend_schema(request=OutcomeInputSerializer, responses={200: CandidateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(
            request,
            pk,
            self.OutcomeInputSerializer,
            lambda d: services.follow_up_log(
                candidate_id=pk,
                user=request.user,
                kind=d["kind"],
                response=d["response"],
                opportunity=d["opportunity"],
                amount=d["amount"],
                note=d["note"],
                occurred_on=d["occurred_on"],
            ),
        )


class FollowUpCorrectApi(_DecisionApi):
    """Withdraw a follow-up logged by mistake: the log keeps it, the figures leave it out."""

    class CorrectInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=CorrectInputSerializer, responses={200: CandidateSerializer})
    def post(self, request: Request, pk: int, event_id: int) -> Response:
        return self.decide(
            request,
            pk,
            self.CorrectInputSerializer,
            lambda d: services.follow_up_correct(
                candidate_id=pk, user=request.user, event_id=event_id, reason=d["reason"]
            ),
        )


class ReassignApi(APIView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "decisions"

    class ReassignInputSerializer(serializers.Serializer):
        owner_email = serializers.EmailField()

    @extend_schema(request=ReassignInputSerializer, responses={200: None})
    def post(self, request: Request, external_id: str) -> Response:
        account = account_get(user=request.user, external_id=external_id)
        if not is_leader(request.user):
            raise PermissionDenied("Only CS leaders and admins reassign accounts.")
        data = self.ReassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = (
            get_user_model().objects.filter(email__iexact=data.validated_data["owner_email"], is_active=True).first()
        )
        if owner is None:
            return Response(
                {"detail": "Not reassigned.", "errors": {"owner_email": "No active user with that e-mail."}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            services.account_reassign(account_id=account.pk, user=request.user, new_owner_id=owner.pk)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        return Response({"account": account.external_id, "owner_email": owner.email})
