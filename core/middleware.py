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
        signed_in = bool(user and user.is_authenticated)
        if status in (401, 403) or (status == 404 and signed_in):
            logger.warning(
                "access denied status=%s user=%s method=%s path=%s ip=%s",
                status, user.get_username() if signed_in else "anonymous", request.method,
                request.get_full_path()[:500], request.META.get("REMOTE_ADDR", ""),
            )
        return response
