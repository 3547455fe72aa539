"""The play that applied to a decision, as a typed snapshot: the per-play figures read
this, so they stay exact after an admin edits or deletes the play."""

from signals.records import Record


class PlayApplied(Record):
    play_id: int
    name: str
    signal_type: str
    segment: str = ""
    recommendation: str = ""
    target_days: int | None = None
