"""The dates the pages and the API accept in a query string. Python's dates end at years
1 and 9999, and the pages step a day or a month past the one asked for: a bound well
inside that range keeps every step valid and answers a clear 400 instead of a 500."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
OUT_OF_RANGE = f"Dates must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}."


def validate_date_range(day: dt.date) -> None:
    """A form field validator."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="date_range")


def out_of_range_response(message: str = OUT_OF_RANGE) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
