#!/usr/bin/env python
"""Two versions of the dashboard on one kept benchmark database, alternately, in the same
minutes: the way to compare code on a shared machine, where wall times move with the load.

    .venv/bin/python bench/dashboard_bench.py --database bench_dashboard --keep
    git archive main | tar -x -C /tmp/main_src && ln -s "$PWD/.venv" /tmp/main_src/.venv
    .venv/bin/python bench/dashboard_ab.py /tmp/main_src . --database bench_dashboard --rounds 2

Each round runs GET /dashboard/ (leader, all accounts, last 8 weeks) RUNS times per
project in a fresh process of that project's code and prints the medians of wall time,
the request's Python CPU time and the time in SQL calls, then the database's own
execution time of every query of one request (EXPLAIN ANALYZE, best of three). Both
projects must agree on the schema (migrate the database with the newer one).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

CHILD = r"""
import json, os, re, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
runs = int(sys.argv[1])
client = Client()
client.force_login(get_user_model().objects.get(username="leader@bench.example"))
params = {"pilot": "all"}
client.get("/dashboard/", params)
wall, cpu, sql, statements = [], [], [], []
def timed(execute, q, p, many, context):
    t = time.perf_counter()
    try:
        return execute(q, p, many, context)
    finally:
        sql[-1] += time.perf_counter() - t
        statements.append((q, p))
with connection.execute_wrapper(timed):
    for _ in range(runs):
        sql.append(0.0)
        statements.clear()
        t, p = time.perf_counter(), time.process_time()
        response = client.get("/dashboard/", params)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - p)
server = 0.0
with connection.cursor() as cursor:
    for q, p in statements:
        best = float("inf")
        for _ in range(3):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q, p)
            plan = cursor.fetchone()[0]
            plan = (plan if isinstance(plan, list) else json.loads(plan))[0]
            best = min(best, plan["Execution Time"] + plan["Planning Time"])
        server += best
print("BENCH-RESULT " + json.dumps({
    "wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu), "sql_s": statistics.median(sql),
    "server_ms": round(server, 1), "queries": len(statements), "bytes": len(response.content),
    "loadavg_1m": os.getloadavg()[0],
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+", help="project directories (each with its .venv)")
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = c.child_env(args.database)
    rows = []
    for round_ in range(1, args.rounds + 1):
        for project in args.projects:
            root = Path(project).resolve()
            out = subprocess.run(
                [str(root / ".venv" / "bin" / "python"), "-c", CHILD, str(args.runs)],
                cwd=root,
                env={**env, "PYTHONPATH": str(root)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out.rsplit("BENCH-RESULT ", 1)[1])
            rows.append(
                [
                    str(round_),
                    str(root),
                    f"{r['wall_s']:.3f}",
                    f"{r['cpu_s']:.3f}",
                    f"{r['sql_s']:.3f}",
                    f"{r['server_ms']:.1f}",
                    str(r["queries"]),
                    c.fmt_int(r["bytes"]),
                    f"{r['loadavg_1m']:.1f}",
                ]
            )
    headers = ["round", "project", "wall s", "Python CPU s", "in SQL calls s", "server ms", "queries", "bytes", "load"]
    print(c.table(headers, rows))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
