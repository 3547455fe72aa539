"""A fingerprint of everything the engine reads about an account, to skip a rescore that
would store nothing new (docs/engine.md, section 4, "Skipping unchanged accounts").

An account's scoring depends on the day, the rules version (rule values, phrase rules
and the classifier's version: `services.rules_version_current`) and these rows:

- the account itself and whether its owner is active;
- its usage, tickets, messages, outcomes and contacts: the account's evidence
  watermark (`accounts.EvidenceWatermark`), which the database bumps on every insert,
  change or deletion of any of those rows, by any write path (the importer's COPY and
  merge, the API, the admin, the demo, a bulk `update()` that leaves `updated_at`
  alone, plain SQL): one row per account, read instead of the history;
- the brief writer in use (`BRIEF_WRITER`);
- its measurement events other than the ones scoring itself writes (count and highest
  id; events are append-only): every owner action on a candidate (decide, undo, defer,
  return, follow-up, correction, reassignment) appends one in the same transaction
  (signals/lifecycle.py), so these stand for the candidates' history too.

The fingerprint is read *before* the facts, so a write that lands while an account is
being scored makes the stored fingerprint stale (the next run scores it again), never
the other way round.
"""

import datetime as dt
import hashlib
from collections import defaultdict

from django.db import connection

from accounts.models import Account, EvidenceWatermark
from core.sql import AnyOf, id_filter_sql
from measurement.models import EventKind, MeasurementEvent

# What candidates_store writes itself: a run that wrote them must not look like a change
# to the next run. RETURNED is not here: an owner's deferral date coming due writes it too.
ENGINE_EVENT_KINDS: tuple[str, ...] = (
    EventKind.SIGNAL_CREATED,
    EventKind.RECOMMENDATION_CHANGED,
    EventKind.EXPIRED,
    EventKind.NEW_EVIDENCE,
    EventKind.HELD_OUT,
)


def inputs_fingerprints(accounts: dict[int, Account], *, context: str = "") -> dict[int, str]:
    """One digest per account (accounts loaded with their owner): one query for the
    evidence watermarks and the events, whatever the number of accounts. `context` is
    what else the run's result depends on, the same for every account (the brief writer)."""
    if not accounts:
        return {}
    ids = sorted(accounts)
    where, id_params = id_filter_sql("account_id", ids, connection.vendor)
    kinds = ", ".join(["%s"] * len(ENGINE_EVENT_KINDS))
    sql = (
        f"SELECT 0, account_id, version, 0 FROM {EvidenceWatermark._meta.db_table} WHERE {where} "
        f"UNION ALL SELECT 1, account_id, COUNT(*), MAX(id) FROM {MeasurementEvent._meta.db_table} "
        f"WHERE {where} AND kind NOT IN ({kinds}) GROUP BY account_id"
    )
    rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*id_params, *id_params, *ENGINE_EVENT_KINDS])
        for part, account_id, count, last in cursor.fetchall():
            rows[account_id].append((part, int(count), int(last)))
    out = {}
    fields = [f.attname for f in Account._meta.concrete_fields]
    for account_id, account in accounts.items():
        owner_active = account.owner is not None and account.owner.is_active
        record = [
            context,
            repr([getattr(account, name) for name in fields]),
            repr(owner_active),
            *map(repr, sorted(rows[account_id])),
        ]
        out[account_id] = hashlib.blake2b("\n".join(record).encode(), digest_size=16).hexdigest()
    return out


def unchanged_accounts(fingerprints: dict[int, str], *, as_of: dt.date, rules_version_id: int | None) -> set[int]:
    """The accounts last scored for this day, under this rules version, on these inputs."""
    from signals.models import AccountScoring

    if rules_version_id is None:
        return set()
    stored = AccountScoring.objects.filter(
        AnyOf("account_id", fingerprints), scored_on=as_of, rules_version_id=rules_version_id
    ).values_list("account_id", "inputs")
    return {account_id for account_id, inputs in stored if fingerprints.get(account_id) == inputs}
