"""Field parsers for the import format: each takes a raw value and returns the clean one
or raises FieldError with a reason a person can act on."""

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class FieldError(ValueError):
    pass


Parser = Callable[[Any, bool], Any]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Python's ISO parser also reads week dates (2026-W01-1), ordinal dates (2026-001) and the
# basic form (20260101); the format promises calendar dates, so the date part must be these.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIMESTAMP_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)", re.ASCII)
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def string(max_length: int) -> Parser:
    def parse(value: Any, csv: bool) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FieldError("must be a string")
        text = str(value)
        if len(text) > max_length:
            raise FieldError(f"longer than {max_length:,} characters")
        if "\x00" in text:
            raise FieldError("contains a NUL character")
        return text

    return parse


# Customer texts (messages, ticket bodies, notes) are kept whole up to this length and
# refused above it: a 10 MB message otherwise costs every rescore and every page that
# shows it. Pages show a bounded prefix (reviews.selectors.DISPLAY_CHARS).
MAX_TEXT_CHARS = 200_000


def text(value: Any, csv: bool) -> str:
    if not isinstance(value, str):
        raise FieldError("must be a string")
    if len(value) > MAX_TEXT_CHARS:
        raise FieldError(f"longer than {MAX_TEXT_CHARS:,} characters (got {len(value):,})")
    if "\x00" in value:
        raise FieldError("contains a NUL character")
    return value


def choice(options: tuple[str, ...]) -> Parser:
    def parse(value: Any, csv: bool) -> str:
        if not isinstance(value, str) or value not in options:
            raise FieldError(f"must be one of {', '.join(options)} (got {value!r})")
        return value

    return parse


def integer(value: Any, csv: bool) -> int:
    if isinstance(value, bool):
        raise FieldError("must be a whole number")
    if isinstance(value, int):
        result = value
    elif (
        isinstance(value, float)
        and value.is_integer()
        or isinstance(value, str)
        and re.fullmatch(r"\s*-?\d+\s*", value)
    ):
        result = int(value)
    else:
        raise FieldError(f"must be a whole number (got {value!r})")
    if result < 0:
        raise FieldError("must not be negative")
    if result > 2_000_000_000:
        raise FieldError("is too large")
    return result


def number(value: Any, csv: bool) -> float:
    return _number(value)


def non_negative_number(value: Any, csv: bool) -> float:
    result = _number(value)
    if result < 0:
        raise FieldError(f"must not be negative (got {value!r})")
    return result


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise FieldError("must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise FieldError(f"must be a number (got {value!r})") from None
    except OverflowError:  # an integer beyond a float's range, e.g. 400 digits
        raise FieldError("is too large") from None
    if not math.isfinite(result):
        raise FieldError("must be a finite number")
    return result


def decimal(max_digits: int = 14, places: int = 2, *, non_negative: bool = False) -> Parser:
    limit = Decimal(10) ** (max_digits - places)

    def parse(value: Any, csv: bool) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise FieldError("must be a decimal number")
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise FieldError(f"must be a decimal number (got {value!r})") from None
        if not result.is_finite():
            raise FieldError("must be a finite number")
        if abs(result) >= limit:
            raise FieldError("is too large")
        if non_negative and result < 0:
            raise FieldError(f"must not be negative (got {value!r})")
        return result.quantize(Decimal(1).scaleb(-places))

    return parse


def boolean(value: Any, csv: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    raise FieldError(f"must be true or false (got {value!r})")


def date_(value: Any, csv: bool) -> date:
    if not isinstance(value, str):
        raise FieldError("must be a date YYYY-MM-DD")
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"must be a date YYYY-MM-DD (got {value!r})") from None


def timestamp(value: Any, csv: bool) -> datetime:
    if not isinstance(value, str):
        raise FieldError("must be an ISO 8601 timestamp")
    try:
        if not _TIMESTAMP_DATE.match(value.strip()):
            raise ValueError
        result = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(f"must be an ISO 8601 timestamp (got {value!r})") from None
    if result.tzinfo is None:
        # The format says a timestamp without offset is UTC.
        result = result.replace(tzinfo=UTC)
    if not 1900 <= result.year <= 2200:
        raise FieldError("is outside the years 1900 to 2200")
    return result.astimezone(UTC)


def string_list(max_items: int = 50, max_length: int = 500) -> Parser:
    def parse(value: Any, csv: bool) -> list[str]:
        if csv and isinstance(value, str):
            items = [item.strip() for item in value.split(";") if item.strip()]
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            items = list(value)
        else:
            raise FieldError("must be a list of strings")
        if len(items) > max_items:
            raise FieldError(f"has more than {max_items} items")
        if any(len(item) > max_length for item in items):
            raise FieldError(f"has an item longer than {max_length} characters")
        return items

    return parse


def email(value: Any, csv: bool) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()) or len(value) > 254:
        raise FieldError(f"must be an e-mail address (got {value!r})")
    return value.strip().lower()


def currency(value: Any, csv: bool) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value.strip().upper()):
        raise FieldError(f"must be an ISO 4217 code such as USD (got {value!r})")
    return value.strip().upper()
