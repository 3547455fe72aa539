from django.urls import path

from reviews import api

urlpatterns = [
    path("candidates/", api.CandidateListApi.as_view(), name="api-candidate-list"),
    path("candidates/<int:pk>/", api.CandidateDetailApi.as_view(), name="api-candidate-detail"),
    path("candidates/<int:pk>/approve/", api.ApproveApi.as_view(), name="api-candidate-approve"),
    path("candidates/<int:pk>/reject/", api.RejectApi.as_view(), name="api-candidate-reject"),
    path("candidates/<int:pk>/defer/", api.DeferApi.as_view(), name="api-candidate-defer"),
    path("candidates/<int:pk>/undo/", api.UndoApi.as_view(), name="api-candidate-undo"),
    path("candidates/<int:pk>/outcomes/", api.OutcomeApi.as_view(), name="api-candidate-outcome"),
    path(
        "candidates/<int:pk>/follow-ups/<int:event_id>/correct/",
        api.FollowUpCorrectApi.as_view(),
        name="api-candidate-follow-up-correct",
    ),
    path("accounts/<str:external_id>/reassign/", api.ReassignApi.as_view(), name="api-account-reassign"),
]
