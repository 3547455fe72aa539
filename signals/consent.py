"""A customer's written refusal of sales outreach ("please stop sending us upgrade offers").

The account's `outreach_allowed` flag comes from the CRM; this is the same refusal when the
customer writes it to us. A message or ticket that says it is stored with `opt_out` set
(when it is classified), and the engine reads it as missing consent: Stop, citing it, for
as long as it is inside the conflict window (docs/engine.md, "Stop rules").

The pattern asks for both halves, a refusal and what is refused (offers, upsells, sales
outreach), so "stop sending the daily report" or "how do I unsubscribe users from
notifications?" are not refusals.
"""

import re

_REFUSED = (
    r"(?:(?:upgrade|upsell|sales|marketing|promotional|special|renewal|expansion|product)\s+)?"
    r"(?:offers?|upsells?|up-?sell(?:ing|s)?|promotions?|sales (?:calls?|emails?|pitch(?:es)?|outreach|material)|"
    r"marketing (?:calls?|emails?|material)|pitch(?:es)?|proposals? for more|cold calls?|upgrade (?:pitches|emails|offers))"
)
OPT_OUT = re.compile(
    r"\b(?:stop|quit|cease)\s+(?:sending|emailing|calling|contacting|pitching)\b[^.!?\n]{0,40}?\b"
    + _REFUSED
    + r"|\b(?:do not|don't|dont|please don't|no more)\s+(?:send|contact|call|email|pitch)\w*\b[^.!?\n]{0,40}?\b"
    + _REFUSED
    + r"|\b(?:take|remove)\s+(?:us|me)\s+(?:off|from)\b[^.!?\n]{0,30}?\b(?:marketing|sales|prospect)\s+"
    r"(?:lists?|cadences?|sequences?|campaigns?)\b"
    + r"|\bunsubscribe\s+(?:us|me)\s+from\s+(?:your\s+|all\s+)?(?:marketing|sales|promotional)\b"
    + r"|\bnot interested in (?:buying|purchasing) (?:anything|any(?:thing)? (?:more|else|further|additional))\b"
    + r"|\b(?:we|i) (?:do not|don't) want (?:any )?(?:more )?"
    + _REFUSED,
    re.IGNORECASE,
)


def opt_out_found(text: str) -> str:
    """The words of a refusal of sales outreach in the text, or "" (first 20,000 characters)."""
    m = OPT_OUT.search(text[:20_000])
    return m.group(0) if m else ""
