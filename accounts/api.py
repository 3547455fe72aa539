"""REST API: post batches in the import format; read accounts and their evidence."""

from typing import Any

from django.db.models import Field, Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import models as m
from accounts.importer import ImportFailed, evidence_import
from accounts.importer.readers import read_objects
from accounts.selectors import account_get, account_list, evidence_list
from core.api import ScopedThrottle

MAX_RECORDS = 10_000


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


class EvidenceImportApi(APIView):
    """Import a batch of records in the import format (docs/import-format.md), all or nothing."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "ingest"

    class EvidenceImportInputSerializer(serializers.Serializer):
        records = serializers.ListField(
            child=serializers.JSONField(),
            allow_empty=False,
            max_length=MAX_RECORDS,
            help_text="Objects exactly like the lines of a JSON Lines import file, each with a `type`.",
        )
        skip_invalid = serializers.BooleanField(default=False)
        dry_run = serializers.BooleanField(default=False)

    class ImportErrorSerializer(serializers.Serializer):
        line = serializers.IntegerField(help_text="1-based position of the record in `records` (0: the request)")
        field = serializers.CharField()
        reason = serializers.CharField()

    class EvidenceImportOutputSerializer(serializers.Serializer):
        total = serializers.IntegerField()
        dry_run = serializers.BooleanField()
        counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
        rejected = serializers.ListField(child=serializers.DictField())
        import_id = serializers.IntegerField()

    @extend_schema(
        request=EvidenceImportInputSerializer,
        responses={
            200: EvidenceImportOutputSerializer,
            400: inline_serializer(
                "ImportErrors",
                {
                    "detail": serializers.CharField(),
                    "errors": serializers.ListField(child=ImportErrorSerializer(), required=False),
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("accounts.import_evidence"):
            raise PermissionDenied("You may not import evidence.")
        data = self.EvidenceImportInputSerializer(data=request.data)
        if not data.is_valid():
            # The same error shape as invalid records; line 0 means the request itself.
            return Response(
                {
                    "detail": "The request body is not a batch of records; nothing was written.",
                    "errors": [
                        {"line": 0, "field": field, "reason": _flatten(messages)}
                        for field, messages in data.errors.items()
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            result = evidence_import(
                sources=[read_objects("records", data.validated_data["records"])],
                skip_invalid=data.validated_data["skip_invalid"],
                dry_run=data.validated_data["dry_run"],
                channel="api",
                source_names=["api"],
                user_id=request.user.pk,
            )
        except ImportFailed as failed:
            return Response(
                {
                    "detail": f"{len(failed.result.rejected)} invalid record(s); nothing was written.",
                    "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in failed.result.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        rejected = [
            {"line": raw.line, "errors": [f"{e.field}: {e.reason}" for e in errors]} for raw, errors in result.rejected
        ]
        return Response(
            self.EvidenceImportOutputSerializer(
                {
                    "total": result.total,
                    "dry_run": result.dry_run,
                    "counts": result.counts,
                    "rejected": rejected,
                    "import_id": result.run_id,
                }
            ).data
        )


def _blank_choice(field_name: str, model: type[Model]) -> serializers.ChoiceField:
    """A choice field that may be empty: the schema's enum includes ""."""
    model_field = model._meta.get_field(field_name)
    choices = model_field.choices if isinstance(model_field, Field) else None
    return serializers.ChoiceField(choices=[("", "(none)"), *(choices or ())], read_only=True)


class AccountSerializer(serializers.ModelSerializer):
    owner_email = serializers.EmailField(source="owner.email", default=None, read_only=True)
    health = _blank_choice("health", m.Account)

    class Meta:
        model = m.Account
        fields = [
            "external_id",
            "name",
            "owner_email",
            "segment",
            "plan",
            "seats_purchased",
            "arr",
            "currency",
            "renewal_date",
            "goals",
            "outreach_allowed",
            "health",
            "source",
            "extra",
            "updated_at",
        ]
        read_only_fields = fields


class AccountListApi(ListAPIView):
    serializer_class = AccountSerializer

    # The list's filters are named (q, segment) as on the other list endpoints; any other
    # query parameter is refused by name, so a misspelt or guessed filter (`?search=`)
    # cannot silently return every account.
    QUERY_PARAMETERS = ("q", "segment", "page", "format")

    @extend_schema(
        description="Accounts the caller may see. Unknown query parameters are refused with 400 naming them "
        "(search with `q`).",
        parameters=[
            OpenApiParameter("q", str, description="search by name or exact external id"),
            OpenApiParameter("segment", str),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if unknown := [p for p in request.query_params if p not in self.QUERY_PARAMETERS]:
            allowed = ", ".join(p for p in self.QUERY_PARAMETERS if p != "format")
            raise ValidationError(
                {p: [f"Unknown query parameter. This list takes {allowed} (search with q)."] for p in unknown}
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[m.Account]:
        params = self.request.query_params
        return account_list(user=self.request.user, search=params.get("q", ""), segment=params.get("segment", ""))


class AccountDetailApi(APIView):
    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request, external_id: str) -> Response:
        return Response(AccountSerializer(account_get(user=request.user, external_id=external_id)).data)


def _evidence_serializer(model: type[Model], fields: list[str]) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields})
    attrs: dict[str, Any] = {"Meta": meta}
    if "contact" in fields:
        attrs["contact"] = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    for name in fields:
        model_field = next((f for f in model._meta.fields if f.name == name), None)
        if model_field is not None and model_field.choices and model_field.blank:
            attrs[name] = _blank_choice(name, model)
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


EVIDENCE = {
    "contacts": (
        m.Contact,
        ["external_id", "name", "email", "title", "role", "department", "active", "source", "extra"],
    ),
    "usage": (m.UsageDaily, ["metric", "date", "department", "value", "limit", "source"]),
    "tickets": (
        m.Ticket,
        [
            "external_id",
            "subject",
            "body",
            "status",
            "priority",
            "opened_at",
            "closed_at",
            "contact",
            "source",
            "extra",
        ],
    ),
    "interactions": (
        m.Interaction,
        ["external_id", "text", "occurred_at", "channel", "direction", "contact", "source", "extra"],
    ),
    "outcomes": (
        m.Outcome,
        [
            "external_id",
            "title",
            "recorded_at",
            "goal",
            "metric",
            "baseline",
            "value",
            "department",
            "verified",
            "source",
            "extra",
        ],
    ),
    "notes": (m.Note, ["external_id", "text", "written_at", "author_email", "source", "extra"]),
    "opportunities": (
        m.Opportunity,
        ["external_id", "name", "stage", "amount", "opened_at", "closed_at", "signal_ref", "source", "extra"],
    ),
}

ORDERING = {
    m.Contact: ("name", "pk"),
    m.UsageDaily: ("-date", "metric", "department"),
    m.Ticket: ("-opened_at", "pk"),
    m.Interaction: ("-occurred_at", "pk"),
    m.Outcome: ("-recorded_at", "pk"),
    m.Note: ("-written_at", "pk"),
    m.Opportunity: ("-opened_at", "pk"),
}


def _evidence_view(kind: str) -> type[ListAPIView]:
    model, fields = EVIDENCE[kind]

    class View(ListAPIView):
        serializer_class = _evidence_serializer(model, fields)

        def get_queryset(self) -> QuerySet[Model]:
            account = account_get(user=self.request.user, external_id=self.kwargs["external_id"])
            return evidence_list(account=account, model=model).order_by(*ORDERING[model])

    View.__name__ = f"Account{kind.title()}Api"
    View.__doc__ = f"The account's {kind}, newest first."
    return View


EVIDENCE_VIEWS = {kind: _evidence_view(kind) for kind in EVIDENCE}
