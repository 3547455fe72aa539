"""Which play applies to a candidate."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from plays.models import Play
from plays.records import PlayApplied

if TYPE_CHECKING:
    from signals.models import Candidate

# Most specific first: (uses segment, uses recommendation). Segment beats recommendation
# because plays are segment-specific first (README, Plays).
_ORDER = ((True, True), (True, False), (False, True), (False, False))


def play_pick(plays: Iterable[Play], *, segment: str, recommendation: str) -> Play | None:
    """The most specific of these plays (all of one signal type) for the segment and
    recommendation; None when none applies."""
    by_key = {(p.segment, p.recommendation): p for p in plays}
    for use_segment, use_rec in _ORDER:
        if use_segment and not segment:
            continue
        play = by_key.get((segment if use_segment else "", recommendation if use_rec else ""))
        if play is not None:
            return play
    return None


def play_for(*, signal_type: str, segment: str, recommendation: str) -> Play | None:
    candidates = Play.objects.filter(
        signal_type=signal_type, segment__in={"", segment}, recommendation__in={"", recommendation}
    )
    return play_pick(candidates, segment=segment, recommendation=recommendation)


def play_for_candidate(candidate: "Candidate") -> Play | None:
    return play_for(
        signal_type=candidate.signal_type,
        segment=candidate.account.segment or "",
        recommendation=candidate.recommendation,
    )


def play_applied(candidate: "Candidate") -> PlayApplied | None:
    """The snapshot stored on a decision."""
    play = play_for_candidate(candidate)
    if play is None:
        return None
    return PlayApplied(
        play_id=play.pk,
        name=play.name,
        signal_type=play.signal_type,
        segment=play.segment,
        recommendation=play.recommendation,
        target_days=play.target_days,
    )
