from typing import Any

from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.middleware import MESSAGE

NESTED_TOO_DEEPLY = "JSON parse error - the body is nested too deeply. Nothing was saved."


class JSONParser(DRFJSONParser):
    """DRF's parser, with a body nested deeper than Python's recursion limit (thousands of
    `[`) refused as a parse error: the standard library raises RecursionError for it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(NESTED_TOO_DEEPLY) from None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a clear 503 when the database is unavailable."""
    if isinstance(exc, OperationalError | InterfaceError):
        import logging

        from django.db import connection

        logging.getLogger("django.request").error("database unavailable: %s", exc)
        connection.close_if_unusable_or_obsolete()
        return Response({"detail": MESSAGE}, status=503, headers={"Retry-After": "60"})
    return drf_exception_handler(exc, context)
