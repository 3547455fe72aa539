from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    # browsers and crawlers ask for the root icon whatever the page links
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
]
