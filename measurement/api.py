"""Measurement events through the REST API, for CS leaders and admins (BI tools, audits)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.roles import is_leader
from measurement import selectors
from measurement.forms import EventFilterForm
from measurement.models import EventKind, MeasurementEvent


class EventPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class MeasurementEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = serializers.DateTimeField()
    account = serializers.CharField(source="account.external_id")
    account_name = serializers.CharField(source="account.name")
    owner = serializers.EmailField(source="owner.email", default=None, help_text="The account's owner at that moment.")
    actor = serializers.EmailField(source="actor.email", default=None)
    candidate = serializers.IntegerField(source="candidate_id", allow_null=True)
    signal_type = serializers.CharField()
    recommendation = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    evidence = serializers.JSONField()
    # DRF's metaclass takes declared fields off the class, so `.data` stays the property.
    data = serializers.JSONField()  # type: ignore[assignment]  # see above


class EventListApi(ListAPIView):
    """Append-only measurement events, oldest first."""

    serializer_class = MeasurementEventSerializer
    pagination_class = EventPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description=f"One or more of {', '.join(EventKind.values)}, comma-separated"),
            OpenApiParameter("since", str, description="YYYY-MM-DD: on or after this day (UTC)"),
            OpenApiParameter("until", str, description="YYYY-MM-DD: on or before this day (UTC)"),
            OpenApiParameter("account", str, description="the account's external id"),
            OpenApiParameter("candidate", int, description="the candidate's id"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not is_leader(request.user):
            raise PermissionDenied("Measurement events are for CS leaders and admins.")
        # an unknown parameter is a 400, not a silently unfiltered list
        known = {*EventFilterForm.base_fields, "page", "page_size"}
        unknown = {
            name: [f"Unknown query parameter. This list takes {', '.join(sorted(known))}."]
            for name in request.query_params
            if name not in known
        }
        if unknown:
            raise ValidationError(unknown)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MeasurementEvent]:
        form = EventFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        return selectors.events_list(user=self.request.user, filters=form.filters()).select_related(
            "account", "owner", "actor"
        )
