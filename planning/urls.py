from django.urls import path

from planning import views

urlpatterns = [
    path("accounts/<int:pk>/plan/", views.account_plan, name="account-plan"),
    path("accounts/<int:pk>/plan.md", views.account_plan_markdown, name="account-plan-md"),
    path("plans/", views.plans, name="plans"),
    path("plans.md", views.plans_markdown, name="plans-md"),
]
