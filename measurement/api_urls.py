from django.urls import path

from measurement import api

urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="api-event-list"),
]
