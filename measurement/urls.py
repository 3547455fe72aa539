from django.urls import path

from measurement import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:figure>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("events.csv", views.events_csv, name="events-csv"),
]
