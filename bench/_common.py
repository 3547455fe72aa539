"""Shared plumbing for the benchmarks: scratch databases, child processes, figures.

Every benchmark runs its measured phases in a fresh child process (this same Python,
this same project), so that each phase's peak RSS is its own and no phase inherits
another's caches. The parent creates and drops the scratch database; a child reports
one JSON object on its last line of standard output.

Only databases whose name starts with ``bench_`` are ever created or dropped here;
``expansion`` and ``test_expansion`` (CI and tests) are refused outright.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
FORBIDDEN = {"expansion", "test_expansion", "postgres", "template0", "template1"}
RESULT_PREFIX = "BENCH-RESULT "


# --------------------------------------------------------------------------- databases


def db_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _check_name(name: str) -> None:
    if name in FORBIDDEN or not name.startswith("bench_") or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to use database {name!r}: benchmark databases are named bench_*")


def admin_connection() -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(db_url("postgres"), autocommit=True)


def recreate_database(name: str) -> None:
    """Drop (if present) and create an empty scratch database, then migrate it."""
    _check_name(name)
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    run_manage(name, "migrate", "--noinput", "-v", "0")


def drop_database(name: str) -> None:
    _check_name(name)
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_env(database: str) -> dict[str, str]:
    """The environment of every measured process: the scratch database, DEBUG off
    (so Django keeps no query log unless a benchmark asks for it), no broker (Celery
    runs tasks eagerly in-process, the project's default without REDIS_URL)."""
    _check_name(database)
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=db_url(database),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(PROJECT),
        PYTHONHASHSEED="0",
    )
    return env


def run_manage(database: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT, env=child_env(database), check=True)


class ChildFailed(SystemExit):
    """A child process failed or reported nothing (exits the parent unless caught)."""


def run_child(script: Path, database: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run `script --child ARGS` in a fresh process; return the JSON it reports."""
    started = time.perf_counter()
    load_start = round(os.getloadavg()[0], 2)
    proc = subprocess.run(
        [PYTHON, str(script), "--child", *args],
        cwd=PROJECT,
        env=child_env(database),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:])
        sys.stderr.write(proc.stderr[-8000:])
        raise ChildFailed(f"child {script.name} {' '.join(args)} failed with status {proc.returncode}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result.setdefault("process_wall_s", time.perf_counter() - started)
            result.setdefault("loadavg_1m_start", load_start)
            return result
    raise ChildFailed(f"child {script.name} reported no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def report(result: dict[str, Any]) -> None:
    """Called by a child as its last act; adds the load average (the machine may be shared)."""
    result.setdefault("loadavg_1m_end", round(os.getloadavg()[0], 2))
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def django_setup() -> None:
    sys.path.insert(0, str(PROJECT))
    os.chdir(PROJECT)
    import django

    django.setup()


# --------------------------------------------------------------------------- figures


def peak_rss_mb() -> float:
    """High-water mark of this process's resident set (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process on this machine (a PostgreSQL backend: the
    server's share of the work), or None when it cannot be read (server elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: list[str]) -> str:
        return (
            "| "
            + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            + " |"
        )

    sep = "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def machine() -> dict[str, str]:
    def sh(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return "?"

    mem = "?"
    try:
        for row in Path("/proc/meminfo").read_text().splitlines():
            if row.startswith("MemTotal:"):
                mem = f"{int(row.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        with admin_connection() as conn:
            version = conn.execute("SHOW server_version").fetchone()
            pg = version[0] if version else "?"
    except Exception:  # noqa: BLE001 - informational only
        pg = "?"
    return {
        "nproc": sh("nproc"),
        "memory": mem,
        "postgresql": pg,
        "python": platform.python_version(),
    }


def profile_top(profile_path: Path, limit: int = 20) -> str:
    """The top functions of a cProfile dump, by own time and by cumulative time,
    with project-relative paths (site-packages shortened)."""
    import pstats

    stats = pstats.Stats(str(profile_path))
    total = stats.total_tt or 1e-9  # type: ignore[attr-defined]  # undocumented; typeshed omits it
    rows = []
    for (filename, lineno, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]  # as above
        name = filename
        if name.startswith(str(PROJECT) + "/"):
            name = name[len(str(PROJECT)) + 1 :]
        if "site-packages/" in name:
            name = name.split("site-packages/", 1)[1]
        elif "/lib/python" in name:
            name = "stdlib/" + name.split("/lib/python", 1)[1].split("/", 1)[-1]
        rows.append((tt, ct, nc, f"{name}:{lineno}({func})"))
    out = [f"profile total {total:.2f} s (profiled run; cProfile adds overhead to Python-heavy code)"]
    for title, key in (("own time", 0), ("cumulative time", 1)):
        out.append(f"-- top {limit} by {title} --")
        out.append(f"{'own s':>8} {'cum s':>8} {'%cum':>5} {'calls':>10}  function")
        for tt, ct, nc, name in sorted(rows, key=lambda r: r[key], reverse=True)[:limit]:
            out.append(f"{tt:8.2f} {ct:8.2f} {100 * ct / total:5.1f} {nc:10d}  {name}")
    return "\n".join(out)


# --------------------------------------------------------------------------- texts


def demo_texts(seeds: tuple[int, ...] = (11, 12, 13)) -> tuple[list[str], list[tuple[str, str]]]:
    """Realistic customer texts from the project's demo book (accounts.demo): inbound
    interactions, and tickets as (subject, body). Several seeds give a few thousand of each."""
    import datetime as dt

    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from accounts.demo import generate_demo_records

    interactions: set[str] = set()
    tickets: set[tuple[str, str]] = set()
    for seed in seeds:
        for record in generate_demo_records(seed=seed, accounts=200, today=dt.date(2026, 11, 23)):
            if record["type"] == "interaction" and record.get("direction", "inbound") == "inbound":
                interactions.add(record["text"])
            elif record["type"] == "ticket":
                tickets.add((record["subject"], record.get("body") or ""))
    return sorted(interactions), sorted(tickets)


def git_state() -> str:
    """The commit the figures were measured on, and whether the tree had local changes."""
    if os.environ.get("BENCH_GIT_STATE"):
        return os.environ["BENCH_GIT_STATE"]

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=PROJECT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except OSError:
            return ""

    head = git("rev-parse", "--short", "HEAD") or "?"
    dirty = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line.strip()]
    return f"{head}{f' + {len(dirty)} locally modified file(s)' if dirty else ''}"


# --------------------------------------------------------------------------- snapshot


SNAPSHOT_IGNORE = (
    ".venv",
    ".git",
    "var",
    "db.sqlite3*",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "tests",
    "*.prof",
    "results",
)


def run_from_snapshot(workdir: str) -> None:
    """Re-run this benchmark from a copy of the source tree taken now, then exit.

    Other people edit the tree while a benchmark runs; without a snapshot, the child
    processes of one run could import different versions of the code (or a file caught
    mid-edit). The copy leaves out the venv, .git, var/ and tests; the venv's Python is
    used as is. BENCH_IN_PLACE=1 runs on the live tree instead.
    """
    import shutil

    if os.environ.get("BENCH_SNAPSHOT") or os.environ.get("BENCH_IN_PLACE"):
        return
    base = Path(workdir)
    base.mkdir(parents=True, exist_ok=True)
    dest = base / f"src-{os.getpid()}-{int(time.time())}"
    shutil.copytree(PROJECT, dest, ignore=shutil.ignore_patterns(*SNAPSHOT_IGNORE))
    env = dict(os.environ, BENCH_SNAPSHOT=str(dest), BENCH_GIT_STATE=git_state())
    script = dest / Path(sys.argv[0]).resolve().relative_to(PROJECT)
    print(f"source snapshot: {git_state()} copied to {dest}", flush=True)
    try:
        code = subprocess.run([PYTHON, str(script), *sys.argv[1:]], env=env).returncode
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    raise SystemExit(code)
