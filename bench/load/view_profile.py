"""CPU per request of the queue page, the htmx decision POST and the candidate panel,
in-process (Django's test client, no HTTP server), with query counts and, on request,
a cProfile of the Python time.

    .venv/bin/python bench/load/view_profile.py --template bench_load            # table
    .venv/bin/python bench/load/view_profile.py --profile queue                  # + the top functions
    .venv/bin/python bench/load/view_profile.py --dump /tmp/pages                # + each page's HTML

Clones the prepared database (setup_data.py) to `<template>_profile` and drops it after.
CPU is this process's (`time.process_time`: Python, template rendering, the driver),
PostgreSQL's own CPU is not in it; "wall" includes the database round trips. Medians of
`--repeat` requests after two warm-up requests. Decisions are real (the clone is written
to): reject and defer in turn on the user's own pending candidates, as `run.py` does.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from load.setup_data import PG, check_name  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--template", default="bench_load")
    parser.add_argument("--user", default="loadowner05")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", choices=("queue", "decide", "detail"), default=None)
    parser.add_argument("--dump", default="", help="directory to write each page's HTML to")
    args = parser.parse_args()
    import psycopg

    clone = f"{args.template}_profile"
    check_name(args.template)
    check_name(clone)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{args.template}"')
    try:
        run(clone, args)
    finally:
        from django.db import connection

        connection.close()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')


def run(database: str, args: argparse.Namespace) -> None:
    os.environ.update(
        DATABASE_URL=f"{PG}/{database}",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        LOG_LEVEL="WARNING",
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(PROJECT))
    os.chdir(PROJECT)
    import warnings

    warnings.simplefilter("ignore")  # whitenoise: no staticfiles directory
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from signals.models import Candidate

    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    htmx: dict[str, Any] = {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_TARGET": "detail",
        "HTTP_HX_CURRENT_URL": "http://testserver/queue/",
    }
    pending = iter(
        Candidate.objects.filter(account__owner=user, status="pending")
        .order_by("queue_rank", "-score", "-pk")
        .values_list("pk", "version")[: 4 * args.repeat + 20]
    )
    actions = iter(
        [{"action": "reject", "reason_code": "bad_timing", "note": "bench"}, {"action": "defer", "reason": "bench"}]
        * (2 * args.repeat + 10)
    )
    detail_pks = [
        pk
        for pk, _ in Candidate.objects.filter(account__owner=user, status="pending").values_list("pk", "version")[
            100:200
        ]
    ]

    def queue() -> Any:
        return client.get("/queue/")

    def decide() -> Any:
        pk, version = next(pending)
        data = {"version": version, **next(actions)}
        if data["action"] == "defer":
            import datetime as dt

            data["defer_until"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        response = client.post(f"/candidates/{pk}/decide/", data, **htmx)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return response

    detail_iter = iter(detail_pks * 3)

    def detail() -> Any:
        return client.get(f"/candidates/{next(detail_iter)}/", **htmx)

    if args.dump:
        # The queue as each role sees it, for comparing two versions of the code byte for byte.
        leader = Client()
        leader.force_login(User.objects.get(username="loadleader"))
        pages = [
            "/queue/",
            "/queue/?status=all",
            "/queue/?status=decided",
            "/queue/?rec=wait&page=3",
            "/queue/?status=overdue",
            "/queue/?q=load&segment=smb",
        ]
        for who, as_user in (("owner", client), ("leader", leader)):
            for i, url in enumerate(pages):
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                Path(args.dump, f"page-{who}-{i}.html").write_bytes(as_user.get(url).content)
            Path(args.dump, f"page-{who}-htmx.html").write_bytes(
                as_user.get("/queue/?status=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-list").content
            )

    views = {"queue": queue, "decide": decide, "detail": detail}
    print(f"{'view':8s} {'cpu ms':>7s} {'wall ms':>8s} {'queries':>8s} {'bytes':>8s}")
    for name, view in views.items():
        for _ in range(2):
            view()
        cpu, wall = [], []
        for _ in range(args.repeat):
            c, w = time.process_time(), time.perf_counter()
            response = view()
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        with CaptureQueriesContext(connection) as queries:
            response = view()
        captured = list(queries.captured_queries)  # the next request's request_started empties the log
        print(
            f"{name:8s} {statistics.median(cpu) * 1000:7.1f} {statistics.median(wall) * 1000:8.1f}"
            f" {len(captured):8d} {len(response.content):8,d}"
        )
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            Path(args.dump, f"{name}.html").write_bytes(response.content)
        if args.profile == name:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(10):
                view()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            for q in captured:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")


if __name__ == "__main__":
    main()
