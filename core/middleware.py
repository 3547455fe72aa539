import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("security")


class DeniedAccessLogMiddleware:
    """Log every refused request (401, 403, and 404 for a signed-in user: how another
    owner's object answers) with who, what and when."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if status in (401, 403) or (status == 404 and signed_in):
            logger.warning(
                "access denied status=%s user=%s method=%s path=%s ip=%s",
                status,
                user.get_username() if user is not None and signed_in else "anonymous",
                request.method,
                request.get_full_path()[:500],
                request.META.get("REMOTE_ADDR", ""),
            )
        return response


class NoStoreForSignedInMiddleware:
    """Whatever a signed-in user (session or API token) is shown, pages and CSV exports
    alike, holds customer data: no browser, proxy or shared cache may keep a copy
    (`Cache-Control: no-store`). A response that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        # Read after the view: DRF sets request.user there for token-authenticated calls.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ServiceUnavailableMiddleware:
    """The database went away mid-request: answer 503 with a clear message (JSON for
    the API) instead of a bare 500. Writes run in transactions, so nothing is half-saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError, connection

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("django.request").error(
            "database unavailable: %s %s: %s", request.method, request.path, exception
        )
        connection.close_if_unusable_or_obsolete()
        return unavailable_response(request)


MESSAGE = "The database is unavailable right now; nothing was saved. Try again in a minute."


def unavailable_response(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = "60"
    return response


class RejectNulMiddleware:
    """A NUL character in the URL's path (`/api/v1/accounts/a%00b/`) or a query parameter
    is never meaningful and PostgreSQL cannot compare text with it: answer 400 here once,
    instead of guarding every lookup and filter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_path = "\x00" in request.path
        if in_path or any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            from django.http import JsonResponse

            message = f"{'The URL' if in_path else 'Query parameters'} must not contain NUL characters."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """One cap on request bodies for pages and the API (DATA_UPLOAD_MAX_MEMORY_SIZE): a
    body declared larger is refused with 413 before anything reads it, saying what the
    limit is. A body that turns out larger once read gets the same answer (handler400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large_response(request, length)
        return self.get_response(request)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB ({n:,} bytes)"


def too_large_response(request: HttpRequest, length: int | None = None) -> HttpResponse:
    from django.conf import settings
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    got = f"The request body is {_size(length)}; " if length else "The request body is too large; "
    message = f"{got}the limit is {_size(limit)}. Nothing was saved."
    if request.path.startswith("/api/"):
        message += " Send the records in smaller batches."
        return JsonResponse({"detail": message, "limit_bytes": limit}, status=413)
    return HttpResponse(render_to_string("413.html", {"message": message}), status=413)
