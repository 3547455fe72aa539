from django.urls import path

from accounts import api

urlpatterns = [
    path("evidence/", api.EvidenceImportApi.as_view(), name="api-evidence-import"),
    path("accounts/", api.AccountListApi.as_view(), name="api-account-list"),
    path("accounts/<str:external_id>/", api.AccountDetailApi.as_view(), name="api-account-detail"),
    *[
        path(f"accounts/<str:external_id>/{kind}/", view.as_view(), name=f"api-account-{kind}")
        for kind, view in api.EVIDENCE_VIEWS.items()
    ],
]
