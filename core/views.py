from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("queue")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database answers (if not, a 503 from the middleware).

    The broker only makes the app `degraded`, still 200: pages, decisions and imports
    work without it (scoring catches up), so a broker outage must not take the web
    hosts out of the load balancer."""
    from core.health import broker_status

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    broker = broker_status()
    status = "degraded" if broker == "unavailable" else "ok"
    return JsonResponse({"status": status, "database": "ok", "broker": broker})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage anywhere in the request (middleware included) is a
    503 with a clear message; anything else is the plain error page."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template.loader import render_to_string

    from core.middleware import unavailable_response

    exc = sys.exc_info()[1]
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return unavailable_response(request)
        exc = exc.__cause__ or exc.__context__
    return HttpResponse(render_to_string("500.html"), status=500)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/, the page elsewhere."""
    from django.template.loader import render_to_string

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return HttpResponse(render_to_string("404.html", request=request), status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 (e.g. a body with too many fields): JSON under /api/. A body over the
    size limit is a 413 that states the limit."""
    from django.core.exceptions import RequestDataTooBig

    from core.middleware import too_large_response

    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return HttpResponse("<h1>Bad request</h1>", status=400)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the
    static icon (resolved per request: the manifest storage knows its hashed name only
    once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
