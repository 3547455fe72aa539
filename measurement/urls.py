from django.urls import path

from measurement import panels, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:figure>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("dashboard/panels/lift/", panels.lift_panel, name="dashboard-lift"),
    path("dashboard/panels/plays/", panels.plays_panel, name="dashboard-plays"),
    path("events.csv", views.events_csv, name="events-csv"),
]
