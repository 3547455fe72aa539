"""Build the load benchmark's book: 100,000 pending candidates over 50 owners.

    .venv/bin/python bench/load/setup_data.py                 # drops and rebuilds bench_load
    .venv/bin/python bench/load/setup_data.py --owners 10 --accounts-per-owner 40   # quick look

Recreates the scratch database from scratch every time (DROP ... WITH (FORCE), CREATE,
`manage.py migrate`), then loads everything with COPY through psycopg:

- 50 owners (`loadowner01` ... `loadowner50`, group "Account owner", one shared
  password) and one CS leader (`loadleader`);
- 400 accounts per owner (20,000), each with 3 contacts, 2 inbound messages, 1 ticket and
  two usage readings (`seats_used`, `active_users`) on the as-of day;
- 5 pending candidates per account (5 of the 7 signal types, so the unique "one open
  candidate per account and type" holds): 2,000 in every owner's queue, 100,000 in all,
  with the JSON the engine writes (`score_components` of five weighted parts, `blockers`
  as `{code, message, evidence}`, a five-part `brief` of cited statements, `evidence` the
  cited ids), `queue_rank` as `signals.services` stores it, and a recommendation mix
  close to a real book;
- one more owner, `loadsmall`, as big as the others but who has worked through the
  queue: 400 accounts, 2,000 candidates, 10 still pending, the rest approved (for the
  `queue_small` scenario of run.py; 100,010 pending in all);
- one `signal_created` measurement event per candidate, as the engine records.

Then VACUUM ANALYZE. `run.py` never measures this database directly: it clones it
(`CREATE DATABASE ... TEMPLATE`) for every run, so every run starts from the same state.

Only databases named `bench_load*` are ever dropped or created here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg
    from django.db.models import Model

PROJECT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "load-bench-Pw-2026!"  # scratch database only; never a real account
OWNER_PREFIX = "loadowner"
# one more owner, as big as the others, who has worked through the queue: of the 2,000
# candidates on the 400 accounts, 10 are still pending (the rest approved); for the
# `queue_small` scenario of run.py
SMALL_OWNER, SMALL_PENDING = "loadsmall", 10
FORBIDDEN = {"expansion", "test_expansion", "postgres", "template0", "template1"}

SIGNAL_TYPES = ["seats", "capacity", "tier_upgrade", "scale", "cross_sell", "add_on", "volume_pricing"]
ASKS = {
    "seats": "more seats",
    "capacity": "more capacity",
    "tier_upgrade": "the next tier",
    "scale": "a plan that fits their growth",
    "cross_sell": "the other product line",
    "add_on": "the add-on they asked about",
    "volume_pricing": "volume pricing",
}
# close to what the engine produces on the demo book: a third pursue, the rest blocked
RECOMMENDATIONS = [("pursue", 30), ("prove_value", 22), ("wait", 20), ("nurture", 18), ("stop", 10)]
WEIGHTS = {"intent": 30, "corroboration": 20, "value": 20, "stakeholder": 15, "recency": 15}
ADJ = [
    "Northwind",
    "Blue",
    "Granite",
    "Silver",
    "Harbor",
    "Summit",
    "Cedar",
    "Atlas",
    "Vector",
    "Lumen",
    "Beacon",
    "Copper",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Solstice",
    "Tidal",
    "Union",
    "Willow",
]
NOUN = [
    "Logistics",
    "Health",
    "Analytics",
    "Foods",
    "Energy",
    "Labs",
    "Retail",
    "Freight",
    "Capital",
    "Media",
    "Robotics",
    "Dental",
    "Insurance",
    "Studios",
    "Systems",
    "Partners",
    "Clinics",
    "Travel",
    "Works",
    "Bank",
]
FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Chen",
    "Lukas",
    "Priya",
    "Tom",
    "Sofia",
    "Omar",
    "Elena",
    "Noah",
    "Yuki",
    "Grace",
    "Mateo",
    "Ines",
    "David",
    "Leila",
    "Sam",
    "Hana",
    "Paul",
]
LAST = [
    "Garcia",
    "Smith",
    "Khan",
    "Wang",
    "Muller",
    "Patel",
    "Brown",
    "Rossi",
    "Haddad",
    "Novak",
    "Kim",
    "Tanaka",
    "Okafor",
    "Silva",
    "Dubois",
    "Cohen",
    "Nguyen",
    "Berg",
    "Lopez",
    "Jensen",
]
GOALS = [
    "Cut month-end close to 3 days",
    "Roll out to every regional team",
    "Halve ticket backlog",
    "Replace spreadsheets for forecasting",
    "Onboard new hires in a week",
    "Automate weekly reporting",
]
ASK_TEXTS = {
    "seats": "We need 20 more seats for the new team starting next month.",
    "capacity": "We keep hitting the storage limit; what would more capacity cost?",
    "tier_upgrade": "Does the Business tier include SSO and audit logs? We need both by Q3.",
    "scale": "We are doubling the support team this year and want a plan that grows with us.",
    "cross_sell": "Finance saw the planning module in the demo and wants to try it.",
    "add_on": "Can we add the advanced analytics add-on to our plan?",
    "volume_pricing": "With 400 users now, is there volume pricing?",
}


def check_name(name: str) -> None:
    if name in FORBIDDEN or not name.startswith("bench_load") or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to use database {name!r}: this benchmark's databases are named bench_load*")


def admin() -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def child_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(PROJECT),
    )
    return env


def recreate(database: str) -> None:
    check_name(database)
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PROJECT, env=child_env(database), check=True
    )


# --------------------------------------------------------------------------- rows


def _day(value: dt.date) -> str:
    return f"{value:%-d %b %Y}"


def _s(text: str, *evidence: str) -> dict:
    return {"text": text, "evidence": [e for e in evidence if e]}


def candidate_json(
    rng: random.Random,
    *,
    account: dict,
    signal_type: str,
    rec: str,
    msgs: list[dict],
    ticket: dict,
    contacts: list[dict],
    as_of: dt.date,
) -> dict:
    """score_components, blockers, brief and evidence in the engine's shapes (signals/engine)."""
    msg = msgs[0]
    usage_id = f"usage:seats_used:{as_of.isoformat()}"
    intent = {"nurture": "curious"}.get(rec, rng.choice(["buying", "buying", "inferred"]))
    blockers: list[dict] = []
    if rec == "stop":
        if rng.random() < 0.5:
            blockers.append(
                {
                    "code": "consent_missing",
                    "evidence": [account["external_id"]],
                    "message": f"Stop: {account['name']} does not allow commercial outreach "
                    "(consent or relationship hold).",
                }
            )
        else:
            blockers.append(
                {
                    "code": "context_conflict",
                    "evidence": [msgs[1]["external_id"]],
                    "message": f"Stop: the customer asked to reduce seats on {_day(as_of - dt.timedelta(days=9))} "
                    f"({msgs[1]['external_id']}): “We may need to reduce seats next quarter.”",
                }
            )
    if rec in ("stop", "wait") and rng.random() < 0.7:
        blockers.append(
            {
                "code": "open_support_issue",
                "evidence": [ticket["external_id"]],
                "message": f"Wait: ticket {ticket['external_id']} ‘{ticket['subject']}’ is open, high priority, "
                f"{rng.randint(3, 40)} days old.",
            }
        )
    if rec == "wait" and not blockers:
        blockers.append(
            {
                "code": "poor_health",
                "evidence": [account["external_id"]],
                "message": f"Wait: {account['name']}'s health is marked poor in the CS platform.",
            }
        )
    if rec in ("prove_value", "stop", "wait") and rng.random() < 0.6:
        blockers.append(
            {
                "code": "no_value_proof",
                "evidence": [],
                "message": "Prove value first: no verified outcome in the last 180 days.",
            }
        )
    if rec == "nurture":
        blockers.append(
            {
                "code": "curiosity_only",
                "evidence": [msg["external_id"]],
                "message": "Nurture: the customer is asking, not buying, and nothing else corroborates it "
                "yet: answer the question, make no ask.",
            }
        )
    shares = {
        "intent": {"buying": 1.0, "inferred": 0.6, "curious": 0.4}[intent],
        "corroboration": rng.choice([0.5, 1.0]),
        "value": 0.0 if any(b["code"] == "no_value_proof" for b in blockers) else rng.choice([0.5, 1.0]),
        "stakeholder": rng.choice([0.0, 0.5, 1.0]),
        "recency": round(rng.uniform(0.3, 1.0), 2),
    }
    reasons = {
        "intent": f"intent {intent}",
        "corroboration": "sources: text, usage" if shares["corroboration"] == 1 else "sources: text",
        "value": "verified outcome in the window" if shares["value"] else "no verified outcome",
        "stakeholder": "decision maker engaged" if shares["stakeholder"] == 1 else "champion only",
        "recency": f"newest evidence {rng.randint(0, 20)} days old",
    }
    points = {k: round(shares[k] * w, 1) for k, w in WEIGHTS.items()}
    components = {k: {"points": points[k], "max": float(w), "reason": reasons[k]} for k, w in WEIGHTS.items()}
    score = max(0, min(100, round(sum(points.values()))))
    dm = contacts[0]
    champ = contacts[1]
    brief = {
        "signal": [
            _s(
                f"{champ['name']} ({champ['title']}) stated a need on {_day(as_of - dt.timedelta(days=4))}: "
                f"“{ASK_TEXTS[signal_type]}”",
                msg["external_id"],
            ),
            _s(
                f"Seats used {rng.randint(40, 60)} of {account['seats_purchased']} on {_day(as_of)} "
                f"({rng.randint(85, 100)}% of the plan).",
                usage_id,
            ),
        ],
        "value": [
            _s(f"No outcome evidence on record for {account['name']}. Their stated goal is ‘{account['goals'][0]}’.")
        ]
        if shares["value"] == 0
        else [
            _s(
                f"Verified in Finance on {_day(as_of - dt.timedelta(days=30))}: {account['goals'][0]} achieved, "
                f"against the goal ‘{account['goals'][0]}’."
            )
        ],
        "risk_timing": [
            _s(b["message"], *b["evidence"]) for b in blockers if b["code"] not in ("no_value_proof", "curiosity_only")
        ]
        + [
            _s("No request to reduce, downgrade or cancel, and no mention of alternatives, in the look-back window."),
            _s(
                f"Renewal on {_day(account['renewal_date'])}, in {(account['renewal_date'] - as_of).days} days.",
                account["external_id"],
            ),
        ],
        "stakeholders": [
            _s(
                f"{dm['name']}, {dm['title']} (Operations), decision maker; last wrote on {_day(as_of - dt.timedelta(days=12))}."
            ),
            _s(
                f"{champ['name']}, {champ['title']} (Operations), champion raised this signal; "
                f"last wrote on {_day(as_of - dt.timedelta(days=4))}."
            ),
        ],
        "next_step": [
            _s(
                f"Propose a short call with {champ['name']} and {dm['name']} to scope {ASKS[signal_type]}, tied to "
                f"their goal ‘{account['goals'][0]}’; review proof, timing and the message before anything "
                "reaches the customer.",
                msg["external_id"],
                usage_id,
            )
        ],
    }
    evidence: dict[str, None] = {}
    for part in ("signal", "value", "risk_timing", "stakeholders", "next_step"):
        for statement in brief[part]:
            for e in statement["evidence"]:
                evidence.setdefault(e, None)
    for b in blockers:
        for e in b["evidence"]:
            evidence.setdefault(e, None)
    return {
        "intent": intent,
        "score": score,
        "score_components": components,
        "recommendation": rec,
        "blockers": blockers,
        "brief": brief,
        "evidence": list(evidence),
    }


# --------------------------------------------------------------------------- load


def copy_rows(cursor: psycopg.Cursor[Any], model: type[Model], rows: list[dict[str, Any]]) -> None:
    """COPY plain dicts (keyed by attname) into the model's table; missing fields take their default."""
    from django.db import models as djm

    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    defaults = {f.attname: (f.get_default() if f.has_default() else None) for f in fields}
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            out = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if isinstance(f, djm.JSONField):
                    value = json.dumps(value)
                out.append(value)
            copy.write_row(out)


def load(owners: int, accounts_per_owner: int, candidates_per_account: int, seed: int) -> dict:
    import django

    sys.path.insert(0, str(PROJECT))
    os.chdir(PROJECT)
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Account, Contact, Interaction, Ticket, UsageDaily
    from core.roles import LEADER, OWNER
    from measurement.models import MeasurementEvent
    from signals.models import Candidate
    from signals.vocabulary import queue_rank

    rng = random.Random(seed)
    now = timezone.now()
    as_of = now.date()
    started = time.perf_counter()
    timings: dict[str, float] = {}

    with transaction.atomic():
        t = time.perf_counter()
        hashed = make_password(PASSWORD)
        users = [
            User(
                username=f"{OWNER_PREFIX}{i:02d}",
                email=f"{OWNER_PREFIX}{i:02d}@bench.example",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                password=hashed,
                is_active=True,
            )
            for i in range(1, owners + 1)
        ]
        users.append(
            User(
                username=SMALL_OWNER,
                email=f"{SMALL_OWNER}@bench.example",
                first_name="Small",
                last_name="Queue",
                password=hashed,
            )
        )
        users.append(
            User(
                username="loadleader",
                email="loadleader@bench.example",
                first_name="Lead",
                last_name="Er",
                password=hashed,
            )
        )
        User.objects.bulk_create(users)
        users = list(User.objects.filter(username__startswith=OWNER_PREFIX).order_by("username"))
        small = User.objects.get(username=SMALL_OWNER)
        owner_group = Group.objects.get(name=OWNER)
        leader_group = Group.objects.get(name=LEADER)
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=owner_group.pk) for u in [*users, small]]
            + [through(user_id=User.objects.get(username="loadleader").pk, group_id=leader_group.pk)]
        )
        timings["users"] = time.perf_counter() - t

        # accounts
        t = time.perf_counter()
        accounts: list[dict] = []
        n = 0
        plan = [(u, accounts_per_owner) for u in [*users, small]]
        for u, n_accounts in plan:
            for _ in range(n_accounts):
                n += 1
                accounts.append(
                    {
                        "external_id": f"LB-{n:06d}",
                        "name": f"{rng.choice(ADJ)} {rng.choice(NOUN)} {n:05d}",
                        "owner_id": u.pk,
                        "segment": rng.choice(["enterprise", "mid-market", "mid-market", "smb"]),
                        "plan": rng.choice(["Starter", "Growth", "Business", "Enterprise"]),
                        "seats_purchased": rng.choice([25, 50, 100, 250]),
                        "arr": f"{rng.randint(12, 400) * 1000}.00",
                        "currency": "USD",
                        "renewal_date": as_of + dt.timedelta(days=rng.randint(-20, 400)),
                        "goals": rng.sample(GOALS, rng.randint(1, 2)),
                        "outreach_allowed": rng.random() > 0.05,
                        "health": rng.choice(["good", "good", "neutral", "poor"]),
                        "source": "crm",
                        "extra": {},
                        "inserted_at": now,
                        "updated_at": now,
                    }
                )
        with connection.cursor() as cur:
            copy_rows(cur.cursor, Account, accounts)
            cur.execute("SELECT external_id, id FROM accounts_account WHERE external_id LIKE 'LB-%%'")
            ids = dict(cur.fetchall())
        for a in accounts:
            a["id"] = ids[a["external_id"]]
        timings["accounts"] = time.perf_counter() - t

        # evidence: contacts, messages, tickets, usage
        t = time.perf_counter()
        contacts, msgs, tickets, usage = [], [], [], []
        per_account: dict[int, dict] = {}
        for a in accounts:
            aid, ext = a["id"], a["external_id"]
            cs = []
            for j, (role, title) in enumerate(
                (("decision_maker", "VP Operations"), ("champion", "Ops Manager"), ("user", "Analyst"))
            ):
                cs.append(
                    {
                        "external_id": f"{ext}-C{j}",
                        "account_id": aid,
                        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "email": f"c{j}.{ext.lower()}@customer.example",
                        "title": title,
                        "role": role,
                        "department": "Operations",
                        "active": True,
                        "source": "crm",
                        "extra": {},
                        "inserted_at": now,
                        "updated_at": now,
                    }
                )
            ms = [
                {
                    "external_id": f"{ext}-M{j}",
                    "account_id": aid,
                    "source": "cs_platform",
                    "extra": {},
                    "text": (
                        ASK_TEXTS[rng.choice(SIGNAL_TYPES)] if j == 0 else "We may need to reduce seats next quarter."
                    )
                    + " Thanks for the quick help with the import last week.",
                    "occurred_at": now - dt.timedelta(days=4 + 5 * j),
                    "channel": "email",
                    "direction": "inbound",
                    "signal_type": "",
                    "intent": "",
                    "conflict": "",
                    "confidence": None,
                    "classified_with": "",
                    "inserted_at": now,
                    "updated_at": now,
                }
                for j in range(2)
            ]
            tk = {
                "external_id": f"{ext}-T0",
                "account_id": aid,
                "source": "support_desk",
                "extra": {},
                "subject": "Scheduled exports fail",
                "body": "The nightly export stopped at 02:00 with a timeout.",
                "status": rng.choice(["open", "solved", "closed"]),
                "priority": rng.choice(["normal", "high"]),
                "opened_at": now - dt.timedelta(days=rng.randint(1, 60)),
                "closed_at": None,
                "signal_type": "",
                "intent": "",
                "conflict": "",
                "confidence": None,
                "classified_with": "",
                "inserted_at": now,
                "updated_at": now,
            }
            contacts += cs
            msgs += ms
            tickets.append(tk)
            for metric, value in (("seats_used", rng.randint(20, 60)), ("active_users", rng.randint(15, 60))):
                usage.append(
                    {
                        "account_id": aid,
                        "metric": metric,
                        "date": as_of,
                        "department": "",
                        "value": float(value),
                        "limit": float(a["seats_purchased"]) if metric == "seats_used" else None,
                        "source": "product_analytics",
                        "inserted_at": now,
                        "updated_at": now,
                    }
                )
            per_account[aid] = {"contacts": cs, "msgs": ms, "ticket": tk}
        with connection.cursor() as cur:
            copy_rows(cur.cursor, Contact, contacts)
            copy_rows(cur.cursor, Interaction, msgs)
            copy_rows(cur.cursor, Ticket, tickets)
            copy_rows(cur.cursor, UsageDaily, usage)
        timings["evidence"] = time.perf_counter() - t

        # candidates
        t = time.perf_counter()
        recs = [r for r, _ in RECOMMENDATIONS]
        weights = [w for _, w in RECOMMENDATIONS]
        candidates = []
        small_seen = 0
        for a in accounts:
            ev = per_account[a["id"]]
            for signal_type in rng.sample(SIGNAL_TYPES, candidates_per_account):
                values = candidate_json(
                    rng,
                    account=a,
                    signal_type=signal_type,
                    rec=rng.choices(recs, weights)[0],
                    msgs=ev["msgs"],
                    ticket=ev["ticket"],
                    contacts=ev["contacts"],
                    as_of=as_of,
                )
                detected = as_of - dt.timedelta(days=rng.randint(0, 30))
                values["queue_rank"] = queue_rank(values["recommendation"])  # as signals.services writes it
                decided = {}
                if a["owner_id"] == small.pk:
                    small_seen += 1
                    if small_seen > SMALL_PENDING:
                        decided = {
                            "status": "approved",
                            "decided_at": now - dt.timedelta(days=rng.randint(1, 20)),
                            "decided_by_id": small.pk,
                            "version": 2,
                        }
                candidates.append(
                    {
                        "account_id": a["id"],
                        "signal_type": signal_type,
                        "status": "pending",
                        "no_owner": False,
                        "latest_evidence_at": now - dt.timedelta(days=4),
                        "first_detected_on": detected,
                        "scored_on": as_of,
                        "version": 1,
                        "inserted_at": now,
                        "updated_at": now,
                        **values,
                        **decided,
                    }
                )
        with connection.cursor() as cur:
            copy_rows(cur.cursor, Candidate, candidates)
            cur.execute("SELECT account_id, signal_type, id FROM signals_candidate")
            cids = {(r[0], r[1]): r[2] for r in cur.fetchall()}
        timings["candidates"] = time.perf_counter() - t

        # one signal_created event per candidate, as the engine writes (measurement.services.event_for)
        t = time.perf_counter()
        owner_of = {a["id"]: a["owner_id"] for a in accounts}
        events = [
            {
                "kind": "signal_created",
                "occurred_at": now,
                "actor_id": None,
                "candidate_id": cids[(c["account_id"], c["signal_type"])],
                "account_id": c["account_id"],
                "owner_id": owner_of[c["account_id"]],
                "signal_type": c["signal_type"],
                "recommendation": c["recommendation"],
                "score": c["score"],
                "evidence": c["evidence"],
                "data": {},
            }
            for c in candidates
        ]
        with connection.cursor() as cur:
            copy_rows(cur.cursor, MeasurementEvent, events)
        timings["events"] = time.perf_counter() - t

    t = time.perf_counter()
    connection.close()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        per_owner = conn.execute(
            "SELECT min(n), max(n), count(*) FROM (SELECT a.owner_id, count(*) n FROM signals_candidate c "
            "JOIN accounts_account a ON a.id = c.account_id JOIN auth_user u ON u.id = a.owner_id "
            "WHERE c.status = 'pending' AND u.username LIKE %s GROUP BY a.owner_id) x",
            [f"{OWNER_PREFIX}%"],
        ).fetchone()
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
        cand_size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('signals_candidate'))").fetchone()
    assert per_owner and size and cand_size, "aggregates always return a row"
    timings["vacuum_analyze"] = time.perf_counter() - t
    return {
        "owners": owners,
        "accounts": len(accounts),
        "candidates": len(candidates),
        "events": len(events),
        "contacts": len(contacts),
        "messages": len(msgs),
        "tickets": len(tickets),
        "usage_rows": len(usage),
        "pending_per_owner_min_max": [per_owner[0], per_owner[1]],
        "owners_with_queue": per_owner[2],
        "database_size": size[0],
        "candidate_table_size": cand_size[0],
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="bench_load")
    parser.add_argument("--owners", type=int, default=50)
    parser.add_argument("--accounts-per-owner", type=int, default=400)
    parser.add_argument("--candidates-per-account", type=int, default=5, choices=range(1, 8))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    check_name(args.database)
    if args.child:
        result = load(args.owners, args.accounts_per_owner, args.candidates_per_account, args.seed)
        print("SETUP-RESULT " + json.dumps(result), flush=True)
        return
    t = time.perf_counter()
    print(f"recreating {args.database} and migrating ...", flush=True)
    recreate(args.database)
    print(f"  migrated in {time.perf_counter() - t:.1f} s; loading ...", flush=True)
    proc = subprocess.run(
        [
            PYTHON,
            __file__,
            "--child",
            "--database",
            args.database,
            "--owners",
            str(args.owners),
            "--accounts-per-owner",
            str(args.accounts_per_owner),
            "--candidates-per-account",
            str(args.candidates_per_account),
            "--seed",
            str(args.seed),
        ],
        cwd=PROJECT,
        env=child_env(args.database),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
        raise SystemExit("loading failed")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("SETUP-RESULT "))
    result = json.loads(line[len("SETUP-RESULT ") :])
    print(json.dumps(result, indent=2))
    print(
        f"done in {time.perf_counter() - t:.1f} s: {args.database} is ready (owners {OWNER_PREFIX}01.. , "
        f"password in bench/load/setup_data.py)"
    )


if __name__ == "__main__":
    main()
