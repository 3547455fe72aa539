from django.urls import path

from reviews import views

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/views/", views.saved_view_save, name="saved-view-save"),
    path("queue/views/<int:pk>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("queue/bulk/", views.queue_bulk, name="queue-bulk"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/decide/", views.candidate_decide, name="candidate-decide"),
    path("candidates/<int:pk>/undo/", views.candidate_undo, name="candidate-undo"),
    path("candidates/<int:pk>/outcomes/", views.candidate_outcome, name="candidate-outcome"),
    path(
        "candidates/<int:pk>/follow-ups/<int:event_id>/correct/",
        views.follow_up_correct,
        name="candidate-follow-up-correct",
    ),
    path("triage/", views.triage, name="triage"),
    path("review/", views.monthly_review, name="monthly-review"),
    path("review.csv", views.monthly_review_csv, name="monthly-review-csv"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/reassign/", views.account_reassign, name="account-reassign"),
]
