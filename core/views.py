from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import account_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    accounts = account_list(user=request.user)[:50]
    return render(request, "core/home.html", {"accounts": accounts})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
