from django.urls import path

from measurement import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
