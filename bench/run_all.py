#!/usr/bin/env python
"""Run every benchmark in turn (what `make bench` does): about 15-20 minutes in all.

    .venv/bin/python bench/run_all.py [--quick] [--no-profile]

--quick runs each at a tenth of its size (a smoke test of the benchmarks themselves;
its figures are not comparable with docs/benchmarks.md). Each benchmark prints its own
tables; the raw figures also go to bench/results/<name>-<date>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = dt.date.today().isoformat()
    runs = [
        ("import_usage", ["--rows", "100000", "--accounts", "200"] if args.quick else []),
        ("rescore", ["--accounts", "2000"] if args.quick else []),
        ("classify_throughput", ["--messages", "2000"] if args.quick else []),
    ]
    failed = []
    for name, extra in runs:
        print(f"\n##### bench/{name}.py {' '.join(extra)}", flush=True)
        cmd = [sys.executable, str(HERE / f"{name}.py"), *extra, "--json", str(results / f"{name}-{stamp}.json")]
        if args.no_profile:
            cmd.append("--no-profile")
        if subprocess.run(cmd).returncode != 0:
            failed.append(name)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
