#!/usr/bin/env python
"""Import throughput: 1,000,000 usage rows through `import_evidence`, against plain COPY.

    .venv/bin/python bench/import_usage.py --no-profile   # the issue's figures (a few minutes)
    .venv/bin/python bench/import_usage.py --rows 100000 --no-profile   # a quick look
    .venv/bin/python bench/import_usage.py --no-profile --big-rows 3000000   # plus RSS at 3M rows

One run does, on a scratch database `bench_import_usage` (dropped and recreated):

1. writes the evidence file once: ACCOUNTS account records, then ROWS usage records
   (ACCOUNTS accounts x 2 metrics x ROWS/(2*ACCOUNTS) days, one day after another, as a
   daily product-analytics export would), and the same usage rows as CSV for COPY;
2. (a) imports the file into the freshly migrated database through the real command,
   `call_command("import_evidence", PATH)`, in a fresh process: wall time, client CPU
   seconds, rows/s, peak RSS, and a breakdown (read + validate + stream, write, commit);
3. (b) imports the same file again (nothing changed: every row must be `unchanged`, and
   the usage table must get no new row version: n_tup_upd + n_tup_ins from pg_stat);
4. (c) baselines: COPY of the same rows from the CSV into a table with the usage
   table's two indexes (the aim's baseline), and into a bare table (no index, no
   constraint), through psycopg `cursor.copy()`, in the same database;
5. with --big-rows N: a file of N usage rows imported into a fresh database, to show
   that peak RSS does not grow with the file;
6. profiles (a) and (b) again under cProfile (on a fresh database for (a)) and prints
   the top functions, so the time can be attributed.

The machine may be shared: every step records the 1-minute load average at its start
and end and its client CPU seconds; compare the ratios (import / COPY in the same run),
not the wall seconds across runs.

The after-import hook (the engine's rescoring, eager in the default configuration
without a broker) is timed separately and NOT counted in the import figures; it still
runs, so the process does what `manage.py import_evidence` does.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

HERE = Path(__file__).resolve()
METRICS = ("active_users", "seats_used")  # odd accounts report storage_gb (with a limit) instead of seats_used
DEPARTMENTS = ("", "", "Finance", "Operations", "Sales", "Reporting")
SOURCE = "product_analytics"  # what the importer stores for usage without `source`
COLUMNS = ("account_id", "metric", "date", "department", "value", "limit", "source")


# --------------------------------------------------------------------------- data


def generate(workdir: Path, rows: int, accounts: int, seed: int) -> tuple[Path, Path, dict]:
    """The evidence file and the same usage rows as CSV (account_id = the account's number)."""
    days = rows // (accounts * len(METRICS))
    if days < 1:
        raise SystemExit("--rows must be at least 2 x --accounts")
    workdir.mkdir(parents=True, exist_ok=True)
    jsonl = workdir / f"usage-{rows}-{accounts}.jsonl"
    csv_path = workdir / f"usage-{rows}-{accounts}.csv"
    rng = random.Random(seed)
    today = dt.date.today()
    first = today - dt.timedelta(days=days - 1)
    # per account: department, seats, base level, daily growth
    profile = []
    for n in range(1, accounts + 1):
        seats = rng.choice((10, 25, 50, 120, 400, 1500))
        profile.append(
            (
                f"acct-{n:05d}",
                n,
                rng.choice(DEPARTMENTS),
                seats,
                seats * rng.uniform(0.3, 0.8),
                rng.uniform(-0.001, 0.003),
                rng.choice((100, 500, 2000)),
            )
        )
    started = time.perf_counter()
    written = 0
    with jsonl.open("w", encoding="utf-8") as out, csv_path.open("w", encoding="utf-8") as csv_out:
        for ext, n, _dept, seats, _base, _growth, _limit in profile:
            out.write(
                json.dumps(
                    {
                        "type": "account",
                        "external_id": ext,
                        "name": f"Account {n:05d}",
                        "owner_email": f"owner{n % 25}@bench.example",
                        "segment": ("enterprise", "mid-market", "smb")[n % 3],
                        "plan": "Growth",
                        "seats_purchased": seats,
                        "arr": seats * 600,
                        "renewal_date": (today + dt.timedelta(days=30 + n % 300)).isoformat(),
                    }
                )
                + "\n"
            )
        for d in range(days):
            day = (first + dt.timedelta(days=d)).isoformat()
            for ext, n, dept, seats, base, growth, storage_limit in profile:
                level = base * (1 + growth) ** d
                users = max(0, round(level * rng.uniform(0.85, 1.1)))
                department = f', "department": "{dept}"' if dept else ""
                out.write(
                    f'{{"type": "usage", "account": "{ext}", "metric": "active_users", '
                    f'"value": {users}, "date": "{day}"{department}}}\n'
                )
                csv_out.write(f"{n},active_users,{day},{dept},{users},,{SOURCE}\n")
                if n % 2:
                    gb = round(storage_limit * min(0.99, 0.3 + 0.6 * d / days) * rng.uniform(0.95, 1.0), 1)
                    out.write(
                        f'{{"type": "usage", "account": "{ext}", "metric": "storage_gb", '
                        f'"value": {gb}, "limit": {storage_limit}, "date": "{day}"{department}}}\n'
                    )
                    csv_out.write(f"{n},storage_gb,{day},{dept},{gb},{storage_limit},{SOURCE}\n")
                else:
                    used = min(seats, round(level * rng.uniform(1.0, 1.2)))
                    out.write(
                        f'{{"type": "usage", "account": "{ext}", "metric": "seats_used", '
                        f'"value": {used}, "date": "{day}"{department}}}\n'
                    )
                    csv_out.write(f"{n},seats_used,{day},{dept},{used},,{SOURCE}\n")
                written += 2
    meta = {
        "usage_rows": written,
        "accounts": accounts,
        "days": days,
        "lines": written + accounts,
        "jsonl_mb": round(jsonl.stat().st_size / 2**20, 1),
        "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        "generate_s": round(time.perf_counter() - started, 1),
    }
    return jsonl, csv_path, meta


# --------------------------------------------------------------------------- children


def child_import(path: str, profile_to: str | None) -> None:
    """One `import_evidence PATH` through call_command, timed phase by phase."""
    c.django_setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from accounts.importer import service, writers
    from accounts.management.commands import import_evidence as command_module
    from accounts.models import UsageDaily

    t: dict[str, float] = {"sql_upsert_s": 0.0, "sql_other_s": 0.0}
    out: dict = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                t[name] = t.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    # Module-level names the importer looks up at call time; the product files are untouched.
    # A profiled run keeps the functions as they are, so the profile shows only product code.
    if not profile_to:
        service._validate = timed("read_validate_s", service._validate)
        service.write_all = timed("write_s", service.write_all)
        writers.UsageStream.merge = timed("usage_writer_s", writers.UsageStream.merge)  # type: ignore[method-assign]  # timed in place
        writers._upsert_by_external_id = timed("upsert_records_s", writers._upsert_by_external_id)
        writers._owner_ids = timed("owners_s", writers._owner_ids)
        command_module._count_lines = timed("count_lines_s", command_module._count_lines)
        db = connections["default"]
        db.commit = timed("commit_s", db.commit)  # type: ignore[method-assign]  # timed in place

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    server_cpu_before = c.process_cpu_s(backend) or 0.0

    in_hook = [False]

    def hook_wrapper(hook: Callable[[set[int]], None]) -> Callable[[set[int]], None]:
        def wrapped(ids: set[int]) -> None:
            out["peak_rss_import_mb"] = c.peak_rss_mb()
            out["server_cpu_s"] = (c.process_cpu_s(backend) or 0.0) - server_cpu_before
            out["hook_accounts"] = len(ids)
            started, cpu_started = time.perf_counter(), time.process_time()
            # a profiled run profiles the import alone; the big-file run measures memory only
            if not profile_to and not os.environ.get("BENCH_IMPORT_SKIP_HOOK"):
                in_hook[0] = True  # its queries are the engine's, not the import's
                hook(ids)
                in_hook[0] = False
            t["hook_s"] = t.get("hook_s", 0.0) + time.perf_counter() - started
            t["hook_cpu_s"] = t.get("hook_cpu_s", 0.0) + time.process_time() - cpu_started

        return wrapped

    service._after_import[:] = [hook_wrapper(h) for h in service._after_import]

    def sql_timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if in_hook[0]:
                key = "sql_hook_s"
            elif "FROM import_usage t JOIN" in sql:  # the merge's statements, whichever the importer runs
                key = "sql_upsert_s"
            else:
                key = "sql_other_s"
            t[key] = t.get(key, 0.0) + time.perf_counter() - started

    def usage_tuples_written() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute(
                "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname = %s",
                [UsageDaily._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    tuples_before = usage_tuples_written()
    stdout = io.StringIO()
    profiler = None
    wrapper = connection.execute_wrapper(sql_timer)
    if profile_to:
        import cProfile

        import tqdm

        # tqdm starts a monitor thread even for a disabled bar; Python 3.13's cProfile
        # then mixes that thread's sleeps into the main thread's figures.
        tqdm.tqdm.monitor_interval = 0
        wrapper = contextlib.nullcontext()
        profiler = cProfile.Profile()
    with wrapper:
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        call_command("import_evidence", path, stdout=stdout)
        if profiler:
            profiler.disable()
        total = time.perf_counter() - started
        out["cpu_s"] = time.process_time() - cpu_started
    if profiler and profile_to:
        profiler.dump_stats(profile_to)
    out.setdefault("peak_rss_import_mb", c.peak_rss_mb())
    out.setdefault("server_cpu_s", (c.process_cpu_s(backend) or 0.0) - server_cpu_before)
    out.update(
        total_s=total,
        import_s=total - t.get("hook_s", 0.0),
        import_cpu_s=out["cpu_s"] - t.get("hook_cpu_s", 0.0),
        peak_rss_total_mb=c.peak_rss_mb(),
        usage_rows_in_db=UsageDaily.objects.count(),
        usage_tuples_written=usage_tuples_written() - tuples_before,
        summary=stdout.getvalue().strip().splitlines(),
        **t,
    )
    c.report(out)


def child_copy(csv_path: str) -> None:
    """Baseline: plain COPY of the same rows into a bare table, then into an indexed one."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    results: dict[str, Any] = {}
    with psycopg.connect(url) as conn:
        for name, ddl in (
            ("bare", ""),
            (
                "indexed",
                "CREATE UNIQUE INDEX ON {t} (account_id, metric, date, department);"
                "CREATE INDEX ON {t} (date, account_id);",
            ),
        ):
            table = f"bench_copy_{name}"
            with conn.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {table}")
                cur.execute(
                    f"CREATE TABLE {table} (account_id bigint, metric varchar(120), date date, "
                    f'department varchar(200), value double precision, "limit" double precision, source varchar(50))'
                )
                for statement in filter(None, ddl.format(t=table).split(";")):
                    cur.execute(statement)
            conn.commit()
            cpu_before = c.process_cpu_s(conn.info.backend_pid) or 0.0
            started = time.perf_counter()
            with (
                conn.cursor() as cur,
                cur.copy(
                    f'COPY {table} (account_id, metric, date, department, value, "limit", source) '
                    "FROM STDIN (FORMAT csv)"
                ) as copy,
                open(csv_path, "rb") as source,
            ):
                while block := source.read(1 << 20):
                    copy.write(block)
            conn.commit()
            elapsed = time.perf_counter() - started
            server_cpu = (c.process_cpu_s(conn.info.backend_pid) or 0.0) - cpu_before
            with conn.cursor() as cur:
                counted = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
                cur.execute(f"DROP TABLE {table}")
            conn.commit()
            assert counted is not None  # an aggregate always returns a row
            results[name] = {"s": elapsed, "rows": counted[0], "server_cpu_s": server_cpu}
    results["peak_rss_mb"] = c.peak_rss_mb()
    c.report(results)


# --------------------------------------------------------------------------- parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="usage rows (default 1,000,000)")
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument(
        "--big-rows", type=int, default=0, help="also import a file of this many usage rows, for its peak RSS"
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database", default="bench_import_usage")
    parser.add_argument("--workdir", default="/tmp/expansion-bench", help="where the generated files go")
    parser.add_argument("--no-profile", action="store_true", help="skip the two profiled runs")
    parser.add_argument("--keep", action="store_true", help="keep the database and files afterwards")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "import":
            child_import(rest[0], rest[1] if len(rest) > 1 else None)
        elif kind == "copy":
            child_copy(rest[0])
        return

    if max(args.rows, args.big_rows) > 5_000_000:
        raise SystemExit("--rows and --big-rows are capped at 5,000,000 to keep the run bounded")
    c.run_from_snapshot(args.workdir)
    workdir = Path(args.workdir)
    print(f"source: {c.git_state()}; {c.machine()}", flush=True)
    jsonl, csv_path, meta = generate(workdir, args.rows, args.accounts, args.seed)
    print(
        f"generated {meta['lines']:,} lines ({meta['usage_rows']:,} usage rows, {meta['accounts']:,} accounts x "
        f"2 metrics x {meta['days']} days): {meta['jsonl_mb']} MB JSONL, {meta['csv_mb']} MB CSV "
        f"in {meta['generate_s']} s",
        flush=True,
    )

    c.recreate_database(args.database)
    print("(a) first import into a fresh database ...", flush=True)
    first = c.run_child(HERE, args.database, "import", str(jsonl))
    print("(b) second import of the same file ...", flush=True)
    second = c.run_child(HERE, args.database, "import", str(jsonl))
    print("(c) baselines: plain COPY of the same rows ...", flush=True)
    copy = c.run_child(HERE, args.database, "copy", str(csv_path))
    big: dict[str, Any] | None = None
    if args.big_rows:
        big_jsonl, big_csv, big_meta = generate(workdir, args.big_rows, args.accounts, args.seed)
        c.recreate_database(args.database)
        print(f"(e) fresh import of {big_meta['usage_rows']:,} usage rows ({big_meta['jsonl_mb']} MB) ...", flush=True)
        os.environ["BENCH_IMPORT_SKIP_HOOK"] = "1"  # the rescoring after it is not what (e) measures
        big = {"meta": big_meta, **c.run_child(HERE, args.database, "import", str(big_jsonl))}
        del os.environ["BENCH_IMPORT_SKIP_HOOK"]
        if not args.keep:
            for path in (big_jsonl, big_csv):
                with contextlib.suppress(OSError):
                    path.unlink()

    rows = meta["usage_rows"]
    indexed_s, bare_s = copy["indexed"]["s"], copy["bare"]["s"]

    def load(r: dict) -> str:
        return f"{r.get('loadavg_1m_start', '?')}-{r.get('loadavg_1m_end', '?')}"

    def line(label: str, r: dict) -> list:
        return [
            label,
            f"{r['import_s']:.1f}",
            f"{r['import_cpu_s']:.1f}",
            f"{r['server_cpu_s']:.1f}",
            c.fmt_int(rows / r["import_s"]),
            f"{r['peak_rss_import_mb']:,.0f}",
            f"{indexed_s / r['import_s']:.2f}",
            f"{bare_s / r['import_s']:.3f}",
            load(r),
        ]

    print()
    print(f"Import of {meta['lines']:,} lines ({rows:,} usage rows, {meta['jsonl_mb']} MB) on PostgreSQL")
    print(
        c.table(
            [
                "run",
                "seconds",
                "client CPU s",
                "server CPU s",
                "usage rows/s",
                "peak RSS MB",
                "x indexed COPY",
                "x bare COPY",
                "load 1m",
            ],
            [
                line("(a) import_evidence, fresh database", first),
                line("(b) import_evidence, same file again", second),
                [
                    "(c) COPY into a table with usage's 2 indexes (baseline)",
                    f"{indexed_s:.1f}",
                    "",
                    f"{copy['indexed']['server_cpu_s']:.1f}",
                    c.fmt_int(rows / indexed_s),
                    "",
                    "1.00",
                    f"{bare_s / indexed_s:.3f}",
                    load(copy),
                ],
                [
                    "    COPY into a bare table (no index, no constraint)",
                    f"{bare_s:.1f}",
                    "",
                    f"{copy['bare']['server_cpu_s']:.1f}",
                    c.fmt_int(rows / bare_s),
                    f"{copy['peak_rss_mb']:,.0f}",
                    f"{indexed_s / bare_s:.2f}",
                    "1.000",
                    "",
                ],
            ],
        )
    )
    if big is not None:
        print(
            f"(e) {big['meta']['usage_rows']:,} usage rows, fresh database: {big['import_s']:.1f} s, "
            f"client CPU {big['import_cpu_s']:.1f} s, peak RSS {big['peak_rss_import_mb']:,.0f} MB "
            f"(load {load(big)})"
        )
    print()
    print("Where the time went (seconds, from timers around the importer's functions)")
    phases = [
        ("read + parse + validate + COPY (usage table or temp table) + resolve references", "read_validate_s"),
        ("write_all (transaction body)", "write_s"),
        ("  owners", "owners_s"),
        ("  accounts (upsert by external id)", "upsert_records_s"),
        ("  usage merge (UsageStream.merge, total)", "usage_writer_s"),
        ("    of which the INSERT / UPDATE from the temp table", "sql_upsert_s"),
        ("other SQL (temp table, reference check, lookups, ImportRun)", "sql_other_s"),
        ("commit (WAL flush; deferred checks, if any)", "commit_s"),
        ("counting the file's lines (progress bar total)", "count_lines_s"),
        ("after-import hook (eager rescoring; not counted above)", "hook_s"),
    ]
    print(
        c.table(
            ["phase", "(a) first", "(b) second"],
            [[label, f"{first.get(k, 0):.1f}", f"{second.get(k, 0):.1f}"] for label, k in phases],
        )
    )
    print(f"(a) summary: {'; '.join(first['summary'][1:])}")
    print(f"(b) summary: {'; '.join(second['summary'][1:])}")
    print(f"(b) usage row versions written (pg_stat ins + upd + del): {second['usage_tuples_written']:,}")
    print(
        f"hook: (a) rescored {first.get('hook_accounts', 0):,} accounts in {first.get('hook_s', 0):.1f} s, "
        f"peak RSS with it {first['peak_rss_total_mb']:,.0f} MB; (b) {second.get('hook_accounts', 0):,} accounts"
    )
    ratio = indexed_s / first["import_s"]
    reimport = second["import_s"] / first["import_s"]
    print(
        f"\nfresh import at {ratio:.2f} x the indexed COPY rate ({'meets' if ratio >= 0.5 else 'misses'} the aim "
        f"of >= 0.5 x); re-import takes {reimport:.2f} x the fresh import "
        f"({'meets' if reimport <= 0.5 else 'misses'} the aim of <= 0.5 x); peak RSS {first['peak_rss_import_mb']:,.0f}"
        f" / {second['peak_rss_import_mb']:,.0f} MB"
        + (f" / {big['peak_rss_import_mb']:,.0f} MB at {big['meta']['usage_rows']:,} rows" if big else "")
        + " (aim <= 300 MB)",
        flush=True,
    )

    def cpu(r: dict) -> float:
        return float(r["import_cpu_s"]) + float(r["server_cpu_s"])

    # CPU seconds (client + PostgreSQL backend) move less than wall time on a shared machine.
    print(
        f"by CPU seconds: indexed COPY {copy['indexed']['server_cpu_s']:.1f} / fresh import {cpu(first):.1f} = "
        f"{copy['indexed']['server_cpu_s'] / cpu(first):.2f} x; re-import {cpu(second):.1f} / fresh "
        f"{cpu(first):.1f} = {cpu(second) / cpu(first):.2f} x",
        flush=True,
    )
    figures = {
        "meta": meta,
        "first": first,
        "second": second,
        "copy": copy,
        "big": big,
        "machine": c.machine(),
        "git": c.git_state(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))

    profiles = {}
    if not args.no_profile:
        try:
            c.recreate_database(args.database)
            for label in ("first", "second"):
                print(f"\nprofiling the {label} import under cProfile ...", flush=True)
                prof = workdir / f"import-{label}.prof"
                profiled = c.run_child(HERE, args.database, "import", str(jsonl), str(prof))
                profiles[label] = {"wall_s": profiled["import_s"], "top": c.profile_top(prof)}
        except c.ChildFailed as exc:
            print(f"profiling stopped: {exc}", flush=True)
    for label, p in profiles.items():
        print(f"\n=== cProfile of the {label} import (profiled wall {p['wall_s']:.1f} s) ===")
        print(p["top"])
    if args.json and profiles:
        Path(args.json).write_text(json.dumps({**figures, "profiles": profiles}, indent=2, default=str))
    if not args.keep:
        c.drop_database(args.database)
        for path in (jsonl, csv_path):
            with contextlib.suppress(OSError):
                path.unlink()


if __name__ == "__main__":
    main()
