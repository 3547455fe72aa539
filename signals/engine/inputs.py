"""A fingerprint of everything the engine reads about an account, to skip a rescore that
would store nothing new (docs/engine.md, section 4, "Skipping unchanged accounts").

An account's scoring depends on the day, the rules version (rule values, phrase rules
and the classifier's version: `services.rules_version_current`) and these rows:

- the account itself and whether its owner is active;
- its usage, tickets, messages, outcomes and contacts: each table's row count and the
  sum of its rows' `updated_at` (every write path stamps it: the importer, the admin, the
  API's saves). A count catches a deletion; the sum catches any row written again, even
  one stamped earlier than the newest row (a max would miss it);
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
from typing import Any

from django.db import connection

from accounts.models import Account, Contact, Interaction, Outcome, Ticket, UsageDaily
from core.sql import id_filter_sql
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
EVIDENCE_TABLES = (UsageDaily, Ticket, Interaction, Outcome, Contact)


def _stamp_sum() -> str:
    """SQL summing `updated_at` exactly enough that rewriting one row changes the sum."""
    if connection.vendor == "postgresql":
        return "SUM(EXTRACT(EPOCH FROM updated_at))"
    return "SUM(julianday(updated_at))"


def inputs_fingerprints(accounts: dict[int, Account], *, context: str = "") -> dict[int, str]:
    """One digest per account (accounts loaded with their owner): one query for the
    evidence tables and the events, whatever the number of accounts. `context` is what
    else the run's result depends on, the same for every account (the brief writer)."""
    if not accounts:
        return {}
    ids = sorted(accounts)
    where, id_params = id_filter_sql("account_id", ids, connection.vendor)
    parts = [
        f"SELECT {n}, account_id, COUNT(*), {_stamp_sum()} FROM {model._meta.db_table} "
        f"WHERE {where} GROUP BY account_id"
        for n, model in enumerate(EVIDENCE_TABLES)
    ]
    kinds = ", ".join(["%s"] * len(ENGINE_EVENT_KINDS))
    parts.append(
        f"SELECT {len(EVIDENCE_TABLES)}, account_id, COUNT(*), MAX(id) FROM {MeasurementEvent._meta.db_table} "
        f"WHERE {where} AND kind NOT IN ({kinds}) GROUP BY account_id"
    )
    params: list[Any] = [*id_params * len(EVIDENCE_TABLES), *id_params, *ENGINE_EVENT_KINDS]
    rows: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for part, account_id, count, stamp in cursor.fetchall():
            rows[account_id].append((part, count, str(stamp)))
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
        account_id__in=list(fingerprints), scored_on=as_of, rules_version_id=rules_version_id
    ).values_list("account_id", "inputs")
    return {account_id for account_id, inputs in stored if fingerprints.get(account_id) == inputs}
