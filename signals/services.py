"""Writes of the signal engine: classify texts, score accounts, store candidates.

`accounts_score` is the one path behind the Celery tasks, `score_accounts` and the
rescore that follows an import or a change of rules.
"""

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Account, Interaction, Ticket
from core.sql import AnyOf, pg_array
from measurement.models import EventKind, MeasurementEvent
from signals import classifier, lifecycle
from signals.consent import opt_out_found
from signals.engine.assess import Assessment, assess_account, review_facts_of
from signals.engine.brief import cited_evidence, get_brief_writer
from signals.engine.facts import AccountFacts, RulesLookup, account_facts, chunked
from signals.engine.inputs import inputs_fingerprints, unchanged_accounts
from signals.models import AccountScoring, Candidate, PhraseRule, Rule, RulesVersion
from signals.rules import RULE_SPECS, RuleSet, parse_rule
from signals.vocabulary import OPEN_STATUSES, CandidateStatus

logger = logging.getLogger(__name__)

CHUNK = 2000
CLASSIFY_BATCH = 1000
# Read the next chunk on a second connection while this one is assessed and stored
# (PostgreSQL only; see _chunks_read).
RESCORE_PREFETCH = True


# --- rules ---------------------------------------------------------------------------


def rules_lookup(rules: Sequence[Rule] | None = None) -> RulesLookup:
    """The effective rules: contract defaults, overridden by admin rows, per segment.
    `rules` replaces the stored rows (the admin's preview of a change, unsaved)."""
    defaults = {spec.key: parse_rule(spec.key, spec.default) for spec in RULE_SPECS}
    overrides: dict[str, dict] = defaultdict(dict)
    for rule in Rule.objects.all() if rules is None else rules:
        try:
            value = parse_rule(rule.key, rule.value)
        except Exception:  # a row saved around validation must not stop scoring
            logger.warning("ignoring invalid rule %s", rule)
            continue
        overrides[rule.segment][rule.key] = value
    base = {**defaults, **overrides.pop("", {})}
    by_segment = {segment: RuleSet({**base, **values}) for segment, values in overrides.items()}
    return RulesLookup(by_segment, RuleSet(base))


def rules_seed(**kwargs: object) -> None:
    """A fresh install (or a flushed test database) starts from the contract's defaults
    and the classifier's phrase rules. Only an empty table is seeded, so rules an admin
    deleted stay deleted across deploys (deactivate a phrase rule rather than deleting
    all of them)."""
    if not Rule.objects.exists():
        Rule.objects.bulk_create([Rule(key=spec.key, segment="", value=spec.default) for spec in RULE_SPECS])
    if not PhraseRule.objects.exists():
        PhraseRule.objects.bulk_create(
            [
                PhraseRule(
                    name=spec.name,
                    pattern=spec.pattern,
                    kind=spec.kind,
                    signal_type=spec.signal_type,
                    conflict=spec.conflict,
                    weight=spec.weight,
                )
                for spec in classifier.DEFAULT_PHRASE_RULES
            ]
        )


def phrase_rule_specs() -> tuple[classifier.PhraseRuleSpec, ...]:
    return tuple(
        classifier.PhraseRuleSpec(
            name=r.name,
            pattern=r.pattern,
            kind=r.kind,
            signal_type=r.signal_type,
            conflict=r.conflict,
            weight=r.weight,
        )
        for r in PhraseRule.objects.filter(active=True).order_by("name")
    )


def rules_changed(*, segment: str | None) -> int:
    """A rule or phrase rule changed: rescore the accounts it applies to (after commit).
    `segment` None means every account (phrase rules change how every text reads)."""
    from signals.tasks import enqueue_scoring

    accounts = Account.objects.all()
    if segment:
        accounts = accounts.filter(segment=segment)
    ids = list(accounts.values_list("pk", flat=True))
    transaction.on_commit(lambda: enqueue_scoring(ids))
    return len(ids)


# --- classification --------------------------------------------------------------------


def texts_classify(*, account_ids: list[int] | None = None) -> int:
    """Read every customer text whose stored reading is stale (made by another model
    version); returns how many were read. Each reading keeps the version that made it
    and the phrase rules that fired."""
    from signals.feedback import active_version

    specs = phrase_rule_specs()
    version = active_version(specs)
    done = _texts_classify(Interaction, lambda o: o.text, ["text", "direction"], specs, version, account_ids)
    done += _texts_classify(
        Ticket, lambda o: f"{o.subject}. {o.body}", ["subject", "body"], specs, version, account_ids
    )
    return done


def _texts_classify[M: (Interaction, Ticket)](
    model: type[M],
    text_of: Callable[[M], str],
    fields: list[str],
    specs: Sequence[classifier.PhraseRuleSpec],
    version: str,
    account_ids: list[int] | None,
) -> int:
    from signals.feedback import classify_readings

    done = 0
    qs = model.objects.exclude(classified_with=version)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    last_pk = 0
    while True:
        batch = list(qs.filter(pk__gt=last_pk).order_by("pk").only(*fields)[:CLASSIFY_BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        readable = [o for o in batch if getattr(o, "direction", "inbound") == "inbound"]
        texts = [text_of(o) for o in readable]
        _, results = classify_readings(texts, specs) if readable else (version, [])
        for obj, text, result in zip(readable, texts, results, strict=True):
            obj.signal_type = result.signal_type
            obj.intent = result.intent
            obj.conflict = result.conflict or ""
            obj.confidence = round(result.confidence, 4)
            obj.matched_rules = list(result.matched_rules)
            obj.opt_out = bool(opt_out_found(classifier.own_words(text)))
        for obj in batch:
            if getattr(obj, "direction", "inbound") != "inbound":
                # our own outbound messages are not the customer's words
                obj.signal_type, obj.intent, obj.conflict, obj.confidence = "none", "none", "", None
                obj.matched_rules = []
                obj.opt_out = False
            obj.classified_with = version
        _store_readings(model, batch)
        done += len(batch)
    return done


def _store_readings[M: (Interaction, Ticket)](model: type[M], batch: list[M]) -> None:
    """Write the classifier's readings. On PostgreSQL one UPDATE ... FROM unnest(...) per
    batch: bulk_update's CASE statements were most of the time of a large backfill."""
    from django.db import connection

    if connection.vendor != "postgresql":
        model.objects.bulk_update(
            batch,
            ["signal_type", "intent", "conflict", "confidence", "classified_with", "matched_rules", "opt_out"],
            batch_size=CLASSIFY_BATCH,
        )
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS t SET signal_type = v.signal_type, intent = v.intent, conflict = v.conflict,
                   confidence = v.confidence, classified_with = v.classified_with,
                   matched_rules = v.matched_rules::jsonb, opt_out = v.opt_out
            FROM unnest(
                %s::bigint[], %s::text[], %s::text[], %s::text[], %s::float8[], %s::text[], %s::text[], %s::bool[]
            ) AS v(id, signal_type, intent, conflict, confidence, classified_with, matched_rules, opt_out)
            WHERE t.id = v.id
            """,
            [
                [o.pk for o in batch],
                [o.signal_type for o in batch],
                [o.intent for o in batch],
                [o.conflict for o in batch],
                [o.confidence for o in batch],
                [o.classified_with for o in batch],
                [json.dumps(o.matched_rules) for o in batch],
                [o.opt_out for o in batch],
            ],
        )


# --- scoring --------------------------------------------------------------------------


@dataclass
class AccountSummary:
    external_id: str
    candidates: list[tuple[str, str, int, str]] = field(default_factory=list)  # type, rec, score, status

    def line(self) -> str:
        if not self.candidates:
            return f"{self.external_id}: no expansion signal"
        parts = ", ".join(
            f"{t} {rec} {score}{'' if status == 'pending' else f' ({status})'}"
            for t, rec, score, status in self.candidates
        )
        return f"{self.external_id}: {parts}"


@dataclass
class ScoreSummary:
    as_of: dt.date
    accounts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    expired: int = 0
    attached: int = 0
    returned: int = 0
    classified: int = 0
    skipped: int = 0  # accounts whose inputs, day and rules were those of their last scoring
    per_account: list[AccountSummary] = field(default_factory=list)


def rules_version_current(lookup: RulesLookup, specs: tuple[classifier.PhraseRuleSpec, ...]) -> RulesVersion:
    """The stored version of the rules in force (one row per distinct set of values)."""
    values = {
        "": _plain(lookup.default.values),
        **{segment: _plain(rules.values) for segment, rules in sorted(lookup.by_segment.items())},
    }
    from signals.feedback import active_version

    fingerprint = active_version(specs)
    digest = hashlib.sha256(json.dumps([values, fingerprint], sort_keys=True).encode()).hexdigest()
    version = RulesVersion.objects.filter(digest=digest).first()
    if version is None:
        version, _ = RulesVersion.objects.get_or_create(
            digest=digest, defaults={"values": values, "classifier": fingerprint}
        )
    return version


def _plain(values: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(values.items())}


def accounts_score(
    *,
    account_ids: list[int] | None = None,
    as_of: dt.date | None = None,
    summarize: bool = False,
    force: bool = False,
) -> ScoreSummary:
    """Score these accounts (all when None) as of a day and store their candidates.

    An account last scored for the same day under the same rules version, whose inputs
    have not changed since (signals/engine/inputs.py), is skipped: scoring it again would
    store nothing. `force` scores every account anyway."""
    as_of = as_of or timezone.now().date()
    summary = ScoreSummary(as_of=as_of)
    summary.classified = texts_classify(account_ids=account_ids)
    lookup = rules_lookup()
    version = rules_version_current(lookup, phrase_rule_specs())
    writer = get_brief_writer()
    counts = lifecycle.StoreCounts()
    ids = account_ids if account_ids is not None else list(Account.objects.order_by("pk").values_list("pk", flat=True))
    chunks = list(chunked(sorted(set(ids)), CHUNK))
    inner = type(getattr(writer, "writer", writer))  # the configured writer inside the validating wrapper
    context = f"{inner.__module__}.{inner.__qualname__}"
    for reads in _chunks_read(chunks, as_of=as_of, lookup=lookup, rules_version=version, context=context, force=force):
        summary.skipped += reads.skipped
        summary.accounts += reads.skipped
        if not reads.facts:
            continue
        assessments: dict[int, list[Assessment]] = {}
        for account_id, f in reads.facts.items():
            rules = lookup.for_account(f.account)
            found = assess_account(f, rules, as_of, last_outreach=reads.outreach.get(account_id))
            for a in found:
                a.brief = writer.write(a, f, as_of)
                a.evidence = cited_evidence(a.brief, a.blockers)
                a.review_facts = review_facts_of(a, f, rules, as_of)
            assessments[account_id] = found
        with transaction.atomic():
            lifecycle.candidates_store(
                account_ids=sorted(reads.facts),
                accounts={pk: f.account for pk, f in reads.facts.items()},
                assessments=assessments,
                rules_for=lookup.for_account,
                as_of=as_of,
                rules_version=version,
                counts=counts,
            )
            _scorings_record({pk: reads.fingerprints[pk] for pk in reads.facts}, as_of=as_of, rules_version=version)
        summary.accounts += len(reads.facts)
    for name in ("created", "updated", "unchanged", "expired", "attached", "returned"):
        setattr(summary, name, getattr(counts, name))
    if summarize:
        _summarize(summary, ids)
    return summary


@dataclass
class _ChunkReads:
    """What scoring one chunk reads before it assesses and stores."""

    fingerprints: dict[int, str]
    skipped: int
    facts: dict[int, AccountFacts]
    outreach: dict[int, tuple[int, dt.datetime]]


def _chunk_read(
    chunk: list[int],
    *,
    as_of: dt.date,
    lookup: RulesLookup,
    rules_version: RulesVersion,
    context: str,
    force: bool,
) -> _ChunkReads:
    """The chunk's accounts, their inputs' fingerprints (read first: signals/engine/inputs.py),
    and the facts of those that changed since their last scoring."""
    accounts = {a.pk: a for a in Account.objects.filter(AnyOf("pk", chunk)).select_related("owner")}
    fingerprints = inputs_fingerprints(accounts, context=context)
    skip = set() if force else unchanged_accounts(fingerprints, as_of=as_of, rules_version_id=rules_version.pk)
    todo = {pk: a for pk, a in accounts.items() if pk not in skip}
    if not todo:
        return _ChunkReads(fingerprints, len(skip), {}, {})
    todo_ids = sorted(todo)
    facts = account_facts(account_ids=todo_ids, as_of=as_of, rules_for=lookup, accounts=todo)
    return _ChunkReads(fingerprints, len(skip), facts, _last_outreach(todo_ids))


def _chunks_read(
    chunks: list[list[int]],
    *,
    as_of: dt.date,
    lookup: RulesLookup,
    rules_version: RulesVersion,
    context: str,
    force: bool,
) -> Iterator[_ChunkReads]:
    """Each chunk's reads, in order. On PostgreSQL, outside a transaction, the next chunk
    is read on a second connection while this one is assessed and stored: the server
    works on the reads while this process runs Python, so a rescore takes about the
    longer of the two instead of their sum. The reads touch other accounts than the
    chunk being stored, and each chunk's fingerprint is still read before its facts.
    Inside a transaction (tests, a caller's atomic block) a second connection would not
    see its writes: read in turn there, and on SQLite."""

    def read(chunk: list[int]) -> _ChunkReads:
        return _chunk_read(chunk, as_of=as_of, lookup=lookup, rules_version=rules_version, context=context, force=force)

    if len(chunks) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block or not RESCORE_PREFETCH:
        for chunk in chunks:
            yield read(chunk)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rescore-read") as pool:
        try:
            pending = pool.submit(read, chunks[0])
            for following in [*chunks[1:], None]:
                reads = pending.result()
                if following is not None:
                    pending = pool.submit(read, following)
                yield reads
        finally:
            pool.submit(connections.close_all).result()  # the reading thread's connection


def _scorings_record(fingerprints: dict[int, str], *, as_of: dt.date, rules_version: RulesVersion) -> None:
    """Remember what these accounts were scored on (in the store's transaction: a store
    rolled back leaves no record that would skip the next run)."""
    if not fingerprints:
        return
    now = timezone.now()
    if connection.vendor == "postgresql":  # one upsert from array literals (core/sql.py)
        table = AccountScoring._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (account_id, scored_on, rules_version_id, inputs, updated_at)
                SELECT v.account_id, %s, %s, v.inputs, %s FROM unnest(%s::bigint[], %s::text[]) AS v(account_id, inputs)
                ON CONFLICT (account_id) DO UPDATE SET scored_on = EXCLUDED.scored_on,
                    rules_version_id = EXCLUDED.rules_version_id, inputs = EXCLUDED.inputs,
                    updated_at = EXCLUDED.updated_at
                """,
                [as_of, rules_version.pk, now, pg_array(fingerprints), pg_array(fingerprints.values())],
            )
        return
    AccountScoring.objects.bulk_create(
        [
            AccountScoring(account_id=pk, scored_on=as_of, rules_version=rules_version, inputs=inputs, updated_at=now)
            for pk, inputs in fingerprints.items()
        ],
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=["scored_on", "rules_version", "inputs", "updated_at"],
        batch_size=CHUNK,
    )


COUNTS = ("accounts", "created", "updated", "unchanged", "expired", "attached", "returned", "classified", "skipped")


def rescore_plan(*, as_of: dt.date | None = None, chunk_size: int | None = None) -> tuple[dt.date, list[list[int]]]:
    """A full rescore cut into chunks of account ids (each a task of its own)."""
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    return as_of or timezone.now().date(), list(chunked(ids, chunk_size or CHUNK))


def rescore_chunk(account_ids: list[int], as_of: dt.date) -> dict[str, int]:
    """Score one chunk of a full rescore; its counts, for the summary."""
    summary = accounts_score(account_ids=account_ids, as_of=as_of)
    return {name: getattr(summary, name) for name in COUNTS}


def rescore_summary(results: list[dict[str, int]], as_of: dt.date) -> dict[str, Any]:
    """Once every chunk is done: what the run changed (the chunks' counts added up) and
    the open candidates it leaves (read from the database, so a chunk run twice cannot
    count twice)."""
    totals = {name: sum(r.get(name, 0) for r in results) for name in COUNTS}
    by_status = dict(
        Candidate.objects.filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    out = {"as_of": as_of.isoformat(), "chunks": len(results), **totals, "open": by_status}
    logger.info("full rescore as of %s done: %s", as_of, out)
    return out


def _last_outreach(account_ids: list[int]) -> dict[int, tuple[int, dt.datetime]]:
    """The latest outreach that stands (not withdrawn by a correction) per account."""
    rows = (
        MeasurementEvent.objects.filter(
            AnyOf("account_id", account_ids), kind=EventKind.OUTREACH_SENT, corrections__isnull=True
        )
        .values("account_id")
        .annotate(at=Max("occurred_at"), last_id=Max("pk"))
    )
    return {row["account_id"]: (row["last_id"], row["at"]) for row in rows}


def _summarize(summary: ScoreSummary, ids: list[int]) -> None:
    """One line per account for the command line: its open candidates after this run."""
    by_account = {
        external_id: AccountSummary(external_id)
        for external_id in Account.objects.filter(pk__in=ids)
        .order_by("external_id")
        .values_list("external_id", flat=True)
    }
    rows = (
        Candidate.objects.filter(account_id__in=ids, status__in=OPEN_STATUSES)
        .order_by("account__external_id", "signal_type")
        .values_list("account__external_id", "signal_type", "recommendation", "score", "status")
    )
    for external_id, signal_type, recommendation, score, status in rows:
        by_account[external_id].candidates.append((signal_type, recommendation, score, status))
    summary.per_account = list(by_account.values())


# --- deferrals -------------------------------------------------------------------------


def deferrals_return(*, today: dt.date | None = None, account_ids: list[int] | None = None) -> int:
    """Deferred candidates whose date has come go back to the queue."""
    today = today or timezone.now().date()
    deferred = Candidate.objects.filter(status=CandidateStatus.DEFERRED, defer_until__lte=today)
    if account_ids is not None:
        deferred = deferred.filter(account_id__in=account_ids)
    due = deferred.values_list("pk", flat=True)
    returned = 0
    for pk in list(due):
        if lifecycle.candidate_return(candidate_id=pk, reason="deferral date reached"):
            returned += 1
    return returned
