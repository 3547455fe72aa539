from typing import Any

from django.db import InterfaceError, OperationalError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.middleware import MESSAGE


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a clear 503 when the database is unavailable."""
    if isinstance(exc, OperationalError | InterfaceError):
        import logging

        from django.db import connection

        logging.getLogger("django.request").error("database unavailable: %s", exc)
        connection.close_if_unusable_or_obsolete()
        return Response({"detail": MESSAGE}, status=503, headers={"Retry-After": "60"})
    return drf_exception_handler(exc, context)
