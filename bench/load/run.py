"""Load benchmark: gunicorn serving the app, wrk on loopback, 50 concurrent users.

    .venv/bin/python bench/load/setup_data.py      # once: builds bench_load (100,000 pending candidates)
    .venv/bin/python bench/load/run.py             # ~4 min: five scenarios, 5 s warm-up + 30 s each

What one run does (everything bounded, everything on 127.0.0.1):

1. clones the prepared database (`CREATE DATABASE bench_load_run TEMPLATE bench_load`),
   so every run starts from the same 100,000 pending candidates;
2. starts gunicorn on 127.0.0.1:PORT with `bench.load.wsgi` (the project's settings and
   URLconf plus one bare view, `/bench/bare`; DEBUG=false), waits for `/healthz`;
3. signs in each simulated user once through the real login form (django-axes stays on),
   keeping its session and CSRF cookies;
4. for each scenario runs wrk with 50 connections: a warm-up (not reported), then the
   measured run; wrk's own Lua (`wrk.lua`) picks the user and candidate of each request
   and counts the response statuses;
5. prints one table (requests/s, p50, p95, p99, max, errors) and the CPU split
   (gunicorn, PostgreSQL, wrk), writes the raw figures as JSON, stops gunicorn and drops
   the clone.

Scenarios: `bare` (GET /bench/bare, anonymous: middleware only), `healthz` (GET /healthz:
the product's bare view, `SELECT 1`), `queue` (GET /queue/ as the 50 owners, each with
2,000 pending candidates), `decide` (POST /candidates/<pk>/decide/ as the page sends it
with htmx: approve, reject, defer in turn, each on a distinct pending candidate of the
user's own; answers the detail partial) and `decide_plain` (the same form without
JavaScript: answers 302 to the queue). Errors are wrk's: non-2xx/3xx statuses, socket
errors and timeouts; decisions are also counted in the database before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from load.setup_data import OWNER_PREFIX, PASSWORD, PG, SMALL_OWNER, check_name  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
HOST = "127.0.0.1"
SCENARIOS = ("bare", "healthz", "queue", "decide", "decide_plain")
EXTRA_SCENARIOS = ("queue_small", "queue_leader")  # on request: --scenarios ...,queue_small,queue_leader
SINGLE_SESSION = {"queue_small": SMALL_OWNER, "queue_leader": "loadleader"}  # every request as this one user
DESCRIPTION = {
    "bare": "GET /bench/bare (floor: middleware only)",
    "healthz": "GET /healthz (floor: product's bare view, SELECT 1)",
    "queue": "GET /queue/ (owner, 2,000 pending)",
    "decide": "POST /candidates/<pk>/decide/ (htmx)",
    "decide_plain": "POST /candidates/<pk>/decide/ (no JS, 302)",
    "queue_small": "GET /queue/ (owner with 10 pending)",
    "queue_leader": "GET /queue/ (CS leader: all 100,010 pending)",
}


# --------------------------------------------------------------------------- helpers


def pg(database: str) -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(f"{PG}/{database}", autocommit=True)


def clone(template: str, target: str) -> float:
    check_name(template)
    check_name(target)
    t = time.perf_counter()
    with pg("postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            raise SystemExit(f"database {template} does not exist: run bench/load/setup_data.py first")
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    return time.perf_counter() - t


def drop(target: str) -> None:
    check_name(target)
    with pg("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def server_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(PROJECT),
        PYTHONHASHSEED="0",
    )
    return env


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime+stime (seconds) of each of these processes."""
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / hz
        except (OSError, IndexError, ValueError):
            pass
    return out


class CpuSampler(threading.Thread):
    """CPU seconds spent during a measured run by groups of processes, sampled every 0.2 s
    from /proc, so that processes that start or end during the run count too (the
    server's database connections are reopened every DB_CONN_MAX_AGE = 60 s; a big query
    starts parallel workers): a process first seen at the first sample counts from its
    CPU then, one born later from zero; one that ends loses at most its last 0.2 s."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        super().__init__(daemon=True)
        self.groups = groups
        self.base: dict[str, dict[int, float]] = {g: {} for g in groups}
        self.last: dict[str, dict[int, float]] = {g: {} for g in groups}
        self.halt = threading.Event()
        self.sample(first=True)

    def sample(self, first: bool = False) -> None:
        for group, find in self.groups.items():
            for pid, seconds in cpu_seconds(find()).items():
                if pid not in self.base[group]:
                    self.base[group][pid] = seconds if first else 0.0
                self.last[group][pid] = seconds

    def run(self) -> None:
        while not self.halt.wait(0.2):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.halt.set()
        self.join()
        self.sample()
        return {g: sum(t - self.base[g][pid] for pid, t in self.last[g].items()) for g in self.groups}


def process_tree(root: int) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def postgres_pids(database: str = "") -> list[int]:
    """Every postgres process on the host, or only the backends connected to `database`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                if database and f" {database} " not in (entry / "cmdline").read_text().replace("\0", " "):
                    continue
                pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --------------------------------------------------------------------------- server


class Server:
    def __init__(self, args: argparse.Namespace, database: str, logfile: Path) -> None:
        self.args, self.database, self.logfile = args, database, logfile
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        a = self.args
        cmd = [
            GUNICORN,
            "bench.load.wsgi:application",
            "--bind",
            f"{HOST}:{a.port}",
            "--workers",
            str(a.workers),
            "--worker-class",
            a.worker_class,
            "--threads",
            str(a.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ]
        self.log = open(self.logfile, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            cwd=PROJECT,
            env=server_env(self.database),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.command = " ".join(cmd[1:])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.logfile}")
            try:
                status, _, _ = request("GET", "/healthz", port=a.port)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {self.logfile}")

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
                self.proc.wait(timeout=10)
        if self.proc:
            self.log.close()


# --------------------------------------------------------------------------- clients


def request(
    method: str, path: str, *, port: int, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        hdrs: dict[str, list[str]] = {}
        for k, v in resp.getheaders():
            hdrs.setdefault(k.lower(), []).append(v)
        return resp.status, hdrs, data
    finally:
        conn.close()


def cookies_from(headers: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for raw in headers.get("set-cookie", []):
        name, _, rest = raw.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def login(username: str, port: int) -> dict[str, str]:
    """Sign in once through the real form, as a browser does; returns the session's cookies."""
    status, headers, _ = request("GET", "/login/", port=port)
    jar = cookies_from(headers)
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": jar["csrftoken"], "next": ""}
    )
    status, headers, _ = request(
        "POST",
        "/login/",
        port=port,
        body=body,
        headers={"Cookie": f"csrftoken={jar['csrftoken']}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    jar.update(cookies_from(headers))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"login of {username} failed with status {status}")
    status, _, page = request(
        "GET", "/queue/", port=port, headers={"Cookie": f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"}
    )
    if status != 200 or b"queue-table" not in page:
        raise SystemExit(f"{username}'s queue answered {status} after login")
    return jar


# --------------------------------------------------------------------------- wrk


def run_wrk(args: argparse.Namespace, scenario: str, datafile: Path, seconds: int, connections: int) -> dict:
    today = dt.date.today()
    threads = min(args.wrk_threads, connections)
    lua_scenario = "queue" if scenario in SINGLE_SESSION else scenario
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(HERE / "wrk.lua"),
        f"http://{HOST}:{args.port}",
        "--",
        lua_scenario,
        str(datafile),
        str(threads),
        (today + dt.timedelta(days=30)).isoformat(),
        (today + dt.timedelta(days=14)).isoformat(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if proc.returncode != 0:
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    for line in proc.stdout.splitlines():
        if line.startswith("WRK-RESULT "):
            result = json.loads(line[len("WRK-RESULT ") :])
            result["wrk_command"] = " ".join(cmd)
            return result
    raise SystemExit(f"wrk printed no result:\n{proc.stdout}\n{proc.stderr}")


def wait_idle(args: argparse.Namespace) -> float:
    """Before each run: wait (at most 120 s) until the previous run's requests are done:
    no active query on the benchmark's database and the bare view answering at once."""
    t = time.perf_counter()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with pg(args.database) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND pid <> pg_backend_pid()",
                [args.database],
            ).fetchone()
        assert row is not None  # an aggregate always returns a row
        active = row[0]
        started = time.perf_counter()
        status, _, _ = request("GET", "/bench/bare", port=args.port)
        if active == 0 and status == 200 and time.perf_counter() - started < 0.05:
            break
        time.sleep(0.5)
    return round(time.perf_counter() - t, 1)


def counts(database: str) -> dict[str, int]:
    with pg(database) as conn:  # one statement: one snapshot
        row = conn.execute(
            "SELECT (SELECT count(*) FROM reviews_decision), "
            "(SELECT count(*) FROM measurement_measurementevent), "
            "(SELECT count(*) FROM signals_candidate WHERE status = 'pending')"
        ).fetchone()
        assert row is not None  # aggregates always return a row
        return {"decisions": row[0], "events": row[1], "pending": row[2]}


# --------------------------------------------------------------------------- main


def main() -> None:  # noqa: C901, PLR0915
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--template", default="bench_load", help="the database setup_data.py built")
    p.add_argument("--database", default="bench_load_run", help="the clone the server uses (dropped at the end)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--users", type=int, default=50, help="simulated users (one owner each)")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--duration", type=int, default=30, help="seconds measured per scenario")
    p.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per scenario (not reported)")
    p.add_argument(
        "--single-duration",
        type=int,
        default=10,
        help="then each scenario again with 1 connection for this many seconds: the service time "
        "without queueing (0: skip)",
    )
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    p.add_argument("--workdir", default="/tmp/expansion-bench-load")
    p.add_argument("--json", help="write the raw figures here")
    p.add_argument("--keep", action="store_true", help="keep the clone database")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument(
        "--quiet-load",
        type=float,
        default=0.8,
        help="with --quiet-wait: start once the 1-minute load average is below this",
    )
    p.add_argument(
        "--quiet-wait",
        type=int,
        default=0,
        help="wait up to this many minutes for a quiet machine before starting (0: start at once)",
    )
    args = p.parse_args()
    scenarios = [s for s in args.scenarios.split(",") if s]
    if unknown := set(scenarios) - set(SCENARIOS) - set(EXTRA_SCENARIOS):
        raise SystemExit(f"unknown scenarios: {sorted(unknown)}")
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 60 or not 0 <= args.single_duration <= 600:
        raise SystemExit("--duration must be 1..600 s and --warmup 0..60 s")
    if args.connections > 1000 or args.users > 500:
        raise SystemExit("--connections at most 1000, --users at most 500")
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    if args.quiet_wait:
        deadline = time.monotonic() + 60 * min(args.quiet_wait, 120)
        while os.getloadavg()[0] >= args.quiet_load and time.monotonic() < deadline:
            print(
                f"  waiting for a quiet machine: load average {os.getloadavg()[0]:.2f} (want < {args.quiet_load})",
                flush=True,
            )
            time.sleep(20)
    print(f"cloning {args.template} -> {args.database} ...", flush=True)
    clone_s = clone(args.template, args.database)
    server = Server(args, args.database, workdir / "gunicorn.log")
    results: dict[str, dict] = {}
    git = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "-C", str(PROJECT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    meta: dict = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "clone_s": round(clone_s, 1),
        "loadavg_before": os.getloadavg(),
        "commit": git.stdout.strip(),
        "tracked_files_changed": len(dirty.stdout.splitlines()),
    }

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
        meta["gunicorn"] = server.command
        print(f"gunicorn up: {server.command}", flush=True)

        # the simulated users: one owner each, signed in once
        with pg(args.database) as conn:
            owners = [
                r[0]
                for r in conn.execute(
                    "SELECT username FROM auth_user WHERE username LIKE %s ORDER BY username", [f"{OWNER_PREFIX}%"]
                ).fetchall()
            ]
        if len(owners) < args.users:
            raise SystemExit(f"only {len(owners)} owners in {args.template}; rebuild with --owners {args.users}")
        owners = owners[: args.users]
        t = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            jars = list(pool.map(lambda u: login(u, args.port), owners))
        meta["login_s"] = round(time.perf_counter() - t, 1)
        print(f"{len(jars)} users signed in ({meta['login_s']} s)", flush=True)

        # each user's pending candidates, shuffled, dealt out in disjoint slices to the decide runs
        with pg(args.database) as conn:
            rows = conn.execute(
                "SELECT u.username, c.id FROM signals_candidate c JOIN accounts_account a ON a.id = c.account_id "
                "JOIN auth_user u ON u.id = a.owner_id WHERE c.status = 'pending' AND u.username = ANY(%s)",
                [owners],
            ).fetchall()
        pending: dict[str, list[int]] = {u: [] for u in owners}
        for username, pk in rows:
            pending[username].append(pk)
        rng = random.Random(args.seed)
        for pks in pending.values():
            pks.sort()
            rng.shuffle(pks)
        # every (scenario, connections) pair is one measured wrk run, each after its own warm-up
        runs = [(sc, conns) for sc in scenarios for conns in (args.connections, 1) if conns > 1 or args.single_duration]
        decide_runs = 2 * sum(1 for sc, _ in runs if sc.startswith("decide"))
        share = min(len(v) for v in pending.values()) // max(decide_runs, 1)
        cursor = {u: 0 for u in owners}
        meta["pending_per_user"] = min(len(v) for v in pending.values())
        meta["reserved_per_user_per_wrk_run"] = share
        single = {sc: login(SINGLE_SESSION[sc], args.port) for sc in scenarios if sc in SINGLE_SESSION}

        def datafile(name: str, scenario: str) -> Path:
            path = workdir / f"{name}.users"
            lines = []
            if scenario in single:  # that one user's session on every line
                lines = [f"{single[scenario]['sessionid']} {single[scenario]['csrftoken']}"] * len(owners)
            for username, jar in zip(owners, jars, strict=True):
                if scenario in single:
                    break
                pks = ""
                if scenario.startswith("decide"):
                    pks = ",".join(str(pk) for pk in pending[username][cursor[username] : cursor[username] + share])
                    cursor[username] += share
                lines.append(f"{jar['sessionid']} {jar['csrftoken']} {pks}".rstrip())
            path.write_text("\n".join(lines) + "\n")
            return path

        for scenario, conns in runs:
            decide = scenario.startswith("decide")
            duration = args.duration if conns == args.connections else args.single_duration
            warmup = args.warmup if conns == args.connections else min(args.warmup, 2)
            if warmup:
                run_wrk(args, scenario, datafile(f"{scenario}-c{conns}-warmup", scenario), warmup, conns)
            drained = wait_idle(args)
            data = datafile(f"{scenario}-c{conns}", scenario)
            before = counts(args.database) if decide else None
            load_start = os.getloadavg()[0]
            sampler = CpuSampler(
                {"gunicorn": server.pids, "pg_all": postgres_pids, "pg_bench": lambda: postgres_pids(args.database)}
            )
            sampler.start()
            wrk0 = os.times().children_user + os.times().children_system
            busy0 = machine_busy()
            wall0 = time.perf_counter()
            r = run_wrk(args, scenario, data, duration, conns)
            wall = time.perf_counter() - wall0
            busy1 = machine_busy()
            used = sampler.stop()
            r["cpu_cores"] = {
                "gunicorn": round(used["gunicorn"] / wall, 2),
                "postgres_bench": round(used["pg_bench"] / wall, 2),
                "postgres_all": round(used["pg_all"] / wall, 2),
                "wrk": round((os.times().children_user + os.times().children_system - wrk0) / wall, 2),
                "machine_busy_pct": round(100 * (busy1[0] - busy0[0]) / max(busy1[1] - busy0[1], 1), 1),
            }
            c = r["cpu_cores"]
            c["other"] = round(
                max(
                    c["machine_busy_pct"] / 100 * (os.cpu_count() or 1) - c["gunicorn"] - c["postgres_all"] - c["wrk"],
                    0,
                ),
                2,
            )
            r["loadavg_1m"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
            r["connections"] = conns
            r["drain_s"] = drained
            # wrk corrects its histogram for coordinated omission before done() (stats_correct: a
            # response slower than twice the mean cycle time adds synthetic samples, as if requests
            # had kept coming at the mean rate). The observed mean is N / rps (Little's law, closed
            # loop); rps x wrk's mean above N shows how much the correction added (stalls).
            r["observed_mean_us"] = conns / (r["requests"] / (r["duration_us"] / 1e6)) * 1e6
            r["in_flight"] = round(r["requests"] / (r["duration_us"] / 1e6) * r["mean_us"] / 1e6, 2)
            r["latency_consistent"] = r["in_flight"] <= conns * 1.1
            r["scenario"] = scenario
            if before is not None:  # decide: once the requests still in flight when wrk stopped are done
                wait_idle(args)
                after = counts(args.database)
                r["db"] = {k: after[k] - before[k] for k in after}
            secs = r["duration_us"] / 1e6
            r["rps"] = r["requests"] / secs
            r["errors_total"] = sum(r["errors"].values())
            results[f"{scenario}@{conns}"] = r
            print(
                f"  {scenario:13s} c={conns:<3d} {r['rps']:8.1f} req/s  p50 {r['p50_us'] / 1000:7.1f} ms  "
                f"p95 {r['p95_us'] / 1000:7.1f} ms  p99 {r['p99_us'] / 1000:7.1f} ms  "
                f"statuses {r['statuses']}  errors {r['errors_total']}",
                flush=True,
            )
    finally:
        server.stop()
        if not args.keep:
            drop(args.database)
    meta["loadavg_after"] = os.getloadavg()
    report(args, results, meta)


def ms(us: float) -> str:
    return f"{us / 1000:,.1f}"


def report(args: argparse.Namespace, results: dict[str, dict], meta: dict) -> None:
    print()
    print(
        f"commit {meta['commit']} ({meta['tracked_files_changed']} tracked files changed in the working tree); "
        f"gunicorn {meta.get('gunicorn', '?')}"
    )
    print(
        f"{args.users} signed-in users; wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s after "
        f"{args.warmup} s warm-up; then -t1 -c1 -d{args.single_duration}s; load average before "
        f"{meta['loadavg_before'][0]:.2f}"
    )
    for conns, title in (
        (args.connections, f"{args.connections} concurrent connections"),
        (1, "1 connection (service time, no queueing)"),
    ):
        rows = []
        for r in (r for r in results.values() if r["connections"] == conns):
            codes = ", ".join(f"{k}: {v:,}" for k, v in sorted(r["statuses"].items()))
            errors = f"{r['errors_total']:,}"
            if r.get("login_redirects") or r.get("exhausted"):
                errors += f" (login redirects {r['login_redirects']}, out of candidates {r['exhausted']})"
            if not r["latency_consistent"]:
                errors += f" (stalls: wrk's correction put {r['in_flight']} in flight)"
            rows.append(
                [
                    DESCRIPTION[r["scenario"]],
                    f"{r['rps']:,.1f}",
                    ms(r["p50_us"]),
                    ms(r["p95_us"]),
                    ms(r["p99_us"]),
                    ms(r["max_us"]),
                    ms(r["observed_mean_us"]),
                    errors,
                    codes,
                ]
            )
        if rows:
            print(f"\n{title}:")
            print(
                table(
                    [
                        "scenario",
                        "requests/s",
                        "p50 ms",
                        "p95 ms",
                        "p99 ms",
                        "max ms",
                        "mean ms (N/rps)",
                        "errors",
                        "statuses",
                    ],
                    rows,
                )
            )
    cpu_rows = []
    for r in results.values():
        c = r["cpu_cores"]
        db = r.get("db", {})
        per = 1000 / r["rps"] if r["rps"] else 0.0
        cpu_rows.append(
            [
                f"{r['scenario']} c={r['connections']}",
                f"{c['gunicorn']:.2f}",
                f"{c['postgres_bench']:.2f}",
                f"{c['postgres_all']:.2f}",
                f"{c['wrk']:.2f}",
                f"{c['other']:.2f}",
                f"{c['gunicorn'] * per:.1f}",
                f"{c['postgres_bench'] * per:.1f}",
                f"{c['machine_busy_pct']:.0f}%",
                f"{r['loadavg_1m'][0]:.2f} → {r['loadavg_1m'][1]:.2f}",
                f"{db.get('decisions', 0):,}" if db else "",
                f"{db.get('events', 0):,}" if db else "",
            ]
        )
    print()
    print(
        f"CPU during each measured run, in cores ({os.cpu_count()} on this machine): gunicorn (master and workers), "
        "PostgreSQL backends of the benchmark's database, every postgres process on the host, wrk, everything else "
        "(other processes on the machine); CPU per request of gunicorn and of the benchmark's backends; the "
        "machine's busy share; and what the decide runs wrote:"
    )
    print(
        table(
            [
                "run",
                "gunicorn",
                "pg (bench db)",
                "pg (all)",
                "wrk",
                "other",
                "app CPU ms/req",
                "db CPU ms/req",
                "machine busy",
                "load 1m",
                "decisions written",
                "events written",
            ],
            cpu_rows,
        )
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"meta": meta, "args": vars(args), "results": results}, indent=2, default=str)
        )
        print(f"\nraw figures: {args.json}")


def table(headers: list[str], rows: list[list[str]]) -> str:
    cells = [headers, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    left = [i == 0 or h in ("errors", "statuses") for i, h in enumerate(headers)]

    def line(r: list[str]) -> str:
        return (
            "| "
            + " | ".join(c.ljust(w) if left[i] else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            + " |"
        )

    sep = "|" + "|".join("-" * (w + 2) if left[i] else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


if __name__ == "__main__":
    main()
