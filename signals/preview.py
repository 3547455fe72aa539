"""What a rule change would do, before it is saved: the accounts the changed value applies
to are assessed twice, with the rules as they are and as proposed, and the open
candidates whose recommendation or score would move, that would expire, and the new
candidates that would open or no longer open (detection, and the store's own gates:
already decided on the same evidence, an approval's open follow-up, a rejection's
cool-down, each with the rules as they are and as proposed) are listed.

The admin asks for one (`rule_preview_start`), a Celery task assesses every such account
in chunks (`rule_preview_run`), recording its progress on the `RulePreviewRun`, and the
result is stored there as a typed record (`RulePreviewResult`). Reads only, besides that
row: nothing is classified, scored, stored or enqueued. In the embedded mode (no broker,
eager tasks) the run finishes before the admin's request does.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from signals.engine.assess import Assessment, assess_account
from signals.engine.facts import RulesLookup, account_facts, chunked, day_end
from signals.lifecycle import History, closing_events, creation_held, history_of
from signals.models import Candidate, PreviewStatus, Rule, RulePreviewRun
from signals.records import PREVIEW_EFFECT_LABELS, PreviewEffect, PreviewRow, PreviewScore, RulePreviewResult
from signals.rules import RuleSet
from signals.services import _last_outreach, rules_lookup
from signals.vocabulary import OPEN_STATUSES, CandidateStatus, Recommendation, SignalType

logger = logging.getLogger(__name__)

# Accounts assessed at a time: the facts of a chunk are loaded together (a fixed number of
# queries per chunk) and the run's progress is recorded after each.
PREVIEW_CHUNK = 500
# Previews are looked at right away; older runs are deleted when a new one starts.
KEEP_RUNS = dt.timedelta(days=7)


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


def _opens(a: Assessment, history: History | None, rules: RuleSet, closing: set[int], end: dt.datetime) -> bool:
    """Would the store open a new candidate for this assessment (no open one)?"""
    held, _ = creation_held(a.triggers, history, rules, closing, end)
    return held is None


def _score(a: Assessment | None) -> PreviewScore | None:
    return PreviewScore(recommendation=Recommendation(a.recommendation), score=a.score) if a else None


def rule_change_preview(
    *,
    proposed: Rule,
    as_of: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RulePreviewResult:
    """`proposed` is the rule as the admin would save it (not saved; its pk, if any, is
    the row it replaces). Every account the change applies to is assessed, PREVIEW_CHUNK
    at a time; `on_progress(assessed, accounts)` is called before the first chunk and
    after each."""
    as_of = as_of or timezone.now().date()
    rows = [r for r in Rule.objects.all() if r.pk != proposed.pk or proposed.pk is None]
    rows = [r for r in rows if (r.key, r.segment) != (proposed.key, proposed.segment)] + [proposed]
    now, then = rules_lookup(), rules_lookup(rows)
    segments = set(Account.objects.values_list("segment", flat=True).distinct())
    affected = _affected_segments(now, then, segments)
    ids = list(Account.objects.filter(segment__in=affected).order_by("pk").values_list("pk", flat=True))
    found: list[PreviewRow] = []
    open_candidates = 0
    if on_progress:
        on_progress(0, len(ids))
    assessed = 0
    end = day_end(as_of)
    for chunk in chunked(ids, PREVIEW_CHUNK):
        before, after = _assess(now, chunk, as_of), _assess(then, chunk, as_of)
        history = history_of(chunk)
        closing = closing_events(history)
        open_by_key = {
            (c.account_id, c.signal_type): c
            # the holdout is shown nowhere, this page included
            for c in Candidate.objects.surfaced().filter(account_id__in=chunk, status__in=OPEN_STATUSES)
        }
        open_candidates += len(open_by_key)
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=chunk).only("pk", "name", "segment")}
        for key in sorted(set(before) | set(after) | set(open_by_key)):
            a_now, a_then, candidate = before.get(key), after.get(key), open_by_key.get(key)
            pair_now, pair_then = _score(a_now), _score(a_then)
            effect: PreviewEffect
            if candidate is not None:
                if a_then is None and a_now is not None:
                    effect = "expires" if candidate.status == CandidateStatus.PENDING else "stays_deferred"
                elif a_then is not None and pair_now != pair_then:
                    effect = "changes"
                else:
                    continue
            else:
                account = accounts[key[0]]
                opens_now = a_now is not None and _opens(
                    a_now, history.get(key), now.for_account(account), closing, end
                )
                opens_then = a_then is not None and _opens(
                    a_then, history.get(key), then.for_account(account), closing, end
                )
                if opens_then and not opens_now:
                    effect = "may_appear"
                elif opens_now and not opens_then:
                    effect = "held_back"
                else:
                    continue
            account = accounts[key[0]]
            found.append(
                PreviewRow(
                    account_id=account.pk,
                    account_name=account.name,
                    segment=account.segment,
                    signal_type=SignalType(key[1]),
                    candidate_id=candidate.pk if candidate else None,
                    candidate_status=CandidateStatus(candidate.status) if candidate else None,
                    effect=effect,
                    now=pair_now,
                    proposed=pair_then,
                )
            )
        assessed += len(chunk)
        if on_progress:
            on_progress(assessed, len(ids))
    order = list(PREVIEW_EFFECT_LABELS)
    found.sort(key=lambda r: (order.index(r.effect), r.account_name, r.signal_type))
    return RulePreviewResult(accounts=len(ids), open_candidates=open_candidates, rows=found)


def rule_preview_start(*, user: User, proposed: Rule) -> RulePreviewRun:
    """Record the proposed rule (validated by the caller) and enqueue its assessment once
    the row is committed. A broker that cannot be reached fails the run with that reason."""
    from signals.tasks import rule_preview_task  # here: the tasks module imports this one

    replaced = Rule.objects.filter(pk=proposed.pk).first() if proposed.pk else None
    RulePreviewRun.objects.filter(inserted_at__lt=timezone.now() - KEEP_RUNS).delete()
    run = RulePreviewRun.objects.create(
        requested_by=user,
        rule=replaced,
        key=proposed.key,
        segment=proposed.segment,
        value=proposed.value,
        note=proposed.note,
        before_value=replaced.value if replaced else "",
        as_of=timezone.now().date(),
    )

    def enqueue() -> None:
        try:
            rule_preview_task.delay(run.pk)
        except Exception:  # kombu raises OperationalError and friends for an unreachable broker
            logger.exception("could not enqueue rule preview %s", run.pk)
            RulePreviewRun.objects.filter(pk=run.pk, status=PreviewStatus.QUEUED).update(
                status=PreviewStatus.FAILED,
                error="The task queue could not be reached; nothing was assessed.",
                finished_at=timezone.now(),
            )

    transaction.on_commit(enqueue)
    return run


def rule_preview_run(*, run_id: int) -> str:
    """Assess the run's proposed rule over every account it applies to and store the
    result on the run. Safe to run twice: a finished run is left as it is; one that was
    running when its worker was lost is assessed again from the start."""
    claimed = RulePreviewRun.objects.filter(pk=run_id, status__in=(PreviewStatus.QUEUED, PreviewStatus.RUNNING)).update(
        status=PreviewStatus.RUNNING, assessed=0
    )
    if not claimed:
        return "finished already"
    run = RulePreviewRun.objects.get(pk=run_id)

    def progress(assessed: int, accounts: int) -> None:
        RulePreviewRun.objects.filter(pk=run_id).update(assessed=assessed, accounts=accounts)

    try:
        result = rule_change_preview(proposed=run.proposed_rule(), as_of=run.as_of, on_progress=progress)
    except Exception as exc:  # shown to the admin instead of a page that waits for ever
        logger.exception("rule preview %s failed", run_id)
        RulePreviewRun.objects.filter(pk=run_id).update(
            status=PreviewStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        return "failed"
    run.result = result
    run.status = PreviewStatus.DONE
    run.accounts = run.assessed = result.accounts
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "status", "accounts", "assessed", "finished_at", "updated_at"])
    return "done"
