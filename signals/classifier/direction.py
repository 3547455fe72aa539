"""Which way a count changes: "go from 25 to 40 users" is growth, "from 60 to 40 seats" is not.

The statistical model reads every number as NUM, so it saw the same words both ways and read a
reduce conflict into growth (round 10). Three uses (docs/classifier.md, "Round 11"):

- mark_number_direction adds "numup" or "numdown" after each pair, for the model's text;
- without_growth blanks the upward pairs (and every price pair) out of the text the conflict
  cues are looked for in, so "go from 25 to 40 users" and "can the price go from $18 to $14"
  are no cue for a conflict ("go from" is one for "go from Pro to Basic");
- count_lowered_spans finds a count of people going down ("from 40 to 25 users"), whose clause
  then counts no seats rule (model._without_seats_lowered).

Only counts are compared: a pair is left alone when it is a price, a time of day, a percentage,
a date, a range of years or a version-like pair the numbers cannot order.
"""

import re

# Units: a number's multiplier, shared with the other side of the pair when only one side has
# one ("from 10 to 4 million", "from 500 to 800 GB", "from 2 years to 18 months").
_UNITS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "pb": 1e15,
    "day": 1,
    "days": 1,
    "week": 7,
    "weeks": 7,
    "month": 30,
    "months": 30,
    "year": 365,
    "years": 365,
    "yr": 365,
    "yrs": 365,
}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_CURRENCY = r"[$€£¥₹]"
# after a number: a time of day, a percentage, a price; any of them leaves the pair alone
_NOT_A_COUNT = re.compile(
    r"\s?(?:a\.?m\b|p\.?m\b|o'clock|h\b|hrs?\b|%|percent|per ?cent|pct|:\d"
    r"|(?:dollars?|euros?|pounds?|usd|eur|gbp|cents?|p)\b)",
    re.IGNORECASE,
)
_AMOUNT = r"(\d+(?:[,.]\d+)*)(?:\s?(" + _UNIT + r"))?\b"
_FROM_TO_RE = re.compile(
    r"\bfrom (?:about |around |roughly |approx\.? |~)?("
    + _CURRENCY
    + r")?"
    + _AMOUNT
    + r"((?:\s+(?!"
    + _MONTH
    + r")[a-z][\w-]*){0,2}?)\s+(?:down |up )?to (?:about |around |roughly |~)?("
    + _CURRENCY
    + r")?"
    + _AMOUNT
    + r"(?![-–]\d)",
    re.IGNORECASE,
)
# the people a seat is for: a pair followed (or preceded) by one of these is a head count
_PEOPLE = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:users?|seats?|licen[cs]es?|logins?|agents?|people|staff|employees|members|editors|admins?"
    r"|engineers|developers|reps|technicians|accounts|collaborators|heads|persons|named)\b",
    re.IGNORECASE,
)

# "go from 25 to 40", "moving from 10 to 15": the verb is blanked with an upward pair
_VERB_BEFORE = re.compile(
    r"\b(?:go|goes|going|went|gone|mov\w*|jump\w*|get\w*|bump\w*|switch\w*|chang\w*)\s+$", re.IGNORECASE
)


def _number(text: str, other: str) -> float:
    """A number as written: "1,500" and (beside a plain integer) "1.000" are thousands."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text) and re.fullmatch(r"\d+", other):
        return float(text.replace(".", ""))  # European thousands: "from 1.200 to 900 seats"
    if text.count(".") > 1 or text.count(",") > 1 or ("," in text and "." in text):
        raise ValueError(text)  # a version or an odd grouping: not a count
    return float(text.replace(",", "."))


def _direction(match: re.Match[str]) -> int:
    """+1 when the second amount is larger, -1 when smaller, 0 when equal or not comparable."""
    currency_a, a, unit_a, _, currency_b, b, unit_b = match.groups()
    text = match.string
    if currency_a or currency_b:
        return 0
    for position in (match.end(2) if unit_a is None else match.end(3), match.end()):
        if _NOT_A_COUNT.match(text, position):
            return 0
    if re.match(r"\s*(?:,?\s*\d{4}\b|" + _MONTH + ")", text[match.end() :], re.IGNORECASE):
        return 0  # a date: "from 1 to 15 March"
    try:
        start, end = _number(a, b), _number(b, a)
    except ValueError:
        return 0
    if (
        unit_a is None
        and unit_b is None
        and len(a) == len(b) == 4
        and 1900 <= min(start, end) <= max(start, end) <= 2100
    ):
        return 0  # years: "from 2023 to 2025"
    unit_a, unit_b = (unit_a or unit_b or "").lower(), (unit_b or unit_a or "").lower()
    start, end = start * _UNITS.get(unit_a, 1.0), end * _UNITS.get(unit_b, 1.0)
    return (end > start) - (end < start)


def mark_number_direction(text: str) -> str:
    """Add "numup" or "numdown" after each "from N ... to M" count of the text (the model's text only).

    Amounts compare with their units ("from 500 GB to 2 TB" is up, "from 2 years to 18 months"
    down; a unit on one side counts for both); prices, times, percentages, dates, years and
    version-like numbers are left alone.
    """

    def mark(match: re.Match[str]) -> str:
        direction = _direction(match)
        if direction == 0:
            return match.group(0)
        return f"{match.group(0)} {'numup' if direction > 0 else 'numdown'}"

    if "from" not in text.lower():  # the only texts it can match (cheaper than the regex)
        return text
    return _FROM_TO_RE.sub(mark, text)


def without_growth(text: str) -> str:
    """The text with each upward "from N ... to M" count and each price pair (and a go/move verb
    just before it) blanked out: neither is a cue for a conflict."""
    if "from" not in text.lower():
        return text
    pieces: list[str] = []
    done = 0
    for match in _FROM_TO_RE.finditer(text):
        is_price = bool(match.group(1) or match.group(5))
        if not is_price and _direction(match) <= 0:
            continue
        start = match.start()
        verb = _VERB_BEFORE.search(text, max(done, start - 20), start)
        if verb is not None:
            start = verb.start()
        pieces += [text[done:start], " "]
        done = match.end()
    return "".join(pieces) + text[done:]


def count_lowered_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each "from N ... to M" where a count of people goes down ("from 40 to 25
    users", "licences from 30 to 20")."""
    if "from" not in text.lower():
        return []
    spans = []
    for match in _FROM_TO_RE.finditer(text):
        if _direction(match) >= 0:
            continue
        between = match.group(4) or ""
        before = text[max(0, match.start() - 30) : match.start()]
        if (
            _PEOPLE.match(text, match.end()) is not None
            or _PEOPLE.fullmatch(between.strip()) is not None
            or re.search(r"(?:users?|seats?|licen[cs]es?|logins?)\s+$", before, re.IGNORECASE)
        ):
            spans.append(match.span())
    return spans
