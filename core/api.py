import json
from typing import Any

from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from core.middleware import MESSAGE

NESTED_TOO_DEEPLY = "JSON parse error - the body is nested too deeply. Nothing was saved."


class DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key that appears twice in one object is an error, as in the import format."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(DRFJSONParser):
    """DRF's parser, stricter: a body nested deeper than Python's recursion limit
    (thousands of `[`) and a key repeated in one object are parse errors that say so."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding)
            return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(NESTED_TOO_DEEPLY) from None
        except DuplicateKey as exc:
            raise ParseError(
                f"JSON parse error - the key {exc.args[0]!r} appears more than once in one object. Nothing was saved."
            ) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a clear 503 when the database is unavailable."""
    if isinstance(exc, OperationalError | InterfaceError):
        import logging

        from django.db import connection

        logging.getLogger("django.request").error("database unavailable: %s", exc)
        connection.close_if_unusable_or_obsolete()
        return Response({"detail": MESSAGE}, status=503, headers={"Retry-After": "60"})
    return drf_exception_handler(exc, context)


class ScopedThrottle(ScopedRateThrottle):
    """Every API view is rate-limited per user, counted in the cache: by the view's
    `throttle_scope` when it names one ("ingest", "decisions"), else "read" for GET, HEAD and OPTIONS and "write" for the rest. Over the limit the
    API answers 429 with Retry-After and {"detail": ...} (REST_FRAMEWORK's
    DEFAULT_THROTTLE_RATES, from THROTTLE_* in the environment)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None) or ("read" if request.method in SAFE_METHODS else "write")
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return SimpleRateThrottle.allow_request(self, request, view)
