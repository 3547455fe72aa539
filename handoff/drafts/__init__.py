"""The draft first customer message the owner reviews (issue 13). Re-exports."""

from handoff.drafts.checks import PRESSURE_PHRASES, draft_problems
from handoff.drafts.facts import DraftFacts, draft_facts
from handoff.drafts.writers import Draft, draft_for

__all__ = ["PRESSURE_PHRASES", "Draft", "DraftFacts", "draft_facts", "draft_for", "draft_problems"]
