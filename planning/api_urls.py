from django.urls import path

from planning import api

urlpatterns = [
    path("accounts/<str:external_id>/plan/", api.AccountPlanApi.as_view(), name="api-account-plan"),
]
