#!/usr/bin/env python
"""The pilot dashboard over 1,000,000 measurement events on PostgreSQL.

    .venv/bin/python bench/dashboard_bench.py                 # the full run (about 1-2 minutes)
    .venv/bin/python bench/dashboard_bench.py --events 100000 # a quick look

One run, on a scratch database `bench_dashboard` (dropped and recreated, then dropped
again unless --keep):

1. (load, a fresh process) writes a book: ACCOUNTS accounts of 25 owners, a contact
   each, CANDIDATES candidates surfaced over the last year (seven signal types, one
   open candidate per account and type at most), their owners' decisions (approve,
   reject with reasons incl. false positives, defer) and outcomes, and measurement
   events up to EVENTS in all (the rest are the nightly rescoring's
   `recommendation_changed` events). Candidates, decisions and events go in with
   COPY: insert-only, so the append-only trigger lets them through. Then ANALYZE.
2. (measure, a fresh process) times GET /dashboard/ through Django's test client:
   a leader on the default eight weeks, on a year, on a 60-day top-200 pilot, and an
   owner's own slice; each one warm-up request, then RUNS timed requests; and counts
   the queries of one request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

if TYPE_CHECKING:
    import psycopg

HERE = Path(__file__).resolve()
TYPES = ("seats", "capacity", "tier_upgrade", "scale", "cross_sell", "add_on", "volume_pricing")
RECS = (("pursue", 30), ("prove_value", 25), ("wait", 20), ("nurture", 15), ("stop", 10))
INTENTS = (("buying", 50), ("curious", 30), ("inferred", 20))
OWNERS = 25
BRIEF = json.dumps(
    {
        "signal": [{"text": "Asked for 20 more seats.", "evidence": ["m1"]}],
        "value": [{"text": "Verified: close down from 6 to 3 days.", "evidence": ["o1"]}],
        "risk_timing": [{"text": "No unresolved support tickets.", "evidence": []}],
        "stakeholders": [{"text": "Ann Archer, VP Finance, decision maker; last wrote on 1 Nov.", "evidence": []}],
        "next_step": [{"text": "Propose a short call with Ann.", "evidence": ["m1"]}],
    }
)


def _copy(cursor: psycopg.Cursor[Any], table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


RULES = ("more-seats", "new-team", "pricing-question", "upgrade-ask", "storage-limit", "api-volume")


def _triggers(rng: random.Random, surfaced: dt.datetime, intent: str) -> str:
    """A message trigger with the phrase rules that fired on it, or a usage trigger."""
    if intent == "inferred":
        return json.dumps([{"ref": "seats:x", "kind": "seats", "at": surfaced.isoformat(), "evidence": "usage:x"}])
    rules = rng.sample(RULES, rng.randint(1, 2))
    return json.dumps([{"ref": "m0", "kind": "message", "at": surfaced.isoformat(), "evidence": "m0", "rules": rules}])


def _review_facts(rng: random.Random, i: int) -> str:
    """The review-quality parts as the engine stores them, most present, some missing."""
    facts: dict[str, Any] = {"checked": True, "open_issues_checked": rng.random() < 0.95}
    if rng.random() < 0.9:
        facts["source_evidence"] = [f"m{i}"]
    if rng.random() < 0.6:
        facts["value_proof"] = {"verified": True, "outcome": f"o{i}", "title": "Close down 6 to 3 days"}
    if rng.random() < 0.7:
        facts["stakeholders"] = [{"contact_id": 1, "name": "Ann Archer", "role": "decision_maker"}]
    return json.dumps(facts)


def child_load(accounts: int, candidates: int, events: int, seed: int) -> None:
    c.django_setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Account, Contact
    from core.roles import LEADER, OWNER
    from measurement.models import Pilot
    from signals.vocabulary import queue_rank

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    today = now.date()
    User = get_user_model()
    owner_group, _ = Group.objects.get_or_create(name=OWNER)
    leader_group, _ = Group.objects.get_or_create(name=LEADER)
    owners = User.objects.bulk_create(
        [
            User(username=f"owner{i}@bench.example", email=f"owner{i}@bench.example", first_name=f"Owner{i}")
            for i in range(OWNERS)
        ]
    )
    leader = User.objects.create(username="leader@bench.example", email="leader@bench.example", first_name="Lee")
    owner_group.user_set.add(*owners)
    leader_group.user_set.add(leader)
    rows = []
    for n in range(accounts):
        rows.append(
            Account(
                external_id=f"acct-{n:05d}",
                name=f"Account {n:05d}",
                owner=owners[n % OWNERS],
                segment=("enterprise", "mid-market", "smb")[n % 3],
                plan="Growth",
                seats_purchased=50,
                arr=Decimal(rng.randrange(10_000, 500_000, 1000)),
                renewal_date=today + dt.timedelta(days=n % 365),
                health=rng.choice(("good", "good", "neutral", "poor", "")),
            )
        )
    account_objs = Account.objects.bulk_create(rows, batch_size=2000)
    Contact.objects.bulk_create(
        [
            Contact(
                external_id=f"c-{a.pk}", account=a, name="Ann", role=rng.choice(("decision_maker", "champion", "user"))
            )
            for a in account_objs
        ],
        batch_size=2000,
    )
    pilot = Pilot.objects.create(
        name="Top 200 healthy",
        start_date=today - dt.timedelta(days=59),
        duration_days=60,
        sample="top_healthy",
        top_n=200,
    )
    pilot.owner_team.set(owners)

    # Candidates: surfaced over the last year; open ones unique per account and type.
    open_keys: set[tuple[int, str]] = set()
    cand_rows, plan = [], []
    for i in range(candidates):
        account = account_objs[rng.randrange(accounts)]
        signal_type = rng.choice(TYPES)
        age_h = rng.uniform(0, 365 * 24)
        surfaced = now - dt.timedelta(hours=age_h)
        rec = rng.choices([r for r, _ in RECS], [w for _, w in RECS])[0]
        intent = rng.choices([r for r, _ in INTENTS], [w for _, w in INTENTS])[0]
        decided = rng.random() < min(0.9, 0.2 + age_h / 24 / 30)
        kind = rng.choices(("approve", "reject", "defer"), (45, 40, 15))[0] if decided else ""
        key = (account.pk, signal_type)
        if kind in ("", "defer"):
            if key in open_keys:
                kind = rng.choice(("approve", "reject"))
                decided = True
            else:
                open_keys.add(key)
        status = {"approve": "approved", "reject": "rejected", "defer": "deferred", "": "pending"}[kind]
        decided_at = surfaced + dt.timedelta(hours=min(rng.lognormvariate(3.5, 1.0), age_h * 0.9)) if decided else None
        blockers = (
            '[{"code": "no_value_proof", "message": "Prove value first", "evidence": []}]'
            if rec == "prove_value"
            else "[]"
        )
        cand_rows.append(
            (
                surfaced,
                decided_at or surfaced,
                account.pk,
                signal_type,
                status,
                intent,
                rng.randrange(20, 95),
                "{}",
                rec,
                blockers,
                False,
                json.dumps([f"m{i}", f"usage:seats_used:{today}"]),
                BRIEF,
                surfaced,
                surfaced.date(),
                today,
                (today + dt.timedelta(days=30)) if kind == "defer" else None,
                decided_at,
                account.owner_id if decided else None,
                1,
                queue_rank(rec),
                _triggers(rng, surfaced, intent),
                _review_facts(rng, i),
                False,  # held_out: the benchmark's book has no holdout
            )
        )
        plan.append((account.pk, account.owner_id, signal_type, rec, surfaced, kind, decided_at))
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        _copy(
            raw,
            "signals_candidate",
            (
                "inserted_at",
                "updated_at",
                "account_id",
                "signal_type",
                "status",
                "intent",
                "score",
                "score_components",
                "recommendation",
                "blockers",
                "no_owner",
                "evidence",
                "brief",
                "latest_evidence_at",
                "first_detected_on",
                "scored_on",
                "defer_until",
                "decided_at",
                "decided_by_id",
                "version",
                "queue_rank",
                "triggers",
                "review_facts",
                "held_out",
            ),
            cand_rows,
        )
        cursor.execute("SELECT id FROM signals_candidate ORDER BY id")
        ids = [r[0] for r in cursor.fetchall()]
        decision_rows, event_rows = [], []

        def event(
            kind: str,
            cid: int,
            acc: int,
            owner: int | None,
            at: dt.datetime,
            st: str,
            rec: str,
            data: str = "{}",
            actor: int | None = None,
        ) -> None:
            # An event is logged when it happens: a follow-up planned after today is not in the stream yet.
            if at <= now:
                event_rows.append((kind, at, actor, cid, acc, owner, st, rec, 60, "[]", data))

        reasons = ("false_positive", "no_value_proof", "bad_timing", "not_a_fit", "already_in_progress")
        for cid, (acc, owner, st, rec, surfaced, kind, decided_at) in zip(ids, plan, strict=True):
            event("signal_created", cid, acc, owner, surfaced, st, rec)
            if kind and decided_at is not None:  # a decided candidate has its time
                event("reviewed", cid, acc, owner, decided_at - dt.timedelta(minutes=5), st, rec, actor=owner)
                reason = rng.choice(reasons) if kind == "reject" else ""
                decision_rows.append(
                    (
                        cid,
                        kind,
                        owner,
                        decided_at,
                        rec,
                        "Call the champion" if kind == "approve" else "",
                        "",
                        kind == "approve",
                        "",
                        reason,
                        (decided_at.date() + dt.timedelta(days=30)) if kind == "defer" else None,
                        "",
                    )
                )
                event(
                    {"approve": "approved", "reject": "rejected", "defer": "deferred"}[kind],
                    cid,
                    acc,
                    owner,
                    decided_at,
                    st,
                    rec,
                    json.dumps({"reason": reason}),
                    owner,
                )
                if reason == "false_positive":
                    event("false_positive", cid, acc, owner, decided_at, st, rec, actor=owner)
                if kind == "approve" and rng.random() < 0.7:
                    t = decided_at + dt.timedelta(days=2)
                    event("outreach_sent", cid, acc, owner, t, st, rec, actor=owner)
                    if rng.random() < 0.6:
                        event(
                            "customer_responded",
                            cid,
                            acc,
                            owner,
                            t + dt.timedelta(days=2),
                            st,
                            rec,
                            '{"response": "positive"}',
                            owner,
                        )
                        if rng.random() < 0.5:
                            event(
                                "opportunity_created", cid, acc, owner, t + dt.timedelta(days=5), st, rec, actor=owner
                            )
                            if rng.random() < 0.6:
                                event(
                                    "closed_won",
                                    cid,
                                    acc,
                                    owner,
                                    t + dt.timedelta(days=20),
                                    st,
                                    rec,
                                    json.dumps({"amount": f"{rng.randrange(5000, 90000)}.00", "currency": "USD"}),
                                    owner,
                                )
        # The rest: nightly rescoring moved recommendations back and forth.
        base = len(event_rows)
        for n in range(max(0, events - base)):
            cid = ids[n % len(ids)]
            acc, owner, st, rec, surfaced, _, _ = plan[n % len(ids)]
            at = min(surfaced + dt.timedelta(hours=1 + (n // len(ids)) * 24), now)
            event("recommendation_changed", cid, acc, owner, at, st, rec, '{"from": "wait", "to": "pursue"}')
        _copy(
            raw,
            "reviews_decision",
            (
                "candidate_id",
                "kind",
                "decided_by_id",
                "decided_at",
                "recommendation",
                "next_step",
                "next_step_who",
                "consent_reviewed",
                "override_reason",
                "reason_code",
                "defer_until",
                "note",
            ),
            decision_rows,
        )
        written = _copy(
            raw,
            "measurement_measurementevent",
            (
                "kind",
                "occurred_at",
                "actor_id",
                "candidate_id",
                "account_id",
                "owner_id",
                "signal_type",
                "recommendation",
                "score",
                "evidence",
                "data",
            ),
            event_rows,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    c.report(
        {
            "accounts": accounts,
            "candidates": len(ids),
            "decisions": len(decision_rows),
            "events": written,
            "load_s": round(time.perf_counter() - started, 1),
        }
    )


def child_rollup(signals: int) -> None:
    """Build the rollup from scratch (as after the migration), then fold in one more
    batch: a follow-up logged on `signals` signals, as a busy day adds."""
    c.django_setup()
    from django.db import transaction
    from django.utils import timezone

    from measurement.models import EventKind, MeasurementEvent, RollupDirty
    from measurement.rollup import rollup_refresh
    from measurement.services import event_for
    from signals.models import Candidate

    dirty = RollupDirty.objects.count()
    started = time.perf_counter()
    written = rollup_refresh()
    build_s = time.perf_counter() - started
    chosen = list(Candidate.objects.filter(status="approved").select_related("account").order_by("-pk")[:signals])
    now = timezone.now()
    with transaction.atomic():
        MeasurementEvent.objects.bulk_create(
            [
                event_for(kind=EventKind.OUTREACH_SENT, candidate=x, actor=x.account.owner, occurred_at=now)
                for x in chosen
            ]
        )
    started = time.perf_counter()
    folded = rollup_refresh()
    c.report(
        {
            "dirty_after_load": dirty,
            "rows": written,
            "build_s": round(build_s, 2),
            "batch_events": len(chosen),
            "batch_rows": folded,
            "batch_s": round(time.perf_counter() - started, 3),
        }
    )


def child_measure(runs: int, mode: str = "1") -> None:
    import os

    os.environ["DASHBOARD_ROLLUP"] = mode
    c.django_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from measurement.models import Pilot

    setup_test_environment()  # so that responses carry their template context
    today = timezone.now().date()
    User = get_user_model()
    leader = User.objects.get(username="leader@bench.example")
    owner = User.objects.get(username="owner0@bench.example")
    pilot = Pilot.objects.get()
    year = {"pilot": "all", "start": (today - dt.timedelta(days=364)).isoformat(), "end": today.isoformat()}
    scenarios = [
        ("leader, all accounts, last 8 weeks (default without a pilot)", leader, {"pilot": "all"}),
        ("leader, all accounts, last 365 days", leader, year),
        ("leader, pilot: top 200 healthy, 60 days", leader, {"pilot": str(pilot.pk)}),
        ("owner (1 of 25), own slice, last 8 weeks", owner, {"pilot": "all"}),
    ]
    out = []
    queries: list[str] = []

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    for label, user, params in scenarios:
        client = Client()
        client.force_login(user)
        first = client.get("/dashboard/", params)
        assert first.status_code == 200, first.status_code
        queries.clear()
        with connection.execute_wrapper(count):
            response = client.get("/dashboard/", params)
        surfaced = response.context["totals"].surfaced
        times: list[float] = []
        cpu: list[float] = []
        sql: list[float] = []

        def sql_time(
            execute: Callable[..., Any], q: str, p: Any, many: bool, context: dict[str, Any], sql: list[float] = sql
        ) -> Any:
            t = time.perf_counter()
            try:
                return execute(q, p, many, context)
            finally:
                sql[-1] += time.perf_counter() - t

        with connection.execute_wrapper(sql_time):
            for _ in range(runs):
                sql.append(0.0)
                t, p = time.perf_counter(), time.process_time()
                client.get("/dashboard/", params)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - p)
        out.append(
            {
                "label": label,
                # On a shared machine the wall time waits for the cores; the process's own
                # CPU time and the time in the database calls say where it went.
                "cpu_s": statistics.median(cpu),
                "sql_s": statistics.median(sql),
                "median_s": statistics.median(times),
                "min_s": min(times),
                "max_s": max(times),
                "queries": len(queries),
                "signals": surfaced,
            }
        )
    c.report({"scenarios": out, "runs": runs})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="measurement events (default 1,000,000)")
    parser.add_argument("--candidates", type=int, default=40_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per scenario")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--batch", type=int, default=1000, help="follow-ups in the incremental rollup batch")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "load":
            child_load(*(int(x) for x in rest))
        elif kind == "measure":
            child_measure(int(rest[0]), rest[1])
        elif kind == "rollup":
            child_rollup(int(rest[0]))
        return

    if args.events > 5_000_000:
        raise SystemExit("--events is capped at 5,000,000 to keep the run bounded")
    c.recreate_database(args.database)
    try:
        print(
            f"loading {args.events:,} events on {args.candidates:,} candidates of {args.accounts:,} accounts ...",
            flush=True,
        )
        load = c.run_child(
            HERE, args.database, "load", str(args.accounts), str(args.candidates), str(args.events), str(args.seed)
        )
        print(
            f"loaded {load['events']:,} events, {load['candidates']:,} candidates, {load['decisions']:,} decisions "
            f"in {load['load_s']} s",
            flush=True,
        )
        rollup = c.run_child(HERE, args.database, "rollup", str(args.batch))
        print(
            f"rollup built: {rollup['rows']:,} rows written in {rollup['build_s']} s "
            f"({rollup['dirty_after_load']:,} dirty marks from the load); one more batch of "
            f"{rollup['batch_events']:,} follow-ups folded in {rollup['batch_s']} s",
            flush=True,
        )
        # The same requests through the live path (every figure from the events, as before
        # the rollup) and through the rollup, in the same run.
        live = c.run_child(HERE, args.database, "measure", str(args.runs), "0")
        measured = c.run_child(HERE, args.database, "measure", str(args.runs), "1")
    finally:
        if not args.keep:
            c.drop_database(args.database)
    print()
    print(
        f"GET /dashboard/ through Django's test client, {load['events']:,} measurement events on PostgreSQL "
        f"({measured['runs']} timed requests each, after one warm-up); live = every figure from the events "
        "(DASHBOARD_ROLLUP=0), rollup = the default"
    )
    rows = []
    for before, after in zip(live["scenarios"], measured["scenarios"], strict=True):
        rows.append(
            [
                after["label"],
                c.fmt_int(after["signals"]),
                f"{before['queries']} / {after['queries']}",
                f"{before['median_s']:.3f}",
                f"{after['median_s']:.3f}",
                f"{before['cpu_s']:.3f} / {after['cpu_s']:.3f}",
                f"{before['sql_s']:.3f} / {after['sql_s']:.3f}",
                f"{after['min_s']:.3f}",
                f"{after['max_s']:.3f}",
                f"{before['median_s'] / after['median_s']:.1f}x",
            ]
        )
    print(
        c.table(
            [
                "scenario",
                "signals in range",
                "queries live / rollup",
                "live median s",
                "rollup median s",
                "Python CPU s live / rollup",
                "in SQL calls s live / rollup",
                "rollup min s",
                "rollup max s",
                "speed-up",
            ],
            rows,
        )
    )
    head, head_live = measured["scenarios"][0], live["scenarios"][0]
    print(
        f"issue row: pilot dashboard at {load['events']:,} events, leader, 8 weeks: "
        f"{head['median_s']:.3f} s ({head['cpu_s']:.3f} s Python CPU, {head['sql_s']:.3f} s in SQL calls), "
        f"{head['queries']} queries (aim <= 0.150 s); live path in the same run "
        f"{head_live['median_s']:.3f} s ({head_live['cpu_s']:.3f} s CPU, {head_live['sql_s']:.3f} s SQL), "
        f"{head_live['queries']} queries; load average (1 min) "
        f"{measured['loadavg_1m_start']} at start, {measured['loadavg_1m_end']} at end"
    )
    print("machine:", ", ".join(f"{k} {v}" for k, v in c.machine().items()))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"load": load, "rollup": rollup, "live": live, "measure": measured, "machine": c.machine()}, indent=2
            )
        )


if __name__ == "__main__":
    main()
