"""Plays for the demo book: a default for every signal type, and the segment and
recommendation variants a CS team would write first."""

from plays.models import Play

_DEFAULTS: dict[str, tuple[str, str, str, str, str, str, int]] = {
    # type: (name, next step, involve, proof, questions, avoid, target days)
    "seats": (
        "More seats: confirm the team's growth",
        "Offer a 30-minute call with the champion to confirm who is joining and when.",
        "Account owner + champion",
        "Seats used against seats purchased, by department.",
        "Which teams are joining, and by when?\nWho signs off on more seats?",
        "Do not quote a seat price in the first message.",
        5,
    ),
    "capacity": (
        "Capacity: review the limit before it bites",
        "Share the usage trend and agree a review of the limit with the admin.",
        "Account owner + solutions engineer",
        "The metric against its limit over the last 8 weeks.",
        "What happens to your workflow when the limit is reached?\nIs the growth seasonal or lasting?",
        "Do not warn of overage charges.",
        5,
    ),
    "tier_upgrade": (
        "Tier upgrade: show the feature on their data",
        "Offer a working session that shows the asked-for feature on their own data.",
        "Account owner + solutions engineer",
        "The verified outcome the feature would extend.",
        "Which problem would the feature solve first?\nWho else would use it?",
        "No pricing in the first message.\nDo not send a plan comparison sheet unasked.",
        7,
    ),
    "scale": (
        "Scale: meet the new team",
        "Ask the champion to introduce the lead of the newly adopting team.",
        "Account owner + champion",
        "The new department's first weeks of usage.",
        "What does the new team need to succeed?\nWho leads the roll-out?",
        "Do not assume a company-wide roll-out.",
        10,
    ),
    "cross_sell": (
        "Cross-sell: explore the need first",
        "Offer a short discovery call about the need they described.",
        "Account owner",
        "The customer's own words and the goal they serve.",
        "What made you ask about it now?\nHow do you solve it today?",
        "No pricing in the first message.\nDo not send a product deck before the call.",
        7,
    ),
    "add_on": (
        "Add-on: tie it to the goal",
        "Offer a 30-minute walkthrough of the add-on tied to their stated goal.",
        "Account owner",
        "The goal and a verified outcome it builds on.",
        "Which outcome would the add-on move?\nWho would own it on your side?",
        "No pricing in the first message.",
        7,
    ),
    "volume_pricing": (
        "Volume pricing: understand the plan, then involve commercial",
        "Ask about their growth plan; bring commercial in only after the call.",
        "Account owner, then the commercial lead",
        "Usage growth over the last quarter.",
        "How many users do you plan for next year?\nWhen is your budget set?",
        "No numbers or discounts in writing before the call.",
        3,
    ),
}


def demo_plays_create() -> int:
    """Create the demo's plays (idempotent). Returns how many exist afterwards."""
    for signal_type, (name, step, involve, proof, questions, avoid, days) in _DEFAULTS.items():
        Play.objects.update_or_create(
            signal_type=signal_type,
            segment="",
            recommendation="",
            defaults={
                "name": name,
                "next_step": step,
                "involve": involve,
                "proof": proof,
                "questions": questions,
                "avoid": avoid,
                "target_days": days,
            },
        )
    for signal_type in ("add_on", "tier_upgrade", "cross_sell", "seats"):
        name, step, involve, proof, questions, avoid, days = _DEFAULTS[signal_type]
        Play.objects.update_or_create(
            signal_type=signal_type,
            segment="enterprise",
            recommendation="",
            defaults={
                "name": f"{name} (enterprise)",
                "next_step": "Agree with the executive sponsor on a value review before any proposal; "
                + step[0].lower()
                + step[1:],
                "involve": "Account owner + executive sponsor + solutions engineer",
                "proof": proof + " A one-page value summary for the sponsor.",
                "questions": questions + "\nWho else must agree, and how do you buy?",
                "avoid": "No pricing in the first message.\nDo not quote the customer's words back to them.\n"
                "Do not go around the champion.",
                "target_days": days + 3,
                "message_ask": "Would a short value review with your sponsor in the next few weeks be useful?",
                "message_quotes_customer": False,
            },
        )
        Play.objects.update_or_create(
            signal_type=signal_type,
            segment="",
            recommendation="prove_value",
            defaults={
                "name": f"{name}: prove value first",
                "next_step": "Run a value check-in on their goal before raising the expansion.",
                "involve": "Account owner",
                "proof": "A verified outcome against their goal (there is none yet).",
                "questions": "How do you measure success with us today?",
                "avoid": "Do not raise the expansion until the value is shown.",
                "target_days": 14,
                "message_ask": "Would a short check-in on how your team is getting on be useful?",
            },
        )
    return Play.objects.count()
