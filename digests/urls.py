from django.urls import path

from digests import views

urlpatterns = [
    path("settings/email/", views.digest_settings, name="digest-settings"),
]
