"""Which way a count changes: "go from 25 to 40 users" is growth, "from 60 to 40 seats" is not.

The statistical model reads every number as NUM, so it saw the same words both ways and read a
reduce conflict into growth (round 10). Two uses (docs/classifier.md, "Round 11"):

- mark_number_direction adds "numup" or "numdown" after each pair, for the model's text;
- without_growth blanks the upward pairs out of the text the conflict cues are looked for in,
  so "go from 25 to 40 users" is no cue for a conflict ("go from" is one for "go from Pro to
  Basic").
"""

import re

_SCALE_WORDS = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_SIZE_WORDS = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_AMOUNT = r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s?(k|mm|mn|m|million|bn|billion|kb|mb|gb|tb|pb))?\b"
_FROM_TO_RE = re.compile(
    r"\bfrom (?:about |around |roughly |approx\.? |~)?[$€£]?"
    + _AMOUNT
    + r"(?:\s+(?!(?:"
    + _MONTHS
    + r")[a-z]*\b)[a-z][\w-]*){0,2}?\s+(?:down |up )?to (?:about |around |roughly |~)?[$€£]?"
    + _AMOUNT,
    re.IGNORECASE,
)


# "go from 25 to 40", "moving from 10 to 15": the verb is blanked with an upward pair
_VERB_BEFORE = re.compile(r"\b(?:go|goes|going|went|gone|mov\w*|jump\w*|get\w*|bump\w*)\s+$", re.IGNORECASE)


def _amount(number: str, unit: str | None) -> float:
    unit = (unit or "").lower()
    return float(number.replace(",", "")) * _SCALE_WORDS.get(unit, _SIZE_WORDS.get(unit, 1.0))


def _direction(match: re.Match[str]) -> int:
    """+1 when the second amount is larger, -1 when smaller, 0 when equal."""
    (a, unit_a, b, unit_b) = match.groups()
    # a size unit on one side only counts for both: "from 500 to 800 GB", "from 1.2 TB to 1.9"
    if (unit_a or "").lower() in _SIZE_WORDS and unit_b is None:
        unit_b = unit_a
    elif (unit_b or "").lower() in _SIZE_WORDS and unit_a is None:
        unit_a = unit_b
    start, end = _amount(a, unit_a), _amount(b, unit_b)
    return (end > start) - (end < start)


def mark_number_direction(text: str) -> str:
    """Add "numup" or "numdown" after each "from N ... to M" of the text (the model's text only).

    Sizes in different units compare by size ("from 500 GB to 2 TB" is up); dates ("from 23
    December to 2 January"), times and equal amounts are left alone.
    """

    def mark(match: re.Match[str]) -> str:
        direction = _direction(match)
        if direction == 0:
            return match.group(0)
        return f"{match.group(0)} {'numup' if direction > 0 else 'numdown'}"

    return _FROM_TO_RE.sub(mark, text)


def without_growth(text: str) -> str:
    """The text with each upward "from N ... to M" (and a go/move verb just before it) blanked out."""
    pieces: list[str] = []
    done = 0
    for match in _FROM_TO_RE.finditer(text):
        if _direction(match) <= 0:
            continue
        start = match.start()
        verb = _VERB_BEFORE.search(text, max(done, start - 20), start)
        if verb is not None:
            start = verb.start()
        pieces += [text[done:start], " "]
        done = match.end()
    return "".join(pieces) + text[done:]


def downward_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each "from N ... to M" of the text where M is smaller than N."""
    if "from" not in text.lower():
        return []
    return [match.span() for match in _FROM_TO_RE.finditer(text) if _direction(match) < 0]
