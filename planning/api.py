"""The account-planning summary through the REST API: the typed record as JSON."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planning.records import AccountPlan
from planning.selectors import account_plan_by_external_id


class AccountPlanApi(APIView):
    @extend_schema(responses=AccountPlan, summary="The account's planning summary for its next QBR")
    def get(self, request: Request, external_id: str) -> Response:
        plan = account_plan_by_external_id(user=request.user, external_id=external_id)
        return Response(plan.model_dump(mode="json"))
