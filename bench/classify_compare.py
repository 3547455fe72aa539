#!/usr/bin/env python
"""Two checkouts' classifiers on the same messages, alternated: is a change faster or slower?

    .venv/bin/python bench/classify_compare.py /path/to/other/checkout [--rounds 3]

On a shared 2-core machine a fresh-process benchmark moves by 10% from run to run, more than
most changes to the classifier. This runs `classify_texts` on `classify_throughput.messages(
20000, 20261123)` in a fresh process per checkout, the checkouts in turn (the order swapped
every round), `--rounds` times, and prints messages per CPU second of the call only (the model
comes from each checkout's local model cache, trained first if absent and not timed; a first
call on 50 messages, not timed, compiles the rules as any later call finds them). Both run
with this interpreter and its packages; only the code (and corpus) is the other checkout's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

_CHILD = """
import os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
import _common
_common.django_setup()
from signals.classifier import model
import classify_throughput
texts = classify_throughput.messages(20000, 20261123)
model.get_models()
model.classify_texts(texts[:50])  # rules compiled, tables built: as any later call finds them
start = time.process_time()
model.classify_texts(texts)
print(len(texts) / (time.process_time() - start))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of this repository")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    checkouts = [HERE, args.other.resolve()]
    results: dict[Path, list[float]] = {c: [] for c in checkouts}
    for n in range(args.rounds):
        for checkout in checkouts if n % 2 == 0 else checkouts[::-1]:
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(checkout)], cwd=checkout, capture_output=True, text=True
            )
            if out.returncode:
                sys.exit(f"{checkout}: the child failed\n{out.stderr}")
            results[checkout].append(float(out.stdout.strip().splitlines()[-1]))
    for checkout, rates in results.items():
        print(
            f"{checkout}: " + " / ".join(f"{r:,.0f}" for r in rates) + " msg/s per core (CPU time of the call)"
            f", median {statistics.median(rates):,.0f}"
        )


if __name__ == "__main__":
    main()
