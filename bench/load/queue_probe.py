"""The queue page's cost in-process, as the code is and with candidate fixes (nothing in
the project is changed: the variants exist only in this process).

    .venv/bin/python bench/load/queue_probe.py          # ~1 min, after setup_data.py

Clones `bench_load` to `bench_load_probe` and times `GET /queue/` through Django's test
client (no HTTP server, one request at a time, median of 10) for an owner with 2,000
pending candidates (`loadowner05`), the owner with 10 (`loadsmall`) and the CS leader
(all 100,010), in four variants:

- as is;
- owner-bounded order: for an owner-scoped queue, order by `queue_rank + 0` (not
  indexable), so PostgreSQL takes the owner's accounts and sorts their candidates
  instead of walking the global `candidate_queue_rank` index until it has 50 rows of
  this owner (which, for a short queue, is the whole index); the leader keeps the index;
- `queue_counts` counting `*` instead of `pk` (`COUNT(*)` can be an index-only scan of
  `candidate_status_rec (status, recommendation)`; `COUNT(id)` reads the table);
- both.

It checks that each variant renders the same page (CSRF token aside), prints the SQL of
one request as is, and drops the clone.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from signals.models import Candidate

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from load.setup_data import PG, check_name  # noqa: E402

TEMPLATE, PROBE = "bench_load", "bench_load_probe"


def main() -> None:
    import psycopg

    check_name(TEMPLATE)
    check_name(PROBE)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PROBE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PROBE}" TEMPLATE "{TEMPLATE}"')
    try:
        probe()
    finally:
        from django.db import connection

        connection.close()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PROBE}" WITH (FORCE)')


def probe() -> None:
    os.environ.update(
        DATABASE_URL=f"{PG}/{PROBE}",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(PROJECT))
    os.chdir(PROJECT)
    import warnings

    warnings.simplefilter("ignore")  # whitenoise: no staticfiles directory
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count, F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.roles import AnyUser, is_leader
    from reviews import selectors

    original_list, original_counts = selectors.queue_list, selectors.queue_counts

    def list_owner_bounded(*, user: AnyUser, filters: selectors.QueueFilters) -> QuerySet[Candidate]:
        qs = original_list(user=user, filters=filters)
        if not is_leader(user) or filters.owner_id:
            qs = qs.order_by(F("queue_rank") + 0, "-score", "-pk")
        return qs

    def counts_star(*, user: AnyUser, filters: selectors.QueueFilters) -> dict[str, int]:
        rows = selectors.queue_base(user=user, filters=filters).values("recommendation").annotate(n=Count("*"))
        counts = {r: 0 for r in selectors.QUEUE_ORDER}
        for row in rows:
            counts[row["recommendation"]] = row["n"]
        return counts

    def page(client: Client) -> tuple[float, bytes]:
        for _ in range(2):
            client.get("/queue/")
        times = []
        for _ in range(10):
            t = time.perf_counter()
            response = client.get("/queue/")
            times.append(time.perf_counter() - t)
        assert response.status_code == 200
        return statistics.median(times) * 1000, response.content

    def normal(html: bytes) -> bytes:
        return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', b"", html)

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    variants = [
        ("as is", original_list, original_counts),
        ("owner-bounded order", list_owner_bounded, original_counts),
        ("COUNT(*)", original_list, counts_star),
        ("both", list_owner_bounded, counts_star),
    ]
    print(f"{'user':12s} {'pending':>8s} {'variant':20s} {'median ms':>10s}  same page")
    for username in ("loadowner05", "loadsmall", "loadleader"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        pending = sum(selectors.queue_counts(user=user, filters=selectors.QueueFilters()).values())
        reference = b""
        for label, list_fn, counts_fn in variants:
            selectors.queue_list, selectors.queue_counts = list_fn, counts_fn
            ms, html = page(client)
            reference = reference or normal(html)
            print(f"{username:12s} {pending:8,d} {label:20s} {ms:10.1f}  {normal(html) == reference}")
        selectors.queue_list, selectors.queue_counts = original_list, original_counts
        with CaptureQueriesContext(connection) as queries:
            client.get("/queue/")
        print(f"  SQL of one {username} request, as is:")
        for q in queries.captured_queries:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")


if __name__ == "__main__":
    main()
