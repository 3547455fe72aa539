"""What a rule change would do, before it is saved: the accounts the changed value applies
to are assessed twice, with the rules as they are and as proposed, and the open
candidates whose recommendation or score would move, that would expire, or that could
appear are listed. Reads only: nothing is classified, stored or enqueued."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Account
from signals.engine.assess import Assessment, assess_account
from signals.engine.facts import RulesLookup, account_facts, chunked
from signals.models import Candidate, Rule
from signals.services import _last_outreach, rules_lookup
from signals.vocabulary import OPEN_STATUSES, CandidateStatus, Recommendation, SignalType

# A preview runs in the admin's request: past this many accounts it says it stopped.
PREVIEW_LIMIT = 3000


class Effect:
    CHANGES = "changes"
    EXPIRES = "expires"
    STAYS_DEFERRED = "stays_deferred"
    MAY_APPEAR = "may_appear"

    LABELS = {
        CHANGES: "Recommendation or score changes",
        EXPIRES: "Would expire (no longer detected)",
        STAYS_DEFERRED: "No longer detected; stays deferred until its date",
        MAY_APPEAR: "New candidate may appear",
    }


@dataclass
class PreviewRow:
    account: Account
    signal_type: str
    candidate: Candidate | None
    effect: str
    now: tuple[str, int] | None
    proposed: tuple[str, int] | None

    @property
    def signal_label(self) -> str:
        return SignalType(self.signal_type).label

    @property
    def effect_label(self) -> str:
        return Effect.LABELS[self.effect]

    @staticmethod
    def _text(pair: tuple[str, int] | None) -> str:
        return f"{Recommendation(pair[0]).label} · {pair[1]}" if pair else "—"

    @property
    def now_text(self) -> str:
        return self._text(self.now)

    @property
    def proposed_text(self) -> str:
        return self._text(self.proposed)


@dataclass
class RulePreview:
    accounts: int = 0
    previewed: int = 0
    open_candidates: int = 0
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [
            (label, n) for code, label in Effect.LABELS.items() if (n := sum(1 for r in self.rows if r.effect == code))
        ]

    @property
    def truncated(self) -> bool:
        return self.previewed < self.accounts


def _affected_segments(now: RulesLookup, proposed: RulesLookup, segments: set[str]) -> set[str]:
    return {
        s
        for s in segments
        if now.by_segment.get(s, now.default).values != proposed.by_segment.get(s, proposed.default).values
    }


def _assess(lookup: RulesLookup, ids: list[int], as_of: dt.date) -> dict[tuple[int, str], Assessment]:
    outreach = _last_outreach(ids)
    found: dict[tuple[int, str], Assessment] = {}
    for account_id, facts in account_facts(account_ids=ids, as_of=as_of, rules_for=lookup).items():
        rules = lookup.for_account(facts.account)
        for a in assess_account(facts, rules, as_of, last_outreach=outreach.get(account_id)):
            found[(account_id, a.signal_type)] = a
    return found


def rule_change_preview(*, proposed: Rule, as_of: dt.date | None = None, limit: int = PREVIEW_LIMIT) -> RulePreview:
    """`proposed` is the rule as the admin would save it (not saved; its pk, if any, is
    the row it replaces)."""
    as_of = as_of or timezone.now().date()
    rows = [r for r in Rule.objects.all() if r.pk != proposed.pk or proposed.pk is None]
    rows = [r for r in rows if (r.key, r.segment) != (proposed.key, proposed.segment)] + [proposed]
    now, then = rules_lookup(), rules_lookup(rows)
    segments = set(Account.objects.values_list("segment", flat=True).distinct())
    affected = _affected_segments(now, then, segments)
    accounts = Account.objects.filter(segment__in=affected).order_by("pk")
    result = RulePreview(accounts=accounts.count())
    ids = list(accounts.values_list("pk", flat=True)[:limit])
    result.previewed = len(ids)
    for chunk in chunked(ids, 1000):
        before, after = _assess(now, chunk, as_of), _assess(then, chunk, as_of)
        open_by_key = {
            (c.account_id, c.signal_type): c
            # the holdout is shown nowhere, this page included
            for c in Candidate.objects.surfaced()
            .filter(account_id__in=chunk, status__in=OPEN_STATUSES)
            .select_related("account")
        }
        result.open_candidates += len(open_by_key)
        accounts_by_pk = {a.pk: a for a in Account.objects.filter(pk__in=chunk)}
        for key in sorted(set(before) | set(after) | set(open_by_key)):
            a_now, a_then, candidate = before.get(key), after.get(key), open_by_key.get(key)
            pair_now = (a_now.recommendation, a_now.score) if a_now else None
            pair_then = (a_then.recommendation, a_then.score) if a_then else None
            if candidate is not None:
                if a_then is None and a_now is not None:
                    effect = Effect.EXPIRES if candidate.status == CandidateStatus.PENDING else Effect.STAYS_DEFERRED
                elif a_then is not None and pair_now != pair_then:
                    effect = Effect.CHANGES
                else:
                    continue
            elif a_then is not None and a_now is None:
                effect = Effect.MAY_APPEAR
            else:
                continue
            result.rows.append(
                PreviewRow(
                    account=candidate.account if candidate else accounts_by_pk[key[0]],
                    signal_type=key[1],
                    candidate=candidate,
                    effect=effect,
                    now=pair_now,
                    proposed=pair_then,
                )
            )
    result.rows.sort(key=lambda r: (list(Effect.LABELS).index(r.effect), r.account.name, r.signal_type))
    return result
